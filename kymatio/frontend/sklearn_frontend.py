"""scikit-learn wrapper shared by the scattering transforms."""
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["ScatteringTransformerMixin"]


class ScatteringTransformerMixin(BaseEstimator, TransformerMixin):
    """Make a NumPy scattering frontend a scikit-learn transformer.

    ``transform`` takes rows of flattened signals, ``(n_samples, prod(shape))``, and
    returns rows of flattened coefficients, so the transform fits in a ``Pipeline``.
    """

    def fit(self, x: Any = None, y: Any = None) -> "ScatteringTransformerMixin":
        """Do nothing: the transform has no fitted state. Returns ``self``."""
        return self

    def transform(self, x: Any) -> np.ndarray:
        """Scattering coefficients of each row of ``x``, flattened.

        Parameters
        ----------
        x : array-like, shape (n_samples, prod(shape))

        Returns
        -------
        ndarray, shape (n_samples, n_features)
        """
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        n_features = int(np.prod(self.shape))
        if x.ndim != 2 or x.shape[1] != n_features:
            raise ValueError(f"Expected rows of {n_features} values (flattened signals of "
                             f"shape {tuple(self.shape)}), got an array of shape {x.shape}.")
        n_samples = x.shape[0]
        coefficients = self.scattering(x.reshape((n_samples,) + tuple(self.shape)))
        return coefficients.reshape(n_samples, -1)
