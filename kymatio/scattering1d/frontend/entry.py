"""Entry class of the 1D scattering transform, ``kymatio.Scattering1D``."""
from ...frontend.entry import ScatteringEntry

__all__ = ["ScatteringEntry1D"]


class ScatteringEntry1D(ScatteringEntry):
    """The 1D scattering transform of the frontend chosen by ``frontend=``:
    ``'numpy'`` (the default), ``'torch'``, ``'jax'``, ``'tensorflow'``, ``'keras'``,
    or ``'sklearn'``; the other arguments are those of
    :class:`kymatio.torch.Scattering1D`."""

    name = "1D"
    class_name = "scattering1d"
