-- Training: sorting and reshaping arrays of numbers and records.
local n = math.floor(tonumber(arg[1]) * 60000)
local seed = 12345
local function rnd(m)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % m
end
local nums = {}
for i = 1, n do nums[i] = rnd(100000) end
table.sort(nums)
table.sort(nums, function(a, b) return a > b end)
local recs = {}
for i = 1, n // 2 do
  recs[i] = { id = i, score = rnd(1000), name = "user" .. rnd(5000) }
end
table.sort(recs, function(a, b)
  if a.score ~= b.score then return a.score > b.score end
  return a.name < b.name
end)
local top = {}
for i = 1, 20 do top[#top + 1] = recs[i].name end
local moved = table.move(nums, 1, n // 4, 1, {})
for i = 1, #moved // 8 do table.insert(moved, i * 3, -i) end
for _ = 1, #moved // 16 do table.remove(moved, 1) end
local sum = 0
for _, v in ipairs(moved) do sum = sum + v end
print(#nums, nums[1], nums[n], sum, table.concat(top, ","))
