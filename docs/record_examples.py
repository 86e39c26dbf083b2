"""Record the output and figure of the examples too slow to run in the documentation build.

Each example runs with its default arguments (plus where to draw its figure) from the
repository root; its printed output, the command and the wall time go to
``docs/_static/gallery/<folder>_<name>.txt`` and its figure, made small (a palette PNG),
to ``<folder>_<name>.png``. The gallery pages of those examples include both. Rerun after
changing one of them::

    .venv/bin/python docs/record_examples.py                      # all of them
    .venv/bin/python docs/record_examples.py 3d/qm9_regression    # one
    .venv/bin/python docs/record_examples.py flow/chirp_posterior --extra "--epochs 6"

``--extra`` passes more arguments (a shorter run on a busy machine); the recorded
command shows them.
"""
import argparse
import os
import platform
import shlex
import subprocess
import sys
import time
from typing import Dict, Optional, Sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "_static", "gallery")
# Example -> the option that makes it draw its figure (None: it prints only).
RECORDED: Dict[str, Optional[str]] = {
    "2d/learnable_digits": "--plot",
    "attention/train_digits": "--plot",
    "3d/qm9_regression": "--plot",
    "flow/chirp_posterior": "--out",
    "jax/learnable_digits": None,
}


def shrink(path: str, colors: int = 128) -> None:
    """Rewrite a PNG with a palette of ``colors`` (plots need few), optimised."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=colors, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def record(example: str, extra: Sequence[str] = ()) -> None:
    stem = example.replace("/", "_")
    figure_option = RECORDED[example]
    command = [os.path.join("examples", f"{example}.py"), *extra]
    if figure_option:
        command += [figure_option, os.path.join(OUT, f"{stem}.png")]
    env = dict(os.environ, MPLBACKEND="Agg")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, text=True,
                          stdout=subprocess.PIPE, check=True)
    seconds = time.perf_counter() - start
    shown = " ".join(["python", *command]).replace(OUT + os.sep, "")
    with open(os.path.join(OUT, f"{stem}.txt"), "w") as f:
        f.write(f"$ {shown}\n{done.stdout.rstrip()}\n\n"
                f"(wall time {seconds:.0f} s on {os.cpu_count()} CPU cores shared with "
                f"other jobs, {platform.machine()}, {time.strftime('%Y-%m-%d')})\n")
    if figure_option:
        shrink(os.path.join(OUT, f"{stem}.png"))
    print(f"{example}: {seconds:.0f} s")


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", nargs="*", help=f"some of {sorted(RECORDED)} "
                        "(default: all)")
    parser.add_argument("--extra", default="", help="more arguments for the examples")
    args = parser.parse_args(argv)
    unknown = set(args.examples) - set(RECORDED)
    if unknown:
        parser.error(f"not recorded examples: {sorted(unknown)}")
    os.makedirs(OUT, exist_ok=True)
    for example in args.examples or sorted(RECORDED):
        record(example, shlex.split(args.extra))


if __name__ == "__main__":
    main()
