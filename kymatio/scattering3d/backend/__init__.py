"""Backends of the 3D harmonic scattering transform (``numpy_backend``, ``torch_backend``)."""
