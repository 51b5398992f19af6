# The single entry point. `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench install clean

$(STAMP): pyproject.toml package-lock.json scripts/build_assets.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/build_assets.py
	$(BIN)/python scripts/warm_numba.py
	touch $(STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser build).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get install -y --no-install-recommends chromium || \
	  (apt-get update && apt-get install -y --no-install-recommends chromium)

install: $(STAMP)

## Build the demo workspace into ./territorial.db and serve the web app on :8000.
demo: $(STAMP)
	$(BIN)/territorial demo

## The whole test suite: unit, storage on SQLite and PostgreSQL, end-to-end.
test: $(STAMP) $(CHROMIUM)
	@ldconfig -p | grep -q libpangoft2-1.0 || apt-get install -y --no-install-recommends \
	  libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core  # WeasyPrint's PDF reports
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/ctdp_all.py --time-limit 60
	$(BIN)/python bench/geo_design.py
	$(BIN)/python bench/editor.py

clean:
	rm -rf $(VENV) build *.egg-info territorial.db territorial.db-* node_modules src/territorial/geo/data src/territorial/web/static/vendor
