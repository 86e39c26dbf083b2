"""Library-independent part of the 1D scattering frontends."""
import math
import warnings
from numbers import Real
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from ...frontend.base_frontend import ScatteringBase, as_int, as_shape
from ..backend import native_backend
from ..backend.fourier1d import FourierBackend1D
from ..core.prepared_filters import PreparedFilters, prepare_filters
from ..core.scattering1d import ScatteringPlan, plan_scattering1d, scattering1d_blocks
from ..filter_bank import _filter_bank, compute_temporal_support, gauss_1d
from ..utils import (compute_border_indices, compute_meta_scattering, compute_padding,
                     precompute_size_scattering, wavelet_count)

__all__ = ["ScatteringBase1D"]

# Peak memory of the filter bank's construction (the bank, its stacked copies, the
# frontend's own) over the stacked float64 bank: 5.1 measured for J=10, Q=16, N=2**16.
_CONSTRUCTION_COPIES = 6


class ScatteringBase1D(ScatteringBase):
    """The 1D scattering transform: arguments, filters and output layout.

    The scattering transform of a signal :math:`x(t)` is the cascade
    :math:`S^{(0)} x = x \\star \\phi_T`,
    :math:`S^{(1)} x(\\lambda) = |x \\star \\psi_\\lambda| \\star \\phi_T` and
    :math:`S^{(2)} x(\\lambda, \\mu) = ||x \\star \\psi_\\lambda| \\star \\psi_\\mu|
    \\star \\phi_T`, with Morlet wavelets :math:`\\psi` (``Q`` per octave, down to
    scale ``2**J``) and a Gaussian low-pass filter :math:`\\phi_T` of width ``T``.

    The constructor checks the arguments and computes the filters (:meth:`build`,
    :meth:`create_filters`).

    Parameters
    ----------
    J : int
        Largest wavelet scale is ``2**J`` samples.
    shape : int or tuple of one int
        Length ``N`` of the input signals.
    Q : int or tuple of int, optional
        Wavelets per octave: ``Q`` for the first order (the second has 1), or
        ``(Q1, Q2)`` for both orders. Default 1.
    T : int, optional
        Averaging width in samples (``1 <= T <= N``); the output is subsampled by
        ``2**floor(log2(T))``. Default ``2**J``; ``T=0`` disables averaging.
    max_order : int, optional
        1 or 2 (default).
    average : bool, optional
        Deprecated by Kymatio 0.3.0 (use ``T``): ``False`` is the same as ``T=0``.
    oversampling : int, optional
        Subsample the output ``2**oversampling`` times less (default 0).
    out_type : str, optional
        ``'array'`` (default): one array ``(..., C, N_out)``; ``'list'``: one dict per
        coefficient with keys ``coef``, ``j`` and ``n``; ``'dict'``: coefficients keyed
        by their path ``n``. Unaveraged outputs (``T=0``) need ``'list'`` or ``'dict'``.
    backend : str or backend object, optional
        Defaults to the frontend's own library.

    Attributes
    ----------
    phi_f, psi1_f, psi2_f
        The filters, as returned by
        :func:`kymatio.scattering1d.filter_bank.scattering_filter_factory`.
    pad_left, pad_right : int
        Reflect padding of the signal before filtering.
    """

    _native_backend = staticmethod(native_backend)
    _out_types = ("array", "list", "dict")
    _sized_by = ("J", "shape", "Q", "T")
    _memory_remedy = "lower Q or J, or use shorter signals (shape)"
    r_psi = math.sqrt(0.5)
    sigma0 = 0.1
    alpha = 5.

    def __init__(self, J: int, shape: Union[int, Sequence[int]],
                 Q: Union[int, Sequence[int]] = 1, T: Optional[float] = None,
                 max_order: int = 2, average: Optional[bool] = None, oversampling: int = 0,
                 out_type: str = "array", backend: Any = None) -> None:
        self._arguments = dict(J=J, shape=shape, Q=Q, T=T, max_order=max_order,
                               average=average, oversampling=oversampling,
                               out_type=out_type, backend=backend)
        self.J, self.shape, self.Q, self.T = J, shape, Q, T
        self.max_order, self.average, self.oversampling = max_order, average, oversampling
        self.out_type, self.backend = out_type, backend
        if average is not None:
            warnings.warn("The average option is deprecated (Kymatio 0.3.0): use T=None or "
                          "T>=1 to average, T=0 not to.", DeprecationWarning, stacklevel=2)
        self.build()
        self.create_filters()

    # -- arguments ---------------------------------------------------------------
    def _normalise_arguments(self) -> None:
        self.J = as_int("J", self.J)
        Q = self.Q
        if isinstance(Q, tuple):
            if not 1 <= len(Q) <= 2:
                raise NotImplementedError(f"Q must be an int, or a tuple (Q1,) or (Q1, Q2) "
                                          f"(orders above 2 are not implemented); got {Q!r}.")
            Q = Q + (1,) * (2 - len(Q))
        elif isinstance(Q, (list, np.ndarray)) and np.ndim(Q) > 0:
            raise ValueError(f"Q must be an integer or a tuple of integers (Q1,) or (Q1, "
                             f"Q2), got the {type(Q).__name__} {Q!r}; pass tuple(Q).")
        else:
            Q = (Q, 1)
        expected = "an integer or a tuple of integers"
        self.Q = tuple(as_int("Q", q, 1, expected) for q in Q)
        self.shape = as_shape(self.shape, "N")
        self.max_order = self._check_max_order(self.max_order)
        self.oversampling = as_int("oversampling", self.oversampling)

    def _resolve_averaging(self, N: int) -> None:
        T, average = self.T, self.average
        if T is not None and (isinstance(T, (bool, np.bool_)) or not isinstance(T, Real)
                              or not math.isfinite(T)):
            raise ValueError(f"T must be None (the default, 2**J), 0 (no averaging) or a "
                             f"number of samples between 1 and N={N}, got {T!r}.")
        if average is not None and not isinstance(average, (bool, np.bool_)):
            raise ValueError(f"average must be None, True or False, got {average!r}.")
        if T is None:
            self.T, self.average = 2 ** self.J, True if average is None else average
        elif T > N:
            raise ValueError(f"The temporal support T of the low-pass filter cannot exceed "
                             f"the input length (got T={T} > N={N}).")
        elif T == 0:
            if average:
                raise ValueError("average must not be True if T=0 (T=0 means no "
                                 "averaging).")
            self.T, self.average = 2 ** self.J, False
        elif T < 1:
            raise ValueError(f"T must be 0 (no averaging) or >= 1, got {T!r}.")
        elif average is False:
            raise ValueError(f"average=False is not permitted when T>=1 (got T={T}); "
                             f"use T=0 for unaveraged coefficients.")
        else:
            self.average = True

    def _check_runtime_args(self) -> None:
        """Check the attributes a user may change between calls (and make them ints)."""
        max_order = self._check_max_order(self.max_order)
        oversampling = as_int("oversampling", self.oversampling)
        if type(self.max_order) is not int or type(self.oversampling) is not int:
            self.max_order, self.oversampling = max_order, oversampling
        self._check_out_type(self.out_type)
        if not self.average and self.out_type == "array":
            raise ValueError("Cannot convert to out_type='array' with average=False (T=0): "
                             "the coefficients have different lengths. Please set out_type "
                             "to 'dict' or 'list'.")

    def build(self) -> None:
        """Check the arguments and compute padding, crops and backend."""
        self._normalise_arguments()
        N = self.shape[0]
        self._resolve_averaging(N)
        self._check_out_type(self.out_type)
        self.log2_T = math.floor(math.log2(self.T))
        self._check_memory()
        # Pad by three times the low-pass filter's support, but never reflect more
        # than N - 1 samples on a side.
        support = compute_temporal_support(gauss_1d(N, self.sigma0 / self.T)[None],
                                           criterion_amplitude=1e-3)
        log2_padded = min((N + 6 * support - 1).bit_length(), (3 * N - 2).bit_length() - 1)
        self._N_padded = 2 ** log2_padded
        self.pad_left, self.pad_right = compute_padding(self._N_padded, N)
        self.ind_start, self.ind_end = compute_border_indices(
            self.log2_T, self.J, self.pad_left, self.pad_left + N)
        coarsest = max(self.log2_T, self.J) if not self.average else self.log2_T
        if self.ind_end[coarsest] <= self.ind_start[coarsest] or self.J > log2_padded:
            raise ValueError(f"The signal is too short for J={self.J} and T={self.T}: "
                             f"N={N} samples give an empty output at scale 2**J. Use "
                             f"2**J <= N and T <= N (a smaller J or longer signals).")
        self.backend = self._resolve_backend(self.backend)
        self._plans: Dict[Tuple[int, bool, int], ScatteringPlan] = {}

    def _memory_estimate(self) -> Dict[str, float]:
        """The filters (float64, with their construction), one signal's first-order maps
        and output, at the largest padded length the padding may choose."""
        N = self.shape[0]
        padded = 2 ** ((3 * N - 2).bit_length() - 1)
        n1, n2 = (wavelet_count(q, self.J, self.sigma0, self.r_psi) for q in self.Q)
        filters = (n1 + 2 * n2 + 2) * padded * 8
        return {"filters": filters * _CONSTRUCTION_COPIES,
                "maps per signal": (n1 + 1) * padded * 8,
                "output per signal": (1 + n1 + n1 * n2) * (padded >> self.log2_T) * 8}

    def create_filters(self) -> None:
        """Compute the filter bank (``phi_f``, ``psi1_f``, ``psi2_f``) and its stacked
        layout for the core (``_phi``, ``_psi1``, ``_psi2``, NumPy float64)."""
        (self.phi_f, self.psi1_f, self.psi2_f, self._phi, self._psi1, self._psi2,
         self._psi2_rows) = _filter_bank(self._N_padded, self.J, self.Q, self.T, self.r_psi,
                                         None, self.sigma0, self.alpha)
        self._j1s = [psi["j"] for psi in self.psi1_f]
        self._j2s = [psi["j"] for psi in self.psi2_f]

    # -- description -------------------------------------------------------------
    def meta(self) -> Dict[str, Any]:
        """Description of every output coefficient, in output order.

        Returns
        -------
        dict
            See :func:`kymatio.scattering1d.utils.compute_meta_scattering`.
        """
        return compute_meta_scattering(self.J, self.Q, self.T, self.max_order, self.r_psi,
                                       self.sigma0, self.alpha)

    def output_size(self, detail: bool = False) -> Union[int, List[int]]:
        """Number of scattering coefficients per signal.

        Parameters
        ----------
        detail : bool, optional
            If True, return the count of each order instead of the total.

        Returns
        -------
        int or list of int
        """
        sizes = precompute_size_scattering(self.J, self.Q, self.T, self.max_order,
                                           self.r_psi, self.sigma0, self.alpha)
        return sizes if detail else sum(sizes)

    @property
    def N(self) -> int:
        """Deprecated: the signal length (``shape[0]``)."""
        warnings.warn("The attribute N is deprecated; use shape[0].", DeprecationWarning)
        return self.shape[0]

    @property
    def J_pad(self) -> int:
        """Deprecated: log2 of the padded signal length."""
        warnings.warn("The attribute J_pad is deprecated; use len(phi_f['levels'][0]).",
                      DeprecationWarning)
        return int(math.log2(self._N_padded))

    # -- computation -------------------------------------------------------------
    def _check_input(self, x: Any) -> None:
        if x.ndim < 1:
            raise ValueError(f"Input should have at least one axis (the signal), got "
                             f"shape {tuple(x.shape)}.")
        if x.shape[-1] != self.shape[0]:
            raise RuntimeError(f"Input signals must have length {self.shape[0]} (the last "
                               f"axis), got shape {tuple(x.shape)}.")

    def _plan(self) -> ScatteringPlan:
        key = (self.oversampling, bool(self.average), self.max_order)
        if key not in self._plans:
            self._plans[key] = plan_scattering1d(self._j1s, self._j2s, self._psi2_rows,
                                                 self.log2_T, *key)
        return self._plans[key]

    def _cache_token(self) -> Tuple:
        """What, besides the filters themselves, prepared filters depend on."""
        return ()

    def _prepared_filters(self, phi: Sequence[Any], psi1: Any, psi2: Sequence[Any],
                          plan: ScatteringPlan) -> PreparedFilters:
        """:func:`prepare_filters` for these filters, cached while they are unchanged
        (same objects, same in-place version) and do not require grad."""
        arrays = [*phi, psi1, *psi2]
        if any(self.backend.requires_grad(a) for a in arrays):
            return prepare_filters(self.backend, phi, psi1, psi2, plan)
        options = (plan.log2_T, plan.oversampling, plan.average, len(plan.second))
        key = (self._cache_token(), tuple((id(a), getattr(a, "_version", 0))
                                          for a in arrays))
        cache = self.__dict__.setdefault("_prepared_cache", {})
        entry = cache.get(options)
        if entry is None or entry[0] != key:
            # The arrays are kept alive with the entry, so their ids cannot be reused.
            entry = cache[options] = (key, arrays,
                                      prepare_filters(self.backend, phi, psi1, psi2, plan))
        return entry[2]

    def _initial_state(self) -> Dict[str, Any]:
        """``{'phi': [...], 'psi1': (n1, N'), 'psi2': [...]}``: the real Fourier filters
        at every resolution they are used at (``phi[k]``, ``psi2[k]`` at level ``k``)."""
        return {"phi": list(self._phi), "psi1": self._psi1, "psi2": list(self._psi2)}

    def _prepare_state(self, backend: Any, state: Dict[str, Any]) -> tuple:
        """``(phi, psi1, psi2, prepared)``: the arguments of :meth:`_scatter`."""
        phi, psi1, psi2 = state["phi"], state["psi1"], state["psi2"]
        return phi, psi1, psi2, prepare_filters(backend, phi, psi1, psi2, self._plan())

    def _scatter(self, x: Any, phi: Sequence[Any], psi1: Any, psi2: Sequence[Any],
                 prepared: Optional[PreparedFilters] = None) -> Any:
        """Run the core on ``x`` (..., N) and lay the output out as ``out_type``
        (``prepared``: the filters already prepared for :meth:`_plan`, if they are)."""
        self._check_runtime_args()
        backend = self.backend
        batch_shape = tuple(x.shape[:-1])
        plan = self._plan()
        if prepared is None:
            prepared = self._prepared_filters(phi, psi1, psi2, plan)
        blocks = self._nonempty(backend.reshape(x, (-1, x.shape[-1])), lambda x: (
            scattering1d_blocks(x, backend, phi, psi1, psi2, plan, self.pad_left,
                                self.pad_right, self.ind_start, self.ind_end, prepared)))
        positions = [p for _, block_positions in blocks for p in block_positions]
        if self.out_type == "array":
            S = backend.join([block for block, _ in blocks], axis=1)
            if positions != sorted(positions):
                S = backend.take(S, [int(i) for i in np.argsort(positions)], 1)
            return backend.reshape(S, batch_shape + tuple(S.shape[1:]))
        coefficients: List[Any] = [None] * len(positions)
        for block, block_positions in blocks:
            for local, position in enumerate(block_positions):
                coef = block[:, local]
                coefficients[position] = backend.reshape(coef, batch_shape + coef.shape[-1:])
        keys = self.meta()["key"]
        if self.out_type == "dict":
            return dict(zip(keys, coefficients))
        js = [tuple(self._j1s[n] if order == 0 else self._j2s[n] for order, n in
                    enumerate(key)) for key in keys]
        return [{"coef": c, "j": j, "n": n} for c, j, n in zip(coefficients, js, keys)]
