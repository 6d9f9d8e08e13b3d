"""Probable duplicates among grant rows (identical rows of a year, in one sheet, between sheets
or between files), the flag lines that name each copy's original, and the flags raised outside
the grant table's flag columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kainuu_metrics import formatting
from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import set_aside
from kainuu_metrics.datasets.rows import records
from kainuu_metrics.settings import normalise_key

if TYPE_CHECKING:
    from kainuu_metrics.datasets.grants.clean import GrantSheet

DATASET = "grants"  # as in clean.py (which imports this module)

FLAG_POSSIBLE_TOTALS, FLAG_DUPLICATE = "flag_possible_totals_row", "flag_probable_duplicate"
# Flags raised outside the grant table's flag columns (one line each on the quality page).
FLAG_REASONS_SET_ASIDE = {
    FLAG_POSSIBLE_TOTALS: (
        "rivi muistuttaa yhteensä-riviä (vain nimi ja summa, tai yhteensä-sana muiden tietojen vieressä); se on "
        "mukana luvuissa – poista rivi viennistä, jos se on välisumma"
    ),
    FLAG_DUPLICATE: "todennäköinen kaksoiskappale: sama järjestö, käyttötarkoitus, avustuslaji, myönnetty summa ja päätöspäivä",
}


def flag_line(source_file: str, sheet: str, row: int, year: object, flag: str, reason: str) -> dict[str, Any]:
    return {"dataset": DATASET, "source_file": source_file, "sheet": sheet, "source_row": row, "year": year, "flag": flag, "reason": reason}


def _where(source_file: str, sheet: str, row: int) -> str:
    return f"{source_file}" + (f", välilehti '{sheet}'" if sheet else "") + f", rivi {row}"


def duplicate_key(row: dict[str, Any], normalised: dict[object, str] | None = None) -> tuple[object, ...]:
    """What makes two grant rows identical: year, organisation and purpose (case and spacing
    ignored), grant type, granted amount to the cent and decision date (as written when invalid).

    >>> import datetime as dt
    >>> a = {"year": 2024, "organisation": "Kerho  ry", "purpose": "Retket", "grant_type": "toiminta", "granted_eur": 700.0,
    ...      "decision_date": dt.date(2024, 3, 14), "invalid_decision_date": None}
    >>> duplicate_key(a) == duplicate_key({**a, "organisation": "KERHO RY", "purpose": "retket "})
    True
    """
    date = row.get("decision_date")
    date = date if not parsing.is_blank(date) else row.get("invalid_decision_date")
    purpose = row.get("purpose")
    memo = {} if normalised is None else normalised  # `normalised`: a memo shared by the rows of a sheet

    def norm(text: str) -> str:
        found = memo.get(text)
        return found if found is not None else memo.setdefault(text, normalise_key(text))

    return (row.get("year"), norm(str(row.get("organisation") or "")), norm(purpose) if isinstance(purpose, str) else "",
            row.get("grant_type"), round(float(row.get("granted_eur") or 0.0), 2), None if parsing.is_blank(date) else str(date))


def set_aside_duplicates(parts: GrantSheet, seen: dict[tuple[object, ...], tuple[str, str, int]],
                         columns_file: str = "config/columns/grants.yaml") -> GrantSheet:
    """The sheet with its rows that repeat a row already read (this sheet, an earlier sheet or
    file) skipped as probable duplicates, each with a flag line naming the original; `seen` is
    updated with the sheet's first occurrences."""
    copies = []
    keys: dict[object, str] = {}  # normalise_key once per distinct organisation or purpose
    for row in records(parts.result.cleaned):
        key, here = duplicate_key(row, keys), (row["source_file"], row["sheet"], int(row["source_row"]))
        original = seen.setdefault(key, here)
        if original == here:
            continue
        copies.append(here[2])
        parts.duplicates.append({"source_row": here[2], "granted_eur": float(row["granted_eur"] or 0.0)})
        parts.flagged.append(flag_line(
            here[0], here[1], here[2], row["year"], FLAG_DUPLICATE,
            f"{FLAG_REASONS_SET_ASIDE[FLAG_DUPLICATE]} kuin {_where(*original)} ({row['organisation']}, "
            f"{formatting.eur(row['granted_eur'], 2)}); rivi ohitettiin ja summa laskettiin vain kerran. Jos rivit ovat "
            "eri avustuksia, korjaa käyttötarkoitus tai päätöspäivä viennissä (tai, jos vienti toistaa rivejä "
            f"tarkoituksella, aseta repeats_rows: true tiedostoon {columns_file})",
        ))
    parts.result = set_aside(parts.result, copies, "duplicate_row")
    return parts
