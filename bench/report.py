#!/usr/bin/env python3
"""Turns the benchmark JSON files into the markdown tables of docs/performance.md.

  report.py --dense bench/results/bench_dense.json --compile bench/results/compile_time.json

bench_dense.json is Google Benchmark's JSON output of bench_dense run with repetitions
(aggregates: the median is used). Benchmarks are named <case>/<side> with side one of ctinfer,
eigen_rowmajor, eigen_colmajor; each carries the counters flop_per_inference and weight_bytes.
Ratios are ctinfer / the faster Eigen storage order (below 1: ctinfer is faster).
"""
import argparse
import json
import sys

PEAK_GFLOPS = 117.0  # one core, fp32 FMA (32 FLOP/cycle at ~3.66 GHz), given
L2_GBPS = 117.0      # one core, loads from L2, given

CASES = {
    "mlp4x128_b1": "a. 4 x (Dense 128 + ReLU), batch 1, float (weights 256 KiB, from L2)",
    "mlp16_32_16_f32": "b. 16 -> 32 -> 16, ReLU after each Dense, batch 1, float (L1-resident)",
    "mlp16_32_16_f64": "b'. 16 -> 32 -> 16, ReLU after each Dense, batch 1, double",
    "mlp4x128_seq64": "c. 4 x (Dense 128 + ReLU) on a (64, 128) sequence, float (GEMM, 64 rows)",
}
SIDES = ["ctinfer", "eigen_rowmajor", "eigen_colmajor"]
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def fmt_time(ns):
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} us"
    return f"{ns / 1e6:.3f} ms"


def load_dense(path):
    with open(path) as f:
        data = json.load(f)
    med = {}
    cv = {}
    reps = {}
    for b in data["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        name = b["run_name"]
        if b["aggregate_name"] == "median":
            med[name] = b
            reps[name] = b.get("repetitions")
        elif b["aggregate_name"] == "cv":
            cv[name] = b
    return data["context"], med, cv, reps


def dense_tables(path, time_key):
    ctx, med, cv, reps = load_dense(path)
    out = []
    out.append("### Machine and run\n")
    caches = ", ".join(
        f"L{c['level']} {c['type'].lower()} {c['size'] // 1024} KiB" for c in ctx.get("caches", []))
    out.append(f"- host: {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs, "
               f"{ctx.get('mhz_per_cpu', '?')} MHz (as reported), caches: {caches}")
    out.append(f"- load average at start: {', '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}")
    for key in ("compiler", "ctinfer_simd_target", "eigen_version", "eigen_simd"):
        if key in ctx:
            out.append(f"- {key}: {ctx[key]}")
    out.append(f"- date: {ctx.get('date', '?')}; library_build_type: {ctx.get('library_build_type', '?')}")
    r = sorted({v for v in reps.values() if v})
    out.append(f"- repetitions per benchmark: {', '.join(map(str, r))}; times are medians of "
               f"`{time_key}`; cv = coefficient of variation over the repetitions\n")

    # Same-run calibration: what one core reached during this run.
    peak_run = l2_run = None
    b = med.get("calib/fma_peak_f32")
    if b:
        peak_run = b["flop_per_inference"] / (b[time_key] * UNIT_NS[b["time_unit"]])
    b = med.get("calib/read_256KiB")
    if b:
        l2_run = b["weight_bytes"] / (b[time_key] * UNIT_NS[b["time_unit"]])
    out.append("### Calibration (same run, interleaved with the cases)\n")
    out.append("| limit | given | measured in this run | measured / given |")
    out.append("|---|---:|---:|---:|")
    if peak_run:
        out.append(f"| fp32 FMA peak, one core (GFLOP/s) | {PEAK_GFLOPS:.0f} | {peak_run:.1f} | "
                   f"{peak_run / PEAK_GFLOPS:.2f} |")
    if l2_run:
        out.append(f"| read of 256 KiB from L2, one core (GB/s) | {L2_GBPS:.0f} | {l2_run:.1f} | "
                   f"{l2_run / L2_GBPS:.2f} |")
    # Both given limits are 32 per cycle (32 FLOP/cycle, 32 B/cycle L2->L1) at ~3.66 GHz, so the
    # L2 bound at this run's clock is the measured FMA peak read as GB/s.
    l2_at_clock = peak_run
    if peak_run:
        out.append(f"| clock implied by the FMA peak (GHz, at 32 FLOP/cycle) | 3.66 | {peak_run / 32:.2f} | "
                   f"{peak_run / 32 / 3.66:.2f} |")
        out.append(f"| L2 bound at that clock (GB/s, 32 B/cycle) | {L2_GBPS:.0f} | {l2_at_clock:.1f} | "
                   f"{l2_at_clock / L2_GBPS:.2f} |")
    out.append("")

    summary = []
    for case, title in CASES.items():
        rows = {}
        for side in SIDES:
            b = med.get(f"{case}/{side}")
            if b is None:
                continue
            t_ns = b[time_key] * UNIT_NS[b["time_unit"]]
            c = cv.get(f"{case}/{side}")
            rows[side] = {
                "ns": t_ns,
                "cv": c[time_key] if c else None,
                "flop": b["flop_per_inference"],
                "wbytes": b["weight_bytes"],
            }
        if "ctinfer" not in rows:
            continue
        eig = [s for s in SIDES[1:] if s in rows]
        best = min(eig, key=lambda s: rows[s]["ns"]) if eig else None
        is_b1_l2 = case == "mlp4x128_b1"
        is_gemm = case == "mlp4x128_seq64"
        out.append(f"### {title}\n")
        head = "| implementation | median time / inference | cv | GFLOP/s |"
        sep = "|---|---:|---:|---:|"
        if is_b1_l2:
            head += (" weight bandwidth (GB/s) | fraction of L2 bound (117) | fraction of L2 bound at "
                     "this run's clock | fraction of same-run L2 read |")
            sep += "---:|---:|---:|---:|"
        if is_gemm:
            head += " fraction of peak (117) | fraction of same-run peak |"
            sep += "---:|---:|"
        head += " ctinfer / this |"
        sep += "---:|"
        out += [head, sep]
        ci = rows["ctinfer"]
        for side in SIDES:
            if side not in rows:
                continue
            x = rows[side]
            gflops = x["flop"] / x["ns"]
            label = side + (" (faster Eigen)" if side == best else "")
            cvs = f"{100 * x['cv']:.1f}%" if x["cv"] is not None else "-"
            line = f"| {label} | {fmt_time(x['ns'])} | {cvs} | {gflops:.1f} |"
            if is_b1_l2:
                gbps = x["wbytes"] / x["ns"]
                rel = f"{gbps / l2_run:.2f}" if l2_run else "-"
                clk = f"{gbps / l2_at_clock:.2f}" if l2_at_clock else "-"
                line += f" {gbps:.1f} | {gbps / L2_GBPS:.2f} | {clk} | {rel} |"
            if is_gemm:
                rel = f"{gflops / peak_run:.2f}" if peak_run else "-"
                line += f" {gflops / PEAK_GFLOPS:.2f} | {rel} |"
            line += f" {ci['ns'] / x['ns']:.2f} |"
            out.append(line)
        if is_b1_l2:
            floor = ci["wbytes"] / L2_GBPS
            out.append(f"\nL2 floor: {ci['wbytes']:.0f} bytes of weights / {L2_GBPS:.0f} GB/s = "
                       f"{fmt_time(floor)}.")
        out.append("")
        if best:
            ratio = ci["ns"] / rows[best]["ns"]
            summary.append((case, ci, rows[best], best, ratio))

    out.append("### Targets\n")
    out.append("| case | target | measured | met |")
    out.append("|---|---|---|---|")
    for case, ci, eb, best, ratio in summary:
        if case == "mlp4x128_b1":
            frac = (ci["wbytes"] / ci["ns"]) / L2_GBPS
            out.append(f"| a | no slower than Eigen | ctinfer / {best} = {ratio:.2f} | "
                       f"{'yes' if ratio <= 1.0 else 'no'} |")
            out.append(f"| a | within 10% of the L2 bound (>= 0.90) | {frac:.2f} of the bound | "
                       f"{'yes' if frac >= 0.90 else 'no'} |")
            if l2_at_clock:
                fr = (ci["wbytes"] / ci["ns"]) / l2_at_clock
                out.append(f"| a | (same, L2 bound at this run's clock: {l2_at_clock:.1f} GB/s) | {fr:.2f} | "
                           f"{'yes' if fr >= 0.90 else 'no'} |")
            if l2_run:
                fr = (ci["wbytes"] / ci["ns"]) / l2_run
                out.append(f"| a | (same, against this run's 256 KiB read: {l2_run:.1f} GB/s) | {fr:.2f} | "
                           f"{'yes' if fr >= 0.90 else 'no'} |")
        elif case == "mlp16_32_16_f32":
            out.append(f"| b | at most 0.5x Eigen's time | {ratio:.2f}x | {'yes' if ratio <= 0.5 else 'no'} |")
        elif case == "mlp16_32_16_f64":
            out.append(f"| b' (double) | (no target; b's 0.5x for reference) | {ratio:.2f}x | - |")
        elif case == "mlp4x128_seq64":
            frac = ci["flop"] / ci["ns"] / PEAK_GFLOPS
            out.append(f"| c | >= 85% of peak | {100 * frac:.1f}% | {'yes' if frac >= 0.85 else 'no'} |")
            if peak_run:
                fr = ci["flop"] / ci["ns"] / peak_run
                out.append(f"| c | (same, against this run's FMA peak: {peak_run:.1f} GFLOP/s) | "
                           f"{100 * fr:.1f}% | {'yes' if fr >= 0.85 else 'no'} |")
            out.append(f"| c | about 0.77x Eigen's time | {ratio:.2f}x | {'yes' if ratio <= 0.77 else 'no'} |")
    out.append("")

    # Both clocks, for every benchmark: real_time counts the time the process was not running
    # (on a shared machine it is preempted), cpu_time does not.
    out.append("### Wall-clock and CPU time, every benchmark (medians)\n")
    out.append("| benchmark | real_time | cpu_time | real / cpu |")
    out.append("|---|---:|---:|---:|")
    for name, b in sorted(med.items()):
        u = UNIT_NS[b["time_unit"]]
        rt, ct = b["real_time"] * u, b["cpu_time"] * u
        out.append(f"| {name} | {fmt_time(rt)} | {fmt_time(ct)} | {rt / ct:.2f} |")
    out.append("")
    return "\n".join(out)


def compile_tables(path):
    with open(path) as f:
        data = json.load(f)
    res = data["results"]
    parts = [r for r in res if r["part"] != 4]
    out = ["### Compile time" + (": where it goes" if parts else "") + "\n"]
    out.append(f"Flags: `{data.get('flags', '?')}`; measured {data.get('date', '?')}; "
               "one translation unit (params_t, load_flat, Model, one forward); "
               "N counts every layer after Input (N/2 Dense<32>, N/2 activations).\n")
    full = [r for r in res if r["part"] == 4]
    compilers = sorted({r["compiler"] for r in full})
    ns = sorted({r["layers"] for r in full})
    if full and not parts:
        head = "| N layers |" + "".join(
            f" {c} wall (s) | {c} user+sys (s) | {c} peak mem (MiB) |" for c in compilers)
        out += [head, "|---:|" + "---:|---:|---:|" * len(compilers)]
        for n in ns:
            line = f"| {n} |"
            for c in compilers:
                r = next((r for r in full if r["compiler"] == c and r["layers"] == n), None)
                if r is None:
                    line += " - | - | - |"
                elif r.get("wall_s") is None:
                    line += f" fails: {r.get('error', '?')} | - | - |"
                else:
                    cpu = f"{r['cpu_s']:.2f}" if r.get("cpu_s") is not None else "-"
                    line += f" {r['wall_s']:.2f} | {cpu} | {r['max_rss_kib'] / 1024:.0f} |"
            out.append(line)
        reps = sorted({r.get("reps", 1) for r in full})
        out.append(f"\n(median of {', '.join(map(str, reps))} run(s) per point)\n")
    if parts:
        out.append("Breakdown (CTINFER_CT_PART: 1 shapes, 2 + params/load_flat, "
                   "3 + plan/program type, 4 + Model and forward):\n")
        out += ["| compiler | N | part | wall (s) | user+sys (s) | peak mem (MiB) |",
                "|---|---:|---:|---:|---:|---:|"]
        for r in sorted(res, key=lambda r: (r["compiler"], r["layers"], r["part"])):
            if r.get("wall_s") is None:
                out.append(f"| {r['compiler']} | {r['layers']} | {r['part']} | fails: {r.get('error')} | - | - |")
            else:
                cpu = f"{r['cpu_s']:.2f}" if r.get("cpu_s") is not None else "-"
                out.append(f"| {r['compiler']} | {r['layers']} | {r['part']} | {r['wall_s']:.2f} | {cpu} | "
                           f"{r['max_rss_kib'] / 1024:.0f} |")
        out.append("")
    return "\n".join(out)


CONV_CASES = {
    "conv3x3_64_56": "3x3, 64 -> 64, 56x56, pad 1 (channels-last in and out)",
    "conv3x3_32_32": "3x3, 32 -> 32, 32x32, pad 1 (channels-last in and out)",
    "conv1x1_64_128": "1x1, 64 -> 128, 56x56 (channels-last in and out)",
    "conv1x1_160_7": "1x1, 160 -> 160, 7x7 (channels-last in and out)",
    "conv3x3_3_16_32": "3x3, 3 -> 16, 32x32, pad 1 (channels-last in and out)",
    "conv3x3_3_8_32": "3x3, 3 -> 8, 32x32, pad 1 (channels-last in and out)",
    "dw3x3_64_56": "depthwise 3x3, 64 channels, 56x56, pad 1 (channels-last in and out)",
    "dw3x3_64_14": "depthwise 3x3, 64 channels, 14x14, pad 1 (channels-last in and out)",
    "tiny_1_8_28": "3x3, 1 -> 8, 28x28, pad 1 (whole Model, NCHW in and out)",
    "tiny_8_16_14": "3x3, 8 -> 16, 14x14, pad 1 (whole Model, NCHW in and out)",
    "small_cnn": "small CNN, 1x28x28 -> 10 (whole Model, NCHW in)",
}
CONV_SIDES = ["ctinfer", "onednn_native", "onednn_nchw", "libtorch"]


def conv_tables(path, time_key):
    ctx, med, cv, reps = load_dense(path)
    out = ["### Convolutions: ctinfer, oneDNN and LibTorch (one thread)\n"]
    peak = med.get("calib/fma_peak_f32")
    peak_gflops = peak["FLOP"] / 1e9 if peak else None
    if peak_gflops:
        out.append(f"Same-run FMA peak of one core: {peak_gflops:.1f} GFLOP/s "
                   f"({peak_gflops / PEAK_GFLOPS:.2f} of the nominal {PEAK_GFLOPS:.0f}).\n")
    out.append("| case | side | median | GFLOP/s | of run peak | cv | ctinfer speed-up |")
    out.append("|---|---|---|---|---|---|---|")
    for case, title in CONV_CASES.items():
        rows = {side: med.get(f"{case}/{side}") for side in CONV_SIDES}
        if not rows["ctinfer"]:
            continue
        unit = UNIT_NS[rows["ctinfer"]["time_unit"]]
        t_ci = rows["ctinfer"][time_key] * unit
        for side in CONV_SIDES:
            b = rows[side]
            if not b:
                continue
            t = b[time_key] * UNIT_NS[b["time_unit"]]
            gflops = b["flop_per_inference"] / t
            frac = f"{gflops / peak_gflops:.2f}" if peak_gflops else "-"
            c = cv.get(f"{case}/{side}")
            cvs = f"{100 * c[time_key]:.0f}%" if c else "-"
            speed = "" if side == "ctinfer" else f"{t / t_ci:.2f}x"
            out.append(f"| {case if side == 'ctinfer' else ''} | {side} | {fmt_time(t)} | {gflops:.1f} | {frac} | "
                       f"{cvs} | {speed} |")
    out.append("")
    out.append("Cases: " + "; ".join(f"`{k}`: {v}" for k, v in CONV_CASES.items()) + ".\n")
    return "\n".join(out)


RNN_SIDES = ["ctinfer", "eigen", "libtorch"]


def rnn_tables(path, time_key):
    """Per-step latency of the streamed nets (bench_rnn): ns per step, ratios, real-time factors."""
    ctx, med, cv, reps = load_dense(path)
    out = ["### Streaming, one step at a time: ctinfer, Eigen and LibTorch (one thread)\n"]
    out.append("ns per step (median); speed-up = peer time / ctinfer time; real-time factor at 48 kHz = "
               "(1 s / 48000) / time per step.\n")
    out.append("| net | type | ctinfer | Eigen | LibTorch | vs Eigen | vs LibTorch | ctinfer RTF @48k | cv (ctinfer) |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    cases = []
    for name in med:
        parts = name.split("/")
        if len(parts) == 3 and parts[2] == "ctinfer":
            cases.append((parts[0], parts[1]))
    def order(c):
        net, typ = c
        kind, size = net.rsplit("_", 1)
        return (typ, ["lstm", "gru", "wavenet"].index(kind) if kind in ("lstm", "gru", "wavenet") else 9, int(size))
    for net, typ in sorted(cases, key=order):
        t = {}
        for side in RNN_SIDES:
            b = med.get(f"{net}/{typ}/{side}")
            if b:
                t[side] = b["ns_per_step"]  # the counter is already in ns per step
        ci = t["ctinfer"]
        c = cv.get(f"{net}/{typ}/ctinfer")
        cvs = f"{100 * c[time_key]:.0f}%" if c else "-"
        def cell(side):
            return f"{t[side]:.0f} ns" if side in t else "-"
        def ratio(side):
            return f"{t[side] / ci:.2f}x" if side in t else "-"
        rtf = (1e9 / 48000) / ci
        out.append(f"| {net} | {typ} | {cell('ctinfer')} | {cell('eigen')} | {cell('libtorch')} | {ratio('eigen')} | "
                   f"{ratio('libtorch')} | {rtf:.0f} | {cvs} |")
    out.append("")
    # Cells whose hidden weights exceed L1: against the time to read those weights once from L2
    # at the rate calib/read_128KiB measured in the same run.
    read = med.get("calib/read_128KiB")
    big = [c for c in sorted(cases, key=order) if c[0].split("_")[0] in ("lstm", "gru") and int(c[0].rsplit("_", 1)[1]) >= 64]
    if read and big:
        rate = read["bytes_per_s"]
        out.append(f"L2 bound: the hidden weights (gates x H x H values) read once at {rate / 1e9:.1f} GB/s "
                   "(calib/read_128KiB, median, same run); time / bound: 1 is the bound, below 1 means part of the "
                   "weights stayed in L1.\n")
        out.append("| net | type | hidden weights | L2 bound | ctinfer | time / bound |")
        out.append("|---|---|---|---|---|---|")
        for net, typ in big:
            kind, size = net.rsplit("_", 1)
            h = int(size)
            weight_bytes = (4 if kind == "lstm" else 3) * h * h * (4 if typ == "f32" else 8)
            bound = weight_bytes / rate * 1e9
            t = med[f"{net}/{typ}/ctinfer"]["ns_per_step"]
            out.append(f"| {net} | {typ} | {weight_bytes // 1024} KiB | {bound:.0f} ns | {t:.0f} ns | {t / bound:.2f} |")
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dense", help="bench_dense JSON")
    ap.add_argument("--conv", help="bench_conv JSON")
    ap.add_argument("--rnn", help="bench_rnn JSON")
    ap.add_argument("--compile", action="append", default=[], help="compile_time JSON (repeatable)")
    ap.add_argument("--time", default="cpu_time", choices=["real_time", "cpu_time"],
                    help="which median the tables use (default cpu_time: the machine is shared)")
    a = ap.parse_args()
    if not a.dense and not a.compile and not a.conv and not a.rnn:
        ap.error("give --dense, --conv, --rnn and/or --compile")
    parts = []
    if a.dense:
        parts.append(dense_tables(a.dense, a.time))
    if a.conv:
        parts.append(conv_tables(a.conv, a.time))
    if a.rnn:
        parts.append(rnn_tables(a.rnn, a.time))
    for path in a.compile:
        parts.append(compile_tables(path))
    sys.stdout.write("\n".join(parts))


if __name__ == "__main__":
    main()
