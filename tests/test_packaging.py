"""The extras of pyproject.toml match what the package imports."""
import ast
import os
import re
import subprocess
import sys

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, on PyPI for older Pythons
    tomllib = pytest.importorskip("tomli")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "kymatio")
with open(os.path.join(ROOT, "pyproject.toml"), "rb") as _f:
    PROJECT = tomllib.load(_f)["project"]
EXTRAS = PROJECT["optional-dependencies"]

# Import names whose distribution is named differently.
DISTRIBUTION = {"sklearn": "scikit-learn", "pywt": "pywavelets", "PIL": "pillow"}
# Every optional library: a module of an extra may import only those of its extra.
OPTIONAL = ("torch", "sklearn", "pywt", "tqdm", "matplotlib", "PIL", "jax", "tensorflow",
            "keras")
# Public modules by the extra that must be enough to import them ("": none).
MODULES = {"": ["kymatio", "kymatio.numpy", "kymatio.datasets", "kymatio.caching"],
           "torch": ["kymatio.torch", "kymatio.spatial", "kymatio.models"],
           "sklearn": ["kymatio.sklearn"], "attention": ["kymatio.attention", "kymatio.wavelets"],
           "flow": ["kymatio.flow"], "experiments": ["kymatio.experiments.cli"],
           "jax": ["kymatio.jax"]}


def requirement_name(requirement: str) -> str:
    """``'torch>=2.1'`` -> ``'torch'``; ``'kymatio[torch,docs]'`` -> ``'kymatio'``."""
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()


def extra_names(extra: str) -> set:
    """The distributions an extra installs, its nested ``kymatio[...]`` extras included."""
    names = set()
    for requirement in EXTRAS[extra]:
        nested = re.fullmatch(r"kymatio\[(.+)\]", requirement)
        if nested:
            for inner in nested.group(1).split(","):
                names |= extra_names(inner.strip())
        else:
            names.add(requirement_name(requirement))
    return names


def third_party_imports(path: str) -> set:
    """Top-level names of the non-standard, non-kymatio modules a file imports."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module.split(".")[0])
    return {n for n in names if n != "kymatio" and n not in sys.stdlib_module_names}


def test_every_import_of_the_package_is_a_requirement():
    provided = {requirement_name(r) for r in PROJECT["dependencies"]}
    for extra in EXTRAS:
        provided |= extra_names(extra)
    missing = {}
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                for module in third_party_imports(path):
                    if DISTRIBUTION.get(module, module).lower() not in provided:
                        missing.setdefault(module, []).append(os.path.relpath(path, ROOT))
    assert not missing, f"imported but in no dependency or extra of pyproject.toml: {missing}"


def test_extras_cover_the_optional_imports():
    assert set(OPTIONAL) >= {m for m in DISTRIBUTION}
    for module in OPTIONAL:
        assert any(DISTRIBUTION.get(module, module).lower() in extra_names(e) for e in EXTRAS)


# Blocked libraries look installed to importlib.util.find_spec (some libraries probe for
# others) but fail to import, as a broken install would.
IMPORT_WITHOUT = """
import importlib, importlib.abc, importlib.util, sys
class Absent(importlib.abc.Loader):
    def create_module(self, spec):
        raise ModuleNotFoundError(f"No module named {spec.name!r} (blocked)", name=spec.name)
    def exec_module(self, module):
        pass
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            return importlib.util.spec_from_loader(name, Absent())
sys.meta_path.insert(0, Block())
for module in MODULES:
    importlib.import_module(module)
"""


@pytest.mark.parametrize("extra", sorted(MODULES))
def test_modules_import_with_their_extra_alone(extra):
    allowed = extra_names(extra) if extra else set()
    blocked = {m for m in OPTIONAL if DISTRIBUTION.get(m, m).lower() not in allowed}
    code = f"BLOCKED = {sorted(blocked)!r}\nMODULES = {MODULES[extra]!r}\n{IMPORT_WITHOUT}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, (f"{MODULES[extra]} need more than the extra {extra!r}:\n"
                                  f"{done.stderr[-2000:]}")


def test_console_command_target_exists():
    from importlib import import_module

    target = PROJECT["scripts"]["kymatio-experiments"]
    module, _, function = target.partition(":")
    assert callable(getattr(import_module(module), function))


def test_package_is_typed():
    assert os.path.isfile(os.path.join(PACKAGE, "py.typed"))
