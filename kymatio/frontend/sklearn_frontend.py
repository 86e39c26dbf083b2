"""scikit-learn wrapper shared by the scattering transforms.

A transformer's parameters are its NumPy frontend's constructor arguments, kept as given:
``get_params`` returns them, ``set_params`` rebuilds the transform (filters included) from
the updated arguments, so the object behaves exactly as a fresh one built with them, and
``sklearn.base.clone``, ``GridSearchCV`` and pickling work. Features are named by
``get_feature_names_out`` (see :meth:`ScatteringTransformerMixin.get_feature_names_out`).
"""
import functools
import inspect
import itertools
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["ScatteringTransformerMixin"]


class ScatteringTransformerMixin(BaseEstimator, TransformerMixin):
    """Make a NumPy scattering frontend a scikit-learn transformer.

    ``transform`` (and its alias ``predict``, as in Kymatio 0.3.0) takes rows of flattened
    signals, ``(n_samples, prod(shape))``, and returns rows of flattened coefficients, so
    the transform fits in a ``Pipeline``.

    Subclasses list the NumPy frontend after this class; their ``__init__`` is the
    frontend's, recording the arguments it was given. They set ``_axis_names``, one prefix
    per output axis after the coefficient axis, and define ``_coefficient_labels``.
    """

    _axis_names: Sequence[str] = ()
    _arguments: Dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            return
        build = super(ScatteringTransformerMixin, cls).__init__
        signature = inspect.signature(build)

        @functools.wraps(build)  # the frontend's signature, which scikit-learn inspects
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            del arguments["self"]
            build(self, **arguments)
            self._arguments = arguments

        cls.__init__ = __init__

    # -- parameters ----------------------------------------------------------------
    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The constructor's arguments, as given (the transform normalises some of the
        attributes of the same names, which ``sklearn.base.clone`` must not see)."""
        return dict(self._arguments)

    def set_params(self, **params: Any) -> "ScatteringTransformerMixin":
        """Change constructor arguments and rebuild the transform from them: the result
        is the same as a new object built with the updated arguments. On an invalid
        value the error is raised and the object is left unchanged. Returns ``self``."""
        unknown = sorted(set(params) - set(self._arguments))
        if unknown:
            raise ValueError(f"Invalid parameter {unknown[0]!r} for estimator "
                             f"{type(self).__name__}. Valid parameters are: "
                             f"{sorted(self._arguments)!r}.")
        rebuilt = type(self)(**dict(self._arguments, **params))
        # scikit-learn's own settings (set_output, metadata requests) stay
        kept = {key: value for key, value in self.__dict__.items()
                if key.startswith(("_sklearn", "_metadata_request"))}
        self.__dict__.clear()
        self.__dict__.update(rebuilt.__dict__, **kept)
        return self

    # -- transform -----------------------------------------------------------------
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

    def predict(self, x: Any) -> np.ndarray:
        """Alias of :meth:`transform`, as in Kymatio 0.3.0."""
        return self.transform(x)

    # -- feature names ---------------------------------------------------------------
    def get_feature_names_out(self, input_features: Optional[Sequence[str]] = None
                              ) -> np.ndarray:
        """Names of the columns of :meth:`transform`'s output, in order.

        Each name joins the coefficient's label, ``c<k>_order<m>`` followed by the
        transform's path description (for instance ``_j0-2_theta3-5`` in 2D: scales and
        orientations along the path, joined by ``-``), with its position along the other
        output axes (``_y<i>_x<j>`` in 2D, ``_t<i>`` in 1D, ``_l<l>_power<p>`` or
        ``_l<l>_point<i>`` in 3D). ``k`` is the coefficient's index in :meth:`meta` order.

        Parameters
        ----------
        input_features : sequence of str, optional
            Ignored apart from a length check: the names do not depend on the input's.

        Returns
        -------
        ndarray of str, shape (n_features,)
        """
        n_inputs = int(np.prod(self.shape))
        if input_features is not None and len(input_features) != n_inputs:
            raise ValueError(f"input_features has {len(input_features)} names; the "
                             f"transform takes {n_inputs} features.")
        axes = self._axis_labels()
        names = [f"{coefficient}_{'_'.join(position)}" if position else coefficient
                 for coefficient in self._coefficient_labels()
                 for position in itertools.product(*axes)]
        return np.asarray(names, dtype=object)

    def _coefficient_labels(self) -> List[str]:
        """One label per coefficient (first output axis), in output order."""
        raise NotImplementedError

    def _axis_labels(self) -> List[List[str]]:
        """Labels of the positions along each output axis after the coefficients."""
        sizes = self.scattering(np.zeros((1,) + tuple(self.shape)))[0].shape[1:]
        return [[f"{name}{i}" for i in range(size)]
                for name, size in zip(self._axis_names, sizes)]

    @staticmethod
    def _path_label(k: int, order: int, **path: Sequence[Any]) -> str:
        """``c<k>_order<order>`` and, for each ``name=values`` of a path of order > 0,
        ``_<name><v1>-<v2>...``."""
        parts = [f"c{k}", f"order{order}"]
        if order > 0:
            parts += [f"{name}{'-'.join(str(int(v)) for v in values)}"
                      for name, values in path.items()]
        return "_".join(parts)

