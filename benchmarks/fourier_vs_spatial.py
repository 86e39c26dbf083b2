"""Fourier 2D scattering vs. the spatial-convolution cascade, at equal ``J``.

For every image size (32..256) the script times ``kymatio.torch.Scattering2D(J, L)``
(fixed filters, and learnable filters when the constructor accepts ``learnable``) and,
for every kernel size (3..15), a cascade of ``J`` fixed
:class:`~kymatio.spatial.ScatteringBlock` with ``mixing_horizon=1`` (every filter sees one
channel, the Fourier transform's structure; dense mixing multiplies the convolution cost
by the number of channels). Both take a ``(B, 3, N, N)`` batch whose size shrinks with the
image (typical training batches on CPU). Measured: median forward and forward+backward
(input gradient) times, and the increase of the process's peak resident memory during
one forward+backward call.

Prints a table, writes ``benchmarks/results/fourier_vs_spatial.json`` and
``fourier_vs_spatial.png`` and states the crossover: for each image size, the largest
kernel size up to which the spatial cascade is faster (forward+backward). Timings on a
shared machine are noisy: compare medians of runs, not single rows.

    python benchmarks/fourier_vs_spatial.py            # full run (< 5 min on 2 cores)
    python benchmarks/fourier_vs_spatial.py --quick    # 32 and 64 only, under a minute
"""
import argparse
import inspect
import json
import os
import platform
import sys
from typing import Any, Callable, Dict, List, Optional

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _bench_worker import median_time, peak_rss_increase  # noqa: E402

from kymatio.spatial import ScatteringBlock  # noqa: E402
from kymatio.torch import Scattering2D  # noqa: E402

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
# Images per batch by image size: about what a training step holds on a CPU.
BATCH = {32: 32, 64: 16, 128: 8, 256: 4}


def spatial_cascade(J: int, L: int, kernel_size: int, channels: int) -> nn.Module:
    """``J`` fixed blocks, one channel per filter."""
    blocks = []
    for _ in range(J):
        blocks.append(ScatteringBlock(channels, L=L, kernel_size=kernel_size, learnable=False,
                                      mixing_horizon=1))
        channels *= 1 + L
    return nn.Sequential(*blocks)


def measure(model: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
            repeat: int) -> Dict[str, float]:
    """Median times (ms) and the peak memory increase (MiB) of forward+backward."""
    x_grad = x.clone().requires_grad_()

    def forward() -> torch.Tensor:
        with torch.no_grad():
            return model(x)

    def forward_backward() -> torch.Tensor:
        x_grad.grad = None
        model(x_grad).sum().backward()
        return x_grad.grad

    return {"forward_ms": 1e3 * median_time(forward, repeat, warmup=1),
            "forward_backward_ms": 1e3 * median_time(forward_backward, repeat, warmup=1),
            "peak_mib": peak_rss_increase(forward_backward)["peak_increase_mib"]}


def fourier_variants(J: int, N: int, L: int) -> Dict[str, nn.Module]:
    """Our fixed transform, and the learnable one where the constructor has the option."""
    variants = {"fourier": Scattering2D(J=J, shape=(N, N), L=L)}
    if "learnable" in inspect.signature(Scattering2D.__init__).parameters:
        variants["fourier_learnable"] = Scattering2D(J=J, shape=(N, N), L=L, learnable=True)
    return variants


def run(sizes: List[int], kernel_sizes: List[int], J: int, L: int, repeat: int,
        channels: int = 3) -> List[Dict[str, Any]]:
    """One record per (image size, method, kernel size)."""
    records = []
    for N in sizes:
        B = BATCH.get(N, max(1, 32 * 32 * 32 // (N * N)))
        x = torch.randn(B, channels, N, N, generator=torch.Generator().manual_seed(N))
        for name, model in fourier_variants(J, N, L).items():
            records.append(dict(size=N, batch=B, method=name, kernel_size=None,
                                **measure(model, x, repeat)))
        for K in kernel_sizes:
            model = spatial_cascade(J, L, K, channels)
            records.append(dict(size=N, batch=B, method="spatial", kernel_size=K,
                                **measure(model, x, repeat)))
    return records


def crossover(records: List[Dict[str, Any]]) -> Dict[int, Optional[int]]:
    """For each image size, the largest kernel size up to which (every smaller kernel size
    included) the spatial forward+backward is faster than the fixed Fourier transform's;
    None where even the smallest is slower. The prefix rule keeps one noisy timing of a
    large kernel from moving the crossover."""
    result = {}
    for N in sorted({r["size"] for r in records}):
        fourier = next(r for r in records if r["size"] == N and r["method"] == "fourier")
        spatial = sorted((r for r in records if r["size"] == N and r["method"] == "spatial"),
                         key=lambda r: r["kernel_size"])
        result[N] = None
        for r in spatial:
            if r["forward_backward_ms"] >= fourier["forward_backward_ms"]:
                break
            result[N] = r["kernel_size"]
    return result


def table(records: List[Dict[str, Any]]) -> str:
    """Plain-text table, one line per record."""
    lines = [f"{'size':>5} {'batch':>5} {'method':<18} {'K':>3} {'fwd ms':>9} "
             f"{'fwd+bwd ms':>11} {'peak MiB':>9} {'fwd+bwd / fourier':>18}"]
    for r in records:
        fourier = next(f for f in records if f["size"] == r["size"] and f["method"] == "fourier")
        ratio = r["forward_backward_ms"] / fourier["forward_backward_ms"]
        lines.append(f"{r['size']:>5} {r['batch']:>5} {r['method']:<18} "
                     f"{r['kernel_size'] or '-':>3} {r['forward_ms']:>9.2f} "
                     f"{r['forward_backward_ms']:>11.2f} {r['peak_mib']:>9.1f} {ratio:>18.2f}")
    return "\n".join(lines)


def plot(records: List[Dict[str, Any]], path: str) -> None:
    """Forward+backward time against image size, one line per method / kernel size."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    series = sorted({(r["method"], r["kernel_size"] or 0) for r in records})
    for method, K in series:
        rows = [r for r in records if r["method"] == method and (r["kernel_size"] or 0) == K]
        label = f"spatial K={K}" if method == "spatial" else method
        style = "--" if method == "spatial" else "-"
        ax.plot([r["size"] for r in rows], [r["forward_backward_ms"] / r["batch"] for r in rows],
                style, marker="o", label=label, linewidth=2.5 if K == 0 else 1.2)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("image size N (N x N, 3 channels)")
    ax.set_ylabel("forward+backward time per image (ms)")
    ax.set_title("Fourier Scattering2D vs spatial cascade (equal J)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two sizes, two kernel sizes")
    parser.add_argument("--J", type=int, default=2)
    parser.add_argument("--L", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default=RESULTS, help="directory of the JSON and PNG")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    sizes = [32, 64] if args.quick else [32, 64, 128, 256]
    kernel_sizes = [3, 7] if args.quick else [3, 5, 7, 9, 11, 15]
    repeat = args.repeat or (2 if args.quick else 5)
    records = run(sizes, kernel_sizes, args.J, args.L, repeat)
    cross = crossover(records)
    report = {"J": args.J, "L": args.L, "threads": args.threads, "repeat": repeat,
              "machine": platform.platform(), "torch": torch.__version__,
              "records": records, "crossover": {str(k): v for k, v in cross.items()}}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "fourier_vs_spatial.json"), "w") as f:
        json.dump(report, f, indent=1)
    plot(records, os.path.join(args.out, "fourier_vs_spatial.png"))
    print(table(records))
    for N, K in cross.items():
        verdict = (f"spatial faster up to K={K}" if K is not None
                   else "Fourier faster at every kernel size")
        print(f"crossover at {N}x{N}: {verdict}")
    return report


if __name__ == "__main__":
    main()
