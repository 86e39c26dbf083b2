"""Inverse 2D DWT level as two polyphase GEMM passes (filters longer than two taps).

Along one axis, output pair ``t`` (samples ``2 t`` and ``2 t + 1``) of a synthesis is
a fixed linear map of the ``w`` extended coefficients ``t, ..., t + w - 1`` of both
bands (``w = F / 2`` in the non-periodic modes): no zero insertion, and each phase
only meets its own half of the taps.  A block of ``b`` pairs then reads ``b`` own
coefficients and the first ``w - 1`` of the next block, so one pass over many rows
laid end to end is ``Y = A0 @ M0 + A1 @ M1`` where ``A0`` is the coefficient buffer
viewed as ``(blocks, b)`` and ``A1`` the same buffer shifted by one block: two GEMMs
on plain views, with no window copy.  Pairs that straddle two rows are computed and
ignored.  Short axes use one block per row (a dense operator) instead.

Layouts are chosen so that both passes are single large GEMMs:

* the coefficients are copied once, row by row, into a band-major buffer
  ``(band_w, i, band_h, image, j)``;
* the pass along W contracts ``j`` (right products, one pair per band);
* its output ``(i, band_h) x (image, m)`` is contracted over ``(i, band_h)`` from the
  left, which leaves the result as ``(n, image, m)``.

The next level reads its approximation from that layout with contiguous rows, so
only the last level is permuted back to ``(image, n, m)``.
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ._plan import extension_index
from .filters import WaveletFilters

#: Pairs per block of a long axis.
BLOCK = 8
#: Axes with at most this many output pairs use one dense block per row.
DENSE_MAX = 48


@dataclass(frozen=True)
class AxisSynthesis:
    """One axis of an inverse DWT in polyphase form.

    Attributes
    ----------
    out, pairs : int
        Output length and ``ceil(out / 2)``.
    ext : int
        Extended coefficients per band (``pairs + w - 1``).
    index : ndarray or None
        Gather indices of the extension (periodization), else ``None``.
    pad : tuple of int
        Zero padding ``(left, right)`` of the extension when ``index`` is ``None``.
    block : int
        Pairs per block (``pairs`` when ``dense``).
    dense : bool
        One block per row.
    m0, m1 : ndarray, shapes (2 * block, 2 * block) and (2 * (w - 1), 2 * block)
        Maps of a block's own coefficients and of the next block's first ones to
        its ``2 * block`` outputs; rows are ``(coefficient, band)`` interleaved
        (when ``dense``, ``m0`` has all ``2 * ext`` rows and ``m1`` none).
    """

    out: int
    pairs: int
    ext: int
    index: Optional[np.ndarray]
    pad: Tuple[int, int]
    block: int
    dense: bool
    m0: np.ndarray
    m1: np.ndarray


@lru_cache(maxsize=512)
def axis_synthesis(coeffs: int, filters: WaveletFilters, mode: str) -> AxisSynthesis:
    """Plan of one axis of :func:`pywt.idwt` for ``coeffs`` coefficients per band.

    With ``x[n] = sum_i a[i] g[n + c - 2 i] + d[i] g'[n + c - 2 i]`` (see
    :mod:`kymatio.attention._dwt_plan`), pair ``t`` reads the coefficients
    ``start + t + u``, ``0 <= u < w``.
    """
    f = filters.length
    if mode == "periodization":
        out, c = 2 * coeffs, f // 2 - 1
    else:
        out, c = 2 * coeffs - f + 2, f - 2
    if out < 1:
        raise ValueError(f"{coeffs} coefficients are too few for a wavelet of length {f}; were "
                         "they made with the same wavelet and mode?")
    pairs = -(-out // 2)
    start = -((f - 1 - c) // 2)
    w = (1 + c) // 2 - start + 1
    ext = pairs + w - 1
    index, pad = None, (-start, start + ext - coeffs)
    if mode == "periodization":
        index = extension_index(np.arange(ext) + start, coeffs, "periodic")
    dense = pairs <= DENSE_MAX
    block = pairs if dense else max(BLOCK, w - 1)  # the next block holds the w - 1
    window = ext if dense else block + w - 1
    g = (np.asarray(filters.rec_lo), np.asarray(filters.rec_hi))
    m = np.zeros((window, 2, 2 * block))
    r = np.arange(2 * block)
    for u in range(window):
        k = r + c - 2 * start - 2 * u
        ok = (k >= 0) & (k < f)
        for band in range(2):
            m[u, band, ok] = g[band][k[ok]]
    m = m.reshape(2 * window, 2 * block)
    own = 2 * window if dense else 2 * block
    return AxisSynthesis(out, pairs, ext, index, pad, block, dense, m[:own], m[own:])


@lru_cache(maxsize=512)
def _tensors(coeffs: int, filters: WaveletFilters, mode: str, dtype: torch.dtype,
             device: torch.device) -> Tuple[AxisSynthesis, Optional[Tensor], Tensor, Tensor]:
    plan = axis_synthesis(coeffs, filters, mode)
    index = None if plan.index is None else torch.as_tensor(plan.index, device=device)
    return (plan, index, torch.as_tensor(plan.m0, dtype=dtype, device=device),
            torch.as_tensor(plan.m1, dtype=dtype, device=device))


def _extend(x: Tensor, axis: int, index: Optional[Tensor], pad: Tuple[int, int]) -> Tensor:
    if index is not None:
        return x.index_select(axis, index)
    if pad == (0, 0):
        return x
    return F.pad(x.movedim(axis, -1), pad).movedim(-1, axis)


def idwt2_level(a: Tensor, h: Tensor, v: Tensor, d: Tensor, filters: WaveletFilters,
                mode: str, contiguous: bool = True) -> Tensor:
    """One inverse 2D DWT level of bands of shape ``(R, h, w)`` (any strides).

    Parameters
    ----------
    a, h, v, d : Tensor, shape (R, h, w)
        Approximation and details (PyWavelets' ``cA, cH, cV, cD``).
    filters : WaveletFilters
        The wavelet (more than two taps, or any length).
    mode : str
        Boundary mode of the decomposition.
    contiguous : bool
        Return a contiguous ``(R, H, W)`` tensor; otherwise a permuted, cropped view
        of the ``(H, R, W)`` product, which is what the next level reads fastest.

    Returns
    -------
    Tensor, shape (R, H, W)
    """
    dtype = torch.promote_types(torch.promote_types(a.dtype, h.dtype),
                                torch.promote_types(v.dtype, d.dtype))
    r, ch, cw = a.shape
    device = a.device
    ph, ih, n0, n1 = _tensors(ch, filters, mode, dtype, device)
    pw, iw, m0, m1 = _tensors(cw, filters, mode, dtype, device)
    hx, lx, bh, bw = ph.ext, pw.ext, ph.block, pw.block
    # rows along H: one spare block so that the last block's successor exists
    hrows = hx if ph.dense else (-(-ph.pairs // bh) + 1) * bh
    rows_w = hrows * 2 * r
    if pw.dense:
        per_band = rows_w * lx
    else:
        nblk_w = -(-rows_w * lx // bw)
        per_band = (nblk_w + 1) * bw
    used = hx * 2 * r * lx
    zero_extension = ih is None and iw is None and min(ph.pad + pw.pad) >= 0
    buf = torch.empty((2, per_band), dtype=dtype, device=device)
    buf[:, used:].zero_()
    body = buf[:, :used].view(2, hx, 2, r, lx)
    rows = slice(ph.pad[0], hx - ph.pad[1])
    cols = slice(pw.pad[0], lx - pw.pad[1])
    if zero_extension:  # zero the borders only; the bands are copied into the rest
        for border in (body[:, :rows.start], body[:, rows.stop:],
                       body[..., :cols.start], body[..., cols.stop:]):
            border.zero_()
    for kh, pair in enumerate(((a, v), (h, d))):
        for kw, band in enumerate(pair):
            if zero_extension:
                body[kw, rows, kh, :, cols].copy_(band.transpose(0, 1))
            else:
                band = _extend(_extend(band, -2, ih, ph.pad), -1, iw, pw.pad)
                body[kw, :, kh].copy_(band.transpose(0, 1))
    # pass along W: (i, band_h, image) rows, both W bands contracted
    if pw.dense:
        wp = 2 * pw.pairs
        y = buf[0].view(rows_w, lx) @ m0[0::2]
        y.addmm_(buf[1].view(rows_w, lx), m0[1::2])
    else:
        wp = 2 * lx
        own = buf[:, :nblk_w * bw].view(2, nblk_w, bw)
        nxt = buf[:, bw:(nblk_w + 1) * bw].view(2, nblk_w, bw)[:, :, :m1.shape[0] // 2]
        y = own[0] @ m0[0::2]
        y.addmm_(own[1], m0[1::2])
        y.addmm_(nxt[0], m1[0::2])
        y.addmm_(nxt[1], m1[1::2])
    y = y.view(-1)[:rows_w * wp].view(2 * hrows, r * wp)
    # pass along H: a left product over the (i, band_h) rows
    if ph.dense:
        x = n0.t() @ y
    else:
        nblk = hrows // bh - 1
        own_h = y[:2 * nblk * bh].view(nblk, 2 * bh, r * wp)
        nxt_h = y[2 * bh:2 * (nblk + 1) * bh].view(nblk, 2 * bh, r * wp)[:, :n1.shape[0]]
        x = torch.matmul(n0.t(), own_h)
        x.baddbmm_(n1.t().expand(nblk, -1, -1), nxt_h)
    x = x.view(x.shape[:-1] + (r, wp)).flatten(0, -3)  # explicit sizes: r may be 0
    x = x[:ph.out, :, :pw.out].transpose(0, 1)
    return x.contiguous() if contiguous else x
