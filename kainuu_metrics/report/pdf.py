"""The yearly summary page printed as an A4 PDF (reports/<year>/summary.pdf) for board-meeting
attachments, with headless Chromium: Debian's `chromium` package driven by Playwright through
`executable_path` (no browser download). Nothing is loaded from the network: every request
other than file: and data: is aborted.

Without Chromium (or Playwright) no PDF is made and the caller gets a Finnish note instead;
the HTML pages are what count, so a missing PDF never fails a run.
"""

from __future__ import annotations

import os
import shutil
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; KAINUU_METRICS_CHROMIUM overrides
CHROMIUM_ENV = "KAINUU_METRICS_CHROMIUM"
LOAD_TIMEOUT_MS = 120_000

# Every chart drawn (plotly has put its SVG in each chart <div>).
CHARTS_DRAWN_JS = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every(div => div.querySelector('svg.main-svg'))"""
# site.js opens the <details> and fits the charts to A4 before printing; page.pdf() does not
# fire `beforeprint`, so the same preparation is called here and awaited.
PREPARE_PRINT_JS = """async () => {
    if (window.kainuuPrepareForPrint) { await window.kainuuPrepareForPrint(); }
}"""
FOOTER = (
    '<div style="width:100%;margin:0 14mm;font-size:8pt;color:#4a5563;'
    'font-family:system-ui,sans-serif;display:flex;justify-content:space-between;">'
    '<span class="title"></span><span>sivu <span class="pageNumber"></span>/<span class="totalPages"></span></span></div>'
)


@dataclass
class PdfResult:
    written: list[Path] = field(default_factory=list)
    note: str | None = None  # Finnish, when no PDF (or not every PDF) was made


def find_chromium() -> Path | None:
    """Chromium's executable: $KAINUU_METRICS_CHROMIUM, /usr/bin/chromium or `chromium` on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    candidates = [Path(configured)] if configured else [CHROMIUM, *(Path(p) for p in [shutil.which("chromium")] if p)]
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def _block_network(route) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def print_pdfs(pages: Iterable[tuple[Path, Path]], *, chromium: Path | None = None) -> PdfResult:
    """Print each (html, pdf) pair on A4 with backgrounds; one browser for all pages. `pages`
    may be a lazy iterable: the browser starts at once and prints pages as they arrive.

    Returns the PDFs written and, when Chromium or Playwright is missing or a page fails, a
    Finnish note saying why (the run does not fail for it)."""
    executable = chromium or find_chromium()
    if executable is None:
        return PdfResult(note=(
            "PDF-tiedostoa ei tehty: Chromium puuttuu. Asenna se komennolla 'apt-get install chromium' "
            f"(tai anna sen polku ympäristömuuttujassa {CHROMIUM_ENV}) ja aja uudelleen; HTML-sivut on tehty."
        ))
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return PdfResult(note="PDF-tiedostoa ei tehty: Playwright puuttuu (asenna riippuvuudet komennolla 'make install').")
    result = PdfResult()
    failures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(executable), args=["--disable-gpu"])
            try:
                context = browser.new_context(viewport={"width": 1200, "height": 900}, service_workers="block")
                context.route("**/*", _block_network)
                for html, pdf in pages:
                    try:
                        _print_one(context, html, pdf)
                        result.written.append(pdf)
                    except PlaywrightError as exc:
                        failures.append(f"{pdf}: {str(exc).splitlines()[0]}")
            finally:
                browser.close()
    except PlaywrightError as exc:
        return PdfResult(note=f"PDF-tiedostoa ei tehty: Chromiumia ({executable}) ei voitu käynnistää: {str(exc).splitlines()[0]}")
    if failures:
        result.note = "Kaikkia PDF-tiedostoja ei tehty: " + "; ".join(failures)
    return result


def _print_one(context, html: Path, pdf: Path) -> None:
    page = context.new_page()
    try:
        page.goto(html.resolve().as_uri(), wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=LOAD_TIMEOUT_MS)
        page.emulate_media(media="print")
        page.evaluate(PREPARE_PRINT_JS)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(pdf),
            format="A4",
            print_background=True,
            prefer_css_page_size=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
        )
    finally:
        page.close()


class BackgroundPrinter:
    """print_pdfs in a thread of its own (Playwright's sync API stays in that thread), so
    that Chromium starts and prints while the notebooks of other years still run."""

    def __init__(self, chromium: Path | None = None) -> None:
        self._pages: queue.Queue = queue.Queue()
        self._result = PdfResult()
        self._thread = threading.Thread(target=self._work, args=(chromium,), name="pdf-printer", daemon=True)

    def _work(self, chromium: Path | None) -> None:
        self._result = print_pdfs(iter(self._pages.get, None), chromium=chromium)

    def start(self) -> BackgroundPrinter:
        self._thread.start()
        return self

    def add(self, html: Path, pdf: Path) -> None:
        pdf.unlink(missing_ok=True)  # an old PDF never stays beside a newer page
        self._pages.put((html, pdf))

    def finish(self) -> PdfResult:
        self._pages.put(None)
        self._thread.join()
        return self._result
