"""1D Morlet filter bank
=====================

Plot the 1D Morlet filter bank of the scattering transform.

Top: the modulus in the Fourier domain of every first-order wavelet (``Q1`` per octave),
of the low-pass filter ``phi`` and their Littlewood-Paley sum ``|phi|^2 + sum |psi|^2``
(how evenly the bank covers the positive frequencies). Middle: the same for the
second-order wavelets (``Q2`` per octave). Bottom: a few first-order wavelets in time (real
part and envelope), centred: high frequencies are short, low frequencies long.

Run from the repository root::

    python examples/1d/plot_filters.py                   # writes plot_filters.png here
    python examples/1d/plot_filters.py --J 6 --Q 4 --out /tmp/filters1d.png
"""
import argparse
import os
from typing import Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kymatio.scattering1d.filter_bank import scattering_filter_factory  # noqa: E402

# Next to this script (sphinx-gallery runs the examples in their folder, without __file__).
HERE = os.path.abspath(os.path.dirname(globals().get("__file__", "")))
DEFAULT_OUT = os.path.join(HERE, "plot_filters.png")


def plot_bank(ax: plt.Axes, psis: Sequence[dict], phi: dict, title: str) -> None:
    """Fourier moduli of ``psis`` and ``phi`` over the positive frequencies."""
    N = len(phi["levels"][0])
    freqs = np.arange(N // 2) / N
    total = np.abs(phi["levels"][0][:N // 2]) ** 2
    for psi in psis:
        response = np.abs(psi["levels"][0][:N // 2])
        total += response ** 2
        ax.plot(freqs, response, lw=0.8)
    ax.plot(freqs, np.abs(phi["levels"][0][:N // 2]), "k", lw=1.5, label="phi (low-pass)")
    ax.plot(freqs, total, "k--", lw=1, label="Littlewood-Paley sum")
    ax.set(xscale="log", xlim=(freqs[1], 0.5), xlabel="frequency (cycles per sample)",
           ylabel="|filter|", title=title)
    ax.legend(loc="upper left", fontsize=8)


def main(argv: Optional[Sequence[str]] = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--J", type=int, default=8, help="number of octaves")
    parser.add_argument("--Q", type=int, default=8, help="first-order wavelets per octave")
    parser.add_argument("--N", type=int, default=2 ** 13, help="signal length")
    parser.add_argument("--out", default=DEFAULT_OUT, help="PNG file to write")
    args = parser.parse_args(argv)

    phi, psi1, psi2 = scattering_filter_factory(args.N, args.J, (args.Q, 1), 2 ** args.J)
    fig, axes = plt.subplots(3, 1, figsize=(9, 10), constrained_layout=True)
    plot_bank(axes[0], psi1, phi, f"First order: {len(psi1)} wavelets, Q1={args.Q}")
    plot_bank(axes[1], psi2, phi, f"Second order: {len(psi2)} wavelets, Q2=1")
    for psi in psi1[::max(1, len(psi1) // 4)]:
        wavelet = np.fft.fftshift(np.fft.ifft(psi["levels"][0]))
        t = np.arange(args.N) - args.N // 2
        line, = axes[2].plot(t, wavelet.real, lw=0.8, label=f"xi={psi['xi']:.3f}")
        axes[2].plot(t, np.abs(wavelet), color=line.get_color(), lw=0.5, ls=":")
    axes[2].set(xlim=(-2 ** (args.J + 1), 2 ** (args.J + 1)), xlabel="time (samples)",
                title="First-order wavelets in time (real part, envelope dotted)")
    axes[2].legend(fontsize=8)
    fig.savefig(args.out, dpi=100)
    plt.close(fig)
    return args.out


if __name__ == "__main__":
    print(f"wrote {os.path.relpath(main())}")
