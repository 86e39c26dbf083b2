"""Cost of learnable filters: forward+backward of the torch ``Scattering2D``.

Modes, timed in the same process, interleaved round by round (so that drifts of a shared
machine hit them alike), medians over ``--repeat`` rounds after ``--warmup`` rounds:

``fixed (input grad)``
    The baseline of DESIGN's bar: fixed filters, an input that requires grad.
``filters``, ``morlet``
    ``learnable=True`` with that parametrization, input without grad (the usual case:
    gradients for the filters only). Includes deriving the filters at each call
    (periodisation; for ``morlet`` also rebuilding them from their parameters).
``filters + input grad``
    Both gradients.

Each step is ``out = S(x); out.sum().backward()``. Threads are pinned (``--threads``,
default 1). Two clocks are read per step: wall time, and the CPU time of the calling
thread (``time.thread_time``; with one thread, torch runs the forward and the CPU
backward on it), which does not count the time the process waits for a core, so it is
the steadier number on a shared machine; the overhead in the table uses it (both are in
the JSON). A table is printed and the numbers go to
``benchmarks/results/learnable_overhead.json``.

Run from the repository root::

    python benchmarks/learnable_overhead.py
    python benchmarks/learnable_overhead.py --repeat 5 --cases small
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import platform
import statistics
import time
from typing import Callable, Dict, List

import torch

from kymatio.torch import Scattering2D

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results",
                       "learnable_overhead.json")
CASES = {"small": {"J": 2, "shape": (32, 32), "L": 8, "batch": 128},
         "large": {"J": 3, "shape": (128, 128), "L": 8, "batch": 8}}
MODES = {"fixed (input grad)": (False, "filters", True),
         "filters": (True, "filters", False),
         "filters + input grad": (True, "filters", True),
         "morlet": (True, "morlet", False)}
BASELINE = "fixed (input grad)"


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory for reuse (no trimming, no per-allocation mmap).

    By default glibc returns the top of the heap to the system once more than a
    (dynamic) threshold is free; a step whose peak exceeds it then page-faults its
    working set in again at every call, which costs more the more memory a mode keeps
    for its backward. Applies to all modes alike. Returns False where unavailable.
    """
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold = -1, -3
        return bool(libc.mallopt(m_trim_threshold, 2 ** 30)
                    and libc.mallopt(m_mmap_threshold, 2 ** 30))
    except (OSError, AttributeError, TypeError):
        return False


def make_step(case: Dict, learnable: bool, parametrization: str,
              input_grad: bool) -> Callable[[], None]:
    """One forward+backward of a transform built for ``case``."""
    S = Scattering2D(case["J"], case["shape"], L=case["L"], learnable=learnable,
                     parametrization=parametrization)
    x = torch.randn((case["batch"],) + tuple(case["shape"]),
                    generator=torch.Generator().manual_seed(0))
    x.requires_grad_(input_grad)

    def step() -> None:
        S.zero_grad(set_to_none=True)
        x.grad = None
        S(x).sum().backward()

    return step


def measure(case: Dict, repeat: int, warmup: int) -> Dict[str, Dict[str, float]]:
    """Medians and spread (seconds) of every mode on ``case``, with the overhead over
    the baseline (thread CPU time and wall time)."""
    steps = {mode: make_step(case, *spec) for mode, spec in MODES.items()}
    wall: Dict[str, List[float]] = {mode: [] for mode in steps}
    cpu: Dict[str, List[float]] = {mode: [] for mode in steps}
    for round_index in range(warmup + repeat):
        for mode, step in steps.items():
            start_wall, start_cpu = time.perf_counter(), time.thread_time()
            step()
            if round_index >= warmup:
                cpu[mode].append(time.thread_time() - start_cpu)
                wall[mode].append(time.perf_counter() - start_wall)
    base_cpu, base_wall = statistics.median(cpu[BASELINE]), statistics.median(wall[BASELINE])
    return {mode: {"median_cpu_s": statistics.median(cpu[mode]),
                   "median_s": statistics.median(wall[mode]),
                   "min_s": min(wall[mode]), "max_s": max(wall[mode]),
                   "overhead": statistics.median(cpu[mode]) / base_cpu - 1.0,
                   "overhead_wall": statistics.median(wall[mode]) / base_wall - 1.0}
            for mode in steps}


def report(results: Dict[str, Dict]) -> str:
    """The results as a text table."""
    lines = [f"{'case':<34}{'mode':<22}{'cpu ms':>9}{'overhead':>10}{'wall ms':>9}"
             f"{'overhead':>10}"]
    for name, record in results.items():
        case = record["case"]
        label = (f"{name}: J={case['J']} {case['shape'][0]}x{case['shape'][1]} "
                 f"L={case['L']} B={case['batch']}")
        for mode, numbers in record["modes"].items():
            lines.append(f"{label:<34}{mode:<22}{1e3 * numbers['median_cpu_s']:>9.1f}"
                         f"{100 * numbers['overhead']:>+9.1f}%"
                         f"{1e3 * numbers['median_s']:>9.1f}"
                         f"{100 * numbers['overhead_wall']:>+9.1f}%")
            label = ""
    return "\n".join(lines)


def main(argv: List[str] = None) -> Dict[str, Dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=RESULTS, help="JSON output path ('' for none)")
    parser.add_argument("--keep-freed-memory", action="store_true",
                        help="disable glibc's heap trimming first (see keep_freed_memory)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    tuned = keep_freed_memory() if args.keep_freed_memory else False
    results = {name: {"case": CASES[name],
                      "modes": measure(CASES[name], args.repeat, args.warmup)}
               for name in args.cases}
    print(report(results))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        meta = {"torch": torch.__version__, "threads": args.threads, "repeat": args.repeat,
                "warmup": args.warmup, "machine": platform.processor() or platform.machine(),
                "baseline": BASELINE, "keep_freed_memory": tuned}
        with open(args.out, "w") as handle:
            json.dump({"meta": meta, "results": results}, handle, indent=2)
    return results


if __name__ == "__main__":
    main()
