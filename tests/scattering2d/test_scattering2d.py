"""Behaviour of the 2D transform beyond the upstream numbers: inputs, errors, layouts,
gradients, chunking and the scikit-learn wrapper."""
import importlib

import numpy as np
import pytest
import torch

import kymatio
from kymatio.numpy import Scattering2D as NumPy2D
from kymatio.sklearn import Scattering2D as Sklearn2D
from kymatio.torch import Scattering2D as Torch2D


@pytest.fixture(scope="module")
def torch_transform():
    return Torch2D(J=2, shape=(16, 16), L=4)


@pytest.fixture(scope="module")
def numpy_transform():
    return NumPy2D(J=2, shape=(16, 16), L=4)


# ---------------------------------------------------------------- shapes and layouts

@pytest.mark.parametrize("batch_shape", [(), (3,), (2, 3), (2, 1, 2)])
def test_any_batch_rank(torch_transform, numpy_transform, batch_shape):
    x = np.random.default_rng(0).standard_normal(batch_shape + (16, 16)).astype(np.float32)
    expected_shape = batch_shape + (torch_transform.output_size(), 4, 4)
    out_torch = torch_transform(torch.from_numpy(x))
    out_numpy = numpy_transform(x)
    assert out_torch.shape == expected_shape and out_numpy.shape == expected_shape
    flat = numpy_transform(x.reshape((-1, 16, 16)))
    np.testing.assert_allclose(out_numpy.reshape(flat.shape), flat, rtol=0, atol=0)
    np.testing.assert_allclose(out_torch.numpy(), out_numpy, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("max_order", [1, 2])
def test_meta_and_output_size_describe_the_output(max_order):
    S = NumPy2D(J=3, shape=(24, 24), L=3, max_order=max_order)
    out = S(np.zeros((24, 24)))
    meta = S.meta()
    assert out.shape[0] == S.output_size() == len(meta["j"]) == len(meta["n"])
    expected = 1 + 3 * 3 + (3 * 3 * 3 * 2 // 2 if max_order == 2 else 0)
    assert S.output_size() == expected
    assert all(len(j) == order for j, order in zip(meta["j"], meta["order"]))
    assert all(j[0] < j[1] for j in meta["j"] if len(j) == 2)


def test_list_output_matches_array_output():
    x = np.random.default_rng(1).standard_normal((2, 20, 20))
    array = NumPy2D(J=2, shape=(20, 20), L=4)(x)
    listed = NumPy2D(J=2, shape=(20, 20), L=4, out_type="list")(x)
    assert len(listed) == array.shape[1]
    for k, coefficient in enumerate(listed):
        np.testing.assert_array_equal(coefficient["coef"], array[:, k])
        assert set(coefficient) == {"coef", "j", "n", "theta"}


def test_chunked_evaluation_equals_one_piece(monkeypatch):
    """Splitting batch and orientations into cache-sized pieces changes nothing."""
    x = np.random.default_rng(2).standard_normal((5, 3, 24, 20))
    S = NumPy2D(J=3, shape=(24, 20), L=4)
    whole = S(x)
    core = importlib.import_module("kymatio.scattering2d.core.scattering2d")
    monkeypatch.setattr(core, "WORKING_SET_BYTES", 1)
    np.testing.assert_allclose(S(x), whole, rtol=1e-12, atol=1e-14)


def test_float64_torch_module_and_state_dict():
    S = Torch2D(J=1, shape=(8, 8), L=2)
    x = torch.randn(2, 8, 8, dtype=torch.float64)
    out = S.double()(x)
    assert out.dtype == torch.float64
    clone = Torch2D(J=1, shape=(8, 8), L=2).double()
    clone.load_state_dict(S.state_dict())
    torch.testing.assert_close(clone(x), out)
    assert all(name.startswith(("phi_", "psi_")) for name in S.state_dict())


def test_upstream_output_size_formula():
    for J, L in [(1, 8), (2, 6), (4, 4)]:
        S = Torch2D(J=J, shape=(2 ** J, 2 ** J), L=L)
        assert S.output_size() == 1 + J * L + L * L * J * (J - 1) // 2


# ---------------------------------------------------------------- gradients

def test_gradcheck_float64():
    S = Torch2D(J=2, shape=(8, 8), L=2).double()
    x = torch.randn(1, 8, 8, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(S, (x,), eps=1e-6, atol=1e-6)


def test_gradient_of_zero_image_is_finite():
    S = Torch2D(J=2, shape=(8, 8), L=2)
    x = torch.zeros(1, 8, 8, requires_grad=True)
    S(x).sum().backward()
    assert torch.isfinite(x.grad).all()


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("bad_input, error, message", [
    (np.zeros((16, 16), np.float32), TypeError, "torch.Tensor"),
    (torch.zeros(16), RuntimeError, "at least two dimensions"),
    (torch.zeros(2, 16, 15), RuntimeError, "spatial size"),
    (torch.zeros(2, 16, 16).transpose(-1, -2), RuntimeError, "contiguous"),
    (torch.zeros(2, 16, 16, dtype=torch.int64), TypeError, "floating"),
    (torch.zeros(2, 16, 16, dtype=torch.complex64), TypeError, "floating"),
    (torch.zeros(2, 16, 16, dtype=torch.float64), TypeError, ".double()"),
])
def test_torch_input_errors(torch_transform, bad_input, error, message):
    with pytest.raises(error, match=message.replace(".", r"\.").replace("(", r"\(")
                       .replace(")", r"\)")):
        torch_transform(bad_input)


@pytest.mark.parametrize("bad_input, error, message", [
    ([[0.0] * 16] * 16, TypeError, "NumPy array"),
    (torch.zeros(16, 16), TypeError, "NumPy array"),
    (np.zeros(16), RuntimeError, "at least two dimensions"),
    (np.zeros((16, 17)), RuntimeError, "spatial size"),
    (np.zeros((16, 16), np.int32), TypeError, "floating"),
])
def test_numpy_input_errors(numpy_transform, bad_input, error, message):
    with pytest.raises(error, match=message):
        numpy_transform(bad_input)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(J=5, shape=(16, 16)), RuntimeError, "larger than 2\\^J"),
    (dict(J=2, shape=(16, 16), out_type="dict"), ValueError, "out_type"),
    (dict(J=2, shape=(16, 16), max_order=3), ValueError, "max_order"),
    (dict(J=2, shape=(16, 16), L=0), ValueError, "L should always be >= 1"),
    (dict(J=0, shape=(16, 16)), ValueError, "J should always be >= 1"),
    (dict(J=1.5, shape=(16, 16)), ValueError, "J must be"),
    (dict(J=2, shape=16), ValueError, "shape"),
    (dict(J=2, shape=(16, 16, 16)), ValueError, "shape"),
    (dict(J=2, shape=(16, 16), backend="numpy"), ImportError, "backend"),
])
def test_constructor_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        Torch2D(**kwargs)


def test_pre_pad_expects_padded_input():
    S = NumPy2D(J=2, shape=(16, 16), pre_pad=True)
    with pytest.raises(RuntimeError, match=r"Padded .* \(24, 24\)"):
        S(np.zeros((16, 16)))
    assert S(np.zeros((24, 24))).shape == (81, 4, 4)


def test_entry_point_picks_frontend():
    assert isinstance(kymatio.Scattering2D(2, (16, 16)), NumPy2D)
    assert isinstance(kymatio.Scattering2D(2, (16, 16), frontend="torch"), Torch2D)
    assert isinstance(kymatio.Scattering2D(2, (16, 16), frontend="sklearn"), Sklearn2D)
    with pytest.raises(RuntimeError, match="frontend"):
        kymatio.Scattering2D(2, (16, 16), frontend="mxnet")


# ---------------------------------------------------------------- scikit-learn

def test_sklearn_pipeline_and_clone():
    from sklearn.base import clone
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    digits = load_digits()
    x, y = digits.data[:300], digits.target[:300]
    pipeline = make_pipeline(Sklearn2D(J=1, shape=(8, 8), L=4),
                             LogisticRegression(max_iter=500))
    pipeline.fit(x[:200], y[:200])
    assert pipeline.score(x[200:], y[200:]) > 0.8
    transformer = clone(pipeline.steps[0][1])
    assert transformer.transform(x[:2]).shape == (2, 5 * 4 * 4)
    with pytest.raises(ValueError, match="64 values"):
        transformer.transform(np.zeros((2, 63)))


def test_sklearn_rows_of_several_channels():
    """A row may hold C flattened images (Kymatio 0.3.0 accepts it): their coefficients
    follow one another."""
    x = np.random.default_rng(0).standard_normal((4, 3, 8, 8))
    features = Sklearn2D(J=1, shape=(8, 8), L=4).transform(x.reshape(4, -1))
    expected = NumPy2D(J=1, shape=(8, 8), L=4)(x).reshape(4, -1)
    np.testing.assert_array_equal(features, expected)
    with pytest.raises(ValueError, match="a multiple of it"):
        Sklearn2D(J=1, shape=(8, 8), L=4).transform(np.zeros((2, 3 * 64 + 1)))
