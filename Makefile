# make run   install semopt into .venv and benchmark the offloading family's solvers on semantic-mec
# make test  install semopt[dev,learned] into .venv and run the whole test suite (notebooks included)
# make bench the pytest-benchmark suites of benchmarks/ (kept out of `make test`)
# make lint  ruff

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test bench lint

run: $(VENV)/.installed
	$(BIN)/semopt bench semantic-mec --solvers bcd,linear,fa,uc,ftm --seeds 10

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-dev
	$(BIN)/python -m pytest benchmarks/ --benchmark-only

lint: $(VENV)/.installed-dev
	$(BIN)/python -m ruff check semopt tests benchmarks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: pip runs again only when pyproject.toml is newer than the last install.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

# The dev install includes the plain one, so it refreshes both stamps; it adds the learned extra, so that
# the learned solvers' tests run in CI rather than skip.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev,learned,profile,distributed]'
	touch $@ $(VENV)/.installed
