"""The 2D scattering cascade, vectorised over the orientations of each scale."""
from typing import Any, Callable, List, Sequence

import numpy as np

from ...backend.fourier import working_set

__all__ = ["scattering2d", "prepare_filters"]

# Target size of one broadcast product. The products, FFTs and moduli are memory-bound;
# keeping each operand within the CPU caches is worth several times their speed, so the
# batch (and, at second order, the first orientation) is processed in pieces this big.
WORKING_SET_BYTES = 2 ** 23
_COMPLEX_BYTES = 16  # complex128, the worst case


def prepare_filters(phi: Sequence[Any], psi: Sequence[Sequence[Any]], J: int,
                    backend: Any) -> tuple:
    """Filters in the form :func:`scattering2d` consumes.

    - Each filter is divided by the number of spectral blocks its product is folded from
      (``4 ** (J - r)`` for ``phi[r]``, ``4 ** (j - r)`` for ``psi[j][r]``), so that the
      core periodises with a plain sum.
    - The low-pass filters are symmetrised, ``(phi(w) + phi(-w)) / 2``. Taking the real
      part of a low-passed real signal (what the transform returns) is exactly filtering
      it with the symmetrised filter, whose output is real by construction; this lets
      the core low-pass two real signals with one complex FFT (``a + ib``).
    - Each filter is put in the form the backend's ``cdgmm`` multiplies fastest
      (``backend.prepare_filter``).

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
    def negate_frequencies(f: Any) -> Any:
        rows, cols = (-np.arange(f.shape[-2])) % f.shape[-2], (-np.arange(f.shape[-1])) % f.shape[-1]
        return f[..., rows, :][..., cols]

    phi = [backend.prepare_filter((f + negate_frequencies(f)) / (2 * 4 ** (J - r)))
           for r, f in enumerate(phi)]
    psi = [[backend.prepare_filter(f / 4 ** (j - r)) for r, f in enumerate(levels)]
           for j, levels in enumerate(psi)]
    return phi, psi


def scattering2d(x: Any, pad: Callable, unpad: Callable, backend: Any, J: int, L: int,
                 phi: Sequence[Any], psi: Sequence[Sequence[Any]], max_order: int,
                 out_type: str = "array") -> List[Any]:
    """Compute the 2D scattering coefficients of a batch of images.

    All ``L`` orientations of a scale are filtered in one broadcast product, and the
    second order handles one pair of scales ``(j1, j2)`` at a time for many orientation
    pairs; batch and orientations are split so that each product stays cache-sized
    (``WORKING_SET_BYTES``). Low-pass outputs are real, so two of them share each
    complex FFT (one as the real part, one as the imaginary part).

    Parameters
    ----------
    x : array, shape (B, M, N)
        Real images.
    pad, unpad : callable
        Padding to the filters' size and the crop of one coarse sample per border.
    backend : FourierBackend
        The primitives (``fft``, ``ifft``, ``modulus``, ``periodized_product``,
        ``make_complex``, ``pack_pairs``, ``stack_real_imag``, ``join``, ``reshape``).
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
    budget = working_set(backend, WORKING_SET_BYTES)
    batch_chunk = max(1, budget // (L * M * N * _COMPLEX_BYTES))
    batch = x.shape[0]  # None: a graph's batch of unknown size, processed whole
    if batch is not None and batch > batch_chunk:
        # split (not slicing): its backward joins the pieces' gradients in one step
        # instead of filling a zero tensor per piece.
        pieces = [scattering2d(piece, pad, unpad, backend, J, L, phi, psi, max_order)
                  for piece in backend.split(x, batch_chunk, axis=0)]
        return [backend.join(blocks, axis=0) for blocks in zip(*pieces)]

    def pack(maps: Any) -> Any:
        """Pair real maps (or spectra of real maps) along axis -3 as ``a + i b``:
        the first half with the second half; an odd last one stays alone."""
        if maps.shape[-3] % 2 == 0:
            return backend.pack_pairs(maps)
        last = maps[..., -1:, :, :]
        return backend.join([backend.pack_pairs(maps[..., :-1, :, :]), last if backend.is_complex(
            last) else backend.make_complex(last)], axis=-3)

    def unpack(packed: Any, count: int) -> Any:
        """The ``count`` real maps held by :func:`pack`'s output."""
        half = count // 2
        if count % 2 == 0:
            return backend.stack_real_imag(packed)
        return backend.join([backend.stack_real_imag(packed[..., :half, :, :]),
                             backend.real(packed[..., half:, :, :])], axis=-3)

    def lowpass(U_hat: Any, j: int, count: int) -> Any:
        """Low-pass the packed spectra ``U_hat`` (resolution ``j``), sample at 2**J."""
        S_hat = backend.periodized_product(U_hat, phi[j], 2 ** (J - j))
        return unpad(unpack(backend.ifft(S_hat, fresh=True), count))

    def wavelet_modulus(U_hat: Any, j_in: int, j: int) -> Any:
        """|U * psi_{j, theta}| for every theta, at resolution ``j`` (real maps)."""
        W_hat = backend.periodized_product(U_hat[..., None, :, :], psi[j][j_in],
                                           2 ** (j - j_in))
        return backend.modulus(backend.ifft(W_hat, fresh=True))

    def flatten(block: Any) -> Any:
        shape = tuple(block.shape)
        return backend.reshape(block, (-1, int(np.prod(shape[1:-2]))) + shape[-2:])

    x = pad(x)[:, None]                                              # (B, 1, M, N)
    U_0 = backend.fft(backend.make_complex(x), fresh=True)
    S_0 = lowpass(U_0, 0, 1)
    first, second = [], []
    for j1 in range(J):
        U_1 = wavelet_modulus(U_0[:, 0], 0, j1)                      # (B, L, M_j1, N_j1)
        if max_order < 2 or j1 == J - 1:
            first.append(lowpass(backend.fft(pack(U_1), fresh=True), j1, L))
            continue
        U_1 = backend.fft(backend.make_complex(U_1), fresh=True)
        S_1_hat = backend.periodized_product(U_1, phi[j1], 2 ** (J - j1))
        first.append(unpad(unpack(backend.ifft(pack(S_1_hat), fresh=True), L)))
        # (B, L, L, M', N') per j2, joined on theta2's axis so theta1 varies slowest.
        theta_chunk = max(1, budget // (
            (batch or 1) * L * U_1.shape[-2] * U_1.shape[-1] * _COMPLEX_BYTES))
        U_1_pieces = backend.split(U_1, theta_chunk, axis=1)
        paths = [backend.join([lowpass(backend.fft(pack(wavelet_modulus(piece, j1, j2)), fresh=True),
                                       j2, L)
                               for piece in U_1_pieces], axis=1) for j2 in range(j1 + 1, J)]
        second.append(flatten(backend.join(paths, axis=-3)))
    return [S_0] + first + second
