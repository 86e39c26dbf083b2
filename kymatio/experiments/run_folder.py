"""The folder of a run: its file names, atomic writes, checkpoint reading, and the checks
made before training (a folder that is free, writable and has room).

Every file of a run is written atomically (a temporary file in the same folder, flushed
and fsync'ed, then renamed over the old one): a run killed at any instant leaves either
the previous or the new version of each file, never a truncated one.
"""
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict, Iterable, Union

import torch

from .errors import ConfigError

__all__ = ["RESULTS_FILE", "CONFIG_FILE", "STATE_FILE", "HISTORY_FILE", "RUN_FILES",
           "atomic_write_bytes", "atomic_write_text", "write_json", "save_checkpoint",
           "read_checkpoint", "read_json", "prepare_out_dir", "check_free_space",
           "probe_writable"]

PathLike = Union[str, Path]
RESULTS_FILE = "results.json"
CONFIG_FILE = "config.json"
STATE_FILE = "state.pt"
HISTORY_FILE = "history.csv"
TMP_SUFFIX = ".tmp"
PROBE = ".write-probe"


def _is_run_file(name: str) -> bool:
    if name.endswith(TMP_SUFFIX):
        name = name[:-len(TMP_SUFFIX)]
    return name in (RESULTS_FILE, CONFIG_FILE, STATE_FILE, HISTORY_FILE, PROBE) or (
        name.startswith("checkpoint_") and name.endswith(".pt"))


#: What a run writes; ``--overwrite`` clears a folder only if it holds nothing else.
RUN_FILES = (CONFIG_FILE, STATE_FILE, HISTORY_FILE, RESULTS_FILE, "checkpoint_<phase>.pt")


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename."""
    path = Path(path)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    try:  # make the rename itself durable
        directory = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


def atomic_write_text(path: PathLike, text: str) -> None:
    """:func:`atomic_write_bytes` of UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


def write_json(path: PathLike, value: Any) -> None:
    """Strict JSON (no NaN), indented, written atomically."""
    atomic_write_text(path, json.dumps(value, indent=2, allow_nan=False) + "\n")


def save_checkpoint(path: PathLike, checkpoint: Dict[str, Any]) -> None:
    """``torch.save`` of ``checkpoint``, written atomically."""
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    atomic_write_bytes(path, buffer.getvalue())


def read_checkpoint(path: PathLike, keys: Iterable[str], field: str = "checkpoint"
                    ) -> Dict[str, Any]:
    """Load a checkpoint written by the harness (tensors and plain types only).

    Parameters
    ----------
    path : str or Path
    keys : iterable of str
        Entries it must hold.
    field : str, optional
        What the user gave it as, for the message (``'checkpoint'``, ``'--resume'``).

    Raises
    ------
    ConfigError
        Missing, unreadable (truncated, empty, not a torch file, holding code), or
        without the expected entries.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{field}: {path} does not exist or is not a file; give a "
                          f"checkpoint_<phase>.pt or state.pt written by the harness.")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # truncated zip, garbage, pickled code: all unreadable
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise ConfigError(f"{field}: {path} is not a readable checkpoint of the harness "
                          f"(truncated, empty or another format: {reason}).") from None
    missing = [key for key in keys if not isinstance(checkpoint, dict) or key not in checkpoint]
    if missing:
        raise ConfigError(f"{field}: {path} is a torch file but not a checkpoint of the "
                          f"harness (it lacks {missing}).")
    return checkpoint


def read_json(path: PathLike, field: str) -> Any:
    """Parse a JSON file; :class:`ConfigError` naming ``field`` if it is absent or invalid.
    (``NaN`` and ``Infinity`` are parsed: the configuration then names the field that
    holds them.)"""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{field}: {path} does not exist or is not a file.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ConfigError(f"{field}: {path} is not valid JSON ({error}).") from None


def prepare_out_dir(path: PathLike, overwrite: bool = False, resume: bool = False) -> Path:
    """Create ``path`` if needed and check that a run may write there.

    A folder holding files is refused unless ``resume`` (the run continues in it) or
    ``overwrite`` (its run files are deleted first; a folder holding anything else than
    :data:`RUN_FILES` is never cleared). Writability is checked by writing a probe file.

    Raises
    ------
    ConfigError
        Naming ``out_dir`` and what to do.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"out_dir {path} is a file, not a folder; choose another --out.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a parent is a file, or not writable
        raise ConfigError(f"out_dir {path} cannot be created ({error.strerror or error}); "
                          f"choose a folder under a writable directory.") from None
    entries = sorted(entry.name for entry in path.iterdir())
    if entries and not resume:
        if not overwrite:
            raise ConfigError(
                f"out_dir {path} is not empty ({', '.join(entries[:4])}"
                f"{', ...' if len(entries) > 4 else ''}): pass --overwrite to clear it, "
                f"--resume {path} to continue the run in it, or choose another --out.")
        foreign = [name for name in entries if not _is_run_file(name)]
        if foreign:
            raise ConfigError(f"out_dir {path} holds files that a run does not write "
                              f"({', '.join(foreign[:4])}); --overwrite only clears run "
                              f"folders: choose another --out.")
        for name in entries:
            (path / name).unlink()
    try:
        probe_writable(path)
    except OSError as error:
        raise ConfigError(f"out_dir {path} is not writable ({error.strerror or error}); "
                          f"choose a writable --out.") from None
    return path


def probe_writable(folder: Path) -> None:
    """Create and delete a file in ``folder`` (OSError if it cannot)."""
    probe = folder / f"{PROBE}{TMP_SUFFIX}"
    probe.write_bytes(b"")
    probe.unlink()


def check_free_space(path: PathLike, needed_bytes: int) -> None:
    """:class:`ConfigError` if the file system of ``path`` has less than ``needed_bytes``
    free."""
    free = shutil.disk_usage(path).free
    if free < needed_bytes:
        raise ConfigError(f"out_dir {path}: {free / 2**20:.1f} MiB free on its disk, the "
                          f"run's checkpoints need about {needed_bytes / 2**20:.1f} MiB; "
                          f"free some space or choose another --out.")
