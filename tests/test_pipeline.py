"""The run's wiring that is pure: which input files a year's pages are made from."""

from __future__ import annotations

import pandas as pd

from kainuu_metrics.datasets.accounting import REJECTED_COLUMNS, CleaningResult, account_for
from kainuu_metrics.pipeline import Cleaned
from kainuu_metrics.indicators.table import tidy


def result(rows: list[tuple[str, int]], accounts: dict[str, int], rejected: list[str] = ()) -> CleaningResult:
    cleaned = pd.DataFrame(rows, columns=["source_file", "year"])
    rejected_frame = pd.DataFrame(
        [{"dataset": "d", "source_file": f, "sheet": "", "source_row": 9, "column": "c", "value": "v", "reason": "r"} for f in rejected],
        columns=REJECTED_COLUMNS,
    )
    return CleaningResult(
        cleaned=cleaned,
        rejected=rejected_frame,
        accounts=[
            account_for(dataset="d", source_file=f, sheet="", sha256="-", rows_read=n, cleaned=n - rejected.count(f),
                        rejected=rejected.count(f), skipped=0)
            for f, n in accounts.items()
        ],
    )


def cleaned() -> Cleaned:
    grants = result([("raw/a_2023.csv", 2023), ("raw/b_2024.csv", 2024), ("raw/b_2024.csv", 2024)],
                    {"raw/a_2023.csv": 1, "raw/b_2024.csv": 2, "raw/all_rejected_2025.csv": 1, "raw/undated.csv": 1},
                    rejected=["raw/all_rejected_2025.csv", "raw/undated.csv"])
    population = result([("raw/p.json", 2022), ("raw/p.json", 2024)], {"raw/p.json": 2})
    return Cleaned(results={"grants": grants, "population": population}, indicators=tidy([]))


def test_a_file_is_dated_by_its_latest_row_else_by_its_name():
    assert cleaned().file_years() == {
        "raw/a_2023.csv": 2023,
        "raw/b_2024.csv": 2024,
        "raw/p.json": 2024,  # holds 2022 and 2024: dated by its latest year
        "raw/all_rejected_2025.csv": 2025,  # no cleaned row: the year in its name
        "raw/undated.csv": None,
    }


def test_the_inputs_of_a_year_are_the_files_dated_up_to_its_end():
    accounts, rejected, _, _ = cleaned().inputs_up_to(2023)
    assert [a.source_file for a in accounts] == ["raw/a_2023.csv", "raw/undated.csv"]
    assert rejected["source_file"].tolist() == ["raw/undated.csv"]  # undated: shown on every year's page
    accounts, rejected, _, _ = cleaned().inputs_up_to(2025)
    assert len(accounts) == 5 and sorted(rejected["source_file"]) == ["raw/all_rejected_2025.csv", "raw/undated.csv"]


def test_every_raw_file_is_read_or_refused_by_name(tmp_path):
    from openpyxl import Workbook

    from kainuu_metrics.datasets.base import Dataset, DatasetOutput
    from kainuu_metrics.datasets.readers import read_grids
    from kainuu_metrics.paths import Layout
    from kainuu_metrics.datasets.intake import refused_files

    raw = tmp_path / "raw"
    (raw / "grants").mkdir(parents=True)
    (raw / "muu").mkdir()
    book = Workbook()
    book.active.append(["Hakija", "Myönnetty"])
    book.save(raw / "grants" / "makrot_2025.xlsm")  # a macro workbook: read as data
    (raw / "grants" / "vanha.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (raw / "grants" / "tyhja.csv").write_bytes(b"")
    (raw / "grants" / "README.md").write_text("ohje", encoding="utf-8")
    (raw / "grants" / "~$avustukset.xlsx").write_bytes(b"lock")
    (raw / "muu" / "x.csv").write_text("a;b\n", encoding="utf-8")
    (raw / "toimitukset.yaml").write_text("deliveries: []\n", encoding="utf-8")
    grants = Dataset(name="grants", label="Avustukset", raw_folder="grants", clean=lambda p, c: DatasetOutput({}), tables={})
    layout = Layout(tmp_path, tmp_path / "reports")
    listed = {"grants": grants.files(layout)}

    refused = refused_files(layout, listed, [grants])

    assert [p.name for p in listed["grants"]] == ["makrot_2025.xlsm", "tyhja.csv"]
    assert read_grids(raw / "grants" / "makrot_2025.xlsm")[0].rows[0][1] == ("Hakija", "Myönnetty")
    assert [(r.path, r.reason) for r in refused] == [
        ("raw/grants/tyhja.csv", "tiedosto on tyhjä (0 tavua)"),
        ("raw/grants/vanha.xls", "tiedostomuotoa '.xls' ei lueta kansiossa raw/grants/"),
        ("raw/muu/x.csv", "tiedosto ei ole minkään aineiston kansiossa"),
    ]
    assert refused[1].fix == "Tallenna tiedosto Excelissä muodossa .xlsx (Excel-työkirja)."


def test_files_missing_from_the_data_log_are_named(tmp_path):
    from kainuu_metrics.paths import Layout
    from kainuu_metrics.pipeline import unlogged_files

    layout = Layout(tmp_path, tmp_path / "reports")
    (tmp_path / "raw").mkdir()
    run = Cleaned(results={"grants": result([("raw/grants/a_2023.csv", 2023)], {"raw/grants/a_2023.csv": 1, "raw/population/p.csv": 1})},
                  indicators=tidy([]))
    assert unlogged_files(layout, run) == [
        "huom: toimituslokia data/raw/toimitukset.yaml ei ole; kirjaa siihen, milloin ja keneltä kukin tiedosto saatiin."]
    (tmp_path / "raw" / "toimitukset.yaml").write_text(
        "deliveries:\n  - file: population/\n    delivered: 2026-01-02\n    deliverer: Tilastokeskus\n", encoding="utf-8")
    assert unlogged_files(layout, run) == [
        "huom: raw/grants/a_2023.csv puuttuu toimituslokista data/raw/toimitukset.yaml; kirjaa toimitus (tiedosto, päivä, toimittaja)."]
