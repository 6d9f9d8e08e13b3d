"""Every euro accounted for: the euros of rejected grant rows per year, a redundant cell that is
cleaned and flagged instead of rejected, the reconciliation with an export's own totals row,
and the organisations the cooperation plan does not cover (out of scope). Expected values are
added up by hand from the files in data/raw/ (the arithmetic is beside each assertion)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kainuu_metrics.datasets import grants as grants_dataset
from kainuu_metrics.datasets import premises as premises_dataset
from kainuu_metrics.datasets.accounting import SKIP_KINDS, CleaningResult, account_for, set_aside
from kainuu_metrics.datasets.base import CleaningContext
from kainuu_metrics.datasets.grants.clean import clean_grant_exports, clean_grant_record
from kainuu_metrics.datasets.readers import RawSheet
from kainuu_metrics.datasets.tabular import map_sheet
from kainuu_metrics.errors import ConfigError
from kainuu_metrics.indicators.grants import set_aside_grant_indicators
from kainuu_metrics.indicators.premises import out_of_scope_indicators
from kainuu_metrics.indicators.table import EUR, COUNT, lookup, rows, tidy
from kainuu_metrics.paths import CONFIG_DIR, PROJECT_ROOT, TEMPLATES_DIR, Layout
from kainuu_metrics.quality.checks import EXPECTATIONS_DIR, run_checks
from kainuu_metrics.registry import by_name
from kainuu_metrics.report import premises as report_premises
from kainuu_metrics.report import views
from kainuu_metrics.settings import OutOfScopeEntry, load_domain, load_settings

SETTINGS = load_settings(CONFIG_DIR)
DOMAIN = SETTINGS.domain
NB = "\u00a0"
SAMPLE = Layout(PROJECT_ROOT / "data", PROJECT_ROOT / "reports")


def plain(text: str) -> str:
    return text.replace(NB, " ")


@pytest.fixture(scope="module")
def sample_grants():
    """The grant dataset of the shipped sample data (data/raw/grants/)."""
    return grants_dataset.clean(by_name("grants").files(SAMPLE), CleaningContext(SAMPLE, SETTINGS))


@pytest.fixture(scope="module")
def sample_premises():
    return premises_dataset.clean(by_name("premises").files(SAMPLE), CleaningContext(SAMPLE, SETTINGS))


@pytest.fixture
def layout(tmp_path):
    (tmp_path / "raw" / "grants").mkdir(parents=True)
    return Layout(tmp_path, tmp_path / "reports")


def write_csv(layout: Layout, name: str, text: str) -> Path:
    path = layout.raw / "grants" / name
    path.write_bytes(text.encode("cp1252"))
    return path


# --- a redundant cell: cleaned and flagged, not rejected --------------------------------------

RECORD_2025 = {
    "organisation": "Hyrynsalmen Invalidit ry", "grant_type": "kertaluonteinen avustus", "applied_eur": 700,
    "granted_eur": 600, "decision_date": "31.2.2025", "year": 2025, "municipality": "Hyrynsalmi",
}


def test_an_invalid_date_that_the_year_column_makes_redundant_is_cleaned_and_flagged():
    values, problems = clean_grant_record(RECORD_2025, DOMAIN)
    assert problems == []
    assert (values["year"], values["decision_date"], values["invalid_decision_date"]) == (2025, None, "31.2.2025")
    assert values["council_term"] is None and values["granted_eur"] == 600.0


def test_without_the_year_column_or_with_a_bad_amount_the_row_is_still_rejected():
    _, problems = clean_grant_record({**RECORD_2025, "year": None}, DOMAIN)
    assert [p.column for p in problems] == ["decision_date"]  # nothing else gives the year
    _, problems = clean_grant_record({**RECORD_2025, "granted_eur": "noin 600"}, DOMAIN)
    assert [p.column for p in problems] == ["granted_eur"]  # the date is redundant, the amount is not
    _, problems = clean_grant_record({**RECORD_2025, "year": "20x5"}, DOMAIN)
    assert [p.column for p in problems] == ["decision_date", "year"]  # neither can be read: both reasons, in column order


def test_the_2025_sample_row_with_31_2_2025_is_in_the_figures_and_flagged(sample_grants):
    grants = sample_grants.results["grants"].cleaned.set_index(["source_file", "source_row"])
    row = grants.loc[("raw/grants/avustukset_2025.xlsx", 48)]
    assert (row["organisation"], row["year"], row["granted_eur"], row["invalid_decision_date"]) == ("Hyrynsalmen Invalidit ry", 2025, 600.0, "31.2.2025")
    assert row["flag_invalid_decision_date"] and pd.isna(row["decision_date"]) and pd.isna(row["council_term"])
    flagged = sample_grants.results["grants"].flagged
    [line] = flagged.loc[flagged["flag"] == "flag_invalid_decision_date"].itertuples()
    assert (line.source_row, line.year) == (48, 2025)
    assert "päätöspäiväksi on kirjoitettu '31.2.2025'" in line.reason and "Hyrynsalmen Invalidit ry" in line.reason
    # 2025 granted: 153 300 € on the rows cleaned before this rule + 600 € of row 48 = 153 900 €.
    assert sample_grants.results["grants"].cleaned.groupby("year")["granted_eur"].sum()[2025] == 153_300 + 600


# --- the euros of rejected rows, per year ---------------------------------------------------------


def test_rejected_rows_keep_their_year_and_readable_amount(sample_grants):
    excluded = sample_grants.tables["grants_excluded"].sort_values(["source_file", "source_row"])
    got = [(r.source_file.removeprefix("raw/grants/"), r.source_row, r.year, None if pd.isna(r.granted_eur) else r.granted_eur)
           for r in excluded.itertuples()]
    assert got == [
        ("avustukset_2025.xlsx", 45, 2025, None),  # granted -200: negative, not a usable amount
        ("jarjestoavustukset_2024.csv", 16, 2024, None),  # granted "noin 500": not a number
        ("jarjestoavustukset_2024.csv", 31, 2024, 500.0),  # no organisation name; 500,00 € on 14.3.2024
        ("kerta-avustukset_2024.csv", 7, 2024, 300.0),  # home municipality Oulu; 300,00 € on 12.6.2024
    ]
    assert "järjestön nimi puuttuu" in excluded.set_index("source_row").loc[31, "reason"]


def test_excluded_euros_per_year(sample_grants):
    tables = sample_grants.tables
    figures = set_aside_grant_indicators(sample_grants.results["grants"].cleaned, tables["grants_excluded"], tables["grants_out_of_scope"], DOMAIN)

    def value(indicator, year, category=""):
        return lookup(figures, indicator, year, "MK18", category).value

    # 2023: no rejected row. 2024: 500 + 300 = 800 € on 3 rows, one of them ("noin 500") unreadable.
    # 2025: one row (-200), its amount unusable, so 0 €.
    assert [value("grants_excluded_eur", y) for y in (2023, 2024, 2025)] == [0.0, 800.0, 0.0]
    assert [value("grants_excluded_rows", y) for y in (2023, 2024, 2025)] == [0.0, 3.0, 1.0]
    assert [value("grants_excluded_rows", y, "summa_ei_luettavissa") for y in (2023, 2024, 2025)] == [0.0, 1.0, 1.0]
    assert [value("grants_out_of_scope_eur", y) for y in (2023, 2024, 2025)] == [0.0, 0.0, 0.0]  # no parish or VPK grant in the sample


def _note_indicators(eur: float, count: int, unreadable: int, scoped: dict[str, tuple[float, int]] | None = None) -> pd.DataFrame:
    out = rows("grants_excluded_eur", 2024, {"MK18": eur}, EUR) + rows("grants_excluded_rows", 2024, {"MK18": count}, COUNT)
    out += rows("grants_excluded_rows", 2024, {"MK18": unreadable}, COUNT, category="summa_ei_luettavissa")
    scoped = scoped or {}
    out += rows("grants_out_of_scope_eur", 2024, {"MK18": sum(e for e, _ in scoped.values())}, EUR)
    out += rows("grants_out_of_scope_rows", 2024, {"MK18": sum(n for _, n in scoped.values())}, COUNT)
    for kind, (e, n) in scoped.items():
        out += rows("grants_out_of_scope_eur", 2024, {"MK18": e}, EUR, category=kind)
        out += rows("grants_out_of_scope_rows", 2024, {"MK18": n}, COUNT, category=kind)
    return tidy(out)


def test_the_grants_page_note_links_the_rejected_rows():
    link = "(quality.html#hylatyt)"
    assert views.excluded_note(_note_indicators(800, 3, 1), 2024, DOMAIN) == (
        f"800{NB}€ ei mukana luvuissa (3 riviä, joista 1 rivillä ei ole kelvollista summaa), [syyt laatuselosteessa]{link}."
    )
    assert views.excluded_note(_note_indicators(1234.5, 2, 0), 2024, DOMAIN) == (
        f"1{NB}234,50{NB}€ ei mukana luvuissa (2 riviä), [syyt laatuselosteessa]{link}."
    )
    assert views.excluded_note(_note_indicators(0, 1, 1), 2024, DOMAIN) == (
        f"1 rivi ei ole mukana luvuissa eikä sillä ole kelvollista summaa, [syyt laatuselosteessa]{link}."
    )
    assert views.excluded_note(_note_indicators(0, 0, 0), 2024, DOMAIN) == (
        f"Vuoden 2024 luvuista ei ole jätetty pois yhtään avustusriviä ([laatuseloste]{link})."
    )
    scoped = views.excluded_note(_note_indicators(0, 0, 0, {"sopimuspalokunta": (800, 1), "seurakunta": (300, 1)}), 2024, DOMAIN)
    assert scoped.endswith(
        f" Lisäksi luvuista on rajattu pois 1{NB}100{NB}€ (2 riviä) toimijoille, joita järjestöyhteistyön suunnitelma "
        "ei kata (Sopimuspalokunnat (VPK), Seurakunnat)."
    )
    assert views.excluded_note(tidy([]), 2024, DOMAIN) == ""
    # The link's target exists on the year's quality page.
    assert '<h2 id="hylatyt">' in (TEMPLATES_DIR / "pages" / "quality.html.j2").read_text(encoding="utf-8")


# --- reconciliation with the export's own totals row --------------------------------------------


def test_the_2024_and_2023_sample_exports_reconcile_with_their_totals_rows(sample_grants):
    table = sample_grants.tables["grants_reconciliation"].set_index("source_file")
    assert list(table.index) == ["raw/grants/avustuspaatokset_2023.xlsx", "raw/grants/jarjestoavustukset_2024.csv"]
    # jarjestoavustukset_2024.csv, totals row 46: "Yhteensä ... 142 500,00 €". Granted on its 42 data rows 4-45:
    # partnership rows 8, 11, 21, 30, 33, 35: 6 000 + 21 000 + 12 000 + 10 000 + 21 000 + 21 000 = 91 000;
    # the other 34 cleaned rows: 500 + 1 200 + 0 + 1 000 + 1 000 + 0 + 1 200 + 1 500 + 0 + 1 000 + 500 + 500 + 0 + 800
    # + 0 + 1 500 + 0 + 500 + 0 + 500 + 1 000 + 800 + 1 500 + 25 000 + 1 000 + 1 000 + 1 200 + 0 + 1 000 + 1 500 + 800
    # + 500 + 2 500 + 1 500 = 51 000; cleaned 91 000 + 51 000 = 142 000. Rejected: row 31 (no name) 500,00 € and row 16
    # ("noin 500", unreadable, not in the export's total either). 142 000 + 500 + 0 out of scope = 142 500.
    row = table.loc["raw/grants/jarjestoavustukset_2024.csv"]
    assert (row["source_row"], row["reported_eur"], row["cleaned_eur"], row["excluded_eur"], row["out_of_scope_eur"]) == (46, 142_500, 142_000, 500, 0)
    assert (row["difference_eur"], row["excluded_unreadable_rows"]) == (0, 1)
    # avustuspaatokset_2023.xlsx, totals row 50: 122 200 = the public decision, 75 000 partnership + 47 200 operating,
    # every row cleaned.
    row = table.loc["raw/grants/avustuspaatokset_2023.xlsx"]
    assert (row["sheet"], row["source_row"], row["reported_eur"], row["cleaned_eur"], row["excluded_eur"]) == ("Avustukset 2023", 50, 122_200, 122_200, 0)
    assert table["mismatch_fi"].isna().all()


SCOPED_CSV = (
    '"Järjestön nimi";"Avustustyyppi";"Myönnetty summa";"Päätöspvm";"Kunta"\r\n'
    '"Kajaanin Seura ry";"Toiminta-avustus";"1 200,00";"14.3.2024";"Kajaani"\r\n'
    '"Kajaanin VPK ry";"Toiminta-avustus";"800";"14.3.2024";"Kajaani"\r\n'
    '"Kajaanin seurakunta";"Kerta-avustus";"300 €";"14.3.2024";"Kajaani"\r\n'
    '"";"Toiminta-avustus";"250,50";"14.3.2024";"Kajaani"\r\n'
    '"Kuhmon ry";"Toiminta-avustus";"n. 100";"14.3.2024";"Kuhmo"\r\n'
    '"Yhteensä";"";"{total}";"";""\r\n'
)


def test_cleaned_plus_excluded_plus_out_of_scope_equals_the_totals_row(layout):
    # 1 200 cleaned + 250,50 rejected (no name) + 800 (VPK) + 300 (parish) out of scope = 2 550,50; "n. 100" unreadable.
    cleaned = clean_grant_exports([write_csv(layout, "a.csv", SCOPED_CSV.format(total="2 550,50"))], layout, SETTINGS)
    [row] = cleaned.tables["grants_reconciliation"].itertuples()
    assert (row.reported_eur, row.cleaned_eur, row.excluded_eur, row.out_of_scope_eur, row.difference_eur) == (2550.5, 1200.0, 250.5, 1100.0, 0.0)
    assert pd.isna(row.mismatch_fi)


@pytest.fixture(scope="module")
def mismatch(tmp_path_factory):
    base = tmp_path_factory.mktemp("mismatch")
    (base / "raw" / "grants").mkdir(parents=True)
    layout = Layout(base, base / "reports")
    cleaned = clean_grant_exports([write_csv(layout, "a.csv", SCOPED_CSV.format(total="2 650,50"))], layout, SETTINGS)
    suites = base / "suites"
    suites.mkdir()
    shutil.copy(EXPECTATIONS_DIR / "grants_reconciliation_cleaned.json", suites)
    return cleaned.tables["grants_reconciliation"], run_checks(cleaned.tables, expectations_dir=suites)


def test_a_totals_row_that_does_not_reconcile_is_a_blocking_failure_naming_file_and_both_figures(mismatch):
    table, report = mismatch
    # 2 650,50 on the totals row against 1 200 + 250,50 + 1 100 = 2 550,50: 100,00 € unaccounted for.
    [row] = table.itertuples()
    assert row.difference_eur == 100.0
    assert plain(row.mismatch_fi) == (
        "raw/grants/a.csv: yhteensä-rivin (rivi 7) myönnetty summa 2 650,50 € ei täsmää luettuihin riveihin 2 550,50 € "
        "(hyväksytyt 1 200,00 € + hylätyt 250,50 € + rajatut 1 100,00 €); erotus 100,00 €; 1 hylätyn rivin summaa ei voitu lukea"
    )
    assert not report.passed
    failed = {c.expectation: c for c in report.blocking_failures}
    assert set(failed) == {"expect_column_values_to_be_null", "expect_column_values_to_be_between"}
    assert failed["expect_column_values_to_be_null"].unexpected_examples == [row.mismatch_fi]
    assert "erotus" in failed["expect_column_values_to_be_between"].description_fi


def test_the_totals_row_is_skipped_but_its_cells_are_kept_for_reconciling():
    sheet = RawSheet("", [(1, ("Hakija", "Avustuslaji", "Myönnetty €")), (2, ("A ry", "TA", "100")), (3, (None, "Yhteensä", "100,00 €"))])
    mapped = map_sheet(sheet, SETTINGS.columns("grants"), "x.csv")
    assert mapped.skipped == [(1, "header"), (3, "totals")]
    assert mapped.totals == ({"organisation": None, "grant_type": "Yhteensä", "granted_eur": "100,00 €", "source_row": 3},)


# --- organisations the cooperation plan does not cover ------------------------------------------


@settings(deadline=None)  # the machine is shared: a slow first example is not a failure
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäö", min_size=1, max_size=12), st.sampled_from(["VPK", "vpk", "Vpk"]))
def test_a_pattern_matches_only_as_a_whole_word(word, written):
    brigades = OutOfScopeEntry(kind="sopimuspalokunta", label="Sopimuspalokunnat (VPK)", patterns=("VPK",))
    assert brigades.matched(f"{word.capitalize()}n {written} ry") == "vpk"
    assert brigades.matched(f"{word}{written} ry") is None and brigades.matched(f"{written}{word} ry") is None


def test_the_configuration_lists_fire_brigades_and_parishes_in_both_counties():
    for folder in (CONFIG_DIR, PROJECT_ROOT / "examples" / "keski-pohjanmaa" / "config"):
        domain = load_domain(folder)
        assert [(e.kind, e.label) for e in domain.out_of_scope_organisations] == [
            ("sopimuspalokunta", "Sopimuspalokunnat (VPK)"), ("seurakunta", "Seurakunnat")]
        assert "Suunnitelma ei kata yhteistyötä seurakuntien tai sopimuspalokuntien kanssa" in (folder / "domain.yaml").read_text(encoding="utf-8")
    assert DOMAIN.out_of_scope("Kajaanin VPK ry")[0].kind == "sopimuspalokunta"
    assert DOMAIN.out_of_scope("Sotkamon Vapaaehtoinen Palokunta ry")[1] == "vapaaehtoinen palokunta"
    assert DOMAIN.out_of_scope("Kajaanin ev.-lut. seurakuntayhtymä")[0].kind == "seurakunta"
    assert DOMAIN.out_of_scope("Kainuun Palokuntanaiset ry") is None and DOMAIN.out_of_scope("Seurakuntalaisten Ystävät ry") is None


@pytest.mark.parametrize("entries, problem", [
    ([{"kind": "vpk", "label": "VPK", "patterns": ["  "]}], "tyhjä tunnistesana"),
    ([{"kind": "vpk", "label": "VPK", "patterns": ["vpk"]}, {"kind": "vpk", "label": "VPK 2", "patterns": ["palokunta"]}], "kahdesti"),
    ([{"kind": "vpk", "label": "VPK", "patterns": []}], "out_of_scope_organisations"),
])
def test_a_wrong_out_of_scope_list_is_a_finnish_configuration_error(tmp_path, entries, problem):
    domain = yaml.safe_load((CONFIG_DIR / "domain.yaml").read_text(encoding="utf-8"))
    (tmp_path / "domain.yaml").write_text(yaml.safe_dump({**domain, "out_of_scope_organisations": entries}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_domain(tmp_path)
    assert problem in str(caught.value) and "domain.yaml" in str(caught.value)


def test_out_of_scope_grant_rows_are_skipped_with_their_euros(layout):
    cleaned = clean_grant_exports([write_csv(layout, "a.csv", SCOPED_CSV.format(total="2 550,50"))], layout, SETTINGS)
    result = cleaned.result
    [account] = result.accounts
    # 7 rows read = 1 cleaned + 2 rejected (rows 5, 6) + 4 skipped: header row 1, VPK row 3, parish row 4, totals row 7.
    assert (account.rows_read, account.cleaned, account.rejected, account.skipped) == (7, 1, 2, 4)
    assert sorted(zip(result.skipped["source_row"], result.skipped["kind"])) == [
        (1, "header"), (3, "out_of_scope_organisation"), (4, "out_of_scope_organisation"), (7, "totals")]
    assert "yhteistyösuunnitelma ei kata" in SKIP_KINDS["out_of_scope_organisation"]
    scoped = cleaned.tables["grants_out_of_scope"]
    assert scoped[["source_row", "organisation", "kind", "granted_eur", "year"]].values.tolist() == [
        [3, "Kajaanin VPK ry", "sopimuspalokunta", 800.0, 2024], [4, "Kajaanin seurakunta", "seurakunta", 300.0, 2024]]
    assert "Sopimuspalokunnat (VPK)" in scoped["reason"].iloc[0] and "out_of_scope_organisations" in scoped["reason"].iloc[0]
    assert result.cleaned["organisation"].tolist() == ["Kajaanin Seura ry"]
    figures = set_aside_grant_indicators(result.cleaned, cleaned.tables["grants_excluded"], scoped, DOMAIN)
    assert lookup(figures, "grants_out_of_scope_eur", 2024, "MK18").value == 1100.0  # 800 + 300
    assert lookup(figures, "grants_out_of_scope_rows", 2024, "MK18", "seurakunta").value == 1.0
    assert lookup(figures, "grants_excluded_eur", 2024, "MK18").value == 250.5  # the no-name row; "n. 100" unreadable


def test_a_row_that_cannot_be_read_is_rejected_even_when_out_of_scope(sample_premises):
    # Two 2024 bookings of Kajaanin VPK ry cannot be read (31.11.2024; start time without end time):
    # they are rejected with their reasons, not counted as out of scope.
    rejected = sample_premises.results["premises"].rejected
    rows = set(rejected.loc[rejected["source_file"] == "raw/premises/tilavaraukset_2024.csv", "source_row"])
    assert {65, 199} <= rows
    scoped = sample_premises.tables["premises_out_of_scope"]
    assert not {65, 199} & set(scoped.loc[scoped["source_file"] == "raw/premises/tilavaraukset_2024.csv", "source_row"])


def test_set_aside_moves_kept_rows_to_skipped_and_the_account_still_balances():
    account = account_for(dataset="d", source_file="f", sheet="", sha256="x", rows_read=4, cleaned=3, rejected=0, skipped=1)
    result = CleaningResult(cleaned=pd.DataFrame({"source_row": [2, 3, 4], "v": [1, 2, 3]}), accounts=[account])
    moved = set_aside(result, [3], "out_of_scope_organisation")
    assert moved.cleaned["source_row"].tolist() == [2, 4]
    assert moved.skipped[["source_row", "kind"]].values.tolist() == [[3, "out_of_scope_organisation"]]
    assert (moved.accounts[0].cleaned, moved.accounts[0].skipped, moved.accounts[0].balanced) == (2, 2, True)
    assert result.cleaned["source_row"].tolist() == [2, 3, 4]  # the input is not changed
    assert set_aside(result, [], "x") is result
    with pytest.raises(AssertionError):
        set_aside(result, [9], "x")


# The volunteer fire brigades' bookings in the sample premises files (organisation "… VPK ry"; the
# cost as stated, else hours × the rate: Kajaanin paloasema 20 €/h, Kuhmon terveysasema 16 €/h,
# the Vuokatti room 18 €/h).
VPK = {
    # 2023: Kajaanin VPK ry, 11 bookings: 60 + 70 + 50 + 60 + 50 + 60 + 60 + 60 + 50 + 60 + 50 = 630 €.
    2023: (11, 630.0),
    # 2024: Kajaanin VPK ry 9 bookings, 60 + 60 + 50 + 70 + 60 + 60 + 60 + 60 + 70 = 550 €; Kuhmon VPK ry 6 bookings,
    # 32 + 32 + 24 + 24 + 24 + 32 = 168 €; 550 + 168 = 718 €.
    2024: (15, 718.0),
    # 2025: Kajaanin VPK ry 11 bookings, 10 × 60 + 50 = 650 €; Kuhmon VPK ry 5, 24 + 32 + 40 + 32 + 32 = 160 €;
    # Sotkamon VPK ry 4, 36 + 36 + 27 + 45 = 144 €; 650 + 160 + 144 = 954 €.
    2025: (20, 954.0),
}
# Before this rule the bookings table held every readable booking: (bookings, in-kind €).
BEFORE = {2023: (182, 8188.5), 2024: (207, 9214.0), 2025: (225, 10650.0)}


def test_fire_brigade_premises_are_out_of_the_in_kind_figures(sample_premises):
    bookings = sample_premises.results["premises"].cleaned
    scoped = sample_premises.tables["premises_out_of_scope"]
    assert set(scoped["kind"]) == {"sopimuspalokunta"} and scoped["organisation"].str.endswith("VPK ry").all()
    assert not bookings["organisation"].str.contains("VPK").any()
    for year, (count, value) in VPK.items():
        in_year = bookings.loc[bookings["year"] == year]
        assert (len(scoped.loc[scoped["year"] == year]), scoped.loc[scoped["year"] == year, "cost_eur"].sum()) == (count, value)
        assert (len(in_year), in_year["cost_eur"].sum()) == (BEFORE[year][0] - count, BEFORE[year][1] - value)
    # After: 2023 182 - 11 = 171 bookings, 8 188,50 - 630 = 7 558,50 €; 2024 207 - 15 = 192, 9 214 - 718 = 8 496 €;
    # 2025 225 - 20 = 205, 10 650 - 954 = 9 696 €.
    assert bookings.groupby("year")["cost_eur"].sum().to_dict() == {2023: 7558.5, 2024: 8496.0, 2025: 9696.0}
    # 2024 hours: Kajaani 3 + 3 + 2,5 + 3,5 + 3 + 3 + 3 + 3 + 3,5 = 27,5 h, Kuhmo 2 + 2 + 1,5 + 1,5 + 1,5 + 2 = 10,5 h;
    # 456,5 h before - 38 h = 418,5 h.
    assert scoped.loc[scoped["year"] == 2024, "hours"].sum() == 38.0
    assert bookings.loc[bookings["year"] == 2024, "hours"].sum() == 418.5


def test_out_of_scope_indicators_and_the_premises_page_note(sample_premises):
    figures = out_of_scope_indicators(sample_premises.results["premises"].cleaned, sample_premises.tables["premises_out_of_scope"], DOMAIN)
    for year, (count, value) in VPK.items():
        assert lookup(figures, "premises_out_of_scope_bookings", year, "MK18").value == count
        assert lookup(figures, "premises_out_of_scope_eur", year, "MK18").value == value
        assert lookup(figures, "premises_out_of_scope_eur", year, "MK18", "sopimuspalokunta").value == value
    assert plain(report_premises.out_of_scope_note(figures, 2024, DOMAIN)) == (
        "Rajattu pois: Sopimuspalokunnat (VPK) 15 varausta, arvo 718 €. Niiden varaukset eivät ole yllä olevissa "
        "luvuissa eivätkä tuessa yhteensä, koska järjestöyhteistyön suunnitelma ei kata näitä toimijoita: "
        "Sopimuspalokunnat (VPK), Seurakunnat."
    )
    both = tidy(
        rows("premises_out_of_scope_bookings", 2026, {"MK18": 3}, COUNT)
        + rows("premises_out_of_scope_eur", 2026, {"MK18": 100}, EUR)
        + rows("premises_out_of_scope_bookings", 2026, {"MK18": 2}, COUNT, category="sopimuspalokunta")
        + rows("premises_out_of_scope_eur", 2026, {"MK18": 60}, EUR, category="sopimuspalokunta")
        + rows("premises_out_of_scope_bookings", 2026, {"MK18": 1}, COUNT, category="seurakunta")
        + rows("premises_out_of_scope_eur", 2026, {"MK18": 40}, EUR, category="seurakunta")
    )
    assert plain(report_premises.out_of_scope_note(both, 2026, DOMAIN)).startswith(
        "Rajattu pois: yhteensä 3 varausta, arvo 100 € (Sopimuspalokunnat (VPK) 2 varausta, arvo 60 €; Seurakunnat 1 varaus, arvo 40 €)."
    )
    none = tidy(rows("premises_out_of_scope_bookings", 2026, {"MK18": 0}, COUNT) + rows("premises_out_of_scope_eur", 2026, {"MK18": 0}, EUR))
    assert "vuonna 2026 niillä ei ollut varauksia" in report_premises.out_of_scope_note(none, 2026, DOMAIN)
    assert report_premises.out_of_scope_note(tidy([]), 2026, DOMAIN) == ""


def test_the_grants_page_method_states_every_rule():
    text = views.set_aside_method(DOMAIN)
    assert "Hylätyt rivit eivät ole luvuissa" in text and "ilman päätöspäivää ja aluevaltuustokautta" in text
    assert "täsmättävä sentilleen" in text
    assert text.endswith("Luvuissa eivät ole toimijat, joita järjestöyhteistyön suunnitelma ei kata (Sopimuspalokunnat (VPK), Seurakunnat).")


def test_the_last_readable_totals_row_is_the_reported_total():
    from kainuu_metrics.datasets.grants.clean import reported_total

    # A subtotal (900), an unreadable one and a blank one: the last readable, 1 000 on row 9, is the export's total.
    totals = ({"granted_eur": "900", "source_row": 5}, {"granted_eur": "1 000,00 €", "source_row": 9},
              {"granted_eur": "n. 1 000", "source_row": 10}, {"granted_eur": None, "source_row": 11})
    assert reported_total(totals) == {"source_row": 9, "reported_eur": 1000.0}
    assert reported_total(()) is None
