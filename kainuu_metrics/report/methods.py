"""The methods page "Tunnusluvut ja menetelmät": every indicator card of config/indicators.yaml
(name, id, description, unit, decimals, sources, method, categories), grouped by topic.

Rendered with the same Jinja environment and page chrome as the quality page
(report/pages.py); each indicator has the anchor #tunnusluku-<id>, so other pages can link to
its method.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from kainuu_metrics.indicators.catalogue import Catalogue
from kainuu_metrics.report.html_export import PageContext
from kainuu_metrics.report.labels import config_places_in_words as words
from kainuu_metrics.report.pages import render_page

TITLE = "Tunnusluvut ja menetelmät"
TEMPLATE = "methods.html.j2"


def anchor(indicator_id: str) -> str:
    """The fragment of an indicator's entry: 'tunnusluku-grants_total_eur'."""
    return f"tunnusluku-{indicator_id}"


def _decimals_text(unit: str, decimals: int) -> str:
    """'0', or '1 (prosenttiluvussa)' for a ratio shown as a percentage.

    >>> _decimals_text("ratio", 1), _decimals_text("eur", 0)
    ('1 (prosenttiluvussa)', '0')
    """
    return f"{decimals} (prosenttiluvussa)" if unit == "ratio" else str(decimals)


def methods_sections(catalogue: Catalogue) -> list[dict[str, Any]]:
    """The page's content as plain values: one section per topic, one entry per indicator."""
    sections = []
    for topic, ids in catalogue.by_topic():
        entries = []
        for indicator_id in ids:
            card = catalogue.card(indicator_id)
            entries.append({
                "id": indicator_id,
                "anchor": anchor(indicator_id),
                "name": card.name,
                "description": words(card.description),
                "unit_label": card.unit_label,
                "unit": card.unit,
                "decimals": _decimals_text(card.unit, card.decimals),
                "sources": [words(catalogue.source_label(s)) for s in card.sources],
                "method": words(card.method),
                "categories": words(card.categories) if isinstance(card.categories, str) else card.categories,
            })
        sections.append({"topic": topic, "anchor": f"aihe-{topic}", "heading": catalogue.topic_label(topic), "entries": entries})
    return sections


def render_methods_page(path: Path, catalogue: Catalogue, context: PageContext) -> Path:
    """Write the methods page to `path` (title 'Tunnusluvut ja menetelmät' unless the context
    gives one); returns `path`."""
    context = dataclasses.replace(context, title=context.title or TITLE)
    return render_page(TEMPLATE, path, context, sections=methods_sections(catalogue))
