#!/usr/bin/python3
"""The Python blob writer (tools/ctinfer_convert/blob.py) on its own: the signature against
FNV-1a's published test vectors and the documented example, the layout byte by byte, and
read_blob's checks. The C++ side loads the writer's blobs in tests/test_blob.cpp.

    /usr/bin/python3 tests/converter/test_blob_writer.py
"""
import io
import os
import struct
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from ctinfer_convert import blob  # noqa: E402


class BlobWriterTest(unittest.TestCase):
    def test_fnv1a_vectors(self):
        self.assertEqual(blob.fnv1a64(b""), 0xcbf29ce484222325)
        self.assertEqual(blob.fnv1a64(b"a"), 0xaf63dc4c8601ec8c)
        self.assertEqual(blob.fnv1a64(b"foobar"), 0x85944171f73967e8)

    def test_signature_example(self):
        self.assertEqual(blob.signature_text((4,), (3,), (12, 3)),
                         "ctinfer-model;in=4;out=3;tensors=12,3")
        self.assertEqual(blob.signature((4,), (3,), (12, 3)), 0x89d17cc46a69cf14)
        self.assertEqual(blob.signature_text((1, 8, 8), (10,), []),
                         "ctinfer-model;in=1,8,8;out=10;tensors=")
        self.assertNotEqual(blob.signature((4,), (5,), (20, 5)), blob.signature((4,), (3,), (12, 3)))

    def test_layout(self):
        w = np.arange(12, dtype=np.float64).reshape(3, 4) * 0.5
        b = np.array([1.0, -2.0, 3.5])
        f = io.BytesIO()
        n = blob.write_blob(f, (4,), (3,), [w, b])
        data = f.getvalue()
        self.assertEqual(n, len(data))
        self.assertEqual(len(data), 48 + 8 * 2 + 15 * 4)
        self.assertEqual(data[:8], b"CTINFER\x1a")
        version, code, sig, count, total, check = struct.unpack_from("<IIQQQQ", data, 8)
        self.assertEqual((version, code, sig, count, total), (1, 1, 0x89d17cc46a69cf14, 2, 15))
        self.assertEqual(check, blob.fnv1a64(data[48:]))
        self.assertEqual(struct.unpack_from("<2Q", data, 48), (12, 3))
        self.assertEqual(struct.unpack_from("<15f", data, 64), tuple(w.reshape(-1)) + tuple(b))
        back = blob.read_blob(data)
        self.assertEqual(back["sizes"], [12, 3])
        np.testing.assert_array_equal(back["tensors"][0], w.reshape(-1))

    def test_float64_and_errors(self):
        data = blob.blob_bytes((2,), (1,), [np.ones((1, 2)), np.zeros(1)], "float64")
        self.assertEqual(struct.unpack_from("<I", data, 12)[0], 2)
        self.assertEqual(len(data), 48 + 16 + 3 * 8)
        self.assertEqual(blob.read_blob(data)["dtype"], "float64")
        with self.assertRaises(ValueError):
            blob.blob_bytes((2,), (1,), [np.ones(2)], "float16")
        with self.assertRaises(ValueError):
            blob.signature((2.5,), (1,), [2])
        corrupt = bytearray(data)
        corrupt[-1] ^= 1
        with self.assertRaisesRegex(ValueError, "checksum"):
            blob.read_blob(bytes(corrupt))
        with self.assertRaisesRegex(ValueError, "magic"):
            blob.read_blob(b"X" + data[1:])
        with self.assertRaisesRegex(ValueError, "length"):
            blob.read_blob(data[:-1])

    def test_path(self):
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "w.bin")
            blob.write_blob(p, (4,), (3,), [np.zeros((3, 4)), np.zeros(3)])
            with open(p, "rb") as f:
                self.assertEqual(blob.read_blob(f.read())["signature"], 0x89d17cc46a69cf14)

    def test_model(self):
        from ctinfer_convert.model import Layer, Model
        m = Model(input_shape=(4,), output_shape=(3,),
                  nodes=[Layer("Dense<3>", [np.ones((3, 4)), np.zeros(3)]), Layer("ReLU")])
        f = io.BytesIO()
        blob.write_model_blob(f, m)
        self.assertEqual(blob.read_blob(f.getvalue())["signature"], 0x89d17cc46a69cf14)


if __name__ == "__main__":
    unittest.main()
