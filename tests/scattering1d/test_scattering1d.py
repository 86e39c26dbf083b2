"""Behaviour of the 1D transforms beyond the upstream numbers: errors, shapes, layouts,
gradients and scikit-learn use."""
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import kymatio
from kymatio.numpy import Scattering1D as NumPy1D
from kymatio.scattering1d.backend import native_backend
from kymatio.scattering1d.filter_bank import (compute_temporal_support, gauss_1d,
                                              morlet_1d, scattering_filter_factory)
from kymatio.sklearn import Scattering1D as Sklearn1D
from kymatio.torch import Scattering1D as Torch1D

# Kymatio 0.3.0 warns when T is large compared with N; the tests use short signals.
pytestmark = pytest.mark.filterwarnings("ignore:Signal support is too small")


@pytest.mark.parametrize("kwargs, error", [
    (dict(J=7, shape=64), ValueError),              # output would be empty
    (dict(J=10, shape=64), ValueError),             # 2**J far beyond the signal
    (dict(J=3, shape=64, T=128), ValueError),       # T larger than the signal
    (dict(J=3, shape=64, T=0.5), ValueError),
    (dict(J=3, shape=64, T=16, average=False), ValueError),
    (dict(J=3, shape=64, T=0, average=True), ValueError),
    (dict(J=-1, shape=64), ValueError),
    (dict(J=3, shape=(64, 2)), ValueError),
    (dict(J=3, shape=64.5), ValueError),
    (dict(J=3, shape=64, Q=0), ValueError),
    (dict(J=3, shape=64, Q=1.5), ValueError),
    (dict(J=3, shape=64, Q=(1, 2, 3)), NotImplementedError),
    (dict(J=3, shape=64, max_order=3), ValueError),  # upstream silently accepts these
    (dict(J=3, shape=64, max_order=0), ValueError),
    (dict(J=3, shape=64, out_type="tensor"), ValueError),
    (dict(J=3, shape=64, oversampling=-1), ValueError),
    (dict(J=3, shape=64, oversampling=1.5), ValueError),
    (dict(J=3, shape=64, backend="jax"), ImportError),
])
@pytest.mark.parametrize("frontend", [NumPy1D, Torch1D])
def test_bad_arguments(frontend, kwargs, error):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(error):
            frontend(**kwargs)


@pytest.mark.parametrize("x, error, match", [
    ([0.0] * 64, TypeError, "NumPy array"),
    (np.zeros(64, dtype=int), TypeError, "floating point"),
    (np.zeros(64, dtype=complex), TypeError, "floating point"),
    (np.zeros(65), RuntimeError, "length 64"),
    (np.zeros(()), ValueError, "at least one axis"),
])
def test_bad_numpy_input(x, error, match):
    with pytest.raises(error, match=match):
        NumPy1D(3, 64)(x)


@pytest.mark.parametrize("x, error, match", [
    (np.zeros(64, np.float32), TypeError, "torch.Tensor"),
    (torch.zeros(64, dtype=torch.int64), TypeError, "floating-point"),
    (torch.zeros(64, dtype=torch.float64), TypeError, r"\.double\(\)"),
    (torch.zeros(2, 128)[:, ::2], RuntimeError, "contiguous"),
    (torch.zeros(65), RuntimeError, "length 64"),
    (torch.zeros(()), ValueError, "at least one axis"),
])
def test_bad_torch_input(x, error, match):
    with pytest.raises(error, match=match):
        Torch1D(3, 64)(x)


def test_unaveraged_array_output_is_refused_at_call():
    S = NumPy1D(3, 64, T=0)
    with pytest.raises(ValueError, match="Please set out_type to 'dict' or 'list'"):
        S(np.zeros(64))
    S.out_type = "list"  # as in Kymatio 0.3.0, runtime options may be changed
    assert len(S(np.zeros(64))) == S.output_size()


def test_average_is_deprecated():
    with pytest.warns(DeprecationWarning):
        NumPy1D(3, 64, T=0, average=False, out_type="list")


@pytest.mark.parametrize("batch_shape", [(), (3,), (2, 3), (1, 2, 1)])
@pytest.mark.parametrize("frontend", ["numpy", "torch"])
def test_batch_dimensions(batch_shape, frontend):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(batch_shape + (50,))
    if frontend == "numpy":
        S, convert, back = NumPy1D(3, 50, Q=2), lambda a: a, lambda a: a
    else:
        S, convert, back = Torch1D(3, 50, Q=2).double(), torch.from_numpy, torch.Tensor.numpy
    out = back(S(convert(x)))
    assert out.shape == batch_shape + (S.output_size(), 50 // 8 + 1)
    flat = x.reshape(-1, 50)
    for i, row in enumerate(flat):
        np.testing.assert_allclose(out.reshape((-1,) + out.shape[-2:])[i],
                                   back(S(convert(np.ascontiguousarray(row)))), atol=1e-12)


@pytest.mark.parametrize("kwargs", [dict(J=4, shape=100, Q=4), dict(J=3, shape=64, Q=(2, 2)),
                                    dict(J=3, shape=64, max_order=1)])
def test_meta_and_output_size_describe_output(kwargs):
    S = NumPy1D(**kwargs, out_type="list")
    out = S(np.random.default_rng(1).standard_normal((2, kwargs["shape"])))
    meta = S.meta()
    assert len(out) == S.output_size() == len(meta["key"]) == sum(S.output_size(True))
    assert [c["n"] for c in out] == meta["key"]
    assert list(meta["order"]) == [len(c["n"]) for c in out]
    j = np.array([c["j"] + (np.nan,) * (S.max_order - len(c["j"])) for c in out], float)
    np.testing.assert_array_equal(j.reshape(meta["j"].shape), meta["j"])
    S.out_type = "array"
    assert S(np.zeros(kwargs["shape"])).shape[0] == S.output_size()
    S.out_type = "dict"
    assert list(S(np.zeros(kwargs["shape"]))) == meta["key"]


def test_oversampling_and_T_set_output_length():
    x = np.random.default_rng(2).standard_normal(256)
    assert NumPy1D(4, 256)(x).shape[-1] == 256 // 16
    assert NumPy1D(4, 256, oversampling=2)(x).shape[-1] == 256 // 4
    assert NumPy1D(4, 256, T=40)(x).shape[-1] == 256 // 32
    lengths = [c["coef"].shape[-1] for c in NumPy1D(4, 256, T=0, out_type="list")(x)]
    assert lengths[0] == 256 and min(lengths) >= 256 // 16


def test_torch_gradient():
    S = Torch1D(2, 16, Q=2).double()
    x = torch.randn(1, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(0),
                    requires_grad=True)
    assert torch.autograd.gradcheck(S, (x,), eps=1e-6, atol=1e-5)


def test_torch_module_state():
    S = Torch1D(3, 64, Q=4)
    assert all(b.dtype == torch.float32 for b in S.buffers())
    assert set(S.state_dict()) == set(Torch1D(3, 64, Q=4).state_dict())
    assert S.double().psi1.dtype == torch.float64
    assert "J=3" in repr(S)


def test_numpy_keeps_float32():
    x = np.random.default_rng(3).standard_normal((2, 64))
    S = NumPy1D(3, 64)
    out32, out64 = S(x.astype(np.float32)), S(x)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, rtol=1e-4, atol=1e-5)


def test_entry_point_and_sklearn_pipeline():
    assert isinstance(kymatio.Scattering1D(3, 64, frontend="torch"), torch.nn.Module)
    assert isinstance(kymatio.Scattering1D(3, 64), NumPy1D)
    rng = np.random.default_rng(4)
    t = np.arange(128)
    y = rng.integers(0, 2, 40)
    x = np.sin(2 * np.pi * t * np.where(y, 0.3, 0.05)[:, None]) + 0.3 * rng.standard_normal(
        (40, 128))
    pipeline = Pipeline([("scattering", Sklearn1D(J=4, shape=128, Q=4)),
                         ("scale", StandardScaler()), ("clf", LogisticRegression())])
    pipeline.fit(x[:30], y[:30])
    assert pipeline.score(x[30:], y[30:]) >= 0.9
    copy = clone(pipeline)
    assert copy.named_steps["scattering"].get_params()["Q"] == 4
    features = Sklearn1D(J=4, shape=128).set_params(Q=2).transform(x)
    assert features.shape == (40, NumPy1D(4, 128, Q=2).output_size() * 8)


def test_filter_bank_properties():
    phi_f, psi1_f, psi2_f = scattering_filter_factory(512, 5, (4, 1), 32)
    for psi in psi1_f + psi2_f:
        assert abs(psi["levels"][0][0]) < 1e-10          # wavelets have zero mean
    assert np.isclose(np.abs(np.fft.ifft(phi_f["levels"][0])).sum(), 1)
    assert phi_f["j"] == 5 and len(psi1_f) > len(psi2_f)
    assert np.allclose(gauss_1d(64, 0.1), morlet_1d(64, None, 0.1))
    assert compute_temporal_support(gauss_1d(512, 0.1 / 8)[None]) < 64


@pytest.mark.parametrize("name", ["numpy", "torch"])
def test_backend_primitives(name):
    backend = native_backend(name)
    array = np.arange(8.0)[None] if name == "numpy" else torch.arange(8.0)[None]
    padded = backend.pad(array, 2, 3)
    assert tuple(padded.shape) == (1, 13)
    assert list(np.asarray(backend.unpad(padded, 2, 10))[0]) == list(range(8))
    with pytest.raises(ValueError):
        backend.pad(array, 8, 0)
    spectrum = backend.rfft(array)
    assert tuple(backend.subsample_fourier(spectrum, 2).shape) == (1, 4)
    with pytest.raises(RuntimeError):
        backend.cdgmm(spectrum, spectrum.real[..., :4])


@pytest.mark.parametrize("script", ["plot_filters", "plot_synthetic"])
def test_examples_write_their_figure(script, tmp_path):
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "1d", f"{script}.py")
    spec = importlib.util.spec_from_file_location(f"example_1d_{script}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = str(tmp_path / "figure.png")
    assert module.main(["--N", "1024", "--J", "4", "--Q", "4", "--out", out]) == out
    assert os.path.getsize(out) > 1000


def test_arguments_changed_after_construction_are_checked_at_call():
    S, R = NumPy1D(J=3, shape=64), NumPy1D(J=3, shape=64, max_order=1, oversampling=1)
    S.max_order, S.oversampling = np.int64(1), np.array(1)
    x = np.random.default_rng(0).standard_normal((2, 64))
    np.testing.assert_array_equal(S(x), R(x))
    assert type(S.max_order) is int and type(S.oversampling) is int
    S.oversampling = 1.0
    with pytest.raises(ValueError, match="oversampling must be an integer"):
        S(x)


def test_tensorflow_sliced_product_matches_the_generic_one():
    """TensorFlow's split-based sliced product gives the generic slicing's values and
    gradients, for overlapping windows and a mirrored piece."""
    tf = pytest.importorskip("tensorflow")
    from kymatio.backend.fourier import native_library
    from kymatio.scattering1d.backend import tensorflow_autograd
    from kymatio.scattering1d.backend.fourier1d import FourierBackend1D
    generic = FourierBackend1D(native_library("tensorflow"))
    rng = np.random.RandomState(0)
    X = tf.constant((rng.randn(2, 3, 32) + 1j * rng.randn(2, 3, 32)).astype(np.complex64))
    f = tf.constant(rng.randn(3, 32).astype(np.complex64))
    pieces, length = ((0, 2, False), (7, 1, True), (20, 2, False)), 6
    results = []
    for run in (lambda: tensorflow_autograd.sliced_product(X, f, pieces, length, None),
                lambda: generic._sliced_product(X, f, pieces, length)):
        with tf.GradientTape() as tape:
            tape.watch(X)
            out = run()
            loss = tf.reduce_sum(tf.math.real(out) - 2 * tf.math.imag(out))
        results.append((out.numpy(), tape.gradient(loss, X).numpy()))
    for ours, expected in zip(*results):
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-6)
