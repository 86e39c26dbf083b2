"""JAX frontend of the 3D harmonic scattering transform."""
from typing import Any, Dict

import jax
import jax.numpy as jnp
import numpy as np

from ...frontend.jax_frontend import ScatteringJax
from .base_frontend import ScatteringBase3D

__all__ = ["HarmonicScatteringJax3D"]

_JAX_NOTES = """
    The filter state :attr:`filters` is ``{'psi': (J + 1, K, M, N, O)}``, the complex
    Fourier filters of every scale and harmonic (complex64). ``apply(filters, x)`` is
    differentiable with respect to both arguments.
"""


class HarmonicScatteringJax3D(ScatteringJax, ScatteringBase3D):
    __doc__ = ScatteringBase3D.__doc__.rstrip() + "\n" + _JAX_NOTES

    def _set_filters(self, filters: Dict[str, np.ndarray]) -> None:
        self.filters = self._as_state({"psi": filters["psi"]})
        self.gaussians = filters.get("gaussians")  # method='local': fixed low-pass filters

    def _check_shape(self, x: jax.Array) -> None:
        self._check_spatial_shape(x)

    def _apply(self, filters: Dict[str, Any], x: jax.Array) -> Any:
        gaussians = None if self.gaussians is None else jnp.asarray(self.gaussians, x.dtype)
        return self._scatter(x, self._prepared(filters, x.dtype), gaussians)
