"""Initial convolution kernels of the spatial scattering block.

The kernels are *samples of the Fourier 2D transform's own filters*: they come from
:func:`kymatio.scattering2d.filter_bank.morlet_2d` and
:func:`~kymatio.scattering2d.filter_bank.gabor_2d` on a ``K x K`` grid centred at the
origin (``offset=-(K // 2)``) without periodisation (``periodic=False``), at the
parameters :func:`~kymatio.scattering2d.filter_bank.wavelet_parameters` gives for the
finest scale ``j = 0`` (``sigma = 0.8``, ``xi = 3 pi / 4``, ``slant = 4 / L``) and
:func:`~kymatio.scattering2d.filter_bank.lowpass_parameters` gives for ``J = 1``
(``sigma = 0.8``). Nothing is renormalised:

* the Gabor normalisation ``1 / (2 pi sigma^2)`` is the Fourier filters', so as ``K``
  grows the kernels converge to the spatial form of the Fourier transform's filters (the
  periodisation adds nothing measurable at ``sigma = 0.8``), and the block's outputs
  converge to the Fourier transform's (see the tests and ``docs/api/spatial.rst``);
* :func:`~kymatio.scattering2d.filter_bank.morlet_2d` makes the wavelet's mean zero *on
  the grid it is sampled on*, so the truncated ``K x K`` wavelet is exactly zero-mean
  (no response to constant images) at every ``K``;
* the low-pass kernel is a truncated Gaussian, whose sum is below 1 for small ``K``
  (0.91 at ``K = 3``, 0.998 at ``K = 5``, 1.000 from ``K = 7``): that is the honest truncation, reported
  by the faithfulness figures rather than hidden by a rescaling.

``torch.nn.functional.conv2d`` computes a cross-correlation, so the kernels are flipped
(``k[::-1, ::-1]``) to make the convolution layers compute ``x * psi`` exactly like the
Fourier transform. (For the Morlet wavelet a flip is a complex conjugation, which the
modulus ignores; the flip keeps the real and imaginary parts, hence the phase-ReLU
channels, in Kymatio's convention.)
"""
from typing import Dict

import numpy as np
import torch

from ..scattering2d.filter_bank import (gabor_2d, lowpass_parameters, morlet_2d,
                                        wavelet_parameters)

__all__ = ["filter_kernels", "conv_kernels", "block_diagonal_weight"]


def _check_kernel_size(kernel_size: int) -> None:
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, int) \
            or kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be a positive odd integer, got {kernel_size!r}.")


def filter_kernels(L: int, kernel_size: int) -> Dict[str, np.ndarray]:
    """Low-pass and band-pass filters of scale 0 sampled on a centred ``K x K`` grid.

    Parameters
    ----------
    L : int
        Number of orientations.
    kernel_size : int
        ``K``, odd.

    Returns
    -------
    dict
        ``'phi'``: complex64 ``(K, K)`` (real up to rounding), the Gabor low-pass of a
        ``J = 1`` transform; ``'psi'``: complex64 ``(L, K, K)``, the Morlet wavelets of
        scale 0 in Kymatio's orientation order. Entry ``[a, b]`` is the filter's value at
        ``(a - K // 2, b - K // 2)`` (not flipped).
    """
    _check_kernel_size(kernel_size)
    K, offset = kernel_size, -(kernel_size // 2)
    psi = np.stack([morlet_2d(K, K, **wavelet_parameters(0, theta, L), offset=offset,
                              periodic=False) for theta in range(L)])
    phi = gabor_2d(K, K, **lowpass_parameters(1), offset=offset, periodic=False)
    return {"phi": phi, "psi": psi}


def conv_kernels(L: int, kernel_size: int, lowpass_only: bool = False) -> torch.Tensor:
    """The real kernels of one input channel, flipped for ``conv2d``.

    Parameters
    ----------
    L, kernel_size : int
        As in :func:`filter_kernels`.
    lowpass_only : bool, optional
        Only the low-pass kernel.

    Returns
    -------
    Tensor of float32, shape (1 + 2L, K, K) or (1, K, K)
        ``[Re phi, Re psi_0 .. Re psi_{L-1}, Im psi_0 .. Im psi_{L-1}]``.
    """
    filters = filter_kernels(L, kernel_size)
    parts = [filters["phi"].real[None]]
    if not lowpass_only:
        parts += [filters["psi"].real, filters["psi"].imag]
    kernels = np.concatenate(parts)[:, ::-1, ::-1]
    return torch.from_numpy(np.ascontiguousarray(kernels, dtype=np.float32))


def block_diagonal_weight(kernels: torch.Tensor, in_channels: int,
                          group_size: int) -> torch.Tensor:
    """A grouped ``Conv2d`` weight in which every input channel sees only its own kernels.

    Output channel ``c * P + k`` (``P = kernels.shape[0]``) applies ``kernels[k]`` to
    input channel ``c`` and has zero weights on every other channel of its group, so the
    output layout is channel-major, as in Kymatio's ``(B, C, paths, H, W)``.

    Parameters
    ----------
    kernels : Tensor, shape (P, K, K)
    in_channels : int
        ``C``.
    group_size : int
        Input channels per convolution group (divides ``C``; ``C`` for a dense layer).

    Returns
    -------
    Tensor, shape (C * P, group_size, K, K)
    """
    P, K = kernels.shape[0], kernels.shape[-1]
    weight = kernels.new_zeros((in_channels, P, group_size, K, K))
    channels = torch.arange(in_channels)
    weight[channels, :, channels % group_size] = kernels
    return weight.reshape(in_channels * P, group_size, K, K)
