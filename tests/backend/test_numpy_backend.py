"""The NumPy backends at Kymatio 0.3.0's paths: NumpyBackend and its 1D, 2D and 3D
subclasses, with upstream's interface (class methods, checks, layouts)."""
import numpy as np
import pytest

from kymatio.backend.numpy_backend import NumpyBackend
from kymatio.scattering1d.backend import numpy_backend as numpy_1d
from kymatio.scattering2d.backend import numpy_backend as numpy_2d
from kymatio.scattering3d.backend import numpy_backend as numpy_3d

BACKENDS = {1: numpy_1d.backend, 2: numpy_2d.backend, 3: numpy_3d.backend}
SIGNAL = {1: (16,), 2: (8, 12), 3: (4, 8, 12)}
RNG = np.random.default_rng(0)


def complex_normal(shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


def test_module_backends_are_the_classes():
    assert numpy_1d.backend is numpy_1d.NumpyBackend1D
    assert numpy_2d.backend is numpy_2d.NumpyBackend2D
    assert numpy_3d.backend is numpy_3d.NumpyBackend3D
    assert all(issubclass(b, NumpyBackend) and b.name == "numpy" for b in BACKENDS.values())


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ffts_over_the_signal_axes(ndim, dtype):
    backend = BACKENDS[ndim]
    x = RNG.standard_normal((2, 3) + SIGNAL[ndim]).astype(dtype)
    spectrum = backend.rfft(x)
    axes = tuple(range(-ndim, 0))
    assert spectrum.dtype == np.result_type(dtype, np.complex64)
    np.testing.assert_allclose(spectrum, np.fft.fftn(x, axes=axes), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(backend.ifft(spectrum), x, atol=1e-5)
    if ndim < 3:  # as upstream, the 3D backend has no irfft
        inverse = backend.irfft(spectrum)
        assert inverse.dtype == dtype
        np.testing.assert_allclose(inverse, x, atol=1e-5)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_fft_type_checks(ndim):
    backend = BACKENDS[ndim]
    x = RNG.standard_normal(SIGNAL[ndim])
    with pytest.raises(TypeError, match="should be real"):
        backend.rfft(x + 0j)
    with pytest.raises(TypeError, match="should be real"):
        backend.rfft(x.astype(np.float16))
    with pytest.raises(TypeError, match="should be complex"):
        backend.ifft(x)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_subsample_fourier_is_subsampling_in_space(ndim, k):
    backend = BACKENDS[ndim]
    x = complex_normal((2, 3) + SIGNAL[ndim])
    subsampled = np.fft.ifftn(backend.subsample_fourier(np.fft.fftn(x, axes=range(-ndim, 0)),
                                                        k), axes=range(-ndim, 0))
    np.testing.assert_allclose(subsampled, x[(Ellipsis,) + (slice(None, None, k),) * ndim],
                               atol=1e-12)
    with pytest.raises(TypeError, match="should be complex"):
        backend.subsample_fourier(x.real, k)


@pytest.mark.parametrize("filter_kind", ["real", "complex"])
def test_cdgmm_multiplies_by_a_filter_of_the_signal_shape(filter_kind):
    x = complex_normal((5, 3, 8, 12))
    filt = complex_normal((8, 12))
    filt = filt.real if filter_kind == "real" else filt
    np.testing.assert_array_equal(numpy_2d.backend.cdgmm(x, filt), x * filt)
    np.testing.assert_array_equal(numpy_3d.backend.cdgmm3d(x, filt), x * filt)


@pytest.mark.parametrize("A, B, error, phrase", [
    (np.ones((3, 4, 5)), np.ones((4, 5), complex), TypeError, "first input must be complex"),
    (np.ones((3, 4, 5), complex), np.ones((4, 5), int), TypeError,
     "second input must be complex or real"),
    (np.ones((3, 4, 5), complex), np.ones((5, 4)), RuntimeError,
     "not compatible for multiplication"),
    (np.ones((3, 4, 5), complex), np.ones((1, 5)), RuntimeError, "must equal the filter"),
])
def test_cdgmm_errors(A, B, error, phrase):
    with pytest.raises(error, match=phrase):
        NumpyBackend.cdgmm(A, B)


def test_input_checks_modulus_and_concatenate():
    with pytest.raises(TypeError, match="not empty"):
        NumpyBackend.input_checks(None)
    with pytest.raises(TypeError, match="should be a numpy array"):
        NumpyBackend.input_checks([1.0, 2.0])
    NumpyBackend.input_checks(np.zeros(3))
    x = complex_normal((4, 5))
    np.testing.assert_allclose(NumpyBackend.modulus(x), np.hypot(x.real, x.imag))
    parts = [np.full((2, 4, 4), float(i)) for i in range(3)]
    assert NumpyBackend.concatenate(parts).shape == (2, 3, 4, 4)
    stacked = numpy_2d.backend.concatenate([p[:, None] for p in parts])
    assert stacked.shape == (2, 1, 3, 4, 4) and stacked[0, 0, 2, 0, 0] == 2


def test_1d_pad_and_unpad():
    x = RNG.standard_normal((2, 3, 10))
    padded = numpy_1d.backend.pad(x, 4, 9)
    np.testing.assert_array_equal(padded, np.pad(x, [(0, 0), (0, 0), (4, 9)], mode="reflect"))
    np.testing.assert_array_equal(numpy_1d.backend.unpad(padded, 4, 14), x)
    for sides in [(10, 0), (0, 10)]:
        with pytest.raises(ValueError, match="padding size"):
            numpy_1d.backend.pad(x, *sides)


@pytest.mark.parametrize("pad_size", [[1, 2, 3, 0], [4, 4, 5, 5], [9, 4, 11, 2]])
def test_2d_pad_reflects_even_as_far_as_the_image_size(pad_size):
    x = complex_normal((2, 3, 4, 5))
    pad = numpy_2d.backend.Pad(pad_size, [4, 5])
    assert isinstance(pad, numpy_2d.Pad) and pad.pad_size == pad_size
    widths = [(0, 0), (0, 0), tuple(pad_size[:2]), tuple(pad_size[2:])]
    np.testing.assert_array_equal(pad(x), np.pad(x, widths, mode="reflect"))
    np.testing.assert_array_equal(numpy_2d.Pad(np, pad_size, [4, 5])(x), pad(x))
    np.testing.assert_array_equal(numpy_2d.backend.unpad(x), x[..., 1:-1, 1:-1])


def test_3d_modulus_rotation_and_integrals():
    terms = complex_normal((3, 2, 4, 4, 4))
    module = None
    for term in terms:
        module = numpy_3d.backend.modulus_rotation(term, module)
    np.testing.assert_allclose(module, np.sqrt((np.abs(terms) ** 2).sum(0)))
    integrals = numpy_3d.backend.compute_integrals(module, [0.5, 1, 2])
    assert integrals.shape == (2, 3) and integrals.dtype == np.float32
    expected = [(module ** q).sum((1, 2, 3)) for q in (0.5, 1, 2)]
    np.testing.assert_allclose(integrals, np.stack(expected, -1), rtol=1e-6)
    paths = [np.full((2, 5), float(i)) for i in range(8)]
    S = numpy_3d.backend.concatenate(paths, L=3)
    assert S.shape == (2, 2, 4, 5) and S[0, 1, 2, 0] == 6
