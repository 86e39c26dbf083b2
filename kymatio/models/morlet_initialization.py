"""Initial Morlet parameters of a learnable 2D scattering, after Parametric Scattering
Networks (Gauthier et al., CVPR 2022).

* ``'kymatio'``: the transform as built (Kymatio's filter bank);
* ``'tight-frame'``: the paper's tight-frame initialisation, per scale ``j`` and
  orientation index ``t``: ``sigma = 0.8 * 2**j``, ``xi = 3 pi / 4 / 2**j``,
  ``theta = (int(L - L/2 - 1) - t) pi / L``, ``slant = 4 / L``. These are the formulas of
  Kymatio's bank, so for the Morlet parametrisation it starts where ``'kymatio'`` does;
  the name is the paper's;
* ``'random'``: the paper's random initialisation, independently per wavelet:
  ``theta ~ U(0, 2 pi)``, ``slant ~ U(0.5, 1.5)``, ``xi ~ U(0.5, 1)``,
  ``sigma = log(U(e, e**5))`` (so ``sigma`` lies in (1, 5)).

:func:`initialize_morlet` writes them into a built transform: into its Morlet parameters
(``parametrization='morlet'``) or, as the Fourier filters they define, into its filters
(``parametrization='filters'``). The low-pass filter is left as built.
"""
import math
from typing import Dict, Optional

import torch

from ..scattering2d.torch_filter_bank import morlet_fourier

__all__ = ["INITIALIZATIONS", "tight_frame_parameters", "random_morlet_parameters",
           "initialize_morlet"]

#: The initialisations of :func:`initialize_morlet`.
INITIALIZATIONS = ("kymatio", "tight-frame", "random")
PSI_KEYS = ("sigma", "theta", "xi", "slant")


def tight_frame_parameters(J: int, L: int) -> Dict[str, torch.Tensor]:
    """The tight-frame Morlet parameters, ``psi_sigma``, ``psi_theta``, ``psi_xi``,
    ``psi_slant``, each of shape ``(J, L)`` (float32)."""
    j = torch.arange(J, dtype=torch.float64)[:, None].expand(J, L)
    t = torch.arange(L, dtype=torch.float64)[None, :].expand(J, L)
    values = {"sigma": 0.8 * 2.0 ** j,
              "theta": (int(L - L / 2 - 1) - t) * math.pi / L,
              "xi": 3.0 * math.pi / 4.0 / 2.0 ** j,
              "slant": torch.full((J, L), 4.0 / L, dtype=torch.float64)}
    return {f"psi_{key}": value.float().contiguous() for key, value in values.items()}


def random_morlet_parameters(J: int, L: int, generator: Optional[torch.Generator] = None
                             ) -> Dict[str, torch.Tensor]:
    """Random Morlet parameters (see the module docstring), shape ``(J, L)`` each, drawn
    from ``generator`` (default: torch's global generator, seeded by the harness)."""
    def uniform(low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand((J, L), generator=generator,
                                               dtype=torch.float64)

    values = {"theta": uniform(0.0, 2 * math.pi), "slant": uniform(0.5, 1.5),
              "xi": uniform(0.5, 1.0), "sigma": torch.log(uniform(math.e, math.e ** 5))}
    return {f"psi_{key}": values[key].float() for key in PSI_KEYS}


def initialize_morlet(scattering: torch.nn.Module, initialization: str,
                      generator: Optional[torch.Generator] = None) -> None:
    """Overwrite the wavelets of a torch ``Scattering2D`` with an initialisation.

    Parameters
    ----------
    scattering : kymatio.torch.Scattering2D
        Built with ``parametrization='morlet'`` or ``'filters'``, learnable or not.
    initialization : str
        One of :data:`INITIALIZATIONS`; ``'kymatio'`` changes nothing.
    generator : torch.Generator, optional
        Source of the ``'random'`` draws.

    Raises
    ------
    ValueError
        An unknown ``initialization``.
    """
    if initialization not in INITIALIZATIONS:
        raise ValueError(f"initialization must be one of {', '.join(INITIALIZATIONS)}, "
                         f"got {initialization!r}.")
    if initialization == "kymatio":
        return
    J, L = scattering.J, scattering.L
    values = tight_frame_parameters(J, L) if initialization == "tight-frame" \
        else random_morlet_parameters(J, L, generator)
    if scattering.parametrization == "morlet":
        # In place, through the parameter domain: the registered tensors (and the
        # optimizers holding them) stay.
        scattering.set_morlet_parameters(**values)
        return
    psi = scattering.filter_state()["psi_r0"]
    M, N = psi.shape[-2:]
    filters = morlet_fourier(M, N, *(values[f"psi_{key}"].reshape(-1).double()
                                     for key in PSI_KEYS))
    with torch.no_grad():
        psi.copy_(filters.reshape(psi.shape))
