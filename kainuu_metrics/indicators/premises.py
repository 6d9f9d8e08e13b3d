"""Indicators of the premises lent free of charge: in-kind support (the value of the use),
hours, organisations and bookings, and total support (grants + in-kind) per inhabitant, per year
and per council term, for the region; and, per year, the bookings set aside because the
cooperation plan does not cover their organisation (premises_out_of_scope_*). Tidy rows (see `kainuu_metrics.indicators.table`); the
breakdowns of premises_inkind_eur have category ``network_<slug>`` or ``org_<slug>``."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kainuu_metrics.datasets.base import Derived
from kainuu_metrics.datasets.premises.organisations import with_organisations
from kainuu_metrics.indicators.population import population_denominators
from kainuu_metrics.indicators.table import COUNT, EUR, EUR_PER_INHABITANT, HOURS, PERSONS, lookup, rows, slug, tidy
from kainuu_metrics.indicators.terms import grant_year_terms, support_year_terms, term_figures, term_rows
from kainuu_metrics.settings import Domain, Settings

INKIND = "premises_inkind_eur"


def _yearly_rows(bookings: pd.DataFrame, grant_indicators: pd.DataFrame, population: pd.DataFrame, domain: Domain) -> list[dict]:
    region = domain.region_code
    years = sorted(int(y) for y in bookings["year"].unique())
    denominators = population_denominators(population, years, [region]).set_index("year")
    out: list[dict] = []
    for year in years:
        b = bookings.loc[bookings["year"] == year]
        inkind = float(b["cost_eur"].sum())
        out += rows(INKIND, year, {region: inkind}, EUR)
        for network, amount in b.groupby("network")["cost_eur"].sum().sort_index().items():
            out += rows("premises_inkind_eur", year, {region: float(amount)}, EUR, category=f"network_{slug(str(network))}")
        for org_slug, amount in b.groupby("org_slug")["cost_eur"].sum().sort_index().items():
            out += rows("premises_inkind_eur", year, {region: float(amount)}, EUR, category=f"org_{org_slug}")
        out += rows("premises_hours", year, {region: float(b["hours"].sum())}, HOURS)
        out += rows("premises_organisations", year, {region: float(b["org_key"].nunique())}, COUNT)
        out += rows("premises_bookings", year, {region: float(len(b))}, COUNT)
        grants_total = lookup(grant_indicators, "grants_total_eur", year, region).value
        if grants_total is None:
            continue  # no grant data for the year: the total support is not known
        total = grants_total + inkind
        out += rows("support_total_eur", year, {region: total}, EUR)
        used = denominators.loc[year]
        if not pd.isna(used["population"]):
            out += rows(
                "support_total_per_capita_eur", year, {region: total / float(used["population"])},
                EUR_PER_INHABITANT, bool(used["provisional"]),
            )
    return out


def _term_rows(bookings: pd.DataFrame, yearly: list[dict], grants: pd.DataFrame, population: pd.DataFrame, domain: Domain) -> list[dict]:
    """Per council term, from the yearly rows: in-kind of the term's premises years, and total
    support, € per inhabitant and yearly mean € per inhabitant of its years with both grant and
    booking data. A year's term is its grant year's (indicators/terms.py); a year with bookings
    but no grants belongs to the term in force on 30.6. of that year."""
    region = domain.region_code
    years = sorted(int(y) for y in bookings["year"].unique())
    year_terms = support_year_terms(grant_year_terms(grants, domain.council_terms), years, domain.council_terms)
    used = population_denominators(population, years, [region])
    denominators = [
        row for r in used.loc[used["population"].notna()].itertuples()
        for row in rows("population_used", r.year, {region: float(r.population)}, PERSONS, bool(r.provisional))
    ]
    table = tidy(yearly + denominators)
    inkind = term_figures(table, year_terms, domain.council_terms, total=INKIND, per_capita=INKIND, areas=[region])
    out: list[dict] = []
    for r in inkind.loc[inkind["grant_years"] > 0].itertuples():
        out += rows(INKIND, r.term, {region: float(r.total_eur)}, EUR)
    support = term_figures(table, year_terms, domain.council_terms, total="support_total_eur",
                           per_capita="support_total_per_capita_eur", areas=[region])
    return out + term_rows(support, total="support_total_eur", per_capita="support_total_per_capita_eur",
                           yearly_mean_id="support_total_per_capita_yearly_mean_eur")


def premises_indicators(
    premises: pd.DataFrame, grants: pd.DataFrame, grant_indicators: pd.DataFrame, population: pd.DataFrame, domain: Domain
) -> pd.DataFrame:
    """Yearly and per-council-term in-kind support and total support (grants + in-kind), for
    the region; tidy indicator rows.

    Yearly: premises_inkind_eur (total, and by category `network_<slug>` and `org_<slug>`),
    premises_hours, premises_organisations, premises_bookings, and, for years that also have
    grants_total_eur in `grant_indicators`, support_total_eur and support_total_per_capita_eur
    (year-end population, latest earlier year as a provisional fallback).
    Per term (a year belongs to its grant year's term, see indicators/terms.py; a year with
    bookings but no grants to the term in force on 30.6.): premises_inkind_eur of the term's
    years, and over its years with both grant and booking data support_total_eur,
    support_total_per_capita_eur (divided by the mean of those years' denominators) and
    support_total_per_capita_yearly_mean_eur (the mean of those years' figures)."""
    if premises.empty:
        return tidy([])
    if not {"year", "area_code", "population"} <= set(population.columns):
        population = pd.DataFrame(
            {"year": pd.Series(dtype="int64"), "area_code": pd.Series(dtype=object), "population": pd.Series(dtype="int64")}
        )
    bookings = with_organisations(premises, grants)
    yearly = _yearly_rows(bookings, grant_indicators, population, domain)
    return tidy(yearly + _term_rows(bookings, yearly, grants, population, domain))


def out_of_scope_indicators(premises: pd.DataFrame, out_of_scope: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """Per year, for the region: premises_out_of_scope_eur and premises_out_of_scope_bookings,
    the bookings of organisations the cooperation plan does not cover (out_of_scope_organisations
    in the domain configuration), which are not in the figures above; total and by kind. Every
    year with bookings gets a value, 0 when none was set aside."""
    region = domain.region_code
    years: set[int] = set()
    for frame in (premises, out_of_scope):
        if "year" in frame:
            years |= {int(y) for y in frame["year"].dropna().unique()}
    out: list[dict] = []
    for year in sorted(years):
        scoped = out_of_scope.loc[out_of_scope["year"] == year] if "year" in out_of_scope else out_of_scope.iloc[0:0]
        out += rows("premises_out_of_scope_eur", year, {region: float(scoped["cost_eur"].sum()) if len(scoped) else 0.0}, EUR)
        out += rows("premises_out_of_scope_bookings", year, {region: float(len(scoped))}, COUNT)
        for kind, group in (scoped.groupby("kind") if len(scoped) else ()):
            out += rows("premises_out_of_scope_eur", year, {region: float(group["cost_eur"].sum())}, EUR, category=str(kind))
            out += rows("premises_out_of_scope_bookings", year, {region: float(len(group))}, COUNT, category=str(kind))
    return tidy(out)


def indicators(tables: Mapping[str, pd.DataFrame], settings: Settings) -> Derived:
    """The premises dataset's registry entry point: reads the bookings (and those set aside as
    out of scope), the cleaned grants and population, and the grant indicators computed before
    ("indicators")."""
    empty = pd.DataFrame()
    figures = premises_indicators(
        tables.get("premises", empty),
        tables.get("grants", empty),
        tables.get("indicators", empty),
        tables.get("population", empty),
        settings.domain,
    )
    scoped = out_of_scope_indicators(tables.get("premises", empty), tables.get("premises_out_of_scope", empty), settings.domain)
    return Derived(pd.concat([figures, scoped], ignore_index=True) if not scoped.empty else figures)
