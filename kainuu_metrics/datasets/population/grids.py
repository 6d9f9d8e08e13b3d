"""CSV and XLSX grids as PxWeb writes them: find the heading, tell the layout (long; wide with
years as columns; pivoted with areas as columns) by content, and read every value unit.

Web-interface CSV: title, blank line, header; long or wide; ';' or ','. XLSX: PxWeb leaves the
stub headings empty and may write two heading rows (years over content labels, merged)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kainuu_metrics.datasets.parsing import parse_finnish_number
from kainuu_metrics.datasets.population.areas import YEAR_CELL, cell_text, is_population_label, parse_area, parse_year
from kainuu_metrics.datasets.population.values import NoTable, Unit, ValueLedger
from kainuu_metrics.datasets.readers import RawSheet
from kainuu_metrics.settings import Domain, normalise_key

_YEAR_TOKEN = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

AREA_HEADERS = {"alue", "alueet", "kunta", "kunnat", "maakunta", "area", "region", "område"}
YEAR_HEADERS = {"vuosi", "vuodet", "year", "år", "tilastovuosi", "timeperiod_y"}
CONTENT_HEADERS = {"tiedot", "tieto", "information", "uppgifter", "contentscode", "sisältö"}
VALUE_HEADERS = {"arvo", "value", "values", "lukumäärä", "henkilöä"}
FOOTNOTE_STARTS = (
    "lähde", "lähteet", "source", "tiedot:", "huom", "huomautus", "alaviite", "päivitetty",
    "tilastokeskus", "statistics finland", "<a ", "http", "www.", "esimerkkiaineisto",
)


@dataclass(frozen=True)
class GridLayout:
    first_data: int  # index into the rows of the first row after the header
    header_start: int
    area_col: int | None
    year_col: int | None  # long layout, or the year rows of the areas-as-columns layout
    value_col: int | None  # long layout
    content_col: int | None
    year_cols: tuple[tuple[int, int, bool], ...]  # wide layout: (column, year, is population)
    headers: tuple[str, ...]
    area_cols: tuple[tuple[int, str, bool], ...] = ()  # areas as columns: (column, area label, is population)

    def header(self, col: int | None, fallback: str) -> str:
        if col is None or col >= len(self.headers) or not self.headers[col]:
            return fallback
        return self.headers[col]


# --- rows --------------------------------------------------------------------------------------


def is_blank_row(cells: tuple[object, ...]) -> bool:
    return all(not cell_text(c) for c in cells)


def _non_blank(cells: tuple[object, ...]) -> list[tuple[int, str]]:
    return [(i, cell_text(c)) for i, c in enumerate(cells) if cell_text(c)]


def _is_title_row(cells: tuple[object, ...], domain: Domain) -> bool:
    filled = _non_blank(cells)
    return len(filled) == 1 and filled[0][0] == 0 and parse_area(filled[0][1], domain).status == "unknown"


def _is_footnote_row(cells: tuple[object, ...], domain: Domain) -> bool:
    filled = _non_blank(cells)
    if not filled:
        return False
    first = filled[0][1].casefold()
    if first.startswith(FOOTNOTE_STARTS) or any("<a " in text.casefold() for _, text in filled):
        return True
    return _is_title_row(cells, domain)


def _looks_numeric(text: str) -> bool:
    try:
        return parse_finnish_number(text) is not None
    except ValueError:
        return False


def _is_header_continuation(cells: tuple[object, ...], domain: Domain) -> bool:
    """A second heading row (PxWeb XLSX: years on one row, content labels on the next).

    A heading row leaves the stub (the first column) empty or names it; a first cell holding a
    stub value, an area label or a year, makes the row data. Without the year test a long
    table with the year first whose first population happens to look like a year (1900) was
    taken for a heading, and the whole table was misread."""
    filled = _non_blank(cells)
    if not filled:
        return False
    column, first = filled[0]
    if column == 0 and (YEAR_CELL.fullmatch(first) or parse_area(first, domain).status != "unknown"):
        return False
    return all(YEAR_CELL.fullmatch(text) or not _looks_numeric(text) for _, text in filled)


# --- the heading ---------------------------------------------------------------------------------


def _header_role(text: str) -> tuple[str, int | None]:
    key = normalise_key(text)
    if not key:
        return "blank", None
    if key in AREA_HEADERS or key.startswith("alue ") or re.fullmatch(r"alue_\w+", key):
        return "area", None
    if key in YEAR_HEADERS:
        return "year", None
    if key in CONTENT_HEADERS:
        return "content", None
    years = _YEAR_TOKEN.findall(key)
    if len(years) == 1:
        rest = " ".join(_YEAR_TOKEN.sub(" ", key).split())
        return ("year_value" if not rest or is_population_label(rest) else "year_other"), int(years[0])
    if is_population_label(key) or key in VALUE_HEADERS:
        return "value", None
    return "other", None


def _heading_texts(header_rows: list[tuple[object, ...]]) -> list[list[str]]:
    """Heading cells as texts; upper heading rows are filled rightwards as merged cells are."""
    width = max(len(r) for r in header_rows)
    filled_rows = []
    for number, cells in enumerate(header_rows):
        texts = [cell_text(cells[i]) if i < len(cells) else "" for i in range(width)]
        if number < len(header_rows) - 1:
            seen = None
            for i, text in enumerate(texts):
                if text:
                    seen = text
                elif seen is not None:
                    texts[i] = seen
        filled_rows.append(texts)
    return filled_rows


def _combined_headers(heading: list[list[str]]) -> list[str]:
    """One text per column, e.g. '2019' over 'Väestö 31.12.' -> '2019 Väestö 31.12.'."""
    return [" ".join(t for t in (row[i] for row in heading) if t) for i in range(len(heading[0]))]


def _area_columns(heading: list[list[str]], domain: Domain) -> tuple[tuple[int, str, bool], ...]:
    """Columns headed by an area label (the table pivoted so that areas are columns)."""
    found = []
    for col in range(len(heading[0])):
        texts = [row[col] for row in heading if row[col]]
        labels = [t for t in texts if parse_area(t, domain).status != "unknown"]
        if labels:
            rest = " ".join(t for t in texts if t != labels[0])
            found.append((col, labels[0], not rest or is_population_label(rest)))
    return tuple(found)


def _year_share(data_rows: list[tuple[object, ...]], col: int) -> float:
    texts = [cell_text(cells[col]) for cells in data_rows if col < len(cells) and cell_text(cells[col])]
    return sum(1 for t in texts if YEAR_CELL.fullmatch(t)) / len(texts) if texts else 0.0


def detect_layout(rows: list[tuple[int, tuple[object, ...]]], domain: Domain) -> GridLayout:
    """Where the heading is and which columns hold areas, years and values (raises NoTable)."""
    index = 0
    while index < len(rows) and (is_blank_row(rows[index][1]) or _is_title_row(rows[index][1], domain)):
        index += 1
    if index == len(rows):
        raise NoTable("sarakeotsikkoriviä ei löytynyt")
    header_start = index
    first_cells = _non_blank(rows[index][1])
    if first_cells[0][0] == 0 and parse_area(first_cells[0][1], domain).status == "in_region":
        raise NoTable("taulukosta puuttuu sarakeotsikkorivi (ensimmäinen rivi on jo aluerivi)")
    index += 1
    while index < len(rows) and _is_header_continuation(rows[index][1], domain):
        index += 1
    heading = _heading_texts([cells for _, cells in rows[header_start:index]])
    headers = _combined_headers(heading)
    roles = [_header_role(h) for h in headers]
    data_rows = [cells for _, cells in rows[index:]]
    shown = ", ".join(f"'{h}'" for h in headers if h) or "ei yhtään"

    area_cols = _area_columns(heading, domain)
    if area_cols:
        stub = range(0, area_cols[0][0])
        year_col = next((c for c in stub if roles[c][0] == "year"), None)
        if year_col is None:
            year_col = max(stub, key=lambda c: _year_share(data_rows, c), default=None)
        content_col = next((c for c in stub if roles[c][0] == "content"), None)
        if year_col is None or _year_share(data_rows, year_col) == 0:
            raise NoTable(f"alueet ovat sarakkeina, mutta vuosisaraketta ei löytynyt (sarakeotsikot: {shown})")
        return GridLayout(index, header_start, None, year_col, None, content_col, (), tuple(headers), area_cols)

    year_cols = tuple(
        (col, year, role == "year_value")
        for col, (role, year) in enumerate(roles)
        if role in {"year_value", "year_other"} and year is not None
    )
    if year_cols:
        stub = range(0, year_cols[0][0])
        area_col = next((c for c in stub if roles[c][0] == "area"), None)
        if area_col is None:
            area_col = next((c for c in stub if roles[c][0] in {"blank", "other"}), None)
        content_col = next((c for c in stub if roles[c][0] == "content"), None)
        if area_col is None:
            raise NoTable(f"aluesaraketta ei löytynyt (sarakeotsikot: {shown})")
        return GridLayout(index, header_start, area_col, None, None, content_col, year_cols, tuple(headers))

    year_col = next((c for c, (role, _) in enumerate(roles) if role == "year"), None)
    area_col = next((c for c, (role, _) in enumerate(roles) if role == "area"), None)
    content_col = next((c for c, (role, _) in enumerate(roles) if role == "content"), None)
    value_cols = [c for c, (role, _) in enumerate(roles) if role == "value"]
    population_cols = [c for c in value_cols if is_population_label(headers[c])]
    value_cols = population_cols or value_cols
    value_col = next((c for c in value_cols if "31" in headers[c]), value_cols[0] if value_cols else None)
    if value_col is not None and (year_col is None or area_col is None):
        # PxWeb XLSX leaves the stub headers empty: tell the year column from the area column by content.
        blank_stub = [c for c in range(value_col) if roles[c][0] == "blank"]
        if year_col is None and blank_stub:
            year_col = max(blank_stub, key=lambda c: _year_share(data_rows, c))
            if _year_share(data_rows, year_col) < 0.5:
                year_col = None
        if area_col is None:
            area_col = next((c for c in blank_stub if c != year_col), None)
    if year_col is None or area_col is None or value_col is None:
        missing = [
            label
            for label, col in (("alue", area_col), ("vuosi tai vuosisarakkeet", year_col), ("väkiluku", value_col))
            if col is None
        ]
        raise NoTable(f"sarakkeita ei tunnistettu: {', '.join(missing)} (sarakeotsikot: {shown})")
    return GridLayout(index, header_start, area_col, year_col, value_col, content_col, (), tuple(headers))


# --- the data rows -------------------------------------------------------------------------------


def _cell(cells: tuple[object, ...], col: int | None) -> object:
    return cells[col] if col is not None and col < len(cells) else None


def _carry(previous: dict[str, object], name: str, value: object) -> object:
    """PxWeb writes a stub label only on the first row of its block: a blank cell repeats it."""
    if cell_text(value):
        previous[name] = value
        return value
    return previous.get(name)


def _row_units(layout: GridLayout, number: int, cells: tuple[object, ...], previous: dict[str, object]) -> list[Unit]:
    """The value units of one data row: one in a long table, one per value column otherwise."""
    area_column = layout.header(layout.area_col, "Alue")
    year_column = layout.header(layout.year_col, "Vuosi")
    area_raw = _carry(previous, "area", _cell(cells, layout.area_col))
    content_raw = _carry(previous, "content", _cell(cells, layout.content_col))
    content_ok = layout.content_col is None or is_population_label(content_raw)
    if layout.area_cols:
        year_raw = _carry(previous, "year", _cell(cells, layout.year_col))
        return [
            Unit(number, label, layout.header(col, label), parse_year(year_raw), year_raw, year_column,
                 _cell(cells, col), layout.header(col, label), content_ok and is_population)
            for col, label, is_population in layout.area_cols
        ]
    if layout.year_cols:
        return [
            Unit(number, area_raw, area_column, year, year, layout.header(col, str(year)),
                 _cell(cells, col), layout.header(col, str(year)), content_ok and is_population)
            for col, year, is_population in layout.year_cols
        ]
    year_raw = _carry(previous, "year", _cell(cells, layout.year_col))
    value_column = layout.header(layout.value_col, "Väestö 31.12.")
    return [
        Unit(number, area_raw, area_column, parse_year(year_raw), year_raw, year_column,
             _cell(cells, layout.value_col), value_column, content_ok)
    ]


def read_grid(sheet: RawSheet, ledger: ValueLedger, domain: Domain) -> None:
    """Record every row of a sheet in its ledger (raises NoTable when there is no table)."""
    rows = list(sheet.rows)
    layout = detect_layout(rows, domain)
    for position, (number, cells) in enumerate(rows[: layout.first_data]):
        if position >= layout.header_start:
            ledger.skip_row(number, "header")
        else:
            ledger.skip_row(number, "blank" if is_blank_row(cells) else "title")

    previous: dict[str, object] = {}
    in_footnotes = False
    for number, cells in rows[layout.first_data :]:
        if is_blank_row(cells):
            ledger.skip_row(number, "blank")
            continue
        if in_footnotes or _is_footnote_row(cells, domain):
            in_footnotes = True
            ledger.skip_row(number, "footnote")
            continue
        for unit in _row_units(layout, number, cells, previous):
            ledger.add(unit, domain)
