"""Conditional flow matching posterior estimator on signal embeddings.

A vector field :math:`v(\\theta_t, t, s(x))` transports a standard normal to the
posterior :math:`p(\\theta \\mid x)` along the linear (rectified, optimal-transport)
path :math:`\\theta_t = (1 - t) z + t \\theta`, :math:`z \\sim N(0, I)`, whose velocity
is :math:`\\theta - z`. Training regresses that velocity; sampling integrates the ODE
from :math:`t = 0` to :math:`1`; densities follow from the instantaneous change of
variables :math:`d \\log p_t / dt = -\\nabla \\cdot v`, with the divergence computed
exactly by automatic differentiation (one backward pass per parameter).
"""
import math
from typing import Callable, Optional

import torch
from torch import nn

from ..frontend.base_frontend import as_int
from ..frontend.memory import check_parameters
from .scalogram import Scalogram
from .encoder import ScalogramEncoder

__all__ = ["ContinuousFlowMatcherTime", "ODE_METHODS"]

#: Fixed-step ODE integrators and their number of vector-field evaluations per step.
ODE_METHODS = {"euler": 1, "midpoint": 2, "rk4": 4}

Field = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _ode_step(field: Field, state: torch.Tensor, t: float, dt: float,
              method: str) -> torch.Tensor:
    def at(time: float) -> torch.Tensor:
        return torch.full((state.shape[0], 1), time, dtype=state.dtype, device=state.device)

    if method == "euler":
        return state + dt * field(state, at(t))
    if method == "midpoint":
        half = state + 0.5 * dt * field(state, at(t))
        return state + dt * field(half, at(t + 0.5 * dt))
    k1 = field(state, at(t))
    k2 = field(state + 0.5 * dt * k1, at(t + 0.5 * dt))
    k3 = field(state + 0.5 * dt * k2, at(t + 0.5 * dt))
    k4 = field(state + dt * k3, at(t + dt))
    return state + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def _random(sample: Callable[..., torch.Tensor], shape: tuple,
            generator: Optional[torch.Generator], like: torch.Tensor) -> torch.Tensor:
    """``sample`` (``torch.randn`` or ``torch.rand``) drawn on the generator's device, so a
    CPU generator also seeds a model on CUDA, then moved to ``like``'s device and dtype."""
    device = generator.device if generator is not None else like.device
    values = sample(shape, generator=generator, dtype=like.dtype, device=device)
    return values.to(like.device)


def _integrate(field: Field, state: torch.Tensor, t_start: float, t_end: float, steps: int,
               method: str) -> torch.Tensor:
    dt = (t_end - t_start) / steps
    for step in range(steps):
        state = _ode_step(field, state, t_start + step * dt, dt, method)
    return state


class _SinusoidalTimeEmbedding(nn.Module):
    """Sines and cosines of ``t`` at frequencies spaced geometrically from 1 to 100."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        if dim < 2 or dim % 2:
            raise ValueError(f"time_embedding_dim must be an even integer >= 2, got {dim}")
        self.dim = dim
        frequencies = torch.exp(torch.linspace(0.0, math.log(100.0), dim // 2))
        self.register_buffer("frequencies", math.pi * frequencies, persistent=False)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        angles = t * self.frequencies.to(t.dtype)
        return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class ContinuousFlowMatcherTime(nn.Module):
    """Flow-matching estimator of the posterior of ``param_dim`` parameters given signals.

    The observation ``x`` goes through ``scalogram`` (if given) and ``encoder`` to a
    signal embedding; an MLP on the standardised parameters ``theta_t``, a sinusoidal
    embedding of the flow time ``t`` and the (layer-normalised) signal embedding gives
    the velocity. Parameters are standardised with statistics set by
    :meth:`fit_standardization`; :meth:`sample` and :meth:`log_prob` work in the original
    units.

    Parameters
    ----------
    param_dim : int
        Number of parameters.
    signal_embedding_dim : int, optional
        Size of the signal embedding.
    kernel : {'symmetric', 'asymmetric'} or None, optional
        Kernels of the default :class:`ScalogramEncoder` (``None``: ``'symmetric'``);
        must be ``None`` when ``encoder`` is given.
    encoder_width : float, optional
        Channel multiplier of the default encoder.
    encoder : nn.Module, optional
        Replaces the default encoder; maps (scalogram) inputs to
        ``(batch, signal_embedding_dim)``.
    scalogram : Scalogram, optional
        If given, observations are raw signals ``(batch, n_times)`` turned into images
        by it; otherwise they are the encoder's inputs (e.g. precomputed scalograms).
    hidden_dim : int, optional
        Width of the vector-field MLP.
    num_layers : int, optional
        Hidden layers of the vector-field MLP.
    time_embedding_dim : int, optional
        Size of the sinusoidal embedding of ``t`` (even).

    Examples
    --------
    >>> model = ContinuousFlowMatcherTime(3, 32, kernel="asymmetric", encoder_width=0.125,
    ...                                   scalogram=Scalogram(n_times=512, J=5, Q=4))
    >>> x, theta = torch.randn(8, 512), torch.rand(8, 3)
    >>> model.fit_standardization(theta)
    >>> model.loss(theta, x).backward()
    >>> model.sample(x[:2], num_samples=100, steps=8).shape
    torch.Size([2, 100, 3])
    """

    def __init__(self, param_dim: int, signal_embedding_dim: int = 512, *,
                 kernel: Optional[str] = None, encoder_width: float = 1.0,
                 encoder: Optional[nn.Module] = None, scalogram: Optional[Scalogram] = None,
                 hidden_dim: int = 256, num_layers: int = 3,
                 time_embedding_dim: int = 64) -> None:
        super().__init__()
        param_dim = as_int("param_dim", param_dim, 1)
        signal_embedding_dim = as_int("signal_embedding_dim", signal_embedding_dim, 1)
        hidden_dim = as_int("hidden_dim", hidden_dim, 1)
        num_layers = as_int("num_layers", num_layers, 1)
        time_embedding_dim = as_int("time_embedding_dim", time_embedding_dim, 2)
        inputs = param_dim + time_embedding_dim + signal_embedding_dim
        check_parameters("ContinuousFlowMatcherTime",
                         {"vector field network": (inputs + 1) * hidden_dim + (num_layers - 1)
                          * (hidden_dim + 1) * hidden_dim + (hidden_dim + 1) * param_dim},
                         "lower hidden_dim, num_layers or signal_embedding_dim")
        if encoder is not None and kernel is not None:
            raise ValueError("kernel chooses the default encoder: leave it None when an "
                             "encoder is given")
        self.param_dim, self.signal_embedding_dim = param_dim, signal_embedding_dim
        self.scalogram = scalogram
        self.encoder = encoder if encoder is not None else ScalogramEncoder(
            signal_embedding_dim, kernel=kernel or "symmetric", width=encoder_width)
        self.time_embedding = _SinusoidalTimeEmbedding(time_embedding_dim)
        self.embedding_norm = nn.LayerNorm(signal_embedding_dim)
        sizes = [param_dim + time_embedding_dim + signal_embedding_dim] + \
            [hidden_dim] * num_layers
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.SiLU()]
        self.vector_field_net = nn.Sequential(*layers, nn.Linear(sizes[-1], param_dim))
        self.register_buffer("theta_mean", torch.zeros(param_dim))
        self.register_buffer("theta_std", torch.ones(param_dim))

    # -- standardisation ---------------------------------------------------------------
    def _check_theta(self, theta: torch.Tensor, match_model: bool = True) -> None:
        if not isinstance(theta, torch.Tensor) or not theta.is_floating_point():
            raise TypeError("theta must be a floating-point torch.Tensor, got "
                            f"{getattr(theta, 'dtype', type(theta).__name__)}")
        if theta.dim() != 2 or theta.shape[1] != self.param_dim:
            raise ValueError(f"theta must have shape (batch, {self.param_dim}), got "
                             f"{tuple(theta.shape)}")
        reference = self.theta_mean
        if match_model and (theta.dtype != reference.dtype or theta.device != reference.device):
            raise TypeError(f"theta is {theta.dtype} on {theta.device} but the model is "
                            f"{reference.dtype} on {reference.device}: convert one of them "
                            "(theta.to(model.theta_mean) or model.to(theta))")

    def fit_standardization(self, theta: torch.Tensor) -> None:
        """Set the parameter mean and standard deviation from training parameters.

        Parameters
        ----------
        theta : Tensor, shape (n, param_dim)
            Training parameters (``n >= 2``, no constant column).
        """
        self._check_theta(theta, match_model=False)
        if theta.shape[0] < 2 or not bool(torch.isfinite(theta).all()):
            raise ValueError("standardisation needs at least two rows of finite parameters, got "
                             f"shape {tuple(theta.shape)}")
        std = theta.std(0)
        if not bool((std > 0).all()):
            raise ValueError("standardisation needs at least two distinct values per parameter")
        self.theta_mean.copy_(theta.mean(0))
        self.theta_std.copy_(std)

    def standardize(self, theta: torch.Tensor) -> torch.Tensor:
        """Parameters in standardised units, ``(theta - mean) / std``."""
        return (theta - self.theta_mean) / self.theta_std

    def unstandardize(self, theta: torch.Tensor) -> torch.Tensor:
        """Inverse of :meth:`standardize`."""
        return theta * self.theta_std + self.theta_mean

    # -- network -----------------------------------------------------------------------
    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Signal embedding ``(batch, signal_embedding_dim)`` of observations ``x``."""
        images = self.scalogram(x) if self.scalogram is not None else x
        embedding = self.encoder(images)
        if embedding.dim() != 2 or embedding.shape[1] != self.signal_embedding_dim:
            raise ValueError(f"the encoder must return (batch, {self.signal_embedding_dim}), got "
                             f"{tuple(embedding.shape)}")
        return embedding

    def vector_field(self, theta_t: torch.Tensor, t: torch.Tensor,
                     embedding: torch.Tensor) -> torch.Tensor:
        """Velocity at standardised ``theta_t`` ``(n, param_dim)``, times ``t`` ``(n, 1)``
        and signal embeddings ``(n, signal_embedding_dim)``."""
        inputs = torch.cat([theta_t, self.time_embedding(t), self.embedding_norm(embedding)],
                           dim=-1)
        return self.vector_field_net(inputs)

    def forward(self, theta_t: torch.Tensor, t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Velocity for standardised ``theta_t`` ``(batch, param_dim)``, times ``t``
        ``(batch, 1)`` and observations ``x``."""
        return self.vector_field(theta_t, t, self.embed(x))

    def loss(self, theta: torch.Tensor, x: torch.Tensor,
             generator: Optional[torch.Generator] = None,
             times_per_simulation: int = 1) -> torch.Tensor:
        """Conditional flow-matching loss of a batch of simulations.

        Draws ``z ~ N(0, I)`` and ``t ~ U(0, 1)`` per simulation and returns the mean
        squared error between the predicted velocity at ``(1 - t) z + t theta`` and
        ``theta - z`` (in standardised units).

        Parameters
        ----------
        theta : Tensor, shape (batch, param_dim)
            Parameters of the simulations.
        x : Tensor
            Their observations (a batch of the same size).
        generator : torch.Generator, optional
            Source of ``z`` and ``t`` (a CPU generator also serves a model on CUDA).
        times_per_simulation : int, optional
            Pairs ``(z, t)`` drawn per simulation; the signal is encoded once, so more
            pairs lower the variance of the loss at little cost.

        Returns
        -------
        Tensor
            A scalar.
        """
        self._check_theta(theta)
        if isinstance(times_per_simulation, bool) or not isinstance(times_per_simulation, int) \
                or times_per_simulation < 1:
            raise ValueError("times_per_simulation must be a positive integer, got "
                             f"{times_per_simulation!r}")
        embedding = self.embed(x)
        if embedding.shape[0] != theta.shape[0]:
            raise ValueError(f"theta and x must have the same batch size, got {theta.shape[0]} "
                             f"and {embedding.shape[0]}")
        embedding = embedding.repeat(times_per_simulation, 1)
        target_theta = self.standardize(theta).repeat(times_per_simulation, 1)
        noise = _random(torch.randn, target_theta.shape, generator, target_theta)
        t = _random(torch.rand, (target_theta.shape[0], 1), generator, target_theta)
        theta_t = (1 - t) * noise + t * target_theta
        velocity = self.vector_field(theta_t, t, embedding)
        return ((velocity - (target_theta - noise)) ** 2).mean()

    # -- inference ---------------------------------------------------------------------
    def _embed_for_inference(self, x: torch.Tensor) -> torch.Tensor:
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                return self.embed(x)
        finally:
            self.train(was_training)

    @staticmethod
    def _check_integration(steps: int, method: str) -> None:
        if method not in ODE_METHODS:
            raise ValueError(f"method must be one of {tuple(ODE_METHODS)}, got {method!r}")
        if not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}")

    def sample(self, x: torch.Tensor, num_samples: int, steps: int = 32,
               method: str = "midpoint",
               generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Posterior samples for each observation, by integrating the flow ODE.

        The network runs in evaluation mode (batch normalisation with its running
        statistics), whatever the module's mode; no gradients are kept.

        Parameters
        ----------
        x : Tensor
            A batch of ``B`` observations.
        num_samples : int
            Samples per observation.
        steps : int, optional
            Fixed integration steps from ``t = 0`` to ``1``.
        method : {'euler', 'midpoint', 'rk4'}, optional
            Integrator (1, 2 or 4 evaluations of the vector field per step).
        generator : torch.Generator, optional
            Source of the initial noise (seeded for reproducible samples; a CPU
            generator also serves a model on CUDA).

        Returns
        -------
        Tensor, shape (B, num_samples, param_dim)
            Samples in the original parameter units.
        """
        self._check_integration(steps, method)
        if not isinstance(num_samples, int) or num_samples < 1:
            raise ValueError(f"num_samples must be a positive integer, got {num_samples!r}")
        embedding = self._embed_for_inference(x).repeat_interleave(num_samples, dim=0)
        noise = _random(torch.randn, (embedding.shape[0], self.param_dim), generator,
                        embedding)
        with torch.no_grad():
            samples = _integrate(lambda y, t: self.vector_field(y, t, embedding), noise,
                                 0.0, 1.0, steps, method)
        return self.unstandardize(samples).reshape(-1, num_samples, self.param_dim)

    def log_prob(self, theta: torch.Tensor, x: torch.Tensor, steps: int = 32,
                 method: str = "rk4") -> torch.Tensor:
        """Log posterior density of the flow, by the instantaneous change of variables.

        Integrates ``theta`` back from ``t = 1`` to ``0`` together with the integral of
        the divergence of the velocity, computed exactly (one backward pass per
        parameter, so the cost grows with ``param_dim``):
        ``log p(theta | x) = log N(z; 0, I) - int_0^1 div v dt - sum(log std)``.

        Parameters
        ----------
        theta : Tensor, shape (n, param_dim)
            Parameters, in the original units.
        x : Tensor
            ``n`` observations, or one observation (batch of 1) shared by all ``theta``.
        steps : int, optional
            Fixed integration steps.
        method : {'euler', 'midpoint', 'rk4'}, optional
            Integrator.

        Returns
        -------
        Tensor, shape (n,)
            Log densities with respect to the Lebesgue measure in the original units.
        """
        self._check_theta(theta)
        self._check_integration(steps, method)
        embedding = self._embed_for_inference(x)
        if embedding.shape[0] == 1:
            embedding = embedding.expand(theta.shape[0], -1)
        elif embedding.shape[0] != theta.shape[0]:
            raise ValueError("x must hold one observation or one per theta, got "
                             f"{embedding.shape[0]} for {theta.shape[0]}")

        def augmented_field(state: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
            with torch.enable_grad():
                position = state[:, :self.param_dim].detach().requires_grad_(True)
                velocity = self.vector_field(position, t, embedding)
                divergence = torch.zeros_like(velocity[:, 0])
                for i in range(self.param_dim):
                    divergence = divergence + torch.autograd.grad(
                        velocity[:, i].sum(), position, retain_graph=True)[0][:, i]
            return torch.cat([velocity, divergence[:, None]], dim=1).detach()

        start = torch.cat([self.standardize(theta).detach(),
                           torch.zeros_like(theta[:, :1])], dim=1)
        end = _integrate(augmented_field, start, 1.0, 0.0, steps, method)
        noise, divergence_integral = end[:, :self.param_dim], end[:, self.param_dim]
        log_normal = -0.5 * (noise ** 2).sum(1) - 0.5 * self.param_dim * math.log(2 * math.pi)
        # Integrating from 1 down to 0 accumulates -int_0^1 div v dt.
        return log_normal + divergence_integral - torch.log(self.theta_std).sum()

    def extra_repr(self) -> str:
        return f"param_dim={self.param_dim}, signal_embedding_dim={self.signal_embedding_dim}"
