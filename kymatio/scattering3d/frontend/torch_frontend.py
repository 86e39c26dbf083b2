"""PyTorch frontend of the 3D harmonic scattering transform."""
from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np
import torch

from ...frontend.torch_frontend import (LEARNABLE_DOC, ScatteringTorch,
                                       check_parametrization)
from ..core.scattering3d import prepare_filters
from ..torch_filter_bank import (gaussian_fourier, harmonic_basis, morlet_parameters,
                                 solid_harmonic_fourier)
from .base_frontend import _DEFAULT_POWERS, ScatteringBase3D

__all__ = ["HarmonicScatteringTorch3D"]


_TORCH_PARAMETERS = LEARNABLE_DOC + """\
    parametrization : str, optional
        What the filter state is. ``'filters'`` (default): the Fourier filters, ``psi``
        (the solid harmonic wavelets, ``(J + 1, K, M, N, O, 2)``, complex values as
        real pairs) and, with ``method='local'``, ``gaussians`` ``(J + 2, M, N, O)``.
        ``'morlet'`` (named so for symmetry with the 1D and 2D transforms; here no
        Morlet wavelet is involved): the Gaussian widths the filters are made of,
        ``psi_sigma`` ``(J + 1,)`` (initially ``sigma_0 * 2**j``, the width in space of
        the wavelets of scale ``j``) and, with ``method='local'``, ``phi_sigma``
        ``(J + 2,)``, the widths of the low-pass Gaussians (the first is unused, as its
        Gaussian in ``'filters'``). The filters are rebuilt from them at each call,
        solid harmonics times Gaussians in Fourier
        (:func:`kymatio.scattering3d.torch_filter_bank.solid_harmonic_fourier`). The
        widths stay in ``(sigma_0 / 4, 4 max(S, sigma_0 2**(J + 1)))`` whatever the
        optimizer does (``S`` the largest side of the volume; see
        :meth:`morlet_parameters`, :meth:`set_morlet_parameters`,
        :meth:`morlet_parameter_bounds`).
"""


class HarmonicScatteringTorch3D(ScatteringTorch, ScatteringBase3D):
    __doc__ = ScatteringBase3D.__doc__.rstrip() + "\n" + _TORCH_PARAMETERS

    def __init__(self, J: int, shape: Sequence[int], L: int = 3, sigma_0: float = 1,
                 max_order: int = 2, rotation_covariant: bool = True,
                 method: str = "integral", points: Optional[Any] = None,
                 integral_powers: Sequence[float] = _DEFAULT_POWERS,
                 backend: Any = None, learnable: bool = False,
                 parametrization: str = "filters") -> None:
        self._initially_learnable = learnable
        self.parametrization = check_parametrization(parametrization)
        ScatteringBase3D.__init__(self, J, shape, L, sigma_0, max_order, rotation_covariant,
                                  method, points, integral_powers, backend)

    def _prepare(self) -> None:
        ScatteringTorch.__init__(self, self._initially_learnable)

    def _set_filters(self, filters: Dict[str, np.ndarray]) -> None:
        # Complex filters are stored as real (..., 2) buffers so that .double() and
        # .to(dtype) convert them like every other buffer.
        if self.parametrization == "morlet":
            basis, self._degrees, squared_frequencies = harmonic_basis(
                self.M, self.N, self.O, self.L, self.rotation_covariant)
            # Fixed tensors, not state: rebuilt by the constructor, never saved.
            self.register_buffer("harmonic_basis", basis, persistent=False)
            self.register_buffer("squared_frequencies", squared_frequencies,
                                 persistent=False)
            widest = 4.0 * max(self.M, self.N, self.O, self.sigma_0 * 2 ** (self.J + 1))
            self._register_morlet_parameters(
                morlet_parameters(self.J, self.sigma_0, "gaussians" in filters),
                dict.fromkeys(("psi_sigma", "phi_sigma") if "gaussians" in filters
                              else ("psi_sigma",), (self.sigma_0 / 4, widest)))
            return
        psi = filters["psi"]
        self.register_filters({**filters, "psi": np.stack([psi.real, psi.imag], axis=-1)})

    def _memory_estimate(self) -> Dict[str, float]:
        parts = super()._memory_estimate()
        if self.parametrization == "morlet":  # harmonic basis, Gaussians, products
            parts["Morlet rebuild"] = parts["filters"]
        return parts

    def scattering(self, x: torch.Tensor) -> torch.Tensor:
        """Scattering coefficients of ``x``.

        Parameters
        ----------
        x : Tensor, shape (..., M, N, O), of the module's dtype and device

        Returns
        -------
        Tensor, shape (..., n_paths, L + 1, Q), of the input's dtype
        """
        self._check_tensor(x)
        self._check_spatial_shape(x)
        filters = self.filter_tensors()
        psi, paired = (torch.view_as_complex(filters[name]) for name in ("psi", "paired"))
        return self._scatter(x, (psi, paired), filters.get("gaussians"))

    def _derive_filters(self, state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """The Fourier filters (rebuilt from the widths with ``'morlet'``) plus
        ``paired``: the wavelets split into the spectra of their real and imaginary
        parts (see :func:`~kymatio.scattering3d.core.scattering3d.prepare_filters`),
        complex values as real ``(..., 2)`` tensors."""
        if self.parametrization == "morlet":
            state = self._morlet_filters(self._natural_state(state))
        _, paired = prepare_filters(torch.view_as_complex(state["psi"]), self.backend)
        return {**state, "paired": torch.view_as_real(paired)}

    def _morlet_filters(self, state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``psi`` (and ``gaussians``) rebuilt from the widths."""
        squared_frequencies = self.squared_frequencies
        psi = solid_harmonic_fourier(self.harmonic_basis, self._degrees, squared_frequencies,
                                     state["psi_sigma"])
        filters = {"psi": torch.view_as_real(psi)}
        if "phi_sigma" in state:
            filters["gaussians"] = gaussian_fourier(squared_frequencies, state["phi_sigma"])
        return filters

    def _apply(self, fn: Callable, recurse: bool = True) -> "HarmonicScatteringTorch3D":
        # Derive the filters again in the new dtype rather than casting the cached
        # ones: their float32 rounding would show in float64.
        super()._apply(fn, recurse)
        self._filter_cache = None
        return self

    def extra_repr(self) -> str:
        return (f"{self._describe()}, learnable={self.learnable}, "
                f"parametrization={self.parametrization!r}")
