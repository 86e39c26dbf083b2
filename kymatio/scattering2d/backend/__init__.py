"""Backends of the 2D scattering transform (``numpy_backend``, ``torch_backend``)."""
