"""Keras models in RTNeural's JSON format -> the converter's model (model.py).

The format is the one RTNeural's Python exporter (python/model_utils.py, save_model) writes
from a Keras Sequential model and RTNeural's C++ loader reads:

    {"in_shape": [null, null, F],            # Keras model.input_shape, batch axis first
     "layers": [{"type": "dense", "activation": "tanh", "shape": [null, null, 8],
                 "weights": [kernel, bias]}, ...]}

Each layer's "weights" is Keras' layer.get_weights(), in Keras' layouts; "shape" is the layer's
output shape (only its last value, the feature count, is used, as RTNeural does). The layouts
read here, and the semantics (RTNeural runs every layer one frame at a time; its conv1d is
causal), are documented in docs/keras-json.md.

Input shape convention
----------------------
- "in_shape" [null, F] (a Keras model on single vectors): ctinfer input (F).
- "in_shape" [null, T or null, F] (a Keras model on sequences, features last): ctinfer input
  (sequence_length, F), a (T, F) sequence that ctinfer::Model::step streams one frame (F
  values) at a time, as RTNeural runs it. sequence_length defaults to 1 (only sizes
  Model::forward; streaming does not depend on it). Dense, GRU, LSTM and Softmax act on (T, F)
  directly; Conv1D, BatchNorm and per-feature PReLU act on ctinfer's channels-first (C, L)
  layout, so they are wrapped in ctinfer::Transpose (a pair that would meet is left out). If
  the network starts with such a layer, its input is (F, sequence_length) instead, with no
  leading Transpose: ctinfer's streaming reads a leading Transpose as a (C, L) input, and a
  frame is the same F values either way. The output is always (T, N) (or (N)).

Everything that cannot be converted exactly raises model.ConversionError naming the layer index,
its type, the attribute and what is supported.
"""

import json
import os
from fractions import Fraction

import numpy as np

from .model import ConversionError, Layer, Model

# The activation strings RTNeural's exporter writes and its loader reads, and ctinfer's layer.
ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid", "softmax": "Softmax", "elu": "ELU"}
# Activations that do not mix values: they may run in either layout.
_ELEMENTWISE = {"Tanh", "ReLU", "Sigmoid", "ELU"}

LAYER_TYPES = ("dense", "time-distributed-dense", "conv1d", "gru", "lstm", "prelu", "batchnorm",
               "activation")

_INTMAX = 2**63 - 1


def load_keras_json(path, sequence_length=1):
    """Reads an RTNeural-format Keras JSON file and returns a model.Model.

    sequence_length: T of the ctinfer input (T, F) for a model whose in_shape has a time axis
    (ignored, and must stay 1, for an in_shape [null, F] model). Default 1: a one-frame net for
    ctinfer::Model::step."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise ConversionError(f"{path}: cannot read: {e.strerror or e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ConversionError(f"{path}: not valid JSON: {e}") from None
    return convert_keras_dict(data, sequence_length=sequence_length, source=os.path.basename(str(path)))


def convert_keras_dict(data, sequence_length=1, source=""):
    """The same as load_keras_json, from the already parsed JSON document."""
    return _Importer(data, sequence_length, source).run()


def _err(where, attr, msg):
    return ConversionError(f"{where}: {attr}: {msg}")


def _as_int(where, attr, value):
    """An integer attribute, given as n or [n] (Keras tuples are written as lists)."""
    v = value
    if isinstance(v, list) and len(v) == 1:
        v = v[0]
    if isinstance(v, bool) or not isinstance(v, int):
        raise _err(where, attr, f"expected an integer or a one-element list, got {value!r}")
    return v


def _tensor(where, attr, value, shape):
    """A weight tensor checked against the expected shape (a tuple of ints), rounded to the
    nearest float32 as RTNeural reads it (Keras' own float32 weights are exact either way)."""
    try:
        a = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise _err(where, attr, f"expected a numeric array of shape {list(shape)}, "
                                "got a ragged or non-numeric list") from None
    if a.shape != tuple(shape):
        raise _err(where, attr, f"expected shape {list(shape)}, got {list(a.shape)}")
    if not np.all(np.isfinite(a)) or not np.all(np.isfinite(a.astype(np.float32))):
        raise _err(where, attr, "contains NaN, infinity or a value beyond float32's range")
    return a.astype(np.float32).astype(np.float64)


def _exact_ratio(where, eps):
    """eps as an exact std::ratio spelling: the decimal the JSON wrote (Python writes the
    shortest decimal that reads back as the same double), as a fraction."""
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not np.isfinite(eps) or eps <= 0:
        raise _err(where, "epsilon", f"expected a positive number, got {eps!r}")
    fr = Fraction(repr(float(eps))) if isinstance(eps, float) else Fraction(eps)
    if fr.numerator > _INTMAX or fr.denominator > _INTMAX:
        raise _err(where, "epsilon", f"{eps!r} has no std::ratio with 64-bit terms; "
                                     "supported: decimals such as 0.001 or 1e-5")
    return fr


class _Importer:
    def __init__(self, data, sequence_length, source):
        self.data = data
        self.source = source
        self.nodes = []
        self.notes = []
        self.transposed = False     # the data is currently (F, T) (channels-first) not (T, F)
        if isinstance(sequence_length, bool) or not isinstance(sequence_length, int) or sequence_length < 1:
            raise ConversionError(f"sequence_length must be an integer >= 1, got {sequence_length!r}")
        self.sequence_length = sequence_length

    # ---- layout helpers -------------------------------------------------------------------
    def _to_channels_first(self, where):
        if self.seq and not self.transposed:
            self.nodes.append(Layer("Transpose", [], f"{where} (features to axis 0)"))
            self.transposed = True

    def _to_features_last(self, where):
        if self.transposed:
            self.nodes.append(Layer("Transpose", [], f"{where} (back to (T, F))"))
            self.transposed = False

    def _activation(self, where, name):
        if name is None or name == "" or name == "linear":
            return
        if not isinstance(name, str) or name not in ACTIVATIONS:
            raise _err(where, "activation", f"{name!r} is not supported; supported: "
                                            f"{', '.join(sorted(ACTIVATIONS))}, '' or 'linear' (none)")
        cpp = ACTIVATIONS[name]
        if cpp not in _ELEMENTWISE:          # Softmax: over the features, the last axis
            self._to_features_last(where)
        self.nodes.append(Layer(cpp, [], where))

    # ---- the document ---------------------------------------------------------------------
    def run(self):
        data = self.data
        if not isinstance(data, dict):
            raise ConversionError("top level: expected a JSON object with 'in_shape' and 'layers'")
        if "layers" not in data:
            hint = ""
            if any(isinstance(k, str) and (k.endswith("weight") or k.endswith("bias")) for k in data):
                hint = (" (this looks like a PyTorch state_dict, as read by RTNeural's torch_helpers; "
                        "convert the PyTorch model through ONNX instead)")
            raise ConversionError(f"top level: 'layers' is missing{hint}")
        layers = data["layers"]
        if not isinstance(layers, list) or not layers:
            raise ConversionError("top level: 'layers' must be a non-empty list")
        self._input(data.get("in_shape"))
        for i, layer in enumerate(layers):
            self._layer(i, layer)
        self._to_features_last(f"layers[{len(layers) - 1}]")
        self._channels_first_input()
        out = (self.sequence_length, self.feat) if self.seq else (self.feat,)
        return Model(input_shape=self.input_shape, output_shape=out, nodes=self.nodes,
                     source=self.source, notes=self.notes)

    def _channels_first_input(self):
        """A network whose first layout-dependent layer is channels-first (conv1d, batchnorm or
        per-feature prelu on a sequence) takes its input as (F, T) instead of (T, F) + Transpose:
        ctinfer's streaming reads a leading Transpose as "the input is (C, L)", and a frame is
        the same F values either way."""
        if len(self.input_shape) != 2:
            return
        for k, node in enumerate(self.nodes):
            if node.cpp in _ELEMENTWISE or node.cpp == "PReLU":
                continue
            if node.cpp == "Transpose":
                del self.nodes[k]
                t, f = self.input_shape
                self.input_shape = (f, t)
                self.notes.append(f"The network starts with channels-first layers: its input is "
                                  f"({f}, {t}), features first (the transpose of Keras' (time, "
                                  f"features)); Model::step takes one frame of {f} values as usual.")
            return

    def _input(self, in_shape):
        where = "top level"
        if not isinstance(in_shape, list) or len(in_shape) not in (2, 3, 4):
            raise _err(where, "in_shape", f"expected [null, F] or [null, T, F], got {in_shape!r}")
        if len(in_shape) == 4:
            raise _err(where, "in_shape", f"{in_shape!r} is a 2-D (conv2d) model's input; supported: "
                                          "[null, F] and [null, T, F]")
        f = in_shape[-1]
        if isinstance(f, bool) or not isinstance(f, int) or f < 1:
            raise _err(where, "in_shape", f"the feature count (last value) must be a positive integer, got {f!r}")
        t = in_shape[1] if len(in_shape) == 3 else None
        if t is not None and (isinstance(t, bool) or not isinstance(t, int) or t < 1):
            raise _err(where, "in_shape", f"the time extent must be null or a positive integer, got {t!r}")
        self.feat = f
        self.seq = len(in_shape) == 3
        if self.seq:
            self.input_shape = (self.sequence_length, f)
            self.notes.append(f"Keras input {in_shape} (time, features): ctinfer input "
                              f"({self.sequence_length}, {f}); Model::step streams one frame of {f}.")
            if t is not None and t != self.sequence_length:
                self.notes.append(f"The Keras model was built for {t} frames; sequence_length is "
                                  f"{self.sequence_length} (it only sizes Model::forward).")
        else:
            if self.sequence_length != 1:
                raise _err(where, "in_shape", f"{in_shape!r} has no time axis; sequence_length "
                                              f"{self.sequence_length} needs [null, T, F]")
            self.input_shape = (f,)
            self.notes.append(f"Keras input {in_shape}: ctinfer input ({f}).")

    def _check_rank(self, where, layer, allow_last_step=False):
        """The layer's "shape" (output shape) must keep the model's rank; returns True when a
        recurrent layer's output drops the time axis (Keras return_sequences=False)."""
        shape = layer.get("shape")
        if shape is None:
            return False
        if not isinstance(shape, list) or not shape:
            raise _err(where, "shape", f"expected the layer's output shape as a list, got {shape!r}")
        want = 3 if self.seq else 2
        if len(shape) == want:
            return False
        if allow_last_step and self.seq and len(shape) == 2:
            return True
        raise _err(where, "shape", f"{shape!r} has {len(shape)} axes where the model has {want}; "
                                   "supported: layers that keep the time axis (return_sequences=True), "
                                   "or a GRU/LSTM that drops it")

    def _out_features(self, where, layer):
        shape = layer.get("shape")
        if shape is None:
            return None
        n = shape[-1]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise _err(where, "shape", f"the last value must be a positive integer, got {n!r}")
        return n

    def _weights(self, where, layer, counts):
        w = layer.get("weights")
        if not isinstance(w, list):
            raise _err(where, "weights", f"expected a list of arrays, got {type(w).__name__}")
        if len(w) not in counts:
            raise _err(where, "weights", f"expected {' or '.join(str(c) for c in counts)} arrays, got {len(w)}")
        return w

    def _layer(self, i, layer):
        if not isinstance(layer, dict):
            raise ConversionError(f"layers[{i}]: expected a JSON object, got {type(layer).__name__}")
        t = layer.get("type")
        where = f"layers[{i}] ('{t}')"
        if t in ("dense", "time-distributed-dense"):
            self._dense(where, layer)
        elif t == "conv1d":
            self._conv1d(where, layer)
        elif t in ("gru", "lstm"):
            self._recurrent(where, layer, t)
        elif t == "prelu":
            self._prelu(where, layer)
        elif t == "batchnorm":
            self._batchnorm(where, layer)
        elif t == "activation":
            self._check_rank(where, layer)
            n = self._out_features(where, layer)
            if n is not None and n != self.feat:
                raise _err(where, "shape", f"{n} features out of {self.feat} in")
            self._activation(where, layer.get("activation"))
        elif t in ("conv2d", "batchnorm2d"):
            raise _err(where, "type", "RTNeural's 2-D (time x feature) streaming layers have no "
                                      "exact ctinfer equivalent (ctinfer has no causal Conv2D); "
                                      f"supported types: {', '.join(LAYER_TYPES)}")
        else:
            extra = ""
            if t == "unknown":
                extra = (" (RTNeural's exporter writes 'unknown' for a Keras layer it does not "
                         "know, e.g. Dropout, Flatten or a ReLU layer; RTNeural's loader skips it)")
            raise _err(where, "type", f"{t!r} is not supported{extra}; supported types: "
                                      f"{', '.join(LAYER_TYPES)}")

    # ---- layers ---------------------------------------------------------------------------
    def _dense(self, where, layer):
        self._check_rank(where, layer)
        w = self._weights(where, layer, (1, 2))
        n = self._out_features(where, layer)
        if n is None:
            try:
                n = int(np.shape(w[0])[-1])
            except (IndexError, ValueError):
                raise _err(where, "weights[0]", f"expected the kernel, shape [{self.feat}, N]") from None
        kernel = _tensor(where, "weights[0] (kernel)", w[0], (self.feat, n))
        self._to_features_last(where)
        if len(w) == 2:
            bias = _tensor(where, "weights[1] (bias)", w[1], (n,))
            self.nodes.append(Layer(f"Dense<{n}>", [kernel.T.copy(), bias], where))
        else:
            self.nodes.append(Layer(f"Dense<{n}, false>", [kernel.T.copy()], where))
        self.feat = n
        self._activation(where, layer.get("activation"))

    def _conv1d(self, where, layer):
        if not self.seq:
            raise _err(where, "type", "conv1d needs a model input with a time axis, in_shape [null, T, F]")
        self._check_rank(where, layer)
        for attr in ("kernel_size", "dilation"):
            if attr not in layer:
                raise _err(where, attr, "missing (RTNeural's exporter writes it)")
        k = _as_int(where, "kernel_size", layer["kernel_size"])
        d = _as_int(where, "dilation", layer["dilation"])
        g = _as_int(where, "groups", layer.get("groups", 1))
        if k < 1 or d < 1 or g < 1:
            raise _err(where, "kernel_size/dilation/groups", f"must be >= 1, got {k}, {d}, {g}")
        if "strides" in layer and _as_int(where, "strides", layer["strides"]) != 1:
            raise _err(where, "strides", f"{layer['strides']!r}: only stride 1 is supported (RTNeural's conv1d)")
        if "padding" in layer and layer["padding"] != "causal":
            raise _err(where, "padding", f"{layer['padding']!r}: only 'causal' is supported "
                                         "(RTNeural's conv1d is causal)")
        w = self._weights(where, layer, (1, 2))
        n = self._out_features(where, layer)
        if n is None:
            try:
                n = int(np.shape(w[0])[-1])
            except (IndexError, ValueError):
                raise _err(where, "weights[0]", "expected the kernel, shape [k, in/groups, out]") from None
        if self.feat % g or n % g:
            raise _err(where, "groups", f"{g} does not divide {self.feat} inputs and {n} outputs")
        kernel = _tensor(where, "weights[0] (kernel)", w[0], (k, self.feat // g, n))
        params = [kernel.transpose(2, 1, 0).copy()]          # (k, in/g, out) -> [out][in/g][k]
        opts = [f"Kernel<{k}>"]
        if k > 1 and d != 1:
            opts.append(f"Dilation<{d}>")
        if g != 1:
            opts.append(f"Groups<{g}>")
        if k > 1:
            opts.append("Causal")
        if len(w) == 2:
            params.append(_tensor(where, "weights[1] (bias)", w[1], (n,)))
        else:
            opts.append("NoBias")
        self._to_channels_first(where)
        self.nodes.append(Layer(f"Conv1D<{n}, {', '.join(opts)}>", params, where))
        self.feat = n
        self._activation(where, layer.get("activation"))

    def _recurrent(self, where, layer, t):
        if not self.seq:
            raise _err(where, "type", f"{t} needs a model input with a time axis, in_shape [null, T, F]")
        last_only = self._check_rank(where, layer, allow_last_step=True)
        act = layer.get("activation", "")
        if act not in ("", "tanh"):
            raise _err(where, "activation", f"{act!r}: the cell activation must be 'tanh' (Keras' "
                                            "default, and what RTNeural and ctinfer compute)")
        gates = 3 if t == "gru" else 4
        w = self._weights(where, layer, (2, 3))
        h = self._out_features(where, layer)
        if h is None:
            try:
                h = int(np.shape(w[1])[0])
            except (IndexError, ValueError):
                raise _err(where, "weights[1]", "expected the recurrent kernel, shape [H, G*H]") from None
        kernel = _tensor(where, "weights[0] (kernel)", w[0], (self.feat, gates * h))
        recurrent = _tensor(where, "weights[1] (recurrent_kernel)", w[1], (h, gates * h))
        bias = None
        if len(w) == 3:
            if t == "gru":
                if isinstance(w[2], list) and w[2] and not isinstance(w[2][0], list):
                    raise _err(where, "weights[2] (bias)", f"has shape [{len(w[2])}]: a Keras GRU with "
                               "reset_after=False (the reset gate applied before the recurrent product), "
                               "which ctinfer (and RTNeural) do not compute; supported: reset_after=True "
                               f"(Keras' default), bias shape [2, {gates * h}]")
                bias = _tensor(where, "weights[2] (bias)", w[2], (2, gates * h))
            else:
                bias = _tensor(where, "weights[2] (bias)", w[2], (gates * h,))
        if t == "gru":
            # Keras gate blocks z, r, h; PyTorch (ctinfer) r, z, n.
            order = np.concatenate([np.arange(h, 2 * h), np.arange(0, h), np.arange(2 * h, 3 * h)])
        else:
            order = np.arange(4 * h)                            # i, f, c, o = PyTorch i, f, g, o
        params = [kernel.T[order].copy(), recurrent.T[order].copy()]
        if bias is not None:
            if t == "gru":
                params += [bias[0][order].copy(), bias[1][order].copy()]
            else:
                params += [bias[order].copy(), np.zeros(4 * h)]
        name = "GRU" if t == "gru" else "LSTM"
        self._to_features_last(where)
        self.nodes.append(Layer(f"{name}<{h}>" if bias is not None else f"{name}<{h}, NoBias>", params, where))
        self.feat = h
        if last_only:
            self.nodes.append(Layer("LastStep", [], f"{where} (return_sequences=False)"))
            self.seq = False
            self.notes.append(f"{where} returns only the last step (ctinfer::LastStep): the output "
                              "has no time axis; when streaming, each frame gives the output for "
                              "the sequence so far.")

    def _prelu(self, where, layer):
        self._check_rank(where, layer)
        if layer.get("activation", "") not in ("", None):
            raise _err(where, "activation", f"{layer['activation']!r}: expected '' on a prelu layer")
        w = self._weights(where, layer, (1,))
        try:
            alpha = np.array(w[0], dtype=np.float64).astype(np.float32).astype(np.float64)
        except (ValueError, TypeError):
            raise _err(where, "weights[0] (alpha)", "a ragged or non-numeric list") from None
        if alpha.ndim == 0 or alpha.ndim > 2 or alpha.shape[-1] not in (1, self.feat):
            raise _err(where, "weights[0] (alpha)", f"shape {list(alpha.shape)}: supported: [{self.feat}] "
                       f"or [1] (model input [null, F]); [R, {self.feat}] or [R, 1] with equal rows "
                       "(shared_axes=[1] on [null, T, F])")
        if not np.all(np.isfinite(alpha)):
            raise _err(where, "weights[0] (alpha)", "contains NaN or infinity")
        rows = alpha.reshape(-1, alpha.shape[-1])
        if alpha.ndim == 2 and not self.seq:
            raise _err(where, "weights[0] (alpha)", f"shape {list(alpha.shape)} on a model without a "
                       f"time axis; supported: [{self.feat}] or [1]")
        if not np.all(rows == rows[0]):
            raise _err(where, "weights[0] (alpha)", f"shape {list(alpha.shape)} with a different slope "
                       "per time step (Keras PReLU without shared_axes=[1]); supported: one slope per "
                       "feature, shared over time (RTNeural reads only the first row)")
        slopes = rows[0].copy()
        if slopes.shape[0] == 1:
            self.nodes.append(Layer("PReLU", [slopes], where))
        else:
            self._to_channels_first(where)
            self.nodes.append(Layer("PReLU::per_channel", [slopes], where))

    def _batchnorm(self, where, layer):
        self._check_rank(where, layer)
        if layer.get("activation", "") not in ("", None):
            raise _err(where, "activation", f"{layer['activation']!r}: expected '' on a batchnorm layer")
        w = self._weights(where, layer, (2, 3, 4))
        c = self.feat
        if len(w) == 3:
            raise _err(where, "weights", "3 arrays: a Keras BatchNormalization with only one of "
                       "center/scale, which the format cannot tell apart; supported: 4 arrays (gamma, "
                       "beta, moving_mean, moving_variance) or 2 (moving_mean, moving_variance: "
                       "center=False, scale=False)")
        if len(w) == 4:
            gamma = _tensor(where, "weights[0] (gamma)", w[0], (c,))
            beta = _tensor(where, "weights[1] (beta)", w[1], (c,))
            mean = _tensor(where, "weights[2] (moving_mean)", w[2], (c,))
            var = _tensor(where, "weights[3] (moving_variance)", w[3], (c,))
        else:
            gamma, beta = np.ones(c), np.zeros(c)
            mean = _tensor(where, "weights[0] (moving_mean)", w[0], (c,))
            var = _tensor(where, "weights[1] (moving_variance)", w[1], (c,))
        if "epsilon" not in layer:
            raise _err(where, "epsilon", "missing (RTNeural's exporter writes Keras' epsilon)")
        eps = _exact_ratio(where, layer["epsilon"])
        if np.any(var + float(eps) <= 0):
            raise _err(where, "weights (moving_variance)", "moving_variance + epsilon must be > 0")
        cpp = "BatchNorm" if eps == Fraction(1, 100000) else \
            f"BatchNorm::with<std::ratio<{eps.numerator}, {eps.denominator}>>"
        self._to_channels_first(where)
        self.nodes.append(Layer(cpp, [gamma, beta, mean, var], where))
