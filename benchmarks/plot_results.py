"""Figures of the benchmarks' JSON results, for the documentation.

Reads what the benchmark scripts wrote to ``benchmarks/results/`` and draws one PNG per
benchmark found:

* ``fourier_vs_spatial.png``: forward+backward time of the spatial cascade relative to the
  Fourier transform, per image and kernel size (below 1: the spatial cascade is faster);
* ``dwt_peers.png``: our DWT against PyWavelets, ptwt and pytorch_wavelets;
* ``compare_upstream.png``: speed-up over upstream Kymatio 0.3.0 per transform;
* ``learnable_overhead.png``: the cost of learnable filters over fixed ones.

Each figure is labelled with the settings stored in its JSON and with ``--note`` (say what
the machine was doing: timings on a loaded machine are noisy). Run the benchmarks first::

    python benchmarks/plot_results.py --note "2 shared cores, quick settings"
    python benchmarks/plot_results.py --results benchmarks/results --out docs/_static/benchmarks
"""
import argparse
import json
import os
import textwrap
from typing import Any, Callable, Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = ("ours", "ptwt", "pytorch_wavelets", "pywt")
COLORS = {"ours": "tab:blue", "ptwt": "tab:orange", "pytorch_wavelets": "tab:green",
          "pywt": "tab:gray", "upstream": "tab:gray"}


def grouped_bars(ax: plt.Axes, groups: List[str], series: Dict[str, List[Optional[float]]],
                 colors: Optional[Dict[str, str]] = None, horizontal: bool = False) -> None:
    """Bars of each series side by side within each group (None: no bar)."""
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        x = np.arange(len(groups)) + (i - (len(series) - 1) / 2) * width
        heights = [np.nan if v is None else v for v in values]
        bars = ax.barh if horizontal else ax.bar
        bars(x, heights, width, label=name, color=(colors or {}).get(name))
    (ax.set_yticks if horizontal else ax.set_xticks)(np.arange(len(groups)), groups)


def fourier_vs_spatial(report: Dict[str, Any]) -> plt.Figure:
    records = report["records"]
    sizes = sorted({r["size"] for r in records})
    fourier = {r["size"]: r["forward_backward_ms"] for r in records if r["method"] == "fourier"}
    kernels = sorted({r["kernel_size"] for r in records if r["method"] == "spatial"})
    series = {f"spatial K={K}": [next((r["forward_backward_ms"] / fourier[N] for r in records
                                       if r["method"] == "spatial" and r["size"] == N
                                       and r["kernel_size"] == K), None) for N in sizes]
              for K in kernels}
    if any(r["method"] == "fourier_learnable" for r in records):
        series["Fourier, learnable filters"] = [
            next((r["forward_backward_ms"] / fourier[N] for r in records
                  if r["method"] == "fourier_learnable" and r["size"] == N), None)
            for N in sizes]
    fig, ax = plt.subplots(figsize=(7.5, 4))
    grouped_bars(ax, [f"{N}x{N}" for N in sizes], series)
    ax.axhline(1, color="k", lw=1, label="Fourier Scattering2D (fixed)")
    ax.set(ylabel="forward+backward time / Fourier's", xlabel="image size",
           title=f"Spatial cascade vs Fourier transform (J={report['J']}, L={report['L']})")
    ax.legend(fontsize=8)
    return fig


def dwt_peers(report: Dict[str, Any]) -> plt.Figure:
    cases = report["results"]
    fig, axes = plt.subplots(1, len(cases), figsize=(3.2 * len(cases), 3.8), sharey=True)
    for ax, case in zip(np.atleast_1d(axes), cases):
        times = case["median_ms"]
        operations = ("forward", "forward+backward", "inverse")
        series = {peer: [times.get(f"{peer}/{op}") for op in operations] for peer in PEERS}
        grouped_bars(ax, ["fwd", "fwd+bwd", "inverse"], series, COLORS)
        shape = "x".join(map(str, case["shape"]))
        ax.set(title=f"{case['wavelet']}, {shape}", yscale="log")
    np.atleast_1d(axes)[0].set_ylabel("median time (ms)")
    np.atleast_1d(axes)[0].legend(fontsize=7)
    fig.suptitle(f"3-level 2D DWT on CPU ({report['clock']} clock)")
    return fig


def compare_upstream(report: Dict[str, Any]) -> plt.Figure:
    cases, speedups, labels = [], {}, []
    for record in report["records"]:
        if record.get("skipped"):
            continue
        cases.append(record["case"]["name"])
        for row in record["rows"]:
            if row["label"].endswith("[ms]"):
                label = row["label"].replace(" [ms]", "")
                if label not in labels:
                    labels.append(label)
                speedups.setdefault(label, {})[record["case"]["name"]] = row["ratio"]
    series = {label: [speedups[label].get(case) for case in cases] for label in labels}
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(cases) + 1.5))
    grouped_bars(ax, cases, series, horizontal=True)
    ax.axvline(1, color="k", lw=1, label="as fast as 0.3.0")
    ax.set(xscale="log", xlabel="speed-up over Kymatio 0.3.0 (log scale)",
           title="This package vs upstream Kymatio 0.3.0 (same run)")
    ax.invert_yaxis()
    ax.legend(fontsize=8, loc="lower right")
    return fig


def learnable_overhead(report: Dict[str, Any]) -> plt.Figure:
    results = report["results"]
    cases = list(results)
    modes = [m for m in results[cases[0]]["modes"] if m != report["meta"]["baseline"]]
    series = {mode: [100 * results[c]["modes"][mode]["overhead"] for c in cases]
              for mode in modes}
    names = []
    for c in cases:
        case = results[c]["case"]
        names.append(f"J={case['J']}, {case['shape'][0]}x{case['shape'][1]}, "
                     f"batch {case['batch']}")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    grouped_bars(ax, names, series)
    ax.axhline(10, color="k", ls="--", lw=1, label="target: +10%")
    ax.set(ylabel="forward+backward time over fixed (%)",
           title="Learnable filters: overhead of Scattering2D (CPU time)")
    ax.legend(fontsize=8)
    return fig


FIGURES: Dict[str, Callable[[Dict[str, Any]], plt.Figure]] = {
    "fourier_vs_spatial": fourier_vs_spatial, "dwt_peers": dwt_peers,
    "compare_upstream": compare_upstream, "learnable_overhead": learnable_overhead}


def settings(report: Dict[str, Any]) -> str:
    """The run's settings stored in its JSON, as one line."""
    found = {**report.get("meta", {}), **report.get("settings", {}), **report}
    keys = ("threads", "repeat", "warmup", "clock", "torch")
    return ", ".join(f"{k} {found[k]}" for k in keys if isinstance(found.get(k), (int, str)))


def main(argv: Optional[Sequence[str]] = None) -> List[str]:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--note", default="", help="what was run, on what machine")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        path = os.path.join(args.results, f"{name}.json")
        if not os.path.isfile(path):
            print(f"{name}: no {path}, skipped")
            continue
        with open(path) as f:
            report = json.load(f)
        fig = draw(report)
        footer = textwrap.wrap(f"benchmarks/{name}.py: {settings(report)}. {args.note}",
                               int(16 * fig.get_figwidth()))
        fig.text(0.01, 0.005, "\n".join(footer), fontsize=7, color="0.35", va="bottom")
        fig.tight_layout(rect=(0, 0.12 * len(footer) / fig.get_figheight(), 1, 1))
        out = os.path.join(args.out, f"{name}.png")
        fig.savefig(out, dpi=80, pil_kwargs={"optimize": True})
        plt.close(fig)
        written.append(out)
        print(f"wrote {out}")
    return written


if __name__ == "__main__":
    main()
