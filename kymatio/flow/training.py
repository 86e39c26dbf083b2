"""Training loop and batched posterior sampling of flow-matching estimators."""
import math
from typing import List, Optional

import torch
from tqdm import tqdm

__all__ = ["train_flow_matcher", "sample_posteriors"]


def train_flow_matcher(model: torch.nn.Module, theta: torch.Tensor, x: torch.Tensor,
                       epochs: int, batch_size: int = 128, lr: float = 1e-3,
                       weight_decay: float = 0.0, times_per_simulation: int = 1,
                       generator: Optional[torch.Generator] = None,
                       progress: bool = True, description: str = "flow matching"
                       ) -> List[float]:
    """Minimise the flow-matching loss of ``model`` with AdamW and a cosine schedule.

    Fits the parameter standardisation on ``theta`` first, then makes ``epochs``
    shuffled passes over the simulations.

    Parameters
    ----------
    model : ContinuousFlowMatcherTime
        The estimator (put in training mode).
    theta : Tensor, shape (n, param_dim)
        Simulated parameters.
    x : Tensor
        Their ``n`` observations, as the model takes them.
    epochs, batch_size : int
        Passes over the data and simulations per step.
    lr, weight_decay : float, optional
        AdamW settings; the learning rate decays to zero along a cosine.
    times_per_simulation : int, optional
        Flow times (and noises) per simulation and step, see
        :meth:`ContinuousFlowMatcherTime.loss`.
    generator : torch.Generator, optional
        Source of the shuffling and of the loss' noise and times (on the CPU or on the
        model's device).
    progress : bool, optional
        Show a tqdm progress bar.
    description : str, optional
        Label of the progress bar.

    Returns
    -------
    list of float
        Mean loss of each epoch.
    """
    if len(theta) != len(x):
        raise ValueError(f"theta and x must hold the same number of simulations, got {len(theta)} "
                         f"and {len(x)}")
    model.fit_standardization(theta)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    steps_per_epoch = math.ceil(len(x) / batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * steps_per_epoch)
    history = []
    with tqdm(total=epochs * steps_per_epoch, desc=description, disable=not progress,
              leave=False) as bar:
        for _ in range(epochs):
            # Drawn on the generator's device (a CPU generator also serves data on CUDA).
            order = torch.randperm(len(x), generator=generator,
                                   device=None if generator is None else generator.device)
            total = 0.0
            for start in range(0, len(x), batch_size):
                batch = order[start:start + batch_size]
                loss = model.loss(theta[batch.to(theta.device)], x[batch.to(x.device)],
                                  generator=generator,
                                  times_per_simulation=times_per_simulation)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                scheduler.step()
                total += loss.item() * len(batch)
                bar.update()
                bar.set_postfix(loss=f"{total / (start + len(batch)):.3f}")
            history.append(total / len(x))
    return history


def sample_posteriors(model: torch.nn.Module, x: torch.Tensor, num_samples: int,
                      steps: int = 32, method: str = "midpoint", batch_size: int = 64,
                      generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Posterior samples for many observations, a batch of observations at a time.

    Parameters
    ----------
    model : ContinuousFlowMatcherTime
        A trained estimator.
    x : Tensor
        ``n`` observations.
    num_samples, steps : int
        Samples per observation and integration steps.
    method : str, optional
        Integrator of :meth:`ContinuousFlowMatcherTime.sample`.
    batch_size : int, optional
        Observations per call.
    generator : torch.Generator, optional
        Source of the initial noise.

    Returns
    -------
    Tensor, shape (n, num_samples, param_dim)
    """
    return torch.cat([model.sample(x[i:i + batch_size], num_samples, steps, method, generator)
                      for i in range(0, len(x), batch_size)])
