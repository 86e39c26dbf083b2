"""PyTorch frontend of the 2D scattering transform."""
from typing import Any

import torch

from ...frontend.torch_frontend import ScatteringTorch
from .base_frontend import ScatteringBase2D

__all__ = ["ScatteringTorch2D"]


class ScatteringTorch2D(ScatteringTorch, ScatteringBase2D):
    __doc__ = ScatteringBase2D.__doc__

    def __init__(self, J: int, shape, L: int = 8, max_order: int = 2, pre_pad: bool = False,
                 backend: Any = None, out_type: str = "array") -> None:
        ScatteringTorch.__init__(self)
        ScatteringBase2D.__init__(self, J, shape, L, max_order, pre_pad, backend, out_type)
        self.build()
        phi, psi = self.create_filters()
        filters = {f"phi_r{r}": level for r, level in enumerate(phi)}
        for j, levels in enumerate(psi):
            filters.update({f"psi_j{j}_r{r}": level for r, level in enumerate(levels)})
        self.register_filters(filters)
        self._psi_levels = [len(levels) for levels in psi]

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
        psi = [[filters[f"psi_j{j}_r{r}"] for r in range(n)]
               for j, n in enumerate(self._psi_levels)]
        return self._scatter(x, *self._prepare_filters(phi, psi))

    def extra_repr(self) -> str:
        return (f"J={self.J}, shape={(self.M, self.N)}, L={self.L}, "
                f"max_order={self.max_order}, pre_pad={self.pre_pad}, "
                f"out_type={self.out_type!r}")
