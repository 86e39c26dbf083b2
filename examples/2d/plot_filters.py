"""2D Morlet filter bank
=====================

Plot the 2D Morlet filter bank of the scattering transform.

The figure has two panels. The top panel shows the real part in space of every wavelet
``psi_{j, theta}`` (one row per scale ``j``, one column per orientation ``theta``), each
cropped to a window that grows with its scale, and the low-pass filter ``phi_J`` used to
average the coefficients. The bottom panel shows the modulus of the same filters in the
Fourier domain (zero frequency at the centre): each wavelet is a band-pass bump whose
centre moves to lower frequencies as ``j`` grows and rotates with ``theta``; the last
column shows the low-pass filter and how all filters together tile the frequency plane
(the Littlewood-Paley sum ``|phi|^2 + sum |psi|^2``; the orientations span only half a
turn, so half of the plane is covered: for real images the other half is its mirror).
Column titles give the orientation index used by ``meta()['theta']`` and its angle.

Run from the repository root::

    python examples/2d/plot_filters.py                    # writes plot_filters.png here
    python examples/2d/plot_filters.py --J 4 --L 6 --out /tmp/filters.png
"""
import argparse
import math
import os
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kymatio.scattering2d.filter_bank import (filter_bank, gabor_2d,  # noqa: E402
                                              morlet_2d, wavelet_parameters)

# Next to this script (sphinx-gallery runs the examples in their folder, without __file__).
HERE = os.path.abspath(os.path.dirname(globals().get("__file__", "")))
DEFAULT_OUT = os.path.join(HERE, "plot_filters.png")


def half_width(sigma: float, slant: float = 1.0) -> int:
    """Half-size in pixels of a window holding a filter's envelope (3 widths)."""
    return max(4, math.ceil(3 * sigma / min(slant, 1.0)))


def grid_size(J: int, L: int) -> int:
    """Side of a square grid (a power of two) that holds the widest filter."""
    widest = half_width(0.8 * 2 ** (J - 1), 4.0 / L)
    return max(32, 2 ** math.ceil(math.log2(2 * widest + 2)))


def crop(image: np.ndarray, radius: int) -> np.ndarray:
    """The ``(2 * radius + 1)``-pixel square at the centre of ``image``."""
    cy, cx = image.shape[0] // 2, image.shape[1] // 2
    return image[cy - radius:cy + radius + 1, cx - radius:cx + radius + 1]


def centred_spatial(size: int, sigma: float, theta: float, xi: float,
                    slant: float, wavelet: bool) -> np.ndarray:
    """A Morlet wavelet (or a Gabor low-pass) sampled with its centre in the middle."""
    make = morlet_2d if wavelet else gabor_2d
    return make(size, size, sigma, theta, xi, slant, offset=-(size // 2))


def theta_label(theta: float) -> str:
    """Orientation as a fraction of pi, e.g. ``3π/8``."""
    frac = theta / np.pi
    for den in (1, 2, 4, 8, 16, 3, 6, 12, 5, 10):
        num = round(frac * den)
        if abs(num / den - frac) < 1e-9:
            break
    else:
        return f"{theta:.2f}"
    if num == 0:
        return "0"
    sign = "-" if num < 0 else ""
    num = abs(num)
    top = "π" if num == 1 else f"{num}π"
    return f"{sign}{top}" if den == 1 else f"{sign}{top}/{den}"


def plot_filter_bank(J: int = 3, L: int = 8) -> plt.Figure:
    """Draw the filter bank of a 2D scattering transform with ``J`` scales and ``L``
    orientations.

    Parameters
    ----------
    J : int
        Number of scales.
    L : int
        Number of orientations.

    Returns
    -------
    matplotlib.figure.Figure
    """
    size = grid_size(J, L)
    bank = filter_bank(size, size, J, L)
    fourier = {(w["j"], w["theta"]): np.fft.fftshift(w["levels"][0]) for w in bank["psi"]}
    phi_fourier = np.fft.fftshift(bank["phi"]["levels"][0])
    phi_sigma = 0.8 * 2 ** (J - 1)
    phi_space = centred_spatial(size, phi_sigma, 0.0, 0.0, 1.0, wavelet=False)
    littlewood_paley = np.abs(phi_fourier) ** 2 + sum(np.abs(f) ** 2 for f in fourier.values())

    cell = 1.15
    fig = plt.figure(figsize=(cell * (L + 1.6), cell * (2 * J + 1.8)), layout="constrained")
    top, bottom = fig.subfigures(2, 1, hspace=0.04)
    panels = {
        "space": (top, "Real part in space (window grows with the scale)", "RdBu_r"),
        "fourier": (bottom, "Modulus in Fourier (zero frequency at the centre, "
                            "edges at ±π; periodic, so the finest bumps wrap around)",
                    "magma"),
    }
    for kind, (subfig, title, cmap) in panels.items():
        subfig.suptitle(title, fontsize=11)
        axes = subfig.subplots(J, L + 1, squeeze=False,
                               gridspec_kw={"width_ratios": [1] * L + [1.25]})
        for j in range(J):
            for t in range(L):
                params = wavelet_parameters(j, t, L)
                ax = axes[j, t]
                if kind == "space":
                    psi = centred_spatial(size, wavelet=True, **params)
                    image = crop(psi.real, half_width(params["sigma"], params["slant"]))
                    vmax = np.abs(image).max()
                    ax.imshow(image, cmap=cmap, vmin=-vmax, vmax=vmax)
                else:
                    ax.imshow(np.abs(fourier[(j, t)]), cmap=cmap)
                if j == 0:
                    ax.set_title(f"θ[{t}] = {theta_label(params['theta'])}", fontsize=8)
                if t == 0:
                    ax.set_ylabel(f"j = {j}", fontsize=9)
        for j in range(J):
            axes[j, L].set_axis_off()
        ax = axes[0, L]
        ax.set_axis_on()
        if kind == "space":
            image = crop(phi_space.real, half_width(phi_sigma))
            ax.imshow(image, cmap="viridis")
        else:
            ax.imshow(np.abs(phi_fourier), cmap=cmap)
        ax.set_title(f"low-pass φ (J={J})", fontsize=8)
        if kind == "fourier" and J > 1:
            ax = axes[min(J - 1, 2), L]
            ax.set_axis_on()
            ax.imshow(littlewood_paley, cmap="magma")
            ax.set_title("|φ|² + Σ|ψ|² (all filters)", fontsize=8)
        for ax in axes.flat:
            ax.set_xticks([])
            ax.set_yticks([])
    fig.suptitle(f"2D Morlet filter bank: J={J} scales, L={L} orientations", fontsize=13)
    return fig


def main(argv: Optional[Sequence[str]] = None) -> str:
    """Parse the command line, draw the figure and save it. Returns the PNG path."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--J", type=int, default=3, help="number of scales (default 3)")
    parser.add_argument("--L", type=int, default=8, help="number of orientations (default 8)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="PNG path (default: next to "
                        "this script)")
    parser.add_argument("--dpi", type=int, default=130)
    args = parser.parse_args(argv)
    fig = plot_filter_bank(args.J, args.L)
    fig.savefig(args.out, dpi=args.dpi)
    plt.close(fig)
    print(f"saved {os.path.relpath(args.out)}")
    return args.out


if __name__ == "__main__":
    main()
