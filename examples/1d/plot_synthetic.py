"""Scattering of a synthetic signal
================================

Scattering transform of a synthetic signal.

The signal has two parts: a harmonic tone whose pitch oscillates slowly (vibrato), then a
train of clicks. The first-order coefficients ``S1`` (a constant-Q scalogram averaged over
``T = 2**J`` samples) show the harmonics as horizontal bands and the clicks as broadband
energy. The second-order coefficients ``S2`` for one first-order wavelet separate what
``S1`` averaged away: the vibrato rate and the click rate appear as modulation
frequencies.

Run from the repository root::

    python examples/1d/plot_synthetic.py                  # writes plot_synthetic.png here
    python examples/1d/plot_synthetic.py --out /tmp/synthetic.png
"""
import argparse
import os
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kymatio.numpy import Scattering1D  # noqa: E402

# Next to this script (sphinx-gallery runs the examples in their folder, without __file__).
HERE = os.path.abspath(os.path.dirname(globals().get("__file__", "")))
DEFAULT_OUT = os.path.join(HERE, "plot_synthetic.png")


def synthetic_signal(N: int, seed: int = 0) -> np.ndarray:
    """A harmonic tone with vibrato on the first half, clicks on the second half."""
    rng = np.random.default_rng(seed)
    t = np.arange(N)
    pitch = 0.02 * (1 + 0.05 * np.sin(2 * np.pi * t / 1024))      # cycles per sample
    phase = 2 * np.pi * np.cumsum(pitch)
    tone = sum(np.cos(k * phase) / k for k in range(1, 5)) * (t < N // 2)
    clicks = np.zeros(N)
    clicks[N // 2::256] = 3.0
    return tone + clicks + 0.01 * rng.standard_normal(N)


def main(argv: Optional[Sequence[str]] = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--J", type=int, default=6)
    parser.add_argument("--Q", type=int, default=16)
    parser.add_argument("--N", type=int, default=2 ** 13)
    parser.add_argument("--out", default=DEFAULT_OUT, help="PNG file to write")
    args = parser.parse_args(argv)

    x = synthetic_signal(args.N)
    S = Scattering1D(J=args.J, shape=args.N, Q=args.Q)
    Sx, meta = S(x), S.meta()
    order1, order2 = meta["order"] == 1, meta["order"] == 2
    # the strongest first-order band among those followed by second-order wavelets
    candidates = np.unique(meta["n"][order2, 0]).astype(int)
    n1 = int(candidates[np.argmax(Sx[order1][candidates].mean(axis=1))])
    paths = order2 & (meta["n"][:, 0] == n1)

    fig, axes = plt.subplots(4, 1, figsize=(9, 10), constrained_layout=True)
    axes[0].plot(x, lw=0.5)
    axes[0].set(title="Signal", xlim=(0, args.N))
    axes[1].plot(Sx[0])
    axes[1].set(title="Order 0: low-pass average", xlim=(0, Sx.shape[-1] - 1))
    for ax, block, title in [(axes[2], Sx[order1], "Order 1 (rows: decreasing frequency)"),
                             (axes[3], Sx[paths], f"Order 2 for first-order wavelet {n1} "
                                                  f"(rows: decreasing modulation rate)")]:
        ax.imshow(np.log1p(block / block.std()), aspect="auto", cmap="magma")
        ax.set(title=title, xlabel=f"time (in steps of 2**J = {2 ** args.J} samples)")
    fig.savefig(args.out, dpi=100)
    plt.close(fig)
    return args.out


if __name__ == "__main__":
    print(f"wrote {os.path.relpath(main())}")
