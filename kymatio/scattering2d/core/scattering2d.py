"""The 2D scattering cascade, vectorised over the orientations of each scale."""
from typing import Any, Callable, List, Sequence

__all__ = ["scattering2d", "prepare_filters"]

# Target size of one broadcast product. The products, FFTs and moduli are memory-bound;
# keeping each operand within the CPU caches is worth several times their speed, so the
# batch (and, at second order, the first orientation) is processed in pieces this big.
WORKING_SET_BYTES = 2 ** 21
_COMPLEX_BYTES = 16  # complex128, the worst case


def prepare_filters(phi: Sequence[Any], psi: Sequence[Sequence[Any]], J: int,
                    backend: Any) -> tuple:
    """Filters in the form :func:`scattering2d` consumes.

    Each filter is divided by the number of spectral blocks its product is folded from
    (``4 ** (J - r)`` for ``phi[r]``, ``4 ** (j - r)`` for ``psi[j][r]``), so that the
    core periodises with a plain sum, and cast to complex, so that products need no
    type promotion.

    Parameters
    ----------
    phi, psi
        Real Fourier filters as laid out by ``ScatteringBase2D.create_filters``.
    J : int
        Number of scales.
    backend : FourierBackend

    Returns
    -------
    (phi, psi) with the same layout.
    """
    phi = [backend.as_complex(f / 4 ** (J - r)) for r, f in enumerate(phi)]
    psi = [[backend.as_complex(f / 4 ** (j - r)) for r, f in enumerate(levels)]
           for j, levels in enumerate(psi)]
    return phi, psi


def scattering2d(x: Any, pad: Callable, unpad: Callable, backend: Any, J: int, L: int,
                 phi: Sequence[Any], psi: Sequence[Sequence[Any]], max_order: int,
                 out_type: str = "array") -> List[Any]:
    """Compute the 2D scattering coefficients of a batch of images.

    All ``L`` orientations of a scale are filtered in one broadcast product, and the
    second order handles one pair of scales ``(j1, j2)`` at a time for many orientation
    pairs; batch and orientations are split so that each product stays cache-sized
    (``WORKING_SET_BYTES``).

    Parameters
    ----------
    x : array, shape (B, M, N)
        Real images.
    pad, unpad : callable
        Padding to the filters' size and the crop of one coarse sample per border.
    backend : FourierBackend
        The primitives (``rfft``, ``ifft``, ``irfft``, ``cdgmm``, ``modulus``,
        ``periodize``, ``join``, ``reshape``).
    J, L, max_order : int
        Number of scales, of orientations, and the highest order (1 or 2).
    phi : sequence of arrays
        ``phi[r]``: the low-pass filter at resolution ``r`` (shape ``(M_r, N_r)``),
        ``r`` in ``range(J)``, as returned by :func:`prepare_filters`.
    psi : sequence of sequences of arrays
        ``psi[j][r]``: the ``L`` wavelets of scale ``j`` at resolution ``r``, stacked
        (shape ``(L, M_r, N_r)``), for ``r`` in ``range(j)`` and ``r = 0``, as returned
        by :func:`prepare_filters`.
    out_type : str
        Unused; the frontend arranges the blocks (kept for signature compatibility).

    Returns
    -------
    list of arrays
        Blocks of coefficients in output order, each shaped ``(B, K, M', N')``: order 0
        (K=1), then order 1 per ``j1`` (K=L), then order 2 per ``j1`` (K =
        ``L * L * (J - j1 - 1)``, ordered by ``theta1``, ``j2``, ``theta2``).
    """
    M, N = phi[0].shape[-2:]
    batch_chunk = max(1, WORKING_SET_BYTES // (L * M * N * _COMPLEX_BYTES))
    if x.shape[0] > batch_chunk:
        pieces = [scattering2d(x[i:i + batch_chunk], pad, unpad, backend, J, L, phi, psi,
                               max_order) for i in range(0, x.shape[0], batch_chunk)]
        return [backend.join(blocks, axis=0) for blocks in zip(*pieces)]

    def lowpass(U_hat: Any, j: int) -> Any:
        """Average the spectrum ``U_hat`` at resolution ``j`` and sample at 2**J."""
        S_hat = backend.periodize(backend.cdgmm(U_hat, phi[j]), 2 ** (J - j))
        return unpad(backend.irfft(S_hat))

    def wavelet_modulus(U_hat: Any, j_in: int, j: int) -> Any:
        """Spectra of |U * psi_{j, theta}| for every theta, at resolution ``j``."""
        W_hat = backend.cdgmm(U_hat[..., None, :, :], psi[j][j_in])
        W_hat = backend.periodize(W_hat, 2 ** (j - j_in))
        return backend.rfft(backend.modulus(backend.ifft(W_hat)))

    def flatten(block: Any) -> Any:
        shape = tuple(block.shape)
        return backend.reshape(block, (shape[0], -1) + shape[-2:])

    U_0 = backend.rfft(pad(x))
    S_0 = lowpass(U_0, 0)
    first, second = [], []
    for j1 in range(J):
        U_1 = wavelet_modulus(U_0, 0, j1)                      # (B, L, M_j1, N_j1)
        first.append(lowpass(U_1, j1))
        if max_order < 2 or j1 == J - 1:
            continue
        # (B, L, L, M', N') per j2, joined on theta2's axis so theta1 varies slowest.
        theta_chunk = max(1, WORKING_SET_BYTES // (
            x.shape[0] * L * U_1.shape[-2] * U_1.shape[-1] * _COMPLEX_BYTES))
        paths = [backend.join([lowpass(wavelet_modulus(U_1[:, t:t + theta_chunk], j1, j2), j2)
                               for t in range(0, L, theta_chunk)], axis=1)
                 for j2 in range(j1 + 1, J)]
        second.append(flatten(backend.join(paths, axis=-3)))
    return [S_0[:, None]] + first + second
