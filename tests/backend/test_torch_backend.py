"""The torch backends at Kymatio 0.3.0's paths: ModulusStable, TorchBackend and its 1D, 2D
and 3D subclasses, on upstream's layout (complex values as a last dimension of size 2,
real signals with a last dimension of size 1)."""
import numpy as np
import pytest
import torch

from kymatio.backend.torch_backend import ModulusStable, TorchBackend
from kymatio.scattering1d.backend import torch_backend as torch_1d
from kymatio.scattering2d.backend import torch_backend as torch_2d
from kymatio.scattering3d.backend import torch_backend as torch_3d

BACKENDS = {1: torch_1d.backend, 2: torch_2d.backend, 3: torch_3d.backend}
SIGNAL = {1: (16,), 2: (8, 12), 3: (4, 8, 12)}


def randn(*shape, dtype=torch.float64, requires_grad=False):
    generator = torch.Generator().manual_seed(sum(shape))
    return torch.randn(shape, dtype=dtype, generator=generator, requires_grad=requires_grad)


def as_complex(x):
    return torch.view_as_complex(x.detach()).numpy()


def test_module_backends_are_the_classes():
    assert torch_1d.backend is torch_1d.TorchBackend1D
    assert torch_2d.backend is torch_2d.TorchBackend2D
    assert torch_3d.backend is torch_3d.TorchBackend3D
    assert all(issubclass(b, TorchBackend) and b.name == "torch" for b in BACKENDS.values())


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_ffts_on_pairs_match_numpy(ndim):
    backend = BACKENDS[ndim]
    x = randn(2, 3, *SIGNAL[ndim], 1)
    spectrum = backend.rfft(x)
    assert spectrum.shape == x.shape[:-1] + (2,)
    axes = tuple(range(-ndim, 0))
    expected = np.fft.fftn(x[..., 0].numpy(), axes=axes)
    np.testing.assert_allclose(as_complex(spectrum), expected, atol=1e-12)
    np.testing.assert_allclose(as_complex(backend.ifft(spectrum)), x[..., 0].numpy(),
                               atol=1e-12)
    inverse = backend.irfft(spectrum)
    assert inverse.shape == x.shape
    torch.testing.assert_close(inverse, x)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_fft_checks(ndim):
    backend = BACKENDS[ndim]
    real, pairs = randn(4, *SIGNAL[ndim], 1), randn(4, *SIGNAL[ndim], 2)
    with pytest.raises(TypeError, match=r"should be real \(i.e. last dimension is 1\)"):
        backend.rfft(pairs)
    with pytest.raises(TypeError, match=r"should be complex \(i.e. last dimension is 2\)"):
        backend.ifft(real)
    with pytest.raises(RuntimeError, match="must be contiguous"):
        backend.rfft(real.transpose(0, 1))
    with pytest.raises(TypeError, match="view_as_real"):  # a native complex tensor
        backend.ifft(torch.view_as_complex(pairs))


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_subsample_fourier_is_subsampling_in_space(ndim, k):
    backend = BACKENDS[ndim]
    x = randn(2, 3, *SIGNAL[ndim], 2)
    subsampled = backend.ifft(backend.subsample_fourier(_fft(x, ndim), k))
    every_k = (Ellipsis,) + (slice(None, None, k),) * ndim + (slice(None),)
    torch.testing.assert_close(subsampled, x[every_k])
    with pytest.raises(RuntimeError, match="must be contiguous"):
        backend.subsample_fourier(x.transpose(0, 1), k)


def _fft(x, ndim):
    dims = tuple(range(-ndim, 0))
    return torch.view_as_real(torch.fft.fftn(torch.view_as_complex(x), dim=dims))


def test_modulus_is_stable_at_zero():
    x = randn(3, 5, 2, requires_grad=True)
    modulus = TorchBackend.modulus(x)
    assert modulus.shape == (3, 5, 1)
    torch.testing.assert_close(modulus[..., 0], torch.view_as_complex(x.detach()).abs())
    assert torch.autograd.gradcheck(ModulusStable.apply, (x,))
    zero = torch.zeros(4, 2, requires_grad=True)
    TorchBackend.modulus(zero).sum().backward()
    assert torch.equal(zero.grad, torch.zeros(4, 2))
    with pytest.raises(TypeError, match="should be complex"):
        TorchBackend.modulus(randn(3, 5))
    with pytest.raises(RuntimeError, match="contiguous"):
        TorchBackend.modulus(randn(5, 3, 2).transpose(0, 1))


@pytest.mark.parametrize("filter_kind", ["real", "complex"])
def test_cdgmm_multiplies_complex_pairs(filter_kind):
    x = randn(5, 3, 8, 12, 2, requires_grad=True)
    filt = randn(8, 12, 1 if filter_kind == "real" else 2, requires_grad=True)
    expected = as_complex(x) * (filt[..., 0].detach().numpy() if filter_kind == "real"
                                else as_complex(filt))
    for product in (torch_2d.backend.cdgmm(x, filt), torch_3d.backend.cdgmm3d(x, filt)):
        np.testing.assert_allclose(as_complex(product), expected, atol=1e-12)
    assert torch.autograd.gradcheck(TorchBackend.cdgmm, (x[:1, :1], filt))


@pytest.mark.parametrize("A, B, error, phrase", [
    (randn(3, 4, 5, 2), randn(4, 3, 2), RuntimeError, "not compatible"),
    (randn(3, 4, 5, 1), randn(4, 5, 1), TypeError, "should be complex"),
    (randn(3, 4, 5, 2), randn(4, 5, 3), TypeError, "should be complex"),
    (randn(3, 4, 5, 2), randn(4, 5, 1, dtype=torch.float32), TypeError,
     "must be of the same dtype"),
    (randn(3, 4, 5, 2), torch.empty(4, 5, 1, dtype=torch.float64, device="meta"), TypeError,
     "Input must be on META"),
    (randn(4, 5, 3, 2).transpose(0, 1), randn(5, 3, 2), RuntimeError, "be contiguous"),
    (randn(4, 5, 2), randn(5, 4, 2).transpose(0, 1), RuntimeError, "be contiguous"),
])
def test_cdgmm_errors(A, B, error, phrase):
    with pytest.raises(error, match=phrase):
        TorchBackend.cdgmm(A, B)


def test_input_checks_and_concatenate():
    with pytest.raises(TypeError, match="not empty"):
        TorchBackend.input_checks(None)
    with pytest.raises(RuntimeError, match="must be contiguous"):
        TorchBackend.input_checks(randn(4, 3).t())
    parts = [torch.full((2, 4, 4), float(i)) for i in range(3)]
    assert TorchBackend.concatenate(parts).shape == (2, 4, 3, 4)
    stacked = torch_2d.backend.concatenate(parts)
    assert stacked.shape == (2, 3, 4, 4) and stacked[0, 2, 0, 0] == 2


def test_1d_pad_and_unpad():
    x = randn(2, 3, 10, requires_grad=True)
    padded = torch_1d.backend.pad(x, 4, 9)
    assert padded.shape == (2, 3, 23, 1)
    expected = np.pad(x.detach().numpy(), [(0, 0), (0, 0), (4, 9)], mode="reflect")
    np.testing.assert_array_equal(padded[..., 0].detach().numpy(), expected)
    torch.testing.assert_close(torch_1d.backend.unpad(padded, 4, 14), x)
    assert torch.autograd.gradcheck(lambda x: torch_1d.backend.pad(x, 4, 9), (x,))
    for sides in [(10, 0), (0, 10)]:
        with pytest.raises(ValueError, match="padding size"):
            torch_1d.backend.pad(x, *sides)
    with pytest.raises(TypeError, match="should be real"):
        torch_1d.backend.unpad(x, 1, 3)


@pytest.mark.parametrize("pad_size", [[1, 2, 3, 0], [4, 4, 5, 5], [9, 4, 11, 2]])
def test_2d_pad_reflects_even_as_far_as_the_image_size(pad_size):
    x = randn(2, 3, 4, 5)
    pad = torch_2d.backend.Pad(pad_size, [4, 5])
    padded = pad(x)
    assert isinstance(pad, torch_2d.Pad) and padded.shape[-1] == 1
    widths = [(0, 0), (0, 0), tuple(pad_size[:2]), tuple(pad_size[2:])]
    np.testing.assert_array_equal(padded[..., 0].numpy(),
                                  np.pad(x.numpy(), widths, mode="reflect"))
    unpadded = torch_2d.backend.unpad(padded)
    assert unpadded.shape == padded.shape[:-3] + (padded.shape[-3] - 2, padded.shape[-2] - 2)
    torch.testing.assert_close(unpadded, padded[..., 1:-1, 1:-1, 0])


def test_3d_modulus_rotation_and_integrals():
    terms = randn(3, 2, 4, 4, 4, 2)
    module = None
    for term in terms:
        module = torch_3d.backend.modulus_rotation(term, module)
    assert module.shape == (2, 4, 4, 4, 1)
    torch.testing.assert_close(module[..., 0], terms.square().sum((0, -1)).sqrt())
    integrals = torch_3d.backend.compute_integrals(module[..., 0], np.array([0.5, 1., 2.]))
    assert integrals.shape == (2, 3) and integrals.dtype == torch.float64
    expected = [(module ** q).sum((1, 2, 3, 4)) for q in (0.5, 1, 2)]
    torch.testing.assert_close(integrals, torch.stack(expected, -1))
    torch.testing.assert_close(torch_3d.backend.compute_integrals(module, [2]),
                               integrals[:, 2:])
    paths = [torch.full((2, 5), float(i)) for i in range(8)]
    S = torch_3d.backend.concatenate(paths, L=3)
    assert S.shape == (2, 2, 4, 5) and S[0, 1, 2, 0] == 6
