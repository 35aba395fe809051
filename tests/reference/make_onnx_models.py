#!/usr/bin/python3
"""PyTorch models exported to ONNX, for the converter's end-to-end tests.

Each model below is built with seeded random weights (BatchNorm statistics included), put in
eval() mode, exported with torch.onnx.export (opset given per model, 11 to 17) to
OUT_MODELS/<name>.onnx, and run by PyTorch on a seeded random input. FIXTURES/converted.hpp
gets, per model, NAME_input[] and NAME_expected[] (PyTorch's output, float32, without the batch
axis). CMake converts each .onnx with ctinfer_add_model (tools/ctinfer-convert) at build time
and tests/test_converted.cpp compares ctinfer's outputs to PyTorch's.

    /usr/bin/python3 tests/reference/make_onnx_models.py tests/models tests/fixtures

Deterministic (seeded; the exported files are byte-identical run to run with the same PyTorch).
The outputs are committed; CI regenerates them and checks nothing changed.
"""

import io
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
torch.set_num_threads(1)


def randomize(m, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.5 / max(1, p[0].numel()) ** 0.5 if p.dim() > 1 else 0.2))
        for mod in m.modules():
            if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
                mod.running_mean.copy_(torch.randn(mod.running_mean.shape, generator=g) * 0.3)
                mod.running_var.copy_(torch.rand(mod.running_var.shape, generator=g) + 0.5)
    return m.eval()


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.c = nn.Linear(20, 32), nn.Linear(32, 24), nn.Linear(24, 10)
        self.bn = nn.BatchNorm1d(24)

    def forward(self, x):
        x = F.gelu(self.a(x))
        x = F.silu(self.bn(self.b(x)))
        return torch.softmax(self.c(F.leaky_relu(x, 0.1)), dim=-1)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.down is None else self.down(x)))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        self.b1, self.b2 = Block(8, 8, 1), Block(8, 16, 2)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = F.max_pool2d(self.stem(x), 2)
        x = self.b2(self.b1(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class MobileBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(2, 8, 3, 2, 1), nn.BatchNorm2d(8), nn.ReLU6())
        self.expand = nn.Sequential(nn.Conv2d(8, 16, 1, bias=False), nn.BatchNorm2d(16), nn.Hardswish())
        self.dw = nn.Sequential(nn.Conv2d(16, 16, 3, 1, 1, groups=16, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.project = nn.Sequential(nn.Conv2d(16, 8, 1, bias=False), nn.BatchNorm2d(8))
        self.branch_a = nn.Conv2d(8, 4, 1)
        self.branch_b = nn.Sequential(nn.Conv2d(8, 4, 3, padding=1), nn.Hardsigmoid())
        self.up = nn.ConvTranspose2d(16, 6, 2, stride=2)
        self.head = nn.Conv2d(6, 3, 3, padding=1)

    def forward(self, x):
        x = self.stem(x)
        x = x + self.project(self.dw(self.expand(x)))
        x = torch.cat([self.branch_a(x), self.branch_b(x), F.max_pool2d(x, 3, 1, 1)], 1)
        x = F.interpolate(torch.tanh(self.up(x)), scale_factor=2, mode="nearest")
        return self.head(x)


class Conv1dNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(3, 8, 3, dilation=2)
        self.c2 = nn.Conv1d(8, 8, 5, stride=2, padding=2)
        self.glu = nn.Conv1d(8, 12, 3, padding=1)
        self.fc = nn.Linear(6 * 10, 4)
        self.bn = nn.BatchNorm1d(8)

    def forward(self, x):
        x = F.elu(self.c1(F.pad(x, (4, 0))))
        x = F.mish(self.bn(self.c2(x)))
        x = F.glu(self.glu(x), dim=1)
        x = F.avg_pool1d(x, 2)
        return self.fc(torch.flatten(x, 1))


class LSTMNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 16, num_layers=2, batch_first=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc(self.lstm(x)[0])


class GRUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 6, 3)
        self.gru = nn.GRU(6, 12, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(24, 2)

    def forward(self, x):
        y = torch.tanh(self.conv(x)).transpose(1, 2)
        y, _ = self.gru(y)
        return torch.sigmoid(self.fc(y[:, -1]))


class LSTMLast(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8)             # sequence-first input (T, N, F)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.fc(h[-1])


class Activations(nn.Module):
    """Every activation export writes as its own op, and a Concat of two Dense branches."""

    def __init__(self):
        super().__init__()
        self.a, self.b1, self.b2, self.c = nn.Linear(16, 24), nn.Linear(24, 8), nn.Linear(24, 6), nn.Linear(14, 12)
        self.prelu = nn.PReLU()
        self.acts = nn.Sequential(nn.ELU(0.5), nn.SELU(), nn.CELU(1.5), nn.Softplus(), nn.Softsign(),
                                  nn.Hardsigmoid(), nn.GELU(approximate="tanh"), nn.Dropout(0.3),
                                  nn.Identity())

    def forward(self, x):
        h = self.prelu(self.a(x))
        h = torch.cat([torch.tanh(self.b1(h)), self.b2(h)], dim=1)
        return torch.log_softmax(self.acts(self.c(h)), dim=-1)


class Signal1d(nn.Module):
    """Transposed and padded 1-D convolutions, nearest upsampling, per-channel PReLU, average
    pools with and without the padding counted, and an output reshaped to (2, 5)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(2, 6, 3)
        self.pad = nn.ConstantPad1d((2, 1), 0.0)
        self.up = nn.ConvTranspose1d(6, 4, 4, stride=2, padding=1, output_padding=1)
        self.prelu = nn.PReLU(4)
        self.fc = nn.Linear(4 * 22, 10)

    def forward(self, x):
        x = self.up(self.pad(torch.relu(self.c1(x))))
        x = F.interpolate(self.prelu(x), scale_factor=2, mode="nearest")
        x = F.avg_pool1d(x, 3, stride=2, padding=1)
        x = F.avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False)
        return self.fc(torch.flatten(x, 1)).reshape(-1, 2, 5)


class Image2d(nn.Module):
    """Asymmetric zero padding into a convolution, ceil-mode average pooling, a dilated strided
    max pool, and a global max pool."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 6, 3)
        self.pad = nn.ZeroPad2d((1, 2, 0, 1))
        self.c2 = nn.Conv2d(6, 8, 3, stride=2, dilation=1)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = torch.relu(self.c2(self.pad(self.c1(x))))
        x = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
        x = F.max_pool2d(x, 2, stride=1, dilation=1)
        return self.fc(torch.flatten(F.adaptive_max_pool2d(x, 1), 1))


class Recurrent2(nn.Module):
    """A bidirectional LSTM, then a GRU started from a learned initial state."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 6, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(12, 5, batch_first=True)
        self.h0 = nn.Parameter(torch.zeros(1, 1, 5))
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        y, _ = self.lstm(x)
        y, _ = self.gru(y, self.h0)
        return self.fc(y)


MODELS = [
    # name, module factory, input shape (with batch), opset, torch's constant folding
    ("mlp", MLP, (1, 20), 13, True),
    ("resnet", ResNet, (1, 3, 16, 16), 17, True),
    ("mobile", MobileBlock, (1, 2, 12, 12), 13, False),
    ("conv1d", Conv1dNet, (1, 3, 40), 11, True),
    ("lstm", LSTMNet, (1, 12, 5), 14, True),
    ("gru", GRUNet, (1, 2, 14), 15, True),
    ("lstm_last", LSTMLast, (9, 1, 4), 12, True),
    ("activations", Activations, (1, 16), 16, True),
    ("signal1d", Signal1d, (1, 2, 20), 12, True),
    ("image2d", Image2d, (1, 3, 19, 17), 16, True),
    ("recurrent2", Recurrent2, (1, 7, 3), 14, True),
]
NAMES = [m[0] for m in MODELS]


def c_values(a):
    vals = [float(v).hex() for v in np.asarray(a, dtype=np.float32).reshape(-1)]
    lines = [", ".join(v + "f" for v in vals[i:i + 6]) for i in range(0, len(vals), 6)]
    return "{\n    " + ",\n    ".join(lines) + ",\n}"


def main(out_models, fixtures):
    os.makedirs(out_models, exist_ok=True)
    header = ["// Generated by tests/reference/make_onnx_models.py; do not edit.",
              "// PyTorch's inputs and outputs for the ONNX models in tests/models (batch axis dropped).",
              "#pragma once", "", "namespace ctinfer_fixtures::converted {", ""]
    for i, (name, factory, shape, opset, folding) in enumerate(MODELS):
        torch.manual_seed(i)
        m = randomize(factory(), 1000 + i)
        x = torch.randn(shape, generator=torch.Generator().manual_seed(2000 + i))
        with torch.no_grad():
            y = m(x)
        buf = io.BytesIO()
        torch.onnx.export(m, x, buf, opset_version=opset, input_names=["input"],
                          output_names=["output"], do_constant_folding=folding)
        with open(os.path.join(out_models, name + ".onnx"), "wb") as f:
            f.write(buf.getvalue())
        header.append(f"// {name}: {factory.__name__}, input {tuple(shape)}, output {tuple(y.shape)}, opset {opset}")
        header.append(f"inline constexpr float {name}_input[] = {c_values(x.numpy())};")
        header.append(f"inline constexpr float {name}_expected[] = {c_values(y.numpy())};")
        header.append("")
    header.append("}  // namespace ctinfer_fixtures::converted")
    with open(os.path.join(fixtures, "converted.hpp"), "w") as f:
        f.write("\n".join(header) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
