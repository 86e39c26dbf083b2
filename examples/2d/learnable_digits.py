"""Fine-tuning the scattering filters on handwritten digits
========================================================

scikit-learn's bundled 8x8 digits (no download) are upsampled to 32x32 and classified by
:class:`kymatio.models.ExampleLinearClassifier` (a 2D scattering transform, J=2, L=8,
then a normalised linear layer), in two phases:

* **phase A**: the filters are frozen (the transform is Kymatio's) and only the linear
  head is trained;
* **phase B**: the filters are unfrozen and fine-tuned together with the head, the
  filters with a smaller learning rate (two optimizer parameter groups).

For each seed (a new train/test split and initialisation) it prints the test accuracy of
the head alone, after fine-tuning, the gain, and how far the filters moved (relative
change of the learnable tensors); then the mean and a 95% interval over the seeds.

The features are recomputed from the images at every step (nothing is precomputed), so
phase B sees the filters change. Run from the repository root::

    python examples/2d/learnable_digits.py
    python examples/2d/learnable_digits.py --parametrization morlet --seeds 3
    python examples/2d/learnable_digits.py --plot learnable_digits.png   # and a figure

A training run (five seeds of two phases: several minutes on one CPU thread), so the
documentation shows the output and figure of a recorded run at the end of this page
instead of running it.
"""
import argparse
import math
import statistics
from typing import Dict, List, Sequence, Tuple

import torch
from scipy import stats
from tqdm import tqdm

from kymatio.experiments import accuracy, train_epochs, upsampled_digits
from kymatio.models import ExampleLinearClassifier

SIZE = 32


def filter_vector(model: ExampleLinearClassifier) -> torch.Tensor:
    """All learnable filter values of the transform, flattened."""
    return torch.cat([p.detach().flatten() for _, p in model.scattering.filter_parameters()])


def run_seed(seed: int, args: argparse.Namespace) -> Dict[str, float]:
    """Both phases for one seed; returns the accuracies and the filter change."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    x_train, y_train, x_test, y_test = upsampled_digits(SIZE, seed)
    model = ExampleLinearClassifier(J=2, image_size=SIZE, in_channels=1,
                                    num_classes=10, L=8, learnable=True,
                                    parametrization=args.parametrization)
    initial = filter_vector(model)

    model.freeze_scattering()                         # phase A: head only
    head_optimizer = torch.optim.Adam(model.head_parameters(), lr=args.lr_head)
    train_epochs(model, head_optimizer, x_train, y_train, args.epochs_head, args.batch_size,
          generator, f"seed {seed} head")
    head_accuracy = accuracy(model, x_test, y_test)

    model.unfreeze_scattering()                       # phase B: filters and head
    optimizer = torch.optim.Adam([
        {"params": list(model.head_parameters()), "lr": args.lr_head / 10},
        {"params": [p for _, p in model.scattering.filter_parameters()],
         "lr": args.lr_filters}])
    train_epochs(model, optimizer, x_train, y_train, args.epochs_finetune, args.batch_size,
          generator, f"seed {seed} fine-tune")
    tuned_accuracy = accuracy(model, x_test, y_test)
    change = float((filter_vector(model) - initial).norm() / initial.norm())
    return {"head": head_accuracy, "fine_tuned": tuned_accuracy,
            "gain": tuned_accuracy - head_accuracy, "filter_change": change}


def interval(values: Sequence[float], level: float = 0.95) -> Tuple[float, float]:
    """Mean and half-width of the Student-t confidence interval of the mean."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, float("nan")
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * statistics.stdev(values)
    return mean, half / math.sqrt(len(values))


def summarize(results: List[Dict[str, float]]) -> str:
    """Per-seed rows and the mean with its 95% interval, as text."""
    keys = ("head", "fine_tuned", "gain", "filter_change")
    lines = [f"{'seed':>6}" + "".join(f"{key:>20}" for key in keys)]
    lines += [f"{seed:>6}" + "".join(f"{row[key]:>20.4f}" for key in keys)
              for seed, row in enumerate(results)]
    summary = [interval([row[key] for row in results]) for key in keys]
    lines.append(f"{'mean':>6}" + "".join(f"{f'{m:.4f} +- {h:.4f}':>20}"
                                          for m, h in summary))
    return "\n".join(lines)


def plot(results: List[Dict[str, float]], path: str) -> None:
    """Accuracy of the head alone and after fine-tuning, and the filter change, per seed."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    seeds = range(len(results))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), layout="constrained")
    for seed, row in zip(seeds, results):
        left.plot([0, 1], [row["head"], row["fine_tuned"]], "o-", color="tab:blue", alpha=0.7)
    left.set(xticks=[0, 1], xlim=(-0.3, 1.3), ylabel="test accuracy",
             xticklabels=["head only\n(fixed filters)", "fine-tuned\n(filters + head)"],
             title="Each line: one seed")
    right.bar(list(seeds), [100 * row["filter_change"] for row in results], color="tab:orange")
    right.set(xlabel="seed", ylabel="relative change of the filters (%)",
              title="How far the filters moved")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: Sequence[str] = None) -> List[Dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs-head", type=int, default=8)
    parser.add_argument("--epochs-finetune", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr-head", type=float, default=1e-2)
    parser.add_argument("--lr-filters", type=float, default=2e-3)
    parser.add_argument("--parametrization", choices=("filters", "morlet"),
                        default="filters")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1 is robust on a busy machine)")
    parser.add_argument("--plot", default=None, help="also draw the results to this PNG")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    results = [run_seed(seed, args) for seed in tqdm(range(args.seeds), desc="seeds")]
    print(f"Digits {SIZE}x{SIZE}, scattering J=2 L=8 ({args.parametrization}), "
          f"test accuracy over {args.seeds} seeds (mean +- 95% interval):")
    print(summarize(results))
    if args.plot:
        plot(results, args.plot)
    return results


# sphinx_gallery_thumbnail_path = "_static/gallery/2d_learnable_digits.png"

if __name__ == "__main__":
    main()

# %%
# Recorded run
# ------------
#
# The documentation build does not run this script; this is the output of a run
# recorded by ``docs/record_examples.py`` (command first, wall time last).
#
# .. literalinclude:: /_static/gallery/2d_learnable_digits.txt
#    :language: none
#
# .. image:: /_static/gallery/2d_learnable_digits.png
#    :alt: test accuracy of the head alone and after fine-tuning for each seed, and how far
#          the filters moved
