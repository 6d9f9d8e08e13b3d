from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_domain
from kainuu_metrics.datasets.accounting import FLAGGED_COLUMNS, REJECTED_COLUMNS, SKIPPED_COLUMNS, FileAccount
from kainuu_metrics.report.html_export import SAMPLE_BANNER, STATIC_DIR, PageContext, find_external_references
from kainuu_metrics.report.pages import flagged_rows, render_index, render_quality_page, skipped_summary
from kainuu_metrics.quality.model import CheckResult, QualityReport

NB = "\u00a0"
SHA = "3f1c0a9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615243a"
GRANTS_FILE = "raw/grants/avustukset_2024.xlsx"


def _report(*, failing: bool = True) -> QualityReport:
    checks = [
        CheckResult(
            "grants", "grants_cleaned", "expect_column_values_to_not_be_null", "organisation",
            "Järjestön nimi on annettu jokaisella rivillä", True, True, "0 puuttuvaa 128 rivistä", 128, 0,
        ),
        CheckResult(
            "grants", "grants_cleaned", "expect_column_values_to_be_between", "granted_eur",
            "Myönnetty summa on 0–500 000 €", True, not failing, "2 poikkeavaa 128 rivistä", 128, 2,
            [612000.0, -50.0],
        ),
        CheckResult(
            "grants", "grants_cleaned", "expect_column_values_to_match_regex", "business_id",
            "Y-tunnus on muotoa 1234567-8", False, False, "1 poikkeava 128 rivistä", 128, 1, ["12345678"],
        ),
    ]
    return QualityReport(
        run_id="20261129T171200Z", started_at="2026-11-29T17:12:00Z", gx_version="1.24.1", checks=checks
    )


ACCOUNTS = [
    FileAccount("grants", GRANTS_FILE, "Päätökset", SHA, 1140, 1128, 3, 9),
    FileAccount("population", "raw/population/vaesto.csv", "", "a" * 64, 20, 18, 0, 2),
]
REJECTED = pd.DataFrame(
    [
        ["grants", GRANTS_FILE, "Päätökset", 17, "myönnetty", "12,5,0", "'12,5,0' ei ole luku (useita pilkkuja)"],
        ["grants", GRANTS_FILE, "Päätökset", 9, "y-tunnus", None, "Sarake 'y-tunnus' on tyhjä <script>"],
        ["grants", GRANTS_FILE, "Päätökset", 9, "päätöspäivä", "31.2.2024", "'31.2.2024' ei ole päivämäärä"],
    ],
    columns=REJECTED_COLUMNS,
)
SKIPPED = pd.DataFrame(
    [["grants", GRANTS_FILE, "Päätökset", row, kind] for row, kind in
     [(1, "title"), (2, "header"), (3, "blank"), (4, "blank"), (150, "totals"), (151, "footnote"),
      (152, "footnote"), (153, "footnote"), (154, "blank")]]
    + [["population", "raw/population/vaesto.csv", "", 1, "title"],
       ["population", "raw/population/vaesto.csv", "", 2, "header"]],
    columns=SKIPPED_COLUMNS,
)
FLAGGED = pd.DataFrame(
    [
        ["grants", GRANTS_FILE, "Päätökset", 20, 2024, "flag_not_in_lahella", "Ei Lähellä.fi-palvelussa"],
        ["grants", GRANTS_FILE, "Päätökset", 21, 2023, "flag_not_in_lahella", "TOISEN VUODEN RIVI"],
        ["grants", GRANTS_FILE, "Päätökset", 22, None, "flag_invalid_business_id", "Tarkiste ei täsmää"],
    ],
    columns=FLAGGED_COLUMNS,
)
NAV = [("Etusivu", "../index.html"), ("Avustukset", "grants.html"), ("Tietojen laatu", "quality.html")]


def _context(sample_data: bool = True) -> PageContext:
    return PageContext(title="", year=2024, sample_data=sample_data, nav=NAV, generated_at="29.11.2026 klo 19.12",
                       site_name=load_domain(CONFIG_DIR).site_name)


def _quality_page(tmp_path: Path, **changes) -> str:
    values = dict(
        year=2024, report=_report(), accounts=ACCOUNTS, rejected=REJECTED, flagged=FLAGGED,
        skipped=SKIPPED, context=_context(),
    )
    out = render_quality_page(tmp_path / "2024" / "quality.html", **{**values, **changes})
    return out.read_text(encoding="utf-8")


class _Structure(HTMLParser):
    """Checks that elements nest properly and collects headings and tables."""

    VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "col", "area", "base"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.th_without_scope += tag == "th" and "scope" not in dict(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def _structure(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser


def _assert_well_formed_page(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"fi\">")
    structure = _structure(html)
    assert structure.errors == []
    assert structure.stack == []
    assert structure.headings.count(1) == 1 and structure.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(structure.headings, structure.headings[1:]))
    assert structure.tables == structure.captions
    assert structure.th_without_scope == 0
    assert find_external_references(html) == []
    assert "<script src" not in html and "<link" not in html


# --- quality page -----------------------------------------------------------------------------------


def test_quality_page_summary(tmp_path):
    html = _quality_page(tmp_path)
    _assert_well_formed_page(html)
    assert "<title>Tietojen laatu 2024 – Kainuun hyvinvointialue – järjestöyhteistyön seuranta</title>" in html
    assert "<h1>Tietojen laatu 2024</h1>" in html
    assert '<p class="tila-otsikko">✗ Estäviä virheitä: 1</p>' in html
    assert "<dt>Varoituksia</dt><dd>1</dd>" in html
    assert "<dt>Tarkistuksia</dt><dd>3, joista läpäisty 1</dd>" in html
    assert "20261129T171200Z</span>, aloitettu 29.11.2026 klo 19.12" in html
    assert "Great Expectations 1.24.1" in html
    assert SAMPLE_BANNER in html
    assert '<a href="quality.html" aria-current="page">Tietojen laatu</a>' in html


def test_quality_page_lists_every_check_with_text_results(tmp_path):
    html = _quality_page(tmp_path)
    # Checks are grouped by table now (issue 10 §5): the three grant checks are one group.
    assert "<caption>Avustukset: tarkistukset (3)</caption>" in html
    assert html.count(f"✓{NB}läpäisty") == 1  # the symbol never wraps away from its text
    assert html.count(f"✗{NB}ei läpäisty (varoitus)") == 1
    assert html.count(f'<span class="tulos-virhe">✗{NB}ei läpäisty</span>') == 1
    assert "Myönnetty summa on 0–500 000 €" in html
    # Unexpected values with their counts (issue 10 §5): 2 unexpected rows, 2 distinct values -> 1 row each.
    assert '<td class="esimerkit">612000 (1 rivi); -50 (1 rivi)</td>' in html
    assert "expect_column_values_to_be_between" in html
    assert "sarake: granted_eur" in html


def test_quality_page_accounts_for_every_file(tmp_path):
    html = _quality_page(tmp_path)
    assert f'<code class="tiiviste sha256">{SHA}</code>' in html
    assert f'<td class="luku">1{NB}140</td>' in html
    assert f'<td class="luku">1{NB}160</td>' in html  # total read
    assert f'<td class="luku">1{NB}146</td>' in html  # total cleaned
    assert html.count("✓&nbsp;täsmää") == 3  # two files and the total
    assert "ei täsmää</span>" not in html
    assert "raw/<wbr>grants/<wbr>avustukset_<wbr>2024.xlsx" in html


def test_unbalanced_account_is_shown_in_words(tmp_path):
    broken = FileAccount("grants", GRANTS_FILE, "Päätökset", SHA, 10, 5, 1, 1)
    html = _quality_page(tmp_path, accounts=[broken])
    assert html.count("✗&nbsp;ei täsmää") == 2  # the file and the total


def test_quality_page_rejected_rows_are_all_shown_and_escaped(tmp_path):
    html = _quality_page(tmp_path)
    assert "Hylättyjä rivejä 2; ongelmia 3" in html
    assert "&lt;script&gt;" in html and "tyhjä <script>" not in html
    assert "<td>(tyhjä)</td>" in html
    assert html.index("ei ole päivämäärä") < html.index("ei ole luku")  # row 9 before 17


def test_quality_page_flagged_rows_of_the_year_and_unknown_year(tmp_path):
    html = _quality_page(tmp_path)
    assert "Ei Lähellä.fi-palvelussa" in html
    assert "Tarkiste ei täsmää" in html
    assert "TOISEN VUODEN RIVI" not in html
    assert "<td class=\"luku\">ei tiedossa</td>" in html


def test_quality_page_skipped_rows_summary(tmp_path):
    html = _quality_page(tmp_path)
    assert "<td>tyhjä rivi</td>\n<td class=\"luku\">3</td>" in html
    assert "<td>alaviite</td>\n<td class=\"luku\">3</td>" in html
    assert "<td>yhteensä-rivi</td>\n<td class=\"luku\">1</td>" in html
    assert "Yhteensä</th><td class=\"luku\">11</td>" in html


def test_quality_page_with_nothing_set_aside(tmp_path):
    empty = {"rejected": pd.DataFrame(columns=REJECTED_COLUMNS), "flagged": pd.DataFrame(columns=FLAGGED_COLUMNS),
             "skipped": pd.DataFrame(columns=SKIPPED_COLUMNS)}
    html = _quality_page(tmp_path, report=_report(failing=False), context=_context(sample_data=False), **empty)
    _assert_well_formed_page(html)
    assert '<p class="tila-otsikko">✓ Läpäisty</p>' in html
    assert "Ei hylättyjä rivejä." in html and "Ei merkittyjä rivejä." in html and "Ei ohitettuja rivejä." in html
    assert "ESIMERKKIAINEISTO" not in html


RECONCILIATION = pd.DataFrame([
    # 142 500 reported = 142 000 cleaned + 500 rejected; 2 650,50 reported against 1 200 + 250,50 + 1 100 = 2 550,50.
    # No copies skipped as duplicates in either export (duplicate_eur 0; the column is shown since
    # the duplicates rule of issue 11, between "Rajatut" and "Erotus").
    ["raw/grants/jarjestoavustukset_2024.csv", "", 46, 142500.0, 142000.0, 500.0, 1, 0.0, 0.0, 0.0, None],
    ["raw/grants/a.csv", "", 7, 2650.5, 1200.0, 250.5, 1, 1100.0, 0.0, 100.0, "raw/grants/a.csv: ... erotus 100,00 €"],
], columns=["source_file", "sheet", "source_row", "reported_eur", "cleaned_eur", "excluded_eur", "excluded_unreadable_rows",
            "out_of_scope_eur", "duplicate_eur", "difference_eur", "mismatch_fi"])


def test_quality_page_reconciles_the_grant_exports_totals_rows(tmp_path):
    assert "Avustusvientien yhteensä-rivit" not in _quality_page(tmp_path)  # only when the run gives the table
    html = _quality_page(tmp_path, reconciliation=RECONCILIATION)
    _assert_well_formed_page(html)
    assert '<h2 id="yhteensa-rivit">Avustusvientien yhteensä-rivit</h2>' in html
    body = html[html.index('id="yhteensa-rivit"'):html.index('id="hylatyt"')]
    assert body.index("raw/<wbr>grants/<wbr>a.csv") < body.index("raw/<wbr>grants/<wbr>jarjestoavustukset_<wbr>2024.csv")
    assert (f'<td class="luku">2{NB}650,50{NB}€</td>\n<td class="luku">1{NB}200,00{NB}€</td>\n<td class="luku">250,50{NB}€</td>\n'
            f'<td class="luku">1{NB}100,00{NB}€</td>\n<td class="luku">0,00{NB}€</td>\n<td class="luku">100,00{NB}€</td>\n<td><span class="tulos-virhe">✗&nbsp;ei täsmää</span>') in body
    assert f'<td class="luku">142{NB}500,00{NB}€</td>' in body and body.count("✓&nbsp;täsmää") == 1
    empty = _quality_page(tmp_path, reconciliation=RECONCILIATION.iloc[0:0])
    assert "Avustusvienneissä ei ole yhteensä-rivejä" in empty


def test_flagged_rows_and_skipped_summary_are_pure():
    before = FLAGGED.copy()
    rows = flagged_rows(FLAGGED, 2024)
    assert [r["row"] for r in rows] == ["20", "22"]
    assert rows[1]["year"] == "ei tiedossa"
    pd.testing.assert_frame_equal(FLAGGED, before)
    summary, total = skipped_summary(SKIPPED)
    assert total == "11"
    assert {"file": "raw/population/vaesto.csv", "kind": "otsikko- tai seliterivi", "rows": "1"} in summary


# --- index ------------------------------------------------------------------------------------------


def test_index_links_years_with_quality_status(tmp_path):
    out = render_index(
        tmp_path / "index.html",
        years={
            2024: [("Avustukset", "2024/grants.html"), ("Tietojen laatu", "2024/quality.html")],
            2025: [("Avustukset", "2025/grants.html")],
            2023: [],
        },
        quality_status={2024: False, 2025: True},
        last_run="29.11.2026 klo 19.12",
        sample_data=True,
    )
    html = out.read_text(encoding="utf-8")
    _assert_well_formed_page(html)
    assert '<a href="2024/quality.html">Tietojen laatu</a>' in html
    assert '<a href="2025/grants.html">Avustukset</a>' in html
    assert html.index('id="vuosi-2025"') < html.index('id="vuosi-2024"') < html.index('id="vuosi-2023"')
    assert "✓ Tietojen laatu: tarkistukset läpäisty" in html
    assert "✗ Tietojen laatu: estäviä virheitä" in html
    assert "Tietojen laatua ei ole tarkistettu" in html
    assert "Viimeisin ajo: 29.11.2026 klo 19.12." in html
    assert '<a href="#vuosi-2024">2024</a>' in html
    assert SAMPLE_BANNER in html


def test_index_lists_pages_in_order_with_the_quality_detail_of_the_run(tmp_path):
    links = [("Yhteenveto", "2025/summary.html"), ("Yhteenveto PDF-tiedostona (A4, tulostettava)", "2025/summary.pdf"),
             ("Järjestöavustukset", "2025/grants.html"), ("Tietojen laatu", "2025/quality.html")]
    html = render_index(
        tmp_path / "index.html", years={2025: links, 2024: [("Tietojen laatu", "2024/quality.html")]},
        quality_status={2025: True, 2024: True}, last_run="29.11.2026 klo 19.12", sample_data=False,
        quality_details={2025: "120 tarkistusta, varoituksia 1", 2024: "120 tarkistusta, varoituksia 1"},
    ).read_text(encoding="utf-8")
    _assert_well_formed_page(html)
    section = html[html.index('id="vuosi-2025"'):html.index('id="vuosi-2024"')]
    assert re.findall(r'<a href="([^"]+)"', section) == [href for _, href in links]
    assert ('✓ Tietojen laatu: tarkistukset läpäisty</span> <span class="tila-lisatieto">'
            "(120 tarkistusta, varoituksia 1)</span>") in section


def test_index_without_years(tmp_path):
    html = render_index(
        tmp_path / "index.html", years={}, quality_status={}, last_run="–", sample_data=False
    ).read_text(encoding="utf-8")
    _assert_well_formed_page(html)
    assert "Raportteja ei ole vielä tuotettu." in html
    assert "<nav" not in html


# --- colours -------------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("teksti", "pohja"), ("teksti", "pohja-vaalea"), ("heikko", "pohja"), ("heikko", "pohja-vaalea"),
        ("linkki", "pohja"), ("ylaosa-teksti", "ylaosa"), ("ok", "ok-pohja"), ("ok", "pohja"),
        ("virhe", "virhe-pohja"), ("virhe", "pohja"), ("varoitus", "varoitus-pohja"), ("varoitus", "pohja"),
        ("esimerkki", "esimerkki-pohja"), ("teksti", "ok-pohja"), ("teksti", "virhe-pohja"),
    ],
)
def test_site_colours_meet_wcag_aa(text, background):
    css = (STATIC_DIR / "site.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--k-([a-z-]+):\s*(#[0-9a-fA-F]{6});", css))
    assert _contrast(colours[text], colours[background]) >= 4.5


def test_site_css_has_a4_print_rules_and_no_imports():
    css = (STATIC_DIR / "site.css").read_text(encoding="utf-8")
    assert "size: A4" in css and "@media print" in css
    assert "@import" not in css and "url(" not in css
