"""Helpers shared by the training examples and experiments: offline data sets and the
evaluation loop."""
from .data import upsampled_digits
from .engine import accuracy, train_epochs

__all__ = ["upsampled_digits", "accuracy", "train_epochs"]
