#!/usr/bin/python3
"""tools/ctinfer-convert refuses what it cannot convert exactly, and says why.

Every case runs the command line as a user does and checks: exit status 1, a message on
stderr naming the node, the op or attribute and what is supported, and no file written (an
existing output file keeps its contents). Small ONNX graphs are built here with onnx.helper;
truncated and corrupt files are cut from tests/models/mlp.onnx.

    /usr/bin/python3 tests/converter/test_converter_errors.py      (also run by ctest)
"""

import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONVERT = os.path.join(ROOT, "tools", "ctinfer-convert")
MLP = os.path.join(ROOT, "tests", "models", "mlp.onnx")


def graph(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs,
                          [numpy_helper.from_array(np.asarray(v, dtype=np.float32), n) for n, v in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


class Convert(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.out = os.path.join(self.dir.name, "net.hpp")

    def tearDown(self):
        self.dir.cleanup()

    def run_convert(self, model_or_path, *extra):
        if isinstance(model_or_path, onnx.ModelProto):
            path = os.path.join(self.dir.name, "model.onnx")
            onnx.save(model_or_path, path)
        else:
            path = model_or_path
        return subprocess.run([sys.executable, CONVERT, path, "--name", "net", "-o", self.out, *extra],
                              capture_output=True, text=True)

    def refused(self, model_or_path, *words, extra=()):
        with open(self.out, "w") as f:
            f.write("// the user's previous file\n")
        r = self.run_convert(model_or_path, *extra)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for w in words:
            self.assertIn(w, r.stderr)
        self.assertIn("nothing written", r.stderr)
        with open(self.out) as f:
            self.assertEqual(f.read(), "// the user's previous file\n")
        inputs = {os.path.basename(model_or_path) if isinstance(model_or_path, str) else "model.onnx"}
        self.assertEqual(set(os.listdir(self.dir.name)) - inputs, {"net.hpp"})
        return r.stderr

    # --- what works, for contrast
    def test_converts_a_dense_net(self):
        m = graph([helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc", transB=1),
                   helper.make_node("Relu", ["h"], ["y"], name="act")],
                  [vi("x", [1, 3])], [vi("y", [1, 2])],
                  [("w", np.arange(6).reshape(2, 3) / 8), ("b", [0.5, -0.25])])
        r = self.run_convert(m)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = open(self.out).read()
        self.assertIn("ctinfer::Input<ctinfer::Shape<3>>", text)
        self.assertIn("ctinfer::Dense<2>", text)
        self.assertIn("ctinfer::ReLU", text)
        self.assertIn("0x1p-3f", text)          # 1/8 as an exact hex float
        self.assertIn("-0x1p-2f", text)         # the bias -0.25

    def test_help_explains_every_option(self):
        r = subprocess.run([sys.executable, CONVERT, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        for opt in ("--name", "--output", "--element", "--weights-cpp", "--blob", "--input-shape",
                    "--sequence-length"):
            self.assertIn(opt, r.stdout)

    # --- refusals
    def test_unsupported_op_names_node_op_and_the_supported_list(self):
        m = graph([helper.make_node("Cos", ["x"], ["y"], name="my_cos")],
                  [vi("x", [1, 4])], [vi("y", [1, 4])])
        err = self.refused(m, "node 'my_cos' (Cos)", "op Cos is not supported", "Supported:", "Conv")

    def test_unsupported_attribute_value(self):
        m = graph([helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=1)],
                  [vi("x", [1, 3, 4, 4])], [vi("y", [1, 3, 4, 4])])
        self.refused(m, "node 'sm' (Softmax)", "axis=1", "last axis")

    def test_clip_that_is_not_relu6(self):
        m = graph([helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="clip")],
                  [vi("x", [1, 4])], [vi("y", [1, 4])], [("lo", -1.0), ("hi", 1.0)])
        self.refused(m, "node 'clip' (Clip)", "ReLU6")

    def test_gru_with_onnx_default_reset(self):
        H, F = 2, 3
        m = graph([helper.make_node("GRU", ["x", "W", "R"], ["y"], name="gru", hidden_size=H)],
                  [vi("x", [5, 1, F])], [vi("y", [5, 1, 1, H])],
                  [("W", np.zeros((1, 3 * H, F))), ("R", np.zeros((1, 3 * H, H)))])
        self.refused(m, "node 'gru' (GRU)", "linear_before_reset=0", "PyTorch")

    def test_batchnorm_variance_negative_or_nan(self):
        def bn(var):
            return graph([helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn")],
                         [vi("x", [1, 2, 3, 3])], [vi("y", [1, 2, 3, 3])],
                         [("s", [1.0, 1.0]), ("b", [0.0, 0.0]), ("m", [0.0, 0.0]), ("v", var)])
        self.refused(bn([1.0, -0.5]), "node 'bn' (BatchNormalization)", "input_var[1] = -0.5",
                     "negative or NaN")
        self.refused(bn([float("nan"), 1.0]), "node 'bn' (BatchNormalization)", "input_var[0] = nan")
        r = self.run_convert(bn([0.0, 2.0]))  # a zero variance is valid (epsilon keeps it finite)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ctinfer::BatchNorm", open(self.out).read())

    def test_weights_that_depend_on_the_input(self):
        m = graph([helper.make_node("MatMul", ["x", "x2"], ["y"], name="mm"),
                   ],
                  [vi("x", [1, 4])], [vi("y", [1, 4])])
        m.graph.input.append(vi("x2", [4, 4]))
        self.refused(m, "2 inputs", "one")

    def test_dynamic_extent_asks_for_input_shape(self):
        m = graph([helper.make_node("Relu", ["x"], ["y"], name="r")],
                  [vi("x", ["N", "T", 4])], [vi("y", ["N", "T", 4])])
        self.refused(m, "dynamic extent 'T'", "--input-shape")
        r = self.run_convert(m, "--input-shape", "7,4")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ctinfer::Shape<7, 4>", open(self.out).read())

    def test_several_outputs(self):
        m = graph([helper.make_node("Relu", ["x"], ["y"], name="r"),
                   helper.make_node("Sigmoid", ["x"], ["z"], name="s")],
                  [vi("x", [1, 4])], [vi("y", [1, 4]), vi("z", [1, 4])])
        self.refused(m, "2 outputs", "export only the output you need")

    def test_fork_that_joins_with_a_mul(self):
        m = graph([helper.make_node("Relu", ["x"], ["a"], name="r"),
                   helper.make_node("Sigmoid", ["x"], ["b"], name="s"),
                   helper.make_node("Mul", ["a", "b"], ["y"], name="join")],
                  [vi("x", [1, 4])], [vi("y", [1, 4])])
        self.refused(m, "node 'join' (Mul)", "op Mul is not supported")

    def test_unknown_domain(self):
        m = graph([helper.make_node("Relu", ["x"], ["y"], name="r")],
                  [vi("x", [1, 4])], [vi("y", [1, 4])])
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
        self.refused(m, "domain 'com.microsoft'")

    def test_truncated_file(self):
        data = open(MLP, "rb").read()
        path = os.path.join(self.dir.name, "cut.onnx")
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        self.refused(path, "cut.onnx", "not a readable ONNX model")
        os.remove(path)

    def test_corrupt_file(self):
        path = os.path.join(self.dir.name, "noise.onnx")
        with open(path, "wb") as f:
            f.write(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
        err = self.refused(path, "noise.onnx")
        self.assertTrue("not a readable ONNX model" in err or "checker" in err, err)
        os.remove(path)

    def test_missing_file(self):
        self.refused(os.path.join(self.dir.name, "absent.onnx"), "no such file")

    def test_bad_name(self):
        r = subprocess.run([sys.executable, CONVERT, MLP, "--name", "3d-net"], capture_output=True,
                           text=True, cwd=self.dir.name)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a C++ identifier", r.stderr)
        self.assertEqual(os.listdir(self.dir.name), [])


if __name__ == "__main__":
    unittest.main(verbosity=1)
