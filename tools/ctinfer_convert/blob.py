"""ctinfer weight blobs (format version 1): the writer, and the model signature.

A blob holds every parameter tensor of one network in ctinfer's params_t order (the order
load_flat takes), checked by ctinfer::load_blob<Net> before it writes anything. The layout
(all integers little-endian, no padding) is documented in include/ctinfer/io/blob.hpp and
docs/blobs.md:

    0   8   magic b"CTINFER\\x1a"
    8   4   u32 format version (1)
    12  4   u32 element type (1 = float32, 2 = float64)
    16  8   u64 model signature
    24  8   u64 tensor count n
    32  8   u64 total number of values
    40  8   u64 FNV-1a 64 of every byte from offset 48 to the end
    48  8n  u64 size of each tensor (values)
    ..      the values, tensor after tensor, little-endian

Pure numpy and the standard library.
"""

import struct

import numpy as np

MAGIC = b"CTINFER\x1a"
FORMAT_VERSION = 1
HEADER_SIZE = 48
ELEMENT_CODES = {"float32": 1, "float64": 2}
_DTYPES = {"float32": "<f4", "float64": "<f8"}

_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211
_MASK = (1 << 64) - 1


def fnv1a64(data, h=_FNV_OFFSET):
    """FNV-1a 64 of a bytes-like object (continuing from h)."""
    for b in bytes(data):
        h = ((h ^ b) * _FNV_PRIME) & _MASK
    return h


def _checksum(chunks):
    # FNV-1a is a sequential recurrence (no vector form), so this is a Python loop per byte:
    # about 10 MB/s, which is fine for the small and medium nets ctinfer is for.
    h = _FNV_OFFSET
    for c in chunks:
        h = fnv1a64(c, h)
    return h


def _dims(values, what):
    out = []
    for v in values:
        i = int(v)
        if i != v or i < 0:
            raise ValueError(f"{what}: {v!r} is not a non-negative integer")
        out.append(i)
    return out


def signature_text(input_shape, output_shape, tensor_sizes):
    """The text the model signature hashes: "ctinfer-model;in=4;out=3;tensors=12,3"."""
    def join(v, what):
        return ",".join(str(d) for d in _dims(v, what))
    return (f"ctinfer-model;in={join(input_shape, 'input shape')}"
            f";out={join(output_shape, 'output shape')}"
            f";tensors={join(tensor_sizes, 'tensor sizes')}")


def signature(input_shape, output_shape, tensor_sizes):
    """The model signature ctinfer::model_signature_v<Net> computes: FNV-1a 64 of
    signature_text(...). Shapes without the batch axis; tensor sizes in params_t order."""
    return fnv1a64(signature_text(input_shape, output_shape, tensor_sizes).encode("ascii"))


def blob_bytes(input_shape, output_shape, tensors, dtype="float32"):
    """The blob as bytes. tensors: the parameter tensors (any array-likes) in params_t order;
    each is flattened row-major (C order) and converted to dtype."""
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {sorted(_DTYPES)}, not {dtype!r}")
    arrays = [np.ascontiguousarray(np.asarray(t), dtype=_DTYPES[dtype]).reshape(-1) for t in tensors]
    sizes = [a.size for a in arrays]
    body = [struct.pack(f"<{len(sizes)}Q", *sizes)] + [a.tobytes() for a in arrays]
    header = MAGIC + struct.pack(
        "<IIQQQQ", FORMAT_VERSION, ELEMENT_CODES[dtype],
        signature(input_shape, output_shape, sizes), len(sizes), sum(sizes), _checksum(body))
    assert len(header) == HEADER_SIZE
    return b"".join([header] + body)


def write_blob(path_or_file, input_shape, output_shape, tensors, dtype="float32"):
    """Write a blob for ctinfer::load_blob<Net> to a path or a binary file object.
    input_shape and output_shape are the network's (ctinfer::input_shape_t<Net> and
    output_shape_t<Net>, no batch axis); tensors are its parameter tensors in params_t order
    (as model.flat_params gives them). Returns the number of bytes written."""
    data = blob_bytes(input_shape, output_shape, tensors, dtype)
    if hasattr(path_or_file, "write"):
        path_or_file.write(data)
    else:
        with open(path_or_file, "wb") as f:
            f.write(data)
    return len(data)


def read_blob(data):
    """Parse and check a blob (bytes); returns a dict with the header fields and the tensors
    as flat numpy arrays. For tests and inspection; raises ValueError on any inconsistency."""
    data = bytes(data)
    if len(data) < HEADER_SIZE:
        raise ValueError("too short for a ctinfer blob")
    if data[:8] != MAGIC:
        raise ValueError("not a ctinfer blob (bad magic)")
    version, code, sig, n, total, check = struct.unpack_from("<IIQQQQ", data, 8)
    if version != FORMAT_VERSION:
        raise ValueError(f"unsupported format version {version}")
    dtype = {v: k for k, v in ELEMENT_CODES.items()}.get(code)
    if dtype is None:
        raise ValueError(f"unknown element type {code}")
    if len(data) < HEADER_SIZE + 8 * n:
        raise ValueError("truncated tensor-size table")
    sizes = list(struct.unpack_from(f"<{n}Q", data, HEADER_SIZE))
    if sum(sizes) != total:
        raise ValueError("total differs from the sum of the tensor sizes")
    width = np.dtype(_DTYPES[dtype]).itemsize
    if len(data) != HEADER_SIZE + 8 * n + total * width:
        raise ValueError("wrong length")
    if fnv1a64(data[HEADER_SIZE:]) != check:
        raise ValueError("checksum mismatch")
    values = np.frombuffer(data, dtype=_DTYPES[dtype], offset=HEADER_SIZE + 8 * n)
    tensors, at = [], 0
    for s in sizes:
        tensors.append(values[at:at + s])
        at += s
    return {"version": version, "dtype": dtype, "signature": sig, "sizes": sizes,
            "tensors": tensors}


def write_model_blob(path_or_file, model, dtype="float32"):
    """write_blob for a converter Model (tools/ctinfer_convert/model.py): its input and output
    shapes and its parameters in params_t order (model.flat_params)."""
    from .model import flat_params
    return write_blob(path_or_file, model.input_shape, model.output_shape,
                      flat_params(model.nodes), dtype)
