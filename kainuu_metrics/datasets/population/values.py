"""One population value (area x year) and what becomes of it: kept, rejected with a Finnish
reason, or skipped; recorded in the sheet's ledger.

Accounting unit ("row"): a physical row in a long table, one value cell of a data row in a wide
table (every other physical row counts once), one value in a JSON document. `ValueLedger` is
the shared `SheetLedger` counting those units: one entry is one unit, so the account counts
entries, where `SheetLedger` counts distinct source rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from kainuu_metrics.datasets.accounting import CleaningResult
from kainuu_metrics.datasets.parsing import parse_finnish_number
from kainuu_metrics.datasets.population.areas import cell_text, parse_area
from kainuu_metrics.datasets.rows import RowProblem, SheetLedger
from kainuu_metrics.settings import Domain

DATASET = "population"
CLEANED_COLUMNS = ["year", "area_code", "area_name", "population", "source_file", "sheet", "source_row"]

# PxWeb's symbols for a value that is not there ('.' not applicable, '..' not available, ...).
MISSING_MARKERS = frozenset({".", "..", "...", "…", "-"})


class ValueProblem(RowProblem):
    """A RowProblem that also carries the raw cell it is about (the cells of a unit may share a
    column name: in a table with areas as columns, the area and its values have one heading)."""

    def __init__(self, column: str, reason: str, raw: object) -> None:
        super().__init__(column, reason)
        self.raw = raw


class NoTable(Exception):
    """A sheet without a recognisable population table; the text says what was missing."""


@dataclass(frozen=True)
class Unit:
    """One value record (area x year) with the raw cells it came from."""

    row: int
    area_raw: object
    area_column: str
    year: int | None
    year_raw: object
    year_column: str
    value_raw: object
    value_column: str
    in_scope: bool = True  # False: another content or category than population 31.12.


def evaluate(unit: Unit, domain: Domain) -> dict[str, Any] | str | ValueProblem:
    """A kept value (year, area_code, area_name, population, column), a skip kind, or the
    problem that rejects the unit."""
    area = parse_area(unit.area_raw, domain)
    if area.status == "out_of_scope":
        return "out_of_scope"
    if area.status == "unknown":
        return ValueProblem(unit.area_column, f"sarake '{unit.area_column}': {area.problem}", unit.area_raw)
    if not unit.in_scope:
        return "out_of_scope"
    if unit.year is None:
        shown = cell_text(unit.year_raw)
        reason = (
            f"sarakkeessa '{unit.year_column}' ei ole vuotta"
            if not shown
            else f"sarakkeen '{unit.year_column}' arvo '{shown}' ei ole vuosiluku (esim. 2024)"
        )
        return ValueProblem(unit.year_column, reason, unit.year_raw)
    text = cell_text(unit.value_raw)
    if text in MISSING_MARKERS:
        return "missing_value"
    if not text:
        return ValueProblem(unit.value_column, f"sarakkeessa '{unit.value_column}' ei ole väkilukua", unit.value_raw)
    try:
        number = parse_finnish_number(unit.value_raw)
    except ValueError:
        number = None
    if number is None or not math.isfinite(number) or not number.is_integer():
        return ValueProblem(
            unit.value_column,
            f"sarakkeen '{unit.value_column}' arvo '{text}' ei ole väkiluku (kokonaisluku, esim. 36709)",
            unit.value_raw,
        )
    if number <= 0:
        # A population of 0 or less cannot be a divisor: the value is rejected, and the year's
        # figures use the latest earlier population, marked provisional (as for a missing one).
        return ValueProblem(unit.value_column, nonpositive_reason(unit.value_column, text, area.name or "", unit.year), unit.value_raw)
    assert area.code is not None and area.name is not None
    return {"year": unit.year, "area_code": area.code, "area_name": area.name, "population": int(number), "column": unit.value_column}


def nonpositive_reason(column: str, text: str, area_name: str, year: int) -> str:
    """Why a population of zero or less is rejected, and what to do (Finnish).

    >>> nonpositive_reason("Väestö 31.12.", "0", "Esimerkkilä", 2024).split(";")[0]
    "sarakkeen 'Väestö 31.12.' väkiluku 0 (Esimerkkilä 2024) ei ole mahdollinen (nolla)"
    """
    what = "negatiivinen" if text.lstrip().startswith(("-", "−")) else "nolla"
    return (
        f"sarakkeen '{column}' väkiluku {text} ({area_name} {year}) ei ole mahdollinen ({what}); "
        "arvo hylätään, ja vuoden asukaslukuun suhteutetuissa luvuissa käytetään viimeisintä aiempaa väkilukua "
        "ennakollisena. Korjaa arvo tai lataa taulukko uudelleen Tilastokeskuksesta."
    )


class ValueLedger(SheetLedger):
    """The ledger of one sheet (or one CSV/JSON file), counting units as they are read."""

    def __init__(self, source_file: str, sheet: str, sha256: str) -> None:
        super().__init__(dataset=DATASET, source_file=source_file, sheet=sheet, sha256=sha256, rows_read=0, per_entry=True)

    def skip_row(self, source_row: int, kind: str) -> None:
        """A physical row that holds no value (title, header, blank, footnote)."""
        self.rows_read += 1
        self.skip(source_row, kind)

    def add(self, unit: Unit, domain: Domain) -> None:
        """Read one value unit and record what becomes of it."""
        self.rows_read += 1
        outcome = evaluate(unit, domain)
        if isinstance(outcome, str):
            self.skip(unit.row, outcome)
        elif isinstance(outcome, ValueProblem):
            self.reject(unit.row, [outcome], {outcome.column: outcome.raw}, shown=lambda _, raw: cell_text(raw))
        else:
            self.keep(unit.row, outcome)

    def result(self, columns: list[str] | None = None) -> CleaningResult:
        return super().result(columns or CLEANED_COLUMNS)
