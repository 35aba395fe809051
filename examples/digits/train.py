#!/usr/bin/python3
"""Train a small MLP on scikit-learn's 8x8 digits with PyTorch and hand it to ctinfer.

Writes, into the directory given as the first argument:
  digits_weights.f32   every parameter, float32, in state_dict order (what ci::load_flat takes)
  digits_test.f32      the held-out images, float32, (n, 64), pixels scaled to [0, 1]
  digits_test.labels   their labels, one byte each
  digits_pytorch.txt   PyTorch's accuracy, its predictions, and its time per image (batch 1)

Seeded and single-threaded, so the run is repeatable; it takes a few seconds on 2 cores.
"""
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)
torch.manual_seed(0)
torch.set_num_threads(1)

digits = load_digits()  # the copy shipped inside scikit-learn; no download
x = (digits.data / 16.0).astype(np.float32)
y = digits.target.astype(np.int64)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)

model = torch.nn.Sequential(
    torch.nn.Linear(64, 64), torch.nn.ReLU(),
    torch.nn.Linear(64, 32), torch.nn.ReLU(),
    torch.nn.Linear(32, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
for epoch in range(300):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(xt), yt)
    loss.backward()
    opt.step()
model.eval()

with torch.no_grad():
    test = torch.from_numpy(x_test)
    pred = model(test).argmax(dim=1).numpy()
    accuracy = float((pred == y_test).mean())
    # PyTorch at batch 1, one image per call, as an application would run it.
    for i in range(200):
        model(test[i % len(test)].unsqueeze(0))
    start = time.perf_counter()
    reps = 3
    for _ in range(reps):
        for i in range(len(test)):
            model(test[i].unsqueeze(0))
    per_image_us = (time.perf_counter() - start) / (reps * len(test)) * 1e6

flat = np.concatenate([p.detach().numpy().ravel() for p in model.state_dict().values()]).astype(np.float32)
flat.tofile(out / "digits_weights.f32")
x_test.astype(np.float32).tofile(out / "digits_test.f32")
y_test.astype(np.uint8).tofile(out / "digits_test.labels")
with open(out / "digits_pytorch.txt", "w") as f:
    f.write(f"{accuracy:.6f} {per_image_us:.3f} {len(x_test)}\n")
    f.write(" ".join(str(int(p)) for p in pred) + "\n")
print(f"PyTorch: trained 64-64-32-10 MLP, {len(flat)} parameters; "
      f"test accuracy {accuracy * 100:.2f}% on {len(x_test)} images, {per_image_us:.2f} us per image")
