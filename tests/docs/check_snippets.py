#!/usr/bin/python3
"""The C++ snippets of the documentation are compiled: each one is (part of) a file that CI builds.

Every ```cpp block in README.md and docs/*.md is preceded by a marker line naming where it is
compiled:

    <!-- compiled: examples/docs/first_model.cpp -->    the block is that whole file
    <!-- excerpt: tests/compile_fail/missing_flatten.cpp -->   the block's lines appear, in
                                                       order and contiguous, in that file
    <!-- abridged: why -->    a listing shortened with "..." (e.g. a generated header), shown
                              for its shape and not compiled; kept for the few such listings

The named files are built by CMake (examples/CMakeLists.txt with ctinfer_example, the tests,
the compile-fail tests, which check that the mistake a doc shows is refused with the message it
quotes). This script checks every block: it has a marker, the file exists, the text matches
(for excerpts, blank lines and blanks at either end of a line are ignored). It also checks that every examples/docs/*.cpp file is
named by some marker, so that none is left behind.

    /usr/bin/python3 tests/docs/check_snippets.py [repository root]     (also run by ctest)

Exit status 0 when everything matches, 1 otherwise (with a unified diff per mismatch).
"""

import difflib
import glob
import os
import re
import sys

MARKER = re.compile(r"^\s*<!--\s*(compiled|excerpt|abridged):\s*(.*?)\s*-->\s*$")
FENCE_OPEN = re.compile(r"^```cpp\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")


def blocks(md_path):
    """Yields (line of the fence, kind, target, block lines) for every ```cpp block; kind and
    target are those of the marker on the closest non-blank line above, or None."""
    with open(md_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if not FENCE_OPEN.match(lines[i]):
            i += 1
            continue
        above = i - 1
        while above >= 0 and lines[above].strip() == "":
            above -= 1
        m = MARKER.match(lines[above]) if above >= 0 else None
        k = i + 1
        while k < len(lines) and not FENCE_CLOSE.match(lines[k]):
            k += 1
        yield i + 1, (m.group(1) if m else None), (m.group(2) if m else None), lines[i + 1:k]
        i = k + 1


def contains(file_lines, block_lines):
    """True when block_lines occur in file_lines, contiguous and in order; blank lines, and blanks
    at either end of a line, are ignored (a doc may show an indented line flush left)."""
    f = [l.strip() for l in file_lines if l.strip()]
    b = [l.strip() for l in block_lines if l.strip()]
    return any(f[i:i + len(b)] == b for i in range(len(f) - len(b) + 1))


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    docs = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    errors, shown, counts = [], set(), {"compiled": 0, "excerpt": 0, "abridged": 0}
    for md in docs:
        if not os.path.exists(md):
            continue
        rel_md = os.path.relpath(md, root)
        for line, kind, target, block in blocks(md):
            where = f"{rel_md}:{line}"
            if kind is None:
                errors.append(f"{where}: a ```cpp block without a marker (<!-- compiled: FILE -->, "
                              f"<!-- excerpt: FILE --> or <!-- abridged: why -->) on the line above")
                continue
            counts[kind] += 1
            if kind == "abridged":
                if not target:
                    errors.append(f"{where}: <!-- abridged: --> needs a reason")
                continue
            path = os.path.normpath(os.path.join(root, target))
            shown.add(path)
            if not os.path.isfile(path):
                errors.append(f"{where}: {target} does not exist")
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if kind == "compiled" and text.rstrip("\n") + "\n" != "\n".join(block) + "\n":
                diff = difflib.unified_diff(text.rstrip("\n").split("\n"), block,
                                            fromfile=target, tofile=f"{where} (the doc's block)", lineterm="")
                errors.append(f"{where}: the block differs from {target}:\n" + "\n".join(diff))
            elif kind == "excerpt" and not contains(text.split("\n"), block):
                errors.append(f"{where}: the block's lines are not a contiguous part of {target}:\n  "
                              + "\n  ".join(block))
    for path in sorted(glob.glob(os.path.join(root, "examples", "docs", "*.cpp"))):
        if os.path.normpath(path) not in shown:
            errors.append(f"{os.path.relpath(path, root)}: not shown in any doc (add a "
                          f"`<!-- compiled: {os.path.relpath(path, root)} -->` block, or remove it)")
    for e in errors:
        print(e)
    if errors:
        print(f"check_snippets: {len(errors)} problem(s)")
        return 1
    print(f"check_snippets: {counts['compiled']} block(s) identical to their files, {counts['excerpt']} "
          f"excerpt(s) found in theirs, {counts['abridged']} abridged listing(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
