"""Initial kernels of a spatial scattering block
=============================================

Plot the initial kernels of a spatial scattering block and print its faithfulness.

Top row: the low-pass kernel ``phi`` and the real parts of the ``L`` Morlet wavelets
``psi_theta`` of scale 0, sampled on a ``K x K`` grid from the Fourier 2D transform's own
generators (:func:`kymatio.spatial.filter_kernels`); bottom row: their imaginary parts
(the low-pass is real, so its cell shows the kernel's Fourier modulus instead). The
columns follow Kymatio's orientation order. Then, for kernel sizes 3..15, the relative
error of a fixed block's first-order output against the Fourier transform
(:func:`kymatio.spatial.faithfulness.faithfulness_errors`).

Run from the repository root::

    python examples/spatial/plot_kernels.py                       # writes plot_kernels.png
    python examples/spatial/plot_kernels.py --K 11 --L 6 --out docs/_static/kernels.png
"""
import argparse
import math
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kymatio.scattering2d.filter_bank import wavelet_parameters  # noqa: E402
from kymatio.spatial import filter_kernels  # noqa: E402
from kymatio.spatial.faithfulness import faithfulness_errors, smooth_images  # noqa: E402


def plot_kernels(L: int, K: int, out: str) -> None:
    """Write the figure of the initial kernels to ``out``."""
    filters = filter_kernels(L, K)
    fig, axes = plt.subplots(2, L + 1, figsize=(1.4 * (L + 1), 3.2))
    phi = filters["phi"].real
    axes[0, 0].imshow(phi, cmap="viridis")
    axes[0, 0].set_title("phi", fontsize=8)
    axes[1, 0].imshow(np.fft.fftshift(np.abs(np.fft.fft2(phi, (32, 32)))), cmap="viridis")
    axes[1, 0].set_title("|FFT phi|", fontsize=8)
    bound = np.abs(filters["psi"]).max()
    for theta in range(L):
        angle = wavelet_parameters(0, theta, L)["theta"]
        for row, part in enumerate((filters["psi"][theta].real, filters["psi"][theta].imag)):
            axes[row, theta + 1].imshow(part, cmap="RdBu_r", vmin=-bound, vmax=bound)
        axes[0, theta + 1].set_title(f"{theta}: {math.degrees(angle):.0f} deg", fontsize=8)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 1].set_ylabel("Re", fontsize=8)
    axes[1, 1].set_ylabel("Im", fontsize=8)
    fig.suptitle(f"Initial kernels of ScatteringBlock(L={L}, kernel_size={K})", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--L", type=int, default=8)
    parser.add_argument("--K", type=int, default=7)
    parser.add_argument("--out", default="plot_kernels.png")
    args = parser.parse_args(argv)
    plot_kernels(args.L, args.K, args.out)
    print(f"wrote {args.out}")
    errors = faithfulness_errors(smooth_images(n=4, size=64), L=args.L)
    print(f"{'K':>3} {'truncation':>11} {'end to end':>11}")
    for K, row in errors.items():
        print(f"{K:>3} {row['truncation']:>11.2e} {row['end_to_end']:>11.3f}")


if __name__ == "__main__":
    main()
