-- Training: closures, higher-order functions, varargs and coroutines.
local n = math.floor(tonumber(arg[1]) * 700000)
local function map(t, f) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local function filter(t, f) local r = {} for i = 1, #t do if f(t[i]) then r[#r + 1] = t[i] end end return r end
local function reduce(t, f, a) for i = 1, #t do a = f(a, t[i]) end return a end
local function counter()
  local c = 0
  return function(k) c = c + (k or 1); return c end
end
local function compose(...)
  local fs = { ... }
  return function(x) for i = #fs, 1, -1 do x = fs[i](x) end return x end
end
local xs = {}
for i = 1, n do xs[i] = i end
local inc = counter()
local f = compose(function(x) return x * 2 end, function(x) return x + 1 end)
local ys = map(xs, function(x) inc(); return f(x) end)
local odd = filter(ys, function(y) return y % 3 == 0 end)
local total = reduce(odd, function(a, b) return a + b end, 0)
local gen = coroutine.wrap(function()
  for i = 1, n // 4 do coroutine.yield(i, i * i) end
end)
local s = 0
for _ = 1, n // 4 do local a, b = gen(); s = s + a + b % 7 end
local function sum(...)
  local t = 0
  for i = 1, select("#", ...) do t = t + select(i, ...) end
  return t
end
local vs = 0
for i = 1, n // 8 do vs = vs + sum(i, i + 1, i + 2, i + 3) end
print(#ys, #odd, total, inc(0), s, vs)
