"""Time this package's 2D DWT against PyWavelets, ptwt and pytorch_wavelets.

For every case (wavelet x input shape) and implementation, in one run on one thread:

forward
    ``wavedec2`` (3 levels, mode ``'zero'``), torch ones under ``torch.no_grad()``.
forward+backward
    ``wavedec2`` on an input that requires grad, then backward of the sum of all
    coefficients (torch implementations only).
inverse
    ``waverec2`` of the coefficients, under ``torch.no_grad()``.

Each number is the median of ``--repeat`` calls after ``--warmup`` calls, timed
with the CPU time of the calling thread (``--clock thread``, the default on one
thread: insensitive to other processes on a shared machine) or wall time
(``--clock wall``, the default with several threads, whose work the calling
thread's CPU time would miss); the implementations are interleaved round-robin
so that load changes on a shared machine hit them alike.  Before timing, every
peer's coefficients and reconstruction are compared with ours (max abs difference
relative to the max of the input).  A peer that is not installed is reported as
missing; the peers are never imported by the ``kymatio`` package itself.

Usage: ``python benchmarks/dwt_peers.py [--threads 1] [--repeat 15] [--quick]
[--clock thread|wall] [--json PATH]``; JSON goes to
``benchmarks/results/dwt_peers.json`` by default.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from kymatio.wavelets import wavedec2, waverec2  # noqa: E402

DEFAULT_JSON = os.path.join(HERE, "results", "dwt_peers.json")
warnings.filterwarnings("ignore", message="Level value of")  # pywt on tiny images
LEVEL, MODE = 3, "zero"


def _flatten(coeffs) -> List[Any]:
    out = [coeffs[0]]
    for d in coeffs[1:]:
        out.extend(d)
    return out


def _loss(coeffs) -> torch.Tensor:
    return sum(c.sum() for c in _flatten(coeffs))


class Impl:
    """One implementation: forward, inverse, and (torch) its coefficients in pywt layout."""

    def __init__(self, name: str, forward: Callable, inverse: Callable, torch_based: bool,
                 to_pywt: Callable = lambda c: c):
        self.name, self.forward, self.inverse = name, forward, inverse
        self.torch_based, self.to_pywt = torch_based, to_pywt


def make_impls(wavelet: str) -> Dict[str, Optional[Impl]]:
    """Our transform and the peers that are installed (``None`` when missing)."""
    impls: Dict[str, Optional[Impl]] = {
        "ours": Impl("ours", lambda x: wavedec2(x, wavelet, MODE, LEVEL),
                     lambda c: waverec2(c, wavelet, MODE), True)}
    try:
        import pywt
        impls["pywt"] = Impl("pywt", lambda x: pywt.wavedec2(x, wavelet, MODE, LEVEL),
                             lambda c: pywt.waverec2(c, wavelet, MODE), False)
    except ImportError:
        impls["pywt"] = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import ptwt
        impls["ptwt"] = Impl("ptwt", lambda x: ptwt.wavedec2(x, wavelet, mode=MODE, level=LEVEL),
                             lambda c: ptwt.waverec2(c, wavelet), True)
    except ImportError:
        impls["ptwt"] = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pytorch_wavelets import DWTForward, DWTInverse
        fwd, inv = DWTForward(J=LEVEL, wave=wavelet, mode=MODE), DWTInverse(wave=wavelet,
                                                                            mode=MODE)

        def to_pywt(out):  # (yl, [yh_1 (B, C, 3, h, w), ...]) -> pywt layout
            yl, yh = out
            return [yl] + [tuple(h.unbind(2)) for h in yh[::-1]]

        impls["pytorch_wavelets"] = Impl("pytorch_wavelets", fwd, inv, True, to_pywt)
    except ImportError:
        impls["pytorch_wavelets"] = None
    return impls


CLOCKS = {"thread": time.thread_time, "wall": time.perf_counter}
_clock: Callable[[], float] = time.perf_counter


def _timer(fn: Callable[[], Any]) -> Callable[[], float]:
    def run() -> float:
        start = _clock()
        fn()
        return _clock() - start
    return run


def agreement(impls: Dict[str, Optional[Impl]], x: torch.Tensor) -> Dict[str, Any]:
    """Max |peer - ours| / max |x| for coefficients and reconstruction, per peer."""
    with torch.no_grad():
        ours = [c.numpy() for c in _flatten(impls["ours"].forward(x))]
    scale = float(x.abs().max())
    out: Dict[str, Any] = {}
    for name, impl in impls.items():
        if impl is None or name == "ours":
            continue
        with torch.no_grad():
            raw = impl.forward(x if impl.torch_based else x.numpy())
            theirs = [np.asarray(c) for c in _flatten(impl.to_pywt(raw))]
            rec = np.asarray(impl.inverse(raw))[..., :x.shape[-2], :x.shape[-1]]
        coeff_err = (max(float(np.abs(a - b).max()) for a, b in zip(ours, theirs)) / scale
                     if [a.shape for a in ours] == [b.shape for b in theirs] else float("nan"))
        out[name] = {"coefficients": coeff_err,
                     "reconstruction": float(np.abs(rec - x.numpy()).max()) / scale}
    return out


def bench_case(wavelet: str, shape, repeat: int, warmup: int) -> Dict[str, Any]:
    """Medians (ms) of every implementation and column for one case."""
    impls = make_impls(wavelet)
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(0))
    xg = x.clone().requires_grad_(True)
    tasks: Dict[str, Callable[[], float]] = {}
    for name, impl in impls.items():
        if impl is None:
            continue
        if impl.torch_based:
            with torch.no_grad():
                coeffs = impl.forward(x)

            def fwd(impl=impl):
                with torch.no_grad():
                    impl.forward(x)

            def fwd_bwd(impl=impl):
                xg.grad = None
                _loss(impl.to_pywt(impl.forward(xg))).backward()

            def inv(impl=impl, coeffs=coeffs):
                with torch.no_grad():
                    impl.inverse(coeffs)
            tasks[name + "/forward"] = _timer(fwd)
            tasks[name + "/forward+backward"] = _timer(fwd_bwd)
            tasks[name + "/inverse"] = _timer(inv)
        else:
            xn = x.numpy()
            coeffs = impl.forward(xn)
            tasks[name + "/forward"] = _timer(lambda impl=impl: impl.forward(xn))
            tasks[name + "/inverse"] = _timer(lambda impl=impl, c=coeffs: impl.inverse(c))
    samples: Dict[str, List[float]] = {k: [] for k in tasks}
    for i in range(warmup + repeat):
        for key, task in tasks.items():  # round-robin: the same load for everyone
            t = task()
            if i >= warmup:
                samples[key].append(t)
    times = {k: 1e3 * statistics.median(v) for k, v in samples.items()}
    return {"wavelet": wavelet, "shape": list(shape), "level": LEVEL, "mode": MODE,
            "missing": sorted(k for k, v in impls.items() if v is None),
            "median_ms": times, "agreement": agreement(impls, x)}


def print_table(results: List[Dict[str, Any]]) -> None:
    """One row per case and implementation; '-' where not applicable or missing."""
    cols = ("forward", "forward+backward", "inverse")

    def row(wave: str, shape: str, impl: str, cells: List[str]) -> str:
        return (f"{wave:<6} {shape:<14} {impl:<17} {cells[0]:>9} {cells[1]:>17} "
                f"{cells[2]:>9} {cells[3]:>10}")

    print(row("wave", "shape", "impl", [*cols, "max err"]))
    for r in results:
        shape = "x".join(map(str, r["shape"]))
        for impl in ("ours", "pywt", "ptwt", "pytorch_wavelets"):
            if impl in r["missing"]:
                print(f"{r['wavelet']:<6} {shape:<14} {impl:<17} (missing)")
                continue
            vals = [r["median_ms"].get(f"{impl}/{c}") for c in cols]
            err = r["agreement"].get(impl, {}).get("coefficients")
            cells = ["-" if v is None else f"{v:.2f}" for v in vals]
            print(row(r["wavelet"], shape, impl, cells + ["-" if err is None else f"{err:.1e}"]))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small shapes, few repeats")
    parser.add_argument("--clock", choices=sorted(CLOCKS),
                        help="default: thread with --threads 1, else wall")
    parser.add_argument("--json", default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    global _clock
    args.clock = args.clock or ("thread" if args.threads == 1 else "wall")
    _clock = CLOCKS[args.clock]
    shapes = [(128, 3, 32, 32), (8, 3, 256, 256)]
    if args.quick:
        shapes, args.repeat, args.warmup = [(8, 3, 32, 32)], 3, 1
    results = [bench_case(w, s, args.repeat, args.warmup) for w in ("db4", "haar")
               for s in shapes]
    print_table(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"threads": args.threads, "clock": args.clock, "repeat": args.repeat,
                   "torch": torch.__version__,
                   "machine": platform.platform(), "results": results}, f, indent=1)
    print("wrote", args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
