"""scikit-learn frontend of the 1D scattering transform."""
from typing import List

import numpy as np

from ...frontend.sklearn_frontend import ScatteringTransformerMixin
from .numpy_frontend import ScatteringNumPy1D

__all__ = ["ScatteringTransformer1D"]


class ScatteringTransformer1D(ScatteringTransformerMixin, ScatteringNumPy1D):
    __doc__ = ScatteringNumPy1D.__doc__
    _axis_names = ("t",)

    def _coefficient_labels(self) -> List[str]:
        """``c<k>_order<m>_n<n1>-<n2>``: ``n`` are the wavelet indices along the path."""
        meta = self.meta()
        return [self._path_label(k, int(order), n=[n for n in path if not np.isnan(n)])
                for k, (order, path) in enumerate(zip(meta["order"], meta["n"]))]
