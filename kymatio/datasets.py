"""Datasets of Kymatio 0.3.0's examples (``kymatio.datasets``): the Free Spoken Digit
Dataset (FSDD, spoken digits as ``.wav`` files) and QM7 (7,165 small organic molecules
with their atomization energies).

Each dataset is fetched once into its folder under ``$KYMATIO_DATASETS`` (default
``~/kymatio_datasets``): FSDD by cloning its git repository into
``fsdd/free-spoken-digit-dataset``, QM7 by downloading ``qm7/gdb7-12.zip`` and extracting
``qm7/dsgdb7ae.xyz``. Files placed there by hand are used as they are, which is how to
use the datasets without network. A download is written under a temporary name in the
same folder and renamed when complete, so an interrupted one leaves no partial file that
a later call could mistake for the data.
"""
import logging
import os
import shutil
import subprocess
import tempfile
import zipfile
from contextlib import contextmanager
from http.client import HTTPException
from typing import Dict, Iterator, List, Mapping, Optional, Union
from urllib.error import URLError
from urllib.request import urlopen

import numpy as np

from .caching import _base_folder, _named_folder, get_cache_dir

__all__ = ["DownloadError", "atom_charges", "fetch_fsdd", "fetch_qm7",
           "find_datasets_base_dir", "fsdd_url", "get_dataset_dir", "qm7_url", "read_xyz"]

DATASETS_ENV = "KYMATIO_DATASETS"
#: Git repository of the Free Spoken Digit Dataset, cloned by :func:`fetch_fsdd`.
fsdd_url = "https://github.com/Jakobovski/free-spoken-digit-dataset.git"
#: Zip file of the QM7 (GDB7-12) molecules, downloaded by :func:`fetch_qm7`.
qm7_url = "https://qmml.org/Datasets/gdb7-12.zip"
#: Nuclear charge of each chemical element that occurs in QM7.
atom_charges = dict(H=1, C=6, O=8, N=7, S=16)

FSDD_FOLDER = "free-spoken-digit-dataset"
QM7_ZIP = "gdb7-12.zip"
QM7_XYZ = "dsgdb7ae.xyz"
_CHUNK_BYTES = 1 << 20
_TIMEOUT_S = 60

logger = logging.getLogger(__name__)


class DownloadError(URLError):
    """A dataset could not be downloaded. The message names the URL and where to place
    the file by hand. A subclass of ``urllib.error.URLError``, which Kymatio 0.3.0
    raised."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def find_datasets_base_dir(datasets_base_dir: Optional[str] = None) -> str:
    """The base folder of the datasets.

    Parameters
    ----------
    datasets_base_dir : str, optional
        Returned as it is if given. Otherwise the environment variable
        ``KYMATIO_DATASETS`` names the folder, and without it the default is
        ``~/kymatio_datasets``.

    Returns
    -------
    str
        The path of the base folder (not created here).
    """
    return _base_folder(datasets_base_dir, DATASETS_ENV, "kymatio_datasets")


def get_dataset_dir(dataset_name: str, datasets_base_dir: Optional[str] = None,
                    create: bool = True) -> str:
    """The folder of dataset ``dataset_name`` under the datasets' base folder.

    Parameters
    ----------
    dataset_name : str
        For instance ``"fsdd"`` or ``"qm7"``.
    datasets_base_dir : str, optional
        Base folder, see :func:`find_datasets_base_dir`.
    create : bool, optional
        Create the folder (and its parents) if it does not exist (default True).

    Returns
    -------
    str
        The folder's path.

    Raises
    ------
    ValueError
        If the folder does not exist and ``create`` is False.
    """
    return _named_folder(find_datasets_base_dir(datasets_base_dir), dataset_name, create,
                         "Could not find dataset dir (and create=False): ")


# -- FSDD -------------------------------------------------------------------------------
def fetch_fsdd(verbose: bool = False) -> Dict[str, Union[str, List[str]]]:
    """The Free Spoken Digit Dataset, cloned from :data:`fsdd_url` on first use.

    The repository goes to ``free-spoken-digit-dataset`` in the dataset folder ``fsdd``
    (see :func:`get_dataset_dir`). Without network, place a copy of it there by hand (at
    least its ``recordings`` folder of ``<digit>_<speaker>_<index>.wav`` files).

    Parameters
    ----------
    verbose : bool, optional
        Show git's progress while cloning (default False).

    Returns
    -------
    dict
        ``path_dataset``: the folder of the recordings
        (``.../fsdd/free-spoken-digit-dataset/recordings``); ``files``: the names of the
        ``.wav`` files in it, sorted.

    Raises
    ------
    RuntimeError
        If the repository cannot be cloned (the message says where to place it by hand).
    """
    repository = os.path.join(get_dataset_dir("fsdd"), FSDD_FOLDER)
    if not os.path.exists(repository):
        _clone(fsdd_url, repository, verbose)
    recordings = os.path.join(repository, "recordings")
    if not os.path.isdir(recordings):
        raise FileNotFoundError(
            f"{repository} has no 'recordings' folder: it should be a copy of {fsdd_url}. "
            f"Delete it to clone it again, or put the .wav files in {recordings}.")
    files = sorted(f for f in os.listdir(recordings) if f.endswith(".wav"))
    return {"path_dataset": recordings, "files": files}


def _clone(url: str, destination: str, verbose: bool) -> None:
    """``git clone url destination``, through a temporary folder next to
    ``destination`` so that a failed or interrupted clone leaves nothing behind."""
    by_hand = (f"Without network, copy a clone of that repository (or at least its "
               f"'recordings' folder of .wav files) to {destination}, or set "
               f"{DATASETS_ENV} to a folder that has fsdd/{FSDD_FOLDER} in it.")
    if shutil.which("git") is None:
        raise RuntimeError(f"Fetching the Free Spoken Digit Dataset needs git to clone "
                           f"{url}, and git is not installed. {by_hand}")
    logger.info("Cloning %s into %s", url, destination)
    with _staging(destination, directory=True) as partial:
        command = ["git", "clone", "--depth", "1", "--progress" if verbose else "--quiet",
                   url, partial]
        output = None if verbose else subprocess.PIPE
        result = subprocess.run(command, stdout=output, stderr=output, text=True,
                                env=dict(os.environ, GIT_TERMINAL_PROMPT="0"))
        if result.returncode != 0:
            message = (result.stderr or "").strip() or f"git exited with {result.returncode}"
            raise RuntimeError(f"Could not clone the Free Spoken Digit Dataset from {url} "
                               f"into {destination}: {message}. {by_hand}")


# -- QM7 --------------------------------------------------------------------------------
def fetch_qm7(align: bool = True, cache: bool = True) -> Dict[str, np.ndarray]:
    """The QM7 molecules (GDB7-12), downloaded from :data:`qm7_url` on first use.

    The zip file goes to ``gdb7-12.zip`` in the dataset folder ``qm7`` (see
    :func:`get_dataset_dir`) and is extracted there to ``dsgdb7ae.xyz``. Without network,
    place either file there by hand.

    Parameters
    ----------
    align : bool, optional
        Rotate each molecule about its centre so that its principal axes, from the longest
        to the shortest, are the x, y and z axes (default True).
    cache : bool, optional
        Keep the parsed arrays in the cache folder ``qm7`` (``qm7.npz``, and
        ``qm7_aligned.npz`` for ``align=True``; see :func:`kymatio.caching.get_cache_dir`)
        and load them from there next time (default True).

    Returns
    -------
    dict
        As :func:`read_xyz`: ``positions`` (float32, ``(n_molecules, max_atoms, 3)``),
        ``charges`` (integers, ``(n_molecules, max_atoms)``, 0 past a molecule's atoms),
        ``energies`` (float32, ``(n_molecules,)``).

    Raises
    ------
    DownloadError
        If the file cannot be downloaded (the message says where to place it by hand).
    """
    cache_folder = get_cache_dir("qm7") if cache else None
    unaligned_file = os.path.join(cache_folder, "qm7.npz") if cache else None
    aligned_file = os.path.join(cache_folder, "qm7_aligned.npz") if cache else None
    if align and cache and os.path.exists(aligned_file):
        return _load_npz(aligned_file)
    if cache and os.path.exists(unaligned_file):
        qm7 = _load_npz(unaligned_file)
    else:
        qm7 = read_xyz(_qm7_xyz_file())
        if cache:
            _save_npz(unaligned_file, qm7)
    if align:
        _pca_align_positions(qm7["positions"], qm7["charges"], inplace=True)
        if cache:
            _save_npz(aligned_file, qm7)
    return qm7


def _qm7_xyz_file() -> str:
    """Path of QM7's ``.xyz`` file, downloaded and extracted if it is not there yet."""
    folder = get_dataset_dir("qm7")
    xyz = os.path.join(folder, QM7_XYZ)
    if os.path.exists(xyz):
        return xyz
    archive = os.path.join(folder, QM7_ZIP)
    if not os.path.exists(archive):
        try:
            _download(qm7_url, archive)
        except (OSError, HTTPException) as error:
            reason = getattr(error, "reason", error)
            raise DownloadError(
                f"Could not download QM7 from {qm7_url} ({reason}). Without network, get "
                f"that file elsewhere and place it at {archive}, or place its extracted "
                f"{QM7_XYZ} at {xyz}; set {DATASETS_ENV} to use another base folder than "
                f"{os.path.dirname(folder)}.") from error
    try:
        _extract(archive, folder)
    except zipfile.BadZipFile as error:
        raise ValueError(f"{archive} is not a valid zip file (an incomplete copy?): "
                         f"delete it to download it again, or place {QM7_XYZ} at "
                         f"{xyz}.") from error
    if not os.path.exists(xyz):
        raise FileNotFoundError(f"{archive} has no {QM7_XYZ} in it; place that file at "
                                f"{xyz} by hand.")
    return xyz


def read_xyz(filename: str) -> Dict[str, np.ndarray]:
    """Read molecules from an ``.xyz`` file as QM7 stores them.

    Molecules are separated by blank lines. Each one is a line with its number of atoms,
    a line with its energy, then one line per atom: the element's symbol (a key of
    :data:`atom_charges`) and the x, y and z coordinates, separated by spaces.

    Parameters
    ----------
    filename : str
        Path of the file.

    Returns
    -------
    dict
        ``positions``: float32 array ``(n_molecules, max_atoms, 3)``; ``charges``:
        integer array ``(n_molecules, max_atoms)`` of nuclear charges; ``energies``:
        float32 array ``(n_molecules,)``. Molecules with fewer than ``max_atoms`` atoms
        are padded with zero positions and charges.
    """
    with open(filename) as f:
        blocks = [b.strip("\n") for b in f.read().replace("\r\n", "\n").split("\n\n")]
    molecules = [_parse_molecule(b.split("\n"), filename, i)
                 for i, b in enumerate(b for b in blocks if b.strip())]
    if not molecules:
        raise ValueError(f"No molecules in {filename}.")
    n_atoms = max(len(charges) for charges, _, _ in molecules)
    positions = np.zeros((len(molecules), n_atoms, 3), dtype=np.float32)
    charges = np.zeros((len(molecules), n_atoms), dtype=int)
    for i, (molecule_charges, molecule_positions, _) in enumerate(molecules):
        charges[i, :len(molecule_charges)] = molecule_charges
        positions[i, :len(molecule_charges)] = molecule_positions
    energies = np.array([energy for _, _, energy in molecules], dtype=np.float32)
    return dict(positions=positions, energies=energies, charges=charges)


def _parse_molecule(lines: List[str], filename: str, index: int) -> tuple:
    """(charges, positions, energy) of one molecule's lines of an ``.xyz`` file."""
    where = f"{filename}, molecule {index}"
    try:
        n_atoms, energy = int(lines[0]), float(lines[1])
    except (IndexError, ValueError) as error:
        raise ValueError(f"{where}: expected a line with the number of atoms and one with "
                         f"the energy, got {lines[:2]!r}.") from error
    rows = [line.split() for line in lines[2:2 + n_atoms]]
    if len(rows) != n_atoms or any(len(row) < 4 for row in rows):
        raise ValueError(f"{where}: expected {n_atoms} lines 'symbol x y z'.")
    unknown = sorted({row[0] for row in rows} - set(atom_charges))
    if unknown:
        raise ValueError(f"{where}: unknown element(s) {unknown}; known: "
                         f"{sorted(atom_charges)}.")
    charges = [atom_charges[row[0]] for row in rows]
    positions = [[float(v) for v in row[1:4]] for row in rows]
    return charges, positions, energy


def _pca_align_positions(positions: np.ndarray, masks: np.ndarray,
                         inplace: bool = False) -> Optional[np.ndarray]:
    """Centre each molecule's atoms (those where ``masks`` is non-zero) and rotate them
    onto their principal axes, longest first. Other entries are left as they are
    (``inplace``) or zero. Returns the result unless ``inplace``."""
    mask = masks.astype(bool)[..., None]
    n_atoms = np.maximum(mask.sum(axis=1, keepdims=True), 1)
    centred = np.where(mask, positions - (positions * mask).sum(axis=1, keepdims=True)
                       / n_atoms, 0).astype(positions.dtype)
    covariance = np.einsum("mai,maj->mij", centred, centred)
    _, axes = np.linalg.eigh(covariance)
    aligned = np.einsum("mai,mij->maj", centred, axes[..., ::-1])
    output = positions if inplace else np.zeros_like(positions)
    output[...] = np.where(mask, aligned, output)
    return None if inplace else output


# -- files ------------------------------------------------------------------------------
@contextmanager
def _staging(final_path: str, directory: bool = False) -> Iterator[str]:
    """A temporary file (or folder) next to ``final_path``, renamed to ``final_path``
    when the block completes and removed if it fails or is interrupted."""
    folder, name = os.path.split(final_path)
    if directory:
        partial = tempfile.mkdtemp(prefix=f".{name}.", suffix=".part", dir=folder)
    else:
        handle, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
        os.close(handle)
    try:
        yield partial
        if not (directory and os.path.exists(final_path)):  # else another process won
            os.replace(partial, final_path)
    finally:
        if os.path.isdir(partial):
            shutil.rmtree(partial, ignore_errors=True)
        elif os.path.exists(partial):
            os.remove(partial)


def _download(url: str, filename: str) -> None:
    """Download ``url`` to ``filename`` (complete or not at all), with a progress bar if
    tqdm is installed and the output is a terminal."""
    logger.info("Downloading %s to %s", url, filename)
    with _staging(filename) as partial, urlopen(url, timeout=_TIMEOUT_S) as response, \
            open(partial, "wb") as out, _progress(response, filename) as advance:
        expected = response.headers.get("Content-Length")
        received = 0
        while True:
            chunk = response.read(_CHUNK_BYTES)
            if not chunk:
                break
            out.write(chunk)
            received += len(chunk)
            advance(len(chunk))
        if expected is not None and received != int(expected):
            raise URLError(f"the connection closed after {received} of {expected} bytes")


@contextmanager
def _progress(response, filename: str) -> Iterator:
    """A function to call with each chunk's size: a tqdm bar if tqdm is installed."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        yield lambda n: None
        return
    total = response.headers.get("Content-Length")
    bar = tqdm(total=int(total) if total else None, unit="B", unit_scale=True,
               desc=os.path.basename(filename), disable=None, leave=False)
    try:
        yield bar.update
    finally:
        bar.close()


def _extract(archive: str, folder: str) -> None:
    """Extract the zip file ``archive`` into ``folder``, each member renamed into place
    once complete."""
    with tempfile.TemporaryDirectory(prefix=".extract.", dir=folder) as partial:
        with zipfile.ZipFile(archive) as contents:
            contents.extractall(partial)
        for name in os.listdir(partial):
            os.replace(os.path.join(partial, name), os.path.join(folder, name))


def _save_npz(filename: str, arrays: Mapping[str, np.ndarray]) -> None:
    with _staging(filename) as partial:
        with open(partial, "wb") as f:
            np.savez(f, **arrays)


def _load_npz(filename: str) -> Dict[str, np.ndarray]:
    with np.load(filename) as f:
        return {key: f[key] for key in f.files}
