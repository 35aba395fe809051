#!/usr/bin/python3
"""ONNX's own conformance node tests, run through the converter (tools/ctinfer-convert).

What it reads
-------------
Debian's libonnx-testdata installs ONNX's backend "node" tests under
/usr/share/libonnx-testdata/data/node/<test>/: a small model.onnx and test_data_set_0/ with
input_<i>.pb / output_<i>.pb (the graph inputs and ONNX's expected outputs).

A test is considered when its graph, Constant nodes aside, is one node of an op type in OPS
(every op the converter maps, folds or refuses by name), or when it is the "_expanded" form
(the op's function body as a graph) of such a test. Nothing else is filtered out: tests with
integer data, optional or sequence inputs, training mode and so on are all run, and the
converter's answer is recorded.

How a test becomes a model for the converter
--------------------------------------------
- The first graph input is the data. Every other input the test provides (weights, shapes,
  pads, scales, ratios, ...) becomes an initializer holding the test's values, as a trained
  model holds them (and is no longer listed as a graph input, unless the IR version is below
  4, where initializers must be).
- ctinfer models have one output: the graph keeps its first output only (the converter's own
  advice is "export only the output you need"); the rest of ONNX's outputs are not checked.
- The batch. The converter takes axis 0 of the data as the batch axis (axis 1 for an LSTM or
  GRU with layout=0) and fixes it to 1. A test whose data has a batch of N > 1 is split into
  N cases NAME_n0 ... NAME_n<N-1> when its op computes every sample on its own; each case gets
  sample i of the data and the slice of ONNX's expected output that sample produces. Another
  input is sliced with the data only where it is aligned with the samples: a same-rank operand
  of a broadcasting op (Add, PRelu, Concat, MatMul with rank >= 3) or Gemm's C with one row per
  sample, on its axis 0; an LSTM's / GRU's sequence_lens, initial_h and initial_c on their
  batch axes. The expected slice is taken on the output's batch axis: axis 0, Transpose:
  perm.index(0), Unsqueeze: wherever axis 0 went, LSTM / GRU: Y's axis 2 and Y_h's axis 1
  (layout=0); for the value-order-preserving reshapes (Reshape, Flatten, Squeeze, Unsqueeze)
  sample i's values are block i of the row-major output. A batch is not split, and the test
  is "not run" with the reason, when its samples are not independent (Softmax / LogSoftmax /
  Concat / Split / Gather / Reduce* over axis 0, Gemm with transA=1 whose samples are A's
  columns, a Reshape whose shape constant holds the whole batch) or when the batch is empty.
- Then load_onnx() converts it. A ConversionError is recorded as "refused" with its message.
  A converted model must have ONNX's input and output shapes without the batch axis (the
  output: exactly the expected slice's shape; for the reshapes, which may regroup the batch,
  the element count), else this script fails: that would be a converter bug.

What it writes
--------------
  FIXTURES_DIR/onnx_converted.hpp   for every checked case NAME (NAME_n<i> per sample), in
      namespace ctinfer_fixtures::onnx_converted::NAME: `model` (emit.model_type), `params`
      (emit.params_initializer), `input` and `expected` (ONNX's float32 values, batch axis
      dropped, flattened), and the X-macro CTINFER_ONNX_CONVERTED_CASES(X).
  DOCS_DIR/onnx-converter-conformance.md   every test considered: checked (with the layers
      the converter made), refused (the converter's message) or not run (why).

tests/test_onnx_converted.cpp runs every case (ctinfer::Model<model> from params, forward on
input) and compares with expected within 1e-5 absolute + 1e-5 relative.

How to run
----------
From the repository root, with Debian's Python (it has python3-onnx and numpy):

    /usr/bin/python3 tests/reference/make_onnx_converted.py tests/fixtures docs

It is deterministic (tests in name order, nothing random). The generated files are committed;
do not edit them by hand, change this script (or the converter) and rerun it instead.
"""

import copy
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from ctinfer_convert import emit  # noqa: E402
from ctinfer_convert.model import ConversionError, cpp_type  # noqa: E402
from ctinfer_convert.onnx_import import SUPPORTED_OPS, load_onnx  # noqa: E402

SCRIPT = "tests/reference/make_onnx_converted.py"
REGEN = f"/usr/bin/python3 {SCRIPT} tests/fixtures docs"
DATA = "/usr/share/libonnx-testdata/data/node"
HEADER = "onnx_converted.hpp"
DOC = "onnx-converter-conformance.md"
VALUES_PER_LINE = 6

OPS = ("Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid", "Tanh",
       "Softplus", "Softsign", "HardSwish", "Mish", "Gelu", "Clip", "Softmax", "LogSoftmax",
       "Gemm", "MatMul", "Conv", "ConvTranspose", "BatchNormalization", "MaxPool",
       "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceMax",
       "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Pad", "Resize", "Upsample",
       "Add", "Concat", "Split", "LSTM", "GRU", "Dropout", "Identity", "Gather")
# Ops computing every element from the same element of the input (and scalar constants).
ELEMENTWISE = ("Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid", "HardSigmoid", "Tanh",
               "Softplus", "Softsign", "HardSwish", "Mish", "Gelu", "Clip", "Dropout",
               "Identity")
# Ops on (N, C, ...) that treat every sample on its own.
PER_SAMPLE = ("Conv", "ConvTranspose", "BatchNormalization", "MaxPool", "AveragePool",
              "GlobalAveragePool", "GlobalMaxPool")
RESHAPES = ("Reshape", "Flatten", "Squeeze", "Unsqueeze")


# ----------------------------------------------------------------------------- reading

def load_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def opset_of(model):
    return max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)


def main_node(model):
    nodes = [n for n in model.graph.node if n.op_type != "Constant"]
    return nodes[0] if len(nodes) == 1 else None


def attrs_of(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def considered():
    """(test, op, base node) for every test considered, in name order."""
    names = sorted(os.listdir(DATA))
    single = {}
    for name in names:
        m = onnx.load(os.path.join(DATA, name, "model.onnx"))
        n = main_node(m)
        if n is not None and n.op_type in OPS:
            single[name] = (n.op_type, n, opset_of(m))
    out = []
    for name in names:
        if name in single:
            out.append((name, single[name][0], single[name][1], single[name][2], False))
        elif name.endswith("_expanded") and name[:-len("_expanded")] in single:
            op, n, opset = single[name[:-len("_expanded")]]
            out.append((name, op, n, opset, True))
    return out


def read_data(name, model):
    """The graph inputs (name, ValueInfo, array or None for a non-tensor) and the first output's
    expected array."""
    ds = os.path.join(DATA, name, "test_data_set_0")
    inits = {i.name for i in model.graph.initializer}
    inputs = []
    for i, vi in enumerate(x for x in model.graph.input if x.name not in inits):
        arr = None
        if vi.type.HasField("tensor_type"):
            arr = load_tensor(os.path.join(ds, f"input_{i}.pb"))
        inputs.append((vi, arr))
    out = model.graph.output[0]
    expected = load_tensor(os.path.join(ds, "output_0.pb")) if out.type.HasField("tensor_type") else None
    return inputs, expected


# ----------------------------------------------------------------------------- the batch

class Split:
    """How to cut a batch: the data's batch axis, the other inputs sliced with it
    ({input index: axis}) and where sample i sits in the expected output."""

    def __init__(self, axis=0, consts=None, out_axis=0, block=False):
        self.axis, self.consts, self.out_axis, self.block = axis, consts or {}, out_axis, block


def aligned(inputs, index, data_rank, n):
    """{index: 0} when input `index` is a same-rank operand with the batch's extent on axis 0
    (numpy broadcasting aligns it with the samples), else {}."""
    if index >= len(inputs) or inputs[index][1] is None:
        return {}
    a = inputs[index][1]
    return {index: 0} if a.ndim == data_rank and a.ndim > 0 and a.shape[0] == n and n > 1 else {}


def split_rule(op, node, opset, inputs, data, output):
    """A Split, or a string: why the samples of this test cannot be taken one by one."""
    a = attrs_of(node)
    rank = data.ndim
    if op in ("LSTM", "GRU"):
        if a.get("layout", 0):
            return Split(0, {5: 0, 6: 0, 4: 0}, 0)
        out_index = list(node.output).index(output) if output in node.output else 0
        return Split(1, {4: 0, 5: 1, 6: 1}, 2 if out_index == 0 else 1)
    if rank == 0:
        return Split(0)                     # a scalar: the converter decides
    n = data.shape[0]
    if op in ELEMENTWISE or op in PER_SAMPLE:
        return Split(0)
    if op in ("Add", "PRelu"):
        return Split(0, aligned(inputs, 1, rank, n))
    if op in ("Softmax", "LogSoftmax"):
        axis = a.get("axis", -1 if opset >= 13 else 1) % rank
        if axis == 0:
            return (f"normalises over axis 0, the batch axis (a batch of {n}): the samples are "
                    f"not independent")
        return Split(0)
    if op == "Gemm":
        if a.get("transA", 0):
            return ("transA=1: the samples are the columns of A (its axis 1), the converter's "
                    "batch axis is 0")
        return Split(0, aligned(inputs, 2, rank, n))
    if op == "MatMul":
        return Split(0, aligned(inputs, 1, rank, n) if rank >= 3 else {})
    if op in ("ReduceMean", "ReduceMax"):
        axes = a.get("axes")
        if axes is None and len(inputs) > 1 and inputs[1][1] is not None:
            axes = list(inputs[1][1])
        if axes is None or 0 in [x % rank for x in axes]:
            return f"reduces over axis 0, the batch axis (a batch of {n}): the samples are not independent"
        return Split(0)
    if op == "Transpose":
        perm = list(a.get("perm", reversed(range(rank))))
        return Split(0, {}, perm.index(0))
    if op in RESHAPES:
        if op == "Reshape" and n > 1:
            shape = [int(d) for d in inputs[1][1]]
            per = (1,) + data.shape[1:]
            target = [per[i] if d == 0 and not a.get("allowzero", 0) else d for i, d in enumerate(shape)]
            known = int(np.prod([d for d in target if d != -1]))
            size = int(np.prod(per))
            if (-1 in target and (known == 0 or size % known)) or (-1 not in target and known != size):
                return (f"the shape {shape} does not fit one sample {per}: it holds the whole "
                        f"batch of {n}")
        return Split(0, {}, 0, block=True)
    if op in ("Concat", "Split", "Gather"):
        axis = a.get("axis", 0) % rank
        if axis == 0:
            what = {"Concat": "concatenates", "Split": "splits", "Gather": "gathers"}[op]
            return f"{what} along axis 0, the batch axis (a batch of {n}): the samples are not independent"
        consts = {}
        if op == "Concat":
            for i in range(1, len(inputs)):
                consts.update(aligned(inputs, i, rank, n))
        return Split(0, consts)
    if op in ("Pad", "Resize", "Upsample"):
        if n > 1:
            return f"a batch of {n}: not split for {op}"
        return Split(0)
    raise RuntimeError(f"no batch rule for {op}")


def take(arr, axis, i):
    return np.take(arr, [i], axis=axis)


# ----------------------------------------------------------------------------- the model

def prepared(model, inputs, values, data_value):
    """The test's model for the converter: the data input only, the other inputs as
    initializers holding `values`, the first output only (its extents left to inference)."""
    m = copy.deepcopy(model)
    g = m.graph
    data_vi = inputs[0][0]
    keep = []
    new_data = copy.deepcopy(data_vi)
    if data_value is not None:
        dims = new_data.type.tensor_type.shape.dim
        del dims[:]
        for d in data_value.shape:
            dims.add().dim_value = int(d)
    keep.append(new_data)
    for (vi, _), v in zip(inputs[1:], values[1:]):
        if v is None:
            keep.append(copy.deepcopy(vi))      # a non-tensor input: left as is
            continue
        g.initializer.append(numpy_helper.from_array(np.asarray(v), vi.name))
        if m.ir_version < 4:
            vi2 = helper.make_tensor_value_info(vi.name, vi.type.tensor_type.elem_type, list(v.shape))
            keep.append(vi2)
    del g.input[:]
    g.input.extend(keep)
    out = copy.deepcopy(g.output[0])
    if out.type.HasField("tensor_type"):
        for k, d in enumerate(out.type.tensor_type.shape.dim):   # the rank stays, the extents
            d.Clear()                                            # are left to inference
            d.dim_param = f"out_{k}"
    del g.output[:]
    g.output.append(out)
    return m


def layer_text(nodes):
    """The converter's layers, without the namespace (for the doc)."""
    return cpp_type(nodes, ns="")


# ----------------------------------------------------------------------------- one test

class Result:
    def __init__(self, name, op, expanded):
        self.name, self.op, self.expanded = name, op, expanded
        self.result, self.message, self.cases = "", "", []


def run_test(name, op, base_node, opset, expanded, tmp):
    r = Result(name, op, expanded)
    model = onnx.load(os.path.join(DATA, name, "model.onnx"))
    inputs, expected = read_data(name, model)
    data = inputs[0][1]
    values = [arr for _, arr in inputs]
    if data is None or expected is None:
        samples, in_axis = [(values, None, None)], 0
    else:
        rule = split_rule(op, base_node, opset, inputs, data, model.graph.output[0].name)
        if isinstance(rule, str):
            r.result, r.message = "not run", rule
            return r
        in_axis = rule.axis
        n = data.shape[rule.axis] if data.ndim > rule.axis else 1
        if n == 0:
            r.result, r.message = "not run", f"the data {data.shape} has no samples (a batch of 0)"
            return r
        # out_axis: the axis of the expected slice that holds the sample (its shape without
        # it is the converted model's output shape); None for the reshapes (count only).
        out_axis = None if rule.block else rule.out_axis
        samples = []
        for i in range(n):
            v = list(values)
            exp = expected
            if n > 1:
                v[0] = take(data, rule.axis, i)
                for k, ax in rule.consts.items():
                    if k < len(v) and v[k] is not None:
                        v[k] = take(v[k], ax, i)
                if rule.block:
                    size = expected.size // n
                    exp = expected.reshape(-1)[i * size:(i + 1) * size]
                else:
                    exp = take(expected, rule.out_axis, i)
            samples.append((v, exp, out_axis))
    cases = []
    for i, (v, exp, out_axis) in enumerate(samples):
        m = prepared(model, inputs, v, v[0] if v[0] is not None else None)
        path = os.path.join(tmp, f"{name}.onnx")
        onnx.save(m, path)
        try:
            conv = load_onnx(path)
        except ConversionError as e:
            msg = str(e).replace(path, "model.onnx").replace(tmp + os.sep, "")
            if i > 0:
                raise RuntimeError(f"{name}: sample 0 converts, sample {i} is refused: {msg}")
            r.result, r.message = "refused", msg
            return r
        cases.append(verify(name, conv, v[0], exp, in_axis, out_axis, len(samples), i))
    r.result = "checked"
    r.cases = cases
    r.message = layer_text(cases[0][1].nodes) or "(no layer: the values keep their order)"
    if len(cases) > 1:
        r.message = f"{len(cases)} samples: " + r.message
    return r


def verify(name, conv, data, exp, batch_axis, out_axis, n, i):
    """Shapes of the converted model against the data and ONNX's expected output."""
    case = f"{name}_n{i}" if n > 1 else name
    if data.dtype != np.float32 or exp.dtype != np.float32:
        raise RuntimeError(f"{case}: converted with {data.dtype} data / {exp.dtype} output")
    nat_in = tuple(d for k, d in enumerate(data.shape) if k != batch_axis)
    if tuple(conv.input_shape) != nat_in:
        raise RuntimeError(f"{case}: converted input shape {conv.input_shape}, the data is {data.shape}")
    out_size = int(np.prod(conv.output_shape))
    if out_size != exp.size:
        raise RuntimeError(f"{case}: converted output {conv.output_shape} ({out_size} values), "
                           f"ONNX's expected output has {exp.size}")
    if out_axis is not None and exp.ndim >= 1:
        nat_out = tuple(d for k, d in enumerate(exp.shape) if k != out_axis)
        if tuple(conv.output_shape) != nat_out:
            raise RuntimeError(f"{case}: converted output shape {conv.output_shape}, ONNX's "
                               f"expected {exp.shape} without axis {out_axis} is {nat_out}")
    return case, conv, data.reshape(-1), exp.reshape(-1)


# ----------------------------------------------------------------------------- writing

def floats(values, indent="    "):
    lits = emit.literals(values, "float")
    lines = [indent + ", ".join(lits[k:k + VALUES_PER_LINE]) + "," for k in range(0, len(lits), VALUES_PER_LINE)]
    return "{\n" + "\n".join(lines) + "\n}"


def shape_cpp(shape):
    return "ctinfer::Shape<" + ", ".join(str(int(d)) for d in shape) + ">"


def case_text(case):
    name, conv, x, y = case
    out = [f"namespace {name} {{",
           f"using model = {emit.model_type(conv, 'float')};",
           f"static_assert(std::is_same_v<ctinfer::input_shape_t<model>, {shape_cpp(conv.input_shape)}>);",
           f"static_assert(std::is_same_v<ctinfer::output_shape_t<model>, {shape_cpp(conv.output_shape)}>);",
           f"inline constexpr ctinfer::params_t<model> params{emit.params_initializer(conv, 'float')};",
           f"inline constexpr float input[] = {floats(x)};",
           f"inline constexpr float expected[] = {floats(y)};",
           f"}}  // namespace {name}"]
    return "\n".join(out) + "\n"


def data_version():
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libonnx-testdata"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return out or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header_text(results, version):
    cases = [c for r in results for c in r.cases]
    lines = [
        f"// GENERATED by {SCRIPT} -- DO NOT EDIT.",
        f"// Regenerate: {REGEN}",
        f"// ONNX's node tests (Debian libonnx-testdata {version}, {DATA}) converted by",
        "// tools/ctinfer_convert (load_onnx, then emit.model_type / emit.params_initializer).",
        "// Per case: model, params, input (the data without the batch axis) and expected (ONNX's",
        "// float32 output without the batch axis), values as exact hex floats. NAME_n<i> is sample",
        "// i of a test whose batch was split. Refused and not-run tests and why:",
        f"// docs/{DOC}.",
        "#ifndef CTINFER_FIXTURES_ONNX_CONVERTED_HPP",
        "#define CTINFER_FIXTURES_ONNX_CONVERTED_HPP",
        "",
        "#include <ratio>",
        "#include <type_traits>",
        "",
        "#include <ctinfer/ctinfer.hpp>",
        "",
        "namespace ctinfer_fixtures::onnx_converted {",
        "",
    ]
    for c in cases:
        lines.append(case_text(c))
    lines.append("}  // namespace ctinfer_fixtures::onnx_converted")
    lines.append("")
    lines.append("// X(NAME) for every case above.")
    lines.append("#define CTINFER_ONNX_CONVERTED_CASES(X) \\")
    for c in cases:
        lines.append(f"  X({c[0]}) \\")
    lines.append("")
    lines.append("#endif  // CTINFER_FIXTURES_ONNX_CONVERTED_HPP")
    return "\n".join(lines) + "\n"


def md(text):
    return text.replace("|", "\\|").replace("<", "\\<").replace(">", "\\>").replace("*", "\\*").replace("_", "\\_")


def doc_text(results, version):
    supported_long = f"Supported: {SUPPORTED_OPS}"
    checked = sum(r.result == "checked" for r in results)
    refused = sum(r.result == "refused" for r in results)
    notrun = sum(r.result == "not run" for r in results)
    ncases = sum(len(r.cases) for r in results)
    out = [
        "# ONNX conformance through the converter",
        "",
        f"<!-- GENERATED by {SCRIPT} -- DO NOT EDIT. Regenerate: {REGEN} -->",
        "",
        "ONNX's own per-operator conformance tests (its backend \"node\" tests, Debian's",
        f"`libonnx-testdata` {version}, `{DATA}`) run through the ONNX converter",
        "(`tools/ctinfer-convert`, `tools/ctinfer_convert/onnx_import.py`) and ctinfer. Every test",
        "whose graph is one node of an op the converter maps, folds or refuses by name (Constant",
        "nodes aside), and the `_expanded` form of such a test (the op's function body as a graph),",
        f"is prepared by `{SCRIPT}` and given to `load_onnx`:",
        "",
        "- the first graph input is the data; every other input the test provides (weights, shapes,",
        "  pads, scales, ratios, ...) becomes an initializer with the test's values, as in a trained",
        "  model;",
        "- the graph keeps its first output only (ctinfer models have one output);",
        "- the converter fixes the batch axis (axis 0; axis 1 for an LSTM / GRU with layout=0) to 1.",
        "  A test with a batch of N > 1 whose op computes each sample on its own is split into N",
        "  cases, `NAME_n0` ... (sample i of the data, with any input aligned with the samples sliced",
        "  alike, e.g. a same-shape Add or PRelu operand or Gemm's per-row C, against the slice of",
        "  ONNX's expected output that sample produces). Samples that are not independent",
        "  (normalising, reducing, concatenating, splitting or gathering along the batch axis, Gemm",
        "  with transA=1, a Reshape target holding the whole batch) are **not run**, with the reason.",
        "",
        "Results: **checked** - the converter made a model; its header text (`emit.model_type`,",
        "`emit.params_initializer`) is in `tests/fixtures/onnx_converted.hpp` with the input and",
        "ONNX's expected output, and `tests/test_onnx_converted.cpp` builds `ctinfer::Model` from it,",
        "runs it and requires every value within 1e-5 absolute + 1e-5 relative of ONNX's;",
        "the message column shows the layers the converter made. **refused** - `load_onnx` raised",
        "`ConversionError`; the message is the converter's (the list of supported ops its",
        "unsupported-op message ends with is quoted once, below, and abbreviated in the table).",
        "**not run** - the generator could not pose the test as a batch-1 model (see above).",
        "",
        "The converter's list of supported ops:",
        "",
        f"> {md(SUPPORTED_OPS)}",
        "",
        "Regenerate (after changing the converter or the generator), from the repository root:",
        "",
        f"    {REGEN}",
        "",
        "`scripts/test.sh` checks that the committed files equal the regenerated ones.",
        "ONNX's Conv, ConvTranspose, pooling, BatchNormalization, LSTM and GRU node tests are also",
        "checked layer by layer, without the converter, on every SIMD target:",
        "[onnx-conformance.md](onnx-conformance.md).",
        "",
        "## Summary",
        "",
        f"{len(results)} tests: {checked} checked ({ncases} cases), "
        f"{refused} refused, {notrun} not run. An op's `_expanded` tests count under the op.",
        "",
        "| op | tests | checked | refused | not run |",
        "|---|---:|---:|---:|---:|",
    ]
    for op in sorted({r.op for r in results}):
        rs = [r for r in results if r.op == op]
        out.append(f"| {op} | {len(rs)} | {sum(r.result == 'checked' for r in rs)} | "
                   f"{sum(r.result == 'refused' for r in rs)} | {sum(r.result == 'not run' for r in rs)} |")
    missing = [op for op in OPS if op not in {r.op for r in results}]
    if missing:
        out.append("")
        out.append(f"No node test in this version of the data: {', '.join(missing)}.")
    out += ["", "## Every test", "", "| test | op | result | message |", "|---|---|---|---|"]
    for r in results:
        msg = r.message.replace(supported_long, "Supported: (the list above)")
        op = r.op + (" (expanded)" if r.expanded else "")
        if r.result == "checked":
            count, rest = r.message.split(": ", 1) if r.message.split(":")[0].endswith("samples") else ("", r.message)
            msg = (f"{count}: " if count else "") + (f"`{rest}`" if not rest.startswith("(") else rest)
        else:
            msg = md(msg)
        out.append(f"| `{r.name}` | {op} | {r.result} | {msg} |")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(f"usage: {argv[0]} FIXTURES_DIR DOCS_DIR\n")
        return 2
    fixtures_dir, docs_dir = argv[1], argv[2]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, op, node, opset, expanded in considered():
            results.append(run_test(name, op, node, opset, expanded, tmp))
    version = data_version()
    with open(os.path.join(fixtures_dir, HEADER), "w") as f:
        f.write(header_text(results, version))
    with open(os.path.join(docs_dir, DOC), "w") as f:
        f.write(doc_text(results, version))
    for r in results:
        print(f"{r.name:60s} {r.op:20s} {r.result:8s} {r.message[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
