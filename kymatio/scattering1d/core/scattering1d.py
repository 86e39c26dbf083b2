"""The 1D scattering cascade, vectorised over the wavelets that share a resolution.

Each wavelet modulus ``|x * psi|`` is computed at the coarsest resolution its
bandwidth allows (subsampling ``2**k``); all first-order wavelets with the same ``k1``
are applied in one broadcast product, and all second-order paths with the same pair of
subsamplings ``(k1, k2)`` in another. A :class:`ScatteringPlan` lists these groups; it
depends only on the filters' scales and the options, so frontends build it once.
"""
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from ...backend.fourier import working_set
from .prepared_filters import Periodized, PreparedFilters, lowpass, periodized_product, \
    prepare_filters

__all__ = ["scattering1d", "scattering1d_blocks", "ScatteringPlan", "plan_scattering1d"]


class ScatteringPlan(NamedTuple):
    """Groups of scattering paths that are computed together.

    Attributes
    ----------
    log2_T, oversampling : int
        Subsampling of the averaged output is ``2**max(log2_T - oversampling, 0)``.
    average : bool
        Whether coefficients are low-pass filtered.
    first : list of (k1, start, stop)
        First-order wavelets ``start .. stop - 1`` are subsampled by ``2**k1``.
    second : list of (group, k2, rows, cols, positions)
        Second-order paths: rows of the first-order ``group`` (local indices) times
        second-order wavelets ``cols`` (rows of the level-``k1`` filter stack),
        subsampled by a further ``2**k2``; ``positions`` are their output indices.
    """

    log2_T: int
    oversampling: int
    average: bool
    first: List[Tuple[int, int, int]]
    second: List[Tuple[int, int, List[int], List[int], List[int]]]


# Target size of one product (see scattering1d_blocks), counting complex128 elements.
WORKING_SET_BYTES = 2 ** 23
_COMPLEX_BYTES = 16


def plan_scattering1d(j1s: Sequence[int], j2s: Sequence[int],
                      psi2_rows: Sequence[Sequence[int]], log2_T: int,
                      oversampling: int = 0, average: bool = True,
                      max_order: int = 2) -> ScatteringPlan:
    """Group the scattering paths by resolution.

    Parameters
    ----------
    j1s, j2s : sequence of int
        Maximal subsampling of each first- and second-order wavelet.
    psi2_rows : sequence of sequences of int
        ``psi2_rows[k]``: the second-order wavelets stacked at level ``k``, in order.
    log2_T : int
        Log2 of the averaging scale.
    oversampling : int, optional
        Output oversampling (log2 factor).
    average : bool, optional
        Low-pass filter the coefficients.
    max_order : int, optional
        1 or 2.

    Returns
    -------
    ScatteringPlan
    """
    def subsampling(j: int, already: int) -> int:
        return max((min(j, log2_T) if average else j) - already - oversampling, 0)

    k1s = [subsampling(j1, 0) for j1 in j1s]
    first: List[Tuple[int, int, int]] = []
    for n1, k1 in enumerate(k1s):
        if first and first[-1][0] == k1:
            first[-1] = (k1, first[-1][1], n1 + 1)
        else:
            first.append((k1, n1, n1 + 1))
    groups: Dict[Tuple[int, int], Tuple[List[int], List[int], List[int]]] = {}
    position = 1 + len(j1s)
    for group, (k1, start, stop) in enumerate(first):
        for n1 in range(start, stop):
            for n2, j2 in enumerate(j2s):
                if max_order < 2 or j2 <= j1s[n1]:
                    continue
                rows, cols, positions = groups.setdefault(
                    (group, subsampling(j2, k1)), ([], [], []))
                rows.append(n1 - start)
                cols.append(list(psi2_rows[k1]).index(n2))
                positions.append(position)
                position += 1
    second = [(group, k2, *paths) for (group, k2), paths in groups.items()]
    return ScatteringPlan(log2_T, oversampling, average, first, second)


def _take(backend: Any, x: Any, indices: List[int], axis: int) -> Any:
    """``x`` restricted to ``indices`` along ``axis`` (0 or 1); a view for a range."""
    start = indices[0]
    if start == 0 and len(indices) == x.shape[axis] and \
            list(indices) == list(range(len(indices))):
        return x  # the whole axis: no slice (whose backward would allocate a copy)
    if list(indices) != list(range(start, start + len(indices))):
        return backend.take(x, list(indices), axis)
    index = slice(start, start + len(indices))
    return x[index] if axis == 0 else x[:, index]


def _signal_chunk(backend: Any, filters: PreparedFilters, n: int) -> int:
    """Signals per piece so that the largest product stays within WORKING_SET_BYTES."""
    widest = max([p.filters.shape[0] for p in filters.first + filters.second] + [1])
    return max(1, working_set(backend, WORKING_SET_BYTES) // (widest * n * _COMPLEX_BYTES))


def scattering1d_blocks(x: Any, backend: Any, phi: Sequence[Any], psi1: Any,
                        psi2: Sequence[Optional[Any]], plan: ScatteringPlan,
                        pad_left: int, pad_right: int, ind_start: Dict[int, int],
                        ind_end: Dict[int, int],
                        filters: Optional[PreparedFilters] = None
                        ) -> List[Tuple[Any, List[int]]]:
    """Scattering coefficients of a batch of signals, as blocks of equal length.

    The batch is processed in pieces whose largest product holds about
    ``WORKING_SET_BYTES`` (the products, FFTs and moduli are memory-bound: operands
    that stay in the CPU caches are several times faster).

    Parameters
    ----------
    x : array, shape (B, N)
        Real signals.
    backend : FourierBackend1D
    phi : sequence of arrays
        ``phi[k]``: the low-pass filter at level ``k`` (length ``N_padded // 2**k``).
    psi1 : array, shape (n1, N_padded)
        First-order wavelets, stacked.
    psi2 : sequence of arrays
        ``psi2[k]``: the second-order wavelets that have a level ``k``, stacked.
    plan : ScatteringPlan
    pad_left, pad_right : int
        Reflect padding up to ``N_padded``.
    ind_start, ind_end : dict
        Crop of the signal at each level (see
        :func:`kymatio.scattering1d.utils.compute_border_indices`).
    filters : PreparedFilters, optional
        ``prepare_filters(backend, phi, psi1, psi2, plan)``, if already computed.

    Returns
    -------
    list of (array, list of int)
        Blocks ``(B, K, n)`` and the output index of each of their ``K``
        coefficients (0 for order 0, then first order, then second order by
        ``(n1, n2)``).
    """
    if filters is None:
        filters = prepare_filters(backend, phi, psi1, psi2, plan)
    chunk = _signal_chunk(backend, filters, psi1.shape[-1])
    if x.shape[0] is not None and x.shape[0] > chunk:  # None: a graph's unknown batch
        pieces = [_cascade(piece, backend, filters, plan, pad_left, pad_right, ind_start,
                           ind_end) for piece in backend.split(x, chunk, axis=0)]
        return [(backend.join([piece[i][0] for piece in pieces], axis=0), positions)
                for i, (_, positions) in enumerate(pieces[0])]
    return _cascade(x, backend, filters, plan, pad_left, pad_right, ind_start, ind_end)


def _cascade(x: Any, backend: Any, filters: PreparedFilters, plan: ScatteringPlan,
             pad_left: int, pad_right: int, ind_start: Dict[int, int],
             ind_end: Dict[int, int]) -> List[Tuple[Any, List[int]]]:
    """:func:`scattering1d_blocks` on one piece of the batch."""
    average = plan.average

    def averaged(U_hat: Any, k: int) -> Any:
        f = filters.lowpass[k]
        k_T = f.k.bit_length() - 1
        return backend.unpad(lowpass(backend, U_hat, f), ind_start[k + k_T],
                             ind_end[k + k_T])

    def wavelet_modulus(U_hat: Any, p: Periodized) -> Any:
        return backend.modulus(backend.ifft(periodized_product(backend, U_hat, p), fresh=True))

    U_0 = backend.spectrum(backend.pad(x, pad_left, pad_right))
    S_0 = averaged(U_0, 0) if average else x
    blocks = [(S_0[:, None], [0])]
    children: Dict[int, List[Tuple[Periodized, Tuple]]] = {}
    for p, path_group in zip(filters.second, plan.second):
        children.setdefault(path_group[0], []).append((p, path_group))
    for group, (k1, start, stop) in enumerate(plan.first):
        # Not checkpointed: recomputing the wavelet coefficients in the backward pass
        # cost 20% of forward+backward time and saved 3% of its peak memory.
        U_1 = wavelet_modulus(U_0[:, None], filters.first[group])     # (B, F, N / 2**k1)
        U_1_hat = None
        if group in children or average:
            U_1_hat = backend.spectrum(U_1, half=group not in children)
        S_1 = averaged(U_1_hat, k1) if average else backend.unpad(
            U_1, ind_start[k1], ind_end[k1])
        blocks.append((S_1, list(range(1 + start, 1 + stop))))
        # The second order follows at once, so one group's U_1_hat is alive at a time.
        for p, (_, k2, rows, _, positions) in children.get(group, []):
            U_2 = wavelet_modulus(_take(backend, U_1_hat, rows, 1), p)
            S_2 = averaged(backend.spectrum(U_2, half=True), k1 + k2) if average else \
                backend.unpad(U_2, ind_start[k1 + k2], ind_end[k1 + k2])
            blocks.append((S_2, positions))
    return blocks


def stack_filters(backend: Any, phi_f: Dict, psi1_f: Sequence[Dict],
                  psi2_f: Sequence[Dict]) -> Tuple[list, Any, list, List[List[int]]]:
    """Rearrange filters in the layout of :func:`scattering1d_blocks`.

    Returns
    -------
    phi : list
        Low-pass levels.
    psi1 : array, shape (n1, N)
    psi2 : list of arrays
        ``psi2[k]``: the second-order wavelets with a level ``k``, stacked.
    psi2_rows : list of list of int
        Which wavelets ``psi2[k]`` holds.
    """
    # max([0] + ...), not max(..., default=0): torch.compile traces the former
    psi2_rows = [[n2 for n2, psi in enumerate(psi2_f) if len(psi["levels"]) > k]
                 for k in range(max([0] + [len(p["levels"]) for p in psi2_f]))]
    psi2 = [backend.concatenate([psi2_f[n2]["levels"][k] for n2 in rows], axis=0)
            for k, rows in enumerate(psi2_rows)]
    psi1 = backend.concatenate([psi["levels"][0] for psi in psi1_f], axis=0)
    return list(phi_f["levels"]), psi1, psi2, psi2_rows


def scattering1d(x: Any, backend: Any, psi1: Sequence[Dict], psi2: Sequence[Dict],
                 phi: Dict, pad_left: int = 0, pad_right: int = 0,
                 ind_start: Optional[Dict[int, int]] = None,
                 ind_end: Optional[Dict[int, int]] = None, oversampling: int = 0,
                 max_order: int = 2, average: bool = True) -> List[Dict[str, Any]]:
    """The 1D scattering transform with filters in the filter factory's format.

    Parameters
    ----------
    x : array, shape (..., N)
        Real signals (of the backend's array type).
    backend : FourierBackend1D
    psi1, psi2, phi
        As returned by
        :func:`kymatio.scattering1d.filter_bank.scattering_filter_factory`, with
        arrays of the backend's type and ``x``'s precision.
    pad_left, pad_right : int, optional
        Reflect padding up to the filters' length.
    ind_start, ind_end : dict, optional
        Crop at each level; by default the whole padded signal.
    oversampling : int, optional
    max_order : int, optional
    average : bool, optional

    Returns
    -------
    list of dict
        One ``{'coef', 'j', 'n'}`` per coefficient, in output order; ``coef`` has
        ``x``'s leading shape.
    """
    phi_levels, psi1_stack, psi2_stacks, psi2_rows = stack_filters(backend, phi, psi1, psi2)
    if ind_start is None or ind_end is None:
        size = x.shape[-1] + pad_left + pad_right
        ind_start = {k: 0 for k in range(64)}
        ind_end = {k: size // 2 ** k for k in range(64)}
    j1s, j2s = [p["j"] for p in psi1], [p["j"] for p in psi2]
    plan = plan_scattering1d(j1s, j2s, psi2_rows, phi["j"], oversampling, average,
                             max_order)
    batch_shape = tuple(x.shape[:-1])
    blocks = scattering1d_blocks(backend.reshape(x, (-1, x.shape[-1])), backend,
                                 phi_levels, psi1_stack, psi2_stacks, plan, pad_left,
                                 pad_right, ind_start, ind_end)
    paths = [()] + [(n1,) for n1 in range(len(psi1))]
    paths += [(n1, n2) for n1 in range(len(psi1)) for n2 in range(len(psi2))
              if max_order >= 2 and psi2[n2]["j"] > psi1[n1]["j"]]
    out: List[Dict[str, Any]] = [{} for _ in paths]
    for block, positions in blocks:
        for local, position in enumerate(positions):
            path = paths[position]
            coef = block[:, local]
            out[position] = {"coef": backend.reshape(coef, batch_shape + tuple(coef.shape[1:])),
                             "j": tuple(([psi1[path[0]]["j"]] if path else [])
                                        + ([psi2[path[1]]["j"]] if len(path) > 1 else [])),
                             "n": path}
    return out
