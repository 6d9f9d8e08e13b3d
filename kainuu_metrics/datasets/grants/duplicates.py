"""Probable duplicates among grant rows (identical rows of a year, in one sheet, between sheets
or between files), the flag lines that name each copy's original, and the flags raised outside
the grant table's flag columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kainuu_metrics import formatting
from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import set_aside
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


_KEY_COLUMNS = ("year", "organisation", "purpose", "grant_type", "granted_eur", "decision_date", "invalid_decision_date")


def duplicate_keys(columns: dict[str, list[Any]]) -> list[tuple[object, ...]]:
    """What makes two grant rows identical, per row of a table given column-wise: year,
    organisation and purpose (case and spacing ignored, normalised once per distinct text),
    grant type, granted amount to the cent and decision date (as written when invalid)."""
    n = max(map(len, columns.values()), default=1)
    blank: list[Any] = [None] * n
    get = lambda column: columns.get(column, blank)  # noqa: E731
    norm = {text: normalise_key(text) for text in {str(o or "") for o in get("organisation")} | {p for p in get("purpose") if isinstance(p, str)}}
    dates = [d if not parsing.is_blank(d) else invalid for d, invalid in zip(get("decision_date"), get("invalid_decision_date"))]
    # One object per distinct amount and date: the keys of a whole export are kept (to find copies between files).
    cents = {g: round(float(g or 0.0), 2) for g in set(get("granted_eur"))}
    texts = {d: None if parsing.is_blank(d) else str(d) for d in set(dates)}
    return list(zip(
        get("year"),
        [norm[str(o or "")] for o in get("organisation")],
        [norm[p] if isinstance(p, str) else "" for p in get("purpose")],
        get("grant_type"),
        [cents[g] for g in get("granted_eur")],
        [texts[d] for d in dates],
    ))


def duplicate_key(row: dict[str, Any]) -> tuple[object, ...]:
    """duplicate_keys of one row.

    >>> import datetime as dt
    >>> a = {"year": 2024, "organisation": "Kerho  ry", "purpose": "Retket", "grant_type": "toiminta", "granted_eur": 700.0,
    ...      "decision_date": dt.date(2024, 3, 14), "invalid_decision_date": None}
    >>> duplicate_key(a) == duplicate_key({**a, "organisation": "KERHO RY", "purpose": "retket "})
    True
    """
    return duplicate_keys({column: [value] for column, value in row.items()})[0]


def set_aside_duplicates(parts: GrantSheet, seen: dict[tuple[object, ...], tuple[str, str, int]],
                         columns_file: str = "config/columns/grants.yaml") -> GrantSheet:
    """The sheet with its rows that repeat a row already read (this sheet, an earlier sheet or
    file) skipped as probable duplicates, each with a flag line naming the original; `seen` is
    updated with the sheet's first occurrences."""
    copies = []
    cleaned = parts.result.cleaned
    if cleaned.empty:
        return parts
    [account] = parts.result.accounts  # one sheet: its file and sheet name
    columns = {c: cleaned[c].tolist() for c in (*_KEY_COLUMNS, "source_row") if c in cleaned}  # only these: 300 000 rows
    keys, rows = duplicate_keys(columns), columns["source_row"]
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))  # key -> its first position in this sheet
    repeated = [i for i, key in enumerate(keys) if key in seen or first[key] != i]
    for key, i in first.items():
        seen.setdefault(key, (account.source_file, account.sheet, int(rows[i])))
    for i in repeated:
        here, original = (account.source_file, account.sheet, int(rows[i])), seen[keys[i]]
        row = {c: columns[c][i] for c in ("year", "organisation", "granted_eur")}
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
