#!/usr/bin/env bash
# A fresh virtual environment installs the checkout with the torch and experiments extras
# (offline: the local PyPI mirror) and runs the console command: the harness installs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet -c "$root/.ci/constraints.txt" \
    "$root[torch,experiments]"
cd "$tmp"  # not the checkout: the installed package must be the one imported
"$tmp/venv/bin/kymatio-experiments" --help > /dev/null
"$tmp/venv/bin/kymatio-experiments" quick --out "$tmp/quick" --threads 1 -q
"$tmp/venv/bin/kymatio-experiments" analyze "$tmp/quick" --no-plots
"$tmp/venv/bin/python" -m kymatio.experiments analyze "$tmp/quick" --plots "$tmp/plots" \
    > /dev/null
test -s "$tmp/plots/plot_size_vs_accuracy.png"
echo "install check passed: kymatio-experiments quick in a fresh venv"
