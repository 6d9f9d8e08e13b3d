# kainuu-metrics: `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run validate verify test benchmark samples lab clean clean-history

help: ## Näytä komennot
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Tarvitaan Python 3.11 tai uudempi (PYTHON=$(PYTHON))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

install: $(STAMP) ## Luo .venv ja asenna lukitut riippuvuudet ja ohjelma

run: install ## Aja koko vuosiajo kansion data/ aineistoilla ja kirjoita raportit kansioon reports/
	bash scripts/ensure-chromium.sh
	$(BIN)/kainuu-metrics run

validate: install ## Vain siivous ja laaduntarkistus (ei raportteja)
	$(BIN)/kainuu-metrics validate

verify: install ## Tarkista, onko aineisto tai tuotos muuttunut viimeisimmän ajon jälkeen
	$(BIN)/kainuu-metrics verify

test: install ## Aja kaikki testit
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -n 2

benchmark: install ## Mittaa ajo, sen yhden prosessin alaraja, suoraviivainen papermill+nbconvert-ketju, muuttumaton uusinta-ajo, uuden vuoden lisäys ja 100 000 rivin avustusvienti (README: Performance)
	$(BIN)/python scripts/benchmark.py

samples: install ## Tuota esimerkkiaineisto uudelleen (kiinteä siemenluku)
	$(BIN)/python scripts/generate_sample_data.py

lab: install ## Avaa muistiot JupyterLabissa
	$(BIN)/jupyter lab --LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

# Run history (data/processed/runs, reports/ajot, reports/historia.html) is an audit record:
# `clean` keeps it and says so; only `clean-history` deletes it, after saying what it deletes.
# The archive of published years (reports/arkisto) is kept by `clean` too: a later run restores
# frozen years from it, and nothing in make deletes it.
HISTORY := data/processed/runs reports/ajot reports/historia.html
ARCHIVE := reports/arkisto

clean: ## Poista tuotetut raportit ja käsitellyt tiedot (data/raw, ajohistoria ja julkaisuarkisto säilyvät)
	find reports data/processed -mindepth 1 -maxdepth 1 $(foreach p,$(HISTORY) $(ARCHIVE),! -path $(p)) -exec rm -rf {} +
	git checkout -- reports/README.md data/processed/README.md 2>/dev/null || true
	@echo "Ajohistoria säilytettiin: $(HISTORY). Poista se komennolla make clean-history."
	@echo "Julkaistujen vuosien arkisto säilytettiin: $(ARCHIVE)/. Seuraava ajo palauttaa jäädytetyt vuodet siitä."

clean-history: ## Poista ajohistoria (ajotiedot ja historiasivu)
	@echo "Poistetaan ajohistoria: $(HISTORY)"
	rm -rf $(HISTORY)
