"""Entry class of the 2D scattering transform, ``kymatio.Scattering2D``."""
from ...frontend.entry import ScatteringEntry

__all__ = ["ScatteringEntry2D"]


class ScatteringEntry2D(ScatteringEntry):
    """The 2D scattering transform of the frontend chosen by ``frontend=``:
    ``'numpy'`` (the default), ``'torch'``, ``'jax'``, ``'tensorflow'``, ``'keras'``,
    or ``'sklearn'``; the other arguments are those of
    :class:`kymatio.torch.Scattering2D`."""

    name = "2D"
    class_name = "scattering2d"
