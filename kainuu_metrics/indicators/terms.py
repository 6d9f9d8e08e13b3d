"""Council terms (valtuustokaudet): which grant years belong to which term, a term's figures
as of a year, and when two terms may be compared. Pure functions of frames; the grant and
premises indicators (all years) and the report pages for year Y (``up_to=Y``) use the same ones.

Grants are decided in yearly rounds, so a term is made of whole grant years:

* **A grant year belongs to** the council term in force on the decision date that carries the
  largest part of that year's granted euros (the year's main round; on a tie the earliest such
  date; a year without granted euros: its earliest decision date). All of the year's grants
  count in that term, whatever their own decision date.
* **A term's figures** come from its grant years: the total is the sum of their totals; € per
  inhabitant divides the total by the mean of the year-end populations used as those years'
  denominators (``population_used``); the yearly mean is the mean of those years' € per
  inhabitant, so it lies between the smallest and the largest of them.
* **As of year Y** only grant years up to Y count, and a term is complete when it ended by
  31.12.Y; otherwise it is running ("kausi kesken").
* **Two terms are compared** only like for like: two complete terms as wholes, or the running
  term's k grant years against the previous term's first k grant years (when it has k).

>>> import datetime as dt
>>> from kainuu_metrics.settings import CouncilTerm
>>> terms = (CouncilTerm("A", dt.date(2022, 3, 1), dt.date(2025, 5, 31), "A"),
...          CouncilTerm("B", dt.date(2025, 6, 1), dt.date(2029, 5, 31), "B"))
>>> grants = pd.DataFrame({"year": [2025, 2025, 2025], "granted_eur": [900.0, 50.0, 60.0],
...                        "decision_date": pd.to_datetime(["2025-03-13", "2025-09-16", "2025-10-14"])})
>>> grant_year_terms(grants, terms)  # the March round carries 900 of 1 010 €
{2025: 'A'}
>>> [(s.term.id, s.years, s.complete) for s in term_statuses({2023: "A", 2024: "A"}, terms, up_to=2024)]
[('A', (2023, 2024), False)]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kainuu_metrics.indicators.table import COUNT, EUR, EUR_PER_INHABITANT, lookup, rows
from kainuu_metrics.settings import CouncilTerm

MID_YEAR = (6, 30)  # a year with premises data but no grants belongs to the term in force on 30.6.
FIGURE_COLUMNS = [
    "term", "area", "grant_years", "years", "complete", "total_eur", "population_mean", "per_capita",
    "yearly_min", "yearly_max", "yearly_mean", "provisional",
]


# --- which term a grant year belongs to -------------------------------------------------------------


def _day(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def term_on(terms: Sequence[CouncilTerm], day: dt.date | None) -> CouncilTerm | None:
    """The term in force on `day`, or None."""
    if day is None:
        return None
    return next((t for t in terms if t.contains(day)), None)


def main_round_date(grants: pd.DataFrame) -> dt.date | None:
    """The decision date that carries the largest part of these grants' granted euros (on a tie
    the earliest); without granted euros the earliest decision date; None without dates.

    >>> g = pd.DataFrame({"decision_date": pd.to_datetime(["2024-02-02", "2024-03-14", "2024-06-12"]),
    ...                   "granted_eur": [500.0, 800.0, 800.0]})
    >>> main_round_date(g)  # 14.3. and 12.6. tie at 800 €: the earlier
    datetime.date(2024, 3, 14)
    >>> main_round_date(g.assign(granted_eur=0.0))
    datetime.date(2024, 2, 2)
    """
    written = grants["decision_date"]
    days = written.map({value: _day(value) for value in written.dropna().unique()})  # each distinct date once
    dated = grants.loc[days.notna()]
    if dated.empty:
        return None
    by_day = dated["granted_eur"].fillna(0.0).astype(float).groupby(days[days.notna()]).sum().sort_index()
    if by_day.max() > 0:
        return by_day.idxmax()  # the first of the largest: the index is sorted by date
    return by_day.index[0]


def grant_year_terms(grants: pd.DataFrame, terms: Sequence[CouncilTerm]) -> dict[int, str]:
    """Grant year -> the id of the council term it belongs to (see the module docstring). A year
    whose main round has no date, or falls in no configured term, belongs to no term."""
    out: dict[int, str] = {}
    if grants.empty or not {"year", "decision_date", "granted_eur"} <= set(grants.columns):
        return out
    for year, of_year in grants.groupby("year"):
        term = term_on(terms, main_round_date(of_year))
        if term is not None:
            out[int(year)] = term.id
    return dict(sorted(out.items()))


def support_year_terms(year_terms: Mapping[int, str], years: Sequence[int], terms: Sequence[CouncilTerm]) -> dict[int, str]:
    """Premises (support) years -> term: a grant year's term; a year with premises data but no
    grants, the term in force on 30.6. of that year.

    >>> import datetime as dt
    >>> from kainuu_metrics.settings import CouncilTerm
    >>> terms = (CouncilTerm("A", dt.date(2022, 3, 1), dt.date(2025, 5, 31), "A"),
    ...          CouncilTerm("B", dt.date(2025, 6, 1), dt.date(2029, 5, 31), "B"))
    >>> support_year_terms({2025: "A"}, [2025, 2026], terms)
    {2025: 'A', 2026: 'B'}
    """
    out = {int(y): year_terms[int(y)] for y in years if int(y) in year_terms}
    for year in years:
        if int(year) not in out:
            term = term_on(terms, dt.date(int(year), *MID_YEAR))
            if term is not None:
                out[int(year)] = term.id
    return dict(sorted(out.items()))


# --- a term as of a year -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TermStatus:
    """A term as of a year: its grant years up to that year, and whether it has ended."""

    term: CouncilTerm
    years: tuple[int, ...]
    complete: bool  # term.end <= 31.12. of the year


def is_complete(term: CouncilTerm, year: int) -> bool:
    """A term is complete as of `year` when it ended by 31.12. of that year."""
    return term.end <= dt.date(year, 12, 31)


def term_statuses(year_terms: Mapping[int, str], terms: Sequence[CouncilTerm], up_to: int | None = None) -> list[TermStatus]:
    """The terms to show as of `up_to` (None: the last grant year), in configuration order: every
    term with a grant year up to then, and every term that had started by 31.12. of that year
    and was in force after 1.1. of the first grant year (a running term may have no grant year
    yet). Never a term that starts later."""
    known = sorted(y for y in year_terms if up_to is None or y <= up_to)
    reference = up_to if up_to is not None else (known[-1] if known else None)
    if reference is None:
        return []
    first = known[0] if known else reference
    out = []
    for term in terms:
        years = tuple(y for y in known if year_terms[y] == term.id)
        started = term.start <= dt.date(reference, 12, 31) and term.end >= dt.date(first, 1, 1)
        if years or started:
            out.append(TermStatus(term, years, is_complete(term, reference)))
    return out


def status_of(statuses: Sequence[TermStatus], term_id: str) -> TermStatus | None:
    return next((s for s in statuses if s.term.id == term_id), None)


def _mean_within(values: Sequence[float]) -> float:
    """The mean, kept between the smallest and largest value (floating-point sums can overshoot
    by one unit in the last place: 0.1 + 0.1 + 0.1 = 0.30000000000000004)."""
    return min(max(math.fsum(values) / len(values), min(values)), max(values))


def yearly_mean(yearly: pd.DataFrame, indicator: str, years: Sequence[int], area: str) -> tuple[float | None, bool]:
    """(mean of the yearly values of `indicator` over `years`, provisional) for one area; None
    when a year lacks the value (a mean over some of the years would speak of other years)."""
    cells = [lookup(yearly, indicator, y, area) for y in years]
    if not cells or any(c.value is None for c in cells):
        return None, False
    return _mean_within([float(c.value) for c in cells]), any(c.provisional for c in cells)


def _areas(yearly: pd.DataFrame, indicator: str) -> list[str]:
    found = yearly.loc[yearly["indicator"] == indicator, "area"] if not yearly.empty else pd.Series(dtype=str)
    return list(dict.fromkeys(found))


def term_figures(
    yearly: pd.DataFrame,
    year_terms: Mapping[int, str],
    terms: Sequence[CouncilTerm],
    up_to: int | None = None,
    *,
    total: str = "grants_total_eur",
    per_capita: str = "grants_per_capita_eur",
    denominator: str = "population_used",
    areas: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per term (term_statuses) and area: the term's years that have `total` for the
    area (up to `up_to`), their count, whether the term is complete, the total, the mean
    denominator, € per inhabitant (total / mean denominator), and the smallest, largest and mean
    yearly € per inhabitant. A figure that some year lacks is left empty; provisional when a
    denominator or a yearly figure is.

    `yearly` is the tidy indicator table (only periods that are years are read)."""
    out = []
    if not yearly.empty:  # the three indicators read below, so that each lookup scans only them
        yearly = yearly.loc[yearly["indicator"].isin([total, per_capita, denominator])]
    for status in term_statuses(year_terms, terms, up_to):
        for area in areas if areas is not None else _areas(yearly, total):
            years = [y for y in status.years if lookup(yearly, total, y, area).value is not None]
            row: dict[str, object] = {
                "term": status.term.id, "area": area, "grant_years": len(years), "years": " ".join(map(str, years)),
                "complete": status.complete, "total_eur": math.nan, "population_mean": math.nan, "per_capita": math.nan,
                "yearly_min": math.nan, "yearly_max": math.nan, "yearly_mean": math.nan, "provisional": False,
            }
            if years:
                row["total_eur"] = math.fsum(float(lookup(yearly, total, y, area).value) for y in years)  # type: ignore[arg-type]
                populations = [lookup(yearly, denominator, y, area) for y in years]
                if all(p.value is not None for p in populations):
                    row["population_mean"] = math.fsum(float(p.value) for p in populations) / len(years)  # type: ignore[arg-type]
                    if row["population_mean"]:
                        row["per_capita"] = float(row["total_eur"]) / float(row["population_mean"])  # type: ignore[arg-type]
                    row["provisional"] = any(p.provisional for p in populations)
                figures = [lookup(yearly, per_capita, y, area) for y in years]
                if all(f.value is not None for f in figures):
                    values = [float(f.value) for f in figures]  # type: ignore[arg-type]
                    row["yearly_min"], row["yearly_max"], row["yearly_mean"] = min(values), max(values), _mean_within(values)
                    row["provisional"] = bool(row["provisional"]) or any(f.provisional for f in figures)
            out.append(row)
    frame = pd.DataFrame(out, columns=FIGURE_COLUMNS)
    return frame.astype({"grant_years": "int64", "complete": bool, "provisional": bool, "term": str, "area": str, "years": str})


def term_rows(
    figures: pd.DataFrame, *, total: str, per_capita: str, yearly_mean_id: str, count: str | None = None, region: str | None = None,
) -> list[dict]:
    """Tidy indicator rows (period = term id) from term_figures: the total, € per inhabitant and
    yearly mean of every term with years, and, for `region`, the number of years (`count`)."""
    out: list[dict] = []
    for r in figures.itertuples(index=False):
        if count is not None and r.area == region:
            out += rows(count, r.term, {r.area: float(r.grant_years)}, COUNT)
        if r.grant_years == 0:
            continue
        out += rows(total, r.term, {r.area: float(r.total_eur)}, EUR)
        if not math.isnan(r.per_capita):
            out += rows(per_capita, r.term, {r.area: float(r.per_capita)}, EUR_PER_INHABITANT, bool(r.provisional))
        if not math.isnan(r.yearly_mean):
            out += rows(yearly_mean_id, r.term, {r.area: float(r.yearly_mean)}, EUR_PER_INHABITANT, bool(r.provisional))
    return out


# --- comparing two terms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Which grant years of two terms are compared."""

    current_years: tuple[int, ...]
    previous_years: tuple[int, ...]
    whole_terms: bool  # both complete, compared as wholes; else the first k years of each


def like_for_like(current: TermStatus, previous: TermStatus | None) -> Comparison | None:
    """The comparison allowed between a term and the one before it, or None: two complete terms
    as wholes; otherwise the current term's k grant years against the previous term's first k,
    when both have at least k >= 1. Never a partial term against a whole one.

    >>> import datetime as dt
    >>> from kainuu_metrics.settings import CouncilTerm
    >>> a, b = CouncilTerm("A", dt.date(2022, 3, 1), dt.date(2025, 5, 31), "A"), CouncilTerm("B", dt.date(2025, 6, 1), dt.date(2029, 5, 31), "B")
    >>> like_for_like(TermStatus(b, (2026, 2027), False), TermStatus(a, (2023, 2024, 2025), True))
    Comparison(current_years=(2026, 2027), previous_years=(2023, 2024), whole_terms=False)
    >>> like_for_like(TermStatus(b, (), False), TermStatus(a, (2023, 2024, 2025), True)) is None
    True
    """
    if previous is None:
        return None
    if current.complete and previous.complete and current.years and previous.years:
        return Comparison(current.years, previous.years, True)
    k = len(current.years)
    if k == 0 or len(previous.years) < k:
        return None
    return Comparison(current.years, tuple(sorted(previous.years)[:k]), False)

