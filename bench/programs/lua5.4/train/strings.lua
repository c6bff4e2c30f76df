-- Training: formatting, searching and rewriting text.
local n = math.floor(tonumber(arg[1]) * 60000)
local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
                "iota", "kappa", "lambda", "mu" }
local lines = {}
for i = 1, n do
  local w = words[i % #words + 1]
  lines[i] = string.format("%06d %-8s %8.3f %s=%d", i, w, i / 7, w:upper(), i * 31 % 997)
end
local text = table.concat(lines, "\n")
local count, total = 0, 0
for id, word, val in text:gmatch("(%d+) (%a+)%s+[%d%.]+ %u+=(%d+)") do
  count = count + 1
  total = total + #word + tonumber(val) + tonumber(id) % 3
end
local replaced, nrep = text:gsub("(%a+)=(%d+)", function(k, v) return v .. ":" .. k:lower() end)
local pos, hits = 1, 0
while true do
  local s, e = replaced:find("gamma", pos, true)
  if not s then break end
  hits, pos = hits + 1, e + 1
end
local rev = {}
for i = 1, 200 do rev[i] = lines[i]:reverse():sub(2, 20) end
print(count, total, nrep, hits, #replaced, rev[7], ("ab"):rep(5, "-"))
