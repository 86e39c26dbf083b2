"""Library-independent part of the 2D scattering frontends."""
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from ...frontend.base_frontend import ScatteringBase, as_int, as_shape
from ..backend import native_backend
from ..core.scattering2d import prepare_filters, scattering2d
from ..filter_bank import filter_bank, fourier_filters, periodize_filter_fft, psi_levels
from ..utils import compute_padding

__all__ = ["ScatteringBase2D"]

# Peak memory of the filter bank's construction (NumPy temporaries, the bank, the
# frontend's own copy) over the bank's size: measured 2.3 (NumPy) to 2.8 (torch).
_CONSTRUCTION_COPIES = 3
# The filters of every resolution together, over those at full resolution (1 + 1/4 + ...).
_ALL_RESOLUTIONS = 4 / 3


class ScatteringBase2D(ScatteringBase):
    """The 2D wavelet scattering transform of images of size ``(M, N)``.

    Parameters
    ----------
    J : int
        Number of scales; the coefficients are sampled every ``2**J`` pixels.
    shape : tuple of int
        ``(M, N)``, the size of the input images. Both must be at least ``2**J``.
    L : int, optional
        Number of wavelet orientations (default 8).
    max_order : int, optional
        Highest scattering order, 1 or 2 (default 2).
    pre_pad : bool, optional
        If True, inputs are already padded to the size given by
        :func:`kymatio.scattering2d.utils.compute_padding` and are not padded again.
    backend : str or backend object, optional
        Defaults to the frontend's own library.
    out_type : str, optional
        ``'array'`` (default): one array ``(..., K, M / 2**J, N / 2**J)``; ``'list'``:
        one dict per coefficient with keys ``coef``, ``j``, ``n``, ``theta``.
    """

    _native_backend = staticmethod(native_backend)
    _sized_by = ("J", "shape", "L")
    _memory_remedy = "lower L or J, or use smaller images (shape)"

    def __init__(self, J: int, shape: Sequence[int], L: int = 8, max_order: int = 2,
                 pre_pad: bool = False, backend: Any = None,
                 out_type: str = "array") -> None:
        self.J, self.shape, self.L = J, shape, L
        self.max_order, self.pre_pad = max_order, pre_pad
        self.backend, self.out_type = backend, out_type

    def build(self) -> None:
        """Check the arguments and prepare padding and backend."""
        self.J = as_int("J", self.J, 1)
        self.L = as_int("L", self.L, 1)
        self.max_order = self._check_max_order(self.max_order)
        self._check_out_type(self.out_type)
        self.M, self.N = as_shape(self.shape, "M, N")
        if 2 ** self.J > self.M or 2 ** self.J > self.N:
            raise RuntimeError(f"The smallest dimension should be larger than 2^J: "
                               f"2**{self.J} = {2 ** self.J} exceeds shape "
                               f"{(self.M, self.N)}; lower J or use larger images.")
        self._M_padded, self._N_padded = compute_padding(self.M, self.N, self.J)
        self._check_memory()
        self.backend = self._resolve_backend(self.backend)
        pad_size = [(self._M_padded - self.M) // 2, (self._M_padded - self.M + 1) // 2,
                    (self._N_padded - self.N) // 2, (self._N_padded - self.N + 1) // 2]
        self.pad = self.backend.Pad(pad_size, [self.M, self.N], pre_pad=self.pre_pad)
        self.unpad = self.backend.unpad

    def _memory_estimate(self) -> Dict[str, float]:
        """The filters (float32, every resolution, with their construction), one
        padded image's spectrum and first-order maps (complex64), one output."""
        J, L, area = self.J, self.L, self._M_padded * self._N_padded
        filters = (J * L + 1) * area * 4 * _ALL_RESOLUTIONS
        return {"filters": filters * _CONSTRUCTION_COPIES,
                "maps per image": (1 + L) * area * 8 * _ALL_RESOLUTIONS,
                "output per image": self.output_size() * (area >> 2 * J) * 4}

    def create_filters(self) -> Tuple[List[np.ndarray], List[List[np.ndarray]]]:
        """The Fourier filters in the core's layout.

        Returns
        -------
        phi : list of ndarray
            Low-pass filter at resolutions ``0 .. J-1``.
        psi : list of lists of ndarray
            ``psi[j][r]``: the ``L`` wavelets of scale ``j`` at resolution ``r``, stacked.
        """
        bank = filter_bank(self._M_padded, self._N_padded, self.J, self.L)
        psi = []
        for j in range(self.J):
            wavelets = bank["psi"][j * self.L:(j + 1) * self.L]
            psi.append([np.stack([w["levels"][r] for w in wavelets])
                        for r in range(len(wavelets[0]["levels"]))])
        return list(bank["phi"]["levels"]), psi

    def meta(self) -> Dict[str, list]:
        """Description of every output coefficient, in output order.

        Returns
        -------
        dict
            ``order`` (0, 1, 2), ``j`` and ``theta`` (tuples of the scales and
            orientation indices along the path), ``n`` (tuple of wavelet indices
            ``j * L + theta``).
        """
        J, L = self.J, self.L
        paths: List[Tuple[Tuple[int, int], ...]] = [()]
        paths += [((j, t),) for j in range(J) for t in range(L)]
        if self.max_order == 2:
            paths += [((j1, t1), (j2, t2)) for j1 in range(J) for t1 in range(L)
                      for j2 in range(j1 + 1, J) for t2 in range(L)]
        return {"order": [len(p) for p in paths],
                "j": [tuple(j for j, _ in p) for p in paths],
                "theta": [tuple(t for _, t in p) for p in paths],
                "n": [tuple(j * L + t for j, t in p) for p in paths]}

    def output_size(self) -> int:
        """Number of scattering coefficients per input channel."""
        J, L = self.J, self.L
        size = 1 + J * L
        if self.max_order == 2:
            size += L * L * J * (J - 1) // 2
        return size

    @property
    def _input_shape(self) -> Tuple[int, int]:
        return (self._M_padded, self._N_padded) if self.pre_pad else (self.M, self.N)

    def _check_spatial_shape(self, x: Any, kind: str) -> None:
        self._check_ndim(x, 2, kind)
        if tuple(x.shape[-2:]) != self._input_shape:
            if self.pre_pad:  # "Padded array", "Padded tensor"
                raise RuntimeError(f"Padded {kind.split()[-1].lower()} must be of spatial "
                                   f"size {self._input_shape} (pre_pad=True: the images "
                                   f"of shape {(self.M, self.N)} padded as "
                                   f"kymatio.scattering2d.utils.compute_padding says), got "
                                   f"{tuple(x.shape[-2:])}.")
            raise RuntimeError(f"{kind} must be of spatial size {self._input_shape}, got "
                               f"{tuple(x.shape[-2:])}.")

    def _initial_state(self) -> Dict[str, np.ndarray]:
        """``{'phi': (M', N'), 'psi': (J, L, M', N')}``: the real Fourier filters at
        full resolution (``M', N'`` the padded size), float32."""
        return fourier_filters(self._M_padded, self._N_padded, self.J, self.L)

    def _prepare_state(self, backend: Any, state: Dict[str, Any]) -> tuple:
        """The prepared ``(phi, psi)`` of :func:`prepare_filters`, the lower resolutions
        periodised from the full-resolution state."""
        J = self.J
        phi = [periodize_filter_fft(state["phi"], r) for r in range(J)]
        psi = [[periodize_filter_fft(state["psi"][j], r) for r in range(psi_levels(j, J))]
               for j in range(J)]
        return prepare_filters(phi, psi, J, backend)

    def _prepare_filters(self, phi: Sequence[Any], psi: Sequence[Sequence[Any]]) -> tuple:
        """The filters of :meth:`create_filters` (as backend arrays) in the core's form."""
        return prepare_filters(phi, psi, self.J, self.backend)

    def _scatter(self, x: Any, phi: Sequence[Any], psi: Sequence[Sequence[Any]]) -> Any:
        """Run the core on ``x`` (..., M, N) with prepared filters and lay the output
        out as ``out_type``."""
        backend = self.backend
        batch_shape = tuple(x.shape[:-2])
        x = backend.reshape(x, (-1,) + tuple(x.shape[-2:]))
        blocks = self._nonempty(x, lambda x: scattering2d(
            x, self.pad, self.unpad, backend, self.J, self.L, phi, psi, self.max_order,
            self.out_type))
        if self.out_type == "list":
            meta = self.meta()
            return self._as_list(blocks, {k: meta[k] for k in ("j", "n", "theta")},
                                 batch_shape, backend)
        S = backend.join(blocks, axis=1)
        return backend.reshape(S, batch_shape + tuple(S.shape[1:]))
