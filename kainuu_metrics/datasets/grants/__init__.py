"""Grant decisions (järjestöavustukset): one row per application, from the county's exports."""

from __future__ import annotations

from pathlib import Path

from kainuu_metrics.datasets.base import CleaningContext, DatasetOutput
from kainuu_metrics.datasets.grants.clean import DATASET, clean_grants

REGISTRY_ENTRY = dict(
    name=DATASET,
    label="Järjestöavustukset",
    raw_folder="grants",
    required=True,
    missing_fix="Tallenna avustuspäätösten vienti (.xlsx tai .csv) kansioon data/raw/grants/.",
)


def clean(paths: list[Path], context: CleaningContext) -> DatasetOutput:
    return DatasetOutput(results={DATASET: clean_grants(paths, context.layout, context.settings)})
