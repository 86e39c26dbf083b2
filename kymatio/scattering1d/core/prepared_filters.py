"""Filters of the 1D scattering cascade in the form its core consumes.

Each filter is applied as a *periodised product*: the spectrum is multiplied by the
filter and folded onto ``n // k`` bins (subsampling by ``k``). Preparing the filters
once per filter bank makes every product cheaper:

- each filter is divided by its folding factor ``k`` (so folding is a plain sum);
- the low-pass filters are symmetrised, ``(phi(w) + phi(-w)) / 2``: the transform
  returns the real part of a low-passed real signal, which is exactly the signal
  filtered by the symmetrised filter; its spectrum is Hermitian, so only the bins
  ``0 .. M // 2`` of the folded product are computed and a real inverse FFT
  (``irfft``) finishes;
- the blocks of ``n // k`` bins where a filter stack is exactly zero are skipped. The
  Gaussian filters underflow to zero away from their centre (in float32, beyond about
  13 standard deviations), so most blocks of the low-pass filters and of the narrow
  wavelets hold only zeros; skipping them leaves every sum unchanged (adding ``0``
  is exact). Filters that require grad keep every block, so that their gradient is
  complete.
"""
from typing import Any, Dict, List, NamedTuple, Sequence, Tuple

import numpy as np

__all__ = ["Periodized", "Lowpass", "PreparedFilters", "prepare_filters",
           "periodized_product", "lowpass"]

# More block slices than this per product are done as one folded product instead.
MAX_SLICES = 8


class Periodized(NamedTuple):
    """A stack of wavelets applied as a periodised product.

    Attributes
    ----------
    filters : array, complex, shape (F, n)
        The wavelets divided by ``k``.
    k : int
        Folding factor (subsampling of the output).
    pieces : tuple of (int, int, bool)
        Runs of blocks of ``n // k`` bins that hold nonzero values of some wavelet of
        the stack, as ``(first bin, number of blocks, False)`` (the pieces of
        :meth:`FourierBackend1D.sliced_product`).
    """

    filters: Any
    k: int
    pieces: Tuple[Tuple[int, int, bool], ...]


class Lowpass(NamedTuple):
    """A symmetrised low-pass filter applied to real signals.

    Attributes
    ----------
    filter : array, complex, shape (n,)
        ``(phi(w) + phi(-w)) / (2 k)``.
    k : int
        Folding factor.
    pieces : tuple of (int, int, bool)
        With ``M = n // k`` and ``h = M // 2 + 1``: ``(b M, 1, False)`` for the blocks
        ``b`` (``2 b < k``) whose bins ``b M .. b M + h - 1`` hold nonzero values (they
        add to the output bins ``0 .. h - 1`` directly), and ``(c M - h + 1, 1, True)``
        for the ``c`` in ``1 .. k // 2`` whose bins ``c M - h + 1 .. c M`` do: reversed
        and conjugated, they stand for the negative frequencies of block ``k - c``.
    dense : bool
        Fold the whole product instead of slicing (many blocks, or learnable).
    """

    filter: Any
    k: int
    pieces: Tuple[Tuple[int, int, bool], ...]
    dense: bool


class PreparedFilters(NamedTuple):
    """All the filters of one cascade: ``lowpass[level]`` and one
    :class:`Periodized` per first-order and per second-order group of the plan."""

    lowpass: Dict[int, Lowpass]
    first: List[Periodized]
    second: List[Periodized]


def _runs(backend: Any, filters: Any, k: int, exact: bool) -> Tuple[Tuple[int, int, bool], ...]:
    """Runs of consecutive blocks (of ``n // k`` bins) where some filter is nonzero
    (every block unless ``exact``), as pieces of a sliced product."""
    size = filters.shape[-1] // k
    used = backend.nonzero(filters).reshape(-1, k, size).any(axis=(0, 2)) if exact else None
    if used is None or not used.any():
        return ((0, k, False),)
    runs: List[Tuple[int, int]] = []
    for b in np.flatnonzero(used):
        if runs and runs[-1][0] + runs[-1][1] == b:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((int(b), 1))
    if len(runs) > 2:
        return ((0, k, False),)
    return tuple((b * size, count, False) for b, count in runs)


def _lowpass(backend: Any, phi: Any, k: int, exact: bool) -> Lowpass:
    symmetric = (phi + backend.negate_frequencies(phi)) / (2 * k)
    n = phi.shape[-1]
    M, h = n // k, n // k // 2 + 1
    if not exact:
        return Lowpass(backend.complex_filter(symmetric), k, (), True)
    mask = backend.nonzero(symmetric)
    pieces = tuple((b * M, 1, False) for b in range((k + 1) // 2)
                   if mask[b * M:b * M + h].any())
    pieces += tuple((c * M - h + 1, 1, True) for c in range(1, k // 2 + 1)
                    if mask[c * M - h + 1:c * M + 1].any())
    dense = len(pieces) > MAX_SLICES or not pieces
    return Lowpass(backend.complex_filter(symmetric), k, pieces, dense)


def prepare_filters(backend: Any, phi: Sequence[Any], psi1: Any, psi2: Sequence[Any],
                    plan: Any) -> PreparedFilters:
    """Prepare the filters of :func:`~kymatio.scattering1d.core.scattering1d.\
scattering1d_blocks` for one plan.

    Parameters
    ----------
    backend : FourierBackend1D
    phi : sequence of arrays
        ``phi[k]``: the low-pass filter at level ``k``.
    psi1 : array, shape (n1, N)
        First-order wavelets, stacked.
    psi2 : sequence of arrays
        ``psi2[k]``: the second-order wavelets with a level ``k``, stacked.
    plan : ScatteringPlan

    Returns
    -------
    PreparedFilters
        Differentiable functions of the given filters (so learnable filters get their
        gradients); blocks are skipped only for filters that do not require grad.
    """
    exact = not any(backend.requires_grad(f) for f in [*phi, psi1, *psi2])
    first = []
    for k1, start, stop in plan.first:
        filters = psi1[start:stop] / 2 ** k1
        first.append(Periodized(backend.complex_filter(filters), 2 ** k1,
                                _runs(backend, filters, 2 ** k1, exact)))
    second = []
    for group, k2, _, cols, _ in plan.second:
        k1 = plan.first[group][0]
        filters = backend.take(psi2[k1], list(cols), 0) / 2 ** k2
        second.append(Periodized(backend.complex_filter(filters), 2 ** k2,
                                 _runs(backend, filters, 2 ** k2, exact)))
    levels = {k1 for k1, _, _ in plan.first}
    levels |= {plan.first[group][0] + k2 for group, k2, *_ in plan.second}
    lowpass_filters = {}
    if plan.average:
        for level in sorted(levels | {0}):
            k = 2 ** max(plan.log2_T - level - plan.oversampling, 0)
            lowpass_filters[level] = _lowpass(backend, phi[level], k, exact)
    return PreparedFilters(lowpass_filters, first, second)


def periodized_product(backend: Any, U_hat: Any, p: Periodized) -> Any:
    """``fold(U_hat * p.filters, p.k)`` over the blocks that hold nonzero filter values.

    ``U_hat`` (..., n) broadcasts against the stack (F, n); the result is complex,
    (..., F, n // k).
    """
    return backend.sliced_product(U_hat, p.filters, p.pieces, p.filters.shape[-1] // p.k)


def lowpass(backend: Any, U_hat: Any, f: Lowpass) -> Any:
    """Real signals ``U`` low-passed by ``f`` and subsampled by ``f.k``.

    Parameters
    ----------
    backend : FourierBackend1D
    U_hat : array, complex, shape (..., n) or (..., n // 2 + 1)
        Spectrum of real signals, whole or its non-negative frequencies.
    f : Lowpass

    Returns
    -------
    array, real, shape (..., n // k)
    """
    n = f.filter.shape[-1]
    M, h = n // f.k, n // f.k // 2 + 1
    if f.dense:
        # One product over the half spectrum, unfolded to the whole spectrum and folded.
        R = U_hat if U_hat.shape[-1] == n // 2 + 1 else U_hat[..., :n // 2 + 1]
        product = R * f.filter[..., :n // 2 + 1]
        whole = backend.join([product, backend.conj_flip(product[..., 1:n - n // 2])],
                             axis=-1)
        return backend.irfft_length(backend.fold(whole, f.k)[..., :h], M)
    return backend.irfft_length(backend.sliced_product(U_hat, f.filter, f.pieces, h), M)
