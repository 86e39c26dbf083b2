"""Shape helpers of the 2D scattering transform."""
from typing import Tuple

__all__ = ["compute_padding"]


def compute_padding(M: int, N: int, J: int) -> Tuple[int, int]:
    """Padded signal size of a 2D scattering transform with ``J`` scales.

    The signal is padded to the next multiple of ``2**J`` that leaves at least
    ``2**J`` samples of border (so that one coarse sample can be cropped on each side).

    Parameters
    ----------
    M, N : int
        Signal size.
    J : int
        Number of scales.

    Returns
    -------
    (int, int)
        Padded size, both divisible by ``2**J``.
    """
    M_padded = ((M + 2 ** J) // 2 ** J + 1) * 2 ** J
    N_padded = ((N + 2 ** J) // 2 ** J + 1) * 2 ** J
    return M_padded, N_padded
