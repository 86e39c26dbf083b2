"""The JAX and TensorFlow backends at Kymatio 0.3.0's paths
(``kymatio.backend.{jax,tensorflow}_backend`` and their 1D, 2D and 3D subclasses): upstream's
interface (class methods, checks, exceptions, layouts) on each library's arrays, and their
selection by the frontends with ``backend=``."""
import importlib

import numpy as np
import pytest

jax = pytest.importorskip("jax")
tf = pytest.importorskip("tensorflow")
import jax.numpy as jnp  # noqa: E402

import kymatio.numpy  # noqa: E402
from kymatio.backend.jax_backend import JaxBackend  # noqa: E402
from kymatio.backend.numpy_backend import NumpyBackend  # noqa: E402
from kymatio.backend.tensorflow_backend import TensorFlowBackend  # noqa: E402

LIBRARIES = ["jax", "tensorflow"]
ARRAY_TYPES = {"jax": jax.Array, "tensorflow": tf.Tensor}
CONVERT = {"jax": jnp.asarray, "tensorflow": tf.constant}
BASES = {"jax": JaxBackend, "tensorflow": TensorFlowBackend}
SIGNAL = {1: (16,), 2: (8, 12), 3: (4, 8, 12)}
RNG = np.random.default_rng(0)


def module(library, ndim):
    return importlib.import_module(f"kymatio.scattering{ndim}d.backend.{library}_backend")


def backend(library, ndim):
    return module(library, ndim).backend


def complex_normal(shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def converted(library, x):
    """``x`` as the library's array, in single precision (JAX's default)."""
    dtype = np.complex64 if np.iscomplexobj(x) else np.float32
    return CONVERT[library](np.asarray(x, dtype))


def close(actual, expected, atol=1e-5):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=atol)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_module_backends_are_the_numpy_classes_on_another_library(library, ndim):
    b = backend(library, ndim)
    numpy_class = importlib.import_module(
        f"kymatio.scattering{ndim}d.backend.numpy_backend").backend
    assert isinstance(b, type) and b.name == library
    assert issubclass(b, BASES[library]) and issubclass(b, numpy_class)
    assert issubclass(BASES[library], NumpyBackend)
    assert set(module(library, ndim).__all__) == {b.__name__, "backend"} | (
        {"Pad"} if (library, ndim) == ("tensorflow", 2) else set())
    assert JaxBackend._np is jnp


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_ffts_over_the_signal_axes_return_the_library_arrays(library, ndim):
    b = backend(library, ndim)
    x = RNG.standard_normal((2, 3) + SIGNAL[ndim])
    spectrum = b.rfft(converted(library, x))
    assert isinstance(spectrum, ARRAY_TYPES[library]) and spectrum.dtype == np.complex64
    close(spectrum, np.fft.fftn(x, axes=range(-ndim, 0)), atol=1e-4)
    close(b.ifft(spectrum), x)
    inverse = b.irfft(spectrum)
    assert inverse.dtype == np.float32
    close(inverse, x)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_tensorflow_ffts_keep_double_precision(ndim):
    b = backend("tensorflow", ndim)
    x = RNG.standard_normal((2,) + SIGNAL[ndim])
    for signal in [x, tf.constant(x)]:  # NumPy arrays are accepted, as upstream
        spectrum = b.rfft(signal)
        assert spectrum.dtype == tf.complex128
        np.testing.assert_allclose(spectrum, np.fft.fftn(x, axes=range(-ndim, 0)),
                                   rtol=1e-12, atol=1e-12)
        inverse = b.irfft(np.asarray(spectrum))
        assert inverse.dtype == tf.float64
        np.testing.assert_allclose(inverse, x, atol=1e-12)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_dtype_checks_raise_upstreams_type_errors(library, ndim):
    b = backend(library, ndim)
    real = converted(library, RNG.standard_normal(SIGNAL[ndim]))
    spectrum = converted(library, complex_normal(SIGNAL[ndim]))
    with pytest.raises(TypeError, match="should be real"):
        b.rfft(spectrum)
    for function in [b.ifft, b.irfft, b.complex_check]:
        with pytest.raises(TypeError, match="should be complex"):
            function(real)
    with pytest.raises(TypeError, match=r"should be real \(float32 or float64\), got dtype "
                                        r"float16"):
        b.real_check(CONVERT[library](np.zeros(3, np.float16)))


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_subsample_fourier_is_subsampling_in_space(library, ndim, k):
    b = backend(library, ndim)
    axes = tuple(range(-ndim, 0))
    x = complex_normal((2, 3) + SIGNAL[ndim])
    subsampled = b.subsample_fourier(converted(library, np.fft.fftn(x, axes=axes)), k)
    close(np.fft.ifftn(np.asarray(subsampled), axes=axes),
          x[(Ellipsis,) + (slice(None, None, k),) * ndim], atol=1e-4)
    with pytest.raises(TypeError, match="should be complex"):
        b.subsample_fourier(converted(library, x.real), k)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("filter_kind", ["real", "complex"])
def test_cdgmm_multiplies_by_a_filter_of_the_signal_shape(library, filter_kind):
    x = complex_normal((5, 3, 8, 12))
    filt = complex_normal((8, 12))
    filt = filt.real if filter_kind == "real" else filt
    expected = converted("jax", x) * converted("jax", filt)  # single-precision product
    for ndim in [2, 3]:
        product = backend(library, ndim).cdgmm(converted(library, x), converted(library, filt))
        assert isinstance(product, ARRAY_TYPES[library]) and product.dtype == np.complex64
        close(product, np.asarray(expected))


CDGMM_ERRORS = {  # phrase: signal dtype, filter shape and dtype (signal (3, 4, 5)), error
    "first input must be complex": (float, (4, 5), complex, TypeError),
    "second input must be complex or real": (complex, (4, 5), int, TypeError),
    "not compatible for multiplication": (complex, (5, 4), float, RuntimeError),
    "must equal the filter": (complex, (1, 5), float, RuntimeError),
}


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("phrase", CDGMM_ERRORS)
def test_cdgmm_errors(library, phrase):
    signal_dtype, filter_shape, filter_dtype, error = CDGMM_ERRORS[phrase]
    A, B = np.ones((3, 4, 5), signal_dtype), np.ones(filter_shape, filter_dtype)
    for inputs in [(A, B), (CONVERT[library](A), CONVERT[library](B))]:
        with pytest.raises(error, match=phrase):
            BASES[library].cdgmm(*inputs)


def test_tensorflow_cdgmm3d_takes_3d_filters_only():
    x = tf.constant(complex_normal((2, 4, 4, 4)))
    filt = complex_normal((4, 4, 4))
    np.testing.assert_allclose(backend("tensorflow", 3).cdgmm3d(x, filt), x.numpy() * filt)
    with pytest.raises(RuntimeError, match="dimension of the second input must be 3"):
        backend("tensorflow", 3).cdgmm3d(x, filt[0])
    # as upstream, JAX's cdgmm3d is cdgmm (filters of the signal's last axes)
    close(backend("jax", 3).cdgmm3d(converted("jax", x.numpy()), converted("jax", filt[0])),
          x.numpy() * filt[0])


@pytest.mark.parametrize("library", LIBRARIES)
def test_input_checks_modulus_and_concatenate(library):
    b = BASES[library]
    with pytest.raises(TypeError, match="not empty"):
        b.input_checks(None)
    with pytest.raises(TypeError, match="or NumPy array, got type <class .list.>"):
        b.input_checks([1.0, 2.0])
    b.input_checks(np.zeros(3))
    b.input_checks(CONVERT[library](np.zeros(3)))
    x = complex_normal((4, 5))
    modulus = b.modulus(converted(library, x))
    assert isinstance(modulus, ARRAY_TYPES[library]) and modulus.dtype == np.float32
    close(modulus, np.abs(x))
    parts = [CONVERT[library](np.full((2, 4, 4), float(i), np.float32)) for i in range(3)]
    stacked = b.concatenate(parts)
    assert isinstance(stacked, ARRAY_TYPES[library]) and tuple(stacked.shape) == (2, 3, 4, 4)
    stacked_2d = backend(library, 2).concatenate([p[:, None] for p in parts])
    assert tuple(stacked_2d.shape) == (2, 1, 3, 4, 4)
    assert np.asarray(stacked_2d)[0, 0, 2, 0, 0] == 2


@pytest.mark.parametrize("library", LIBRARIES)
def test_1d_pad_and_unpad(library):
    b = backend(library, 1)
    x = RNG.standard_normal((2, 3, 10)).astype(np.float32)
    padded = b.pad(CONVERT[library](x), 4, 9)
    assert isinstance(padded, ARRAY_TYPES[library])
    np.testing.assert_array_equal(padded, np.pad(x, [(0, 0), (0, 0), (4, 9)], mode="reflect"))
    np.testing.assert_array_equal(b.unpad(padded, 4, 14), x)
    for sides in [(10, 0), (0, 10)]:
        with pytest.raises(ValueError, match="padding size"):
            b.pad(CONVERT[library](x), *sides)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("pad_size", [[1, 2, 3, 0], [4, 4, 5, 5], [9, 4, 11, 2]])
def test_2d_pad_reflects_even_as_far_as_the_image_size(library, pad_size):
    b = backend(library, 2)
    x = complex_normal((2, 3, 4, 5)).astype(np.complex64)
    pad = b.Pad(pad_size, [4, 5])
    assert pad.pad_size == pad_size
    padded = pad(CONVERT[library](x))
    assert isinstance(padded, ARRAY_TYPES[library])
    widths = [(0, 0), (0, 0), tuple(pad_size[:2]), tuple(pad_size[2:])]
    np.testing.assert_array_equal(padded, np.pad(x, widths, mode="reflect"))
    np.testing.assert_array_equal(b.unpad(x), x[..., 1:-1, 1:-1])


def test_2d_pad_classes_take_upstreams_arguments():
    x = RNG.standard_normal((1, 4, 4))
    expected = np.pad(x, [(0, 0), (2, 2), (2, 2)], mode="reflect")
    tensorflow_2d = module("tensorflow", 2)
    assert backend("tensorflow", 2).Pad is tensorflow_2d.Pad
    np.testing.assert_array_equal(tensorflow_2d.Pad((2, 2, 2, 2), (4, 4))(x), expected)
    np.testing.assert_array_equal(backend("jax", 2).Pad((2, 2, 2, 2), (4, 4))(x),
                                  expected.astype(np.float32))


@pytest.mark.parametrize("library", LIBRARIES)
def test_3d_modulus_rotation_and_integrals(library):
    b = backend(library, 3)
    terms = complex_normal((3, 2, 4, 4, 4)).astype(np.complex64)
    module_ = None
    for term in terms:
        module_ = b.modulus_rotation(CONVERT[library](term), module_)
    assert isinstance(module_, ARRAY_TYPES[library])
    expected_module = np.sqrt((np.abs(terms) ** 2).sum(0))
    close(module_, expected_module)
    integrals = b.compute_integrals(module_, [0.5, 1, 2])
    assert tuple(integrals.shape) == (2, 3) and integrals.dtype == np.float32
    expected = [(expected_module ** q).sum((1, 2, 3)) for q in (0.5, 1, 2)]
    close(integrals, np.stack(expected, -1), atol=1e-3)
    paths = [CONVERT[library](np.full((2, 5), float(i))) for i in range(8)]
    S = b.concatenate(paths, L=3)
    assert tuple(S.shape) == (2, 2, 4, 5) and np.asarray(S)[0, 1, 2, 0] == 6


def test_tensorflow_integrals_keep_the_input_precision():
    x = tf.constant(np.abs(RNG.standard_normal((2, 4, 4, 4))))
    integrals = backend("tensorflow", 3).compute_integrals(x, [1, 2])
    assert integrals.dtype == tf.float64
    np.testing.assert_allclose(integrals, np.stack([x.numpy().sum((1, 2, 3)),
                                                    (x.numpy() ** 2).sum((1, 2, 3))], -1))


def test_jax_primitives_trace_under_jit_and_grad():
    b = backend("jax", 2)
    x = converted("jax", RNG.standard_normal((2, 8, 8)))
    filt = converted("jax", RNG.standard_normal((8, 8)))

    def energy(signal):
        spectrum = b.subsample_fourier(b.cdgmm(b.rfft(signal), filt), 2)
        return (b.modulus(b.ifft(spectrum)) ** 2).sum()

    np.testing.assert_allclose(jax.jit(energy)(x), energy(x), rtol=1e-5)
    gradient = jax.grad(energy)(x)
    assert gradient.shape == x.shape and np.isfinite(np.asarray(gradient)).all()


SMALL = {1: ("Scattering1D", (3, 256), {}), 2: ("Scattering2D", (2, (8, 8)), {"L": 2}),
         3: ("HarmonicScattering3D", (1, (8, 8, 8)), {"L": 1})}


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_frontends_select_their_librarys_backends(library, ndim):
    name, args, kwargs = SMALL[ndim]
    frontend = getattr(importlib.import_module(f"kymatio.{library}"), name)
    x = RNG.standard_normal((1,) + tuple(np.broadcast_to(args[1], ndim))).astype(np.float32)
    default = np.asarray(frontend(*args, **kwargs)(x))
    for choice in [library, backend(library, ndim)]:
        output = frontend(*args, backend=choice, **kwargs)(x)
        np.testing.assert_array_equal(np.asarray(output), default)
    other = backend(next(lib for lib in LIBRARIES if lib != library), ndim)
    with pytest.raises(ImportError, match=f"not supported by the frontend '{library}'"):
        frontend(*args, backend=other, **kwargs)
    with pytest.raises(ImportError, match="not supported by the frontend 'numpy'"):
        getattr(kymatio.numpy, name)(*args, backend=backend(library, ndim), **kwargs)
