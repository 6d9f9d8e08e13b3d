"""Council terms (kainuu_metrics/indicators/terms.py): which grant year belongs to which term, a
term's three figures as of a year, and the like-for-like comparison, on small hand-made frames."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kainuu_metrics.indicators.table import rows, tidy
from kainuu_metrics.indicators.terms import (
    Comparison,
    TermStatus,
    grant_year_terms,
    is_complete,
    like_for_like,
    main_round_date,
    support_year_terms,
    term_figures,
    term_rows,
    term_statuses,
    yearly_mean,
)
from kainuu_metrics.settings import CouncilTerm

FIRST = CouncilTerm("2022-2025", dt.date(2022, 3, 1), dt.date(2025, 5, 31), "1. kausi")
SECOND = CouncilTerm("2025-2029", dt.date(2025, 6, 1), dt.date(2029, 5, 31), "2. kausi")
THIRD = CouncilTerm("2029-2033", dt.date(2029, 6, 1), dt.date(2033, 5, 31), "3. kausi")
TERMS = (FIRST, SECOND, THIRD)


def grants(*decisions: tuple[int, str, float]) -> pd.DataFrame:
    """(grant year, decision date, granted €) per row."""
    return pd.DataFrame({
        "year": [d[0] for d in decisions],
        "decision_date": pd.to_datetime([d[1] for d in decisions]),
        "granted_eur": [d[2] for d in decisions],
    })


# --- grant year -> term ----------------------------------------------------------------------------


def test_a_year_belongs_to_the_term_of_its_main_round():
    g = grants(
        # 2023: one round in the first term
        (2023, "2023-03-15", 122200.0),
        # 2025: main round 13.3. (900 €) before the change on 1.6.; the small autumn rounds (50 + 60 €) are in
        # the second term, but the whole year counts in the first: 900 > 50 and 900 > 60
        (2025, "2025-03-13", 900.0), (2025, "2025-09-16", 50.0), (2025, "2025-10-14", 60.0),
        # 2026: a small round in February, the main round (500 €) in September: both in the second term
        (2026, "2026-02-02", 100.0), (2026, "2026-09-10", 500.0),
    )
    assert grant_year_terms(g, TERMS) == {2023: "2022-2025", 2025: "2022-2025", 2026: "2025-2029"}


def test_a_main_round_after_the_term_change_takes_the_year_to_the_new_term():
    # 2025: 20.5. (400 €, first term) and 10.9. (600 €, second term): the September round carries more
    g = grants((2025, "2025-05-20", 400.0), (2025, "2025-09-10", 600.0))
    assert main_round_date(g) == dt.date(2025, 9, 10)
    assert grant_year_terms(g, TERMS) == {2025: "2025-2029"}


def test_a_tie_goes_to_the_earliest_date_and_a_year_without_euros_to_its_first_date():
    # two rounds of 400 € on either side of the change: the earlier (20.5.) wins, so the first term
    tie = grants((2025, "2025-09-10", 400.0), (2025, "2025-05-20", 400.0))
    assert grant_year_terms(tie, TERMS) == {2025: "2022-2025"}
    # one date carries 300 € in two grants (150 + 150), another 200 €: the sum per date counts
    summed = grants((2025, "2025-09-10", 150.0), (2025, "2025-09-10", 150.0), (2025, "2025-05-20", 200.0))
    assert grant_year_terms(summed, TERMS) == {2025: "2025-2029"}
    # nothing granted (all rejected): the earliest decision date, 20.5.2025
    nothing = grants((2025, "2025-09-10", 0.0), (2025, "2025-05-20", 0.0))
    assert grant_year_terms(nothing, TERMS) == {2025: "2022-2025"}


def test_a_year_without_dates_or_outside_every_term_belongs_to_none():
    g = pd.DataFrame({"year": [2021, 2024], "decision_date": [pd.Timestamp("2021-03-01"), pd.NaT], "granted_eur": [100.0, 100.0]})
    assert grant_year_terms(g, TERMS) == {}  # 1.3.2021 is before the first term; 2024 has no date
    assert grant_year_terms(pd.DataFrame(), TERMS) == {}


def test_premises_years_follow_their_grant_year_or_the_term_of_30_june():
    # 2025 is a grant year of the first term; 2026 has bookings but no grants -> 30.6.2026 is in the second term
    assert support_year_terms({2024: "2022-2025", 2025: "2022-2025"}, [2025, 2026], TERMS) == {2025: "2022-2025", 2026: "2025-2029"}
    # a premises-only 2025: 30.6.2025 falls in the second term (it began 1.6.2025)
    assert support_year_terms({}, [2025], TERMS) == {2025: "2025-2029"}


# --- a term as of a year ----------------------------------------------------------------------------

YEAR_TERMS = {2023: "2022-2025", 2024: "2022-2025", 2025: "2022-2025", 2026: "2025-2029", 2027: "2025-2029"}
# Yearly figures of the region R and the area A; per inhabitant = total / population_used.
#   year  R total  R population  R €/asukas      A total  A population
#   2023  1 500    1 000         1.5              100      100 -> 1.0
#   2024  1 800      900         2.0              200      100 -> 2.0
#   2025  2 250      900 *       2.5 *            300      100 -> 3.0
#   2026  1 620      900 *       1.8 *             50      -> no population: no € per inhabitant
#   2027  2 160      900 *       2.4 *              0      -> no population
# (* provisional: the 2024 population stands in for later years)
YEARLY = tidy(
    rows("grants_total_eur", 2023, {"R": 1500.0, "A": 100.0}, "eur")
    + rows("grants_total_eur", 2024, {"R": 1800.0, "A": 200.0}, "eur")
    + rows("grants_total_eur", 2025, {"R": 2250.0, "A": 300.0}, "eur")
    + rows("grants_total_eur", 2026, {"R": 1620.0, "A": 50.0}, "eur")
    + rows("grants_total_eur", 2027, {"R": 2160.0, "A": 0.0}, "eur")
    + rows("population_used", 2023, {"R": 1000.0, "A": 100.0}, "persons")
    + rows("population_used", 2024, {"R": 900.0, "A": 100.0}, "persons")
    + rows("population_used", 2025, {"R": 900.0, "A": 100.0}, "persons", True)
    + rows("population_used", 2026, {"R": 900.0}, "persons", True)
    + rows("population_used", 2027, {"R": 900.0}, "persons", True)
    + rows("grants_per_capita_eur", 2023, {"R": 1.5, "A": 1.0}, "eur_per_inhabitant")
    + rows("grants_per_capita_eur", 2024, {"R": 2.0, "A": 2.0}, "eur_per_inhabitant")
    + rows("grants_per_capita_eur", 2025, {"R": 2.5, "A": 3.0}, "eur_per_inhabitant", True)
    + rows("grants_per_capita_eur", 2026, {"R": 1.8}, "eur_per_inhabitant", True)
    + rows("grants_per_capita_eur", 2027, {"R": 2.4}, "eur_per_inhabitant", True)
    + rows("grants_total_eur", "2022-2025", {"R": 999.0}, "eur")  # a term row in the input is never read as a year
)


def _figure(frame: pd.DataFrame, term: str, area: str = "R") -> dict:
    hit = frame.loc[(frame["term"] == term) & (frame["area"] == area)]
    assert len(hit) == 1, (term, area)
    return hit.iloc[0].to_dict()


def test_the_three_figures_of_a_complete_term_with_three_grant_years():
    figures = term_figures(YEARLY, YEAR_TERMS, TERMS, up_to=2025)
    first = _figure(figures, "2022-2025")
    assert (first["grant_years"], first["years"], first["complete"]) == (3, "2023 2024 2025", True)  # ended 31.5.2025
    assert first["total_eur"] == 1500 + 1800 + 2250  # 5 550 €
    assert first["population_mean"] == pytest.approx((1000 + 900 + 900) / 3)  # 933.33
    assert first["per_capita"] == pytest.approx(5550 / ((1000 + 900 + 900) / 3))  # 5.9464 € per inhabitant over the term
    assert first["yearly_mean"] == pytest.approx((1.5 + 2.0 + 2.5) / 3)  # 2.0 € per inhabitant per year
    assert (first["yearly_min"], first["yearly_max"]) == (1.5, 2.5)
    assert first["provisional"]  # 2025 divides by the 2024 population
    a = _figure(figures, "2022-2025", "A")
    assert (a["total_eur"], a["per_capita"], a["yearly_mean"]) == (600.0, pytest.approx(600 / 100), pytest.approx(2.0))


def test_a_running_term_and_a_term_without_grant_years():
    figures = term_figures(YEARLY, YEAR_TERMS, TERMS, up_to=2026)
    second = _figure(figures, "2025-2029")
    assert (second["grant_years"], second["years"], second["complete"]) == (1, "2026", False)  # runs to 31.5.2029
    assert (second["total_eur"], second["yearly_mean"]) == (1620.0, pytest.approx(1.8))
    # the area has no population for 2026: its total is known, its € per inhabitant is not
    a = _figure(figures, "2025-2029", "A")
    assert a["total_eur"] == 50.0 and math.isnan(a["per_capita"]) and math.isnan(a["yearly_mean"])
    # as of 2025 the second term has started (1.6.2025) but has no grant year yet; the third never shows
    as_of_2025 = term_figures(YEARLY, YEAR_TERMS, TERMS, up_to=2025)
    assert list(as_of_2025["term"].unique()) == ["2022-2025", "2025-2029"]
    empty = _figure(as_of_2025, "2025-2029")
    assert (empty["grant_years"], empty["years"], empty["complete"]) == (0, "", False)
    assert math.isnan(empty["total_eur"]) and math.isnan(empty["yearly_mean"])


def test_a_page_for_2023_uses_grant_years_up_to_2023_only():
    figures = term_figures(YEARLY, YEAR_TERMS, TERMS, up_to=2023)
    assert list(figures["term"].unique()) == ["2022-2025"]  # never the 2025–2029 term on a 2023 page
    first = _figure(figures, "2022-2025")
    # 2024–2025 are ignored: only 2023's 1 500 € over 1 000 inhabitants
    assert (first["grant_years"], first["complete"], first["total_eur"]) == (1, False, 1500.0)
    assert first["per_capita"] == pytest.approx(1.5) and first["yearly_mean"] == pytest.approx(1.5)
    assert not first["provisional"]
    assert [(s.term.id, s.years, s.complete) for s in term_statuses(YEAR_TERMS, TERMS, up_to=2023)] == [("2022-2025", (2023,), False)]


def test_completeness_is_the_term_end_against_31_december():
    assert not is_complete(FIRST, 2024) and is_complete(FIRST, 2025)  # ends 31.5.2025
    assert not is_complete(SECOND, 2028) and is_complete(SECOND, 2029)


def test_term_rows_publish_three_figures_and_the_region_count():
    figures = term_figures(YEARLY, YEAR_TERMS, TERMS, up_to=2025)
    out = tidy(term_rows(figures, total="grants_total_eur", per_capita="grants_per_capita_eur",
                         yearly_mean_id="grants_per_capita_yearly_mean_eur", count="term_grant_years", region="R"))
    cells = {(r.indicator, r.period, r.area): (r.value, r.provisional) for r in out.itertuples()}
    assert cells[("term_grant_years", "2022-2025", "R")] == (3.0, False)
    assert cells[("term_grant_years", "2025-2029", "R")] == (0.0, False)  # started, no grant year yet
    assert cells[("grants_total_eur", "2022-2025", "R")] == (5550.0, False)
    assert cells[("grants_per_capita_yearly_mean_eur", "2022-2025", "R")] == (pytest.approx(2.0), True)
    assert ("term_grant_years", "2022-2025", "A") not in cells  # the count is the region's
    assert not any(period == "2025-2029" and indicator != "term_grant_years" for indicator, period, _ in cells)


# --- the yearly mean lies between the smallest and the largest year ---------------------------------


@settings(deadline=None)  # each example builds a small pandas frame: slow on a busy machine, never wrong
@given(st.lists(st.sampled_from([0.0, 0.1, 0.2, 1 / 3, 1.75, 2.1250811512659595, 1e-9, 12.5]), min_size=1, max_size=6)
       | st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=6))
def test_yearly_mean_lies_between_min_and_max(values):
    years = list(range(2023, 2023 + len(values)))
    frame = tidy([row for y, v in zip(years, values) for row in rows("grants_per_capita_eur", y, {"R": v}, "eur_per_inhabitant")])
    mean, _ = yearly_mean(frame, "grants_per_capita_eur", years, "R")
    assert min(values) <= mean <= max(values)
    assert mean == pytest.approx(sum(values) / len(values), rel=1e-12, abs=1e-12)


def test_three_equal_years_give_exactly_that_year():
    # 0.1 + 0.1 + 0.1 = 0.30000000000000004 in floating point; the mean still is 0.1, not above it
    frame = tidy([row for y in (2023, 2024, 2025) for row in rows("grants_per_capita_eur", y, {"R": 0.1}, "eur_per_inhabitant")])
    assert yearly_mean(frame, "grants_per_capita_eur", [2023, 2024, 2025], "R") == (0.1, False)
    assert yearly_mean(frame, "grants_per_capita_eur", [2023, 2026], "R") == (None, False)  # 2026 missing: no mean


# --- like for like ----------------------------------------------------------------------------------


def _status(year: int, term: CouncilTerm) -> TermStatus:
    return next(s for s in term_statuses(YEAR_TERMS, TERMS, up_to=year) if s.term == term)


def test_a_running_term_is_compared_with_the_first_k_years_of_the_previous():
    # as of 2026 the second term has one grant year: it meets the first term's first year, 2023
    assert like_for_like(_status(2026, SECOND), _status(2026, FIRST)) == Comparison((2026,), (2023,), False)
    # as of 2027: two years against 2023–2024, never against the whole first term
    assert like_for_like(_status(2027, SECOND), _status(2027, FIRST)) == Comparison((2026, 2027), (2023, 2024), False)
    # the compared figures: 1.8 (2026) vs 1.5 (2023) -> +20 %; (1.8 + 2.4) / 2 = 2.1 vs (1.5 + 2.0) / 2 = 1.75 -> +20 %
    assert yearly_mean(YEARLY, "grants_per_capita_eur", (2026,), "R")[0] / yearly_mean(YEARLY, "grants_per_capita_eur", (2023,), "R")[0] == pytest.approx(1.2)
    assert yearly_mean(YEARLY, "grants_per_capita_eur", (2026, 2027), "R")[0] == pytest.approx(2.1)
    assert yearly_mean(YEARLY, "grants_per_capita_eur", (2023, 2024), "R")[0] == pytest.approx(1.75)


def test_no_comparison_without_enough_years_or_a_previous_term():
    # a term without grant years (the second as of 2025) is never compared
    assert like_for_like(_status(2025, SECOND), _status(2025, FIRST)) is None
    # the previous term has fewer grant years than the running one: not like for like
    short = {2025: "2022-2025", 2026: "2025-2029", 2027: "2025-2029"}
    statuses = term_statuses(short, TERMS, up_to=2027)
    assert like_for_like(statuses[1], statuses[0]) is None
    assert like_for_like(_status(2024, FIRST), None) is None


def test_two_complete_terms_are_compared_whole():
    years = {2023: "2022-2025", 2024: "2022-2025", 2025: "2022-2025", 2026: "2025-2029", 2027: "2025-2029",
             2028: "2025-2029", 2029: "2025-2029", 2030: "2029-2033"}
    statuses = term_statuses(years, TERMS, up_to=2030)
    assert [(s.term.id, s.complete) for s in statuses] == [("2022-2025", True), ("2025-2029", True), ("2029-2033", False)]
    assert like_for_like(statuses[1], statuses[0]) == Comparison((2026, 2027, 2028, 2029), (2023, 2024, 2025), True)
    # the running third term (one year) against the complete second: its first year only
    assert like_for_like(statuses[2], statuses[1]) == Comparison((2030,), (2026,), False)


# --- the data-quality check on the term figures ------------------------------------------------------


def test_the_term_figures_suite_blocks_a_yearly_mean_outside_its_years():
    from kainuu_metrics.paths import CONFIG_DIR
    from kainuu_metrics.quality.checks import run_checks
    from kainuu_metrics.quality.value_sets import config_value_sets
    from kainuu_metrics.settings import load_settings

    settings = load_settings(CONFIG_DIR)
    region, town = settings.domain.area_codes[0], settings.domain.area_codes[1]
    figures = term_figures(YEARLY, YEAR_TERMS, TERMS[:2], up_to=2027).replace({"area": {"R": region, "A": town}})
    table = figures.loc[figures["grant_years"] > 0].reset_index(drop=True)
    good = run_checks({"term_figures": table}, value_sets=config_value_sets(settings))
    ours = [c for c in good.checks if c.dataset == "term_figures"]
    assert len(ours) == 7 and all(c.success for c in ours), [c.observed_fi for c in ours if not c.success]
    # a yearly mean above the largest year (2.0 for 2023–2025, whose largest year is 2.5, made 2.6) is a blocking failure
    bad = table.copy()
    bad.loc[(bad["term"] == "2022-2025") & (bad["area"] == region), "yearly_mean"] = 2.6
    report = run_checks({"term_figures": bad}, value_sets=config_value_sets(settings))
    [failed] = [c for c in report.checks if c.dataset == "term_figures" and not c.success]
    assert failed.blocking and (failed.kwargs["column_A"], failed.kwargs["column_B"]) == ("yearly_max", "yearly_mean")
    assert failed.observed_fi.startswith("1 poikkeava arvo 4 rivistä")  # 2 terms x 2 areas
    assert failed.unexpected_examples == [[2.5, 2.6]]


# --- the council-term page's tables (report/views.py) ---------------------------------------------


def test_council_term_page_tables_as_of_a_year():
    from kainuu_metrics.paths import CONFIG_DIR
    from kainuu_metrics.report import views
    from kainuu_metrics.settings import load_domain

    domain = load_domain(CONFIG_DIR)
    region, kajaani = domain.region_code, "KU205"
    frame = YEARLY.loc[YEARLY["period"] != "2022-2025"].replace({"area": {"R": region, "A": kajaani}})
    # 2023–2025 belong to 2022–2025, 2026–2027 to 2025–2029 (YEAR_TERMS)
    table = views.term_table(frame, YEAR_TERMS, domain, 2024)
    assert table.to_dict("list") == {
        "Valtuustokausi": ["1. aluevaltuustokausi 2022–2025"], "Avustusvuodet": ["2023–2024"],
        "Tila": ["kausi kesken: 2 avustusvuotta aineistossa"], "Avustukset yhteensä (€)": [1500.0 + 1800.0],
        "€ / asukas kaudella": [pytest.approx(3300 / 950)], "€ / asukas vuodessa (keskiarvo)": [pytest.approx(1.75)],
        "Ennakollinen": [False],
    }
    # as of 2025: the first term is complete; the second has started without grant years; one chart series
    assert views.term_table(frame, YEAR_TERMS, domain, 2025)["Tila"].tolist() == ["päättynyt", "kausi kesken: 0 avustusvuotta aineistossa"]
    alone = views.term_municipality_table(frame, YEAR_TERMS, domain, 2025)
    assert alone.to_dict("list") == {"kunta": ["Kajaani"], "kausi": ["2022–2025 (päättynyt)"],
                                     "eur_per_asukas_vuodessa": [pytest.approx(2.0)], "ennakollinen": [True]}  # 2025 is provisional
    assert views.term_comparison_text(YEAR_TERMS, domain, 2025) == (
        "Kautta 2022–2025 (päättynyt) ei verrata edelliseen kauteen: aineistossa ei ole sitä edeltävää kautta.")
    # as of 2026: the second term's 2026 beside the first term's 2023, never beside the whole first term
    series = views.term_series(frame, YEAR_TERMS, domain, 2026, [region])
    assert series["kausi"].tolist() == ["2022–2025 (avustusvuodet 2023)", "2025–2029 (avustusvuodet 2026)"]
    assert series["arvo"].tolist() == [1.5, 1.8]
    assert views.term_municipality_table(frame, YEAR_TERMS, domain, 2026)["eur_per_asukas_vuodessa"].tolist() == [1.0]  # no 2026 figure for Kajaani
    assert views.term_comparison_text(YEAR_TERMS, domain, 2026) == (
        "Kautta 2025–2029 (kausi kesken: 1 avustusvuosi aineistossa) verrataan kauteen 2022–2025 samanlaisina: "
        "kummankin kauden ensimmäinen avustusvuosi.")
    per_year = views.yearly_term_series(frame, YEAR_TERMS, domain, 2026)
    assert per_year[["vuosi", "kausi"]].values.tolist() == [["2023", "2022–2025"], ["2024", "2022–2025"], ["2025", "2022–2025"],
                                                            ["2026", "2025–2029"]]
    assert "kausi kesken" in views.term_rule(2026) and "31.12.2026" in views.term_rule(2026)
