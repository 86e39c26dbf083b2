"""Backends of the 1D scattering transform (``numpy_backend``, ``torch_backend``)."""
