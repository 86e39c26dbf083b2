"""Differentiable torch version of the 1D Morlet filter bank.

Used by the torch frontend with ``parametrization='morlet'``: the Fourier filters are
rebuilt at each call from the centre frequency ``xi`` and the width ``sigma`` of every
wavelet, with the formulas of :mod:`kymatio.scattering1d.filter_bank`: a Gaussian sampled
over ``2P - 1`` periods of the frequency grid and folded onto one
(:func:`~.filter_bank.periodize_filter_fourier`, ``P`` from
:func:`~.filter_bank.adaptive_choice_P`), the multiple of the envelope that gives a
Morlet wavelet zero mean subtracted, and the unit L1 norm in time. Filters sharing a
number of periods are computed together, as in NumPy; the values agree with the NumPy
bank to rounding.
"""
import math
from typing import Any, Dict, List, Sequence

import torch

from ..backend.native_torch import decaying_exp
from .filter_bank import _MAX_PERIODS, adaptive_choice_P, periodize_filter_fourier

__all__ = ["morlet_parameters", "morlet_fourier", "periodize_filter"]


def morlet_parameters(phi_f: Dict[str, Any], psi1_f: Sequence[Dict[str, Any]],
                      psi2_f: Sequence[Dict[str, Any]]) -> Dict[str, torch.Tensor]:
    """The Morlet parameters of a filter bank, as float32 tensors.

    Parameters
    ----------
    phi_f, psi1_f, psi2_f
        As returned by
        :func:`~kymatio.scattering1d.filter_bank.scattering_filter_factory` (only their
        ``'xi'`` and ``'sigma'`` are read).

    Returns
    -------
    dict
        ``psi1_xi``, ``psi1_sigma``: shape ``(n1,)``, centre frequency (cycles per
        sample) and width of each first-order wavelet; ``psi2_xi``, ``psi2_sigma``:
        shape ``(n2,)``, the same for the second order; ``phi_sigma``: shape ``()``, the
        width of the low-pass filter.
    """
    def column(bank: Sequence[Dict[str, Any]], key: str) -> torch.Tensor:
        return torch.tensor([float(f[key]) for f in bank], dtype=torch.float32)

    state = {f"{name}_{key}": column(bank, key)
             for name, bank in (("psi1", psi1_f), ("psi2", psi2_f))
             for key in ("xi", "sigma")}
    state["phi_sigma"] = torch.tensor(float(phi_f["sigma"]), dtype=torch.float32)
    return state


@torch.compiler.disable
def _periods(sigma: torch.Tensor) -> List[int]:
    """Number of periods ``P`` of each filter, from the current widths (not
    differentiable: an integer; every period for a width that is not finite)."""
    with torch.no_grad():
        widths = sigma.detach().abs().cpu().tolist()
    return [min(adaptive_choice_P(s), _MAX_PERIODS) if math.isfinite(s) else _MAX_PERIODS
            for s in widths]


def _folded_gaussians(N: int, xi: torch.Tensor, sigma: torch.Tensor,
                      periods: int) -> torch.Tensor:
    """``exp(-(w - xi)**2 / (2 sigma**2))`` on ``w`` in ``[1 - P, P)`` (``N`` samples a
    period), folded onto ``[0, 1)``: shape ``(K, N)``."""
    freqs = torch.arange((1 - periods) * N, periods * N, dtype=sigma.dtype,
                         device=sigma.device) / float(N)
    gaussians = decaying_exp((freqs - xi[:, None]) ** 2 / (2 * sigma[:, None] ** 2))
    return periodize_filter_fourier(gaussians, 2 * periods - 1)


def _morlet_group(N: int, xi: torch.Tensor, sigma: torch.Tensor, periods: int,
                  zero_mean: bool) -> torch.Tensor:
    """Filters of one number of periods, unit L1 norm in time."""
    envelope = _folded_gaussians(N, torch.zeros_like(xi), sigma, periods)
    if zero_mean:
        gabor = _folded_gaussians(N, xi, sigma, periods)
        # The multiple of the envelope that cancels the mean (value at frequency 0).
        filters = gabor - gabor[:, :1] / envelope[:, :1] * envelope
    else:
        filters = envelope
    # The normalisation is scale-invariant: scaling each filter first by its (constant)
    # largest magnitude changes neither values nor gradients, but keeps the norm of a
    # nearly vanishing filter (parameters at the edge of their domain) from
    # underflowing when squared in the backward pass. A filter that vanishes stays 0.
    largest = filters.detach().abs().amax(-1, keepdim=True)
    filters = filters / torch.where(largest > 0, largest, torch.ones_like(largest))
    norm = torch.fft.ifft(filters, dim=-1).abs().sum(-1, keepdim=True)
    return filters / torch.where(norm > 0, norm, torch.ones_like(norm))


def morlet_fourier(N: int, xi: torch.Tensor, sigma: torch.Tensor,
                   zero_mean: bool = True) -> torch.Tensor:
    """Fourier transforms of Morlet wavelets (or Gaussian low-pass filters).

    The torch counterpart of :func:`~kymatio.scattering1d.filter_bank.morlet_1d`
    (``zero_mean=True``) and :func:`~kymatio.scattering1d.filter_bank.gauss_1d`
    (``zero_mean=False``, ``xi`` ignored), for many filters at once. The number of
    periods of each filter follows its current width (``sigma > 0``).

    Parameters
    ----------
    N : int
        Number of samples.
    xi, sigma : Tensor, shape (K,)
        Centre frequencies (cycles per sample) and widths of ``K`` filters, of one real
        dtype and device.
    zero_mean : bool, optional
        True (default): Morlet wavelets; False: Gaussians centred at 0.

    Returns
    -------
    Tensor, shape (K, N)
        At the frequencies ``np.fft.fftfreq(N)``; of the parameters' dtype,
        differentiable with respect to them.
    """
    periods = _periods(sigma)
    groups = sorted(set(periods))
    if len(groups) == 1:
        return _morlet_group(N, xi, sigma, groups[0], zero_mean)
    rows = [[k for k, p in enumerate(periods) if p == P] for P in groups]
    parts = []
    for P, members in zip(groups, rows):
        index = torch.tensor(members, device=sigma.device)
        parts.append(_morlet_group(N, xi[index], sigma[index], P, zero_mean))
    order = [k for members in rows for k in members]
    inverse = torch.empty(len(order), dtype=torch.long)
    inverse[torch.tensor(order)] = torch.arange(len(order))
    return torch.cat(parts)[inverse.to(sigma.device)]


def periodize_filter(h_f: torch.Tensor, subsampling: int) -> torch.Tensor:
    """The filter(s) for signals subsampled by ``subsampling``: the differentiable
    :func:`~kymatio.scattering1d.filter_bank.periodize_filter_fourier` of torch filters
    ``(..., N)`` (the mean of ``subsampling`` consecutive blocks of the last axis)."""
    return periodize_filter_fourier(h_f, subsampling)
