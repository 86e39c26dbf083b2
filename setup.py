"""Installation of the ``kymatio`` package (a drop-in fork of Kymatio 0.3.0)."""
import os

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
version = {}
with open(os.path.join(HERE, "kymatio", "version.py")) as f:
    exec(f.read(), version)

with open(os.path.join(HERE, "README.md"), encoding="utf-8") as f:
    long_description = f.read()

setup(
    name="kymatio",
    version=version["__version__"],
    description="Wavelet scattering transforms in NumPy and PyTorch, drop-in compatible "
                "with Kymatio 0.3.0, with learnable frontends.",
    long_description=long_description,
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    packages=find_packages(include=["kymatio", "kymatio.*"]),
    python_requires=">=3.9",
    install_requires=["numpy", "scipy", "packaging"],
    extras_require={
        "torch": ["torch>=2.1"],
        "sklearn": ["scikit-learn"],
        "attention": ["torch>=2.1", "PyWavelets"],
        # The harness' command line (kymatio-experiments): progress bars, digits and
        # stratified splits, plots, image folders.
        "experiments": ["tqdm", "scikit-learn", "matplotlib", "Pillow"],
        "dev": ["pytest", "sphinx", "matplotlib", "scikit-learn", "tqdm", "PyWavelets"],
    },
    entry_points={"console_scripts": [
        "kymatio-experiments = kymatio.experiments.cli:run"]},
    classifiers=[
        "License :: OSI Approved :: BSD License",
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering",
    ],
)
