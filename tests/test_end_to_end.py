"""The real pipeline on the sample data shipped in data/raw/."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from kainuu_metrics.report.html_export import find_external_references

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.e2e
YEARS = [2023, 2024, 2025]


@pytest.fixture(scope="module")
def indicators(sample_run):
    return pd.read_csv(sample_run.data / "processed" / "indicators.csv", dtype={"period": str}, keep_default_na=False)


def value(indicators, indicator, period, area="MK18"):
    indicator, _, category = indicator.partition(":")
    hit = indicators.loc[(indicators["indicator"] == indicator) & (indicators["period"] == period) & (indicators["area"] == area)
                         & (indicators["category"] == category)]
    assert len(hit) == 1, (indicator, period, area)
    return float(hit["value"].iloc[0]), hit["provisional"].iloc[0] in (True, "True")


def test_run_succeeds_and_prints_the_index(sample_run):
    assert sample_run.returncode == 0, sample_run.stderr
    assert "Raporttien etusivu:" in sample_run.stdout
    assert "Traceback" not in sample_run.stderr


def test_2023_matches_the_public_decision(indicators):
    assert value(indicators, "grants_total_eur", "2023") == (122200.0, False)
    assert value(indicators, "grants_by_type_eur:kumppanuus", "2023")[0] == 75000.0
    assert value(indicators, "grants_by_type_eur:toiminta", "2023")[0] == 47200.0
    assert value(indicators, "grants_applications", "2023")[0] == 44


def test_per_capita_is_total_over_the_population_used(indicators):
    for year in ("2023", "2024", "2025"):
        total, _ = value(indicators, "grants_total_eur", year)
        population, provisional = value(indicators, "population_used", year)
        per_capita, per_capita_provisional = value(indicators, "grants_per_capita_eur", year)
        assert per_capita == pytest.approx(total / population)
        assert per_capita_provisional == provisional
    # 2023 divides by the 2023 year-end population; 2025 is not published in the sample -> 2024's, provisional
    assert value(indicators, "population_used", "2023") == (value(indicators, "population", "2023")[0], False)
    assert value(indicators, "population_used", "2025") == (value(indicators, "population", "2024")[0], True)


def test_2025_by_area_of_activity_adds_up_by_hand(indicators):
    # avustukset_2025.xlsx, sheet VA, AlueKunnat (area of activity; each row names one municipality, so k = 1):
    # Paltamo = row 29 Paltamon Eläkeläiset ry (toiminta) 500 + row 30 Paltamon Kyläavustajat ry 500
    #   + row 31 Paltamon Perheyhdistys ry 2 000 + row 43 Paltamon Eläkeläiset ry (kerta, written "578") 450 = 3 450
    assert value(indicators, "grants_by_activity_area_eur", "2025", "KU578")[0] == 3450.0
    # Kajaani (written "Kajaani" or "205", 29 rows): partnership 8 000 + 21 000 + 12 000 + 7 000 + 21 000 + 21 000
    #   = 90 000 (rows 3–9; Autismiyhdistys row 2: 0); operating 500 + 1 000 + 1 200 + 2 500 + 1 000 + 800 + 2 000
    #   + 1 500 + 1 500 + 1 500 + 2 500 + 1 000 + 1 500 + 25 000 (MLL Kainuun piiri) = 43 500; one-off
    #   200 + 800 + 250 = 1 250; 90 000 + 43 500 + 1 250 = 134 750
    assert value(indicators, "grants_by_activity_area_eur", "2025", "KU205")[0] == 134750.0
    total, _ = value(indicators, "grants_total_eur", "2025")
    # the 2025 export has no home municipality: nothing by home municipality, all of it "unknown"
    assert value(indicators, "grants_home_municipality_unknown_eur", "2025")[0] == total
    assert not ((indicators["indicator"] == "grants_total_eur") & (indicators["period"] == "2025")
                & indicators["area"].str.startswith("KU")).any()
    # 2023 and 2024 exports state no area of activity: everything "unknown" (2023: the decision's 122 200 €)
    assert value(indicators, "grants_activity_area_unknown_eur", "2023")[0] == 122200.0
    for year in ("2023", "2024", "2025"):
        municipalities = indicators.loc[(indicators["indicator"] == "grants_by_activity_area_eur") & (indicators["period"] == year), "value"]
        rest = value(indicators, "grants_region_wide_eur", year)[0] + value(indicators, "grants_activity_area_unknown_eur", year)[0]
        assert municipalities.astype(float).sum() + rest == pytest.approx(value(indicators, "grants_total_eur", year)[0])


def test_the_grants_page_states_both_municipality_views(sample_run):
    html = (sample_run.reports / "2025" / "grants.html").read_text(encoding="utf-8")
    assert "Kotikunnan mukaan (€)" in html and "Toiminta-alueen mukaan (€)" in html
    assert "avustus jaetaan tasan toiminta-alueen kuntien kesken" in html
    assert "Vuoden 2025 avustusviennissä ei ole järjestön kotikuntaa" in html
    assert "Vuoden 2024 avustusviennissä ei ole toiminta-aluetta" in (sample_run.reports / "2024" / "grants.html").read_text(encoding="utf-8")


def test_every_row_is_accounted_for(sample_run):
    accounts = pd.read_csv(sample_run.data / "processed" / "row_accounting.csv", sep=";", encoding="utf-8-sig")
    assert (accounts["rows_read"] == accounts["cleaned"] + accounts["rejected"] + accounts["skipped"]).all()
    grants = accounts.loc[accounts["dataset"] == "grants"].set_index("source_file")
    assert grants.loc["raw/grants/avustuspaatokset_2023.xlsx", ["rows_read", "cleaned", "rejected"]].tolist() == [50, 44, 0]
    rejected = pd.read_csv(sample_run.data / "processed" / "rejected" / "grants.csv", sep=";", encoding="utf-8-sig")
    # Four lines (was five): the 2025 row dated 31.2.2025 is now kept and flagged, because its
    # grant-year column says 2025 (the date is redundant for the yearly figures).
    assert len(rejected) == 4 and rejected["reason"].str.len().min() > 10


def test_every_euro_is_accounted_for(sample_run, indicators):
    # Rejected 2024 rows: 500 € (no organisation name) + 300 € (home municipality Oulu) = 800 €, and the
    # "noin 500" row whose amount cannot be read: 3 rows.
    assert value(indicators, "grants_excluded_eur", "2024")[0] == 800.0
    assert value(indicators, "grants_excluded_rows", "2024")[0] == 3.0
    # 2025: 153 300 € + 600 € of the row dated 31.2.2025, now in the figures.
    assert value(indicators, "grants_total_eur", "2025")[0] == 153_900.0
    # The volunteer fire brigades' premises are out of scope: 2024 in-kind 9 214 - 718 = 8 496 €.
    assert value(indicators, "premises_inkind_eur", "2024")[0] == 8_496.0
    assert value(indicators, "premises_out_of_scope_eur", "2024")[0] == 718.0
    reconciliation = pd.read_parquet(sample_run.data / "processed" / "grants_reconciliation.parquet")
    assert reconciliation["difference_eur"].tolist() == [0.0, 0.0] and reconciliation["mismatch_fi"].isna().all()
    grants_page = (sample_run.reports / "2024" / "grants.html").read_text(encoding="utf-8")
    assert "ei mukana luvuissa (3 riviä" in grants_page and 'href="quality.html#hylatyt"' in grants_page
    assert "Rajattu pois: Sopimuspalokunnat (VPK) 15 varausta" in (sample_run.reports / "2024" / "premises.html").read_text(encoding="utf-8")
    assert 'id="yhteensa-rivit"' in (sample_run.reports / "2024" / "quality.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", YEARS)
def test_year_pages_exist_with_charts_and_nothing_outside(sample_run, year):
    folder = sample_run.reports / str(year)
    for page in ("summary.html", "grants.html", "council_term.html", "quality.html"):
        html = (folder / page).read_text(encoding="utf-8")
        assert find_external_references(html) == [], page
        assert 'lang="fi"' in html
        assert "ESIMERKKIAINEISTO" in html
        if page != "quality.html" and year == YEARS[0] and page != "grants.html":
            # The first year's trend charts are one sentence each, not a lone bar (issue 12): its
            # summary has no chart left, its council-term page one (the municipalities).
            assert html.count("Plotly.newPlot") == {"summary.html": 0, "council_term.html": 1}[page], page
            assert '<p class="kehitys-yksi-vuosi">' in html
        elif page != "quality.html":
            assert html.count("Plotly.newPlot") >= 2, page
            assert re.search(r'id="kuvio-\d+"', html)
    assert (folder / "notebooks" / "grants.ipynb").exists()


def test_index_links_every_year(sample_run):
    html = (sample_run.reports / "index.html").read_text(encoding="utf-8")
    for year in YEARS:
        assert f'href="{year}/grants.html"' in html and f'href="{year}/quality.html"' in html
        assert f'href="{year}/summary.html"' in html
    assert find_external_references(html) == []


def test_broken_export_gives_a_finnish_message_and_no_traceback(tmp_path):
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    bad = tmp_path / "data" / "raw" / "grants" / "uusi_2026.csv"
    bad.write_text('"Hakija";"Avustuslaji";"Myönnetty rahaa"\n"A ry";"TA";"100"\n', encoding="utf-8")
    result = run_cli("validate", "--data", str(tmp_path / "data"), "--reports", str(tmp_path / "reports"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "raw/grants/uusi_2026.csv" in result.stderr and "Myönnetty rahaa" in result.stderr
    assert "config/columns/grants.yaml" in result.stderr


def test_requesting_a_year_without_data_is_explained(tmp_path):
    shutil.copytree(ROOT / "data" / "raw", tmp_path / "data" / "raw")
    result = run_cli("run", "--year", "2019", "--data", str(tmp_path / "data"), "--reports", str(tmp_path / "reports"))
    assert result.returncode == 2 and "vuodelta 2019 ei ole avustusaineistoa" in result.stderr


def test_a_blocking_check_stops_the_run_and_leaves_published_reports_untouched(tmp_path):
    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    population = data / "raw" / "population" / "statfin_11ra_2019-2021.csv"
    text = population.read_bytes().decode("cp1252").replace('"";"2020";36567', '"";"2020";365670')
    population.write_bytes(text.encode("cp1252"))  # Kajaani ten times too large: passes cleaning, fails a check
    published = reports / "2024" / "grants.html"
    published.parent.mkdir(parents=True)
    published.write_text("edellinen julkaistu sivu", encoding="utf-8")

    result = run_cli("run", "--data", str(data), "--reports", str(reports))

    assert result.returncode == 1, result.stderr
    assert "ESTÄVÄ VIRHE (population)" in result.stdout
    assert "raportteja ei päivitetty" in result.stderr
    assert published.read_text(encoding="utf-8") == "edellinen julkaistu sivu"
    assert not (reports / ".kesken").exists()
    quality = (reports / "2024" / "quality.html").read_text(encoding="utf-8")
    assert "365" in quality and "Estäviä virheitä" in quality


def test_council_terms_are_whole_grant_years(indicators, sample_run):
    # Rule changed on purpose (issue "Figures that mean what they say"): the sample's main rounds are
    # 15.3.2023, 14.3.2024 and 13.3.2025, so 2023, 2024 and 2025 (its autumn rounds of 9-11/2025
    # included) belong to 2022–2025; 2025–2029 has no grant year yet. Before, the 2022–2025 figure was
    # annualised over 29 months (2,50 €/asukas, above every year) and 2025–2029 came out at 0,06 €.
    assert value(indicators, "term_grant_years", "2022-2025") == (3.0, False)
    assert value(indicators, "term_grant_years", "2025-2029") == (0.0, False)
    # 2025 is 153 900 €: its 600 € row dated "31.2.2025" is kept by its grant-year column (flagged)
    assert value(indicators, "grants_total_eur", "2022-2025")[0] == 122200 + 147300 + 153900  # 423 400 €
    # yearly figures: 122 200 / 69 846 = 1.7495633, 147 300 / 69 315 = 2.1250812, 153 900 / 69 315 = 2.2202986 (provisional)
    yearly = [value(indicators, "grants_per_capita_eur", y)[0] for y in ("2023", "2024", "2025")]
    assert yearly == pytest.approx([122200 / 69846, 147300 / 69315, 153900 / 69315], rel=1e-15)
    # mean: (1.7495633 + 2.1250812 + 2.2202986) / 3 = 6.0949431 / 3 = 2.0316477 €/asukas, between 1.75 and 2.22
    assert value(indicators, "grants_per_capita_yearly_mean_eur", "2022-2025") == (pytest.approx(2.0316477043180137, rel=1e-12), True)
    # over the term: 423 400 / mean of the denominators (69 846 + 69 315 + 69 315) / 3 = 69 492 -> 6.0928
    assert value(indicators, "grants_per_capita_eur", "2022-2025") == (pytest.approx(423400 / 69492), True)
    assert set(indicators.loc[indicators["period"] == "2025-2029", "indicator"]) == {"term_grant_years"}
    assert not indicators["indicator"].isin(["grants_per_capita_annualised_eur", "term_months_covered",
                                              "support_total_per_capita_annualised_eur", "support_term_months_covered"]).any()
    terms = pd.read_parquet(sample_run.data / "processed" / "term_figures.parquet")
    region = terms.loc[terms["area"] == "MK18"].iloc[0]
    assert (region["term"], region["years"], region["yearly_min"], region["yearly_max"]) == (
        "2022-2025", "2023 2024 2025", pytest.approx(yearly[0]), pytest.approx(yearly[2]))


def test_no_page_compares_the_new_term_with_the_old(sample_run):
    summary = (sample_run.reports / "2025" / "summary.html").read_text(encoding="utf-8")
    card = summary[summary.index('data-card="grants_per_capita_yearly_mean_eur"'):]
    card = card[:card.index("</li>")]
    assert "kortti-muutos" not in card and "ei tietoa" in card
    assert "Kausi kesken: 0 avustusvuotta aineistossa; vuoden 2025 avustukset kuuluvat kauteen 2022–2025" in card
    for page in ("summary.html", "council_term.html", "premises.html"):
        html = (sample_run.reports / "2025" / page).read_text(encoding="utf-8")
        assert "edelliseen kauteen verrattuna" not in html and "edellisellä kaudella" not in html, page
        assert "vuositasoistet" not in html and "Kuukausia aineistossa" not in html, page


def test_a_2023_page_uses_data_up_to_2023(sample_run):
    summary = (sample_run.reports / "2023" / "summary.html").read_text(encoding="utf-8")
    # the term card: 2022–2025 as of 2023 is the 2023 figure alone, 1.7495633250293503 €/asukas, running
    assert ('data-indicator="grants_per_capita_yearly_mean_eur" data-period="2022-2025" data-area="MK18" '
            'data-value="1.7495633250293503" data-years="2023">1,75') in summary
    assert "Kausi kesken: 1 avustusvuosi aineistossa" in summary
    council = (sample_run.reports / "2023" / "council_term.html").read_text(encoding="utf-8")
    assert "2025–2029" not in council and "2025-2029" not in council  # a term that starts later is never shown
    assert "122\u00a0200\u00a0€" in council and "kausi kesken: 1 avustusvuosi aineistossa" in council
    assert "423\u00a0400" not in council  # the whole term's total is not known in 2023
    premises = (sample_run.reports / "2023" / "premises.html").read_text(encoding="utf-8")
    terms = premises[premises.index("Tuki aluevaltuustokausittain"):]
    # 2023's in-kind 7 558,50 € (VPK bookings out of scope) and total support 122 200 + 7 558,50 = 129 758,50 €
    assert "2025–2029" not in terms and "7\u00a0559\u00a0€" in terms and "129\u00a0759\u00a0€" in terms
