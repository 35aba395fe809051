#!/bin/bash
# Large models through the converter: compile time and compiler memory.
#
# Exports MLPs of ~100k, ~1M and ~5M parameters and a ~1M-parameter conv net from PyTorch to
# ONNX (scripts/large_models.py), converts each with tools/ctinfer-convert in both forms (the
# default header with inline constexpr params; --weights-cpp, the weights in a .cpp of their
# own), and compiles a tiny program (build the Model from NAME::params, one forward on zeros)
# with each compiler at -std=c++20 -O2, one compile at a time. Measures wall time, CPU time
# (user + system) and peak resident memory (/usr/bin/time -v) of every compile and of the
# converter, links and runs each program, and prints a table (also written to OUT/results.tsv).
#
#   bash scripts/measure_large_models.sh [OUT]        (default OUT: build-large-models)
#   CTINFER_COMPILERS="g++-12" CTINFER_MODELS="mlp1m cnn1m" bash scripts/measure_large_models.sh
#
# Needs /usr/bin/python3 with torch and onnx, g++-12 and/or clang++-14, GNU time (installed
# with apt-get when missing and run as root). On a shared machine compare CPU seconds: wall
# time grows with the load.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-build-large-models}" && cd "${1:-build-large-models}" && pwd)"
compilers=${CTINFER_COMPILERS:-"g++-12 clang++-14"}
models=${CTINFER_MODELS:-"mlp100k mlp1m cnn1m mlp5m"}
py=/usr/bin/python3
flags=(-std=c++20 -O2 -I "$root/include")

if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  else
    echo "measure_large_models: needs GNU time (/usr/bin/time): apt-get install time" >&2
    exit 1
  fi
fi

# measure LOG CMD...: runs CMD under /usr/bin/time -v; sets wall, cpu (seconds) and mib.
measure() {
  local log=$1
  shift
  if ! /usr/bin/time -v -o "$log.time" "$@" >"$log" 2>&1; then
    echo "measure_large_models: failed: $*" >&2
    cat "$log" >&2
    exit 1
  fi
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
           n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.1f", s }' "$log.time")
  cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.1f", u + s}' "$log.time")
  mib=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$log.time")
}

mib_of() { awk -v b="$(stat -c %s "$1")" 'BEGIN {printf "%.1f", b / 1048576}'; }

echo "=== exporting models into $out"
declare -A params
while read -r name count; do
  params[$name]=$count
done < <("$py" "$root/scripts/large_models.py" models "$out" $models 2>/dev/null)

tsv="$out/results.tsv"
conv_tsv="$out/converter.tsv"
printf 'model\tform\tparams\tfile\tfile MiB\tcompiler\twall s\tcpu s\tpeak MiB\n' >"$tsv"
printf 'model\tform\tparams\theader+cpp MiB\twall s\tcpu s\tpeak MiB\n' >"$conv_tsv"

for name in $models; do
  for form in inline tu; do
    dir="$out/$name-$form"
    mkdir -p "$dir"
    args=("$root/tools/ctinfer-convert" "$out/$name.onnx" --name "$name" -o "$dir/$name.hpp")
    [ "$form" = tu ] && args+=(--weights-cpp "$dir/${name}_weights.cpp")
    measure "$dir/convert.log" "$py" "${args[@]}"
    size=$(cat "$dir/$name.hpp" $( [ "$form" = tu ] && echo "$dir/${name}_weights.cpp") | wc -c)
    size=$(awk -v b="$size" 'BEGIN {printf "%.1f", b / 1048576}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$form" "${params[$name]}" "$size" "$wall" "$cpu" "$mib" >>"$conv_tsv"
    echo "converted $name ($form): ${wall} s, ${mib} MiB"
    "$py" "$root/scripts/large_models.py" main "$name" "$dir/main.cpp"
    for cxx in $compilers; do
      tag=${cxx//+/x}
      objs=()
      sources=(main.cpp)
      [ "$form" = tu ] && sources+=("${name}_weights.cpp")
      for src in "${sources[@]}"; do
        obj="$dir/${src%.cpp}.$tag.o"
        measure "$dir/${src%.cpp}.$tag.log" "$cxx" "${flags[@]}" -I "$dir" -c "$dir/$src" -o "$obj"
        if [ "$src" = main.cpp ]; then
          file="main.cpp + $name.hpp"
          fsize=$(mib_of "$dir/$name.hpp")
        else
          file=$src
          fsize=$(mib_of "$dir/$src")
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$form" "${params[$name]}" "$file" \
          "$fsize" "$cxx" "$wall" "$cpu" "$mib" >>"$tsv"
        echo "  $cxx $name $form $src: ${wall} s wall, ${cpu} s cpu, ${mib} MiB"
        objs+=("$obj")
      done
      "$cxx" "${objs[@]}" -o "$dir/run.$tag"
      "$dir/run.$tag"
    done
  done
done

echo
echo "Compiles (-std=c++20 -O2, one at a time; cpu = user + system):"
"$py" "$root/scripts/large_models.py" table "$tsv"
echo
echo "Converter (/usr/bin/python3 tools/ctinfer-convert):"
"$py" "$root/scripts/large_models.py" table "$conv_tsv"
