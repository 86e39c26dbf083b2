"""2D DWT level as a boundary extension, an unfold into windows and one GEMM per axis.

Each level is separable: one pass along the last axis, one along the other.  A pass is a
boundary extension (gather or zero pad), an unfold into overlapping windows and one matrix
product per band with a block of the banded DWT operator (see
:mod:`kymatio.wavelets._plan`).  Channels and batch are folded together, so every product
is a single large GEMM, which is also what autograd runs backwards.  The pass along the
rows reads the transposed view of the previous result: the transposition is absorbed by
the extension copy.
"""
from functools import lru_cache
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from ._plan import AnalysisPlan, analysis_plan
from .filters import WaveletFilters

__all__ = ["dwt2_level"]


@lru_cache(maxsize=512)
def _analysis_tensors(n: int, filters: WaveletFilters, mode: str, dtype: torch.dtype,
                      device: torch.device
                      ) -> Tuple[AnalysisPlan, Optional[Tensor], Optional[Tensor], Tensor]:
    plan = analysis_plan(n, filters, mode)
    index = None if plan.index is None else torch.as_tensor(plan.index, device=device)
    weights = None if plan.weights is None else torch.as_tensor(plan.weights, dtype=dtype,
                                                                 device=device)
    return plan, index, weights, torch.as_tensor(plan.both, dtype=dtype, device=device)


def _extend(x: Tensor, index: Optional[Tensor], pad: Tuple[int, int],
            weights: Optional[Tensor] = None) -> Tensor:
    """Boundary extension along the last axis (always returns a fresh tensor)."""
    if weights is not None:  # a weighted sum of samples (antisymmetric, smooth, ...)
        terms = [x.index_select(-1, i) * w for i, w in zip(index, weights)]
        return terms[0].add_(terms[1]).add_(terms[2])
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
    plan, index, weights, both = _analysis_tensors(x.shape[-1], filters, mode, x.dtype,
                                                   x.device)
    xe = _extend(x, index, plan.pad, weights)
    win = _windows(xe, plan.window, 2 * plan.block, plan.windows).reshape(-1, plan.window)
    y = (win @ both).view(x.shape[:-1] + (plan.windows, 2, plan.block))
    return y.transpose(-3, -2), plan.out


def dwt2_level(x: Tensor, filters: WaveletFilters, mode: str) -> Tuple[Tensor, ...]:
    """Bands ``cA, cH, cV, cD`` of an input ``(..., H, W)`` (any filter length)."""
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
    return a.reshape(shape), h.reshape(shape), v.reshape(shape), d.reshape(shape)
