# Two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run demo test lint bench screenshot migration clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP) $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/retainer $(ARGS)

demo: $(STAMP)
	$(BIN)/retainer demo $(ARGS)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n auto --dist worksteal $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src/retainer_tui

bench: $(STAMP)
	$(BIN)/python bench/run.py $(ARGS)

screenshot: $(STAMP)
	$(BIN)/python scripts/screenshot.py

# The next schema revision from the table classes: make migration MSG="add a thing"
migration: $(TEST_STAMP)
	$(BIN)/python scripts/new_migration.py -- "$(MSG)"

clean:
	rm -rf $(VENV) build dist .pytest_cache
