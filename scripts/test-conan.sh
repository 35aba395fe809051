#!/bin/bash
# Checks ctinfer's Conan 2 packaging (conanfile.py, test_package/, conan/system-recipes/),
# offline. Exits non-zero on any failure. docs/packaging.md explains the recipes.
#
# With a Conan 2 at hand (CONAN names the command; it may be several words):
#   CONAN=conan bash scripts/test-conan.sh
#   CONAN="env PYTHONPATH=/tmp/conan-src /usr/bin/python3 -P -m conans.conan" bash scripts/test-conan.sh
# it runs the whole flow in a temporary CONAN_HOME, with no remote: `conan profile detect`,
# `conan export` of the stand-in recipes (Debian's Boost, Highway and doctest), then
# `conan create . -s compiler.cppstd=20 --build=missing`, which packages ctinfer and builds and
# runs test_package/ against the package; then checks the package's layout and that a
# C++17 profile is refused by validate(). About 15 s.
#
# Without CONAN it checks what it can without Conan: every recipe compiles as Python, then
# ctinfer is installed with `cmake --install` into a temporary prefix and test_package/ is
# built against it with plain CMake (-DCMAKE_PREFIX_PATH=<prefix>) and run, and (when
# pkg-config is here) compiled once more with the flags of the installed ctinfer.pc. About 10 s.
#
# CXX selects the compiler of the plain-CMake mode (default: CMake's choice); CTINFER_KEEP=1
# keeps the temporary directory.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ] && ! command -v pkg-config >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pkgconf >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ctinfer-conan.XXXXXX")
cleanup() {
  if [ -n "${CTINFER_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
start=$(date +%s)

recipes=(conanfile.py test_package/conanfile.py conan/system-recipes/boost/conanfile.py
         conan/system-recipes/highway/conanfile.py conan/system-recipes/doctest/conanfile.py)

echo "=== the recipes compile as Python"
/usr/bin/python3 - "${recipes[@]}" <<'EOF'
import sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        compile(f.read(), path, "exec")
    print("  ok", path)
EOF

version=$(sed -n 's/^project(ctinfer VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "no project(ctinfer VERSION ...) in CMakeLists.txt"; exit 1; }

if [ -n "${CONAN:-}" ]; then
  read -r -a conan <<< "$CONAN"
  export CONAN_HOME="$work/conan-home"
  echo "=== Conan: $("${conan[@]}" --version) (CONAN_HOME=$CONAN_HOME)"
  "${conan[@]}" profile detect >/dev/null 2>&1
  # The cache and the test_package build stay in $work; no remote is contacted.
  opts=(-nr -c "tools.cmake.cmake_layout:test_folder=$work/test_package-build")
  for name in boost highway doctest; do
    "${conan[@]}" export "conan/system-recipes/$name" 2>&1 | tail -n 1
  done
  echo "=== conan create . -s compiler.cppstd=20 --build=missing"
  "${conan[@]}" create . -s compiler.cppstd=20 --build=missing "${opts[@]}" >"$work/create.log" 2>&1 || {
    cat "$work/create.log"; echo "conan create failed"; exit 1; }
  sed -n '/Testing the package: Executing test/,$p' "$work/create.log"
  grep -q "ctinfer test_package: OK" "$work/create.log" || { echo "test_package did not pass"; exit 1; }

  # A header-library: one package for every configuration, whose id is that of no settings.
  pkg=$("${conan[@]}" cache path "ctinfer/$version:da39a3ee5e6b4b0d3255bfef95601890afd80709")
  for f in include/ctinfer/ctinfer.hpp licenses/LICENSE share/cmake/ctinfer/ctinferAddModel.cmake \
           share/cmake/ctinfer/tools/ctinfer-convert share/cmake/ctinfer/tools/ctinfer_convert/cli.py; do
    [ -e "$pkg/$f" ] || { echo "the package has no $f ($pkg)"; exit 1; }
  done
  echo "=== package layout ok: $pkg"

  echo "=== a C++17 profile is refused"
  if "${conan[@]}" create . -s compiler.cppstd=17 "${opts[@]}" >"$work/cpp17.log" 2>&1; then
    echo "conan create with compiler.cppstd=17 succeeded; validate() should refuse it"; exit 1
  fi
  grep "ctinfer/$version: Invalid" "$work/cpp17.log"
else
  echo "=== CONAN not set: cmake --install, then test_package/ with plain CMake"
  cxx_args=()
  [ -n "${CXX:-}" ] && cxx_args=(-DCMAKE_CXX_COMPILER="$CXX")
  cmake -S . -B "$work/ctinfer-build" "${cxx_args[@]}" -DCMAKE_INSTALL_PREFIX="$work/prefix" \
    -DCTINFER_BUILD_TESTS=OFF -DCTINFER_BUILD_EXAMPLES=OFF -DCTINFER_BUILD_BENCH=OFF >/dev/null
  cmake --install "$work/ctinfer-build" >/dev/null
  cmake -S test_package -B "$work/test_package-build" "${cxx_args[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >/dev/null
  cmake --build "$work/test_package-build" -j "${CTINFER_JOBS:-2}" >"$work/build.log" 2>&1 || {
    cat "$work/build.log"; echo "building test_package failed"; exit 1; }
  "$work/test_package-build/test_package"
  if command -v pkg-config >/dev/null; then
    echo "=== test_package/main.cpp with pkg-config (ctinfer.pc), without the converter"
    flags=$(PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags --libs ctinfer)
    echo "  pkg-config --cflags --libs ctinfer: $flags"
    # shellcheck disable=SC2086  # $flags is a list of words
    "${CXX:-c++}" -std=c++20 -O2 -fno-exceptions -fno-rtti test_package/main.cpp $flags \
      -o "$work/test_package_pc"
    "$work/test_package_pc" | tail -n 2
  fi
fi
echo "=== test-conan: OK ($(( $(date +%s) - start )) s)"
