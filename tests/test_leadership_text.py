"""What leadership reads: Finnish table headers (never machine names such as `myönnetty_eur`) and
no repository paths (`config/…`, `scripts/…`) anywhere but the quality page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from kainuu_metrics.report import charts
from kainuu_metrics.report.labels import REPOSITORY_PATH, column_label, without_path_sentences

SNAKE_CASE = re.compile(r"\w_\w")


def test_table_headers_are_finnish_and_formats_may_name_the_machine_column():
    frame = pd.DataFrame({"järjestö": ["Yhdistys ry"], "haettu_eur": [1500.0], "myönnetty_eur": [1200.0], "kuukausia_aineistossa": [12]})
    markup = charts.table_html(frame, caption="Avustusta saaneet", formats={"myönnetty_eur": charts.format_eur})
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', markup)
    assert headers == ["Järjestö", "Haettu (€)", "Myönnetty (€)", "Kuukausia aineistossa"]
    assert "1\u00a0200\u00a0€" in markup  # the format given for the machine name still applies
    assert "<td class=\"luku\">1\u00a0500</td>" in markup  # no format given: a plain Finnish number


@pytest.mark.parametrize("name, label", [
    ("eur_per_asukas", "€ / asukas"), ("eur_per_asukas_vuodessa", "€ / asukas vuodessa"), ("vuosi", "Vuosi"),
    ("uusi_sarake_eur", "Uusi sarake (€)"), ("Avustukset (€ / asukas)", "Avustukset (€ / asukas)"),
])
def test_column_labels(name, label):
    assert column_label(name) == label


class _PageText(HTMLParser):
    """Visible text and table headers of a page (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.headers: list[str] = []
        self._skip = 0
        self._in_th = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "th":
            self._in_th += 1
            self.headers.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "th":
            self._in_th -= 1

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._in_th:
            self.headers[-1] += data


@pytest.mark.e2e
def test_no_page_but_quality_shows_machine_headers_or_repository_paths(sample_run):
    assert sample_run.returncode == 0, sample_run.stderr
    # The quality page names files on purpose; methods.html names the configuration in words.
    technical = {"quality.html"}
    pages = sorted(p for p in sample_run.reports.rglob("*.html") if p.name not in technical and "notebooks" not in p.parts)
    assert len(pages) > 10
    found = {}
    for page in pages:
        parser = _PageText()
        parser.feed(page.read_text(encoding="utf-8"))
        headers = sorted({h.strip() for h in parser.headers if SNAKE_CASE.search(h)})
        paths = sorted(set(REPOSITORY_PATH.findall(" ".join(parser.text))))
        if headers or paths:
            found[str(page.relative_to(sample_run.reports))] = (headers, paths)
    assert found == {}


def test_a_configuration_sentence_naming_a_file_is_left_out():
    note = "Vaiheet ovat seurannan oma oletus. Asteikko määritellään tiedostossa config/tuokio.yaml."
    assert without_path_sentences(note) == "Vaiheet ovat seurannan oma oletus."
    assert REPOSITORY_PATH.findall("esimerkkiaineisto (scripts/generate_sample_data.py)") == ["scripts/generate_sample_data.py"]
