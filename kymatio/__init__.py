"""Wavelet scattering transforms for NumPy, PyTorch, JAX and TensorFlow: a drop-in fork of
Kymatio 0.3.0 with learnable frontends.

``kymatio.numpy``, ``kymatio.torch``, ``kymatio.sklearn``, ``kymatio.jax``,
``kymatio.tensorflow`` and ``kymatio.keras`` hold the transforms of each library
(imported only when asked for); ``kymatio.Scattering2D(..., frontend=...)`` picks one by
name.
"""
from .scattering1d import ScatteringEntry1D as Scattering1D
from .scattering2d import ScatteringEntry2D as Scattering2D
from .scattering3d import HarmonicScatteringEntry3D as HarmonicScattering3D
from .version import __version__

__all__ = ["HarmonicScattering3D", "Scattering1D", "Scattering2D", "__version__"]
