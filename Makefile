# kainuu-metrics: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run validate test benchmark samples lab clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Tarvitaan Python 3.11 tai uudempi (PYTHON=$(PYTHON))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

install: $(STAMP) ## Create .venv and install the pinned dependencies and the project

run: install ## Run the whole pipeline on data/ and write reports/
	$(BIN)/kainuu-metrics run

validate: install ## Clean and check the data only (no reports)
	$(BIN)/kainuu-metrics validate

test: install ## Run the whole test suite
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -n 2

benchmark: install ## Time `run` against the naive papermill+nbconvert CLI chain
	$(BIN)/python scripts/benchmark.py

samples: install ## Regenerate the sample raw data (fixed seed)
	$(BIN)/python scripts/generate_sample_data.py

lab: install ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab --LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

clean: ## Remove generated reports and processed data (keeps data/raw)
	rm -rf reports/* data/processed/*
	git checkout -- reports/README.md data/processed/README.md 2>/dev/null || true
