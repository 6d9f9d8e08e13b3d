"""From a raw grid to records under canonical column names: finds the header row, maps its
headers through the configuration, and sorts out title, blank, totals and footnote rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from kainuu_metrics.settings import ColumnMapping
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.datasets.parsing import is_blank
from kainuu_metrics.datasets.readers import RawSheet

HEADER_SEARCH_ROWS = 30
_TOTALS = re.compile(r"^\s*(yhteensä|yht\.?|kaikki yhteensä|summa|total)\b", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^\s*(lähde|huom|tiedot|päivitetty|esimerkkiaineisto|\*)", re.IGNORECASE)


@dataclass(frozen=True)
class MappedSheet:
    """Data rows under canonical names (raw cell values) plus the rows that were skipped."""

    records: pd.DataFrame  # canonical columns (object dtype) + "source_row"
    skipped: list[tuple[int, str]]  # (row number, kind)
    headers: dict[str, str]  # canonical column -> header text as written in the file
    # The totals rows ("Yhteensä"), skipped above, under canonical names (raw cell values), so
    # that a cleaner can reconcile its figures with the export's own total.
    totals: tuple[dict[str, object], ...] = ()


def _cells(row: tuple[object, ...]) -> list[object]:
    return [None if is_blank(c) else c for c in row]


def _header_score(row: tuple[object, ...], mapping: ColumnMapping) -> int:
    return sum(1 for c in row if isinstance(c, str) and mapping.canonical(c) is not None)


def find_header_row(sheet: RawSheet, mapping: ColumnMapping, file_label: str) -> int:
    """Index (into sheet.rows) of the row that names the most known columns."""
    candidates = sheet.rows[:HEADER_SEARCH_ROWS]
    scores = [_header_score(cells, mapping) for _, cells in candidates]
    if not scores or max(scores) < 2:
        required = ", ".join(f"'{mapping.labels.get(c, c)}'" for c in mapping.required)
        raise InputFileError(
            file_label,
            "sarakeotsikkoriviä ei löytynyt" + (f" välilehdeltä '{sheet.name}'" if sheet.name else ""),
            f"Varmista, että tiedostossa on otsikkorivi, jossa on ainakin sarakkeet {required}. "
            f"Jos otsikot on kirjoitettu uudella tavalla, lisää ne tiedostoon {mapping.config_file} "
            f"kohtaan columns.",
        )
    return scores.index(max(scores))


def map_headers(
    header: tuple[object, ...], mapping: ColumnMapping, file_label: str, header_row: int
) -> dict[int, str]:
    """Column position -> canonical name; an unknown header stops with the config line to add."""
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    for position, cell in enumerate(header):
        if is_blank(cell):
            continue
        text = " ".join(str(cell).split())
        canonical = mapping.canonical(text)
        if canonical is None:
            if mapping.is_ignored(text):
                continue
            raise InputFileError(
                file_label,
                f"sarakeotsikkoa '{text}' ei tunneta",
                f"Lisää otsikko tiedostoon {mapping.config_file} kohtaan columns "
                f"sen sarakkeen luetteloon, jota se tarkoittaa (esim. granted_eur: [..., \"{text.casefold()}\"]), "
                f"tai kohtaan ignore, jos saraketta ei käytetä.",
                row=header_row,
                column=text,
            )
        if canonical in seen:
            raise InputFileError(
                file_label,
                f"sarakkeet '{seen[canonical]}' ja '{text}' tarkoittavat samaa tietoa ({canonical})",
                "Poista toinen sarakkeista tai siirrä toinen kohtaan ignore asetustiedostossa "
                f"{mapping.config_file}.",
                row=header_row,
                column=text,
            )
        seen[canonical] = text
        positions[position] = canonical
    missing = [c for c in mapping.required if c not in seen]
    if missing:
        names = ", ".join(f"'{mapping.labels.get(c, c)}'" for c in missing)
        raise InputFileError(
            file_label,
            f"pakollinen sarake puuttuu: {names}",
            f"Lisää sarake tiedostoon tai, jos se on nimetty toisin, lisää sen otsikko tiedostoon "
            f"{mapping.config_file} kohtaan columns.",
            row=header_row,
        )
    return positions


def map_sheet(sheet: RawSheet, mapping: ColumnMapping, file_label: str) -> MappedSheet:
    """Split a raw sheet into data records and skipped rows (title, header, blank, totals, footnote)."""
    header_index = find_header_row(sheet, mapping, file_label)
    header_row_number, header_cells = sheet.rows[header_index]
    positions = map_headers(header_cells, mapping, file_label, header_row_number)
    headers = {canonical: " ".join(str(header_cells[p]).split()) for p, canonical in positions.items()}

    skipped: list[tuple[int, str]] = []
    for number, cells in sheet.rows[:header_index]:
        skipped.append((number, "blank" if all(c is None for c in _cells(cells)) else "title"))
    skipped.append((header_row_number, "header"))

    body = sheet.rows[header_index + 1 :]
    last_data = max(
        (i for i, (_, cells) in enumerate(body) if sum(c is not None for c in _cells(cells)) > 1),
        default=-1,
    )
    records, totals = [], []
    for i, (number, cells) in enumerate(body):
        values = _cells(cells)
        non_blank = [c for c in values if c is not None]
        if not non_blank:
            skipped.append((number, "blank"))
        elif any(isinstance(c, str) and _TOTALS.match(c) for c in non_blank[:2]):
            skipped.append((number, "totals"))
            totals.append({**{canonical: values[p] if p < len(values) else None for p, canonical in positions.items()}, "source_row": number})
        elif i > last_data and len(non_blank) == 1 and isinstance(non_blank[0], str) and _FOOTNOTE.match(non_blank[0]):
            skipped.append((number, "footnote"))
        else:
            record = {canonical: values[p] if p < len(values) else None for p, canonical in positions.items()}
            record["source_row"] = number
            records.append(record)
    columns = [*positions.values(), "source_row"]
    return MappedSheet(
        records=pd.DataFrame.from_records(records, columns=columns).astype(object),
        skipped=skipped,
        headers=headers,
        totals=tuple(totals),
    )
