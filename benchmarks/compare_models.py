"""Compare WaveletTransformer, the ViT baseline and Scattering2D + linear head.

For each model on ``(B, 3, 32, 32)`` inputs (10 classes): trainable parameters,
tokens, forward time (median over ``--repeat`` calls after ``--warmup``, under
``torch.no_grad()`` in eval mode), forward+backward time of a cross-entropy loss,
and throughput (images per second of the forward).  Prints a table, writes JSON
(default ``benchmarks/results/compare_models.json``).

Usage: ``python benchmarks/compare_models.py [--sizes tiny,small] [--batch 32]
[--threads 1] [--repeat 5] [--quick]``
"""
import argparse
import json
import os
import platform
import sys
from typing import Any, Callable, Dict, List, Optional

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from kymatio.models.vit import VisionTransformer  # noqa: E402
from kymatio.models.wavelet_transformer import WaveletTransformer  # noqa: E402
from kymatio.torch import Scattering2D  # noqa: E402

from _bench_worker import median_time  # noqa: E402  (benchmarks/ is sys.path[0])

DEFAULT_JSON = os.path.join(HERE, "results", "compare_models.json")


class ScatteringLinear(nn.Module):
    """Scattering2D (J=2, L=8, fixed) followed by batch norm and a linear classifier."""

    def __init__(self, image_size: int = 32, in_channels: int = 3, num_classes: int = 10,
                 J: int = 2):
        super().__init__()
        self.scattering = Scattering2D(J=J, shape=(image_size, image_size))
        n = in_channels * (1 + 8 * J + 64 * J * (J - 1) // 2) * (image_size // 2 ** J) ** 2
        self.norm = nn.BatchNorm1d(n)
        self.head = nn.Linear(n, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.scattering(x).flatten(1)))


def _median_ms(fn: Callable[[], Any], repeat: int, warmup: int) -> float:
    return 1e3 * median_time(fn, repeat, warmup)


def build_models(sizes: List[str]) -> Dict[str, nn.Module]:
    """The models to compare, keyed by a display name."""
    models: Dict[str, nn.Module] = {}
    for size in sizes:
        common = dict(image_size=32, in_channels=3, num_classes=10)
        models["wavelet-{} (kernel)".format(size)] = WaveletTransformer.from_preset(
            size, use_kernel=True, **common)
        models["wavelet-{} (no kernel)".format(size)] = WaveletTransformer.from_preset(
            size, use_kernel=False, **common)
        models["vit-{}".format(size)] = VisionTransformer.from_preset(size, **common)
    models["scattering J=2 + linear"] = ScatteringLinear()
    return models


def measure(name: str, model: nn.Module, batch: int, repeat: int, warmup: int
            ) -> Dict[str, Any]:
    """Parameters, tokens and timings of one model."""
    x = torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    y = torch.arange(batch) % 10
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    tokens: Optional[int] = None
    if isinstance(model, WaveletTransformer):
        tokens = model.num_tokens
    elif isinstance(model, VisionTransformer):
        tokens = model.num_patches + 1
    model.eval()

    def fwd():
        with torch.no_grad():
            model(x)

    forward = _median_ms(fwd, repeat, warmup)
    model.train()
    loss_fn = nn.CrossEntropyLoss()

    def fwd_bwd():
        model.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()

    backward = _median_ms(fwd_bwd, repeat, warmup) if params else None
    return {"model": name, "parameters": params, "tokens": tokens, "batch": batch,
            "forward_ms": forward, "forward_backward_ms": backward,
            "images_per_s": 1e3 * batch / forward}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="tiny,small")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="tiny only, batch 4")
    parser.add_argument("--json", default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.quick:
        args.sizes, args.batch, args.repeat = "tiny", 4, 2
    rows = [measure(name, model, args.batch, args.repeat, args.warmup)
            for name, model in build_models(args.sizes.split(",")).items()]
    print("{:<26} {:>11} {:>7} {:>11} {:>14} {:>10}".format(
        "model", "parameters", "tokens", "forward ms", "fwd+bwd ms", "images/s"))
    for r in rows:
        print("{:<26} {:>11,} {:>7} {:>11.1f} {:>14} {:>10.1f}".format(
            r["model"], r["parameters"], "-" if r["tokens"] is None else r["tokens"],
            r["forward_ms"], "-" if r["forward_backward_ms"] is None
            else "%.1f" % r["forward_backward_ms"], r["images_per_s"]))
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"threads": args.threads, "torch": torch.__version__,
                   "machine": platform.platform(), "rows": rows}, f, indent=1)
    print("wrote", args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
