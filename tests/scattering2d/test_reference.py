"""The 2D transforms reproduce upstream Kymatio 0.3.0 (reference data in tests/reference)."""
import json
import os

import numpy as np
import pytest
import torch

from kymatio.numpy import Scattering2D as NumPy2D
from kymatio.torch import Scattering2D as Torch2D

REFERENCE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reference")
REFERENCE = np.load(os.path.join(REFERENCE_DIR, "scattering2d.npz"))
CASES = sorted({key.split("/")[0] for key in REFERENCE.files})
TOLERANCE = {np.float32: 1e-5, np.float64: 1e-10}


def relative_error(ours, reference):
    return np.linalg.norm(ours - reference) / np.linalg.norm(reference)


def as_array(output):
    if isinstance(output, list):
        return np.stack([np.asarray(c["coef"]) for c in output], axis=-3)
    return np.asarray(output)


def run(case, frontend, dtype):
    params = json.loads(str(REFERENCE[f"{case}/params"]))
    x = REFERENCE[f"{case}/x"].astype(dtype)
    if frontend == "numpy":
        return NumPy2D(**params)(x)
    device = "cuda" if frontend == "torch-cuda" else "cpu"
    S = Torch2D(**params).to(torch.float64 if dtype == np.float64 else torch.float32).to(device)
    with torch.no_grad():
        out = S(torch.from_numpy(x).to(device))
    if isinstance(out, list):
        return [dict(c, coef=c["coef"].cpu().numpy()) for c in out]
    return out.cpu().numpy()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("frontend", ["numpy", "torch", "torch-cuda"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_upstream(case, frontend, dtype):
    key = f"{case}/{frontend.split('-')[0]}{32 if dtype == np.float32 else 64}"
    ours = run(case, frontend, dtype)
    assert as_array(ours).dtype == dtype
    assert as_array(ours).shape == REFERENCE[key].shape
    assert relative_error(as_array(ours), REFERENCE[key]) <= TOLERANCE[dtype]


@pytest.mark.parametrize("frontend", ["numpy", "torch"])
def test_list_meta_matches_upstream(frontend):
    case = next(c for c in CASES if f"{c}/meta" in REFERENCE.files)
    expected = json.loads(str(REFERENCE[f"{case}/meta"]))
    ours = run(case, frontend, np.float64)
    assert [{k: list(c[k]) for k in ("j", "n", "theta")} for c in ours] == expected
