#!/usr/bin/env bash
# The GPU check of this package, in one run of at most ~8 minutes on one GPU.
#
# Usage: benchmarks/gpu_check.sh [--dry-run] [--wheel PATH] [--python PY] [--out JSON]
#
#   --wheel PATH   upstream Kymatio 0.3.0's wheel file (kymatio-0.3.0-py3-none-any.whl,
#                  or $KYMATIO_UPSTREAM_WHEEL). It is pure Python: the script unpacks it,
#                  offline, into a temporary folder that goes first on PYTHONPATH of the
#                  upstream run only (same interpreter, so same torch and CUDA). Get it on
#                  a machine with network access with
#                  `pip download kymatio==0.3.0 --no-deps -d DIR`. Without it upstream
#                  is not timed and the JSON says so.
#   --python PY    the interpreter with a CUDA build of torch and this package's
#                  dependencies (default: .venv/bin/python if present, else python3).
#   --out JSON     the result (default benchmarks/results/gpu_check.json).
#   --dry-run      tiny sizes on the CPU: checks the plumbing, not the speed (the CUDA
#                  tests are only collected).
#
# Steps, each under its own time limit (a step that runs out is reported, the others go
# on): the CUDA-parametrized tests (pytest -m cuda); ours then upstream on upstream's
# benchmark cases and the user guide's batch sizes (float32, forward and
# forward+backward); the cost of learnable=True; the DWT peers; a harness training step
# on 1 process and, with 2+ GPUs, on 2 under torchrun. See benchmarks/gpu_bench.py.
set -u
cd "$(dirname "$0")/.."
DRY=""; WHEEL="${KYMATIO_UPSTREAM_WHEEL:-}"; OUT="benchmarks/results/gpu_check.json"
PY=python3; [ -x .venv/bin/python ] && PY=.venv/bin/python
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY="--dry-run" ;;
    --wheel) WHEEL="$2"; shift ;;
    --python) PY="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu_check.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$DRY" ] && ! "$PY" -c "import torch, sys; sys.exit(not torch.cuda.is_available())"; then
  echo "gpu_check.sh: $PY sees no CUDA device; run on a GPU machine, or --dry-run" >&2
  exit 1
fi
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
export GPU_CHECK_WORK="$WORK" PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
PARTS=()

step() {  # step LIMIT_SECONDS LABEL [ENV=VALUE...] -- ARGS of gpu_bench.py
  local limit="$1" label="$2"; shift 2
  local env=(); while [ "$1" != "--" ]; do env+=("$1"); shift; done; shift
  echo "== $label (at most ${limit} s)"
  local start=$SECONDS
  env "${env[@]}" timeout "$limit" "$PY" benchmarks/gpu_bench.py --out-dir "$WORK" \
    --label "$label" $DRY "$@" || echo "   $label: exit status $? (124: out of time)"
  echo "   $label: $((SECONDS - start)) s"
  PARTS+=("$WORK/$label.json")
}

step 120 tests -- --part tests
step 75 ours -- --part scattering
if [ -n "$WHEEL" ]; then
  if "$PY" -m zipfile -e "$WHEEL" "$WORK/upstream"; then
    step 120 upstream "PYTHONPATH=$WORK/upstream" -- --part scattering
  else
    echo "{\"error\": \"could not unpack $WHEEL\"}" > "$WORK/upstream.json"
    PARTS+=("$WORK/upstream.json")
  fi
else
  echo "{\"error\": \"not timed: no wheel given (--wheel or KYMATIO_UPSTREAM_WHEEL)\"}" \
    > "$WORK/upstream.json"
  PARTS+=("$WORK/upstream.json")
fi
step 45 learnable -- --part learnable
step 45 dwt -- --part dwt
step 60 torchrun -- --part torchrun
mkdir -p "$(dirname "$OUT")"
"$PY" benchmarks/gpu_bench.py --merge "${PARTS[@]}" --json "$OUT" && echo "wrote $OUT"
