"""The quality page an auditor works from (issue 10 §5) and its bounded lists (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kainuu_metrics.datasets.accounting import FLAGGED_COLUMNS, REJECTED_COLUMNS, SKIPPED_COLUMNS, FileAccount
from kainuu_metrics.paths import CONFIG_DIR, PACKAGE_DIR, PROJECT_ROOT
from kainuu_metrics.quality.model import CheckResult, QualityReport
from kainuu_metrics.report import quality_page as qp
from kainuu_metrics.report.html_export import PageContext
from kainuu_metrics.report.pages import render_quality_page
from kainuu_metrics.settings import load_domain

NB = "\u00a0"
F23, F24, UNDATED = "raw/grants/avustuspaatokset_2023.xlsx", "raw/grants/avustukset_2024.xlsx", "raw/population/vaesto.csv"
ACCOUNTS = [
    FileAccount("grants", F23, "Päätökset", "a" * 64, 100, 90, 4, 6),
    FileAccount("grants", F24, "Päätökset", "b" * 64, 200, 180, 7, 13),
    FileAccount("population", UNDATED, "", "c" * 64, 20, 18, 0, 2),
]
FILE_YEARS = {F23: 2023, F24: 2024, UNDATED: None}


def _checks() -> list[CheckResult]:
    return [
        CheckResult("grants", "grants_cleaned", "expect_column_values_to_not_be_null", "organisation",
                    "Järjestön nimi on annettu", True, True, "0 puuttuvaa 270 rivistä", 270, 0),
        CheckResult("grants", "grants_cleaned", "expect_column_values_to_be_in_set", "flag_not_in_lahella",
                    "Saaja on Lähellä.fi-palvelussa", False, False, "5 poikkeavaa 270 rivistä", 270, 5, [True]),
        CheckResult("grants", "grants_cleaned", "expect_column_values_to_be_in_set", "grant_type",
                    "Avustuslaji on tunnettu", True, False, "4 poikkeavaa 270 rivistä", 270, 4, ["x", "y"]),
        CheckResult("population", "population_cleaned", "expect_column_values_to_be_between", "population",
                    "Väkiluku on positiivinen", True, True, "0 poikkeavaa", 20, 0),
    ]


def _rejected(n23: int = 4, n24: int = 7) -> pd.DataFrame:
    rows = [["grants", F23, "Päätökset", 10 + i, "myönnetty", "x", "ei luku"] for i in range(n23)]
    rows += [["grants", F24, "Päätökset", 10 + i, "avustuslaji", "tuntematon", "tuntematon laji"] for i in range(n24)]
    return pd.DataFrame(rows, columns=REJECTED_COLUMNS)


def _context() -> PageContext:
    return PageContext(title="", year=2024, sample_data=False, nav=[("Tietojen laatu", "quality.html")],
                       generated_at="1.12.2026 klo 12.00", site_name=load_domain(CONFIG_DIR).site_name)


def _page(tmp_path: Path, **changes) -> str:
    values = dict(
        year=2024, report=QualityReport("r1", "2026-12-01T10:00:00Z", "1.0", _checks()), accounts=ACCOUNTS,
        rejected=_rejected(), flagged=pd.DataFrame(
            [["grants", F24, "Päätökset", 30 + i, 2024, "flag_not_in_lahella", "ei Lähellä.fi"] for i in range(5)]
            + [["grants", F23, "Päätökset", 40, 2023, "flag_not_in_lahella", "VUODEN 2023 RIVI"]],
            columns=FLAGGED_COLUMNS),
        skipped=pd.DataFrame([["grants", F24, "Päätökset", 1, "title"], ["grants", F23, "Päätökset", 1, "title"]],
                             columns=SKIPPED_COLUMNS),
        context=_context(), file_years=FILE_YEARS,
    )
    return render_quality_page(tmp_path / "2024" / "quality.html", **{**values, **changes}).read_text(encoding="utf-8")


def test_the_years_own_rows_and_the_runs_totals_apart(tmp_path):
    html = _page(tmp_path)
    # 2024: only avustukset_2024.xlsx (read 200 = 180 + 7 + 13); the undated population file is no year's own.
    assert "<dt>Vuoden 2024 rivejä</dt><dd>luettu 200 (hyväksytty 180, hylätty 7, ohitettu 13) 1 tiedostosta</dd>" in html
    # The whole run: 100 + 200 + 20 = 320 read; 90 + 180 + 18 = 288 cleaned; 4 + 7 + 0 = 11 rejected; 6 + 13 + 2 = 21 skipped.
    assert ("<dt>Koko ajo (kaikki vuodet ja tiedostot)</dt><dd>luettu 320 (hyväksytty 288, hylätty 11, ohitettu 21) "
            "3 tiedostosta</dd>") in html
    assert qp.SCOPE_SENTENCE.format(year=2024) in html
    assert '<td class="luku">200</td>' in html and F23.split("/")[-1].replace("_", "_<wbr>") not in html.split('id="tasmaytys"')[1].split("</section>")[0]
    # Rejected rows of 2024's file only: 7 problems on 7 rows.
    assert "Hylättyjä rivejä 7; ongelmia 7" in html
    # Flagged rows of the year 2024: 5, not the 2023 row.
    assert "VUODEN 2023 RIVI" not in html and "<caption>Merkityt rivit (5)</caption>" in html


def test_checks_are_grouped_by_table_with_counts_and_a_deviations_only_view(tmp_path):
    html = _page(tmp_path)
    assert '<h3 id="tarkistukset-grants">Avustukset <span class="ryhma-luvut">– läpäisty 1, varoituksia 1, virheitä 1</span></h3>' in html
    assert '<h3 id="tarkistukset-population">Väestö <span class="ryhma-luvut">– läpäisty 1, varoituksia 0, virheitä 0</span></h3>' in html
    assert html.index('id="tarkistukset-population"') < html.index('id="tarkistukset-grants"')  # the registry's order
    assert '<section class="tarkistusryhma ryhma-ok" aria-labelledby="tarkistukset-population">' in html
    assert '<input type="checkbox" id="vain-poikkeamat">' in html
    assert "#vain-poikkeamat:checked ~ .tarkistusryhmat .tarkistus-ok" in html
    assert html.count('<tr class="tarkistus-ok">') == 2 and html.count('<tr class="tarkistus-virhe">') == 1
    assert "<script src" not in html


def test_failed_and_warned_checks_link_to_their_rows(tmp_path):
    html = _page(tmp_path)
    # The flag check -> the flag's rows; the grant-type check -> the table's rejected rows of that column.
    assert '<a href="#merkitty-grants-flag-not-in-lahella">Katso rivit</a>' in html
    assert '<tr id="merkitty-grants-flag-not-in-lahella">' in html
    assert '<a href="#hylatty-grants-avustuslaji">' not in html  # the check's column is grant_type, not the raw header
    assert '<a href="#hylatty-grants">Katso rivit</a>' in html and 'id="hylatty-grants"' in html
    targets = set(re.findall(r'href="#([a-z0-9-]+)"', html))
    ids = set(re.findall(r'id="([a-z0-9-]+)"', html))
    assert targets <= ids


def test_flags_are_finnish_sentences_and_values_have_counts(tmp_path):
    html = _page(tmp_path)
    sentence = qp.FLAG_SENTENCES["flag_not_in_lahella"]
    # The flag check: 5 unexpected rows, all the value True -> the sentence with "5 riviä", never "kyllä".
    assert f'<td class="esimerkit">{sentence} (5 riviä)</td>' in html
    assert ">kyllä<" not in html
    assert f"<td>{sentence} <span class=\"tekninen\">flag_not_in_lahella</span></td><td class=\"luku\">5</td>" in html
    # 4 unexpected rows, 2 distinct values, no table given: the counts are not known, values only.
    assert '<td class="esimerkit">x; y</td>' in html
    # With the table: x on 3 rows, y on 1 (3 + 1 = 4), most first.
    table = pd.DataFrame({"grant_type": ["x", "x", "y", "x", "toiminta"]})
    assert qp.examples_text(_checks()[2], table) == "x (3 riviä); y (1 rivi)"


def test_every_flag_the_code_can_produce_has_a_sentence():
    names = set()
    for path in (PACKAGE_DIR / "datasets").rglob("*.py"):
        names |= set(re.findall(r"[\"'](flag_[a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert len(names) >= 12  # 6 grants + 3 premises + 3 experience assignments + 1 register, minus the shared Y-tunnus flag
    assert names <= set(qp.FLAG_SENTENCES), names - set(qp.FLAG_SENTENCES)
    assert all(s.endswith(".") and s[0].isupper() for s in qp.FLAG_SENTENCES.values())


def test_long_lists_are_bounded_with_the_full_list_beside_the_page(tmp_path):
    # A generated large input: 20 000 flagged rows and 5 000 rejected problems of the year's file.
    n = 20_000
    flagged = pd.DataFrame({"dataset": "grants", "source_file": F24, "sheet": "Päätökset", "source_row": range(n, 0, -1),
                            "year": 2024, "flag": "flag_not_in_lahella", "reason": "ei Lähellä.fi-palvelussa (Yhdistys ry)"})
    html = _page(tmp_path, flagged=flagged, rejected=_rejected(0, 5_000))
    size = len(html.encode("utf-8"))
    assert size < 2_000_000, size
    assert f"Alla 200 ensimmäistä 20{NB}000 merkitystä rivistä" in html
    assert f"<caption>Merkityt rivit (20{NB}000)</caption>" in html
    assert f"Alla 200 ensimmäistä 5{NB}000 ongelmasta" in html
    body = html.split('<caption>Merkityt rivit')[1].split("</table>")[0]
    assert body.count("<tr>") == 201  # header + 200; sorted by row: the first is row 1
    assert '<td class="luku">1</td>' in body.split("</tr>")[1]
    folder = tmp_path / "2024" / "laatu"
    full = pd.read_csv(folder / "merkityt_rivit.csv", sep=";", encoding="utf-8-sig")
    assert len(full) == n and (folder / "merkityt_rivit.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(pd.read_excel(folder / "hylatyt_rivit.xlsx", engine="openpyxl")) == 5_000
    assert '<a href="laatu/merkityt_rivit.csv">CSV</a>' in html and '<a href="laatu/merkityt_rivit.xlsx">' in html


def test_assumptions_are_listed_from_their_one_file(tmp_path):
    items = qp.assumptions(PROJECT_ROOT / "docs" / "assumptions.md")
    names = [i["name"] for i in items]
    for required in ("Yhteistyö-Tuokion kypsyysasteikko", "Tilojen hinnasto", "Aluevaltuustokauden sääntö",
                     "Väkiluvun varajakaja", "Kuntasääntö"):
        assert required in names
    assert all(i["assumption"] and i["used"] for i in items)
    # Every file named where an assumption is used exists.
    for item in items:
        for path in re.findall(r"((?:config|kainuu_metrics)/[\w/.-]+\w)", item["used"]):
            assert (PROJECT_ROOT / path).exists(), (item["name"], path)
    html = _page(tmp_path)
    assert f"<caption>Oletukset ja niiden käyttöpaikat ({len(items)})</caption>" in html
    assert "<th scope=\"row\">Kuntasääntö</th>" in html


def test_history_and_lineage_are_linked(tmp_path):
    html = _page(tmp_path, lineage={"year": "lineage.csv"})
    assert '<a href="../historia.html">' in html
    assert '<a href="lineage.csv">vuoden 2024 jäljitystiedosto</a>' in html
    # the year's file holds every period up to the year; the whole run's is not copied beside the page
    assert "vuodet 2024 asti" in html and "lineage_koko_ajo" not in html
    assert "jäljitystiedosto" not in _page(tmp_path)


def test_the_grants_recipients_table_is_bounded_with_the_whole_list_beside_the_page(tmp_path):
    from kainuu_metrics.report import downloads

    recipients = pd.DataFrame({"järjestö": [f"Yhdistys {i}" for i in range(1000)], "myönnetty_eur": [float(i) for i in range(1000)]})
    downloads.write_recipients(recipients, tmp_path / "2024")
    note = downloads.recipients_note(len(recipients))
    assert note.startswith(f"Taulukossa on 200 suurinta 1{NB}000 avustuksesta")
    assert "[CSV](avustusten_saajat.csv)" in note and "[Excel (XLSX)](avustusten_saajat.xlsx)" in note
    assert len(pd.read_csv(tmp_path / "2024" / "avustusten_saajat.csv", sep=";", encoding="utf-8-sig")) == 1000
    assert downloads.recipients_note(3).startswith("Taulukossa ovat kaikki 3 avustusta.")


def test_the_reconciliation_shows_the_euros_of_duplicate_copies(tmp_path):
    # An export whose rows repeat: the same 700 € row three times and one 100 € row, totals row
    # 2 300 €. The figures count the 700 € once: cleaned 700 + 100 = 800; the two copies skipped as
    # probable duplicates hold 2 × 700 = 1 400; 800 + 0 rejected + 0 out of scope + 1 400 = 2 200,
    # so the export's total of 2 300 leaves a difference of 100,00 € - the page must show the
    # 1 400 € of copies in their own column, or an auditor cannot re-add the row.
    from kainuu_metrics.datasets.grants.clean import reconcile

    def frame(amounts):
        return pd.DataFrame({"source_file": [F24] * len(amounts), "sheet": ["Päätökset"] * len(amounts),
                             "granted_eur": amounts})

    reported = [{"source_file": F24, "sheet": "Päätökset", "source_row": 9, "reported_eur": 2300.0}]
    table = reconcile(reported, frame([700.0, 100.0]), frame([]), frame([]), frame([700.0, 700.0]))
    assert table["duplicate_eur"].tolist() == [1400.0] and table["difference_eur"].tolist() == [100.0]
    html = _page(tmp_path, reconciliation=table)
    body = html[html.index('id="yhteensa-rivit"'):html.index("</table>", html.index('id="yhteensa-rivit"'))]
    assert '<th scope="col" class="luku">Kaksois&shy;kappaleet</th>' in body
    # reported, cleaned, rejected, out of scope, copies, difference - in this order
    assert (f'<td class="luku">2{NB}300,00{NB}€</td>\n<td class="luku">800,00{NB}€</td>\n<td class="luku">0,00{NB}€</td>\n'
            f'<td class="luku">0,00{NB}€</td>\n<td class="luku">1{NB}400,00{NB}€</td>\n<td class="luku">100,00{NB}€</td>') in body
    assert "kaksoiskappaleina ohitetut rivit" in html


def test_the_reconciliation_suite_lists_the_duplicate_column():
    import json

    suite = json.loads((PACKAGE_DIR / "quality" / "suites" / "grants_reconciliation_cleaned.json").read_text(encoding="utf-8"))
    columns = suite["expectations"][0]["kwargs"]["column_set"]
    assert columns.index("out_of_scope_eur") < columns.index("duplicate_eur") < columns.index("difference_eur")
    assert "duplicate_eur" in suite["notes"] and "kaksoiskappale" in suite["expectations"][1]["meta"]["description_fi"]
