# Set-up and common tasks. Every target creates/updates .venv on its own.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv demo test docs dist bench clean

venv: $(STAMP)

$(STAMP): requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# qm9pack (data only) goes in without its loader's dependencies (pandas, old setuptools)
	grep -v '^qm9pack' requirements-dev.txt > $(VENV)/requirements-deps.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements-deps.txt
	$(PY) -m pip install --quiet --no-deps qm9pack
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(PY) examples/2d/demo_digits.py

test: $(STAMP)
	$(PY) -m pytest -q tests
	$(MAKE) docs

docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html

# Wheel and sdist into dist/, checked: twine's metadata check, the files each must carry,
# and a few tests run from the unpacked sdist.
dist: $(STAMP)
	rm -rf build dist  # setuptools would reuse build/lib, removed modules included
	$(PY) -m build --quiet --no-isolation --outdir dist .
	$(PY) -m twine check --strict dist/*
	$(PY) .ci/check_dist.py dist

# Needs upstream Kymatio 0.3.0 in its own venv: make bench KYMATIO_UPSTREAM_PYTHON=/path/to/python
bench: $(STAMP)
	$(PY) benchmarks/compare_upstream.py

clean:
	rm -rf docs/_build docs/generated docs/auto_examples .pytest_cache build dist *.egg-info
