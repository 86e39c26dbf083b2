"""Frontends of the 2D scattering transform."""
