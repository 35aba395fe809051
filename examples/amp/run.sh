#!/bin/bash
# The amp demo: a conv + GRU guitar-amp model run by ctinfer one sample and one block at a
# time, as an audio plug-in runs it; checked against PyTorch, with its real-time factor.
# Usage: bash examples/amp/run.sh [input.wav]   (16-bit PCM; default: a generated 10 s sweep)
# The trained model is committed (examples/amp/amp_model.hpp); AMP_RETRAIN=1 trains it again
# first with PyTorch (~30 s of CPU). Writes input.wav and output.wav into build-demo/.
# Works on a fresh Debian 12 machine as root: installs what it needs first.
set -euo pipefail
input=${1:+$(realpath "$1")}
cd "$(dirname "$0")/../.."
packages="g++ cmake make libboost-dev libhwy-dev"
if [ "${AMP_RETRAIN:-0}" = 1 ]; then packages="$packages python3-torch python3-numpy"; fi
if [ "$(id -u)" = 0 ] && [ -z "${CTINFER_SKIP_APT:-}" ]; then
  apt-get update -qq
  # shellcheck disable=SC2086  # a list of package names
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi
if [ "${AMP_RETRAIN:-0}" = 1 ]; then /usr/bin/python3 examples/amp/train.py; fi
work=build-demo
cmake -S . -B "$work" -DCMAKE_BUILD_TYPE=Release -DCTINFER_BUILD_TESTS=OFF >/dev/null
cmake --build "$work" --target amp -j2 >/dev/null
cd "$work"
./examples/amp ${input:+"$input"}
