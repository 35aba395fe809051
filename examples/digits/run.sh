#!/bin/bash
# The main demo: train a small CNN on scikit-learn's 8x8 digits with PyTorch, export it to
# ONNX, convert it to a C++ header with ctinfer_add_model at build time, compile, and classify
# the held-out split with ctinfer; compare with PyTorch prediction for prediction and in time
# per image. Works on a fresh Debian 12 machine as root: installs what it needs first
# (CTINFER_SKIP_APT=1 skips that). Writes into build-demo/ at the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends g++ cmake make \
    libboost-dev libhwy-dev python3-torch python3-sklearn python3-numpy python3-onnx >/dev/null
fi
work=$PWD/build-demo
# 1. Train and export: digits.onnx, the held-out split, PyTorch's logits and time per image.
#    /usr/bin/python3: another python3 on PATH may not see Debian's torch, sklearn and onnx.
/usr/bin/python3 examples/digits/train.py "$work/digits"
# 2. Configure with the trained model (without it there is no digits target), then build:
#    the build runs tools/ctinfer-convert on digits.onnx and compiles the header it writes.
cmake -S . -B "$work" -DCMAKE_BUILD_TYPE=Release -DCTINFER_BUILD_TESTS=OFF \
  -DCTINFER_DIGITS_ONNX="$work/digits/digits.onnx" >/dev/null
cmake --build "$work" --target digits -j2 >/dev/null
# 3. Classify the held-out split with ctinfer and compare (exit status 2 if it differs).
"$work/examples/digits" "$work/digits"
