#!/usr/bin/env python3
"""Lets TorchSharp 0.107's libLibTorchSharp.so load on Debian 12 (libstdc++ of GCC 12, GLIBCXX_3.4.30).

The library asks libstdc++ for version GLIBCXX_3.4.32 for one symbol only, std::ios_base_library_init(), which GCC 13's
<iostream> references to pull in stream initialisation and which nothing calls (libtorch's own objects initialise
the streams). This marks that version requirement weak (VER_FLG_WEAK in its Vernaux entry), so the loader accepts
an older libstdc++; every other requirement stays as it is. Usage: relax-glibcxx.py FILE... (idempotent).
"""
import struct
import sys

VER_FLG_WEAK = 0x2
WANTED = b"GLIBCXX_3.4.32"


def patch(path):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise SystemExit(f"{path}: not a 64-bit ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    changed = 0
    for (_name, sh_type, _flags, _addr, offset, _size, link, info, _align, _entsize) in sections:
        if sh_type != 0x6FFFFFFE:  # SHT_GNU_verneed
            continue
        strtab = sections[link][4]
        entry = offset
        for _ in range(info):
            _version, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", data, entry)
            a = entry + aux
            for _ in range(cnt):
                _hash, flags, _other, name, anext = struct.unpack_from("<IHHII", data, a)
                end = data.index(b"\0", strtab + name)
                if bytes(data[strtab + name:end]) == WANTED and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                    changed += 1
                a += anext
            entry += nxt
    if changed:
        open(path, "wb").write(data)
    print(f"{path}: {changed} requirement(s) of {WANTED.decode()} marked weak")


for p in sys.argv[1:]:
    patch(p)
