"""indicators.xlsx, the analysts' workbook, opened with openpyxl as Excel would read it."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from kainuu_metrics.indicators.catalogue import load_catalogue
from kainuu_metrics.indicators.table import EUR, EUR_PER_INHABITANT, PERSONS, RATIO, rows, tidy
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.report.workbook import ALL_SHEET, COLUMNS, README_SHEET, indicator_workbook
from kainuu_metrics.settings import load_domain
from kainuu_metrics.store import workbook_bytes, write_indicators

CATALOGUE = load_catalogue(CONFIG_DIR)
DOMAIN = load_domain(CONFIG_DIR)
REGION = DOMAIN.region_code  # MK18, Kainuu
KAJAANI, KUHMO = "KU205", "KU290"
RUN_SUMMARY = [("Ajon tunnus", "2026-12-01T20:00:00Z"), ("Syötetiedostoja", "23"), ("Huomautus", "=1+1 ei ole kaava")]


def _table():
    return tidy(
        rows("grants_total_eur", 2024, {REGION: 153300.0, KAJAANI: 84250.5}, EUR)
        + rows("grants_per_capita_eur", 2024, {REGION: 2.1522}, EUR_PER_INHABITANT, provisional=True)
        + rows("approval_rate", 2024, {REGION: 0.9691}, RATIO)
        + rows("grants_by_type_eur", 2024, {REGION: 100.0}, EUR, category="=HYPERLINK(\"http://x\")")
        + rows("experience_active_experts", 2025, {REGION: 17.0, KAJAANI: 3.0, KUHMO: 14.0}, PERSONS,
               suppression={KAJAANI: "<5", KUHMO: "x"})
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("processed")
    write_indicators(folder, _table(), CATALOGUE, DOMAIN, RUN_SUMMARY)
    return openpyxl.load_workbook(folder / "indicators.xlsx")


def _records(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c for c in row))) for row in ws.iter_rows(min_row=2)]


def test_sheets_are_the_readme_one_per_topic_and_the_tidy_table(book):
    # topics in the catalogue's order, only those with rows: avustukset and kokemustoiminta
    assert book.sheetnames == [README_SHEET, "Avustukset", "Kokemustoiminta", ALL_SHEET]
    assert book.active.title == README_SHEET


def test_data_sheets_have_finnish_headers_frozen_header_filter_and_widths(book):
    for name in ("Avustukset", "Kokemustoiminta", ALL_SHEET):
        ws = book[name]
        header = [c.value for c in ws[1]]
        assert header == (COLUMNS if name != ALL_SHEET else ["Tunnusluku", "Aihe", *COLUMNS[1:]])
        assert all(ws.cell(row=1, column=c).font.bold for c in range(1, len(header) + 1))
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(header)).column_letter}{ws.max_row}"
        widths = [ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width for c in range(1, len(header) + 1)]
        assert all(8 <= w <= 60 for w in widths), widths
    # the longest name, 'Myönnetyt avustukset avustuslajeittain', is 38 characters: its column is 38 + 2 wide
    assert book["Avustukset"].column_dimensions["A"].width == 40


def test_values_are_numbers_with_finnish_formats_and_names_beside_codes(book):
    records = {(r["Tunnus"].value, r["Aluekoodi"].value, r["Luokka"].value): r for r in _records(book["Avustukset"])}
    total = records[("grants_total_eur", KAJAANI, None)]
    assert (total["Tunnusluku"].value, total["Kausi"].value, total["Alue"].value) == ("Myönnetyt avustukset yhteensä", 2024, "Kajaani")
    assert total["Arvo"].value == 84250.5 and total["Arvo"].data_type == "n"
    assert total["Arvo"].number_format == "#,##0"  # card decimals 0: Finnish Excel shows 84 251
    assert total["Yksikkö"].value == "€" and total["Ennakollinen"].value == "ei"
    per_capita = records[("grants_per_capita_eur", REGION, None)]
    assert per_capita["Arvo"].value == 2.1522 and per_capita["Arvo"].number_format == "#,##0.00"  # 2,15
    assert (per_capita["Alue"].value, per_capita["Yksikkö"].value, per_capita["Ennakollinen"].value) == ("Kainuu", "€/asukas", "kyllä")
    rate = records[("approval_rate", REGION, None)]
    assert rate["Arvo"].value == 0.9691 and rate["Arvo"].number_format == "0.0 %"  # shown 96,9 %
    assert book["Avustukset"]["B2"].number_format == "0"  # a year is a whole number, not 2 024


def test_suppression_has_its_own_column_and_numeric_columns_hold_no_text(book):
    records = {r["Aluekoodi"].value: r for r in _records(book["Kokemustoiminta"])}
    assert records[REGION]["Arvo"].value == 17 and records[REGION]["Tietosuoja"].value is None
    assert records[KAJAANI]["Arvo"].value is None and records[KAJAANI]["Tietosuoja"].value == "<5"
    assert records[KUHMO]["Arvo"].value is None and records[KUHMO]["Tietosuoja"].value == "x"
    for ws in book.worksheets[1:]:
        header = [c.value for c in ws[1]]
        for name in ("Arvo", "Kausi"):
            column = header.index(name) + 1
            values = [ws.cell(row=r, column=column).value for r in range(2, ws.max_row + 1)]
            assert not any(isinstance(v, str) for v in values), (ws.title, name, values)


def test_the_tidy_sheet_has_every_row_in_catalogue_order(book):
    records = _records(book[ALL_SHEET])
    assert len(records) == len(_table())  # 2 + 1 + 1 + 1 + 3 = 8 rows
    assert [r["Tunnus"].value for r in records][:3] == ["grants_total_eur", "grants_total_eur", "grants_per_capita_eur"]
    assert [r["Aluekoodi"].value for r in records][:2] == [REGION, KAJAANI]  # the region first
    assert {r["Aihe"].value for r in records} == {"Avustukset", "Kokemustoiminta"}


def test_no_cell_is_a_formula(book):
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    [injected, _in_tidy_sheet] = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert injected.value == '=HYPERLINK("http://x")' and injected.quotePrefix  # text; Excel shows it as typed
    [note] = [c for c in cells if c.value == "=1+1 ei ole kaava"]
    assert note.data_type == "s" and note.quotePrefix


def test_readme_sheet_has_method_notes_files_and_the_run_summary(book):
    ws = book[README_SHEET]
    pairs = [(r[0], r[1]) for r in ws.iter_rows(values_only=True)]
    labels = [a for a, _ in pairs]
    assert "Ajon tiedot" in labels and "Menetelmät" in labels
    start = labels.index("Ajon tiedot")
    assert pairs[start + 1: start + 4] == RUN_SUMMARY
    texts = dict(pairs)
    assert texts["indicators.csv"].startswith("samat luvut ohjelmille") and "pilkku" in texts["indicators.csv"]
    assert "puolipiste" in texts["indicators_excel.csv"] and "desimaalipilkku" in texts["indicators_excel.csv"]
    card = CATALOGUE.card("approval_rate")
    assert texts["Myöntöaste"] == f"{card.description} {card.method}"
    assert texts[f"Tietosuojamerkki {DOMAIN.privacy.primary_marker}"] == "henkilömäärä 1–4: lukua ei julkaista"  # threshold 5


def test_without_run_summary_there_are_no_run_rows():
    book = indicator_workbook(_table(), CATALOGUE, DOMAIN)
    assert "Ajon tiedot" not in [r[0] for r in book[README_SHEET].iter_rows(values_only=True)]


def test_bytes_are_the_same_on_a_rerun_and_dates_are_pinned():
    first = workbook_bytes(indicator_workbook(_table(), CATALOGUE, DOMAIN, RUN_SUMMARY))
    second = workbook_bytes(indicator_workbook(_table(), CATALOGUE, DOMAIN, RUN_SUMMARY))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2000-01-01T00:00:00Z</dcterms:modified>" in core
