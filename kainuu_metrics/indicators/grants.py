"""Grant indicators, yearly and per council term, as tidy rows (see indicators/table.py).

Method (stated in the reports and in config/indicators.yaml): a grant year's € per inhabitant
divides by the year-end population of the same year; where that is not yet published, by the
latest earlier year, and the value is marked provisional. A grant year belongs to the council
term of its main round (indicators/terms.py); a term's total, € per inhabitant (total / mean of
its grant years' denominators) and yearly mean € per inhabitant are built from its grant years.

Municipalities, two views (both stated where shown): by HOME municipality (the organisation's
registered home; `grants_total_eur`, `grants_per_capita_eur`) and by AREA OF ACTIVITY, computed
(`grants_by_activity_area_eur`: a grant listing k municipalities gives each 1/k; region-wide
grants and grants whose export does not say are region rows of their own)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kainuu_metrics.datasets.base import Derived
from kainuu_metrics.datasets.parsing import REGION_WIDE
from kainuu_metrics.indicators.population import population_denominators, population_indicators
from kainuu_metrics.indicators.table import COUNT, EUR, EUR_PER_INHABITANT, PERSONS, RATIO, municipality_area, slug, tidy
from kainuu_metrics.indicators.table import rows as _rows
from kainuu_metrics.indicators.terms import grant_year_terms, term_figures, term_rows
from kainuu_metrics.settings import Domain, Settings


def _per_capita(totals: dict[str, float], denominators: pd.DataFrame, year: int) -> tuple[dict[str, float], dict[str, bool]]:
    values, provisional = {}, {}
    table = denominators.loc[denominators["year"] == year].set_index("area_code")
    for area, total in totals.items():
        if area in table.index and not pd.isna(table.at[area, "population"]):
            values[area] = total / float(table.at[area, "population"])
            provisional[area] = bool(table.at[area, "provisional"])
    return values, provisional


def _area_totals(grants: pd.DataFrame, domain: Domain, column: str = "granted_eur") -> dict[str, float]:
    """Sum for the region and for each municipality (by the organisation's home municipality)."""
    totals = {domain.region_code: float(grants[column].sum())}
    by_municipality = grants.groupby("municipality_code")[column].sum()
    for code in domain.municipalities:
        totals[municipality_area(code)] = float(by_municipality.get(code, 0.0))
    return totals


def home_municipality_totals(grants: pd.DataFrame, domain: Domain) -> tuple[dict[str, float], float]:
    """HOME-municipality view: granted € per municipality by the organisation's home municipality
    (where it is registered, not where its activity happens), and the € of rows whose export names
    no home municipality. No municipality values when no row names one (the export lacks the column).

    The identity: sum of the municipalities + the unknown € = the region's total."""
    unknown = float(grants.loc[grants["municipality_code"].isna(), "granted_eur"].sum())
    if grants["municipality_code"].isna().all():
        return {}, unknown
    by_municipality = grants.groupby("municipality_code")["granted_eur"].sum()
    return {municipality_area(code): float(by_municipality.get(code, 0.0)) for code in domain.municipalities}, unknown


def activity_area_totals(grants: pd.DataFrame, domain: Domain) -> tuple[dict[str, float], float, float]:
    """AREA-OF-ACTIVITY view, computed ('laskennallinen'): a grant whose activity area lists k
    municipalities gives each an equal 1/k of its € (not weighted by population). Returns (€ per municipality,
    € of region-wide grants, which no municipality gets, € of grants whose export does not say).
    No municipality values when no row states an area (the export lacks the column).

    The identity: sum of the municipalities + region-wide + unknown = the region's total.

    >>> g = pd.DataFrame({"granted_eur": [900.0, 100.0, 50.0], "activity_municipalities": ["1;2;3", "region", None]})
    >>> activity_area_totals(g, Domain("MK1", "R", {"1": "A", "2": "B", "3": "C", "4": "D"}, {}, (), {}, {}, {}, {}, {}))
    ({'KU1': 300.0, 'KU2': 300.0, 'KU3': 300.0, 'KU4': 0.0}, 100.0, 50.0)
    """
    areas = grants["activity_municipalities"]
    unknown = float(grants.loc[areas.isna(), "granted_eur"].sum())
    region_wide = float(grants.loc[areas == REGION_WIDE, "granted_eur"].sum())
    if areas.isna().all():
        return {}, region_wide, unknown
    shares = dict.fromkeys(domain.municipalities, 0.0)
    listed = grants.loc[areas.notna() & (areas != REGION_WIDE)]
    for codes, amount in zip(listed["activity_municipalities"], listed["granted_eur"]):
        municipalities = codes.split(";")
        for code in municipalities:
            shares[code] += float(amount) / len(municipalities)
    return {municipality_area(code): total for code, total in shares.items()}, region_wide, unknown


def _recipients(grants: pd.DataFrame) -> pd.Series:
    """One key per funded organisation: its Y-tunnus, or its normalised name when there is none."""
    funded = grants.loc[grants["granted_eur"] > 0]
    return funded["business_id"].where(funded["business_id"].notna(), funded["organisation"].str.casefold())


def yearly_grant_indicators(grants: pd.DataFrame, denominators: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """Every yearly grant indicator for every year in the grant table."""
    rows: list[dict] = []
    region = domain.region_code
    previous_total: float | None = None
    for year in sorted(grants["year"].unique()):
        g = grants.loc[grants["year"] == year]
        home, home_unknown = home_municipality_totals(g, domain)
        totals = {region: float(g["granted_eur"].sum()), **home}
        rows += _rows("grants_total_eur", year, totals, EUR)
        rows += _rows("grants_home_municipality_unknown_eur", year, {region: home_unknown}, EUR)
        per_capita, provisional = _per_capita(totals, denominators, year)
        used = denominators.loc[(denominators["year"] == year) & denominators["population"].notna()]
        rows += _rows(
            "population_used", year,
            {r.area_code: float(r.population) for r in used.itertuples()}, PERSONS,
            {r.area_code: bool(r.provisional) for r in used.itertuples()},
        )
        rows += _rows("grants_per_capita_eur", year, per_capita, EUR_PER_INHABITANT, provisional)
        by_activity, region_wide, activity_unknown = activity_area_totals(g, domain)
        rows += _rows("grants_by_activity_area_eur", year, by_activity, EUR)
        activity_per_capita, activity_provisional = _per_capita(by_activity, denominators, year)
        rows += _rows("grants_by_activity_area_per_capita_eur", year, activity_per_capita, EUR_PER_INHABITANT, activity_provisional)
        rows += _rows("grants_region_wide_eur", year, {region: region_wide}, EUR)
        rows += _rows("grants_activity_area_unknown_eur", year, {region: activity_unknown}, EUR)
        rows += _rows("grants_applied_eur", year, {region: float(g["applied_eur"].sum())}, EUR)
        rows += _rows("grants_applications", year, {region: float(len(g))}, COUNT)
        for grant_type in domain.grant_type_labels:
            typed = g.loc[g["grant_type"] == grant_type]
            rows += _rows("grants_by_type_eur", year, {region: float(typed["granted_eur"].sum())}, EUR, category=grant_type)
            rows += _rows("grants_applications", year, {region: float(len(typed))}, COUNT, category=grant_type)
        for column, prefix in (("network", "grants_by_network_eur"), ("service_area", "grants_by_service_area_eur")):
            for name, amount in g.groupby(column)["granted_eur"].sum().items():
                rows += _rows(prefix, year, {region: float(amount)}, EUR, category=slug(str(name)))
        recipients = _recipients(g)
        rows += _rows("organisations_funded", year, {region: float(recipients.nunique())}, COUNT)
        with_applied = g.loc[g["applied_eur"].notna()]
        if with_applied["applied_eur"].sum() > 0:
            rate = with_applied["granted_eur"].sum() / with_applied["applied_eur"].sum()
            rows += _rows("approval_rate", year, {region: float(rate)}, RATIO)
        funded = g.loc[(g["granted_eur"] > 0) & g["lahella_registered"].notna()]
        if not funded.empty:
            keys = _recipients(funded)
            registered = keys[funded["lahella_registered"].astype(bool)].nunique()
            rows += _rows("lahella_registered_share", year, {region: registered / keys.nunique()}, RATIO)
        if previous_total:
            change = totals[region] / previous_total - 1
            rows += _rows("grants_total_change", year, {region: change}, RATIO)
        previous_total = totals[region]
    return tidy(rows)


def term_grant_figures(grants: pd.DataFrame, yearly: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """The term figures of every term with grant data, for the region and each municipality
    (indicators/terms.py: a grant year belongs to the term of its main round)."""
    year_terms = grant_year_terms(grants, domain.council_terms)
    return term_figures(yearly, year_terms, domain.council_terms, areas=domain.area_codes)


def term_grant_indicators(figures: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """Per council term: total €, € per inhabitant, the yearly mean € per inhabitant and (for the
    region) the number of grant years, from term_grant_figures."""
    return tidy(term_rows(
        figures, total="grants_total_eur", per_capita="grants_per_capita_eur",
        yearly_mean_id="grants_per_capita_yearly_mean_eur", count="term_grant_years", region=domain.region_code,
    ))


def grant_indicators(grants: pd.DataFrame, population: pd.DataFrame, domain: Domain) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All grant and population indicators, plus the denominators table that was used."""
    years = sorted(int(y) for y in grants["year"].unique())
    denominators = population_denominators(population, years, domain.area_codes)
    yearly = yearly_grant_indicators(grants, denominators, domain)
    terms = term_grant_indicators(term_grant_figures(grants, yearly, domain), domain)
    indicators = pd.concat([population_indicators(population), yearly, terms], ignore_index=True)
    return indicators, denominators


UNREADABLE_AMOUNT = "summa_ei_luettavissa"  # category of grants_excluded_rows: rows whose amount could not be read


def _years(*frames: pd.DataFrame) -> list[int]:
    years: set[int] = set()
    for frame in frames:
        if "year" in frame:
            years |= {int(y) for y in frame["year"].dropna().unique()}
    return sorted(years)


def _of_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame.loc[(frame["year"] == year).fillna(False).astype(bool)] if "year" in frame else frame.iloc[0:0]


def set_aside_grant_indicators(grants: pd.DataFrame, excluded: pd.DataFrame, out_of_scope: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """Per year, for the region, what the grant figures leave out: grants_excluded_eur (the
    readable granted amounts of rejected rows) and grants_excluded_rows (rejected rows whose
    year can be read; category UNREADABLE_AMOUNT: those whose amount cannot), and
    grants_out_of_scope_eur / _rows (organisations the cooperation plan does not cover; total and
    by kind). Every year with grants or such rows gets a value, 0 when nothing was left out."""
    region = domain.region_code
    out: list[dict] = []
    for year in _years(grants, excluded, out_of_scope):
        rejected, scoped = _of_year(excluded, year), _of_year(out_of_scope, year)
        out += _rows("grants_excluded_eur", year, {region: float(rejected["granted_eur"].sum())}, EUR)
        out += _rows("grants_excluded_rows", year, {region: float(len(rejected))}, COUNT)
        out += _rows("grants_excluded_rows", year, {region: float(rejected["granted_eur"].isna().sum())}, COUNT, category=UNREADABLE_AMOUNT)
        out += _rows("grants_out_of_scope_eur", year, {region: float(scoped["granted_eur"].sum())}, EUR)
        out += _rows("grants_out_of_scope_rows", year, {region: float(len(scoped))}, COUNT)
        for kind, group in scoped.groupby("kind"):
            out += _rows("grants_out_of_scope_eur", year, {region: float(group["granted_eur"].sum())}, EUR, category=str(kind))
            out += _rows("grants_out_of_scope_rows", year, {region: float(len(group))}, COUNT, category=str(kind))
    return tidy(out)


def indicators(tables: Mapping[str, pd.DataFrame], settings: Settings) -> Derived:
    """The grants dataset's registry entry point: indicators plus the denominators table and the
    term figures (checked: a term's yearly mean lies between its smallest and largest year)."""
    figures, denominators = grant_indicators(tables["grants"], tables["population"], settings.domain)
    empty = pd.DataFrame(columns=["year", "granted_eur", "kind"])
    set_aside = set_aside_grant_indicators(
        tables["grants"], tables.get("grants_excluded", empty), tables.get("grants_out_of_scope", empty), settings.domain
    )
    terms = term_grant_figures(tables["grants"], figures, settings.domain)
    return Derived(
        pd.concat([figures, set_aside], ignore_index=True),
        {"denominators": denominators, "term_figures": terms.loc[terms["grant_years"] > 0].reset_index(drop=True)},
    )
