# salesops: `make demo` starts the product with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
export PORT

# The first Python >= 3.12 found on PATH (pyenv shims honour .python-version).
PYTHON := $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: help demo serve test lint format check-python clean

help:
	@echo "make demo   - install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff check and ruff format --check"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "salesops needs Python 3.12 or newer and none was found on PATH (tried python3.14, python3.13, python3.12, python3, python)."; \
		exit 1; fi

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

# Stamp files: a second run skips installation unless the pins changed.
$(VENV)/.installed: requirements/base.txt pyproject.toml | $(BIN)/python
	$(PIP) install -q --require-hashes -r requirements/base.txt
	$(PIP) install -q --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed
	$(PIP) install -q --require-hashes -r requirements/base.txt -r requirements/test.txt
	@touch $@

demo: $(VENV)/.installed
	@bash scripts/ensure-pdf.sh
	$(BIN)/salesops setup-demo
	$(BIN)/salesops serve --port $(PORT)

test: $(VENV)/.installed-test
	@bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
