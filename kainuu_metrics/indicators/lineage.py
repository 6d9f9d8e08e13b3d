"""Lineage: from a published additive figure back to the source rows it was added from.

`data/processed/lineage.csv` has one line per (figure, source row): indicator, period, area,
category, source_file, sheet, source_row, contribution. Summing `contribution` over
(indicator, period, area, category) gives the figure in indicators.csv (tests/test_lineage.py
re-adds them). Covered, per year: the grant sums and counts (region; home municipality; area
of activity, where a grant listing k municipalities contributes 1/k of its € to each), the
premises in-kind €, hours and bookings, and the experience counts, hours and euros that are
published (a suppressed cell has no lineage: its rows would give the hidden figure away).

Ratios are not additive and have no lines of their own; each divides two lineages:
- grants_per_capita_eur = grants_total_eur / population_used (same period and area);
- grants_by_activity_area_per_capita_eur = grants_by_activity_area_eur / population_used;
- support_total_per_capita_eur = (grants_total_eur + premises_inkind_eur) / population_used;
- experience_hours_per_10000 = experience_hours / population_used * 10 000.
population_used is the year-end population of one row of the population table (denominators.parquet
names it). A council term's total is the sum of its grant years' yearly figures (indicators/terms.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from kainuu_metrics.datasets.parsing import REGION_WIDE
from kainuu_metrics.datasets.premises.organisations import with_organisations
from kainuu_metrics.indicators.experience import load_experience_config, role_categories, service_area_categories
from kainuu_metrics.indicators.table import municipality_area, slug
from kainuu_metrics.settings import Domain
from kainuu_metrics.store import write_columnar_csv

LINEAGE_CSV = "lineage.csv"
LINEAGE_COLUMNS = ["indicator", "period", "area", "category", "source_file", "sheet", "source_row", "contribution"]
# Few distinct values over up to millions of lines: held as categories (a 300 000-row export's
# 2.5 million lines take tens of MB instead of half a GB per copy).
TEXT_COLUMNS = ["indicator", "period", "area", "category", "source_file", "sheet"]
SOURCE = ["source_file", "sheet", "source_row"]


def _text(values: pd.Series | str, size: int) -> pd.Categorical:
    """A text column as categories: a scalar repeated by codes alone, a Series factorised once."""
    if isinstance(values, pd.Series):
        return pd.Categorical(values.array)
    return pd.Categorical.from_codes(np.zeros(size, dtype=np.int8), categories=[values])


def _lines(frame: pd.DataFrame, indicator: str, area: str | pd.Series, contribution: pd.Series | float,
           category: str | pd.Series = "") -> pd.DataFrame:
    """One lineage line per row of `frame` (its year is the period)."""
    if frame.empty:
        return pd.DataFrame(columns=LINEAGE_COLUMNS)
    size = len(frame)
    texts = {
        "indicator": indicator,
        "period": frame["period"] if "period" in frame else frame["year"].astype(int).astype(str),
        "area": area,
        "category": category,
        "source_file": frame["source_file"],
        "sheet": frame["sheet"].fillna("") if "sheet" in frame else "",
    }
    numbers = {
        "source_row": frame["source_row"].to_numpy(dtype=np.int64),
        "contribution": contribution.to_numpy(dtype=float) if isinstance(contribution, pd.Series) else np.full(size, float(contribution)),
    }
    return pd.DataFrame({**{c: _text(v, size) for c, v in texts.items()}, **numbers}, columns=LINEAGE_COLUMNS)


def grant_lineage(grants: pd.DataFrame, domain: Domain) -> list[pd.DataFrame]:
    """Lines of the yearly grant sums and counts (indicators/grants.py's yearly_grant_indicators)."""
    if grants.empty:
        return []
    region = domain.region_code
    g = grants.assign(period=grants["year"].astype(int).astype(str), granted_eur=grants["granted_eur"].astype(float))
    eur = g["granted_eur"]
    parts = [
        _lines(g, "grants_total_eur", region, eur),
        _lines(g, "grants_applied_eur", region, g["applied_eur"].astype(float).fillna(0.0)),
        _lines(g, "grants_applications", region, 1.0),
    ]
    home = g.loc[g["municipality_code"].notna() & g["municipality_code"].isin(list(domain.municipalities))]
    parts.append(_lines(home, "grants_total_eur", home["municipality_code"].map(municipality_area), home["granted_eur"]))
    unknown_home = g.loc[g["municipality_code"].isna()]
    parts.append(_lines(unknown_home, "grants_home_municipality_unknown_eur", region, unknown_home["granted_eur"]))
    typed = g.loc[g["grant_type"].isin(list(domain.grant_type_labels))]
    parts += [_lines(typed, "grants_by_type_eur", region, typed["granted_eur"], typed["grant_type"].astype(str)),
              _lines(typed, "grants_applications", region, 1.0, typed["grant_type"].astype(str))]
    for column, indicator in (("network", "grants_by_network_eur"), ("service_area", "grants_by_service_area_eur")):
        named = g.loc[g[column].notna()]
        slugs = {value: slug(value) for value in named[column].astype(str).unique()}
        parts.append(_lines(named, indicator, region, named["granted_eur"], named[column].astype(str).map(slugs)))
    areas = g["activity_municipalities"]
    wide, not_said = g.loc[areas == REGION_WIDE], g.loc[areas.isna()]
    parts += [_lines(wide, "grants_region_wide_eur", region, wide["granted_eur"]),
              _lines(not_said, "grants_activity_area_unknown_eur", region, not_said["granted_eur"])]
    listed = g.loc[areas.notna() & (areas != REGION_WIDE)].copy()
    if not listed.empty:
        listed["code"] = listed["activity_municipalities"].str.split(";")
        listed["share"] = listed["granted_eur"] / listed["code"].str.len()
        split = listed.explode("code")
        parts.append(_lines(split, "grants_by_activity_area_eur", split["code"].map(municipality_area), split["share"]))
    return parts


def premises_lineage(bookings: pd.DataFrame, domain: Domain) -> list[pd.DataFrame]:
    """Lines of premises_inkind_eur (total, network_<slug>, org_<slug>), premises_hours and
    premises_bookings. `bookings` must have org_slug (datasets/premises/organisations.py)."""
    if bookings.empty:
        return []
    region, b = domain.region_code, bookings
    cost = b["cost_eur"].astype(float)
    parts = [
        _lines(b, "premises_inkind_eur", region, cost),
        _lines(b, "premises_hours", region, b["hours"].astype(float)),
        _lines(b, "premises_bookings", region, 1.0),
    ]
    networked = b.loc[b["network"].notna()]
    parts.append(_lines(networked, "premises_inkind_eur", region, networked["cost_eur"].astype(float),
                        "network_" + networked["network"].astype(str).map(slug)))
    if "org_slug" in b:
        named = b.loc[b["org_slug"].notna()]
        parts.append(_lines(named, "premises_inkind_eur", region, named["cost_eur"].astype(float), "org_" + named["org_slug"].astype(str)))
    return parts


EXPERIENCE_MEASURES = {  # indicator -> the row's contribution (indicators/experience.py's _measures)
    "experience_assignments": lambda a: pd.Series(1.0, index=a.index),
    "experience_hours": lambda a: a["hours"].astype(float),
    "experience_fees_eur": lambda a: a["fee_eur"].astype(float),
    "experience_costs_eur": lambda a: a["costs_eur"].astype(float),
    "experience_volunteer_hours": lambda a: a["hours"].astype(float).where(a["fee_waived"].astype(bool), 0.0),
}


def experience_lineage(assignments: pd.DataFrame, region: str, categories: Mapping[str, tuple[str, object]]) -> list[pd.DataFrame]:
    """Lines of the experience totals and breakdowns. `categories`: category -> (column, value)
    (value None: the rows where the column is empty), as indicators/experience.py builds them."""
    if assignments.empty:
        return []
    parts = []
    for indicator, contribution in EXPERIENCE_MEASURES.items():
        parts.append(_lines(assignments, indicator, region, contribution(assignments)))
        for category, (column, value) in categories.items():
            subset = assignments.loc[assignments[column].isna()] if value is None else assignments.loc[assignments[column] == value]
            parts.append(_lines(subset, indicator, region, contribution(subset), category))
    return parts


def published_only(lineage: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The lines of figures that indicators.csv publishes with a value (drops suppressed or
    absent cells, whose lines would give a hidden figure away)."""
    if lineage.empty:
        return lineage
    key = ["indicator", "period", "area", "category"]
    shown = indicators.loc[indicators["value"].notna(), key].astype(str).drop_duplicates()
    kept = pd.MultiIndex.from_frame(lineage[key]).isin(pd.MultiIndex.from_frame(shown))
    return lineage.loc[kept].reset_index(drop=True)[LINEAGE_COLUMNS]


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts in one table whose text columns share one sorted set of categories (so that
    they stay categories, and sort as the text does)."""
    columns = {c: union_categoricals([p[c].array for p in parts], sort_categories=True) for c in TEXT_COLUMNS}
    columns |= {c: np.concatenate([p[c].to_numpy() for p in parts]) for c in ("source_row", "contribution")}
    return pd.DataFrame(columns, columns=LINEAGE_COLUMNS)


def lineage_table(tables: Mapping[str, pd.DataFrame], indicators: pd.DataFrame, domain: Domain,
                  experience_categories: Mapping[str, tuple[str, object]] | None = None) -> pd.DataFrame:
    """Every covered figure's lines, sorted by indicator, period, area, category and source row."""
    empty = pd.DataFrame()
    grants = tables.get("grants", empty)
    parts = grant_lineage(grants, domain)
    premises = tables.get("premises", empty)
    if not premises.empty:
        parts += premises_lineage(with_organisations(premises, grants), domain)
    assignments = tables.get("experience_assignments", empty)
    if experience_categories is not None and not assignments.empty:
        parts += experience_lineage(assignments, domain.region_code, experience_categories)
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=LINEAGE_COLUMNS)
    lineage = published_only(_concat(parts), indicators)
    return lineage.sort_values(["indicator", "period", "area", "category", *SOURCE], kind="stable", ignore_index=True)


def write_lineage(processed: Path, lineage: pd.DataFrame) -> Path:
    return write_columnar_csv(lineage, processed / LINEAGE_CSV)


def write_year_lineage(lineage: pd.DataFrame, year_folder: Path, year: int, written: Path | None = None) -> dict[str, str] | None:
    """reports/<Y>/lineage.csv, beside the year's quality page: the lines of every figure the
    year's pages show, i.e. of every period up to Y (the trend charts show earlier years, and a
    council term's figure on the page is the sum of its grant years up to Y), and nothing later.
    Returns the page's href to it, or None when the run has no lineage. `written`: the run's
    lineage.csv as write_lineage wrote these lines, copied when the year shows every period.

    Size: the year's copy grows with the years in the data (the sample's 2023-2025 give about
    0.3, 0.7 and 1.0 MB), where the old copy of the run's whole file in every year folder cost
    1 MB per year whatever the year; the run's whole file stays in data/processed/ only."""
    if lineage.empty:
        return None
    ends = {p: str(p)[-4:] for p in lineage["period"].unique()}  # a year, or a term's last year ("2021-2025")
    shown = [p for p, end in ends.items() if end.isdigit() and int(end) <= year]
    if written is not None and len(shown) == len(ends):
        year_folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, year_folder / "lineage.csv")
    else:
        write_columnar_csv(lineage.loc[lineage["period"].isin(shown)], year_folder / "lineage.csv")
    return {"year": "lineage.csv"}


def experience_categories(settings) -> dict[str, tuple[str, object]]:
    """The experience breakdowns' categories -> (column, value), from the experience configuration."""
    config = load_experience_config(settings)
    return {**{c: ("role", v) for c, v in role_categories(config).items()},
            **{c: ("service_area", v) for c, v in service_area_categories(config).items()}}


def run_lineage(processed: Path, tables: Mapping[str, pd.DataFrame], indicators: pd.DataFrame, settings) -> pd.DataFrame:
    """Build and write data/processed/lineage.csv for one run (pipeline's one call); returns the
    lines, from which each year's copy is written (write_year_lineage)."""
    lineage = lineage_table(tables, indicators, settings.domain, experience_categories(settings))
    write_lineage(processed, lineage)
    return lineage
