"""From a raw grid to records under canonical column names: finds the header row, maps its
headers through the configuration, and sorts out title, blank, totals and footnote rows."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kainuu_metrics.settings import ColumnMapping
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.datasets.parsing import BLANK_TEXT, is_blank, parse_finnish_number
from kainuu_metrics.datasets.readers import RawSheet

HEADER_SEARCH_ROWS = 30
# A label that is nothing but a totals word ("Yhteensä", "Yht.", "Summa 2024:"); a name that
# only starts with one ("Summa ry", "Yhteensä-kuoro ry") is not.
_TOTALS_LABEL = re.compile(
    r"^\s*(kaikki\s+)?(yhteensä|yht\.?|summa|total|totalt|kaikki)(\s+(19|20)\d{2})?\s*:?\s*$", re.IGNORECASE
)
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
    # Kept rows that look like a totals row in part (a totals word with other data beside it, or
    # the shape of one whose amount equals the single amount above it): for a cleaner to flag.
    possible_totals: tuple[int, ...] = ()


_PLAIN = (int, dt.date, dt.datetime)  # never blank (bool is an int)
_BLANK_TEXT = BLANK_TEXT - {"nan"}  # text that is blank ('NaN' is kept: see _cells)


def _blank(value: object) -> bool:
    """Whether a cell is blank; the text 'NaN' is not (the parsers refuse it: an amount written
    as 'NaN' is not 0 €, and a text parser still reads it as blank)."""
    if value is None or type(value) in _PLAIN:
        return value is None
    if type(value) is str:
        return value.strip().casefold() in _BLANK_TEXT
    return is_blank(value) and not (isinstance(value, str) and value.strip().casefold() == "nan")


def _cells(row: tuple[object, ...]) -> list[object]:
    """The row with its blank cells as None."""
    return [None if _blank(c) else c for c in row]


def _cleared(rows: list[tuple[object, ...]]) -> list[list[object]]:
    """_cells of every row, each distinct value tested once (an export repeats its values, and
    most rows hold no blank text at all: those are copied as they are)."""
    blank = {c for c in set(itertools.chain.from_iterable(rows)) if c is not None and _blank(c)}
    return [list(row) if blank.isdisjoint(row) else [None if c in blank else c for c in row] for row in rows]


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


@functools.lru_cache(maxsize=1 << 16)  # a row's first cell is mostly a name, and names repeat
def _totals_label(text: str) -> bool:
    return _TOTALS_LABEL.match(text) is not None


@functools.lru_cache(maxsize=1 << 16, typed=True)  # pure, and amounts repeat (typed: 1, 1.0 and True apart)
def _number(value: object) -> float | None:
    """A cell's amount when it reads as one, else None."""
    try:
        return parse_finnish_number(value)
    except ValueError:
        return None


class _RunningSums:
    """The amounts of the data rows since the start or the previous totals row, per amount
    column (a column's sum is unknown once one of its amounts cannot be read). The rows are the
    records from `start` on; they are summed only when a row shaped as a totals row asks (most
    sheets have one such row, at the end), each distinct amount read once."""

    def __init__(self, records: list[tuple[object, ...]], columns: list[int | None], start: int = 0) -> None:
        self.records, self.columns, self.start, self.done = records, columns, start, start
        self.sums: list[float | None] = [0.0] * len(columns)

    @property
    def rows(self) -> int:
        return len(self.records) - self.start

    def _catch_up(self) -> None:
        rows, end = self.records[self.done:], len(self.records)
        self.done = end
        for k, index in enumerate(self.columns):
            if index is None or self.sums[k] is None or not rows:
                continue
            cells = list(map(operator.itemgetter(index), rows))
            if bool in set(map(type, cells)):  # TRUE is no amount (and the set below would take it for 1)
                self.sums[k] = None
                continue
            amounts = {cell: _number(cell) for cell in set(cells) if not is_blank(cell)}
            if None in amounts.values():
                self.sums[k] = None
            else:
                self.sums[k] += sum(map(amounts.get, cells, itertools.repeat(0.0)))  # type: ignore[operator]

    def matches(self, cells: tuple[object, ...]) -> bool:
        """Every amount written on the row (its cells in the amount columns, in order) equals
        its column's sum (at least one is written)."""
        written = [(k, _number(c)) for k, c in enumerate(cells) if not is_blank(c)]
        if not written:
            return False
        self._catch_up()
        return all(
            amount is not None and self.sums[k] is not None and abs(amount - self.sums[k]) < 0.005  # type: ignore[operator]
            for k, amount in written
        )


class _Shape:
    """The totals-row shape test of one sheet's columns: a label first, then only amounts: no
    identifier, every other cell blank or a number in an amount column (or in a column the
    configuration does not use)."""

    def __init__(self, positions: dict[int, str], amounts: tuple[str, ...], ids: tuple[str, ...]) -> None:
        self.positions, self.amounts = positions, amounts
        self.id_positions = [p for p, canonical in positions.items() if canonical in ids]
        self.amount_positions = [p for p, canonical in positions.items() if canonical in amounts]
        self.ids = _getter(self.id_positions)

    def __call__(self, values: list[object], padded: list[object]) -> bool:
        """`padded`: values with blank cells after them up to every mapped position."""
        # The identifier test first: it is cheap and settles almost every data row.
        if self.ids(padded).count(None) < len(self.id_positions):
            return False
        filled = [(p, c) for p, c in enumerate(values) if c is not None]
        label_position, label = filled[0]
        if not isinstance(label, str) or _number(label) is not None:
            return False
        for position, cell in filled[1:]:
            canonical = self.positions.get(position)
            if _number(cell) is None or (self.amounts and canonical is not None and canonical not in self.amounts):
                return False
        return all(label_position < p for p in self.amount_positions)


def _getter(positions: list[int]) -> Callable[[list[object]], tuple[object, ...]]:
    """The cells at `positions` of a row, as a tuple (operator.itemgetter, also for one position)."""
    if len(positions) < 2:
        return lambda row: tuple(row[p] for p in positions)
    return operator.itemgetter(*positions)


def _inferred_objects(records: list[tuple[object, ...]], columns: list[str]) -> pd.DataFrame:
    """pd.DataFrame.from_records(records, columns=columns).astype(object): the values as pandas
    infers each column (e.g. an integer column with blanks becomes floats, a text column's
    blanks NaN), as Python objects. A text column (only texts and blanks: pandas infers str)
    keeps the cells' own strings instead of a copy of each (half of a large export's memory)."""
    cells = dict(zip(columns, zip(*records) if records else [() for _ in columns]))
    texts = [c for c in columns if str in (kinds := set(map(type, cells[c]))) and kinds <= {str, type(None)}]
    others = [c for c in columns if c not in texts]
    inferred = pd.DataFrame.from_records(list(zip(*(cells[c] for c in others))), columns=others) if others else None
    return pd.DataFrame({
        column: pd.Series([np.nan if v is None else v for v in cells[column]], dtype=object) if column in texts
        else inferred[column].astype(object)  # type: ignore[index]
        for column in columns
    }, columns=columns)


def map_sheet(
    sheet: RawSheet, mapping: ColumnMapping, file_label: str, *, amounts: tuple[str, ...] = (), ids: tuple[str, ...] = ()
) -> MappedSheet:
    """Split a raw sheet into data records and skipped rows (title, header, blank, totals, footnote).

    A totals row is recognised by its shape, never by a word at the start of a name: a label
    first and the rest empty but amounts (in `amounts`, when given), no identifier (`ids`), and
    either a label that is only a totals word ("Yhteensä", "Yht.", "Summa") or amounts equal to
    the sums of the data rows above it (since the previous totals row) over at least two rows.
    When unsure (a totals word beside other data, or a sum over a single row) the row is kept
    and listed in `possible_totals`."""
    header_index = find_header_row(sheet, mapping, file_label)
    header_row_number, header_cells = sheet.rows[header_index]
    positions = map_headers(header_cells, mapping, file_label, header_row_number)
    headers = {canonical: " ".join(str(header_cells[p]).split()) for p, canonical in positions.items()}

    skipped: list[tuple[int, str]] = []
    for number, cells in sheet.rows[:header_index]:
        skipped.append((number, "blank" if all(c is None for c in _cells(cells)) else "title"))
    skipped.append((header_row_number, "header"))

    body = sheet.rows[header_index + 1 :]
    cleared = _cleared([cells for _, cells in body])
    last_data = max((i for i, values in enumerate(cleared) if len(values) - values.count(None) > 1), default=-1)
    records: list[tuple[object, ...]] = []
    totals, possible = [], []
    in_record = {canonical: j for j, canonical in enumerate(positions.values())}
    amount_indices = [in_record.get(c) for c in amounts]
    running = _RunningSums(records, amount_indices)
    shaped_as_totals = _Shape(positions, amounts, ids)
    # A record is its cells at the mapped positions (padded when a row is shorter), then its number.
    take, where = _getter(list(positions)), {canonical: p for p, canonical in positions.items()}
    take_amounts = _getter([where.get(c, -1) for c in amounts])  # -1: the padding's last cell, for a column the sheet lacks
    padding = [None] * (max(positions) + 2)
    for i, (number, _) in enumerate(body):
        values = cleared[i]
        cleared[i] = None  # type: ignore[call-overload]  # not kept beside the records
        filled = len(values) - values.count(None)
        if not filled:
            skipped.append((number, "blank"))
            continue
        first = values[0] if values[0] is not None else next(c for c in values if c is not None)
        if i > last_data and filled == 1 and isinstance(first, str) and _FOOTNOTE.match(first):
            skipped.append((number, "footnote"))
            continue
        padded = values + padding
        labelled = isinstance(first, str) and _totals_label(first)
        shaped = shaped_as_totals(values, padded)
        summed = bool(amounts) and shaped and running.matches(take_amounts(padded))
        if shaped and (labelled or (summed and running.rows >= 2)):
            skipped.append((number, "totals"))
            totals.append({**dict(zip(positions.values(), take(padded))), "source_row": number})
            running = _RunningSums(records, amount_indices, start=len(records))
            continue
        if labelled or summed:
            possible.append(number)
        records.append((*take(padded), number))
    columns = [*positions.values(), "source_row"]
    return MappedSheet(
        records=_inferred_objects(records, columns),
        skipped=skipped,
        headers=headers,
        totals=tuple(totals),
        possible_totals=tuple(possible),
    )
