"""kymatio.datasets without internet: a local HTTP server on 127.0.0.1 and a local git
repository stand in for the dataset hosts; fixtures are small generated files."""
import contextlib
import io
import os
import socket
import subprocess
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.io import wavfile

from kymatio import datasets

REFERENCE = np.load(os.path.join(os.path.dirname(__file__), "reference", "datasets.npz"))
XYZ_TEXT = str(REFERENCE["xyz_text"])


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """Dataset and cache base folders in tmp_path; returns the dataset base folder."""
    monkeypatch.setenv("KYMATIO_DATASETS", str(tmp_path / "data"))
    monkeypatch.setenv("KYMATIO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "data"


class Server:
    """HTTP server on 127.0.0.1 answering ``routes``: path -> (status, body, length);
    ``length`` (bytes announced) may exceed the body to cut the transfer short."""

    def __init__(self) -> None:
        self.routes = {}
        self.requests = []
        routes, requests = self.routes, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                status, body, length = routes.get(self.path, (404, b"not found", None))
                self.send_response(status)
                self.send_header("Content-Length", str(length or len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server():
    served = Server()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


def qm7_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(datasets.QM7_XYZ, XYZ_TEXT)
        archive.writestr("readme.txt", "fixture")
    return buffer.getvalue()


def leftovers(folder) -> list:
    """Partial downloads or clones left in ``folder``."""
    return [name for name in os.listdir(folder) if name.startswith(".")]


# -- QM7 -------------------------------------------------------------------------------
def test_read_xyz_matches_upstream(tmp_path):
    (tmp_path / "m.xyz").write_text(XYZ_TEXT.replace("\n", "\r\n") + "\n\n")
    qm7 = datasets.read_xyz(str(tmp_path / "m.xyz"))
    for key in ("positions", "charges", "energies"):
        assert qm7[key].dtype == REFERENCE[key].dtype
        np.testing.assert_array_equal(qm7[key], REFERENCE[key])


def test_alignment_matches_upstream():
    positions = REFERENCE["positions"].copy()
    aligned = datasets._pca_align_positions(positions, REFERENCE["charges"])
    np.testing.assert_allclose(aligned, REFERENCE["aligned"], atol=2e-6)
    np.testing.assert_array_equal(positions, REFERENCE["positions"])  # not in place
    datasets._pca_align_positions(positions, REFERENCE["charges"], inplace=True)
    np.testing.assert_array_equal(positions, aligned)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(2, 7), min_size=1, max_size=5), st.integers(0, 2 ** 31))
def test_alignment_is_a_centred_rotation_onto_principal_axes(sizes, seed):
    rng = np.random.default_rng(seed)
    positions = np.zeros((len(sizes), max(sizes), 3))
    charges = np.zeros((len(sizes), max(sizes)), dtype=int)
    for i, n in enumerate(sizes):
        positions[i, :n] = rng.normal(size=(n, 3)) * [3, 2, 1] + rng.normal(size=3)
        charges[i, :n] = rng.integers(1, 9, n)
    aligned = datasets._pca_align_positions(positions, charges)
    for i, n in enumerate(sizes):
        before, after = positions[i, :n], aligned[i, :n]
        np.testing.assert_allclose(after.mean(0), 0, atol=1e-9)
        distances = [np.linalg.norm(p[:, None] - p[None], axis=-1) for p in (before, after)]
        np.testing.assert_allclose(distances[0], distances[1], atol=1e-9)
        covariance = after.T @ after
        np.testing.assert_allclose(covariance - np.diag(np.diag(covariance)), 0, atol=1e-8)
        assert np.all(np.diff(np.diag(covariance)) <= 1e-9)
        np.testing.assert_array_equal(aligned[i, n:], 0)


@pytest.mark.parametrize("text, message", [
    ("2\n-1.0\nH 0 0 0\nXx 1 1 1\n", "unknown element"),
    ("3\n-1.0\nH 0 0 0\nC 1 1 1\n", "expected 3 lines"),
    ("two\n-1.0\nH 0 0 0\n", "number of atoms"),
    ("\n\n", "No molecules"),
])
def test_read_xyz_errors_say_what_is_wrong(tmp_path, text, message):
    (tmp_path / "bad.xyz").write_text(text)
    with pytest.raises(ValueError, match=message):
        datasets.read_xyz(str(tmp_path / "bad.xyz"))


def test_fetch_qm7_downloads_extracts_and_caches(folders, server, monkeypatch, tmp_path):
    server.routes["/gdb7-12.zip"] = (200, qm7_zip(), None)
    monkeypatch.setattr(datasets, "qm7_url", server.url + "/gdb7-12.zip")
    qm7 = datasets.fetch_qm7()
    assert server.requests == ["/gdb7-12.zip"]
    qm7_dir = folders / "qm7"
    assert sorted(os.listdir(qm7_dir)) == ["dsgdb7ae.xyz", "gdb7-12.zip", "readme.txt"]
    np.testing.assert_allclose(qm7["positions"], REFERENCE["aligned"], atol=2e-6)
    np.testing.assert_array_equal(qm7["charges"], REFERENCE["charges"])
    np.testing.assert_array_equal(qm7["energies"], REFERENCE["energies"])
    assert sorted(os.listdir(tmp_path / "cache" / "qm7")) == ["qm7.npz", "qm7_aligned.npz"]

    # Later calls read the cache: no request, and the source files may be gone.
    for name in os.listdir(qm7_dir):
        os.remove(qm7_dir / name)
    unaligned = datasets.fetch_qm7(align=False)
    np.testing.assert_array_equal(unaligned["positions"], REFERENCE["positions"])
    np.testing.assert_array_equal(datasets.fetch_qm7()["positions"], qm7["positions"])
    os.remove(tmp_path / "cache" / "qm7" / "qm7_aligned.npz")  # aligned from qm7.npz
    np.testing.assert_array_equal(datasets.fetch_qm7()["positions"], qm7["positions"])
    assert server.requests == ["/gdb7-12.zip"]


@pytest.mark.parametrize("placed", ["xyz", "zip"])
def test_fetch_qm7_uses_files_placed_by_hand(folders, monkeypatch, placed, tmp_path):
    monkeypatch.setattr(datasets, "qm7_url", "http://127.0.0.1:9/unreachable.zip")
    (folders / "qm7").mkdir(parents=True)
    if placed == "xyz":
        (folders / "qm7" / "dsgdb7ae.xyz").write_text(XYZ_TEXT)
    else:
        (folders / "qm7" / "gdb7-12.zip").write_bytes(qm7_zip())
    qm7 = datasets.fetch_qm7(align=False, cache=False)
    np.testing.assert_array_equal(qm7["positions"], REFERENCE["positions"])
    assert not (tmp_path / "cache").exists()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("failure", ["no server", "404", "cut short"])
def test_failed_download_leaves_nothing_and_says_where_to_put_the_file(
        folders, server, monkeypatch, failure):
    url = server.url + "/gdb7-12.zip"
    if failure == "no server":
        url = f"http://127.0.0.1:{closed_port()}/gdb7-12.zip"
    elif failure == "cut short":
        server.routes["/gdb7-12.zip"] = (200, qm7_zip()[:100], 5000)
    monkeypatch.setattr(datasets, "qm7_url", url)
    with pytest.raises(datasets.DownloadError) as error:
        datasets.fetch_qm7()
    message = str(error.value)
    for part in (url, str(folders / "qm7" / "gdb7-12.zip"), "dsgdb7ae.xyz", "KYMATIO_DATASETS"):
        assert part in message
    assert os.listdir(folders / "qm7") == []


def test_interrupted_download_leaves_nothing(folders, server, monkeypatch):
    server.routes["/gdb7-12.zip"] = (200, qm7_zip(), None)
    monkeypatch.setattr(datasets, "qm7_url", server.url + "/gdb7-12.zip")

    def interrupt(*args):
        def advance(n):
            raise KeyboardInterrupt
        return contextlib.nullcontext(advance)

    monkeypatch.setattr(datasets, "_progress", interrupt)
    with pytest.raises(KeyboardInterrupt):
        datasets.fetch_qm7()
    assert os.listdir(folders / "qm7") == []


def test_broken_zip_placed_by_hand_is_reported(folders):
    (folders / "qm7").mkdir(parents=True)
    (folders / "qm7" / "gdb7-12.zip").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a valid zip file"):
        datasets.fetch_qm7()
    assert sorted(os.listdir(folders / "qm7")) == ["gdb7-12.zip"]


# -- FSDD ------------------------------------------------------------------------------
WAV_NAMES = ["0_jackson_0.wav", "0_jackson_1.wav", "7_theo_12.wav"]


@pytest.fixture
def fsdd_repository(tmp_path):
    """A local git repository laid out as FSDD: recordings/<digit>_<speaker>_<i>.wav."""
    repository = tmp_path / "remote" / "free-spoken-digit-dataset"
    (repository / "recordings").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in WAV_NAMES:
        wavfile.write(repository / "recordings" / name, 8000,
                      (rng.normal(size=800) * 1000).astype(np.int16))
    (repository / "README.md").write_text("fixture\n")

    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                        *args], cwd=repository, check=True, capture_output=True)
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "fixture")
    return repository


def test_fetch_fsdd_clones_once(folders, fsdd_repository, monkeypatch):
    monkeypatch.setattr(datasets, "fsdd_url", fsdd_repository.as_uri())
    info = datasets.fetch_fsdd()
    expected = folders / "fsdd" / "free-spoken-digit-dataset" / "recordings"
    assert info == {"path_dataset": str(expected), "files": sorted(WAV_NAMES)}
    rate, x = wavfile.read(os.path.join(info["path_dataset"], info["files"][0]))
    assert rate == 8000 and x.shape == (800,)
    assert os.listdir(folders / "fsdd") == ["free-spoken-digit-dataset"]
    monkeypatch.setattr(datasets, "fsdd_url", "/nonexistent/repository")
    assert datasets.fetch_fsdd(verbose=True) == info


def test_fetch_fsdd_uses_a_copy_placed_by_hand(folders, monkeypatch):
    monkeypatch.setattr(datasets, "fsdd_url", "/nonexistent/repository")
    recordings = folders / "fsdd" / "free-spoken-digit-dataset" / "recordings"
    recordings.mkdir(parents=True)
    for name in WAV_NAMES + ["notes.txt"]:
        (recordings / name).write_bytes(b"")
    assert datasets.fetch_fsdd()["files"] == sorted(WAV_NAMES)


def test_fetch_fsdd_copy_without_recordings_is_reported(folders):
    (folders / "fsdd" / "free-spoken-digit-dataset").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="recordings"):
        datasets.fetch_fsdd()


def test_failed_clone_leaves_nothing_and_says_where_to_put_the_data(folders, monkeypatch,
                                                                     tmp_path):
    url = (tmp_path / "no-such-repository").as_uri()
    monkeypatch.setattr(datasets, "fsdd_url", url)
    with pytest.raises(RuntimeError) as error:
        datasets.fetch_fsdd()
    destination = str(folders / "fsdd" / "free-spoken-digit-dataset")
    assert url in str(error.value) and destination in str(error.value)
    assert os.listdir(folders / "fsdd") == []


def test_fetch_fsdd_without_git(folders, monkeypatch):
    monkeypatch.setattr(datasets.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="git is not installed"):
        datasets.fetch_fsdd()
    assert os.listdir(folders / "fsdd") == []
