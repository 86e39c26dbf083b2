"""Command line of the harness: ``kymatio-experiments`` (or ``python -m kymatio.experiments``)
``{train,quick,evaluate,analyze,study}``.

Examples
--------
::

    kymatio-experiments train --model scattering-linear --epochs-head 5 \\
        --epochs-joint 5 --out runs/linear
    kymatio-experiments train --resume runs/linear         # after a crash or kill -9
    kymatio-experiments train --model wavelet-transformer \\
        --model-arg preset=small --dataset cifar10 --data-dir ~/data --out runs/wt
    torchrun --nproc-per-node 4 -m kymatio.experiments train ... --out runs/ddp
    kymatio-experiments quick --out runs/quick
    kymatio-experiments analyze runs/
    kymatio-experiments study --quick --out runs/study-quick

Wrong input (an option, a configuration file, a checkpoint, a data file, an output folder)
ends with a one-line message naming what to change and exit status 2.
"""
import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, NoReturn, Optional, Sequence

from .config import RUNTIME_FIELDS, ExperimentConfig
from .datasets import DATASET_NAMES
from .errors import ConfigError, DataError
from .registry import MODEL_NAMES, model_entry
from .run_folder import CONFIG_FILE, read_json
from .training import SCHEDULES

__all__ = ["main", "build_parser", "run", "PROG"]

PROG = "kymatio-experiments"
DEFAULTS = ExperimentConfig()
#: Errors of wrong user input: one line on stderr and exit status 2, no traceback.
INPUT_ERRORS = (ConfigError, DataError, FileNotFoundError)


class _Parser(argparse.ArgumentParser):
    """Errors on one line (``PROG COMMAND: error: ...``) with exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(str(message).split())} "
                     f"(see {self.prog} --help)\n")


def _model_arg(text: str) -> tuple:
    """``KEY=VALUE`` with VALUE read as JSON when it parses (``2``, ``true``, ``[1,2]``)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(
            f"expected KEY=VALUE (for example J=2 or learnable=true), got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def _train_size(text: str) -> Any:
    """An integer count (``500``) or a fraction (``0.1``)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a count (500) or a fraction (0.1), "
                                         f"got {text!r}") from None


def _default(name: str) -> str:
    return f"(default: {getattr(DEFAULTS, name)!r})"


# (flags, config field, argparse keywords, help) of the options of ``train`` that set one
# field of ExperimentConfig; their help ends with the field's default.
TRAIN_OPTIONS = (
    (("--model",), "model", {"choices": MODEL_NAMES}, "model to train"),
    (("--dataset",), "dataset", {"choices": DATASET_NAMES}, "data set"),
    (("--data-dir",), "data_dir", {"metavar": "DIR"}, "folder of the Fashion-MNIST idx "
     "files, of cifar-10-batches-py, or of train/ and val/ class folders (never "
     "downloaded)"),
    (("--image-size",), "image_size", {"type": int, "metavar": "N"}, "resize to NxN"),
    (("--train-size",), "train_size", {"type": _train_size, "metavar": "N|F"},
     "training images: a count (500) or a fraction (0.1), stratified by class"),
    (("--val-fraction",), "val_fraction", {"type": float, "metavar": "F"},
     "fraction of the training images held out for validation"),
    (("--epochs-head",), "epochs_head", {"type": int, "metavar": "N"},
     "phase A epochs (head only; 0: end-to-end)"),
    (("--epochs-joint",), "epochs_joint", {"type": int, "metavar": "N"}, "phase B epochs"),
    (("--steps-per-epoch",), "steps_per_epoch", {"type": int, "metavar": "N"},
     "optimizer steps per epoch (None: one pass over the training images)"),
    (("--lr-head",), "lr_head", {"type": float, "metavar": "LR"}, "head learning rate"),
    (("--lr-head-joint",), "lr_head_joint", {"type": float, "metavar": "LR"},
     "head learning rate in phase B (None: --lr-head)"),
    (("--lr-frontend",), "lr_frontend", {"type": float, "metavar": "LR"},
     "frontend (filters) learning rate in phase B"),
    (("--weight-decay",), "weight_decay", {"type": float, "metavar": "WD"},
     "AdamW weight decay of the head"),
    (("--batch-size",), "batch_size", {"type": int, "metavar": "N"},
     "images per step over all processes (split between torchrun processes)"),
    (("--schedule",), "schedule", {"choices": SCHEDULES}, "learning rate within a phase"),
    (("--warmup-epochs",), "warmup_epochs", {"type": int, "metavar": "N"},
     "linear warm-up epochs at the start of each phase"),
    (("--augment",), "augment", {"action": "store_const", "const": True},
     "random translations and horizontal flips"),
    (("--patience",), "patience", {"type": int, "metavar": "N"},
     "stop a phase after N epochs without a better val accuracy (None: never)"),
    (("--keep-last",), "keep_best", {"action": "store_const", "const": False},
     "end each phase on its last epoch, not its best"),
    (("--seed",), "seed", {"type": int}, "seed of split, subset, init, shuffling"),
    (("--out",), "out_dir", {"metavar": "DIR"}, "folder of the run's files, empty or new "
     "(required unless --config or --resume gives it)"),
    (("--device",), "device", {}, "auto, cpu, cuda or cuda:N; under torchrun any CUDA "
     "choice is cuda:LOCAL_RANK"),
    (("--threads",), "num_threads", {"type": int, "metavar": "N"},
     "torch CPU threads (None: torch's choice)"),
)


def _verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every epoch (default: off)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars (default: off)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the subcommands."""
    parser = _Parser(prog=PROG, description="Train and compare the kymatio models with one "
                     "shared two-phase harness.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train", help="train one model (phase A: head, phase B: joint fine-tuning)",
        description="Train one model: phase A (the head on the frozen frontend), then "
        "phase B (everything). Every epoch ends with a checkpoint in --out; --resume "
        "continues a killed run at its next epoch.")
    train.add_argument("--config", type=Path, metavar="JSON",
                       help="start from this config (or a run's results.json); the other "
                            "options override it (default: none)")
    train.add_argument("--model-arg", type=_model_arg, action="append", default=[],
                       metavar="KEY=VALUE", help="model constructor argument, repeatable "
                       "(J=2, learnable=false, preset=small) (default: the model's defaults)")
    for flags, name, keywords, text in TRAIN_OPTIONS:
        if "required" not in text:
            text += " (default: off)" if "const" in keywords else f" {_default(name)}"
        train.add_argument(*flags, dest=name, default=None, help=text, **keywords)
    train.add_argument("--resume", type=Path, metavar="RUN_DIR",
                       help="continue the killed run in RUN_DIR at its next epoch, with its "
                            "own config.json (only --device, --threads, -q, -v may change) "
                            "(default: none)")
    train.add_argument("--overwrite", action="store_true",
                       help="clear --out first if it holds an earlier run (default: off)")
    _verbosity(train)

    quick = commands.add_parser("quick", help="a tiny run on 400 digits, in seconds")
    quick.add_argument("--model", choices=MODEL_NAMES, default="scattering-linear",
                       help="model to train (default: %(default)s)")
    quick.add_argument("--out", default="runs/quick", metavar="DIR",
                       help="folder of the run's files (default: %(default)s)")
    quick.add_argument("--overwrite", action="store_true",
                       help="clear --out first if it holds an earlier run (default: off)")
    quick.add_argument("--seed", type=int, default=0, help="seed (default: %(default)s)")
    quick.add_argument("--device", default="auto", help="device (default: %(default)s)")
    quick.add_argument("--threads", type=int, metavar="N",
                       help="torch CPU threads (default: torch's choice)")
    _verbosity(quick)

    evaluate = commands.add_parser("evaluate", help="accuracy of a saved checkpoint")
    evaluate.add_argument("checkpoint", type=Path,
                          help="a checkpoint_<phase>.pt of a run folder")
    evaluate.add_argument("--split", choices=("test", "val"), default="test",
                          help="which split of the checkpoint's run (default: %(default)s)")
    evaluate.add_argument("--device", default="cpu", help="device (default: %(default)s)")

    analyze = commands.add_parser("analyze", help="table and plots of several runs (or of "
                                  "a study)")
    analyze.add_argument("runs", type=Path, help="folder holding run folders or a study")
    analyze.add_argument("--plots", type=Path, metavar="DIR",
                         help="folder of the figures (default: RUNS/plots)")
    analyze.add_argument("--no-plots", action="store_true",
                         help="print the table only (default: off)")

    _add_study_parser(commands)
    for command in commands.choices.values():
        command.set_defaults(subparser=command)  # its own usage line in error messages
    return parser


def _add_study_parser(commands: Any) -> None:
    from .study import QUICK_SPEC, VARIANT_NAMES, StudySpec

    spec = StudySpec()
    study = commands.add_parser(
        "study", help="a grid of runs (label counts x variants x seeds) with 95 %% "
        "intervals in study.json; run it again to continue it",
        description="Train every variant at every label count with every seed (end to "
        "end, fixed steps), then summarise: mean test accuracy with its 95 % interval "
        "per cell, and the paired difference of each learnable variant with its fixed twin.")
    study.add_argument("--dataset", choices=DATASET_NAMES,
                       help=f"data set (default: {spec.dataset})")
    study.add_argument("--data-dir", metavar="DIR", help="folder of the data set files "
                       "(default: the data set's own place)")
    study.add_argument("--labels", type=int, nargs="+", metavar="N",
                       help=f"labelled training images per cell (default: "
                            f"{' '.join(map(str, spec.labels))})")
    study.add_argument("--variants", nargs="+", metavar="NAME",
                       help=f"among {', '.join(VARIANT_NAMES)} (default: "
                            f"{' '.join(spec.variants)})")
    study.add_argument("--seeds", type=int, metavar="N",
                       help=f"seeds 0..N-1 per cell (default: {spec.seeds})")
    study.add_argument("--set", type=_model_arg, action="append", default=[],
                       metavar="KEY=VALUE", dest="settings",
                       help="a training setting over the protocol, repeatable: "
                            "steps_per_epoch=50, or VARIANT.KEY=VALUE for one variant "
                            "(ls-ll-morlet.lr_frontend=0.5) (default: none)")
    study.add_argument("--quick", action="store_true",
                       help=f"the tiny grid of the tests: {QUICK_SPEC.dataset}, labels "
                            f"{' '.join(map(str, QUICK_SPEC.labels))}, "
                            f"{QUICK_SPEC.seeds} seeds, a few steps (default: off)")
    study.add_argument("--out", type=Path, metavar="DIR", required=True,
                       help="study folder (required; run again to continue)")
    study.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="cells trained at once, one process each (default: %(default)s)")
    study.add_argument("--threads", type=int, default=1, metavar="N",
                       help="torch threads per cell (default: %(default)s)")
    study.add_argument("--overwrite", action="store_true",
                       help="run again the cells of --out whose settings changed (default: "
                            "off: an error)")
    _verbosity(study)


def _study(args: argparse.Namespace) -> str:
    import dataclasses

    from .analysis import format_study_table
    from .study import QUICK_SPEC, StudySpec, run_study

    base = QUICK_SPEC if args.quick else StudySpec()
    changes: Dict[str, Any] = {}
    for name in ("dataset", "data_dir", "seeds"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.labels:
        changes["labels"] = tuple(args.labels)
    if args.variants:
        changes["variants"] = tuple(args.variants)
    if args.settings:
        changes["settings"] = {**base.settings, **dict(args.settings)}
    for name in ("jobs", "threads"):
        if getattr(args, name) < 1:
            raise ConfigError(f"--{name} must be an integer >= 1, got {getattr(args, name)}.")
    spec = dataclasses.replace(base, **changes)
    command = " ".join([PROG] + list(sys.argv[1:])) if sys.argv[1:2] == ["study"] else None
    study = run_study(spec, args.out, jobs=args.jobs, threads=args.threads,
                      overwrite=args.overwrite, progress=not args.quiet, command=command)
    return f"{format_study_table(study)}\nstudy summary in {args.out / 'study.json'}"


def _train_config(args: argparse.Namespace) -> ExperimentConfig:
    given = {name: getattr(args, name) for _, name, _, _ in TRAIN_OPTIONS
             if getattr(args, name) is not None}
    if args.resume is not None:
        changed = sorted(set(given) - set(RUNTIME_FIELDS) | set(given) & {"out_dir"}) + (
            ["model_kwargs"] if args.model_arg else []) + (
            ["config"] if args.config else [])
        if changed:
            raise ConfigError(f"--resume continues the run with its own {CONFIG_FILE}; drop "
                              f"the options that set {changed} (only --device, --threads, "
                              f"-q and -v may change).")
        loaded = read_json(args.resume / CONFIG_FILE, "--resume")
        if not isinstance(loaded, dict):
            raise ConfigError(f"--resume: {args.resume / CONFIG_FILE} is not a JSON object.")
        values = {**loaded, **given, "out_dir": str(args.resume)}
    else:
        values = {}
        if args.config is not None:
            loaded = read_json(args.config, "--config")
            if isinstance(loaded, dict) and isinstance(loaded.get("config"), dict):
                loaded = loaded["config"]  # a run's results.json
            values = ExperimentConfig.from_dict(loaded).to_dict()
        values.update(given)
        values["model_kwargs"] = {**values.get("model_kwargs", {}), **dict(args.model_arg)}
        if "out_dir" not in values:
            raise ConfigError("--out is required: the folder for the run's files (for "
                              "example --out runs/my-run).")
    values["progress"] = not args.quiet
    return ExperimentConfig.from_dict(values)


def _quick_config(args: argparse.Namespace) -> ExperimentConfig:
    entry = model_entry(args.model)
    # Models without phase A (the transformers) learn slower: more epochs, larger rate.
    head_first = entry.cls.head_first
    return ExperimentConfig(
        model=args.model, model_kwargs=dict(entry.quick), dataset="digits", image_size=16,
        train_size=400, epochs_head=2, epochs_joint=2 if head_first else 4, lr_head=1e-2,
        lr_head_joint=1e-3 if head_first else 3e-3, lr_frontend=1e-3, batch_size=32,
        patience=2, seed=args.seed, out_dir=args.out, device=args.device,
        num_threads=args.threads, progress=not args.quiet)


def _percent(value: Optional[float], unit: str = " %", sign: str = "") -> str:
    return "-" if value is None else f"{100 * value:{sign}.2f}{unit}"


def _report(results: Dict[str, Any]) -> str:
    lines = [f"{results['model']['name']}: {results['parameters']['total']:,} parameters, "
             f"{results['data']['train']} training images"]
    for phase in results["phases"]:
        lines.append(f"  phase {phase['name']}: {phase['epochs_run']} epoch(s), best val "
                     f"accuracy {phase['best_val_accuracy']:.4f} (epoch "
                     f"{phase['best_epoch']}), test accuracy {phase['test_accuracy']:.4f}, "
                     f"{phase['time_s']:.1f} s")
    lines.append(f"head_acc {_percent(results['head_acc'])}, finetune_acc "
                 f"{_percent(results['finetune_acc'])}, finetune_gain "
                 f"{_percent(results['finetune_gain'], ' points', '+')}")
    lines.append(f"test accuracy {results['test_accuracy']:.4f}; results in "
                 f"{Path(results['config']['out_dir']) / 'results.json'}")
    return "\n".join(lines)


def _fail(args: argparse.Namespace, error: BaseException) -> int:
    message = " ".join(str(error).split())
    print(f"{args.subparser.prog}: error: {message}", file=sys.stderr)
    return 2


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status (wrong input: 2)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False)
                        else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "analyze":
            from .analysis import analyze
            print(analyze(args.runs, None if args.no_plots else
                          (args.plots or args.runs / "plots")))
            return 0
        if args.command == "evaluate":
            from .harness import evaluate_checkpoint
            accuracy = evaluate_checkpoint(args.checkpoint, args.split, args.device)
            print(f"{args.split} accuracy {accuracy:.4f}")
            return 0
        if args.command == "study":
            print(_study(args))
            return 0
        if args.command == "train":
            config = _train_config(args)
            resume, overwrite = args.resume is not None, args.overwrite
        else:
            config, resume, overwrite = _quick_config(args), False, args.overwrite
        from tqdm.contrib.logging import logging_redirect_tqdm

        from .harness import run_experiment
        with logging_redirect_tqdm():
            results = run_experiment(config, resume=resume, overwrite=overwrite)
        if os.environ.get("RANK", "0") == "0":
            print(_report(results))
        return 0
    except INPUT_ERRORS as error:
        return _fail(args, error)


def run(argv: Optional[List[str]] = None) -> None:
    """Entry point of the ``kymatio-experiments`` command: :func:`main`, then exit with
    its status."""
    sys.exit(main(argv))
