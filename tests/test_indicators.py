import datetime as dt

import pandas as pd
import pytest

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_domain
from kainuu_metrics.indicators.grants import grant_indicators, months_between, term_coverage
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
    ind, _ = result
    # term 1 with data: 1.1.2023-31.5.2025 = 29 months; years 2023-2025, mean population (1000+900+900)/3
    assert value(ind, "term_months_covered", "2022-2025")[0] == 29
    assert value(ind, "grants_total_eur", "2022-2025")[0] == 5800
    per_capita = 5800 / ((1000 + 900 + 900) / 3)
    assert value(ind, "grants_per_capita_eur", "2022-2025") == (pytest.approx(per_capita), True)
    assert value(ind, "grants_per_capita_annualised_eur", "2022-2025")[0] == pytest.approx(per_capita * 12 / 29)
    # term 2: 1.6.2025-31.12.2025 = 7 months; only the October one-off grant
    assert value(ind, "term_months_covered", "2025-2029")[0] == 7
    assert value(ind, "grants_total_eur", "2025-2029")[0] == 300
    assert value(ind, "grants_per_capita_annualised_eur", "2025-2029")[0] == pytest.approx(300 / 900 * 12 / 7)
    assert value(ind, "grants_total_eur", "2025-2029", "KU205")[0] == 0


def test_population_indicator_for_every_year_and_area_read(result):
    ind, _ = result
    population = ind.loc[ind["indicator"] == "population"]
    assert len(population) == 6
    assert value(ind, "population", 2024, "KU205") == (500, False)


def test_term_coverage_and_months():
    first = DOMAIN.council_terms[0]
    assert term_coverage(first, 2023, 2025) == (dt.date(2023, 1, 1), dt.date(2025, 5, 31))
    assert term_coverage(DOMAIN.council_terms[1], 2023, 2024) is None
    assert months_between(dt.date(2022, 3, 1), dt.date(2025, 5, 31)) == 39


def test_denominators_fallback_for_every_requested_year():
    denominators = population_denominators(POPULATION_ROWS, [2023, 2026], ["MK18"])
    assert denominators[["year", "population", "population_year", "provisional"]].values.tolist() == [
        [2023, 1000, 2023, False], [2026, 900, 2024, True],
    ]


def test_slug():
    assert slug("Mielenterveys- ja päihdetoimijat") == "mielenterveys_ja_paihdetoimijat"
