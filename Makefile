# drugflows: `make help` lists the targets. Everything runs in the project's own .venv,
# created and filled from requirements.lock on first use (Python 3.11 and pip are all it needs).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
JOBS ?=
# Everything ruff lints and formats (the pre-commit hook covers the same files).
CODE := src tests benchmarks notebooks

.DEFAULT_GOAL := help
.PHONY: help install reports test test-fast browser lab data data-check lint format benchmark lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@# jupyterlab pulls in rfc3987-syntax, which builds a grammar on every jsonschema import and
	@# slows each nbformat/papermill start by ~1.4 s; nothing here uses the RFC 3987 format check.
	$(BIN)/python -m pip uninstall --quiet -y rfc3987-syntax
	@touch $@

install: $(STAMP) ## Create .venv and install the pinned packages and drugflows (editable)

reports: $(STAMP) ## Render every report of reports.yml into reports/ (JOBS=n workers)
	$(BIN)/drugflows render $(if $(JOBS),--jobs $(JOBS))

test: lint ## Lint and format check, then run the whole test suite, notebooks included
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env --durations=15 tests notebooks

test-fast: $(STAMP) ## Run the tests not marked slow: no kernel, render, browser, server or build (no nbval)
	$(BIN)/python -m pytest -m "not slow" tests

browser: ## Install Debian's chromium for the browser tests (root or sudo; skipped otherwise)
	bash scripts/install-browser

# JupyterLab refuses to run as root without --allow-root (a container, a CI box): add it only then.
USER_ID ?= $(shell id -u)
LAB_FLAGS := --notebook-dir=notebooks$(if $(filter 0,$(USER_ID)), --allow-root)
LAB_ROOT_NOTE := make lab: running as root, so JupyterLab is started with --allow-root

lab: $(STAMP) ## Open the notebooks in JupyterLab on the project's kernel (--allow-root when run as root)
	@$(if $(filter 0,$(USER_ID)),echo "$(LAB_ROOT_NOTE)",true)
	$(BIN)/jupyter lab $(LAB_FLAGS)

data: $(STAMP) ## Rebuild data/processed/ from the raw files (data/raw/ added to ../shared/data/)
	$(BIN)/drugflows data build

data-check: $(STAMP) ## List the processed tables with their vintages, and check their schemas
	$(BIN)/drugflows data list
	$(BIN)/drugflows data check

lint: $(STAMP) ## Lint code and notebooks with ruff, and check they are formatted (ruff format)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

format: $(STAMP) ## Format code with ruff and strip notebook outputs
	$(BIN)/ruff format $(CODE)
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

benchmark: $(STAMP) ## Time the renderer against the naive way and the floor
	$(BIN)/python benchmarks/render.py

lock: ## Re-pin requirements.lock from pyproject.toml in a throwaway venv
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock
	rm -rf .lock-venv

clean: ## Remove generated reports (keeps reports/README.md) and caches
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache
