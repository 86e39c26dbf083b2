"""One measurement of a scattering transform, run in a fresh interpreter.

``benchmarks/compare_upstream.py`` starts this script once per measurement, with our
interpreter (the repository on ``PYTHONPATH``) or with upstream Kymatio 0.3.0's (isolated
mode, a temporary working directory, nothing of the repository on ``sys.path``). It reads
one JSON *spec* from ``--spec``, performs the measurement named by ``spec["mode"]`` and
writes one JSON object to ``--result``.

The script is self-contained (standard library, NumPy and the case's framework: PyTorch,
JAX or TensorFlow) so that it runs unchanged in both environments. Modes:

``probe``
    Which ``kymatio`` was imported (version, file) and which transform classes each
    frontend exports.
``time``
    Construction, forward and (torch) forward+backward times; saves the output on the
    seeded input for the agreement check; torch's allocator peak as a cross-check of
    the memory numbers.
``mem_fwd`` / ``mem_fwdbwd``
    Increase of the peak resident set size during one forward (or forward+backward)
    call, see :func:`peak_rss_increase`.
``floor``
    Time of the bare FFTs the transform needs, and of those FFTs with one product and
    one modulus per path (the eager floor), see :func:`time_fft_floor`.
"""
import argparse
import ctypes
import gc
import importlib
import json
import os
import platform
import resource
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

TRANSFORMS = ("Scattering1D", "Scattering2D", "HarmonicScattering3D")
FRONTENDS = ("torch", "numpy", "jax", "tensorflow")
MIB = 2.0 ** 20


# --------------------------------------------------------------------------- set-up
def set_threads(threads: int, frontend: str) -> None:
    """Pin the intra-op thread count of the libraries (environment set by the parent)."""
    if frontend == "torch":
        import torch
        torch.set_num_threads(threads)
    elif frontend == "jax":  # read when jax is first imported
        os.environ["XLA_FLAGS"] = (f"--xla_cpu_multi_thread_eigen={threads > 1} "
                                   f"intra_op_parallelism_threads={threads}")
    elif frontend == "tensorflow":
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def load_transform(frontend: str, cls: str) -> Callable[..., Any]:
    """The class ``kymatio.<frontend>.<cls>``."""
    return getattr(importlib.import_module(f"kymatio.{frontend}"), cls)


def seeded_input(shape: Sequence[int], seed: int) -> np.ndarray:
    """Standard normal float32 data, identical in every NumPy version (legacy stream)."""
    return np.random.RandomState(seed).standard_normal(tuple(shape)).astype(np.float32)


def as_frontend(x: np.ndarray, frontend: str, requires_grad: bool = False) -> Any:
    """``x`` as the frontend's array type."""
    if frontend == "numpy":
        return x
    if frontend == "jax":
        import jax.numpy as jnp
        return jnp.asarray(x)
    if frontend == "tensorflow":
        import tensorflow as tf
        return tf.constant(x)
    import torch
    return torch.from_numpy(x.copy()).requires_grad_(requires_grad)


def tiny_shape(shape: Sequence[int], n_signal_dims: int) -> List[int]:
    """``shape`` with every batch dimension set to 1 (for the warm-up call)."""
    n_batch = len(shape) - n_signal_dims
    return [1] * n_batch + list(shape[n_batch:])


def to_numpy(out: Any) -> np.ndarray:
    """The transform's output as a NumPy array."""
    if hasattr(out, "detach"):
        return out.detach().cpu().numpy()
    return np.asarray(out)


# --------------------------------------------------------------------------- calls
def make_call(S: Any, frontend: str, backward: bool,
              compiled: bool = False) -> Callable[[Any], Any]:
    """A function running one forward (torch: under ``no_grad``) or forward+backward
    (JAX, TensorFlow: the gradient of the output's sum, wrapped in ``jax.jit`` /
    ``tf.function`` if ``compiled``)."""
    if frontend == "numpy":
        return S
    if frontend == "jax":
        import jax
        import jax.numpy as jnp
        call = jax.grad(lambda v: jnp.sum(S(v))) if backward else S
        call = jax.jit(call) if compiled else call
        return lambda x: jax.block_until_ready(call(x))
    if frontend == "tensorflow":
        import tensorflow as tf

        def gradient(x: Any) -> Any:
            with tf.GradientTape() as tape:
                tape.watch(x)
                loss = tf.reduce_sum(S(x))
            return tape.gradient(loss, x)
        call = gradient if backward else S
        return tf.function(call) if compiled else call
    import torch

    def forward(x: Any) -> Any:
        with torch.no_grad():
            return S(x)

    def forward_backward(x: Any) -> Any:
        out = S(x)
        out.sum().backward()
        x.grad = None
        return out

    return forward_backward if backward else forward


#: The clocks a measurement can read. ``cpu``: the CPU time of the calling thread for
#: NumPy and torch (with one thread they compute on it, the CPU backward included), of
#: the whole process for JAX and TensorFlow (their runtimes compute on threads of their
#: own); it does not count the time the process waits for a core, so it is the steadier
#: number on a shared machine. ``wall``: elapsed time.
CLOCKS = ("cpu", "wall")
_clock: Callable[[], float] = time.perf_counter


def set_clock(name: str, frontend: str) -> None:
    """Select the clock of :func:`median_time` (one of :data:`CLOCKS`)."""
    global _clock
    if name not in CLOCKS:
        raise ValueError(f"clock must be one of {CLOCKS}, got {name!r}")
    if name == "wall":
        _clock = time.perf_counter
    else:
        _clock = time.thread_time if frontend in ("numpy", "torch") else time.process_time


def median_time(fn: Callable[[], Any], repeat: int, warmup: int = 0) -> float:
    """Median time of ``fn()`` in seconds (on the selected clock, see :func:`set_clock`)
    over ``repeat`` calls after ``warmup``."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = _clock()
        fn()
        times.append(_clock() - start)
    return statistics.median(times)


# --------------------------------------------------------------------------- memory
def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter of this process (Linux >= 4.0); True if done."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_rss_bytes() -> int:
    """Peak resident set size of this process's address space, in bytes.

    ``VmHWM`` of ``/proc/self/status`` where it exists (Linux), else ``ru_maxrss``.
    On Linux ``getrusage(RUSAGE_SELF).ru_maxrss`` is the larger of the current address
    space's peak (the same counter as ``VmHWM``) and the peak recorded at ``exec``,
    which is the *parent's* RSS when it started this process; ``VmHWM`` omits that.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def _release_free_heap() -> None:
    """Give freed heap memory back to the system so that it cannot hide new use."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def peak_rss_increase(call: Callable[[], Any]) -> Dict[str, Any]:
    """Increase of the process's peak RSS during ``call()``.

    Everything allocated before (interpreter, imports, the transform and its filters,
    the input, a warm-up on a batch-1 input) is in the baseline. The baseline is taken
    right before the call: the kernel's peak counter is reset to the current RSS
    (``/proc/self/clear_refs``), so the increase is the true peak of the call. Where
    the reset is impossible the baseline is the earlier peak, and the increase a lower
    bound (``exact`` is False). The peak is read by :func:`_peak_rss_bytes`.
    """
    _release_free_heap()
    exact = _reset_peak_rss()
    baseline = _peak_rss_bytes()
    result = call()
    peak = _peak_rss_bytes()
    del result
    return {"peak_increase_mib": (peak - baseline) / MIB, "baseline_mib": baseline / MIB,
            "exact": exact}


def torch_alloc_peak(call: Callable[[], Any]) -> Optional[float]:
    """Peak bytes (MiB) held by torch's CPU allocator during ``call()``, via the profiler.

    A cross-check of :func:`peak_rss_increase` that ignores NumPy and heap effects; None
    if this torch's profiler does not expose its memory events.
    """
    try:
        from torch.profiler import ProfilerActivity, profile
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            call()
        events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
        current = peak = 0
        for event in sorted(events, key=lambda e: e.start_ns()):
            current += event.nbytes()
            peak = max(peak, current)
        return peak / MIB
    except Exception:  # private profiler API: a missing cross-check is not an error
        return None


# --------------------------------------------------------------------------- modes
def probe(spec: Dict[str, Any]) -> Dict[str, Any]:
    """Which kymatio this interpreter imports, and the transforms it offers."""
    import kymatio
    available = {}
    for frontend in FRONTENDS:
        try:
            module = importlib.import_module(f"kymatio.{frontend}")
        except ImportError:
            available[frontend] = []
            continue
        available[frontend] = [c for c in TRANSFORMS if hasattr(module, c)]
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        import torch
        versions["torch"] = torch.__version__
    except ImportError:
        pass
    return {"kymatio_version": kymatio.__version__,
            "kymatio_file": os.path.abspath(kymatio.__file__),
            "available": available, "versions": versions}


def measure_time(spec: Dict[str, Any]) -> Dict[str, Any]:
    """Construction, forward and forward+backward medians; saves the output."""
    frontend, repeat, warmup = spec["frontend"], spec["repeat"], spec["warmup"]
    Transform = load_transform(frontend, spec["cls"])
    construct = lambda: Transform(**spec["kwargs"])  # noqa: E731
    result = {"construct_s": median_time(construct, spec["construct_repeat"], warmup=1)}
    S = construct()
    x_np = seeded_input(spec["input_shape"], spec["seed"])
    x = as_frontend(x_np, frontend)
    forward = make_call(S, frontend, backward=False, compiled=spec.get("compiled", False))
    result["forward_s"] = median_time(lambda: forward(x), repeat, warmup)
    if spec.get("output_path"):
        np.save(spec["output_path"], to_numpy(forward(x)))
    if frontend != "numpy":
        x_grad = as_frontend(x_np, frontend, requires_grad=True)
        forward_backward = make_call(S, frontend, backward=True,
                                     compiled=spec.get("compiled", False))
        result["forward_backward_s"] = median_time(lambda: forward_backward(x_grad),
                                                   repeat, warmup)
    if frontend == "torch":
        result["alloc_peak_fwd_mib"] = torch_alloc_peak(lambda: forward(x))
        result["alloc_peak_fwdbwd_mib"] = torch_alloc_peak(lambda: forward_backward(x_grad))
    return result


def measure_memory(spec: Dict[str, Any]) -> Dict[str, Any]:
    """Peak-RSS increase of one forward (``mem_fwd``) or forward+backward call."""
    frontend = spec["frontend"]
    backward = spec["mode"] == "mem_fwdbwd"
    S = load_transform(frontend, spec["cls"])(**spec["kwargs"])
    call = make_call(S, frontend, backward)
    shape = spec["input_shape"]
    warm = as_frontend(seeded_input(tiny_shape(shape, spec["signal_ndim"]), 1), frontend,
                       requires_grad=backward)
    call(warm)
    del warm
    x = as_frontend(seeded_input(shape, spec["seed"]), frontend, requires_grad=backward)
    return peak_rss_increase(lambda: call(x))


CHUNK_BUDGETS_BYTES = (None, 2 ** 21, 2 ** 18)  # whole group, 2 MiB, 256 KiB pieces


def _chunk_rows(rows: int, shape: Sequence[int], budget: Optional[int]) -> List[int]:
    """Sizes of the pieces ``rows`` signals of ``shape`` (complex64) are split into."""
    per_chunk = rows if budget is None else max(1, budget // (8 * int(np.prod(shape))))
    return [min(per_chunk, rows - start) for start in range(0, rows, per_chunk)]


POINTWISE = ("mul", "abs")  # the operations of an eager-floor chain that are not FFTs


def _chain(kinds: Sequence[str], shape: Sequence[int], frontend: str) -> Callable[[Any], Any]:
    """The operations ``kinds`` applied in turn over the last ``len(shape)`` axes with the
    frontend's library (``torch.fft``, or ``scipy.fft`` for NumPy): FFTs (``fft``,
    ``ifft``, ``rfft`` of the real part, ``irfft``), and for the eager floor a product with
    a real filter (``mul``) and our modulus (``abs``)."""
    axes = tuple(range(-len(shape), 0))
    filt = np.random.RandomState(1).rand(*shape).astype(np.float32)
    if frontend == "numpy":
        import scipy.fft as fft
        from kymatio.backend.native_numpy import modulus
        axis_kwarg, real = {"axes": axes}, np.real
    else:
        import torch
        from torch import fft
        from kymatio.backend.native_torch import modulus
        axis_kwarg, real, filt = {"dim": axes}, torch.real, torch.from_numpy(filt)
    ops = {"fft": lambda z: fft.fftn(z, **axis_kwarg),
           "ifft": lambda z: fft.ifftn(z, **axis_kwarg),
           "rfft": lambda z: fft.rfftn(real(z), **axis_kwarg),
           "irfft": lambda z: fft.irfftn(z, s=tuple(shape), **axis_kwarg),
           "mul": lambda z: z * filt[..., :z.shape[-1]],
           "abs": modulus}

    def chain(z: Any) -> Any:
        for kind in kinds:
            z = ops[kind](z)
        return z
    return chain


def _chain_input(kinds: Sequence[str], rows: int, shape: Sequence[int],
                 rng: np.random.RandomState) -> np.ndarray:
    """Input of a chain: real if it starts with ``rfft``, a half spectrum if its first FFT
    is an ``irfft``, else complex."""
    if next(kind for kind in kinds if kind not in POINTWISE) == "irfft":
        shape = list(shape[:-1]) + [shape[-1] // 2 + 1]
    data = rng.standard_normal((rows, *shape)).astype(np.float32)
    return data if kinds[0] == "rfft" else data.astype(np.complex64)


def _time_group(group: Dict[str, Any], batch: int, frontend: str, repeat: int,
                budget: Optional[int], backward: bool) -> float:
    """Median time of one FFT group processed in pieces of at most ``budget`` bytes."""
    kinds, shape = group["kinds"], group["shape"]
    rng = np.random.RandomState(0)
    pieces = [_chain_input(kinds, n, shape, rng)
              for n in _chunk_rows(batch * group["count"], shape, budget)]
    chain = _chain(kinds, shape, frontend)
    if frontend == "numpy":
        return median_time(lambda: [chain(z) for z in pieces], repeat, warmup=1)
    import torch
    tensors = [torch.from_numpy(z).requires_grad_(backward) for z in pieces]

    def run() -> None:
        for z in tensors:
            y = chain(z)
            if backward:
                (y.real if y.is_complex() else y).sum().backward()
                z.grad = None

    with torch.set_grad_enabled(backward):
        return median_time(run, repeat, warmup=1)


def _best_group_time(group: Dict[str, Any], batch: int, frontend: str, repeat: int,
                     backward: bool) -> float:
    """The fastest of the piece sizes ``CHUNK_BUDGETS_BYTES`` for one group."""
    return min(_time_group(group, batch, frontend, repeat, budget, backward)
               for budget in CHUNK_BUDGETS_BYTES)


def time_fft_floor(spec: Dict[str, Any]) -> Dict[str, Any]:
    """Time the bare FFT work of the transform (groups planned by the parent).

    Each group is ``count`` FFT chains per batch element on signals of size ``shape``;
    a chain applies the transforms ``kinds`` in turn (``fft``, ``ifft``, ``rfft`` of the
    real part, ``irfft``). A group is timed whole and cut into cache-sized pieces, and
    the fastest is kept, so the floor is the best FFT throughput of this machine. The
    torch forward+backward floor also runs autograd through the chains (the backward
    of each FFT is one FFT of the same size). The ``eager_groups`` of the spec, the same
    chains with one product and one modulus per path (``mul``, ``abs``), are timed the
    same way into the ``eager_floor_*`` entries.
    """
    repeat, frontend = spec["repeat"], spec["frontend"]
    batch = int(np.prod(spec["input_shape"][:-spec["signal_ndim"]] or [1]))
    result = {}
    for prefix, key in (("floor", "fft_groups"), ("eager_floor", "eager_groups")):
        groups = spec.get(key)
        if groups is None:
            continue
        result[f"{prefix}_forward_s"] = sum(
            _best_group_time(g, batch, frontend, repeat, False) for g in groups)
        if frontend == "torch":
            result[f"{prefix}_forward_backward_s"] = sum(
                _best_group_time(g, batch, frontend, repeat, True) for g in groups)
    return result


MODES: Dict[str, Callable[[Dict[str, Any]], Dict[str, Any]]] = {
    "probe": probe, "time": measure_time, "mem_fwd": measure_memory,
    "mem_fwdbwd": measure_memory, "floor": time_fft_floor}


def run_spec(spec: Dict[str, Any]) -> Dict[str, Any]:
    """Perform the measurement described by ``spec`` in this process."""
    if spec["mode"] != "probe":
        set_threads(spec.get("threads", 1), spec["frontend"])
        set_clock(spec.get("clock", "wall"), spec["frontend"])
    return MODES[spec["mode"]](spec)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Command line: ``--spec JSON --result PATH``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="the measurement, as JSON")
    parser.add_argument("--result", required=True, help="where to write the JSON result")
    args = parser.parse_args(argv)
    result = run_spec(json.loads(args.spec))
    with open(args.result, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
