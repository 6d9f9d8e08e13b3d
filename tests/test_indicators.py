import datetime as dt

import pandas as pd
import pytest

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_domain
from kainuu_metrics.indicators.grants import grant_indicators
from kainuu_metrics.indicators.grants import indicators as grant_indicator_entry
from kainuu_metrics.settings import load_settings
from kainuu_metrics.indicators.population import population_denominators
from kainuu_metrics.indicators.table import slug
from kainuu_metrics.datasets.schemas import GRANTS, POPULATION, conform

DOMAIN = load_domain(CONFIG_DIR)


def grant(year, date, org, bid, kind, applied, granted, municipality, lahella, network=None, area=None):
    return {
        "year": year, "decision_date": dt.date(*date), "organisation": org, "business_id": bid,
        "grant_type": kind, "applied_eur": applied, "granted_eur": granted,
        "decision": "myönnetty" if granted else "hylätty", "municipality_code": municipality,
        "lahella_registered": lahella, "network": network, "service_area": area,
        "council_term": next(t.id for t in DOMAIN.council_terms if t.contains(dt.date(*date))),
        "source_file": "raw/grants/x.csv", "sheet": "", "source_row": 1,
    }


GRANT_ROWS = conform(pd.DataFrame([
    grant(2023, (2023, 3, 15), "Org A", "2077474-0", "toiminta", 1000, 800, "205", True, "Ikäverkosto", "Ikäihmisten palvelut"),
    grant(2023, (2023, 3, 15), "Org B", None, "kumppanuus", 3000, 2000, "290", False, "Lapset, nuoret ja perheet"),
    grant(2023, (2023, 3, 15), "Org C", None, "kerta", 500, 0, "205", None),
    grant(2024, (2024, 3, 14), "Org A", "2077474-0", "toiminta", 1000, 1000, "205", True),
    grant(2025, (2025, 3, 13), "Org B", None, "kumppanuus", 2000, 2000, "290", True),
    grant(2025, (2025, 10, 1), "Org D", None, "kerta", 300, 300, None, True),
]), GRANTS)

POPULATION_ROWS = conform(pd.DataFrame([
    {"year": y, "area_code": a, "area_name": a, "population": p, "source_file": "raw/population/p.csv", "sheet": "", "source_row": 1}
    for y, a, p in [(2023, "MK18", 1000), (2024, "MK18", 900), (2023, "KU205", 600), (2024, "KU205", 500), (2023, "KU290", 400), (2024, "KU290", 400)]
]), POPULATION)


@pytest.fixture(scope="module")
def result():
    return grant_indicators(GRANT_ROWS, POPULATION_ROWS, DOMAIN)


def value(indicators, indicator, period, area="MK18"):
    indicator, _, category = indicator.partition(":")
    hit = indicators.loc[
        (indicators["indicator"] == indicator) & (indicators["period"] == str(period)) & (indicators["area"] == area)
        & (indicators["category"] == category)
    ]
    assert len(hit) == 1, (indicator, period, area, hit)
    return hit["value"].iloc[0], bool(hit["provisional"].iloc[0])


def test_columns(result):
    indicators, _ = result
    assert list(indicators.columns) == ["indicator", "period", "area", "category", "value", "unit", "provisional", "suppression"]


def test_yearly_totals_and_breakdowns(result):
    ind, _ = result
    assert value(ind, "grants_total_eur", 2023) == (2800, False)
    assert value(ind, "grants_total_eur", 2023, "KU205")[0] == 800
    assert value(ind, "grants_total_eur", 2023, "KU290")[0] == 2000
    assert value(ind, "grants_total_eur", 2023, "KU105")[0] == 0
    assert value(ind, "grants_by_type_eur:toiminta", 2023)[0] == 800
    assert value(ind, "grants_by_type_eur:kumppanuus", 2023)[0] == 2000
    assert value(ind, "grants_by_type_eur:kerta", 2023)[0] == 0
    assert value(ind, "grants_applications:kerta", 2023)[0] == 1
    assert value(ind, "grants_by_network_eur:ikaverkosto", 2023)[0] == 800
    assert value(ind, "grants_by_network_eur:lapset_nuoret_ja_perheet", 2023)[0] == 2000
    assert value(ind, "grants_by_service_area_eur:ikaihmisten_palvelut", 2023)[0] == 800
    assert value(ind, "grants_applications", 2023)[0] == 3
    assert value(ind, "grants_applied_eur", 2023)[0] == 4500
    assert value(ind, "approval_rate", 2023)[0] == pytest.approx(2800 / 4500)
    assert value(ind, "organisations_funded", 2023)[0] == 2
    assert value(ind, "lahella_registered_share", 2023)[0] == 0.5  # A yes, B no; C got nothing


def test_per_capita_uses_same_year_population(result):
    ind, _ = result
    assert value(ind, "grants_per_capita_eur", 2023) == (pytest.approx(2.8), False)
    assert value(ind, "grants_per_capita_eur", 2023, "KU205")[0] == pytest.approx(800 / 600)
    assert value(ind, "grants_per_capita_eur", 2023, "KU290")[0] == pytest.approx(5.0)
    assert value(ind, "grants_per_capita_eur", 2024) == (pytest.approx(1000 / 900), False)
    assert value(ind, "population_used", 2023) == (1000, False)


def test_unpublished_population_falls_back_and_is_provisional(result):
    ind, denominators = result
    assert value(ind, "grants_per_capita_eur", 2025) == (pytest.approx(2300 / 900), True)
    assert value(ind, "population_used", 2025) == (900, True)
    row = denominators.loc[(denominators["year"] == 2025) & (denominators["area_code"] == "MK18")].iloc[0]
    assert (row["population"], row["population_year"], row["provisional"]) == (900, 2024, True)
    # no population for Hyrynsalmi at all: no per-capita value, and the denominator is missing
    assert ind.loc[(ind["indicator"] == "grants_per_capita_eur") & (ind["area"] == "KU105")].empty
    assert denominators.loc[denominators["area_code"] == "KU105", "population"].isna().all()


def test_change_from_previous_year(result):
    ind, _ = result
    assert value(ind, "grants_total_change", 2024)[0] == pytest.approx(1000 / 2800 - 1)
    assert value(ind, "grants_total_change", 2025)[0] == pytest.approx(2300 / 1000 - 1)
    assert ind.loc[(ind["indicator"] == "grants_total_change") & (ind["period"] == "2023")].empty


def test_council_terms(result):
    # Rule changed on purpose (issue "Figures that mean what they say"): a term is made of whole grant
    # years, and a grant year belongs to the term of its main round. 2025's main round is 13.3.2025
    # (2 000 € > the 300 € one-off grant of 1.10.2025), so the whole of 2025, the October grant
    # included, belongs to 2022–2025; 2025–2029 has no grant year yet. The old annualised figure
    # (and term_months_covered) is gone.
    ind, _ = result
    assert value(ind, "term_grant_years", "2022-2025") == (3, False)
    assert value(ind, "term_grant_years", "2025-2029") == (0, False)  # started 1.6.2025, no grant year yet
    assert value(ind, "grants_total_eur", "2022-2025")[0] == 2800 + 1000 + 2300  # 6 100 €
    # € per inhabitant over the term: 6 100 / mean of the denominators used (1 000 + 900 + 900) / 3 = 933.33
    assert value(ind, "grants_per_capita_eur", "2022-2025") == (pytest.approx(6100 / ((1000 + 900 + 900) / 3)), True)  # 6.5357
    # yearly mean: (2.8 + 1000/900 + 2300/900) / 3 = (2.8 + 1.1111 + 2.5556) / 3 = 2.1556, between 1.1111 and 2.8
    yearly_mean = value(ind, "grants_per_capita_yearly_mean_eur", "2022-2025")
    assert yearly_mean == (pytest.approx((2.8 + 1000 / 900 + 2300 / 900) / 3), True)
    assert 1000 / 900 <= yearly_mean[0] <= 2.8
    # municipalities: Kajaani 800 + 1 000 + 0 = 1 800 € over (600 + 500 + 500) / 3; yearly (800/600 + 1000/500 + 0/500) / 3
    assert value(ind, "grants_total_eur", "2022-2025", "KU205")[0] == 1800
    assert value(ind, "grants_per_capita_eur", "2022-2025", "KU205")[0] == pytest.approx(1800 / ((600 + 500 + 500) / 3))  # 3.375
    assert value(ind, "grants_per_capita_yearly_mean_eur", "2022-2025", "KU205")[0] == pytest.approx((800 / 600 + 2 + 0) / 3)  # 1.1111
    # Kuhmo: 2 000 + 0 + 2 000 over 400 each year -> 10.0 over the term, (5 + 0 + 5) / 3 per year
    assert value(ind, "grants_per_capita_yearly_mean_eur", "2022-2025", "KU290")[0] == pytest.approx(10 / 3)
    # Hyrynsalmi has no population: its total (0 €) is published, no € per inhabitant
    assert value(ind, "grants_total_eur", "2022-2025", "KU105")[0] == 0
    assert ind.loc[(ind["period"] == "2022-2025") & (ind["area"] == "KU105") & ind["indicator"].str.contains("per_capita")].empty
    # nothing but the count for 2025–2029, and no annualised or months figures at all
    assert set(ind.loc[ind["period"] == "2025-2029", "indicator"]) == {"term_grant_years"}
    assert not ind["indicator"].isin(["grants_per_capita_annualised_eur", "term_months_covered"]).any()


def test_term_figures_table_is_derived_for_the_checks():
    settings = load_settings(CONFIG_DIR)
    derived = grant_indicator_entry({"grants": GRANT_ROWS, "population": POPULATION_ROWS}, settings)
    table = derived.tables["term_figures"]
    assert list(table.columns) == ["term", "area", "grant_years", "years", "complete", "total_eur", "population_mean", "per_capita",
                                   "yearly_min", "yearly_max", "yearly_mean", "provisional"]
    assert set(table["term"]) == {"2022-2025"} and len(table) == len(DOMAIN.area_codes)  # terms with grant years only
    region = table.loc[table["area"] == "MK18"].iloc[0]
    assert (region["grant_years"], region["years"], region["complete"]) == (3, "2023 2024 2025", True)
    assert (region["yearly_min"], region["yearly_max"]) == (pytest.approx(1000 / 900), pytest.approx(2.8))
    assert region["total_eur"] == 6100 and region["per_capita"] == pytest.approx(6100 / (2800 / 3))
    present = table.dropna(subset=["yearly_mean"])
    assert ((present["yearly_min"] <= present["yearly_mean"]) & (present["yearly_mean"] <= present["yearly_max"])).all()


def test_population_indicator_for_every_year_and_area_read(result):
    ind, _ = result
    population = ind.loc[ind["indicator"] == "population"]
    assert len(population) == 6
    assert value(ind, "population", 2024, "KU205") == (500, False)


def test_denominators_fallback_for_every_requested_year():
    denominators = population_denominators(POPULATION_ROWS, [2023, 2026], ["MK18"])
    assert denominators[["year", "population", "population_year", "provisional"]].values.tolist() == [
        [2023, 1000, 2023, False], [2026, 900, 2024, True],
    ]


def test_slug():
    assert slug("Mielenterveys- ja päihdetoimijat") == "mielenterveys_ja_paihdetoimijat"


# --- municipalities: home municipality and area of activity ----------------------------------------

def placed(org, granted, home, activity, year=2024):
    return {**grant(year, (year, 3, 14), org, None, "toiminta", granted, granted, home, True), "activity_municipalities": activity}


AREA_ROWS = conform(pd.DataFrame([
    placed("A", 1000, "205", "105;205;290"),  # three municipalities: 1 000 / 3 = 333,33… each
    placed("B", 2000, "205", "region"),  # the whole region: a region row, no municipality
    placed("C", 600, "205", "205"),
    placed("D", 300, None, None),  # neither home nor area in the export
    placed("E", 0, "290", "290"),  # rejected: 0 €
    # 2025: an export like the state's, with the area of activity but no home municipality
    placed("F", 400, None, "205;290", year=2025),
    placed("G", 100, None, "290", year=2025),
]), GRANTS)


@pytest.fixture(scope="module")
def areas():
    indicators, _ = grant_indicators(AREA_ROWS, POPULATION_ROWS, DOMAIN)
    return indicators


def test_home_municipality_view(areas):
    # 2024 home: Kajaani 1 000 + 2 000 + 600 = 3 600; Kuhmo 0 (E got nothing); D names none: 300 unknown
    assert value(areas, "grants_total_eur", 2024)[0] == 3900  # 1 000 + 2 000 + 600 + 300 + 0
    assert value(areas, "grants_total_eur", 2024, "KU205")[0] == 3600
    assert value(areas, "grants_total_eur", 2024, "KU290")[0] == 0
    assert value(areas, "grants_home_municipality_unknown_eur", 2024)[0] == 300
    assert value(areas, "grants_per_capita_eur", 2024, "KU205")[0] == pytest.approx(3600 / 500)  # = 7,20
    homes = sum(value(areas, "grants_total_eur", 2024, f"KU{code}")[0] for code in DOMAIN.municipalities)
    assert homes + 300 == 3900


def test_activity_area_view_divides_a_grant_equally_among_the_listed_municipalities(areas):
    third = 1000 / 3  # 333,333…
    assert value(areas, "grants_by_activity_area_eur", 2024, "KU105")[0] == pytest.approx(third)
    assert value(areas, "grants_by_activity_area_eur", 2024, "KU205")[0] == pytest.approx(third + 600)  # 933,33…
    assert value(areas, "grants_by_activity_area_eur", 2024, "KU290")[0] == pytest.approx(third)  # + E's 0 €
    assert value(areas, "grants_by_activity_area_eur", 2024, "KU765")[0] == 0
    assert value(areas, "grants_region_wide_eur", 2024)[0] == 2000  # B: never split to municipalities
    assert value(areas, "grants_activity_area_unknown_eur", 2024)[0] == 300  # D
    # € per inhabitant by area: Kajaani 933,33… / 500 = 1,8667; Kuhmo 333,33… / 400 = 0,8333
    assert value(areas, "grants_by_activity_area_per_capita_eur", 2024, "KU205") == (pytest.approx((third + 600) / 500), False)
    assert value(areas, "grants_by_activity_area_per_capita_eur", 2024, "KU290")[0] == pytest.approx(third / 400)
    # no population for Hyrynsalmi: no € per inhabitant, the euros are still shown
    assert areas.loc[(areas["indicator"] == "grants_by_activity_area_per_capita_eur") & (areas["area"] == "KU105")].empty
    # never a region value for the split itself: the region's figure is grants_total_eur
    assert areas.loc[(areas["indicator"] == "grants_by_activity_area_eur") & (areas["area"] == "MK18")].empty


def test_municipalities_plus_region_wide_plus_unknown_is_the_region_total(areas):
    for year, total in ((2024, 3900), (2025, 500)):
        by_area = sum(value(areas, "grants_by_activity_area_eur", year, f"KU{code}")[0] for code in DOMAIN.municipalities)
        rest = value(areas, "grants_region_wide_eur", year)[0] + value(areas, "grants_activity_area_unknown_eur", year)[0]
        assert by_area + rest == pytest.approx(total) == value(areas, "grants_total_eur", year)[0]
    # 2024: 333,33… × 3 + 600 + 2 000 + 300 = 3 900; 2025: (200 + 300) + 0 + 0 = 500


def test_a_year_without_the_column_has_no_municipality_values_in_that_view(areas):
    # 2025: F 400 € over Kajaani and Kuhmo (200 each), G 100 € Kuhmo -> Kajaani 200, Kuhmo 300
    assert value(areas, "grants_by_activity_area_eur", 2025, "KU205")[0] == 200
    assert value(areas, "grants_by_activity_area_eur", 2025, "KU290")[0] == 300
    # no home municipality in 2025: no municipality rows by home, the whole 500 € is unknown
    home_2025 = areas.loc[(areas["indicator"] == "grants_total_eur") & (areas["period"] == "2025") & areas["area"].str.startswith("KU")]
    assert home_2025.empty
    assert value(areas, "grants_home_municipality_unknown_eur", 2025)[0] == 500
    # the main fixture's exports state no area at all: every year's euros are "unknown", none in municipalities
    plain, _ = grant_indicators(GRANT_ROWS, POPULATION_ROWS, DOMAIN)
    assert value(plain, "grants_activity_area_unknown_eur", 2023)[0] == 2800
    assert value(plain, "grants_region_wide_eur", 2023)[0] == 0
    assert plain.loc[plain["indicator"] == "grants_by_activity_area_eur"].empty


def test_municipality_table_shows_both_views_side_by_side_with_their_methods(areas):
    from kainuu_metrics.report import views

    table = views.municipality_table(areas, 2024, DOMAIN).set_index("Kunta")
    kajaani = table.loc["Kajaani"]
    assert (kajaani[views.HOME_EUR], kajaani[views.HOME_PER_CAPITA]) == (3600, pytest.approx(7.2))
    assert kajaani[views.ACTIVITY_EUR] == pytest.approx(1000 / 3 + 600)
    region_wide = table.loc["Koko Kainuu: toiminta koko alueella, ei jaettu kunnille"]
    assert region_wide[views.ACTIVITY_EUR] == 2000 and pd.isna(region_wide[views.HOME_EUR])
    assert table.loc[views.UNKNOWN_ROW, [views.HOME_EUR, views.ACTIVITY_EUR]].tolist() == [300, 300]
    assert table.loc["Kainuu yhteensä", [views.HOME_EUR, views.ACTIVITY_EUR]].tolist() == [3900, 3900]
    # each € column adds up to the total: home 3 600 + 300; area 333,33… × 3 + 600 + 2 000 + 300
    body = table.drop(index="Kainuu yhteensä")
    assert body[views.HOME_EUR].sum() == 3900 and body[views.ACTIVITY_EUR].sum() == pytest.approx(3900)

    notes = views.municipality_notes(areas, 2025, DOMAIN)
    assert notes.startswith(views.HOME_METHOD) and views.ACTIVITY_METHOD in notes
    assert "ei kerro, missä kunnissa avustettu toiminta tapahtuu" in views.HOME_METHOD
    assert "avustus jaetaan tasan toiminta-alueen kuntien kesken" in views.ACTIVITY_METHOD
    assert ("Vuoden 2025 avustusviennissä ei ole järjestön kotikuntaa, joten kotikunnan mukaista kuntajakoa ei voi "
            "laskea: kaikki vuoden avustukset (500\u00a0€) ovat rivillä ”Tieto puuttuu viennistä”.") in notes
    assert "300\u00a0€ on riveillä, joiden viennissä ei ole toiminta-aluetta" in views.municipality_notes(areas, 2024, DOMAIN)
    chart = views.municipality_chart_data(areas, 2025, DOMAIN)
    assert set(chart["näkökulma"]) == {"toiminta-alueen mukaan (laskennallinen)"}  # no home view in 2025


def test_lookup_reads_one_cell_as_pages_show_it():
    from kainuu_metrics.indicators.table import EUR, MISSING_CELL, PERSONS, Cell, lookup, rows, tidy

    table = tidy(rows("grants_total_eur", 2024, {"MK18": 1250.5, "KU205": None}, EUR, {"MK18": True})
                 + rows("experts", 2024, {"MK18": 3.0}, PERSONS, suppression={"MK18": "<5"})
                 + rows("grants_by_type_eur", "2021-2025", {"MK18": 40.0}, EUR, category="kerta"))
    assert lookup(table, "grants_total_eur", 2024, "MK18") == Cell(1250.5, True, "")
    assert lookup(table, "grants_total_eur", "2024", "KU205") == Cell(None, False, "")  # a row without a value
    assert lookup(table, "experts", 2024, "MK18") == Cell(None, False, "<5")  # suppressed: the marker, never the count
    assert lookup(table, "grants_by_type_eur", "2021-2025", "MK18", "kerta").value == 40.0
    assert lookup(table, "grants_by_type_eur", "2021-2025", "MK18") is MISSING_CELL  # the category is part of the key
    assert lookup(table, "grants_total_eur", 2025, "MK18") is MISSING_CELL
    assert lookup(tidy([]), "grants_total_eur", 2024, "MK18") is MISSING_CELL


def test_cells_answer_as_lookup_does_for_one_period_and_area():
    from kainuu_metrics.indicators.table import EUR, PERSONS, Cell, cells, lookup, rows, tidy

    table = tidy(rows("grants_total_eur", 2024, {"MK18": 1250.5, "KU205": None}, EUR, {"MK18": True})
                 + rows("experts", 2024, {"MK18": 3.0}, PERSONS, suppression={"MK18": "<5"})
                 + rows("grants_by_type_eur", 2024, {"MK18": 40.0}, EUR, category="kerta")
                 + rows("grants_by_type_eur", 2024, {"MK18": 99.0}, EUR, category="kerta")  # a repeated key: the first counts
                 + rows("grants_total_eur", 2025, {"MK18": 7.0}, EUR))
    assert cells(table, 2024, "MK18") == {
        ("grants_total_eur", ""): Cell(1250.5, True, ""),
        ("experts", ""): Cell(None, False, "<5"),
        ("grants_by_type_eur", "kerta"): Cell(40.0, False, ""),
    }
    assert all(cell == lookup(table, indicator, 2024, "MK18", category) for (indicator, category), cell in cells(table, "2024", "MK18").items())
    assert cells(table, 2024, "KU205") == {("grants_total_eur", ""): Cell(None, False, "")}
    assert cells(tidy([]), 2024, "MK18") == {}
