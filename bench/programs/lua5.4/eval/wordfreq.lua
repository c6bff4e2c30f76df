-- Evaluation: word frequencies of generated prose, sorted and reported.
local n = math.floor(tonumber(arg[1]) * 175000)
local syll = { "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "xi", "zu", "an", "er" }
local seed = 777
local function rnd(m)
  seed = (seed * 69069 + 1) % 4294967296
  return seed // 65536 % m
end
local parts = {}
for i = 1, n do
  local w = {}
  for j = 1, rnd(3) + 1 do w[j] = syll[rnd(#syll) + 1] end
  local word = table.concat(w)
  if rnd(9) == 0 then word = word:sub(1, 1):upper() .. word:sub(2) end
  parts[i] = word .. (rnd(12) == 0 and ". " or " ")
end
local text = table.concat(parts)
local freq, order = {}, {}
for word in text:gmatch("%a+") do
  local w = word:lower()
  local c = freq[w]
  if not c then order[#order + 1] = w; c = 0 end
  freq[w] = c + 1
end
table.sort(order, function(a, b)
  if freq[a] ~= freq[b] then return freq[a] > freq[b] end
  return a < b
end)
local report = {}
for i = 1, math.min(15, #order) do
  report[i] = string.format("%-10s %6d %5.2f%%", order[i], freq[order[i]], 100 * freq[order[i]] / n)
end
local sentences = select(2, text:gsub("%. ", ". "))
print(#order, sentences, report[1], report[15])
