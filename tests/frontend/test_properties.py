"""Property-based tests (Hypothesis) over the transforms' argument space and input shapes.

For valid arguments and any batch shape (empty included) on non-square,
non-power-of-two inputs: the output has the documented shape (``output_size()``,
``meta()``), and the NumPy, torch, JAX and TensorFlow frontends agree. For arbitrary
arguments, construction either raises a documented error (``ValueError``, ``TypeError``,
upstream's ``RuntimeError`` for sizes, :class:`~kymatio.frontend.memory.MemoryBudgetError`) or gives a transform that works.
Examples are few and bounded so that the module runs in seconds.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import kymatio.numpy as kn
import kymatio.torch as kt
from kymatio.frontend.memory import MemoryBudgetError

warnings.filterwarnings("ignore", message="Signal support is too small")

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# RuntimeError: upstream Kymatio's type for sizes too small for J, kept for compatibility.
DOCUMENTED = (ValueError, TypeError, RuntimeError, MemoryBudgetError)
batch_shapes = st.lists(st.integers(0, 3), max_size=2).map(tuple)


def random_input(batch, spatial, seed=0):
    return np.random.default_rng(seed).standard_normal(batch + spatial)


def assert_frontends_agree(numpy_transform, torch_transform, x):
    expected = numpy_transform(x)
    got = torch_transform.double()(torch.from_numpy(x)).numpy()
    assert got.shape == expected.shape
    # The torch filters are stored in float32 (as upstream's): .double() computes in
    # float64 with float32-rounded filters, the NumPy frontend with float64 ones.
    scale = max(float(np.abs(expected).max(initial=0)), 1e-12)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6 * scale)
    return expected


@st.composite
def scattering1d_arguments(draw):
    J = draw(st.integers(1, 4))
    N = draw(st.integers(2 ** J, 160))
    Q = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 2))))
    T = draw(st.one_of(st.none(), st.integers(1, N)))
    return dict(J=J, shape=N, Q=Q, T=T, max_order=draw(st.sampled_from([1, 2])),
                oversampling=draw(st.integers(0, 2)))


@SETTINGS
@given(kwargs=scattering1d_arguments(), batch=batch_shapes)
def test_scattering1d_shapes_and_frontends(kwargs, batch):
    S = kn.Scattering1D(**kwargs)
    out = assert_frontends_agree(S, kt.Scattering1D(**kwargs), random_input(batch, (S.shape[0],)))
    k = max(S.log2_T - S.oversampling, 0)
    assert out.shape == batch + (S.output_size(), S.ind_end[k] - S.ind_start[k])
    assert len(S.meta()["order"]) == S.output_size() == sum(S.output_size(detail=True))


@SETTINGS
@given(kwargs=scattering1d_arguments(), batch=batch_shapes)
def test_scattering1d_unaveraged_lists(kwargs, batch):
    kwargs.update(T=0, out_type="list")
    S = kn.Scattering1D(**kwargs)
    x = random_input(batch, (S.shape[0],))
    coefficients = S(x)
    assert len(coefficients) == S.output_size()
    torch_coefficients = kt.Scattering1D(**kwargs).double()(torch.from_numpy(x))
    for ours, theirs in zip(coefficients, torch_coefficients):
        assert ours["coef"].shape[:len(batch)] == batch
        np.testing.assert_allclose(theirs["coef"].numpy(), ours["coef"], rtol=1e-5, atol=1e-6)


@st.composite
def scattering2d_arguments(draw):
    J = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(2 ** J, 40)) for _ in range(2))
    return dict(J=J, shape=shape, L=draw(st.integers(1, 6)),
                max_order=draw(st.sampled_from([1, 2])))


@SETTINGS
@given(kwargs=scattering2d_arguments(), batch=batch_shapes)
def test_scattering2d_shapes_and_frontends(kwargs, batch):
    S = kn.Scattering2D(**kwargs)
    out = assert_frontends_agree(S, kt.Scattering2D(**kwargs), random_input(batch, S.shape))
    M, N = S.shape
    assert out.shape == batch + (S.output_size(), M // 2 ** S.J, N // 2 ** S.J)
    assert len(S.meta()["order"]) == S.output_size()


@st.composite
def harmonic3d_arguments(draw):
    J = draw(st.integers(1, 2))
    shape = tuple(draw(st.integers(4, 9)) for _ in range(3))
    kwargs = dict(J=J, shape=shape, L=draw(st.integers(0, 2)),
                  max_order=draw(st.sampled_from([1, 2])),
                  integral_powers=tuple(draw(st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.0]),
                                                      min_size=1, max_size=3, unique=True))))
    if draw(st.booleans()):  # integral_powers apply to method='integral' only
        del kwargs["integral_powers"]
        kwargs.update(method="local", points=draw(st.lists(
            st.tuples(*(st.integers(0, n - 1) for n in shape)), min_size=1, max_size=3)))
    return kwargs


@settings(SETTINGS, max_examples=6)
@given(kwargs=harmonic3d_arguments(), batch=batch_shapes)
def test_harmonic3d_shapes_and_frontends(kwargs, batch):
    S = kn.HarmonicScattering3D(**kwargs)
    out = assert_frontends_agree(S, kt.HarmonicScattering3D(**kwargs),
                                 random_input(batch, kwargs["shape"]))
    J, L = kwargs["J"], kwargs["L"]
    paths = (J + 1) + (J + 1) * J // 2 * (kwargs["max_order"] == 2)
    last = len(kwargs["points"] if "points" in kwargs else kwargs["integral_powers"])
    assert out.shape == batch + (paths, L + 1, last)


# -- arbitrary arguments: documented errors only ---------------------------------------
anything = st.one_of(st.none(), st.booleans(), st.integers(-3, 300), st.floats(allow_nan=True),
                     st.text(max_size=2), st.lists(st.integers(-1, 40), max_size=3))


def construct_and_call(make, spatial):
    try:
        S = make()
    except DOCUMENTED:
        return
    S(np.zeros((1,) + spatial))


@SETTINGS
@given(J=st.one_of(st.integers(-1, 13), anything), N=st.integers(0, 300),
       Q=st.one_of(st.integers(-1, 4), anything), T=anything,
       max_order=st.one_of(st.integers(0, 3), anything))
def test_scattering1d_arbitrary_arguments_give_documented_errors(J, N, Q, T, max_order):
    construct_and_call(lambda: kn.Scattering1D(J=J, shape=N, Q=Q, T=T, max_order=max_order,
                                               out_type="list"), (N,))


@SETTINGS
@given(J=st.one_of(st.integers(-1, 7), anything), M=st.integers(0, 70), N=st.integers(0, 70),
       L=st.one_of(st.integers(-1, 10), st.just(10 ** 7), anything),
       max_order=st.one_of(st.integers(0, 3), anything))
def test_scattering2d_arbitrary_arguments_give_documented_errors(J, M, N, L, max_order):
    construct_and_call(lambda: kn.Scattering2D(J=J, shape=(M, N), L=L, max_order=max_order),
                       (M, N))


@settings(SETTINGS, max_examples=8)
@given(J=st.one_of(st.integers(-1, 3), anything), L=st.one_of(st.integers(-1, 3),
                                                               st.just(10 ** 5), anything),
       shape=st.tuples(*(st.integers(0, 8) for _ in range(3))))
def test_harmonic3d_arbitrary_arguments_give_documented_errors(J, L, shape):
    construct_and_call(lambda: kn.HarmonicScattering3D(J=J, shape=shape, L=L), shape)


# -- the JAX and TensorFlow frontends (a few examples: each new shape compiles) --------
@settings(SETTINGS, max_examples=3)
@given(library=st.sampled_from(["jax", "tensorflow"]), data=st.data())
def test_jax_and_tensorflow_frontends_agree_with_numpy(library, data):
    frontend = pytest.importorskip(f"kymatio.{library}")
    kind = data.draw(st.sampled_from(["Scattering1D", "Scattering2D"]), label="kind")
    kwargs = data.draw(scattering1d_arguments() if kind == "Scattering1D"
                       else scattering2d_arguments(), label="kwargs")
    batch = data.draw(batch_shapes, label="batch")
    S = getattr(kn, kind)(**kwargs)
    x = random_input(batch, tuple(np.atleast_1d(S.shape))).astype(np.float32)
    expected = S(x)
    got = np.asarray(getattr(frontend, kind)(**kwargs)(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4,
                               atol=1e-5 * max(float(np.abs(expected).max(initial=0)), 1e-6))
