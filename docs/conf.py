"""Sphinx configuration of the kymatio (fork) documentation.

Offline build: no intersphinx, no CDN (math is MathML made at build time, the theme's
assets are local). Build with ``make docs``. The example gallery runs the fast examples
at build time; the training runs are shown with a recorded output (docs/record_examples.py).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(HERE, "_ext"))

from kymatio.version import __version__  # noqa: E402

project = "kymatio (fork)"
author = "kymatio fork contributors"
copyright = "2026, kymatio fork contributors"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "mathml",
]

# NumPy-style docstrings only.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

autodoc_member_order = "bysource"
# Types come from the NumPy-style docstrings; hints are shown in the signatures only.
autodoc_typehints = "signature"

html_math_renderer = "mathml"

templates_path = []
exclude_patterns = ["_build", "generated", "Thumbs.db", ".DS_Store",
                    "auto_examples/*.ipynb", "auto_examples/**/*.ipynb"]
source_suffix = {".rst": "restructuredtext"}
master_doc = "index"
language = "en"
pygments_style = "sphinx"
pygments_dark_style = "monokai"

# Examples run when the docs are built: a few seconds each. The others (training runs)
# show the output of a recorded run instead.
EXECUTED = ("plot_filters", "plot_synthetic", "classify_mnist1d", "sklearn_digits",
            "demo_digits", "plot_kernels")
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": rf"[\\/]({'|'.join(EXECUTED)})\.py$",
    "subsection_order": ["../examples/2d", "../examples/1d", "../examples/3d",
                         "../examples/spatial", "../examples/attention",
                         "../examples/flow", "../examples/jax"],
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib", "gallery_files.saved_pngs"),
    "reset_modules": ("matplotlib", "gallery_files.mark_start"),
    "abort_on_example_error": True,
    "download_all_examples": False,
    "remove_config_comments": True,
    "write_computation_times": False,
    "min_reported_time": 0,
    "show_memory": False,
    "capture_repr": (),
}

html_theme = "pydata_sphinx_theme"
html_title = f"kymatio (fork) {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navbar_align": "left",
    "header_links_before_dropdown": 5,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {page: [] for page in ("index", "installation", "benchmarks", "changelog")}
html_show_sourcelink = False

# 1d/plot_filters.py and 2d/plot_filters.py (and the two learnable_digits.py) share a file
# name; their pages and labels are per folder (sphx_glr_auto_examples_1d_plot_filters.py),
# so only sphinx-gallery's flat download names could clash.
suppress_warnings = ["sphinx_gallery.duplicate_filename"]
