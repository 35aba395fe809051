#!/usr/bin/env python3
"""Whether a regenerated fixture header equals the committed one, up to the last bits of
its numbers: python3 same_fixture.py REGENERATED COMMITTED.

The text outside numbers and every integer (sizes, counts) must be identical, and every other
number within TOLERANCE * max(1, |value|) of its committed value. PyTorch's CPU kernels follow the CPU's SIMD width and cache sizes, so
float results regenerated on another CPU differ in their last bits (between an AVX2 and an
AVX-512 machine: at most 1.7e-6 absolute, 1.0e-6 relative to max(1, |value|), in conv.hpp);
anything larger means the generator or its inputs changed. Exit status 0 when equal; 1 with
the first difference printed otherwise.
"""
import re
import sys

TOLERANCE = 1e-5

NUMBER = re.compile(r"[-+]?0x[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?p[-+]?\d+"
                    r"|[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?[fF]?")
INTEGER = re.compile(r"[-+]?\d+")


def pieces(text):
    """Alternating text and number pieces: (False, text), (True, number), ..."""
    out, pos = [], 0
    for m in NUMBER.finditer(text):
        out += [(False, text[pos:m.start()]), (True, m.group())]
        pos = m.end()
    return out + [(False, text[pos:])]


def value(token):
    token = token.rstrip("fF")
    return float.fromhex(token) if "x" in token.lower() else float(token)


def main(regenerated, committed):
    with open(regenerated, encoding="utf-8") as f:
        new = pieces(f.read())
    with open(committed, encoding="utf-8") as f:
        old = pieces(f.read())
    if len(new) != len(old):
        print(f"{committed}: {len(new) // 2} numbers regenerated, {len(old) // 2} committed")
        return 1
    for (is_number, a), (_, b) in zip(new, old):
        if a == b:
            continue
        if not is_number or INTEGER.fullmatch(a) or INTEGER.fullmatch(b) or \
                abs(value(a) - value(b)) > TOLERANCE * max(1.0, abs(value(b))):
            print(f"{committed}: regenerated {a[:60]!r} where the committed file has {b[:60]!r}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
