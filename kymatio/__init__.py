"""Wavelet scattering transforms for NumPy and PyTorch: a drop-in fork of Kymatio 0.3.0
with learnable frontends.

``kymatio.numpy``, ``kymatio.torch`` and ``kymatio.sklearn`` hold the transforms of each
library; ``kymatio.Scattering2D(..., frontend=...)`` picks one by name.
"""
from .frontend.entry import ScatteringEntry
from .version import __version__

__all__ = ["Scattering2D", "__version__"]


class Scattering2D(ScatteringEntry):
    """``Scattering2D(J, shape, L=8, max_order=2, pre_pad=False, backend=None,
    out_type='array', frontend='numpy')``: the 2D scattering transform of the chosen
    frontend (see :class:`kymatio.torch.Scattering2D`)."""
