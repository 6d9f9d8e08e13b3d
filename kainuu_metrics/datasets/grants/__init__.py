"""Grant decisions (järjestöavustukset): one row per application, from the county's exports."""

from __future__ import annotations

from pathlib import Path

from kainuu_metrics.datasets.base import CleaningContext, DatasetOutput
from kainuu_metrics.datasets.grants.clean import DATASET, clean_grant_exports

REGISTRY_ENTRY = dict(
    name=DATASET,
    label="Järjestöavustukset",
    raw_folder="grants",
    required=True,
    missing_fix="Tallenna avustuspäätösten vienti (.xlsx tai .csv) kansioon data/raw/grants/.",
)


def clean(paths: list[Path], context: CleaningContext) -> DatasetOutput:
    """The grant table, plus the tables of the euros left out of it (rejected rows' readable
    amounts, out-of-scope organisations) and of the reconciliation with the exports' totals rows."""
    cleaned = clean_grant_exports(paths, context.layout, context.settings)
    return DatasetOutput(results={DATASET: cleaned.result}, tables=cleaned.tables)
