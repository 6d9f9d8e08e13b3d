"""Reading experience exports: every sheet is recognised by its headers, never by its file name.
It is an assignment log when the headers match config/columns/experience_assignments.yaml, a
register when they match config/columns/experience_register.yaml."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from kainuu_metrics.datasets.accounting import file_sha256
from kainuu_metrics.datasets.readers import RawSheet, read_grids
from kainuu_metrics.datasets.tabular import HEADER_SEARCH_ROWS, MappedSheet, map_sheet
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.paths import Layout
from kainuu_metrics.settings import ColumnMapping, normalise_key

ASSIGNMENTS = "experience_assignments"
REGISTER = "experience_register"
# Canonical columns that say who a row is about: read (into memory only) to form the pseudonym,
# also when their header is declared personal.
IDENTITY_COLUMNS = frozenset({"expert", "name", "first_name", "last_name", "register_id"})


@dataclass(frozen=True)
class SheetRead:
    """One sheet of an experience export, recognised and mapped."""

    table: str  # ASSIGNMENTS or REGISTER
    source_file: str
    sha256: str
    sheet: RawSheet
    mapped: MappedSheet
    dropped: tuple[tuple[int, str], ...] = ()  # personal columns dropped at read: (header row, header)

    def records(self) -> list[dict[str, object]]:
        """The mapped rows as dicts; pandas' NaT for an empty date cell becomes None."""
        return [{k: None if v is pd.NaT else v for k, v in r.items()} for r in self.mapped.records.to_dict("records")]


def _header_score(sheet: RawSheet, mapping: ColumnMapping) -> int:
    rows = sheet.rows[:HEADER_SEARCH_ROWS]
    return max((sum(1 for c in cells if isinstance(c, str) and mapping.canonical(c)) for _, cells in rows), default=0)


def recognise_sheet(sheet: RawSheet, file_label: str, mappings: dict[str, ColumnMapping]) -> tuple[str, MappedSheet]:
    """(table name, mapped sheet) of the one mapping whose headers fit the sheet."""
    fits: dict[str, MappedSheet] = {}
    errors: dict[str, InputFileError] = {}
    for name, mapping in mappings.items():
        try:
            mapped = map_sheet(sheet, mapping, file_label)
        except InputFileError as exc:
            errors[name] = exc
            continue
        if name == ASSIGNMENTS and not {"expert", "register_id"} & set(mapped.headers):
            errors[name] = InputFileError(
                file_label,
                "tehtävälokista puuttuu kokemusasiantuntijan nimi- tai tunnussarake",
                "Lisää sarake 'Kokemusasiantuntija' (nimi) tai 'Rekisteritunnus', tai lisää sen otsikko "
                f"tiedostoon {mapping.config_file} kohtaan expert tai register_id.",
            )
            continue
        fits[name] = mapped
    if len(fits) == 1:
        return next(iter(fits.items()))
    if len(fits) > 1:  # both fit: the one that recognises more headers
        best = max(fits, key=lambda n: (len(fits[n].headers), n == ASSIGNMENTS))
        return best, fits[best]
    closest = max(mappings, key=lambda n: _header_score(sheet, mappings[n]))
    error = errors[closest]
    where = f" (välilehti '{sheet.name}')" if sheet.name else ""
    raise InputFileError(
        file_label,
        "tiedostoa ei tunnistettu kokemustoiminnan tehtäväluetteloksi eikä kokemusasiantuntijarekisteriksi"
        f"{where}: {error.problem}",
        error.fix,
        row=error.row,
        column=error.column,
    )


def drop_personal_columns(
    sheet: RawSheet, personal: Collection[str], mappings: dict[str, ColumnMapping]
) -> tuple[RawSheet, tuple[tuple[int, str], ...]]:
    """The sheet with every column whose header is declared personal emptied (header included,
    so that no mapping sees it), and the (header row, header) of each. The header row is the
    first of the first rows that holds such a header; an identity column is kept (see above).

    >>> from kainuu_metrics.datasets.readers import RawSheet
    >>> sheet = RawSheet("", ((1, ("Nimi", "Puhelin")), (2, ("Maija Virtanen", "040 1"))))
    >>> drop_personal_columns(sheet, {"puhelin"}, {})
    (RawSheet(name='', rows=((1, ('Nimi', None)), (2, ('Maija Virtanen', None))), hidden=False), ((1, 'Puhelin'),))
    """
    keys = {normalise_key(h) for h in personal}
    if not keys:
        return sheet, ()

    def droppable(cell: object) -> bool:
        if not isinstance(cell, str) or normalise_key(cell) not in keys:
            return False
        return not any(m.canonical(cell) in IDENTITY_COLUMNS for m in mappings.values())

    for index, (number, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        positions = [p for p, cell in enumerate(cells) if droppable(cell)]
        if positions:
            dropped = tuple((number, " ".join(str(cells[p]).split())) for p in positions)
            rows = sheet.rows[:index] + tuple(
                (n, tuple(None if p in positions else c for p, c in enumerate(row))) for n, row in sheet.rows[index:]
            )
            return replace(sheet, rows=rows), dropped
    return sheet, ()


def read_experience_sheets(
    paths: list[Path], layout: Layout, mappings: dict[str, ColumnMapping], personal: Collection[str] = ()
) -> tuple[list[SheetRead], list[tuple[str, str, RawSheet]]]:
    """Every non-empty sheet of every file, recognised as a log or a register (raises
    InputFileError), with the columns declared `personal` dropped, and (source_file, sha256,
    sheet) of the hidden ones, which are not data."""
    sheets, hidden = [], []
    for path in paths:
        source_file = layout.relative_to_data(path)
        sha256 = file_sha256(path)
        for sheet in read_grids(path):
            if sheet.rows and sheet.hidden:
                hidden.append((source_file, sha256, sheet))
            elif sheet.rows:
                sheet, dropped = drop_personal_columns(sheet, personal, mappings)
                table, mapped = recognise_sheet(sheet, source_file, mappings)
                sheets.append(SheetRead(table, source_file, sha256, sheet, mapped, dropped))
    return sheets, hidden
