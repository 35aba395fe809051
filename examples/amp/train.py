#!/usr/bin/python3
"""Train a small guitar-amp model in PyTorch and write it as a C++ header for ctinfer.

The amp is synthetic, so the example needs no recordings. At 48 kHz, input x to output y:
  1. pre-emphasis: e = x - 0.6 * lowpass_300Hz(x)     a one-pole low shelf (tighter bass)
  2. drive:        d = tanh(8 e + 0.3) - tanh(0.3)    asymmetric soft clipping (odd and even harmonics)
  3. tone:         y = 0.5 * lowpass_4kHz(d)          a one-pole low-pass (the "cabinet")
where lowpass_fc is s[n] = s[n-1] + a (v[n] - s[n-1]), a = 1 - exp(-2 pi fc / 48000). Both
filters carry state from sample to sample, so a model must be recurrent or see the past.

The input signal: log sine sweeps (20 Hz - 20 kHz up or down, 0.5 s each, random levels) plus plucked
notes every ~0.15 s (70 - 700 Hz, 6 harmonics, exponential decay), normalised to 0.9 peak.
10 s to train on, 1 s held out.

The model: two causal dilated convolutions (F.pad on the left + nn.Conv1d: what
ci::Conv1D<..., ci::Causal> computes), tanh, transpose to (time, channels), a GRU, and a
Linear to one sample. It is trained on random 128-sample excerpts (the first 24 of each are
warm-up, not scored: the GRU starts from zero there), 384 per step, 200 Adam steps, with the
error-to-signal ratio ESR = sum((y - t)^2) / sum(t^2) as the loss.

Writes examples/amp/amp_model.hpp (or the path given as the first argument): the network type,
its weights as hex float literals in ci::load_flat order (state_dict order, PyTorch layout),
which round-trip exactly, the ESRs, and a check for amp.cpp: the first 4096 samples of the
held-out signal (16-bit) and PyTorch's output on them, from zero state, in float64.

Seeded and single-threaded: the same machine and PyTorch version write the same header.
About 30 s of CPU time.
"""
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

FS = 48000
CHANNELS, HIDDEN = 8, 12                 # conv channels, GRU hidden size
SEGMENT, WARMUP, BATCH = 128, 24, 384    # excerpt length, unscored warm-up, excerpts per step
STEPS, LEARNING_RATE = 200, 3e-2
CHECK = 4096                             # samples amp.cpp compares against PyTorch

start_time = time.perf_counter()
out_path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "amp_model.hpp"
torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)


def lowpass(x, cutoff):
    a = 1.0 - math.exp(-2.0 * math.pi * cutoff / FS)
    y, s = [], 0.0
    for v in x.tolist():  # a plain loop over Python floats: fast enough for seconds of audio
        s += a * (v - s)
        y.append(s)
    return np.array(y)


def amp(x):
    e = x - 0.6 * lowpass(x, 300.0)
    d = np.tanh(8.0 * e + 0.3) - math.tanh(0.3)
    return 0.5 * lowpass(d, 4000.0)


def signal(seconds):
    n = int(seconds * FS)
    x = np.zeros(n)
    sweep = FS // 2
    for begin in range(0, n - sweep + 1, sweep):
        f0, f1 = (20.0, 20000.0) if rng.random() < 0.5 else (20000.0, 20.0)
        t = np.arange(sweep) / FS
        k = math.log(f1 / f0) / (sweep / FS)
        x[begin:begin + sweep] += rng.uniform(0.025, 0.4) * np.sin(2 * math.pi * f0 * (np.exp(k * t) - 1) / k)
    spacing = int(0.15 * FS)
    for onset in range(0, n, spacing):
        onset += int(rng.integers(0, FS // 20))
        if onset >= n:
            continue
        f, level, decay = rng.uniform(70.0, 700.0), rng.uniform(0.05, 0.6), rng.uniform(0.1, 0.6)
        t = np.arange(min(n - onset, int(8 * decay * FS))) / FS   # until it is 8 time constants down
        envelope = level * np.exp(-t / decay)
        partials = [np.sin(2 * math.pi * f * h * t + rng.uniform(0, 2 * math.pi)) / h for h in range(1, 7)]
        x[onset:onset + len(t)] += envelope * sum(partials)
    return x / np.max(np.abs(x)) * 0.9


class Amp(torch.nn.Module):
    """(batch, 1, L) -> (batch, L, 1); every layer causal."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(1, CHANNELS, 3)                     # Conv1D<8, Kernel<3>, Causal>
        self.conv2 = torch.nn.Conv1d(CHANNELS, CHANNELS, 3, dilation=2)  # Conv1D<8, Kernel<3>, Dilation<2>, Causal>
        self.gru = torch.nn.GRU(CHANNELS, HIDDEN, batch_first=True)      # GRU<12>
        self.out = torch.nn.Linear(HIDDEN, 1)                            # Dense<1>

    def forward(self, x):
        h = torch.tanh(self.conv1(F.pad(x, (2, 0))))   # left padding (kernel - 1) * dilation: causal
        h = torch.tanh(self.conv2(F.pad(h, (4, 0))))
        h, _ = self.gru(h.transpose(1, 2))             # Transpose: (C, L) -> (L, C)
        return self.out(h)


train_x, valid_x = signal(10.0), signal(1.0)
train_t, valid_t = amp(train_x), amp(valid_x)
check_x = np.round(valid_x[:CHECK] * 32767).astype(np.int16)   # as a 16-bit WAV holds it

model = Amp()
opt = torch.optim.Adam(model.parameters())
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LEARNING_RATE, total_steps=STEPS, pct_start=0.15)
xs = torch.from_numpy(train_x.astype(np.float32))
ts = torch.from_numpy(train_t.astype(np.float32))
losses = []
for step in range(STEPS):
    idx = torch.randint(0, len(xs) - SEGMENT, (BATCH, 1)) + torch.arange(SEGMENT)
    y = model(xs[idx].unsqueeze(1))[:, WARMUP:, 0]
    t = ts[idx][:, WARMUP:]
    loss = ((y - t) ** 2).sum() / (t ** 2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    losses.append(loss.item())
    if step % 25 == 0 or step == STEPS - 1:
        print(f"step {step:3d}  ESR {loss.item():.4f}  ({time.perf_counter() - start_time:.0f} s)", flush=True)
model.eval()
train_esr = float(np.mean(losses[-10:]))

with torch.no_grad():
    # The held-out second as one stream from zero state, as ctinfer runs it.
    y = model(torch.from_numpy(valid_x.astype(np.float32))[None, None, :])[0, :, 0].numpy()
    valid_esr = float(np.sum((y - valid_t) ** 2) / np.sum(valid_t ** 2))
    flat = np.concatenate([p.numpy().ravel() for p in model.state_dict().values()]).astype(np.float32)
    names = ", ".join(f"{k} {list(v.shape)}" for k, v in model.state_dict().items())
    check_y = model.double()(torch.from_numpy(check_x / 32768.0)[None, None, :])[0, :, 0].numpy()


def hexf(v):
    """The float's exact value as a C++ hex literal: 0x1.8p-3f."""
    mantissa, exponent = float(np.float32(v)).hex().split("p")
    return mantissa.rstrip("0").rstrip(".") + "p" + exponent + "f"


def rows(values, per_row):
    values = list(values)
    return ",\n".join("    " + ", ".join(values[i:i + per_row]) for i in range(0, len(values), per_row))


header = f"""// examples/amp/amp_model.hpp - generated by examples/amp/train.py; do not edit.
//
// A synthetic guitar amp (pre-emphasis shelf, asymmetric tanh drive, one-pole low-pass; see
// train.py) learned by a causal conv + GRU net at 48 kHz, {len(flat)} parameters.
// Error-to-signal ratio: {train_esr:.4f} on the training excerpts (last 10 steps), {valid_esr:.4f} on the
// held-out second run as one stream.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ctinfer/ctinfer.hpp>

namespace amp {{

namespace ci = ctinfer;

inline constexpr std::size_t sample_rate = {FS};
inline constexpr std::size_t check_length = {CHECK};

// (channels, samples) in, (samples, 1) out. Model::step and Model::process stream any number of
// samples, one frame (one sample) at a time; the length in the Input sizes only the
// whole-sequence workspace of Model::forward, so a network that is only streamed declares 1.
using Net = ci::Sequential<ci::Input<ci::Shape<1, 1>>,
                           ci::Conv1D<{CHANNELS}, ci::Kernel<3>, ci::Causal>, ci::Tanh,
                           ci::Conv1D<{CHANNELS}, ci::Kernel<3>, ci::Dilation<2>, ci::Causal>, ci::Tanh,
                           ci::Transpose,
                           ci::GRU<{HIDDEN}>,
                           ci::Dense<1>>;

inline constexpr double training_esr = {train_esr!r};
inline constexpr double held_out_esr = {valid_esr!r};

// state_dict order: {names}.
inline constexpr std::array<float, {len(flat)}> weights = {{
{rows(map(hexf, flat), 4)}}};

// The first samples of the held-out signal (16-bit; float = value / 32768) and PyTorch's
// output on them from zero state, computed in float64 and rounded to float.
inline constexpr std::array<std::int16_t, check_length> check_input = {{
{rows(map(str, check_x), 16)}}};
inline constexpr std::array<float, check_length> check_output = {{
{rows(map(hexf, check_y), 4)}}};

}}  // namespace amp
"""
out_path.write_text(header)
print(f"ESR {train_esr:.4f} on the training excerpts, {valid_esr:.4f} on the held-out second; "
      f"{len(flat)} parameters; wrote {out_path} in {time.perf_counter() - start_time:.0f} s")
