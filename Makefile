# The single entry point. `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Build the demo workspace into ./territorial.db and show it.
demo: $(STAMP)
	$(BIN)/territorial demo

## The whole test suite: unit, storage on SQLite and PostgreSQL, end-to-end.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/ctdp_all.py --time-limit 60

clean:
	rm -rf $(VENV) build *.egg-info territorial.db territorial.db-*
