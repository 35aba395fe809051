#!/bin/bash
# The whole test suite built with AddressSanitizer and UndefinedBehaviorSanitizer (Clang 14,
# -fno-sanitize-recover: the first report fails its test), run with ctest. SIMD targets this
# CPU cannot run are not compiled here (they would only be compiled, never executed; the
# GCC pass of scripts/test.sh compiles them).
# On a fresh Debian 12 machine as root it first installs what it needs.
#
#   bash scripts/test-sanitizers.sh
#   CTINFER_SKIP_APT=1 bash scripts/test-sanitizers.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    clang-14 libclang-rt-14-dev cmake make libboost-dev libhwy-dev doctest-dev python3 \
    python3-onnx python3-numpy libonnx-testdata >/dev/null
fi

flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if ! grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  flags="$flags -DHWY_DISABLED_TARGETS=384"   # HWY_AVX3 | HWY_AVX3_DL: not runnable here
  echo "=== no AVX-512 here: AVX3 and AVX3_DL are left to the GCC pass of scripts/test.sh"
fi
dir=build-tests-sanitizers
jobs=${CTINFER_JOBS:-2}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
  "-DCMAKE_CXX_FLAGS=$flags" >/dev/null
start=$(date +%s)
cmake --build "$dir" -j"$jobs"
echo "=== sanitizers: built in $(( $(date +%s) - start )) s"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
ctest --test-dir "$dir" --output-on-failure -j"$jobs"
echo "=== sanitizers: every test passed under ASan + UBSan"
