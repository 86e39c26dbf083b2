"""Differentiable torch version of the 3D solid harmonic filter bank.

Used by the torch frontend with ``parametrization='morlet'`` (the name is shared with
the 1D and 2D transforms; in 3D the natural parameters are Gaussian widths). In Fourier,
the solid harmonic wavelet of degree ``l``, order ``m`` and width ``sigma`` is

.. math:: \\hat\\psi_{l,m,\\sigma}(k) = H_{l,m}(k)\\, \\sigma^l\\,
          e^{-\\sigma^2 |k|^2 / 2},

where :math:`H_{l,m}(k) = c_l\\, |k|^l\\, Y_l^m(k / |k|)` does not depend on the width
(:math:`H_{0,0} = 1`): the harmonic basis :math:`H` is computed once with the NumPy
code of :mod:`kymatio.scattering3d.filter_bank` (at unit width and without the
Gaussian), and the filters are rebuilt from the widths at each call. The low-pass
filters of ``method='local'`` are the Gaussians :math:`e^{-\\sigma^2 |k|^2 / 2}`.
"""
from typing import Dict, List, Tuple

import numpy as np
import torch

from ..backend.native_torch import decaying_exp
from .filter_bank import _grid, _solid_harmonics, _squared_norm

__all__ = ["morlet_parameters", "harmonic_basis", "solid_harmonic_fourier",
           "gaussian_fourier"]


def morlet_parameters(J: int, sigma_0: float, local: bool) -> Dict[str, torch.Tensor]:
    """The widths of the standard bank, as float32 tensors.

    Parameters
    ----------
    J : int
        Largest scale.
    sigma_0 : float
        Width at scale 0.
    local : bool
        Include the low-pass widths (``method='local'``).

    Returns
    -------
    dict
        ``psi_sigma``: shape ``(J + 1,)``, ``sigma_0 * 2**j``, the width (in space) of
        the wavelets of scale ``j``; with ``local``, ``phi_sigma``: shape ``(J + 2,)``,
        the widths of the Gaussian low-pass filters.
    """
    def widths(count: int) -> torch.Tensor:
        return torch.tensor([sigma_0 * 2 ** j for j in range(count)], dtype=torch.float32)

    state = {"psi_sigma": widths(J + 1)}
    if local:
        state["phi_sigma"] = widths(J + 2)
    return state


def harmonic_basis(M: int, N: int, O: int, L: int, rotation_covariant: bool = True
                   ) -> Tuple[torch.Tensor, List[int], torch.Tensor]:
    """The width-independent part of the wavelets, on the Fourier grid.

    Parameters
    ----------
    M, N, O : int
        Grid size.
    L : int
        Largest degree.
    rotation_covariant : bool, optional
        All orders ``m`` of each degree (default) or only ``m = -l``, in the order of
        :func:`~kymatio.scattering3d.filter_bank.harmonic_filters`.

    Returns
    -------
    basis : Tensor, shape (K, M, N, O, 2)
        :math:`H_{l,m}` as a real float32 view of its complex values.
    degrees : list of int
        The degree ``l`` of each of the ``K`` filters.
    squared_frequencies : Tensor, shape (M, N, O)
        :math:`|k|^2` on the grid, float32.
    """
    grid = _grid(M, N, O, fourier=True)
    r_square = _squared_norm(grid)
    flat = np.ones((1,) + r_square.shape, np.float32)
    per_degree, degrees = [], []
    for l in range(L + 1):
        orders = range(-l, l + 1) if rotation_covariant else [-l]
        per_degree.append(_solid_harmonics(grid, l, orders, [1.0], True, r_square, flat)[0])
        degrees += [l] * len(orders)
    basis = np.concatenate(per_degree)
    basis = torch.from_numpy(np.stack([basis.real, basis.imag], axis=-1).astype(np.float32))
    return basis, degrees, torch.from_numpy(np.ascontiguousarray(r_square, np.float32))


def gaussian_fourier(squared_frequencies: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Fourier transforms :math:`e^{-\\sigma^2 |k|^2 / 2}` of unit-integral Gaussians.

    Parameters
    ----------
    squared_frequencies : Tensor, shape (M, N, O)
        :math:`|k|^2` (from :func:`harmonic_basis`).
    sigma : Tensor, shape (n,)
        Widths in space.

    Returns
    -------
    Tensor, shape (n, M, N, O)
        Real, differentiable with respect to ``sigma``.
    """
    return decaying_exp(0.5 * squared_frequencies * (sigma * sigma)[:, None, None, None])


def solid_harmonic_fourier(basis: torch.Tensor, degrees: List[int],
                           squared_frequencies: torch.Tensor,
                           sigma: torch.Tensor) -> torch.Tensor:
    """Fourier transforms of the solid harmonic wavelets of widths ``sigma``.

    Parameters
    ----------
    basis, degrees, squared_frequencies
        From :func:`harmonic_basis` (in ``sigma``'s dtype and device).
    sigma : Tensor, shape (J + 1,)
        Widths in space.

    Returns
    -------
    Tensor, shape (J + 1, K, M, N, O)
        Complex, in the layout of
        :func:`~kymatio.scattering3d.filter_bank.harmonic_filters`; differentiable with
        respect to ``sigma``.
    """
    exponents = torch.tensor(degrees, dtype=sigma.dtype, device=sigma.device)
    radial = sigma[:, None] ** exponents                                     # (J + 1, K)
    gaussians = gaussian_fourier(squared_frequencies, sigma)                 # (J + 1, ...)
    scaled = radial[..., None, None, None] * gaussians[:, None]             # (J + 1, K, ...)
    return torch.view_as_complex(basis)[None] * scaled
