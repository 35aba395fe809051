"""The command line of ctinfer-convert (see --help)."""

import argparse
import os
import sys
import tempfile

from .model import ConversionError, flat_params

DESCRIPTION = """\
Convert a trained model to a ctinfer header: the model as a C++ type and its weights as
constexpr data (hexadecimal float literals, so every weight is exact).

  ctinfer-convert model.onnx --name digits -o digits.hpp
  ctinfer-convert model.json --name amp -o amp.hpp            (Keras/RTNeural JSON)

The header defines, in namespace NAME:
  using model = ctinfer::Sequential<ctinfer::Input<...>, ...>;
  inline constexpr ctinfer::params_t<model> params{...};
and is used as  ctinfer::Model<NAME::model> m{NAME::params};
Input and output have the source model's shapes without the batch axis.

Anything that cannot be converted exactly (an operator, an attribute value, a dynamic shape)
stops the conversion with a message naming the node and what is supported, exit status 1,
and no file written."""


def _shape(text):
    try:
        dims = tuple(int(d) for d in text.replace("x", ",").split(",") if d.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of extents such as 28,28")
    if not dims or any(d <= 0 for d in dims):
        raise argparse.ArgumentTypeError(f"'{text}': extents must be positive")
    return dims


def _identifier(text):
    import keyword
    if not text.isidentifier() or keyword.iskeyword(text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a C++ identifier")
    return text


def parser():
    p = argparse.ArgumentParser(prog="ctinfer-convert", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="the model: an .onnx file, or a Keras/RTNeural .json file")
    p.add_argument("--name", required=True, type=_identifier,
                   help="the C++ namespace of the generated model (an identifier)")
    p.add_argument("-o", "--output", help="the header to write (default: NAME.hpp)")
    p.add_argument("--element", choices=("float", "double"), default="float",
                   help="the network's element type (default float; the weights are float32 "
                        "values either way)")
    p.add_argument("--weights-cpp", metavar="FILE.cpp",
                   help="write the weights into FILE.cpp (compile and link it once) and only "
                        "declare them in the header: for large models, so the weights are parsed "
                        "in one translation unit")
    p.add_argument("--blob", metavar="FILE.bin",
                   help="also write the weights as a ctinfer blob for ctinfer::load_blob "
                        "(run-time loading; see docs/blobs.md)")
    p.add_argument("--input-shape", type=_shape, metavar="D0,D1,...",
                   help="ONNX: the input's extents without the batch axis, for models exported "
                        "with dynamic axes (e.g. a sequence length)")
    p.add_argument("--sequence-length", type=int, default=1, metavar="T",
                   help="Keras/RTNeural JSON with recurrent or conv1d layers: the time steps of "
                        "the (T, features) input (default 1: one frame, for Model::step)")
    return p


def convert(args):
    path = args.model
    if path.endswith(".json"):
        from .keras_import import load_keras_json
        model = load_keras_json(path, sequence_length=args.sequence_length)
    else:
        from .onnx_import import load_onnx
        model = load_onnx(path, input_shape=args.input_shape)
    return model


def _write_atomically(path, data):
    """Write through a temporary file in the same directory, then rename: a reader never sees
    half a file, and a failure leaves the previous file as it was."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".ctinfer-convert-")
    try:
        with os.fdopen(fd, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)     # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main(argv=None):
    args = parser().parse_args(argv)
    output = args.output or f"{args.name}.hpp"
    try:
        model = convert(args)
        from .emit import header_text, weights_text
        command = "ctinfer-convert " + " ".join(sys.argv[1:] if argv is None else argv)
        header = header_text(model, args.name, args.element, args.weights_cpp, command)
        weights = weights_text(model, args.name, output, args.element) if args.weights_cpp else None
        blob = None
        if args.blob:
            from .blob import blob_bytes
            blob = blob_bytes(model.input_shape, model.output_shape,
                              flat_params(model.nodes),
                              "float32" if args.element == "float" else "float64")
    except ConversionError as e:
        print(f"ctinfer-convert: {args.model}: {e}", file=sys.stderr)
        print("ctinfer-convert: nothing written", file=sys.stderr)
        return 1
    # Everything is computed before the first file is written.
    _write_atomically(output, header)
    if weights is not None:
        _write_atomically(args.weights_cpp, weights)
    if blob is not None:
        _write_atomically(args.blob, blob)
    count = sum(t.size for t in flat_params(model.nodes))
    print(f"ctinfer-convert: wrote {output} ({args.name}::model, {count} parameters)"
          + (f", {args.weights_cpp}" if weights is not None else "")
          + (f", {args.blob}" if blob is not None else ""))
    return 0
