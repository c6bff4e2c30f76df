-- Evaluation: an event emitter with closures as handlers, and a coroutine pipeline.
local n = math.floor(tonumber(arg[1]) * 600000)
local Emitter = {}
Emitter.__index = Emitter
function Emitter.new() return setmetatable({ handlers = {} }, Emitter) end
function Emitter:on(name, f)
  local hs = self.handlers[name]
  if not hs then hs = {}; self.handlers[name] = hs end
  hs[#hs + 1] = f
end
function Emitter:emit(name, ...)
  local hs = self.handlers[name]
  if hs then for i = 1, #hs do hs[i](...) end end
end
local e = Emitter.new()
local stats = { clicks = 0, keys = 0, bytes = 0, last = "" }
e:on("click", function(x, y) stats.clicks = stats.clicks + x * y % 5 end)
e:on("click", function(x) if x % 100 == 0 then stats.last = "c" .. x end end)
e:on("key", function(k) stats.keys = stats.keys + 1; stats.last = k end)
e:on("data", function(s) stats.bytes = stats.bytes + #s end)
local names = { "click", "key", "data", "idle" }
local function producer()
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(names[i % 4 + 1], i) end
  end)
end
local function filter(src)
  return coroutine.wrap(function()
    for name, i in src do
      if name ~= "idle" then coroutine.yield(name, i) end
    end
  end)
end
for name, i in filter(producer()) do
  if name == "click" then e:emit(name, i, i % 13)
  elseif name == "key" then e:emit(name, string.char(97 + i % 26))
  else e:emit(name, ("x"):rep(i % 9)) end
end
print(stats.clicks, stats.keys, stats.bytes, stats.last)
