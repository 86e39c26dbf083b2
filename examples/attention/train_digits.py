"""Wavelet Transformer against a ViT on handwritten digits
=======================================================

A short training run.

scikit-learn's bundled 8x8 digits (no download) are upsampled to 32x32 (bilinear) and
split into a stratified training set (70%) and a test set (30%), standardised with the
training mean and standard deviation. Three classifiers of the
same width, depth and number of heads are trained from the same seed with AdamW:

* :class:`kymatio.models.WaveletTransformer` with ``use_kernel=True``: the image becomes
  one token per Haar wavelet coefficient (3 levels, details H, V, D of every level and the
  pooled coarsest approximation: 1,009 tokens), and attention is W-MSA, biased by the
  positive semidefinite kernel over scale, orientation and position;
* the same model with ``use_kernel=False``: plain multi-head attention over the same
  tokens, so the difference isolates the kernel;
* :class:`kymatio.models.VisionTransformer`: 4x4 patches (64 tokens and a class token),
  the usual baseline.

For each model it prints the number of parameters, the training time and the test
accuracy. The models are deliberately small (``--embed-dim 32 --depth 2 --num-heads 1``)
so that the whole run takes about three minutes on one CPU thread. The wavelet models
attend over 16 times more tokens than the ViT, which is what their training time shows;
with a few epochs on 1,257 images none of the models is near its best accuracy, so read
the accuracies as a smoke test of learning, not as a ranking. Run from the repository
root::

    python examples/attention/train_digits.py
    python examples/attention/train_digits.py --epochs 5 --seed 1 --threads 2
    python examples/attention/train_digits.py --plot train_digits.png   # and a figure

The documentation does not run it: the output and figure at the end of this page come
from a recorded run.
"""
import argparse
import time
from typing import Callable, Dict, List, Sequence

import torch
from torch import nn

from kymatio.experiments import accuracy, train_epochs, upsampled_digits
from kymatio.models import VisionTransformer, WaveletTransformer

SIZE = 32


def model_factories(args: argparse.Namespace) -> Dict[str, Callable[[], nn.Module]]:
    """Constructors of the compared models, all of the same size."""
    size = dict(image_size=SIZE, in_channels=1, num_classes=10, embed_dim=args.embed_dim,
                depth=args.depth, num_heads=args.num_heads)
    wavelet = dict(wavelet="haar", n_levels=3, include_approximations=False)
    return {
        "WaveletTransformer (W-MSA kernel)":
            lambda: WaveletTransformer(use_kernel=True, **wavelet, **size),
        "WaveletTransformer (plain attention)":
            lambda: WaveletTransformer(use_kernel=False, **wavelet, **size),
        "VisionTransformer (4x4 patches)":
            lambda: VisionTransformer(patch_size=4, **size),
    }


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, args: argparse.Namespace,
          description: str) -> float:
    """AdamW on the cross-entropy for ``args.epochs`` shuffled passes; returns seconds."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    generator = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    train_epochs(model, optimizer, x, y, args.epochs, args.batch_size, generator,
                 description)
    return time.perf_counter() - start


def plot(results: List[Dict[str, float]], path: str) -> None:
    """Test accuracy and training time of each model, side by side."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [row["model"].replace(" (", "\n(") for row in results]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), layout="constrained")
    for ax, key, label in [(axes[0], "test_accuracy", "test accuracy"),
                           (axes[1], "train_s", "training time (s)")]:
        ax.barh(names, [row[key] for row in results], color=["tab:blue", "tab:cyan", "tab:gray"])
        ax.set(xlabel=label)
        ax.invert_yaxis()
    axes[1].set_yticks([])
    for y, row in enumerate(results):
        axes[1].annotate(f" {row['tokens']} tokens", (row["train_s"], y), va="center")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv: Sequence[str] = None) -> List[Dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1 is robust on a busy machine)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--embed-dim", type=int, default=32)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--num-heads", type=int, default=1)
    parser.add_argument("--plot", default=None, help="also draw the results to this PNG")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    x_train, y_train, x_test, y_test = upsampled_digits(SIZE, args.seed, standardize=True)
    print(f"Digits {SIZE}x{SIZE}: {len(x_train)} train, {len(x_test)} test images; "
          f"embed_dim={args.embed_dim}, depth={args.depth}, heads={args.num_heads}, "
          f"{args.epochs} epochs, seed {args.seed}, {args.threads} thread(s)")
    results = []
    for name, factory in model_factories(args).items():
        torch.manual_seed(args.seed)
        model = factory()
        seconds = train(model, x_train, y_train, args, name)
        results.append({
            "model": name,
            "tokens": getattr(model, "num_tokens", None) or model.num_patches + 1,
            "parameters": sum(p.numel() for p in model.parameters()),
            "train_s": seconds,
            "test_accuracy": accuracy(model, x_test, y_test)})
    print(f"{'model':<38}{'tokens':>8}{'parameters':>12}{'train (s)':>11}{'test acc':>10}")
    for row in results:
        print(f"{row['model']:<38}{row['tokens']:>8}{row['parameters']:>12,}"
              f"{row['train_s']:>11.1f}{row['test_accuracy']:>10.3f}")
    if args.plot:
        plot(results, args.plot)
    return results


# sphinx_gallery_thumbnail_path = "_static/gallery/attention_train_digits.png"

if __name__ == "__main__":
    main()

# %%
# Recorded run
# ------------
#
# The documentation build does not run this script; this is the output of a run
# recorded by ``docs/record_examples.py`` (command first, wall time last).
#
# .. literalinclude:: /_static/gallery/attention_train_digits.txt
#    :language: none
#
# .. image:: /_static/gallery/attention_train_digits.png
#    :alt: test accuracy and training time of the two wavelet transformers and the ViT
