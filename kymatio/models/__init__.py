"""Ready-made image classifiers, each a frontend and a head (:class:`TwoPhaseClassifier`).

* :class:`ScatteringClassifier` (the seed's ``ScatteringBase``) and
  :class:`ExampleLinearClassifier`: the 2D Fourier scattering transform and a head;
* :class:`ScatteringNet`: spatial scattering blocks (:mod:`kymatio.spatial`) and a head;
* :class:`ScatteringWideResNet` and :class:`WideResNet`: a small Wide-ResNet-style CNN on
  scattering coefficients, and the same kind of CNN on pixels;
* :class:`WaveletTransformer`: wavelet tokens and W-MSA blocks (:mod:`kymatio.attention`);
* :class:`VisionTransformer`: the plain ViT baseline.

All take ``image_size``, ``in_channels`` and ``num_classes``.
"""
from .._deprecation import moved_names
from .scattering_classifier import ExampleLinearClassifier, ScatteringBase, ScatteringClassifier
from .scattering_net import ScatteringNet
from .transformer import PRESETS, TransformerClassifier
from .two_phase import TwoPhaseClassifier
from .vit import VisionTransformer
from .wavelet_transformer import WaveletTransformer
from .wide_resnet import ScatteringWideResNet, WideResNet

__all__ = ["TwoPhaseClassifier", "ScatteringClassifier", "ScatteringBase",
           "ExampleLinearClassifier", "ScatteringNet", "TransformerClassifier",
           "WaveletTransformer", "VisionTransformer", "PRESETS", "WideResNet",
           "ScatteringWideResNet"]

# Flow matching lived here until it became kymatio.flow.
__getattr__ = moved_names(__name__, dict.fromkeys(
    ("Scalogram", "ScalogramEncoder", "ContinuousFlowMatcherTime"), "kymatio.flow"))
