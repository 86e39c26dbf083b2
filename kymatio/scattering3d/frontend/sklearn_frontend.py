"""scikit-learn frontend of the 3D harmonic scattering transform."""
from ...frontend.sklearn_frontend import ScatteringTransformerMixin
from .numpy_frontend import HarmonicScatteringNumPy3D

__all__ = ["HarmonicScatteringTransformer3D"]


class HarmonicScatteringTransformer3D(ScatteringTransformerMixin, HarmonicScatteringNumPy3D):
    __doc__ = HarmonicScatteringNumPy3D.__doc__
