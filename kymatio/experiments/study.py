"""Small-sample studies: a grid of runs (data set x label counts x model variants x seeds),
resumable, summarised with confidence intervals in ``study.json``.

Every cell is an ordinary run of the harness in ``OUT/runs/n<labels>/<variant>/seed<s>``,
trained end to end with the study's protocol (:data:`PROTOCOL`: fixed steps, cosine
schedule with warm-up, evaluated at the end, no early stopping). The seed fixes the
validation split, the stratified label subset and the initialisation, so that the runs of
one seed of all variants see the same images: the difference between a learnable variant
and its fixed twin is *paired*. Interrupting the study (or a kill -9) and running the same
command again continues it: finished cells are kept, a cell that was running resumes at
its next epoch.

``study.json`` holds the spec, the protocol of every variant, and per cell the mean,
standard deviation and 95 % t-interval of the test (and validation) accuracy over the
seeds, and per learnable variant the same for its paired difference with its twin. A
study can be extended (more label counts, variants or seeds) by running the command
again with them: the finished cells are kept.
"""
import logging
import math
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from .config import RUNTIME_FIELDS, ExperimentConfig
from .datasets import DATASET_NAMES
from .errors import ConfigError
from .run_folder import CONFIG_FILE, RESULTS_FILE, read_json, write_json

__all__ = ["Variant", "VARIANTS", "VARIANT_NAMES", "PROTOCOL", "StudySpec", "QUICK_SPEC",
           "run_study", "summarize", "interval", "STUDY_FILE", "SPEC_FILE"]

logger = logging.getLogger(__name__)
PathLike = Union[str, Path]
STUDY_FILE = "study.json"
SPEC_FILE = "study_spec.json"


@dataclass(frozen=True)
class Variant:
    """A model of a study: a registry model with its arguments and settings.

    Attributes
    ----------
    name : str
        Its name in specs and folders.
    label : str
        Its name in tables and figures.
    model : str
        A name of :data:`~kymatio.experiments.registry.MODELS`.
    model_kwargs : dict
        Its constructor arguments.
    twin : str, optional
        The fixed variant it is compared with (same model, fixed filters).
    settings : dict
        :class:`~kymatio.experiments.ExperimentConfig` fields over :data:`PROTOCOL`.
    """

    name: str
    label: str
    model: str
    model_kwargs: Mapping[str, Any] = field(default_factory=dict)
    twin: Optional[str] = None
    settings: Mapping[str, Any] = field(default_factory=dict)


_SCATTERING = {"J": 2, "L": 8}
# The wavelets' Morlet parameters learn; the low-pass stays fixed, as in the paper.
_MORLET = {"learnable": True, "parametrization": "morlet", "initialization": "tight-frame",
           "learnable_lowpass": False}
#: The variants a study can run. The frontend learning rates were chosen on the
#: validation split (docs: Results).
VARIANTS: Tuple[Variant, ...] = (
    Variant("s-ll", "S+LL", "scattering-linear",
            {**_SCATTERING, "learnable": False, "normalize": "channels"}),
    Variant("ls-ll-filters", "LS+LL (filters)", "scattering-linear",
            {**_SCATTERING, "learnable": True, "normalize": "channels"}, twin="s-ll",
            settings={"lr_frontend": 1e-2}),
    Variant("ls-ll-morlet", "LS+LL (Morlet)", "scattering-linear",
            {**_SCATTERING, **_MORLET, "normalize": "channels"}, twin="s-ll",
            settings={"lr_frontend": 0.2}),
    Variant("scattering-net", "ScatteringNet", "scattering-net",
            {"n_blocks": 2, "L": 8, "learnable": True}, settings={"lr_frontend": 1e-3}),
    Variant("cnn", "CNN (pixels)", "cnn", {"width": 1, "blocks": 1}),
    Variant("s-cnn", "S+CNN", "scattering-cnn", {**_SCATTERING, "learnable": False}),
    Variant("ls-cnn-morlet", "LS+CNN (Morlet)", "scattering-cnn",
            {**_SCATTERING, **_MORLET}, twin="s-cnn", settings={"lr_frontend": 0.2}),
)
VARIANT_NAMES: Tuple[str, ...] = tuple(variant.name for variant in VARIANTS)

#: The training protocol of every cell (Parametric Scattering Networks' recipe at CPU
#: size): end to end from the first step, Adam(W) without weight decay, a fixed number of
#: steps with a cosine schedule after one epoch of warm-up, the last state evaluated.
PROTOCOL: Dict[str, Any] = {
    "epochs_head": 0, "epochs_joint": 4, "steps_per_epoch": 100, "batch_size": 128,
    "lr_head_joint": 1e-3, "lr_frontend": 1e-3, "weight_decay": 0.0, "schedule": "cosine",
    "warmup_epochs": 1, "keep_best": False, "patience": None, "val_fraction": 1 / 12}


def _variant(name: str) -> Variant:
    for variant in VARIANTS:
        if variant.name == name:
            return variant
    raise ConfigError(f"variants: unknown variant {name!r}; choose among "
                      f"{', '.join(VARIANT_NAMES)}.")


@dataclass(frozen=True)
class StudySpec:
    """The grid of a study.

    Attributes
    ----------
    dataset : str
    data_dir : str, optional
    labels : tuple of int
        Training set sizes (labelled images, stratified).
    variants : tuple of str
        Names of :data:`VARIANTS`.
    seeds : int
        Seeds ``0 .. seeds - 1`` per cell.
    settings : dict
        :class:`~kymatio.experiments.ExperimentConfig` fields over the protocol and the
        variants' settings; a key ``'<variant>.<field>'`` applies to one variant.
    """

    dataset: str = "fashion-mnist"
    data_dir: Optional[str] = None
    labels: Tuple[int, ...] = (100, 500, 1000)
    variants: Tuple[str, ...] = ("s-ll", "ls-ll-filters", "ls-ll-morlet", "scattering-net",
                                 "cnn")
    seeds: int = 5
    settings: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.dataset not in DATASET_NAMES:
            raise ConfigError(f"dataset must be one of {', '.join(DATASET_NAMES)}; "
                              f"got {self.dataset!r}.")
        if not self.labels or any(isinstance(n, bool) or not isinstance(n, int) or n < 2
                                  for n in self.labels):
            raise ConfigError(f"labels must be counts >= 2, got {list(self.labels)}.")
        if not self.variants or len(set(self.variants)) != len(self.variants):
            raise ConfigError(f"variants must be distinct names, got {list(self.variants)}.")
        for name in self.variants:
            _variant(name)
        if isinstance(self.seeds, bool) or not isinstance(self.seeds, int) or self.seeds < 1:
            raise ConfigError(f"seeds must be an integer >= 1, got {self.seeds!r}.")
        for key in self.settings:
            if "." in key and key.split(".", 1)[0] not in self.variants:
                raise ConfigError(f"settings: {key!r} names a variant that is not in the "
                                  f"study ({', '.join(self.variants)}).")
        for name in self.variants:  # every cell's config is valid before anything runs
            self.config(name, self.labels[0], 0, "unused")

    def config(self, variant_name: str, labels: int, seed: int, out_dir: str,
               num_threads: Optional[int] = None) -> ExperimentConfig:
        """The configuration of one cell."""
        variant = _variant(variant_name)
        own = {key.split(".", 1)[1]: value for key, value in self.settings.items()
               if key.startswith(f"{variant_name}.")}
        common = {key: value for key, value in self.settings.items() if "." not in key}
        values = {**PROTOCOL, **variant.settings, **common, **own}
        values["model_kwargs"] = {**variant.model_kwargs, **values.get("model_kwargs", {})}
        return ExperimentConfig.from_dict({
            **values, "model": variant.model, "dataset": self.dataset,
            "data_dir": self.data_dir, "train_size": labels, "seed": seed,
            "out_dir": out_dir, "num_threads": num_threads, "progress": False})

    def to_dict(self) -> Dict[str, Any]:
        values = asdict(self)
        values.update(labels=list(self.labels), variants=list(self.variants),
                      settings=dict(self.settings))
        return values


#: The grid of ``study --quick``: digits, two label counts, a fixed and a learnable
#: variant, two seeds, a few steps each (seconds in all).
QUICK_SPEC = StudySpec(dataset="digits", labels=(50, 100), variants=("s-ll", "ls-ll-morlet"),
                       seeds=2, settings={"image_size": 16, "epochs_joint": 2,
                                          "steps_per_epoch": 5, "batch_size": 32,
                                          "lr_head_joint": 1e-2,
                                          "val_fraction": 0.1})


def _cell_dir(out_dir: Path, labels: int, variant: str, seed: int) -> Path:
    return out_dir / "runs" / f"n{labels}" / variant / f"seed{seed}"


def _run_cell(config: Dict[str, Any]) -> Dict[str, Any]:
    """One cell (in a worker process): resume it if it had started."""
    from .harness import run_experiment

    resume = (Path(config["out_dir"]) / CONFIG_FILE).is_file()
    results = run_experiment(ExperimentConfig.from_dict(config), resume=resume)
    return {"out_dir": config["out_dir"], "test_accuracy": results["test_accuracy"],
            "time_s": results["time_s"]}


def _prepare(spec: StudySpec, out_dir: Path) -> None:
    if out_dir.exists() and not (out_dir / SPEC_FILE).is_file() and (
            not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ConfigError(f"--out {out_dir} exists and is not a study folder (no "
                          f"{SPEC_FILE}); choose another --out.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json(out_dir / SPEC_FILE, spec.to_dict())
    except OSError as error:
        raise ConfigError(f"--out {out_dir} is not writable ({error.strerror or error}); "
                          f"choose a writable folder.") from None


def _pending(config: ExperimentConfig, overwrite: bool) -> bool:
    """Whether the cell of ``config`` must (still) run. A cell that ran with other
    settings is an error, or is cleared with ``overwrite``."""
    folder = Path(config.out_dir)
    saved_path = folder / CONFIG_FILE
    if not saved_path.is_file():
        return True
    saved = read_json(saved_path, "study")
    mine = {k: v for k, v in config.to_dict().items() if k not in RUNTIME_FIELDS}
    theirs = {k: v for k, v in saved.items() if k not in RUNTIME_FIELDS} \
        if isinstance(saved, dict) else {}
    if mine != theirs:
        if not overwrite:
            changed = sorted(k for k in mine if mine[k] != theirs.get(k))
            raise ConfigError(f"study: the cell {folder} ran with other settings (differs "
                              f"in {changed}); pass --overwrite to run again the cells "
                              f"whose settings changed, or choose another --out.")
        shutil.rmtree(folder)
        return True
    return not (folder / RESULTS_FILE).is_file()


def run_study(spec: StudySpec, out_dir: PathLike, jobs: int = 1, threads: int = 1,
              overwrite: bool = False, progress: bool = True,
              command: Optional[str] = None) -> Dict[str, Any]:
    """Run (or continue, or extend) the grid of ``spec`` in ``out_dir`` and write
    ``study.json``.

    Cells already finished with the same settings are kept, cells that had started resume
    at their next epoch; so the same command continues an interrupted study, and a
    command with more label counts, variants or seeds extends it.

    Parameters
    ----------
    spec : StudySpec
    out_dir : str or Path
        New, empty, or a study folder.
    jobs : int, optional
        Cells run at once, each in its own process.
    threads : int, optional
        Torch threads per cell.
    overwrite : bool, optional
        Run again the cells whose settings changed (otherwise an error).
    progress : bool, optional
        A progress bar over the cells.
    command : str, optional
        The command line, recorded in ``study.json``.

    Returns
    -------
    dict
        The content of ``study.json`` (see :func:`summarize`).
    """
    from tqdm import tqdm

    out_dir = Path(out_dir)
    _prepare(spec, out_dir)
    configs = [spec.config(name, labels, seed, str(_cell_dir(out_dir, labels, name, seed)),
                           threads)
               for labels in spec.labels for name in spec.variants
               for seed in range(spec.seeds)]
    todo = [config.to_dict() for config in configs if _pending(config, overwrite)]
    logger.info("%d of %d cells to run in %s", len(todo), len(configs), out_dir)
    with tqdm(total=len(configs), initial=len(configs) - len(todo), desc="study",
              unit="run", disable=not progress) as bar:
        def done(cell: Dict[str, Any]) -> None:
            bar.update()
            logger.info("%s: test accuracy %.4f, %.0f s", cell["out_dir"],
                        cell["test_accuracy"], cell["time_s"])

        if jobs <= 1:
            for config in todo:
                done(_run_cell(config))
        else:
            with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
                for future in as_completed([pool.submit(_run_cell, c) for c in todo]):
                    done(future.result())
    study = summarize(spec, out_dir, command)
    write_json(out_dir / STUDY_FILE, study)
    return study


def interval(values: Sequence[float]) -> Dict[str, Any]:
    """Mean, sample standard deviation and two-sided 95 % Student-t interval of the mean.

    Returns
    -------
    dict
        ``n``, ``mean``, ``std`` (None for one value), ``ci95`` (``[low, high]``, None for
        one value), ``values``.
    """
    from scipy.stats import t

    n = len(values)
    mean = sum(values) / n if n else None
    if n < 2:
        return {"n": n, "mean": mean, "std": None, "ci95": None, "values": list(values)}
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(0.975, n - 1)) * std / math.sqrt(n)
    return {"n": n, "mean": mean, "std": std, "ci95": [mean - half, mean + half],
            "values": list(values)}


def summarize(spec: StudySpec, out_dir: PathLike, command: Optional[str] = None
              ) -> Dict[str, Any]:
    """The summary of the finished cells of a study (what ``study.json`` holds).

    Returns
    -------
    dict
        ``spec``; ``command``; ``protocol`` (the configuration of each variant, without
        the per-cell fields); ``cells`` (per label count and variant: ``test_accuracy``
        and ``val_accuracy`` as :func:`interval`, ``time_s`` mean); ``paired`` (per label
        count and learnable variant with its twin in the study: the per-seed differences
        of test and validation accuracy as :func:`interval`); ``missing`` (cells not
        finished).
    """
    out_dir = Path(out_dir)
    finished: Dict[Tuple[int, str], Dict[int, Dict[str, Any]]] = {}
    missing = 0
    for labels in spec.labels:
        for name in spec.variants:
            for seed in range(spec.seeds):
                path = _cell_dir(out_dir, labels, name, seed) / RESULTS_FILE
                if path.is_file():
                    finished.setdefault((labels, name), {})[seed] = read_json(path, "study")
                else:
                    missing += 1
    cells, paired = [], []
    for labels in spec.labels:
        for name in spec.variants:
            runs = finished.get((labels, name), {})
            seeds = sorted(runs)
            cells.append({
                "labels": labels, "variant": name, "label": _variant(name).label,
                "seeds": seeds,
                "test_accuracy": interval([runs[s]["test_accuracy"] for s in seeds]),
                "val_accuracy": interval([runs[s]["final_val_accuracy"] for s in seeds]),
                "time_s": sum(runs[s]["time_s"] for s in seeds) / len(seeds) if seeds
                else None})
            twin = _variant(name).twin
            if twin in spec.variants:
                others = finished.get((labels, twin), {})
                common = sorted(set(runs) & set(others))
                paired.append({
                    "labels": labels, "variant": name, "twin": twin, "seeds": common,
                    "test_difference": interval([runs[s]["test_accuracy"]
                                                 - others[s]["test_accuracy"] for s in common]),
                    "val_difference": interval([runs[s]["final_val_accuracy"]
                                                - others[s]["final_val_accuracy"]
                                                for s in common])})
    protocol = {}
    for name in spec.variants:
        config = spec.config(name, spec.labels[0], 0, "-").to_dict()
        protocol[name] = {key: value for key, value in config.items()
                          if key not in ("train_size", "seed", "out_dir", "num_threads",
                                         "progress")}
    return {"spec": spec.to_dict(), "command": command, "protocol": protocol,
            "cells": cells, "paired": paired, "missing": missing}
