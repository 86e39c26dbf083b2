"""Chirp posteriors by flow matching on scalograms
===============================================

Posterior of chirp parameters by flow matching on scalograms: symmetric vs asymmetric
kernels.

Gravitational-wave-like chirps (:mod:`kymatio.flow.chirps`: a frequency rising as a
power law towards a coalescence time, amplitude growing with frequency, white noise) are
simulated with three parameters drawn from a uniform prior: a chirp-mass-like rate, the
coalescence time and the signal-to-noise ratio. Each signal becomes a Morlet scalogram
(:class:`kymatio.flow.Scalogram`, computed once), and two
:class:`kymatio.flow.ContinuousFlowMatcherTime` estimators are trained briefly from the
same seed, one with a ``kernel='symmetric'`` encoder (3x3 kernels) and one with
``kernel='asymmetric'`` (3x9 kernels dilated in time by 1, 2, 4, 8).

On held-out simulations the script prints, per kernel type, the error of the posterior
mean (root mean square, in units of the prior standard deviation: 1 is no better than
guessing the prior mean, smaller is better) and the
empirical coverage of the central 50% and 90% credible intervals (averaged over the
parameters; calibrated posteriors give 0.50 and 0.90). It saves a figure with the
scalogram of one test signal, the coverage curves and that signal's posterior samples.

The networks are small (``--width 0.125``: 8/16/32/64 channels) and trained for one to
two minutes each on a CPU, so the errors are far from the best achievable and the
posteriors tend to be too wide (coverage above nominal, i.e. conservative); the run shows
the pipeline and the calibration check, not a ranking of the kernels. The asymmetric
encoder has about twice the parameters and takes about twice the time per step. Run from
the repository root (about 3 minutes on 2 CPU threads)::

    python examples/flow/chirp_posterior.py
    python examples/flow/chirp_posterior.py --epochs 20 --n-train 16000 --out /tmp/chirps.png

The documentation does not run it: the output and figure at the end of this page come
from a recorded run.
"""
import argparse
import os
import time
from typing import Dict

import matplotlib
import numpy as np
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from kymatio.flow import (CHIRP_PRIOR, ContinuousFlowMatcherTime, Scalogram,  # noqa: E402
                          calibration_summary, coverage, sample_posteriors, simulate_chirps,
                          train_flow_matcher)

N_TIMES = 1024
KERNELS = ("symmetric", "asymmetric")
LABELS = ("chirp mass", "coalescence time", "SNR")
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "output",
                           "chirp_posterior.png")


def scalograms(scalogram: Scalogram, x: np.ndarray, batch_size: int = 500) -> torch.Tensor:
    """Scalogram images of signals, a batch at a time (the filters are fixed)."""
    with torch.no_grad():
        return torch.cat([scalogram(torch.from_numpy(x[i:i + batch_size]))
                          for i in range(0, len(x), batch_size)])


def evaluate(model: ContinuousFlowMatcherTime, images: torch.Tensor, theta: np.ndarray,
             args: argparse.Namespace) -> Dict[str, object]:
    """Posterior samples on the test set, error of their mean and calibration."""
    samples = sample_posteriors(model, images, args.num_samples, steps=args.steps,
                                generator=torch.Generator().manual_seed(args.seed + 1)).numpy()
    error = np.sqrt(np.mean((samples.mean(1) - theta) ** 2, axis=0)) / CHIRP_PRIOR.std
    return {"samples": samples, "error": error,
            "summary": calibration_summary(samples, theta, levels=(0.5, 0.9))}


def plot_results(results: Dict[str, Dict[str, object]], image: torch.Tensor,
                 theta: np.ndarray, scalogram: Scalogram, index: int, out: str) -> None:
    """Scalogram of test signal ``index``, coverage curves, and its posterior samples."""
    levels = np.linspace(0.05, 0.95, 19)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    extent = (0, 1, 0, scalogram.n_frequencies)
    axes[0].imshow(image[0].numpy(), origin="lower", aspect="auto", extent=extent)
    axes[0].axvline(theta[index, 1], color="w", ls="--", lw=1)
    axes[0].set(title=f"log scalogram of test signal {index}", xlabel="time",
                ylabel="wavelet (low to high frequency)")
    axes[1].plot([0, 1], [0, 1], "k:", lw=1, label="calibrated")
    for kernel, result in results.items():
        empirical = coverage(result["samples"], theta, levels).mean(1)
        axes[1].plot(levels, empirical, "o-", ms=3, label=kernel)
        samples = result["samples"][index]
        axes[2].scatter(samples[:, 0], samples[:, 1], s=4, alpha=0.4, label=kernel)
    axes[1].set(title="coverage of central credible intervals", xlabel="nominal level",
                ylabel="empirical coverage (mean over parameters)")
    axes[1].legend()
    axes[2].plot(theta[index, 0], theta[index, 1], "k*", ms=14, label="truth")
    axes[2].set(title=f"posterior samples (SNR {theta[index, 2]:.1f})",
                xlabel=LABELS[0], ylabel=LABELS[1])
    axes[2].legend()
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def print_table(results: Dict[str, Dict[str, object]]) -> None:
    """One row per kernel type: size, training time, errors and coverage."""
    header = (f"{'kernel':<11} {'params':>8} {'train s':>7}  {'mass':>6} {'t_c':>6} {'SNR':>6}  "
              f"{'cov50':>5} {'cov90':>5}  {'cov50 m/t/S':<14} {'cov90 m/t/S':<14}")
    print(header)
    print("-" * len(header))
    for kernel, result in results.items():
        cover = result["summary"].coverage
        per_parameter = ["/".join(f"{c:.2f}" for c in row) for row in cover]
        mass, t_c, snr = result["error"]
        cov50, cov90 = cover.mean(1)
        print(f"{kernel:<11} {result['params']:>8,} {result['seconds']:>7.1f}  {mass:>6.3f} "
              f"{t_c:>6.3f} {snr:>6.3f}  {cov50:>5.2f} {cov90:>5.2f}  "
              f"{per_parameter[0]:<14} {per_parameter[1]:<14}")
    print("mass, t_c, SNR: RMS error of the posterior mean over the prior standard deviation;"
          "\ncov50, cov90: fraction of test chirps inside the central 50% / 90% credible "
          "interval\n(mean over parameters, then per parameter: mass / t_c / SNR)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-train", type=int, default=8000)
    parser.add_argument("--n-test", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--times-per-simulation", type=int, default=4,
                        help="flow times drawn per simulation and step")
    parser.add_argument("--width", type=float, default=0.125,
                        help="channel multiplier of the encoder (1: 64/128/256/512)")
    parser.add_argument("--num-samples", type=int, default=200)
    parser.add_argument("--steps", type=int, default=16, help="midpoint ODE steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default=DEFAULT_OUT, help="path of the figure (PNG)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    theta_train, x_train = simulate_chirps(args.n_train, N_TIMES, seed=args.seed)
    theta_test, x_test = simulate_chirps(args.n_test, N_TIMES, seed=args.seed + 10_000)
    scalogram = Scalogram(N_TIMES, J=6, Q=5, time_stride=16)
    images_train, images_test = scalograms(scalogram, x_train), scalograms(scalogram, x_test)
    mean, std = images_train.mean(), images_train.std()
    images_train, images_test = (images_train - mean) / std, (images_test - mean) / std
    print(f"{args.n_train} training and {args.n_test} test chirps of {N_TIMES} samples -> "
          f"scalograms {tuple(images_train.shape[1:])}")

    results = {}
    for kernel in KERNELS:
        torch.manual_seed(args.seed)
        model = ContinuousFlowMatcherTime(3, 64, kernel=kernel, encoder_width=args.width,
                                          hidden_dim=128, num_layers=3)
        start = time.perf_counter()
        train_flow_matcher(model, torch.from_numpy(theta_train), images_train, args.epochs,
                           args.batch_size, args.lr, weight_decay=1e-4,
                           times_per_simulation=args.times_per_simulation,
                           generator=torch.Generator().manual_seed(args.seed),
                           description=kernel)
        seconds = time.perf_counter() - start
        results[kernel] = evaluate(model, images_test, theta_test.astype(np.float64), args)
        results[kernel].update(seconds=seconds,
                               params=sum(p.numel() for p in model.parameters()))

    print_table(results)
    index = int(np.argmax(theta_test[:, 2]))  # the loudest test chirp
    plot_results(results, images_test[index], theta_test, scalogram, index, args.out)
    print(f"figure saved to {args.out}")


# sphinx_gallery_thumbnail_path = "_static/gallery/flow_chirp_posterior.png"

if __name__ == "__main__":
    main()

# %%
# Recorded run
# ------------
#
# The documentation build does not run this script; this is the output of a run
# recorded by ``docs/record_examples.py`` (command first, wall time last).
#
# .. literalinclude:: /_static/gallery/flow_chirp_posterior.txt
#    :language: none
#
# .. image:: /_static/gallery/flow_chirp_posterior.png
#    :alt: scalogram of a test chirp, coverage of the credible intervals and posterior
#          samples for both encoders
