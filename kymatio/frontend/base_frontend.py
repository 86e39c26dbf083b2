"""Library-independent part of every scattering frontend."""
from typing import Any, Callable, Dict, List, Sequence

import numpy as np

__all__ = ["ScatteringBase", "map_arrays"]


class ScatteringBase:
    """Shared logic of all scattering frontends.

    Subclasses set ``frontend_name`` (``'numpy'``, ``'torch'``) and, per transform,
    ``_native_backend``, the function that gives the transform's fast backend for a
    library name (``native_backend`` of the transform's ``backend`` package).
    """

    frontend_name: str = ""
    _native_backend: Callable[[str], Any]
    _out_types: Sequence[str] = ("array", "list")

    def _resolve_backend(self, backend: Any) -> Any:
        """The backend object for ``backend`` (None, a name, or a backend object)."""
        if backend is None:
            backend = self.frontend_name
        if isinstance(backend, str):
            if backend != self.frontend_name:
                raise ImportError(f"The backend {backend!r} cannot be used from the "
                                  f"{self.frontend_name!r} frontend; pass "
                                  f"backend={self.frontend_name!r} or None.")
            return self._native_backend(backend)
        if getattr(backend, "name", None) != self.frontend_name:
            raise ImportError(f"The backend {backend!r} cannot be used from the "
                              f"{self.frontend_name!r} frontend.")
        native = self._native_backend(backend.name)
        # A native backend passed back in (a clone's argument) is kept as it is.
        return backend if type(backend) is type(native) else native

    def _check_out_type(self, out_type: str) -> None:
        if out_type not in self._out_types:
            raise ValueError(f"out_type must be one of {list(self._out_types)}, "
                             f"got {out_type!r}.")

    @staticmethod
    def _check_max_order(max_order: int) -> None:
        if max_order not in (1, 2):
            raise ValueError(f"max_order must be 1 or 2, got {max_order!r}.")

    @staticmethod
    def _check_positive_int(name: str, value: Any, minimum: int = 0) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")

    @staticmethod
    def _check_ndim(x: Any, n_signal_dims: int, kind: str) -> None:
        if x.ndim < n_signal_dims:
            raise RuntimeError(f"Input {kind} must have at least {n_signal_dims} "
                               f"dimensions (got shape {tuple(x.shape)}).")

    # -- filter state as a dict of arrays (the JAX and TensorFlow frontends) ---------
    def _initial_state(self) -> Dict[str, Any]:
        """The filter state (NumPy arrays, nested in a dict and lists) from which
        :meth:`_prepare_state` derives what the core consumes."""
        raise NotImplementedError

    def _prepare_state(self, backend: Any, state: Dict[str, Any]) -> Any:
        """What the core consumes, derived from ``state`` (already in the input's
        precision) with ``backend``'s primitives (differentiable in the state)."""
        raise NotImplementedError

    def _prepare_with_numpy(self, state: Dict[str, Any], dtype: Any,
                            convert: Callable[[np.ndarray], Any]) -> Any:
        """:meth:`_prepare_state` of ``state`` (arrays of any library holding concrete
        values) computed with NumPy in the precision of ``dtype``, each array of the
        result passed through ``convert`` (to the frontend's array type)."""
        dtype = np.dtype(dtype)

        def cast(f: Any) -> np.ndarray:
            f = np.asarray(f)
            return f.astype(np.result_type(dtype, np.complex64) if np.iscomplexobj(f)
                            else dtype)
        prepared = self._prepare_state(self._native_backend("numpy"), map_arrays(cast, state))
        return map_arrays(lambda a: convert(a) if isinstance(a, np.ndarray) else a, prepared)

    @staticmethod
    def _as_list(blocks: Sequence[Any], meta: Dict[str, list], batch_shape: tuple,
                 backend: Any) -> List[Dict[str, Any]]:
        """Split coefficient blocks ``(B, K, *signal)`` into one dict per coefficient."""
        coefficients = [block[:, k] for block in blocks for k in range(block.shape[1])]
        keys = list(meta)
        return [dict({key: meta[key][i] for key in keys},
                     coef=backend.reshape(c, batch_shape + tuple(c.shape[1:])))
                for i, c in enumerate(coefficients)]


def map_arrays(fn: Callable[[Any], Any], tree: Any) -> Any:
    """``tree`` (dicts, lists, tuples and named tuples of arrays and other leaves) with
    ``fn`` applied to every leaf."""
    if isinstance(tree, dict):
        return {key: map_arrays(fn, value) for key, value in tree.items()}
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return type(tree)(*(map_arrays(fn, value) for value in tree))
    if isinstance(tree, tuple):
        return tuple(map_arrays(fn, value) for value in tree)
    if isinstance(tree, list):  # also the list wrappers of tf.Module attributes
        return [map_arrays(fn, value) for value in tree]
    return fn(tree)
