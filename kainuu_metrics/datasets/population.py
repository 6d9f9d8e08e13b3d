"""Population at 31 December by area (Statistics Finland, StatFin table 11ra) into one table.

Reads every shape PxWeb produces for the table, recognised by content, never by file name:
web-interface CSV (title, blank line, header; long or wide; ';' or ','; UTF-8 with BOM or
Windows-1252), XLSX as PxWeb saves it, and the API's JSON formats (JSON-stat2, JSON-stat 1 and
PxWeb's own "json"). Variable codes are read from the document, never hard-coded: both the old
codes (Alue, Vuosi, Tiedot) and the dated ones (alue_23_20260101, timeperiod_y, contentscode).

Accounting unit ("row"): a physical row in a long table, one value cell of a data row in a wide
table (every other physical row counts once), one value in a JSON document.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from numbers import Number
from pathlib import Path
from typing import Literal

import pandas as pd

from kainuu_metrics.datasets.accounting import (
    REJECTED_COLUMNS,
    SKIPPED_COLUMNS,
    CleaningResult,
    FileAccount,
    account_for,
    file_sha256,
)
from kainuu_metrics.settings import Domain, load_domain, normalise_key
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.datasets.parsing import parse_finnish_number
from kainuu_metrics.paths import Layout
from kainuu_metrics.datasets.readers import TABULAR_SUFFIXES, RawSheet, list_raw_files, read_csv_grid, read_xlsx_grids

DATASET = "population"
CLEANED_COLUMNS = ["year", "area_code", "area_name", "population", "source_file", "sheet", "source_row"]
POPULATION_SUFFIXES = TABULAR_SUFFIXES | {".json"}

# PxWeb's symbols for a value that is not there ('.' not applicable, '..' not available, ...).
MISSING_MARKERS = frozenset({".", "..", "...", "…", "-"})

FIX_DOWNLOAD = (
    "Lataa Tilastokeskuksen taulukko 11ra (Tunnuslukuja väestöstä alueittain, tieto "
    "'Väestö 31.12.') PxWeb-palvelusta muodossa CSV, XLSX tai JSON-stat2 tai hae se komennolla "
    "'kainuu-metrics fetch-population', ja tallenna se kansioon data/raw/population/. "
    "Siirrä muut kuin väestötiedostot pois kansiosta."
)

_YEAR_TOKEN = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_CELL = re.compile(r"((?:19|20)\d{2})\s*\*?")
_AREA_CODE = re.compile(r"(?P<prefix>[A-Za-z]{2,4})?\s?(?P<digits>\d{1,3})(?:\s+(?P<rest>.+))?")
_STATFIN_AREA_CODE = re.compile(r"(?:KU\d{3}|MK\d{2})\b", re.IGNORECASE)
_POPULATION_31_12 = re.compile(r"\b(?:väestö|väkiluku|population|folkmängd)\b[^%]*\b31\s*\.?\s*(?:12|dec)")

_AREA_HEADERS = {"alue", "alueet", "kunta", "kunnat", "maakunta", "area", "region", "område"}
_YEAR_HEADERS = {"vuosi", "vuodet", "year", "år", "tilastovuosi", "timeperiod_y"}
_CONTENT_HEADERS = {"tiedot", "tieto", "information", "uppgifter", "contentscode", "sisältö"}
_VALUE_HEADERS = {"arvo", "value", "values", "lukumäärä", "henkilöä"}
_POPULATION_EXACT = {
    "väestö", "väkiluku", "population", "folkmängd", "vaesto", "vaerak-vaesto",
    "väestö yhteensä", "väkiluku yhteensä",
}
_TOTAL_LABELS = {"yhteensä", "kaikki", "total", "totalt", "sukupuolet yhteensä", "kaikki ikäryhmät"}
_FOOTNOTE_STARTS = (
    "lähde", "lähteet", "source", "tiedot:", "huom", "huomautus", "alaviite", "päivitetty",
    "tilastokeskus", "statistics finland", "<a ", "http", "www.", "esimerkkiaineisto",
)

# Areas StatFin publishes that are not Kainuu or its municipalities, recognisable by name
# alone (with a code, any KU/MK/SK/HV... area is recognised).
_OTHER_AREA_NAMES = frozenset(
    normalise_key(name)
    for name in (
        "Koko maa", "Manner-Suomi", "Vaala", "Ahvenanmaa", "Ahvenanmaa - Åland", "Uusimaa",
        "Varsinais-Suomi", "Satakunta", "Kanta-Häme", "Pirkanmaa", "Päijät-Häme", "Kymenlaakso",
        "Etelä-Karjala", "Etelä-Savo", "Pohjois-Savo", "Pohjois-Karjala", "Keski-Suomi",
        "Etelä-Pohjanmaa", "Pohjanmaa", "Keski-Pohjanmaa", "Pohjois-Pohjanmaa", "Lappi",
        "Kainuun hyvinvointialue", "Kajaanin seutukunta", "Kehys-Kainuun seutukunta",
    )
)

Status = Literal["kainuu", "out_of_scope", "unknown"]


@dataclass(frozen=True)
class AreaMatch:
    """What an area label means: Kainuu or one of its municipalities, another StatFin area,
    or something unknown (with a Finnish problem text)."""

    status: Status
    code: str | None = None  # "MK18", "KU205"
    name: str | None = None
    problem: str | None = None


def list_population_files(folder: Path) -> list[Path]:
    """Population exports in a raw folder (CSV, TXT, XLSX, JSON), sorted by name."""
    return list_raw_files(folder, POPULATION_SUFFIXES)


def parse_area(label: object, domain: Domain) -> AreaMatch:
    """'KU205 Kajaani', '205 Kajaani', 'Kajaani', 'KU205', 'MK18 Kainuu', 'Kainuu' -> an area.

    >>> from kainuu_metrics.settings import load_domain
    >>> parse_area("KU205 Kajaani", load_domain())
    AreaMatch(status='kainuu', code='KU205', name='Kajaani', problem=None)
    >>> parse_area("SSS KOKO MAA", load_domain()).status
    'out_of_scope'
    """
    text = " ".join(_cell_text(label).split())
    if not text:
        return AreaMatch("unknown", problem="alue puuttuu")
    if text.upper() == "SSS" or text.upper().startswith("SSS "):
        return AreaMatch("out_of_scope")
    if match := _AREA_CODE.fullmatch(text):
        return _area_from_code(text, match, domain)
    key = normalise_key(text)
    region_keys = {normalise_key(n) for n in (domain.region_name, f"{domain.region_name}n maakunta")}
    if key in region_keys:
        return AreaMatch("kainuu", domain.region_code, domain.region_name)
    if key in domain.municipality_lookup:
        code = domain.municipality_lookup[key]
        return AreaMatch("kainuu", f"KU{code}", domain.municipalities[code])
    if key in _OTHER_AREA_NAMES:
        return AreaMatch("out_of_scope")
    return AreaMatch("unknown", problem=_unknown_area(text))


def _unknown_area(text: str) -> str:
    return (
        f"alue '{text}' ei ole Kainuu, Kainuun kunta eikä tunnistettava Tilastokeskuksen alue "
        "(valitse PxWebissä vain Kainuu ja sen kunnat tai näytä alueet koodeineen, esim. KU205)"
    )


def _area_from_code(text: str, match: re.Match[str], domain: Domain) -> AreaMatch:
    prefix = (match.group("prefix") or "").upper()
    digits = match.group("digits")
    rest = match.group("rest") or ""
    if prefix in {"", "KU"} and len(digits) == 3:
        code = f"KU{digits}"
        name = domain.municipalities.get(digits)
        if name is None:
            return AreaMatch("out_of_scope")  # another municipality (e.g. KU785 Vaala)
        if rest and domain.municipality_lookup.get(normalise_key(rest)) != digits:
            return AreaMatch(
                "unknown", problem=f"aluekoodi {code} ({name}) ja nimi '{rest}' eivät täsmää ('{text}')"
            )
        return AreaMatch("kainuu", code, name)
    if prefix in {"", "MK"} and len(digits) <= 2:
        code = f"MK{digits.zfill(2)}"
        if code != domain.region_code:
            return AreaMatch("out_of_scope")
        if rest and normalise_key(rest) not in {
            normalise_key(domain.region_name), normalise_key(f"{domain.region_name}n maakunta")
        }:
            return AreaMatch(
                "unknown",
                problem=f"aluekoodi {code} ({domain.region_name}) ja nimi '{rest}' eivät täsmää ('{text}')",
            )
        return AreaMatch("kainuu", code, domain.region_name)
    if prefix and prefix == (match.group("prefix") or ""):
        return AreaMatch("out_of_scope")  # SK181, HV20, ELY08...: other StatFin area types
    return AreaMatch("unknown", problem=_unknown_area(text))


def is_population_label(text: object) -> bool:
    """True for the content 'Väestö 31.12.' (and its codes and translations).

    >>> is_population_label("Väestö 31.12."), is_population_label("Väestönmuutos")
    (True, False)
    """
    key = normalise_key(_cell_text(text))
    return key in _POPULATION_EXACT or bool(_POPULATION_31_12.search(key))


def population_lookup(cleaned: pd.DataFrame) -> dict[tuple[int, str], int]:
    """{(year, area_code): population} from a cleaned population table."""
    return {
        (int(y), str(a)): int(p)
        for y, a, p in zip(cleaned["year"], cleaned["area_code"], cleaned["population"], strict=True)
    }


# --- outcomes of reading one sheet ----------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    year: int
    area_code: str
    area_name: str
    population: int
    source_row: int
    column: str


@dataclass
class _SheetOutcome:
    """Everything read from one sheet (or one CSV/JSON file), before duplicates are resolved."""

    source_file: str
    sheet: str
    sha256: str
    rows_read: int = 0
    records: list[_Record] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)

    def skip(self, row: int, kind: str) -> None:
        self.rows_read += 1
        self.skipped.append(
            {"dataset": DATASET, "source_file": self.source_file, "sheet": self.sheet, "source_row": row, "kind": kind}
        )

    def reject(self, row: int, column: str, value: object, reason: str) -> None:
        self.rows_read += 1
        self.rejected.append(
            {
                "dataset": DATASET, "source_file": self.source_file, "sheet": self.sheet,
                "source_row": row, "column": column, "value": _cell_text(value), "reason": reason,
            }
        )

    def keep(self, record: _Record) -> None:
        self.rows_read += 1
        self.records.append(record)


@dataclass(frozen=True)
class _Unit:
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


def _evaluate(unit: _Unit, out: _SheetOutcome, domain: Domain) -> None:
    """Clean, reject or skip one value record."""
    area = parse_area(unit.area_raw, domain)
    if area.status == "out_of_scope":
        out.skip(unit.row, "out_of_scope")
        return
    if area.status == "unknown":
        out.reject(unit.row, unit.area_column, unit.area_raw, f"sarake '{unit.area_column}': {area.problem}")
        return
    if not unit.in_scope:
        out.skip(unit.row, "out_of_scope")
        return
    if unit.year is None:
        shown = _cell_text(unit.year_raw)
        reason = (
            f"sarakkeessa '{unit.year_column}' ei ole vuotta"
            if not shown
            else f"sarakkeen '{unit.year_column}' arvo '{shown}' ei ole vuosiluku (esim. 2024)"
        )
        out.reject(unit.row, unit.year_column, unit.year_raw, reason)
        return
    value = unit.value_raw
    text = _cell_text(value)
    if text in MISSING_MARKERS:
        out.skip(unit.row, "missing_value")
        return
    if not text:
        out.reject(unit.row, unit.value_column, value, f"sarakkeessa '{unit.value_column}' ei ole väkilukua")
        return
    try:
        number = parse_finnish_number(value)
    except ValueError:
        number = None
    if number is None or not math.isfinite(number) or not number.is_integer() or number < 0:
        out.reject(
            unit.row, unit.value_column, value,
            f"sarakkeen '{unit.value_column}' arvo '{text}' ei ole väkiluku (kokonaisluku, esim. 36709)",
        )
        return
    assert area.code is not None and area.name is not None
    out.keep(_Record(unit.year, area.code, area.name, int(number), unit.row, unit.value_column))


# --- grids: CSV and XLSX ----------------------------------------------------------------------


class _NoTable(Exception):
    """A sheet without a recognisable population table; the text says what was missing."""


@dataclass(frozen=True)
class _GridLayout:
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


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return " ".join(str(value).replace("\u00a0", " ").split()) if isinstance(value, str) else str(value)


def _is_blank_row(cells: tuple[object, ...]) -> bool:
    return all(not _cell_text(c) for c in cells)


def _non_blank(cells: tuple[object, ...]) -> list[tuple[int, str]]:
    return [(i, _cell_text(c)) for i, c in enumerate(cells) if _cell_text(c)]


def _is_title_row(cells: tuple[object, ...], domain: Domain) -> bool:
    filled = _non_blank(cells)
    return len(filled) == 1 and filled[0][0] == 0 and parse_area(filled[0][1], domain).status == "unknown"


def _is_footnote_row(cells: tuple[object, ...], domain: Domain) -> bool:
    filled = _non_blank(cells)
    if not filled:
        return False
    first = filled[0][1].casefold()
    if first.startswith(_FOOTNOTE_STARTS) or any("<a " in text.casefold() for _, text in filled):
        return True
    return _is_title_row(cells, domain)


def _looks_numeric(text: str) -> bool:
    try:
        return parse_finnish_number(text) is not None
    except ValueError:
        return False


def _is_header_continuation(cells: tuple[object, ...], domain: Domain) -> bool:
    """A second heading row (PxWeb XLSX: years on one row, content labels on the next)."""
    filled = _non_blank(cells)
    if not filled or (filled[0][0] == 0 and parse_area(filled[0][1], domain).status != "unknown"):
        return False
    return all(_YEAR_CELL.fullmatch(text) or not _looks_numeric(text) for _, text in filled)


def _header_role(text: str) -> tuple[str, int | None]:
    key = normalise_key(text)
    if not key:
        return "blank", None
    if key in _AREA_HEADERS or key.startswith("alue ") or re.fullmatch(r"alue_\w+", key):
        return "area", None
    if key in _YEAR_HEADERS:
        return "year", None
    if key in _CONTENT_HEADERS:
        return "content", None
    years = _YEAR_TOKEN.findall(key)
    if len(years) == 1:
        rest = " ".join(_YEAR_TOKEN.sub(" ", key).split())
        return ("year_value" if not rest or is_population_label(rest) else "year_other"), int(years[0])
    if is_population_label(key) or key in _VALUE_HEADERS:
        return "value", None
    return "other", None


def _heading_texts(header_rows: list[tuple[object, ...]]) -> list[list[str]]:
    """Heading cells as texts; upper heading rows are filled rightwards as merged cells are."""
    width = max(len(r) for r in header_rows)
    filled_rows = []
    for number, cells in enumerate(header_rows):
        texts = [_cell_text(cells[i]) if i < len(cells) else "" for i in range(width)]
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


def _detect_layout(rows: list[tuple[int, tuple[object, ...]]], domain: Domain) -> _GridLayout:
    index = 0
    while index < len(rows) and (_is_blank_row(rows[index][1]) or _is_title_row(rows[index][1], domain)):
        index += 1
    if index == len(rows):
        raise _NoTable("sarakeotsikkoriviä ei löytynyt")
    header_start = index
    first_cells = _non_blank(rows[index][1])
    if first_cells[0][0] == 0 and parse_area(first_cells[0][1], domain).status == "kainuu":
        raise _NoTable("taulukosta puuttuu sarakeotsikkorivi (ensimmäinen rivi on jo aluerivi)")
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
            raise _NoTable(f"alueet ovat sarakkeina, mutta vuosisaraketta ei löytynyt (sarakeotsikot: {shown})")
        return _GridLayout(index, header_start, None, year_col, None, content_col, (), tuple(headers), area_cols)

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
            raise _NoTable(f"aluesaraketta ei löytynyt (sarakeotsikot: {shown})")
        return _GridLayout(index, header_start, area_col, None, None, content_col, year_cols, tuple(headers))

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
        raise _NoTable(f"sarakkeita ei tunnistettu: {', '.join(missing)} (sarakeotsikot: {shown})")
    return _GridLayout(index, header_start, area_col, year_col, value_col, content_col, (), tuple(headers))


def _year_share(data_rows: list[tuple[object, ...]], col: int) -> float:
    texts = [_cell_text(cells[col]) for cells in data_rows if col < len(cells) and _cell_text(cells[col])]
    return sum(1 for t in texts if _YEAR_CELL.fullmatch(t)) / len(texts) if texts else 0.0


def _parse_year(value: object) -> int | None:
    match = _YEAR_CELL.fullmatch(_cell_text(value))
    return int(match.group(1)) if match else None


def _cell(cells: tuple[object, ...], col: int | None) -> object:
    return cells[col] if col is not None and col < len(cells) else None


def _carry(previous: dict[str, object], name: str, value: object) -> object:
    """PxWeb writes a stub label only on the first row of its block: a blank cell repeats it."""
    if _cell_text(value):
        previous[name] = value
        return value
    return previous.get(name)


def _read_grid(sheet: RawSheet, out: _SheetOutcome, domain: Domain) -> None:
    rows = list(sheet.rows)
    layout = _detect_layout(rows, domain)
    for position, (number, cells) in enumerate(rows[: layout.first_data]):
        if position >= layout.header_start:
            out.skip(number, "header")
        else:
            out.skip(number, "blank" if _is_blank_row(cells) else "title")

    area_column = layout.header(layout.area_col, "Alue")
    year_column = layout.header(layout.year_col, "Vuosi")
    previous: dict[str, object] = {}
    in_footnotes = False
    for number, cells in rows[layout.first_data :]:
        if _is_blank_row(cells):
            out.skip(number, "blank")
            continue
        if in_footnotes or _is_footnote_row(cells, domain):
            in_footnotes = True
            out.skip(number, "footnote")
            continue
        area_raw = _carry(previous, "area", _cell(cells, layout.area_col))
        content_raw = _carry(previous, "content", _cell(cells, layout.content_col))
        content_ok = layout.content_col is None or is_population_label(content_raw)
        if layout.area_cols:
            year_raw = _carry(previous, "year", _cell(cells, layout.year_col))
            for col, label, is_population in layout.area_cols:
                column = layout.header(col, label)
                unit = _Unit(
                    number, label, column, _parse_year(year_raw), year_raw, year_column,
                    _cell(cells, col), column, content_ok and is_population,
                )
                _evaluate(unit, out, domain)
        elif layout.year_cols:
            for col, year, is_population in layout.year_cols:
                unit = _Unit(
                    number, area_raw, area_column, year, year, layout.header(col, str(year)),
                    _cell(cells, col), layout.header(col, str(year)), content_ok and is_population,
                )
                _evaluate(unit, out, domain)
        else:
            year_raw = _carry(previous, "year", _cell(cells, layout.year_col))
            value_column = layout.header(layout.value_col, "Väestö 31.12.")
            unit = _Unit(
                number, area_raw, area_column, _parse_year(year_raw), year_raw, year_column,
                _cell(cells, layout.value_col), value_column, content_ok,
            )
            _evaluate(unit, out, domain)


# --- JSON: JSON-stat2, JSON-stat 1 and PxWeb "json" ------------------------------------------


@dataclass(frozen=True)
class _Dimension:
    id: str
    label: str
    codes: tuple[str, ...]
    labels: dict[str, str]


@dataclass(frozen=True)
class _Cube:
    """A JSON document as dimensions plus values in row-major order (last dimension fastest)."""

    dimensions: tuple[_Dimension, ...]
    values: tuple[object, ...]
    time_ids: tuple[str, ...] = ()
    metric_ids: tuple[str, ...] = ()
    # Source row of each position when it is not position + 1 (PxWeb "json"); None: not in the file.
    source_rows: tuple[int | None, ...] | None = None


def _category_codes(category: dict) -> tuple[str, ...]:
    index = category.get("index")
    if isinstance(index, list):
        return tuple(str(c) for c in index)
    if isinstance(index, dict):
        return tuple(str(c) for c, _ in sorted(index.items(), key=lambda item: item[1]))
    return tuple(str(c) for c in (category.get("label") or {}))


def _jsonstat_cube(dataset: dict, ids: list, sizes: list, role: dict | None) -> _Cube:
    dimensions = []
    for dim_id, size in zip(ids, sizes, strict=True):
        spec = dataset["dimension"][dim_id]
        category = spec.get("category") or {}
        codes = _category_codes(category)
        if len(codes) != int(size):
            raise ValueError(f"ulottuvuuden '{dim_id}' luokkia on {len(codes)}, kooksi on ilmoitettu {size}")
        labels = {str(k): str(v) for k, v in (category.get("label") or {}).items()}
        dimensions.append(_Dimension(str(dim_id), str(spec.get("label") or dim_id), codes, labels))
    total = math.prod(int(s) for s in sizes)
    raw_values = dataset.get("value")
    if isinstance(raw_values, dict):  # sparse form: {"position": value}
        values: list[object] = [None] * total
        for key, value in raw_values.items():
            values[int(key)] = value
    elif isinstance(raw_values, list):
        values = list(raw_values)
    else:
        raise ValueError("arvot ('value') puuttuvat")
    if len(values) != total:
        raise ValueError(f"arvoja on {len(values)}, ulottuvuuksien mukaan pitäisi olla {total}")
    role = role or {}
    return _Cube(tuple(dimensions), tuple(values), tuple(role.get("time") or ()), tuple(role.get("metric") or ()))


def _pxweb_json_cube(doc: dict) -> _Cube:
    """PxWeb's own 'json' response: columns (d, t, c) and data rows of keys and values."""
    columns = doc["columns"]
    key_columns = [c for c in columns if c.get("type") in {"d", "t"}]
    content_columns = [c for c in columns if c.get("type") == "c"]
    if not key_columns or not content_columns:
        raise ValueError("sarakkeiden tyypit (d, t, c) puuttuvat")
    # Rebuild a cube of the codes in order of appearance; missing combinations stay empty.
    codes: list[list[str]] = [[] for _ in key_columns]
    for entry in doc["data"]:
        for i, code in enumerate(entry["key"]):
            if code not in codes[i]:
                codes[i].append(str(code))
    contents = [str(c["code"]) for c in content_columns]
    dims = [
        _Dimension(str(c["code"]), str(c.get("text") or c["code"]), tuple(codes[i]), {})
        for i, c in enumerate(key_columns)
    ]
    dims.append(
        _Dimension(
            "contents", "Tiedot", tuple(contents), {str(c["code"]): str(c.get("text") or "") for c in content_columns}
        )
    )
    sizes = [len(d.codes) for d in dims]
    values: list[object] = [None] * math.prod(sizes)
    source_rows: list[int | None] = [None] * len(values)
    row = 0
    for entry in doc["data"]:
        position = 0
        for i, code in enumerate(entry["key"]):
            position = position * sizes[i] + codes[i].index(str(code))
        for j, value in enumerate(entry["values"]):
            row += 1
            values[position * len(contents) + j] = value
            source_rows[position * len(contents) + j] = row
    time_ids = tuple(str(c["code"]) for c in key_columns if c.get("type") == "t")
    return _Cube(tuple(dims), tuple(values), time_ids, ("contents",), tuple(source_rows))


def _cube_from_json(doc: object) -> _Cube:
    if isinstance(doc, dict) and {"id", "size", "dimension"} <= doc.keys():
        return _jsonstat_cube(doc, list(doc["id"]), list(doc["size"]), doc.get("role"))
    if isinstance(doc, dict) and "columns" in doc and "data" in doc:
        return _pxweb_json_cube(doc)
    if isinstance(doc, dict):
        for dataset in doc.values():  # JSON-stat 1: {"dataset": {"dimension": {"id": ..., ...}}}
            if isinstance(dataset, dict) and isinstance(dataset.get("dimension"), dict):
                dims = dataset["dimension"]
                if "id" in dims and "size" in dims:
                    return _jsonstat_cube(dataset, list(dims["id"]), list(dims["size"]), dims.get("role"))
    raise ValueError("tiedosto ei ole JSON-stat- eikä PxWeb-muotoinen taulukko")


def _area_score(dim: _Dimension) -> float:
    hits = sum(
        1
        for code in dim.codes
        if _STATFIN_AREA_CODE.match(code) or _STATFIN_AREA_CODE.match(dim.labels.get(code, ""))
    )
    return hits / len(dim.codes) if dim.codes else 0.0


def _is_year_dimension(dim: _Dimension) -> bool:
    return bool(dim.codes) and all(_YEAR_CELL.fullmatch(c) for c in dim.codes)


def _selected_categories(dim: _Dimension, cube: _Cube) -> set[str]:
    """Which categories of a dimension other than area and year hold population 31.12."""
    population = {
        c for c in dim.codes if is_population_label(c) or is_population_label(dim.labels.get(c, ""))
    }
    content_like = (
        dim.id in cube.metric_ids
        or normalise_key(dim.id) in _CONTENT_HEADERS
        or normalise_key(dim.label) in _CONTENT_HEADERS
        or bool(population)
    )
    if content_like:
        if not population:
            shown = ", ".join(dim.labels.get(c, c) for c in dim.codes)
            raise _NoTable(f"tietoa 'Väestö 31.12.' ei ole (tiedot: {shown})")
        return population
    if len(dim.codes) == 1:
        return set(dim.codes)
    totals = {c for c in dim.codes if c == "SSS" or normalise_key(dim.labels.get(c, "")) in _TOTAL_LABELS}
    if not totals:
        raise _NoTable(f"ulottuvuudesta '{dim.label}' ei löytynyt yhteensä-luokkaa (SSS)")
    return totals


def _read_cube(cube: _Cube, out: _SheetOutcome, domain: Domain) -> None:
    dims = cube.dimensions
    scored = sorted(((d for d in dims if _area_score(d) > 0)), key=lambda d: -_area_score(d))
    if not scored:
        raise _NoTable("alueulottuvuutta (aluekoodit kuten MK18, KU205) ei löytynyt")
    area_dim = scored[0]
    year_candidates = [d for d in dims if d is not area_dim and _is_year_dimension(d)]
    year_candidates.sort(key=lambda d: d.id not in cube.time_ids)
    if not year_candidates:
        raise _NoTable("vuosiulottuvuutta (nelinumeroiset vuodet) ei löytynyt")
    year_dim = year_candidates[0]
    others = [d for d in dims if d is not area_dim and d is not year_dim]
    selected = {d.id: _selected_categories(d, cube) for d in others}
    content_dim = next((d for d in others if d.id in cube.metric_ids), None) or next(
        (d for d in others if selected[d.id] and any(is_population_label(d.labels.get(c, c)) for c in selected[d.id])),
        None,
    )

    sizes = [len(d.codes) for d in dims]
    for position, value in enumerate(cube.values):
        row = position + 1 if cube.source_rows is None else cube.source_rows[position]
        if row is None:
            continue
        coordinates: dict[str, str] = {}
        remainder = position
        for dim, size in zip(reversed(dims), reversed(sizes), strict=True):
            coordinates[dim.id] = dim.codes[remainder % size]
            remainder //= size
        area_code = coordinates[area_dim.id]
        area_raw: object = area_code
        if parse_area(area_code, domain).status == "unknown":
            area_raw = area_dim.labels.get(area_code, area_code)
        year_code = coordinates[year_dim.id]
        value_column = (
            content_dim.labels.get(coordinates[content_dim.id], coordinates[content_dim.id])
            if content_dim is not None
            else "value"
        )
        unit = _Unit(
            row=row,
            area_raw=area_raw,
            area_column=area_dim.label,
            year=_parse_year(year_code),
            year_raw=year_code,
            year_column=year_dim.label,
            value_raw=_json_value(value),
            value_column=value_column,
            in_scope=all(coordinates[d.id] in selected[d.id] for d in others),
        )
        _evaluate(unit, out, domain)


def count_population_values(document: object, domain: Domain | None = None) -> int:
    """How many population figures of Kainuu areas a parsed JSON document holds.

    Raises ValueError (Finnish) when the document is not a population table."""
    domain = domain or load_domain()
    out = _SheetOutcome("", "", "")
    try:
        _read_cube(_cube_from_json(document), out, domain)
    except _NoTable as exc:
        raise ValueError(str(exc)) from exc
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(f"rakenne on odottamaton ({type(exc).__name__}: {exc})") from exc
    return len(out.records)


def _json_value(value: object) -> object:
    if value is None:
        return ".."  # JSON-stat writes a missing value as null (status '..' or '.')
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Number):
        return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# --- files ------------------------------------------------------------------------------------


def _sniff_kind(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] in {b"{", b"["}:
        return "json"
    if head.upper().startswith((b"CHARSET", b"AXIS-VERSION", b"CODEPAGE")):
        return "px"
    return "text"


def _read_file(path: Path, source_file: str, domain: Domain) -> list[_SheetOutcome]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            source_file, f"tiedostoa ei voitu lukea ({exc.strerror})", "Tarkista tiedoston oikeudet."
        ) from exc
    if not data.strip():
        raise InputFileError(source_file, "tiedosto on tyhjä", FIX_DOWNLOAD)
    sha = file_sha256(path)
    kind = _sniff_kind(data)
    if kind == "xls":
        raise InputFileError(
            source_file, "tiedosto on vanhaa Excel-muotoa (.xls)", "Tallenna tiedosto Excelissä muodossa .xlsx."
        )
    if kind == "px":
        raise InputFileError(
            source_file,
            "PC-Axis-muotoista (.px) tiedostoa ei lueta",
            "Lataa taulukko PxWeb-palvelusta uudelleen muodossa CSV, XLSX tai JSON-stat2.",
        )
    if kind == "json":
        return [_read_json_file(data, source_file, sha, domain)]
    if kind == "xlsx":
        if path.suffix.lower() != ".xlsx":
            raise InputFileError(
                source_file,
                f"tiedosto on Excel-työkirja, mutta sen pääte on '{path.suffix}'",
                "Nimeä tiedosto uudelleen niin, että sen pääte on .xlsx.",
            )
        sheets = read_xlsx_grids(path)
    else:
        sheets = [read_csv_grid(path)]

    outcomes: list[_SheetOutcome] = []
    problems: list[str] = []
    for sheet in sheets:
        out = _SheetOutcome(source_file, sheet.name, sha)
        try:
            _read_grid(sheet, out, domain)
        except _NoTable as exc:
            problems.append(str(exc))
            # A sheet without the table (e.g. notes) in a workbook whose other sheet has it.
            out = _SheetOutcome(source_file, sheet.name, sha)
            for number, cells in sheet.rows:
                out.skip(number, "blank" if _is_blank_row(cells) else "title")
        outcomes.append(out)
    if len(problems) == len(sheets):
        raise InputFileError(
            source_file, f"tiedostosta ei löytynyt väestötaulukkoa: {problems[0]}", FIX_DOWNLOAD
        )
    return outcomes


def _read_json_file(data: bytes, source_file: str, sha: str, domain: Domain) -> _SheetOutcome:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            source_file,
            f"JSON-tiedosto on rikki ({exc})",
            "Hae tiedosto uudelleen tai tallenna se merkistöllä UTF-8.",
        ) from exc
    try:
        cube = _cube_from_json(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputFileError(
            source_file, f"JSON-tiedostosta ei löytynyt väestötaulukkoa ({exc})", FIX_DOWNLOAD
        ) from exc
    out = _SheetOutcome(source_file, "", sha)
    try:
        _read_cube(cube, out, domain)
    except _NoTable as exc:
        raise InputFileError(source_file, f"tiedostosta ei löytynyt väestötaulukkoa: {exc}", FIX_DOWNLOAD) from exc
    return out


def _resolve_duplicates(outcomes: list[_SheetOutcome]) -> list[_SheetOutcome]:
    """The first reading of a (year, area) wins; a later equal one is skipped, a different one rejected."""
    seen: dict[tuple[int, str], tuple[_Record, _SheetOutcome]] = {}
    resolved = []
    for out in outcomes:
        kept = _SheetOutcome(
            out.source_file, out.sheet, out.sha256, out.rows_read, [], list(out.rejected), list(out.skipped)
        )
        for record in out.records:
            key = (record.year, record.area_code)
            if key not in seen:
                seen[key] = (record, out)
                kept.records.append(record)
                continue
            first, first_out = seen[key]
            if first.population == record.population:
                kept.skipped.append(
                    {"dataset": DATASET, "source_file": out.source_file, "sheet": out.sheet,
                     "source_row": record.source_row, "kind": "duplicate"}
                )
                continue
            where = first_out.source_file + (f", taulukko {first_out.sheet}" if first_out.sheet else "")
            kept.rejected.append(
                {
                    "dataset": DATASET, "source_file": out.source_file, "sheet": out.sheet,
                    "source_row": record.source_row, "column": record.column, "value": str(record.population),
                    "reason": (
                        f"ristiriita: {record.area_name} {record.year} väkiluku on tässä {record.population}, "
                        f"mutta tiedostossa {where} (rivi {first.source_row}) {first.population}; "
                        "tarkista kumpi on oikein ja poista virheellinen tiedosto"
                    ),
                }
            )
        kept.skipped.sort(key=lambda entry: entry["source_row"])  # stable: cells of a row keep their order
        kept.rejected.sort(key=lambda entry: entry["source_row"])
        resolved.append(kept)
    return resolved


def _frame(rows: list[dict[str, object]], columns: list[str], ints: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({c: ("int64" if c in ints else "str") for c in columns})


def clean_population(paths: list[Path], layout: Layout, domain: Domain | None = None) -> CleaningResult:
    """Read population exports (in the order given) into one row per (year, area).

    Raises InputFileError (Finnish) for a file with no recognisable population table."""
    domain = domain or load_domain()
    outcomes: list[_SheetOutcome] = []
    for path in paths:
        outcomes.extend(_read_file(path, layout.relative_to_data(path), domain))
    outcomes = _resolve_duplicates(outcomes)

    accounts: list[FileAccount] = [
        account_for(
            dataset=DATASET, source_file=out.source_file, sheet=out.sheet, sha256=out.sha256,
            rows_read=out.rows_read, cleaned=len(out.records), rejected=len(out.rejected), skipped=len(out.skipped),
        )
        for out in outcomes
    ]
    order = {code: rank for rank, code in enumerate(domain.area_codes)}
    cleaned_rows = [
        {
            "year": r.year, "area_code": r.area_code, "area_name": r.area_name, "population": r.population,
            "source_file": out.source_file, "sheet": out.sheet, "source_row": r.source_row,
        }
        for out in outcomes
        for r in out.records
    ]
    cleaned_rows.sort(key=lambda r: (r["year"], order.get(str(r["area_code"]), len(order))))
    return CleaningResult(
        cleaned=_frame(cleaned_rows, CLEANED_COLUMNS, ("year", "population", "source_row")),
        rejected=_frame([r for o in outcomes for r in o.rejected], REJECTED_COLUMNS, ("source_row",)),
        skipped=_frame([s for o in outcomes for s in o.skipped], SKIPPED_COLUMNS, ("source_row",)),
        accounts=accounts,
    )
