"""Small builders that make each broken input from copies of the sample data in a temporary
folder, and the checks every case shares. The sample files used:

- raw/grants/kerta-avustukset_2024.csv ("K"): UTF-8 with BOM, ',' separated, 14 physical lines:
  a header and 13 grants. 12 are cleaned, granted 250 + 500 + 350 + 0 + 800 + 600 + 800 + 0 + 600
  + 800 + 600 + 0 = 5 300 €; line 7 (Oulun Seudun Vertaistuki ry, 300 €) is rejected: Oulu is not
  a municipality of the region.
- raw/grants/avustukset_2025.xlsx ("X"): one visible sheet "VA", 50 rows: a header and 49
  grants. 48 are cleaned, 153 900 € (tests/test_end_to_end.py); row 50 is rejected (municipality
  code 697 is not in the region). Row 3 grants 8 000 €, row 4 21 000 €.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from kainuu_metrics.paths import CONFIG_DIR, PROJECT_ROOT, Layout
from kainuu_metrics.pipeline import Cleaned, clean_inputs
from kainuu_metrics.registry import by_name
from kainuu_metrics.settings import Settings, load_settings

SAMPLE_GRANTS = PROJECT_ROOT / "data" / "raw" / "grants"
K, X = "kerta-avustukset_2024.csv", "avustukset_2025.xlsx"
K_TOTAL, K_LINES, X_TOTAL, X_ROWS = 5300.0, 14, 153900.0, 50
SETTINGS = load_settings(CONFIG_DIR)


def sample_copy(tmp: Path, *names: str) -> Layout:
    """A data folder in `tmp` holding copies of the named sample grant exports."""
    folder = tmp / "data" / "raw" / "grants"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLE_GRANTS / name, folder / name)
    return Layout(tmp / "data", tmp / "reports")


def grants_folder(layout: Layout) -> Path:
    return layout.raw / "grants"


# --- CSV ------------------------------------------------------------------------------------------


def k_lines(layout: Layout, name: str = K) -> list[str]:
    """The lines of a copied K (without line breaks)."""
    return (grants_folder(layout) / name).read_text(encoding="utf-8-sig").splitlines()


def write_k(layout: Layout, lines: list[str], name: str = K) -> Path:
    """Lines written back as the sample writes them: UTF-8 with BOM, CRLF kept out (LF)."""
    path = grants_folder(layout) / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def k_row(name: str = "Kuhmon Eläkeläiset ry", business_id: str = "2751558-1", purpose: str = "Joulujuhla",
          granted: str = "600 €", date: str = "5.11.2024", municipality: str = "Kuhmo") -> str:
    """A grant line in K's columns (line 11's values by default)."""
    return f"{name},{business_id},Kerta-avustus,{purpose},600,{granted},myönnetty,{date},{municipality},Ikäihmisten palvelut,Kyllä"


# --- XLSX -----------------------------------------------------------------------------------------


def edit_x(layout: Layout, edit, name: str = X, save_as: str | None = None) -> Path:
    """X opened with openpyxl, changed by `edit(workbook)`, saved (under `save_as` if given)."""
    path = grants_folder(layout) / name
    book = load_workbook(path)
    edit(book)
    target = grants_folder(layout) / (save_as or name)
    book.save(target)
    if save_as and save_as != name:
        path.unlink()
    return target


# --- running the cleaning and checking what every case must hold -----------------------------------


def grants_only() -> tuple:
    """The grant dataset alone, without its indicators (they need the population; the corpus is
    about rows and euros, and stays fast)."""
    return (dataclasses.replace(by_name("grants"), needs=(), indicators=None),)


def clean(layout: Layout, settings: Settings = SETTINGS) -> Cleaned:
    return clean_inputs(layout, settings, grants_only())


def physical_rows(path: Path) -> dict[str, int]:
    """Rows as a person counts them, independently of the project's readers: a CSV's physical
    lines; per workbook sheet, openpyxl's last row."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        book = load_workbook(path, read_only=False)
        return {sheet.title: sheet.max_row for sheet in book.worksheets}
    data = path.read_bytes()
    return {"": data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)}


def assert_every_row_accounted(cleaned: Cleaned, layout: Layout) -> None:
    """Per file and sheet: physical rows = cleaned + rejected + skipped (no row lost), and every
    file of the folder is either read or refused by name."""
    accounts = {(a.source_file, a.sheet): a for a in cleaned.accounts}
    refused = {r.path for r in cleaned.refused}
    for path in sorted(p for p in grants_folder(layout).iterdir() if p.is_file()):
        shown = layout.relative_to_data(path)
        if shown in refused:
            continue
        for sheet, rows in physical_rows(path).items():
            account = accounts[(shown, sheet)]
            assert (account.rows_read, account.cleaned + account.rejected + account.skipped) == (rows, rows), (shown, sheet, account)


def granted_by_year(cleaned: Cleaned) -> dict[int, float]:
    table = cleaned.results["grants"].cleaned
    return {int(year): float(total) for year, total in table.groupby("year")["granted_eur"].sum().items()}


def kinds(cleaned: Cleaned) -> pd.Series:
    return cleaned.results["grants"].skipped["kind"].value_counts()


def flags(cleaned: Cleaned, flag: str) -> pd.DataFrame:
    lines = cleaned.results["grants"].flagged
    return lines.loc[lines["flag"] == flag]


def copy_config(tmp: Path) -> Path:
    target = tmp / "config"
    shutil.copytree(CONFIG_DIR, target)
    return target
