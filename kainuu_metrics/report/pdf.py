"""The yearly summary page printed as an A4 PDF (reports/<year>/summary.pdf) for board-meeting
attachments, with headless Chromium driven by Playwright through `executable_path` (no browser
download). The browser is $KAINUU_METRICS_CHROMIUM, else the first of `chromium`,
`chromium-browser` or `google-chrome` on PATH. Nothing is loaded from the network: every
request other than file: and data: is aborted.

Without Chromium (or Playwright) no PDF is made and the caller gets a Finnish note and, per
PDF, the reason it is missing (the index says "PDF puuttuu" with it); the HTML pages are what
count, so a missing PDF never fails a run.

Every PDF is finished by `finalize_pdf` so that reruns give the same bytes and the links work
from a copied reports/ folder: the creation and modification dates become the run's start
time, and each link to a local page (`file:///…/2025/grants.html`) becomes relative to the
PDF's own folder (`grants.html`, `../index.html`). The object offsets are recomputed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")  # looked up on PATH in this order
CHROMIUM_ENV = "KAINUU_METRICS_CHROMIUM"  # overrides PATH
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
    missing: dict[Path, str] = field(default_factory=dict)  # PDF not made -> Finnish reason


def find_chromium() -> Path | None:
    """Chromium's executable: $KAINUU_METRICS_CHROMIUM when set (None when it names no
    executable), else the first of CHROMIUM_NAMES on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    candidates = [Path(configured)] if configured else [Path(p) for p in map(shutil.which, CHROMIUM_NAMES) if p]
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def pdf_date(moment: dt.datetime) -> bytes:
    """D:20261201224500+00'00' (the PDF date format, in UTC)."""
    return moment.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%S+00'00'").encode("ascii")


_URI = re.compile(rb"/URI \((file:[^)\\]*)\)")
_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)")
_XREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def relative_uri(uri: str, base: Path) -> str:
    """file:///x/reports/2025/grants.html#a -> grants.html#a, relative to folder `base`."""
    parts = urlsplit(uri)
    target = unquote(parts.path)
    relative = os.path.relpath(target, os.path.abspath(base)).replace(os.sep, "/")
    return quote(relative) + (f"#{parts.fragment}" if parts.fragment else "")


def finalize_pdf(pdf: Path, moment: dt.datetime) -> None:
    """Fix the PDF's dates to `moment` and make its links to local pages relative to the PDF's
    folder, rewriting the cross-reference table (Chromium writes a classic table; a file in
    another layout keeps its links and only gets its dates fixed, at equal length)."""
    data = pdf.read_bytes()
    date = pdf_date(moment)
    fixed_dates = _DATE.sub(lambda m: b"/" + m.group(1) + b" (" + date + b")", data)
    found = _XREF.search(data)
    table_at = int(found.group(1)) if found else -1
    if not found or not data.startswith(b"xref", table_at):
        pdf.write_bytes(fixed_dates)  # equal lengths: the offsets stay right
        return
    lines = data[table_at:].split(b"\n")
    first, count = map(int, lines[1].split())
    entries = [lines[2 + i].split() for i in range(count)]
    trailer = b"\n".join(lines[2 + count:])
    trailer = trailer[: trailer.index(b"startxref")]
    used = sorted((int(e[0]), first + i) for i, e in enumerate(entries) if e[2] == b"n")
    if not used:
        pdf.write_bytes(fixed_dates)
        return

    def rewrite(segment: bytes) -> bytes:
        if b"stream" in segment:
            return segment
        segment = _DATE.sub(lambda m: b"/" + m.group(1) + b" (" + date + b")", segment)
        return _URI.sub(lambda m: b"/URI (" + relative_uri(m.group(1).decode("latin-1"), pdf.parent).encode("latin-1") + b")", segment)

    out = bytearray(data[: used[0][0]])
    offsets = {}
    bounds = [offset for offset, _ in used] + [table_at]
    for (offset, number), end in zip(used, bounds[1:]):
        offsets[number] = len(out)
        out += rewrite(data[offset:end])
    table_offset = len(out)
    out += b"xref\n%d %d\n" % (first, count)
    for i, entry in enumerate(entries):
        number = first + i
        if entry[2] == b"n":
            out += b"%010d %s n \n" % (offsets[number], entry[1])
        else:
            out += b"%s %s f \n" % (entry[0], entry[1])
    out += trailer + b"startxref\n%d\n%%%%EOF\n" % table_offset
    pdf.write_bytes(bytes(out))


def _block_network(route) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def print_pdfs(pages: Iterable[tuple[Path, Path]], *, chromium: Path | None = None, moment: dt.datetime | None = None) -> PdfResult:
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
                        finalize_pdf(pdf, moment or dt.datetime.now(dt.UTC))
                        result.written.append(pdf)
                    except PlaywrightError as exc:
                        pdf.unlink(missing_ok=True)
                        reason = f"Chromium ei voinut tulostaa sivua: {str(exc).splitlines()[0]}"
                        result.missing[pdf] = reason
                        failures.append(f"{pdf.parent.name}/{pdf.name}: {reason}")
            finally:
                browser.close()
    except PlaywrightError as exc:
        for _ in pages:  # drain a lazy queue so that its producer never waits
            pass
        return PdfResult(note=f"PDF-tiedostoa ei tehty: Chromiumia ({executable.name}) ei voitu käynnistää: {str(exc).splitlines()[0]}")
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

    def __init__(self, chromium: Path | None = None, moment: dt.datetime | None = None) -> None:
        self._pages: queue.Queue = queue.Queue()
        self._queued: list[Path] = []
        self._result = PdfResult()
        self._thread = threading.Thread(target=self._work, args=(chromium, moment), name="pdf-printer", daemon=True)

    def _work(self, chromium: Path | None, moment: dt.datetime | None) -> None:
        try:
            self._result = print_pdfs(iter(self._pages.get, None), chromium=chromium, moment=moment)
        except Exception as exc:  # never leave the run waiting for the printer
            self._result = PdfResult(note=f"PDF-tiedostoja ei tehty: {type(exc).__name__}: {exc}")

    def start(self) -> BackgroundPrinter:
        self._thread.start()
        return self

    def add(self, html: Path, pdf: Path) -> None:
        pdf.unlink(missing_ok=True)  # an old PDF never stays beside a newer page
        self._queued.append(pdf)
        self._pages.put((html, pdf))

    def finish(self) -> PdfResult:
        """The result; every queued PDF not written is in `missing` with its reason."""
        self._pages.put(None)
        self._thread.join()
        result = self._result
        for pdf in self._queued:
            if pdf not in result.written and pdf not in result.missing:
                result.missing[pdf] = result.note or "PDF-tiedostoa ei tehty"
        return result
