"""Shared fixtures: the reference outputs of upstream Kymatio 0.3.0 (tests/reference)."""
import json
import os
import warnings
from types import ModuleType
from typing import Any, Callable

import numpy as np
import pytest

REFERENCE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference")
_TRANSFORMS = {1: "Scattering1D", 2: "Scattering2D", 3: "HarmonicScattering3D"}


class UpstreamReference:
    """Runs a frontend on a case of ``tests/reference/scattering{1,2,3}d.npz`` and
    checks its output against upstream's."""

    def __init__(self) -> None:
        self.data = {dim: np.load(os.path.join(REFERENCE_DIR, f"scattering{dim}d.npz"))
                     for dim in _TRANSFORMS}

    def arguments(self, dim: int, case: str) -> dict:
        """The transform's arguments of ``case`` (tuples where upstream has tuples)."""
        kwargs = json.loads(str(self.data[dim][f"{case}/params"]))
        for key in ("shape", "Q"):
            if isinstance(kwargs.get(key), list):
                kwargs[key] = tuple(kwargs[key])
        return kwargs

    def check(self, frontend: ModuleType, dim: int, case: str, dtype: Any = np.float32,
              call: Callable[[Any, np.ndarray], Any] = lambda S, x: S(x)) -> None:
        """``call(S, x)`` with ``S`` the ``frontend``'s transform of ``case`` matches
        upstream's NumPy output (relative error <= 1e-5 in float32, 1e-10 in float64)."""
        data = self.data[dim]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 1D cases with too short signals warn
            S = getattr(frontend, _TRANSFORMS[dim])(**self.arguments(dim, case))
        ours = _as_array(call(S, data[f"{case}/x"].astype(dtype)), dim)
        double = np.dtype(dtype) == np.float64
        key = f"{case}/numpy{64 if double else 32}"
        if dim == 3 and double:  # upstream rounds its 3D output to float32
            key = f"{case}/numpy64_exact"
        assert ours.dtype == dtype
        assert ours.shape == data[key].shape
        error = np.linalg.norm(ours - data[key]) / np.linalg.norm(data[key])
        assert error <= (1e-10 if double else 1e-5), f"relative error {error:.2e}"


def _as_array(output: Any, dim: int) -> np.ndarray:
    """Coefficients as one array, as the reference stores them: 1D list and dict outputs
    joined along the last axis, 2D lists stacked along the channel axis."""
    if isinstance(output, dict):
        output = [{"coef": v} for v in output.values()]
    if isinstance(output, list):
        coefficients = [np.asarray(c["coef"]) for c in output]
        return np.stack(coefficients, axis=-3) if dim == 2 else np.concatenate(
            coefficients, axis=-1)
    return np.asarray(output)


@pytest.fixture(scope="session")
def upstream() -> UpstreamReference:
    """The reference outputs of upstream Kymatio 0.3.0 and a checker."""
    return UpstreamReference()


# ----------------------------------------------------------------------------- devices
def _is_cuda(value: Any) -> bool:
    return isinstance(value, str) and (value == "cuda" or value.endswith("-cuda"))


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "cuda: needs a CUDA device (skipped without one; "
                            "benchmarks/gpu_check.sh runs them)")


def pytest_collection_modifyitems(config: Any, items: list) -> None:
    """Cases parametrized with ``"cuda"`` (or ``"<frontend>-cuda"``) get the ``cuda``
    mark, and are skipped where torch sees no CUDA device."""
    cuda_items = [item for item in items if any(
        _is_cuda(v) for v in getattr(getattr(item, "callspec", None), "params", {}).values())]
    if not cuda_items:
        return
    import torch
    available = torch.cuda.is_available()
    for item in cuda_items:
        item.add_marker(pytest.mark.cuda)
        if not available:
            item.add_marker(pytest.mark.skip(reason="no CUDA device"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "cuda" in r.keywords]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} CUDA case(s) skipped: no CUDA device "
                                    "(benchmarks/gpu_check.sh runs them on a GPU)")


@pytest.fixture(params=["cpu", "cuda"])
def device(request: Any) -> str:
    """The torch devices to run on: the CPU, and CUDA (skipped without a CUDA device)."""
    return request.param
