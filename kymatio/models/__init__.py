"""Ready-made ``nn.Module`` models built on the scattering transforms."""
from .flow_matching import ContinuousFlowMatcherTime
from .scalogram import Scalogram
from .scalogram_encoder import ScalogramEncoder
from .scattering_classifier import ExampleLinearClassifier, ScatteringBase
from .scattering_net import ScatteringNet
from .vit import VisionTransformer
from .wavelet_transformer import WaveletTransformer

__all__ = ["ScatteringBase", "ExampleLinearClassifier", "ScatteringNet",
           "VisionTransformer", "WaveletTransformer", "Scalogram", "ScalogramEncoder",
           "ContinuousFlowMatcherTime"]
