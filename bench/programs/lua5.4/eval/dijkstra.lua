-- Evaluation: a binary-heap class used for shortest paths on a grid graph.
local side = math.floor(200 * math.sqrt(tonumber(arg[1])) + 10)
local Heap = {}
Heap.__index = Heap
function Heap.new(less) return setmetatable({ n = 0, less = less }, Heap) end
function Heap:push(v)
  local n = self.n + 1
  self.n = n
  self[n] = v
  while n > 1 do
    local p = n // 2
    if not self.less(self[n], self[p]) then break end
    self[n], self[p] = self[p], self[n]
    n = p
  end
end
function Heap:pop()
  local top = self[1]
  self[1] = self[self.n]
  self[self.n] = nil
  self.n = self.n - 1
  local i = 1
  while true do
    local l, r, m = 2 * i, 2 * i + 1, i
    if l <= self.n and self.less(self[l], self[m]) then m = l end
    if r <= self.n and self.less(self[r], self[m]) then m = r end
    if m == i then break end
    self[i], self[m] = self[m], self[i]
    i = m
  end
  return top
end
local Graph = {}
Graph.__index = Graph
function Graph.new(w)
  local g = setmetatable({ w = w, cost = {} }, Graph)
  local s = 99
  for i = 1, w * w do s = (s * 75 + 74) % 65537; g.cost[i] = s % 9 + 1 end
  return g
end
function Graph:neighbours(i)
  local w, r = self.w, {}
  local x = (i - 1) % w
  if x > 0 then r[#r + 1] = i - 1 end
  if x < w - 1 then r[#r + 1] = i + 1 end
  if i > w then r[#r + 1] = i - w end
  if i <= w * (w - 1) then r[#r + 1] = i + w end
  return r
end
function Graph:shortest(from)
  local dist = { [from] = 0 }
  local h = Heap.new(function(a, b) return a[1] < b[1] end)
  h:push({ 0, from })
  while h.n > 0 do
    local e = h:pop()
    local d, u = e[1], e[2]
    if d == dist[u] then
      for _, v in ipairs(self:neighbours(u)) do
        local nd = d + self.cost[v]
        if not dist[v] or nd < dist[v] then dist[v] = nd; h:push({ nd, v }) end
      end
    end
  end
  return dist
end
local g = Graph.new(side)
local d1 = g:shortest(1)
local d2 = g:shortest(side * side // 2)
print(side, d1[side * side], d2[1], d2[side])
