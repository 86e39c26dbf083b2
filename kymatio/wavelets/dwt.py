"""Differentiable multi-level 2D discrete wavelet transform in PyTorch.

The transforms reproduce :func:`pywt.wavedec2`, :func:`pywt.waverec2`,
:func:`pywt.dwt2` and :func:`pywt.idwt2` (same coefficient layout and sizes, equal
values up to rounding, the same default mode ``'symmetric'``, every boundary mode, the
same warning for a level above the deepest useful one) on tensors of shape
``(..., H, W)``, typically ``(B, C, H, W)``; gradients flow through every operation.

A level takes one of two paths.  Two-tap wavelets (Haar) on even sizes are polyphase
sums (:mod:`kymatio.wavelets._polyphase`).  Longer filters run one GEMM pass per axis
(:mod:`kymatio.wavelets._analysis`); their inverse is polyphase as well, two GEMM passes
with no zero insertion and no window copies (:mod:`kymatio.wavelets._synthesis`).

PyWavelets supplies the filter taps; it is imported when a wavelet is first used.
"""
import warnings
from typing import Any, List, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor, nn

from ..frontend.base_frontend import exact_integer
from . import _analysis, _polyphase, _synthesis
from ._plan import polyphase_plan
from .filters import MODES, WaveletFilters, max_level, wavelet_filters

__all__ = ["dwt2", "idwt2", "wavedec2", "waverec2", "dwt_max_level", "DWT2D", "IDWT2D"]

Details = Tuple[Tensor, Tensor, Tensor]
Coeffs2D = List[Union[Tensor, Details]]


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return mode


def _check_input(x: Any, name: str = "input") -> Tensor:
    if not torch.is_tensor(x):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError(f"{name} must be a floating point tensor, got {x.dtype}")
    if x.dim() < 2:
        raise ValueError(f"{name} must have at least 2 dimensions (..., H, W), got shape "
                         f"{tuple(x.shape)}")
    if 0 in x.shape[-2:]:
        raise ValueError(f"{name} must have at least one sample along H and W (its last "
                         f"two axes), got shape {tuple(x.shape)}")
    return x


def _as_level(level: Any) -> int:
    """A level given as an integer >= 0 (an int or a NumPy integer), as an int."""
    number = exact_integer(level)
    if number is None:
        raise TypeError(f"level must be an integer or None, got {level!r} of type "
                        f"{type(level).__name__}")
    if number < 0:
        raise ValueError(f"level must be >= 0 (or None for the deepest useful one), "
                         f"got {number}")
    return number


def _check_level(level: Any, shape: Sequence[int], filters: WaveletFilters) -> int:
    """``level`` as an int (the deepest useful one for None), warning as PyWavelets
    does when it is deeper than that."""
    deepest = dwt_max_level(tuple(shape), filters)
    if level is None:
        return deepest
    number = _as_level(level)
    if number > deepest:
        # PyWavelets' warning, word for word (filters set for it apply).
        warnings.warn(f"Level value of {number} is too high: all coefficients will "
                      f"experience boundary effects.", UserWarning, stacklevel=3)
    return number


def _dwt2_level(x: Tensor, filters: WaveletFilters, mode: str) -> Tuple[Tensor, Details]:
    poly = polyphase_plan(filters)
    if poly is not None and poly.exact_analysis(x.shape[-2]) and poly.exact_analysis(x.shape[-1]):
        a, h, v, d = _polyphase.dwt2_level(x, poly)
    else:
        a, h, v, d = _analysis.dwt2_level(x, filters, mode)
    return a, (h, v, d)


def _idwt2_level(a: Tensor, details: Details, filters: WaveletFilters, mode: str,
                 contiguous: bool = True) -> Tensor:
    h, v, d = details
    poly = polyphase_plan(filters)
    if poly is not None:
        return _polyphase.idwt2_level(a, h, v, d, poly)
    shape = torch.broadcast_shapes(a.shape, h.shape, v.shape, d.shape)
    bands = [t.expand(shape).reshape((-1,) + shape[-2:]) for t in (a, h, v, d)]
    x = _synthesis.idwt2_level(*bands, filters, mode, contiguous)
    return x.reshape(shape[:-2] + x.shape[-2:])


def dwt_max_level(size: Union[int, Sequence[int]], wavelet: Any) -> int:
    """Deepest useful level for a signal or image size (as ``pywt.dwtn_max_level``)."""
    sizes = [size] if isinstance(size, int) else list(size)
    f = wavelet_filters(wavelet).length
    return min(max_level(int(s), f) for s in sizes)


def dwt2(x: Tensor, wavelet: Any, mode: str = "symmetric") -> Tuple[Tensor, Details]:
    """Single-level 2D DWT over the last two axes, as :func:`pywt.dwt2`.

    Parameters
    ----------
    x : Tensor, shape (..., H, W)
        Floating point input.
    wavelet : str or pywt.Wavelet
        Any discrete wavelet of PyWavelets.
    mode : str, optional
        Boundary mode, one of :data:`MODES` (default ``'symmetric'``, as PyWavelets).

    Returns
    -------
    cA, (cH, cV, cD) : Tensor
        Approximation, then horizontal, vertical and diagonal details (PyWavelets'
        names: ``cH`` is high-pass along H and low-pass along W).
    """
    x = _check_input(x)
    return _dwt2_level(x, wavelet_filters(wavelet), _check_mode(mode))


def idwt2(coeffs: Tuple[Tensor, Details], wavelet: Any, mode: str = "symmetric") -> Tensor:
    """Single-level inverse 2D DWT, as :func:`pywt.idwt2`.

    Parameters
    ----------
    coeffs : tuple
        ``(cA, (cH, cV, cD))`` as returned by :func:`dwt2`.
    wavelet : str or pywt.Wavelet
        The wavelet of the decomposition.
    mode : str, optional
        The boundary mode of the decomposition (default ``'symmetric'``).

    Returns
    -------
    Tensor, shape (..., H', W')
        The reconstruction (``H' = 2 h - F + 2``, or ``2 h`` for ``'periodization'``).
    """
    a, details = coeffs
    return _idwt2_level(_check_input(a, "cA"), _check_details(details, a),
                        wavelet_filters(wavelet), _check_mode(mode))


def wavedec2(x: Tensor, wavelet: Any, mode: str = "symmetric",
             level: Optional[int] = None) -> Coeffs2D:
    """Multi-level 2D DWT over the last two axes, as :func:`pywt.wavedec2`.

    Parameters
    ----------
    x : Tensor, shape (..., H, W)
        Floating point input, e.g. ``(B, C, H, W)``.
    wavelet : str or pywt.Wavelet
        Any discrete wavelet of PyWavelets (``'haar'``, ``'db4'``, ``'sym8'``,
        ``'bior2.4'``, ...).
    mode : str, optional
        Boundary mode, any of PyWavelets' (:data:`MODES`): ``'symmetric'`` (default),
        ``'zero'``, ``'reflect'``, ``'periodic'``, ``'constant'``, ``'smooth'``,
        ``'antisymmetric'``, ``'antireflect'`` or ``'periodization'``.
    level : int, optional
        Number of levels; default :func:`dwt_max_level` of ``(H, W)``. A deeper level
        works but warns, as in PyWavelets (every coefficient then sees the boundary).

    Returns
    -------
    list
        ``[cA_n, (cH_n, cV_n, cD_n), ..., (cH_1, cV_1, cD_1)]``, tensors of shape
        ``(..., h_j, w_j)``.
    """
    x = _check_input(x)
    filters, mode = wavelet_filters(wavelet), _check_mode(mode)
    level = _check_level(level, x.shape[-2:], filters)
    coeffs: List[Any] = []
    a = x
    for _ in range(level):
        a, details = _dwt2_level(a, filters, mode)
        coeffs.append(details)
    coeffs.append(a)
    return coeffs[::-1]


def _check_details(details: Sequence[Tensor], a: Tensor) -> Details:
    if len(details) != 3:
        raise ValueError("each detail entry must be a tuple (cH, cV, cD)")
    shape = next((t.shape for t in details if t is not None), None)
    if shape is None:
        raise ValueError("at least one of cH, cV, cD must be given")
    out = tuple(torch.zeros(shape, dtype=a.dtype, device=a.device) if t is None else t
                for t in details)
    if any(t.shape != shape for t in out):
        raise ValueError(f"cH, cV and cD must share a shape, got {[tuple(t.shape) for t in out]}")
    return out  # type: ignore[return-value]


def waverec2(coeffs: Sequence[Any], wavelet: Any, mode: str = "symmetric") -> Tensor:
    """Multi-level inverse 2D DWT, as :func:`pywt.waverec2`.

    Parameters
    ----------
    coeffs : list
        ``[cA_n, (cH_n, cV_n, cD_n), ..., (cH_1, cV_1, cD_1)]`` (a missing detail may
        be ``None``).
    wavelet, mode
        The wavelet and the boundary mode of the decomposition (see :func:`idwt2`).

    Returns
    -------
    Tensor, shape (..., H', W')
        The reconstruction; like PyWavelets, an odd input size comes back one larger
        in ``'periodization'`` mode.
    """
    if not isinstance(coeffs, (list, tuple)) or len(coeffs) < 1:
        raise ValueError("coeffs must be a non-empty list [cA_n, (cH_n, cV_n, cD_n), ...]")
    filters, mode = wavelet_filters(wavelet), _check_mode(mode)
    a = _check_input(coeffs[0], "cA")
    for details in coeffs[1:]:
        h, v, d = _check_details(details, a)
        for axis in (-2, -1):
            extra = a.shape[axis] - h.shape[axis]
            if extra == 1:
                a = a.narrow(axis, 0, h.shape[axis])
            elif extra != 0:
                raise ValueError(f"approximation of shape {tuple(a.shape)} does not match details "
                                 f"of shape {tuple(h.shape)}")
        # inner levels stay in the layout the next level reads fastest
        a = _idwt2_level(a, (h, v, d), filters, mode, contiguous=details is coeffs[-1])
    return a


class DWT2D(nn.Module):
    """Multi-level 2D DWT as a module (:func:`wavedec2` over the last two axes).

    Parameters
    ----------
    wavelet : str
        Discrete wavelet of PyWavelets.
    level : int, optional
        Number of levels (None: the deepest useful one for each input).
    mode : str, optional
        Boundary mode (default ``'symmetric'``, as PyWavelets).
    """

    def __init__(self, wavelet: str = "db4", level: Optional[int] = 3,
                 mode: str = "symmetric"):
        super().__init__()
        self.filters = wavelet_filters(wavelet)
        self.wavelet = self.filters.name if not isinstance(wavelet, str) else wavelet
        self.level = None if level is None else _as_level(level)
        self.mode = _check_mode(mode)

    def forward(self, x: Tensor) -> Coeffs2D:
        """Coefficients ``[cA_n, (cH_n, cV_n, cD_n), ..., (cH_1, cV_1, cD_1)]``."""
        return wavedec2(x, self.filters, self.mode, self.level)

    def extra_repr(self) -> str:
        return f"wavelet={self.wavelet!r}, level={self.level}, mode={self.mode!r}"


class IDWT2D(nn.Module):
    """Multi-level inverse 2D DWT as a module (:func:`waverec2`).

    Parameters
    ----------
    wavelet : str
        Discrete wavelet of PyWavelets.
    mode : str, optional
        Boundary mode of the decomposition (default ``'symmetric'``).
    """

    def __init__(self, wavelet: str = "db4", mode: str = "symmetric"):
        super().__init__()
        self.filters = wavelet_filters(wavelet)
        self.wavelet = self.filters.name if not isinstance(wavelet, str) else wavelet
        self.mode = _check_mode(mode)

    def forward(self, coeffs: Sequence[Any]) -> Tensor:
        """Reconstruction from ``[cA_n, (cH_n, cV_n, cD_n), ...]``."""
        return waverec2(coeffs, self.filters, self.mode)

    def extra_repr(self) -> str:
        return f"wavelet={self.wavelet!r}, mode={self.mode!r}"
