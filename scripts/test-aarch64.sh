#!/bin/bash
# The numerical layer tests on aarch64, cross-built with GCC and run under qemu-user: once
# with NEON (-march=armv8-a+crypto) and once with SVE (-march=armv8.2-a+sve, qemu -cpu max).
# Each binary runs the one target its -march selects (static dispatch: there is no arm64
# libhwy here for runtime dispatch). On a fresh Debian 12 machine as root it installs the
# cross compiler and qemu first.
#
#   bash scripts/test-aarch64.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    g++-aarch64-linux-gnu qemu-user libboost-dev libhwy-dev doctest-dev >/dev/null
fi

out=${CTINFER_AARCH64_DIR:-$root/build-aarch64}
mkdir -p "$out/include"
# Only the header-only dependencies go on the include path, not the host's /usr/include.
for dep in hwy boost doctest; do ln -sfn "/usr/include/$dep" "$out/include/$dep"; done

# CTINFER_AARCH64_TESTS="test_recurrent test_streaming" runs a subset.
tests=${CTINFER_AARCH64_TESTS:-"test_dense test_activations test_networks test_plan test_load_flat test_constexpr
       test_conv test_pooling test_conv_networks test_blocks test_resize test_onnx_node test_recurrent
       test_streaming test_math"}
cxx=(aarch64-linux-gnu-g++ -std=c++20 -O2 -static -fno-exceptions -fno-rtti -Wall -Wextra -Werror
     -DHWY_COMPILE_ONLY_STATIC -DCTINFER_TEST_STATIC_TARGET_ONLY
     -DDOCTEST_CONFIG_NO_EXCEPTIONS_BUT_WITH_ALL_ASSERTS
     -I"$out/include" -I"$root/include" -I"$root" -I"$root/tests")
declare -A march=([neon]="-march=armv8-a+crypto" [sve]="-march=armv8.2-a+sve")

start=$(date +%s)
for isa in neon sve; do
  "${cxx[@]}" ${march[$isa]} -c tests/doctest_main.cpp -o "$out/doctest_main_$isa.o"
done
# Two compiles at a time (2 cores).
jobs=()
for isa in neon sve; do
  for t in $tests; do
    "${cxx[@]}" ${march[$isa]} "tests/$t.cpp" "$out/doctest_main_$isa.o" -o "$out/${t}_$isa" &
    jobs+=($!)
    if [ ${#jobs[@]} -ge 2 ]; then wait "${jobs[0]}"; jobs=("${jobs[@]:1}"); fi
  done
done
for j in "${jobs[@]}"; do wait "$j"; done
echo "=== aarch64: built in $(( $(date +%s) - start )) s"

passed=0 failed=0
for isa in neon sve; do
  for t in $tests; do
    if qemu-aarch64 -cpu max "$out/${t}_$isa" >"$out/${t}_$isa.log" 2>&1; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); echo "=== aarch64 $isa: $t FAILED"; tail -30 "$out/${t}_$isa.log"
    fi
  done
done
echo "aarch64: $passed passed, $failed failed"
[ "$failed" = 0 ]
