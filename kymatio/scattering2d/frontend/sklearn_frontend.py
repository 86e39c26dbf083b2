"""scikit-learn frontend of the 2D scattering transform."""
from ...frontend.sklearn_frontend import ScatteringTransformerMixin
from .numpy_frontend import ScatteringNumPy2D

__all__ = ["ScatteringTransformer2D"]


class ScatteringTransformer2D(ScatteringTransformerMixin, ScatteringNumPy2D):
    __doc__ = ScatteringNumPy2D.__doc__
