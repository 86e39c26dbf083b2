"""Keras layer of the 1D scattering transform."""
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from ...frontend.keras_frontend import ScatteringKeras

__all__ = ["ScatteringKeras1D"]


class ScatteringKeras1D(ScatteringKeras):
    """The 1D scattering transform as a Keras layer.

    Inputs ``(batch, ..., N)`` give ``(batch, ..., C, N_out)`` (averaged coefficients,
    ``out_type='array'``); ``N`` is read from the input shape when the layer is built.
    See :class:`kymatio.numpy.Scattering1D`.

    Parameters
    ----------
    J : int
        Largest wavelet scale is ``2**J`` samples.
    Q : int or tuple of int, optional
        Wavelets per octave (default 1).
    T : int, optional
        Averaging width (default ``2**J``).
    max_order : int, optional
        1 or 2 (default).
    oversampling : int, optional
        Subsample the output ``2**oversampling`` times less (default 0).
    **kwargs
        Keras layer arguments (``name``, ``dtype``, ``trainable``).
    """

    _transform_name = "Scattering1D"
    _signal_ndim = 1
    _config_keys = ("J", "Q", "T", "max_order", "oversampling")

    def __init__(self, J: int, Q: Union[int, Sequence[int]] = 1, T: Optional[int] = None,
                 max_order: int = 2, oversampling: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.J, self.Q, self.T = J, Q, T
        self.max_order, self.oversampling = max_order, oversampling

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "ScatteringKeras1D":
        """The layer of ``config``; a list ``Q`` (a tuple after a JSON round trip, as in
        a saved model) is read as the tuple it was."""
        if isinstance(config.get("Q"), list):
            config = dict(config, Q=tuple(config["Q"]))
        return cls(**config)

    def compute_output_shape(self, input_shape: Sequence[Any]) -> Tuple[Any, ...]:
        """``input_shape`` with its last axis replaced by ``(C, N_out)``."""
        S = self.S
        level = max(S.log2_T - S.oversampling, 0)
        return tuple(input_shape[:-1]) + (S.output_size(), S.ind_end[level] - S.ind_start[level])
