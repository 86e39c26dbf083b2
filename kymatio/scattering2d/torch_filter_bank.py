"""Differentiable torch version of the 2D Morlet filter bank.

Used by the torch frontend with ``parametrization='morlet'``: the Fourier filters are
rebuilt at each call from per-wavelet Morlet parameters, with the formulas of
:mod:`kymatio.scattering2d.filter_bank` (Gabor filter summed over the neighbouring
periods of the grid, the zero-mean correction of :func:`~.filter_bank.morlet_2d`,
Kymatio's ``3.1415`` normalisation, real part of the FFT), vectorised over wavelets and
periods. The values agree with the NumPy bank to rounding (it rounds the rotation and
accumulates in single precision; this module computes in the parameters' dtype).
"""
from typing import Any, Dict, List

import torch

from ..backend.native_torch import decaying_exp
from .filter_bank import (_N_PERIODS, _PI_COMPAT, _UNDERFLOW_EXPONENT,
                          _squared_distance_to_grid, lowpass_parameters,
                          periodization_masks, periodize_filter_fft, wavelet_parameters)

__all__ = ["morlet_fourier", "morlet_parameters", "periodize_filter"]


def morlet_parameters(J: int, L: int) -> Dict[str, torch.Tensor]:
    """The Morlet parameters of the standard bank, as float32 tensors.

    Parameters
    ----------
    J, L : int
        Number of scales and of orientations.

    Returns
    -------
    dict
        ``psi_sigma``, ``psi_xi``, ``psi_theta``, ``psi_slant``: shape ``(J, L)``, the
        arguments of :func:`~kymatio.scattering2d.filter_bank.morlet_2d` for the wavelet
        of scale ``j`` and orientation index ``theta`` at ``[j, theta]``;
        ``phi_sigma``: shape ``()``, the width of the low-pass Gabor filter.
    """
    params = [[wavelet_parameters(j, theta, L) for theta in range(L)] for j in range(J)]
    state = {f"psi_{key}": torch.tensor([[p[key] for p in row] for row in params],
                                        dtype=torch.float32)
             for key in ("sigma", "xi", "theta", "slant")}
    state["phi_sigma"] = torch.tensor(lowpass_parameters(J)["sigma"], dtype=torch.float32)
    return state


@torch.compiler.disable
def _periods(size: int, sigma: torch.Tensor, slant: torch.Tensor) -> List[int]:
    """Shifts (in periods, at most ``_N_PERIODS`` away) of the neighbouring copies of the
    grid along one axis that the widest filter reaches before underflowing, as in
    :func:`~.filter_bank.gabor_2d` (whose test is per 2D period; this per-axis test keeps
    a superset, so that the periods form a product and the sum stays separable)."""
    with torch.no_grad():
        curvature = (torch.clamp(slant * slant, max=1.0) / (2 * sigma * sigma)).min()
    curvature = float(curvature)
    if curvature != curvature:      # NaN parameters: keep every period
        curvature = 0.0
    return [shift for shift in range(-_N_PERIODS, _N_PERIODS + 1)
            if curvature * _squared_distance_to_grid(shift * size, size, 0, 1)
            <= _UNDERFLOW_EXPONENT]


def _unit(phase: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``exp(i phase)`` as a complex tensor of the precision of the real ``dtype``."""
    return torch.polar(torch.ones_like(phase), phase).to(
        torch.promote_types(dtype, torch.complex64))


def morlet_fourier(M: int, N: int, sigma: torch.Tensor, theta: torch.Tensor,
                   xi: torch.Tensor, slant: torch.Tensor,
                   zero_mean: bool = True) -> torch.Tensor:
    """Fourier transforms (real part) of periodic Morlet (or Gabor) filters.

    Parameters
    ----------
    M, N : int
        Grid size.
    sigma, theta, xi, slant : Tensor, shape (K,)
        Parameters of ``K`` filters, as in :func:`~.filter_bank.gabor_2d`; all of the
        same real dtype and device.
    zero_mean : bool, optional
        True: Morlet wavelets (:func:`~.filter_bank.morlet_2d`); False: Gabor filters
        (:func:`~.filter_bank.gabor_2d`, e.g. the low-pass filter with ``xi = 0``).

    Returns
    -------
    Tensor, shape (K, M, N)
        Real, of the parameters' dtype; differentiable with respect to them.
    """
    dtype, device = sigma.dtype, sigma.device
    # Sample coordinates (M,), (N,) and the shifts of every period that contributes.
    x, y = (torch.arange(size, device=device, dtype=dtype) for size in (M, N))
    shift_x, shift_y = (torch.tensor(_periods(size, sigma, slant), device=device,
                                     dtype=dtype) * size for size in (M, N))
    cos, sin = torch.cos(theta), torch.sin(theta)
    slant2, scale = slant * slant, 2 * sigma * sigma
    # Quadratic form R diag(1, slant^2) R^T / (2 sigma^2), per filter: shape (K, 1, 1, 1, 1).
    a, b, c = ((cos * cos + slant2 * sin * sin) / scale,
               2 * cos * sin * (1 - slant2) / scale,
               (sin * sin + slant2 * cos * cos) / scale)
    a, b, c = (v[:, None, None, None, None] for v in (a, b, c))
    xx = (shift_x[:, None] + x)[None, :, None, :, None]
    yy = (shift_y[:, None] + y)[None, None, :, None, :]
    envelope = decaying_exp(torch.addcmul(c * yy * yy, b * xx, yy) + a * xx * xx)  # (K, P, Q, M, N)
    # The oscillation exp(i xi (x cos + y sin)) at x + pM, y + qN is its value at (x, y)
    # times a constant phase per filter and period: sum the periods' envelopes weighted
    # by those phases (one batched product over the P * Q periods, in real arithmetic),
    # then modulate once. The split phases are large and cancel where the envelope is
    # not negligible, so they are formed in double precision.
    u, v = (xi * cos).double(), (xi * sin).double()
    shift_x, shift_y, x, y = (t.double() for t in (shift_x, shift_y, x, y))
    period_phase = _unit(u[:, None, None] * shift_x[:, None] + v[:, None, None] * shift_y,
                         dtype)                                               # (K, P, Q)
    weighted = torch.einsum("kpqc,kpqmn->kcmn", torch.view_as_real(period_phase), envelope)
    modulation = _unit(u[:, None] * x, dtype)[:, :, None] * _unit(v[:, None] * y, dtype)[:, None, :]
    wave = torch.complex(weighted[:, 0], weighted[:, 1]) * modulation
    if zero_mean:
        envelope = envelope.sum((1, 2))
        ratio = wave.sum((-2, -1)) / envelope.sum((-2, -1))
        wave = wave - ratio[:, None, None] * envelope
    wave = wave / (2 * _PI_COMPAT * sigma * sigma / slant)[:, None, None]
    return torch.fft.fft2(wave).real


class _PeriodizeFilter(torch.autograd.Function):
    """:func:`~.filter_bank.periodize_filter_fft` with a one-op adjoint (tile the gradient,
    apply the mask) instead of autograd's zero-filled gradient per sliced block."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, res: int) -> torch.Tensor:
        ctx.res = res
        ctx.save_for_backward(x)
        return periodize_filter_fft(x, res)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple:
        x, = ctx.saved_tensors
        rows, cols = periodization_masks(x, ctx.res)
        tiled = grad.repeat((1,) * (grad.dim() - 2) + (2 ** ctx.res, 2 ** ctx.res))
        return tiled * rows[:, None] * cols, None


def periodize_filter(x: torch.Tensor, res: int) -> torch.Tensor:
    """Differentiable :func:`~.filter_bank.periodize_filter_fft` of torch filters (the
    same values, bit for bit; a cheap backward)."""
    if res == 0 or not (x.requires_grad and torch.is_grad_enabled()):
        return periodize_filter_fft(x, res)
    return _PeriodizeFilter.apply(x, res)
