"""scikit-learn frontend of the 3D harmonic scattering transform."""
from typing import List

from ...frontend.sklearn_frontend import ScatteringTransformerMixin
from ..core.scattering3d import scattering_paths
from .numpy_frontend import HarmonicScatteringNumPy3D

__all__ = ["HarmonicScatteringTransformer3D"]


class HarmonicScatteringTransformer3D(ScatteringTransformerMixin, HarmonicScatteringNumPy3D):
    __doc__ = HarmonicScatteringNumPy3D.__doc__

    def _coefficient_labels(self) -> List[str]:
        """``c<k>_order<m>_j<j1>-<j2>``: the scales along the path."""
        return [self._path_label(k, len(path), j=path)
                for k, path in enumerate(scattering_paths(self.J, self.max_order))]

    def _axis_labels(self) -> List[List[str]]:
        """Degrees ``l<l>``, then ``power<p>`` (method 'integral') or ``point<i>``."""
        if self.method == "integral":
            last = [f"power{p:g}" for p in self.integral_powers]
        else:
            last = [f"point{i}" for i in range(self._points.shape[-2])]
        return [[f"l{l}" for l in range(self.L + 1)], last]
