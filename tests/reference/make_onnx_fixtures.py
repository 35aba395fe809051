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
                               if present; BatchNormalization: scale, B, mean, var)
      NAME_param_count         only if the layer has parameters
      NAME_expected[]          ONNX's expected output without the batch axis (float32 values)
      NAME_expected_shape      ctinfer::Shape<...> of that output (no batch axis)
      NAME_net<T>              the one-layer ctinfer::Sequential computing it
  and the X-macros CTINFER_ONNX_NODE_CASES (all), CTINFER_ONNX_NODE_CASES_P (with params) and
  CTINFER_ONNX_NODE_CASES_NP (without params).
  DOCS_DIR/onnx-conformance.md  a table of every test considered: checked or refused (why).

Before writing anything it checks every supported case: the output shape computed with
PyTorch's (= ctinfer's) formulas from the emitted layer options must equal ONNX's expected shape,
and a plain numpy implementation run on the emitted input / params / options (ConvTranspose: the
scatter form, every input value spread through the kernel, then cropped by the pads) must
reproduce ONNX's expected output within 1e-5 (absolute) + 1e-5 (relative). Any mismatch is an
error.

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
            "test_globalaveragepool", "test_globalmaxpool", "test_batchnorm")
EXCLUDED_PREFIXES = ("test_convinteger",)
ATOL = 1e-5
RTOL = 1e-5
CI = "ctinfer::"


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


def analyze(name, t):
    """Return the list of supported cases (one, or one per sample of a split batch), each a
    dict, or raise Refused(reason)."""
    node = t["node"]
    if node is None:
        raise Refused(f"graph has {len(t['graph'].node)} nodes (one expected)")
    op = node.op_type
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


def numpy_forward(c):
    x = c["x"].astype(np.float64)
    op = c["op"]
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
    ref = numpy_forward(c)
    exp = c["y"].astype(np.float64)
    assert ref.shape == exp.shape, (c["name"], ref.shape, exp.shape)
    err = np.abs(ref - exp)
    bad = err > ATOL + RTOL * np.abs(exp)
    if bad.any():
        raise AssertionError(f"{c['name']}: numpy recomputation differs from ONNX's expected "
                             f"in {int(bad.sum())} of {exp.size} values, max error {err.max()}")
    c["max_err"] = float(err.max())


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
    if c["sample"] is not None:
        base = n[:-len(f"_n{c['sample']}")]
        out.append(f"//   sample {c['sample']} of ONNX's batch of {c['batch']} in {base} (inference "
                   "mode normalizes each sample on its own): its input and expected output; "
                   "the params are the same for every sample")
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
        "BatchNormalization; `test_convinteger*` excluded) and writes `tests/fixtures/onnx_node.hpp`:",
        "for each supported test its input and parameters without the batch axis, ONNX's expected",
        "output, and the one-layer ctinfer network with the attributes translated (explicit pads",
        "computed from `auto_pad` by ONNX's rule, strides always written for pooling because",
        "ONNX's default stride is 1). Before writing, the script checks that the output shape",
        "implied by the emitted options is ONNX's and that a plain numpy implementation of the",
        "emitted layer (for ConvTranspose the scatter form) reproduces ONNX's output within",
        "1e-5 absolute + 1e-5 relative. Regenerate with",
        "",
        "    " + REGEN,
        "",
        "`tests/test_onnx_node.cpp` runs every supported case on every SIMD target and compares",
        "the float output to ONNX's expected output with tolerance 1e-5 absolute + 1e-5 relative.",
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
