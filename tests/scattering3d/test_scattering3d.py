"""Behaviour of HarmonicScattering3D beyond the reference numbers: input checks, batch
dimensions, gradients, module state and the sklearn/entry-point frontends."""
import pickle

import numpy as np
import pytest
import torch

import kymatio
from kymatio.numpy import HarmonicScattering3D as NumPy3D
from kymatio.scattering3d.backend import native_backend
from kymatio.scattering3d.utils import compute_integrals, generate_weighted_sum_of_gaussians
from kymatio.sklearn import HarmonicScattering3D as Sklearn3D
from kymatio.torch import HarmonicScattering3D as Torch3D

SHAPE = (6, 7, 5)


@pytest.fixture(scope="module")
def volumes():
    return np.random.default_rng(0).standard_normal((2, 3) + SHAPE)


@pytest.mark.parametrize("kwargs", [dict(), dict(max_order=1), dict(rotation_covariant=False),
                                    dict(method="local", points=[[0, 1, 2], [5, 6, 4.9]])])
def test_batch_dimensions_are_kept(volumes, kwargs):
    S = NumPy3D(J=1, shape=SHAPE, L=1, **kwargs)
    T = Torch3D(J=1, shape=SHAPE, L=1, **kwargs).double()
    flat = S(volumes.reshape((-1,) + SHAPE))
    assert S(volumes).shape == (2, 3) + S.output_shape()
    np.testing.assert_allclose(S(volumes), flat.reshape((2, 3) + flat.shape[1:]))
    np.testing.assert_allclose(S(volumes[0, 0]), flat[0])
    # the NumPy transform rounds its output to float32, as Kymatio 0.3.0's
    assert S(volumes).dtype == np.float32
    np.testing.assert_allclose(T(torch.from_numpy(volumes)).numpy(), S(volumes), rtol=1e-6)


def test_output_shape_counts_paths():
    S = NumPy3D(J=3, shape=SHAPE, L=2, integral_powers=(1., 2.))
    assert S.output_shape() == (4 + 6, 3, 2)
    assert S.paths()[:5] == [(0,), (1,), (2,), (3,), (0, 1)]
    assert NumPy3D(J=3, shape=SHAPE, L=2, max_order=1).output_shape() == (4, 3, 3)


def test_rotation_covariant_invariance():
    # The integrals of a rotation-covariant transform do not change when the volume is
    # rotated by 90 degrees (a symmetry of the sampling grid).
    grid = np.mgrid[:12, :12, :12].astype(float)
    positions = np.array([[[3., 5., 6.], [8., 6., 5.5], [5., 8., 4.]]])
    x = generate_weighted_sum_of_gaussians(grid, positions, np.array([[1., 2., 3.]]), 1.)
    S = NumPy3D(J=1, shape=(12, 12, 12), L=2)
    rotated = np.rot90(x, axes=(2, 3)).copy()
    np.testing.assert_allclose(S(rotated), S(x), rtol=1e-5)


def test_gradcheck():
    x = torch.randn(1, 4, 5, 3, dtype=torch.float64, requires_grad=True)
    S = Torch3D(J=1, shape=(4, 5, 3), L=1).double()
    assert torch.autograd.gradcheck(S, (x,), eps=1e-6, atol=1e-6)


def test_gradcheck_local_non_covariant():
    x = torch.randn(2, 4, 4, 4, dtype=torch.float64, requires_grad=True)
    S = Torch3D(J=1, shape=(4, 4, 4), L=1, rotation_covariant=False, method="local",
                points=[[[0, 1, 2]], [[3, 3, 0]]]).double()
    assert torch.autograd.gradcheck(S, (x,), eps=1e-6, atol=1e-6)


def test_torch_module_state():
    S = Torch3D(J=1, shape=SHAPE, L=1)
    assert list(S.state_dict()) == ["psi"]
    assert S.double().psi.dtype == torch.float64
    assert "J=1" in repr(S)
    x = torch.randn((2,) + SHAPE, dtype=torch.float64)
    restored = pickle.loads(pickle.dumps(S))
    torch.testing.assert_close(restored(x), S(x))


def test_entry_point_and_sklearn(volumes):
    x = volumes[0]
    S = kymatio.HarmonicScattering3D(1, SHAPE, L=1)
    assert isinstance(S, NumPy3D)
    assert isinstance(kymatio.HarmonicScattering3D(1, SHAPE, L=1, frontend="torch"), Torch3D)
    with pytest.raises(RuntimeError, match="frontend"):
        kymatio.HarmonicScattering3D(1, SHAPE, frontend="mxnet")
    from sklearn.base import clone
    transformer = clone(Sklearn3D(1, SHAPE, L=1))
    features = transformer.fit(x).transform(x.reshape(len(x), -1))
    np.testing.assert_allclose(features, S(x).reshape(len(x), -1))


def test_backend_primitives():
    numpy_backend, torch_backend = native_backend("numpy"), native_backend("torch")
    rng = np.random.default_rng(1)
    z = rng.standard_normal((2, 3, 4, 5)) + 1j * rng.standard_normal((2, 3, 4, 5))
    total = numpy_backend.modulus_rotation(z[1], numpy_backend.modulus_rotation(z[0]))
    np.testing.assert_allclose(total, np.sqrt((np.abs(z) ** 2).sum(0)))
    u = np.abs(z)
    expected = np.stack([(u ** 0.5).sum((-3, -2, -1)), (u ** 2).sum((-3, -2, -1))], -1)
    np.testing.assert_allclose(numpy_backend.compute_integrals(u, (0.5, 2.)), expected)
    np.testing.assert_allclose(compute_integrals(u, (0.5, 2.)), expected)
    np.testing.assert_allclose(
        torch_backend.compute_integrals(torch.from_numpy(u), (0.5, 2.)).numpy(), expected)


def test_weighted_gaussians_stop_at_zero_weight():
    grid = np.mgrid[:5, :6, :7].astype(float)
    positions = np.array([[[1., 2., 3.], [3., 3., 3.], [2., 1., 1.]]] * 2)
    weights = np.array([[1., 2., 3.], [1., 0., 3.]])
    x = generate_weighted_sum_of_gaussians(grid, positions, weights, 1.5)
    alone = generate_weighted_sum_of_gaussians(grid, positions[:1, :1], weights[:1, :1], 1.5)
    np.testing.assert_allclose(x[1], alone[0])
    squared = ((grid[:, None] - positions[0].T[:, :, None, None, None]) ** 2).sum(0)
    expected = (weights[0][:, None, None, None] * np.exp(-squared / 4.5)).sum(0)
    np.testing.assert_allclose(x[0], expected / ((2 * np.pi) ** 1.5 * 1.5 ** 3))


BAD_ARGUMENTS = [
    (dict(J=-1), ValueError, "J must be nonnegative"),
    (dict(L=1.5), ValueError, "L must be"),
    (dict(shape=(8, 8)), ValueError, "exactly three elements"),
    (dict(shape=(8, 0, 8)), ValueError, "shape"),
    (dict(sigma_0=0), ValueError, "sigma_0"),
    (dict(max_order=3), ValueError, "max_order"),
    (dict(rotation_covariant="yes"), ValueError, "rotation_covariant"),
    (dict(method="standard"), ValueError, "method must be one of"),
    (dict(method="local"), ValueError, "needs points"),
    (dict(points=[[0, 0, 0]]), ValueError, "only used by method='local'"),
    (dict(method="local", points=[[0, 0, 8]]), ValueError, "inside the volume"),
    (dict(method="local", points=[0, 0, 1]), ValueError, r"\(P, 3\)"),
    (dict(method="local", points=[[0, 0, 1]], integral_powers=(1.,)), ValueError,
     "integral_powers"),
    (dict(integral_powers=()), ValueError, "integral_powers"),
    (dict(integral_powers=(1., -2.)), ValueError, "integral_powers"),
    (dict(backend="torch"), ImportError, "can not be called"),
]


@pytest.mark.parametrize("kwargs, error, message", BAD_ARGUMENTS)
def test_bad_arguments(kwargs, error, message):
    params = dict(J=1, shape=(8, 8, 8), L=1)
    params.update(kwargs)
    with pytest.raises(error, match=message):
        NumPy3D(**params)


def test_bad_numpy_inputs():
    S = NumPy3D(J=1, shape=SHAPE, L=1)
    with pytest.raises(TypeError, match="NumPy array"):
        S(np.zeros(SHAPE).tolist())
    with pytest.raises(TypeError, match="floating point"):
        S(np.zeros(SHAPE, dtype=int))
    with pytest.raises(RuntimeError, match="at least three dimensions"):
        S(np.zeros((6, 7)))
    with pytest.raises(RuntimeError, match=r"spatial size \(6, 7, 5\)"):
        S(np.zeros((2, 6, 7, 6)))


def test_bad_torch_inputs():
    S = Torch3D(J=1, shape=SHAPE, L=1)
    x = torch.randn((2,) + SHAPE)
    with pytest.raises(TypeError, match="torch.Tensor"):
        S(x.numpy())
    with pytest.raises(TypeError, match="floating-point"):
        S(x.long())
    with pytest.raises(TypeError, match=r"\.double\(\)"):
        S(x.double())
    with pytest.raises(RuntimeError, match="contiguous"):
        S(torch.randn((2, 5, 7, 6)).transpose(1, 3))
    with pytest.raises(RuntimeError, match="at least three dimensions"):
        S(torch.randn(6, 7))
    with pytest.raises(RuntimeError, match="spatial size"):
        S(torch.randn(6, 7, 6))
    local = Torch3D(J=1, shape=SHAPE, L=1, method="local", points=np.zeros((3, 1, 3)))
    with pytest.raises(RuntimeError, match="3 sets of points"):
        local(x)


@pytest.mark.parametrize("working_set", [16 * 20, 16 * 20 * 5])
@pytest.mark.parametrize("batch", [1, 3])
def test_pieces_and_pairs_agree(monkeypatch, batch, working_set):
    # Tiny working sets split the filters of a degree over several pieces; odd batches
    # filter their last volume alone. Values and gradients must not change.
    import importlib
    core = importlib.import_module("kymatio.scattering3d.core.scattering3d")
    S = Torch3D(J=1, shape=(4, 5, 1), L=2).double()
    x = torch.randn(batch, 4, 5, 1, dtype=torch.float64, requires_grad=True)
    whole = S(x)
    monkeypatch.setattr(core, "WORKING_SET_BYTES", working_set)
    torch.testing.assert_close(S(x), whole, rtol=1e-12, atol=1e-14)
    assert torch.autograd.gradcheck(S, (x,), eps=1e-6, atol=1e-6)
    numpy = NumPy3D(J=1, shape=(4, 5, 1), L=2)
    expected = whole.detach().numpy()  # the NumPy transform rounds to float32:
    np.testing.assert_allclose(numpy(x.detach().numpy()), expected, rtol=1e-6,
                               atol=1e-7 * np.abs(expected).max())


def test_negative_orders_are_scipys_values():
    """The harmonics of negative orders come from the positive ones by symmetry; they
    are SciPy's own values, bit for bit (so the filters stay upstream's)."""
    from kymatio.scattering3d import filter_bank
    from kymatio.scattering3d.utils import get_3d_angles
    polar, azimuthal = get_3d_angles(filter_bank._grid(6, 7, 8, fourier=True))
    for l in range(4):
        orders = list(range(-l, l + 1))
        direct = filter_bank._sph_harm_y(l, np.array(orders)[:, None, None, None],
                                         polar, azimuthal)
        np.testing.assert_array_equal(
            filter_bank._spherical_harmonics(l, orders, polar, azimuthal), direct)
    only_negative = np.array([-2])[:, None, None, None]        # a non-covariant bank's
    np.testing.assert_array_equal(filter_bank._spherical_harmonics(2, [-2], polar, azimuthal),
                                  filter_bank._sph_harm_y(2, only_negative, polar, azimuthal))


def test_single_precision_integrals_keep_float32_accuracy():
    """The NumPy transform's float32 integrals agree with its float64 ones to float32's
    accuracy (upstream's own test data holds it to 5e-7)."""
    rng = np.random.RandomState(0)
    grid = np.mgrid[-16:16, -16:16, -16:16].astype(float)
    x = generate_weighted_sum_of_gaussians(grid, rng.uniform(-12, 12, (2, 10, 3)),
                                           rng.uniform(0.5, 2, (2, 10)), 1.0)
    S = NumPy3D(J=2, shape=(32, 32, 32), L=2, integral_powers=[1])
    exact = S(x.astype(np.float64))
    single = S(x.astype(np.float32))
    assert np.linalg.norm(single - exact) / np.linalg.norm(exact) < 3e-7


def test_jax_slice_sums_and_their_adjoint():
    """JAX's row-by-row slice sums (with a hand-written adjoint) give jnp.sum's values
    and gradients, also for slices given out of order and rows in no slice."""
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    from kymatio.scattering3d.backend.jax_filtered_squares import slice_sums
    x = jnp.asarray(np.random.RandomState(0).randn(2, 7, 3, 2).astype(np.float32))
    parts = ((3, 6), (0, 2))
    weights = jnp.asarray(np.random.RandomState(1).randn(2, 2, 3, 2).astype(np.float32))

    def reference(v):
        return jnp.stack([jnp.sum(v[:, a:b], 1) for a, b in parts], 1)

    np.testing.assert_allclose(slice_sums(x, parts, 7), reference(x), rtol=1e-6)
    ours = jax.grad(lambda v: jnp.sum(weights * slice_sums(v, parts, 7)))(x)
    expected = jax.grad(lambda v: jnp.sum(weights * reference(v)))(x)
    np.testing.assert_array_equal(ours, expected)


def test_tensorflow_filtered_squares_match_the_generic_ones():
    """TensorFlow's split-based filtered squares give the generic slicing's values and
    gradients, also for slices out of order and rows in no slice."""
    tf = pytest.importorskip("tensorflow")
    from kymatio.scattering3d.backend import tensorflow_filtered_squares
    from kymatio.backend.fourier import native_library
    from kymatio.scattering3d.backend.harmonic_backend import HarmonicBackend

    class Generic(HarmonicBackend):
        def __init__(self):
            super().__init__(native_library("tensorflow"))
            self._filtered_squares = None

    rng = np.random.RandomState(0)
    operand = tf.constant((rng.randn(2, 1, 4, 3, 2) + 1j * rng.randn(2, 1, 4, 3, 2)
                           ).astype(np.complex64))
    filters = tf.constant((rng.randn(6, 4, 3, 2) + 1j * rng.randn(6, 4, 3, 2)
                           ).astype(np.complex64))
    parts = [(3, 6), (0, 2)]
    results = []
    for run in (tensorflow_filtered_squares.filtered_squares, Generic().filtered_squares):
        with tf.GradientTape() as tape:
            tape.watch(operand)
            squares = run(operand, filters, parts)
            loss = tf.reduce_sum(squares * np.arange(squares.shape[-1], 0, -1))
        results.append((squares.numpy(), tape.gradient(loss, operand).numpy()))
    for ours, generic_result in zip(*results):
        np.testing.assert_allclose(ours, generic_result, rtol=2e-5, atol=1e-5)
