"""The shared plotly.js and the chart downloads in a real browser (headless Chromium, all
network blocked): a page copied without reports/assets/ says in one Finnish line that its charts
need that folder; with it the line is gone, every chart is drawn and has its CSV and XLSX
data: links, and the page links the year's indicators.xlsx.

A module of its own: Playwright's sync API allows one instance per thread, and
tests/test_browser.py keeps its browser open for its whole module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 120_000
CHARTS_DRAWN_JS = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every(div => div.querySelector('svg.main-svg'))"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium puuttuu (/usr/bin/chromium): asenna se komennolla "
                       "'bash scripts/ensure-chromium.sh' (apt-get install chromium)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright puuttuu: make install")


MISSING_ASSETS_JS = """() => { const p = document.getElementById('kaaviot-puuttuvat');
    return p && p.offsetParent !== null ? p.textContent.trim() : ''; }"""
DOWNLOADS_JS = """() => Array.from(document.querySelectorAll('figure')).filter(f => f.querySelector('.plotly-graph-div'))
    .map(f => Array.from(f.querySelectorAll('.kuvion-lataus a[download]')).map(a => [a.getAttribute('download'), a.href.slice(0, 100)]))"""


@pytest.fixture(scope="module")
def offline_page(sample_run):
    """open(path) -> (page, outside requests) in a browser with every request but file: and data: blocked."""
    assert sample_run.returncode == 0, sample_run.stderr
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        outside: list[str] = []

        def block(route) -> None:
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", block)

        def open_page(path: Path):
            outside.clear()
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
            return page, outside

        yield open_page
        browser.close()


def test_a_page_copied_without_assets_says_charts_need_the_folder(offline_page, sample_run, tmp_path):
    alone = tmp_path / "kopio" / "grants.html"  # copied alone: no ../assets/ beside it
    alone.parent.mkdir()
    alone.write_bytes((sample_run.reports / "2025" / "grants.html").read_bytes())
    page, outside = offline_page(alone)
    try:
        text = page.evaluate(MISSING_ASSETS_JS)
        assert text.startswith("Kaaviot tarvitsevat kansion assets/")
        assert page.evaluate("() => document.querySelectorAll('.kaaviot-puuttuvat').length") == 1  # one line
        assert page.evaluate("() => typeof window.Plotly") == "undefined" and outside == []
    finally:
        page.close()


@pytest.mark.parametrize("relative", ["2025/grants.html", "2025/summary.html", "2025/tuokio.html"])
def test_with_assets_the_line_is_gone_and_every_chart_has_its_downloads(offline_page, sample_run, relative):
    page, outside = offline_page(sample_run.reports / relative)
    try:
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=TIMEOUT_MS)
        assert page.evaluate(MISSING_ASSETS_JS) == ""
        downloads = page.evaluate(DOWNLOADS_JS)
        assert downloads, relative
        stem = relative.split("/")[1].removesuffix(".html")
        for links in downloads:
            names = [name for name, _ in links]
            assert len(names) == 2 and names[0].startswith(f"{stem}-2025-kuvio-") and names[0].endswith(".csv"), links
            assert names[1] == names[0].removesuffix(".csv") + ".xlsx"
            assert [href.split(";")[0] for _, href in links] == [
                "data:text/csv", "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        workbook = page.evaluate("() => (document.querySelector('a[href=\"indicators.xlsx\"]') || {}).href || ''")
        assert workbook.endswith(f"/{relative.split('/')[0]}/indicators.xlsx")
        assert outside == []
    finally:
        page.close()
