"""Tests for kainuu_metrics.quality.checks. GX runs are shared per module (the import costs seconds)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.quality.value_sets import config_value_sets
from kainuu_metrics.settings import load_domain, load_settings
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.datasets.parsing import business_id_check_digit
from kainuu_metrics.quality.checks import (
    EXPECTATIONS_DIR,
    MISSING_TABLE,
    load_report,
    load_suite,
    load_suites,
    run_checks,
    save_report,
)
from kainuu_metrics.quality.model import CheckResult, QualityReport
from kainuu_metrics.datasets.schemas import DENOMINATORS, GRANTS, POPULATION

VALUE_SETS = config_value_sets(load_settings(CONFIG_DIR))

MUNICIPALITIES = ["105", "205", "290", "578", "620", "697", "765", "777"]
NETWORKS = [
    "Lapset, nuoret ja perheet",
    "Mielenterveys- ja päihdetoimijat",
    "Ikäverkosto",
    "Vammais- ja pitkäaikaissairaiden järjestöt",
    "Moniala- ja muut järjestöt",
]
# Year-end populations 2019 (DOMAIN.md), used for every year of the test frame.
POPULATION_2019 = {
    "MK18": 72306, "KU105": 2271, "KU205": 36709, "KU290": 8190, "KU578": 3273,
    "KU620": 2528, "KU697": 1272, "KU765": 10336, "KU777": 7727,
}


# --- realistic frames with the schema's exact dtypes -------------------------------------------

def _business_ids(count: int) -> list[str]:
    ids, body = [], 2077470
    while len(ids) < count:
        digit = business_id_check_digit(str(body))
        if digit is not None:  # None: no valid check digit exists for this body
            ids.append(f"{body}-{digit}")
        body += 1
    return ids


def grants_frame(rows: int = 150) -> pd.DataFrame:
    """Three decision files (2022-2024) of 50 rows each; every rule satisfied."""
    ids = _business_ids(rows)
    records = []
    for i in range(rows):
        year = 2022 + i // 50
        grant_type = ["toiminta", "toiminta", "kumppanuus", "kerta"][i % 4]
        rejected = i % 10 == 9
        applied = float(1000 + 250 * (i % 40))
        records.append({
            "year": year,
            "decision_date": f"{year}-03-15",
            "invalid_decision_date": None,
            "council_term": "2022-2025" if year < 2025 else "2025-2029",
            "organisation": f"Kainuun yhdistys {i} ry",
            "business_id": ids[i] if i % 7 else None,
            "business_id_valid": True if i % 7 else None,
            "association_reg_no": str(100000 + i),
            "grant_type": grant_type,
            "purpose": "Vertaistukiryhmät",
            "applied_eur": applied if i % 13 else None,
            "granted_eur": 0.0 if rejected else applied * 0.8,
            "decision": "hylätty" if rejected else "myönnetty",
            "municipality_code": MUNICIPALITIES[i % 8] if i % 11 else None,
            # area of activity: one or two municipalities, the whole region, or not stated
            "activity_municipalities": [MUNICIPALITIES[i % 8], ";".join(sorted({MUNICIPALITIES[i % 8], MUNICIPALITIES[(i + 1) % 8]})), "region", None][i % 4],
            "service_area": None,
            "network": NETWORKS[i % 5] if grant_type == "kumppanuus" else None,
            "lahella_registered": True,
            "linked_funding": "STEA" if grant_type == "kumppanuus" else None,
            "agreement_start": None,
            "agreement_end": None,
            "flag_granted_exceeds_applied": False,
            "flag_not_in_lahella": False,
            "flag_invalid_business_id": False,
            "flag_operating_and_partnership": False,
            "flag_invalid_decision_date": False,
            "flag_unprintable_text": False,
            "source_file": f"grants/avustuspaatokset_{year}.xlsx",
            "sheet": "Päätökset",
            "source_row": 2 + i % 50,
        })
    return pd.DataFrame(records).astype(GRANTS)


def population_frame() -> pd.DataFrame:
    """16 years x 9 areas = 144 rows."""
    records = [
        {
            "year": year,
            "area_code": code,
            "area_name": load_domain(CONFIG_DIR).area_name(code),
            "population": count - 300 * (year - 2019) if code == "MK18" else count,
            "source_file": "population/11ra.csv",
            "sheet": "",
            "source_row": 4 + n,
        }
        for n, (year, (code, count)) in enumerate(
            (y, item) for y in range(2010, 2026) for item in POPULATION_2019.items()
        )
    ]
    return pd.DataFrame(records).astype(POPULATION)


def denominators_frame(provisional_years: tuple[int, ...] = ()) -> pd.DataFrame:
    records = [
        {
            "year": year,
            "area_code": code,
            "population": count,
            "population_year": year - 1 if year in provisional_years else year,
            "provisional": year in provisional_years,
        }
        for year in (2022, 2023, 2024)
        for code, count in POPULATION_2019.items()
    ]
    return pd.DataFrame(records).astype(DENOMINATORS)


def clean_tables() -> dict[str, pd.DataFrame]:
    return {"grants": grants_frame(), "population": population_frame(), "denominators": denominators_frame()}


def bad_tables() -> dict[str, pd.DataFrame]:
    grants = grants_frame()
    grants.loc[4, "granted_eur"] = -500.0
    grants.loc[[10, 12], "municipality_code"] = "564"  # Oulu, not in Kainuu
    grants.loc[[40, 41], "activity_municipalities"] = ["Kajaani", "205,290"]  # not the normalised "205" / "205;290"
    grants.loc[20, "source_row"] = grants.loc[21, "source_row"]  # the same source row twice
    grants.loc[30, "organisation"] = None
    population = population_frame().drop(columns=["area_name"])
    population.loc[7, "population"] = 0
    population.loc[143, "year"] = population.loc[142, "year"]
    population.loc[143, "area_code"] = population.loc[142, "area_code"]
    denominators = denominators_frame().drop(columns=["provisional"])
    denominators.loc[[0, 9], "population"] = pd.NA
    return {"grants": grants, "population": population, "denominators": denominators}


def warning_tables() -> dict[str, pd.DataFrame]:
    grants = grants_frame()
    grants.loc[0:29, "flag_not_in_lahella"] = True  # 20\u00a0% of rows
    grants.loc[3, "business_id"] = "1234567"
    grants.loc[5, ["applied_eur", "granted_eur"]] = [160000.0, 150000.0]
    grants.loc[2, "network"] = "Urheiluseurat"
    grants.loc[8, "decision_date"] = pd.Timestamp("2017-06-01")
    return {
        "grants": grants,
        "population": population_frame(),
        "denominators": denominators_frame(provisional_years=(2024,)),  # 9 of 27 rows
    }


def find(report: QualityReport, dataset: str, expectation: str, column: str | None = None) -> CheckResult:
    matches = [
        c for c in report.checks
        if c.dataset == dataset and c.expectation == expectation and (column is None or c.column == column)
    ]
    assert len(matches) == 1, matches
    return matches[0]


# --- pure: suites and configuration -----------------------------------------------------------

def suite_values(dataset: str, column: str) -> set:
    suite = load_suites(value_sets=config_value_sets(load_settings(CONFIG_DIR)))[dataset]
    [spec] = [
        e for e in suite.expectations
        if e.type == "expect_column_values_to_be_in_set" and e.kwargs["column"] == column
    ]
    return set(spec.kwargs["value_set"])


def test_suites_name_no_county_fact_but_take_value_sets_from_the_configuration():
    for path in sorted((Path(load_suites.__code__.co_filename).parent / "suites").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert '"205"' not in text and "KU205" not in text and "MK18" not in text, path.name
    domain = load_domain(CONFIG_DIR)
    assert suite_values("grants", "municipality_code") == set(domain.municipalities)
    assert len(suite_values("grants", "municipality_code")) == 8
    assert suite_values("population", "area_code") == set(domain.area_codes)
    assert suite_values("grants", "grant_type") == set(domain.grant_type_labels)
    assert suite_values("grants", "decision") == set(domain.decisions.values())
    assert suite_values("grants", "network") == set(domain.networks.values())


def test_suites_are_found_by_file_name_and_every_rule_is_described():
    suites = load_suites()
    assert set(suites) >= {"grants", "population", "denominators"}
    assert suites["grants"].name == "grants_cleaned"
    for suite in suites.values():
        for spec in suite.expectations:
            assert spec.description_fi and isinstance(spec.blocking, bool)
    warnings = [e.kwargs.get("column") for e in suites["grants"].expectations if not e.blocking]
    assert warnings == [
        "flag_granted_exceeds_applied", "flag_not_in_lahella", "flag_invalid_business_id",
        "flag_operating_and_partnership", "business_id", "granted_eur", "network", "decision_date",
    ]


def write_suite(folder: Path, name: str, expectations: list[dict]) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"name": name, "expectations": expectations}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_rule_without_blocking_is_a_config_error(tmp_path):
    path = write_suite(tmp_path, "experience_cleaned", [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}, "meta": {"description_fi": "x"}},
    ])
    with pytest.raises(ConfigError, match="tarkistus nro 1.*blocking"):
        load_suite(path)


def test_a_suite_named_unlike_its_file_is_a_config_error(tmp_path):
    path = tmp_path / "experience_cleaned.json"
    path.write_text(json.dumps({"name": "kokemus", "expectations": []}), encoding="utf-8")
    with pytest.raises(ConfigError, match="experience_cleaned"):
        load_suite(path)


def test_importing_the_module_does_not_import_great_expectations():
    code = "import sys, kainuu_metrics.quality.checks; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- Great Expectations runs (shared) ---------------------------------------------------------

def test_a_run_writes_nothing_to_stderr(capfd):
    run_checks({"denominators": denominators_frame()}, value_sets=VALUE_SETS)
    assert capfd.readouterr().err == ""


@pytest.fixture(scope="module")
def core_suites(tmp_path_factory) -> Path:
    """Only the grant, population and denominator suites: other datasets have their own tests."""
    folder = tmp_path_factory.mktemp("core-suites")
    for name in CORE_DATASETS:
        shutil.copy(EXPECTATIONS_DIR / f"{name}_cleaned.json", folder)
    return folder


@pytest.fixture(scope="module")
def clean_report(core_suites) -> QualityReport:
    return run_checks(clean_tables(), run_id="20261129T171200Z", expectations_dir=core_suites, value_sets=VALUE_SETS)


@pytest.fixture(scope="module")
def bad_run(core_suites) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], QualityReport]:
    tables = bad_tables()
    copies = {name: frame.copy() for name, frame in tables.items()}
    return tables, copies, run_checks(tables, expectations_dir=core_suites, value_sets=VALUE_SETS)


@pytest.fixture(scope="module")
def bad_report(bad_run) -> QualityReport:
    return bad_run[2]


@pytest.fixture(scope="module")
def warning_report(core_suites) -> QualityReport:
    return run_checks(warning_tables(), expectations_dir=core_suites, value_sets=VALUE_SETS)


CORE_DATASETS = ("grants", "population", "denominators")


def test_clean_tables_pass_every_check(clean_report, core_suites):
    assert clean_report.passed
    assert clean_report.warnings == []
    assert [c for c in clean_report.checks if not c.success] == []
    suites = load_suites(core_suites)
    assert len(clean_report.checks) == sum(len(s.expectations) for s in suites.values())
    assert clean_report.run_id == "20261129T171200Z"
    assert clean_report.gx_version == "1.24.1"


def test_checks_follow_the_suite_file_order(clean_report, core_suites):
    suites = load_suites(core_suites)
    expected = [(d, e.type, e.kwargs.get("column")) for d, s in suites.items() for e in s.expectations]
    got = [(c.dataset, c.expectation, c.kwargs.get("column")) for c in clean_report.checks]
    assert got == expected


def test_clean_run_sentences(clean_report):
    not_null = find(clean_report, "grants", "expect_column_values_to_not_be_null", "organisation")
    assert not_null.observed_fi == "kaikki 150 riviä kunnossa"
    assert (not_null.element_count, not_null.unexpected_count) == (150, 0)
    # 14 of the 150 rows (i % 11 == 0) have no municipality: allowed, and said so.
    municipality = find(clean_report, "grants", "expect_column_values_to_be_in_set", "municipality_code")
    assert municipality.observed_fi == "kaikki 150 riviä kunnossa, joista 14 tyhjiä"
    population = find(clean_report, "population", "expect_column_values_to_be_between", "population")
    assert population.observed_fi == (
        "kaikki 144 riviä kunnossa; havaittu vähimmäisarvo 1\u00a0272, enimmäisarvo 75\u00a0006"
    )
    columns = find(clean_report, "grants", "expect_table_columns_to_match_set")
    # 11: the home municipality and the area of activity were added to the required set on purpose (9 before)
    assert columns.observed_fi == "kaikki 11 vaadittua saraketta löytyvät"
    assert find(clean_report, "denominators", "expect_column_type_to_be").observed_fi == "tietotyyppi bool"


def test_negative_amount_is_a_blocking_failure(bad_report):
    check = next(
        c for c in bad_report.checks
        if c.column == "granted_eur" and c.kwargs == {"column": "granted_eur", "min_value": 0}
    )
    assert check.blocking and not check.success
    assert (check.element_count, check.unexpected_count) == (150, 1)
    assert check.unexpected_examples == [-500.0]
    assert check.observed_fi.startswith("1 poikkeava arvo 150 rivistä (0,7\u00a0%); havaittu vähimmäisarvo \u2212500,")
    assert check in bad_report.blocking_failures
    assert not bad_report.passed


def test_municipality_outside_kainuu_fails(bad_report):
    check = find(bad_report, "grants", "expect_column_values_to_be_in_set", "municipality_code")
    assert check.blocking and not check.success
    assert check.unexpected_count == 2
    assert check.unexpected_examples == ["564"]
    assert check.observed_fi == "2 poikkeavaa arvoa 150 rivistä (1,3\u00a0%)"


def test_activity_area_not_in_the_normalised_form_fails(bad_report):
    check = find(bad_report, "grants", "expect_column_values_to_match_regex", "activity_municipalities")
    assert check.blocking and not check.success
    assert check.unexpected_count == 2
    # rows 40 and 41 of 150: 2 / 150 = 1,3 %
    assert check.observed_fi == "2 poikkeavaa arvoa 150 rivistä (1,3\u00a0%)"


def test_duplicate_source_row_and_missing_organisation_fail(bad_report):
    unique = find(bad_report, "grants", "expect_compound_columns_to_be_unique")
    assert not unique.success and unique.unexpected_count == 2
    assert unique.column == "source_file, source_row, sheet"
    assert unique.unexpected_examples == [
        {"source_file": "grants/avustuspaatokset_2022.xlsx", "source_row": 23, "sheet": "Päätökset"}
    ]
    assert unique.observed_fi == "2 toistuvaa riviä 150 rivistä (1,3\u00a0%)"
    organisation = find(bad_report, "grants", "expect_column_values_to_not_be_null", "organisation")
    assert not organisation.success and organisation.unexpected_count == 1
    assert organisation.unexpected_examples == [
        {"source_file": "grants/avustuspaatokset_2022.xlsx", "sheet": "Päätökset", "source_row": 32}
    ]
    assert organisation.observed_fi == "1 tyhjä arvo 150 rivistä (0,7\u00a0%)"


def test_population_failures(bad_report):
    columns = find(bad_report, "population", "expect_table_columns_to_match_set")
    assert not columns.success
    assert columns.observed_fi == "puuttuva sarake: area_name"
    assert columns.unexpected_examples == ["area_name"]
    between = find(bad_report, "population", "expect_column_values_to_be_between", "population")
    assert not between.success and between.unexpected_examples == [0]
    unique = find(bad_report, "population", "expect_compound_columns_to_be_unique")
    assert not unique.success and unique.unexpected_count == 2
    assert unique.unexpected_examples == [{"year": 2025, "area_code": "KU765"}]


def test_missing_population_denominator_and_missing_column(bad_report):
    population = find(bad_report, "denominators", "expect_column_values_to_not_be_null", "population")
    assert population.blocking and not population.success
    assert population.unexpected_count == 2
    assert population.observed_fi == "2 tyhjää arvoa 27 rivistä (7,4\u00a0%)"
    assert population.unexpected_examples == [0, 9]  # no provenance columns: row positions
    type_check = find(bad_report, "denominators", "expect_column_type_to_be")
    assert not type_check.success and type_check.blocking
    assert type_check.observed_fi == "sarake provisional puuttuu taulukosta"


def test_bad_run_leaves_the_input_frames_unchanged(bad_run):
    tables, copies, _ = bad_run
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, copies[name])


def test_suspicious_rows_only_warn(warning_report):
    assert warning_report.passed
    assert warning_report.blocking_failures == []
    warned = {(c.dataset, c.column): c for c in warning_report.warnings}
    assert set(warned) == {
        ("grants", "flag_not_in_lahella"), ("grants", "business_id"), ("grants", "granted_eur"),
        ("grants", "network"), ("grants", "decision_date"), ("denominators", "provisional"),
    }
    flags = warned["grants", "flag_not_in_lahella"]
    assert flags.unexpected_count == 30 and flags.unexpected_examples == [True]
    assert flags.observed_fi == "30 poikkeavaa arvoa 150 rivistä (20,0\u00a0%); sallittu osuus enintään 10\u00a0%"
    assert warned["grants", "business_id"].unexpected_examples == ["1234567"]
    assert warned["grants", "granted_eur"].unexpected_examples == [150000.0]
    assert warned["grants", "granted_eur"].observed_fi.endswith("enimmäisarvo 150\u00a0000")
    assert warned["grants", "network"].unexpected_examples == ["Urheiluseurat"]
    assert warned["grants", "decision_date"].unexpected_examples == ["2017-06-01"]
    assert warned["grants", "decision_date"].observed_fi.endswith("vähimmäisarvo 1.6.2017, enimmäisarvo 15.3.2024")
    assert warned["denominators", "provisional"].unexpected_count == 9


def test_missing_tables_fail_and_tables_without_suite_are_ignored(core_suites):
    report = run_checks({"premises_unknown": pd.DataFrame({"a": [1]})}, expectations_dir=core_suites, value_sets=VALUE_SETS)
    assert {c.dataset for c in report.checks} == {"grants", "population", "denominators"}
    assert all(c.expectation == MISSING_TABLE for c in report.checks)
    assert all(c.blocking and not c.success and c.observed_fi == "taulukko puuttuu" for c in report.checks)
    assert not report.passed


def test_a_new_dataset_needs_only_a_suite_file(tmp_path):
    shutil.copy(EXPECTATIONS_DIR / "denominators_cleaned.json", tmp_path)
    write_suite(tmp_path, "experience_cleaned", [{
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "hours", "min_value": 0},
        "meta": {"description_fi": "Tunnit eivät ole negatiivisia.", "blocking": True},
    }])
    experience = pd.DataFrame({"hours": pd.array([2, 3, None], dtype="Int64")})
    report = run_checks({"experience": experience, "denominators": denominators_frame()}, expectations_dir=tmp_path, value_sets=VALUE_SETS)
    assert [c.dataset for c in report.checks] == ["denominators"] * 4 + ["experience"]
    assert report.checks[-1].success
    assert report.checks[-1].observed_fi == (
        "kaikki 3 riviä kunnossa, joista 1 tyhjä; havaittu vähimmäisarvo 2, enimmäisarvo 3"
    )


def test_an_unknown_expectation_type_is_a_config_error(tmp_path):
    write_suite(tmp_path, "experience_cleaned", [{
        "type": "expect_column_values_to_be_positive",
        "kwargs": {"column": "hours"},
        "meta": {"description_fi": "x", "blocking": True},
    }])
    with pytest.raises(ConfigError, match="tarkistus nro 1"):
        run_checks({"experience": pd.DataFrame({"hours": [1]})}, expectations_dir=tmp_path, value_sets=VALUE_SETS)


def test_suite_files_load_in_great_expectations_itself(clean_report):
    import great_expectations as gx  # already imported by the run

    for path in sorted(EXPECTATIONS_DIR.glob("*_cleaned.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert len(gx.ExpectationSuite(**data).expectations) == len(data["expectations"])


def test_default_run_id_is_a_utc_timestamp(warning_report):
    assert len(warning_report.run_id) == 16 and warning_report.run_id.endswith("Z")
    assert warning_report.run_id[8] == "T"
    assert warning_report.started_at.endswith("+00:00")


# --- saving and loading -----------------------------------------------------------------------

def test_save_and_load_round_trip(bad_report, tmp_path):
    path = save_report(bad_report, tmp_path / "quality")
    assert path == tmp_path / "quality" / f"{bad_report.run_id}.json"
    assert (tmp_path / "quality" / "latest.json").read_bytes() == path.read_bytes()
    assert load_report(path) == bad_report
    text = path.read_text(encoding="utf-8")
    assert "Jokaisella rivillä on saajajärjestön nimi." in text
    assert "\\u00e4" not in text
    assert json.loads(text)["passed"] is False


def test_loading_a_broken_report_names_the_file(tmp_path):
    path = tmp_path / "latest.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(InputFileError, match="latest.json"):
        load_report(path)
