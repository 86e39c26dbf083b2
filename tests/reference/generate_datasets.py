"""Write reference outputs of upstream Kymatio 0.3.0's QM7 parsing and alignment.

Run with the oracle's interpreter (upstream Kymatio installed, never this package)::

    cd /tmp && /work/oracle/venv/bin/python /path/to/repo/tests/reference/generate_datasets.py

It writes ``datasets.npz`` next to this script: the text of a small generated ``.xyz``
file (seeded random molecules in QM7's layout, not real data) and what upstream's
``read_xyz`` and ``_pca_align_positions`` make of it.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def molecules_text(seed: int = 0, n_molecules: int = 12) -> str:
    """QM7-like ``.xyz`` text: atom count, energy, then 'symbol x y z' rows."""
    rng = np.random.default_rng(seed)
    symbols = ["H", "C", "N", "O", "S"]
    blocks = []
    for _ in range(n_molecules):
        n = int(rng.integers(2, 9))
        rows = [f"{symbols[rng.integers(5)]} " + " ".join(f"{v:.6f}" for v in
                                                          rng.normal(0, 1.5, 3))
                for _ in range(n)]
        blocks.append("\n".join([str(n), f"{rng.normal(-1500, 300):.4f}"] + rows))
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    import kymatio
    from kymatio.datasets import _pca_align_positions, read_xyz
    if kymatio.__version__ != "0.3.0" or "site-packages" not in kymatio.__file__:
        sys.exit(f"Run this with upstream Kymatio 0.3.0 (the oracle), not "
                 f"{kymatio.__file__} ({kymatio.__version__}).")
    text = molecules_text()
    path = os.path.join(HERE, "_molecules.xyz")
    with open(path, "w") as f:
        f.write(text)
    try:
        qm7 = read_xyz(path)
    finally:
        os.remove(path)
    aligned = _pca_align_positions(qm7["positions"], qm7["charges"])
    np.savez_compressed(os.path.join(HERE, "datasets.npz"), xyz_text=np.array(text),
                        positions=qm7["positions"], charges=qm7["charges"],
                        energies=qm7["energies"], aligned=aligned)


if __name__ == "__main__":
    main()
