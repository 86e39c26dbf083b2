"""PyTorch frontend of the 1D scattering transform."""
from typing import Any, Optional, Sequence, Union

import torch

from ...frontend.torch_frontend import ScatteringTorch
from .base_frontend import ScatteringBase1D

__all__ = ["ScatteringTorch1D"]


_TORCH_PARAMETERS = """
    learnable : bool, optional
        If True the Fourier filters (every wavelet and low-pass filter at every
        resolution it is used at) are ``nn.Parameter``; if False (default) they are
        buffers and the transform is Kymatio's. Switch later with :meth:`set_learnable`;
        ``state_dict()`` keys are the same in both modes.
"""


class ScatteringTorch1D(ScatteringTorch, ScatteringBase1D):
    __doc__ = ScatteringBase1D.__doc__.rstrip() + "\n" + _TORCH_PARAMETERS

    def __init__(self, J: int, shape: Union[int, Sequence[int]],
                 Q: Union[int, Sequence[int]] = 1, T: Optional[float] = None,
                 max_order: int = 2, average: Optional[bool] = None, oversampling: int = 0,
                 out_type: str = "array", backend: Any = None,
                 learnable: bool = False) -> None:
        ScatteringTorch.__init__(self, learnable)
        ScatteringBase1D.__init__(self, J, shape, Q, T, max_order, average, oversampling,
                                  out_type, backend)
        # Buffers are float32 (as in Kymatio 0.3.0, also after .double()).
        filters = {f"phi_r{k}": level for k, level in enumerate(self._phi)}
        filters["psi1"] = self._psi1
        filters.update({f"psi2_r{k}": level for k, level in enumerate(self._psi2)})
        self.register_filters(filters)
        self._build_filter_cache()

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
                f"learnable={self.learnable}")
