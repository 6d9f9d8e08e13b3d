"""The methods page "Tunnusluvut ja menetelmät" (kainuu_metrics.report.methods)."""

from __future__ import annotations

import html
import re

from kainuu_metrics.indicators.catalogue import load_catalogue
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.report.html_export import PageContext, find_external_references
from kainuu_metrics.report.labels import config_places_in_words as words
from kainuu_metrics.settings import load_domain
from kainuu_metrics.report.methods import TITLE, anchor, render_methods_page


def _render(tmp_path, **context):
    catalogue = load_catalogue(CONFIG_DIR)
    values = {"title": "", "year": None, "sample_data": False, "site_name": load_domain(CONFIG_DIR).site_name, **context}
    out = render_methods_page(tmp_path / "methods.html", catalogue, PageContext(**values))
    return catalogue, out, out.read_text(encoding="utf-8")


def test_every_indicator_appears_once_with_its_name(tmp_path):
    catalogue, out, page = _render(tmp_path)
    assert out == tmp_path / "methods.html"
    for indicator_id in catalogue.ids:
        card = catalogue.card(indicator_id)
        assert page.count(f"<code>{indicator_id}</code>") == 1, indicator_id
        heading = re.search(rf'<h3 id="{anchor(indicator_id)}">(.*?)</h3>', page)
        assert heading is not None, indicator_id
        assert html.unescape(heading.group(1)) == card.name
        assert page.count(f'id="{anchor(indicator_id)}"') == 1


def test_cards_are_grouped_under_finnish_topic_headings_in_order(tmp_path):
    catalogue, _out, page = _render(tmp_path)
    positions = []
    for topic, ids in catalogue.by_topic():
        heading = f'<h2 id="aihe-{topic}">{html.escape(catalogue.topic_label(topic))}</h2>'
        assert page.count(heading) == 1, topic
        start = page.index(heading)
        positions.append(start)
        for indicator_id in ids:  # each card comes after its topic's heading
            assert page.index(f"<code>{indicator_id}</code>") > start
    assert positions == sorted(positions)
    assert "Väestö" in page and "Yhteistyö-Tuokio" in page


def test_entry_shows_unit_decimals_sources_method_and_categories(tmp_path):
    catalogue, _out, page = _render(tmp_path)
    start = page.index('<h3 id="tunnusluku-grants_applications">')
    entry = html.unescape(page[start:page.index("</article>", start)])
    card = catalogue.card("grants_applications")
    assert card.description in entry
    assert card.method in entry
    assert words(card.categories) in entry  # the configuration named in words, not as a path
    assert "config/" not in entry
    assert "kpl" in entry and "count" in entry
    assert "Desimaaleja</dt><dd>0</dd>" in entry
    assert catalogue.source_label("grants") in entry
    ratio = page.index('<h3 id="tunnusluku-approval_rate">')
    assert "1 (prosenttiluvussa)" in page[ratio:page.index("</article>", ratio)]
    plain = page.index('<h3 id="tunnusluku-grants_total_eur">')
    assert "Luokat" not in page[plain:page.index("</article>", plain)]


def test_page_title_chrome_and_no_external_references(tmp_path):
    _catalogue, _out, page = _render(tmp_path, sample_data=True, nav=[("Menetelmät", "methods.html")], generated_at="1.2.2026 klo 10.00")
    assert f"<h1>{TITLE}</h1>" in page
    assert f"<title>{TITLE} –" in page
    assert 'aria-current="page"' in page
    assert "ESIMERKKIAINEISTO" in page
    assert find_external_references(page) == []


def test_context_title_wins(tmp_path):
    _catalogue, _out, page = _render(tmp_path, title="Menetelmäkuvaus")
    assert "<h1>Menetelmäkuvaus</h1>" in page
