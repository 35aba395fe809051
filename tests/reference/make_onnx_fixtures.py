#!/usr/bin/python3
"""ONNX conformance data (ONNX's own per-operator node tests) for ctinfer's tests.

What it reads
-------------
Debian's libonnx-testdata package installs ONNX's backend "node" tests under
/usr/share/libonnx-testdata/data/node/<test>/: a one-node model.onnx and test_data_set_0/ with
input_<i>.pb / output_<i>.pb TensorProto files (the inputs and ONNX's expected outputs).

Every directory whose name starts with test_conv, test_convtranspose, test_maxpool,
test_averagepool, test_globalaveragepool, test_globalmaxpool or test_batchnorm is considered
(test_convinteger* excluded). Each is either supported (float32, batch of 1, 1-D or 2-D spatial,
attributes ctinfer expresses) or refused with a one-line reason. Exception to the batch rule:
BatchNormalization in inference mode treats every sample independently, so a test with a batch of
N > 1 becomes N cases, NAME_n0 ... NAME_n<N-1>, each with that sample's input and expected output
(the params are the same in all of them).

Recurrent tests (test_lstm*, test_gru*, test_rnn*, test_simple_rnn*): ONNX's LSTM and GRU run
every sample of the batch on its own, so a batch of N > 1 is split the same way into NAME_n<i>.
A test is supported when ONNX's equations are PyTorch's (= ctinfer's): direction forward or
bidirectional (ctinfer::Bidirectional), the default activations (LSTM Sigmoid, Tanh, Tanh; GRU
Sigmoid, Tanh) and no activation_alpha / activation_beta, no clip, LSTM input_forget=0 and no
peepholes (P absent or all zero), GRU linear_before_reset=1 (ONNX's default 0 puts the reset
gate before the recurrent product, a different formula), sequence_lens absent or all equal to
the sequence length, and every input given as data. layout=1 (batch-major) is only a different
axis order and is read as such. A non-zero initial_h / initial_c becomes ctinfer::InitialState
with that sample's h0 (and c0) among its params; zero or absent initial states are ctinfer's
default. Plain RNN is refused (ctinfer has no such layer). ONNX's weights are converted to
PyTorch's layout: W [dir][G*H][F] and R [dir][G*H][H] become weight_ih and weight_hh with the
gate blocks reordered (LSTM: ONNX i, o, f, c -> PyTorch i, f, g, o; GRU: ONNX z, r, h ->
PyTorch r, z, n), B [dir][2*G*H] = Wb then Rb becomes bias_ih and bias_hh (reordered alike; B
absent -> ctinfer::NoBias). The checked output is Y (every time step; per sample (T, dir*H),
the forward direction in [0, H), the reverse in [H, 2H)) when the test has it, else Y_h through
a net ending in ctinfer::LastStep (forward direction only: there Y_h is Y at the last step).

ConvTranspose: ONNX's output_shape attribute and auto_pad=SAME_UPPER / SAME_LOWER (output = input *
stride) are turned into explicit pads by ONNX's rule (total_padding = stride * (in - 1) +
output_padding + (kernel - 1) * dilation + 1 - output_shape; SAME_UPPER: begin = total // 2, end =
total - total // 2; otherwise the other way round; // is floor division, as in ONNX's Python
reference). A negative end pad (the output longer than the full transposed convolution) is the
same as that much more output_padding and is emitted as such; a negative begin pad, and an output
padding not below the stride or the dilation (ctinfer's OutputPad limit), are refused.

What it writes
--------------
  FIXTURES_DIR/onnx_node.hpp   for every supported test NAME (the directory name; NAME_n<i> for
                               sample i of a split BatchNormalization test), in
                               namespace ctinfer_fixtures:
      NAME_input[]             X without the batch axis, flattened (float32 values)
      NAME_params[]            only if the layer has parameters, in ctinfer's load_flat order
                               (Conv: W [out][in/group][k...] then B if present;
                               ConvTranspose: W [in][out/group][k...] (ONNX's W as is) then B
                               if present; BatchNormalization: scale, B, mean, var; LSTM / GRU:
                               per direction (forward, then reverse) weight_ih, weight_hh,
                               bias_ih and bias_hh unless NoBias, h0 (and c0) with InitialState)
      NAME_param_count         only if the layer has parameters
      NAME_expected[]          ONNX's expected output without the batch axis (float32 values)
      NAME_expected_shape      ctinfer::Shape<...> of that output (no batch axis)
      NAME_net<T>              the one-layer ctinfer::Sequential computing it (a recurrent
                               layer checked against Y_h: followed by ctinfer::LastStep)
  and the X-macros CTINFER_ONNX_NODE_CASES (all), CTINFER_ONNX_NODE_CASES_P (with params),
  CTINFER_ONNX_NODE_CASES_NP (without params) and CTINFER_ONNX_NODE_CASES_STREAM (the
  one-direction LSTM / GRU cases, whose nets also run frame by frame with Model::step).
  DOCS_DIR/onnx-conformance.md  a table of every test considered: checked or refused (why).

Before writing anything it checks every supported case: the output shape computed with
PyTorch's (= ctinfer's) formulas from the emitted layer options must equal ONNX's expected shape,
and a plain numpy implementation run on the emitted input / params / options (ConvTranspose: the
scatter form, every input value spread through the kernel, then cropped by the pads) must
reproduce ONNX's expected output within 1e-5 (absolute) + 1e-5 (relative); for LSTM / GRU that
implementation is PyTorch's equations run on the converted params, and it must also reproduce
every other output the test has (Y_h, Y_c). ONNX's LSTM node tests (one time step, zero initial
state, constant weights) cannot see the gate order, so the weight conversion itself is checked
first on seeded pseudo-random data (several time steps, both directions, biases and initial
states): ONNX's equations on ONNX's tensors and PyTorch's on the converted ones must agree
within 1e-9. Any mismatch is an error.

How to run
----------
From the repository root, with Debian's Python (it has python3-onnx and numpy):

    /usr/bin/python3 tests/reference/make_onnx_fixtures.py tests/fixtures docs

It is deterministic (tests in name order, nothing random). The generated files are committed;
do not edit them by hand, change this script and rerun it instead.
"""

import fractions
import math
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

SCRIPT = "tests/reference/make_onnx_fixtures.py"
REGEN = f"/usr/bin/python3 {SCRIPT} tests/fixtures docs"
DATA = "/usr/share/libonnx-testdata/data/node"
HEADER = "onnx_node.hpp"
DOC = "onnx-conformance.md"
VALUES_PER_LINE = 4
PREFIXES = ("test_conv", "test_convtranspose", "test_maxpool", "test_averagepool",
            "test_globalaveragepool", "test_globalmaxpool", "test_batchnorm", "test_lstm",
            "test_gru", "test_rnn", "test_simple_rnn")
EXCLUDED_PREFIXES = ("test_convinteger",)
ATOL = 1e-5
RTOL = 1e-5
CI = "ctinfer::"
RECURRENT = ("LSTM", "GRU", "RNN")
# PyTorch's gate blocks as indices into ONNX's: LSTM ONNX i, o, f, c -> PyTorch i, f, g(=c), o;
# GRU ONNX z, r, h -> PyTorch r, z, n(=h).
GATE_ORDER = {"LSTM": (0, 2, 3, 1), "GRU": (1, 0, 2)}
GATE_NAMES = {"LSTM": ("i, o, f, c", "i, f, g, o"), "GRU": ("z, r, h", "r, z, n")}
DEFAULT_ACTIVATIONS = {"LSTM": ["sigmoid", "tanh", "tanh"], "GRU": ["sigmoid", "tanh"]}


# ----------------------------------------------------------------------------- formatting
# (the same conventions as make_fixtures.py, which is not imported because it needs torch)

def hexf(x):
    """Exact C99 hex float literal of a Python float, trailing zero digits removed."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"non-finite value {x!r} in fixture data")
    h = x.hex()  # e.g. '-0x1.8000000000000p+3', '0x0.0p+0'
    mant, exp = h.split("p")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return f"{mant}p{exp}"


def shape_str(shape):
    shape = tuple(int(s) for s in shape)
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(s) for s in shape) + ")"


def array_decl(name, values):
    values = list(values)
    if not values:
        raise ValueError(f"empty array {name}")
    lines = [f"inline constexpr double {name}[] = {{"]
    for i in range(0, len(values), VALUES_PER_LINE):
        chunk = values[i:i + VALUES_PER_LINE]
        lines.append("    " + ", ".join(hexf(v) for v in chunk) + ",")
    lines.append("};")
    return "\n".join(lines)


def attr_text(attrs):
    if not attrs:
        return "(none)"
    parts = []
    for k in sorted(attrs):
        v = attrs[k]
        if isinstance(v, float):
            v = np.format_float_positional(np.float32(v), unique=True, trim="-")  # float32
        elif isinstance(v, list):
            v = "[" + ", ".join(str(e) for e in v) + "]"
        parts.append(f"{k}={v}")
    return ", ".join(parts)


def targs(values):
    return ", ".join(str(int(v)) for v in values)


# ----------------------------------------------------------------------------- reading

def load_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t.name, numpy_helper.to_array(t)


def read_test(name):
    """The model's single node, its attributes and every named input/output array."""
    d = os.path.join(DATA, name)
    model = onnx.load(os.path.join(d, "model.onnx"))
    g = model.graph
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                default=0)
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    feeds = [i.name for i in g.input if i.name not in inits]
    sets = sorted(s for s in os.listdir(d) if s.startswith("test_data_set_"))
    if not sets:
        raise RuntimeError(f"{name}: no test_data_set_*")
    ds = os.path.join(d, sets[0])
    arrays = dict(inits)
    for i, feed in enumerate(feeds):
        pbname, arr = load_tensor(os.path.join(ds, f"input_{i}.pb"))
        if pbname and pbname != feed:
            raise RuntimeError(f"{name}: input_{i}.pb is {pbname!r}, graph input {feed!r}")
        arrays[feed] = arr
    outputs = []
    for i, out in enumerate(g.output):
        path = os.path.join(ds, f"output_{i}.pb")
        if os.path.exists(path):
            pbname, arr = load_tensor(path)
            if pbname and pbname != out.name:
                raise RuntimeError(f"{name}: output_{i}.pb is {pbname!r}, graph output {out.name!r}")
            outputs.append(arr)
    attrs = {}
    node = g.node[0] if len(g.node) == 1 else None
    if node is not None:
        for a in node.attribute:
            v = helper.get_attribute_value(a)
            if isinstance(v, bytes):
                v = v.decode("ascii")
            elif isinstance(v, (list, tuple)):
                v = [int(e) if isinstance(e, int) else e for e in v]
            attrs[a.name] = v
    return dict(model=model, graph=g, node=node, opset=opset, attrs=attrs, arrays=arrays,
                outputs=outputs, n_sets=len(sets))


# ----------------------------------------------------------------------------- analysis

class Refused(Exception):
    pass


def explicit_pads(auto_pad, pads_attr, in_sp, k, s, d):
    """ONNX's rule: (begins, ends) for NOTSET / VALID / SAME_UPPER / SAME_LOWER."""
    n = len(in_sp)
    if auto_pad in ("", "NOTSET"):
        p = list(pads_attr) if pads_attr is not None else [0] * (2 * n)
        if len(p) != 2 * n:
            raise Refused(f"pads has {len(p)} values for {n} spatial axes")
        return p[:n], p[n:]
    if pads_attr is not None and any(pads_attr):
        raise Refused(f"auto_pad={auto_pad} together with explicit pads")
    if auto_pad == "VALID":
        return [0] * n, [0] * n
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        begins, ends = [], []
        for i in range(n):
            out = -(-in_sp[i] // s[i])  # ceil(in / stride)
            total = max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in_sp[i])
            small, big = total // 2, total - total // 2
            if auto_pad == "SAME_UPPER":  # odd extra at the end
                begins.append(small), ends.append(big)
            else:  # SAME_LOWER: odd extra at the beginning
                begins.append(big), ends.append(small)
        return begins, ends
    raise Refused(f"auto_pad={auto_pad}")


def convtranspose_pads(auto_pad, pads_attr, output_shape, in_sp, k, s, d, out_pad):
    """ConvTranspose's explicit (begins, ends, output_pad, how) by ONNX's rule.

    how says where the pads came from ("" for the pads attribute as is). A negative end pad
    becomes output padding; everything ctinfer cannot express raises Refused."""
    n = len(in_sp)
    if auto_pad not in ("", "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"):
        raise Refused(f"auto_pad={auto_pad}")
    if pads_attr is not None and len(pads_attr) != 2 * n:
        raise Refused(f"pads has {len(pads_attr)} values for {n} spatial axes")
    if pads_attr is not None and any(p < 0 for p in pads_attr):
        raise Refused(f"negative pads {list(pads_attr)}")
    out_pad = list(out_pad)
    if output_shape is not None:
        if len(output_shape) != n:
            raise Refused(f"output_shape has {len(output_shape)} values for {n} spatial axes "
                          "(spatial extents expected)")
        if pads_attr is not None and any(pads_attr):
            raise Refused("output_shape together with explicit pads")
        if auto_pad == "VALID":
            raise Refused("output_shape together with auto_pad=VALID")
        target = [int(v) for v in output_shape]
        how = f"from output_shape={list(target)}" + (
            f", auto_pad={auto_pad}" if auto_pad not in ("", "NOTSET") else "")
    elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        if pads_attr is not None and any(pads_attr):
            raise Refused(f"auto_pad={auto_pad} together with explicit pads")
        target = [in_sp[i] * s[i] for i in range(n)]
        how = f"from auto_pad={auto_pad}: output = input * stride = {target}"
    elif auto_pad == "VALID":
        if pads_attr is not None and any(pads_attr):
            raise Refused("auto_pad=VALID together with explicit pads")
        return [0] * n, [0] * n, out_pad, "auto_pad=VALID: no pads"
    else:
        p = list(pads_attr) if pads_attr is not None else [0] * (2 * n)
        begins, ends = p[:n], p[n:]
        target = None
        how = ""
    if target is not None:
        begins, ends = [], []
        for i in range(n):
            total = s[i] * (in_sp[i] - 1) + out_pad[i] + (k[i] - 1) * d[i] + 1 - target[i]
            half = total // 2  # floor division, as ONNX's Python reference implementation
            if auto_pad == "SAME_UPPER":
                begins.append(half), ends.append(total - half)
            else:  # SAME_LOWER, and NOTSET with output_shape
                begins.append(total - half), ends.append(half)
        how += f"; ONNX's pads {begins + ends}"
        moved = []
        for i in range(n):
            if begins[i] < 0:
                raise Refused(f"negative begin pad {begins[i]} on axis {i} ({how}): the output "
                              "grows at the start, ctinfer's pads only crop")
            if ends[i] < 0:  # the output extends past the full result: output padding
                moved.append(f"axis {i}: end pad {ends[i]} -> output padding +{-ends[i]}")
                out_pad[i] += -ends[i]
                ends[i] = 0
        if moved:
            how += "; " + ", ".join(moved)
    for i in range(n):
        if out_pad[i] >= s[i] and out_pad[i] >= d[i]:
            raise Refused(f"output padding {out_pad[i]} on axis {i} is not below the stride "
                          f"{s[i]} or the dilation {d[i]} (ctinfer's OutputPad limit)"
                          + (f" ({how})" if how else ""))
    return begins, ends, out_pad, how


def pool_out_size(n, k, s, pb, pe, d, ceil):
    """PyTorch's output length (ceil mode: the last window starts inside input or left pad)."""
    eff = d * (k - 1) + 1
    num = n + pb + pe - eff
    if num < 0:
        raise Refused("kernel larger than the padded input")
    out = (-(-num // s) if ceil else num // s) + 1
    if ceil and (out - 1) * s >= n + pb:
        out -= 1
    return out


def dtype_reason(arr, what):
    if arr.dtype != np.float32:
        return f"{arr.dtype} {what}"
    return None


def to_torch_gates(a, op, H):
    """An ONNX [G*H]... tensor with its gate blocks in PyTorch's order (a copy)."""
    blocks = [a[g * H:(g + 1) * H] for g in range(len(GATE_ORDER[op]))]
    return np.ascontiguousarray(np.concatenate([blocks[i] for i in GATE_ORDER[op]], axis=0))


def torch_direction(op, H, w, r, b):
    """One direction's PyTorch tensors from ONNX's W[d], R[d], B[d] (b None: no bias):
    [weight_ih, weight_hh] (+ [bias_ih, bias_hh])."""
    G = len(GATE_ORDER[op])
    out = [to_torch_gates(w, op, H), to_torch_gates(r, op, H)]
    if b is not None:
        out += [to_torch_gates(b[:G * H], op, H), to_torch_gates(b[G * H:], op, H)]
    return out


def analyze_recurrent(name, t):
    """LSTM / GRU (RNN refused): one case per sample (a batch of 1 keeps the name), or raise
    Refused(reasons)."""
    node = t["node"]
    op = node.op_type
    if op == "RNN":
        raise Refused("plain RNN (ONNX's RNN, H_t = tanh(X_t W^T + H_t-1 R^T + Wb + Rb)): "
                      "ctinfer has LSTM and GRU only")
    attrs = dict(t["attrs"])
    arrays = t["arrays"]
    G = len(GATE_ORDER[op])
    n_inputs = 8 if op == "LSTM" else 6  # X, W, R, B, sequence_lens, initial_h[, initial_c, P]
    if len(node.input) > n_inputs:
        raise Refused(f"{len(node.input)} inputs ({n_inputs} at most)")
    names = list(node.input) + [""] * (n_inputs - len(node.input))

    def given(i):
        if not names[i]:
            return None
        if names[i] not in arrays:
            raise Refused(f"input {names[i]!r} has no data (dynamic)")
        return arrays[names[i]]

    x, w, r, b, seq_lens, init_h = (given(i) for i in range(6))
    init_c, peep = (given(6), given(7)) if op == "LSTM" else (None, None)
    if x is None or w is None or r is None:
        raise Refused("X, W or R missing")
    reasons = []
    for arr, what in ((x, "input"), (w, "W"), (r, "R"), (b, "B"), (init_h, "initial_h"),
                      (init_c, "initial_c"), (peep, "P")):
        if arr is not None and dtype_reason(arr, what):
            reasons.append(dtype_reason(arr, what))

    layout = attrs.pop("layout", 0)
    direction = attrs.pop("direction", "forward")
    H = attrs.pop("hidden_size", None)
    acts = attrs.pop("activations", None)
    if acts is not None:  # a list of strings, read as bytes
        acts = [a.decode("ascii") if isinstance(a, bytes) else a for a in acts]
    if layout not in (0, 1):
        reasons.append(f"layout={layout}")
    if direction not in ("forward", "bidirectional"):
        reasons.append(f"direction={direction} (ctinfer runs forward, or both directions with "
                       "Bidirectional; not the reverse pass alone)")
    D = 2 if direction == "bidirectional" else 1
    if acts is not None and [a.lower() for a in acts] != DEFAULT_ACTIVATIONS[op] * D:
        reasons.append(f"activations={acts} (ctinfer's {op} uses "
                       f"{', '.join(a.capitalize() for a in DEFAULT_ACTIVATIONS[op])} per direction)")
    for k in ("activation_alpha", "activation_beta"):
        if k in attrs:
            reasons.append(f"{k}={attrs.pop(k)}")
    if "clip" in attrs:
        clip = np.format_float_positional(np.float32(attrs.pop("clip")), unique=True, trim="-")
        reasons.append(f"clip={clip} (cell clipping; ctinfer does not clip)")
    if op == "LSTM":
        input_forget = attrs.pop("input_forget", 0)
        if input_forget != 0:
            reasons.append(f"input_forget={input_forget} (coupled input and forget gates)")
        if peep is not None and peep.any():
            reasons.append("P (peephole weights) non-zero: ctinfer's LSTM has no peepholes")
    else:
        lbr = attrs.pop("linear_before_reset", 0)
        if lbr != 1:
            reasons.append(
                f"linear_before_reset={lbr} (ONNX's default: the reset gate multiplies H_t-1 "
                "before the recurrent product, h_t = tanh(X_t Wh^T + (r_t * H_t-1) Rh^T + Rbh "
                "+ Wbh); ctinfer's GRU is PyTorch's, linear_before_reset=1: r_t * (H_t-1 Rh^T "
                "+ Rbh))")
    if attrs:
        reasons.append("attribute " + ", ".join(sorted(attrs)) + " not supported")
    if x.ndim != 3:
        raise Refused("; ".join(reasons + [f"rank-{x.ndim} X (3 expected)"]))
    if layout == 1:
        batch, T, F = x.shape
    else:
        T, batch, F = x.shape
    if H is None:
        H = r.shape[-1]
    if w.shape != (D, G * H, F) or r.shape != (D, G * H, H) or (
            b is not None and b.shape != (D, 2 * G * H)):
        raise Refused("; ".join(reasons + [
            f"W {list(w.shape)}, R {list(r.shape)}"
            + (f", B {list(b.shape)}" if b is not None else "")
            + f" do not fit hidden_size={H}, {D} direction(s), {F} features"]))
    if seq_lens is not None and (seq_lens.shape != (batch,) or (seq_lens != T).any()):
        reasons.append(f"sequence_lens={seq_lens.tolist()} (not all the sequence length {T}: "
                       "ctinfer runs every sample's whole sequence)")
    state_shape = (batch, D, H) if layout == 1 else (D, batch, H)
    for arr, what in ((init_h, "initial_h"), (init_c, "initial_c")):
        if arr is not None and arr.shape != state_shape:
            reasons.append(f"{what} shape {list(arr.shape)} ({list(state_shape)} expected)")

    # Outputs: Y when the test has it, else Y_h through LastStep (one direction only).
    graph_outs = [o.name for o in t["graph"].output]
    if len(graph_outs) != len(t["outputs"]):
        raise Refused("; ".join(reasons + ["an output has no data"]))
    data = dict(zip(graph_outs, t["outputs"]))
    out_names = list(node.output) + [""] * (3 - len(node.output))
    y_name, yh_name, yc_name = out_names[:3]
    present = {k: data[n] for k, n in (("Y", y_name), ("Y_h", yh_name), ("Y_c", yc_name))
               if n and n in data}
    for k, arr in present.items():
        if arr.dtype != np.float32:
            reasons.append(f"{arr.dtype} {k}")
    if "Y" in present:
        checked = "Y"
    elif "Y_h" in present and D == 1:
        checked = "Y_h"
    elif "Y_h" in present:
        reasons.append("only Y_h is checkable and the direction is bidirectional (its reverse "
                       "half is the state after t = 0, not the last step's output)")
    else:
        reasons.append("no Y or Y_h output with data")
    if reasons:
        raise Refused("; ".join(reasons))

    # Everything per sample: (batch, T, F), (batch, T, D*H), (batch, D, H).
    xs = x if layout == 1 else x.transpose(1, 0, 2)
    per = {}
    for k, arr in present.items():
        if k == "Y":
            want = (batch, T, D, H) if layout == 1 else (T, D, batch, H)
            if arr.shape != want:
                raise AssertionError(f"{name}: Y shape {list(arr.shape)}, expected {list(want)}")
            yb = arr if layout == 1 else arr.transpose(2, 0, 1, 3)
            per[k] = yb.reshape(batch, T, D * H)
        else:
            if arr.shape != state_shape:
                raise AssertionError(f"{name}: {k} shape {list(arr.shape)}, expected "
                                     f"{list(state_shape)}")
            per[k] = arr if layout == 1 else arr.transpose(1, 0, 2)
    states = []  # initial_h, initial_c per sample: (batch, D, H), or None
    for a in (init_h, init_c):
        if a is not None and layout == 0:
            a = a.transpose(1, 0, 2)
        states.append(a)
    use_state = any(a is not None and a.any() for a in states)
    n_state = (2 if op == "LSTM" else 1) if use_state else 0
    has_bias = b is not None

    opts = ([] if has_bias else [f"{CI}NoBias"]) + ([f"{CI}InitialState"] if use_state else [])
    layer = f"{CI}{op}<{H}" + "".join(f", {o}" for o in opts) + ">"
    if D == 2:
        layer = f"{CI}Bidirectional<{layer}>"
    if checked == "Y_h":
        layer += f", {CI}LastStep"
        out_shape = [H]
    else:
        out_shape = [T, D * H]
    onnx_order, torch_order = GATE_NAMES[op]
    desc = []
    for d in range(D):
        sfx = "_reverse" if d else ""
        gh = f"{G}H={G * H}"
        desc += [f"weight_ih{sfx} ({gh}, F={F}) = W[{d}]", f"weight_hh{sfx} ({gh}, H={H}) = R[{d}]"]
        if has_bias:
            desc += [f"bias_ih{sfx} ({gh},) = B[{d}][:{G * H}] (Wb)",
                     f"bias_hh{sfx} ({gh},) = B[{d}][{G * H}:] (Rb)"]
        if use_state:
            desc += [f"h0{sfx} ({H},) = this sample's initial_h, direction {d}"]
            if op == "LSTM":
                desc += [f"c0{sfx} ({H},) = this sample's initial_c, direction {d} (zero if "
                         "absent)"]
    desc.append(f"gate blocks reordered from ONNX's {onnx_order} to PyTorch's {torch_order}")
    dirs = [torch_direction(op, H, w[d], r[d], b[d] if has_bias else None) for d in range(D)]

    cases = []
    for s in range(batch):
        params = []
        for d in range(D):
            params += dirs[d]
            if use_state:
                for a in states[:n_state]:
                    params.append(np.ascontiguousarray(a[s, d]) if a is not None
                                  else np.zeros(H, np.float32))
        y = per[checked][s] if checked == "Y" else per["Y_h"][s, 0]
        if tuple(out_shape) != tuple(y.shape):
            raise AssertionError(f"{name}: output shape from the emitted net {out_shape} != "
                                 f"ONNX's {list(y.shape)}")
        others = {k: per[k][s] for k in ("Y_h", "Y_c") if k in per and k != checked}
        cases.append(dict(
            name=name if batch == 1 else f"{name}_n{s}", op=op, opset=t["opset"],
            attrs=dict(t["attrs"]), x=np.ascontiguousarray(xs[s]), y=np.ascontiguousarray(y),
            input_names=list(node.input), params=params, param_desc=desc, layer=layer,
            in_shape=[T, F], out_shape=out_shape, batch=batch,
            sample=None if batch == 1 else s,
            rnn=dict(H=H, D=D, bias=has_bias, n_state=n_state, checked=checked,
                     layout=layout, others=others, state_note=use_state)))
    return cases


def analyze(name, t):
    """Return the list of supported cases (one, or one per sample of a split batch), each a
    dict, or raise Refused(reason)."""
    node = t["node"]
    if node is None:
        raise Refused(f"graph has {len(t['graph'].node)} nodes (one expected)")
    op = node.op_type
    if op in RECURRENT:
        return analyze_recurrent(name, t)
    attrs = dict(t["attrs"])
    arrays = t["arrays"]
    reasons = []

    def need(inp):
        if inp not in arrays:
            raise Refused(f"input {inp!r} has no data (dynamic)")
        return arrays[inp]

    x = need(node.input[0])
    r = dtype_reason(x, "input")
    if r:
        reasons.append(r)
    rank = x.ndim
    pooling = op in ("MaxPool", "AveragePool")
    if rank < 3:
        reasons.append(f"rank-{rank} input (no spatial axis)")
    elif rank > 4:
        kind = {"Conv": "convolution", "ConvTranspose": "transposed convolution"}.get(
            op, "pooling" if pooling else "spatial input")
        reasons.append(f"{rank - 2}-D {kind}")
    # BatchNormalization in inference mode is per sample: a batch > 1 is split into one case
    # per sample (below); training_mode=1 is refused for itself, not for the batch.
    split = op == "BatchNormalization"
    if rank >= 1 and x.shape[0] != 1 and not (split and x.shape[0] > 1):
        reasons.append(f"batch {x.shape[0]} (ctinfer runs one sample)")

    n_out = len(node.output)
    if op == "MaxPool":
        if n_out > 1:
            reasons.append("second output (Indices)")
        if attrs.get("storage_order", 0) != 0:
            reasons.append(f"storage_order={attrs['storage_order']}")
    elif op == "BatchNormalization":
        if attrs.get("training_mode", 0) != 0:
            reasons.append(f"training_mode={attrs['training_mode']} (normalizes by the batch's "
                           "own statistics; ctinfer's BatchNorm is inference mode)")
        elif n_out > 1:
            reasons.append(f"{n_out} outputs (running mean / var)")
    elif n_out > 1:
        reasons.append(f"{n_out} outputs")
    if reasons:
        raise Refused("; ".join(reasons))

    C = x.shape[1]
    in_sp = list(x.shape[2:])
    nd = len(in_sp)
    y = t["outputs"][0]
    if y.dtype != np.float32:
        raise Refused(f"{y.dtype} output")
    if y.shape[0] != x.shape[0]:
        raise Refused(f"output batch {y.shape[0]} != input batch {x.shape[0]}")
    batch = x.shape[0]

    def take(key, default):
        v = attrs.pop(key, None)
        if v is None:
            return default
        if isinstance(default, list) and len(v) != len(default):
            raise Refused(f"{key} has {len(v)} values for {nd} spatial axes")
        return v

    case = dict(name=name, op=op, opset=t["opset"], attrs=dict(t["attrs"]), x=x[0], y=y[0],
                input_names=list(node.input), params=[], param_desc=[])
    if op == "Conv":
        if len(node.input) < 2 or not node.input[1]:
            raise Refused("no weight input")
        w = need(node.input[1])
        has_bias = len(node.input) > 2 and node.input[2] != ""
        b = need(node.input[2]) if has_bias else None
        for arr, what in ((w, "weight"), (b, "bias")):
            if arr is not None and dtype_reason(arr, what):
                raise Refused(dtype_reason(arr, what))
        kernel = take("kernel_shape", None)
        if kernel is None:
            kernel = list(w.shape[2:])
        if list(w.shape[2:]) != list(kernel) or w.ndim != nd + 2:
            raise Refused(f"kernel_shape {kernel} does not match weight {list(w.shape)}")
        strides = take("strides", [1] * nd)
        dil = take("dilations", [1] * nd)
        group = take("group", 1)
        auto_pad = take("auto_pad", "NOTSET")
        pads_attr = attrs.pop("pads", None)
        M = w.shape[0]
        if C % group or M % group or w.shape[1] != C // group:
            raise Refused(f"group={group} does not fit C={C}, weight {list(w.shape)}")
        if b is not None and b.shape != (M,):
            raise Refused(f"bias shape {list(b.shape)}")
        pb, pe = explicit_pads(auto_pad, pads_attr, in_sp, kernel, strides, dil)
        case.update(kernel=list(kernel), strides=list(strides), dil=list(dil), group=group,
                    pb=pb, pe=pe, out_channels=M, has_bias=has_bias, w=w, b=b,
                    auto_pad=auto_pad)
        case["params"] = [w] + ([b] if has_bias else [])
        case["param_desc"] = [f"{node.input[1]} {shape_str(w.shape)}"] + \
            ([f"{node.input[2]} {shape_str(b.shape)}"] if has_bias else [])
        opts = [f"{CI}Kernel<{targs(kernel)}>"]
        if any(s != 1 for s in strides):
            opts.append(f"{CI}Stride<{targs(strides)}>")
        if any(pb) or any(pe):
            opts.append(f"{CI}Pads<{targs(pb + pe)}>")
        if any(v != 1 for v in dil):
            opts.append(f"{CI}Dilation<{targs(dil)}>")
        if group != 1:
            opts.append(f"{CI}Groups<{group}>")
        if not has_bias:
            opts.append(f"{CI}NoBias")
        layer = f"{CI}Conv{nd}D<{M}, " + ", ".join(opts) + ">"
        out_sp = [pool_out_size(in_sp[i], kernel[i], strides[i], pb[i], pe[i], dil[i], False)
                  for i in range(nd)]
        out_shape = [M] + out_sp
    elif op == "ConvTranspose":
        if len(node.input) < 2 or not node.input[1]:
            raise Refused("no weight input")
        w = need(node.input[1])
        has_bias = len(node.input) > 2 and node.input[2] != ""
        b = need(node.input[2]) if has_bias else None
        for arr, what in ((w, "weight"), (b, "bias")):
            if arr is not None and dtype_reason(arr, what):
                raise Refused(dtype_reason(arr, what))
        kernel = take("kernel_shape", None)
        if kernel is None:
            kernel = list(w.shape[2:])
        if list(w.shape[2:]) != list(kernel) or w.ndim != nd + 2:
            raise Refused(f"kernel_shape {kernel} does not match weight {list(w.shape)}")
        strides = take("strides", [1] * nd)
        dil = take("dilations", [1] * nd)
        group = take("group", 1)
        out_pad_attr = take("output_padding", [0] * nd)
        auto_pad = take("auto_pad", "NOTSET")
        pads_attr = attrs.pop("pads", None)
        output_shape_attr = attrs.pop("output_shape", None)
        if any(v < 0 for v in out_pad_attr):
            raise Refused(f"negative output_padding {out_pad_attr}")
        # ONNX's W is [C][M / group][k...]: M = W.shape[1] * group output channels.
        if group < 1 or C % group or w.shape[0] != C:
            raise Refused(f"group={group} does not fit C={C}, weight {list(w.shape)}")
        M = w.shape[1] * group
        if b is not None and b.shape != (M,):
            raise Refused(f"bias shape {list(b.shape)}")
        pb, pe, opad, how = convtranspose_pads(auto_pad, pads_attr, output_shape_attr, in_sp,
                                               kernel, strides, dil, out_pad_attr)
        case.update(kernel=list(kernel), strides=list(strides), dil=list(dil), group=group,
                    pb=pb, pe=pe, out_pad=opad, pads_how=how, out_channels=M,
                    has_bias=has_bias, w=w, b=b, auto_pad=auto_pad)
        case["params"] = [w] + ([b] if has_bias else [])
        case["param_desc"] = [f"{node.input[1]} {shape_str(w.shape)}"] + \
            ([f"{node.input[2]} {shape_str(b.shape)}"] if has_bias else [])
        opts = [f"{CI}Kernel<{targs(kernel)}>"]
        if any(s != 1 for s in strides):
            opts.append(f"{CI}Stride<{targs(strides)}>")
        if any(pb) or any(pe):
            opts.append(f"{CI}Pads<{targs(pb + pe)}>")
        if any(v != 1 for v in dil):
            opts.append(f"{CI}Dilation<{targs(dil)}>")
        if group != 1:
            opts.append(f"{CI}Groups<{group}>")
        if any(opad):
            opts.append(f"{CI}OutputPad<{targs(opad)}>")
        if not has_bias:
            opts.append(f"{CI}NoBias")
        layer = f"{CI}ConvTranspose{nd}D<{M}, " + ", ".join(opts) + ">"
        # ctinfer's (= PyTorch's) extent from the emitted options.
        out_sp = [(in_sp[i] - 1) * strides[i] + dil[i] * (kernel[i] - 1) + opad[i] + 1
                  - pb[i] - pe[i] for i in range(nd)]
        if any(v <= 0 for v in out_sp):
            raise Refused(f"the pads crop away the whole output ({out_sp})")
        out_shape = [M] + out_sp
    elif pooling:
        kernel = take("kernel_shape", None)
        if kernel is None or len(kernel) != nd:
            raise Refused("dynamic / missing kernel_shape")
        strides = take("strides", [1] * nd)  # ONNX's default stride is 1, not the kernel
        dil = take("dilations", [1] * nd)
        if op == "AveragePool" and any(v != 1 for v in dil):
            raise Refused(f"AveragePool dilations={dil}")
        ceil = take("ceil_mode", 0)
        auto_pad = take("auto_pad", "NOTSET")
        pads_attr = attrs.pop("pads", None)
        attrs.pop("storage_order", None)  # checked above: 0
        cip = take("count_include_pad", 0) if op == "AveragePool" else None
        if ceil not in (0, 1):
            raise Refused(f"ceil_mode={ceil}")
        if ceil and auto_pad not in ("", "NOTSET"):
            raise Refused(f"ceil_mode=1 with auto_pad={auto_pad}")
        pb, pe = explicit_pads(auto_pad, pads_attr, in_sp, kernel, strides, dil)
        case.update(kernel=list(kernel), strides=list(strides), dil=list(dil), ceil=bool(ceil),
                    pb=pb, pe=pe, cip=cip, auto_pad=auto_pad)
        opts = [f"{CI}Kernel<{targs(kernel)}>", f"{CI}Stride<{targs(strides)}>"]
        if any(pb) or any(pe):
            opts.append(f"{CI}Pads<{targs(pb + pe)}>")
        if any(v != 1 for v in dil):
            opts.append(f"{CI}Dilation<{targs(dil)}>")
        if ceil:
            opts.append(f"{CI}CeilMode")
        if op == "AveragePool" and not cip:
            opts.append(f"{CI}ExcludePad")
        base = "MaxPool" if op == "MaxPool" else "AvgPool"
        layer = f"{CI}{base}{nd}D<" + ", ".join(opts) + ">"
        out_sp = [pool_out_size(in_sp[i], kernel[i], strides[i], pb[i], pe[i], dil[i], ceil)
                  for i in range(nd)]
        out_shape = [C] + out_sp
    elif op in ("GlobalAveragePool", "GlobalMaxPool"):
        layer = f"{CI}GlobalAvgPool" if op == "GlobalAveragePool" else f"{CI}GlobalMaxPool"
        out_shape = [C] + [1] * nd
    elif op == "BatchNormalization":
        if len(node.input) != 5:
            raise Refused(f"{len(node.input)} inputs (X, scale, B, mean, var expected)")
        ps = [need(i) for i in node.input[1:]]
        for arr in ps:
            if dtype_reason(arr, "parameter"):
                raise Refused(dtype_reason(arr, "parameter"))
            if arr.shape != (C,):
                raise Refused(f"parameter shape {list(arr.shape)} (per channel ({C},) expected)")
        eps = float(np.float32(take("epsilon", 1e-5)))
        attrs.pop("momentum", None)  # only used in training
        attrs.pop("training_mode", None)  # checked above: 0
        if attrs.get("spatial", 1) != 1:
            raise Refused(f"spatial={attrs['spatial']}")
        attrs.pop("spatial", None)
        case.update(eps=eps, bn=ps)
        case["params"] = ps
        case["param_desc"] = [f"{n} {shape_str(a.shape)}" for n, a in zip(node.input[1:], ps)]
        if np.float32(eps) == np.float32(1e-5):
            layer = f"{CI}BatchNorm"
        else:
            dec = np.format_float_positional(np.float32(eps), unique=True, trim="-")
            fr = fractions.Fraction(dec)
            if np.float32(fr.numerator / fr.denominator) != np.float32(eps):
                raise Refused(f"epsilon {eps!r} has no short ratio")
            layer = f"{CI}BatchNorm::with<std::ratio<{fr.numerator}, {fr.denominator}>>"
        out_shape = [C] + in_sp
    else:
        raise Refused(f"{op}: not in the considered set")
    if attrs:
        raise Refused("attribute " + ", ".join(sorted(attrs)) + " not supported")

    # The shapes from the emitted options must be ONNX's.
    if tuple(out_shape) != tuple(case["y"].shape):
        raise AssertionError(f"{name}: output shape from the emitted options {out_shape} != "
                             f"ONNX's {list(case['y'].shape)}")
    case["layer"] = layer
    case["in_shape"] = list(case["x"].shape)
    case["out_shape"] = out_shape
    case["batch"] = batch
    case["sample"] = None
    if batch == 1:
        return [case]
    # Only BatchNormalization in inference mode gets here with a batch > 1 (refused above
    # otherwise): each sample is normalized on its own, so one case per sample.
    assert split, name
    cases = []
    for i in range(batch):
        c = dict(case, name=f"{name}_n{i}", x=x[i], y=y[i], sample=i)
        cases.append(c)
    return cases


# ----------------------------------------------------------------------------- numpy check

def window_view(xp, kernel, strides, dil, out_sp):
    """(C, *out_sp, *kernel) gather of a padded (C, *sp) array."""
    nd = len(kernel)
    idx = []
    for i in range(nd):
        o = np.arange(out_sp[i]) * strides[i]
        k = np.arange(kernel[i]) * dil[i]
        idx.append(o[:, None] + k[None, :])  # (out, k)
    if nd == 1:
        return xp[:, idx[0]]  # (C, out, k)
    a = xp[:, idx[0][:, None, :, None], idx[1][None, :, None, :]]  # (C, oh, ow, kh, kw)
    return a


def padded(x, pb, pe, out_sp, kernel, strides, dil, value):
    """Pad x (C, *sp) by pb/pe plus any ceil-mode overhang with value; also a validity mask."""
    nd = x.ndim - 1
    extra = []
    for i in range(nd):
        need = (out_sp[i] - 1) * strides[i] + dil[i] * (kernel[i] - 1) + 1
        have = x.shape[1 + i] + pb[i] + pe[i]
        extra.append(max(0, need - have))
    widths = [(0, 0)] + [(pb[i], pe[i] + extra[i]) for i in range(nd)]
    xp = np.pad(x, widths, constant_values=value)
    real = np.pad(np.ones_like(x, dtype=bool), widths, constant_values=False)
    inpad = np.pad(np.ones_like(x, dtype=bool), [(0, 0)] + [(pb[i], pe[i]) for i in range(nd)],
                   constant_values=True)
    inpad = np.pad(inpad, [(0, 0)] + [(0, extra[i]) for i in range(nd)], constant_values=False)
    return xp, real, inpad


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def torch_equations(op, x, dirs, H):
    """PyTorch's LSTM / GRU equations (float64) on one sample x (T, F); dirs: per direction a
    dict of weight_ih, weight_hh, bias_ih, bias_hh, h0, c0 in PyTorch's layout. Returns Y
    (T, D*H) and the final h, c (D, H) (the reverse direction's after t = 0)."""
    T = x.shape[0]
    y = np.zeros((T, len(dirs) * H))
    hs, cs = [], []
    for d, p in enumerate(dirs):
        h, c = p["h0"].copy(), p["c0"].copy()
        for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
            gx = p["weight_ih"] @ x[t] + p["bias_ih"]
            gh = p["weight_hh"] @ h + p["bias_hh"]
            if op == "LSTM":  # gates i, f, g, o
                a = gx + gh
                i, f = sigmoid(a[:H]), sigmoid(a[H:2 * H])
                g, o = np.tanh(a[2 * H:3 * H]), sigmoid(a[3 * H:])
                c = f * c + i * g
                h = o * np.tanh(c)
            else:  # gates r, z, n; the reset gate after the recurrent product
                rg = sigmoid(gx[:H] + gh[:H])
                z = sigmoid(gx[H:2 * H] + gh[H:2 * H])
                n = np.tanh(gx[2 * H:] + rg * gh[2 * H:])
                h = (1 - z) * n + z * h
            y[t, d * H:(d + 1) * H] = h
        hs.append(h)
        cs.append(c)
    return y, np.array(hs), np.array(cs)


def onnx_equations(op, x, w, r, b, h0, c0, peep=None, lbr=0):
    """ONNX's LSTM / GRU equations (float64; default activations, no clip) on ONNX's tensors of
    one sample: x (T, F), W (D, G*H, F), R (D, G*H, H), B (D, 2*G*H), h0 and c0 (D, H), P
    (D, 3H) (LSTM), lbr = GRU's linear_before_reset. Direction 1 runs backwards in time.
    Returns Y (T, D*H) and the final Y_h, Y_c (D, H)."""
    D, GH, _ = w.shape
    H = GH // len(GATE_ORDER[op])
    T = x.shape[0]
    y = np.zeros((T, D * H))
    hs, cs = [], []
    for d in range(D):
        W, R, Wb, Rb = w[d], r[d], b[d][:GH], b[d][GH:]
        h, c = h0[d].copy(), c0[d].copy()
        for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
            if op == "LSTM":  # blocks i, o, f, c; P = [Pi, Po, Pf]
                P = peep[d] if peep is not None else np.zeros(3 * H)
                a = W @ x[t] + R @ h + Wb + Rb
                i = sigmoid(a[:H] + P[:H] * c)
                f = sigmoid(a[2 * H:3 * H] + P[2 * H:] * c)
                g = np.tanh(a[3 * H:])
                c = f * c + i * g
                o = sigmoid(a[H:2 * H] + P[H:2 * H] * c)
                h = o * np.tanh(c)
            else:  # blocks z, r, h
                a = W @ x[t] + Wb
                z = sigmoid(a[:H] + R[:H] @ h + Rb[:H])
                rg = sigmoid(a[H:2 * H] + R[H:2 * H] @ h + Rb[H:2 * H])
                if lbr:
                    n = np.tanh(a[2 * H:] + rg * (R[2 * H:] @ h + Rb[2 * H:]))
                else:
                    n = np.tanh(a[2 * H:] + R[2 * H:] @ (rg * h) + Rb[2 * H:])
                h = (1 - z) * n + z * h
            y[t, d * H:(d + 1) * H] = h
        hs.append(h)
        cs.append(c)
    return y, np.array(hs), np.array(cs)


def recurrent_forward(c):
    """PyTorch's equations on the emitted input and params of an LSTM / GRU case: the checked
    output (Y, or its last step for a net ending in LastStep) and the final states."""
    op, info = c["op"], c["rnn"]
    H, D = info["H"], info["D"]
    GH = len(GATE_ORDER[op]) * H
    per_dir = 2 + (2 if info["bias"] else 0) + info["n_state"]
    ps = [a.astype(np.float64) for a in c["params"]]
    assert len(ps) == per_dir * D, c["name"]
    dirs = []
    for d in range(D):
        q = ps[d * per_dir:(d + 1) * per_dir]
        p = dict(weight_ih=q[0], weight_hh=q[1], bias_ih=np.zeros(GH), bias_hh=np.zeros(GH),
                 h0=np.zeros(H), c0=np.zeros(H))
        k = 2
        if info["bias"]:
            p["bias_ih"], p["bias_hh"] = q[2], q[3]
            k = 4
        if info["n_state"] >= 1:
            p["h0"] = q[k]
        if info["n_state"] == 2:
            p["c0"] = q[k + 1]
        dirs.append(p)
    y, hT, cT = torch_equations(op, c["x"].astype(np.float64), dirs, H)
    return (y if info["checked"] == "Y" else y[-1]), {"Y_h": hT, "Y_c": cT}


def conversion_self_test():
    """ONNX's equations on ONNX's tensors against PyTorch's on the converted tensors, on seeded
    pseudo-random data with several steps, both directions, biases and initial states (ONNX's
    LSTM node tests have one time step, zero initial states and constant weights: neither the
    gate order nor R reaches their outputs). Returns the largest difference."""
    rng = np.random.default_rng(2024)
    worst = 0.0
    T, F, H = 5, 3, 4
    for op in ("LSTM", "GRU"):
        GH = len(GATE_ORDER[op]) * H
        for D in (1, 2):
            w = rng.uniform(-1, 1, (D, GH, F))
            r = rng.uniform(-1, 1, (D, GH, H))
            b = rng.uniform(-1, 1, (D, 2 * GH))
            h0 = rng.uniform(-1, 1, (D, H))
            c0 = rng.uniform(-1, 1, (D, H)) if op == "LSTM" else np.zeros((D, H))
            x = rng.uniform(-2, 2, (T, F))
            ref = onnx_equations(op, x, w, r, b, h0, c0, lbr=1)
            dirs = []
            for d in range(D):
                wi, wh, bi, bh = torch_direction(op, H, w[d], r[d], b[d])
                dirs.append(dict(weight_ih=wi, weight_hh=wh, bias_ih=bi, bias_hh=bh, h0=h0[d],
                                 c0=c0[d]))
            got = torch_equations(op, x, dirs, H)
            err = max(float(np.abs(g - e).max()) for g, e in zip(got, ref))
            if err > 1e-9:
                raise AssertionError(f"{op} weight conversion ({D} direction(s)): PyTorch's "
                                     f"equations differ from ONNX's by {err}")
            worst = max(worst, err)
    return worst


def numpy_forward(c):
    x = c["x"].astype(np.float64)
    op = c["op"]
    if op in RECURRENT:
        return recurrent_forward(c)[0]
    out_sp = c["out_shape"][1:]
    if op == "Conv":
        w = c["w"].astype(np.float64)
        g = c["group"]
        xp, _, _ = padded(x, c["pb"], c["pe"], out_sp, c["kernel"], c["strides"], c["dil"], 0.0)
        win = window_view(xp, c["kernel"], c["strides"], c["dil"], out_sp)  # (C, *out, *k)
        C, M = x.shape[0], w.shape[0]
        cg, mg = C // g, M // g
        nd = len(out_sp)
        ys = []
        for gi in range(g):
            wg = w[gi * mg:(gi + 1) * mg]  # (mg, cg, *k)
            xg = win[gi * cg:(gi + 1) * cg]  # (cg, *out, *k)
            if nd == 1:
                ys.append(np.einsum("cok,mck->mo", xg, wg))
            else:
                ys.append(np.einsum("cabkl,mckl->mab", xg, wg))
        y = np.concatenate(ys, axis=0)
        if c["b"] is not None:
            y = y + c["b"].astype(np.float64).reshape((M,) + (1,) * nd)
        return y
    if op == "ConvTranspose":
        # Scatter form: every input value x[c, i...] adds x * W[c, o, k...] at output position
        # i * stride + k * dilation of the full (uncropped, output-padded) result; then the
        # pads crop begins / ends.
        w = c["w"].astype(np.float64)
        g = c["group"]
        C, nd = x.shape[0], x.ndim - 1
        in_sp = list(x.shape[1:])
        cg, mg = C // g, w.shape[1]
        M = mg * g
        k, s, d = c["kernel"], c["strides"], c["dil"]
        full_sp = [(in_sp[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 + c["out_pad"][i]
                   for i in range(nd)]
        full = np.zeros([M] + full_sp)
        for gi in range(g):
            xg = x[gi * cg:(gi + 1) * cg]  # (cg, *in)
            wg = w[gi * cg:(gi + 1) * cg]  # (cg, mg, *k)
            for kk in np.ndindex(*k):
                contrib = np.tensordot(wg[(slice(None), slice(None)) + kk], xg, axes=([0], [0]))
                sl = tuple(slice(kk[i] * d[i], kk[i] * d[i] + (in_sp[i] - 1) * s[i] + 1, s[i])
                           for i in range(nd))
                full[(slice(gi * mg, (gi + 1) * mg),) + sl] += contrib  # (mg, *in)
        crop = tuple(slice(c["pb"][i], full_sp[i] - c["pe"][i]) for i in range(nd))
        y = full[(slice(None),) + crop]
        if c["b"] is not None:
            y = y + c["b"].astype(np.float64).reshape((M,) + (1,) * nd)
        return y
    if op in ("MaxPool", "AveragePool"):
        nd = len(out_sp)
        axes = tuple(range(1 + nd, 1 + 2 * nd))
        fill = -np.inf if op == "MaxPool" else 0.0
        xp, real, inpad = padded(x, c["pb"], c["pe"], out_sp, c["kernel"], c["strides"],
                                 c["dil"], fill)
        win = window_view(xp, c["kernel"], c["strides"], c["dil"], out_sp)
        nreal = window_view(real, c["kernel"], c["strides"], c["dil"], out_sp).sum(axis=axes)
        if (nreal == 0).any():
            raise AssertionError(f"{c['name']}: a window lies entirely in padding")
        if op == "MaxPool":
            return win.max(axis=axes)
        s = win.sum(axis=axes)
        if c["cip"]:  # pads count, ceil-mode overhang beyond the pads does not (as PyTorch)
            return s / window_view(inpad, c["kernel"], c["strides"], c["dil"], out_sp).sum(axis=axes)
        return s / nreal
    if op == "GlobalAveragePool":
        axes = tuple(range(1, x.ndim))
        return x.mean(axis=axes, keepdims=True)
    if op == "GlobalMaxPool":
        axes = tuple(range(1, x.ndim))
        return x.max(axis=axes, keepdims=True)
    if op == "BatchNormalization":
        sc, b, m, v = (a.astype(np.float64).reshape((-1,) + (1,) * (x.ndim - 1)) for a in c["bn"])
        return (x - m) / np.sqrt(v + np.float64(np.float32(c["eps"]))) * sc + b
    raise AssertionError(op)


def verify(c):
    pairs = [("", numpy_forward(c), c["y"])]
    if c["op"] in RECURRENT:  # ONNX's other outputs must follow from the same run
        _, final = recurrent_forward(c)
        pairs += [(f" ({k})", final[k], v) for k, v in c["rnn"]["others"].items()]
    c["max_err"] = 0.0
    for what, ref, exp in pairs:
        exp = exp.astype(np.float64)
        assert ref.shape == exp.shape, (c["name"], what, ref.shape, exp.shape)
        err = np.abs(ref - exp)
        bad = err > ATOL + RTOL * np.abs(exp)
        if bad.any():
            raise AssertionError(f"{c['name']}: numpy recomputation differs from ONNX's expected"
                                 f"{what} in {int(bad.sum())} of {exp.size} values, max error "
                                 f"{err.max()}")
        c["max_err"] = max(c["max_err"], float(err.max()))


# ----------------------------------------------------------------------------- emitting

def case_text(c):
    n = c["name"]
    if c["sample"] is None:
        batch_note = " (no batch axis; ONNX's data has a batch of 1)"
    else:
        batch_note = " (no batch axis)"
    out = [f"// {n}: ONNX {c['op']} (opset {c['opset']})",
           f"//   attributes as read: {attr_text(c['attrs'])}",
           f"//   input {shape_str(c['in_shape'])} -> output {shape_str(c['out_shape'])}"
           + batch_note]
    if c["sample"] is not None and c["op"] in RECURRENT:
        base = n[:-len(f"_n{c['sample']}")]
        same = ("its own initial state among the params" if c["rnn"]["state_note"]
                else "the params are the same for every sample")
        out.append(f"//   sample {c['sample']} of ONNX's batch of {c['batch']} in {base} (the "
                   f"{c['op']} runs each sample on its own): its input and expected output; "
                   + same)
    elif c["sample"] is not None:
        base = n[:-len(f"_n{c['sample']}")]
        out.append(f"//   sample {c['sample']} of ONNX's batch of {c['batch']} in {base} (inference "
                   "mode normalizes each sample on its own): its input and expected output; "
                   "the params are the same for every sample")
    if c["op"] in RECURRENT:
        info = c["rnn"]
        if info["checked"] == "Y":
            what = "Y, every time step" + (
                " (forward direction in [0, H), reverse in [H, 2H))" if info["D"] == 2 else "")
        else:
            what = "Y_h, the last hidden state (= Y at the last step), through ctinfer::LastStep"
        out.append(f"//   expected output: {what}; layout={info['layout']}")
        if info["others"]:
            out.append("//   also reproduced by the generator's check: "
                       + ", ".join(info["others"]))
    if c["op"] == "ConvTranspose":
        how = f" ({c['pads_how']})" if c["pads_how"] else ""
        out.append(f"//   explicit pads [begins..., ends...]: {c['pb'] + c['pe']}{how}")
        out.append(f"//   output padding: {c['out_pad']}")
    elif "pb" in c:
        how = "" if c["auto_pad"] in ("", "NOTSET") else f" (from auto_pad={c['auto_pad']})"
        out.append(f"//   explicit pads [begins..., ends...]: {c['pb'] + c['pe']}{how}")
    if c["op"] in ("MaxPool", "AveragePool"):
        out.append(f"//   strides {c['strides']} written explicitly (ONNX's default is 1, "
                   "ctinfer's is the kernel)")
    if c["op"] == "AveragePool":
        out.append("//   count_include_pad=" + str(c["cip"]) + (
            ": pads count in the divisor" if c["cip"]
            else ": only input elements count in the divisor"))
    if c["op"] == "BatchNormalization":
        out.append(f"//   epsilon {c['eps']!r} (float32 attribute)")
    if c["params"]:
        out.append("//   params (load_flat order): " + ", ".join(c["param_desc"]))
    out.append(array_decl(f"{n}_input", c["x"].reshape(-1).astype(np.float64).tolist()))
    if c["params"]:
        flat = []
        for a in c["params"]:
            assert a.dtype == np.float32
            flat.extend(a.reshape(-1).astype(np.float64).tolist())
        out.append(array_decl(f"{n}_params", flat))
        out.append(f"inline constexpr std::size_t {n}_param_count = {len(flat)};")
        c["param_count"] = len(flat)
    else:
        c["param_count"] = 0
    out.append(array_decl(f"{n}_expected", c["y"].reshape(-1).astype(np.float64).tolist()))
    out.append(f"using {n}_expected_shape = {CI}Shape<{targs(c['out_shape'])}>;")
    out.append(f"template <class T> using {n}_net = {CI}Sequential<{CI}Input<{CI}Shape<"
               f"{targs(c['in_shape'])}>, T>, {c['layer']}>;")
    return "\n".join(out)


def xmacro(name, cases):
    if not cases:
        return f"#define {name}(X)"
    lines = [f"#define {name}(X) \\"]
    for i, c in enumerate(cases):
        lines.append(f"    X({c['name']})" + (" \\" if i + 1 < len(cases) else ""))
    return "\n".join(lines)


def data_version():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libonnx-testdata"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header_text(cases, version):
    guard = "CTINFER_FIXTURES_ONNX_NODE_HPP"
    uses_ratio = any("std::ratio" in c["layer"] for c in cases)
    parts = [
        f"// GENERATED by {SCRIPT} -- DO NOT EDIT.",
        f"// Regenerate: {REGEN}",
        f"// ONNX node-test conformance data: Debian libonnx-testdata {version},",
        f"// {DATA}/<test>/test_data_set_0.",
        "// Values are C99 hex floats (exact); all are float32 values (ONNX's data is float32).",
        "// NAME_input: X without the batch axis; NAME_params: the layer's tensors in load_flat",
        "// order; NAME_expected: ONNX's expected output without the batch axis (compare with a",
        "// tolerance); NAME_expected_shape: its ctinfer::Shape; NAME_net<T>: the one-layer net.",
        "// BatchNormalization tests with a batch of N > 1 (inference mode: every sample is",
        "// normalized on its own) are split into NAME_n0 ... NAME_n<N-1>, one case per sample",
        "// (that sample's input and expected output; the same params).",
        "// LSTM / GRU tests (each sample runs on its own) are split the same way. Their params are",
        "// PyTorch's tensors converted from ONNX's W, R, B (gate blocks reordered, B split into",
        "// bias_ih and bias_hh); a net whose test only has the Y_h output ends with",
        "// ctinfer::LastStep.",
        "// This header assumes ctinfer is already included (it names ctinfer:: types).",
        "// Refused tests and why: docs/onnx-conformance.md.",
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        "#include <cstddef>",
    ]
    if uses_ratio:
        parts.append("#include <ratio>")
    parts += ["", "namespace ctinfer_fixtures {", ""]
    for c in cases:
        parts.append(case_text(c))
        parts.append("")
    parts.append("}  // namespace ctinfer_fixtures")
    parts.append("")
    parts.append("// Every supported test / those with params / those without (X(NAME) each).")
    parts.append(xmacro("CTINFER_ONNX_NODE_CASES", cases))
    parts.append("")
    parts.append(xmacro("CTINFER_ONNX_NODE_CASES_P", [c for c in cases if c["params"]]))
    parts.append("")
    parts.append(xmacro("CTINFER_ONNX_NODE_CASES_NP", [c for c in cases if not c["params"]]))
    parts.append("")
    parts.append("// The LSTM / GRU cases with one direction: their nets also run frame by frame.")
    parts.append(xmacro("CTINFER_ONNX_NODE_CASES_STREAM",
                        [c for c in cases if c["op"] in RECURRENT and c["rnn"]["D"] == 1]))
    parts.append("")
    parts.append(f"#endif  // {guard}")
    return "\n".join(parts) + "\n"


def doc_text(rows, version):
    ops = sorted({r["op"] for r in rows})
    out = [
        "# ONNX conformance",
        "",
        f"<!-- GENERATED by {SCRIPT} -- DO NOT EDIT. Regenerate: {REGEN} -->",
        "",
        "ONNX ships, for every operator, small one-node models with inputs and expected outputs",
        "(its backend \"node\" tests). Debian packages them as `libonnx-testdata`",
        f"(version {version} here), installed under `{DATA}/<test>/`",
        "(`model.onnx` and `test_data_set_0/input_*.pb`, `output_*.pb`).",
        "",
        f"`{SCRIPT}` reads every node test of the operators ctinfer has or plans",
        "(Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool,",
        "BatchNormalization, LSTM, GRU, and RNN, which is refused; `test_convinteger*` excluded)",
        "and writes `tests/fixtures/onnx_node.hpp`:",
        "for each supported test its input and parameters without the batch axis, ONNX's expected",
        "output, and the one-layer ctinfer network with the attributes translated (explicit pads",
        "computed from `auto_pad` by ONNX's rule, strides always written for pooling because",
        "ONNX's default stride is 1). Before writing, the script checks that the output shape",
        "implied by the emitted options is ONNX's and that a plain numpy implementation of the",
        "emitted layer (for ConvTranspose the scatter form; for LSTM and GRU PyTorch's equations",
        "on the converted weights) reproduces ONNX's output within 1e-5 absolute + 1e-5 relative.",
        "Regenerate with",
        "",
        "    " + REGEN,
        "",
        "`tests/test_onnx_node.cpp` runs every supported case on every SIMD target and compares",
        "the float output to ONNX's expected output with tolerance 1e-5 absolute + 1e-5 relative;",
        "the one-direction LSTM / GRU cases also run frame by frame (`Model::step`, `process`).",
        "",
        "ONNX's Conv and ConvTranspose node tests use all-ones weights (except",
        "`test_convtranspose_dilations`), so they check padding, strides and the output shape",
        "but hardly the weight layout.",
        "",
        "Supported means: float32 tensors, a batch of 1 (ctinfer's shapes have no batch axis; it",
        "is stripped), 1-D or 2-D spatial axes, one output, and attributes ctinfer expresses.",
        "Everything else is refused, with the reason below. One exception to the batch rule:",
        "BatchNormalization in inference mode normalizes every sample on its own, so its tests",
        "with a batch of N > 1 are split into N fixture cases `NAME_n0` ... `NAME_n<N-1>`",
        "(each with that sample's input and expected output, the params the same);",
        "`training_mode=1` (batch statistics) stays refused.",
        "",
        "ConvTranspose: ONNX's `output_shape` and `auto_pad=SAME_UPPER` / `SAME_LOWER`",
        "(output = input * stride) become explicit pads by ONNX's rule, total_padding =",
        "stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1 - output_shape;",
        "SAME_UPPER: begin = total // 2, end = total - total // 2, otherwise the other way round",
        "(`//` floors, as ONNX's Python reference). A negative end pad (the output longer than the",
        "full result) equals that much more output padding and is emitted as `OutputPad`; a",
        "negative begin pad, or an output padding not below the stride or the dilation (ctinfer's",
        "`OutputPad` limit), is refused.",
        "",
        "LSTM and GRU: ctinfer's layers are PyTorch's, which compute ONNX's equations when the",
        "direction is forward (or bidirectional: `ci::Bidirectional`), the activations are the",
        "defaults (LSTM Sigmoid, Tanh, Tanh; GRU Sigmoid, Tanh) without `activation_alpha` /",
        "`activation_beta`, there is no `clip`, LSTM's `input_forget` is 0 and its peepholes `P`",
        "are absent or zero, GRU's `linear_before_reset` is 1 (ONNX's default 0 applies the reset",
        "gate before the recurrent product: another formula), and `sequence_lens` is absent or",
        "the full length for every sample. Anything else is refused. `layout=1` (batch-major) is",
        "read as such. Each sample runs on its own, so a batch of N is split into N cases",
        "`NAME_n0` ... `NAME_n<N-1>`. Zero or absent `initial_h` / `initial_c` is ctinfer's",
        "default; a non-zero one becomes `ci::InitialState` with that sample's h0 (and c0) in its",
        "params. ONNX's W [dir][G*H][F] and R [dir][G*H][H] become PyTorch's `weight_ih` and",
        "`weight_hh` with the gate blocks reordered (LSTM: ONNX i, o, f, c -> PyTorch i, f, g, o;",
        "GRU: ONNX z, r, h -> PyTorch r, z, n), B [dir][2*G*H] = (Wb, Rb) becomes `bias_ih`,",
        "`bias_hh` (reordered alike; B absent: `ci::NoBias`). The checked output is Y (every time",
        "step; forward in [0, H), reverse in [H, 2H)) when the test has it, else Y_h through a",
        "net ending in `ci::LastStep` (forward only: there Y_h is Y's last step); the script also",
        "reproduces the test's other outputs. ONNX's LSTM node tests have one time step, zero",
        "initial states and constant weights (every entry of W, and of R, the same value; Wb",
        "constant, Rb zero), so they check the cell's equations, the bias and the output",
        "selection but neither the gate order nor the recurrent weights. The script therefore",
        "also checks the conversion itself: on seeded pseudo-random data (5 steps, one and two",
        "directions, biases, initial states) ONNX's equations on ONNX's tensors and PyTorch's on",
        "the converted ones agree within 1e-9.",
        "",
        "| op | tests checked | tests refused | fixture cases |",
        "|---|---:|---:|---:|",
    ]
    for op in ops:
        ok = sum(1 for r in rows if r["op"] == op and r["ok"])
        no = sum(1 for r in rows if r["op"] == op and not r["ok"])
        nc = sum(r.get("n_cases", 0) for r in rows if r["op"] == op)
        out.append(f"| {op} | {ok} | {no} | {nc} |")
    ok = sum(1 for r in rows if r["ok"])
    nc = sum(r.get("n_cases", 0) for r in rows)
    out.append(f"| **total** | **{ok}** | **{len(rows) - ok}** | **{nc}** |")
    out += ["", "| test | op | status | notes |", "|---|---|---|---|"]
    for r in rows:
        notes = r["notes"].replace("|", "\\|")
        out.append(f"| `{r['name']}` | {r['op']} | {'checked' if r['ok'] else 'refused'} "
                   f"| {notes} |")
    out.append("")
    return "\n".join(out)


def considered(name):
    return name.startswith(PREFIXES) and not name.startswith(EXCLUDED_PREFIXES)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(f"usage: /usr/bin/python3 {SCRIPT} FIXTURES_DIR DOCS_DIR\n")
        return 2
    fixdir, docdir = argv[1], argv[2]
    names = sorted(n for n in os.listdir(DATA) if considered(n)
                   and os.path.isdir(os.path.join(DATA, n)))
    if not names:
        raise RuntimeError(f"no node tests found under {DATA}")
    conv_err = conversion_self_test()
    print(f"LSTM / GRU weight conversion on pseudo-random data: max difference {conv_err:.1e}")
    cases, rows = [], []
    for name in names:
        t = read_test(name)
        op = t["node"].op_type if t["node"] is not None else "?"
        try:
            cs = analyze(name, t)
        except Refused as e:
            attrs = attr_text(t["attrs"])
            rows.append(dict(name=name, op=op, ok=False, notes=f"{e} (attributes: {attrs})"))
            continue
        for c in cs:
            verify(c)
        cases.extend(cs)
        c = cs[0]
        notes = f"{attr_text(c['attrs'])}; {shape_str(c['in_shape'])} -> " \
                f"{shape_str(c['out_shape'])}"
        if c["op"] == "ConvTranspose":
            if c["pads_how"]:
                notes += f"; pads {c['pb'] + c['pe']} ({c['pads_how']})"
            if any(c["out_pad"]):
                notes += f"; OutputPad {c['out_pad']}"
        elif "pb" in c and c["auto_pad"] not in ("", "NOTSET"):
            notes += f"; pads {c['pb'] + c['pe']}"
        if c["op"] in RECURRENT:
            notes += f"; net `{c['layer'].replace(CI, 'ci::')}`, checks " + (
                "Y" if c["rnn"]["checked"] == "Y" else "Y_h (after `ci::LastStep`)")
        if len(cs) > 1:
            notes += (f"; batch {c['batch']} split per sample: "
                      + ", ".join(f"`{x['name']}`" for x in cs))
        if t["n_sets"] > 1:
            notes += f"; test_data_set_0 of {t['n_sets']}"
        rows.append(dict(name=name, op=op, ok=True, notes=notes, n_cases=len(cs)))
    version = data_version()
    os.makedirs(fixdir, exist_ok=True)
    os.makedirs(docdir, exist_ok=True)
    hpath = os.path.join(fixdir, HEADER)
    text = header_text(cases, version)
    with open(hpath, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print(f"{hpath}: {len(cases)} cases, {len(text)} bytes")
    for c in cases:
        print(f"  {c['name']:52s} in {shape_str(c['in_shape']):13s} out "
              f"{shape_str(c['out_shape']):13s} params {c['param_count']:3d} "
              f"numpy max err {c['max_err']:.2e}")
    dpath = os.path.join(docdir, DOC)
    text = doc_text(rows, version)
    with open(dpath, "w", encoding="ascii", newline="\n") as f:
        f.write(text)
    print(f"{dpath}: {len(rows)} tests, {sum(r['ok'] for r in rows)} checked")
    for r in rows:
        if not r["ok"]:
            print(f"  refused {r['name']}: {r['notes']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
