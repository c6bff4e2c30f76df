-- Evaluation: allocation-heavy recursion (the binary-trees benchmark).
local depth = 12
local reps = math.max(1, math.floor(tonumber(arg[1]) * 5))
local function make(d)
  if d == 0 then return { false, false } end
  d = d - 1
  return { make(d), make(d) }
end
local function check(t)
  if not t[1] then return 1 end
  return 1 + check(t[1]) + check(t[2])
end
local long = make(depth)
local total = 0
for _ = 1, reps do
  for d = 4, depth, 2 do
    local iters = 1 << (depth - d + 2)
    local c = 0
    for _ = 1, iters do c = c + check(make(d)) end
    total = total + c
  end
end
print(reps, total, check(long))
