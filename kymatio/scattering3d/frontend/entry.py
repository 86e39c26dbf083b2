"""Entry class of the 3D harmonic scattering transform, ``kymatio.HarmonicScattering3D``."""
from ...frontend.entry import ScatteringEntry

__all__ = ["HarmonicScatteringEntry3D"]


class HarmonicScatteringEntry3D(ScatteringEntry):
    """The 3D harmonic scattering transform of the frontend chosen by ``frontend=``:
    ``'numpy'`` (the default), ``'torch'``, ``'jax'``, ``'tensorflow'``,
    or ``'sklearn'`` (Keras has no 3D layer); the other arguments are those of
    :class:`kymatio.torch.HarmonicScattering3D`."""

    name = "3D"
    class_name = "scattering3d"
