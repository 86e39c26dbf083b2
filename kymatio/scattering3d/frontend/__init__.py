"""Frontends of the 3D harmonic scattering transform."""
