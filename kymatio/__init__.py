"""Wavelet scattering transforms for NumPy, PyTorch, JAX and TensorFlow: a drop-in fork of
Kymatio 0.3.0 with learnable frontends.

``kymatio.numpy``, ``kymatio.torch``, ``kymatio.sklearn``, ``kymatio.jax``,
``kymatio.tensorflow`` and ``kymatio.keras`` hold the transforms of each library
(imported only when asked for); ``kymatio.Scattering2D(..., frontend=...)`` picks one by
name.
"""
from .frontend.entry import ScatteringEntry
from .version import __version__

__all__ = ["HarmonicScattering3D", "Scattering1D", "Scattering2D", "__version__"]


class Scattering2D(ScatteringEntry):
    """``Scattering2D(J, shape, L=8, max_order=2, pre_pad=False, backend=None,
    out_type='array', frontend='numpy')``: the 2D scattering transform of the chosen
    frontend (see :class:`kymatio.torch.Scattering2D`)."""


class HarmonicScattering3D(ScatteringEntry):
    """``HarmonicScattering3D(J, shape, L=3, sigma_0=1, max_order=2,
    rotation_covariant=True, method='integral', points=None,
    integral_powers=(0.5, 1., 2.), backend=None, frontend='numpy')``: the 3D harmonic
    scattering transform of the chosen frontend (see
    :class:`kymatio.torch.HarmonicScattering3D`)."""


class Scattering1D(ScatteringEntry):
    """``Scattering1D(J, shape, Q=1, T=None, max_order=2, average=None, oversampling=0,
    out_type='array', backend=None, frontend='numpy')``: the 1D scattering transform of
    the chosen frontend (see :class:`kymatio.torch.Scattering1D`)."""
