#!/usr/bin/python3
"""PyTorch reference data for ctinfer's numerical tests, written as C++ headers.

What it generates
-----------------
One header per group in the output directory, all in ``namespace ctinfer_fixtures``:

  activations.hpp  every activation layer (elementwise ones on a (67,) input mixing uniform
                   [-8, 8] values with 0, -0, tiny and large magnitudes; Softmax/LogSoftmax on
                   (67,) and (5, 13); PReLU per channel on (6, 11))
  dense.hpp        torch.nn.Linear of several sizes, with and without bias, on rank-1/2/3 inputs
  mlp.hpp          small torch.nn.Sequential nets (Linear + activations, Flatten, PReLU)
  conv.hpp         torch.nn.Conv1d/Conv2d (padding, 'same', stride, dilation, groups,
                   depthwise, 1x1, no bias, asymmetric ZeroPad2d), Max/AvgPool1d/2d (padding,
                   ceil_mode, count_include_pad, dilation), global (adaptive, output 1) pools,
                   BatchNorm1d/2d in eval mode, and small CNNs (torch.nn.Sequential)
  blocks.hpp       nets with blocks: ResNet basic blocks (identity and 1x1-conv shortcuts),
                   MobileNetV2 inverted residuals, an inception-style Concat, a WaveNet-style
                   GLU/GatedTanh net, and dense Residual/GLU/Concat nets. Besides torch.nn
                   layers they use this script's small torch.nn.Module classes
                   Residual(body, shortcut=None) = shortcut(x) (or x) + body(x),
                   Concat(*branches) = the branches' outputs concatenated along the channel axis
                   (dim 1 batched; an empty torch.nn.Sequential() branch is the identity) and
                   GatedTanh() = tanh(first half of the channels) * sigmoid(second half)
  resize.hpp       torch.nn.ConvTranspose1d/ConvTranspose2d (stride, padding, output_padding,
                   rectangular kernels, dilation, groups, no bias), nearest torch.nn.Upsample
                   (1d/2d, integer and per-axis scale factors), ZeroPad2d/ConstantPad1d (zero,
                   asymmetric), a pad + conv net and a small U-Net-style encoder/decoder
  recurrent.hpp    torch.nn.LSTM and torch.nn.GRU, always batch_first=True so the unbatched input
                   is (T, F) and the output (T, H) (all T steps): hidden sizes 1 to 64, no bias,
                   two layers (num_layers=2 and two stacked modules), bidirectional (T, 2H),
                   a learned initial state, a last-step Linear head and a per-step Linear,
                   10,000-step sequences (expectations at checkpoints only, see
                   NAME_checkpoint_stride), and causal nets on (C, L) inputs: a dilated TCN, a
                   WaveNet-style gated residual stack, a causal-conv + GRU amp model, and an
                   RTNeural-style LSTM + Linear amp model on a (T, 1) input. Besides torch.nn
                   layers (and the blocks group's Residual and GatedTanh) they use this script's
                   small torch.nn.Module classes
                   SeqOut(rnn) = rnn(x)[0], the output sequence (torch.nn.LSTM/GRU return a
                   tuple (output, final states)); its params are the rnn's,
                   InitialState(rnn) = rnn(x, (h0, c0))[0] (GRU: rnn(x, h0)[0]) for a one-layer
                   one-direction rnn, with learned h0 (H,) (and c0 (H,)) expanded to
                   (1, batch, H), held by a child module registered after the rnn so that
                   state_dict order is the rnn's tensors, then h0, then c0,
                   LastStep() = x[:, -1] (the last time step, batched),
                   Transpose() = x.transpose(1, 2) (batched: swaps the two unbatched axes, e.g.
                   a (C, L) conv output into an (L, C) sequence) and
                   CausalConv1d(c_in, c_out, k, dilation=1) = torch.nn.Conv1d(c_in, c_out, k,
                   dilation=dilation) on torch.nn.functional.pad(x, ((k - 1) * dilation, 0))
                   (left zero padding only); its params are the inner conv's, conv.weight then
                   conv.bias. Each case's comment also names the equivalent ctinfer model

For every case NAME a header holds

  inline constexpr double NAME_input[];         the input, float32 values
  inline constexpr double NAME_params[];        only if the module has parameters: every
                                                parameter tensor in state_dict order, each
                                                flattened in PyTorch's memory layout (Linear:
                                                weight[out][in] then bias; PReLU: weight;
                                                Conv1d/Conv2d: weight[out][in/groups][k] or
                                                [out][in/groups][kh][kw], then bias if any;
                                                ConvTranspose1d/ConvTranspose2d: weight
                                                [in][out/groups][k] or [in][out/groups][kh][kw]
                                                (in first), then bias if any;
                                                BatchNorm1d/2d: weight, bias, running_mean,
                                                running_var -- its num_batches_tracked buffer is
                                                left out; LSTM: weight_ih[4H][F],
                                                weight_hh[4H][H], bias_ih[4H], bias_hh[4H] with
                                                the rows in gate order i, f, g, o; GRU:
                                                weight_ih[3H][F], weight_hh[3H][H], bias_ih[3H],
                                                bias_hh[3H] with the rows in gate order r, z, n;
                                                no bias: the two weights only; num_layers=2:
                                                layer 0's tensors (*_l0), then layer 1's (*_l1);
                                                bidirectional: the forward direction's tensors,
                                                then the reverse direction's (*_l0_reverse);
                                                InitialState: the rnn's tensors, then h0[H],
                                                then (LSTM) c0[H]); float32 values. This is what
                                                ctinfer::load_flat takes. In blocks.hpp and
                                                recurrent.hpp the modules are built so that
                                                state_dict order is the order the layers are
                                                written, depth-first: a Residual's body before
                                                its shortcut, a Concat's branches in order (the
                                                order ctinfer's blocks read their parameters)
  inline constexpr std::size_t NAME_param_count;  only if the module has parameters
  inline constexpr double NAME_expected_f64[];  PyTorch's output with module.double() on
                                                input.double() (the exact same values, widened)
  inline constexpr double NAME_expected_f32[];  PyTorch's own float32 computation, widened to
                                                double exactly
  inline constexpr std::size_t NAME_checkpoint_stride;  only for recurrent.hpp's 10,000-step
                                                sequences (before the expectations): the two
                                                expectations then hold only the output rows
                                                t = stride - 1, 2 * stride - 1, ... (every
                                                stride-th step, all of its values), not all T

All numbers are C99 hexadecimal floating literals (from float.hex()), so they round-trip exactly;
inputs and params are exactly representable as float32. A comment above each case states the
PyTorch module expression and the input/output shapes WITHOUT the batch axis (channels-first, as
in ctinfer); in blocks.hpp and recurrent.hpp the expression is laid out one layer a line and is
the exact text that was evaluated. PyTorch is run with a batch axis of 1 added, which is then
stripped.

The float32 expectations are PyTorch's float32 arithmetic (its own vectorised kernels, its own
summation order and its own exp/tanh/erf approximations), not a correctly rounded result:
tests should compare the library's float path against NAME_expected_f32 (and/or
NAME_expected_f64) with a tolerance, and the library's double path against NAME_expected_f64
with a tight tolerance. Signed zeros in the expectations are whatever PyTorch produced; compare
numerically. Over recurrent.hpp's 10,000-step sequences the float32 recurrence may drift from the
float64 one; its checkpoints show how far.

How to run
----------
From the repository root, with Debian's Python (it has torch and numpy):

    /usr/bin/python3 tests/reference/make_fixtures.py tests/fixtures

It is deterministic (CPU only, one thread, every case seeded from its own name) and rewrites
byte-identical files on the same machine and torch version. The generated headers are committed;
do not edit them by hand, change this script and rerun it instead.
"""

import copy
import math
import os
import re
import sys
import warnings
import zlib

import torch

SCRIPT = "tests/reference/make_fixtures.py"
VALUES_PER_LINE = 4


# ----------------------------------------------------------------------------- formatting

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


# ----------------------------------------------------------------------------- cases

def seed_for(name):
    return zlib.crc32(name.encode("ascii")) & 0x7FFFFFFF


def make_module(expr):
    """Build a module from its expression text, so the header comment is exactly what ran.
    Besides torch, the expression may use this script's block modules (Residual, Concat,
    GatedTanh; see the blocks group) and recurrent modules (SeqOut, InitialState, LastStep,
    Transpose, CausalConv1d; see the recurrent group)."""
    scope = {"torch": torch, "Residual": Residual, "Concat": Concat, "GatedTanh": GatedTanh,
             "SeqOut": SeqOut, "InitialState": InitialState, "LastStep": LastStep,
             "Transpose": Transpose, "CausalConv1d": CausalConv1d}
    return eval(expr, scope)  # noqa: S307 (trusted, local constant strings)


def flat_params(module):
    """state_dict entries in order, minus BatchNorm's integer num_batches_tracked counter (unused
    in eval mode). BatchNorm's running_mean/running_var buffers are kept: they are parameters of
    inference, after its weight and bias."""
    tensors = []
    for key, t in module.state_dict().items():
        if key.endswith("num_batches_tracked"):
            continue
        tensors.append((key, t))
    return tensors


class Case:
    def __init__(self, name, expr, x, module, note=None, params_heading=None,
                 checkpoint_stride=None):
        self.name = name
        self.expr = expr
        self.x = x            # float32 tensor, unbatched
        self.module = module  # float32 module, parameters already set
        self.note = note
        # None: one line "params (state_dict order): ..."; else this heading, then the list
        # wrapped over several comment lines
        self.params_heading = params_heading
        # None: the expectations are the whole output; else only its rows (axis 0)
        # stride - 1, 2 * stride - 1, ... (the long sequences of the recurrent group)
        self.checkpoint_stride = checkpoint_stride

    def run(self):
        torch.set_num_threads(1)
        m32 = self.module.float().eval()
        m64 = copy.deepcopy(m32).double().eval()
        xb = self.x.unsqueeze(0)  # batch axis of 1
        with torch.no_grad():
            y32 = m32(xb)
            y64 = m64(xb.double())
        assert y32.dtype == torch.float32 and y64.dtype == torch.float64
        assert y32.shape[0] == 1 and y64.shape == y32.shape
        y32, y64 = y32[0].contiguous(), y64[0].contiguous()
        for t in (y32, y64):
            if not torch.isfinite(t).all():
                raise ValueError(f"{self.name}: non-finite output")
        params = flat_params(m32)
        return y32, y64, params

    def emit(self):
        y32, y64, params = self.run()
        out = []
        if "\n" in self.expr:  # already laid out (blocks group): the comment is the text
            lines = self.expr.split("\n")
            out.append(f"// {self.name}: {lines[0]}")
            out.extend(f"// {line}" for line in lines[1:])
        elif self.expr.startswith("torch.nn.Sequential("):
            layers = self.expr[len("torch.nn.Sequential("):-1].split(", torch.nn.")
            out.append(f"// {self.name}: torch.nn.Sequential(")
            for i, layer in enumerate(layers):
                layer = layer if i == 0 else "torch.nn." + layer
                out.append(f"//     {layer}" + ("," if i + 1 < len(layers) else ")"))
        else:
            out.append(f"// {self.name}: {self.expr}")
        r = repr(self.module)
        if "\n" not in r and "torch.nn." + r != self.expr:
            out.append(f"//   = torch.nn.{r}")
        out.append(f"//   input {shape_str(self.x.shape)} -> output {shape_str(y32.shape)}"
                   " (no batch axis; PyTorch ran on a batch of 1)")
        if self.note:
            for line in self.note.split("\n"):
                out.append(f"//   {line}")
        if params and self.params_heading is None:
            desc = ", ".join(f"{k} {shape_str(t.shape)}" for k, t in params)
            out.append(f"//   params (state_dict order): {desc}")
        elif params:
            out.append(f"//   {self.params_heading}")
            items = [f"{k} {shape_str(t.shape)}" for k, t in params]
            line = "//    "
            for i, item in enumerate(items):
                item += "," if i + 1 < len(items) else ""
                if len(line) + 1 + len(item) > 100 and line != "//    ":
                    out.append(line)
                    line = "//    "
                line += " " + item
            out.append(line)
        out.append(array_decl(f"{self.name}_input", self.x.reshape(-1).tolist()))
        if params:
            flat = []
            for _, t in params:
                assert t.dtype == torch.float32
                flat.extend(t.contiguous().reshape(-1).tolist())
            out.append(array_decl(f"{self.name}_params", flat))
            out.append(f"inline constexpr std::size_t {self.name}_param_count = {len(flat)};")
        out_shape = shape_str(y32.shape)
        if self.checkpoint_stride is not None:
            s = self.checkpoint_stride
            assert y32.shape[0] % s == 0
            y32, y64 = y32[s - 1::s].contiguous(), y64[s - 1::s].contiguous()
            out.append(f"// checkpoints: {self.name}_expected_f64 / _f32 hold only rows"
                       f" t = k * stride - 1, k = 1, 2, ...")
            out.append(f"// (t = {s - 1}, {2 * s - 1}, ..., {y32.shape[0] * s - 1}) of the"
                       f" {out_shape} output: {shape_str(y32.shape)} values, row-major")
            out.append(f"inline constexpr std::size_t {self.name}_checkpoint_stride = {s};")
        out.append(array_decl(f"{self.name}_expected_f64", y64.reshape(-1).tolist()))
        out.append(array_decl(f"{self.name}_expected_f32", y32.reshape(-1).tolist()))
        self.summary = (self.name, shape_str(self.x.shape), out_shape,
                        sum(t.numel() for _, t in params))
        return "\n".join(out)


def new_case(name, expr, input_fn, setup=None, note=None, params_heading=None,
             checkpoint_stride=None):
    """Seed from the name, build the module (default init), then optional setup, then input."""
    torch.manual_seed(seed_for(name))
    module = make_module(expr)
    if setup is not None:
        with torch.no_grad():
            setup(module)
    x = input_fn().to(torch.float32).contiguous()
    return Case(name, expr, x, module, note, params_heading, checkpoint_stride)


def uniform(shape, lo, hi):
    return (torch.rand(shape, dtype=torch.float32) * (hi - lo) + lo).to(torch.float32)


def activation_input():
    """(67,): uniform [-8, 8] mixed with 0, -0, tiny and large magnitudes, shuffled."""
    special = [0.0, -0.0, 1e-6, -1e-6, 1e-30, -1e-30,
               20.0, -20.0, 50.0, -50.0, 100.0, -100.0, 1000.0, -1000.0]
    n = 67
    g = torch.Generator().manual_seed(seed_for("activation_input"))
    u = torch.rand(n - len(special), generator=g, dtype=torch.float32) * 16.0 - 8.0
    vals = torch.cat([torch.tensor(special, dtype=torch.float32), u])
    perm = torch.randperm(n, generator=g)
    return vals[perm].contiguous()


def set_prelu(module):
    """Random slopes around 0.3 (distinct per channel), instead of the constant 0.25 init."""
    for m in module.modules():
        if isinstance(m, torch.nn.PReLU):
            w = 0.3 + 0.2 * torch.randn(m.weight.shape, dtype=torch.float32)
            m.weight.copy_(w.to(torch.float32))


PRELU_NOTE = "PReLU weight set to 0.3 + 0.2 * randn (float32), not PyTorch's 0.25 init"


def set_batchnorm(module):
    """Non-trivial eval statistics for every BatchNorm, drawn in state_dict order."""
    for m in module.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.weight.copy_(uniform(m.weight.shape, 0.5, 1.5))
            m.bias.copy_(uniform(m.bias.shape, -0.5, 0.5))
            m.running_mean.copy_(uniform(m.running_mean.shape, -1.0, 1.0))
            m.running_var.copy_(uniform(m.running_var.shape, 0.5, 2.0))


BATCHNORM_NOTE = ("BatchNorm in eval mode: y = (x - running_mean) / sqrt(running_var + eps)"
                  " * weight + bias\n"
                  "per channel (axis 0 unbatched); weight uniform [0.5, 1.5], bias uniform"
                  " [-0.5, 0.5],\n"
                  "running_mean uniform [-1, 1], running_var uniform [0.5, 2] (float32)")


def activation_cases():
    elementwise = [
        ("act_identity", "torch.nn.Identity()"),
        ("act_relu", "torch.nn.ReLU()"),
        ("act_relu6", "torch.nn.ReLU6()"),
        ("act_leaky_relu", "torch.nn.LeakyReLU()"),
        ("act_leaky_relu_0_2", "torch.nn.LeakyReLU(negative_slope=0.2)"),
        ("act_prelu", "torch.nn.PReLU()"),
        ("act_elu", "torch.nn.ELU()"),
        ("act_elu_alpha_0_5", "torch.nn.ELU(alpha=0.5)"),
        ("act_selu", "torch.nn.SELU()"),
        ("act_celu", "torch.nn.CELU()"),
        ("act_celu_alpha_2", "torch.nn.CELU(alpha=2.0)"),
        ("act_gelu", "torch.nn.GELU()"),
        ("act_gelu_tanh", "torch.nn.GELU(approximate='tanh')"),
        ("act_sigmoid", "torch.nn.Sigmoid()"),
        ("act_hardsigmoid", "torch.nn.Hardsigmoid()"),
        ("act_tanh", "torch.nn.Tanh()"),
        ("act_silu", "torch.nn.SiLU()"),
        ("act_mish", "torch.nn.Mish()"),
        ("act_hardswish", "torch.nn.Hardswish()"),
        ("act_softplus", "torch.nn.Softplus()"),
        ("act_softplus_beta2_thr10", "torch.nn.Softplus(beta=2, threshold=10)"),
        ("act_softsign", "torch.nn.Softsign()"),
    ]
    cases = []
    for name, expr in elementwise:
        prelu = "PReLU" in expr
        cases.append(new_case(name, expr, activation_input,
                              setup=set_prelu if prelu else None,
                              note=PRELU_NOTE if prelu else None))
    for name, expr in [("act_softmax", "torch.nn.Softmax(dim=-1)"),
                       ("act_log_softmax", "torch.nn.LogSoftmax(dim=-1)")]:
        cases.append(new_case(name, expr, lambda: uniform((67,), -10.0, 10.0)))
        cases.append(new_case(name + "_5x13", expr, lambda: uniform((5, 13), -10.0, 10.0),
                              note="over the last axis: each of the 5 rows of 13 separately"))
    cases.append(new_case(
        "act_prelu_per_channel", "torch.nn.PReLU(num_parameters=6)",
        lambda: uniform((6, 11), -8.0, 8.0), setup=set_prelu,
        note=PRELU_NOTE + "\nchannel = first axis of the unbatched (6, 11):\n"
             "y[c][i] = x[c][i] >= 0 ? x[c][i] : weight[c] * x[c][i]"))
    return cases


def dense_cases():
    specs = [
        ("dense_1_1", "torch.nn.Linear(1, 1)", (1,)),
        ("dense_7_13", "torch.nn.Linear(7, 13)", (7,)),
        ("dense_16_32", "torch.nn.Linear(16, 32)", (16,)),
        ("dense_33_17", "torch.nn.Linear(33, 17)", (33,)),
        ("dense_128_5", "torch.nn.Linear(128, 5)", (128,)),
        ("dense_3_64", "torch.nn.Linear(3, 64)", (3,)),
        ("dense_rank2_5x7_13", "torch.nn.Linear(7, 13)", (5, 7)),
        ("dense_rank3_2x3x9_4", "torch.nn.Linear(9, 4)", (2, 3, 9)),
        ("dense_7_13_nobias", "torch.nn.Linear(7, 13, bias=False)", (7,)),
    ]
    cases = []
    for name, expr, shape in specs:
        note = "PyTorch default init (seeded); input uniform [-2, 2]"
        if len(shape) > 1:
            note += "; Linear acts on the last axis"
        cases.append(new_case(name, expr, lambda shape=shape: uniform(shape, -2.0, 2.0),
                              note=note))
    return cases


def seq(*layers):
    return "torch.nn.Sequential(" + ", ".join("torch.nn." + l for l in layers) + ")"


def mlp_cases():
    specs = [
        ("mlp_a_relu",
         seq("Linear(16, 32)", "ReLU()", "Linear(32, 16)", "ReLU()"), (16,), None),
        ("mlp_b_tanh_gelu_softmax",
         seq("Linear(10, 20)", "Tanh()", "Linear(20, 20)", "GELU()", "Linear(20, 3)",
             "Softmax(dim=-1)"), (10,), None),
        ("mlp_c_leaky_sigmoid_logsoftmax",
         seq("Linear(9, 11)", "LeakyReLU(0.1)", "Linear(11, 11, bias=False)", "Sigmoid()",
             "Linear(11, 4)", "LogSoftmax(dim=-1)"), (9,), None),
        ("mlp_d_flatten_silu",
         seq("Flatten()", "Linear(24, 8)", "SiLU()", "Linear(8, 2)"), (4, 6),
         "Flatten() ran on the batched (1, 4, 6): flattens all 24 values of the\n"
         "unbatched input, row-major"),
        ("mlp_e_seq_elu_mish",
         seq("Linear(10, 12)", "ELU()", "Linear(12, 7)", "Mish()"), (6, 10),
         "sequence input: every Linear acts on the last axis (a GEMM with 6 rows)"),
        ("mlp_f_prelu",
         seq("Linear(5, 8)", "PReLU(8)", "Linear(8, 3)"), (5,),
         PRELU_NOTE + "\nPReLU channel axis = the 8 features"),
        ("mlp_g_reshape_softmax",
         seq("Linear(12, 12)", "Hardswish()", "Unflatten(1, (3, 4))", "Linear(4, 5)",
             "Softmax(dim=-1)"), (12,),
         "Unflatten(1, (3, 4)) on the batched (1, 12) is ci::Reshape<ci::Shape<3, 4>>; the\n"
         "second Linear and the Softmax then act on each of the 3 rows"),
    ]
    cases = []
    for name, expr, shape, note in specs:
        prelu = "PReLU" in expr
        base = "PyTorch default init (seeded); input uniform [-2, 2]\n"
        base += "params = all layers' tensors in order (what load_flat of the whole model takes)"
        cases.append(new_case(name, expr, lambda shape=shape: uniform(shape, -2.0, 2.0),
                              setup=set_prelu if prelu else None,
                              note=base + ("\n" + note if note else "")))
    return cases


CONV_LAYOUT_NOTE = "Conv weight is [out][in/groups][kh][kw] (Conv1d: [out][in/groups][k])"


def conv_cases():
    P, S = "torch.nn.", seq  # single layer: P + "Conv2d(...)"; net: S("Conv2d(...)", ...)
    specs = [
        # --- Conv2d
        ("conv2d_basic", P + "Conv2d(3, 8, 3)", (3, 9, 11), None),
        ("conv2d_pad", P + "Conv2d(4, 16, 3, padding=1)", (4, 8, 8), None),
        ("conv2d_stride2_pad", P + "Conv2d(5, 12, 3, stride=2, padding=1)", (5, 13, 10), None),
        ("conv2d_rect", P + "Conv2d(3, 7, (2, 5), stride=(1, 2), padding=(1, 2))", (3, 7, 12),
         "(kh, kw) = (2, 5), stride (h, w) = (1, 2), padding (h, w) = (1, 2)"),
        ("conv2d_dilation", P + "Conv2d(4, 9, 3, dilation=2, padding=2)", (4, 11, 9), None),
        ("conv2d_groups", P + "Conv2d(6, 9, 3, groups=3, padding=1)", (6, 7, 7),
         "groups=3: output channels [3g, 3g+3) read input channels [2g, 2g+2)"),
        ("conv2d_depthwise", P + "Conv2d(16, 16, 3, groups=16, padding=1)", (16, 10, 9), None),
        ("conv2d_depthwise_s2", P + "Conv2d(20, 20, 3, groups=20, stride=2, padding=1)",
         (20, 9, 9), None),
        ("conv2d_depth_mult", P + "Conv2d(4, 8, 3, groups=4)", (4, 6, 6),
         "depthwise with multiplier 2: output channel o reads input channel o / 2"),
        ("conv2d_1x1", P + "Conv2d(24, 40, 1)", (24, 5, 7), None),
        ("conv2d_1x1_nobias", P + "Conv2d(17, 33, 1, bias=False)", (17, 4, 3), None),
        ("conv2d_asym_pads", S("ZeroPad2d((1, 2, 0, 1))", "Conv2d(3, 5, 3)"), (3, 6, 7),
         "ZeroPad2d's tuple is (left, right, top, bottom): W padded 1 left / 2 right,\n"
         "H 0 top / 1 bottom; ZeroPad2d has no params, so params are the conv's"),
        ("conv2d_same", P + "Conv2d(3, 6, (3, 4), padding='same')", (3, 8, 9),
         "padding='same', stride 1: total pad = dilation * (k - 1), split as floor(total / 2)\n"
         "before and the rest after: H 1 top / 1 bottom, W 1 left / 2 right"),
        ("conv2d_same_dilated", P + "Conv2d(2, 4, 3, padding='same', dilation=2)", (2, 9, 8),
         "padding='same' with dilation 2: total pad 4 per axis, 2 before / 2 after"),
        ("conv2d_wide", P + "Conv2d(32, 32, 3, padding=1)", (32, 12, 12), None),
        ("conv2d_one_channel", P + "Conv2d(1, 8, 3, padding=1)", (1, 9, 30),
         "one input channel, rows of 28 interior positions (tiles of 10, 9 and 9)"),
        ("conv2d_rgb_pairs", P + "Conv2d(3, 16, 3, padding=1)", (3, 7, 20),
         "three input channels into two output vectors"),
        # --- Conv1d
        ("conv1d_basic", P + "Conv1d(4, 8, 3)", (4, 20), None),
        ("conv1d_stride_pad", P + "Conv1d(3, 10, 5, stride=2, padding=2)", (3, 31), None),
        ("conv1d_dilation", P + "Conv1d(6, 6, 3, dilation=4, padding=4)", (6, 25), None),
        ("conv1d_groups", P + "Conv1d(8, 4, 3, groups=4)", (8, 16),
         "groups=4: output channel o reads input channels [2o, 2o+2)"),
        ("conv1d_depthwise", P + "Conv1d(12, 12, 5, groups=12, padding=2)", (12, 19), None),
        ("conv1d_1x1_nobias", P + "Conv1d(9, 13, 1, bias=False)", (9, 10), None),
        ("conv1d_one_channel_dilated", P + "Conv1d(1, 4, 3, dilation=3, padding=3)", (1, 40),
         None),
        # --- pooling
        ("maxpool2d_2", P + "MaxPool2d(2)", (5, 8, 9),
         "stride defaults to kernel_size; the last column (W = 9) is not covered"),
        ("maxpool2d_3s2p1", P + "MaxPool2d(3, stride=2, padding=1)", (4, 9, 10),
         "padding counts as -infinity (never the max)"),
        ("maxpool2d_ceil", P + "MaxPool2d(3, stride=2, ceil_mode=True)", (3, 10, 10),
         "ceil_mode: out = ceil((in + 2 * pad - k) / stride) + 1, minus 1 if the last window\n"
         "would start in the right padding; windows past the end are clipped"),
        ("maxpool2d_dilation", P + "MaxPool2d(2, stride=1, dilation=2)", (2, 7, 7), None),
        ("avgpool2d_2", P + "AvgPool2d(2)", (5, 8, 9),
         "stride defaults to kernel_size; the last column (W = 9) is not covered"),
        ("avgpool2d_pad_include", P + "AvgPool2d(3, stride=2, padding=1)", (4, 9, 10),
         "count_include_pad=True (default): padding counts as 0 and in the divisor (always 9)"),
        ("avgpool2d_pad_exclude", P + "AvgPool2d(3, stride=2, padding=1, count_include_pad=False)",
         (4, 9, 10), "divisor = number of in-bounds elements of the window\n"
         "(PyTorch's repr above omits count_include_pad and ceil_mode)"),
        ("avgpool2d_ceil", P + "AvgPool2d(3, stride=2, ceil_mode=True)", (3, 10, 10),
         "ceil_mode: the last window is clipped at the end and divided by its clipped size\n"
         "(PyTorch's repr above omits count_include_pad and ceil_mode)"),
        ("avgpool2d_ceil_pad", P + "AvgPool2d(2, stride=2, padding=1, ceil_mode=True)", (2, 7, 8),
         "ceil_mode + padding (count_include_pad=True): the divisor is the window clipped to the\n"
         "padded extent [-pad, in + pad), then the sum is over the part inside [0, in); so the\n"
         "last W window (columns 7, 8) sums 1 element and divides by 2; the H count drops the\n"
         "window that would start in the bottom padding\n"
         "(PyTorch's repr above omits count_include_pad and ceil_mode)"),
        ("maxpool1d_3s2", P + "MaxPool1d(3, stride=2)", (6, 21), None),
        ("avgpool1d_4", P + "AvgPool1d(4)", (6, 21),
         "stride defaults to kernel_size; the last position (L = 21) is not covered"),
        ("avgpool1d_pad", P + "AvgPool1d(3, stride=1, padding=1)", (3, 10),
         "count_include_pad=True (default): the divisor is always 3"),
        ("globalavg2d", P + "AdaptiveAvgPool2d(1)", (7, 5, 6), "global average pool"),
        ("globalmax2d", P + "AdaptiveMaxPool2d(1)", (7, 5, 6), "global max pool"),
        ("globalavg1d", P + "AdaptiveAvgPool1d(1)", (7, 13), "global average pool"),
        # --- BatchNorm (eval)
        ("batchnorm2d", P + "BatchNorm2d(6)", (6, 4, 5), None),
        ("batchnorm2d_eps", P + "BatchNorm2d(3, eps=1e-3)", (3, 5, 5), None),
        ("batchnorm1d_seq", P + "BatchNorm1d(5)", (5, 12),
         "(C, L) input: channels = the 5 rows"),
        ("batchnorm1d_flat", P + "BatchNorm1d(10)", (10,),
         "(C,) input (batched (1, 10)): channels = the 10 features"),
        # --- small nets
        ("cnn_a",
         S("Conv2d(1, 8, 3, padding=1)", "BatchNorm2d(8)", "ReLU()", "MaxPool2d(2)",
           "Conv2d(8, 16, 3, padding=1)", "BatchNorm2d(16)", "ReLU()", "MaxPool2d(2)",
           "Flatten()", "Linear(64, 10)"), (1, 8, 8),
         "Flatten() ran on the batched (1, 16, 2, 2): channels-first, row-major"),
        ("cnn_b",
         S("Conv1d(2, 16, 5, padding=2)", "ReLU()", "Conv1d(16, 16, 3, groups=16, padding=1)",
           "BatchNorm1d(16)", "ReLU6()", "Conv1d(16, 32, 1)", "AvgPool1d(2)",
           "AdaptiveAvgPool1d(1)", "Flatten()", "Linear(32, 4)", "Softmax(dim=-1)"), (2, 24),
         "Flatten() ran on the batched (1, 32, 1); Softmax over the 4 outputs"),
        ("cnn_c",
         S("Conv2d(3, 24, 3, stride=2, padding=1, bias=False)", "BatchNorm2d(24)", "Hardswish()",
           "Conv2d(24, 24, 3, groups=24, padding=1, bias=False)", "BatchNorm2d(24)", "ReLU6()",
           "Conv2d(24, 40, 1)", "PReLU(40)", "AdaptiveMaxPool2d(1)", "Flatten()",
           "Linear(40, 5)"), (3, 15, 17),
         "PReLU channel axis = the 40 conv channels; Flatten() ran on the batched (1, 40, 1, 1)"),
        ("cnn_d_dense_bn",
         S("Linear(12, 20)", "BatchNorm1d(20)", "ReLU()", "Linear(20, 3)"), (12,),
         "BatchNorm1d on the batched (1, 20): channels = the 20 features"),
        ("cnn_e_conv_tail",
         S("Conv2d(2, 6, 3)", "ReLU()", "Conv2d(6, 5, 3, stride=2)"), (2, 9, 10),
         "the net ends in a conv (no Flatten/Linear)"),
        ("cnn_f_narrow",
         S("Conv2d(1, 6, 3, padding=1)", "ReLU()", "Conv2d(6, 8, 3, padding=1)", "ReLU()",
           "Conv2d(8, 3, 3, dilation=(1, 2), padding=(1, 2))"), (1, 7, 31),
         "convolutions of one output vector: 1 input channel, then 6 and 8 channels-last"),
        # One input channel into a channels-last output: several positions share a vector
        # (kernels/conv_interleaved-inl.h) where the outputs fill a fraction of it.
        ("cnn_g_one_channel_8",
         S("Conv2d(1, 8, 3, padding=1)", "ReLU()", "Conv2d(8, 3, 1)"), (1, 5, 29),
         "one input channel, 8 outputs; rows of 27 interior positions"),
        ("cnn_h_one_channel_4",
         S("Conv2d(1, 4, (3, 5), dilation=(1, 2), padding=(1, 4))", "ReLU6()", "Conv2d(4, 3, 1)"),
         (1, 6, 24), "one input channel, 4 outputs, a dilated 5-wide window"),
        ("cnn_k_one_channel_pads",
         S("ZeroPad2d((1, 2, 0, 1))", "Conv2d(1, 4, 3)", "ReLU()", "Conv2d(4, 2, 1)"), (1, 4, 11),
         "one input channel, 4 outputs, padding 1 left, 2 right, 1 below (ZeroPad2d's tuple is\n"
         "(left, right, top, bottom))"),
        ("cnn_i_one_channel_causal",
         S("ConstantPad1d((6, 0), 0.0)", "Conv1d(1, 8, 7)", "Tanh()", "Conv1d(8, 2, 1)"), (1, 50),
         "a causal Conv1d (ConstantPad1d's tuple is (left, right)) on a waveform"),
        ("cnn_j_one_channel_2",
         S("Conv1d(1, 2, 5, padding=2)", "ReLU()", "Conv1d(2, 3, 1)"), (1, 41),
         "one input channel, 2 outputs"),
    ]
    cases = []
    for name, expr, shape, note in specs:
        trained = "Conv" in expr or "Linear" in expr  # layers left at PyTorch's default init
        lines = [("PyTorch default init (seeded); " if trained else "") + "input uniform [-2, 2]"]
        if expr.startswith("torch.nn.Sequential("):
            lines.append("params = all layers' tensors in order (what load_flat of the whole"
                         " model takes)")
        if "Conv" in expr:
            lines.append(CONV_LAYOUT_NOTE)
        if "BatchNorm" in expr:
            lines.append(BATCHNORM_NOTE)
        if "PReLU" in expr:
            lines.append(PRELU_NOTE)
        if note:
            lines.append(note)

        def setup(m, bn="BatchNorm" in expr, prelu="PReLU" in expr):
            if bn:
                set_batchnorm(m)
            if prelu:
                set_prelu(m)

        cases.append(new_case(name, expr, lambda shape=shape: uniform(shape, -2.0, 2.0),
                              setup=setup, note="\n".join(lines)))
    return cases


# ----------------------------------------------------------------------------- blocks

class Residual(torch.nn.Module):
    """ci::Residual<Body> = x + body(x); ci::Residual<Body, Shortcut> = shortcut(x) + body(x).
    body is registered before shortcut, so state_dict order = written order."""

    def __init__(self, body, shortcut=None):
        super().__init__()
        self.body = body
        self.shortcut = shortcut  # None registers no submodule

    def forward(self, x):
        return (x if self.shortcut is None else self.shortcut(x)) + self.body(x)


class Concat(torch.nn.Module):
    """ci::Concat<Branch...>: every branch on the same input, outputs concatenated along the
    channel axis (dim 1 batched = axis 0 unbatched). Branches are registered in order."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = torch.nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], dim=1)


class GatedTanh(torch.nn.Module):
    """ci::GatedTanh (WaveNet gate): tanh(first half of the channels) * sigmoid(second half)."""

    def forward(self, x):
        assert x.shape[1] % 2 == 0
        a, b = x.chunk(2, dim=1)
        return torch.tanh(a) * torch.sigmoid(b)


# Case-table nodes for the blocks group; a leaf is a layer's text ("Conv2d(3, 8, 3)" for
# torch.nn.Conv2d(3, 8, 3); this script's GatedTanh() as is), a list is a torch.nn.Sequential.
class Res:
    def __init__(self, body, shortcut=None):
        self.body, self.shortcut = body, shortcut


class Cat:
    def __init__(self, *branches):
        self.branches = branches


LOCAL_MODULES = ("Residual(", "Concat(", "GatedTanh(",
                 # the recurrent group's (see there)
                 "SeqOut(", "InitialState(", "LastStep(", "Transpose(", "CausalConv1d(")


def layout(node, depth=0):
    """Python text of a node, one layer a line, indented 4 per level; lines after the first carry
    their indentation, the first is placed by the caller."""
    if isinstance(node, str):
        return [node if node.startswith(LOCAL_MODULES) else "torch.nn." + node]
    if isinstance(node, list):
        head, items = "torch.nn.Sequential(", [("", n) for n in node]
    elif isinstance(node, Res):
        head = "Residual("
        items = [("body=", node.body)] + ([("shortcut=", node.shortcut)] if node.shortcut
                                         is not None else [])
    else:
        head, items = "Concat(", [("", n) for n in node.branches]
    if not items:
        return [head + ")"]
    lines = [head]
    for i, (kw, child) in enumerate(items):
        sub = layout(child, depth + 1)
        sub[0] = "    " * (depth + 1) + kw + sub[0]
        sub[-1] += "," if i + 1 < len(items) else ")"
        lines.extend(sub)
    return lines


BLOCKS_ORDER_NOTE = ("params = every layer's tensors in the order the layers are written,"
                     " depth-first: a Residual's\n"
                     "body before its shortcut, a Concat's branches in order (this is the"
                     " state_dict order; what\n"
                     "load_flat of the whole model takes)")
BLOCKS_PARAMS_HEADING = "params (written order = state_dict order):"
BLOCK_NOTES = [
    ("Residual(", "Residual(body) = x + body(x), Residual(body, shortcut) = shortcut(x) + body(x)"
                  " (ci::Residual)"),
    ("Concat(", "Concat(b1, b2, ...) = torch.cat([b1(x), b2(x), ...], dim=1): the channel axis"
                " (axis 0 unbatched;\n"
                "ci::Concat); an empty torch.nn.Sequential() branch is the identity"),
    ("GLU(", "torch.nn.GLU = first half of the channels * sigmoid(second half) (ci::GLU)"),
    ("GatedTanh(", "GatedTanh() = tanh(first half of the channels) * sigmoid(second half)"
                   " (ci::GatedTanh)"),
]


def blocks_cases():
    bn_relu = lambda c, act="ReLU()": [f"BatchNorm2d({c})", act]  # noqa: E731
    specs = [
        ("res_basic",
         ["Conv2d(3, 8, 3, padding=1, bias=False)", *bn_relu(8),
          Res(["Conv2d(8, 8, 3, padding=1, bias=False)", *bn_relu(8),
               "Conv2d(8, 8, 3, padding=1, bias=False)", "BatchNorm2d(8)"]),
          "ReLU()",
          Res(["Conv2d(8, 16, 3, stride=2, padding=1, bias=False)", *bn_relu(16),
               "Conv2d(16, 16, 3, padding=1, bias=False)", "BatchNorm2d(16)"],
              ["Conv2d(8, 16, 1, stride=2, bias=False)", "BatchNorm2d(16)"]),
          "ReLU()", "AdaptiveAvgPool2d(1)", "Flatten()", "Linear(16, 10)"],
         (3, 16, 16),
         "ResNet basic blocks: identity shortcut, then a stride-2 block with a 1x1 conv + BN"
         " shortcut"),
        ("mbv2",
         ["Conv2d(3, 16, 3, stride=2, padding=1, bias=False)", *bn_relu(16, "ReLU6()"),
          Res(["Conv2d(16, 64, 1, bias=False)", *bn_relu(64, "ReLU6()"),
               "Conv2d(64, 64, 3, padding=1, groups=64, bias=False)", *bn_relu(64, "ReLU6()"),
               "Conv2d(64, 16, 1, bias=False)", "BatchNorm2d(16)"]),
          "Conv2d(16, 48, 1, bias=False)", *bn_relu(48, "ReLU6()"),
          "Conv2d(48, 48, 3, stride=2, padding=1, groups=48, bias=False)",
          *bn_relu(48, "ReLU6()"),
          "Conv2d(48, 24, 1, bias=False)", "BatchNorm2d(24)",
          Res(["Conv2d(24, 72, 1, bias=False)", *bn_relu(72, "ReLU6()"),
               "Conv2d(72, 72, 3, padding=1, groups=72, bias=False)", *bn_relu(72, "ReLU6()"),
               "Conv2d(72, 24, 1, bias=False)", "BatchNorm2d(24)"]),
          "Conv2d(24, 64, 1, bias=False)", *bn_relu(64, "ReLU6()"),
          "AdaptiveAvgPool2d(1)", "Flatten()", "Linear(64, 5)"],
         (3, 24, 24),
         "MobileNetV2 inverted residuals (expand 1x1, depthwise 3x3, project 1x1): a residual\n"
         "block, a stride-2 block without residual, a residual block"),
        ("concat_inception",
         [Cat(["Conv2d(6, 4, 1)"], ["Conv2d(6, 5, 3, padding=1)", "ReLU()"],
              ["MaxPool2d(3, stride=1, padding=1)"]),
          "Conv2d(15, 8, 1)", "ReLU()"],
         (6, 9, 9),
         "inception-style: branches give 4 + 5 + 6 = 15 channels (the MaxPool2d branch passes\n"
         "the 6 input channels through, padding = -infinity)"),
        ("glu_wavenet",
         ["Conv1d(4, 16, 3, padding=1)", "GLU(dim=1)",
          Res(["Conv1d(8, 12, 3, padding=2, dilation=2)", "GatedTanh()", "Conv1d(6, 8, 1)"]),
          "Conv1d(8, 2, 1)"],
         (4, 30),
         "GLU(dim=1) on the batched (1, 16, 30): 16 -> 8 channels; GatedTanh: 12 -> 6 channels"),
        ("res_dense",
         [Res(["Linear(16, 16)", "ReLU()", "Linear(16, 16)"]), "ReLU()", "Linear(16, 4)"],
         (16,), None),
        ("glu_dense",
         ["Linear(10, 10)", "GLU(dim=-1)", "Linear(5, 3)"],
         (10,),
         "GLU(dim=-1) on the batched (1, 10) is dim 1: the channel axis of the rank-1 input\n"
         "(its features), 10 -> 5"),
        ("concat_dense",
         [Cat(["Linear(7, 3)"], ["Linear(7, 4)", "Tanh()"], []), "Linear(14, 2)"],
         (7,),
         "branches give 3 + 4 + 7 = 14 features (the empty branch passes the input through)"),
    ]
    cases = []
    for name, tree, shape, note in specs:
        expr = "\n".join(layout(tree))
        lines = ["PyTorch default init (seeded); input uniform [-2, 2]", BLOCKS_ORDER_NOTE]
        lines.append("Residual, Concat and GatedTanh are torch.nn.Module classes of " + SCRIPT)
        lines += [text for key, text in BLOCK_NOTES if key in expr]
        if "Conv" in expr:
            lines.append(CONV_LAYOUT_NOTE)
        if "BatchNorm" in expr:
            lines.append(BATCHNORM_NOTE)
        if note:
            lines.append(note)

        def setup(m, bn="BatchNorm" in expr):
            if bn:
                set_batchnorm(m)

        cases.append(new_case(name, expr, lambda shape=shape: uniform(shape, -2.0, 2.0),
                              setup=setup, note="\n".join(lines),
                              params_heading=BLOCKS_PARAMS_HEADING))
    return cases


# ----------------------------------------------------------------------------- resize

CONVT_LAYOUT_NOTE = ("ConvTranspose weight is [in][out/groups][kh][kw], in first"
                     " (ConvTranspose1d: [in][out/groups][k])")
CONVT_NOTE = ("ConvTranspose, per spatial axis:\n"
              "y[o][i * stride - padding + k * dilation] +="
              " x[c][i] * weight[c][o % (out/groups)][k]\n"
              "over the input channels c of o's group, then + bias[o]; output length =\n"
              "(in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1")
CONV_2D_1D = re.compile(r"(?<!Transpose)Conv[12]d\(")


def resize_cases():
    P, S = "torch.nn.", seq  # single layer: P + "ConvTranspose2d(...)"; net: S(...)
    specs = [
        # --- ConvTranspose2d
        ("convt2d_basic", P + "ConvTranspose2d(4, 6, 3)", (4, 5, 6), None),
        ("convt2d_stride2",
         P + "ConvTranspose2d(3, 5, 3, stride=2, padding=1, output_padding=1)", (3, 7, 6),
         "output_padding=1 lengthens the end only (padding crops 1 at the start, 1 - 1 = 0 at"
         " the end):\nH 7 -> 14, W 6 -> 12 (the usual stride-2 upsampling)"),
        ("convt2d_rect_dil",
         P + "ConvTranspose2d(2, 4, (2, 3), stride=(2, 1), padding=(0, 1), dilation=(1, 2))",
         (2, 5, 5),
         "(kh, kw) = (2, 3), stride (h, w) = (2, 1), padding (h, w) = (0, 1), dilation (h, w) ="
         " (1, 2)"),
        ("convt2d_groups", P + "ConvTranspose2d(6, 4, 3, stride=2, groups=2, bias=False)",
         (6, 4, 4),
         "groups=2: input channels [3g, 3g+3) feed output channels [2g, 2g+2); weight (6, 2, 3,"
         " 3)"),
        # --- ConvTranspose1d
        ("convt1d", P + "ConvTranspose1d(4, 3, 4, stride=2, padding=1)", (4, 12),
         "L 12 -> 24 (kernel 4, stride 2, padding 1: exact 2x upsampling)"),
        ("convt1d_outpad", P + "ConvTranspose1d(3, 2, 3, stride=3, output_padding=2)", (3, 7),
         "output_padding=2 (< stride): L 7 -> 23; the last 2 positions receive no input, only"
         " the bias"),
        # --- nearest upsampling
        ("upsample2d_2", P + "Upsample(scale_factor=2, mode='nearest')", (3, 4, 5),
         "nearest: y[c][i][j] = x[c][i / 2][j / 2] (integer division)"),
        ("upsample2d_3x2", P + "Upsample(scale_factor=(3, 2), mode='nearest')", (2, 3, 4),
         "scale factor (h, w) = (3, 2): y[c][i][j] = x[c][i / 3][j / 2] (integer division)"),
        ("upsample1d_4", P + "Upsample(scale_factor=4, mode='nearest')", (3, 5),
         "(C, L) input (batched (1, 3, 5): 1-d upsampling): y[c][i] = x[c][i / 4]"),
        # --- zero padding
        ("zeropad2d", P + "ZeroPad2d((1, 2, 0, 3))", (2, 4, 5),
         "ZeroPad2d's tuple is PyTorch's (left, right, top, bottom): W padded 1 left / 2 right,"
         "\nH 0 top / 3 bottom"),
        ("zeropad1d", P + "ConstantPad1d((2, 1), 0.0)", (3, 6),
         "ConstantPad1d's tuple is (left, right): L padded with 2 zeros before, 1 after"),
        ("pad_conv", S("ZeroPad2d((1, 1, 2, 0))", "Conv2d(3, 4, 3)"), (3, 6, 6),
         "ZeroPad2d's tuple is (left, right, top, bottom): W padded 1 left / 1 right,\n"
         "H 2 top / 0 bottom; ZeroPad2d has no params, so params are the conv's"),
        # --- small net
        ("unet_small",
         S("Conv2d(1, 4, 3, padding=1)", "ReLU()", "MaxPool2d(2)",
           "Conv2d(4, 8, 3, padding=1)", "ReLU()", "Upsample(scale_factor=2, mode='nearest')",
           "Conv2d(8, 4, 3, padding=1)", "ReLU()", "ConvTranspose2d(4, 2, 2, stride=2)"),
         (1, 8, 8),
         "U-Net-style (no skip connection): 8x8 -> MaxPool2d 4x4 -> Upsample 8x8 ->"
         " ConvTranspose2d\n16x16; the Conv2d weights are [out][in][kh][kw], the"
         " ConvTranspose2d weight [in][out][kh][kw]"),
    ]
    cases = []
    for name, expr, shape, note in specs:
        trained = "Conv" in expr  # layers left at PyTorch's default init
        lines = [("PyTorch default init (seeded); " if trained else "") + "input uniform [-2, 2]"]
        if expr.startswith("torch.nn.Sequential("):
            lines.append("params = all layers' tensors in order (what load_flat of the whole"
                         " model takes)")
        if CONV_2D_1D.search(expr):
            lines.append(CONV_LAYOUT_NOTE)
        if "ConvTranspose" in expr:
            lines.append(CONVT_LAYOUT_NOTE)
            lines.append(CONVT_NOTE)
        if note:
            lines.append(note)
        cases.append(new_case(name, expr, lambda shape=shape: uniform(shape, -2.0, 2.0),
                              note="\n".join(lines)))
    return cases


# ----------------------------------------------------------------------------- recurrent

class SeqOut(torch.nn.Module):
    """The output sequence of a torch.nn.LSTM/GRU (which returns a tuple (output, final
    states)): SeqOut(rnn)(x) = rnn(x)[0]. Its only parameters are the rnn's (rnn.*)."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


class InitialStateParams(torch.nn.Module):
    """Holder of InitialState's h0 (and c0): a child module registered after the rnn, so that
    state_dict order is the rnn's tensors, then h0, then c0 (a module's own parameters would
    come before its children's)."""

    def __init__(self, hidden, cell):
        super().__init__()
        self.h0 = torch.nn.Parameter(torch.zeros(hidden))
        if cell:
            self.c0 = torch.nn.Parameter(torch.zeros(hidden))


class InitialState(torch.nn.Module):
    """ci::LSTM/GRU<H, ci::InitialState>: a one-layer, one-direction rnn run from a learned
    initial state, InitialState(rnn)(x) = rnn(x, (h0, c0))[0] (GRU: rnn(x, h0)[0]), h0 and c0 of
    shape (H,) expanded to (1, batch, H). state_dict: rnn.* then state.h0 (then state.c0)."""

    def __init__(self, rnn):
        super().__init__()
        assert rnn.num_layers == 1 and not rnn.bidirectional
        self.rnn = rnn
        self.lstm = isinstance(rnn, torch.nn.LSTM)
        self.state = InitialStateParams(rnn.hidden_size, self.lstm)

    def forward(self, x):
        def expand(p):
            return p.view(1, 1, -1).expand(1, x.shape[0], -1).contiguous()
        h0 = expand(self.state.h0)
        if self.lstm:
            return self.rnn(x, (h0, expand(self.state.c0)))[0]
        return self.rnn(x, h0)[0]


class LastStep(torch.nn.Module):
    """ci::LastStep: the last time step of a (T, F) sequence, x[:, -1] batched."""

    def forward(self, x):
        return x[:, -1]


class Transpose(torch.nn.Module):
    """ci::Transpose: swaps the two unbatched axes, x.transpose(1, 2) on the batched (1, A, B)."""

    def forward(self, x):
        assert x.dim() == 3
        return x.transpose(1, 2)


class CausalConv1d(torch.nn.Module):
    """ci::Conv1D<c_out, ci::Kernel<k>, ci::Dilation<dilation>, ci::Causal>: the input left-padded
    with (k - 1) * dilation zeros, none on the right, then torch.nn.Conv1d(c_in, c_out, k,
    dilation=dilation). Its only parameters are the inner conv's: conv.weight, conv.bias."""

    def __init__(self, c_in, c_out, k, dilation=1):
        super().__init__()
        self.left = (k - 1) * dilation
        self.conv = torch.nn.Conv1d(c_in, c_out, k, dilation=dilation)

    def forward(self, x):
        return self.conv(torch.nn.functional.pad(x, (self.left, 0)))


def set_initial_state(module):
    """InitialState's h0 (and c0): uniform [-1, 1] (float32) instead of zero, in state_dict
    order."""
    for m in module.modules():
        if isinstance(m, InitialStateParams):
            for p in m.parameters():
                p.copy_(uniform(p.shape, -1.0, 1.0))


def sweep_input(steps):
    """(steps, 1): 0.8 * sin of a linear chirp from 0.002 to 0.05 cycles a step, plus
    0.02 * randn noise, computed in float64 and rounded to float32."""
    t = torch.arange(steps, dtype=torch.float64)
    f0, f1 = 0.002, 0.05
    phase = 2.0 * math.pi * (f0 * t + (f1 - f0) * t * t / (2.0 * steps))
    x = 0.8 * torch.sin(phase) + 0.02 * torch.randn(steps, dtype=torch.float64)
    return x.to(torch.float32).reshape(steps, 1)


RNN_INIT_NOTE = "PyTorch default init (seeded; LSTM/GRU: uniform +-1/sqrt(H))"
RECURRENT_ORDER_NOTE = ("params = every layer's tensors in the order the layers are written,"
                        " depth-first (this is the\nstate_dict order; what load_flat of the whole"
                        " model takes)")
LSTM_NOTE = ("LSTM params per layer (and direction): weight_ih [4H][F], weight_hh [4H][H],"
             " bias_ih [4H],\n"
             "bias_hh [4H], rows in gate order i, f, g, o: c = f * c + i * g, h = o * tanh(c)")
GRU_NOTE = ("GRU params per layer (and direction): weight_ih [3H][F], weight_hh [3H][H],"
            " bias_ih [3H],\n"
            "bias_hh [3H], rows in gate order r, z, n: n = tanh(W_in x + b_in + r * (W_hn h +"
            " b_hn)),\nh = (1 - z) * n + z * h (the reset gate applied after the hidden matmul)")
RECURRENT_NOTES = [
    ("SeqOut(", "SeqOut(rnn) = rnn(x)[0]: the rnn's outputs at every time step (its final states"
                " are dropped)"),
    ("InitialState(", "InitialState(rnn) = rnn(x, (h0, c0))[0] (GRU: rnn(x, h0)[0]): learned"
                      " initial state h0 (H,)\n(and c0 (H,)) expanded to (1, 1, H); params = the"
                      " rnn's tensors, then h0, then c0; h0 and c0\nset to uniform [-1, 1]"
                      " (float32), not zero"),
    ("num_layers=2", "num_layers=2: layer 0's four tensors (*_l0), then layer 1's (*_l1); layer 1"
                     " runs on layer 0's\noutputs (= two stacked one-layer rnns)"),
    ("bidirectional=True", "bidirectional=True: the forward direction's tensors, then the reverse"
                           " direction's (*_reverse);\noutput row t = [forward h_t (H values),"
                           " reverse h_t (H values)], the reverse rnn\nrun from t = T - 1 down"
                           " to 0"),
    ("LastStep(", "LastStep() = x[:, -1] (batched): the last time step (ci::LastStep)"),
    ("Transpose(", "Transpose() = x.transpose(1, 2) (batched): the (C, L) conv output as an"
                   " (L, C) sequence\n(ci::Transpose)"),
    ("CausalConv1d(", "CausalConv1d(c_in, c_out, k, dilation=d) ="
                      " torch.nn.Conv1d(c_in, c_out, k, dilation=d) on\n"
                      "torch.nn.functional.pad(x, ((k - 1) * d, 0)): left zero padding only,"
                      " output t sees inputs <= t\n(ci::Conv1D<c_out, ci::Kernel<k>,"
                      " ci::Dilation<d>, ci::Causal>); params conv.weight, conv.bias"),
]
RECURRENT_PARAMS_HEADING = "params (state_dict order):"


def ctinfer_text(shape, layers):
    """The ctinfer model of a case (see the API), one line, or one layer a line if long (a "\n"
    in a layer's text continues it on the next line)."""
    head = "ci::Sequential<ci::Input<ci::Shape<" + ", ".join(str(s) for s in shape) + ">>"
    one = "ctinfer: " + head + ", " + ", ".join(layers) + ">"
    if len(one) <= 95 and "\n" not in one:
        return one
    lines = ["ctinfer: " + head + ","]
    for i, layer in enumerate(layers):
        text = "    " + layer.replace("\n", "\n        ")
        lines.append(text + ("," if i + 1 < len(layers) else ">"))
    return "\n".join(lines)


def recurrent_cases():
    def rnn(kind, f, h, *extra):
        return f"torch.nn.{kind}(" + ", ".join([str(f), str(h), "batch_first=True", *extra]) + ")"

    def so(kind, f, h, *extra):
        return "SeqOut(" + rnn(kind, f, h, *extra) + ")"

    specs = []  # (name, expression or layout tree, input shape, ctinfer layers, note)
    for kind in ("LSTM", "GRU"):
        k = kind.lower()
        for h, f, t in [(1, 3, 25), (8, 1, 40), (16, 5, 20), (24, 7, 16), (32, 13, 12),
                        (64, 8, 14)]:
            specs.append((f"{k}_h{h}_f{f}", so(kind, f, h), (t, f), [f"ci::{kind}<{h}>"], None))
    for kind in ("LSTM", "GRU"):
        k = kind.lower()
        specs.append((f"{k}_h10_f6_nobias", so(kind, 6, 10, "bias=False"), (15, 6),
                      [f"ci::{kind}<10, ci::NoBias>"],
                      "bias=False: params weight_ih, weight_hh only"))
    for kind in ("LSTM", "GRU"):
        k = kind.lower()
        specs.append((f"{k}_2layers_h12_f5", so(kind, 5, 12, "num_layers=2"), (20, 5),
                      [f"ci::{kind}<12>", f"ci::{kind}<12>"], None))
        specs.append((f"{k}_stack_16_8_f5", [so(kind, 5, 16), so(kind, 16, 8)], (20, 5),
                      [f"ci::{kind}<16>", f"ci::{kind}<8>"],
                      "two one-layer rnns in a torch.nn.Sequential: 5 -> 16 -> 8 features"))
    for kind in ("LSTM", "GRU"):
        k = kind.lower()
        specs.append((f"{k}_bidir_h8_f4", so(kind, 4, 8, "bidirectional=True"), (18, 4),
                      [f"ci::Bidirectional<ci::{kind}<8>>"], None))
    for kind in ("LSTM", "GRU"):
        k = kind.lower()
        specs.append((f"{k}_init_state_h12_f5", "InitialState(" + rnn(kind, 5, 12) + ")",
                      (16, 5), [f"ci::{kind}<12, ci::InitialState>"], None))
    specs.append(("lstm_last_step_dense", [so("LSTM", 3, 16), "LastStep()", "Linear(16, 4)"],
                  (24, 3), ["ci::LSTM<16>", "ci::LastStep", "ci::Dense<4>"],
                  "the Linear acts on the last step's 16 features only"))
    specs.append(("gru_time_dense", [so("GRU", 2, 12), "Linear(12, 1)"], (30, 2),
                  ["ci::GRU<12>", "ci::Dense<1>"],
                  "the Linear acts on the last axis: on every time step's 12 features"))
    long_steps, stride = 10000, 100
    for kind in ("LSTM", "GRU"):
        k = kind.lower()
        specs.append((f"{k}_long_h8", so(kind, 1, 8), (long_steps, 1), [f"ci::{kind}<8>"],
                      "long sequence: input 0.8 * sin(linear chirp from 0.002 to 0.05 cycles a"
                      " step) + 0.02 * randn\n(float64, rounded to float32); expectations at"
                      f" every {stride}th step only (see\n"
                      f"{k}_long_h8_checkpoint_stride); the float32 expectation is PyTorch's"
                      " float32 recurrence over\nall 10000 steps and may drift from the float64"
                      " one (compare with a tolerance)"))
    specs.append(("tcn_causal",
                  ["CausalConv1d(2, 8, 3, dilation=1)", "ReLU()",
                   "CausalConv1d(8, 8, 3, dilation=2)", "ReLU()",
                   "CausalConv1d(8, 3, 3, dilation=4)"],
                  (2, 40),
                  ["ci::Conv1D<8, ci::Kernel<3>, ci::Causal>", "ci::ReLU",
                   "ci::Conv1D<8, ci::Kernel<3>, ci::Dilation<2>, ci::Causal>", "ci::ReLU",
                   "ci::Conv1D<3, ci::Kernel<3>, ci::Dilation<4>, ci::Causal>"],
                  "TCN on a (C, L) input: receptive field 1 + 2 * (1 + 2 + 4) = 15 steps"))
    specs.append(("wavenet_causal",
                  ["Conv1d(1, 8, 1)",
                   *[Res([f"CausalConv1d(8, 16, 2, dilation={d})", "GatedTanh()",
                          "Conv1d(8, 8, 1)"]) for d in (1, 2, 4)],
                   "Conv1d(8, 1, 1)"],
                  (1, 48),
                  ["ci::Conv1D<8, ci::Kernel<1>>",
                   *[f"ci::Residual<ci::Sequential<ci::Conv1D<16, ci::Kernel<2>,"
                     f" ci::Dilation<{d}>, ci::Causal>,\nci::GatedTanh, ci::Conv1D<8,"
                     f" ci::Kernel<1>>>>" for d in (1, 2, 4)],
                   "ci::Conv1D<1, ci::Kernel<1>>"],
                  "WaveNet-style gated residual stack on a (1, L) signal; GatedTanh: 16 -> 8"
                  " channels"))
    specs.append(("amp_conv_gru",
                  ["CausalConv1d(1, 4, 3, dilation=1)", "Tanh()",
                   "CausalConv1d(4, 4, 3, dilation=2)", "Tanh()", "Transpose()",
                   so("GRU", 4, 12), "Linear(12, 1)"],
                  (1, 64),
                  ["ci::Conv1D<4, ci::Kernel<3>, ci::Causal>", "ci::Tanh",
                   "ci::Conv1D<4, ci::Kernel<3>, ci::Dilation<2>, ci::Causal>", "ci::Tanh",
                   "ci::Transpose", "ci::GRU<12>", "ci::Dense<1>"],
                  "amp model: causal convs on the (1, 64) signal, (4, 64) transposed to a (64,"
                  " 4) sequence for the\nGRU, then a Linear on every step: output (64, 1)"))
    specs.append(("amp_lstm", [so("LSTM", 1, 16), "Linear(16, 1)"], (64, 1),
                  ["ci::LSTM<16>", "ci::Dense<1>"],
                  "RTNeural-style amp model: one sample a time step, a Linear on every step"))

    cases = []
    for name, tree, shape, layers, note in specs:
        expr = tree if isinstance(tree, str) else "\n".join(layout(tree))
        long = shape[0] == long_steps
        recurrent = "LSTM(" in expr or "GRU(" in expr
        lines = [RNN_INIT_NOTE if recurrent else "PyTorch default init (seeded)"]
        if not long:
            lines[0] += "; input uniform [-1, 1]"
        if not isinstance(tree, str):
            lines.append(RECURRENT_ORDER_NOTE)
        used = [c for c in ("SeqOut", "InitialState", "LastStep", "Transpose", "CausalConv1d",
                            "Residual", "GatedTanh") if c + "(" in expr]
        if used:
            lines.append(", ".join(used) + ": torch.nn.Module class" + ("es" if len(used) > 1
                                                                       else "") + " of " + SCRIPT)
        if "LSTM(" in expr:
            lines.append(LSTM_NOTE)
        if "GRU(" in expr:
            lines.append(GRU_NOTE)
        if recurrent and "InitialState(" not in expr:
            lines.append("zero initial state (h = 0" + (", c = 0)" if "LSTM(" in expr else ")"))
        lines += [text for key, text in RECURRENT_NOTES if key in expr]
        lines += [text for key, text in BLOCK_NOTES if key in expr]
        if "Conv1d(" in expr:
            lines.append(CONV_LAYOUT_NOTE)
        if note:
            lines.append(note)
        lines.append(ctinfer_text(shape, layers))
        if long:
            input_fn = lambda steps=shape[0]: sweep_input(steps)  # noqa: E731
        else:
            input_fn = lambda shape=shape: uniform(shape, -1.0, 1.0)  # noqa: E731
        cases.append(new_case(name, expr, input_fn,
                              setup=set_initial_state if "InitialState(" in expr else None,
                              note="\n".join(lines), params_heading=RECURRENT_PARAMS_HEADING,
                              checkpoint_stride=stride if long else None))
    return cases


GROUPS = [
    ("activations.hpp", "activation layers", activation_cases),
    ("dense.hpp", "dense (torch.nn.Linear) layers", dense_cases),
    ("mlp.hpp", "small multi-layer perceptrons (torch.nn.Sequential)", mlp_cases),
    ("conv.hpp", "convolution, pooling and BatchNorm layers and small CNNs", conv_cases),
    ("blocks.hpp", "blocks: residual (Residual), branch concatenation (Concat), GLU and"
                   " GatedTanh", blocks_cases),
    ("resize.hpp", "transposed convolution, nearest upsampling and zero padding layers and a small"
                   " U-Net-style net", resize_cases),
    ("recurrent.hpp", "recurrent layers (LSTM, GRU) and causal sequence models",
     recurrent_cases),
]


def header_text(filename, title, cases):
    guard = "CTINFER_FIXTURES_" + re.sub(r"[^A-Za-z0-9]", "_", filename).upper()
    parts = [
        f"// GENERATED by {SCRIPT} -- DO NOT EDIT.",
        f"// Regenerate: /usr/bin/python3 {SCRIPT} tests/fixtures",
        f"// PyTorch {torch.__version__} reference data for {title}.",
        "// Values are C99 hex floats (exact). NAME_input / NAME_params are float32-representable;",
        "// NAME_expected_f64 is PyTorch in float64, NAME_expected_f32 is PyTorch's own float32",
        "// computation widened to double (compare with a tolerance). Shapes have no batch axis.",
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        "#include <cstddef>",
        "",
        "namespace ctinfer_fixtures {",
        "",
    ]
    for c in cases:
        parts.append(c.emit())
        parts.append("")
    parts.append("}  // namespace ctinfer_fixtures")
    parts.append("")
    parts.append(f"#endif  // {guard}")
    return "\n".join(parts) + "\n"


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(f"usage: /usr/bin/python3 {SCRIPT} OUTPUT_DIR\n")
        return 2
    outdir = argv[1]
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)
    # conv2d_same's (3, 4) kernel: PyTorch warns that it pads a copy of the input; expected
    warnings.filterwarnings("ignore", message="Using padding='same' with even kernel lengths")
    os.makedirs(outdir, exist_ok=True)
    for filename, title, make in GROUPS:
        cases = make()
        text = header_text(filename, title, cases)
        path = os.path.join(outdir, filename)
        with open(path, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        print(f"{path}: {len(cases)} cases, {len(text)} bytes")
        for name, ishape, oshape, npar in (c.summary for c in cases):
            print(f"  {name:34s} in {ishape:12s} out {oshape:12s} params {npar}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
