"""Lineage: every additive figure re-added from its source rows (issue 10 §5)."""

from __future__ import annotations

import pandas as pd
import pytest

from kainuu_metrics.indicators.grants import yearly_grant_indicators
from kainuu_metrics.indicators.lineage import LINEAGE_COLUMNS, grant_lineage, lineage_table, write_lineage, write_year_lineage
from kainuu_metrics.indicators.table import read_indicators
from kainuu_metrics.settings import Domain

DOMAIN = Domain("MK1", "Alue", {"1": "A", "2": "B", "3": "C"}, {}, (), {}, {}, {"toiminta": "Toiminta-avustus"}, {}, {})
KEY = ["indicator", "period", "area", "category"]


def _grants() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2024, 2024, 2024, 2025],
        "source_file": ["raw/grants/a_2024.xlsx"] * 3 + ["raw/grants/b_2025.xlsx"],
        "sheet": ["P", "P", "P", ""],
        "source_row": [5, 6, 9, 3],
        "organisation": ["Yhdistys A", "Yhdistys B", "Yhdistys C", "Yhdistys A"],
        "business_id": ["1234567-1", None, "7654321-2", "1234567-1"],
        "granted_eur": [900.0, 100.0, 50.0, 400.0],
        "applied_eur": [1000.0, None, 50.0, 400.0],
        "municipality_code": ["1", "2", None, "3"],
        "activity_municipalities": ["1;2;3", "region", None, "2"],
        "grant_type": ["toiminta", "toiminta", "muu", "toiminta"],
        "network": ["Verkosto", None, None, None],
        "service_area": [None, None, None, None],
        "lahella_registered": [None, None, None, None],
    })


def test_grant_lineage_re_adds_the_hand_computed_figures():
    lineage = pd.concat(grant_lineage(_grants(), DOMAIN), ignore_index=True)
    assert list(lineage.columns) == LINEAGE_COLUMNS
    sums = lineage.groupby(KEY)["contribution"].sum()
    # 2024 region total: 900 + 100 + 50 = 1050, from rows 5, 6 and 9.
    assert sums[("grants_total_eur", "2024", "MK1", "")] == 1050.0
    rows = lineage.loc[(lineage["indicator"] == "grants_total_eur") & (lineage["area"] == "MK1") & (lineage["period"] == "2024")]
    assert sorted(rows["source_row"]) == [5, 6, 9]
    # Home municipality: KU1 900 (row 5), KU2 100 (row 6); row 9 names none -> the unknown 50.
    assert sums[("grants_total_eur", "2024", "KU1", "")] == 900.0
    assert sums[("grants_home_municipality_unknown_eur", "2024", "MK1", "")] == 50.0
    # Area of activity: row 5 lists 3 municipalities -> 900 / 3 = 300 each; row 6 is region-wide (100).
    assert sums[("grants_by_activity_area_eur", "2024", "KU3", "")] == 300.0
    assert sums[("grants_region_wide_eur", "2024", "MK1", "")] == 100.0
    # Applications: 3 rows in 2024, 2 of type toiminta; applied 1000 + (empty = 0) + 50 = 1050.
    assert sums[("grants_applications", "2024", "MK1", "")] == 3.0
    assert sums[("grants_applications", "2024", "MK1", "toiminta")] == 2.0
    assert sums[("grants_applied_eur", "2024", "MK1", "")] == 1050.0
    assert sums[("grants_by_network_eur", "2024", "MK1", "verkosto")] == 900.0


def test_the_lineage_adds_up_to_the_indicator_function_itself():
    grants = _grants()
    denominators = pd.DataFrame({"year": [2024, 2025], "area_code": ["MK1", "MK1"], "population": [1000, 1000],
                                 "provisional": [False, False]})
    indicators = yearly_grant_indicators(grants, denominators, DOMAIN)
    lineage = lineage_table({"grants": grants}, indicators, DOMAIN)
    sums = lineage.groupby(KEY)["contribution"].sum().reset_index()
    merged = sums.merge(indicators.astype({"period": str}), on=KEY, how="left")
    assert merged["value"].notna().all()
    assert ((merged["value"] - merged["contribution"]).abs() < 1e-9).all()
    assert len(merged) >= 20


def test_a_suppressed_or_absent_figure_has_no_lineage():
    grants = _grants()
    indicators = pd.DataFrame({"indicator": ["grants_total_eur"], "period": ["2024"], "area": ["MK1"], "category": [""],
                               "value": [None], "unit": ["eur"], "provisional": [False], "suppression": ["<5"]})
    assert lineage_table({"grants": grants}, indicators, DOMAIN).empty


def test_the_years_copy_holds_every_period_its_pages_show_and_nothing_later(tmp_path):
    # Changed on purpose: the year's copy used to hold period Y only, beside a copy of the run's
    # whole file (lineage_koko_ajo.csv, 1 MB in every year folder). A year's pages show earlier
    # years too (trend charts, a term's grant years), so the copy holds periods up to Y, and the
    # whole-run copy is gone.
    lineage = pd.concat(grant_lineage(_grants(), DOMAIN), ignore_index=True)
    assert set(lineage["period"]) == {"2024", "2025"}
    hrefs = write_year_lineage(lineage, tmp_path / "reports" / "2025", 2025)
    assert hrefs == {"year": "lineage.csv"}
    year = pd.read_csv(tmp_path / "reports" / "2025" / "lineage.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert set(year["period"]) == {"2024", "2025"} and len(year) == len(lineage)
    write_year_lineage(lineage, tmp_path / "reports" / "2024", 2024)
    earlier = pd.read_csv(tmp_path / "reports" / "2024" / "lineage.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert set(earlier["period"]) == {"2024"} and len(earlier) == (lineage["period"] == "2024").sum()
    assert sorted(p.name for p in (tmp_path / "reports").rglob("*")) == ["2024", "2025", "lineage.csv", "lineage.csv"]


def test_every_additive_figure_of_the_sample_run_is_re_added_from_the_lineage(sample_run):
    assert sample_run.returncode == 0, sample_run.stdout + sample_run.stderr
    processed = sample_run.data / "processed"
    lineage = pd.read_csv(processed / "lineage.csv", sep=";", encoding="utf-8-sig",
                          dtype={"period": str, "category": str, "sheet": str}, keep_default_na=False)
    indicators = read_indicators(processed / "indicators.csv").astype({"period": str})
    indicators["category"] = indicators["category"].fillna("")
    # By hand: the 2024 region's granted euros are the sum of the 2024 grant rows' contributions.
    region = indicators.loc[indicators["area"].str.startswith("MK"), "area"].iloc[0]
    total = lineage.loc[(lineage["indicator"] == "grants_total_eur") & (lineage["period"] == "2024")
                        & (lineage["area"] == region) & (lineage["category"] == ""), "contribution"].sum()
    published = indicators.loc[(indicators["indicator"] == "grants_total_eur") & (indicators["period"] == "2024")
                               & (indicators["area"] == region) & (indicators["category"] == ""), "value"].item()
    assert total == pytest.approx(published, abs=0.005)
    # Every figure the lineage covers adds up; every covered indicator's published yearly figure
    # that is not 0 has lines.
    sums = lineage.groupby(KEY)["contribution"].sum().reset_index()
    merged = sums.merge(indicators, on=KEY, how="left")
    assert ((merged["value"] - merged["contribution"]).abs() < 0.005).all()
    covered = indicators.loc[indicators["indicator"].isin(set(lineage["indicator"])) & indicators["period"].str.fullmatch(r"\d{4}")
                             & indicators["value"].fillna(0).ne(0)]
    missing = covered.merge(sums, on=KEY, how="left", indicator=True)
    assert (missing["_merge"] == "both").all(), missing.loc[missing["_merge"] != "both", KEY]
    assert (sample_run.reports / "2024" / "lineage.csv").exists()


def test_a_year_that_shows_every_period_copies_the_runs_file_and_an_earlier_year_still_filters(tmp_path):
    lineage = pd.concat(grant_lineage(_grants(), DOMAIN), ignore_index=True)
    written = write_lineage(tmp_path / "processed", lineage)
    write_year_lineage(lineage, tmp_path / "2025", 2025, written)
    assert (tmp_path / "2025" / "lineage.csv").read_bytes() == written.read_bytes()
    write_year_lineage(lineage, tmp_path / "2024", 2024, written)
    earlier = pd.read_csv(tmp_path / "2024" / "lineage.csv", sep=";", encoding="utf-8-sig", dtype=str)
    # 2024: 3 rows x (total, applied, count) + 2 home + 1 home unknown + 2 x 2 typed + 1 network
    # + 1 region-wide + 1 area unknown + 3 area shares = 22
    assert set(earlier["period"]) == {"2024"} and len(earlier) == 22
