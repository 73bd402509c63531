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
PYTEST_ARGS ?=

.PHONY: help run build serve test dev validate clean-data

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the project into $(VENV) (first time: a few minutes)…"
	@# this machine's pip config names local mirrors that may be absent: hide only that warning
	@$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]' 2>&1 \
	  | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $(STAMP)

run: $(STAMP) ## Build everything, then serve the catalogue on http://$(HOST):$(PORT)
	$(BIN)/tdpf build
	$(BIN)/tdpf serve --host $(HOST) --port $(PORT)

build: $(STAMP) ## Build everything (ingest, dbt, checks, publish) without serving
	$(BIN)/tdpf build

serve: $(STAMP) ## Serve the catalogue from the published releases (HOST, PORT)
	$(BIN)/tdpf serve --host $(HOST) --port $(PORT)

test: $(STAMP) ## Run the whole test suite (unit, integration, HTTP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

dev: $(STAMP) ## Open the Dagster UI (dagster dev -w workspace.yaml)
	$(BIN)/tdpf dev

validate: $(STAMP) ## dagster definitions validate -w workspace.yaml
	$(BIN)/tdpf validate

clean-data: ## Delete the data directory (landing copies, warehouse, Dagster runs, releases)
	rm -rf "$(TDPF_HOME)"
