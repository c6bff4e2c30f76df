#!/usr/bin/env python3
"""Makes synthetic raw profiles from real v10 ones: a v9 copy (LLVM 18
layout), a copy with a vtable section and vtable names, and a copy
without its value-profile data.  Usage: synth.py DIR"""
import struct, sys, os
D = sys.argv[1]
def rd(b, o): return struct.unpack_from('<Q', b, o)[0]
def pad8(n): return (-n) % 8
def uleb(n):
    out = b''
    while True:
        c = n & 0x7f; n >>= 7
        if n: out += bytes([c | 0x80])
        else: return out + bytes([c])

def v10_to_v9(b):
    h = [rd(b, 8*i) for i in range(16)]
    assert h[1] & 0xffffffff == 10
    h9 = h[:13] + [1]            # drop NumVTables, VNamesSize; ValueKindLast = MemOPSize
    h9[1] = (h[1] & ~0xffffffff) | 9
    assert h[13] == 0 and h[14] == 0
    out = b''.join(struct.pack('<Q', x) for x in h9)
    p = 128
    out += b[p:p+h[2]]; p += h[2]
    for i in range(h[3]):
        r = bytearray(b[p+64*i:p+64*(i+1)])
        assert r[56:58] == b'\0\0'      # no vtable value sites
        nb = r[60:64]
        r[56:60] = nb; r[60:64] = b'\0\0\0\0'
        out += bytes(r)
    p += 64*h[3]
    out += b[p:]
    return out

def add_vtables(b):
    h = [rd(b, 8*i) for i in range(16)]
    p = 128 + h[2] + 64*h[3] + h[4] + 8*h[5] + h[6] + h[7] + h[8] + h[9] + pad8(h[9])
    assert p == len(b)
    vt = b''
    for i, (nm, addr, size) in enumerate([(b'_ZTV3Foo', 0x5000, 40), (b'_ZTV3Bar', 0x5040, 32)]):
        import hashlib
        hsh = struct.unpack('<Q', hashlib.md5(nm).digest()[:8])[0]
        vt += struct.pack('<QQI4x', hsh, addr, size)
    names = b'_ZTV3Foo\x01_ZTV3Bar'
    vn = uleb(len(names)) + uleb(0) + names
    hb = bytearray(b[:128])
    struct.pack_into('<Q', hb, 13*8, 2)
    struct.pack_into('<Q', hb, 14*8, len(vn))
    return bytes(hb) + b[128:] + vt + b'\0'*pad8(len(vt)) + vn + b'\0'*pad8(len(vn))

def strip_values(b):
    h = [rd(b, 8*i) for i in range(16)]
    p = 128 + h[2] + 64*h[3] + h[4] + 8*h[5] + h[6] + h[7] + h[8] + h[9] + pad8(h[9])
    return b[:p]

def rw(src, dst, f):
    open(os.path.join(D, dst), 'wb').write(f(open(os.path.join(D, src), 'rb').read()))
rw('v10-ir.profraw', 'v9-ir.profraw', v10_to_v9)
rw('v10-mcdc.profraw', 'v9-mcdc.profraw', v10_to_v9)
rw('v10-ir.profraw', 'v10-vtables.profraw', add_vtables)
rw('v10-vp.profraw', 'v10-vp-nodata.profraw', strip_values)
