"""The shared plotly.js and the chart downloads in a real browser (headless Chromium, all
network blocked): a page copied without reports/assets/ says in one Finnish line that its charts
need that folder; with it the line is gone, every chart is drawn and has its CSV and XLSX
data: links, and the page links the year's indicators.xlsx.

A module of its own: Playwright's sync API allows one instance per thread, and
tests/test_browser.py keeps its browser open for its whole module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser_support import BROWSER_MARKS, CHARTS_DRAWN_JS, CHROMIUM, TIMEOUT_MS

pytestmark = BROWSER_MARKS
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


STYLES_JS = """() => Array.from(document.querySelectorAll('body *')).map(e => {
    const s = getComputedStyle(e), b = getComputedStyle(e, '::before'), a = getComputedStyle(e, '::after');
    return [e.tagName, e.className && e.className.baseVal === undefined ? e.className : '',
            Array.from(s).filter(p => !p.startsWith('--')).map(p => p + ':' + s.getPropertyValue(p)).join(';'),
            b.content + a.content];
})"""


@pytest.mark.parametrize("relative", ["2025/grants.html", "2025/summary.html"])
def test_the_pruned_lab_css_styles_every_element_as_the_whole_css_did(offline_page, sample_run, tmp_path, relative):
    # The page inlines only the JupyterLab rules it can use (report/css_prune.py). Put the whole
    # of JupyterLab's CSS (index.css + theme-light.css, ~256 KB) back in front of the pruned block:
    # if a dropped rule could style any element, some computed style would differ. Custom
    # properties (--jp-...) are left out of the comparison: the pruned page drops those nothing
    # reads, so they differ by design without changing any property that is drawn.
    from jupyter_core.paths import jupyter_path

    lab = next(Path(p) / "lab" / "static" for p in jupyter_path("nbconvert", "templates") if (Path(p) / "lab" / "static").is_dir())
    whole = "".join((lab / name).read_text(encoding="utf-8") for name in ("index.css", "theme-light.css"))
    pruned_html = (sample_run.reports / relative).read_text(encoding="utf-8")
    assert pruned_html.count('<style type="text/css">') == 1
    block = pruned_html.split('<style type="text/css">', 1)[1].split("</style>", 1)[0]
    assert len(block) < len(whole) / 5  # measured on the sample: about 10 % of it (see README "page weight")
    restored = tmp_path / relative
    restored.parent.mkdir(parents=True)
    (tmp_path / "assets").symlink_to(sample_run.reports / "assets")
    restored.write_text(pruned_html.replace('<style type="text/css">', f'<style type="text/css">{whole}</style><style type="text/css">', 1),
                        encoding="utf-8")
    styles = {}
    for name, path in (("pruned", sample_run.reports / relative), ("whole", restored)):
        page, outside = offline_page(path)
        try:
            page.wait_for_function(CHARTS_DRAWN_JS, timeout=TIMEOUT_MS)
            # plotly names each chart's clip paths with a random uid (url("#clip5fd31cxyplot")): not a style
            styles[name] = [[re.sub(r'url\("#(clip|legend)[0-9a-f]{6}', r'url("#\1', str(v)) for v in element]
                            for element in page.evaluate(STYLES_JS)]
            assert outside == []
        finally:
            page.close()
    assert len(styles["pruned"]) == len(styles["whole"]) > 100
    differing = [(p[0], p[1]) for p, w in zip(styles["pruned"], styles["whole"]) if p != w]
    assert differing == []
