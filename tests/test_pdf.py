"""Printing the summary as an A4 PDF: without Chromium a Finnish note and no failure; with it, an
A4 PDF and no request leaving the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.report import pdf
from kainuu_metrics.settings import load_domain

MISSING = "/ei/ole/chromium"


def test_chromium_can_be_named_in_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, MISSING)
    assert pdf.find_chromium() is None
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(fake))
    assert pdf.find_chromium() == fake


def test_without_chromium_there_is_a_finnish_note_and_no_pdf(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, MISSING)
    html = tmp_path / "summary.html"
    html.write_text("<!DOCTYPE html><html lang='fi'><title>x</title></html>", encoding="utf-8")
    result = pdf.print_pdfs([(html, tmp_path / "summary.pdf")])
    assert result.written == []
    assert result.note.startswith("PDF-tiedostoa ei tehty: Chromium puuttuu.")
    assert not (tmp_path / "summary.pdf").exists()


def test_background_printer_removes_an_old_pdf_and_reports_the_note(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.CHROMIUM_ENV, MISSING)
    html, old = tmp_path / "summary.html", tmp_path / "summary.pdf"
    html.write_text("<!DOCTYPE html><html lang='fi'><title>x</title></html>", encoding="utf-8")
    old.write_bytes(b"%PDF old")
    printer = pdf.BackgroundPrinter().start()
    printer.add(html, old)
    result = printer.finish()
    assert not old.exists()  # an old PDF never stays beside a newer page
    assert result.written == [] and result.note.startswith("PDF-tiedostoa ei tehty: Chromium puuttuu")


@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium puuttuu (/usr/bin/chromium)")
def test_prints_a4_with_backgrounds_and_no_network(tmp_path):
    html = tmp_path / "summary.html"
    html.write_text(
        "<!DOCTYPE html><html lang='fi'><head><meta charset='utf-8'><title>Yhteenveto 2025</title>"
        "<style>@page { size: A4; margin: 15mm } body { background: #f3f5f8 }</style></head>"
        "<body><h1>Yhteenveto 2025</h1><img src='https://example.invalid/logo.png' alt=''></body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "summary.pdf"
    result = pdf.print_pdfs([(html, out)])
    assert result.note is None and result.written == [out]
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert re.search(rb"/MediaBox\s*\[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", data)


# --- the summary PDF as a board packet, read from its layout (pypdf text positions) -------------------

A4_TOP_MARGIN_PT = 15 / 25.4 * 72  # site.css @page margin: 15mm 14mm 16mm
A4_BOTTOM_MARGIN_PT = 16 / 25.4 * 72
FOOTER_BELOW_PT = 30  # the page-number footer sits in the bottom margin (y about 17 pt)


def _key(text: str) -> str:
    """Text compared across the PDF and the HTML: NFKC (the 'ﬁ' ligature), lower case, letters
    and digits only (soft hyphens, no-break spaces and line breaks vanish)."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


@dataclass
class PdfPage:
    text: str  # _key of the page's text, in the order Chromium painted it
    lowest_y: float  # the lowest body text (footer left out), in points from the bottom
    top: float
    bottom: float


def read_pdf_pages(path: Path) -> list[PdfPage]:
    pypdf = pytest.importorskip("pypdf", reason="pypdf puuttuu: make install")
    pages = []
    for page in pypdf.PdfReader(str(path)).pages:
        height = float(page.mediabox.height)
        pieces: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, pieces=pieces):
            if text.strip():
                pieces.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

        page.extract_text(visitor_text=visit)
        body = [(y, t) for y, t in pieces if y > FOOTER_BELOW_PT]
        pages.append(PdfPage(_key("".join(t for _, t in body)), min((y for y, _ in body), default=height),
                             height - A4_TOP_MARGIN_PT, A4_BOTTOM_MARGIN_PT))
    return pages


class _Elements(HTMLParser):
    """The text of every element that must stay whole on one printed page: cards, list items of
    'Mitä muuttui' and of the goals, tables shown in print, chart captions, the cover block."""

    WHOLE = {("li", "kortti"), ("li", "tavoite"), ("table", "taulukko"), ("figcaption", None), ("dl", "kansitiedot")}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[list] = []  # [tag, texts, kind]
        self.found: list[tuple[str, str]] = []
        self.hidden_depth = 0  # inside <details> (chart data tables stay on screen) or <script>/<style>
        self.stack: list[str] = []
        self.in_changes = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append(tag)
        if tag in ("details", "script", "style") or (tag == "p" and "vieritys-vihje" in classes):
            self.hidden_depth += 1
        if tag == "ul" and "muutokset" in classes:
            self.in_changes += 1
        kind = next((f"{t}.{c}" if c else t for t, c in self.WHOLE if t == tag and (c is None or c in classes)), None)
        if kind is None and tag == "li" and self.in_changes:
            kind = "li.muutos"
        if kind and not self.hidden_depth:
            self.open.append([tag, [], kind, len(self.stack)])

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag and self.open[-1][3] == len(self.stack):
            _, texts, kind, _ = self.open.pop()
            self.found.append((kind, "".join(texts)))
        if tag in ("details", "script", "style") and self.hidden_depth:
            self.hidden_depth -= 1
        if tag == "ul" and self.in_changes:
            self.in_changes -= 1
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.hidden_depth:
            for element in self.open:
                element[1].append(data)


def whole_elements(html: str) -> list[tuple[str, str]]:
    parser = _Elements()
    parser.feed(html)
    return [(kind, text) for kind, text in parser.found if _key(text)]


def layout_problems(html: str, pages: list[PdfPage]) -> list[str]:
    """Elements whose text no single page holds whole, and pages (but the last) less than half full."""
    problems = []
    for kind, text in whole_elements(html):
        key = _key(text)
        if not any(key in page.text for page in pages):
            problems.append(f"{kind} jakautuu sivuille tai puuttuu: {text.strip()[:80]!r}")
    for number, page in enumerate(pages[:-1], start=1):
        filled = (page.top - page.lowest_y) / (page.top - page.bottom)
        if filled < 0.5:
            problems.append(f"sivu {number} on alle puolillaan ({filled:.0%})")
    return problems


def test_layout_check_finds_a_split_list_item_and_a_half_empty_page():
    html = ('<ul class="muutokset"><li>Avustukset kasvoivat 4,5 % edellisestä vuodesta.</li></ul>'
            '<ul class="kortit"><li class="kortti">Avustukset 153 900 €</li></ul>')
    # the list item's sentence broken over pages 1 and 2; page 1 ends 300 pt from the top
    top, bottom = 842 - A4_TOP_MARGIN_PT, A4_BOTTOM_MARGIN_PT
    pages = [PdfPage(_key("Avustukset 153 900 € Avustukset kasvoivat 4,5 %"), top - 300, top, bottom),
             PdfPage(_key("edellisestä vuodesta."), top - 20, top, bottom)]
    problems = layout_problems(html, pages)
    # 300 pt of the 754 pt between the margins is 40 % < 50 %
    assert problems == ["li.muutos jakautuu sivuille tai puuttuu: 'Avustukset kasvoivat 4,5 % edellisestä vuodesta.'",
                        "sivu 1 on alle puolillaan (40%)"]
    pages[0] = PdfPage(_key("Avustukset 153 900 € Avustukset kasvoivat 4,5 % edellisestä vuodesta."), top - 400, top, bottom)
    assert layout_problems(html, pages[:1]) == []


@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.skipif(pdf.find_chromium() is None, reason="Chromium puuttuu (/usr/bin/chromium)")
@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_summary_pdf_is_a_board_packet(sample_run, year):
    """Nothing split across pages, every page but the last at least half full, the cover block
    on page 1, the goals present and page numbers kept."""
    assert sample_run.returncode == 0, sample_run.stderr
    folder = sample_run.reports / str(year)
    html = (folder / "summary.html").read_text(encoding="utf-8")
    pages = read_pdf_pages(folder / "summary.pdf")
    assert layout_problems(html, pages) == []
    first = pages[0].text
    domain = load_domain(CONFIG_DIR)
    assert _key("Päivämäärä") in first and _key(f"Käsittelijä {domain.site_body}") in first
    assert _key(f"Lisätietoja {domain.site_contact}") in first
    assert any(_key("Kehittämistavoitteet") in p.text for p in pages)
    if year == 2025:  # four goals of 12.11.2025, and the 2024 evaluation's goals with their status
        assert any(_key("Vuoden 2025 tavoitteet (arviointi 12.11.2025)") in p.text for p in pages)
        assert any(_key("Tila nyt: Toteutunut") in p.text for p in pages)
    pypdf = pytest.importorskip("pypdf")
    numbers = [p.extract_text() for p in pypdf.PdfReader(str(folder / "summary.pdf")).pages]
    assert all(f"sivu {n}/{len(numbers)}" in text.replace(" / ", "/").replace("\n", " ") or f"sivu {n} / {len(numbers)}" in text
               for n, text in enumerate(numbers, start=1))
