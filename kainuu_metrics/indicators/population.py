"""Population figures and the denominators that per-inhabitant indicators divide by."""

from __future__ import annotations

import pandas as pd

from kainuu_metrics.datasets.schemas import DENOMINATORS, conform
from kainuu_metrics.indicators.table import PERSONS, tidy


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
