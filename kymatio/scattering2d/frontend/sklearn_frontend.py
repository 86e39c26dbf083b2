"""scikit-learn frontend of the 2D scattering transform."""
from typing import List

from ...frontend.sklearn_frontend import ScatteringTransformerMixin
from .numpy_frontend import ScatteringNumPy2D

__all__ = ["ScatteringTransformer2D"]


class ScatteringTransformer2D(ScatteringTransformerMixin, ScatteringNumPy2D):
    __doc__ = ScatteringNumPy2D.__doc__
    _axis_names = ("y", "x")

    def _coefficient_labels(self) -> List[str]:
        """``c<k>_order<m>_j<j1>-<j2>_theta<t1>-<t2>``: scales and orientations."""
        meta = self.meta()
        return [self._path_label(k, order, j=j, theta=theta) for k, (order, j, theta)
                in enumerate(zip(meta["order"], meta["j"], meta["theta"]))]
