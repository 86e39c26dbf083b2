"""The parts of ``benchmarks/gpu_check.sh``: each writes one JSON file, ``--merge`` joins them.

Parts (``--part``):

``scattering``
    Forward and forward+backward times (median of ``--repeat`` calls after ``--warmup``,
    the device synchronised around each call) and the allocator's peak (CUDA) of the torch
    transforms on the cases of :data:`CASES`, float32, for whichever ``kymatio`` is
    importable: the script runs it once with ours and once with upstream 0.3.0 on
    ``PYTHONPATH`` (``--label`` names the run; the JSON records the ``kymatio`` file
    and version that ran, and ``--merge`` refuses an upstream run that imported ours).
    A case that does not fit in memory is recorded as such.
``learnable``
    Forward+backward of our ``Scattering2D`` with fixed filters (input gradient) and with
    ``learnable=True`` (``filters`` and ``morlet``), and the overhead.
``dwt``
    Our ``wavedec2`` against the installed torch peers (ptwt, pytorch_wavelets) on the
    device, forward and forward+backward.
``tests``
    The CUDA-parametrized tests (``pytest -m cuda``): exit status and summary line.
``torchrun``
    One training step of the harness (one epoch of ``scattering-linear`` on ``digits``),
    on one process and, when more than one GPU is present, on two under ``torchrun``;
    otherwise it says why it did not run.

``--dry-run`` uses tiny sizes and the CPU: it checks the plumbing, not the speed.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
MIB = 2.0 ** 20

# name: (class, arguments, input shape, repeat); upstream's benchmark suite, then the
# batch sizes of upstream's user guide.
CASES: Dict[str, tuple] = {
    "2d J=2 32x32 L=8": ("Scattering2D", {"J": 2, "shape": (32, 32), "L": 8}, (128, 3, 32, 32), 10),
    "2d J=3 224x224 L=8": ("Scattering2D", {"J": 3, "shape": (224, 224), "L": 8}, (8, 3, 224, 224), 10),
    "1d J=8 Q=1 N=1024": ("Scattering1D", {"J": 8, "shape": 1024, "Q": 1}, (64, 1024), 10),
    "1d J=8 Q=8 N=4096": ("Scattering1D", {"J": 8, "shape": 4096, "Q": 8}, (64, 4096), 10),
    "3d J=2 L=2 32^3": ("HarmonicScattering3D", {"J": 2, "shape": (32,) * 3, "L": 2}, (8, 32, 32, 32), 10),
    "3d J=2 L=2 128^3": ("HarmonicScattering3D", {"J": 2, "shape": (128,) * 3, "L": 2}, (1, 128, 128, 128), 5),
    "user guide 2d J=3 128x3x256x256": ("Scattering2D", {"J": 3, "shape": (256, 256), "L": 8}, (128, 3, 256, 256), 3),
    "user guide 1d J=10 Q=8 64x65536": ("Scattering1D", {"J": 10, "shape": 65536, "Q": 8}, (64, 65536), 3),
    "user guide 3d J=2 L=2 8x128^3": ("HarmonicScattering3D", {"J": 2, "shape": (128,) * 3, "L": 2}, (8, 128, 128, 128), 3),
}
TINY_CASES: Dict[str, tuple] = {
    "2d tiny": ("Scattering2D", {"J": 1, "shape": (8, 8), "L": 2}, (2, 8, 8), 2),
    "1d tiny": ("Scattering1D", {"J": 2, "shape": 64, "Q": 1}, (2, 64), 2),
    "3d tiny": ("HarmonicScattering3D", {"J": 1, "shape": (8,) * 3, "L": 1}, (1, 8, 8, 8), 2),
}
LEARNABLE = {"J": 3, "shape": (128, 128), "L": 8, "batch": (8, 3)}
LEARNABLE_TINY = {"J": 1, "shape": (8, 8), "L": 2, "batch": (2,)}


def median_ms(fn: Callable[[], Any], device: torch.device, repeat: int, warmup: int) -> float:
    """Median wall time (ms) of ``fn``, with the device synchronised before and after."""
    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        sync()
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def peak_mib(fn: Callable[[], Any], device: torch.device) -> Optional[float]:
    """Allocator peak (MiB) of one call above what was allocated before it (CUDA only)."""
    if device.type != "cuda":
        return None
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    before = torch.cuda.memory_allocated(device)
    fn()
    torch.cuda.synchronize(device)
    return (torch.cuda.max_memory_allocated(device) - before) / MIB


def guarded(fn: Callable[[], Dict[str, Any]], device: torch.device) -> Dict[str, Any]:
    """``fn()``, or what stopped it (out of memory is expected for the largest cases)."""
    try:
        return fn()
    except torch.cuda.OutOfMemoryError as error:
        return {"error": f"out of memory: {str(error).splitlines()[0]}"}
    except Exception as error:  # noqa: BLE001 - recorded, the other cases go on
        return {"error": f"{type(error).__name__}: {error}"}
    finally:
        if device.type == "cuda":
            torch.cuda.empty_cache()


def time_transform(S: Any, x: torch.Tensor, device: torch.device, repeat: int,
                   warmup: int) -> Dict[str, Any]:
    """Forward (no grad) and forward+backward (input grad) medians and peaks of ``S``."""
    def forward() -> None:
        with torch.no_grad():
            S(x)

    xg = x.clone().requires_grad_(True)

    def forward_backward() -> None:
        xg.grad = None
        S(xg).sum().backward()

    out: Dict[str, Any] = {"forward_ms": median_ms(forward, device, repeat, warmup),
                           "forward_peak_mib": peak_mib(forward, device)}
    out.update(guarded(lambda: {
        "forward_backward_ms": median_ms(forward_backward, device, repeat, warmup),
        "forward_backward_peak_mib": peak_mib(forward_backward, device)}, device))
    return out


def _scipy_sph_harm_shim() -> bool:
    """Give ``scipy.special`` back ``sph_harm`` (removed in SciPy 1.17), which upstream
    0.3.0's 3D filter bank imports; ``sph_harm_y`` is the same function with the order
    of the degree/order and of the angles swapped. Returns whether it was needed."""
    import scipy.special
    if hasattr(scipy.special, "sph_harm"):
        return False
    scipy.special.sph_harm = lambda m, n, theta, phi: scipy.special.sph_harm_y(n, m, phi, theta)
    return True


def part_scattering(device: torch.device, dry_run: bool, write: Callable) -> Dict[str, Any]:
    shim = _scipy_sph_harm_shim()
    import kymatio
    import kymatio.torch as frontend
    results: Dict[str, Any] = {"kymatio_version": kymatio.__version__,
                               "kymatio_file": os.path.abspath(kymatio.__file__),
                               "scipy_sph_harm_shim": shim, "cases": {}}
    for name, (cls, kwargs, shape, repeat) in (TINY_CASES if dry_run else CASES).items():
        def run() -> Dict[str, Any]:
            S = getattr(frontend, cls)(**kwargs).to(device)
            x = torch.randn(shape, generator=torch.Generator().manual_seed(0)).to(device)
            return time_transform(S, x, device, repeat, 1 if dry_run else 2)
        results["cases"][name] = dict(guarded(run, device), arguments=kwargs,
                                      input_shape=list(shape))
        write(results)
    return results


def part_learnable(device: torch.device, dry_run: bool, write: Callable) -> Dict[str, Any]:
    from kymatio.torch import Scattering2D
    case = LEARNABLE_TINY if dry_run else LEARNABLE
    x = torch.randn(case["batch"] + case["shape"],
                    generator=torch.Generator().manual_seed(0)).to(device)
    results: Dict[str, Any] = {"case": {k: list(v) if isinstance(v, tuple) else v
                                        for k, v in case.items()}, "modes": {}}
    modes = {"fixed (input grad)": (False, "filters", True), "filters": (True, "filters", False),
             "morlet": (True, "morlet", False)}
    for mode, (learnable, parametrization, input_grad) in modes.items():
        def run() -> Dict[str, Any]:
            S = Scattering2D(case["J"], case["shape"], L=case["L"], learnable=learnable,
                             parametrization=parametrization).to(device)
            xi = x.clone().requires_grad_(input_grad)

            def step() -> None:
                S.zero_grad(set_to_none=True)
                S(xi).sum().backward()
            return {"forward_backward_ms": median_ms(step, device, 3 if dry_run else 10, 2)}
        results["modes"][mode] = guarded(run, device)
        write(results)
    base = results["modes"]["fixed (input grad)"].get("forward_backward_ms")
    for mode in ("filters", "morlet"):
        ms = results["modes"][mode].get("forward_backward_ms")
        if base and ms:
            results["modes"][mode]["overhead"] = ms / base - 1
    return results


def part_dwt(device: torch.device, dry_run: bool, write: Callable) -> Dict[str, Any]:
    sys.path.insert(0, HERE)
    from dwt_peers import _loss, make_impls
    shapes = [(2, 1, 16, 16)] if dry_run else [(64, 3, 224, 224), (8, 3, 1024, 1024)]
    results: Dict[str, Any] = {"cases": {}}
    for wavelet in ("haar", "db4"):
        for shape in shapes:
            key = f"{wavelet} {'x'.join(map(str, shape))}"
            x = torch.randn(shape, generator=torch.Generator().manual_seed(0)).to(device)
            xg = x.clone().requires_grad_(True)
            row: Dict[str, Any] = {}
            for name, impl in make_impls(wavelet).items():
                if impl is None or not impl.torch_based:
                    row[name] = {"error": "not installed" if impl is None else "NumPy only"}
                    continue
                if hasattr(impl.forward, "to"):  # pytorch_wavelets' modules hold filters
                    impl.forward.to(device)

                def run(impl=impl) -> Dict[str, Any]:
                    def forward() -> None:
                        with torch.no_grad():
                            impl.forward(x)

                    def forward_backward() -> None:
                        xg.grad = None
                        _loss(impl.to_pywt(impl.forward(xg))).backward()
                    repeat = 3 if dry_run else 10
                    return {"forward_ms": median_ms(forward, device, repeat, 2),
                            "forward_backward_ms": median_ms(forward_backward, device,
                                                             repeat, 2)}
                row[name] = guarded(run, device)
            results["cases"][key] = row
            write(results)
    return results


def part_tests(device: torch.device, dry_run: bool, write: Callable) -> Dict[str, Any]:
    """``pytest -m cuda tests`` (a dry run only collects those of one file: the CPU would
    skip them all, and collecting the whole suite takes long)."""
    command = [sys.executable, "-m", "pytest", "-q", "-m", "cuda", "-p", "no:cacheprovider"]
    # a test module whose optional library (JAX, TensorFlow) is missing must not stop the rest
    command += (["--collect-only", "tests/scattering2d/test_reference.py"] if dry_run
                else ["--continue-on-collection-errors", "tests"])
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return {"command": " ".join(command[1:]), "returncode": done.returncode,
            "summary": lines[-1] if lines else done.stderr[-2000:]}


def _train(command: List[str], out_dir: str, device: str, dry_run: bool) -> Dict[str, Any]:
    args = ["train", "--model", "scattering-linear", "--dataset", "digits", "-q",
            "--epochs-head", "1", "--epochs-joint", "0" if dry_run else "1",
            "--train-size", "16" if dry_run else "1024", "--device", device, "--out", out_dir,
            "--overwrite"]
    args += ["--image-size", "8"] if dry_run else []
    start = time.perf_counter()
    done = subprocess.run(command + args, cwd=REPO_ROOT, capture_output=True, text=True)
    return {"command": " ".join(command[1:] + args), "returncode": done.returncode,
            "seconds": time.perf_counter() - start,
            "stderr_tail": done.stderr[-1500:] if done.returncode else ""}


def part_torchrun(device: torch.device, dry_run: bool, write: Callable) -> Dict[str, Any]:
    work = os.environ.get("GPU_CHECK_WORK", os.path.join(REPO_ROOT, "gpu_check_runs"))
    gpus = torch.cuda.device_count() if device.type == "cuda" else 0
    single = [sys.executable, "-m", "kymatio.experiments"]
    results = {"gpus": gpus, "one_process": _train(single, os.path.join(work, "train1"),
                                                   device.type, dry_run)}
    if gpus > 1:
        launcher = [sys.executable, "-m", "torch.distributed.run", "--standalone",
                    "--nproc-per-node", "2", "-m", "kymatio.experiments"]
        results["two_processes"] = _train(launcher, os.path.join(work, "train2"), "cuda",
                                          dry_run)
    else:
        results["two_processes"] = {"skipped": f"{gpus} GPU(s): the 2-process torchrun "
                                               "step needs at least 2"}
    return results


PARTS = {"scattering": part_scattering, "learnable": part_learnable, "dwt": part_dwt,
         "tests": part_tests, "torchrun": part_torchrun}


def merge(paths: List[str]) -> Dict[str, Any]:
    """One JSON of the parts' files (``<label>.json``), with upstream/ours time ratios."""
    parts = {}
    for path in paths:
        label = os.path.splitext(os.path.basename(path))[0]
        try:
            with open(path) as f:
                parts[label] = json.load(f)
        except (OSError, ValueError) as error:
            parts[label] = {"error": f"no result ({error}): timed out or failed, see the log"}
    ours, upstream = parts.get("ours", {}), parts.get("upstream", {})
    if upstream.get("kymatio_file", "").startswith(REPO_ROOT):
        upstream["error"] = "the upstream run imported this repository's kymatio"
    elif upstream.get("kymatio_version") not in (None, "0.3.0"):
        upstream["error"] = f"upstream is kymatio {upstream['kymatio_version']}, not 0.3.0"
    ratios: Dict[str, Dict[str, float]] = {}
    if "error" not in upstream:
        for name, mine in ours.get("cases", {}).items():
            theirs = upstream.get("cases", {}).get(name, {})
            ratios[name] = {key: theirs[key] / mine[key]
                            for key in ("forward_ms", "forward_backward_ms")
                            if mine.get(key) and theirs.get(key)}
    parts["speedup_upstream_over_ours"] = ratios
    return parts


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=sorted(PARTS))
    parser.add_argument("--label", help="file name of the part's JSON in --out-dir")
    parser.add_argument("--out-dir", default=".")
    parser.add_argument("--dry-run", action="store_true", help="tiny sizes on the CPU")
    parser.add_argument("--merge", nargs="+", metavar="JSON", help="join these parts' files")
    parser.add_argument("--json", help="where --merge writes")
    args = parser.parse_args(argv)
    if args.merge:
        merged = merge(args.merge)
        merged["environment"] = {"python": platform.python_version(), "torch": torch.__version__,
                                 "device": (torch.cuda.get_device_name(0)
                                            if torch.cuda.is_available() else "cpu"),
                                 "gpus": torch.cuda.device_count()}
        with open(args.json, "w") as f:
            json.dump(merged, f, indent=1)
        return 0
    if args.part is None:
        parser.error("give --part or --merge")
    device = torch.device("cpu" if args.dry_run else "cuda")
    path = os.path.join(args.out_dir, f"{args.label or args.part}.json")

    def write(results: Dict[str, Any]) -> None:  # after every case: a timeout keeps them
        with open(path, "w") as f:
            json.dump(dict(results, dry_run=args.dry_run), f, indent=1)
    torch.manual_seed(0)
    write(PARTS[args.part](device, args.dry_run, write))
    return 0


if __name__ == "__main__":
    sys.exit(main())
