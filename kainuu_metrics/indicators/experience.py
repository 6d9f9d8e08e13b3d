"""Experience-expert indicators (kokemustoiminta): yearly tidy rows for the region.

Years are the years of assignment data. A person is active in a year with at least one
assignment; registered during a year when joined on or before 31.12. (or, without a joining
date, trained in or before that year) and not left before 1.1. Breakdowns by role and service
area put the category in `category` (role_<id>, service_area_<slug>, service_area_ei_tiedossa
for assignments without one). Per 10 000 inhabitants divides by the region's year-end
population (the latest earlier year, marked provisional, when the year's is not published).

Published figures pass small-count suppression (`suppression.suppress_tables`) with the
domain's threshold and markers: a suppressed figure has an empty value and its marker in
`suppression`. A year's two breakdowns are suppressed together, since they share the year's
totals; complements are added until no hidden figure can be worked out exactly from the shown
cells and the totals (`RELATIONS` says what a reader knows besides the numbers). A hidden
total hides the figures computed from it (per 10 000 inhabitants, the change from the year
before and to the year after).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kainuu_metrics.datasets.base import Derived
from kainuu_metrics.datasets.readers import year_in_path
from kainuu_metrics.datasets.experience.config import ExperienceConfig, load_experience_config
from kainuu_metrics.datasets.experience.read import ASSIGNMENTS, REGISTER
from kainuu_metrics.indicators.grants import population_denominators
from kainuu_metrics.indicators.suppression import Relations, is_small, suppress_tables
from kainuu_metrics.indicators.table import COUNT, EUR, HOURS, PERSONS, RATIO, rows, tidy
from kainuu_metrics.settings import PrivacyEntry, Settings

PER_10000 = "per_10000_inhabitants"
UNKNOWN_AREA = "ei_tiedossa"
ROLE_PREFIX, AREA_PREFIX = "role_", "service_area_"

# measure -> (indicator id, unit); "persons" is the person count that drives suppression.
MEASURES = {
    "persons": ("experience_active_experts", PERSONS),
    "assignments": ("experience_assignments", COUNT),
    "hours": ("experience_hours", HOURS),
    "fees": ("experience_fees_eur", EUR),
    "costs": ("experience_costs_eur", EUR),
    "volunteer_hours": ("experience_volunteer_hours", HOURS),
}
TOTAL = "__total__"
# What a reader knows of a breakdown besides its numbers: a person may act in several roles and
# service areas (persons do not add up to the total; everyone is in at least one), every active
# person in a cell has at least one assignment there, volunteer hours are part of the hours,
# and a cell without persons has nothing else.
RELATIONS = Relations(
    counts_add_up=False,
    integer=frozenset({"assignments"}),
    at_least=(("assignments", "persons"),),
    at_most=(("volunteer_hours", "hours"),),
    owner="persons",
)


def role_categories(config: ExperienceConfig) -> dict[str, str]:
    """Category -> role id, in configuration order."""
    return {f"{ROLE_PREFIX}{role}": role for role in config.role_labels}


def service_area_categories(config: ExperienceConfig) -> dict[str, str | None]:
    """Category -> service area label, in configuration order; the unknown area maps to None."""
    return {**{f"{AREA_PREFIX}{s}": label for s, label in config.service_area_labels.items()}, f"{AREA_PREFIX}{UNKNOWN_AREA}": None}


def _measures(a: pd.DataFrame) -> dict[str, float]:
    return {
        "persons": float(a["expert_pseudonym"].nunique()),
        "assignments": float(len(a)),
        "hours": float(a["hours"].sum()),
        "fees": float(a["fee_eur"].sum()),
        "costs": float(a["costs_eur"].sum()),
        "volunteer_hours": float(a.loc[a["fee_waived"].astype(bool), "hours"].sum()),
    }


def breakdown_frame(a: pd.DataFrame, column: str, categories: dict[str, object]) -> pd.DataFrame:
    """Rows: the total, then one per category (every listed category, zero when absent; a
    category whose value is None counts the rows where `column` is missing)."""
    table = {TOTAL: _measures(a)}
    for category, value in categories.items():
        subset = a.loc[a[column].isna()] if value is None else a.loc[a[column] == value]
        table[category] = _measures(subset)
    return pd.DataFrame.from_dict(table, orient="index")


def register_as_of(register: pd.DataFrame, year: int) -> pd.DataFrame:
    """The register rows a year's figures may use: from register files dated up to that year by
    the year in their name (a register delivered later is not yet known then); undated files count."""
    if register.empty:
        return register
    dated = register["source_file"].map(year_in_path)
    return register.loc[dated.isna() | (dated <= year)]


def registered_during(register: pd.DataFrame, year: int) -> pd.Series:
    """Whether each register row was in the register at some time during the year."""
    start = register["joined"].where(
        register["joined"].notna(),
        pd.to_datetime(register["training_year"].astype("Int64").astype(str) + "-01-01", errors="coerce"),
    )
    end_of_year, start_of_year = pd.Timestamp(year, 12, 31), pd.Timestamp(year, 1, 1)
    return (start <= end_of_year) & (register["left"].isna() | (register["left"] >= start_of_year))


def _suppressed(frames: list[pd.DataFrame], privacy: PrivacyEntry) -> list[pd.DataFrame]:
    """The year's breakdowns suppressed together: they share one total (see the module doc)."""
    return suppress_tables(
        frames, ["persons"], total=TOTAL, measure_columns=[m for m in MEASURES if m != "persons"], relations=RELATIONS,
        threshold=privacy.threshold, primary_marker=privacy.primary_marker, complementary_marker=privacy.complementary_marker,
    )


def _cell(indicator: str, year: int, region: str, value: object, unit: str, provisional: bool = False, category: str = "") -> list[dict]:
    """A tidy row: a number, or (text) a suppression marker with an empty value."""
    if isinstance(value, str):
        return rows(indicator, year, {region: None}, unit, provisional, category=category, suppression={region: value})
    return rows(indicator, year, {region: float(value)}, unit, provisional, category=category)  # type: ignore[arg-type]


def experience_indicators(
    assignments: pd.DataFrame,
    register: pd.DataFrame,
    population: pd.DataFrame,
    *,
    region: str,
    config: ExperienceConfig,
    privacy: PrivacyEntry | None,
    years: list[int] | None = None,
) -> pd.DataFrame:
    """Yearly experience indicators for the region (tidy rows; see the module docstring).

    Published figures always pass `privacy` (the domain's): small person counts and the figures
    of their cells are suppressed. `privacy=None` gives the unsuppressed figures, for checking
    the arithmetic only."""
    years = sorted(years if years is not None else {int(y) for y in assignments["year"].unique()})
    if not years:
        return tidy([])
    denominators = population_denominators(population, years, [region]).set_index("year")
    out: list[dict] = []
    persons_by_year: dict[int, set[str]] = {}
    totals_by_year: dict[int, pd.Series] = {}
    complementary = privacy.complementary_marker if privacy else ""

    def small(count: float) -> object:
        return privacy.primary_marker if privacy and is_small(count, privacy.threshold) else count

    for year in years:
        a = assignments.loc[assignments["year"] == year]
        persons_by_year[year] = set(a["expert_pseudonym"])
        areas = {c: label for c, label in service_area_categories(config).items() if label is not None or a["service_area"].isna().any()}
        frames = [breakdown_frame(a, "role", role_categories(config)), breakdown_frame(a, "service_area", areas)]
        if privacy:
            frames = _suppressed(frames, privacy)
        totals = totals_by_year[year] = frames[0].loc[TOTAL]
        for measure, (indicator, unit) in MEASURES.items():
            out += _cell(indicator, year, region, totals[measure], unit)
        for f in frames:
            for category in f.index.drop(TOTAL):
                for measure, (indicator, unit) in MEASURES.items():
                    out += _cell(indicator, year, region, f.at[category, measure], unit, category=category)

        population_used = denominators.at[year, "population"]
        if not pd.isna(population_used):
            provisional = bool(denominators.at[year, "provisional"])
            for measure, indicator in (("persons", "experience_active_per_10000"), ("hours", "experience_hours_per_10000")):
                total = totals[measure]
                value = complementary if isinstance(total, str) else float(total) / float(population_used) * 10_000
                out += _cell(indicator, year, region, value, PER_10000, provisional)

        if year - 1 in persons_by_year:
            both = len(persons_by_year[year] & persons_by_year[year - 1])
            out += _cell("experience_active_both_years", year, region, small(both), PERSONS)
            previous = totals_by_year[year - 1]
            for measure, indicator in (("assignments", "experience_assignments_change"), ("hours", "experience_hours_change")):
                now, before = totals[measure], previous[measure]
                if isinstance(now, str) or isinstance(before, str):
                    out += _cell(indicator, year, region, complementary, RATIO)
                elif before > 0:
                    out += _cell(indicator, year, region, float(now) / float(before) - 1, RATIO)

        known = register_as_of(register, year)
        if not known.empty:
            registered = known.loc[registered_during(known, year), "expert_pseudonym"].nunique()
            trained = known.loc[known["training_year"] == year, "expert_pseudonym"].nunique()
            out += _cell("experience_registered_experts", year, region, small(registered), PERSONS)
            out += _cell("experience_newly_trained", year, region, small(trained), PERSONS)
    return tidy(out)


def indicators(tables: Mapping[str, pd.DataFrame], settings: Settings) -> Derived:
    """The experience dataset's registry entry point: the region's yearly indicators from the
    cleaned assignments, register and population, suppressed with the domain's privacy settings."""
    frame = experience_indicators(
        tables[ASSIGNMENTS],
        tables[REGISTER],
        tables["population"],
        region=settings.domain.region_code,
        config=load_experience_config(settings),
        privacy=settings.domain.privacy,
    )
    return Derived(indicators=frame)
