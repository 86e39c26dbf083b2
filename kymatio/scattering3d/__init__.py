"""3D solid harmonic scattering: filter bank, core algorithm, backends and frontends."""
