"""The comparison of a published (frozen) year with this run's figures: a Finnish table for
data/processed/vertailu/<year>.csv and the page reports/<year>-vertailu.html."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kainuu_metrics import formatting
from kainuu_metrics.indicators.catalogue import Catalogue
from kainuu_metrics.report.html_export import PageContext

COLUMNS = ["tunnusluku", "tunnus", "kausi", "alue", "luokka", "yksikkö", "julkaistu_arvo", "uusi_arvo", "erotus"]


def comparison_table(differences: pd.DataFrame, catalogue: Catalogue, area_name: Callable[[str], str]) -> pd.DataFrame:
    """publication.differences with each figure's Finnish name and unit, the area's name and
    Finnish column names (values stay numbers; a suppression marker stays as it is)."""
    out = pd.DataFrame(
        {
            "tunnusluku": differences["indicator"].map(catalogue.name),
            "tunnus": differences["indicator"],
            "kausi": differences["period"],
            "alue": differences["area"].map(lambda a: f"{area_name(a)} ({a})"),
            "luokka": differences["category"],
            "yksikkö": differences["indicator"].map(lambda i: catalogue.card(i).unit_label),
            "julkaistu_arvo": differences["published"],
            "uusi_arvo": differences["new"],
            "erotus": differences["difference"],
        },
        columns=COLUMNS,
    )
    return out.astype(object).where(out.notna(), None)


def shown(value: object, unit: str, decimals: int, *, signed: bool = False) -> str:
    """A value as the pages show it; '–' when there is none; a difference with its sign.

    >>> shown(300.0, "eur", 0, signed=True), shown(-0.5, "eur_per_inhabitant", 2, signed=True), shown(None, "eur", 0)
    ('+300\\xa0€', '−0,50\\xa0€/asukas', '–')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return formatting.MISSING
    text = formatting.value(value, unit, decimals)
    return "+" + text if signed and isinstance(value, float) and round(value, decimals) > 0 else text


def render_comparison_page(out: Path, table: pd.DataFrame, catalogue: Catalogue, *, year: int, published_at: str,
                           publication_id: str, csv_name: str, context: PageContext) -> Path:
    """Write the Finnish page listing the figures of `year` that differ from its publication."""
    from kainuu_metrics.report.pages import render_page

    rows = []
    for r in table.to_dict("records"):
        card = catalogue.card(r["tunnus"])
        rows.append({
            "name": r["tunnusluku"], "id": r["tunnus"], "period": r["kausi"], "area": r["alue"], "category": r["luokka"] or "",
            "published": shown(r["julkaistu_arvo"], card.unit, card.decimals),
            "new": shown(r["uusi_arvo"], card.unit, card.decimals),
            "difference": shown(r["erotus"], card.unit, card.decimals, signed=True),
        })
    return render_page("comparison.html.j2", out, context, year=year, rows=rows, published_at=published_at,
                       publication_id=publication_id, csv_name=csv_name)
