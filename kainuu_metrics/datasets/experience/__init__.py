"""Experience-expert activity (kokemustoiminta): assignment logs and the register of experts ->
two pseudonymised tables (experience_assignments, experience_register) and yearly indicators
with small counts suppressed.

Two kinds of export go into data/raw/experience/ as .xlsx or .csv; each sheet is recognised by
its headers (`read`). Rows are parsed (`parse`), people linked through the register
(`identities`) and pseudonymised with a keyed HMAC (`pseudonyms`) before anything is written
(`clean`). Spellings and limits are in config/experience.yaml (`config`). Indicators (and the
registry's indicator entry point) are in kainuu_metrics.indicators.experience, report tables
in kainuu_metrics.report.experience.
"""

from __future__ import annotations

from pathlib import Path

from kainuu_metrics.datasets.base import CleaningContext, DatasetOutput
from kainuu_metrics.datasets.experience.clean import clean_experience
from kainuu_metrics.datasets.experience.config import ExperienceConfig, load_experience_config
from kainuu_metrics.datasets.experience.read import ASSIGNMENTS, REGISTER
from kainuu_metrics.datasets.readers import TABULAR_SUFFIXES
from kainuu_metrics.settings import Settings

__all__ = ["ASSIGNMENTS", "REGISTER", "REGISTRY_ENTRY", "TABLES", "ExperienceConfig", "clean", "clean_experience", "load_experience_config"]

TABLES = (ASSIGNMENTS, REGISTER)  # the processed tables (their labels are the registry's)

REGISTRY_ENTRY = dict(
    name="experience",
    label="Kokemustoiminta",
    raw_folder="experience",
    needs=("population",),
    required=False,
    missing_fix="Tallenna kokemusasiantuntijoiden tehtäväluettelot ja kokemusasiantuntijarekisteri (.xlsx tai .csv) kansioon data/raw/experience/.",
    suffixes=frozenset(TABULAR_SUFFIXES),
    warm_up=("kainuu_metrics.report.experience",),
    personal=True,
)


def clean(paths: list[Path], context: CleaningContext) -> DatasetOutput:
    """Both tables from every export; the page exists for the years of assignment data."""
    results = clean_experience(paths, context.layout, context.settings)
    years = sorted(int(y) for y in results[ASSIGNMENTS].cleaned["year"].unique())
    return DatasetOutput(results=results, years=years)



def value_sets(settings: Settings) -> dict[str, list[str]]:
    """The configured values that the experience suites take ({"$config": key})."""
    config = load_experience_config(settings)
    return {
        "experience_roles": list(config.role_labels),
        "experience_service_areas": list(config.service_area_labels.values()),
        "experience_statuses": list(config.statuses),
    }
