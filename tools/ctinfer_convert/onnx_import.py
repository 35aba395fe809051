"""ONNX -> the converter's model (model.py).

How it works
------------
1. Load and check the file; fix the batch axis to 1 (and any dimension the user sets).
2. Fold constants: every node whose inputs are all known values is evaluated with numpy
   (Constant, Shape of a tensor whose shape is static, Gather, Unsqueeze, Concat, Expand, ...),
   repeated with ONNX's shape inference until nothing changes. That removes the shape glue that
   torch.onnx.export adds (zero initial states of LSTM/GRU, pads computed for F.pad, the
   targets of view/reshape).
3. Recognise decomposed activations (GELU as Div/Erf/Add/Mul/Mul, SiLU as x*Sigmoid(x), Mish,
   HardSwish as x*HardSigmoid(x)) and gated units (Split + Sigmoid (+ Tanh) + Mul).
4. Walk the remaining graph from its input. A tensor read by one node continues the chain; a
   tensor read by several starts a block that must join again at an Add (ctinfer::Residual)
   or a Concat on the channel axis (ctinfer::Concat).

Each activation carries its ONNX shape, the position of its batch axis, and the ctinfer shape
of the same values (the ONNX tensor without the batch axis, row-major; ctinfer's shape may
group axes differently, e.g. an LSTM's (T, H) for ONNX's (T, 1, 1, H)): a layer that needs
another grouping gets a ctinfer::Reshape, which costs nothing.

Anything that cannot be mapped exactly raises ConversionError naming the node, the op or
attribute, and what is supported.
"""

import fractions
import math

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

from .model import Concat, ConversionError, Layer, Model, Residual

OPSETS = range(7, 19)          # default-domain opsets read; torch.onnx.export 11..17 tested

SUPPORTED_OPS = (
    "Gemm, MatMul (+Add), Conv, ConvTranspose, BatchNormalization, Relu, LeakyRelu, PRelu, "
    "Elu, Selu, Celu, Sigmoid, HardSigmoid, Tanh, Softplus, Softsign, HardSwish, Mish, "
    "Gelu (and its Div/Erf/Add/Mul and tanh forms), SiLU (x*Sigmoid(x)), Clip (as ReLU or ReLU6), "
    "Softmax, LogSoftmax (last axis), MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, "
    "ReduceMean/ReduceMax over the spatial axes, Flatten, Reshape, Squeeze, Unsqueeze, "
    "Transpose (a layout change), Pad (constant 0), Resize/Upsample (nearest, integer scales), "
    "Add (residual), Concat (channels), Split+Sigmoid+Mul (GLU, gated tanh), LSTM, GRU "
    "(linear_before_reset=1), Dropout, Identity; constant subgraphs are folded")


def _where(node):
    return f"node '{node.name or node.output[0]}' ({node.op_type})"


def _fail(node, text):
    raise ConversionError(f"{_where(node)}: {text}")


def _ratio(value, what, node):
    """An exact std::ratio for a float32 attribute: the shortest decimal that reads back as the
    same float32 (what PyTorch computes with)."""
    f32 = np.float32(value)
    text = np.format_float_positional(f32, unique=True, trim="-")
    frac = fractions.Fraction(text)
    if abs(frac.numerator) >= 2**62 or frac.denominator >= 2**62:
        _fail(node, f"{what} = {value!r} has no exact std::ratio")
    return f"std::ratio<{frac.numerator}, {frac.denominator}>"


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


# ------------------------------------------------------------------------ constant folding

def _np_eval(node, values, opset):
    """numpy evaluation of the ops torch.onnx.export uses for constant / shape glue. Returns a
    list of outputs, or None when the op is not a glue op."""
    op, a = node.op_type, _attrs(node)
    x = [values.get(name) if name else None for name in node.input]
    if op == "Constant":
        if "value" in a:
            return [numpy_helper.to_array(a["value"])]
        for k in ("value_float", "value_int"):
            if k in a:
                return [np.array(a[k])]
        for k in ("value_floats", "value_ints"):
            if k in a:
                return [np.array(a[k])]
        return None
    if op == "Identity":
        return [x[0]]
    if op == "Cast":
        return [x[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])]
    if op == "Gather":
        return [np.take(x[0], x[1], axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        axes = a.get("axes") if "axes" in a else list(x[1])
        out = x[0]
        rank = out.ndim + len(axes)
        for ax in sorted(ax % rank for ax in axes):
            out = np.expand_dims(out, ax)
        return [out]
    if op == "Squeeze":
        axes = a.get("axes") if "axes" in a else (list(x[1]) if len(x) > 1 and x[1] is not None else None)
        return [np.squeeze(x[0], axis=tuple(axes) if axes is not None else None)]
    if op == "Concat":
        return [np.concatenate(x, axis=a["axis"])]
    if op == "Reshape":
        shape = [int(d) for d in x[1]]
        shape = [x[0].shape[i] if d == 0 else d for i, d in enumerate(shape)]
        return [x[0].reshape(shape)]
    if op == "Expand":
        return [x[0] * np.ones(tuple(int(d) for d in x[1]), dtype=x[0].dtype)]
    if op == "ConstantOfShape":
        v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
        return [np.full(tuple(int(d) for d in x[0]), v.reshape(-1)[0], dtype=v.dtype)]
    if op == "Slice":
        if "starts" in a:
            starts, ends, axes, steps = a["starts"], a["ends"], a.get("axes"), None
        else:
            starts, ends = list(x[1]), list(x[2])
            axes = list(x[3]) if len(x) > 3 and x[3] is not None else None
            steps = list(x[4]) if len(x) > 4 and x[4] is not None else None
        axes = axes if axes is not None else list(range(len(starts)))
        steps = steps if steps is not None else [1] * len(starts)
        sl = [slice(None)] * x[0].ndim
        for s, e, ax, st in zip(starts, ends, axes, steps):
            sl[ax] = slice(int(s), int(e), int(st))
        return [x[0][tuple(sl)]]
    if op == "Transpose":
        return [np.transpose(x[0], a.get("perm"))]
    if op in ("Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "Where", "Neg", "Sqrt",
              "Pow", "Floor", "Ceil", "Abs", "Max", "Min", "Range", "Not", "And", "Or"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Equal": np.equal,
             "Less": np.less, "Greater": np.greater, "Neg": np.negative, "Sqrt": np.sqrt,
             "Pow": np.power, "Floor": np.floor, "Ceil": np.ceil, "Abs": np.abs,
             "Not": np.logical_not, "And": np.logical_and, "Or": np.logical_or}
        if op == "Div":
            if np.issubdtype(x[0].dtype, np.integer):
                return [(x[0] // x[1]).astype(x[0].dtype)]
            return [(x[0] / x[1]).astype(x[0].dtype)]
        if op == "Where":
            return [np.where(x[0], x[1], x[2])]
        if op == "Max":
            return [np.maximum.reduce(x)]
        if op == "Min":
            return [np.minimum.reduce(x)]
        if op == "Range":
            return [np.arange(x[0], x[1], x[2], dtype=x[0].dtype)]
        out = f[op](*x)
        return [np.asarray(out).astype(x[0].dtype) if op not in ("Equal", "Less", "Greater", "Not", "And", "Or") else np.asarray(out)]
    return None


class _Graph:
    def __init__(self, model, input_shape=None):
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
        if self.opset is None or self.opset not in OPSETS:
            raise ConversionError(f"opset {self.opset} of the default domain is not supported "
                                  f"(supported: {OPSETS.start} to {OPSETS.stop - 1}; "
                                  f"torch.onnx.export's 11 to 17 are tested)")
        for o in model.opset_import:
            if o.domain not in ("", "ai.onnx"):
                raise ConversionError(f"operator domain '{o.domain}' is not supported "
                                      f"(only the default ONNX domain)")
        self.model = model
        g = model.graph
        self.values = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        inputs = [i for i in g.input if i.name not in self.values]
        if len(inputs) != 1:
            raise ConversionError(f"the graph has {len(inputs)} inputs "
                                  f"({', '.join(i.name for i in inputs)}); ctinfer models have one")
        if len(g.output) != 1:
            raise ConversionError(f"the graph has {len(g.output)} outputs "
                                  f"({', '.join(o.name for o in g.output)}); ctinfer models have one: "
                                  f"export only the output you need")
        self.input = inputs[0]
        self.output = g.output[0].name
        tt = self.input.type.tensor_type
        if tt.elem_type != onnx.TensorProto.FLOAT:
            raise ConversionError(f"input '{self.input.name}' has element type "
                                  f"{onnx.TensorProto.DataType.Name(tt.elem_type)}; ctinfer-convert reads "
                                  f"float32 models")
        dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in tt.shape.dim]
        if len(dims) < 2:
            raise ConversionError(f"input '{self.input.name}' has rank {len(dims)}: no axis besides "
                                  f"the batch axis; a ctinfer model's input has at least one "
                                  f"(e.g. (batch, features))")
        self.batch_axis = self._batch_axis(dims)
        if input_shape is not None:
            if len(input_shape) != len(dims) - 1:
                raise ConversionError(f"--input-shape has {len(input_shape)} extents; input "
                                      f"'{self.input.name}' has {len(dims) - 1} besides the batch axis")
            it = iter(input_shape)
            dims = [1 if i == self.batch_axis else next(it) for i in range(len(dims))]
        dims[self.batch_axis] = 1
        for i, d in enumerate(dims):
            if not isinstance(d, int) or d <= 0:
                raise ConversionError(f"input '{self.input.name}' has a dynamic extent '{d}' on axis "
                                      f"{i}; ctinfer shapes are static: give --input-shape "
                                      f"(the extents without the batch axis)")
        self.input_dims = dims
        self.nodes = list(g.node)
        self.shapes = {self.input.name: tuple(dims)}
        self._fold()

    def _batch_axis(self, dims):
        # The batch axis is 0, except for a recurrent node reading the input in ONNX's default
        # layout (sequence, batch, features).
        for n in self.model.graph.node:
            if n.input and n.input[0] == self.input.name and n.op_type in ("LSTM", "GRU", "RNN"):
                if _attrs(n).get("layout", 0) == 0:
                    return 1
        return 0

    def _infer(self):
        g = helper.make_graph(
            self.nodes, "g",
            [helper.make_tensor_value_info(self.input.name, onnx.TensorProto.FLOAT, self.input_dims)],
            [helper.make_tensor_value_info(self.output, onnx.TensorProto.UNDEFINED, None)],
            [numpy_helper.from_array(np.asarray(v), n) for n, v in self.values.items()])
        m = helper.make_model(g, opset_imports=list(self.model.opset_import))
        m.ir_version = self.model.ir_version
        try:
            m = shape_inference.infer_shapes(m, strict_mode=False)
        except Exception as e:          # an inconsistent graph
            raise ConversionError(f"ONNX shape inference failed: {e}")
        for vi in list(m.graph.value_info) + list(m.graph.output):
            dims = vi.type.tensor_type.shape.dim
            if vi.type.tensor_type.HasField("shape") and all(d.HasField("dim_value") for d in dims):
                self.shapes[vi.name] = tuple(d.dim_value for d in dims)

    def _fold(self):
        while True:
            self._infer()
            changed = False
            kept = []
            for n in self.nodes:
                out = None
                if n.op_type == "Shape" and n.input[0] in self.shapes:
                    shape = np.array(self.shapes[n.input[0]], dtype=np.int64)
                    a = _attrs(n)
                    out = [shape[a.get("start", 0):a.get("end", None)]]
                elif n.op_type == "Size" and n.input[0] in self.shapes:
                    out = [np.array(int(np.prod(self.shapes[n.input[0]])), dtype=np.int64)]
                elif all((not i) or i in self.values for i in n.input) and n.op_type not in (
                        "LSTM", "GRU", "RNN", "RandomNormal", "RandomUniform", "RandomNormalLike",
                        "RandomUniformLike", "Dropout") or (n.op_type == "Constant"):
                    out = _np_eval(n, self.values, self.opset)
                if out is not None:
                    for name, v in zip(n.output, out):
                        self.values[name] = np.asarray(v)
                    changed = True
                else:
                    kept.append(n)
            self.nodes = kept
            if not changed:
                return


# ------------------------------------------------------------------------ the graph walk

class _Act:
    """An activation tensor: ONNX shape, batch axis, and ctinfer's shape of the same values."""

    def __init__(self, onnx_shape, batch, ct_shape):
        self.onnx = tuple(onnx_shape)
        self.batch = batch
        self.ct = tuple(ct_shape)

    def natural(self):
        return tuple(d for i, d in enumerate(self.onnx) if i != self.batch)


def _shape_text(shape):
    return "Shape<" + ", ".join(str(d) for d in shape) + ">"


class _Importer:
    def __init__(self, graph):
        self.g = graph
        self.consumers = {}
        for n in graph.nodes:
            for i in n.input:
                if i and i not in graph.values:
                    self.consumers.setdefault(i, []).append(n)
        self.producer = {o: n for n in graph.nodes for o in n.output}
        self.used = set()
        self._live = self._live_nodes()

    def _live_nodes(self):
        live, stack = set(), [self.g.output]
        while stack:
            t = stack.pop()
            n = self.producer.get(t)
            if n is None or id(n) in live:
                continue
            live.add(id(n))
            stack.extend(i for i in n.input if i)
        return live

    def act_consumers(self, name):
        return [n for n in self.consumers.get(name, []) if id(n) in self._live]

    def const(self, node, index, what):
        if index >= len(node.input) or not node.input[index]:
            return None
        name = node.input[index]
        if name not in self.g.values:
            _fail(node, f"{what} ('{name}') must be a constant (an initializer or a folded "
                  f"constant subgraph); it depends on the input")
        return self.g.values[name]

    def shape_of(self, name, node):
        s = self.g.shapes.get(name)
        if s is None:
            _fail(node, f"the shape of '{name}' is not static after folding; ctinfer shapes are "
                  f"static (set dynamic extents with --input-shape)")
        return s

    # --- the walk
    def run(self):
        g = self.g
        dims = g.input_dims
        start = _Act(dims, g.batch_axis, tuple(d for i, d in enumerate(dims) if i != g.batch_axis))
        input_shape = start.ct
        nodes, act, end = self.chain(g.input.name, start, None)
        if end != g.output:
            raise ConversionError(f"the walk from the input stopped at '{end}' before the output "
                                  f"'{g.output}'")
        out_shape = self.shape_of(g.output, g.model.graph.node[-1]) if g.output in g.shapes else act.onnx
        out_natural = tuple(d for i, d in enumerate(out_shape) if i != act.batch) if len(out_shape) == len(act.onnx) else act.natural()
        if act.ct != out_natural:
            nodes.append(self._reshape_layer(out_natural))
        return Model(input_shape=input_shape, output_shape=out_natural, nodes=nodes)

    def _reshape_layer(self, shape, source=""):
        if len(shape) == 1:
            return Layer("Flatten", source=source)
        return Layer(f"Reshape<{_shape_text(shape)}>", source=source)

    def need(self, act, shape, nodes, node):
        """Make the ctinfer shape `shape` (a regrouping of the same values)."""
        if act.ct != tuple(shape):
            if int(np.prod(act.ct)) != int(np.prod(shape)):
                _fail(node, f"internal: cannot regroup {act.ct} as {shape}")
            nodes.append(self._reshape_layer(tuple(shape), node.name))
            act.ct = tuple(shape)

    def chain(self, name, act, stop):
        """Layers from tensor `name` onwards, until a join node (returned to the caller) or the
        graph output. Returns (nodes, act, tensor name reached); the join is
        self.pending_join."""
        nodes = []
        while True:
            if name == self.g.output:
                return nodes, act, name
            cons = self.act_consumers(name)
            if not cons:
                raise ConversionError(f"tensor '{name}' is read by no node on the way to the output")
            if len(cons) == 1:
                n = cons[0]
                if self._is_join(n):
                    return nodes, act, name
                name, act = self.layer(n, name, act, nodes)
                continue
            name, act = self.block(name, act, cons, nodes)

    def _is_join(self, n):
        acts = [i for i in n.input if i and i not in self.g.values]
        return n.op_type in ("Add", "Sum", "Concat") and len(acts) >= 2

    def block(self, name, act, cons, nodes):
        branches, join = [], None
        for c in cons:
            if self._is_join(c):
                branches.append(([], act, name, c))
                j = c
            else:
                sub = []
                t, a = self.layer(c, name, _Act(act.onnx, act.batch, act.ct), sub)
                more, a, t = self.chain(t, a, None)
                sub.extend(more)
                jc = self.act_consumers(t)
                if len(jc) != 1 or not self._is_join(jc[0]):
                    _fail(c, f"the branch starting here does not end at an Add or Concat that "
                          f"joins it with the other branches of '{name}'; ctinfer maps a fork onto "
                          f"Residual (Add) or Concat blocks")
                branches.append((sub, a, t, jc[0]))
                j = jc[0]
            if join is None:
                join = j
            elif join is not j:
                _fail(j, f"the branches from tensor '{name}' join at different nodes "
                      f"('{join.name}' and '{j.name}'); ctinfer blocks join all branches at one Add "
                      f"or Concat")
        order = {t: i for i, t in enumerate(i for i in join.input if i)}
        if len(branches) != len(order):
            _fail(join, f"joins {len(order)} tensors, of which {len(branches)} come from the fork "
                  f"at '{name}'; nested forks that join elsewhere are not supported")
        branches.sort(key=lambda b: order[b[2]])
        out_onnx = self.shape_of(join.output[0], join)
        if join.op_type in ("Add", "Sum"):
            if len(branches) != 2:
                _fail(join, f"adds {len(branches)} branches; ctinfer::Residual adds two")
            for sub, a, _, _ in branches:
                if tuple(a.onnx) != tuple(out_onnx):
                    _fail(join, f"adds tensors of shapes {branches[0][1].onnx} and "
                          f"{branches[1][1].onnx}; ctinfer::Residual needs equal shapes (no broadcast)")
            # ctinfer computes the body after the shortcut's input; a branch with no layers is
            # the identity. Keep ONNX's branch order as body, shortcut (the sum commutes).
            b0, b1 = branches
            target = b0[1].natural()
            for sub, a, _, _ in branches:
                self.need(a, target, sub, join)
            if not b0[0] and not b1[0]:
                _fail(join, "adds a tensor to itself (x + x); not a residual block")
            if not b0[0]:
                nodes.append(Residual(body=b1[0]))
            elif not b1[0]:
                nodes.append(Residual(body=b0[0]))
            else:
                nodes.append(Residual(body=b0[0], shortcut=b1[0]))
            res = _Act(out_onnx, b0[1].batch, target)
        else:
            axis = _attrs(join)["axis"] % len(out_onnx)
            b = branches[0][1].batch
            if axis != b + 1 or b != 0:
                _fail(join, f"concatenates on axis {axis} of {tuple(out_onnx)}; ctinfer::Concat joins "
                      f"the channel axis (axis 1, the first after the batch)")
            subs = []
            for sub, a, _, _ in branches:
                self.need(a, a.natural(), sub, join)
                subs.append(sub)
            nodes.append(Concat(branches=subs))
            res = _Act(out_onnx, 0, tuple(out_onnx[1:]))
        for c in self.act_consumers(join.output[0]):
            pass
        return join.output[0], res

    # --- one node
    def layer(self, n, name, act, nodes):
        """Map node n (reading activation `name`) to layers appended to `nodes`; returns the
        tensor name and _Act it produces."""
        op, a = n.op_type, _attrs(n)
        src = n.name or n.output[0]
        out = n.output[0]
        if op in _UNARY:
            cpp = _UNARY[op](n, a, self)
            if cpp:
                nodes.append(Layer(cpp, source=src))
            return out, _Act(act.onnx, act.batch, act.ct)
        handler = getattr(self, "op_" + op, None)
        if handler is None:
            _fail(n, f"op {op} is not supported. Supported: {SUPPORTED_OPS}")
        return handler(n, a, name, act, nodes, src)

    # Shapes only -----------------------------------------------------------------------
    def _regroup(self, n, act, nodes, src):
        new = self.shape_of(n.output[0], n)
        # The batch axis: a size-1 axis of the new shape with the same number of values before it.
        before = int(np.prod(act.onnx[:act.batch]))
        cands = [k for k in range(len(new)) if new[k] == 1 and int(np.prod(new[:k])) == before]
        if not cands:
            _fail(n, f"reshapes {act.onnx} to {new}, which mixes the batch axis with others")
        k = cands[0]
        if act.batch < len(new) and act.batch in cands:
            k = act.batch
        res = _Act(new, k, act.ct)
        target = res.natural()
        if res.ct != target:
            nodes.append(self._reshape_layer(target, src))
            res.ct = target
        return n.output[0], res

    def op_Reshape(self, n, a, name, act, nodes, src):
        return self._regroup(n, act, nodes, src)

    op_Flatten = op_Reshape
    op_Squeeze = op_Reshape
    op_Unsqueeze = op_Reshape

    def op_Gather(self, n, a, name, act, nodes, src):
        # x[:, -1] on a (N, T, F) sequence is ctinfer::LastStep; picking from a size-1 axis
        # (e.g. h_n[-1] of a one-layer LSTM) only drops that axis.
        if n.input[0] != name:
            _fail(n, "the activation must be the data input")
        idx = self.const(n, 1, "indices")
        rank = len(act.onnx)
        axis = a.get("axis", 0) % rank
        if idx.ndim != 0 or axis == act.batch:
            _fail(n, "only a single constant index on a non-batch axis is supported")
        i = int(idx) % act.onnx[axis]
        if act.onnx[axis] == 1:
            return self._regroup(n, act, nodes, src)
        nat_axes = [k for k in range(rank) if k != act.batch]
        if len(nat_axes) == 2 and axis == nat_axes[0] and i == act.onnx[axis] - 1:
            self.need(act, act.natural(), nodes, n)
            nodes.append(Layer("LastStep", source=src))
            out = self.shape_of(n.output[0], n)
            return n.output[0], _Act(out, out.index(1) if act.batch < axis else act.batch,
                                     (act.onnx[nat_axes[1]],))
        _fail(n, f"picks index {int(idx)} of axis {axis} of {act.onnx}; ctinfer expresses the last "
              f"step of a (T, F) sequence (ctinfer::LastStep)")

    def op_Identity(self, n, a, name, act, nodes, src):
        return n.output[0], act

    def op_Dropout(self, n, a, name, act, nodes, src):
        # Inference: the identity. Opset 12+ has a training_mode input: in training mode
        # (and a ratio above 0) it drops values at random, which ctinfer does not.
        if len(n.input) > 2 and n.input[2]:
            training = bool(np.asarray(self.const(n, 2, "training_mode")).reshape(-1)[0])
            ratio = a.get("ratio", 0.5)
            if len(n.input) > 1 and n.input[1]:
                ratio = float(np.asarray(self.const(n, 1, "ratio")).reshape(-1)[0])
            if training and ratio != 0.0:
                _fail(n, f"training_mode=1 with ratio {ratio} drops values at random; ctinfer's "
                      f"Dropout is the inference-mode identity (training_mode=0 or ratio=0)")
        if len(n.output) > 1 and n.output[1] and (self.act_consumers(n.output[1]) or n.output[1] == self.g.output):
            _fail(n, "the mask output is used; ctinfer's Dropout has none")
        return n.output[0], act

    def op_Transpose(self, n, a, name, act, nodes, src):
        perm = list(a.get("perm", reversed(range(len(act.onnx)))))
        new_batch = perm.index(act.batch)
        others = [p for p in perm if p != act.batch]
        new = tuple(act.onnx[p] for p in perm)
        # Size-1 axes may move freely: the values keep their order.
        big = [p for p in others if act.onnx[p] != 1]
        if big == sorted(big):
            res = _Act(new, new_batch, act.ct)
            return n.output[0], res
        nat = act.natural()
        nonbatch = [p for p in range(len(act.onnx)) if p != act.batch]
        if len(nat) == 2 and [nonbatch.index(p) for p in others] == [1, 0]:
            self.need(act, nat, nodes, n)
            nodes.append(Layer("Transpose", source=src))
            return n.output[0], _Act(new, new_batch, (nat[1], nat[0]))
        _fail(n, f"permutes {act.onnx} with perm={perm}; ctinfer expresses only a swap of the "
              f"two non-batch axes of a rank-2 tensor (ctinfer::Transpose) or a move of size-1 axes")

    # Dense --------------------------------------------------------------------------------
    def op_Gemm(self, n, a, name, act, nodes, src):
        if n.input[0] != name:
            _fail(n, "the activation must be input A (the weights B)")
        if a.get("transA", 0):
            _fail(n, "transA=1 is not supported (the activation must be (batch, features))")
        w = self.const(n, 1, "B")
        if w is None or w.ndim != 2:
            _fail(n, "B must be a 2-D constant")
        w = w if a.get("transB", 0) else w.T              # -> (N, K)
        alpha, beta = a.get("alpha", 1.0), a.get("beta", 1.0)
        k = w.shape[1]
        if len(act.onnx) != 2 or act.batch != 0:
            _fail(n, f"reads {act.onnx}; Gemm needs (1, K)")
        self.need(act, (k,), nodes, n)
        w = (np.float32(alpha) * w.astype(np.float32)) if alpha != 1.0 else w
        c = self.const(n, 2, "C")
        nout = w.shape[0]
        if c is None:
            nodes.append(Layer(f"Dense<{nout}, false>", [w], src))
        else:
            c = np.broadcast_to(c.astype(np.float32), (1, nout)).reshape(nout)
            c = np.float32(beta) * c if beta != 1.0 else c
            nodes.append(Layer(f"Dense<{nout}>", [w, c], src))
        return n.output[0], _Act(self.shape_of(n.output[0], n), 0, (nout,))

    def op_MatMul(self, n, a, name, act, nodes, src):
        if n.input[0] != name:
            _fail(n, "the activation must be the first operand (x @ W)")
        w = self.const(n, 1, "the second operand")
        if w is None or w.ndim != 2:
            _fail(n, "the second operand must be a 2-D constant (K, N)")
        k, nout = w.shape
        nat = act.natural()
        if not nat or nat[-1] != k:
            _fail(n, f"reads {act.onnx}; the last axis must have the weights' K = {k}")
        self.need(act, nat, nodes, n)
        out = n.output[0]
        bias = None
        cons = self.act_consumers(out)
        if len(cons) == 1 and cons[0].op_type == "Add":
            add = cons[0]
            other = [i for i in add.input if i != out]
            if len(other) == 1 and other[0] in self.g.values:
                b = self.g.values[other[0]]
                if b.size == nout and (b.ndim == 1 or all(d == 1 for d in b.shape[:-1])):
                    bias = b.reshape(nout).astype(np.float32)
                    out = add.output[0]
                    src = f"{src} + {add.name or add.output[0]}"
        if bias is None:
            nodes.append(Layer(f"Dense<{nout}, false>", [w.T], src))
        else:
            nodes.append(Layer(f"Dense<{nout}>", [w.T, bias], src))
        return out, _Act(self.shape_of(out, n), act.batch, nat[:-1] + (nout,))

    # Convolutions --------------------------------------------------------------------------
    def _spatial(self, n, act):
        if act.batch != 0 or len(act.onnx) not in (3, 4):
            _fail(n, f"reads {act.onnx}; ctinfer convolutions and pools take (N, C, L) or (N, C, H, W)")
        return len(act.onnx) - 2

    def _pads(self, n, a, dims, in_sp, kernel, strides, dil, transpose=False):
        auto = a.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if auto in ("NOTSET", ""):
            pads = list(a.get("pads", [0] * (2 * dims)))
        elif auto == "VALID":
            pads = [0] * (2 * dims)
        elif auto in ("SAME_UPPER", "SAME_LOWER") and not transpose:
            pads = [0] * (2 * dims)
            for i in range(dims):
                out = -(-in_sp[i] // strides[i])
                total = max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - in_sp[i])
                small, big = total // 2, total - total // 2
                pads[i], pads[i + dims] = (small, big) if auto == "SAME_UPPER" else (big, small)
        else:
            _fail(n, f"auto_pad={auto} is not supported here")
        if any(p < 0 for p in pads):
            _fail(n, f"pads={pads} has a negative value")
        return pads

    def _pad_option(self, pads, dims):
        if not any(pads):
            return []
        b, e = pads[:dims], pads[dims:]
        if b == e:
            return [f"Pad<{', '.join(map(str, b))}>"]
        return [f"Pads<{', '.join(map(str, b + e))}>"]

    def _conv_inputs(self, n, a, act, nodes):
        """What Conv and ConvTranspose read alike: the spatial rank, the constant W and B, and
        the kernel, strides, dilations and group with ONNX's defaults filled in."""
        dims = self._spatial(n, act)
        self.need(act, act.natural(), nodes, n)
        w = self.const(n, 1, "W")
        b = self.const(n, 2, "B")
        kernel = list(a.get("kernel_shape", w.shape[2:]))
        strides = list(a.get("strides", [1] * dims))
        dil = list(a.get("dilations", [1] * dims))
        return dims, w, b, kernel, strides, dil, a.get("group", 1)

    def _conv_layer(self, kind, dims, nout, w, b, kernel, strides, pads, dil, group, src,
                    outpad=None):
        """A Conv / ConvTranspose layer with PyTorch's defaults left out of its options."""
        opts = [f"Kernel<{', '.join(map(str, kernel))}>"]
        if any(s != 1 for s in strides):
            opts.append(f"Stride<{', '.join(map(str, strides))}>")
        opts += self._pad_option(pads, dims)
        if outpad and any(outpad):
            opts.append(f"OutputPad<{', '.join(map(str, outpad))}>")
        if any(d != 1 for d in dil):
            opts.append(f"Dilation<{', '.join(map(str, dil))}>")
        if group != 1:
            opts.append(f"Groups<{group}>")
        params = [w]
        if b is None:
            opts.append("NoBias")
        else:
            params.append(b)
        return Layer(f"{kind}{dims}D<{nout}, {', '.join(opts)}>", params, src)

    def op_Conv(self, n, a, name, act, nodes, src):
        dims, w, b, kernel, strides, dil, group = self._conv_inputs(n, a, act, nodes)
        pads = self._pads(n, a, dims, act.onnx[2:], kernel, strides, dil)
        nodes.append(self._conv_layer("Conv", dims, w.shape[0], w, b, kernel, strides, pads, dil,
                                      group, src))
        out = self.shape_of(n.output[0], n)
        return n.output[0], _Act(out, 0, out[1:])

    def op_ConvTranspose(self, n, a, name, act, nodes, src):
        dims, w, b, kernel, strides, dil, group = self._conv_inputs(n, a, act, nodes)
        outpad = list(a.get("output_padding", [0] * dims))
        in_sp = act.onnx[2:]
        auto = a.get("auto_pad", b"NOTSET")
        auto = auto.decode() if isinstance(auto, bytes) else auto
        if "output_shape" in a or auto in ("SAME_UPPER", "SAME_LOWER"):
            target = list(a["output_shape"])[-dims:] if "output_shape" in a else [i * s for i, s in zip(in_sp, strides)]
            pads = [0] * (2 * dims)
            for i in range(dims):
                total = strides[i] * (in_sp[i] - 1) + outpad[i] + (kernel[i] - 1) * dil[i] + 1 - target[i]
                if auto == "SAME_UPPER":
                    pads[i], pads[i + dims] = total // 2, total - total // 2
                else:
                    pads[i], pads[i + dims] = total - total // 2, total // 2
                if pads[i + dims] < 0:
                    outpad[i] -= pads[i + dims]
                    pads[i + dims] = 0
        else:
            pads = self._pads(n, a, dims, in_sp, kernel, strides, dil, transpose=True)
        if any(p < 0 for p in pads):
            _fail(n, f"the output shape needs a negative begin pad ({pads}); not supported")
        for i in range(dims):
            if outpad[i] and outpad[i] >= max(strides[i], dil[i]):
                _fail(n, f"output_padding {outpad[i]} on axis {i} is not below the stride or "
                      f"the dilation; not supported")
        nout = w.shape[1] * group
        nodes.append(self._conv_layer("ConvTranspose", dims, nout, w, b, kernel, strides, pads, dil,
                                      group, src, outpad))
        # ONNX's shape inference leaves the output of some older ConvTranspose versions (with
        # output_shape) unknown: the extents follow from the pads found above.
        out = (act.onnx[0], nout) + tuple(
            strides[i] * (in_sp[i] - 1) + outpad[i] + (kernel[i] - 1) * dil[i] + 1 - pads[i] - pads[i + dims]
            for i in range(dims))
        known = self.g.shapes.get(n.output[0])
        if known is not None and tuple(known) != out:
            _fail(n, f"internal: output shape {out} differs from ONNX's {tuple(known)}")
        self.g.shapes[n.output[0]] = out
        return n.output[0], _Act(out, 0, out[1:])

    def op_BatchNormalization(self, n, a, name, act, nodes, src):
        if a.get("training_mode", 0):
            _fail(n, "training_mode=1; ctinfer's BatchNorm is inference mode")
        if act.batch != 0 or len(act.onnx) < 2:
            _fail(n, f"reads {act.onnx}; BatchNormalization needs (N, C, ...)")
        self.need(act, act.natural(), nodes, n)
        scale, bias, mean, var = (self.const(n, i, w) for i, w in
                                  enumerate(("scale", "B", "input_mean", "input_var"), 1))
        # As load_flat does: a negative or NaN variance makes every output of its channel NaN.
        variances = np.asarray(var, dtype=np.float64).ravel()
        bad = np.flatnonzero(~(variances >= 0))
        if bad.size:
            _fail(n, f"input_var[{bad[0]}] = {variances[bad[0]]} is negative or NaN; a variance "
                  f"must be >= 0 (every output of that channel would be NaN)")
        eps = a.get("epsilon", 1e-5)
        cpp = "BatchNorm" if np.float32(eps) == np.float32(1e-5) else f"BatchNorm::with<{_ratio(eps, 'epsilon', n)}>"
        nodes.append(Layer(cpp, [scale, bias, mean, var], src))
        return n.output[0], _Act(act.onnx, 0, act.ct)

    def op_PRelu(self, n, a, name, act, nodes, src):
        slope = self.const(n, 1, "slope")
        if slope.size == 1:
            nodes.append(Layer("PReLU", [slope.reshape(1)], src))
            return n.output[0], act
        nat = act.natural()
        c = nat[0] if nat else 0
        if slope.size == c and act.batch == 0 and int(np.prod(slope.shape)) == slope.shape[-len(nat)] if slope.ndim >= len(nat) else slope.size == c:
            self.need(act, nat, nodes, n)
            nodes.append(Layer("PReLU::per_channel", [slope.reshape(c)], src))
            return n.output[0], act
        _fail(n, f"slope of shape {slope.shape} on {act.onnx}; ctinfer's PReLU has one slope or one "
              f"per channel (axis 1)")

    def op_Softmax(self, n, a, name, act, nodes, src, cpp="Softmax"):
        rank = len(act.onnx)
        axis = a.get("axis", -1 if self.g.opset >= 13 else 1) % rank
        nat = act.natural()
        if self.g.opset < 13 and axis != rank - 1:
            # Before opset 13 the axis splits the tensor into 2-D (rows, columns): the same as the
            # last axis only when every axis after it is 1.
            if any(d != 1 for d in act.onnx[axis + 1:]):
                _fail(n, f"axis={axis} (opset {self.g.opset} coerces to 2-D) on {act.onnx}; ctinfer "
                      f"normalises the last axis")
        elif axis != rank - 1:
            _fail(n, f"axis={axis} on {act.onnx}; ctinfer's {cpp} normalises the last axis")
        if axis == act.batch:
            _fail(n, "normalises over the batch axis")
        self.need(act, nat, nodes, n)
        nodes.append(Layer(cpp, source=src))
        return n.output[0], act

    def op_LogSoftmax(self, n, a, name, act, nodes, src):
        return self.op_Softmax(n, a, name, act, nodes, src, "LogSoftmax")

    # Pooling -------------------------------------------------------------------------------
    def _pool(self, n, a, act, nodes, src, kind):
        dims = self._spatial(n, act)
        self.need(act, act.natural(), nodes, n)
        kernel = list(a["kernel_shape"])
        strides = list(a.get("strides", [1] * dims))
        dil = list(a.get("dilations", [1] * dims))
        pads = self._pads(n, a, dims, act.onnx[2:], kernel, strides, dil)
        if len(n.output) > 1 and n.output[1] and self.act_consumers(n.output[1]):
            _fail(n, "the Indices output is used; not supported")
        # storage_order only changes the Indices output, which is not used here.
        opts = [f"Kernel<{', '.join(map(str, kernel))}>", f"Stride<{', '.join(map(str, strides))}>"]
        opts += self._pad_option(pads, dims)
        if any(d != 1 for d in dil):
            if kind == "Avg":
                _fail(n, "dilations on AveragePool are not supported")
            opts.append(f"Dilation<{', '.join(map(str, dil))}>")
        if a.get("ceil_mode", 0):
            opts.append("CeilMode")
        if kind == "Avg" and any(pads) and not a.get("count_include_pad", 0):
            opts.append("ExcludePad")
        nodes.append(Layer(f"{kind}Pool{dims}D<{', '.join(opts)}>", source=src))
        out = self.shape_of(n.output[0], n)
        return n.output[0], _Act(out, 0, out[1:])

    def op_MaxPool(self, n, a, name, act, nodes, src):
        return self._pool(n, a, act, nodes, src, "Max")

    def op_AveragePool(self, n, a, name, act, nodes, src):
        return self._pool(n, a, act, nodes, src, "Avg")

    def _global(self, n, act, nodes, src, kind):
        self._spatial(n, act)
        self.need(act, act.natural(), nodes, n)
        nodes.append(Layer(f"Global{kind}Pool", source=src))
        out = self.shape_of(n.output[0], n)
        # ctinfer keeps the spatial axes (extent 1), as ONNX's GlobalAveragePool does.
        return n.output[0], _Act(out, 0, (act.onnx[1],) + (1,) * (len(act.onnx) - 2))

    def op_GlobalAveragePool(self, n, a, name, act, nodes, src):
        return self._global(n, act, nodes, src, "Avg")

    def op_GlobalMaxPool(self, n, a, name, act, nodes, src):
        return self._global(n, act, nodes, src, "Max")

    def _reduce(self, n, a, act, nodes, src, kind):
        axes = a.get("axes")
        if axes is None and len(n.input) > 1 and n.input[1]:
            axes = list(self.const(n, 1, "axes"))
        rank = len(act.onnx)
        if axes is None or sorted(x % rank for x in axes) != list(range(2, rank)) or act.batch != 0:
            _fail(n, f"reduces axes {axes} of {act.onnx}; ctinfer reduces every spatial axis "
                  f"(GlobalAvgPool / GlobalMaxPool)")
        return self._global(n, act, nodes, src, kind)

    def op_ReduceMean(self, n, a, name, act, nodes, src):
        return self._reduce(n, a, act, nodes, src, "Avg")

    def op_ReduceMax(self, n, a, name, act, nodes, src):
        return self._reduce(n, a, act, nodes, src, "Max")

    # Resampling ----------------------------------------------------------------------------
    def op_Pad(self, n, a, name, act, nodes, src):
        mode = a.get("mode", b"constant")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        if mode != "constant":
            _fail(n, f"mode={mode}; ctinfer pads with zeros (mode=constant)")
        pads = list(a["pads"]) if "pads" in a else [int(p) for p in self.const(n, 1, "pads")]
        value = a.get("value", 0.0)
        if len(n.input) > 2 and n.input[2]:
            value = float(self.const(n, 2, "constant_value").reshape(-1)[0])
        if value != 0.0:
            _fail(n, f"pads with {value}; ctinfer pads with zeros")
        if len(n.input) > 3 and n.input[3]:
            _fail(n, "the axes input is not supported")
        rank = len(act.onnx)
        dims = self._spatial(n, act)
        b, e = pads[:rank], pads[rank:]
        if any(b[:2]) or any(e[:2]):
            _fail(n, f"pads={pads} pads the batch or channel axis; ctinfer pads spatial axes")
        if any(p < 0 for p in pads):
            _fail(n, f"pads={pads} crops (negative); not supported")
        self.need(act, act.natural(), nodes, n)
        sb, se = b[2:], e[2:]
        opt = f"Pad<{', '.join(map(str, sb))}>" if sb == se else f"Pads<{', '.join(map(str, sb + se))}>"
        if any(sb) or any(se):
            nodes.append(Layer(f"ZeroPad<{opt}>", source=src))
        out = self.shape_of(n.output[0], n)
        return n.output[0], _Act(out, 0, out[1:])

    def op_Resize(self, n, a, name, act, nodes, src):
        mode = a.get("mode", b"nearest")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        if mode != "nearest":
            _fail(n, f"mode={mode}; ctinfer's Upsample is nearest-neighbour")
        dims = self._spatial(n, act)
        out = self.shape_of(n.output[0], n)
        if out[:2] != act.onnx[:2]:
            _fail(n, "resizes the batch or channel axis")
        factors = []
        for i in range(2, len(out)):
            if out[i] % act.onnx[i]:
                _fail(n, f"output extent {out[i]} is not an integer multiple of {act.onnx[i]}")
            factors.append(out[i] // act.onnx[i])
        ctm = a.get("coordinate_transformation_mode", b"half_pixel")
        ctm = ctm.decode() if isinstance(ctm, bytes) else ctm
        nm = a.get("nearest_mode", b"round_prefer_floor")
        nm = nm.decode() if isinstance(nm, bytes) else nm
        # With an integer factor s: asymmetric + floor reads floor(i / s); half_pixel (and
        # pytorch_half_pixel) + any rounding reads round((i + 0.5) / s - 0.5), which is the same
        # and never a tie. Other combinations read other pixels.
        ok = (ctm == "asymmetric" and nm == "floor") or (ctm in ("half_pixel", "pytorch_half_pixel") and nm.startswith("round"))
        if n.op_type == "Upsample":
            ok = True
        if not ok:
            _fail(n, f"coordinate_transformation_mode={ctm} with nearest_mode={nm}; supported: "
                  f"asymmetric + floor (PyTorch's 'nearest'), half_pixel + round_* (PyTorch's "
                  f"'nearest-exact'), with integer scales")
        self.need(act, act.natural(), nodes, n)
        if len(set(factors)) == 1:
            nodes.append(Layer(f"Upsample<{factors[0]}>", source=src))
        else:
            nodes.append(Layer(f"Upsample<{', '.join(map(str, factors))}>", source=src))
        return n.output[0], _Act(out, 0, out[1:])

    op_Upsample = op_Resize

    # Gates and recurrent ------------------------------------------------------------------
    def op_Split(self, n, a, name, act, nodes, src):
        # GLU / gated tanh: x -> Split(2, channel axis) -> [a (-> Tanh)], [b -> Sigmoid] -> Mul.
        axis = a.get("axis", 0) % len(act.onnx)
        outs = list(n.output)
        if len(outs) != 2 or axis != act.batch + 1 or act.batch != 0:
            _fail(n, "only a split of the channel axis into two halves feeding a gated unit "
                  "(GLU: a * sigmoid(b); gated tanh: tanh(a) * sigmoid(b)) is supported")
        ca, cb = (self.act_consumers(o) for o in outs)
        if len(ca) != 1 or len(cb) != 1:
            _fail(n, "the halves must each feed one node of a gated unit")
        tanh = ca[0].op_type == "Tanh"
        amul = self.act_consumers(ca[0].output[0])[0] if tanh and len(self.act_consumers(ca[0].output[0])) == 1 else ca[0]
        sig = cb[0]
        if sig.op_type != "Sigmoid" or len(self.act_consumers(sig.output[0])) != 1:
            _fail(n, "the second half must go through Sigmoid into the Mul of a gated unit")
        mul = self.act_consumers(sig.output[0])[0]
        if mul.op_type != "Mul" or mul is not amul:
            _fail(n, "the halves must meet in one Mul (GLU or gated tanh)")
        shapes = [self.shape_of(o, n) for o in outs]
        if shapes[0] != shapes[1]:
            _fail(n, f"splits into unequal parts {shapes}; a gated unit takes two halves")
        self.need(act, act.natural(), nodes, n)
        nodes.append(Layer("GatedTanh" if tanh else "GLU", source=src))
        out = self.shape_of(mul.output[0], mul)
        return mul.output[0], _Act(out, 0, out[1:])

    def op_LSTM(self, n, a, name, act, nodes, src):
        return self._recurrent(n, a, name, act, nodes, src, "LSTM")

    def op_GRU(self, n, a, name, act, nodes, src):
        return self._recurrent(n, a, name, act, nodes, src, "GRU")

    def _recurrent(self, n, a, name, act, nodes, src, kind):
        H = a["hidden_size"]
        direction = a.get("direction", b"forward")
        direction = direction.decode() if isinstance(direction, bytes) else direction
        layout = a.get("layout", 0)
        defaults = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"]}[kind]
        acts = [x.decode() if isinstance(x, bytes) else x for x in a.get("activations", [])]
        ndir = 2 if direction == "bidirectional" else 1
        if direction == "reverse":
            _fail(n, "direction=reverse is not supported (forward or bidirectional)")
        if acts and [x.lower() for x in acts] != [x.lower() for x in defaults * ndir]:
            _fail(n, f"activations={acts}; ctinfer computes the default {defaults}")
        for k in ("activation_alpha", "activation_beta", "clip"):
            if k in a:
                _fail(n, f"attribute {k} is not supported")
        if kind == "LSTM" and a.get("input_forget", 0):
            _fail(n, "input_forget=1 is not supported")
        if kind == "GRU" and a.get("linear_before_reset", 0) != 1:
            _fail(n, "linear_before_reset=0 (ONNX's default: the reset gate before the hidden "
                  "product) is a different formula; ctinfer computes PyTorch's GRU "
                  "(linear_before_reset=1)")
        if n.input[0] != name:
            _fail(n, "the activation must be input X")
        W, R, B = self.const(n, 1, "W"), self.const(n, 2, "R"), self.const(n, 3, "B")
        if len(n.input) > 4 and n.input[4]:
            seq = self.const(n, 4, "sequence_lens")
            T = act.onnx[1 if layout else 0]
            if not np.all(seq == T):
                _fail(n, f"sequence_lens={seq.tolist()} differs from the sequence length {T}")
        h0 = self.const(n, 5, "initial_h")
        c0 = self.const(n, 6, "initial_c") if kind == "LSTM" else None
        if kind == "LSTM" and len(n.input) > 7 and n.input[7]:
            P = self.const(n, 7, "P")
            if np.any(P != 0):
                _fail(n, "peepholes (P) are not supported")
        expected_batch = 0 if layout else 1
        if act.batch != expected_batch or len(act.onnx) != 3:
            _fail(n, f"reads {act.onnx} with the batch on axis {act.batch}; layout={layout} needs it on "
                  f"axis {expected_batch}")
        T, F = act.natural()
        self.need(act, (T, F), nodes, n)
        order = {"LSTM": (0, 2, 3, 1), "GRU": (1, 0, 2)}[kind]
        G = len(order)

        def reorder(m):
            blocks = m.reshape((G, H) + m.shape[1:])
            return np.concatenate([blocks[i] for i in order], axis=0)
        initial = (h0 is not None and np.any(h0 != 0)) or (c0 is not None and np.any(c0 != 0))
        params_all = []
        for d in range(ndir):
            p = [reorder(W[d]), reorder(R[d])]
            if B is not None:
                p += [reorder(B[d][:G * H]), reorder(B[d][G * H:])]
            if initial:
                hb = h0 if h0 is not None else np.zeros((ndir, 1, H), np.float32)
                hd = hb[d, 0] if layout == 0 else hb[0, d]
                p.append(hd)
                if kind == "LSTM":
                    cb = c0 if c0 is not None else np.zeros((ndir, 1, H), np.float32)
                    p.append(cb[d, 0] if layout == 0 else cb[0, d])
            params_all += p
        opts = []
        if B is None:
            opts.append("NoBias")
        if initial:
            opts.append("InitialState")
        cell = f"{kind}<{H}{''.join(', ' + o for o in opts)}>"
        cpp = f"Bidirectional<{cell}>" if ndir == 2 else cell
        # Which output continues: Y (every step) or Y_h (the last step, one direction).
        y = n.output[0] if n.output else ""
        yh = n.output[1] if len(n.output) > 1 else ""
        yc = n.output[2] if len(n.output) > 2 else ""
        uses = [o for o in (y, yh, yc) if o and (self.act_consumers(o) or o == self.g.output)]
        if yc in uses:
            _fail(n, "the cell state output Y_c is used; ctinfer's LSTM outputs h")
        if len(uses) != 1:
            _fail(n, f"uses {len(uses)} of its outputs; ctinfer continues with Y or Y_h alone")
        nodes.append(Layer(cpp, params_all, src, parts=ndir))
        if uses[0] == y:
            shape = self.shape_of(y, n)         # (T, D, 1, H) or layout 1: (1, T, D, H)
            return y, _Act(shape, 2 if layout == 0 else 0, (T, ndir * H))
        if ndir != 1:
            _fail(n, "Y_h of a bidirectional layer (the forward last step and the reverse first "
                  "step) is not supported; use Y")
        nodes.append(Layer("LastStep", source=src))
        shape = self.shape_of(yh, n)            # (D, 1, H) or (1, D, H)
        return yh, _Act(shape, 1 if layout == 0 else 0, (H,))


# Unary ops: name -> function(node, attrs, importer) -> ctinfer spelling ("" = nothing).
def _clip(n, a, imp):
    lo, hi = a.get("min"), a.get("max")
    if len(n.input) > 1 and n.input[1]:
        lo = float(imp.const(n, 1, "min"))
    if len(n.input) > 2 and n.input[2]:
        hi = float(imp.const(n, 2, "max"))
    lo = None if lo is not None and lo <= -3.4e38 else lo
    hi = None if hi is not None and hi >= 3.4e38 else hi
    if lo is None and hi is None:
        return ""                       # no bounds: the identity
    if lo == 0.0 and hi == 6.0:
        return "ReLU6"
    if lo == 0.0 and hi is None:
        return "ReLU"
    _fail(n, f"Clip({lo}, {hi}); ctinfer has ReLU (min 0) and ReLU6 (min 0, max 6)")


def _hard_sigmoid(n, a, imp):
    if np.float32(a.get("alpha", 0.2)) == np.float32(1 / 6) and np.float32(a.get("beta", 0.5)) == np.float32(0.5):
        return "HardSigmoid"
    _fail(n, f"alpha={a.get('alpha', 0.2)}, beta={a.get('beta', 0.5)}; ctinfer's HardSigmoid is "
          f"PyTorch's (alpha 1/6, beta 0.5)")


def _selu(n, a, imp):
    if np.float32(a.get("alpha", 1.67326319217681884765625)) == np.float32(1.6732632423543772) and \
       np.float32(a.get("gamma", 1.05070102214813232421875)) == np.float32(1.0507009873554805):
        return "SELU"
    _fail(n, "alpha/gamma differ from PyTorch's SELU constants")


def _with(name, default, key):
    def f(n, a, imp):
        v = a.get(key, default)
        if np.float32(v) == np.float32(default):
            return name
        return f"{name}::with<{_ratio(v, key, n)}>"
    return f


def _gelu(n, a, imp):
    approx = a.get("approximate", b"none")
    approx = approx.decode() if isinstance(approx, bytes) else approx
    return "GELU::tanh" if approx == "tanh" else "GELU"


_UNARY = {
    "Relu": lambda n, a, i: "ReLU",
    "Sigmoid": lambda n, a, i: "Sigmoid",
    "Tanh": lambda n, a, i: "Tanh",
    "Softsign": lambda n, a, i: "Softsign",
    "Softplus": lambda n, a, i: "Softplus",
    "HardSwish": lambda n, a, i: "HardSwish",
    "Mish": lambda n, a, i: "Mish",
    "Gelu": _gelu,
    "Clip": _clip,
    "HardSigmoid": _hard_sigmoid,
    "Selu": _selu,
    "LeakyRelu": _with("LeakyReLU", 0.01, "alpha"),
    "Elu": _with("ELU", 1.0, "alpha"),
    "Celu": _with("CELU", 1.0, "alpha"),
    # pseudo-ops made by _fuse_patterns
    "ctinfer.SiLU": lambda n, a, i: "SiLU",
    "ctinfer.Mish": lambda n, a, i: "Mish",
    "ctinfer.HardSwish": lambda n, a, i: "HardSwish",
    "ctinfer.GELU": lambda n, a, i: "GELU",
    "ctinfer.GELU_tanh": lambda n, a, i: "GELU::tanh",
}


# ------------------------------------------------------------------------ decomposed patterns

def _fuse_patterns(graph):
    """Replace decomposed activations by one pseudo-node each, so the walk sees a chain."""
    values = graph.values
    prod = {o: n for n in graph.nodes for o in n.output}
    cons = {}
    for n in graph.nodes:
        for i in n.input:
            cons.setdefault(i, []).append(n)

    def scalar(name, want):
        v = values.get(name)
        return v is not None and v.size == 1 and abs(float(v.reshape(-1)[0]) - want) <= 1e-6 * abs(want)

    def only(name):
        c = cons.get(name, [])
        return c[0] if len(c) == 1 else None

    remove, add = set(), []
    for mul in graph.nodes:
        if mul.op_type != "Mul" or len(mul.input) != 2 or id(mul) in remove:
            continue
        for x, fx in (mul.input, mul.input[::-1]):
            f = prod.get(fx)
            if f is None or x in values:
                continue
            # SiLU: x * Sigmoid(x); HardSwish: x * HardSigmoid(x) (PyTorch's alpha);
            # Mish: x * Tanh(Softplus(x)).
            if f.op_type == "Sigmoid" and f.input[0] == x and only(fx) is mul:
                kind, dead = "ctinfer.SiLU", [f]
            elif f.op_type == "HardSigmoid" and f.input[0] == x and only(fx) is mul:
                a = _attrs(f)
                if not (np.float32(a.get("alpha", 0.2)) == np.float32(1 / 6) and np.float32(a.get("beta", 0.5)) == np.float32(0.5)):
                    continue
                kind, dead = "ctinfer.HardSwish", [f]
            elif f.op_type == "Tanh" and only(fx) is mul and prod.get(f.input[0]) is not None \
                    and prod[f.input[0]].op_type == "Softplus" and prod[f.input[0]].input[0] == x \
                    and only(f.input[0]) is f:
                kind, dead = "ctinfer.Mish", [f, prod[f.input[0]]]
            else:
                continue
            remove.update(id(d) for d in dead + [mul])
            add.append((mul, helper.make_node(kind, [x], [mul.output[0]], name=mul.name)))
            break
    # Softsign as torch exports it: x / (1 + Abs(x)).
    for div in graph.nodes:
        if div.op_type != "Div" or len(div.input) != 2 or id(div) in remove:
            continue
        x, den = div.input
        plus = prod.get(den)
        if x in values or plus is None or plus.op_type != "Add" or len(plus.input) != 2 or only(den) is not div:
            continue
        others = [i for i in plus.input if not scalar(i, 1.0)]
        ab = prod.get(others[0]) if len(others) == 1 else None
        if ab is None or ab.op_type != "Abs" or ab.input[0] != x or only(others[0]) is not plus:
            continue
        remove.update({id(ab), id(plus), id(div)})
        add.append((div, helper.make_node("Softsign", [x], [div.output[0]], name=div.name)))
    # GELU's tanh form as exported before opset 20:
    # 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x * (x * x)))), each product one Mul.
    def scaled(node, c):
        """The activation input of Mul(node) by the scalar c, or None."""
        if node is None or node.op_type != "Mul" or len(node.input) != 2:
            return None
        a, b = node.input
        if scalar(a, c) and b not in values:
            return b
        if scalar(b, c) and a not in values:
            return a
        return None

    for th in graph.nodes:
        if th.op_type != "Tanh" or id(th) in remove:
            continue
        inner = prod.get(th.input[0])
        s_name = scaled(inner, math.sqrt(2 / math.pi))
        plus = prod.get(s_name) if s_name else None
        if plus is None or plus.op_type != "Add" or len(plus.input) != 2:
            continue
        for x, cube_term in (plus.input, plus.input[::-1]):
            m_c = prod.get(cube_term)
            cube = scaled(m_c, 0.044715)
            m_cube = prod.get(cube) if cube else None
            if m_cube is None or m_cube.op_type != "Mul" or x not in m_cube.input:
                continue
            sq_name = [i for i in m_cube.input if i != x]
            sq = prod.get(sq_name[0]) if sq_name else None
            if sq is None or sq.op_type != "Mul" or list(sq.input) != [x, x]:
                continue
            one_plus = only(th.output[0])
            if one_plus is None or one_plus.op_type != "Add" or not any(scalar(i, 1.0) for i in one_plus.input):
                continue
            times_x = only(one_plus.output[0])
            if times_x is None or times_x.op_type != "Mul" or x not in times_x.input:
                continue
            half = only(times_x.output[0])
            if scaled(half, 0.5) != times_x.output[0]:
                continue
            chain = [sq, m_cube, m_c, plus, inner, th, one_plus, times_x, half]
            if any(only(n.output[0]) is None for n in chain[:-1] if n is not sq) or \
                    len(cons.get(sq.output[0], [])) != 1:
                continue
            remove.update(id(n) for n in chain)
            add.append((half, helper.make_node("ctinfer.GELU_tanh", [x], [half.output[0]], name=half.name)))
            break
    # GELU (erf form): x -> Div(x, sqrt 2) | Mul(x, 1/sqrt 2) -> Erf -> Add(1) -> Mul(x, .) -> Mul(0.5)
    for erf in graph.nodes:
        if erf.op_type != "Erf":
            continue
        d = prod.get(erf.input[0])
        if d is None or len(d.input) != 2:
            continue
        if d.op_type == "Div" and scalar(d.input[1], math.sqrt(2)):
            x = d.input[0]
        elif d.op_type == "Mul" and (scalar(d.input[1], 1 / math.sqrt(2)) or scalar(d.input[0], 1 / math.sqrt(2))):
            x = d.input[0] if d.input[0] not in values else d.input[1]
        else:
            continue
        add1 = only(erf.output[0])
        if add1 is None or add1.op_type != "Add" or not any(scalar(i, 1.0) for i in add1.input):
            continue
        m1 = only(add1.output[0])
        if m1 is None or m1.op_type != "Mul":
            continue
        other = [i for i in m1.input if i != add1.output[0]]
        m2 = only(m1.output[0])
        if other == [x] and m2 is not None and m2.op_type == "Mul" and any(scalar(i, 0.5) for i in m2.input):
            last, chain = m2, [d, erf, add1, m1, m2]
        elif other and prod.get(other[0]) is not None and prod[other[0]].op_type == "Mul" \
                and x in prod[other[0]].input and any(scalar(i, 0.5) for i in prod[other[0]].input):
            last, chain = m1, [d, erf, add1, m1, prod[other[0]]]     # (0.5 * x) * (1 + erf)
        else:
            continue
        remove.update(id(c) for c in chain)
        add.append((last, helper.make_node("ctinfer.GELU", [x], [last.output[0]], name=last.name)))
    if not add:
        return
    new = []
    placed = {id(old): rep for old, rep in add}
    for n in graph.nodes:
        if id(n) in placed:
            new.append(placed[id(n)])
        elif id(n) not in remove:
            new.append(n)
    graph.nodes = new


def load_onnx(path, input_shape=None):
    try:
        model = onnx.load(path)
    except FileNotFoundError:
        raise ConversionError(f"{path}: no such file")
    except Exception as e:
        raise ConversionError(f"{path}: not a readable ONNX model ({type(e).__name__}: {e})")
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        raise ConversionError(f"{path}: the ONNX checker refuses it: {str(e).strip().splitlines()[0]}")
    g = _Graph(model, input_shape)
    _fuse_patterns(g)
    imp = _Importer(g)
    m = imp.run()
    m.source = path
    return m
