"""Scattering transforms as TensorFlow modules (``tf.Module``): eager, ``tf.function``
and ``tf.GradientTape`` compatible."""
from .frontend.entry import publish
from .scattering1d.frontend.tensorflow_frontend import ScatteringTensorFlow1D as Scattering1D
from .scattering2d.frontend.tensorflow_frontend import ScatteringTensorFlow2D as Scattering2D
from .scattering3d.frontend.tensorflow_frontend import (
    HarmonicScatteringTensorFlow3D as HarmonicScattering3D)

publish(__name__, Scattering1D=Scattering1D, Scattering2D=Scattering2D,
        HarmonicScattering3D=HarmonicScattering3D)

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D"]
