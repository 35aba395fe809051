#!/usr/bin/env bash
# Builds and runs the benchmarks; results go to bench/results/ and the tables to
# bench/results/report.md (see docs/performance.md).
#
#   bench/run.sh            # all: dense kernels vs Eigen, convolutions vs oneDNN and LibTorch,
#                           # then compile time
#   bench/run.sh dense      # only bench_dense
#   bench/run.sh conv       # only bench_conv (needs libdnnl-dev, ocl-icd-opencl-dev,
#                           # libtorch-dev, libopenblas0-pthread)
#   bench/run.sh rnn        # only bench_rnn (needs libeigen3-dev; libtorch-dev for the LibTorch peer)
#   bench/run.sh compile    # only the compile-time measurements
#   bench/run.sh report     # only regenerate report.md from the JSON files
#
# Environment:
#   REPS=30          repetitions of each benchmark (medians are reported)
#   MIN_TIME=0.2     seconds per repetition
#   CPU=1            core to pin bench_dense to with taskset (empty: no pinning)
#   BUILD_DIR=build-bench
#   CT_REPS=3        compile-time runs per point (median); NS and CXXS as in measure.sh
#   CT_BREAKDOWN_N=200  N of the per-part breakdown (bench/compile_time/main.cpp, CTINFER_CT_PART)
#   CTINFER_BENCH_PREPEND_INCLUDE=dir   include directory searched before include/
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
REPS=${REPS:-30}
MIN_TIME=${MIN_TIME:-0.2}
CPU=${CPU-1}
BUILD_DIR=${BUILD_DIR:-build-bench}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
results=bench/results
mkdir -p "$results"

if [ "$what" = all ] || [ "$what" = dense ]; then
  extra=()
  if [ -n "${CTINFER_BENCH_PREPEND_INCLUDE:-}" ]; then
    extra+=("-DCTINFER_BENCH_PREPEND_INCLUDE=$CTINFER_BENCH_PREPEND_INCLUDE")
  fi
  cmake -S . -B "$BUILD_DIR" -DCTINFER_BUILD_BENCH=ON -DCTINFER_BUILD_TESTS=OFF \
    -DCTINFER_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release "${extra[@]}"
  cmake --build "$BUILD_DIR" --target bench_dense -j2

  pin=()
  if [ -n "$CPU" ] && command -v taskset > /dev/null; then pin=(taskset -c "$CPU"); fi
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  "${pin[@]}" "$BUILD_DIR/bench/bench_dense" \
    --benchmark_repetitions="$REPS" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_min_time="$MIN_TIME" \
    --benchmark_report_aggregates_only=true \
    --benchmark_out="$results/bench_dense.json" \
    --benchmark_out_format=json
fi

if [ "$what" = all ] || [ "$what" = conv ]; then
  cmake -S . -B "$BUILD_DIR" -DCTINFER_BUILD_BENCH=ON -DCTINFER_BUILD_TESTS=OFF \
    -DCTINFER_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" --target bench_conv -j2
  pin=()
  if [ -n "$CPU" ] && command -v taskset > /dev/null; then pin=(taskset -c "$CPU"); fi
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  # The peers run one thread, as ctinfer does.
  OMP_NUM_THREADS=1 "${pin[@]}" "$BUILD_DIR/bench/bench_conv" \
    --benchmark_repetitions="${CONV_REPS:-10}" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_min_time="$MIN_TIME" \
    --benchmark_report_aggregates_only=true \
    --benchmark_out="$results/bench_conv.json" \
    --benchmark_out_format=json
fi

if [ "$what" = all ] || [ "$what" = rnn ]; then
  cmake -S . -B "$BUILD_DIR" -DCTINFER_BUILD_BENCH=ON -DCTINFER_BUILD_TESTS=OFF \
    -DCTINFER_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" --target bench_rnn -j2
  pin=()
  if [ -n "$CPU" ] && command -v taskset > /dev/null; then pin=(taskset -c "$CPU"); fi
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  OMP_NUM_THREADS=1 "${pin[@]}" "$BUILD_DIR/bench/bench_rnn" \
    --benchmark_repetitions="${RNN_REPS:-10}" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_min_time="$MIN_TIME" \
    --benchmark_report_aggregates_only=true \
    --benchmark_out="$results/bench_rnn.json" \
    --benchmark_out_format=json
fi

if [ "$what" = all ] || [ "$what" = compile ]; then
  # Growth with N (the full program), then where the time goes at the largest N.
  REPS=${CT_REPS:-3} OUT="$results/compile_time.json" bench/compile_time/measure.sh
  REPS=1 NS=${CT_BREAKDOWN_N:-200} PARTS="1 2 3 4" OUT="$results/compile_time_parts.json" \
    bench/compile_time/measure.sh
fi

args=()
[ -f "$results/bench_dense.json" ] && args+=(--dense "$results/bench_dense.json")
[ -f "$results/bench_conv.json" ] && args+=(--conv "$results/bench_conv.json")
[ -f "$results/bench_rnn.json" ] && args+=(--rnn "$results/bench_rnn.json")
[ -f "$results/compile_time.json" ] && args+=(--compile "$results/compile_time.json")
[ -f "$results/compile_time_parts.json" ] && args+=(--compile "$results/compile_time_parts.json")
"$PY" bench/report.py "${args[@]}" > "$results/report.md"
cat "$results/report.md"
# The plots of docs/performance.md (needs python3-matplotlib).
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  /usr/bin/python3 bench/plot.py "$results" docs/img
else
  echo "bench/plot.py skipped: apt-get install python3-matplotlib for the plots"
fi
