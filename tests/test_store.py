"""The processed folder's files: indicators for programs and for Excel, formula-safe."""

from __future__ import annotations

import pandas as pd

from kainuu_metrics.indicators.table import read_indicators, rows, tidy
from kainuu_metrics.store import write_csv, write_indicators


def test_indicators_are_written_for_programs_and_for_excel(tmp_path):
    table = tidy(rows("grants_total_eur", 2024, {"MK99": 1234.5}, "eur") + rows("grants_by_type_eur", 2024, {"MK99": 100.0}, "eur", category="kerta"))
    write_indicators(tmp_path, table)
    assert (tmp_path / "indicators.csv").read_text(encoding="utf-8").splitlines()[1] == "grants_total_eur,2024,MK99,,1234.5,eur,False,"
    excel = (tmp_path / "indicators_excel.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert excel.decode("utf-8-sig").splitlines()[1] == "grants_total_eur;2024;MK99;;1234,5;eur;False;"
    pd.testing.assert_frame_equal(read_indicators(tmp_path / "indicators.csv"), table)


def test_no_written_cell_can_run_as_a_formula(tmp_path):
    path = write_csv(pd.DataFrame({"value": ["=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "-2", "ok"], "n": [-1, 2, 3, 4, 5]}), tmp_path / "r.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    # the quoted cell keeps its apostrophe inside the quotes: the spreadsheet shows it as text
    assert lines[1:] == ['"\'=HYPERLINK(""x"")";-1', "'+1;2", "'@SUM(A1);3", "'-2;4", "ok;5"]
