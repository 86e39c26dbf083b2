"""How closely a fixed spatial block reproduces the Fourier 2D transform with ``J = 1``.

The first-order coefficients of :class:`kymatio.torch.Scattering2D` with ``J = 1`` are
``|x * psi_{0, theta}| * phi``, subsampled by 2, with full-size periodic filters and a
Gaussian ``phi`` (``sigma = 0.8``). A fixed :class:`~kymatio.spatial.ScatteringBlock`
with the complex modulus computes ``|x * psi_K|`` with ``K x K`` truncations of the same
wavelets, then a 2x2 average. The two differ in two ways, measured separately:

``truncation``
    Block vs. ``avgpool2(|x * psi|)`` with the Fourier transform's full filters (periodic
    FFT convolution): only the kernel truncation differs; this error tends to 0 with ``K``.
``end_to_end``
    Block vs. ``Scattering2D(J=1)``'s first order: adds the difference between the 2x2
    average and the Gaussian low-pass (shape and a half-pixel shift), a floor that does
    not depend on ``K``.

Both are relative errors ``||block - reference|| / ||reference||`` over all orientations,
on the interior (``margin`` coarse pixels dropped on each side) so that the borders
(reflect padding vs. the transform's own padding or periodicity) do not count.
"""
import math
from typing import Dict, Sequence

import torch
import torch.nn.functional as F

from ..scattering2d.filter_bank import fourier_filters
from .block import ScatteringBlock

__all__ = ["smooth_images", "faithfulness_errors"]


def smooth_images(n: int = 4, size: int = 64, width: float = 1.0, seed: int = 0,
                  dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Smooth random images: white noise filtered by a Gaussian of ``width`` pixels.

    Returns
    -------
    Tensor, shape (n, 1, size, size)
    """
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(n, 1, size, size, generator=generator, dtype=dtype)
    freq = torch.fft.fftfreq(size, dtype=dtype)
    gain = torch.exp(-2 * math.pi ** 2 * width ** 2 * (freq[:, None] ** 2 + freq ** 2))
    return torch.fft.ifft2(torch.fft.fft2(noise) * gain).real.contiguous()


def _relative(a: torch.Tensor, b: torch.Tensor, margin: int) -> float:
    a, b = a[..., margin:-margin, margin:-margin], b[..., margin:-margin, margin:-margin]
    return float((a - b).norm() / b.norm())


def faithfulness_errors(images: torch.Tensor, kernel_sizes: Sequence[int] = (3, 5, 7, 9,
                                                                           11, 13, 15),
                        L: int = 8, margin: int = 4) -> Dict[int, Dict[str, float]]:
    """Relative errors of the first-order coefficients of a fixed block, per kernel size.

    Parameters
    ----------
    images : Tensor, shape (B, 1, M, N)
        Real images, ``M, N`` even (float64 recommended).
    kernel_sizes : sequence of int
        Odd kernel sizes.
    L : int
        Number of orientations.
    margin : int
        Coarse pixels ignored on each side.

    Returns
    -------
    dict
        ``{K: {'truncation': float, 'end_to_end': float}}``.
    """
    from ..torch import Scattering2D  # the frontend is only needed for this diagnostic

    B, _, M, N = images.shape
    reference = Scattering2D(J=1, shape=(M, N), L=L).to(images)(images)[:, 0, 1:]
    psi = torch.from_numpy(fourier_filters(M, N, 1, L)["psi"][0]).to(images)
    full = torch.fft.ifft2(torch.fft.fft2(images) * psi).abs()
    pooled = F.avg_pool2d(full, 2)
    errors = {}
    for K in kernel_sizes:
        block = ScatteringBlock(1, L=L, kernel_size=K, learnable=False).to(images)
        with torch.no_grad():
            ours = block(images).view(B, 1 + L, M // 2, N // 2)[:, 1:]
        errors[K] = {"truncation": _relative(ours, pooled, margin),
                     "end_to_end": _relative(ours, reference, margin)}
    return errors
