-- Evaluation: parse CSV records, aggregate by group and print a report.
local n = math.floor(tonumber(arg[1]) * 54000)
local cities = { "Oslo", "Lima", "Pune", "Kyiv", "Graz", "Nice", "Bonn", "Riga" }
local rows = { "id,city,qty,price,note" }
for i = 1, n do
  rows[#rows + 1] = string.format('%d,%s,%d,%.2f,"note %d, item %d"', i, cities[i % #cities + 1],
    i % 17 + 1, (i * 37 % 1000) / 10, i, i % 3)
end
local csv = table.concat(rows, "\n")
local function fields(line)
  local r, pos = {}, 1
  while pos <= #line + 1 do
    if line:sub(pos, pos) == '"' then
      local e = line:find('"', pos + 1, true)
      r[#r + 1] = line:sub(pos + 1, e - 1)
      pos = e + 2
    else
      local e = line:find(",", pos, true) or #line + 1
      r[#r + 1] = line:sub(pos, e - 1)
      pos = e + 1
    end
  end
  return r
end
local groups, header = {}, nil
for line in csv:gmatch("[^\n]+") do
  local f = fields(line)
  if not header then header = f
  else
    local g = groups[f[2]]
    if not g then g = { n = 0, qty = 0, value = 0 }; groups[f[2]] = g end
    g.n = g.n + 1
    g.qty = g.qty + tonumber(f[3])
    g.value = g.value + tonumber(f[3]) * tonumber(f[4])
  end
end
local keys = {}
for k in pairs(groups) do keys[#keys + 1] = k end
table.sort(keys)
local out = {}
for _, k in ipairs(keys) do
  local g = groups[k]
  out[#out + 1] = string.format("%-5s %6d %8d %12.2f", k, g.n, g.qty, g.value)
end
print(#header, table.concat(out, "|"))
