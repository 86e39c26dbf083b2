"""The 3D harmonic scattering cascade, vectorised over scales and spherical harmonics.

Two ideas make it fast on CPU, where these operations are memory-bound:

* **Two real volumes per complex FFT.** Every signal the cascade filters is real (the
  input, then the first-order moduli). Writing a wavelet ``f = g + i h`` with ``g`` and
  ``h`` real (their spectra are the even and odd parts of ``f``'s spectrum, see
  :func:`prepare_filters`), ``|a * f|^2 = (a * g)^2 + (a * h)^2`` for a real ``a``; and
  one inverse FFT of ``fft(a + i b) . g_hat`` gives ``a * g`` in its real part and
  ``b * g`` in its imaginary part. So a pair of batch elements shares every forward FFT
  and every product with no separation step, the inverse FFTs are as many as for
  unpaired volumes, and the squared real and imaginary parts *are* the two elements'
  powers. An odd last element is filtered alone with the complex wavelets.
* **Cache-sized pieces.** Batch pairs and filters are processed in pieces whose largest
  intermediate stays near ``WORKING_SET_BYTES``: several times faster than one giant
  broadcast, and the forward pass keeps almost nothing alive.

Moduli travel as real arrays ``(..., M, N, O, w)`` whose last axis holds the ``w`` batch
elements of a slot (2 for a pair, 1 for a lone element).
"""
from typing import Any, Callable, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ...backend.fourier import working_set

__all__ = ["scattering3d", "prepare_filters", "harmonic_groups", "scattering_paths",
           "unpack_slots"]

# Target size of one product/inverse FFT, counted at 16 bytes per complex element. The
# speed is flat from 2**21 to 2**23 bytes (32**3 volumes, one thread); the smallest keeps
# the forward pass's peak memory lowest.
WORKING_SET_BYTES = 2 ** 21
_COMPLEX_BYTES = 16


def harmonic_groups(L: int, rotation_covariant: bool) -> List[Tuple[int, int]]:
    """Slices ``(start, stop)`` of the filter axis that hold each degree ``l``.

    With ``rotation_covariant`` the filters of degree ``l`` are its ``2l + 1`` orders
    (``l**2 .. (l+1)**2``); otherwise one filter (``m = -l``) per degree.
    """
    if rotation_covariant:
        return [(l * l, (l + 1) * (l + 1)) for l in range(L + 1)]
    return [(l, l + 1) for l in range(L + 1)]


def scattering_paths(J: int, max_order: int) -> List[Tuple[int, ...]]:
    """Scale paths in output order: ``(j1,)`` for ``j1 = 0 .. J``, then ``(j1, j2)``
    with ``j1 < j2`` in lexicographic order (if ``max_order == 2``)."""
    paths = [(j,) for j in range(J + 1)]
    if max_order == 2:
        paths += [(j1, j2) for j1 in range(J + 1) for j2 in range(j1 + 1, J + 1)]
    return paths


def prepare_filters(psi: Any, backend: Any) -> Tuple[Any, Any]:
    """The wavelets in the two forms :func:`scattering3d` uses.

    Parameters
    ----------
    psi : array, complex, shape (J + 1, K, M, N, O)
        Fourier filters, in the precision of the transform.
    backend : HarmonicBackend

    Returns
    -------
    single : array, shape (J + 1, K, M, N, O)
        ``psi`` itself (for a lone real volume).
    paired : array, shape (J + 1, 2 K, M, N, O)
        Row ``2k``: ``(psi_k(w) + conj(psi_k(-w))) / 2``, the spectrum of the real part
        of the spatial wavelet; row ``2k + 1``: ``(psi_k(w) - conj(psi_k(-w))) / 2i``,
        that of its imaginary part. Both are exact on the sampled grid.
    """
    mirrored = backend.conj(backend.negate_frequencies(psi))
    even, odd = (psi + mirrored) * 0.5, (psi - mirrored) * -0.5j
    shape = tuple(psi.shape)
    paired = backend.reshape(backend.concatenate([even, odd], axis=2),
                             (shape[0], 2 * shape[1]) + shape[2:])
    return psi, paired


class _Plan(NamedTuple):
    """Filters of one slot width and how their rows split into cache-sized pieces."""
    filters: Any                      # (J + 1, R, M, N, O)
    width: int                        # batch elements per slot: 2 (pairs) or 1
    pieces: List[Tuple[int, int, List[Tuple[int, int, int]]]]  # (r0, r1, [(l, a, b)])
    row_degree: List[int]             # degree of each row


def _plan(filters: Any, groups: Sequence[Tuple[int, int]], width: int,
          rows_per_piece: int) -> _Plan:
    """Split the rows (``width`` per wavelet) into equal pieces of at most
    ``rows_per_piece`` rows (equal sizes let the allocator reuse their memory)."""
    row_groups = [(width * start, width * stop) for start, stop in groups]
    n_rows = row_groups[-1][1]
    n_pieces = -(-n_rows // rows_per_piece)
    size = -(-n_rows // n_pieces)
    pieces = []
    for r0 in range(0, n_rows, size):
        r1 = min(r0 + size, n_rows)
        parts = [(l, max(a, r0) - r0, min(b, r1) - r0)
                 for l, (a, b) in enumerate(row_groups) if a < r1 and b > r0]
        pieces.append((r0, r1, parts))
    row_degree = [l for l, (start, stop) in enumerate(row_groups) for _ in range(start, stop)]
    return _Plan(filters, width, pieces, row_degree)


def unpack_slots(S: Any, backend: Any) -> Any:
    """Coefficients ``(n, *shape, w)`` -> ``(n * w, *shape)``, batch elements in order."""
    shape = tuple(S.shape)
    inner = int(np.prod(shape[1:-1]))
    flat = backend.swapaxes(backend.reshape(S, (-1, inner, shape[-1])), 1, 2)
    return backend.reshape(flat, (-1,) + shape[1:-1])


def scattering3d(x: Any, filters: Tuple[Any, Any], rotation_covariant: bool, L: int, J: int,
                 max_order: int, backend: Any, averaging: Callable) -> Any:
    """Compute the 3D solid harmonic scattering coefficients of a batch of volumes.

    For each path of scales, the moduli ``U[j1] = |x * psi_{j1, l}|`` and
    ``U[j1, j2] = ||x * psi_{j1, l}| * psi_{j2, l}|`` are computed for every degree
    ``l``, where ``|y * psi_{j, l}| = sqrt(sum_m |y * psi_{j, l, m}|^2)`` if
    ``rotation_covariant`` (else the modulus of the ``m = -l`` filter alone), then
    reduced by ``averaging``.

    Parameters
    ----------
    x : array, shape (B, M, N, O)
        Real volumes.
    filters : (array, array)
        The output of :func:`prepare_filters` for Fourier filters ``psi[j, k]``, ``k``
        running over the slices of :func:`harmonic_groups`.
    rotation_covariant : bool
        Sum the squared moduli over the orders ``m`` of each degree.
    L, J, max_order : int
        Largest degree, largest scale, highest order (1 or 2).
    backend : HarmonicBackend
        The primitives (``fft``, ``filtered_squares``, ``sqrt``, ``pairs_as_complex``,
        ``make_complex``, ``concatenate``, ``join``, ``reshape``).
    averaging : callable
        ``averaging(U, js, members)`` maps moduli ``U`` of shape
        (n, P, L + 1, M, N, O, w) for the ``P`` paths whose last scales are ``js`` to
        coefficients (n * w, P, L + 1, Q) of the batch elements ``members`` (the ``w``
        of each of the ``n`` slots in turn; None for a batch of unknown size).

    Returns
    -------
    array, shape (B, n_paths, L + 1, Q)
        Paths in the order of :func:`scattering_paths`.
    """
    groups = harmonic_groups(L, rotation_covariant)
    batch, spatial = x.shape[0], tuple(x.shape[-3:])
    volume = spatial[0] * spatial[1] * spatial[2]
    # Not scaled by the library: pieces a quarter this size were 35% slower in NumPy, for
    # no lower peak (its 3D pieces are already small).
    budget = max(1, working_set(backend, WORKING_SET_BYTES, scaled=False, volumes=True)
                 // (_COMPLEX_BYTES * volume))
    single, paired = filters
    n_pairs = 0 if batch is None else batch // 2
    per_chunk = max(1, budget // paired.shape[1])
    pair_rows = max(1, budget // max(1, min(per_chunk, n_pairs)))
    plans = (_plan(paired, groups, 2, pair_rows), _plan(single, groups, 1, budget))
    if batch is None:
        # A graph's batch of unknown size (TensorFlow): every volume filtered alone.
        x_hat = _spectrum(backend.make_complex(x), backend)
        return _cascade(x_hat[:, None], plans[1], J, max_order, backend, averaging, None)
    blocks = []
    for start in range(0, 2 * n_pairs, 2 * per_chunk):
        stop = min(start + 2 * per_chunk, 2 * n_pairs)
        x_hat = _spectrum(backend.make_complex(x[start:stop:2], x[start + 1:stop:2]), backend)
        blocks.append(_cascade(x_hat[:, None], plans[0], J, max_order, backend,
                               averaging, list(range(start, stop))))
    if batch % 2:
        x_hat = _spectrum(backend.make_complex(x[batch - 1:]), backend)
        blocks.append(_cascade(x_hat[:, None], plans[1], J, max_order, backend,
                               averaging, [batch - 1]))
    return blocks[0] if len(blocks) == 1 else backend.join(blocks, axis=0)


def _spectrum(z: Any, backend: Any) -> Any:
    """The FFT of ``z`` divided by its number of voxels: what
    ``backend.filtered_squares`` (whose inverse FFTs are unnormalised) expects. Scaling
    these few spectra is cheaper than the scaling pass of every inverse FFT."""
    shape = tuple(z.shape[-3:])
    return backend.fft(z) * (1.0 / (shape[0] * shape[1] * shape[2]))


def _cascade(x_hat: Any, plan: _Plan, J: int, max_order: int, backend: Any,
             averaging: Callable, members: Optional[List[int]]) -> Any:
    """Coefficients (n * w, n_paths, L + 1, Q) of ``n`` slots with spectra
    ``x_hat`` (n, 1, M, N, O).

    The second-order paths from ``j1`` are computed right after the first-order
    moduli at ``j1``, so that only one scale of moduli is alive at a time.
    """
    first, second = [], []
    for j1 in range(J + 1):
        U = _moduli(x_hat, j1, plan, backend)                   # (n, L+1, M, N, O, w)
        first.append(averaging(U[:, None], [j1], members))
        if max_order < 2 or j1 == J:
            continue
        if plan.width == 2:
            U_hat = _spectrum(backend.pairs_as_complex(U), backend)
        else:
            U_hat = _spectrum(backend.make_complex(U[..., 0]), backend)
        del U
        for j2 in range(j1 + 1, J + 1):
            second.append(averaging(_moduli(U_hat, j2, plan, backend)[:, None], [j2],
                                    members))
    return backend.join(first + second, axis=1)


def _moduli(source: Any, j: int, plan: _Plan, backend: Any) -> Any:
    """Moduli of ``source`` (n, D, M, N, O) filtered at scale ``j``: (n, L+1, ..., w)
    (see ``backend.filtered_moduli``)."""
    return backend.filtered_moduli(source, plan.filters[j], plan.pieces, plan.row_degree,
                                   plan.width)
