"""Issue 11 "What leaks out": after a whole run on the sample data with formula-like text planted
in a grant export (organisation names, purposes, a rejected amount), no cell of any CSV or XLSX the
project wrote can run as a formula in a spreadsheet."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kainuu_metrics.paths import PROJECT_ROOT

PLANTED = ['"=HYPERLINK(""http://x"",""y"")"', "+358 Yhdistys ry", "@SUM(A1) ry", "-Miinus ry"]
DANGEROUS = ("=", "+", "-", "@")


def _unsafe_csv_fields(path: Path) -> list[str]:
    """Fields that a spreadsheet would evaluate: they start with = + - @ and are not a number."""
    import csv

    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    unsafe = []
    for row in csv.reader(text.splitlines(), delimiter=delimiter):
        for field in row:
            if field.startswith(DANGEROUS):
                try:
                    float(field.replace(",", "."))
                except ValueError:
                    unsafe.append(field)
    return unsafe


@pytest.mark.e2e
def test_no_csv_or_xlsx_cell_of_a_whole_run_can_run_as_a_formula(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "raw", data / "raw")
    export = data / "raw" / "grants" / "kerta-avustukset_2024.csv"
    lines = export.read_text(encoding="utf-8-sig").splitlines()
    # Four new grants (300 € each) to organisations whose names start like formulas, one with a
    # formula as its purpose, and one whose granted amount is a formula (rejected, shown as text).
    for i, name in enumerate(PLANTED):
        lines.append(f"{name},,Kerta-avustus,=1+{i},300,300 €,Myönnetty,2.2.2024,Kajaani,Ikäihmisten palvelut,Kyllä")
    lines.append('Kaavayhdistys ry,,Kerta-avustus,Retki,300,"=2*150",Myönnetty,2.2.2024,Kajaani,Ikäihmisten palvelut,Kyllä')
    export.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    reports = tmp_path / "reports"
    env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": os.environ.get("KAINUU_METRICS_PSEUDONYM_KEY", "test-key-not-secret")}
    result = subprocess.run([sys.executable, "-m", "kainuu_metrics.cli", "run", "--data", str(data), "--reports", str(reports)],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode in (0, 1), result.stdout + result.stderr

    written = [p for root in (data / "processed", reports) for p in root.rglob("*") if p.suffix.lower() in (".csv", ".xlsx")]
    assert any(p.name == "indicators.xlsx" for p in written) and any(p.parent.name == "rejected" for p in written)
    unsafe: dict[str, list[str]] = {}
    planted_seen = False
    for path in written:
        if path.suffix == ".csv":
            fields = _unsafe_csv_fields(path)
            planted_seen |= "'+358 Yhdistys ry" in path.read_text(encoding="utf-8-sig")
        else:
            workbook = load_workbook(path)
            fields = [f"{ws.title}!{c.coordinate}" for ws in workbook.worksheets for row in ws.iter_rows() for c in row
                      if c.data_type == "f"]
        if fields:
            unsafe[str(path.relative_to(tmp_path))] = fields
    assert unsafe == {}
    assert planted_seen  # the planted names did reach the outputs, made safe
