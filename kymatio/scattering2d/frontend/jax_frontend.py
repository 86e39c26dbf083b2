"""JAX frontend of the 2D scattering transform."""
from typing import Any, Dict, Sequence

import jax

from ...frontend.jax_frontend import ScatteringJax
from .base_frontend import ScatteringBase2D

__all__ = ["ScatteringJax2D"]

_JAX_NOTES = """
    Notes
    -----
    The filter state :attr:`filters` is ``{'phi': (M', N'), 'psi': (J, L, M', N')}``,
    the real Fourier filters at full resolution (``M', N'`` the padded size); their
    lower-resolution copies are derived (periodised) from it. ``apply(filters, x)`` is
    differentiable with respect to both arguments.
"""


class ScatteringJax2D(ScatteringJax, ScatteringBase2D):
    __doc__ = ScatteringBase2D.__doc__.rstrip() + "\n" + _JAX_NOTES

    def __init__(self, J: int, shape: Sequence[int], L: int = 8, max_order: int = 2,
                 pre_pad: bool = False, backend: Any = None, out_type: str = "array") -> None:
        ScatteringBase2D.__init__(self, J, shape, L, max_order, pre_pad, backend, out_type)
        self.build()
        self.filters = self._as_state(self._initial_state())

    def _check_shape(self, x: jax.Array) -> None:
        # Upstream's JAX frontend is its NumPy one: its message says "NumPy array".
        self._check_spatial_shape(x, "JAX/NumPy array")

    def _apply(self, filters: Dict[str, Any], x: jax.Array) -> Any:
        return self._scatter(x, *self._prepared(filters, x.dtype))
