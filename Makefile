# Thin wrappers around the `tdpf` console script. Every target creates .venv and installs the
# project (with its dev extras) when .venv is missing or pyproject.toml changed.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TDPF_HOME ?= $(CURDIR)/data
HOST ?= 127.0.0.1
PORT ?= 8000
DAGSTER_PORT ?= 3000
PYTEST_ARGS ?=
# The suite's files run on this many workers (pytest-xdist); 0 runs them in this process, one by one.
TEST_WORKERS ?= 2

.PHONY: help run build serve test dev validate ckan-up ckan-down clean-data

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@# Every step says what it does; pip's own output goes to $(VENV)/install.log (its path is printed).
	@start=$$(date +%s); log=$(VENV)/install.log; \
	if [ ! -x $(BIN)/python ]; then \
	  echo "install 1/3: creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); \
	else echo "install 1/3: $(VENV) exists"; fi; \
	echo "install 2/3: installing the project and its dependencies into $(VENV) (first time: about 4 minutes; pip's output in $$log)"; \
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -e '.[dev]' > $$log 2>&1 & pip=$$!; \
	while kill -0 $$pip 2>/dev/null; do \
	  sleep 15; kill -0 $$pip 2>/dev/null || break; \
	  echo "  … $$(( $$(date +%s) - start )) s: $$(grep -c '^Collecting' $$log || true) packages resolved$$(grep -q '^Installing collected' $$log && echo ', installing them')"; \
	done; \
	if ! wait $$pip; then echo "pip install failed; the end of $$log:"; tail -n 30 $$log; exit 1; fi; \
	echo "installed in $$(( $$(date +%s) - start )) s"
	@echo "install 3/3: parsing the dbt project once for this checkout (builds then start from it)"
	@$(BIN)/tdpf prepare >> $(VENV)/install.log 2>&1 || { echo "dbt parse failed; the end of $(VENV)/install.log:"; tail -n 30 $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

run: $(STAMP) ## Build what changed (everything the first time), then serve the catalogue on http://$(HOST):$(PORT)
	$(BIN)/tdpf build
	$(BIN)/tdpf serve --host $(HOST) --port $(PORT)

build: $(STAMP) ## Build what changed (ingest, dbt, checks, publish) without serving; tdpf build --full rebuilds all
	$(BIN)/tdpf build

serve: $(STAMP) ## Serve the catalogue from the published releases (HOST, PORT)
	$(BIN)/tdpf serve --host $(HOST) --port $(PORT)

# The browser the tests run the docs' JavaScript and the web pages in: Debian's Chromium, installed
# once (as root, or through sudo) when it is missing.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@echo "installing Debian's chromium for the browser tests (apt-get; once)"
	@if [ "$$(id -u)" -eq 0 ]; then as_root=; elif command -v sudo >/dev/null; then as_root=sudo; \
	else echo "chromium is missing and this user cannot install it: apt-get install chromium as root"; exit 1; fi; \
	log=$$(mktemp); \
	{ $$as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$as_root apt-get install -y -qq \
	  --no-install-recommends chromium; } > $$log 2>&1 || { tail -n 20 $$log; exit 1; }; rm -f $$log

test: $(STAMP) $(CHROMIUM) ## Run the whole test suite (unit, integration, HTTP, browser)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

dev: $(STAMP) ## Open the Dagster UI on http://$(HOST):$(DAGSTER_PORT) (dagster dev -w workspace.yaml)
	$(BIN)/tdpf dev --host $(HOST) --port $(DAGSTER_PORT)

validate: $(STAMP) ## dagster definitions validate -w workspace.yaml
	$(BIN)/tdpf validate

ckan-up: $(STAMP) ## Start a local CKAN 2.12 (own PostgreSQL, Redis; SOLR_URL or a Solr stand-in); prints CKAN_URL=, CKAN_API_TOKEN=
	@$(BIN)/tdpf ckan up

ckan-down: $(STAMP) ## Stop the processes ckan-up started (its data stays in the data directory)
	@$(BIN)/tdpf ckan down

clean-data: ## Delete the data directory (landing copies, warehouse, Dagster runs, releases)
	rm -rf "$(TDPF_HOME)"
