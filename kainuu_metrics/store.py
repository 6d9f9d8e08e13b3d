"""Processed data (I/O edge): the canonical tables everything downstream reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kainuu_metrics.datasets.accounting import CleaningResult, FileAccount
from kainuu_metrics.indicators.catalogue import Catalogue
from kainuu_metrics.indicators.table import read_indicators

INDICATORS_CSV = "indicators.csv"  # for programs: ',' separator, '.' decimals
INDICATORS_EXCEL_CSV = "indicators_excel.csv"  # for Excel users: ';' separator, decimal comma, BOM


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
    rule). Numbers stay numbers.

    >>> formula_safe(pd.DataFrame({"a": ["=1+1", "-x", "ok"], "n": [-5, 2, 3]})).to_dict("list")
    {'a': ["'=1+1", "'-x", 'ok'], 'n': [-5, 2, 3]}
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV that Finnish Excel opens correctly (UTF-8 with BOM, ';' separator) and safely."""
    path.parent.mkdir(parents=True, exist_ok=True)
    formula_safe(frame).to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


def write_xlsx(frame: pd.DataFrame, path: Path, sheet_name: str = "rivit") -> Path:
    """The same table as an Excel workbook, as safely as write_csv (formula_safe)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    formula_safe(frame).to_excel(path, index=False, sheet_name=sheet_name)
    return path


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


def write_indicators(processed: Path, indicators: pd.DataFrame, catalogue: Catalogue | None = None) -> Path:
    """indicators.csv (plain, machine-readable: ',' separator, '.' decimals), indicators_excel.csv
    (';', decimal comma, BOM) and the same as .xlsx with each indicator's Finnish name and unit
    from the catalogue."""
    processed.mkdir(parents=True, exist_ok=True)
    path = processed / INDICATORS_CSV
    formula_safe(indicators).to_csv(path, index=False, encoding="utf-8")
    # The same for Finnish Excel, which expects ';' and a decimal comma (and a BOM for UTF-8).
    formula_safe(indicators).to_csv(processed / INDICATORS_EXCEL_CSV, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    sheet = indicators
    if catalogue is not None:
        sheet = indicators.assign(
            nimi=indicators["indicator"].map(catalogue.name),
            yksikkö=indicators["indicator"].map(lambda i: catalogue.card(i).unit_label),
        )
    formula_safe(sheet).to_excel(processed / "indicators.xlsx", index=False, sheet_name="indikaattorit")
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
