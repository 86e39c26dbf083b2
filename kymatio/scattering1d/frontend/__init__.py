"""Frontends of the 1D scattering transform."""
