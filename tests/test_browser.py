"""Every page of the sample run opened in a real browser: headless Chromium (Debian's package,
driven by Playwright with executable_path; no browser download), all network blocked.

Per page: no console errors, no request leaves the page, every chart drawn (its SVG with data
points), WCAG 2.1 A/AA by axe-core (the copy bundled in axe-playwright-python, injected inline),
one h1 and no skipped heading levels, and a screenshot kept in test-artifacts/screenshots/.
On the yearly summary: every number equals its cell in indicators.csv (a council term's yearly
mean as of the page's year: the mean of the yearly cells it names). One browser for the
module, one context for all pages; each page is loaded once and its findings cached.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.report.notebooks import load_notebook_specs

from .browser_support import BROWSER_MARKS, CHARTS_DRAWN_JS, CHROMIUM, TIMEOUT_MS
from .conftest import ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
YEARS = [2023, 2024, 2025]
SPECS = load_notebook_specs(CONFIG_DIR)
YEAR_PAGES = [s.page for s in SPECS] + ["quality.html"]
PAGES = ["index.html", "methods.html", "historia.html"] + [f"{year}/{page}" for year in YEARS for page in YEAR_PAGES]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright puuttuu: make install")

CHARTS_JS = """() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(div => ({
    id: div.id,
    svg: div.querySelectorAll('svg.main-svg').length,
    traces: (div.data || []).length,
    points: div.querySelectorAll('.point, .js-line').length,
}))"""
FIGURES_JS = """() => Array.from(document.querySelectorAll('[data-indicator]')).map(el => ({
    indicator: el.dataset.indicator, period: el.dataset.period, area: el.dataset.area,
    value: el.dataset.value, text: el.textContent, years: el.dataset.years || "",
}))"""
EMPTY_CARDS_JS = """() => Array.from(document.querySelectorAll('li.kortti-ei-tietoa')).map(li => li.dataset.card)"""
HEADINGS_JS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => Number(h.tagName[1]))"""
AXE_JS = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
}"""


@dataclass
class Visit:
    """What one page showed the browser."""

    exists: bool
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    empty_cards: list[str] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    lang: str = ""
    violations: list[dict] = field(default_factory=list)
    first_focus: str = ""


def _axe_source() -> str:
    axe = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python puuttuu: make install")
    return (Path(axe.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def visit(sample_run):
    """visit('2025/summary.html') -> Visit; one browser and context, each page loaded once."""
    assert sample_run.returncode == 0, sample_run.stderr
    axe_source = _axe_source()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []

    def block(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    def record(request) -> None:  # requests that routing never sees (e.g. WebSockets)
        if not request.url.startswith(("file:", "data:")) and request.url not in outside:
            outside.append(request.url)

    cache: dict[str, Visit] = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI", service_workers="block")
        context.route("**/*", block)
        context.on("request", record)

        def load(relative: str) -> Visit:
            if relative in cache:
                return cache[relative]
            path = sample_run.reports / relative
            if not path.exists():
                cache[relative] = Visit(exists=False)
                return cache[relative]
            outside.clear()
            errors: list[str] = []
            page = context.new_page()
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            try:
                page.goto(path.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                page.wait_for_function(CHARTS_DRAWN_JS, timeout=TIMEOUT_MS)
                name = "index" if relative == "index.html" else relative.replace("/", "-").removesuffix(".html")
                page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
                page.keyboard.press("Tab")
                result = Visit(
                    exists=True,
                    charts=page.evaluate(CHARTS_JS),
                    figures=page.evaluate(FIGURES_JS),
                    empty_cards=page.evaluate(EMPTY_CARDS_JS),
                    headings=page.evaluate(HEADINGS_JS),
                    lang=page.evaluate("() => document.documentElement.lang"),
                    first_focus=page.evaluate("() => document.activeElement ? document.activeElement.textContent.trim() : ''"),
                )
                page.add_script_tag(content=axe_source)
                result.violations = page.evaluate(AXE_JS, AXE_TAGS)
            finally:
                page.close()
            result.console_errors, result.outside_requests = errors, list(outside)
            cache[relative] = result
            return result

        yield load
        browser.close()


def _visit_existing(visit, relative: str) -> Visit:
    result = visit(relative)
    if not result.exists:
        spec = next((s for s in SPECS if relative.endswith("/" + s.page)), None)
        if spec is not None and getattr(spec, "years_from", "grants") != "grants":
            pytest.skip(f"{relative}: aineistossa ei ole tämän vuoden tietoja ({spec.years_from})")
        pytest.fail(f"{relative} puuttuu")
    return result


def test_every_generated_page_is_opened_here(sample_run):
    generated = {p.relative_to(sample_run.reports).as_posix() for p in sample_run.reports.rglob("*.html")}
    assert generated, "no pages"
    assert generated <= set(PAGES), sorted(generated - set(PAGES))


@pytest.mark.parametrize("relative", PAGES)
def test_page_works_offline_without_errors(visit, relative):
    result = _visit_existing(visit, relative)
    assert result.console_errors == []
    assert result.outside_requests == []


@pytest.mark.parametrize("relative", PAGES)
def test_every_chart_is_drawn_with_data_points(visit, relative):
    result = _visit_existing(visit, relative)
    for chart in result.charts:
        assert chart["svg"] > 0 and chart["traces"] > 0, chart
        assert chart["points"] > 0, chart
    if relative.endswith(("summary.html", "grants.html", "council_term.html")):
        # A trend of one year is one sentence, not a lone bar (issue 12): the first year's summary
        # has no chart left and its council-term page one (the municipalities); later years two.
        first_year = {"summary.html": 0, "council_term.html": 1, "grants.html": 2}
        expected = first_year[relative.split("/")[-1]] if relative.startswith(f"{YEARS[0]}/") else 2
        assert len(result.charts) >= expected


@pytest.mark.parametrize("relative", PAGES)
def test_page_meets_wcag_21_aa_by_axe(visit, relative):
    result = _visit_existing(visit, relative)
    assert result.violations == []


@pytest.mark.parametrize("relative", PAGES)
def test_page_is_finnish_with_one_h1_and_no_skipped_heading_levels(visit, relative):
    result = _visit_existing(visit, relative)
    assert result.lang == "fi"
    assert result.headings.count(1) == 1 and result.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(result.headings, result.headings[1:])), result.headings
    assert result.first_focus == "Siirry sisältöön"  # the first Tab reaches the skip link


# --- the yearly summary against indicators.csv ----------------------------------------------------------


@pytest.fixture(scope="module")
def indicators(sample_run) -> pd.DataFrame:
    return pd.read_csv(sample_run.data / "processed" / "indicators.csv", dtype=str, keep_default_na=False)


def _csv_value(indicators: pd.DataFrame, figure: dict) -> tuple[str, str]:
    """The cell's value as written in indicators.csv: a number, or its suppression marker."""
    hit = indicators.loc[
        (indicators["indicator"] == figure["indicator"]) & (indicators["period"] == figure["period"])
        & (indicators["area"] == figure["area"]) & (indicators["category"] == "")
    ]
    assert len(hit) == 1, figure
    return hit["suppression"].iloc[0] or hit["value"].iloc[0], hit["unit"].iloc[0]


def _shown_number(text: str) -> tuple[float, int]:
    """'153 300 €' -> (153300.0, 0); '96,9 %' -> (96.9, 1); '50 / 100' -> (50.0, 0)."""
    number = re.match(r"^[+\u2212-]?[\d\u00a0 ]+(,\d+)?", text.strip())
    assert number, text
    digits = number.group(0).replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    decimals = len(number.group(1)) - 1 if number.group(1) else 0
    return float(digits.replace(",", ".")), decimals


def _term_mean(indicators: pd.DataFrame, figure: dict, year: int, term_years: dict[str, list[int]]) -> tuple[str, str]:
    """A term's yearly mean as of the page's year: the mean of the grants_per_capita_eur cells of
    the grant years it names, which are the term's grant years up to that year."""
    years = [int(y) for y in figure["years"].split()]
    assert years == [y for y in term_years[figure["period"]] if y <= year], figure
    values = [float(_csv_value(indicators, {**figure, "indicator": "grants_per_capita_eur", "period": str(y)})[0]) for y in years]
    if years == term_years[figure["period"]]:  # all of the term's grant years: the published cell itself
        assert float(_csv_value(indicators, figure)[0]) == pytest.approx(sum(values) / len(values), rel=1e-12)
    return repr(sum(values) / len(values)), "eur_per_inhabitant"


@pytest.mark.parametrize("year", YEARS)
def test_summary_numbers_equal_indicators_csv(visit, sample_run, indicators, year):
    result = _visit_existing(visit, f"{year}/summary.html")
    figures = result.figures
    assert {f["indicator"] for f in figures if f["period"] == str(year)} >= {"grants_total_eur", "grants_per_capita_eur"}
    terms = pd.read_parquet(sample_run.data / "processed" / "term_figures.parquet")
    term_years = {r.term: [int(y) for y in r.years.split()] for r in terms.loc[terms["area"] == "MK18"].itertuples()}
    for figure in figures:
        if figure["years"]:
            csv_value, unit = _term_mean(indicators, figure, year, term_years)
        else:
            csv_value, unit = _csv_value(indicators, figure)
        try:
            expected = float(csv_value)
        except ValueError:  # a suppression marker is shown as it is
            assert figure["value"] == csv_value and figure["text"] == csv_value
            continue
        assert float(figure["value"]) == pytest.approx(expected, rel=1e-12), figure
        shown, decimals = _shown_number(figure["text"])
        scale = 100 if unit == "ratio" else 1
        assert math.isclose(shown, expected * scale, abs_tol=0.5 * 10**-decimals + 1e-9), (figure, expected)


@pytest.mark.parametrize("year", YEARS)
def test_summary_cards_without_data_really_have_none(visit, indicators, year):
    result = _visit_existing(visit, f"{year}/summary.html")
    for card in result.empty_cards:
        if card == "grants_per_capita_yearly_mean_eur":  # a term card: its period is a term
            continue
        rows = indicators.loc[(indicators["indicator"] == card) & (indicators["period"] == str(year)) & (indicators["area"] == "MK18")
                              & (indicators["category"] == "")]
        assert rows.empty, card


@pytest.mark.parametrize("year", YEARS)
def test_summary_pdf_is_a4(sample_run, year):
    pdf = sample_run.reports / str(year) / "summary.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert re.search(rb"/MediaBox\s*\[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", data), "not A4"


def test_index_links_the_summary_first_and_its_pdf(sample_run):
    html = (sample_run.reports / "index.html").read_text(encoding="utf-8")
    for year in YEARS:
        section = html[html.index(f'id="vuosi-{year}"'):]
        links = re.findall(r'<a href="([^"#]+)"', section)
        assert links[:2] == [f"{year}/summary.html", f"{year}/summary.pdf"]
        assert f"{year}/quality.html" in links
