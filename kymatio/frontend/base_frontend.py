"""Library-independent part of every scattering frontend."""
from typing import Any, Callable, Dict, List, Sequence

__all__ = ["ScatteringBase"]


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

    @staticmethod
    def _as_list(blocks: Sequence[Any], meta: Dict[str, list], batch_shape: tuple,
                 backend: Any) -> List[Dict[str, Any]]:
        """Split coefficient blocks ``(B, K, *signal)`` into one dict per coefficient."""
        coefficients = [block[:, k] for block in blocks for k in range(block.shape[1])]
        keys = list(meta)
        return [dict({key: meta[key][i] for key in keys},
                     coef=backend.reshape(c, batch_shape + tuple(c.shape[1:])))
                for i, c in enumerate(coefficients)]
