"""The fast 2D backend primitives the transforms run on (``native_backend``), and the
filter bank under its upstream names. The backends at upstream's paths are tested in
tests/backend/."""
import numpy as np
import pytest
import torch

from kymatio.scattering2d.backend import native_backend
from kymatio.scattering2d.filter_bank import (filter_bank, gabor_2d, morlet_2d,
                                              periodize_filter_fft)
from kymatio.scattering2d.utils import compute_padding

numpy_backend, torch_backend = native_backend("numpy"), native_backend("torch")
BACKENDS = {"numpy": (numpy_backend, np.asarray), "torch": (torch_backend, torch.as_tensor)}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request):
    return BACKENDS[request.param]


def to_numpy(x):
    return x.numpy() if isinstance(x, torch.Tensor) else x


def test_subsample_fourier_is_spatial_subsampling(backend):
    module, array = backend
    x = np.random.default_rng(0).standard_normal((2, 3, 16, 24))
    spectrum = module.rfft(array(x))
    for k in (1, 2, 4, 8):
        subsampled = to_numpy(module.irfft(module.subsample_fourier(spectrum, k)))
        np.testing.assert_allclose(subsampled, x[..., ::k, ::k], atol=1e-12)


def test_fft_round_trip_and_modulus(backend):
    module, array = backend
    x = np.random.default_rng(1).standard_normal((4, 8, 8))
    spectrum = module.rfft(array(x))
    np.testing.assert_allclose(to_numpy(module.ifft(spectrum)).real, x, atol=1e-12)
    np.testing.assert_allclose(to_numpy(module.modulus(spectrum)), np.abs(np.fft.fft2(x)),
                               rtol=1e-12)
    with pytest.raises(TypeError, match="real"):
        module.rfft(spectrum)
    with pytest.raises(TypeError, match="complex"):
        module.ifft(array(x))


@pytest.mark.parametrize("pads", [[2, 3, 1, 0], [8, 8, 9, 7], [20, 17, 3, 30]])
def test_reflect_pad_matches_numpy_reflect_even_beyond_the_size(backend, pads):
    module, array = backend
    x = np.random.default_rng(2).standard_normal((3, 8, 9))
    padded = to_numpy(module.Pad(pads, [8, 9])(array(x)))
    expected = np.pad(x, [(0, 0), (pads[0], pads[1]), (pads[2], pads[3])], mode="reflect")
    np.testing.assert_array_equal(padded, expected)
    np.testing.assert_array_equal(to_numpy(module.unpad(array(expected))),
                                  expected[:, 1:-1, 1:-1])
    assert module.Pad(pads, [8, 9], pre_pad=True)(array(x)) is not None


def test_cdgmm_broadcasts_and_checks(backend):
    module, array = backend
    signal = module.rfft(array(np.ones((2, 1, 6, 6))))
    filters = array(np.arange(3 * 36, dtype=np.float64).reshape(3, 6, 6))
    assert tuple(module.cdgmm(signal, filters).shape) == (2, 3, 6, 6)
    with pytest.raises(RuntimeError, match="not compatible"):
        module.cdgmm(signal, array(np.ones((5, 5))))
    with pytest.raises(TypeError, match="complex"):
        module.cdgmm(array(np.ones((6, 6))), array(np.ones((6, 6))))


def test_concatenate_stacks_on_axis_minus_3(backend):
    module, array = backend
    parts = [array(np.full((2, 4, 4), float(i))) for i in range(3)]
    stacked = to_numpy(module.concatenate(parts))
    assert stacked.shape == (2, 3, 4, 4) and stacked[0, 2, 0, 0] == 2


def test_modulus_gradient_is_zero_at_zero():
    z = torch.zeros(3, dtype=torch.complex128, requires_grad=True)
    torch_backend.modulus(z).sum().backward()
    assert torch.equal(z.grad, torch.zeros_like(z))


def test_filter_bank_layout():
    bank = filter_bank(32, 48, J=3, L=4)
    assert [(w["j"], w["theta"]) for w in bank["psi"][:5]] == [
        (0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    assert [len(w["levels"]) for w in bank["psi"][::4]] == [1, 2, 2]
    assert [level.shape for level in bank["phi"]["levels"]] == [(32, 48), (16, 24), (8, 12)]
    assert all(level.dtype == np.float32 for w in bank["psi"] for level in w["levels"])


def test_morlet_has_zero_mean_and_gabor_is_normalised():
    assert abs(morlet_2d(64, 64, 2.0, 0.3, 1.5).sum()) < 1e-4
    envelope = gabor_2d(64, 64, 3.0, 0.0, 0.0)
    assert abs(envelope.sum() - 1) < 1e-3  # unit mass (with upstream's 3.1415)


def test_spatial_kernels_of_any_odd_size():
    """The spatial frontend samples the same wavelets on small, non-periodic grids."""
    for size in (3, 7, 15):
        kernel = morlet_2d(size, size, 0.8, np.pi / 4, 3 * np.pi / 4, slant=0.5,
                           offset=-(size // 2), periodic=False)
        assert kernel.shape == (size, size)
        np.testing.assert_allclose(kernel, np.conj(kernel[::-1, ::-1]), atol=1e-6)


def test_periodize_filter_fft_folds_the_spectrum():
    x = np.random.default_rng(3).standard_normal((16, 8)).astype(np.float32)
    assert periodize_filter_fft(x, 0).shape == (16, 8)
    folded = periodize_filter_fft(x, 1)
    assert folded.shape == (8, 4)
    # Low frequencies are kept, the middle band is zeroed before folding.
    assert folded[0, 0] == pytest.approx(x[0, 0] + x[0, 4] * 0 + x[8, 0] * 0 + x[8, 4] * 0)


def test_compute_padding_leaves_a_border_of_2_to_the_J():
    for M, J in [(32, 2), (30, 2), (17, 3), (16, 4)]:
        padded, _ = compute_padding(M, M, J)
        assert padded % 2 ** J == 0 and padded - M >= 2 ** J


@pytest.mark.parametrize("k", [1, 2, 4])
@pytest.mark.parametrize("filter_dtype", [torch.float64, torch.complex128])
@pytest.mark.parametrize("A_shape, B_shape", [
    ((2, 1, 8, 12), (3, 8, 12)),        # A broadcast over the filters (wavelets)
    ((2, 3, 1, 8, 12), (4, 8, 12)),     # a batch and a piece of orientations reduced
    ((3, 4, 8, 12), (8, 12)),           # one filter for every map (low-pass)
])
def test_periodized_product_gradients_match_autograd(k, filter_dtype, A_shape, B_shape):
    """The custom blockwise adjoint equals the gradient of periodize(cdgmm(A, B)), for
    both operands together and each alone."""
    generator = torch.Generator().manual_seed(k)
    A = torch.randn(A_shape, dtype=torch.complex128, generator=generator)
    B = torch.randn(B_shape, dtype=filter_dtype, generator=generator)
    for grads in [(True, True), (True, False), (False, True)]:
        inputs = (A.clone().requires_grad_(grads[0]), B.clone().requires_grad_(grads[1]))
        assert torch.autograd.gradcheck(
            lambda a, b: torch_backend.periodized_product(a, b, k), inputs, fast_mode=True)
    reference = torch_backend.periodize(torch_backend.cdgmm(A, B), k)
    torch.testing.assert_close(torch_backend.periodized_product(A, B, k), reference)


def test_packing_primitives_are_inverse_and_differentiable():
    x = torch.randn(2, 4, 6, 6, dtype=torch.float64, requires_grad=True)
    packed = torch_backend.pack_pairs(x)
    torch.testing.assert_close(torch_backend.stack_real_imag(packed), x)
    assert torch.autograd.gradcheck(torch_backend.pack_pairs, (x,))
    z = torch.randn(2, 4, 6, 6, dtype=torch.complex128, requires_grad=True)
    assert torch.autograd.gradcheck(torch_backend.pack_pairs, (z,))
    assert torch.autograd.gradcheck(torch_backend.stack_real_imag, (z,))
    assert torch.autograd.gradcheck(torch_backend.modulus, (z,))
    np.testing.assert_allclose(numpy_backend.pack_pairs(x.detach().numpy()),
                               packed.detach().numpy())
