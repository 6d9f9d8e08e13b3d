"""Processed data (I/O edge): the canonical tables everything downstream reads."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kainuu_metrics.datasets.accounting import CleaningResult, FileAccount
from kainuu_metrics.indicators.catalogue import Catalogue
from kainuu_metrics.indicators.table import read_indicators

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from kainuu_metrics.settings import Domain

INDICATORS_CSV = "indicators.csv"  # for programs: ',' separator, '.' decimals
INDICATORS_EXCEL_CSV = "indicators_excel.csv"  # for Excel users: ';' separator, decimal comma, BOM
INDICATORS_XLSX = "indicators.xlsx"  # for analysts: Finnish sheets per topic, see report/workbook.py
# Workbook properties and zip entry times are pinned so that a rerun on the same inputs writes
# the same bytes (a date before 1980 cannot be stored in a zip entry).
WORKBOOK_TIME = dt.datetime(2000, 1, 1)


@dataclass(frozen=True)
class Processed:
    """What notebooks read: cleaned tables and indicators of one data folder."""

    grants: pd.DataFrame
    population: pd.DataFrame
    denominators: pd.DataFrame
    indicators: pd.DataFrame
    tables: dict[str, pd.DataFrame]  # every parquet table by name


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run in a spreadsheet: a text value that starts like a
    formula (=, +, -, @, tab, carriage return) gets a leading apostrophe (OWASP's CSV-injection
    rule). Numbers stay numbers. Column names are text cells too (a chart's axis title).

    >>> formula_safe(pd.DataFrame({"a": ["=1+1", "-x", "ok"], "n": [-5, 2, 3]})).to_dict("list")
    {'a': ["'=1+1", "'-x", 'ok'], 'n': [-5, 2, 3]}
    >>> list(formula_safe(pd.DataFrame({"@x": [1]})).columns)
    ["'@x"]
    """
    out = frame.copy()
    out.columns = [f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in out.columns]
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # text as categories: the categories are the values
            if not any(isinstance(c, str) and c.startswith(FORMULA_STARTS) for c in values.cat.categories):
                continue
            values = out[column] = values.astype(object)
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            if not pd.api.types.is_object_dtype(values) and not values.str.startswith(FORMULA_STARTS).fillna(False).any():
                continue  # a text column with nothing to escape: the same column (vectorised test, no per-cell call)
            out[column] = values.map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV that Finnish Excel opens correctly (UTF-8 with BOM, ';' separator) and safely."""
    path.parent.mkdir(parents=True, exist_ok=True)
    formula_safe(frame).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


def write_columnar_csv(frame: pd.DataFrame, path: Path) -> Path:
    """write_csv's dialect (';', UTF-8 with BOM, formula-safe) for a large table whose columns
    are text and numbers only (a million lines of lineage), written by pyarrow: about ten times
    faster than pandas. Every text value is quoted, and a whole float is written without its
    '.0'; readers parse both the same."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(formula_safe(frame), preserve_index=False)
    with path.open("wb") as out:
        out.write("\ufeff".encode())
        pa_csv.write_csv(table, out, write_options=pa_csv.WriteOptions(delimiter=";"))
    return path


def csv_bytes(frame: pd.DataFrame, decimal: str = ".") -> bytes:
    """The bytes write_csv would write (';', UTF-8 with BOM, formula-safe), for a download
    link; decimal="," for figures that Finnish Excel should read as numbers."""
    return formula_safe(frame).to_csv(sep=";", decimal=decimal, index=False).encode("utf-8-sig")


# --- XLSX: every cell written by put_cell, every workbook saved by workbook_bytes ---------------


def put_cell(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None) -> None:
    """One formula-safe cell: a number stays a number, any text is a text cell that Excel never
    evaluates (openpyxl would store a string starting with '=' as a formula); text that starts
    like a formula (=, +, -, @) also gets Excel's quote prefix, the apostrophe Excel itself adds
    when a user types '=x, so that editing the cell keeps it text. Missing values leave the cell
    empty."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or value is pd.NA:
        return
    cell = ws.cell(row=row, column=column)
    if isinstance(value, bool):
        cell.value = "kyllä" if value else "ei"
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        text = str(value)
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    if number_format and cell.data_type == "n":
        cell.number_format = number_format


WIDTH_MIN, WIDTH_MAX = 8, 60  # characters


def write_table(ws: Worksheet, frame: pd.DataFrame, number_formats: dict[str, str | Sequence[str]] | None = None) -> None:
    """`frame` as a table on `ws` from A1: a bold header row that stays frozen, an autofilter,
    widths fitted to the contents (8-60 characters) and each numeric column's number format
    (one code for the column, or one per row)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    formats = number_formats or {}
    for c, name in enumerate(frame.columns, start=1):
        put_cell(ws, 1, c, str(name))
        ws.cell(row=1, column=c).font = Font(bold=True)
        ws.cell(row=1, column=c).alignment = Alignment(vertical="top", wrap_text=True)
    for c, name in enumerate(frame.columns, start=1):
        column_format = formats.get(name)
        values = frame[name].tolist()
        for r, value in enumerate(values, start=2):
            code = column_format if isinstance(column_format, str) or column_format is None else column_format[r - 2]
            put_cell(ws, r, c, value.item() if hasattr(value, "item") else value, code)
        longest = max([len(str(name))] + [len(_shown(v)) for v in values])
        ws.column_dimensions[get_column_letter(c)].width = min(WIDTH_MAX, max(WIDTH_MIN, longest + 2))
    ws.freeze_panes = "A2"
    last = get_column_letter(max(1, len(frame.columns)))
    ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"


def _shown(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"  # about as wide as Excel shows it
    return str(value)


class _PinnedZip(zipfile.ZipFile):
    """A new zip whose every entry has the time `when` and mode 0600, for openpyxl's
    ExcelWriter to write a workbook into (it calls writestr, and write for each sheet)."""

    def __init__(self, file: io.BytesIO, when: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._when = when.timetuple()[:6]

    def writestr(self, name, data, *args, **kwargs) -> None:  # type: ignore[override]
        entry = zipfile.ZipInfo(name.filename if isinstance(name, zipfile.ZipInfo) else name, date_time=self._when)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o600 << 16
        super().writestr(entry, data)

    def write(self, filename, arcname=None, *args, **kwargs) -> None:  # type: ignore[override]
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def workbook_bytes(workbook: Workbook, when: dt.datetime | None = None) -> bytes:
    """The workbook as .xlsx bytes that depend only on its contents and `when` (default
    WORKBOOK_TIME): the created and modified properties and every zip entry's time are `when`
    (written once, straight into a zip that pins them; openpyxl's own save stamps the clock)."""
    from openpyxl.writer.excel import ExcelWriter

    when = (when or WORKBOOK_TIME).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = workbook.properties.modified = when
    workbook.properties.creator = "kainuu-metrics"
    out = io.BytesIO()
    ExcelWriter(workbook, _PinnedZip(out, when)).save()
    return out.getvalue()


def write_workbook(workbook: Workbook, path: Path, when: dt.datetime | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(workbook, when))
    return path


def write_xlsx(frame: pd.DataFrame, path: Path, sheet_name: str = "rivit", when: dt.datetime | None = None) -> Path:
    """The same table as an Excel workbook, as safely as write_csv (every cell by put_cell) and
    with the same bytes on a rerun (write_workbook)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = sheet_name
    write_table(workbook.active, frame)
    return write_workbook(workbook, path, when)


def accounts_frame(accounts: list[FileAccount], file_years: dict[str, int | None] | None = None) -> pd.DataFrame:
    """The row account of every sheet of every input file, with the file's date as a year
    (`file_year`: which years' pages it may feed)."""
    years = file_years or {}
    return pd.DataFrame(
        [{**a.__dict__, "balanced": a.balanced, "file_year": years.get(a.source_file)} for a in accounts],
        columns=["dataset", "source_file", "sheet", "sha256", "rows_read", "cleaned", "rejected", "skipped", "balanced", "file_year"],
    ).astype({"file_year": "Int64"})


def write_cleaning(processed: Path, name: str, result: CleaningResult) -> None:
    """The cleaned table as Parquet; rejected, skipped and flagged rows as CSV for auditors."""
    processed.mkdir(parents=True, exist_ok=True)
    result.cleaned.to_parquet(processed / f"{name}.parquet", index=False)
    write_csv(result.rejected, processed / "rejected" / f"{name}.csv")
    write_csv(result.skipped, processed / "skipped" / f"{name}.csv")
    write_csv(result.flagged, processed / "flagged" / f"{name}.csv")


def write_indicators(
    processed: Path,
    indicators: pd.DataFrame,
    catalogue: Catalogue | None = None,
    domain: Domain | None = None,
    run_summary: list[tuple[str, str]] | None = None,
    when: dt.datetime | None = None,
) -> Path:
    """indicators.csv (plain, machine-readable: ',' separator, '.' decimals), indicators_excel.csv
    (';', decimal comma, BOM) and indicators.xlsx, the analysts' workbook (report/workbook.py:
    Finnish names, units and method notes from the catalogue, municipality names from `domain`,
    the run's summary on its "Lue minut" sheet when given)."""
    from kainuu_metrics.report.workbook import indicator_workbook

    processed.mkdir(parents=True, exist_ok=True)
    path = processed / INDICATORS_CSV
    formula_safe(indicators).to_csv(path, index=False, encoding="utf-8")
    # The same for Finnish Excel, which expects ';' and a decimal comma (and a BOM for UTF-8).
    formula_safe(indicators).to_csv(processed / INDICATORS_EXCEL_CSV, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    write_workbook(indicator_workbook(indicators, catalogue, domain, run_summary), processed / INDICATORS_XLSX, when)
    return path


def load_processed(data_dir: str | Path) -> Processed:
    processed = Path(data_dir) / "processed"
    tables = {p.stem: pd.read_parquet(p) for p in sorted(processed.glob("*.parquet"))}
    empty = pd.DataFrame()
    return Processed(
        grants=tables.get("grants", empty),
        population=tables.get("population", empty),
        denominators=tables.get("denominators", empty),
        indicators=read_indicators(processed / INDICATORS_CSV),
        tables=tables,
    )
