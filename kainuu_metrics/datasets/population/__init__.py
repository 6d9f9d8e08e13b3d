"""Population at 31 December by area (Statistics Finland, StatFin table 11ra) into one table,
`population` (year, area_code, area_name, population + provenance), for the region and the
municipalities of config/domain.yaml.

Reads every shape PxWeb produces for the table, recognised by content, never by file name:
web-interface CSV (long or wide; ';' or ','; UTF-8 with BOM or Windows-1252), XLSX as PxWeb
saves it, and the API's JSON formats (JSON-stat2, JSON-stat 1, PxWeb "json"); `pxweb` fetches
the table from the API. Modules: `areas` (labels), `values` (one value and its ledger),
`grids` (CSV/XLSX), `jsonstat` (JSON), `clean` (files, duplicates, the step).

The population indicators and denominators are computed in kainuu_metrics.indicators.grants.
"""

from __future__ import annotations

from pathlib import Path

from kainuu_metrics.datasets.base import CleaningContext, DatasetOutput
from kainuu_metrics.datasets.population.areas import AreaMatch, is_population_label, parse_area
from kainuu_metrics.datasets.population.clean import FIX_DOWNLOAD, clean_population, population_lookup
from kainuu_metrics.datasets.population.values import CLEANED_COLUMNS, DATASET
from kainuu_metrics.datasets.readers import TABULAR_SUFFIXES, list_raw_files

POPULATION_SUFFIXES = frozenset(TABULAR_SUFFIXES | {".json"})

REGISTRY_ENTRY = dict(
    name=DATASET,
    label="Väestö (Tilastokeskus)",
    raw_folder="population",
    tables={DATASET: "Väestö"},
    needs=(),
    required=True,
    missing_fix=(
        "Hae väestötiedot komennolla 'kainuu-metrics fetch-population' tai tallenna Tilastokeskuksen "
        "taulukon 11ra vienti kansioon data/raw/population/."
    ),
    suffixes=POPULATION_SUFFIXES,
    warm_up=(),
)

__all__ = [
    "CLEANED_COLUMNS", "FIX_DOWNLOAD", "POPULATION_SUFFIXES", "REGISTRY_ENTRY", "AreaMatch", "clean",
    "clean_population", "is_population_label", "list_files", "parse_area", "population_lookup",
]


def list_files(folder: Path) -> list[Path]:
    """Population exports in a raw folder (CSV, TXT, XLSX, JSON), sorted by name."""
    return list_raw_files(folder, POPULATION_SUFFIXES)


def clean(paths: list[Path], context: CleaningContext) -> DatasetOutput:
    """The dataset's entry point: the `population` table of the given exports (in that order)."""
    return DatasetOutput(results={DATASET: clean_population(paths, context.layout, context.settings.domain)})
