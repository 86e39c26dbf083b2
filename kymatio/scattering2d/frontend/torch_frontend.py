"""PyTorch frontend of the 2D scattering transform, with fixed or learnable filters."""
import math
from typing import Any, Dict, Sequence

import torch

from ...frontend.torch_frontend import LEARNABLE_DOC, ScatteringTorch, check_parametrization
from ..filter_bank import fourier_filters, psi_levels
from ..torch_filter_bank import morlet_fourier, morlet_parameters, periodize_filter
from .base_frontend import ScatteringBase2D

__all__ = ["ScatteringTorch2D"]

_TORCH_PARAMETERS = LEARNABLE_DOC + """\
    parametrization : str, optional
        What the filter state is. ``'filters'`` (default): the Fourier filters at full
        resolution, ``phi_r0`` ``(M', N')`` and ``psi_r0`` ``(J, L, M', N')`` (``M', N'`` the
        padded size); their lower-resolution copies are derived (periodised) at each
        call. ``'morlet'``: the Morlet parameters of every wavelet, ``psi_sigma``,
        ``psi_xi``, ``psi_theta``, ``psi_slant`` (shape ``(J, L)``), and the width
        ``phi_sigma`` of the low-pass filter; the filters are rebuilt from them at each
        call (:func:`kymatio.scattering2d.torch_filter_bank.morlet_fourier`). The
        parameters stay in their valid domain whatever the optimizer does (``S`` the
        larger padded size): widths in ``(0.1, 4 S)`` pixels, centre frequencies in
        ``(pi / (8 S), pi)``, slants in ``(1 / (8 L), 16)``; orientations are free
        (see :meth:`morlet_parameters`, :meth:`set_morlet_parameters`,
        :meth:`morlet_parameter_bounds`).
"""


class ScatteringTorch2D(ScatteringTorch, ScatteringBase2D):
    __doc__ = ScatteringBase2D.__doc__.rstrip() + "\n" + _TORCH_PARAMETERS

    def __init__(self, J: int, shape: Sequence[int], L: int = 8, max_order: int = 2,
                 pre_pad: bool = False, backend: Any = None, out_type: str = "array",
                 learnable: bool = False, parametrization: str = "filters") -> None:
        ScatteringTorch.__init__(self, learnable)
        ScatteringBase2D.__init__(self, J, shape, L, max_order, pre_pad, backend, out_type)
        self.parametrization = check_parametrization(parametrization)
        self.build()
        if parametrization == "filters":
            full = fourier_filters(self._M_padded, self._N_padded, self.J, self.L)
            self.register_filters({"phi_r0": full["phi"], "psi_r0": full["psi"]})
        else:
            size = max(self._M_padded, self._N_padded)
            self._register_morlet_parameters(morlet_parameters(self.J, self.L), {
                "psi_sigma": (0.1, 4.0 * size), "phi_sigma": (0.1, 4.0 * size),
                "psi_xi": (math.pi / (8 * size), math.pi), "psi_slant": (1 / (8 * self.L), 16.0)})
        self._build_filter_cache()

    def _memory_estimate(self) -> Dict[str, float]:
        parts = super()._memory_estimate()
        if self.parametrization == "morlet":  # envelopes over up to 5 x 5 periods
            parts["Morlet rebuild"] = self.J * self.L * self._M_padded * self._N_padded * 4 * 25
        return parts

    def _derive_filters(self, state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Every resolution of every filter, named ``phi_r{r}`` and ``psi_j{j}_r{r}``.

        Only the full-resolution filters are stored; the filters for a signal subsampled
        by ``2**r`` are derived with the (linear, differentiable)
        :func:`~kymatio.scattering2d.filter_bank.periodize_filter_fft` (through
        :func:`~kymatio.scattering2d.torch_filter_bank.periodize_filter`), all scales of
        a resolution at once. In float32 this reproduces the NumPy bank bit for bit.
        """
        J = self.J
        if self.parametrization == "morlet":
            state = self._morlet_filters(self._natural_state(state))
        derived = {f"phi_r{r}": periodize_filter(state["phi_r0"], r) for r in range(J)}
        for r in range(psi_levels(J - 1, J)):
            # Scales j >= r are the ones used at resolution r.
            levels = periodize_filter(state["psi_r0"][r:], r)
            derived.update({f"psi_j{j}_r{r}": levels[j - r] for j in range(r, J)
                            if r < psi_levels(j, J)})
        return derived

    def _morlet_filters(self, state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Full-resolution Fourier filters built from the Morlet parameters."""
        M, N, J, L = self._M_padded, self._N_padded, self.J, self.L
        psi = morlet_fourier(M, N, *(state[f"psi_{key}"].reshape(-1)
                                     for key in ("sigma", "theta", "xi", "slant")))
        sigma = state["phi_sigma"].reshape(1)
        phi = morlet_fourier(M, N, sigma, torch.zeros_like(sigma), torch.zeros_like(sigma),
                             torch.ones_like(sigma), zero_mean=False)
        return {"phi_r0": phi[0], "psi_r0": psi.reshape(J, L, M, N)}

    def scattering(self, x: torch.Tensor) -> Any:
        """Scattering coefficients of ``x``.

        Parameters
        ----------
        x : Tensor
            Images of shape ``(..., M, N)``, of the module's dtype and device.

        Returns
        -------
        Tensor or list of dict
            Coefficients of shape ``(..., K, M / 2**J, N / 2**J)``, or a list of dicts
            if ``out_type='list'``.
        """
        self._check_tensor(x)
        self._check_spatial_shape(x, "Tensor")
        filters = self.filter_tensors()
        phi = [filters[f"phi_r{r}"] for r in range(self.J)]
        psi = [[filters[f"psi_j{j}_r{r}"] for r in range(psi_levels(j, self.J))]
               for j in range(self.J)]
        return self._scatter(x, *self._prepare_filters(phi, psi))

    def extra_repr(self) -> str:
        return (f"J={self.J}, shape={(self.M, self.N)}, L={self.L}, "
                f"max_order={self.max_order}, pre_pad={self.pre_pad}, "
                f"out_type={self.out_type!r}, learnable={self.learnable}, "
                f"parametrization={self.parametrization!r}")
