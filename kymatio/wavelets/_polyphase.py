"""Two-tap wavelets (Haar, ``bior1.1``, ...) on even sizes: a 2D DWT level without
boundary extension, windows or matrix products.

Each band is a signed, scaled sum of the four polyphase components ``x[2i+p, 2j+q]``,
computed with a handful of elementwise kernels (a pass over ``q`` on strided views, then
one over ``p``); the backward pass is the transposed polyphase sum (a custom autograd
function), so neither direction gathers, unfolds or multiplies matrices.
"""
from typing import Any, Optional, Sequence, Tuple

import torch
from torch import Tensor

from ._plan import Matrix2, PolyphasePlan

__all__ = ["dwt2_level", "idwt2_level"]


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


def dwt2_level(x: Tensor, plan: PolyphasePlan) -> Tuple[Tensor, ...]:
    """Bands ``cA, cH, cV, cD`` of an input ``(..., H, W)`` of even ``H`` and ``W``."""
    return _PolyAnalysis.apply(x, plan.analysis, plan.analysis)


def idwt2_level(a: Tensor, h: Tensor, v: Tensor, d: Tensor, plan: PolyphasePlan) -> Tensor:
    """Inverse of :func:`dwt2_level` (bands of any shape that broadcasts)."""
    return _PolySynthesis.apply(a, h, v, d, plan.synthesis, plan.synthesis)
