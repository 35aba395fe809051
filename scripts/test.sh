#!/bin/bash
# Runs the whole test suite twice: layers and networks against PyTorch's references,
# compile-time checks, compile-fail diagnostics, allocation counting, the CMake consumers.
#
#   GCC 12, -O2: every SIMD target ctinfer's runtime dispatch compiles (on x86: SCALAR,
#     SSSE3, SSE4, AVX2, AVX3) is compiled, and every one this CPU runs is tested (AVX3 is
#     only compiled on a CPU without AVX-512).
#   Clang 14 with AddressSanitizer and UndefinedBehaviorSanitizer (-fno-sanitize-recover: the
#     first report fails its test), at -O0: the targets this CPU runs, compiled and tested;
#     plus a short libFuzzer run of load_blob (tests/fuzz). -O0 because Clang 14 takes over
#     20 minutes on one of our test files with the sanitizers at -O1 or -O2, and about 3 at
#     -O0; the sanitizers check the same code paths. CTINFER_SANITIZE=0 makes this pass a
#     plain -O2 build.
#
# On a fresh Debian 12 machine as root it first installs what it needs.
#
#   bash scripts/test.sh              # both passes
#   CTINFER_COMPILERS=g++ bash scripts/test.sh        # the GCC pass only
#   CTINFER_COMPILERS=clang++-14 bash scripts/test.sh # the sanitizer pass only
#   CTINFER_SKIP_APT=1 bash scripts/test.sh   # do not touch apt
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    g++ clang-14 cmake make libboost-dev libhwy-dev doctest-dev python3 \
    python3-onnx python3-numpy libonnx-testdata >/dev/null
  # Clang 14's sanitizer and libFuzzer runtimes (only recommended by clang-14).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libclang-rt-14-dev >/dev/null
fi

compilers=${CTINFER_COMPILERS:-"g++ clang++-14"}
jobs=${CTINFER_JOBS:-2}
status=0
for cxx in $compilers; do
  dir="build-tests-${cxx//+/x}"
  flags=() opt="-O2"
  if [[ $cxx == clang* ]] && [ "${CTINFER_SANITIZE:-1}" != 0 ]; then
    opt="-O0"
    cxxflags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    if ! grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
      cxxflags="$cxxflags -DHWY_DISABLED_TARGETS=384"   # HWY_AVX3 | HWY_AVX3_DL: not runnable here
    fi
    flags+=("-DCMAKE_CXX_FLAGS=$cxxflags")
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
    echo "=== ${cxx}: configure, build, test with ASan + UBSan, ${opt} (${dir})"
  else
    echo "=== ${cxx}: configure, build, test, ${opt} (${dir})"
  fi
  # Release's -O3 is what the benchmarks and examples use; the suite builds at -O2 (Debian's
  # default, and a third less compile time than -O3 on these template-heavy tests).
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=$opt -DNDEBUG" \
    -DCMAKE_CXX_COMPILER="$cxx" "${flags[@]}" >/dev/null
  start=$(date +%s)
  cmake --build "$dir" -j"$jobs"
  echo "=== ${cxx}: built in $(( $(date +%s) - start )) s"
  start=$(date +%s)
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" || status=1
  echo "=== ${cxx}: tests ran in $(( $(date +%s) - start )) s"
  unset ASAN_OPTIONS UBSAN_OPTIONS
done

# The fixtures are generated, not hand-made: when PyTorch is here, regenerate the PyTorch
# ones, and when ONNX and its conformance data are, the ONNX ones; require the committed
# files to be identical, or for headers equal up to the last bits of their numbers
# (tests/reference/same_fixture.py: PyTorch's float results differ in their last bits
# between CPUs).
check_generated() {  # name, generator command..., then the files to compare after "--"
  local name=$1; shift
  local tmp; tmp=$(mktemp -d)
  local cmd=() files=() last_bits=""
  while [ "$1" != "--" ]; do cmd+=("$1"); shift; done; shift
  files=("$@")
  "${cmd[@]}" "$tmp" >/dev/null
  local ok=1
  for f in "${files[@]}"; do
    if cmp -s "$tmp/$(basename "$f")" "$f"; then continue; fi
    if [[ $f == *.hpp ]] && /usr/bin/python3 tests/reference/same_fixture.py "$tmp/$(basename "$f")" "$f"; then
      last_bits+=" $(basename "$f")"
      continue
    fi
    echo "=== $name: $f differs when regenerated"
    ok=0
  done
  rm -rf "$tmp"
  if [ $ok = 0 ]; then
    status=1
  elif [ -n "$last_bits" ]; then
    echo "=== $name: regenerated, identical to the committed files but for the last bits of numbers in$last_bits"
  else
    echo "=== $name: regenerated, identical to the committed files"
  fi
}
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  check_generated "PyTorch fixtures" /usr/bin/python3 tests/reference/make_fixtures.py -- \
    tests/fixtures/activations.hpp tests/fixtures/dense.hpp tests/fixtures/mlp.hpp \
    tests/fixtures/conv.hpp tests/fixtures/blocks.hpp tests/fixtures/resize.hpp tests/fixtures/recurrent.hpp
  # The converter's end-to-end models: exported ONNX files and JSON files (and their outputs).
  check_generated "PyTorch-exported ONNX models" bash -c \
    '/usr/bin/python3 tests/reference/make_onnx_models.py "$0" "$0"' -- \
    tests/models/mlp.onnx tests/models/resnet.onnx tests/models/mobile.onnx tests/models/conv1d.onnx \
    tests/models/lstm.onnx tests/models/gru.onnx tests/models/lstm_last.onnx tests/models/activations.onnx \
    tests/models/signal1d.onnx tests/models/image2d.onnx tests/models/recurrent2.onnx tests/fixtures/converted.hpp
  check_generated "Keras/RTNeural JSON models" bash -c \
    '/usr/bin/python3 tests/reference/make_converted_keras.py "$0" "$0"' -- \
    tests/models/keras/*.json tests/fixtures/converted_keras.hpp
else
  echo "=== PyTorch fixtures: PyTorch not installed, regeneration check skipped (apt-get install python3-torch)"
fi
if /usr/bin/python3 -c "import onnx" 2>/dev/null && [ -d /usr/share/libonnx-testdata/data/node ]; then
  # The generator writes the header and the doc into one directory here.
  check_generated "ONNX conformance fixtures" bash -c '/usr/bin/python3 tests/reference/make_onnx_fixtures.py "$0" "$0"' -- \
    tests/fixtures/onnx_node.hpp docs/onnx-conformance.md
  check_generated "ONNX node tests through the converter" bash -c '/usr/bin/python3 tests/reference/make_onnx_converted.py "$0" "$0"' -- \
    tests/fixtures/onnx_converted.hpp docs/onnx-converter-conformance.md
else
  echo "=== ONNX conformance fixtures: python3-onnx or libonnx-testdata missing, regeneration check skipped"
fi
exit $status
