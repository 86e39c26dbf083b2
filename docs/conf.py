"""Sphinx configuration of the kymatio (fork) documentation.

Offline build: no intersphinx, no remote themes. Build with ``make docs``.
"""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)

from kymatio.version import __version__  # noqa: E402

project = "kymatio (fork)"
author = "kymatio fork contributors"
copyright = "2024, kymatio fork contributors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]

# NumPy-style docstrings only.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

autodoc_member_order = "bysource"
# Types come from the NumPy-style docstrings; hints are shown in the signatures only.
autodoc_typehints = "signature"

templates_path = []
exclude_patterns = ["_build", "generated", "Thumbs.db", ".DS_Store"]
source_suffix = {".rst": "restructuredtext"}
master_doc = "index"
language = "en"
pygments_style = "sphinx"

html_theme = "alabaster"
html_theme_options = {
    "description": "Fast, drop-in wavelet scattering",
    "fixed_sidebar": True,
}
# docs/_static is optional (e.g. images for the gallery).
_STATIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_static")
html_static_path = ["_static"] if os.path.isdir(_STATIC) else []
html_title = f"kymatio (fork) {release}"

# Figures drawn at build time from the examples (never committed): docs/_figures/.
FIGURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_figures")


def _draw_figures() -> None:
    import importlib.util

    os.makedirs(FIGURES, exist_ok=True)
    script = os.path.join(ROOT, "examples", "spatial", "plot_kernels.py")
    spec = importlib.util.spec_from_file_location("plot_kernels", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.plot_kernels(L=8, K=7, out=os.path.join(FIGURES, "spatial_kernels.png"))


_draw_figures()
