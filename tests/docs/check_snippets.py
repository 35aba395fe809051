#!/usr/bin/python3
"""The C++ snippets of the documentation are compiled: each one is a file that CI builds.

A fenced block in README.md or docs/*.md that is preceded by a marker line

    <!-- compiled: examples/docs/first_model.cpp -->
    ```cpp
    ...
    ```

must be identical to that file (the file is built by examples/CMakeLists.txt with
ctinfer_example, and run as a test). This script checks every marker: the file exists, the
block right after the marker is a ```cpp block, and its text equals the file's. It also checks
that every examples/docs/*.cpp file is shown by some marker, so that none is left behind.

    /usr/bin/python3 tests/docs/check_snippets.py [repository root]     (also run by ctest)

Exit status 0 when everything matches, 1 otherwise (with a unified diff per mismatch).
"""

import difflib
import glob
import os
import re
import sys

MARKER = re.compile(r"^\s*<!--\s*compiled:\s*(\S+)\s*-->\s*$")
FENCE_OPEN = re.compile(r"^```cpp\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")


def snippets(md_path):
    """Yields (marker line number, file named by the marker, block text or None, problem)."""
    with open(md_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if not m:
            i += 1
            continue
        marker_line, target = i + 1, m.group(1)
        j = i + 1
        while j < len(lines) and lines[j].strip() == "":
            j += 1
        if j >= len(lines) or not FENCE_OPEN.match(lines[j]):
            yield marker_line, target, None, "the marker is not followed by a ```cpp block"
            i = j
            continue
        k = j + 1
        while k < len(lines) and not FENCE_CLOSE.match(lines[k]):
            k += 1
        if k >= len(lines):
            yield marker_line, target, None, "the ```cpp block is not closed"
            return
        yield marker_line, target, "\n".join(lines[j + 1:k]) + "\n", None
        i = k + 1


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    docs = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    errors, shown, count = [], set(), 0
    for md in docs:
        if not os.path.exists(md):
            continue
        rel_md = os.path.relpath(md, root)
        for line, target, block, problem in snippets(md):
            where = f"{rel_md}:{line}"
            if problem:
                errors.append(f"{where}: {problem}")
                continue
            path = os.path.normpath(os.path.join(root, target))
            shown.add(path)
            if not os.path.isfile(path):
                errors.append(f"{where}: {target} does not exist")
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            count += 1
            if text.rstrip("\n") + "\n" != block:
                diff = difflib.unified_diff(text.rstrip("\n").split("\n"), block.rstrip("\n").split("\n"),
                                            fromfile=target, tofile=f"{where} (the doc's block)", lineterm="")
                errors.append(f"{where}: the block differs from {target}:\n" + "\n".join(diff))
    for path in sorted(glob.glob(os.path.join(root, "examples", "docs", "*.cpp"))):
        if os.path.normpath(path) not in shown:
            errors.append(f"{os.path.relpath(path, root)}: not shown in any doc (add a "
                          f"`<!-- compiled: {os.path.relpath(path, root)} -->` block, or remove it)")
    for e in errors:
        print(e)
    if errors:
        print(f"check_snippets: {len(errors)} problem(s)")
        return 1
    print(f"check_snippets: {count} compiled snippet(s) identical to their files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
