#!/bin/bash
# Runs the whole test suite with GCC and Clang: layers and networks against PyTorch's
# references on every SIMD target this CPU runs, compile-time checks, compile-fail
# diagnostics, allocation counting, and the CMake consumers.
# On a fresh Debian 12 machine as root it first installs what it needs.
#
#   bash scripts/test.sh              # both compilers
#   CTINFER_COMPILERS=g++ bash scripts/test.sh
#   CTINFER_SKIP_APT=1 bash scripts/test.sh   # do not touch apt
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    g++ clang-14 cmake make libboost-dev libhwy-dev doctest-dev python3 >/dev/null
fi

compilers=${CTINFER_COMPILERS:-"g++ clang++-14"}
jobs=${CTINFER_JOBS:-2}
status=0
for cxx in $compilers; do
  dir="build-tests-${cxx//+/x}"
  echo "=== ${cxx}: configure, build, test (${dir})"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
  start=$(date +%s)
  cmake --build "$dir" -j"$jobs"
  echo "=== ${cxx}: built in $(( $(date +%s) - start )) s"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" || status=1
done

# The PyTorch fixtures are generated, not hand-made: when PyTorch is here, regenerate them
# and require the committed files to be identical.
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  tmp=$(mktemp -d)
  /usr/bin/python3 tests/reference/make_fixtures.py "$tmp" >/dev/null
  if diff -r "$tmp" tests/fixtures >/dev/null; then
    echo "=== fixtures: regenerated with PyTorch, identical to the committed ones"
  else
    echo "=== fixtures: regenerated files differ from tests/fixtures"; status=1
  fi
  rm -rf "$tmp"
else
  echo "=== fixtures: PyTorch not installed, regeneration check skipped (apt-get install python3-torch)"
fi
exit $status
