"""Ready-made ``nn.Module`` models built on the scattering transforms."""
from .._deprecation import moved_names
from .scattering_classifier import ExampleLinearClassifier, ScatteringBase
from .scattering_net import ScatteringNet
from .vit import VisionTransformer
from .wavelet_transformer import WaveletTransformer

__all__ = ["ScatteringBase", "ExampleLinearClassifier", "ScatteringNet",
           "VisionTransformer", "WaveletTransformer"]

# Flow matching lived here until it became kymatio.flow.
__getattr__ = moved_names(__name__, dict.fromkeys(
    ("Scalogram", "ScalogramEncoder", "ContinuousFlowMatcherTime"), "kymatio.flow"))
