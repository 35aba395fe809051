#!/usr/bin/python3
"""Keras/RTNeural-format JSON models with PyTorch reference outputs, for the converter's tests.

Usage: make_keras_json.py OUTDIR

For every model NAME it writes
  OUTDIR/NAME.json           the model in the JSON format RTNeural's Python exporter writes from
                             a Keras Sequential model ({"in_shape": ..., "layers": [...]}, each
                             layer {"type", "activation", "shape", "weights", ...})
  OUTDIR/NAME.input.npy      the input, float32, without the batch axis, in Keras' layout: (T, F)
                             for a model on sequences, (F,) for a model on single vectors (a
                             converted model whose ctinfer input is (F, T), because it starts
                             with a conv1d, takes the transpose in Model::forward; streamed,
                             the frames are these rows)
  OUTDIR/NAME.expected.npy   PyTorch's output for it (computed in float64, stored as float32):
                             (T, N), or (N,) for vector models and models whose last recurrent
                             layer drops the time axis
and OUTDIR/index.json: [{"name", "sequence_length" (T, or null for vector models),
"input_shape", "output_shape"}, ...].

Each model is built in PyTorch from small modules that compute what the matching Keras layer
computes on (batch, time, features) data, with seeded random weights. The JSON is written from
the PyTorch weights in the layouts Keras' layer.get_weights() returns (which is what RTNeural's
exporter writes), taken from the Keras layer definitions:
  Dense           kernel (in, out), bias (out)                          [nn.Linear: weight (out, in)]
  Conv1D          kernel (kernel_size, in/groups, out), bias (out); cross-correlation like
                  PyTorch's; RTNeural's conv1d is causal: Keras padding='causal', i.e. PyTorch
                  F.pad(x, ((k-1)*d, 0)) before nn.Conv1d
  GRU             kernel (in, 3H), recurrent_kernel (H, 3H), gate blocks z, r, h;
                  reset_after=True: bias (2, 3H), row 0 input bias, row 1 recurrent bias
                                                                          [nn.GRU: r, z, n]
  LSTM            kernel (in, 4H), recurrent_kernel (H, 4H), one bias (4H), gate blocks
                  i, f, c, o                                  [nn.LSTM: i, f, g, o; b_ih + b_hh]
  PReLU           alpha: input_shape[1:] with the shared axes set to 1: (F,) on (batch, F),
                  (1, F) on (batch, T, F) with shared_axes=[1]; (1,) / (1, 1) all shared
  BatchNormalization  gamma, beta, moving_mean, moving_variance; only the last two with
                  center=False, scale=False; "epsilon" written as a number
The JSON stores the float32 parameter values exactly; the LSTM's one bias is b_ih + b_hh rounded
to float32, as a Keras model would hold it (PyTorch's output uses the unrounded pair: a
difference of float32 rounding).

Deterministic: fixed seeds, no dependence on the time or the machine beyond PyTorch's CPU math.
"""

import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ACT = {
    "": lambda x: x,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "softmax": lambda x: torch.softmax(x, dim=-1),
    "elu": F.elu,
}


def _w(t):
    """A tensor as nested lists of Python floats (exact float32 values)."""
    return t.detach().to(torch.float64).tolist()


class KLayer(nn.Module):
    """A Keras-like layer: forward on (batch, T, F) or (batch, F); export() -> the JSON layer."""
    seq_out = True      # keeps the time axis (for recurrent layers: return_sequences)


class KDense(KLayer):
    def __init__(self, fin, fout, activation="", bias=True, time_distributed=False):
        super().__init__()
        self.lin = nn.Linear(fin, fout, bias=bias)
        self.act, self.td = activation, time_distributed
        self.fout = fout

    def forward(self, x):
        return ACT[self.act](self.lin(x))

    def export(self):
        weights = [_w(self.lin.weight.t())]
        if self.lin.bias is not None:
            weights.append(_w(self.lin.bias))
        return {"type": "time-distributed-dense" if self.td else "dense", "activation": self.act,
                "weights": weights}, self.fout


class KActivation(KLayer):
    def __init__(self, activation, features):
        super().__init__()
        self.act, self.features = activation, features

    def forward(self, x):
        return ACT[self.act](x)

    def export(self):
        return {"type": "activation", "activation": self.act, "weights": []}, self.features


class KConv1D(KLayer):
    def __init__(self, fin, fout, k, dilation=1, groups=1, activation="", bias=True):
        super().__init__()
        self.conv = nn.Conv1d(fin, fout, k, dilation=dilation, groups=groups, bias=bias)
        self.k, self.d, self.g, self.act, self.fout = k, dilation, groups, activation, fout

    def forward(self, x):                   # (batch, T, F)
        y = F.pad(x.transpose(1, 2), ((self.k - 1) * self.d, 0))
        return ACT[self.act](self.conv(y).transpose(1, 2))

    def export(self):
        weights = [_w(self.conv.weight.permute(2, 1, 0))]   # (out, in/g, k) -> (k, in/g, out)
        if self.conv.bias is not None:
            weights.append(_w(self.conv.bias))
        return {"type": "conv1d", "activation": self.act, "kernel_size": [self.k],
                "dilation": [self.d], "groups": self.g, "weights": weights}, self.fout


class KGRU(KLayer):
    def __init__(self, fin, hidden, return_sequences=True):
        super().__init__()
        self.rnn = nn.GRU(fin, hidden, batch_first=True)
        self.h, self.seq_out = hidden, return_sequences

    def forward(self, x):
        y = self.rnn(x)[0]
        return y if self.seq_out else y[:, -1]

    def export(self):
        h = self.h

        def keras_order(t):                 # PyTorch blocks r, z, n -> Keras z, r, h
            return torch.cat([t[h:2 * h], t[0:h], t[2 * h:3 * h]])

        r = self.rnn
        kernel = keras_order(r.weight_ih_l0).t()
        recurrent = keras_order(r.weight_hh_l0).t()
        bias = torch.stack([keras_order(r.bias_ih_l0), keras_order(r.bias_hh_l0)])
        return {"type": "gru", "activation": "tanh",
                "weights": [_w(kernel), _w(recurrent), _w(bias)]}, h


class KLSTM(KLayer):
    def __init__(self, fin, hidden, return_sequences=True):
        super().__init__()
        self.rnn = nn.LSTM(fin, hidden, batch_first=True)
        self.h, self.seq_out = hidden, return_sequences

    def forward(self, x):
        y = self.rnn(x)[0]
        return y if self.seq_out else y[:, -1]

    def export(self):
        r = self.rnn
        bias = r.bias_ih_l0 + r.bias_hh_l0      # Keras has one bias (float32, as Keras stores it)
        return {"type": "lstm", "activation": "tanh",
                "weights": [_w(r.weight_ih_l0.t()), _w(r.weight_hh_l0.t()), _w(bias)]}, self.h


class KPReLU(KLayer):
    """Keras PReLU: per feature (shared over time, shared_axes=[1]) or one slope for all."""

    def __init__(self, features, shared=False, seq=True):
        super().__init__()
        self.alpha = nn.Parameter(torch.rand(1 if shared else features) * 0.5 + 0.05)
        self.features, self.shared, self.seq = features, shared, seq

    def forward(self, x):
        return torch.where(x >= 0, x, self.alpha * x)   # alpha broadcasts over the last axis

    def export(self):
        a = self.alpha.reshape(1, -1) if self.seq else self.alpha
        return {"type": "prelu", "activation": "", "weights": [_w(a)]}, self.features


class KBatchNorm(KLayer):
    def __init__(self, features, eps, affine=True):
        super().__init__()
        self.bn = nn.BatchNorm1d(features, eps=eps, affine=affine)
        self.features, self.eps = features, eps

    def forward(self, x):                   # normalises the last axis (Keras axis=-1)
        if x.dim() == 3:
            return self.bn(x.transpose(1, 2)).transpose(1, 2)
        return self.bn(x)

    def export(self):
        b = self.bn
        weights = [_w(b.running_mean), _w(b.running_var)]
        if b.affine:
            weights = [_w(b.weight), _w(b.bias)] + weights
        return {"type": "batchnorm", "activation": "", "epsilon": self.eps, "weights": weights}, self.features


# name: (seed, in_shape as Keras writes it, T (None for vector models), layers)
def models():
    S = True
    return {
        "dense_stack": (1, [None, 4], None, lambda: [
            KDense(4, 8, "tanh"), KDense(8, 8), KActivation("relu", 8), KDense(8, 8, "sigmoid"),
            KDense(8, 6, "elu"), KDense(6, 5), KActivation("softmax", 5), KDense(5, 3, bias=False)]),
        "prelu_batchnorm": (2, [None, 6], None, lambda: [
            KDense(6, 8), KBatchNorm(8, 1e-3), KPReLU(8, seq=False), KDense(8, 4),
            KBatchNorm(4, 0.01, affine=False), KPReLU(4, shared=True, seq=False), KDense(4, 2, "tanh")]),
        "seq_norm": (3, [None, None, 3], 5, lambda: [
            KDense(3, 6, "tanh", time_distributed=S), KBatchNorm(6, 1e-3), KPReLU(6), KDense(6, 4),
            KPReLU(4, shared=True), KActivation("softmax", 4)]),
        "conv1d": (4, [None, 16, 2], 16, lambda: [
            KConv1D(2, 4, 3, activation="tanh"), KConv1D(4, 4, 2, dilation=4, activation="relu"),
            KConv1D(4, 3, 1), KBatchNorm(3, 1e-3), KActivation("elu", 3), KDense(3, 1)]),
        "conv1d_groups": (5, [None, None, 4], 12, lambda: [
            KConv1D(4, 6, 3, dilation=2, groups=2, activation="tanh"), KDense(6, 2)]),
        "gru": (6, [None, None, 3], 10, lambda: [KGRU(3, 8), KDense(8, 2, "sigmoid")]),
        "lstm": (7, [None, None, 2], 10, lambda: [KLSTM(2, 6), KLSTM(6, 5), KDense(5, 1)]),
        "amp_conv_gru": (8, [None, None, 1], 32, lambda: [
            KDense(1, 8, "tanh", time_distributed=S), KConv1D(8, 4, 3, dilation=2, activation="tanh"),
            KGRU(4, 8), KDense(8, 1)]),
        "amp_lstm": (9, [None, None, 1], 32, lambda: [KLSTM(1, 20), KDense(20, 1)]),
        "gru_last": (10, [None, None, 2], 6, lambda: [KGRU(2, 5, return_sequences=False),
                                                      KDense(5, 3, "softmax")]),
    }


def _randomise(net):
    """Non-trivial biases and BatchNorm statistics (PyTorch initialises some to 0 or 1)."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Linear, nn.Conv1d)) and m.bias is not None:
                m.bias.copy_(torch.randn_like(m.bias) * 0.3)
            if isinstance(m, nn.BatchNorm1d):
                m.running_mean.copy_(torch.randn_like(m.running_mean) * 0.5)
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
                if m.affine:
                    m.weight.copy_(torch.rand_like(m.weight) + 0.5)
                    m.bias.copy_(torch.randn_like(m.bias) * 0.3)


def build(name):
    """(JSON document, input (float32 numpy), expected output (float64 numpy)) for one model."""
    seed, in_shape, t, make = models()[name]
    torch.manual_seed(seed)
    layers = make()
    net = nn.Sequential(*layers)
    _randomise(net)
    net.eval()
    f = in_shape[-1]
    x = torch.randn(t, f) if t is not None else torch.randn(f)
    doc_layers = []
    seq = t is not None
    for layer in layers:
        d, n = layer.export()
        seq = seq and layer.seq_out
        # The layer's output shape as Keras reports it: batch, then time (as in in_shape), then features.
        d["shape"] = ([None, in_shape[1], n] if seq else [None, n])
        doc_layers.append({k: d[k] for k in ("type", "activation", "shape")} |
                          {k: v for k, v in d.items() if k not in ("type", "activation", "shape")})
    doc = {"in_shape": in_shape, "layers": doc_layers}
    with torch.no_grad():
        y = net.double()(x.double().unsqueeze(0))[0]
    return doc, x.numpy().astype(np.float32), y.numpy()


def main(argv):
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    index = []
    for name in models():
        doc, x, y = build(name)
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1)
        np.save(os.path.join(out, name + ".input.npy"), x)
        np.save(os.path.join(out, name + ".expected.npy"), y.astype(np.float32))
        t = models()[name][2]
        index.append({"name": name, "sequence_length": t, "input_shape": list(x.shape),
                      "output_shape": list(y.shape)})
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
