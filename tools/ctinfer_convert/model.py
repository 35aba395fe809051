"""The converter's model: what every importer produces and every writer consumes.

A model is an input shape (ctinfer's: no batch axis) and a list of nodes. A node is a Layer
(one ctinfer layer: its C++ spelling without the namespace, e.g. "Conv2D<8, Kernel<3, 3>>",
and its parameter tensors in ctinfer's load_flat order), a Residual (body, optional shortcut)
or a Concat (branches), each holding lists of nodes. Writers flatten the parameters
depth-first in the order written, which is ctinfer's params_t order.
"""

from dataclasses import dataclass, field

import numpy as np


class ConversionError(Exception):
    """A model that cannot be converted exactly. The message names the node, the op or
    attribute, and what is supported; the command line prints it and writes nothing."""


@dataclass
class Layer:
    cpp: str                     # "Dense<10>", "Conv2D<8, Kernel<3, 3>, Pad<1, 1>>", ...
    params: list = field(default_factory=list)   # numpy arrays, load_flat order, any shape
    source: str = ""             # where it came from (ONNX node names, JSON layer index)
    parts: int = 1               # sub-structs of its params (Bidirectional: 2, forward then
                                 # reverse, each holding half of the tensors)


@dataclass
class Residual:
    body: list
    shortcut: list = None        # None: the identity


@dataclass
class Concat:
    branches: list               # each a list of nodes; [] is the identity


@dataclass
class Model:
    input_shape: tuple           # ctinfer's input shape (no batch axis)
    output_shape: tuple          # what the source model says the output is (no batch axis)
    nodes: list
    source: str = ""             # file name, for the header's comment
    notes: list = field(default_factory=list)   # lines for the header's comment


def flat_params(nodes):
    """Every parameter tensor, depth-first in the order written (ctinfer's params_t order),
    as a list of float64 numpy arrays flattened row-major."""
    return [t for _, tensors in layer_params(nodes) for t in tensors]


def layer_params(nodes):
    """The parameter tensors grouped per parameterised layer, in params_t order: a list of
    (Layer, [flat float64 arrays])."""
    out = []
    for node in nodes:
        if isinstance(node, Layer):
            if node.params:
                out.append((node, [np.asarray(p, dtype=np.float64).reshape(-1) for p in node.params]))
        elif isinstance(node, Residual):
            out.extend(layer_params(node.body))
            if node.shortcut is not None:
                out.extend(layer_params(node.shortcut))
        elif isinstance(node, Concat):
            for branch in node.branches:
                out.extend(layer_params(branch))
    return out


def cpp_type(nodes, ns="ctinfer::"):
    """The C++ spelling of a list of nodes as Sequential elements (comma-separated)."""
    return ", ".join(_cpp_node(n, ns) for n in nodes)


def _qualify(cpp, ns):
    # Qualify every ctinfer name in a layer spelling: "Conv2D<8, Kernel<3, 3>>" ->
    # "ctinfer::Conv2D<8, ctinfer::Kernel<3, 3>>". Names start with an upper-case letter;
    # std::ratio is written in full by importers.
    import re
    return re.sub(r"(?<![\w:])([A-Z]\w*)", lambda m: ns + m.group(1), cpp)


def _cpp_block(nodes, ns):
    if len(nodes) == 1 and isinstance(nodes[0], Layer):
        return _qualify(nodes[0].cpp, ns)
    return f"{ns}Sequential<{cpp_type(nodes, ns)}>"


def _cpp_node(node, ns):
    if isinstance(node, Layer):
        return _qualify(node.cpp, ns)
    if isinstance(node, Residual):
        if node.shortcut is None:
            return f"{ns}Residual<{_cpp_block(node.body, ns)}>"
        return f"{ns}Residual<{_cpp_block(node.body, ns)}, {_cpp_block(node.shortcut, ns)}>"
    if isinstance(node, Concat):
        return f"{ns}Concat<{', '.join(_cpp_block(b, ns) for b in node.branches)}>"
    raise TypeError(f"not a node: {node!r}")
