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
        x : array-like, shape (n_samples, C * prod(shape))
            Each row holds ``C >= 1`` flattened signals (channels), as in Kymatio 0.3.0.

        Returns
        -------
        ndarray, shape (n_samples, n_features)
            The coefficients of the row's channels, one after the other.
        """
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        n_features = int(np.prod(self.shape))
        channels, rest = divmod(x.shape[-1], n_features) if x.ndim == 2 else (0, 0)
        if channels == 0 or rest:
            raise ValueError(f"Expected rows of {n_features} values (flattened signals of "
                             f"shape {tuple(self.shape)}), or of a multiple of it (several "
                             f"channels), got an array of shape {x.shape}.")
        n_samples = x.shape[0]
        coefficients = self.scattering(x.reshape((n_samples, channels) + tuple(self.shape)))
        return coefficients.reshape(n_samples, int(np.prod(coefficients.shape[1:])))
