"""JAX frontend of the 1D scattering transform."""
from typing import Any, Dict, Optional, Sequence, Union

import jax

from ...frontend.jax_frontend import ScatteringJax
from .base_frontend import ScatteringBase1D

__all__ = ["ScatteringJax1D"]

_JAX_NOTES = """
    Notes
    -----
    The filter state :attr:`filters` is ``{'phi': [...], 'psi1': (n1, N'),
    'psi2': [...]}``: the real Fourier filters at every resolution they are used at
    (``phi[k]`` and ``psi2[k]`` at level ``k``, ``N'`` the padded length), each its own
    array. ``apply(filters, x)`` is differentiable with respect to both arguments.
"""


class ScatteringJax1D(ScatteringJax, ScatteringBase1D):
    __doc__ = ScatteringBase1D.__doc__.rstrip() + "\n" + _JAX_NOTES

    def __init__(self, J: int, shape: Union[int, Sequence[int]],
                 Q: Union[int, Sequence[int]] = 1, T: Optional[float] = None,
                 max_order: int = 2, average: Optional[bool] = None, oversampling: int = 0,
                 out_type: str = "array", backend: Any = None) -> None:
        ScatteringBase1D.__init__(self, J, shape, Q, T, max_order, average, oversampling,
                                  out_type, backend)
        self.filters = self._as_state(self._initial_state())

    def _check_shape(self, x: jax.Array) -> None:
        self._check_input(x)

    def _restore_order(self, out: Any) -> Any:
        if isinstance(out, dict):
            return {key: out[key] for key in self.meta()["key"]}
        return out

    def _apply(self, filters: Dict[str, Any], x: jax.Array) -> Any:
        return self._scatter(x, *self._prepared(filters, x.dtype))
