"""scikit-learn frontend of the 1D scattering transform."""
from typing import Any, Dict

from ...frontend.sklearn_frontend import ScatteringTransformerMixin
from .numpy_frontend import ScatteringNumPy1D

__all__ = ["ScatteringTransformer1D"]


class ScatteringTransformer1D(ScatteringTransformerMixin, ScatteringNumPy1D):
    __doc__ = ScatteringNumPy1D.__doc__

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The constructor's arguments as given (``build`` normalises the attributes
        ``Q``, ``T`` and ``shape``, which ``sklearn.base.clone`` must not see)."""
        return dict(self._arguments)

    def set_params(self, **params: Any) -> "ScatteringTransformer1D":
        """Change constructor arguments and rebuild the filters. Returns ``self``."""
        self.__init__(**dict(self._arguments, **params))
        return self
