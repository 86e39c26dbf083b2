"""Time this package's scattering transforms against upstream Kymatio 0.3.0.

Both implementations are measured in the same run on the same machine. Every measurement
runs in a fresh subprocess executing ``benchmarks/_bench_worker.py``:

* **ours**: this interpreter (``sys.executable``) with the repository on ``PYTHONPATH``;
* **upstream**: the interpreter of ``--upstream-python`` (else ``$KYMATIO_UPSTREAM_PYTHON``),
  the python of a virtual environment outside the repository with ``kymatio==0.3.0``
  installed; it runs in isolated mode (``-I``) from a temporary directory so that nothing
  of the repository is importable, and the probe checks that it imports ``kymatio`` 0.3.0
  from outside the repository. Without either the run stops with an error saying what to
  give; ``--no-upstream`` times ours only.

Times are read on ``--clock``: ``cpu`` (default) is the CPU time of the calling thread
(NumPy, torch) or of the process (JAX, TensorFlow), which does not count the time the
process waits for a core on a shared machine; ``wall`` is elapsed time.

Threads are pinned with ``--threads`` (``torch.set_num_threads`` and the ``OMP``/``MKL``/
``OPENBLAS`` environment variables); default 1, for reproducible numbers on a shared
machine.

Measurements (per case and implementation)
------------------------------------------
construction
    Median of ``--construct-repeat`` constructions (filter bank included), after one.
forward, forward+backward
    Median of ``--repeat`` calls after ``--warmup`` calls, on a seeded float32 input.
    The torch forward runs under ``torch.no_grad()``; forward+backward uses an input that
    requires grad and ``loss = output.sum()``.
peak memory
    In its own fresh process (one for forward, one for forward+backward): imports,
    construction, input allocation and one warm-up call on a batch-1 input happen first;
    freed heap is returned to the system (``malloc_trim``), the kernel's peak-RSS counter
    is reset to the current RSS (``/proc/self/clear_refs``), and the reported number is
    the increase of the peak RSS over that baseline during the single measured call on
    the full input. The peak is ``VmHWM`` (``/proc/self/status``), which is what
    ``getrusage(RUSAGE_SELF).ru_maxrss`` reports for the process's own address space
    (``ru_maxrss`` itself also counts the parent's RSS at ``exec`` on Linux, hence it is
    only the fallback where ``/proc`` is missing). It therefore counts the output, the
    intermediates and (forward+backward) the autograd graph, but not the input or the
    filters. Where the counter cannot be reset the earlier peak is the baseline and the
    number is a lower bound (flagged in the JSON). For torch, the allocator peak seen
    by ``torch.profiler`` (``profile_memory=True``) is stored in the JSON as a
    cross-check.
agreement
    Both outputs on the same seeded input are compared: ``max |ours - upstream| /
    max |upstream|`` (printed) and the relative L2 error (JSON).

FFT floor
---------
DESIGN asks the transforms to stay within 1.5x of "the bare FFT work the transform
needs". The floor is timed in our interpreter with the frontend's FFT (``torch.fft`` or
``scipy.fft``) in single precision, batched per resolution, as groups of ``count`` FFT
chains per batch element (see :func:`fft_groups_2d` and friends). For the 2D transform
(padded size ``P = compute_padding``): one real FFT of the padded input; per first-order
path ``(j1, theta1)`` a complex inverse FFT and a real forward FFT (the modulus is real)
at ``P / 2**j1``; per second-order path ``(j1, theta1, j2, theta2)`` the same pair at
``P / 2**j2``; one inverse real FFT per output coefficient at ``P / 2**J``. Each group is
timed whole and in cache-sized pieces (2 MiB, 256 KiB), keeping the fastest. Products
with filters, moduli and subsampling are excluded, and real transforms are used wherever
a signal is real, so the floor is a lower bound of any Fourier implementation of the
same cascade. The 1D and 3D plans follow the same rules but are approximations
(documented on their functions). The torch forward+backward floor also runs autograd
through those FFTs.

The *eager floor* adds to every path the pointwise work it needs at least once: the
product with its filter before the inverse FFT and the modulus before the next FFT
(:func:`eager_groups`). ``upstream / eager floor`` (summary columns ``fwd x max`` and
``f+b x max``) is the speed-up an implementation that makes one library call per FFT,
product and modulus, with nothing else, would reach: where it is below a bar, only fused
kernels (several operations per pass over memory) or fewer FFTs can meet it.

Usage
-----
``python benchmarks/compare_upstream.py [--threads 1] [--repeat 10] [--quick]
[--cases torch-2d-small,numpy-2d] [--json PATH]``
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
WORKER = os.path.join(HERE, "_bench_worker.py")
DEFAULT_JSON = os.path.join(HERE, "results", "compare_upstream.json")
#: Environment variable naming the upstream interpreter when --upstream-python is not given.
UPSTREAM_ENV = "KYMATIO_UPSTREAM_PYTHON"
UPSTREAM_VERSION = "0.3.0"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


# --------------------------------------------------------------------------- cases
@dataclass(frozen=True)
class Case:
    """One benchmark configuration.

    Attributes
    ----------
    name : str
        Short identifier, used by ``--cases``.
    frontend : str
        ``'torch'``, ``'numpy'``, ``'jax'`` or ``'tensorflow'``.
    cls : str
        Class name in ``kymatio.<frontend>``.
    kwargs : dict
        Constructor arguments (same for ours and upstream).
    input_shape : tuple of int
        Batch dimensions followed by the signal dimensions.
    compiled : bool
        JAX and TensorFlow: time the calls wrapped in ``jax.jit`` / ``tf.function``
        (else as called eagerly).
    """

    name: str
    frontend: str
    cls: str
    kwargs: Dict[str, Any]
    input_shape: Tuple[int, ...]
    compiled: bool = False

    @property
    def signal_ndim(self) -> int:
        """Number of signal (non-batch) dimensions of the input."""
        return SIGNAL_NDIM[self.cls]


SIGNAL_NDIM = {"Scattering1D": 1, "Scattering2D": 2, "HarmonicScattering3D": 3}

CASES: List[Case] = [
    Case("torch-2d-small", "torch", "Scattering2D",
         {"J": 2, "shape": (32, 32), "L": 8}, (128, 3, 32, 32)),
    Case("torch-2d-large", "torch", "Scattering2D",
         {"J": 3, "shape": (128, 128), "L": 8}, (8, 3, 128, 128)),
    Case("numpy-2d", "numpy", "Scattering2D",
         {"J": 2, "shape": (32, 32), "L": 8}, (16, 3, 32, 32)),
    Case("torch-1d", "torch", "Scattering1D",
         {"J": 6, "shape": 8192, "Q": 8}, (16, 8192)),
    Case("numpy-1d", "numpy", "Scattering1D",
         {"J": 6, "shape": 8192, "Q": 8}, (4, 8192)),
    Case("torch-3d", "torch", "HarmonicScattering3D",
         {"J": 2, "shape": (32, 32, 32), "L": 2}, (4, 32, 32, 32)),
] + [Case(f"{frontend}-{name}", frontend, cls, kwargs, shape, compiled)
     for frontend in ("jax", "tensorflow")
     for name, cls, kwargs, shape, compiled in [
         ("2d", "Scattering2D", {"J": 2, "shape": (32, 32), "L": 8}, (16, 3, 32, 32), False),
         ("2d-compiled", "Scattering2D", {"J": 2, "shape": (32, 32), "L": 8},
          (16, 3, 32, 32), True),
         ("1d", "Scattering1D", {"J": 6, "shape": 8192, "Q": 8}, (4, 8192), False),
         ("1d-compiled", "Scattering1D", {"J": 6, "shape": 8192, "Q": 8}, (4, 8192), True),
         ("3d", "HarmonicScattering3D", {"J": 2, "shape": (32, 32, 32), "L": 2},
          (4, 32, 32, 32), False),
         ("3d-compiled", "HarmonicScattering3D", {"J": 2, "shape": (32, 32, 32), "L": 2},
          (4, 32, 32, 32), True)]]
EAGER_FRONTENDS = ("numpy", "torch")  # with FFT floors and memory measurements


# --------------------------------------------------------------------------- FFT floor
PATH_FFTS = ("ifft", "rfft")  # back to space after a filter, then the modulus' spectrum


def fft_group(count: int, shape: Sequence[int], kinds: Sequence[str]) -> Dict[str, Any]:
    """``count`` FFT chains ``kinds`` per batch element on signals of size ``shape``."""
    return {"count": int(count), "shape": [int(s) for s in shape], "kinds": list(kinds)}


def fft_groups_2d(J: int, shape: Sequence[int], L: int = 8, max_order: int = 2,
                  **_: Any) -> List[Dict[str, Any]]:
    """FFT work of the 2D transform (exact count of the Fourier cascade)."""
    P = [((n + 2 ** J) // 2 ** J + 1) * 2 ** J for n in shape]
    at = lambda j: [p // 2 ** j for p in P]  # noqa: E731
    groups = [fft_group(1, P, ["rfft"])]
    groups += [fft_group(L, at(j1), PATH_FFTS) for j1 in range(J)]
    if max_order == 2:
        groups += [fft_group(L * L * j2, at(j2), PATH_FFTS) for j2 in range(1, J)]
    n_coefficients = 1 + J * L + (L * L * J * (J - 1) // 2 if max_order == 2 else 0)
    return groups + [fft_group(n_coefficients, at(J), ["irfft"])]


def fft_groups_1d(J: int, shape: Any, Q: Any = 1, max_order: int = 2,
                  **_: Any) -> List[Dict[str, Any]]:
    """FFT work of the 1D transform (approximate).

    Padded length: the next power of two >= ``N + 2**(J+1)``. Wavelets of octave ``j``
    (``Q1`` per octave for the first order, ``Q2`` for the second) are taken critically
    sampled at ``P / 2**j``; a second-order path pairs octaves ``j1 < j2``.
    """
    N = shape if isinstance(shape, int) else shape[0]
    Q1, Q2 = (Q, 1) if isinstance(Q, int) else tuple(Q)
    P = 2 ** math.ceil(math.log2(N + 2 ** (J + 1)))
    groups = [fft_group(1, [P], ["rfft"])]
    groups += [fft_group(Q1, [P // 2 ** j], PATH_FFTS) for j in range(J)]
    n_second = 0
    if max_order == 2:
        for j2 in range(1, J):
            groups.append(fft_group(Q1 * Q2 * j2, [P // 2 ** j2], PATH_FFTS))
            n_second += Q1 * Q2 * j2
    return groups + [fft_group(1 + J * Q1 + n_second, [P // 2 ** J], ["irfft"])]


def fft_groups_3d(J: int, shape: Sequence[int], L: int = 3, max_order: int = 2,
                  **_: Any) -> List[Dict[str, Any]]:
    """FFT work of the solid-harmonic 3D transform (approximate, no padding).

    One FFT of the input; per scale ``j`` in ``0..J`` and degree ``l`` in ``0..L`` one
    inverse FFT per order ``m`` (``2l+1``); for the second order one FFT of each
    first-order modulus with a coarser scale to go, and ``2l+1`` inverse FFTs per pair
    ``j1 < j2``. The coefficients are spatial integrals (no further FFT).
    """
    harmonics = (L + 1) ** 2
    groups = [fft_group(1, shape, ["rfft"]), fft_group((J + 1) * harmonics, shape, ["ifft"])]
    if max_order == 2:
        groups += [fft_group(J * (L + 1), shape, ["rfft"]),
                   fft_group(J * (J + 1) // 2 * harmonics, shape, ["ifft"])]
    return groups


FFT_PLANNERS: Dict[str, Callable[..., List[Dict[str, Any]]]] = {
    "Scattering1D": fft_groups_1d, "Scattering2D": fft_groups_2d,
    "HarmonicScattering3D": fft_groups_3d}


def eager_groups(groups: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """``groups`` with the pointwise work every path needs at least once: a product
    with a (real) filter before each inverse FFT (``mul``) and a modulus before each
    forward FFT but the input's (``abs``).

    Timed like the FFTs, this is the *eager floor*: what an implementation that reads
    and writes each map once per FFT, product and modulus would take (no periodisation,
    padding, packing or joins; products at the coarser resolution). Upstream's time over
    it bounds the speed-up any such implementation (one library call per operation, no
    fused kernels) can reach.
    """
    out = []
    for index, group in enumerate(groups):
        kinds = []
        for kind in group["kinds"]:
            if kind in ("ifft", "irfft"):
                kinds.append("mul")
            elif kind == "rfft" and index > 0:
                kinds.append("abs")
            kinds.append(kind)
        out.append(dict(group, kinds=kinds))
    return out


# --------------------------------------------------------------------------- targets
@dataclass(frozen=True)
class Target:
    """A DESIGN performance bar on one ratio of the table."""

    metric: str
    threshold: float
    higher_is_better: bool

    def describe(self) -> str:
        """``'>= 3x'`` or ``'<= 0.5x'``."""
        return f"{'>=' if self.higher_is_better else '<='} {self.threshold:g}x"

    def status(self, value: Optional[float]) -> str:
        """``'met'``, ``'MISSED (need ...)'`` or ``'n/a'``."""
        if value is None:
            return "n/a"
        ok = value >= self.threshold if self.higher_is_better else value <= self.threshold
        return "met" if ok else f"MISSED ({value:.2f}x, need {self.describe()})"


def targets_for(case: Case) -> Dict[str, Target]:
    """The DESIGN bars that apply to ``case``, keyed by metric."""
    if case.frontend == "numpy":
        return {"forward": Target("forward", 2.0, True)}
    if case.frontend not in EAGER_FRONTENDS:  # at least as fast as upstream's frontend
        return {"forward": Target("forward", 1.0, True),
                "forward_backward": Target("forward_backward", 1.0, True)}
    return {"construct": Target("construct", 5.0, True),
            "forward": Target("forward", 3.0, True),
            "forward_backward": Target("forward_backward", 3.0, True),
            "mem_fwd": Target("mem_fwd", 0.5, False),
            "mem_fwdbwd": Target("mem_fwdbwd", 0.5, False),
            "floor_forward": Target("floor_forward", 1.5, False),
            "floor_forward_backward": Target("floor_forward_backward", 1.5, False)}


# --------------------------------------------------------------------------- workers
@dataclass
class Implementation:
    """An interpreter that runs the worker, and how."""

    label: str
    python: str
    isolated: bool
    env: Dict[str, str] = field(default_factory=dict)
    probe: Dict[str, Any] = field(default_factory=dict)

    def has(self, case: Case) -> bool:
        """True if this implementation exports ``case``'s class."""
        return case.cls in self.probe.get("available", {}).get(case.frontend, [])


def thread_env(threads: int) -> Dict[str, str]:
    """Environment variables pinning the native thread pools."""
    return {name: str(threads) for name in THREAD_VARIABLES}


def make_implementations(upstream_python: Optional[str],
                         threads: int) -> List[Implementation]:
    """Ours (repository on ``PYTHONPATH``) and, if given, upstream (isolated)."""
    base = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    base.update(thread_env(threads))
    ours_path = os.pathsep.join([REPO_ROOT] + [p for p in os.environ.get("PYTHONPATH", "")
                                               .split(os.pathsep) if p])
    impls = [Implementation("ours", sys.executable, False, dict(base, PYTHONPATH=ours_path))]
    if upstream_python:
        impls.append(Implementation("upstream", upstream_python, True, dict(base)))
    return impls


def run_worker(impl: Implementation, spec: Dict[str, Any],
               timeout: float) -> Dict[str, Any]:
    """Run one measurement in a fresh process; ``{'error': ...}`` on failure."""
    with tempfile.TemporaryDirectory(prefix="kymatio-bench-") as workdir:
        result_path = os.path.join(workdir, "result.json")
        command = [impl.python] + (["-I"] if impl.isolated else []) + [
            WORKER, "--spec", json.dumps(spec), "--result", result_path]
        try:
            proc = subprocess.run(command, cwd=workdir, env=impl.env, timeout=timeout,
                                  capture_output=True, text=True)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:.0f} s"}
        if proc.returncode != 0 or not os.path.exists(result_path):
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {"error": f"exit code {proc.returncode}: {' | '.join(tail)}"}
        with open(result_path) as f:
            return json.load(f)


def inside_repo(path: str) -> bool:
    """True if ``path`` lies inside this repository."""
    return os.path.commonpath([os.path.abspath(path), REPO_ROOT]) == REPO_ROOT


def check_probe(impl: Implementation) -> Optional[str]:
    """Why ``impl``'s probe is unusable, or None if it imports the expected kymatio."""
    probe = impl.probe
    if "error" in probe:
        return probe["error"]
    from_repo = inside_repo(probe["kymatio_file"])
    if impl.label == "ours" and not from_repo:
        return f"imports kymatio from {probe['kymatio_file']}, not from {REPO_ROOT}"
    if impl.label == "upstream" and (from_repo or probe["kymatio_version"] != UPSTREAM_VERSION):
        return (f"imports kymatio {probe['kymatio_version']} from {probe['kymatio_file']}, "
                f"expected {UPSTREAM_VERSION} from outside the repository")
    return None


def resolve_upstream_python(option: Optional[str]) -> Tuple[str, str]:
    """The upstream interpreter and where it came from: ``--upstream-python``, else
    ``$KYMATIO_UPSTREAM_PYTHON``; SystemExit saying what to give when neither names an
    executable file."""
    for path, source in ((option, "--upstream-python"),
                         (os.environ.get(UPSTREAM_ENV), f"${UPSTREAM_ENV}")):
        if path:
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path, source
            raise SystemExit(f"{source}={path} is not an executable file; give the python "
                             f"of a virtual environment with kymatio=={UPSTREAM_VERSION} "
                             f"(or --no-upstream to time ours only).")
    raise SystemExit(f"no upstream interpreter: give --upstream-python PATH or set "
                     f"{UPSTREAM_ENV}=PATH, the python of a virtual environment outside the "
                     f"repository with kymatio=={UPSTREAM_VERSION} installed (pip install "
                     f"kymatio=={UPSTREAM_VERSION} torch 'scipy<1.15'); or --no-upstream to "
                     f"time ours only.")


# --------------------------------------------------------------------------- measuring
@dataclass
class Settings:
    """Repeat counts and limits of one run."""

    repeat: int
    warmup: int
    construct_repeat: int
    threads: int
    timeout: float
    clock: str = "cpu"


def base_spec(case: Case, settings: Settings, mode: str) -> Dict[str, Any]:
    """The worker spec of ``mode`` for ``case``."""
    return {"mode": mode, "frontend": case.frontend, "cls": case.cls,
            "kwargs": case.kwargs, "input_shape": list(case.input_shape),
            "signal_ndim": case.signal_ndim, "seed": 0, "repeat": settings.repeat,
            "warmup": settings.warmup, "construct_repeat": settings.construct_repeat,
            "threads": settings.threads, "compiled": case.compiled,
            "clock": settings.clock}


def measure_implementation(impl: Implementation, case: Case, settings: Settings,
                           output_path: str) -> Dict[str, Any]:
    """Timing and memory measurements of ``case`` with ``impl``, one process each."""
    spec = dict(base_spec(case, settings, "time"), output_path=output_path)
    result = {"time": run_worker(impl, spec, settings.timeout)}
    modes = (["mem_fwd"] if case.frontend in EAGER_FRONTENDS else []) + (
        ["mem_fwdbwd"] if case.frontend == "torch" else [])
    for mode in modes:
        result[mode] = run_worker(impl, base_spec(case, settings, mode), settings.timeout)
    return result


def measure_floor(ours: Implementation, case: Case, settings: Settings) -> Dict[str, Any]:
    """The bare-FFT and eager floors of ``case``, timed with our interpreter."""
    groups = FFT_PLANNERS[case.cls](**case.kwargs)
    spec = dict(base_spec(case, settings, "floor"), fft_groups=groups,
                eager_groups=eager_groups(groups))
    return run_worker(ours, spec, settings.timeout)


def compare_outputs(path_ours: str, path_upstream: str) -> Dict[str, Any]:
    """Max-norm and L2 relative errors of ours against upstream."""
    import numpy as np
    if not (os.path.exists(path_ours) and os.path.exists(path_upstream)):
        return {"error": "an output is missing"}
    ours, ref = np.load(path_ours).astype(np.float64), np.load(path_upstream).astype(np.float64)
    if ours.shape != ref.shape:
        return {"error": f"shape {ours.shape} != upstream {ref.shape}"}
    diff = ours - ref
    return {"max_rel_error": float(np.abs(diff).max() / np.abs(ref).max()),
            "l2_rel_error": float(np.linalg.norm(diff) / np.linalg.norm(ref))}


def skip_reason(case: Case, impls: Sequence[Implementation]) -> Optional[str]:
    """Why ``case`` cannot be measured (its class missing somewhere), or None."""
    missing = [impl.label for impl in impls if not impl.has(case)]
    if missing:
        return f"{case.frontend}.{case.cls} not available in {' and '.join(missing)}"
    return None


def run_case(case: Case, impls: Sequence[Implementation],
             settings: Settings) -> Dict[str, Any]:
    """All measurements of one case."""
    reason = skip_reason(case, impls)
    record: Dict[str, Any] = {"case": asdict(case), "skipped": reason}
    if reason:
        return record
    with tempfile.TemporaryDirectory(prefix="kymatio-bench-out-") as outdir:
        outputs = {impl.label: os.path.join(outdir, f"{impl.label}.npy") for impl in impls}
        for impl in impls:
            record[impl.label] = measure_implementation(impl, case, settings,
                                                        outputs[impl.label])
        if len(impls) == 2:
            record["agreement"] = compare_outputs(outputs["ours"], outputs["upstream"])
    if case.frontend in EAGER_FRONTENDS:
        record["floor"] = measure_floor(impls[0], case, settings)
    return record


# --------------------------------------------------------------------------- table
METRICS = [  # (key, label, unit, how to read it from an implementation's record)
    ("construct", "construction", "ms", lambda r: r["time"].get("construct_s")),
    ("forward", "forward", "ms", lambda r: r["time"].get("forward_s")),
    ("forward_backward", "fwd+bwd", "ms", lambda r: r["time"].get("forward_backward_s")),
    ("mem_fwd", "peak mem fwd", "MiB", lambda r: r["mem_fwd"].get("peak_increase_mib")),
    ("mem_fwdbwd", "peak mem fwd+bwd", "MiB",
     lambda r: r.get("mem_fwdbwd", {}).get("peak_increase_mib")),
]
FLOORS = [("floor_forward", "forward / FFT floor", "forward", "floor_forward_s"),
          ("floor_forward_backward", "fwd+bwd / FFT floor", "forward_backward",
           "floor_forward_backward_s"),
          ("eager_floor_forward", "forward / eager floor", "forward",
           "eager_floor_forward_s"),
          ("eager_floor_forward_backward", "fwd+bwd / eager floor", "forward_backward",
           "eager_floor_forward_backward_s")]


def metric_values(record: Dict[str, Any], label: str) -> Dict[str, Optional[float]]:
    """The metrics of one implementation (times in ms, memory in MiB)."""
    impl = record.get(label)
    if impl is None:
        return {}
    values = {}
    for key, _, unit, read in METRICS:
        try:
            value = read(impl)
        except (KeyError, AttributeError):
            value = None
        values[key] = None if value is None else value * (1e3 if unit == "ms" else 1.0)
    return values


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    """``numerator / denominator``, None if either is missing or the denominator is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def summarize(record: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Rows ``metric, ours, upstream, ratio, target, status`` of one measured case.

    Time ratios are speed-ups (upstream / ours); memory ratios are ours / upstream;
    floor rows give ``time / floor`` of each implementation, the ratio being ours'.
    """
    case = Case(**{**record["case"], "input_shape": tuple(record["case"]["input_shape"])})
    targets = targets_for(case)
    ours, upstream = metric_values(record, "ours"), metric_values(record, "upstream")
    rows = []
    for key, label, unit, _ in METRICS:
        if ours.get(key) is None and upstream.get(key) is None:
            continue
        speed = unit == "ms"
        r = ratio(upstream.get(key), ours.get(key)) if speed else ratio(ours.get(key),
                                                                        upstream.get(key))
        rows.append(make_row(key, f"{label} [{unit}]", ours.get(key), upstream.get(key),
                             r, targets.get(key)))
    floor = record.get("floor", {})
    for key, label, time_key, floor_key in FLOORS:
        floor_ms = floor.get(floor_key)
        if floor_ms is None or ours.get(time_key) is None:
            continue
        over_floor = [ratio(v.get(time_key), floor_ms * 1e3) for v in (ours, upstream)]
        rows.append(make_row(key, label, over_floor[0], over_floor[1], over_floor[0],
                             targets.get(key)))
    return rows


def make_row(key: str, label: str, ours: Optional[float], upstream: Optional[float],
             value: Optional[float], target: Optional[Target]) -> Dict[str, Any]:
    """One table row, with the target's verdict."""
    return {"metric": key, "label": label, "ours": ours, "upstream": upstream,
            "ratio": value, "target": target.describe() if target else "",
            "status": target.status(value) if target else ""}


def fmt(value: Optional[float], suffix: str = "") -> str:
    """A number with 3 significant digits, or '-'."""
    return "-" if value is None else f"{value:.3g}{suffix}"


def format_table(records: Sequence[Dict[str, Any]]) -> str:
    """The detail table: one block of metric rows per case."""
    header = ["case", "metric", "ours", "upstream", "ratio", "target", "status"]
    lines = []
    for record in records:
        name = record["case"]["name"]
        if record.get("skipped"):
            lines.append([name, "skipped", "", "", "", "", record["skipped"]])
            continue
        for row in record["rows"]:
            lines.append([name, row["label"], fmt(row["ours"]), fmt(row["upstream"]),
                          fmt(row["ratio"], "x"), row["target"], row["status"]])
        lines.append([name, "max rel. error", fmt(record.get("agreement", {})
                                                  .get("max_rel_error")),
                      "", "", "", record.get("agreement", {}).get("error", "")])
        errors = [f"{label}/{mode}: {m['error']}" for label in ("ours", "upstream")
                  for mode, m in record.get(label, {}).items() if "error" in m]
        lines += [[name, "error", "", "", "", "", e] for e in errors]
    return render(header, lines)


def format_summary(records: Sequence[Dict[str, Any]]) -> str:
    """One line per measured case: the ratios and the agreement."""
    keys = ["construct", "forward", "forward_backward", "mem_fwd", "mem_fwdbwd",
            "floor_forward", "floor_forward_backward"]
    bounds = ["eager_floor_forward", "eager_floor_forward_backward"]
    header = ["case", "constr x", "fwd x", "f+b x", "mem fwd", "mem f+b", "fwd/floor",
              "f+b/floor", "fwd x max", "f+b x max", "max rel err", "targets"]
    lines = []
    for record in records:
        if record.get("skipped"):
            continue
        rows = {row["metric"]: row for row in record["rows"]}
        cells = [fmt(rows[k]["ratio"], "x") if k in rows else "-" for k in keys]
        # upstream / eager floor: the speed-up an eager implementation could reach
        cells += [fmt(rows[k]["upstream"], "x") if k in rows else "-" for k in bounds]
        verdicts = [row["status"] for row in record["rows"]
                    if row["status"] and row["status"] != "n/a"]
        met = sum(v == "met" for v in verdicts)
        lines.append([record["case"]["name"]] + cells
                     + [fmt(record.get("agreement", {}).get("max_rel_error")),
                        f"{met}/{len(verdicts)} met"])
    return render(header, lines)


def render(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns."""
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in lines]
    return "\n".join(out)


# --------------------------------------------------------------------------- main
def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream-python", default=None,
                        help=f"interpreter with kymatio {UPSTREAM_VERSION} (default: "
                             f"${UPSTREAM_ENV}; one of them is required unless "
                             f"--no-upstream)")
    parser.add_argument("--no-upstream", action="store_true", help="time ours only")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (1)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: CPU time of the computing thread(s), steady on a shared "
                             "machine (default); wall: elapsed time")
    parser.add_argument("--repeat", type=int, default=10, help="timed calls per median")
    parser.add_argument("--warmup", type=int, default=2, help="untimed calls first")
    parser.add_argument("--construct-repeat", type=int, default=5,
                        help="constructions per median")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2 repeats, 1 warm-up, 2 constructions")
    parser.add_argument("--cases", default=None,
                        help="comma-separated case names (default all): "
                             + ", ".join(c.name for c in CASES))
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds per measurement process")
    parser.add_argument("--json", default=DEFAULT_JSON, help="where to write the results")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.warmup, args.construct_repeat = 2, 1, 2
    return args


def select_cases(names: Optional[str]) -> List[Case]:
    """The cases named in ``names`` (all if None); unknown names are an error."""
    if not names:
        return list(CASES)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    known = {c.name: c for c in CASES}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise SystemExit(f"unknown case(s) {unknown}; choose from {sorted(known)}")
    return [known[n] for n in wanted]


def setup_implementations(args: argparse.Namespace) -> Tuple[List[Implementation], str]:
    """Probe ours and upstream; returns the usable ones and a note on upstream."""
    upstream, note = (None, "--no-upstream given") if args.no_upstream else \
        resolve_upstream_python(args.upstream_python)
    impls = make_implementations(upstream, args.threads)
    for impl in impls:
        impl.probe = run_worker(impl, {"mode": "probe"}, timeout=300)
    problem = check_probe(impls[0])
    if problem:
        raise SystemExit(f"our kymatio is unusable: {problem}")
    if len(impls) == 2:
        problem = check_probe(impls[1])
        if problem:
            note = f"upstream at {upstream} unusable: {problem}"
            impls = impls[:1]
        else:
            note = f"upstream: {upstream} ({note})"
    return impls, note


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the benchmark, print the tables, write the JSON; returns the exit code."""
    args = parse_args(argv)
    cases = select_cases(args.cases)
    impls, note = setup_implementations(args)
    if len(impls) == 1:
        print(f"NOTE: timing ours only: {note}")
    else:
        print(f"NOTE: {note}")
    settings = Settings(args.repeat, args.warmup, args.construct_repeat, args.threads,
                        args.timeout, args.clock)
    print(f"threads={args.threads} clock={args.clock} repeat={args.repeat} "
          f"warmup={args.warmup} "
          f"construct_repeat={args.construct_repeat}", flush=True)
    records = []
    for case in cases:
        start = time.perf_counter()
        record = run_case(case, impls, settings)
        if not record["skipped"]:
            record["rows"] = summarize(record)
        records.append(record)
        print(f"  {case.name}: {record['skipped'] or 'done'} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    print()
    print(format_table(records))
    print()
    print(format_summary(records))
    write_json(args.json, {"settings": asdict(settings), "upstream_note": note,
                           "implementations": {i.label: {"python": i.python, **i.probe}
                                               for i in impls},
                           "cpu_count": os.cpu_count(), "records": records})
    print(f"\nJSON written to {args.json}")
    return 0


def write_json(path: str, payload: Dict[str, Any]) -> None:
    """Write ``payload`` to ``path``, creating the folder."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(payload, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
