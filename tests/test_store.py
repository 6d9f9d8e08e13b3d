"""The processed folder's files: indicators for programs and for Excel, formula-safe."""

from __future__ import annotations

import pandas as pd

from kainuu_metrics.indicators.table import read_indicators, rows, tidy
from kainuu_metrics.store import write_columnar_csv, write_csv, write_indicators


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


def test_a_columnar_csv_reads_back_as_written_and_is_formula_safe(tmp_path):
    frame = pd.DataFrame({"indicator": ["grants_total_eur", "=1+1"], "period": ["2024", "2025"], "sheet": ["A;B", 'sanoi "x"'],
                          "source_row": [7, 12], "contribution": [1234.5, 1.0]})
    path = write_columnar_csv(frame, tmp_path / "lineage.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    # every text value quoted (a ';' or a quote inside stays in its cell); a whole float loses '.0'
    assert lines == ['"indicator";"period";"sheet";"source_row";"contribution"',
                     '"grants_total_eur";"2024";"A;B";7;1234.5',
                     '"\'=1+1";"2025";"sanoi ""x""";12;1']
    back = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype={"period": str})
    assert back["sheet"].tolist() == ["A;B", 'sanoi "x"'] and back["contribution"].tolist() == [1234.5, 1.0]
    assert back["indicator"].tolist() == ["grants_total_eur", "'=1+1"]


def test_text_held_as_categories_is_written_as_text_and_made_formula_safe(tmp_path):
    frame = pd.DataFrame({"area": pd.Categorical(["MK18", "=x", "MK18"]), "n": [1, 2, 3]})
    lines = write_columnar_csv(frame, tmp_path / "c.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines == ['"area";"n"', '"MK18";1', '"\'=x";2', '"MK18";3']
