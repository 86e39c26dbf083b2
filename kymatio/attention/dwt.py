"""Differentiable multi-level 2D discrete wavelet transform in PyTorch.

The transforms reproduce :func:`pywt.wavedec2`, :func:`pywt.waverec2`,
:func:`pywt.dwt2` and :func:`pywt.idwt2` (same coefficient layout and sizes, equal
values up to rounding) on tensors of shape ``(..., H, W)``, typically
``(B, C, H, W)``; gradients flow through every operation.

Each level is separable: one pass along the last axis, one along the other.  A pass
is a boundary extension (gather or zero pad), an unfold into overlapping windows
and one matrix product per band with a block of the banded DWT operator (see
:mod:`kymatio.attention._dwt_plan`).  Channels and batch are folded together, so
every product is a single large GEMM, which is also what autograd runs backwards.
The pass along the rows reads the transposed view of the previous result: the
transposition is absorbed by the extension copy.  The inverse of longer filters is
polyphase (:mod:`kymatio.attention._dwt_synthesis`): two GEMM passes, no zero
insertion and no window copies.

Two-tap wavelets (Haar) on even sizes take a polyphase path instead: each band is
a signed, scaled sum of the four polyphase components ``x[2i+p, 2j+q]``, computed
with a handful of elementwise kernels (a pass over ``q`` on strided views, then one
over ``p``), and the backward pass is the transposed polyphase sum (a custom
autograd function), so neither direction gathers, unfolds or multiplies matrices.

PyWavelets supplies the filter taps; it is imported when a wavelet is first used.
"""
from functools import lru_cache
from typing import Any, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ._dwt_plan import (MODES, AnalysisPlan, Matrix2, WaveletFilters, analysis_plan,
                        dwt_max_level as _max_level, polyphase_plan, wavelet_filters)
from ._dwt_synthesis import idwt2_level as _gemm_synthesis

__all__ = ["MODES", "dwt2", "idwt2", "wavedec2", "waverec2", "dwt_max_level", "DWT2D",
           "IDWT2D"]

Details = Tuple[Tensor, Tensor, Tensor]
Coeffs2D = List[Union[Tensor, Details]]


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError("mode must be one of {}, got {!r}".format(MODES, mode))
    return mode


def _check_input(x: Any, name: str = "input") -> Tensor:
    if not torch.is_tensor(x):
        raise TypeError("{} must be a torch.Tensor, got {}".format(name, type(x).__name__))
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError("{} must be a floating point tensor, got {}".format(name, x.dtype))
    if x.dim() < 2:
        raise ValueError("{} must have at least 2 dimensions (..., H, W), got shape {}"
                         .format(name, tuple(x.shape)))
    return x


@lru_cache(maxsize=512)
def _analysis_tensors(n: int, filters: WaveletFilters, mode: str, dtype: torch.dtype,
                      device: torch.device) -> Tuple[AnalysisPlan, Optional[Tensor], Tensor]:
    plan = analysis_plan(n, filters, mode)
    index = None if plan.index is None else torch.as_tensor(plan.index, device=device)
    return plan, index, torch.as_tensor(plan.both, dtype=dtype, device=device)


def _extend(x: Tensor, index: Optional[Tensor], pad: Tuple[int, int]) -> Tensor:
    """Boundary extension along the last axis (always returns a fresh tensor)."""
    if index is not None:
        return x.index_select(-1, index)
    if pad == (0, 0):
        return x.contiguous()
    return F.pad(x, pad)


def _windows(x: Tensor, size: int, step: int, count: int) -> Tensor:
    """``count`` windows of ``size`` samples every ``step`` along the last axis."""
    if count == 1:
        return x[..., None, :size]
    return x.unfold(-1, size, step)


def _analysis_last(x: Tensor, filters: WaveletFilters, mode: str) -> Tuple[Tensor, int]:
    """One DWT pass along the last axis.

    Returns a view ``y`` of shape ``x.shape[:-1] + (2, windows, block)`` (band,
    window, coefficient; band 0 is the approximation) and the number ``L`` of valid
    coefficients of ``y.flatten(-2)`` (the rest is padding of the last window).
    """
    plan, index, both = _analysis_tensors(x.shape[-1], filters, mode, x.dtype, x.device)
    xe = _extend(x, index, plan.pad)
    win = _windows(xe, plan.window, 2 * plan.block, plan.windows).reshape(-1, plan.window)
    y = (win @ both).view(x.shape[:-1] + (plan.windows, 2, plan.block))
    return y.transpose(-3, -2), plan.out


def _near_one(c: float) -> bool:
    # products of taps such as (1 / sqrt(2)) ** 2 miss 1 / 2 by an ulp
    return abs(c - 1.0) <= 1e-14


def _combine(a: Tensor, b: Tensor, c0: float, c1: float, out: Optional[Tensor] = None) -> Tensor:
    """``c0 * a + c1 * b``, in a single kernel unless both weights are general."""
    if c1 == 0:
        return torch.mul(a, c0, out=out)
    if c0 == 0:
        return torch.mul(b, c1, out=out)
    if c0 == 1:
        return torch.add(a, b, alpha=c1, out=out)
    if c1 == 1:
        return torch.add(b, a, alpha=c0, out=out)
    if _near_one(c0 + c1):  # lerp: (1 - c1) a + c1 b
        return torch.lerp(a, b, c1, out=out)
    return torch.mul(a, c0, out=out).add_(b, alpha=c1)


def _pair(a: Tensor, b: Tensor, m: Matrix2,
          out: Tuple[Optional[Tensor], Optional[Tensor]] = (None, None)) -> Tuple[Tensor, Tensor]:
    """``(m[0][0] a + m[0][1] b, m[1][0] a + m[1][1] b)`` with as few kernels as possible."""
    first = _combine(a, b, m[0][0], m[0][1], out[0])
    (c0, c1), single = m[1], {0.0, 1.0}
    if c0 in single or c1 in single or _near_one(c0 + c1):
        return first, _combine(a, b, c0, c1, out[1])
    # e.g. Haar: (a + b) / 2 then (a - b) / 2 = first - b, one kernel instead of two
    if c0 == m[0][0]:
        return first, torch.add(first, b, alpha=c1 - m[0][1], out=out[1])
    if c1 == m[0][1]:
        return first, torch.add(first, a, alpha=c0 - m[0][0], out=out[1])
    return first, _combine(a, b, c0, c1, out[1])


def _poly_analysis(x: Tensor, ah: Matrix2, aw: Matrix2) -> Tuple[Tensor, ...]:
    """Bands ``(k_h, k_w) = (0, 0), (1, 0), (0, 1), (1, 1)`` of an even-sized ``x``."""
    xe, xo = x.unflatten(-1, (x.shape[-1] // 2, 2)).unbind(-1)
    bands = {}
    for kw, (c0, c1) in enumerate(aw):
        # pass along W up to a scale folded into the pass along H: one kernel per band
        if c0 == 0:
            v, scale = xo, c1
        else:
            v, scale = (xe if c1 == 0 else torch.add(xe, xo, alpha=c1 / c0)), c0
        ve, vo = v.unflatten(-2, (v.shape[-2] // 2, 2)).unbind(-2)
        m = tuple((scale * r[0], scale * r[1]) for r in ah)
        bands[0, kw], bands[1, kw] = _pair(ve, vo, m)  # type: ignore[arg-type]
    return bands[0, 0], bands[1, 0], bands[0, 1], bands[1, 1]


def _poly_synthesis(bands: Sequence[Tensor], sh: Matrix2, sw: Matrix2) -> Tensor:
    """Inverse of :func:`_poly_analysis` for synthesis matrices ``sh``, ``sw``."""
    dtype = bands[0].dtype
    for b in bands[1:]:
        dtype = torch.promote_types(dtype, b.dtype)
    shape, device = torch.broadcast_shapes(*(b.shape for b in bands)), bands[0].device
    # pass along W into interleaved rows, up to a scale shared by both phases (it
    # must be: the pass along H reads whole rows) and folded into the pass along H
    (c00, c01), (c10, c11) = sw
    scale = c00 if c00 == c10 and c00 != 0 else 1.0
    m = ((c00 / scale, c01 / scale), (c10 / scale, c11 / scale))
    rows = []
    for kh in range(2):
        u = torch.empty(shape + (2,), dtype=dtype, device=device)
        _pair(bands[kh], bands[kh + 2], m, (u[..., 0], u[..., 1]))  # type: ignore[arg-type]
        rows.append(u.flatten(-2))
    x = torch.empty(shape[:-1] + (2, 2 * shape[-1]), dtype=dtype, device=device)
    mh = tuple((r[0] * scale, r[1] * scale) for r in sh)
    _pair(rows[0], rows[1], mh, (x[..., 0, :], x[..., 1, :]))  # type: ignore[arg-type]
    return x.flatten(-3, -2)


def _transpose(m: Matrix2) -> Matrix2:
    return (m[0][0], m[1][0]), (m[0][1], m[1][1])


class _PolyAnalysis(torch.autograd.Function):
    """Two-tap 2D DWT level; its gradient is the transposed (synthesis-like) sum."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, ah: Matrix2, aw: Matrix2) -> Tuple[Tensor, ...]:
        ctx.mats = ah, aw
        return _poly_analysis(x, ah, aw)

    @staticmethod
    def backward(ctx: Any, *grads: Tensor) -> Tuple[Optional[Tensor], None, None]:
        ah, aw = ctx.mats
        return _PolySynthesis.apply(*grads, _transpose(ah), _transpose(aw)), None, None


class _PolySynthesis(torch.autograd.Function):
    """Two-tap inverse 2D DWT level; its gradient is the transposed analysis."""

    @staticmethod
    def forward(ctx: Any, a: Tensor, h: Tensor, v: Tensor, d: Tensor, sh: Matrix2,
                sw: Matrix2) -> Tensor:
        ctx.mats = sh, sw
        return _poly_synthesis((a, h, v, d), sh, sw)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tuple[Optional[Tensor], ...]:
        sh, sw = ctx.mats
        return _PolyAnalysis.apply(grad, _transpose(sh), _transpose(sw)) + (None, None)


def _dwt2_level(x: Tensor, filters: WaveletFilters, mode: str) -> Tuple[Tensor, Details]:
    poly = polyphase_plan(filters)
    if poly is not None and poly.exact_analysis(x.shape[-2]) and poly.exact_analysis(x.shape[-1]):
        a, h, v, d = _PolyAnalysis.apply(x, poly.analysis, poly.analysis)
        return a, (h, v, d)
    lead = x.shape[:-2]
    x = x.reshape((-1,) + x.shape[-2:])
    r = x.shape[0]
    y, lw = _analysis_last(x, filters, mode)                       # (R, H, 2, nw, bw)
    z, lh = _analysis_last(y.permute(0, 2, 3, 4, 1), filters, mode)  # (R, 2, nw, bw, 2, nh, bh)
    nw, bw, nh, bh = z.shape[2], z.shape[3], z.shape[5], z.shape[6]
    out = z.permute(0, 1, 4, 5, 6, 2, 3).reshape(r, 2, 2, nh * bh, nw * bw)
    # unbind, not four selects: backward stacks instead of zero-filling four
    # full-size gradients and adding them (and no reshape: the dims do not merge)
    (a, h), (v, d) = (t.unbind(1) for t in out[..., :lh, :lw].unbind(1))
    shape = lead + (lh, lw)
    return a.reshape(shape), (h.reshape(shape), v.reshape(shape), d.reshape(shape))


def _idwt2_level(a: Tensor, details: Details, filters: WaveletFilters, mode: str,
                 contiguous: bool = True) -> Tensor:
    h, v, d = details
    poly = polyphase_plan(filters)
    if poly is not None:
        return _PolySynthesis.apply(a, h, v, d, poly.synthesis, poly.synthesis)
    shape = torch.broadcast_shapes(a.shape, h.shape, v.shape, d.shape)
    bands = [t.expand(shape).reshape((-1,) + shape[-2:]) for t in (a, h, v, d)]
    x = _gemm_synthesis(*bands, filters, mode, contiguous)
    return x.reshape(shape[:-2] + x.shape[-2:])


def dwt_max_level(size: Union[int, Sequence[int]], wavelet: Any) -> int:
    """Deepest useful level for a signal or image size (as ``pywt.dwtn_max_level``)."""
    sizes = [size] if isinstance(size, int) else list(size)
    f = wavelet_filters(wavelet).length
    return min(_max_level(int(s), f) for s in sizes)


def dwt2(x: Tensor, wavelet: Any, mode: str = "zero") -> Tuple[Tensor, Details]:
    """Single-level 2D DWT over the last two axes, as :func:`pywt.dwt2`.

    Parameters
    ----------
    x : Tensor, shape (..., H, W)
        Floating point input.
    wavelet : str or pywt.Wavelet
        Any discrete wavelet of PyWavelets.
    mode : str
        Boundary mode, one of :data:`MODES`.

    Returns
    -------
    cA, (cH, cV, cD) : Tensor
        Approximation, then horizontal, vertical and diagonal details (PyWavelets'
        names: ``cH`` is high-pass along H and low-pass along W).
    """
    x = _check_input(x)
    return _dwt2_level(x, wavelet_filters(wavelet), _check_mode(mode))


def idwt2(coeffs: Tuple[Tensor, Details], wavelet: Any, mode: str = "zero") -> Tensor:
    """Single-level inverse 2D DWT, as :func:`pywt.idwt2`.

    Parameters
    ----------
    coeffs : tuple
        ``(cA, (cH, cV, cD))`` as returned by :func:`dwt2`.
    wavelet : str or pywt.Wavelet
        The wavelet of the decomposition.
    mode : str
        The boundary mode of the decomposition.

    Returns
    -------
    Tensor, shape (..., H', W')
        The reconstruction (``H' = 2 h - F + 2``, or ``2 h`` for ``'periodization'``).
    """
    a, details = coeffs
    return _idwt2_level(_check_input(a, "cA"), _check_details(details, a),
                        wavelet_filters(wavelet), _check_mode(mode))


def wavedec2(x: Tensor, wavelet: Any, mode: str = "zero",
             level: Optional[int] = None) -> Coeffs2D:
    """Multi-level 2D DWT over the last two axes, as :func:`pywt.wavedec2`.

    Parameters
    ----------
    x : Tensor, shape (..., H, W)
        Floating point input, e.g. ``(B, C, H, W)``.
    wavelet : str or pywt.Wavelet
        Any discrete wavelet of PyWavelets (``'haar'``, ``'db4'``, ``'sym8'``,
        ``'bior2.4'``, ...).
    mode : str
        Boundary mode: ``'zero'``, ``'symmetric'``, ``'reflect'``, ``'periodic'``,
        ``'constant'`` or ``'periodization'``.
    level : int, optional
        Number of levels; default :func:`dwt_max_level` of ``(H, W)``.

    Returns
    -------
    list
        ``[cA_n, (cH_n, cV_n, cD_n), ..., (cH_1, cV_1, cD_1)]``, tensors of shape
        ``(..., h_j, w_j)``.
    """
    x = _check_input(x)
    filters, mode = wavelet_filters(wavelet), _check_mode(mode)
    if level is None:
        level = dwt_max_level(x.shape[-2:], filters)
    if level < 0:
        raise ValueError("level must be >= 0, got {}".format(level))
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
        raise ValueError("cH, cV and cD must share a shape, got {}"
                         .format([tuple(t.shape) for t in out]))
    return out  # type: ignore[return-value]


def waverec2(coeffs: Sequence[Any], wavelet: Any, mode: str = "zero") -> Tensor:
    """Multi-level inverse 2D DWT, as :func:`pywt.waverec2`.

    Parameters
    ----------
    coeffs : list
        ``[cA_n, (cH_n, cV_n, cD_n), ..., (cH_1, cV_1, cD_1)]`` (a missing detail may
        be ``None``).
    wavelet : str or pywt.Wavelet
        The wavelet of the decomposition.
    mode : str
        The boundary mode of the decomposition.

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
                raise ValueError("approximation of shape {} does not match details of "
                                 "shape {}".format(tuple(a.shape), tuple(h.shape)))
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
        Number of levels (default: the deepest useful one for each input).
    mode : str
        Boundary mode.
    """

    def __init__(self, wavelet: str = "db4", level: Optional[int] = 3, mode: str = "zero"):
        super().__init__()
        self.filters = wavelet_filters(wavelet)
        self.wavelet = self.filters.name if not isinstance(wavelet, str) else wavelet
        self.level = level
        self.mode = _check_mode(mode)

    def forward(self, x: Tensor) -> Coeffs2D:
        """Coefficients ``[cA_n, (cH_n, cV_n, cD_n), ..., (cH_1, cV_1, cD_1)]``."""
        return wavedec2(x, self.filters, self.mode, self.level)

    def extra_repr(self) -> str:
        return "wavelet={!r}, level={}, mode={!r}".format(self.wavelet, self.level, self.mode)


class IDWT2D(nn.Module):
    """Multi-level inverse 2D DWT as a module (:func:`waverec2`).

    Parameters
    ----------
    wavelet : str
        Discrete wavelet of PyWavelets.
    mode : str
        Boundary mode of the decomposition.
    """

    def __init__(self, wavelet: str = "db4", mode: str = "zero"):
        super().__init__()
        self.filters = wavelet_filters(wavelet)
        self.wavelet = self.filters.name if not isinstance(wavelet, str) else wavelet
        self.mode = _check_mode(mode)

    def forward(self, coeffs: Sequence[Any]) -> Tensor:
        """Reconstruction from ``[cA_n, (cH_n, cV_n, cD_n), ...]``."""
        return waverec2(coeffs, self.filters, self.mode)

    def extra_repr(self) -> str:
        return "wavelet={!r}, mode={!r}".format(self.wavelet, self.mode)
