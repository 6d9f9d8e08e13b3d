"""Reading raw files (I/O edge): CSV in any encoding and separator, XLSX, into raw grids.

A raw grid keeps every physical row with its 1-based row number so that every later step can
say which row of which file a value came from."""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree
from dataclasses import dataclass
from pathlib import Path

from kainuu_metrics.errors import InputFileError

TABULAR_SUFFIXES = {".csv", ".xlsx", ".xlsm", ".txt"}  # .xlsm: read as data; no macro ever runs
_YEAR_IN_PATH = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class RawSheet:
    """One sheet (or a whole CSV file) as rows of cell values with their row numbers."""

    name: str
    rows: tuple[tuple[int, tuple[object, ...]], ...]
    hidden: bool = False  # a hidden or very hidden workbook sheet: not data (often a backup copy)


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or Windows-1252/ISO-8859-1, detected, never assumed."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(
        path,
        "tiedoston merkistöä ei tunnistettu (ei UTF-8 eikä Windows-1252)",
        "Tallenna tiedosto uudelleen CSV-muodossa merkistöllä UTF-8.",
    )


def sniff_separator(text: str) -> str:
    """The separator used by most of the first lines: ';', ',' or a tab."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ",", -1
    for candidate in (";", ",", "\t"):
        counts = []
        for line in lines:
            try:
                counts.append(len(next(csv.reader([line], delimiter=candidate))) - 1)
            except (csv.Error, StopIteration):
                counts.append(0)
        score = sum(1 for c in counts if c > 0) * 1000 + max(counts, default=0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_csv_grid(path: Path) -> RawSheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"tiedostoa ei voitu lukea ({exc.strerror})", "Tarkista tiedoston oikeudet.") from exc
    text = decode_text(data, path)
    separator = sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[tuple[int, tuple[object, ...]]] = []
    texts: dict[str, str] = {}  # one object per distinct text, as in _row
    try:
        for record in reader:
            rows.append((reader.line_num, tuple([texts.setdefault(c, c) for c in record])))
    except csv.Error as exc:
        raise InputFileError(
            path, f"CSV-tiedosto on rikki ({exc})", "Tarkista lainausmerkit ja tallenna tiedosto uudelleen.",
            row=reader.line_num,
        ) from exc
    # csv.reader's line_num is the last physical line of a record; rows start at 1.
    renumbered = _renumber(rows)
    if (opened := unclosed_quote_line(renumbered, separator, physical_lines(text))) is not None:
        raise InputFileError(
            path,
            f"lainausmerkki jää sulkematta: rivillä {opened} alkava lainaus nielaisee seuraavat rivit yhdeksi soluksi "
            f"(tiedostossa {physical_lines(text)} riviä, luettavia rivejä {len(renumbered)})",
            f'Lisää puuttuva lainausmerkki (") rivin {opened} solun loppuun tai poista avaava lainausmerkki, '
            "ja tallenna tiedosto uudelleen; muuten rivejä jäisi laskematta.",
            row=opened,
        )
    return RawSheet(name="", rows=renumbered)


def physical_lines(text: str) -> int:
    """Lines as an editor shows them (a last line without a line break counts; \r\n is one break)."""
    return len(io.StringIO(text, newline=None).readlines())


def unclosed_quote_line(rows: tuple[tuple[int, tuple[object, ...]], ...], separator: str, lines: int) -> int | None:
    """The physical line where a quote opens that swallows the following lines, or None.

    A record may legitimately span lines (a quoted cell with a line break in it). It is taken as
    an unclosed quote when the quoted cell's later lines hold the separator (whole rows were
    swallowed) or when the cell runs to the end of the file with its line break (a quote opened
    on the last line)."""
    for index, (start, cells) in enumerate(rows):
        last = index + 1 == len(rows)
        end = rows[index + 1][0] - 1 if not last else lines
        if end <= start and not last:
            continue
        line = start
        for cell in cells:
            text = str(cell)
            if "\n" in text or "\r" in text:
                rest = text.split("\n", 1)[-1] if "\n" in text else text.split("\r", 1)[-1]
                if separator in rest or (last and text.endswith(("\n", "\r"))):
                    return line
            line += text.count("\n") or text.count("\r")
    return None


def _renumber(rows: list[tuple[int, tuple[object, ...]]]) -> tuple[tuple[int, tuple[object, ...]], ...]:
    """Record numbers as the first physical line of each record."""
    renumbered = []
    previous_end = 0
    for end_line, cells in rows:
        renumbered.append((previous_end + 1, cells))
        previous_end = end_line
    return tuple(renumbered)


def read_xlsx_grids(path: Path) -> list[RawSheet]:
    """Every sheet (hidden ones too) with cell values as Excel shows them: text, numbers
    (whole numbers as int, like openpyxl), dates. Read with calamine: many times faster than
    openpyxl, which stays the writer."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        hidden = {m.name for m in workbook.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
        sheets = []
        unreadable = unreadable_cells(path)
        for name in workbook.sheet_names:
            sheet, written = workbook.get_sheet_by_name(name), unreadable.get(name, {})
            if written or sheet.start not in (None, (0, 0)):
                grid = _with_unreadable(sheet.to_python(skip_empty_area=False), written)
            else:  # from A1 the rows are the same one by one: a large sheet's grid is never built whole
                grid = sheet.iter_rows()
            texts: dict[str, str] = {}
            rows = tuple((number, _row(cells, texts)) for number, cells in enumerate(grid, start=1))
            del grid, sheet  # the raw grid is not kept beside the rows
            sheets.append(RawSheet(name=name, rows=_trim_trailing_blank(rows), hidden=name in hidden))
    except (CalamineError, OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise InputFileError(
            path,
            f"Excel-tiedostoa ei voitu avata ({type(exc).__name__})",
            "Avaa tiedosto Excelissä ja tallenna se uudelleen .xlsx-muodossa.",
        ) from exc
    return sheets


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def unreadable_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Cells whose value a reader would show as empty although the file does not say so: error
    values (#DIV/0!, #REF!, ...) and formulas saved without their computed value. Per sheet name,
    (row, column) 1-based -> the error text, or "=" + the formula. calamine reads both as empty
    cells, and an empty amount must never stand for an error."""
    with zipfile.ZipFile(path) as book:
        names = set(book.namelist())
        if "xl/workbook.xml" not in names:
            return {}
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels")):
                target = rel.get("Target", "")
                rels[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        found: dict[str, dict[tuple[int, int], str]] = {}
        for sheet in ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{_MAIN}sheet"):
            member = rels.get(sheet.get(_REL))
            if member not in names:
                continue
            if not _may_hold_unreadable(book, member):
                continue
            data = book.read(member)
            cells = {}
            for cell in ElementTree.fromstring(data).iter(f"{_MAIN}c"):
                value, formula = cell.find(f"{_MAIN}v"), cell.find(f"{_MAIN}f")
                if cell.get("t") == "e":
                    text = (value.text if value is not None else None) or "#VIRHE"
                elif formula is not None and (value is None or not value.text):
                    text = "=" + (formula.text or "")
                else:
                    continue
                match = _CELL_REF.match(cell.get("r", ""))
                if match:
                    column = 0
                    for letter in match.group(1):
                        column = column * 26 + ord(letter) - 64
                    cells[(int(match.group(2)), column)] = text
            if cells:
                found[sheet.get("name", "")] = cells
    return found


_MARKERS = (b't="e"', b"<f")


def _may_hold_unreadable(book: zipfile.ZipFile, member: str, chunk: int = 1 << 20) -> bool:
    """Whether a sheet's XML holds an error cell or a formula at all, read in chunks (a sheet of
    100 000 rows is tens of megabytes of XML; it is parsed only when the answer is yes)."""
    overlap = max(len(m) for m in _MARKERS) - 1
    tail = b""
    with book.open(member) as handle:
        while block := handle.read(chunk):
            window = tail + block
            if any(m in window for m in _MARKERS):
                return True
            tail = window[-overlap:]
    return False


def _with_unreadable(grid: list[list[object]], cells: dict[tuple[int, int], str]) -> list[list[object]]:
    """The grid with error and uncomputed-formula cells written in (row and column 1-based)."""
    if not cells:
        return grid
    grid = [list(row) for row in grid]
    for (row, column), text in cells.items():
        while len(grid) < row:
            grid.append([])
        if len(grid[row - 1]) < column:
            grid[row - 1].extend([""] * (column - len(grid[row - 1])))
        if grid[row - 1][column - 1] in ("", None):
            grid[row - 1][column - 1] = text
    return grid


def _row(cells: list[object], texts: dict[str, str]) -> tuple[object, ...]:
    """_cell of every cell (inlined: this runs for every cell of a workbook), each text as the
    first equal text of the sheet (`texts`): an export repeats its names, types and dates, and
    one object each instead of one per cell is most of a large sheet's memory."""
    return tuple([None if c == "" else texts.setdefault(c, c) if type(c) is str else int(c) if type(c) is float and c.is_integer() else c
                  for c in cells])


def _cell(value: object) -> object:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _trim_trailing_blank(rows: tuple) -> tuple:
    """openpyxl may report formatted but empty rows after the data; they are not rows read."""
    end = len(rows)
    while end and all(c is None or (isinstance(c, str) and not c.strip()) for c in rows[end - 1][1]):
        end -= 1
    return rows[:end]


def read_grids(path: Path) -> list[RawSheet]:
    """Every sheet of a CSV or XLSX file as raw grids."""
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        return [read_csv_grid(path)]
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx_grids(path)
    raise InputFileError(
        path,
        f"tiedostomuotoa '{suffix}' ei tueta",
        "Tallenna tiedosto muodossa .xlsx tai .csv.",
    )


def list_raw_files(folder: Path, suffixes: set[str] = TABULAR_SUFFIXES) -> list[Path]:
    """Data files in a raw folder, sorted; README files and Office lock files left out."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in suffixes
        and not p.name.startswith(("~$", "."))
        and p.stem.upper() != "README"
    )


def year_in_path(path: str) -> int | None:
    """The latest four-digit year in a file's path (its name or folder), or None.

    >>> year_in_path("raw/experience/rekisteri_2025.xlsx"), year_in_path("raw/tuokio/12.11.2025/a.xlsx"), year_in_path("x.csv")
    (2025, 2025, None)
    """
    years = [int(y) for y in _YEAR_IN_PATH.findall(path)]
    return max(years) if years else None
