"""Padding, cropping and output description of the 1D scattering transform."""
import math
from typing import Dict, List, Sequence, Tuple, Union

import numpy as np

from .filter_bank import _as_pair, compute_params_filterbank, compute_sigma_psi, compute_xi_max

__all__ = ["compute_border_indices", "compute_padding", "compute_meta_scattering",
           "precompute_size_scattering", "wavelet_count"]


def wavelet_count(Q: int, J: int, sigma0: float = 0.1, r_psi: float = math.sqrt(0.5)) -> int:
    """Number of wavelets :func:`~kymatio.scattering1d.filter_bank.compute_params_filterbank`
    gives for ``Q`` per octave down to the width ``sigma0 / 2**J``, in constant time
    (its geometric part, then ``Q - 1`` wavelets spaced linearly), e.g. to size a bank
    before computing it."""
    sigma_min = sigma0 / 2 ** J
    sigma = compute_sigma_psi(compute_xi_max(Q), Q, r=r_psi)
    geometric = 0 if sigma <= sigma_min else \
        max(0, math.ceil(Q * math.log2(sigma / sigma_min) - 1)) + 1
    return geometric + Q - 1


def compute_border_indices(log2_T: int, J: int, i0: int,
                           i1: int) -> Tuple[Dict[int, int], Dict[int, int]]:
    """Where the unpadded signal lies in the padded one, at every dyadic resolution.

    At resolution 0 the signal is ``padded[..., i0:i1]``; after subsampling by ``2**k``
    it is ``padded_k[..., ind_start[k]:ind_end[k]]``, each bound rounded up (so that
    the crop never includes a sample computed mostly from padding).

    Parameters
    ----------
    log2_T : int
        Subsampling of the averaged output is at most ``2**log2_T``.
    J : int
        Subsampling of unaveraged wavelet outputs is at most about ``2**J``.
    i0, i1 : int
        Start and end (excluded) of the signal at full resolution.

    Returns
    -------
    ind_start, ind_end : dict of int to int
        Bounds for ``k`` in ``0 .. max(log2_T, J)``.
    """
    ind_start, ind_end = {0: i0}, {0: i1}
    for k in range(1, max(log2_T, J) + 1):
        ind_start[k] = -(-ind_start[k - 1] // 2)
        ind_end[k] = -(-ind_end[k - 1] // 2)
    return ind_start, ind_end


def compute_padding(N: int, N_input: int) -> Tuple[int, int]:
    """Left and right padding that bring a signal of length ``N_input`` to ``N``.

    Parameters
    ----------
    N : int
        Padded length, at least ``N_input``.
    N_input : int
        Signal length.

    Returns
    -------
    pad_left, pad_right : int
        ``pad_left = (N - N_input) // 2``; the right side gets the rest.

    Raises
    ------
    ValueError
        If ``N < N_input``, or if a side would need a reflection longer than the
        signal itself (at least ``N_input`` samples).
    """
    if N < N_input:
        raise ValueError(f"Padding support should be larger than the original signal "
                         f"size: the padded length N={N} is shorter than the signal "
                         f"length N_input={N_input}.")
    pad_left = (N - N_input) // 2
    pad_right = N - N_input - pad_left
    if max(pad_left, pad_right) >= N_input:
        raise ValueError(f"Too large padding value: padding a signal of {N_input} "
                         f"samples to {N} needs {max(pad_left, pad_right)} samples of "
                         f"reflection on one side, more than the signal has (the "
                         f"reflection would be undefined); use a longer signal.")
    return pad_left, pad_right


def _paths(J: int, Q: Union[int, Sequence[int]], max_order: int, r_psi: float,
           sigma0: float, alpha: float) -> Tuple[list, list, list]:
    """Filter parameters of both orders and the scattering paths, in output order."""
    Q1, Q2 = _as_pair(Q)
    sigma_min = sigma0 / math.pow(2, J)
    first = list(zip(*compute_params_filterbank(sigma_min, Q1, alpha, r_psi)))
    second = list(zip(*compute_params_filterbank(sigma_min, Q2, alpha, r_psi)))
    paths: List[Tuple[int, ...]] = [()] + [(n1,) for n1 in range(len(first))]
    if max_order >= 2:
        paths += [(n1, n2) for n1, (_, _, j1) in enumerate(first)
                  for n2, (_, _, j2) in enumerate(second) if j2 > j1]
    return first, second, paths


def precompute_size_scattering(J: int, Q: Union[int, Sequence[int]], T: float,
                               max_order: int, r_psi: float, sigma0: float,
                               alpha: float) -> List[int]:
    """Number of scattering coefficients of each order.

    Parameters
    ----------
    J, Q, T, max_order, r_psi, sigma0, alpha
        As in :func:`kymatio.scattering1d.filter_bank.scattering_filter_factory`
        (``T`` does not change the count).

    Returns
    -------
    list of int
        ``[1, n_order1]`` or ``[1, n_order1, n_order2]`` for ``max_order=2``.
    """
    _, _, paths = _paths(J, Q, max_order, r_psi, sigma0, alpha)
    sizes = [sum(len(p) == order for p in paths) for order in range(3)]
    return sizes[:max_order + 1] if max_order < 2 else sizes


def compute_meta_scattering(J: int, Q: Union[int, Sequence[int]], T: float,
                            max_order: int, r_psi: float, sigma0: float,
                            alpha: float) -> Dict[str, object]:
    """Description of every scattering coefficient, in output order.

    Parameters
    ----------
    J, Q, T, max_order, r_psi, sigma0, alpha
        As in :func:`precompute_size_scattering`.

    Returns
    -------
    dict
        For ``C`` coefficients: ``'order'`` (int array ``(C,)``); ``'xi'``,
        ``'sigma'``, ``'j'``, ``'n'`` (float arrays ``(C, max_order)``: centre
        frequency, width, maximal subsampling and index of the wavelet at each order
        of the path, NaN past the path's order); ``'key'`` (list of index tuples,
        ``()``, ``(n1,)`` or ``(n1, n2)``).
    """
    first, second, paths = _paths(J, Q, max_order, r_psi, sigma0, alpha)
    width = max(max_order, 1)

    def field(position: int) -> np.ndarray:
        rows = []
        for path in paths:
            params = [bank[n] for bank, n in zip((first, second), path)]
            values = [p[position] if position < 3 else n for p, n in zip(params, path)]
            rows.append(tuple(values) + (math.nan,) * (width - len(values)))
        return np.array(rows, dtype=float).reshape(len(paths), width)

    return {"order": np.array([len(p) for p in paths]),
            "xi": field(0), "sigma": field(1), "j": field(2), "n": field(3),
            "key": list(paths)}
