#!/usr/bin/python3
"""Plots of the benchmark results for docs/performance.md (PNG, matplotlib).

  /usr/bin/python3 bench/plot.py [bench/results] [docs/img]

Reads Google Benchmark's JSON output (run with repetitions; the median aggregate is used) of
bench_dense, bench_conv and bench_rnn from the results directory and writes, to the image
directory, one bar chart per file: each case's time per inference (per step for the
recurrent cases) for ctinfer and each peer measured in the same run, on a log scale, with
ctinfer's speed-up over the fastest peer written above its bar. Missing files are skipped.
Needs python3-matplotlib (Debian). Deterministic for the same inputs.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
COLORS = {"ctinfer": "#1f77b4"}
PEER_COLORS = ["#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def medians(path, value):
    """{case: {side: ns}} from the median aggregates."""
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median" or b["run_name"].startswith("calib/"):
            continue
        case, _, side = b["run_name"].rpartition("/")
        out.setdefault(case, {})[side] = value(b)
    return out


def time_ns(b):
    return b["real_time"] * UNIT_NS[b["time_unit"]]


def step_ns(b):
    return b.get("ns_per_step", time_ns(b))


def plot(cases, title, ylabel, out):
    sides = ["ctinfer"] + sorted({s for c in cases.values() for s in c} - {"ctinfer"})
    names = sorted(cases)
    width = 0.8 / len(sides)
    fig, ax = plt.subplots(figsize=(min(13, max(6, 0.55 * len(names) + 2)), 4.5), dpi=110)
    for k, side in enumerate(sides):
        xs = [i + (k - (len(sides) - 1) / 2) * width for i in range(len(names))]
        ys = [cases[n].get(side, float("nan")) for n in names]
        color = COLORS.get(side, PEER_COLORS[(k - 1) % len(PEER_COLORS)])
        ax.bar(xs, ys, width, label=side, color=color)
        if side == "ctinfer":
            for x, n, y in zip(xs, names, ys):
                peers = [v for s, v in cases[n].items() if s != "ctinfer"]
                if peers and y == y:
                    ax.annotate(f"{min(peers) / y:.2g}x", (x, y), ha="center", va="bottom",
                                fontsize=7, xytext=(0, 2), textcoords="offset points")
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, metadata={"Software": None})
    plt.close(fig)
    print(f"wrote {out}")


def main(results="bench/results", images="docs/img"):
    os.makedirs(images, exist_ok=True)
    specs = [
        ("bench_dense.json", time_ns, "Dense nets (batch 1 and a 64-row sequence): ctinfer vs Eigen",
         "ns per inference (median)"),
        ("bench_conv.json", time_ns, "Convolutions and a small CNN: ctinfer vs oneDNN and LibTorch",
         "ns per inference (median)"),
        ("bench_rnn.json", step_ns, "Recurrent and WaveNet steps: ctinfer vs Eigen and LibTorch",
         "ns per step (median)"),
    ]
    for name, value, title, ylabel in specs:
        path = os.path.join(results, name)
        if os.path.exists(path):
            plot(medians(path, value), title + "\n(over each ctinfer bar: its speed-up over the fastest peer)", ylabel,
                 os.path.join(images, name.replace(".json", ".png")))


if __name__ == "__main__":
    main(*sys.argv[1:])
