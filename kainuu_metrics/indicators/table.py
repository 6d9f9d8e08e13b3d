"""The tidy indicator table that every stage after cleaning reads.

One row per figure: ``indicator, period, area, category, value, unit, provisional,
suppression``. ``indicator`` is a stable id with a card in the catalogue
(config/indicators.yaml); ``category`` is the breakdown (a grant type, a network slug, ...) or
empty; ``value`` is a number or empty, never text; ``suppression`` is empty, or the marker
of a count that is not published (e.g. ``<5``, ``x``), in which case ``value`` is empty.

>>> t = tidy(rows("grants_total_eur", 2024, {"MK1": 100.0}, EUR) + rows("grants_by_type_eur", 2024, {"MK1": 40.0}, EUR, category="kerta"))
>>> lookup(t, "grants_by_type_eur", 2024, "MK1", "kerta").value
40.0
>>> lookup(t, "grants_total_eur", 2025, "MK1").value is None
True
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

INDICATOR_COLUMNS = ["indicator", "period", "area", "category", "value", "unit", "provisional", "suppression"]
EUR, EUR_PER_INHABITANT, PERSONS, COUNT, RATIO, MONTHS, HOURS = (
    "eur", "eur_per_inhabitant", "persons", "count", "ratio", "months", "hours",
)


def slug(text: str) -> str:
    """'Mielenterveys- ja päihdetoimijat' -> 'mielenterveys_ja_paihdetoimijat'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.casefold()).strip("_")


def municipality_area(code: str) -> str:
    return f"KU{code}"


def rows(
    indicator: str,
    period: object,
    values: dict[str, float | None],
    unit: str,
    provisional: bool | dict[str, bool] = False,
    *,
    category: str = "",
    suppression: dict[str, str] | None = None,
) -> list[dict]:
    """One tidy row per area; a suppressed area's value is left empty and carries its marker."""
    out = []
    for area, value in values.items():
        marker = (suppression or {}).get(area, "")
        out.append(
            {
                "indicator": indicator,
                "period": str(period),
                "area": area,
                "category": category,
                "value": None if marker or value is None else float(value),
                "unit": unit,
                "provisional": provisional.get(area, False) if isinstance(provisional, dict) else provisional,
                "suppression": marker,
            }
        )
    return out


def tidy(records: list[dict]) -> pd.DataFrame:
    """The records as the tidy table (a missing category or suppression is empty)."""
    frame = pd.DataFrame(records, columns=INDICATOR_COLUMNS)
    for column, empty in (("category", ""), ("suppression", ""), ("provisional", False)):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), empty)
    return frame.astype(
        {"indicator": str, "period": str, "area": str, "category": str, "value": "float64", "unit": str,
         "provisional": bool, "suppression": str}
    )


def read_indicators(path) -> pd.DataFrame:
    """indicators.csv as written by the store: empty category/suppression read back as ''."""
    frame = pd.read_csv(
        path,
        dtype={"indicator": str, "period": str, "area": str, "category": str, "unit": str, "suppression": str},
        keep_default_na=False,
        na_values={"value": [""]},
    )
    return tidy(frame.to_dict("records")) if not frame.empty else tidy([])


@dataclass(frozen=True)
class Cell:
    """One figure as pages read it."""

    value: float | None  # None when absent or suppressed
    provisional: bool = False
    suppression: str = ""  # the marker when suppressed

    @property
    def present(self) -> bool:
        return self.value is not None or bool(self.suppression)


MISSING_CELL = Cell(None)


def select(indicators: pd.DataFrame, indicator: str, *, period: object = None, area: str | None = None, category: str | None = None) -> pd.DataFrame:
    """The rows of one indicator, optionally for one period, area and category."""
    if indicators.empty:
        return indicators
    mask = indicators["indicator"] == indicator
    if period is not None:
        mask &= indicators["period"] == str(period)
    if area is not None:
        mask &= indicators["area"] == area
    if category is not None:
        mask &= indicators["category"] == category
    return indicators.loc[mask]


def lookup(indicators: pd.DataFrame, indicator: str, period: object, area: str, category: str = "") -> Cell:
    """One cell of the table, or MISSING_CELL."""
    if indicators.empty:
        return MISSING_CELL
    # The pages ask for ~900 single cells a run: comparing plain arrays costs a fifth of
    # select()'s boolean-indexed frame and its row Series (the table is not cached or indexed,
    # so a changed table is always read as it is).
    key = {"indicator": indicator, "period": str(period), "area": area, "category": category}
    hits = np.flatnonzero(np.logical_and.reduce([indicators[column].to_numpy(dtype=object) == value for column, value in key.items()]))
    if not len(hits):
        return MISSING_CELL
    return _cell(*(indicators[column].iat[hits[0]] for column in ("value", "provisional", "suppression")))


def cells(indicators: pd.DataFrame, period: object, area: str) -> dict[tuple[str, str], Cell]:
    """Every cell of one period and area by (indicator, category), the first where a key repeats:
    what `lookup` answers, read in one pass for a page part that asks for hundreds."""
    if indicators.empty:
        return {}
    rows = indicators.loc[(indicators["period"] == str(period)) & (indicators["area"] == area)]
    found: dict[tuple[str, str], Cell] = {}
    for key in zip(rows["indicator"], rows["category"], rows["value"], rows["provisional"], rows["suppression"]):
        found.setdefault(key[:2], _cell(*key[2:]))
    return found


def _cell(value: object, provisional: object, suppression: object) -> Cell:
    return Cell(
        None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value),
        bool(provisional),
        str(suppression or ""),
    )


def categories(indicators: pd.DataFrame, indicator: str, period: object, area: str) -> pd.DataFrame:
    """Every category of a breakdown for one period and area (category, value, suppression)."""
    hit = select(indicators, indicator, period=period, area=area)
    return hit.loc[hit["category"] != "", ["category", "value", "provisional", "suppression"]].reset_index(drop=True)
