#!/usr/bin/python3
"""Train a small CNN on scikit-learn's 8x8 digits with PyTorch and export it to ONNX.

Writes, into the directory given as the first argument (run.sh: build-demo/digits):
  digits.onnx          the trained net, (1, 1, 8, 8) -> (1, 10) logits; ctinfer_add_model
                       converts it to a C++ header at build time
  test_images.f32      the held-out images, float32, (n, 1, 8, 8), pixels scaled to [0, 1]
  test_labels.u8       their labels, one byte each
  torch_logits.f32     PyTorch's logits for them, float32, (n, 10)
  torch_time.txt       PyTorch's time per image in microseconds (batch 1, one thread)

Seeded and single-threaded, so every run trains the same net; about 10 s of CPU.
"""
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(1)  # one thread: repeatable results, and the timing below is per core

digits = load_digits()  # the copy shipped inside scikit-learn; no download
x = (digits.images / 16.0).astype(np.float32)[:, None]  # (n, 1, 8, 8), channels first
y = digits.target.astype(np.int64)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)

model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),  # (8, 4, 4)
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),                    # (16, 2, 2)
    nn.Flatten(), nn.Linear(64, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
for epoch in range(40):  # minibatches of 32 in a seeded random order
    for idx in torch.randperm(len(xt)).split(32):
        opt.zero_grad()
        nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
        opt.step()
model.eval()  # BatchNorm uses its running statistics from here on, as the export does

test = torch.from_numpy(x_test)
with torch.inference_mode():
    logits = model(test)
    accuracy = float((logits.argmax(dim=1).numpy() == y_test).mean())
    # PyTorch at batch 1, one image per call, as an application classifying one image at a
    # time would run it: warm up, then the median of 7 passes over the held-out split.
    images = [test[i:i + 1] for i in range(len(test))]
    for img in images[:200]:
        model(img)
    passes = []
    for _ in range(7):
        start = time.perf_counter()
        for img in images:
            model(img)
        passes.append((time.perf_counter() - start) / len(images) * 1e6)
    per_image_us = statistics.median(passes)

buf = io.BytesIO()
torch.onnx.export(model, test[:1], buf, opset_version=13, input_names=["image"], output_names=["logits"])
onnx_file = out / "digits.onnx"
if not onnx_file.exists() or onnx_file.read_bytes() != buf.getvalue():
    onnx_file.write_bytes(buf.getvalue())  # unchanged (seeded): no reconversion, no recompile
x_test.tofile(out / "test_images.f32")
y_test.astype(np.uint8).tofile(out / "test_labels.u8")
logits.numpy().astype(np.float32).tofile(out / "torch_logits.f32")
(out / "torch_time.txt").write_text(f"{per_image_us:.4f}\n")
print(f"PyTorch {torch.__version__}: trained a CNN with {sum(p.numel() for p in model.parameters())} "
      f"parameters; test accuracy {accuracy * 100:.2f}% on {len(x_test)} images, "
      f"{per_image_us:.2f} us per image (batch 1, one thread)")
