"""Scattering transforms as Keras 3 layers (``Scattering1D``, ``Scattering2D``), on the
TensorFlow, JAX or PyTorch backend of Keras."""
import keras

from .frontend.entry import publish
from .scattering1d.frontend.keras_frontend import ScatteringKeras1D as Scattering1D
from .scattering2d.frontend.keras_frontend import ScatteringKeras2D as Scattering2D

publish(__name__, Scattering1D=Scattering1D, Scattering2D=Scattering2D)
for _layer in (Scattering1D, Scattering2D):
    # saved models name the layers "kymatio>Scattering1D", ... and find them here
    keras.saving.register_keras_serializable(package="kymatio", name=_layer.__name__)(_layer)

__all__ = ["Scattering1D", "Scattering2D"]
