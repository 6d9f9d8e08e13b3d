"""County premises lent to associations free of charge (in-kind support, luontoissuoritteinen
tuki): booking exports -> the bookings table (one row per booking) -> indicators.

A booking's value is the cost stated in the export when there is one; otherwise its hours times
the hourly rate of the premises in force on the booking date, from the price list
(premises_prices.yaml in the configuration folder). A booking belongs to the council term in
force on its date. An organisation's partnership network comes from the cleaned grant table.

Modules: `prices` (the price list), `parsers` (clock, time range, hours), `clean` (one booking,
flags, the whole step), `organisations` (keys, names, networks). The indicators (entry point
`indicators`) are in `kainuu_metrics.indicators.premises`, report tables in
`kainuu_metrics.report.premises`.

Note: the name `clean` of this package is the entry point below, not the module `clean.py`;
import from the module with ``from kainuu_metrics.datasets.premises.clean import ...``.
"""

from __future__ import annotations

from pathlib import Path

from kainuu_metrics.datasets.base import CleaningContext, DatasetOutput
from kainuu_metrics.datasets.premises.clean import DATASET, OUT_OF_SCOPE, clean_booking_exports
from kainuu_metrics.datasets.premises.prices import load_price_list

# The registry (kainuu_metrics.registry) adds clean, indicators (kainuu_metrics.indicators.premises)
# and tables={"premises": <label>, "premises_out_of_scope": <label>}.
REGISTRY_ENTRY = dict(
    name=DATASET,
    label="Tilojen maksuton käyttö",
    raw_folder="premises",
    needs=("grants", "population"),
    required=False,
    missing_fix="Tallenna tilavarausten vienti kansioon data/raw/premises/.",
    warm_up=("kainuu_metrics.report.premises",),
)


def clean(paths: list[Path], context: CleaningContext) -> DatasetOutput:
    """The bookings table from the raw exports, with the configuration's price list, and the
    bookings of out-of-scope organisations (set aside with their value)."""
    settings = context.settings
    cleaned = clean_booking_exports(
        paths, context.layout,
        domain=settings.domain, prices=load_price_list(settings), mapping=settings.columns(DATASET),
        domain_file=settings.shown_path("domain.yaml"),
    )
    return DatasetOutput(results={"premises": cleaned.result}, tables={OUT_OF_SCOPE: cleaned.out_of_scope})
