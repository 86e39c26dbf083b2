"""Library-independent part of the 3D harmonic scattering frontends."""
import math
from numbers import Real
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...frontend.base_frontend import ScatteringBase, as_int, as_shape
from ..backend import native_backend
from ..core.scattering3d import prepare_filters, scattering3d, scattering_paths, unpack_slots
from ..filter_bank import gaussian_filter_bank, harmonic_filters

__all__ = ["ScatteringBase3D"]

_DEFAULT_POWERS = (0.5, 1., 2.)
# Peak memory of the filters' construction (harmonics in double precision, the bank, its
# paired form, the frontend's own copy) over the complex64 bank: 3.4 measured (J=2, L=2,
# 64**3).
_CONSTRUCTION_COPIES = 4


def _power(x: Any, q: float, backend: Any) -> Any:
    """``x ** q`` for moduli ``x >= 0``, with the cheaper special cases and finite
    gradients at 0: for ``q < 1``, where ``x ** q`` has an infinite derivative at 0, it
    is ``sqrt(...sqrt(x)) ** (q 2**k)`` with ``q 2**k >= 1`` (``backend.sqrt`` has the
    derivative 0 at 0), e.g. ``sqrt(x)`` for ``q = 0.5``."""
    if q == 2:
        return x * x
    while q < 1:
        x, q = backend.sqrt(x), 2 * q
    return x if q == 1 else x ** q


class ScatteringBase3D(ScatteringBase):
    """Arguments, filters and output layout of the 3D solid harmonic scattering.

    The transform (Eickenberg et al., 2017) filters a volume with solid harmonic
    wavelets ``psi_{j, l, m}`` of widths ``sigma_0 * 2**j`` and degrees ``l``, takes
    the rotation-covariant modulus ``sqrt(sum_m |x * psi_{j,l,m}|^2)``, repeats once
    with a coarser scale (second order) and reduces every modulus to a few numbers.

    Parameters
    ----------
    J : int
        Largest scale (scales ``0 .. J``).
    shape : tuple of int
        ``(M, N, O)``, the size of the input volumes.
    L : int, optional
        Largest degree ``l`` of the harmonics (default 3, i.e. ``l = 0 .. 3``).
    sigma_0 : float, optional
        Width of the wavelets at scale 0, in voxels (default 1).
    max_order : int, optional
        Highest scattering order, 1 or 2 (default 2).
    rotation_covariant : bool, optional
        If True (default) the moduli are ``sqrt(sum_m |x * psi_{j,l,m}|^2)``, which
        commute with rotations; if False, ``|x * psi_{j,l,-l}|``.
    method : str, optional
        ``'integral'`` (default): the coefficients are the sums over space of the
        moduli raised to each of ``integral_powers``. ``'local'``: the moduli are
        low-passed by a Gaussian of width ``sigma_0 * 2**(j + 1)`` (``j`` the path's
        last scale) and sampled at ``points`` (Kymatio 0.2's local method; Kymatio 0.3.0
        has only ``'integral'``).
    points : array-like, optional
        For ``method='local'`` only: voxel coordinates, shape ``(P, 3)`` (shared by all
        volumes) or ``(B, P, 3)`` (one set per volume of a batch of ``B``); they are
        truncated to integers and must lie inside ``shape``.
    integral_powers : sequence of float, optional
        Exponents of the integrals (default ``(0.5, 1., 2.)``); ``'integral'`` only.
    backend : str or backend object, optional
        Defaults to the frontend's own library.

    Notes
    -----
    The output has shape ``(..., n_paths, L + 1, Q)`` with ``n_paths = J + 1`` (order
    1) plus ``J (J + 1) / 2`` (order 2, pairs ``j1 < j2``) and ``Q`` the number of
    integral powers (or of points), in the input's precision (Kymatio 0.3.0 always
    returns float32).
    """

    _native_backend = staticmethod(native_backend)
    methods = ("integral", "local")
    _sized_by = ("J", "shape", "L")
    _memory_remedy = "lower L or J, or use smaller volumes (shape)"

    def __init__(self, J: int, shape: Sequence[int], L: int = 3, sigma_0: float = 1,
                 max_order: int = 2, rotation_covariant: bool = True,
                 method: str = "integral", points: Optional[Any] = None,
                 integral_powers: Sequence[float] = _DEFAULT_POWERS,
                 backend: Any = None) -> None:
        self._prepare()
        self.J, self.shape, self.L, self.sigma_0 = J, shape, L, sigma_0
        self.max_order, self.rotation_covariant = max_order, rotation_covariant
        self.method, self.points = method, points
        self.integral_powers, self.backend = integral_powers, backend
        self.build()
        self._set_filters(self.create_filters())

    def _prepare(self) -> None:
        """Hook run before the arguments are stored (the torch frontend sets up its
        ``nn.Module`` here)."""

    def _set_filters(self, filters: Dict[str, np.ndarray]) -> None:
        """Keep the filters of :meth:`create_filters` in the frontend's array type."""
        raise NotImplementedError

    def build(self) -> None:
        """Check the arguments and resolve the backend."""
        self.J = as_int("J", self.J)
        self.L = as_int("L", self.L)
        self.max_order = self._check_max_order(self.max_order)
        self.M, self.N, self.O = as_shape(self.shape, "M, N, O")
        if (isinstance(self.sigma_0, bool) or not isinstance(self.sigma_0, Real)
                or not 0 < self.sigma_0 < math.inf):
            raise ValueError(f"sigma_0 must be a positive number, got {self.sigma_0!r}.")
        if not isinstance(self.rotation_covariant, bool):
            raise ValueError(f"rotation_covariant must be True or False, got "
                             f"{self.rotation_covariant!r}.")
        if self.method not in self.methods:
            raise ValueError(f"method must be one of {list(self.methods)}, got "
                             f"{self.method!r}.")
        self._check_integral_powers()
        if self.method != "local" and self.points is not None:
            raise ValueError("points is only used by method='local'; pass method='local' "
                             "or leave points=None.")
        self._points = self._check_points() if self.method == "local" else None
        self._check_memory()
        self.backend = self._resolve_backend(self.backend)

    def _check_integral_powers(self) -> None:
        powers = self.integral_powers
        if not isinstance(powers, (Sequence, np.ndarray)) or isinstance(powers, (str, bytes)) \
                or np.ndim(powers) != 1 or len(powers) == 0 or not all(
                isinstance(p, Real) and not isinstance(p, bool) and 0 < p < math.inf
                for p in powers):
            raise ValueError(f"integral_powers must be a non-empty sequence of positive "
                             f"numbers, got {powers!r}.")
        if self.method == "local" and tuple(powers) != _DEFAULT_POWERS:
            raise ValueError("integral_powers is only used by method='integral'; leave "
                             "it at its default with method='local'.")

    def _check_points(self) -> np.ndarray:
        if self.points is None:
            raise ValueError("method='local' needs points: voxel coordinates of shape "
                             "(P, 3) or (B, P, 3).")
        try:
            points = np.asarray(self.points, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"points must be an array of numbers of shape (P, 3) or "
                             f"(B, P, 3), got {self.points!r}.") from None
        if points.ndim not in (2, 3) or points.shape[-1] != 3 or points.shape[-2] == 0:
            raise ValueError(f"points must have shape (P, 3) or (B, P, 3) with P >= 1, "
                             f"got shape {points.shape}.")
        index = np.trunc(points)
        if not (np.all(index >= 0) and np.all(index < (self.M, self.N, self.O))):
            raise ValueError(f"points must lie inside the volume [0, {self.M}) x "
                             f"[0, {self.N}) x [0, {self.O}).")
        return index.astype(np.int64)

    def _memory_estimate(self) -> Dict[str, float]:
        """The wavelets (complex64, with their construction and paired form), one
        volume's spectra and moduli in the forward pass."""
        degrees = self.L + 1
        harmonics = degrees * degrees if self.rotation_covariant else degrees
        volume = self.M * self.N * self.O
        filters = (self.J + 1) * harmonics * volume * 8
        parts = {"filters": filters * _CONSTRUCTION_COPIES,
                 "maps per volume": (3 * degrees + 2) * volume * 8}
        if self.method == "local":
            parts["low-pass filters"] = 2 * (self.J + 2) * volume * 4
        return parts

    def create_filters(self) -> Dict[str, np.ndarray]:
        """The Fourier filters in the core's layout.

        Returns
        -------
        dict
            ``'psi'``: complex64 ``(J + 1, K, M, N, O)`` (see
            :func:`kymatio.scattering3d.filter_bank.harmonic_filters`); with
            ``method='local'`` also ``'gaussians'``: float32 ``(J + 2, M, N, O)``.
        """
        filters = {"psi": harmonic_filters(self.M, self.N, self.O, self.J, self.L,
                                           self.sigma_0, self.rotation_covariant)}
        if self.method == "local":
            gaussians = gaussian_filter_bank(self.M, self.N, self.O, self.J + 1,
                                             self.sigma_0)
            filters["gaussians"] = np.ascontiguousarray(gaussians.real)
        return filters

    def _prepare_state(self, backend: Any, state: Dict[str, Any]) -> Tuple[Any, Any]:
        """The wavelets in the two forms of :func:`prepare_filters`, from the state
        ``{'psi': (J + 1, K, M, N, O)}`` (the ``'psi'`` of :meth:`create_filters`)."""
        return prepare_filters(state["psi"], backend)

    def paths(self) -> List[Tuple[int, ...]]:
        """The scale paths of the output's second-to-last-but-one axis, in order:
        ``(j1,)`` then ``(j1, j2)`` with ``j1 < j2``."""
        return scattering_paths(self.J, self.max_order)

    def output_shape(self) -> Tuple[int, int, int]:
        """``(n_paths, L + 1, Q)``, the shape of the coefficients of one volume."""
        last = len(self.integral_powers) if self._points is None else self._points.shape[-2]
        return (len(self.paths()), self.L + 1, last)

    def _check_spatial_shape(self, x: Any) -> None:
        # Kymatio 0.3.0's 3D frontends all say "tensor", whatever the array type.
        self._check_ndim(x, 3, "tensor")
        if tuple(x.shape[-3:]) != (self.M, self.N, self.O):
            raise RuntimeError(f"Tensor must be of spatial size {(self.M, self.N, self.O)}, "
                               f"got {tuple(x.shape[-3:])}.")

    def _averaging(self, batch: int, gaussians: Any) -> Callable:
        """The core's ``averaging(U, js, members)`` for this transform's method."""
        backend = self.backend
        if self.method == "integral":
            powers = self.integral_powers

            def integrals(U: Any, js: Sequence[int], members: Sequence[int]) -> Any:
                shape = tuple(U.shape)
                flat = backend.reshape(U, shape[:-4] + (int(np.prod(shape[-4:-1])), shape[-1]))
                sums = [backend.reduce_sum(_power(flat, q, backend), -2) for q in powers]
                return unpack_slots(backend.concatenate(sums, axis=-2), backend)
            return integrals
        points = self._points
        if points.ndim == 3 and points.shape[0] != batch:
            raise RuntimeError(f"points holds {points.shape[0]} sets of points but the "
                               f"input has {batch} volumes.")
        flat_points = ((points[..., 0] * self.N + points[..., 1]) * self.O + points[..., 2])
        flat_index = flat_points.reshape(-1, points.shape[-2])
        if len(flat_index) == 0:
            # an empty batch with one set of points per volume runs on one zero volume,
            # sampled anywhere: its rows are dropped
            flat_index = np.zeros((1, points.shape[-2]), np.int64)
        volume = self.M * self.N * self.O

        # The real part of a low-passed real volume is the volume filtered by the even
        # part of the sampled Gaussian (the grid of an odd size is not symmetric); that
        # filter is real and even, so low-passing a pair a + ib gives both at once.
        gaussians = (gaussians + backend.negate_frequencies(gaussians)) * 0.5

        def local(U: Any, js: Sequence[int], members: Optional[Sequence[int]]) -> Any:
            if members is None:
                raise RuntimeError("method='local' needs the batch size: give the graph's "
                                   "input a batch axis of known size.")
            n, P, degrees, width = U.shape[0], U.shape[1], U.shape[2], U.shape[-1]
            pairs = (backend.pairs_as_complex(U) if width == 2
                     else backend.make_complex(U[..., 0]))
            lowpass = backend.take(gaussians, [j + 1 for j in js], 0)[:, None]
            smooth = backend.complex_as_pairs(backend.ifft(backend.cdgmm(
                backend.fft(pairs), lowpass)))[..., :width]      # (n, P, L+1, M, N, O, w)
            smooth = unpack_slots(smooth, backend)
            smooth = backend.swapaxes(backend.reshape(smooth, (n * width, P * degrees, -1)),
                                      1, 2)                       # (n w, M N O, P (L+1))
            # The points of each volume, as rows of the volumes stacked: one gather.
            index = np.concatenate([flat_index[m % len(flat_index)] + i * volume
                                    for i, m in enumerate(members)])
            sampled = backend.take(backend.reshape(smooth, (-1, P * degrees)),
                                   index.tolist(), 0)
            sampled = backend.swapaxes(backend.reshape(sampled, (n * width, -1, P * degrees)),
                                       1, 2)
            return backend.reshape(sampled, (n * width, P, degrees, -1))
        return local

    def _scatter(self, x: Any, filters: Tuple[Any, Any], gaussians: Any = None) -> Any:
        """Run the core on ``x`` (..., M, N, O); output (..., n_paths, L + 1, Q).

        ``filters`` are the wavelets in the input's precision, as returned by
        :func:`~kymatio.scattering3d.core.scattering3d.prepare_filters`.
        """
        backend = self.backend
        batch_shape = tuple(x.shape[:-3])
        x = backend.reshape(x, (-1, self.M, self.N, self.O))
        averaging = self._averaging(x.shape[0], gaussians)
        S = self._nonempty(x, lambda x: scattering3d(
            x, filters, self.rotation_covariant, self.L, self.J, self.max_order, backend,
            averaging))
        return backend.reshape(S, batch_shape + tuple(S.shape[1:]))

    def _describe(self) -> str:
        return (f"J={self.J}, shape={(self.M, self.N, self.O)}, L={self.L}, "
                f"sigma_0={self.sigma_0}, max_order={self.max_order}, "
                f"rotation_covariant={self.rotation_covariant}, method={self.method!r}")
