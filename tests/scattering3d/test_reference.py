"""The 3D harmonic transforms and filter banks reproduce upstream Kymatio 0.3.0
(reference data written by tests/reference/generate_3d.py)."""
import json
import os

import numpy as np
import pytest
import torch

from kymatio.numpy import HarmonicScattering3D as NumPy3D
from kymatio.scattering3d.filter_bank import gaussian_filter_bank, solid_harmonic_filter_bank
from kymatio.torch import HarmonicScattering3D as Torch3D

REFERENCE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reference")
REFERENCE = np.load(os.path.join(REFERENCE_DIR, "scattering3d.npz"))
CASES = sorted({k.split("/")[0] for k in REFERENCE.files if f"{k.split('/')[0]}/numpy32"
                in REFERENCE.files})
LOCAL_CASES = sorted({k.split("/")[0] for k in REFERENCE.files if k.endswith("/local")})
GRIDS = sorted({k.split("/")[1] for k in REFERENCE.files if k.startswith("filters/")})
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}


def relative_error(ours, reference):
    return np.linalg.norm(ours - reference) / np.linalg.norm(reference)


def output_dtype(frontend, dtype):
    """The NumPy transform returns float32, as upstream's; the torch one keeps float64."""
    return np.float32 if frontend == "numpy" else dtype


def run(frontend, dtype, params, x):
    x = x.astype(dtype)
    if frontend == "numpy":
        return NumPy3D(**params)(x)
    device = "cuda" if frontend == "torch-cuda" else "cpu"
    S = Torch3D(**params).to(torch.float64 if dtype == np.float64 else torch.float32).to(device)
    with torch.no_grad():
        return S(torch.from_numpy(x).to(device)).cpu().numpy()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("frontend", ["numpy", "torch", "torch-cuda"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_upstream(case, frontend, dtype):
    params = json.loads(str(REFERENCE[f"{case}/params"]))
    ours = run(frontend, dtype, params, REFERENCE[f"{case}/x"])
    assert ours.dtype == output_dtype(frontend, dtype)
    if dtype == np.float32:
        reference = REFERENCE[f"{case}/{frontend.split('-')[0]}32"]
    else:  # upstream rounds its output to float32; compare with its unrounded values
        reference = REFERENCE[f"{case}/numpy64_exact"]
        # ... and with what it returns, up to that rounding
        assert relative_error(ours, REFERENCE[f"{case}/{frontend.split('-')[0]}64"]) <= 1e-6
    assert ours.shape == reference.shape
    assert relative_error(ours, reference) <= TOLERANCE[ours.dtype.type]


@pytest.mark.parametrize("case", LOCAL_CASES)
@pytest.mark.parametrize("frontend", ["numpy", "torch"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_local_method_matches_upstream_cascade(case, frontend, dtype):
    params = json.loads(str(REFERENCE[f"{case}/params"]))
    params.update(method="local", points=REFERENCE[f"{case}/points"])
    ours = run(frontend, dtype, params, REFERENCE[f"{case}/x"])
    # reference: every path low-passed at every Gaussian width; pick width 2**(j_last + 1)
    paths = NumPy3D(**params).paths()
    reference = REFERENCE[f"{case}/local"]
    reference = np.stack([reference[:, i, :, path[-1] + 1] for i, path in enumerate(paths)],
                         axis=1)
    assert ours.shape == reference.shape and ours.dtype == output_dtype(frontend, dtype)
    assert relative_error(ours, reference) <= TOLERANCE[ours.dtype.type]


@pytest.mark.parametrize("grid", GRIDS)
@pytest.mark.parametrize("fourier", [True, False])
def test_filter_banks_match_upstream(grid, fourier):
    size, J, L, sigma_0 = grid.split("_")
    M, N, O = (int(n) for n in size.split("x"))
    J, L, sigma_0 = int(J[1:]), int(L[1:]), float(sigma_0[1:])
    prefix = f"filters/{grid}/fourier{fourier}"
    bank = solid_harmonic_filter_bank(M, N, O, J, L, sigma_0, fourier=fourier)
    assert len(bank) == L + 1
    for l, filters in enumerate(bank):
        reference = REFERENCE[f"{prefix}/solid_l{l}"]
        assert filters.dtype == reference.dtype and filters.shape == reference.shape
        # upstream's sph_harm rounds differently on the z axis (values ~1e-8 that
        # should be 0); everything else is bit-identical
        assert relative_error(filters, reference) <= 1e-9
        assert np.mean(filters == reference) > 0.98
    gaussians = gaussian_filter_bank(M, N, O, J, sigma_0, fourier=fourier)
    np.testing.assert_array_equal(gaussians, REFERENCE[f"{prefix}/gaussian"])
