"""The 1D transforms reproduce upstream Kymatio 0.3.0 (reference data in tests/reference,
written by tests/reference/generate_1d.py)."""
import json
import os
import warnings

import numpy as np
import pytest
import torch

from kymatio.numpy import Scattering1D as NumPy1D
from kymatio.torch import Scattering1D as Torch1D

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = np.load(os.path.join(HERE, "reference", "scattering1d.npz"))
CASES = sorted({key.split("/")[0] for key in REFERENCE.files})


def assert_close(ours, reference):
    """Relative error ||ours - reference|| / ||reference|| within the dtype's bound."""
    bound = 1e-5 if ours.dtype == np.float32 else 1e-10
    error = np.linalg.norm(ours - reference) / np.linalg.norm(reference)
    assert error <= bound, f"relative error {error:.2e} > {bound:.0e}"


def params(case):
    kwargs = json.loads(str(REFERENCE[f"{case}/params"]))
    for key in ("shape", "Q"):
        if isinstance(kwargs.get(key), list):
            kwargs[key] = tuple(kwargs[key])
    return kwargs


def flatten(output):
    """Coefficients as one array and the layout (keys, lengths) of list/dict outputs."""
    if isinstance(output, dict):
        output = [{"coef": v, "n": k, "j": None} for k, v in output.items()]
    if isinstance(output, list):
        layout = [{"n": list(c["n"]), "j": None if c["j"] is None else list(c["j"]),
                   "len": c["coef"].shape[-1]} for c in output]
        return np.concatenate([np.asarray(c["coef"]) for c in output], axis=-1), layout
    return np.asarray(output), None


def run(case, frontend, dtype):
    x = REFERENCE[f"{case}/x"].astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if frontend == "numpy":
            return NumPy1D(**params(case))(x)
        S = Torch1D(**params(case))
    device = "cuda" if frontend == "torch-cuda" else "cpu"
    S = (S.double() if dtype == np.float64 else S).to(device)
    with torch.no_grad():
        out = S(torch.from_numpy(x).to(device))
    if isinstance(out, list):
        return [dict(c, coef=c["coef"].cpu().numpy()) for c in out]
    if isinstance(out, dict):
        return {k: v.cpu().numpy() for k, v in out.items()}
    return out.cpu().numpy()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("frontend", ["numpy", "torch", "torch-cuda"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_upstream(case, frontend, dtype):
    reference = REFERENCE[f"{case}/{frontend.split('-')[0]}{32 if dtype == np.float32 else 64}"]
    ours, layout = flatten(run(case, frontend, dtype))
    assert ours.dtype == dtype
    assert ours.shape == reference.shape
    assert_close(ours, reference)
    if f"{case}/layout" in REFERENCE.files:
        assert layout == json.loads(str(REFERENCE[f"{case}/layout"]))


@pytest.mark.parametrize("case", CASES)
def test_meta_and_size_match_upstream(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        S = NumPy1D(**params(case))
    meta = S.meta()
    for key in ("order", "xi", "sigma", "j", "n"):
        np.testing.assert_array_equal(meta[key], REFERENCE[f"{case}/meta/{key}"])
    assert [list(k) for k in meta["key"]] == json.loads(str(REFERENCE[f"{case}/meta/key"]))
    assert S.output_size(detail=True) == list(REFERENCE[f"{case}/output_size"])
