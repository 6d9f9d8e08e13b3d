"""Indicators as pure functions over cleaned tables, returned as a tidy table:
indicator, period, area, value, unit, provisional.

Method (stated in the reports): a grant year's € per inhabitant divides by the year-end
population of the same year; where that is not yet published, by the latest earlier year,
and the value is marked provisional. A grant belongs to the council term in force on its
decision date; a term's € per inhabitant divides by the mean year-end population of the term's
years with grant data, and is annualised over the term's months that have grant data."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

from kainuu_metrics.settings import CouncilTerm, Domain
from kainuu_metrics.datasets.schemas import DENOMINATORS, conform

INDICATOR_COLUMNS = ["indicator", "period", "area", "value", "unit", "provisional"]
EUR, EUR_PER_INHABITANT, PERSONS, COUNT, RATIO, MONTHS = (
    "eur", "eur_per_inhabitant", "persons", "count", "ratio", "months",
)


def slug(text: str) -> str:
    """'Mielenterveys- ja päihdetoimijat' -> 'mielenterveys_ja_paihdetoimijat'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.casefold()).strip("_")


def municipality_area(code: str) -> str:
    return f"KU{code}"


def _rows(indicator: str, period: object, values: dict[str, float], unit: str, provisional: bool | dict[str, bool] = False) -> list[dict]:
    return [
        {
            "indicator": indicator,
            "period": str(period),
            "area": area,
            "value": value,
            "unit": unit,
            "provisional": provisional.get(area, False) if isinstance(provisional, dict) else provisional,
        }
        for area, value in values.items()
    ]


def tidy(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    return frame.astype({"provisional": bool})


def population_indicators(population: pd.DataFrame) -> pd.DataFrame:
    """`population` for every year and area read."""
    rows = [
        {"indicator": "population", "period": str(r.year), "area": r.area_code, "value": float(r.population), "unit": PERSONS, "provisional": False}
        for r in population.sort_values(["year", "area_code"]).itertuples()
    ]
    return tidy(rows)


def population_denominators(population: pd.DataFrame, years: list[int], area_codes: list[str]) -> pd.DataFrame:
    """For each year and area: the year-end population used, falling back to the latest earlier year."""
    rows = []
    for area in area_codes:
        known = population.loc[population["area_code"] == area].set_index("year")["population"]
        for year in years:
            available = known[known.index <= year]
            if available.empty:
                rows.append({"year": year, "area_code": area, "population": None, "population_year": None, "provisional": True})
            else:
                used = int(available.index.max())
                rows.append({"year": year, "area_code": area, "population": int(available[used]), "population_year": used, "provisional": used < year})
    return conform(pd.DataFrame(rows, columns=list(DENOMINATORS)), DENOMINATORS)


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
        totals = _area_totals(g, domain)
        rows += _rows("grants_total_eur", year, totals, EUR)
        per_capita, provisional = _per_capita(totals, denominators, year)
        used = denominators.loc[(denominators["year"] == year) & denominators["population"].notna()]
        rows += _rows(
            "population_used", year,
            {r.area_code: float(r.population) for r in used.itertuples()}, PERSONS,
            {r.area_code: bool(r.provisional) for r in used.itertuples()},
        )
        rows += _rows("grants_per_capita_eur", year, per_capita, EUR_PER_INHABITANT, provisional)
        rows += _rows("grants_applied_eur", year, {region: float(g["applied_eur"].sum())}, EUR)
        rows += _rows("grants_applications", year, {region: float(len(g))}, COUNT)
        for grant_type in domain.grant_type_labels:
            typed = g.loc[g["grant_type"] == grant_type]
            rows += _rows(f"grants_by_type_eur:{grant_type}", year, {region: float(typed["granted_eur"].sum())}, EUR)
            rows += _rows(f"grants_applications:{grant_type}", year, {region: float(len(typed))}, COUNT)
        for column, prefix in (("network", "grants_by_network_eur"), ("service_area", "grants_by_service_area_eur")):
            for name, amount in g.groupby(column)["granted_eur"].sum().items():
                rows += _rows(f"{prefix}:{slug(str(name))}", year, {region: float(amount)}, EUR)
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


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from the first of start's month to end's month, inclusive."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def term_coverage(term: CouncilTerm, first_year: int, last_year: int) -> tuple[dt.date, dt.date] | None:
    """The part of a term that has grant data: from its start (or 1.1. of the first data year)
    to its end (or 31.12. of the last data year)."""
    start = max(term.start, dt.date(first_year, 1, 1))
    end = min(term.end, dt.date(last_year, 12, 31))
    return (start, end) if start <= end else None


def term_grant_indicators(grants: pd.DataFrame, population: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """Per council term: total €, € per inhabitant, annualised € per inhabitant, months covered."""
    if grants.empty:
        return tidy([])
    first_year, last_year = int(grants["year"].min()), int(grants["year"].max())
    rows: list[dict] = []
    for term in domain.council_terms:
        coverage = term_coverage(term, first_year, last_year)
        if coverage is None:
            continue
        start, end = coverage
        years = list(range(start.year, end.year + 1))
        months = months_between(start, end)
        g = grants.loc[grants["council_term"] == term.id]
        totals = _area_totals(g, domain)
        denominators = population_denominators(population, years, domain.area_codes)
        per_capita, annualised, provisional = {}, {}, {}
        for area, total in totals.items():
            used = denominators.loc[denominators["area_code"] == area]
            if used["population"].isna().any():
                continue
            mean_population = float(used["population"].astype(float).mean())
            per_capita[area] = total / mean_population
            annualised[area] = per_capita[area] * 12 / months
            provisional[area] = bool(used["provisional"].any())
        rows += _rows("grants_total_eur", term.id, totals, EUR)
        rows += _rows("grants_per_capita_eur", term.id, per_capita, EUR_PER_INHABITANT, provisional)
        rows += _rows("grants_per_capita_annualised_eur", term.id, annualised, EUR_PER_INHABITANT, provisional)
        rows += _rows("term_months_covered", term.id, {domain.region_code: float(months)}, MONTHS)
    return tidy(rows)


def grant_indicators(grants: pd.DataFrame, population: pd.DataFrame, domain: Domain) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All grant and population indicators, plus the denominators table that was used."""
    years = sorted(int(y) for y in grants["year"].unique())
    denominators = population_denominators(population, years, domain.area_codes)
    indicators = pd.concat(
        [
            population_indicators(population),
            yearly_grant_indicators(grants, denominators, domain),
            term_grant_indicators(grants, population, domain),
        ],
        ignore_index=True,
    )
    return indicators, denominators
