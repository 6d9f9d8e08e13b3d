"""Printing the summary as an A4 PDF: without Chromium a Finnish note and no failure; with it, an
A4 PDF and no request leaving the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kainuu_metrics.report import pdf

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
