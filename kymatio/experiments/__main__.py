"""``python -m kymatio.experiments``: see :mod:`kymatio.experiments.cli`."""
from .cli import run

if __name__ == "__main__":
    run()
