#!/usr/bin/python3
"""Tests of tools/ctinfer_convert/keras_import.py (Keras/RTNeural-format JSON -> converter model).

Run: /usr/bin/python3 tests/converter/test_keras_import.py   (needs python3-numpy; python3-torch for the
numerical tests, which are skipped without it).

- For every model of tests/reference/make_keras_json.py (JSON written from PyTorch nets in
  Keras' weight layouts, with PyTorch's outputs): the converted model's C++ layer spellings, its
  input/output shapes, and its output, computed without C++ by a small numpy reference of each
  ctinfer layer the importer emits (semantics from docs/layers.md), against PyTorch's within 1e-5.
- Error paths: each refusal raises ConversionError naming the layer, the attribute and what is
  supported.
"""

import json
import os
import re
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))

from ctinfer_convert.keras_import import convert_keras_dict, load_keras_json  # noqa: E402
from ctinfer_convert.model import ConversionError, Layer, cpp_type, flat_params  # noqa: E402

try:
    import torch  # noqa: F401
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False


# ---- a numpy reference of the ctinfer layers the importer uses (float64, no batch axis) ------

def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _opts(spec):
    return dict((m.group(1), [int(v) for v in m.group(2).split(",")])
                for m in re.finditer(r"(\w+)<([\d, ]+)>", spec))


def run_layer(layer, x):
    cpp, p = layer.cpp, [np.asarray(a, dtype=np.float64) for a in layer.params]
    if m := re.fullmatch(r"Dense<(\d+)(, false)?>", cpp):
        y = x @ p[0].T
        return y + p[1] if not m.group(2) else y
    if cpp == "Tanh":
        return np.tanh(x)
    if cpp == "ReLU":
        return np.maximum(x, 0.0)
    if cpp == "Sigmoid":
        return _sigmoid(x)
    if cpp == "ELU":
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))
    if cpp == "Softmax":                                        # last axis
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if cpp == "Transpose":
        assert x.ndim == 2
        return x.T
    if cpp == "LastStep":
        return x[-1]
    if m := re.fullmatch(r"BatchNorm(?:::with<std::ratio<(\d+), (\d+)>>)?", cpp):
        eps = int(m.group(1)) / int(m.group(2)) if m.group(1) else 1e-5
        shape = (-1,) + (1,) * (x.ndim - 1)                     # channels = axis 0
        g, b, mean, var = (a.reshape(shape) for a in p)
        return (x - mean) / np.sqrt(var + eps) * g + b
    if cpp == "PReLU":
        assert p[0].shape == (1,)
        return np.where(x > 0, x, p[0][0] * x)
    if cpp == "PReLU::per_channel":
        a = p[0].reshape((-1,) + (1,) * (x.ndim - 1))
        return np.where(x > 0, x, a * x)
    if m := re.fullmatch(r"Conv1D<(\d+), (.*)>", cpp):
        out, o = int(m.group(1)), _opts(m.group(2))
        k, d, g = o["Kernel"][0], o.get("Dilation", [1])[0], o.get("Groups", [1])[0]
        assert set(o) <= {"Kernel", "Dilation", "Groups"}
        c, length = x.shape                                     # (C, L)
        pad = d * (k - 1) if "Causal" in m.group(2) else 0
        xp = np.concatenate([np.zeros((c, pad)), x], axis=1)
        w = p[0]
        cin, cout = c // g, out // g
        assert w.shape == (out, cin, k)
        lout = xp.shape[1] - d * (k - 1)
        y = np.zeros((out, lout))
        for oc in range(out):
            gi = oc // cout
            for i in range(k):
                y[oc] += w[oc, :, i] @ xp[gi * cin:(gi + 1) * cin, i * d:i * d + lout]
        if "NoBias" not in m.group(2):
            y += p[1][:, None]
        return y
    if m := re.fullmatch(r"(GRU|LSTM)<(\d+)(, NoBias)?>", cpp):
        kind, h = m.group(1), int(m.group(2))
        wih, whh = p[0], p[1]
        bih, bhh = (p[2], p[3]) if not m.group(3) else (np.zeros(len(wih)), np.zeros(len(wih)))
        ht, ct, ys = np.zeros(h), np.zeros(h), []
        for xt in x:                                            # (T, F), PyTorch's equations
            gi, gh = wih @ xt + bih, whh @ ht + bhh
            if kind == "GRU":
                r = _sigmoid(gi[:h] + gh[:h])
                z = _sigmoid(gi[h:2 * h] + gh[h:2 * h])
                n = np.tanh(gi[2 * h:] + r * gh[2 * h:])
                ht = (1 - z) * n + z * ht
            else:
                g = gi + gh
                i, f, gg, o = _sigmoid(g[:h]), _sigmoid(g[h:2 * h]), np.tanh(g[2 * h:3 * h]), _sigmoid(g[3 * h:])
                ct = f * ct + i * gg
                ht = o * np.tanh(ct)
            ys.append(ht)
        return np.array(ys)
    raise AssertionError(f"no numpy reference for {cpp}")


def run_model(model, x):
    assert x.shape == tuple(model.input_shape), (x.shape, model.input_shape)
    for node in model.nodes:
        assert isinstance(node, Layer)
        x = run_layer(node, x)
    assert x.shape == tuple(model.output_shape), (x.shape, model.output_shape)
    return x


# ---- the reference models ---------------------------------------------------------------------

EXPECTED_CPP = {
    "dense_stack": "Dense<8>, Tanh, Dense<8>, ReLU, Dense<8>, Sigmoid, Dense<6>, ELU, Dense<5>, "
                   "Softmax, Dense<3, false>",
    "prelu_batchnorm": "Dense<8>, BatchNorm::with<std::ratio<1, 1000>>, PReLU::per_channel, Dense<4>, "
                       "BatchNorm::with<std::ratio<1, 100>>, PReLU, Dense<2>, Tanh",
    "seq_norm": "Dense<6>, Tanh, Transpose, BatchNorm::with<std::ratio<1, 1000>>, PReLU::per_channel, "
                "Transpose, Dense<4>, PReLU, Softmax",
    "conv1d": "Conv1D<4, Kernel<3>, Causal>, Tanh, Conv1D<4, Kernel<2>, Dilation<4>, Causal>, "
              "ReLU, Conv1D<3, Kernel<1>>, BatchNorm::with<std::ratio<1, 1000>>, ELU, Transpose, Dense<1>",
    "conv1d_groups": "Conv1D<6, Kernel<3>, Dilation<2>, Groups<2>, Causal>, Tanh, Transpose, Dense<2>",
    "gru": "GRU<8>, Dense<2>, Sigmoid",
    "lstm": "LSTM<6>, LSTM<5>, Dense<1>",
    "amp_conv_gru": "Dense<8>, Tanh, Transpose, Conv1D<4, Kernel<3>, Dilation<2>, Causal>, Tanh, "
                    "Transpose, GRU<8>, Dense<1>",
    "amp_lstm": "LSTM<20>, Dense<1>",
    "gru_last": "GRU<5>, LastStep, Dense<3>, Softmax",
}
# Models starting with a channels-first layer take their input as (F, T), the transpose of the
# Keras (T, F) data the generator writes.
CHANNELS_FIRST_INPUT = {"conv1d", "conv1d_groups"}


def ctinfer_input(name, x):
    return x.T if name in CHANNELS_FIRST_INPUT else x


@unittest.skipUnless(HAVE_TORCH, "python3-torch is needed to generate the reference models")
class ReferenceModels(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import make_keras_json
        cls.tmp = tempfile.TemporaryDirectory()
        assert make_keras_json.main(["make_keras_json.py", cls.tmp.name]) == 0
        with open(os.path.join(cls.tmp.name, "index.json")) as f:
            cls.index = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_model(self):
        self.assertEqual(sorted(e["name"] for e in self.index), sorted(EXPECTED_CPP))
        for e in self.index:
            name = e["name"]
            with self.subTest(model=name):
                base = os.path.join(self.tmp.name, name)
                x = np.load(base + ".input.npy").astype(np.float64)
                want = np.load(base + ".expected.npy").astype(np.float64)
                m = load_keras_json(base + ".json", sequence_length=e["sequence_length"] or 1)
                self.assertEqual(cpp_type(m.nodes, ""), EXPECTED_CPP[name])
                x = ctinfer_input(name, x)
                self.assertEqual(list(m.input_shape), list(x.shape))
                self.assertEqual(list(m.output_shape), e["output_shape"])
                self.assertEqual(m.source, name + ".json")
                got = run_model(m, x)
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    def test_streaming_prefix(self):
        # A model converted with sequence_length 1 run frame by frame is not what this numpy
        # reference can do (it has no state), but running the first t frames as a whole
        # sequence must give the first t rows: causality of the converted conv/recurrent nets.
        for name in ("conv1d", "amp_conv_gru", "amp_lstm"):
            base = os.path.join(self.tmp.name, name)
            x = np.load(base + ".input.npy").astype(np.float64)
            full = run_model(load_keras_json(base + ".json", sequence_length=len(x)), ctinfer_input(name, x))
            for t in (1, 5):
                part = run_model(load_keras_json(base + ".json", sequence_length=t), ctinfer_input(name, x[:t]))
                np.testing.assert_allclose(part, full[:t], rtol=1e-12, atol=1e-12)

    def test_default_sequence_length_is_one_frame(self):
        m = load_keras_json(os.path.join(self.tmp.name, "amp_lstm.json"))
        self.assertEqual(m.input_shape, (1, 1))
        self.assertEqual(m.output_shape, (1, 1))
        n = sum(p.size for p in flat_params(m.nodes))
        self.assertEqual(n, 4 * 20 * (1 + 20 + 2) + 20 + 1)
        m = load_keras_json(os.path.join(self.tmp.name, "conv1d.json"))
        self.assertTrue(any("built for 16 frames" in line for line in m.notes))
        self.assertEqual(m.input_shape, (2, 1))       # channels-first input: (F, T)
        self.assertTrue(any("(2, 1), features first" in line for line in m.notes))


RTNEURAL_DIR = os.environ.get("RTNEURAL_DIR", "")


@unittest.skipUnless(RTNEURAL_DIR and os.path.isdir(os.path.join(RTNEURAL_DIR, "models")),
                     "set RTNEURAL_DIR to an RTNeural checkout to check its Keras-exported test models")
class RTNeuralModels(unittest.TestCase):
    """RTNeural's own test models (models/NAME.json, exported from real Keras models) against the
    Keras outputs it ships (test_data/NAME_x_python.csv, NAME_y_python.csv). Read from a user's
    checkout at test time; nothing of RTNeural is stored here."""

    def test_keras_outputs(self):
        for name in ("dense", "conv", "gru", "lstm", "gru_1d", "lstm_1d"):
            with self.subTest(model=name):
                data = os.path.join(RTNEURAL_DIR, "test_data")
                x = np.loadtxt(os.path.join(data, name + "_x_python.csv"))
                want = np.loadtxt(os.path.join(data, name + "_y_python.csv"))
                path = os.path.join(RTNEURAL_DIR, "models", name + ".json")
                if name == "dense":                # in_shape [null, 1]: one vector per sample
                    m = load_keras_json(path)
                    got = np.array([run_model(m, np.array([v]))[0] for v in x])
                else:
                    m = load_keras_json(path, sequence_length=len(x))
                    got = run_model(m, x.reshape(-1, 1)).reshape(-1)
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# ---- error paths ---------------------------------------------------------------------------------

def _dense(fin, fout, act=""):
    return {"type": "dense", "activation": act, "shape": [None, None, fout],
            "weights": [np.zeros((fin, fout)).tolist(), np.zeros(fout).tolist()]}


class Errors(unittest.TestCase):
    def convert(self, doc, **kw):
        return convert_keras_dict(doc, **kw)

    def assertRefused(self, doc, *words, **kw):
        with self.assertRaises(ConversionError) as cm:
            self.convert(doc, **kw)
        msg = str(cm.exception)
        for w in words:
            self.assertIn(w, msg)
        return msg

    def test_unknown_layer_type(self):
        doc = {"in_shape": [None, None, 2], "layers": [_dense(2, 3), {"type": "unknown", "activation": "",
                                                                       "shape": [None, None, 3], "weights": []}]}
        msg = self.assertRefused(doc, "layers[1]", "'unknown'", "type", "supported types", "dense", "lstm")
        self.assertIn("Dropout", msg)
        doc["layers"][1]["type"] = "conv2d"
        self.assertRefused(doc, "layers[1]", "conv2d", "Conv2D")

    def test_unknown_activation(self):
        doc = {"in_shape": [None, 2], "layers": [_dense(2, 3, "swish")]}
        doc["layers"][0]["shape"] = [None, 3]
        self.assertRefused(doc, "layers[0] ('dense')", "activation", "'swish'", "elu, relu, sigmoid, softmax, tanh")
        doc["layers"][0]["activation"] = "linear"
        self.assertEqual(cpp_type(self.convert(doc).nodes, ""), "Dense<3>")

    def test_gru_with_1d_bias(self):
        h, f = 4, 2
        gru = {"type": "gru", "activation": "tanh", "shape": [None, None, h],
               "weights": [np.zeros((f, 3 * h)).tolist(), np.zeros((h, 3 * h)).tolist(), np.zeros(3 * h).tolist()]}
        self.assertRefused({"in_shape": [None, None, f], "layers": [gru]},
                           "layers[0] ('gru')", "bias", "reset_after=False", "reset_after=True", "[2, 12]")

    def test_recurrent_cell_activation(self):
        h, f = 3, 2
        lstm = {"type": "lstm", "activation": "relu", "shape": [None, None, h],
                "weights": [np.zeros((f, 4 * h)).tolist(), np.zeros((h, 4 * h)).tolist(), np.zeros(4 * h).tolist()]}
        self.assertRefused({"in_shape": [None, None, f], "layers": [lstm]}, "layers[0] ('lstm')", "activation", "tanh")

    def test_malformed_json(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "bad.json")
            with open(p, "w") as f:
                f.write('{"in_shape": [null, 1], "layers": [')
            with self.assertRaises(ConversionError) as cm:
                load_keras_json(p)
            self.assertIn("not valid JSON", str(cm.exception))
            self.assertIn("bad.json", str(cm.exception))
            with self.assertRaises(ConversionError) as cm:
                load_keras_json(os.path.join(d, "missing.json"))
            self.assertIn("cannot read", str(cm.exception))
        self.assertRefused([1, 2], "top level", "in_shape")
        self.assertRefused({"in_shape": [None, 1]}, "'layers' is missing")
        self.assertRefused({"weight": [1.0], "bias": [0.0]}, "state_dict")
        self.assertRefused({"in_shape": [None, 1, 2, 3], "layers": [_dense(3, 1)]}, "in_shape", "conv2d")
        self.assertRefused({"in_shape": [None, "x"], "layers": [_dense(3, 1)]}, "in_shape", "positive integer")
        self.assertRefused({"in_shape": [None, 2], "layers": ["dense"]}, "layers[0]", "JSON object")

    def test_wrong_weight_shapes(self):
        d = _dense(3, 4)                       # the model's input has 2 features, the kernel 3 rows
        self.assertRefused({"in_shape": [None, None, 2], "layers": [d]},
                           "layers[0] ('dense')", "weights[0] (kernel)", "expected shape [2, 4]", "got [3, 4]")
        d = _dense(2, 4)
        d["weights"][1] = [0.0] * 5
        self.assertRefused({"in_shape": [None, None, 2], "layers": [d]}, "weights[1] (bias)", "[4]", "[5]")
        d = _dense(2, 4)
        d["weights"][0] = [[0.0, 1.0], [2.0]]
        self.assertRefused({"in_shape": [None, None, 2], "layers": [d]}, "weights[0]", "ragged")
        conv = {"type": "conv1d", "activation": "", "shape": [None, None, 4], "kernel_size": [3],
                "dilation": [1], "groups": 1, "weights": [np.zeros((2, 2, 4)).tolist(), np.zeros(4).tolist()]}
        self.assertRefused({"in_shape": [None, None, 2], "layers": [conv]},
                           "layers[0] ('conv1d')", "kernel", "[3, 2, 4]", "[2, 2, 4]")
        bn = {"type": "batchnorm", "activation": "", "shape": [None, None, 2], "epsilon": 0.001,
              "weights": [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]}
        self.assertRefused({"in_shape": [None, None, 2], "layers": [bn]}, "layers[0] ('batchnorm')",
                           "3 arrays", "center/scale")
        bn["weights"] = [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
        self.assertRefused({"in_shape": [None, None, 2], "layers": [bn]}, "moving_mean", "[2]", "[3]")
        prelu = {"type": "prelu", "activation": "", "shape": [None, 5, 2], "weights": [[[0.1, 0.2], [0.3, 0.2]]]}
        self.assertRefused({"in_shape": [None, 5, 2], "layers": [prelu]}, "layers[0] ('prelu')", "alpha",
                           "shared_axes=[1]")

    def test_other_refusals(self):
        conv = {"type": "conv1d", "activation": "", "shape": [None, 4], "kernel_size": [1],
                "dilation": [1], "weights": [np.zeros((1, 2, 4)).tolist(), np.zeros(4).tolist()]}
        self.assertRefused({"in_shape": [None, 2], "layers": [conv]}, "layers[0] ('conv1d')", "time axis")
        conv["shape"] = [None, None, 4]
        conv["padding"] = "same"
        self.assertRefused({"in_shape": [None, None, 2], "layers": [conv]}, "padding", "causal")
        bn = {"type": "batchnorm", "activation": "", "shape": [None, 2], "weights": [[0.0, 0.0], [1.0, 1.0]]}
        self.assertRefused({"in_shape": [None, 2], "layers": [bn]}, "epsilon", "missing")
        bn["epsilon"] = -1.0
        self.assertRefused({"in_shape": [None, 2], "layers": [bn]}, "epsilon", "positive")
        self.assertRefused({"in_shape": [None, 2], "layers": [_dense(2, 1)]}, "shape")   # rank 3 on a rank-2 model
        with self.assertRaises(ConversionError):
            self.convert({"in_shape": [None, None, 2], "layers": [_dense(2, 1)]}, sequence_length=0)
        d = _dense(2, 1)
        d["shape"] = [None, 1]
        self.assertRefused({"in_shape": [None, 2], "layers": [d]}, "sequence_length", sequence_length=4)

    def test_epsilon_spelling(self):
        def bn(eps):
            return {"in_shape": [None, 2], "layers": [{"type": "batchnorm", "activation": "", "shape": [None, 2],
                                                       "epsilon": eps, "weights": [[0.0, 0.0], [1.0, 1.0]]}]}
        self.assertEqual(self.convert(bn(1e-5)).nodes[0].cpp, "BatchNorm")
        self.assertEqual(self.convert(bn(0.001)).nodes[0].cpp, "BatchNorm::with<std::ratio<1, 1000>>")
        self.assertEqual(self.convert(bn(5.0)).nodes[0].cpp, "BatchNorm::with<std::ratio<5, 1>>")
        self.assertEqual(self.convert(bn(1.001e-5)).nodes[0].cpp, "BatchNorm::with<std::ratio<1001, 100000000>>")
        self.assertRefused(bn(1e-300), "epsilon", "std::ratio")
        m = self.convert(bn(0.001))             # non-affine: gamma 1, beta 0 supplied
        np.testing.assert_array_equal(m.nodes[0].params[0], [1.0, 1.0])
        np.testing.assert_array_equal(m.nodes[0].params[1], [0.0, 0.0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
