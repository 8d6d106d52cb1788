"""Seed-CNN training step time in PyTorch (CPU), the reference for `pnpm bench:train`.

Usage: python3 torch_step.py --frames 44 --batch 32 --classes 10 --warmup 3 --steps 10 --threads 2
Prints one JSON line: {"frames", "batch", "threads", "torch", "step_ms": [...], "median_ms"}.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


def seed_cnn(n_mels: int, n_frames: int, n_classes: int) -> nn.Module:
    flat = 32 * (n_mels // 4) * (n_frames // 4)
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Linear(128, n_classes),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mels", type=int, default=128)
    parser.add_argument("--frames", type=int, default=44)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = seed_cnn(args.mels, args.frames, args.classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(args.batch, 1, args.mels, args.frames)
    y = torch.randint(0, args.classes, (args.batch,))

    def step() -> float:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "frames": args.frames, "batch": args.batch, "threads": args.threads,
        "torch": torch.__version__, "step_ms": times, "median_ms": statistics.median(times),
    }))


if __name__ == "__main__":
    main()
