"""PyTorch-specific part of the scattering frontends: an ``nn.Module`` base that owns
filter registration."""
from typing import Any, Dict

import numpy as np
import torch
from torch import nn

from .base_frontend import ScatteringBase

__all__ = ["ScatteringTorch"]


class ScatteringTorch(nn.Module, ScatteringBase):
    """Base of the PyTorch frontends.

    Filters are registered as buffers named after their role, so ``.to(device)``,
    ``.double()`` and ``state_dict()`` handle them like any module state.
    """

    frontend_name = "torch"

    def __init__(self) -> None:
        super().__init__()
        self._filter_names: list = []

    def register_filters(self, filters: Dict[str, np.ndarray]) -> None:
        """Register NumPy filters as float32 buffers, keeping their order.

        Parameters
        ----------
        filters : dict of str to ndarray
            Filter name (a valid attribute name) to real filter values.
        """
        for name, values in filters.items():
            self.register_buffer(name, torch.from_numpy(np.ascontiguousarray(values))
                                 .to(torch.float32))
            self._filter_names.append(name)

    def filter_tensors(self) -> Dict[str, torch.Tensor]:
        """The registered filters by name, on the module's device and dtype."""
        return {name: getattr(self, name) for name in self._filter_names}

    def _check_tensor(self, x: Any) -> None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"The input should be a torch.Tensor, got {type(x).__name__}; "
                            f"convert it with torch.as_tensor.")
        if not x.is_floating_point():
            raise TypeError(f"The input should be a real floating-point tensor, got dtype "
                            f"{x.dtype}.")
        reference = getattr(self, self._filter_names[0])
        if x.dtype != reference.dtype:
            raise TypeError(f"Input and filter must be of the same dtype: input is "
                            f"{x.dtype}, filters are {reference.dtype}. Cast the input or "
                            f"convert the transform with .to({x.dtype}) / .double().")
        if x.device != reference.device:
            raise TypeError(f"Input and filter must be on the same device: input on "
                            f"{x.device}, filters on {reference.device}. Move the transform "
                            f"with .to(device).")
        if not x.is_contiguous():
            raise RuntimeError("Tensors must be contiguous; call .contiguous() on the input.")

    def forward(self, x: torch.Tensor) -> Any:
        """Apply the transform; see :meth:`scattering`."""
        return self.scattering(x)
