-- Training: a small JSON encoder and decoder, round-tripping records.
local n = math.floor(tonumber(arg[1]) * 9000)
local function encode(v, out)
  local t = type(v)
  if t == "table" then
    if #v > 0 then
      out[#out + 1] = "["
      for i = 1, #v do if i > 1 then out[#out + 1] = "," end encode(v[i], out) end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = k end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = string.format("%q:", k)
        encode(v[k], out)
      end
      out[#out + 1] = "}"
    end
  elseif t == "string" then out[#out + 1] = '"' .. v:gsub('[%c"\\]', "") .. '"'
  else out[#out + 1] = tostring(v) end
end
local function decode(s)
  local pos = 1
  local value
  local function ws() pos = s:find("[^ \n\t]", pos) or #s + 1 end
  local function str()
    local e = s:find('"', pos + 1, true)
    local r = s:sub(pos + 1, e - 1)
    pos = e + 1
    return r
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local r = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1 return r end
      repeat
        ws(); local k = str(); ws(); pos = pos + 1
        r[k] = value(); ws()
        c = s:sub(pos, pos); pos = pos + 1
      until c == "}"
      return r
    elseif c == "[" then
      local r = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1 return r end
      repeat
        r[#r + 1] = value(); ws()
        c = s:sub(pos, pos); pos = pos + 1
      until c == "]"
      return r
    elseif c == '"' then return str()
    else
      local e = s:find("[,%]}]", pos) or #s + 1
      local tok = s:sub(pos, e - 1)
      pos = e
      if tok == "true" then return true elseif tok == "false" then return false end
      return tonumber(tok)
    end
  end
  return value()
end
local docs = {}
for i = 1, n do
  docs[i] = { id = i, name = "item" .. i, tags = { "a" .. i % 5, "b" .. i % 7 },
              price = i * 1.25, ok = i % 2 == 0, dims = { w = i % 13, h = i % 11 } }
end
local out = {}
encode(docs, out)
local text = table.concat(out)
local back = decode(text)
local s = 0
for _, d in ipairs(back) do s = s + d.id + d.dims.w + #d.tags[2] end
print(#text, #back, s, back[3].name, back[n].price)
