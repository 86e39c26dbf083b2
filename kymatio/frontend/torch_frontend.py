"""PyTorch-specific part of the scattering frontends: an ``nn.Module`` base that owns
filter registration, fixed or learnable.

Learnable filters
-----------------
A transform stores a few named tensors (its *filter state*: Fourier filters, or the
parameters they are built from). Each is registered on the module either as a buffer
(``learnable=False``: no gradient, not in ``.parameters()``, ignored by optimizers) or as
an ``nn.Parameter`` (``learnable=True``); both kinds appear in ``state_dict()`` under the
same name, so a checkpoint saved in one mode loads in the other, and
:meth:`ScatteringTorch.set_learnable` switches the kind at run time, keeping values,
dtype and device.

What the core consumes may be *derived* from the state (a subclass overrides
:meth:`ScatteringTorch._derive_filters`; the default is the identity), e.g. the
periodised lower-resolution copies of a filter. When no stored tensor needs a gradient,
the derived filters are computed once and cached; the cache follows ``.to()`` /
``.double()`` and is rebuilt when a stored tensor is replaced or modified in place
(``load_state_dict``, an optimizer step, a manual edit). When gradients are needed they
are derived at every call, differentiably.

Morlet parameters
-----------------
With ``parametrization='morlet'`` the state holds the parameters of analytic filters
(widths, centre frequencies, ...). Each constrained one is stored as a raw value mapped
onto its valid domain (:class:`~kymatio.frontend.parameter_domain.Interval`), equal to
the natural value on an identity region that holds the initial values: the initial
filters are unchanged, and no optimizer step can leave the domain.
:meth:`ScatteringTorch.morlet_parameters` reads the parameters in natural units,
:meth:`ScatteringTorch.set_morlet_parameters` writes them, and
:meth:`ScatteringTorch.morlet_parameter_bounds` gives each domain.
"""
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple, Union

import numpy as np
import torch
from torch import nn

from .base_frontend import ScatteringBase
from .parameter_domain import Interval

__all__ = ["ScatteringTorch", "PARAMETRIZATIONS", "HALF_DTYPES", "check_parametrization",
           "LEARNABLE_DOC"]

Filters = Dict[str, torch.Tensor]

#: What a transform's filter state may be: the Fourier filters themselves, or the
#: parameters of the analytic filters they are rebuilt from at each call.
PARAMETRIZATIONS = ("filters", "morlet")

#: Half-precision input dtypes, which the transforms refuse (torch has no half FFT on CPU).
HALF_DTYPES = (torch.float16, torch.bfloat16)

#: The ``learnable`` entry of the torch frontends' Parameters sections.
LEARNABLE_DOC = """
    learnable : bool, optional
        If True the filter state is a set of ``nn.Parameter`` (gradients flow to it);
        if False (default) it is a set of buffers and the transform is Kymatio's.
        Switch later with :meth:`set_learnable`; ``state_dict()`` keys are the same in
        both modes.
"""


def check_parametrization(parametrization: str) -> str:
    """Return ``parametrization`` if it is one of :data:`PARAMETRIZATIONS`.

    Raises
    ------
    ValueError
        Naming the allowed values otherwise.
    """
    if parametrization not in PARAMETRIZATIONS:
        raise ValueError(f"parametrization must be one of {list(PARAMETRIZATIONS)}, "
                         f"got {parametrization!r}.")
    return parametrization


class ScatteringTorch(nn.Module, ScatteringBase):
    """Base of the PyTorch frontends.

    Parameters
    ----------
    learnable : bool, optional
        Register the filter state as ``nn.Parameter`` (True) or as buffers (False,
        default).
    """

    frontend_name = "torch"

    def __init__(self, learnable: bool = False) -> None:
        super().__init__()
        self._filter_names: List[str] = []
        self.learnable = bool(learnable)
        self._filter_cache: Optional[Filters] = None
        self._cache_sources: Tuple[Tuple[torch.Tensor, int], ...] = ()

    # ------------------------------------------------------------------ registration

    def register_filters(self, filters: Mapping[str, Union[np.ndarray, torch.Tensor]]
                         ) -> None:
        """Register filter state tensors, keeping their order.

        Each is a buffer or an ``nn.Parameter`` according to :attr:`learnable`.

        Parameters
        ----------
        filters : mapping of str to ndarray or Tensor
            Name (a valid attribute name) to real values; NumPy arrays become float32
            tensors, tensors are registered as they are.
        """
        for name, values in filters.items():
            if isinstance(values, np.ndarray):
                values = torch.from_numpy(np.ascontiguousarray(values)).to(torch.float32)
            self._register_filter(name, values, self.learnable)
            if name not in self._filter_names:
                self._filter_names.append(name)
        self._filter_cache = None

    def _register_filter(self, name: str, tensor: torch.Tensor, learnable: bool) -> None:
        self._parameters.pop(name, None)
        self._buffers.pop(name, None)
        if learnable:
            self.register_parameter(name, nn.Parameter(tensor.detach()))
        else:
            self.register_buffer(name, tensor.detach())

    def set_learnable(self, learnable: bool = True) -> "ScatteringTorch":
        """Register the filter state as parameters (True) or buffers (False).

        Values, dtype and device are kept (the new tensors share memory with the old
        ones); ``state_dict()`` keys do not change. Optimizers built before the switch
        still refer to the old parameter objects: build them again after switching.

        Parameters
        ----------
        learnable : bool, optional
            The new mode (default True).

        Returns
        -------
        ScatteringTorch
            ``self``, for chaining.
        """
        for name in self._filter_names:
            self._register_filter(name, getattr(self, name), learnable)
        self.learnable = bool(learnable)
        self._filter_cache = None
        return self

    def filter_parameters(self) -> Iterator[Tuple[str, nn.Parameter]]:
        """The learnable filter parameters with their names.

        Empty when the transform is fixed. Like ``named_parameters()``, it can be given
        to a torch optimizer, or as ``[p for _, p in S.filter_parameters()]`` to a
        parameter group with its own learning rate.

        Yields
        ------
        (str, Parameter)
        """
        for name in self._filter_names:
            if name in self._parameters:
                yield name, self._parameters[name]

    def filter_state(self) -> Filters:
        """The stored filter tensors (buffers or parameters) by name."""
        return {name: getattr(self, name) for name in self._filter_names}

    # ------------------------------------------------------------------ Morlet parameters

    def _register_morlet_parameters(self, values: Mapping[str, torch.Tensor],
                                    bounds: Mapping[str, Tuple[float, float]]) -> None:
        """Register the initial Morlet parameters ``values`` (natural units), those named
        in ``bounds`` constrained to their ``(lower, upper)`` (see the module
        description); the others (e.g. orientations) are unconstrained."""
        self._morlet_domains = {name: Interval.around(values[name], *bounds[name])
                                for name in bounds}
        self.register_filters(values)

    def _natural_state(self, state: Filters) -> Filters:
        """``state`` with every constrained raw parameter mapped to its natural value."""
        domains = getattr(self, "_morlet_domains", {})
        return {name: domains[name].natural(t) if name in domains else t
                for name, t in state.items()}

    def _check_morlet(self) -> None:
        if getattr(self, "parametrization", None) != "morlet":
            raise ValueError("Morlet parameters exist only with parametrization='morlet' "
                             "(this transform stores its Fourier filters).")

    def morlet_parameters(self) -> Filters:
        """The Morlet parameters in natural units, by state name.

        Differentiable in the stored (raw) parameters: usable in a loss, e.g. as a
        regulariser. Their meaning and shapes are those of the transform's
        ``parametrization`` documentation.

        Returns
        -------
        dict of str to Tensor

        Raises
        ------
        ValueError
            Unless ``parametrization='morlet'``.
        """
        self._check_morlet()
        return self._natural_state(self.filter_state())

    def morlet_parameter_bounds(self) -> Dict[str, Tuple[float, float]]:
        """The open interval ``(lower, upper)`` of valid values of each constrained
        Morlet parameter (the others, such as orientations, take any value)."""
        self._check_morlet()
        return {name: (d.lower, d.upper) for name, d in self._morlet_domains.items()}

    def set_morlet_parameters(self, **values: Any) -> "ScatteringTorch":
        """Set Morlet parameters from values in natural units, in place.

        The stored raw values become those whose natural values are ``values`` (the
        same, on the identity region); dtype, device, parameter objects and
        ``requires_grad`` are kept, so optimizers built before stay valid.

        Parameters
        ----------
        **values : Tensor, array or number
            State name (see :meth:`morlet_parameters`) to its new values, of the
            stored shape (or broadcastable to it).

        Returns
        -------
        ScatteringTorch
            ``self``, for chaining.

        Raises
        ------
        ValueError
            For an unknown name, a wrong shape, or a value outside its domain
            (:meth:`morlet_parameter_bounds`).
        """
        self._check_morlet()
        state = self.filter_state()
        for name, value in values.items():
            if name not in state:
                raise ValueError(f"Unknown Morlet parameter {name!r}; this transform has "
                                 f"{sorted(state)}.")
            target = state[name]
            value = torch.as_tensor(value, dtype=torch.float64)
            try:
                value = value.expand(target.shape)
            except RuntimeError:
                raise ValueError(f"{name} has shape {tuple(target.shape)}, got values of "
                                 f"shape {tuple(value.shape)}.") from None
            domain = self._morlet_domains.get(name)
            raw = value if domain is None else domain.raw(value, name)
            if not bool(torch.isfinite(raw).all()):
                raise ValueError(f"{name} must be finite.")
            with torch.no_grad():
                target.copy_(raw)
        return self

    # ------------------------------------------------------------------ derived filters

    def _derive_filters(self, state: Filters) -> Filters:
        """The filters the core consumes, computed from the stored state.

        Override in a transform whose stored state is not what its core uses; the
        computation must be differentiable torch code. The default is the identity.
        """
        return state

    def filter_tensors(self) -> Filters:
        """The filters the core consumes, by name, on the module's device and dtype.

        Derived at each call (differentiably) when a stored tensor requires a gradient
        and autograd is enabled; otherwise taken from a cache.
        """
        state = self.filter_state()
        if torch.is_grad_enabled() and any(t.requires_grad for t in state.values()):
            return self._derive_filters(state)
        return self._cached_filters(state)

    def _build_filter_cache(self) -> None:
        """Derive the filters now (in the current dtype) and cache them; call at the end
        of a constructor so that a later ``.double()`` casts the single-precision
        filters, as Kymatio does, instead of deriving them again in double precision."""
        self._cached_filters(self.filter_state())

    @torch.compiler.disable
    def _cached_filters(self, state: Filters) -> Filters:
        if self._filter_cache is None or not self._cache_matches(state):
            with torch.no_grad():
                self._filter_cache = dict(self._derive_filters(state))
            self._cache_sources = tuple((t, t._version) for t in state.values())
        return self._filter_cache

    def _cache_matches(self, state: Filters) -> bool:
        return len(state) == len(self._cache_sources) and all(
            t is source and t._version == version
            for t, (source, version) in zip(state.values(), self._cache_sources))

    def _apply(self, fn: Callable[[torch.Tensor], torch.Tensor],
               recurse: bool = True) -> "ScatteringTorch":
        # Convert a valid cache along with the state (a cast of the cached values, as
        # for buffers) rather than deriving it again in the new dtype.
        cache, old_state = self._filter_cache, self.filter_state()
        valid = cache is not None and self._cache_matches(old_state)
        super()._apply(fn, recurse)
        self._filter_cache, self._cache_sources = None, ()
        if valid:
            new_state = self.filter_state()
            renamed = {id(t): new_state[name] for name, t in old_state.items()}
            self._filter_cache = {key: renamed[id(t)] if id(t) in renamed else fn(t)
                                  for key, t in cache.items()}
            self._cache_sources = tuple((t, t._version) for t in new_state.values())
        return self

    # ------------------------------------------------------------------ calling

    def _check_tensor(self, x: Any) -> None:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"The input should be a torch.Tensor, got {type(x).__name__}; "
                            f"convert it with torch.as_tensor.")
        if not x.is_floating_point():
            raise TypeError(f"The input should be a real floating-point tensor, got dtype "
                            f"{x.dtype}.")
        if x.dtype in HALF_DTYPES:
            raise TypeError(f"The input is {x.dtype}, and half precision is not supported: "
                            f"torch has no half-precision FFT on CPU, and on CUDA only for "
                            f"power-of-two sizes. Use float32 or float64 (x.float() or "
                            f"x.double(), with the transform in that dtype) and cast the "
                            f"output back if needed.")
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

    @staticmethod
    def _zero_signal(x: torch.Tensor) -> torch.Tensor:
        return x.new_zeros((1,) + tuple(x.shape[1:]))

    def forward(self, x: torch.Tensor) -> Any:
        """Apply the transform; see :meth:`scattering`."""
        return self.scattering(x)
