"""Every page of the sample run on a 1366 px screen and a 390 px phone (headless Chromium, as in
test_browser.py; all network blocked): no text overflows its box, no table column is hidden
without a cue (a table wider than its frame scrolls in a frame marked data-vieritettava, with
the Finnish "vieritä" hint above it), and on the phone the plotly mode bar is hidden, chart
titles and category labels stay inside their chart, and the method box is not a column of
single words. Each page is loaded once and looked at in both widths."""

from __future__ import annotations

import pytest

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.report.notebooks import load_notebook_specs

from .browser_support import BROWSER_MARKS, CHARTS_DRAWN_JS, CHROMIUM, TIMEOUT_MS

YEARS = [2023, 2024, 2025]
PAGES = ["index.html", "methods.html"] + [f"{year}/{s.page}" for year in YEARS for s in load_notebook_specs(CONFIG_DIR)] \
    + [f"{year}/quality.html" for year in YEARS]
WIDTHS = (1366, 390)

pytestmark = BROWSER_MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright puuttuu: make install")


# Boxes whose content is wider than they are. Charts (plotly's own SVG) are looked at apart;
# a frame marked data-vieritettava is a scroll container with its cue, so it may be wider.
OVERFLOW_JS = """() => {
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + Array.from(el.classList).join('.') : '');
    const found = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
        found.push(`sivu on ${document.documentElement.scrollWidth} px leveä (ikkuna ${window.innerWidth} px)`);
    }
    for (const el of document.querySelectorAll('body *')) {
        if (el.closest('.plotly-graph-div, svg, script, style, .ohita')) continue;
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.display === 'inline' || style.display === 'contents') continue;
        if (el.hasAttribute('data-vieritettava')) continue;
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
            found.push(`${name(el)}: sisältö ${el.scrollWidth} px, laatikko ${el.clientWidth} px: ` +
                       el.textContent.trim().slice(0, 60));
        }
    }
    return found;
}"""

# A table whose right edge is past the visible edge of its frame (or of the window) hides
# columns: allowed only in a marked frame with the hint above it.
HIDDEN_COLUMNS_JS = """() => {
    const found = [];
    for (const table of document.querySelectorAll('table')) {
        if (getComputedStyle(table).display === 'none' || !table.offsetParent) continue;
        let frame = table.parentElement;
        while (frame && frame !== document.body && !['auto', 'scroll', 'hidden'].includes(getComputedStyle(frame).overflowX)) {
            frame = frame.parentElement;
        }
        const right = table.getBoundingClientRect().right;
        const edge = Math.min(window.innerWidth, frame && frame !== document.body ? frame.getBoundingClientRect().right : window.innerWidth);
        if (right <= edge + 2) continue;  // sub-pixel rounding
        const caption = table.querySelector('caption');
        const marked = frame && frame.hasAttribute('data-vieritettava');
        const hint = marked && frame.previousElementSibling && frame.previousElementSibling.classList.contains('vieritys-vihje')
            && frame.previousElementSibling.textContent.includes('vieritä');
        if (!marked || !hint) {
            found.push((caption ? caption.textContent.trim() : 'taulukko') + `: oikea reuna ${Math.round(right)} px, näkyvissä ${Math.round(edge)} px asti`);
        }
    }
    return found;
}"""

# Chart titles and category labels inside their chart; the mode bar hidden.
CHARTS_JS = """() => {
    const found = [];
    for (const div of document.querySelectorAll('.plotly-graph-div')) {
        const box = div.getBoundingClientRect();
        const bar = div.querySelector('.modebar-container');
        if (bar && getComputedStyle(bar).display !== 'none' && bar.getBoundingClientRect().width > 0) {
            found.push(`${div.id}: työkalupalkki näkyy`);
        }
        for (const text of div.querySelectorAll('.gtitle, .xtick text, .ytick text, .angularaxistick text, .legendtext')) {
            const r = text.getBoundingClientRect();
            if (r.width === 0) continue;
            const vertical = text.classList.contains('gtitle') && (r.top < box.top - 1 || r.bottom > box.bottom + 1);
            if (vertical || r.left < box.left - 1 || r.right > box.right + 1) {
                found.push(`${div.id}: teksti '${text.textContent.slice(0, 40)}' leikkautuu (${Math.round(r.left)}–${Math.round(r.right)}, kuvio ${Math.round(box.left)}–${Math.round(box.right)})`);
            }
        }
    }
    return found;
}"""

METHOD_BOX_JS = """() => Array.from(document.querySelectorAll('.menetelma-laatikko dd'))
    .filter(dd => dd.clientWidth < 0.6 * dd.closest('.menetelma-laatikko').clientWidth)
    .map(dd => `menetelmälaatikon selite on vain ${dd.clientWidth} px leveä: ${dd.textContent.slice(0, 40)}`)"""


@pytest.fixture(scope="module")
def layouts(sample_run):
    """layouts(relative) -> {width: [problem, ...]}; one browser, each page loaded once."""
    assert sample_run.returncode == 0, sample_run.stderr
    cache: dict[str, dict[int, list[str]]] = {}

    def block(route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--disable-gpu"])
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale="fi-FI", service_workers="block")
        context.route("**/*", block)

        def load(relative: str) -> dict[int, list[str]]:
            if relative in cache:
                return cache[relative]
            path = sample_run.reports / relative
            if not path.exists():
                pytest.skip(f"{relative}: sivua ei tehty tälle vuodelle")
            page = context.new_page()
            try:
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                page.goto(path.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                page.wait_for_function(CHARTS_DRAWN_JS, timeout=TIMEOUT_MS)
                result = {}
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.wait_for_timeout(400)  # resize handlers: charts relayout, scroll frames marked
                    problems = page.evaluate(OVERFLOW_JS) + page.evaluate(HIDDEN_COLUMNS_JS)
                    if width < 600:
                        problems += page.evaluate(CHARTS_JS) + page.evaluate(METHOD_BOX_JS)
                    result[width] = problems
            finally:
                page.close()
            cache[relative] = result
            return result

        yield load
        browser.close()


@pytest.mark.parametrize("relative", PAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_overflows_and_no_column_is_hidden_without_a_cue(layouts, relative, width):
    assert layouts(relative)[width] == []
