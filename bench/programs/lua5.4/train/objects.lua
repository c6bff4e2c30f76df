-- Training: classes with metatables, inheritance and operators.
local n = math.floor(tonumber(arg[1]) * 72000)
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
Vec.__add = function(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
Vec.__mul = function(a, k) return Vec.new(a.x * k, a.y * k) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
function Vec:len2() return self.x * self.x + self.y * self.y end

local Shape = {}
Shape.__index = Shape
function Shape.new(kind, pos) return setmetatable({ kind = kind, pos = pos }, Shape) end
function Shape:area() return 0 end
function Shape:describe() return self.kind .. "@" .. tostring(self.pos) end
local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle
function Circle.new(pos, r) local c = Shape.new("circle", pos); c.r = r; return setmetatable(c, Circle) end
function Circle:area() return 3 * self.r * self.r end
local Rect = setmetatable({}, { __index = Shape })
Rect.__index = Rect
function Rect.new(pos, w, h) local s = Shape.new("rect", pos); s.w, s.h = w, h; return setmetatable(s, Rect) end
function Rect:area() return self.w * self.h end

local shapes, acc = {}, Vec.new(0, 0)
for i = 1, n do
  local p = Vec.new(i % 17, i % 23) * 2
  acc = acc + p
  if i % 3 == 0 then shapes[#shapes + 1] = Circle.new(p, i % 5 + 1)
  else shapes[#shapes + 1] = Rect.new(p, i % 7 + 1, i % 4 + 1) end
end
local area, eq = 0, 0
for _, s in ipairs(shapes) do
  area = area + s:area()
  if s.pos == Vec.new(0, 0) then eq = eq + 1 end
end
print(#shapes, area, eq, tostring(acc), acc:len2(), shapes[5]:describe())
