"""Scattering transforms on JAX arrays: jit-, vmap- and grad-compatible, with the filters
as a pytree (``S.filters``) and a pure ``S.apply(filters, x)`` for learnable filters."""
from .frontend.entry import publish
from .scattering1d.frontend.jax_frontend import ScatteringJax1D as Scattering1D
from .scattering2d.frontend.jax_frontend import ScatteringJax2D as Scattering2D
from .scattering3d.frontend.jax_frontend import HarmonicScatteringJax3D as HarmonicScattering3D

publish(__name__, Scattering1D=Scattering1D, Scattering2D=Scattering2D,
        HarmonicScattering3D=HarmonicScattering3D)

__all__ = ["Scattering1D", "Scattering2D", "HarmonicScattering3D"]
