"""Every kymatio.backend.native_<library> module provides the same interface, with the
same values as NumPy's."""
import importlib

import numpy as np
import pytest

from kymatio.backend.fourier import NATIVE_INTERFACE, native_library

LIBRARIES = ["numpy", "torch", "jax", "tensorflow"]


def converter(name):
    """NumPy array -> the library's array type."""
    if name == "numpy":
        return lambda a: a
    if name == "torch":
        import torch
        return lambda a: torch.from_numpy(np.ascontiguousarray(a))
    if name == "jax":
        import jax.numpy as jnp
        return jnp.asarray
    import tensorflow as tf
    return tf.constant


@pytest.fixture(scope="module", params=LIBRARIES)
def library(request):
    pytest.importorskip("tensorflow" if request.param == "tensorflow" else request.param)
    return native_library(request.param), converter(request.param)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    real = rng.randn(3, 8, 12).astype(np.float32)
    spectrum = (rng.randn(3, 8, 12) + 1j * rng.randn(3, 8, 12)).astype(np.complex64)
    return real, spectrum


def assert_same(module, ours, expected):
    np.testing.assert_allclose(module.to_numpy(ours), expected, rtol=2e-5, atol=2e-5)


def test_interface_is_complete(library):
    module, _ = library
    assert list(module.__all__) == list(NATIVE_INTERFACE)
    assert all(hasattr(module, name) for name in NATIVE_INTERFACE)
    assert importlib.import_module(f"kymatio.backend.native_{module.name}") is module


def test_array_functions_match_numpy(library, data):
    module, to = library
    real, z = data
    assert_same(module, module.real(to(z)), z.real)
    assert_same(module, module.conj(to(z)), np.conj(z))
    assert_same(module, module.take(to(z), [2, 0, 2], 1), z[:, [2, 0, 2]])
    assert_same(module, module.swapaxes(to(z), 0, 2), z.swapaxes(0, 2))
    assert_same(module, module.reduce_sum(to(z), -2), z.sum(-2))
    assert_same(module, module.flip(to(z), -1), z[..., ::-1])
    assert_same(module, module.rfft_last(to(real)), np.fft.rfft(real))
    assert_same(module, module.irfft_last(to(np.fft.rfft(real).astype(np.complex64)), 12), real)
    pairs = module.view_as_real(to(z))
    assert_same(module, pairs, np.stack([z.real, z.imag], -1))
    assert_same(module, module.view_as_complex(pairs), z)
    assert_same(module, module.square_fresh(to(real.copy())), real ** 2)
    assert_same(module, module.sqrt(to(np.abs(real))), np.sqrt(np.abs(real)))
    np.testing.assert_array_equal(module.to_numpy(to(real)), real)
    assert not module.requires_grad(to(real))


def test_primitives_match_numpy(library, data):
    module, to = library
    real, z = data
    assert_same(module, module.fft(to(z), 2), np.fft.fft2(z))
    assert_same(module, module.fft(to(z), 1, inverse=True), np.fft.ifft(z))
    assert_same(module, module.modulus(to(z)), np.abs(z))
    assert_same(module, module.make_complex(to(real), to(2 * real)), real + 2j * real)
    packed = module.pack_pairs(to(np.concatenate([real, 2 * real])[None]))
    assert_same(module, packed, (real + 2j * real)[None])
    assert_same(module, module.stack_real_imag(packed),
                np.concatenate([real, 2 * real])[None])
    assert [p.shape[1] for p in module.split(to(z), 3, 1)] == [3, 3, 2]
    assert_same(module, module.join([to(z), to(z)], 0), np.concatenate([z, z]))
    assert_same(module, module.concatenate([to(z), to(z)], axis=1), np.stack([z, z], 1))
    for k in (2, 4):  # the blockwise sum and the broadcast block product
        expected = (z * z[0]).reshape(3, k, 8 // k, k, 12 // k).sum((1, 3))
        assert_same(module, module.periodized_product(to(z), to(z[0]), k, 2), expected)
    assert_same(module, module.periodize(to(z), 2, 1), z[..., :6] + z[..., 6:])
    assert_same(module, module.cdgmm(to(z), to(real[0])), z * real[0])
    # reflections larger than the axis (done in steps where the library needs it)
    pad = module.Pad([9, 3, 1, 14], [8, 12])
    assert_same(module, pad(to(real)), np.pad(real, [(0, 0), (9, 3), (1, 14)], mode="reflect"))
    with pytest.raises(TypeError, match="complex"):
        module.cdgmm(to(real), to(real[0]))
    with pytest.raises(RuntimeError, match="not compatible"):
        module.cdgmm(to(z), to(real[0, :4]))


def test_long_single_precision_sums_are_accurate(library):
    """Summing the 32,768 voxels of a 32^3 volume along a non-contiguous axis (the 3D
    integrals) keeps float32's accuracy and dtype (NumPy and TensorFlow add such sums
    term by term, ~1e-5 off without a double accumulator)."""
    module, to = library
    values = np.random.RandomState(0).rand(2, 32 ** 3, 3).astype(np.float32) ** 3
    exact = values.astype(np.float64).sum(-2)
    total = module.reduce_sum(to(values), -2)
    assert module.to_numpy(total).dtype == np.float32
    assert np.abs(module.to_numpy(total) - exact).max() / np.abs(exact).max() < 5e-7


def test_working_set_reads_the_switch_of_its_core():
    """1D/2D cores read ``cache_sized_pieces``, the 3D core ``cache_sized_volumes``; a
    library that opts out gets an unbounded working set (one piece)."""
    from types import SimpleNamespace

    from kymatio.backend.fourier import working_set
    library = SimpleNamespace(cache_sized_pieces=False, cache_sized_volumes=True,
                              working_set_scale=0.5)
    assert working_set(library, 1024) == 2 ** 62
    assert working_set(library, 1024, scaled=False, volumes=True) == 1024
    library.cache_sized_pieces, library.cache_sized_volumes = True, False
    assert working_set(library, 1024) == 512
    assert working_set(library, 1024, scaled=False, volumes=True) == 2 ** 62
    assert native_library("jax").cache_sized_volumes  # measured faster in pieces


@pytest.mark.parametrize("name", ["jax", "tensorflow"])
def test_modulus_gradient_in_real_arithmetic(name):
    """The modulus's gradient is ``x / |x|`` (in each library's convention for complex
    inputs: conj for JAX's transpose, none for TensorFlow's) and 0 at 0; JAX's also
    differentiates in forward mode."""
    module = native_library(pytest.importorskip(name).__name__)
    z = np.array([3 - 4j, 0, -1e-3 + 2e-3j], np.complex64)
    weights = np.array([1.0, 2.0, -3.0], np.float32)
    expected = weights * np.where(z != 0, z / np.maximum(np.abs(z), 1e-30), 0)
    if name == "jax":
        import jax
        import jax.numpy as jnp
        gradient = jax.grad(lambda v: jnp.sum(weights * module.modulus(v)))(jnp.asarray(z))
        np.testing.assert_allclose(np.asarray(gradient), np.conj(expected), rtol=1e-6)
        _, tangent = jax.jvp(module.modulus, (jnp.asarray(z),), (jnp.asarray(z),))
        np.testing.assert_allclose(np.asarray(tangent), np.abs(z), rtol=1e-6)
    else:
        import tensorflow as tf
        v = tf.constant(z)
        with tf.GradientTape() as tape:
            tape.watch(v)
            loss = tf.reduce_sum(weights * module.modulus(v))
        np.testing.assert_allclose(tape.gradient(loss, v).numpy(), expected, rtol=1e-6)
