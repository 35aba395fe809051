#!/usr/bin/env bash
# Compile time and peak compiler memory of one translation unit holding an N-layer network
# (gen_model.py + main.cpp), for several N and compilers. Prints a markdown table and writes
# the figures as JSON.
#
#   bench/compile_time/measure.sh                 # N = 25 50 100 200, g++-12 and clang++-14
#   NS="25 50" CXXS=g++-12 bench/compile_time/measure.sh
#   PARTS="1 2 3 4" NS=50 CXXS=g++-12 bench/compile_time/measure.sh   # breakdown (see main.cpp)
#
# Environment: NS, CXXS, PARTS (default 4: the full program), REPS (runs per point, the
# median is kept; default 1), OUT (JSON file; default bench/results/compile_time.json),
# CXXFLAGS_EXTRA, CTINFER_BENCH_PREPEND_INCLUDE (a directory searched before include/, to time
# a patched copy of the headers).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
NS=${NS:-"25 50 100 200"}
CXXS=${CXXS:-"g++-12 clang++-14"}
PARTS=${PARTS:-4}
REPS=${REPS:-1}
OUT=${OUT:-$root/bench/results/compile_time.json}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ ! -x /usr/bin/time ]; then
  echo "measure.sh: /usr/bin/time is missing (apt-get install -y time)" >&2
  exit 1
fi

work=$(mktemp -d /tmp/ctinfer-compile-time.XXXXXX)
trap 'rm -rf "$work"' EXIT
includes=()
if [ -n "${CTINFER_BENCH_PREPEND_INCLUDE:-}" ]; then
  includes+=("-I$CTINFER_BENCH_PREPEND_INCLUDE")
fi
includes+=("-I$root/include" "-I$work")

# The most telling line of a failed compilation.
reason() {
  grep -m1 -o 'constexpr evaluation hit maximum step limit[^;]*\|constexpr evaluation operation count exceeds limit[^(]*' "$1" ||
    grep -m1 -o 'error: .*' "$1" | cut -c1-120
}

rows=()
printf '| compiler | N layers | part | wall time (s) | user+sys (s) | peak memory (MiB) |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for cxx in $CXXS; do
  version=$("$cxx" --version | head -1)
  for n in $NS; do
    "$PY" "$here/gen_model.py" "$n" "$work/model.hpp"
    for part in $PARTS; do
      walls=()
      mems=()
      cpus=()
      failed=""
      for _ in $(seq "$REPS"); do
        if ! /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" \
          "$cxx" -std=c++20 -O2 -march=native -DNDEBUG -DCTINFER_CT_PART="$part" \
          ${CXXFLAGS_EXTRA:-} "${includes[@]}" -c "$here/main.cpp" -o "$work/main.o" \
          2> "$work/errors.txt"; then
          failed=$(reason "$work/errors.txt" | sed 's/["\\]/ /g')
          [ -n "$failed" ] || failed="compiler failed"
        fi
        read -r wall mem user sys < <(tail -1 "$work/time.txt")
        walls+=("$wall")
        mems+=("$mem")
        cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
        [ -z "$failed" ] || break
      done
      if [ -n "$failed" ]; then
        printf '| %s | %s | %s | fails: %s | | |\n' "$cxx" "$n" "$part" "$(reason "$work/errors.txt")"
        rows+=("{\"compiler\": \"$cxx\", \"version\": \"$version\", \"layers\": $n, \"part\": $part, \"reps\": $REPS, \"wall_s\": null, \"max_rss_kib\": null, \"error\": \"$failed\"}")
        continue
      fi
      wall=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      mem=$(printf '%s\n' "${mems[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
      printf '| %s | %s | %s | %s | %s | %.0f |\n' "$cxx" "$n" "$part" "$wall" "$cpu" "$(awk -v m="$mem" 'BEGIN {print m / 1024}')"
      rows+=("{\"compiler\": \"$cxx\", \"version\": \"$version\", \"layers\": $n, \"part\": $part, \"reps\": $REPS, \"wall_s\": $wall, \"cpu_s\": $cpu, \"max_rss_kib\": $mem}")
    done
  done
done

mkdir -p "$(dirname "$OUT")"
{
  printf '{\n  "flags": "-std=c++20 -O2 -march=native -DNDEBUG -c",\n  "date": "%s",\n  "host": "%s",\n  "results": [\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  for i in "${!rows[@]}"; do
    sep=","
    [ "$i" -eq $((${#rows[@]} - 1)) ] && sep=""
    printf '    %s%s\n' "${rows[$i]}" "$sep"
  done
  printf '  ]\n}\n'
} > "$OUT"
echo "wrote $OUT" >&2
