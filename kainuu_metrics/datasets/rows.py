"""Row-level cleaning shared by the cleaners: a problem that rejects a row, value parsing that
says how to fix a bad value, and the assembly of one sheet's result with its row account."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import FLAGGED_COLUMNS, REJECTED_COLUMNS, SKIPPED_COLUMNS, CleaningResult, account_for, combine, file_sha256
from kainuu_metrics.settings import normalise_key
from kainuu_metrics.paths import Layout
from kainuu_metrics.datasets.readers import RawSheet, read_grids
from kainuu_metrics.datasets.tabular import MappedSheet


class RowProblem(Exception):
    """A value that makes a row unusable; carries the canonical column and a Finnish reason."""

    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(reason)


# Terminal escape sequences, control characters (NUL, bell, ...) and invisible zero-width ones.
_UNPRINTABLE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def has_unprintable(value: object) -> bool:
    """Whether a text cell holds control, escape or zero-width characters (stripped by clean_text)."""
    return isinstance(value, str) and _UNPRINTABLE.search(value) is not None


def clean_text(value: object) -> str | None:
    """Trimmed text with inner whitespace collapsed and control, escape and zero-width characters
    removed; None for a blank cell.

    >>> clean_text("  Kerho" + chr(0) + " ry" + chr(0x200B) + " "), clean_text(chr(27) + "[31mPunainen" + chr(27) + "[0m ry")
    ('Kerho ry', 'Punainen ry')
    """
    if parsing.is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(_UNPRINTABLE.sub("", str(value)).split())
    return text or None


def parse_value(column: str, parser: Callable[[object], Any], value: object, fixes: dict[str, str]) -> Any:
    """parser(value), or a RowProblem whose reason ends with how to fix the value."""
    try:
        return parser(value)
    except ValueError as exc:
        raise RowProblem(column, f"{exc}. {fixes.get(column, '')}".strip()) from None


def lookup_alias(value: object, table: dict[str, str], column: str, what: str, where: str) -> str | None:
    """The canonical name of a spelling; an unknown one names the configuration to extend."""
    if parsing.is_blank(value):
        return None
    found = table.get(normalise_key(str(value)))
    if found is None:
        raise RowProblem(column, f"tuntematon {what} '{value}'. Lisää kirjoitusasu tiedostoon {where}")
    return found


def map_distinct(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """values.map(fn) with fn called once per distinct value (fn must be pure; the values of one
    type, e.g. text: 1, 1.0 and True would be one value); a missing value (None, NaN) is passed
    to fn as it is, each time, as Series.map does.

    >>> calls = []
    >>> map_distinct(pd.Series(["a", "b", "a", None], dtype=object), lambda v: calls.append(v) or str(v).upper()).tolist(), len(calls)
    (['A', 'B', 'A', 'NONE'], 3)
    """
    codes, uniques = pd.factorize(values)
    mapped = [fn(u) for u in uniques]
    raw = values.tolist()
    result = pd.Series([mapped[c] if c >= 0 else fn(raw[i]) for i, c in enumerate(codes)], index=values.index, dtype=object)
    return result.infer_objects() if len(result) else result


def records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of frame.to_dict("records"), one at a time (not all dicts alive at once) and
    without pandas' per-cell boxing (numeric columns give Python numbers through tolist())."""
    columns = list(frame.columns)
    if not columns:
        return iter([{} for _ in range(len(frame))])
    return (dict(zip(columns, row)) for row in zip(*(frame[c].tolist() for c in columns)))


def cell_text(value: object) -> str:
    """A raw cell as users read it in the file (dates as d.m.yyyy), for rejected-row lists."""
    if parsing.is_blank(value):
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.day}.{value.month}.{value.year}"
    return str(value)


class SheetLedger:
    """The one way a cleaner records what became of each row of one sheet: kept (with
    provenance), rejected (one line per problem, with a Finnish reason), or skipped (with its
    kind). `result()` gives the sheet's CleaningResult with its balanced row account."""

    def __init__(self, *, dataset: str, source_file: str, sheet: str, sha256: str, rows_read: int,
                 labels: dict[str, str] | None = None, per_entry: bool = False) -> None:
        self.dataset, self.source_file, self.sheet, self.sha256 = dataset, source_file, sheet, sha256
        self.rows_read = rows_read
        self.per_entry = per_entry  # one entry is one unit (a value cell of a wide table), not one source row
        self.labels = labels or {}
        self.kept: list[dict[str, Any]] = []
        self.rejected: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []
        self.kept_columns: dict[str, list[Any]] | None = None  # rows kept at once, column-wise (keep_columns)

    def keep(self, source_row: int, values: dict[str, Any]) -> None:
        self.kept.append({**values, "source_file": self.source_file, "sheet": self.sheet, "source_row": source_row})

    def keep_columns(self, values: dict[str, list[Any]], source_rows: list[int]) -> None:
        """Keep many rows at once, given column-wise in row order (instead of keep, row by row)."""
        if self.kept:
            raise AssertionError("keep_columns: rows were already kept one by one")
        if source_rows:
            count = len(source_rows)
            self.kept_columns = {**values, "source_file": [self.source_file] * count, "sheet": [self.sheet] * count, "source_row": source_rows}

    def reject(self, source_row: int, problems: list[RowProblem], record: dict[str, Any], *, shown: Callable[[str, object], str] | None = None) -> None:
        """One line per problem; `shown(column, raw)` may mask a value (personal data)."""
        for problem in problems:
            raw = record.get(problem.column)
            self.reject_cell(source_row, self.labels.get(problem.column, problem.column), shown(problem.column, raw) if shown else cell_text(raw), problem.reason)

    def reject_cell(self, source_row: int, column: str, value: str, reason: str) -> None:
        self.rejected.append(
            {"dataset": self.dataset, "source_file": self.source_file, "sheet": self.sheet, "source_row": source_row,
             "column": column, "value": value, "reason": reason}
        )

    def skip(self, source_row: int, kind: str) -> None:
        self.skipped.append({"dataset": self.dataset, "source_file": self.source_file, "sheet": self.sheet, "source_row": source_row, "kind": kind})

    def result(self, columns: list[str] | None = None) -> CleaningResult:
        rejected = pd.DataFrame(self.rejected, columns=REJECTED_COLUMNS)
        if self.per_entry:
            cleaned_count, rejected_count = len(self.kept), len(self.rejected)
        else:
            kept_rows = set(self.kept_columns["source_row"]) if self.kept_columns else {row["source_row"] for row in self.kept}
            cleaned_count, rejected_count = len(kept_rows), len(set(rejected["source_row"]) - kept_rows)
        account = account_for(
            dataset=self.dataset, source_file=self.source_file, sheet=self.sheet, sha256=self.sha256,
            rows_read=self.rows_read, cleaned=cleaned_count, rejected=rejected_count, skipped=len(self.skipped),
        )
        kept = self.kept_columns or self.kept
        cleaned = pd.DataFrame(kept, columns=columns) if columns else pd.DataFrame(kept)
        return CleaningResult(cleaned=cleaned, rejected=rejected, skipped=pd.DataFrame(self.skipped, columns=SKIPPED_COLUMNS), accounts=[account])


def _sheet_ledger(mapped: MappedSheet, *, labels: dict[str, str], dataset: str, source_file: str, sheet: RawSheet,
                  sha256: str) -> SheetLedger:
    """The sheet's ledger with the mapped sheet's skipped rows (title, header, totals ...) entered."""
    ledger = SheetLedger(dataset=dataset, source_file=source_file, sheet=sheet.name, sha256=sha256, rows_read=len(sheet.rows), labels=labels)
    for number, kind in mapped.skipped:
        ledger.skip(number, kind)
    return ledger


def clean_sheet_records(
    mapped: MappedSheet,
    *,
    clean_record: Callable[[dict[str, Any]], tuple[dict[str, Any], list[RowProblem]]],
    labels: dict[str, str],
    dataset: str,
    source_file: str,
    sheet: RawSheet,
    sha256: str,
) -> CleaningResult:
    """Clean every record of a mapped sheet: kept rows with provenance, rejected lines with
    reasons, skipped rows, and the sheet's balanced row account."""
    ledger = _sheet_ledger(mapped, labels=labels, dataset=dataset, source_file=source_file, sheet=sheet, sha256=sha256)
    for record in records(mapped.records):
        values, problems = clean_record(record)
        if problems:
            ledger.reject(record["source_row"], problems, record)
        else:
            ledger.keep(record["source_row"], values)
    return ledger.result()


def clean_sheet_columns(
    mapped: MappedSheet,
    *,
    values: dict[str, list[Any]],
    problems: dict[int, list[RowProblem]],
    labels: dict[str, str],
    dataset: str,
    source_file: str,
    sheet: RawSheet,
    sha256: str,
) -> CleaningResult:
    """clean_sheet_records for a cleaner that cleans column-wise: `values` the canonical values
    of every record of the mapped sheet (column -> list in record order), `problems` the
    problems of each rejected record by its position. Same result, without a dict per row."""
    ledger = _sheet_ledger(mapped, labels=labels, dataset=dataset, source_file=source_file, sheet=sheet, sha256=sha256)
    source_rows = mapped.records["source_row"].tolist()
    for i in sorted(problems):
        record = dict(zip(mapped.records.columns, mapped.records.iloc[i].tolist()))
        ledger.reject(record["source_row"], problems[i], record)
    if problems:
        kept = [i for i in range(len(source_rows)) if i not in problems]
        values, source_rows = {c: [v[i] for i in kept] for c, v in values.items()}, [source_rows[i] for i in kept]
    ledger.keep_columns(values, source_rows)
    return ledger.result()


def hidden_sheet_result(sheet: RawSheet, *, dataset: str, source_file: str, sha256: str) -> CleaningResult:
    """A hidden workbook sheet is not data: every row of it is skipped, counted, with its reason."""
    ledger = SheetLedger(dataset=dataset, source_file=source_file, sheet=sheet.name, sha256=sha256, rows_read=len(sheet.rows))
    for number, _ in sheet.rows:
        ledger.skip(number, "hidden_sheet")
    return ledger.result()


def clean_files(
    paths: list[Path], layout: Layout, clean_sheet: Callable[[RawSheet, str, str], CleaningResult], *, dataset: str
) -> CleaningResult:
    """Every non-empty sheet of every file through `clean_sheet(sheet, source_file, sha256)`,
    combined (a hidden sheet's rows are skipped); source_file is the path as users see it."""
    results = []
    for path in paths:
        source_file, sha256 = layout.relative_to_data(path), file_sha256(path)
        for sheet in read_grids(path):
            if sheet.hidden and sheet.rows:
                results.append(hidden_sheet_result(sheet, dataset=dataset, source_file=source_file, sha256=sha256))
            elif sheet.rows:
                results.append(clean_sheet(sheet, source_file, sha256))
    return combine(results)


def flag_lines(
    table: pd.DataFrame,
    reasons: dict[str, str],
    *,
    dataset: str,
    describe: Callable[[Any], str],
    year_of: Callable[[Any], object] = lambda row: row.year,
) -> pd.DataFrame:
    """One line per flag raised on a kept row (flag column -> Finnish reason), for the quality page."""
    lines = [
        {
            "dataset": dataset,
            "source_file": row.source_file,
            "sheet": row.sheet,
            "source_row": row.source_row,
            "year": year_of(row),
            "flag": flag,
            "reason": f"{reason} ({describe(row)})",
        }
        for flag, reason in reasons.items()
        for row in table.loc[table[flag]].itertuples()
    ]
    return pd.DataFrame(lines, columns=FLAGGED_COLUMNS)
