# mappa — every task a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
VAR_DIR := $(or $(MAPPA_VAR_DIR),var)
ASSETS := $(VAR_DIR)/build/govuk
ASSETS_STAMP := $(ASSETS)/.built-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install assets migrate demo run test test-fast test-functional check fix bench lock docs clean

help: ## List the tasks
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# GOV.UK Frontend's precompiled CSS points at /assets/; we serve it under /static/govuk/assets/.
$(ASSETS_STAMP): $(NODE_STAMP)
	@mkdir -p $(ASSETS)
	sed 's#url(/assets/#url(/static/govuk/assets/#g' $(GOVUK_DIST)/govuk-frontend.min.css > $(ASSETS)/govuk-frontend.min.css
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(ASSETS)/govuk-frontend.min.js
	rm -rf $(ASSETS)/assets && cp -r $(GOVUK_DIST)/assets $(ASSETS)/assets
	@touch $@

install: $(STAMP) $(ASSETS_STAMP) ## Create .venv, install the locked Python packages and the front-end assets

assets: $(ASSETS_STAMP) ## Build GOV.UK Frontend assets from npm

migrate: install ## Apply database migrations (SQLite under var/ unless DATABASE_URL is set)
	$(BIN)/mappa migrate --no-input -v 0

demo: migrate ## Load the synthetic Durham demo area (idempotent)
	$(BIN)/mappa demo

run: demo ## Set everything up and serve on http://127.0.0.1:8000
	$(BIN)/mappa demo --list-users
	@# The subject access bundle worker runs beside the server, and stops with it.
	$(BIN)/mappa sar_bundles --watch & trap 'kill $$!' EXIT INT TERM; $(BIN)/mappa runserver $(HOST):$(PORT)

test: install ## Run the whole suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise), browser tests included
	scripts/ensure-chromium
	scripts/ensure-pdf-libs
	$(BIN)/pytest

test-fast: install ## Run the suite without the browser journeys
	scripts/ensure-pdf-libs
	$(BIN)/pytest -m "not functional"

test-functional: install ## Run only the Playwright journeys
	scripts/ensure-chromium
	scripts/ensure-pdf-libs
	$(BIN)/pytest -m functional

check: install ## Lint, format check, strict type check, migrations check, permissions doc check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mappa makemigrations --check --dry-run
	$(BIN)/mappa permissions --check

fix: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

docs: install ## Regenerate docs/permissions.md from the code
	$(BIN)/mappa permissions --write

bench: install ## Run the benchmarks under bench/ (each prints JSON)
	@for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

# requirements.lock is what production installs; requirements-dev.lock adds the development
# and test tools, pinned to the same versions of everything they share.
lock: $(STAMP) ## Re-pin requirements.lock and requirements-dev.lock from pyproject.toml (needs network)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/python -m uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -q \
		--custom-compile-command "make lock" -o requirements.lock
	$(BIN)/python -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q \
		--custom-compile-command "make lock" -c requirements.lock -o requirements-dev.lock

clean: ## Remove the venv, node_modules and var/ (the SQLite database included)
	rm -rf $(VENV) node_modules var
