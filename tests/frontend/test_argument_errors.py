"""Half precision is refused with a message that says what works, and argument errors
name the argument (the cases of a bad-input sweep whose messages misled)."""
import warnings

import numpy as np
import pytest
import torch

import kymatio.numpy as kn
import kymatio.torch as kt
from kymatio.models import ExampleLinearClassifier

warnings.filterwarnings("ignore", message="Signal support is too small")

TORCH_TRANSFORMS = {
    "1d": (lambda: kt.Scattering1D(J=2, shape=16), (1, 16)),
    "2d": (lambda: kt.Scattering2D(J=1, shape=(8, 8), L=2), (1, 8, 8)),
    "3d": (lambda: kt.HarmonicScattering3D(J=1, shape=(6, 6, 6), L=1), (1, 6, 6, 6)),
}


@pytest.mark.parametrize("kind", sorted(TORCH_TRANSFORMS))
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("convert", [False, True], ids=["float32 transform", "half transform"])
def test_half_precision_is_refused_saying_what_works(kind, dtype, convert):
    # The message used to suggest .to(torch.float16), which then failed inside the FFT.
    make, shape = TORCH_TRANSFORMS[kind]
    S = make()
    if convert:
        S = S.to(dtype)
    with pytest.raises(TypeError, match="half precision is not supported") as info:
        S(torch.zeros(shape, dtype=dtype))
    assert "float32 or float64" in str(info.value) and f".to({dtype})" not in str(info.value)


@pytest.mark.parametrize("make, shape", [
    (lambda: kn.Scattering1D(J=2, shape=16), (1, 16)),
    (lambda: kn.Scattering2D(J=1, shape=(8, 8), L=2), (1, 8, 8)),
    (lambda: kn.HarmonicScattering3D(J=1, shape=(6, 6, 6), L=1), (1, 6, 6, 6)),
], ids=["1d", "2d", "3d"])
def test_half_precision_numpy_input_is_computed_in_float32(make, shape):
    # The 1D filters used to be cast to float16 (results off by 1e-4 relative).
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float16)
    S = make()
    out = S(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, S(x.astype(np.float32)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("T", [float("nan"), float("inf"), "a", [4], -1, 10**6])
@pytest.mark.parametrize("frontend", [kt, kn], ids=["torch", "numpy"])
def test_scattering1d_errors_on_T_name_T(frontend, T):
    with pytest.raises((ValueError, TypeError), match=r"\bT\b"):
        frontend.Scattering1D(J=2, shape=16, T=T)


@pytest.mark.parametrize("x", [[[0.0] * 8] * 8, np.zeros((2, 1, 8, 8), np.float32), 3.0],
                         ids=["list", "ndarray", "float"])
def test_example_linear_classifier_names_the_expected_input(x):
    # A list used to raise AttributeError.
    model = ExampleLinearClassifier(J=1, image_size=(8, 8), in_channels=1, num_classes=3)
    with pytest.raises(TypeError, match=r"torch\.Tensor of images \(B, 1, 8, 8\)"):
        model(x)
