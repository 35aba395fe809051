#!/bin/bash
# The main demo: train a digits MLP in PyTorch, run it with ctinfer, compare.
# Works on a fresh Debian 12 machine as root: installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    g++ cmake make libboost-dev libhwy-dev python3-torch python3-sklearn python3-numpy >/dev/null
fi
work=build-demo
cmake -S . -B "$work" -DCMAKE_BUILD_TYPE=Release -DCTINFER_BUILD_TESTS=OFF >/dev/null
cmake --build "$work" --target digits_mlp -j2 >/dev/null
/usr/bin/python3 examples/digits/train.py "$work/digits"
"$work/examples/digits_mlp" "$work/digits"
