"""The 3D harmonic scattering cascade, vectorised over scales and spherical harmonics."""
from typing import Any, Callable, List, Sequence, Tuple

__all__ = ["scattering3d", "harmonic_groups", "scattering_paths"]

# Largest complex intermediate (in elements) one broadcast product may create; paths are
# processed in chunks below it (at least one path at a time).
MAX_ELEMENTS = 2 ** 24


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


def _chunks(items: Sequence[Any], size: int) -> List[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def scattering3d(x: Any, filters: Any, rotation_covariant: bool, L: int, J: int,
                 max_order: int, backend: Any, averaging: Callable) -> Any:
    """Compute the 3D solid harmonic scattering coefficients of a batch of volumes.

    For each path of scales, the moduli ``U[j1] = |x * psi_{j1, l}|`` and
    ``U[j1, j2] = ||x * psi_{j1, l}| * psi_{j2, l}|`` are computed for every degree
    ``l`` at once, where ``|y * psi_{j, l}| = sqrt(sum_m |y * psi_{j, l, m}|^2)`` if
    ``rotation_covariant`` (else the modulus of the ``m = -l`` filter alone), then
    reduced by ``averaging``. All scales and harmonics of an order go through one
    broadcast product (split into chunks of paths when it would exceed
    ``MAX_ELEMENTS``).

    Parameters
    ----------
    x : array, shape (B, M, N, O)
        Real volumes.
    filters : array, complex, shape (J + 1, K, M, N, O)
        Fourier filters ``filters[j, k]``, ``k`` running over the slices of
        :func:`harmonic_groups` (``K = (L+1)**2`` if ``rotation_covariant``, else
        ``L + 1``).
    rotation_covariant : bool
        Sum the squared moduli over the orders ``m`` of each degree.
    L, J, max_order : int
        Largest degree, largest scale, highest order (1 or 2).
    backend : HarmonicBackend
        The primitives (``rfft``, ``ifft``, ``cdgmm3d``, ``modulus``,
        ``grouped_power``, ``join``, ``reshape``).
    averaging : callable
        ``averaging(U, js)`` maps moduli ``U`` of shape (B, P, L + 1, M, N, O) for the
        ``P`` paths whose last scales are ``js`` to coefficients (B, P, L + 1, Q).

    Returns
    -------
    array, shape (B, n_paths, L + 1, Q)
        Paths in the order of :func:`scattering_paths`.
    """
    groups = harmonic_groups(L, rotation_covariant)
    degree_of_filter = [l for l, (start, stop) in enumerate(groups)
                        for _ in range(start, stop)]
    batch, spatial = x.shape[0], tuple(x.shape[-3:])
    volume = spatial[0] * spatial[1] * spatial[2]
    per_path = max(1, MAX_ELEMENTS // max(1, batch * len(degree_of_filter) * volume))

    def moduli(U_hat: Any, js: Sequence[int]) -> Any:
        """|U_hat * psi_{j, l}| for paths ending at scales ``js``: (B, P, L+1, ...).

        ``U_hat`` is (B, 1, 1, ...) (the input) or (B, P, L+1, ...) (first-order
        moduli, one degree each, expanded here to that degree's filters).
        """
        W = backend.ifft(backend.cdgmm3d(U_hat, filters[list(js)]))
        if not rotation_covariant:
            return backend.modulus(W)
        return backend.grouped_power(W, groups) ** 0.5

    U_0_hat = backend.rfft(x)[:, None, None]
    first, U_1 = [], []
    for js in _chunks(range(J + 1), per_path):
        U = moduli(U_0_hat, js)
        first.append(averaging(U, list(js)))
        U_1.append(U)
    blocks = first
    if max_order == 2 and J > 0:
        U_1_hat = backend.rfft(backend.join(U_1, axis=1))      # (B, J+1, L+1, M, N, O)
        pairs = [p for p in scattering_paths(J, 2) if len(p) == 2]
        for chunk in _chunks(pairs, per_path):
            j1s, j2s = [p[0] for p in chunk], [p[1] for p in chunk]
            source = U_1_hat[:, j1s]
            if rotation_covariant:
                source = source[:, :, degree_of_filter]
            blocks.append(averaging(moduli(source, j2s), j2s))
    return backend.join(blocks, axis=1)
