"""Ready-made ``nn.Module`` models built on the scattering transforms."""
from .scattering_classifier import ExampleLinearClassifier, ScatteringBase

__all__ = ["ScatteringBase", "ExampleLinearClassifier"]
