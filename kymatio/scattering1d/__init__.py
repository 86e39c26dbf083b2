"""1D scattering transform: filter bank, core algorithm, backends and frontends."""
