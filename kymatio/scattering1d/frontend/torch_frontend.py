"""PyTorch frontend of the 1D scattering transform."""
from typing import Any, Dict, Optional, Sequence, Union

import torch

from ...frontend.torch_frontend import (LEARNABLE_DOC, ScatteringTorch,
                                       check_parametrization)
from ..torch_filter_bank import morlet_fourier, morlet_parameters, periodize_filter
from .base_frontend import _CONSTRUCTION_COPIES, ScatteringBase1D

__all__ = ["ScatteringTorch1D"]


_TORCH_PARAMETERS = LEARNABLE_DOC + """\
    parametrization : str, optional
        What the filter state is. ``'filters'`` (default): the Fourier filters, every
        wavelet and low-pass filter at every resolution it is used at, each stored
        (and learned) on its own: ``phi_r{k}``, ``psi1`` ``(n1, N')``, ``psi2_r{k}``
        (``N'`` the padded length). ``'morlet'``: the centre frequency (cycles per
        sample) and width of every wavelet, ``psi1_xi``, ``psi1_sigma`` ``(n1,)``,
        ``psi2_xi``, ``psi2_sigma`` ``(n2,)``, and the width ``phi_sigma`` of the
        low-pass filter; the filters and their lower resolutions are rebuilt from them
        at each call (:func:`kymatio.scattering1d.torch_filter_bank.morlet_fourier`).
        Second-order wavelets that no path uses (Kymatio keeps them in its bank) get
        no gradient. The parameters stay in their valid domain whatever the optimizer
        does: centre frequencies in ``(f, 1/2)``, widths in ``(f, 1)``, ``f`` the
        smaller of ``1 / (20 N')`` and half the smallest initial value (see
        :meth:`morlet_parameters`, :meth:`set_morlet_parameters`,
        :meth:`morlet_parameter_bounds`).
"""


class ScatteringTorch1D(ScatteringTorch, ScatteringBase1D):
    __doc__ = ScatteringBase1D.__doc__.rstrip() + "\n" + _TORCH_PARAMETERS

    def __init__(self, J: int, shape: Union[int, Sequence[int]],
                 Q: Union[int, Sequence[int]] = 1, T: Optional[float] = None,
                 max_order: int = 2, average: Optional[bool] = None, oversampling: int = 0,
                 out_type: str = "array", backend: Any = None,
                 learnable: bool = False, parametrization: str = "filters") -> None:
        ScatteringTorch.__init__(self, learnable)
        self.parametrization = check_parametrization(parametrization)
        ScatteringBase1D.__init__(self, J, shape, Q, T, max_order, average, oversampling,
                                  out_type, backend)
        # The state is float32 (as Kymatio 0.3.0's buffers, also after .double()).
        if parametrization == "filters":
            filters = {f"phi_r{k}": level for k, level in enumerate(self._phi)}
            filters["psi1"] = self._psi1
            filters.update({f"psi2_r{k}": level for k, level in enumerate(self._psi2)})
            self.register_filters(filters)
        else:
            values = morlet_parameters(self.phi_f, self.psi1_f, self.psi2_f)
            xis, sigmas = ("psi1_xi", "psi2_xi"), ("psi1_sigma", "psi2_sigma", "phi_sigma")

            def floor(names: Sequence[str]) -> float:
                smallest = min(float(values[name].min()) for name in names
                               if values[name].numel())
                return min(1 / (20 * self._N_padded), smallest / 2)
            self._register_morlet_parameters(values, {
                **dict.fromkeys(xis, (floor(xis), 0.5)),
                **dict.fromkeys(sigmas, (floor(sigmas), 1.0))})
        self._build_filter_cache()

    def _memory_estimate(self) -> Dict[str, float]:
        parts = super()._memory_estimate()
        if self.parametrization == "morlet":  # Gaussians over up to 9 periods, float32
            parts["Morlet rebuild"] = parts["filters"] / _CONSTRUCTION_COPIES * 9 / 2
        return parts

    def _derive_filters(self, state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """With ``parametrization='morlet'``, the Fourier filters the core uses
        (``phi_r{k}``, ``psi1``, ``psi2_r{k}``), rebuilt from the Morlet parameters and
        periodised to each resolution; with ``'filters'``, the state itself."""
        if self.parametrization == "filters":
            return state
        state = self._natural_state(state)
        N, n2 = self._N_padded, len(self._j2s)
        psi = morlet_fourier(N, torch.cat([state["psi2_xi"], state["psi1_xi"]]),
                             torch.cat([state["psi2_sigma"], state["psi1_sigma"]]))
        sigma = state["phi_sigma"].reshape(1)
        phi = morlet_fourier(N, torch.zeros_like(sigma), sigma, zero_mean=False)[0]
        derived = {f"phi_r{k}": periodize_filter(phi, 2 ** k) for k in range(len(self._phi))}
        derived["psi1"] = psi[n2:]
        derived.update({f"psi2_r{k}": periodize_filter(psi[:n2][rows], 2 ** k)
                        for k, rows in enumerate(self._psi2_rows)})
        return derived

    def scattering(self, x: torch.Tensor) -> Any:
        """Scattering coefficients of ``x``.

        Parameters
        ----------
        x : Tensor
            Contiguous signals of shape ``(..., N)``, of the module's dtype and device.

        Returns
        -------
        Tensor, list of dict or dict
            ``(..., C, N_out)`` for ``out_type='array'``.
        """
        self._check_tensor(x)
        self._check_input(x)
        filters = self.filter_tensors()
        phi = [filters[f"phi_r{k}"] for k in range(len(self._phi))]
        psi2 = [filters[f"psi2_r{k}"] for k in range(len(self._psi2))]
        return self._scatter(x, phi, filters["psi1"], psi2)

    def _cache_token(self) -> tuple:
        # Tensors made in inference mode cannot be used where autograd records.
        return (torch.is_inference_mode_enabled(),)

    def extra_repr(self) -> str:
        return (f"J={self.J}, shape={self.shape}, Q={self.Q}, T={self.T}, "
                f"max_order={self.max_order}, average={self.average}, "
                f"oversampling={self.oversampling}, out_type={self.out_type!r}, "
                f"learnable={self.learnable}, parametrization={self.parametrization!r}")
