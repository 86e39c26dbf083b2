"""Array primitives shared by the scattering transforms of every dimension, in two layers.

* ``native_numpy``, ``native_torch``, ``native_jax``, ``native_tensorflow``: the fast
  primitives the transforms run on, on the libraries' native complex arrays, bundled per
  transform by :class:`~kymatio.backend.fourier.FourierBackend` (``native_backend(name)``
  of each ``kymatio.scattering{1,2,3}d.backend`` package).
* ``numpy_backend``, ``torch_backend``, ``jax_backend`` and ``tensorflow_backend``: Kymatio
  0.3.0's backend classes at its module paths (``NumpyBackend``, ``TorchBackend``,
  ``ModulusStable``, ``JaxBackend``, ``TensorFlowBackend``), with its layouts and checks,
  for code that calls backend primitives directly; the dimension-specific subclasses live
  in ``kymatio.scattering{1,2,3}d.backend``.

Lower layers never import frontends.
"""
