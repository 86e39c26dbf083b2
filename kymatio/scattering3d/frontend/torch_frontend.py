"""PyTorch frontend of the 3D harmonic scattering transform."""
from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np
import torch

from ...frontend.torch_frontend import ScatteringTorch
from ..core.scattering3d import prepare_filters
from .base_frontend import _DEFAULT_POWERS, ScatteringBase3D

__all__ = ["HarmonicScatteringTorch3D"]


_TORCH_PARAMETERS = """
    learnable : bool, optional
        If True the Fourier filters (the solid harmonic wavelets, and the Gaussian
        filters of ``method='local'``) are ``nn.Parameter``; if False (default) they are
        buffers and the transform is Kymatio's. Switch later with :meth:`set_learnable`;
        ``state_dict()`` keys are the same in both modes.
"""


class HarmonicScatteringTorch3D(ScatteringTorch, ScatteringBase3D):
    __doc__ = ScatteringBase3D.__doc__.rstrip() + "\n" + _TORCH_PARAMETERS

    def __init__(self, J: int, shape: Sequence[int], L: int = 3, sigma_0: float = 1,
                 max_order: int = 2, rotation_covariant: bool = True,
                 method: str = "integral", points: Optional[Any] = None,
                 integral_powers: Sequence[float] = _DEFAULT_POWERS,
                 backend: Any = None, learnable: bool = False) -> None:
        self._initially_learnable = learnable
        ScatteringBase3D.__init__(self, J, shape, L, sigma_0, max_order, rotation_covariant,
                                  method, points, integral_powers, backend)

    def _prepare(self) -> None:
        ScatteringTorch.__init__(self, self._initially_learnable)

    def _set_filters(self, filters: Dict[str, np.ndarray]) -> None:
        # Complex filters are stored as real (..., 2) buffers so that .double() and
        # .to(dtype) convert them like every other buffer.
        psi = filters["psi"]
        self.register_filters({**filters, "psi": np.stack([psi.real, psi.imag], axis=-1)})

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
        self._check_spatial_shape(x, "Tensor")
        filters = self.filter_tensors()
        psi, paired = (torch.view_as_complex(filters[name]) for name in ("psi", "paired"))
        return self._scatter(x, (psi, paired), filters.get("gaussians"))

    def _derive_filters(self, state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """The stored filters plus ``paired``: the wavelets split into the spectra of
        their real and imaginary parts (see
        :func:`~kymatio.scattering3d.core.scattering3d.prepare_filters`), as a real
        ``(..., 2)`` tensor."""
        _, paired = prepare_filters(torch.view_as_complex(state["psi"]), self.backend)
        return {**state, "paired": torch.view_as_real(paired)}

    def _apply(self, fn: Callable, recurse: bool = True) -> "HarmonicScatteringTorch3D":
        # Derive the filters again in the new dtype rather than casting the cached
        # ones: their float32 rounding would show in float64.
        super()._apply(fn, recurse)
        self._filter_cache = None
        return self

    def extra_repr(self) -> str:
        return f"{self._describe()}, learnable={self.learnable}"
