"""Command line of the harness: ``python -m kymatio.experiments {train,quick,evaluate,analyze}``.

Examples
--------
::

    python -m kymatio.experiments train --model scattering-linear --epochs-head 5 \\
        --epochs-joint 5 --out runs/linear
    python -m kymatio.experiments train --model wavelet-transformer \\
        --model-arg preset=small --dataset cifar10 --data-dir ~/data --out runs/wt
    torchrun --nproc-per-node 4 -m kymatio.experiments train ... --out runs/ddp
    python -m kymatio.experiments quick --out runs/quick
    python -m kymatio.experiments analyze runs/
"""
import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .config import ExperimentConfig
from .datasets import DATASET_NAMES
from .errors import ConfigError
from .registry import MODEL_NAMES, model_entry

__all__ = ["main", "build_parser"]

PROG = "python -m kymatio.experiments"
# argparse destination -> config field, for the options of ``train``.
TRAIN_FIELDS = {"model": "model", "dataset": "dataset", "data_dir": "data_dir",
                "image_size": "image_size", "train_limit": "train_limit",
                "val_fraction": "val_fraction", "epochs_head": "epochs_head",
                "epochs_joint": "epochs_joint", "lr_head": "lr_head",
                "lr_head_joint": "lr_head_joint", "lr_frontend": "lr_frontend",
                "weight_decay": "weight_decay", "batch_size": "batch_size",
                "patience": "patience", "keep_best": "keep_best", "seed": "seed",
                "out": "out_dir",
                "device": "device", "resume": "resume", "threads": "num_threads"}


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


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", help="auto (default), cpu, cuda or cuda:N; under "
                        "torchrun any CUDA choice is cuda:LOCAL_RANK (one GPU per process)")
    parser.add_argument("--threads", type=int, metavar="N", help="torch CPU threads")
    parser.add_argument("--seed", type=int, help="seed of split, init and shuffling (0)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every epoch")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the four subcommands."""
    parser = argparse.ArgumentParser(prog=PROG, description="Train and compare the "
                                     "kymatio models with one shared two-phase harness.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser("train", help="train one model (phase A: head, phase B: "
                                "joint fine-tuning)", description=ExperimentConfig.__doc__
                                .split("\n\n")[0])
    train.add_argument("--config", type=Path, metavar="JSON",
                       help="start from this config (or a run's results.json, without "
                            "its --resume); the other options override it")
    train.add_argument("--model", choices=MODEL_NAMES)
    train.add_argument("--model-arg", type=_model_arg, action="append", default=[],
                       metavar="KEY=VALUE", help="model constructor argument, repeatable "
                       "(J=2, learnable=false, preset=small)")
    train.add_argument("--dataset", choices=DATASET_NAMES)
    train.add_argument("--data-dir", help="folder of the Fashion-MNIST idx files or of "
                       "cifar-10-batches-py (never downloaded)")
    train.add_argument("--image-size", type=int, metavar="N", help="resize to NxN")
    train.add_argument("--train-limit", type=int, metavar="N",
                       help="use only N training images")
    train.add_argument("--val-fraction", type=float, metavar="F")
    train.add_argument("--epochs-head", type=int, metavar="N", help="phase A epochs")
    train.add_argument("--epochs-joint", type=int, metavar="N", help="phase B epochs")
    train.add_argument("--lr-head", type=float, metavar="LR")
    train.add_argument("--lr-head-joint", type=float, metavar="LR",
                       help="head learning rate in phase B (default --lr-head)")
    train.add_argument("--lr-frontend", type=float, metavar="LR")
    train.add_argument("--weight-decay", type=float, metavar="WD")
    train.add_argument("--batch-size", type=int, metavar="N", help="per process")
    train.add_argument("--patience", type=int, metavar="N",
                       help="early stopping after N epochs without a better val accuracy")
    train.add_argument("--keep-last", dest="keep_best", action="store_false", default=None,
                       help="end each phase on its last epoch, not its best")
    train.add_argument("--out", metavar="DIR", help="results and checkpoints folder")
    train.add_argument("--resume", metavar="CHECKPOINT", help="load this state first")
    _common(train)

    quick = commands.add_parser("quick", help="a tiny run on 400 digits, in seconds")
    quick.add_argument("--model", choices=MODEL_NAMES, default="scattering-linear")
    quick.add_argument("--out", default="runs/quick", metavar="DIR")
    _common(quick)

    evaluate = commands.add_parser("evaluate", help="accuracy of a saved checkpoint")
    evaluate.add_argument("checkpoint", type=Path)
    evaluate.add_argument("--split", choices=("test", "val"), default="test")
    evaluate.add_argument("--device", default="cpu")

    analyze = commands.add_parser("analyze", help="table and plots of several runs")
    analyze.add_argument("runs", type=Path, help="folder holding run folders")
    analyze.add_argument("--plot", type=Path, metavar="PNG",
                         help="validation curves file (default RUNS/val_accuracy.png)")
    for command in (train, quick, evaluate, analyze):
        command.set_defaults(subparser=command)  # its own usage line in error messages
    return parser


def _train_config(args: argparse.Namespace, parser: argparse.ArgumentParser
                  ) -> ExperimentConfig:
    values: Dict[str, Any] = {}
    if args.config is not None:
        if not args.config.is_file():
            parser.error(f"--config {args.config} does not exist; give a JSON file "
                         f"written by ExperimentConfig.to_dict or a run's results.json.")
        try:
            loaded = json.loads(args.config.read_text())
            values = ExperimentConfig.from_dict(loaded.get("config", loaded)).to_dict()
        except (json.JSONDecodeError, ConfigError) as error:
            parser.error(f"--config {args.config}: {error}")
        if "config" in loaded:
            # A previous run's results: its resume checkpoint belonged to that run.
            values["resume"] = None
    for dest, name in TRAIN_FIELDS.items():
        if getattr(args, dest) is not None:
            values[name] = getattr(args, dest)
    values["model_kwargs"] = {**values.get("model_kwargs", {}), **dict(args.model_arg)}
    if "out_dir" not in values:
        parser.error("--out is required: the folder for results.json and the checkpoints "
                     "(for example --out runs/my-run).")
    values["progress"] = not args.quiet
    return ExperimentConfig.from_dict(values)


def _quick_config(args: argparse.Namespace) -> ExperimentConfig:
    entry = model_entry(args.model)
    # Models without phase A (the transformers) learn slower: more epochs, larger rate.
    head_first = entry.cls.head_first
    return ExperimentConfig(
        model=args.model, model_kwargs=dict(entry.quick), dataset="digits", image_size=16,
        train_limit=400, epochs_head=2, epochs_joint=2 if head_first else 4, lr_head=1e-2,
        lr_head_joint=1e-3 if head_first else 3e-3, lr_frontend=1e-3, batch_size=32,
        patience=2, seed=args.seed or 0, out_dir=args.out, device=args.device or "auto",
        num_threads=args.threads, progress=not args.quiet)


def _report(results: Dict[str, Any]) -> str:
    lines = [f"{results['model']['name']}: {results['parameters']['total']:,} parameters, "
             f"{results['data']['train']} training images"]
    for phase in results["phases"]:
        lines.append(f"  phase {phase['name']}: {phase['epochs_run']} epoch(s), best val "
                     f"accuracy {phase['best_val_accuracy']:.4f} (epoch "
                     f"{phase['best_epoch']}), test accuracy {phase['test_accuracy']:.4f}, "
                     f"{phase['time_s']:.1f} s")
    lines.append(f"test accuracy {results['test_accuracy']:.4f}; results in "
                 f"{Path(results['config']['out_dir']) / 'results.json'}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status (argument errors exit with 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False)
                        else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    subparser = args.subparser
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "evaluate":
            from .harness import evaluate_checkpoint
            if not args.checkpoint.is_file():
                subparser.error(f"checkpoint {args.checkpoint} does not exist; give a "
                                f"checkpoint_<phase>.pt of a run folder.")
            accuracy = evaluate_checkpoint(args.checkpoint, args.split, args.device)
            print(f"{args.split} accuracy {accuracy:.4f}")
            return 0
        config = _train_config(args, subparser) if args.command == "train" \
            else _quick_config(args)
        from tqdm.contrib.logging import logging_redirect_tqdm

        from .harness import run_experiment
        with logging_redirect_tqdm():
            results = run_experiment(config)
        if os.environ.get("RANK", "0") == "0":
            print(_report(results))
        return 0
    except ConfigError as error:
        subparser.error(str(error))
    except (FileNotFoundError, ValueError) as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return 1


def _analyze(args: argparse.Namespace) -> int:
    from .analysis import format_table, load_runs, plot_val_accuracy, summary_rows

    runs = load_runs(args.runs)
    print(format_table(summary_rows(runs)))
    path = plot_val_accuracy(runs, args.plot or args.runs / "val_accuracy.png")
    print(f"validation curves: {path}")
    return 0


def run(argv: Optional[List[str]] = None) -> None:
    """Entry point: :func:`main` then exit with its status."""
    sys.exit(main(argv))
