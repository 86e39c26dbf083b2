"""Compare WaveletTransformer, the ViT baseline and Scattering2D + linear head.

For each model on ``(B, 3, 32, 32)`` inputs (10 classes): trainable parameters,
tokens, forward time (under ``torch.no_grad()`` in eval mode), forward+backward time
of a cross-entropy loss, and throughput (images per second of the forward).  Times
are medians over ``--repeat`` rounds after ``--warmup``; the models are measured
round by round (interleaved), so that load from other processes affects them alike.
With one thread the clock is the thread's CPU time (``--clock auto``).  Prints a
table, writes JSON (default ``benchmarks/results/compare_models.json``).

Sizes are the presets of :data:`kymatio.models.PRESETS` and
``example``: the configuration of ``examples/attention/train_digits.py`` (embed_dim
32, depth 2, 1 head, Haar, 3 levels, no intermediate approximations: 1009 tokens).

Usage: ``python benchmarks/compare_models.py [--sizes tiny,small,example]
[--models wavelet] [--batch 32] [--threads 1] [--repeat 5] [--clock auto] [--quick]``
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Optional

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from kymatio.models import (ExampleLinearClassifier, VisionTransformer,  # noqa: E402
                            WaveletTransformer)

DEFAULT_JSON = os.path.join(HERE, "results", "compare_models.json")

#: Model size of ``examples/attention/train_digits.py`` (``--sizes example``).
EXAMPLE = {"embed_dim": 32, "depth": 2, "num_heads": 1}
EXAMPLE_WAVELET = {"wavelet": "haar", "n_levels": 3, "include_approximations": False}


def build_models(sizes: List[str]) -> Dict[str, nn.Module]:
    """The models to compare, keyed by a display name."""
    models: Dict[str, nn.Module] = {}
    common = dict(image_size=32, in_channels=3, num_classes=10)
    for size in sizes:
        if size == "example":
            for use_kernel, label in ((True, "kernel"), (False, "no kernel")):
                models[f"wavelet-example ({label})"] = WaveletTransformer(
                    use_kernel=use_kernel, **EXAMPLE, **EXAMPLE_WAVELET, **common)
            models["vit-example"] = VisionTransformer(patch_size=4, **EXAMPLE, **common)
            continue
        models[f"wavelet-{size} (kernel)"] = WaveletTransformer.from_preset(
            size, use_kernel=True, **common)
        models[f"wavelet-{size} (no kernel)"] = WaveletTransformer.from_preset(
            size, use_kernel=False, **common)
        models[f"vit-{size}"] = VisionTransformer.from_preset(size, **common)
    models["scattering J=2 + linear"] = ExampleLinearClassifier(J=2, **common)
    return models


class _Case:
    """The forward and forward+backward closures of one model, with their times."""

    def __init__(self, model: nn.Module, batch: int):
        self.model = model
        self.x = torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(0))
        self.y = torch.arange(batch) % 10
        self.params = sum(p.numel() for p in model.parameters() if p.requires_grad)
        self.forward_times: List[float] = []
        self.backward_times: List[float] = []

    def forward(self) -> None:
        self.model.eval()
        with torch.no_grad():
            self.model(self.x)

    def forward_backward(self) -> None:
        self.model.train()
        self.model.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(self.model(self.x), self.y).backward()


def _timed(fn: Callable[[], Any], clock: Callable[[], float]) -> float:
    start = clock()
    fn()
    return clock() - start


def measure_all(models: Dict[str, nn.Module], batch: int, repeat: int, warmup: int,
                clock: Callable[[], float]) -> List[Dict[str, Any]]:
    """Parameters, tokens and median timings of the models, measured round by round."""
    cases = {name: _Case(model, batch) for name, model in models.items()}
    for round_ in range(warmup + repeat):
        for case in cases.values():
            f = _timed(case.forward, clock)
            b = _timed(case.forward_backward, clock) if case.params else 0.0
            if round_ >= warmup:
                case.forward_times.append(f)
                case.backward_times.append(b)
    rows = []
    for name, case in cases.items():
        tokens: Optional[int] = None
        if isinstance(case.model, WaveletTransformer):
            tokens = case.model.num_tokens
        elif isinstance(case.model, VisionTransformer):
            tokens = case.model.num_patches + 1
        forward = 1e3 * statistics.median(case.forward_times)
        backward = 1e3 * statistics.median(case.backward_times) if case.params else None
        rows.append({"model": name, "parameters": case.params, "tokens": tokens,
                     "batch": batch, "forward_ms": forward, "forward_backward_ms": backward,
                     "images_per_s": 1e3 * batch / forward})
    return rows


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="tiny,small",
                        help="comma-separated presets and/or 'example'")
    parser.add_argument("--models", default="",
                        help="keep only models whose name contains one of these "
                             "comma-separated substrings")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds")
    parser.add_argument("--clock", choices=("auto", "wall", "thread"), default="auto",
                        help="auto: thread CPU time with one thread, else wall time")
    parser.add_argument("--quick", action="store_true", help="tiny only, batch 4")
    parser.add_argument("--json", default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.quick:
        args.sizes, args.batch, args.repeat = "tiny", 4, 2
    clock_name = args.clock
    if clock_name == "auto":
        clock_name = "thread" if args.threads == 1 else "wall"
    clock = time.thread_time if clock_name == "thread" else time.perf_counter
    models = build_models(args.sizes.split(","))
    if args.models:
        keep = [s for s in args.models.split(",") if s]
        models = {n: m for n, m in models.items() if any(s in n for s in keep)}
    rows = measure_all(models, args.batch, args.repeat, args.warmup, clock)
    print(f"{'model':<26} {'parameters':>11} {'tokens':>7} {'forward ms':>11} "
          f"{'fwd+bwd ms':>14} {'images/s':>10}")
    for r in rows:
        tokens = "-" if r["tokens"] is None else r["tokens"]
        backward = r["forward_backward_ms"]
        backward = "-" if backward is None else f"{backward:.1f}"
        print(f"{r['model']:<26} {r['parameters']:>11,} {tokens:>7} {r['forward_ms']:>11.1f} "
              f"{backward:>14} {r['images_per_s']:>10.1f}")
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"threads": args.threads, "clock": clock_name, "repeat": args.repeat,
                   "torch": torch.__version__, "machine": platform.platform(),
                   "rows": rows}, f, indent=1)
    print("wrote", args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
