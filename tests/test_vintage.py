"""A page for year Y uses only data dated up to 31.12.Y: the 2023 pages built from the sample
with and without the 2024–2025 inputs show the same figures (terms, trends, comparisons,
the quality page's row counts)."""

from __future__ import annotations

import json
import os
import re
import shutil
from html.parser import HTMLParser

import pytest

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.e2e
YEAR = 2023
PAGES = ["summary.html", "grants.html", "council_term.html", "premises.html", "experience.html"]
# Lines that speak of the run itself, not of the year's data: when it was made, and the
# whole run's check counts (labelled as the run's).
RUN_LINES = re.compile(r"klo \d|tarkistusta|Tarkistusajo|Viimeisin ajo")
YEAR_IN_PATH = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class _Text(HTMLParser):
    """Visible text of <main>, one line per block; plotly's data arrays from its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.scripts: list[str] = []
        self._in_main = self._in_script = False
        self._line: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._in_main |= tag == "main"
        self._in_script = tag == "script"
        if tag in {"p", "li", "tr", "h1", "h2", "h3", "dt", "dd", "caption", "figcaption"}:
            self._flush()

    def handle_endtag(self, tag):
        if tag == "main":
            self._flush()
            self._in_main = False
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
        elif self._in_main:
            self._line.append(data)

    def _flush(self) -> None:
        line = " ".join(" ".join(self._line).split())
        if line:
            self.lines.append(line)
        self._line = []


def figures_of(html: str) -> tuple[list[str], list[object]]:
    parser = _Text()
    parser.feed(html)
    lines = [line for line in parser.lines if not RUN_LINES.search(line)]
    charts = []
    for script in parser.scripts:
        for match in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", script, re.S):
            traces = json.loads(match.group(1))
            charts.append([{k: trace.get(k) for k in ("x", "y", "r", "theta", "text", "name")} for trace in traces])
    return lines, charts


def quality_counts(html: str) -> list[str]:
    """The quality page's sections about the year's input rows (the checks are the run's)."""
    body = html.split('id="tasmaytys"', 1)[1].split('id="ajon-tiedot"', 1)[0]  # not the run's own details
    parser = _Text()
    parser._in_main = True
    parser.feed(body)
    return [line for line in parser.lines if not RUN_LINES.search(line)]


@pytest.fixture(scope="module")
def only_up_to_year(tmp_path_factory):
    """The sample without any input dated after YEAR, run through the whole pipeline."""
    base = tmp_path_factory.mktemp("vintage")
    raw = base / "data" / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    for path in sorted(raw.rglob("*"), reverse=True):
        years = [int(y) for y in YEAR_IN_PATH.findall(path.relative_to(raw).as_posix())]
        if years and max(years) > YEAR and path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": "test-key-not-secret"}
    result = run_cli("run", "--data", str(base / "data"), "--reports", str(base / "reports"), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return base / "reports" / str(YEAR)


@pytest.mark.parametrize("page", PAGES)
def test_the_years_pages_show_the_same_figures_without_later_inputs(sample_run, only_up_to_year, page):
    full = figures_of((sample_run.reports / str(YEAR) / page).read_text(encoding="utf-8"))
    alone = figures_of((only_up_to_year / page).read_text(encoding="utf-8"))
    assert full[0] == alone[0]
    assert full[1] == alone[1]


def test_the_years_pages_name_no_later_period(sample_run):
    """No later year or term on the year's pages (a date such as a file's delivery day is not a period)."""
    for page in PAGES:
        text = " ".join(figures_of((sample_run.reports / str(YEAR) / page).read_text(encoding="utf-8"))[0])
        periods = re.sub(r"\d{1,2}\.\d{1,2}\.\d{4}", "", text).replace("2022–2025", "")
        assert not re.search(r"\b20(2[4-9]|[3-9]\d)\b", periods), page


def test_the_years_quality_page_counts_only_its_inputs(sample_run, only_up_to_year):
    full = quality_counts((sample_run.reports / str(YEAR) / "quality.html").read_text(encoding="utf-8"))
    alone = quality_counts((only_up_to_year / "quality.html").read_text(encoding="utf-8"))
    assert full == alone
