"""JAX-specific part of the scattering frontends: filters as a pytree, a pure ``apply``.

A JAX transform holds its filter state in :attr:`ScatteringJax.filters`, a dict (a
pytree) of ``jax.Array``; :meth:`ScatteringJax.apply` ``(filters, x)`` is a pure function
of both, so it can be jitted, vmapped and differentiated with respect to the input or
the filters (learnable filters, the functional way: update the pytree with any
optimizer, e.g. optax, and pass it back in). Calling the transform, ``S(x)``, is
``S.apply(S.filters, x)``.

What the core consumes is derived from the state (lower resolutions, symmetrised
low-pass filters, casts to the input's precision). For concrete filters (not traced)
this is done once, with NumPy, and cached while the same arrays are passed; traced
filters are prepared inside the trace, differentiably.
"""
from typing import Any, Dict

import jax
import jax.numpy as jnp
import numpy as np

from .base_frontend import ScatteringBase

__all__ = ["ScatteringJax"]


class ScatteringJax(ScatteringBase):
    """Base of the JAX frontends: input checks, the filter pytree and ``apply``."""

    frontend_name = "jax"
    filters: Dict[str, Any]

    def __call__(self, x: Any) -> Any:
        """Apply the transform with its own filters; see :meth:`scattering`."""
        return self.scattering(x)

    def scattering(self, x: Any) -> Any:
        """``apply(self.filters, x)``: the scattering coefficients of ``x``.

        Compiled once per input shape and dtype (``jax.jit``), with the filters as
        constants; replacing :attr:`filters` compiles anew.
        """
        x = self._checked(x)
        cache = self.__dict__.setdefault("_jax_cache", {})
        key = tuple(id(a) for a in jax.tree_util.tree_leaves(self.filters))
        if cache.get("own", (None,))[0] != key:
            filters = self.filters
            cache["own"] = (key, jax.jit(lambda x: self._apply(filters, x)))
        return self._restore_order(cache["own"][1](x))

    def apply(self, filters: Dict[str, Any], x: Any) -> Any:
        """Scattering coefficients of ``x`` with the filter state ``filters``.

        A pure function of both (compiled with ``jax.jit`` once per shape and dtype),
        differentiable with respect to both.

        Parameters
        ----------
        filters : dict of jax.Array
            A pytree shaped as :attr:`filters` (for instance its update by an
            optimizer).
        x : jax.Array or ndarray
            Real signals, ``(..., *shape)``.

        Returns
        -------
        jax.Array, or a list/dict of them (``out_type``)
        """
        x = self._checked(x)
        cache = self.__dict__.setdefault("_jax_cache", {})
        if "apply" not in cache:
            cache["apply"] = jax.jit(self._apply)
        return self._restore_order(cache["apply"](filters, x))

    @staticmethod
    def _zero_signal(x: jax.Array) -> jax.Array:
        """One zero signal ``(1, *x.shape[1:])`` of ``x``'s dtype."""
        return jnp.zeros((1,) + tuple(x.shape[1:]), x.dtype)

    def _restore_order(self, out: Any) -> Any:
        """The output of a compiled call in the transform's order (``jit`` returns
        dicts with sorted keys)."""
        return out

    def _checked(self, x: Any) -> jax.Array:
        x = self._as_input(x)
        self._check_shape(x)
        return x

    def _check_shape(self, x: jax.Array) -> None:
        raise NotImplementedError

    def _apply(self, filters: Dict[str, Any], x: jax.Array) -> Any:
        raise NotImplementedError

    @staticmethod
    def _as_input(x: Any) -> jax.Array:
        if not isinstance(x, (jax.Array, np.ndarray)):
            raise TypeError(f"The input should be a JAX array or a NumPy array, got "
                            f"{type(x).__name__}; convert it with jnp.asarray.")
        if not jnp.issubdtype(x.dtype, jnp.floating):
            raise TypeError(f"The input should be real floating point (float32, or "
                            f"float64 with jax_enable_x64), got dtype {x.dtype}.")
        return jnp.asarray(x)

    @staticmethod
    def _as_state(arrays: Any) -> Any:
        """NumPy filters (nested in dicts and lists) as JAX arrays."""
        return jax.tree_util.tree_map(jnp.asarray, arrays)

    def _prepared(self, filters: Dict[str, Any], dtype: Any) -> Any:
        """:meth:`_prepare_state` of ``filters`` in the precision of ``dtype``.

        Traced filters are prepared inside the trace (differentiably). Concrete ones are
        prepared once with NumPy (faster than JAX's op-by-op dispatch, and not staged
        into a trace) and cached while the same arrays are passed.
        """
        leaves = jax.tree_util.tree_leaves(filters)
        if any(isinstance(a, jax.core.Tracer) for a in leaves):
            return self._prepare_state(self.backend, jax.tree_util.tree_map(
                lambda f: f.astype(_precision(f.dtype, dtype)), filters))
        cache = self.__dict__.setdefault("_eager_cache", {})
        key = (tuple(id(a) for a in leaves), jnp.dtype(dtype).name)
        if cache.get("prepared", (None,))[0] != key:
            with jax.ensure_compile_time_eval():  # concrete arrays, also inside a trace
                prepared = self._prepare_with_numpy(filters, dtype, jnp.asarray)
            # The arrays stay alive with the entry, so their ids are not reused.
            cache["prepared"] = (key, leaves, prepared)
        return cache["prepared"][2]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_eager_cache", None)  # rebuilt on demand
        state.pop("_jax_cache", None)
        return state


def _precision(filter_dtype: Any, dtype: Any) -> Any:
    """The dtype of a filter of ``filter_dtype`` (real or complex) for inputs of
    ``dtype``."""
    if jnp.issubdtype(filter_dtype, jnp.complexfloating):
        return jnp.result_type(dtype, jnp.complex64)
    return jnp.dtype(dtype)
