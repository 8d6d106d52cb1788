"""Training step time in PyTorch (CPU), the reference for `pnpm bench:train`.

The seed CNN (default) or the `cnn` preset of @earshot/model-cnn (--model cnn): conv blocks of
conv 3×3 'same' (no bias) → BatchNorm → ReLU, max-pool 2, dropout; a global head (average ‖ max over
frequency+time, or over time only), dropout, fc to the classes.

Usage: python3 torch_step.py --frames 44 --batch 32 --classes 10 --warmup 3 --steps 10 --threads 2
       python3 torch_step.py --model cnn --mels 64 --frames 44 --channels 32,64,128 --convs 1 --head-axes time
Prints one JSON line: {"model", "frames", "batch", "threads", "torch", "step_ms": [...], "median_ms"}.
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


class GlobalHead(nn.Module):
    """Average ‖ max pooling over frequency+time (one value per channel) or over time only."""

    def __init__(self, over_time_only: bool) -> None:
        super().__init__()
        self.over_time_only = over_time_only

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: N, C, F, T
        if self.over_time_only:
            return torch.cat([x.mean(3).flatten(1), x.amax(3).flatten(1)], 1)
        return torch.cat([x.mean((2, 3)), x.amax((2, 3))], 1)


def cnn_preset(n_mels: int, n_classes: int, channels: list, convs: int, head_axes: str,
               block_dropout: float, dropout: float) -> nn.Module:
    layers = []
    in_channels, height = 1, n_mels
    for out_channels in channels:
        for _ in range(convs):
            layers += [nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
                       nn.BatchNorm2d(out_channels, momentum=0.1, eps=1e-5), nn.ReLU()]
            in_channels = out_channels
        if height // 2 >= 1:
            layers.append(nn.MaxPool2d(2))
            height //= 2
        if block_dropout > 0:
            layers.append(nn.Dropout(block_dropout))
    over_time_only = head_axes == "time"
    features = 2 * in_channels * (height if over_time_only else 1)
    layers += [GlobalHead(over_time_only), nn.Dropout(dropout), nn.Linear(features, n_classes)]
    return nn.Sequential(*layers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["seed", "cnn"], default="seed")
    parser.add_argument("--mels", type=int, default=128)
    parser.add_argument("--frames", type=int, default=44)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--channels", default="32,64,128,256", help="cnn: output channels per block")
    parser.add_argument("--convs", type=int, default=2, help="cnn: convolutions per block")
    parser.add_argument("--head-axes", choices=["frequency+time", "time"], default="frequency+time")
    parser.add_argument("--block-dropout", type=float, default=0.1)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.model == "seed":
        model = seed_cnn(args.mels, args.frames, args.classes)
    else:
        channels = [int(c) for c in args.channels.split(",")]
        model = cnn_preset(args.mels, args.classes, channels, args.convs, args.head_axes,
                           args.block_dropout, args.dropout)
    model.train()
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
        "model": args.model, "frames": args.frames, "batch": args.batch, "threads": args.threads,
        "torch": torch.__version__, "step_ms": times, "median_ms": statistics.median(times),
    }))


if __name__ == "__main__":
    main()
