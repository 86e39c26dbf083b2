"""Deprecated path of :mod:`kymatio.flow.matcher` (moved there; kept for one release)."""
from .._deprecation import moved_module

moved_module(__name__, "kymatio.flow.matcher")
