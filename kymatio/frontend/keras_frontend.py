"""Keras-specific part of the scattering frontends: a Keras 3 layer base.

The layer builds, from the input shape, the transform of the array library Keras runs
on (``keras.backend.backend()``: ``'tensorflow'``, ``'jax'`` or ``'torch'``) and calls
it on the batch. It has no weights; its configuration is its constructor's arguments.
"""
import contextlib
import importlib
from typing import Any, ContextManager, Dict, Sequence, Tuple

import keras

__all__ = ["ScatteringKeras", "KERAS_BACKENDS"]

#: The Keras backends whose arrays a scattering layer accepts: the frontend of the
#: same name runs the transform.
KERAS_BACKENDS = ("tensorflow", "jax", "torch")


class ScatteringKeras(keras.layers.Layer):
    """Base of the Keras scattering layers.

    Subclasses name the transform (``_transform_name``, e.g. ``'Scattering2D'``), the
    number of signal axes (``_signal_ndim``), the constructor arguments that make the
    configuration (``_config_keys``), and :meth:`compute_output_shape`.
    """

    _transform_name: str
    _signal_ndim: int
    _config_keys: Tuple[str, ...]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        backend = keras.backend.backend()
        if backend not in KERAS_BACKENDS:
            raise NotImplementedError(f"The scattering layers run on the Keras backends "
                                      f"{list(KERAS_BACKENDS)}, not {backend!r}.")
        self.frontend_name = backend

    def _make_transform(self, shape: Tuple[int, ...]) -> Any:
        """The transform of the Keras backend's library for signals of ``shape``."""
        module = importlib.import_module(f"kymatio.{self.frontend_name}")
        arguments = {key: getattr(self, key) for key in self._config_keys}
        with _real_device(self.frontend_name):
            return getattr(module, self._transform_name)(shape=shape, **arguments)

    def build(self, input_shape: Sequence[Any]) -> None:
        shape = tuple(input_shape[len(input_shape) - self._signal_ndim:])
        if any(n is None for n in shape):
            raise ValueError(f"{type(self).__name__} needs the size of the signal axes, "
                             f"got input shape {tuple(input_shape)}.")
        # Held in a list so that Keras does not track the transform as a sublayer (its
        # filters are constants, not weights).
        self._transform = [self._make_transform(tuple(int(n) for n in shape))]
        super().build(input_shape)

    @property
    def S(self) -> Any:
        """The transform this layer calls (available once the layer is built)."""
        return self._transform[0]

    def scattering(self, x: Any) -> Any:
        """The scattering coefficients of ``x``; see :meth:`call`."""
        return self.call(x)

    def call(self, x: Any) -> Any:
        """Scattering coefficients of the batch ``x`` (``(batch, ..., *signal)``)."""
        if self.frontend_name == "torch":
            return _call_torch(self, x)
        return self.S(x)

    def get_config(self) -> Dict[str, Any]:
        """Keras' layer configuration plus the transform's arguments."""
        return {**super().get_config(), **{key: getattr(self, key) for key in self._config_keys}}


def _real_device(frontend_name: str) -> ContextManager:
    """Keras' torch backend builds layers under ``torch.device('meta')`` (shapes only);
    the filters are made on the CPU instead (``call`` moves them to the input's device)."""
    if frontend_name == "torch":
        import torch
        return torch.device("cpu")
    return contextlib.nullcontext()


def _call_torch(layer: ScatteringKeras, x: Any) -> Any:
    """The torch transform of ``layer`` on ``x``, moved to ``x``'s device; for the
    shape-only ``meta`` tensors of Keras' symbolic calls, an empty output."""
    import torch
    if x.device.type == "meta":
        return torch.empty(layer.compute_output_shape(tuple(x.shape)), dtype=x.dtype,
                           device="meta")
    return layer.S.to(x.device)(x)
