"""Check the wheel and the sdist that ``python -m build`` wrote to a folder.

The wheel: typed (``py.typed``), the console command, the SPDX license and every extra of
pyproject.toml in its metadata. The sdist: the tests with their reference data, and a few
of those tests run from the unpacked sdist against the package sources it carries.

    python .ci/check_dist.py dist
"""
import email.parser
import glob
import os
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Fast test files that load reference data and run an example script.
SDIST_TESTS = ["tests/scattering2d/test_reference.py",
               "tests/scattering1d/test_scattering1d.py::test_examples_write_their_figure"]


def fail(message: str) -> None:
    sys.exit(f"check_dist: {message}")


def only(pattern: str) -> str:
    """The one file that matches ``pattern``."""
    found = glob.glob(pattern)
    if len(found) != 1:
        fail(f"expected one file {pattern}, found {found}")
    return found[0]


def check_wheel(path: str, extras: list) -> None:
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(wheel.read(info).decode())
        entry_points = wheel.read(info.replace("METADATA", "entry_points.txt")).decode()
    if "kymatio/py.typed" not in names:
        fail("the wheel has no kymatio/py.typed")
    if any(name.startswith(("tests/", "examples/", "benchmarks/")) for name in names):
        fail("the wheel carries more than the kymatio package")
    if metadata["License-Expression"] != "BSD-3-Clause":
        fail(f"License-Expression is {metadata['License-Expression']!r}")
    if any(c.startswith("License ::") for c in metadata.get_all("Classifier", [])):
        fail("a License classifier is deprecated next to a license expression")
    missing = set(extras) - set(metadata.get_all("Provides-Extra", []))
    if missing:
        fail(f"extras missing from the wheel's metadata: {sorted(missing)}")
    if "kymatio-experiments = kymatio.experiments.cli:" not in entry_points:
        fail("the wheel has no kymatio-experiments console command")


def check_sdist(path: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(path) as sdist:
            sdist.extractall(tmp, filter="data")
        source = only(os.path.join(tmp, "kymatio-*"))
        for required in ("pyproject.toml", "LICENSE", "kymatio/py.typed",
                         "tests/conftest.py", "tests/reference/scattering2d.npz",
                         "tests/reference/scattering1d.npz",
                         "tests/reference/scattering3d.npz"):
            if not os.path.isfile(os.path.join(source, required)):
                fail(f"the sdist has no {required}")
        # The package imported by these tests must be the sdist's copy.
        env = dict(os.environ, PYTHONPATH=source, MPLBACKEND="Agg")
        where = subprocess.run([sys.executable, "-c", "import kymatio; print(kymatio.__file__)"],
                               cwd=source, env=env, capture_output=True, text=True, check=True)
        if not where.stdout.strip().startswith(source):
            fail(f"the sdist's tests would import kymatio from {where.stdout.strip()}")
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               *SDIST_TESTS], cwd=source, env=env)
        if done.returncode:
            fail("tests run from the unpacked sdist failed")


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else "dist"
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        extras = list(tomllib.load(f)["project"]["optional-dependencies"])
    check_wheel(only(os.path.join(folder, "kymatio-*.whl")), extras)
    check_sdist(only(os.path.join(folder, "kymatio-*.tar.gz")))
    print(f"check_dist: wheel and sdist in {folder} passed")


if __name__ == "__main__":
    main()
