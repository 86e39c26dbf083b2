"""sphinx-gallery hooks for examples that save their figures to PNG files.

The examples are scripts: they write their figures with ``savefig`` and close them, so
matplotlib's scraper finds no open figure. :func:`mark_start` (a ``reset_modules`` entry)
notes when an example starts; :func:`saved_pngs` (an ``image_scrapers`` entry) moves every
PNG written since then under the example's folder into the gallery's images.
"""
import os
import shutil
import time
from typing import Any, Dict

from sphinx_gallery.scrapers import figure_rst

_started = {"time": float("inf")}


def mark_start(gallery_conf: Dict[str, Any], fname: str, when: str = "before") -> None:
    if when == "before":
        _started["time"] = time.time()


def saved_pngs(block: Any, block_vars: Dict[str, Any], gallery_conf: Dict[str, Any]) -> str:
    folder = os.path.dirname(block_vars["src_file"])
    written = []
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith(".png") and os.path.getmtime(path) >= _started["time"]:
                written.append(path)
    targets = []
    for path, target in zip(written, block_vars["image_path_iterator"]):
        shutil.move(path, target)
        targets.append(target)
    return figure_rst(targets, gallery_conf["src_dir"])
