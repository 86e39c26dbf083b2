"""Library-independent part of every scattering frontend, and the argument checks they
share (:func:`as_int`, :func:`as_shape`)."""
import numbers
import operator
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .memory import check_memory

__all__ = ["ScatteringBase", "exact_integer", "as_int", "as_shape", "map_arrays"]

_NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}
_INTEGER = "an integer (int, NumPy integer or 0-d integer array)"


def exact_integer(value: Any) -> Optional[int]:
    """``value`` as a Python int if it is an integer (int, NumPy integer, 0-d integer
    array: :func:`operator.index`) and not a bool, else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def as_int(name: str, value: Any, minimum: int = 0, expected: str = _INTEGER) -> int:
    """``value`` as a Python int, for an integer argument of a transform.

    Python ints, NumPy integer scalars and 0-d integer arrays (an ``.npz`` entry) are
    accepted (:func:`operator.index`); bools and floats, even integral ones, are not.

    Parameters
    ----------
    name : str
        The argument's name, for the error message.
    value : object
    minimum : int, optional
        The smallest allowed value (default 0).
    expected : str, optional
        What the argument must be, for the error message.

    Raises
    ------
    ValueError
        If ``value`` is not an integer or is below ``minimum``.
    """
    integer = exact_integer(value)
    number = integer if integer is not None else value
    if isinstance(number, numbers.Real) and not isinstance(number, (bool, np.bool_)) \
            and number < minimum:
        bound = "must be nonnegative" if minimum == 0 else f"should always be >= {minimum}"
        raise ValueError(f"{name} {bound}, got {value!r}: pass an integer >= {minimum}.")
    if integer is None:
        raise ValueError(f"{name} must be {expected}, got {value!r} of type "
                         f"{type(value).__name__}.")
    return integer


def as_shape(shape: Any, names: str) -> Tuple[int, ...]:
    """The signal shape ``shape`` as a tuple of Python ints (see :func:`as_int`).

    Parameters
    ----------
    shape : tuple, list or 1-d array of integers
        One entry per signal axis; with one axis a bare integer is accepted too.
    names : str
        The axes' names, e.g. ``'M, N'``; their number is the number of entries.

    Raises
    ------
    ValueError
        If ``shape`` has the wrong number of entries or an entry is not an integer >= 1.
    """
    n = len(names.split(","))
    form = f"a tuple ({names}{',' if n == 1 else ''})"
    if n == 1 and np.ndim(shape) == 0:
        return (as_int("shape", shape, 1, f"an integer {names} or a 1-tuple ({names},)"),)
    if not isinstance(shape, (tuple, list, np.ndarray)) or np.ndim(shape) != 1 \
            or len(shape) != n:
        raise ValueError(f"shape must be {form} with exactly {_NUMBER_WORDS[n]} "
                         f"element{'s' if n > 1 else ''}, got {shape!r}.")
    return tuple(as_int(f"shape[{i}]", size, 1) for i, size in enumerate(shape))


class ScatteringBase:
    """Shared logic of all scattering frontends.

    Subclasses set ``frontend_name`` (``'numpy'``, ``'torch'``) and, per transform,
    ``_native_backend``, the function that gives the transform's fast backend for a
    library name (``native_backend`` of the transform's ``backend`` package).
    """

    frontend_name: str = ""
    _native_backend: Callable[[str], Any]
    _out_types: Sequence[str] = ("array", "list")
    #: The arguments that set the memory a transform needs, named in a refusal.
    _sized_by: Sequence[str] = ()
    #: What to change to need less memory (for the refusal's message).
    _memory_remedy: str = ""

    def _memory_estimate(self) -> Dict[str, float]:
        """Bytes the configuration needs, by part, from the checked arguments alone
        (in constant time: nothing is allocated)."""
        raise NotImplementedError

    def _check_memory(self) -> None:
        """Refuse, before any filter is built, a configuration whose
        :meth:`_memory_estimate` is above the package's memory limit (see
        :mod:`kymatio.frontend.memory`).

        Raises
        ------
        MemoryBudgetError
            Giving the estimate and the arguments to change.
        """
        arguments = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._sized_by)
        check_memory(f"{type(self).__name__}({arguments})", self._memory_estimate(),
                     self._memory_remedy)

    def _resolve_backend(self, backend: Any) -> Any:
        """The fast backend for ``backend``: None, the frontend's library name, one of
        the backends at Kymatio 0.3.0's paths (e.g.
        ``kymatio.scattering2d.backend.torch_backend.backend``) or a native backend.

        Raises
        ------
        ImportError
            For another name, or a backend object of another library or from outside
            this package (the transforms run on their own backends and would not call
            its methods).
        """
        frontend = self.frontend_name
        if backend is None or backend == frontend:
            return self._native_backend(frontend)
        if isinstance(backend, str):
            if not backend.startswith(frontend):
                raise ImportError(f"The backend {backend!r} can not be called from the "
                                  f"frontend {frontend!r}; pass backend={frontend!r} or "
                                  f"None.")
            raise ImportError(f"Backend {backend!r} not found: the {frontend!r} frontend "
                              f"has the single backend {frontend!r} (which also runs on "
                              f"GPUs); pass backend={frontend!r} or None.")
        name = getattr(backend, "name", None)
        cls = backend if isinstance(backend, type) else type(backend)
        if name != frontend or cls.__module__.split(".")[0] != "kymatio":
            raise ImportError(
                f"The backend {backend!r} (name {name!r}) is not supported by the frontend "
                f"{frontend!r}: only this package's {frontend!r} backends are, as its "
                f"transforms run on their own fast backends and never call a custom "
                f"backend's methods. Pass backend={frontend!r} or None.")
        native = self._native_backend(frontend)
        # A native backend passed back in (a clone's argument) is kept as it is.
        return backend if type(backend) is type(native) else native

    def _check_out_type(self, out_type: str) -> None:
        if out_type not in self._out_types:
            raise ValueError(f"The out_type must be one of {list(self._out_types)}, "
                             f"got {out_type!r}.")

    @staticmethod
    def _check_max_order(max_order: Any) -> int:
        """``max_order`` as an int; it must be 1 or 2."""
        max_order = as_int("max_order", max_order, 1)
        if max_order > 2:
            raise ValueError(f"max_order must be 1 or 2, got {max_order!r}.")
        return max_order

    @staticmethod
    def _check_ndim(x: Any, n_signal_dims: int, kind: str) -> None:
        if x.ndim < n_signal_dims:
            raise RuntimeError(f"Input {kind} must have at least "
                               f"{_NUMBER_WORDS[n_signal_dims]} dimensions (got shape "
                               f"{tuple(x.shape)}).")

    def _zero_signal(self, x: Any) -> Any:
        """One zero signal ``(1, *x.shape[1:])`` like ``x`` (the library's frontend
        implements it)."""
        raise NotImplementedError

    def _nonempty(self, x: Any, run: Callable[[Any], Any]) -> Any:
        """``run(x)`` for signals ``x`` (B, ...) whose results all have a leading batch
        axis; for ``B = 0`` the core runs on one zero signal instead (FFT libraries
        reject empty inputs) and the results keep none of its rows, still connected to
        ``x`` for autograd."""
        if x.shape[0] is None or x.shape[0] > 0:  # None: a graph's batch of unknown size
            return run(x)
        results = run(self.backend.join([x, self._zero_signal(x)], axis=0))
        return map_arrays(lambda r: r[:0] if hasattr(r, "shape") else r, results)

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
