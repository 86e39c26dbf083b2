"""Keras layer of the 2D scattering transform."""
from typing import Any, Sequence, Tuple

from ...frontend.keras_frontend import ScatteringKeras

__all__ = ["ScatteringKeras2D"]


class ScatteringKeras2D(ScatteringKeras):
    """The 2D scattering transform as a Keras layer.

    Inputs ``(batch, ..., M, N)`` give ``(batch, ..., K, M / 2**J, N / 2**J)`` with
    ``K = 1 + J L + L**2 J (J - 1) / 2`` (``max_order=2``); ``M, N`` are read from the
    input shape when the layer is built. See :class:`kymatio.numpy.Scattering2D`.

    Parameters
    ----------
    J : int
        Number of scales.
    L : int, optional
        Number of orientations (default 8).
    max_order : int, optional
        1 or 2 (default).
    pre_pad : bool, optional
        Inputs are already padded (default False).
    **kwargs
        Keras layer arguments (``name``, ``dtype``, ``trainable``).
    """

    _transform_name = "Scattering2D"
    _signal_ndim = 2
    _config_keys = ("J", "L", "max_order", "pre_pad")

    def __init__(self, J: int, L: int = 8, max_order: int = 2, pre_pad: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.J, self.L, self.max_order, self.pre_pad = J, L, max_order, pre_pad

    def compute_output_shape(self, input_shape: Sequence[Any]) -> Tuple[Any, ...]:
        """``input_shape`` with its last two axes replaced by ``(K, M', N')``."""
        S = self.S
        m, n = (size // 2 ** S.J for size in (S.M, S.N))
        return tuple(input_shape[:-2]) + (S.output_size(), m, n)
