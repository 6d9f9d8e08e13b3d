"""The yearly summary: cards, change ratios, Finnish sentences and number formats, trend and term
tables, the data log and the method box, all on small hand-made indicator frames."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from kainuu_metrics.indicators.catalogue import load_catalogue
from kainuu_metrics.indicators.table import read_indicators, tidy
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics import formatting
from kainuu_metrics.report import method_box as method
from kainuu_metrics.report import sentences
from kainuu_metrics.report import summary as sm
from kainuu_metrics.report import goals as goals_module
from kainuu_metrics.settings import load_domain
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.quality.checks import save_report
from kainuu_metrics.quality.model import CheckResult, QualityReport

DOMAIN = load_domain(CONFIG_DIR)
NAMES = load_catalogue(CONFIG_DIR).names()
NB = "\u00a0"
MINUS = "\u2212"


def _row(indicator, period, value, unit="eur", provisional=False, area="MK18"):
    marker = value if isinstance(value, str) else ""
    return {"indicator": indicator, "period": str(period), "area": area, "category": "", "value": None if marker else value,
            "unit": unit, "provisional": provisional, "suppression": marker}


def _frame(*rows):
    return tidy(list(rows))


INDICATORS = _frame(
    _row("grants_total_eur", 2023, 100000.0),
    _row("grants_total_eur", 2024, 120500.0),
    _row("grants_total_eur", 2025, 120500.0),
    _row("grants_total_eur", 2024, 5000.0, area="KU205"),  # another area: never mixed in
    _row("grants_per_capita_eur", 2023, 1.5, "eur_per_inhabitant"),
    _row("grants_per_capita_eur", 2024, 1.75, "eur_per_inhabitant", provisional=True),
    _row("organisations_funded", 2023, 20.0, "count"),
    _row("organisations_funded", 2024, 19.0, "count"),
    _row("lahella_registered_share", 2023, 0.9, "ratio"),
    _row("lahella_registered_share", 2024, 0.95, "ratio"),
    _row("experience_active_experts", 2023, 12.0, "persons"),
    _row("experience_active_experts", 2024, "<5", "persons"),  # suppressed small count
    _row("experience_hours", 2023, 100.0, "hours"),
    _row("experience_hours", 2024, 100.0, "hours"),
    _row("support_total_per_capita_eur", 2024, 2.0, "eur_per_inhabitant", provisional=True),
    _row("tuokio_index", 2023, 55.0, "index_0_100"),
    _row("tuokio_index", 2024, 62.5, "index_0_100"),
    _row("tuokio_osallistuminen", 2024, 70.0, "index_0_100"),
    _row("tuokio_rakenteet", 2024, 41.25, "index_0_100"),
    _row("tuokio_vuorovaikutus", 2024, 80.0, "index_0_100"),
    _row("tuokio_respondents", 2024, 3.0, "count"),  # lower than every score, but not a criterion
    # a term row: the pages compute a term's figures as of their year from the yearly rows, never from this
    _row("grants_per_capita_yearly_mean_eur", "2022-2025", 9.99, "eur_per_inhabitant"),
)
LABELS = {"osallistuminen": "Osallistuminen", "rakenteet": "Rakenteet", "vuorovaikutus": "Vuorovaikutus"}
# grant year -> council term (indicators.terms.grant_year_terms): 2023–2025 belong to 2022–2025
YEAR_TERMS = {2023: "2022-2025", 2024: "2022-2025", 2025: "2022-2025"}


def _cards(year=2024, indicators=INDICATORS, year_terms=YEAR_TERMS):
    return {c.key: c for c in sm.headline_cards(indicators, year, DOMAIN, NAMES, LABELS, 5, year_terms)}


# --- cells, changes, wording ----------------------------------------------------------------------


def test_indicator_cell_reads_numbers_markers_and_absence():
    assert sm.indicator_cell(INDICATORS, "grants_per_capita_eur", 2024, "MK18") == (1.75, True, "eur_per_inhabitant")
    assert sm.indicator_cell(INDICATORS, "experience_active_experts", 2024, "MK18") == ("<5", False, "persons")
    assert sm.indicator_cell(INDICATORS, "premises_inkind_eur", 2024, "MK18") == (None, False, "")
    # indicators.csv read back gives the same cells (numbers stay numbers, markers in their own column)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "indicators.csv"
        INDICATORS.to_csv(path, index=False)
        read_back = read_indicators(path)
    assert sm.indicator_cell(read_back, "grants_total_eur", 2024, "MK18") == (120500.0, False, "eur")
    assert sm.indicator_cell(read_back, "experience_active_experts", 2024, "MK18") == ("<5", False, "persons")


def test_change_ratio_is_relative_to_the_previous_value():
    assert sm.change_ratio(120500.0, 100000.0) == pytest.approx(0.205)
    assert sm.change_ratio(19.0, 20.0) == pytest.approx(-0.05)
    assert sm.change_ratio(1.0, 0.0) is None
    assert sm.change_ratio(None, 1.0) is None
    assert sm.change_ratio("<5", 12.0) is None


@pytest.mark.parametrize(
    ("ratio", "plural", "expected"),
    [
        (0.205, True, "kasvoivat 20,5\u00a0%"),
        (0.205, False, "kasvoi 20,5\u00a0%"),
        (-0.05, True, "vähenivät 5,0\u00a0%"),
        (-0.05, False, "väheni 5,0\u00a0%"),
        (0.0, True, "pysyivät ennallaan"),
        (0.0004, False, "pysyi ennallaan"),  # 0,04\u00a0% rounds to 0,0\u00a0%
        (-0.0004, True, "pysyivät ennallaan"),
        (0.0005, True, "kasvoivat 0,1\u00a0%"),  # rounded half away from zero, as by hand
        (12.5, True, f"kasvoivat 1{NB}250,0\u00a0%"),
    ],
)
def test_change_phrase_in_finnish(ratio, plural, expected):
    assert sentences.change_phrase(ratio, plural=plural) == expected


def test_level_phrase_for_shares_and_indices():
    assert sentences.level_phrase(5.0, "prosenttiyksikköä") == "nousi 5,0 prosenttiyksikköä"
    assert sentences.level_phrase(-0.25, "pistettä", decimals=2) == "laski 0,25 pistettä"
    assert sentences.level_phrase(0.04, "pistettä") == "pysyi ennallaan"


def test_signed_numbers_and_values():
    assert formatting.signed_number(7.5, 1) == "+7,5"
    assert formatting.signed_number(-3.14, 1) == f"{MINUS}3,1"
    assert formatting.signed_number(0.01, 1) == "0,0"
    assert sm.format_value(120500.0, "eur") == f"120{NB}500{NB}€"
    assert sm.format_value(1.754, "eur_per_capita") == f"1,75{NB}€"
    assert sm.format_value(0.95, "share") == f"95,0{NB}%"
    assert sm.format_value(359.5, "hours") == f"359,5{NB}h"
    assert sm.format_value(381.0, "hours") == f"381{NB}h"
    assert sm.format_value("<5", "count") == "<5"
    assert sm.format_value(None, "count") == "ei tietoa"
    assert sm.format_index(62.5, "index_0_100") == f"63{NB}/{NB}100"
    assert sm.format_index(3.456, "stage_mean", 5) == f"3,46{NB}/{NB}5"


# --- cards -------------------------------------------------------------------------------------------


def test_cards_come_in_reading_order():
    keys = [c.key for c in sm.headline_cards(INDICATORS, 2024, DOMAIN, NAMES, LABELS, 5)]
    assert keys == [
        "grants_total_eur", "grants_per_capita_eur", "grants_per_capita_yearly_mean_eur", "organisations_funded",
        "lahella_registered_share", "experience_active_experts", "experience_hours", "premises_inkind_eur",
        "support_total_per_capita_eur", "tuokio_index",
    ]


def test_grants_card_compares_with_the_previous_year():
    card = _cards()["grants_total_eur"]
    assert card.figure.text == f"120{NB}500{NB}€" and card.figure.value == 120500.0 and card.figure.period == "2024"
    assert card.change == pytest.approx(0.205)
    assert card.change_text == "+20,5\u00a0% edellisestä vuodesta"
    assert card.comparison.text == f"100{NB}000{NB}€" and card.comparison_label == "2023"


def test_first_year_has_no_change():
    card = _cards(2023)["grants_total_eur"]
    assert card.figure.text == f"100{NB}000{NB}€"
    assert card.change is None and card.comparison is None
    assert card.change_text == "ei edellisen vuoden tietoa"


def test_per_capita_card_is_provisional():
    card = _cards()["grants_per_capita_eur"]
    assert card.figure.text == f"1,75{NB}€" and card.provisional
    assert card.change == pytest.approx(0.25 / 1.5)
    assert card.change_text == "+16,7\u00a0% edellisestä vuodesta"


def test_share_changes_in_percentage_points():
    card = _cards()["lahella_registered_share"]
    assert card.figure.text == f"95,0{NB}%"
    assert card.change == pytest.approx(5.0)
    assert card.change_text == "+5,0\u00a0%-yks. edellisestä vuodesta"


def test_unchanged_and_decreasing_cards():
    cards = _cards()
    assert cards["experience_hours"].change == 0.0
    assert cards["experience_hours"].change_text == "0,0\u00a0% edellisestä vuodesta"
    assert cards["organisations_funded"].change_text == f"{MINUS}5,0\u00a0% edellisestä vuodesta"


def test_suppressed_value_is_shown_and_not_compared():
    card = _cards()["experience_active_experts"]
    assert card.figure.value == "<5" and card.figure.text == "<5"
    assert card.change is None and card.change_text == "muutosta ei voi laskea"


def test_dataset_without_data_for_the_year_says_ei_tietoa():
    card = _cards()["premises_inkind_eur"]
    assert card.figure is None
    html = sm.card_html(card)
    assert "ei tietoa" in html and "data-indicator" not in html
    assert 'data-card="premises_inkind_eur"' in html


def test_term_card_shows_the_running_term_as_of_the_year_without_a_change():
    # Rule changed on purpose (issue "Figures that mean what they say"): the card shows the yearly
    # mean € per inhabitant of the term's grant years up to the card's year, says the term is running,
    # and compares with the previous term only like for like. Before, the 2025 card compared the
    # annualised 2025–2029 figure with 2022–2025 (+20,0 % here; −97,7 % on the sample data).
    card = _cards(2024)["grants_per_capita_yearly_mean_eur"]
    # 2024: grant years 2023 and 2024 of 2022–2025: (1.5 + 1.75) / 2 = 1.625 -> 1,63 € (half up); 2024 is provisional
    assert card.figure.period == "2022-2025" and card.figure.value == pytest.approx(1.625) and card.figure.text == f"1,63{NB}€"
    assert card.figure.years == (2023, 2024) and card.provisional
    assert card.note == "Kausi kesken: 2 avustusvuotta aineistossa"
    assert card.change is None and card.change_text == "" and card.comparison is None  # no previous term
    assert "2022–2025" in card.label
    # 2023: only 2023 counts (1.5), though indicators hold 2024 too
    first_year = _cards(2023)["grants_per_capita_yearly_mean_eur"]
    assert first_year.figure.value == 1.5 and first_year.figure.years == (2023,)
    assert first_year.note == "Kausi kesken: 1 avustusvuosi aineistossa"


def test_term_card_of_a_term_without_grant_years_compares_nothing():
    # 31.12.2025 is in 2025–2029, which has no grant year: 2025's main round was in 2022–2025
    card = _cards(2025)["grants_per_capita_yearly_mean_eur"]
    assert card.figure is None and card.change is None and card.change_text == "" and card.comparison is None
    assert card.note == "Kausi kesken: 0 avustusvuotta aineistossa; vuoden 2025 avustukset kuuluvat kauteen 2022–2025"
    assert "2025–2029" in card.label
    html = sm.card_html(card)
    assert "ei tietoa" in html and "Kausi kesken: 0 avustusvuotta aineistossa" in html and "kortti-muutos" not in html
    # without the grant-year mapping the card claims nothing
    unknown = _cards(2025, year_terms=None)["grants_per_capita_yearly_mean_eur"]
    assert unknown.figure is None and unknown.note == ""


LIKE_FOR_LIKE = _frame(
    _row("grants_per_capita_eur", 2023, 1.5, "eur_per_inhabitant"),
    _row("grants_per_capita_eur", 2024, 1.75, "eur_per_inhabitant"),
    _row("grants_per_capita_eur", 2025, 2.0, "eur_per_inhabitant"),
    _row("grants_per_capita_eur", 2026, 1.8, "eur_per_inhabitant"),
    _row("grants_per_capita_eur", 2027, 2.4, "eur_per_inhabitant", provisional=True),
)
LIKE_FOR_LIKE_TERMS = {2023: "2022-2025", 2024: "2022-2025", 2025: "2022-2025", 2026: "2025-2029", 2027: "2025-2029"}


def test_term_card_compares_the_same_number_of_grant_years_from_each_term_start():
    card = _cards(2026, LIKE_FOR_LIKE, LIKE_FOR_LIKE_TERMS)["grants_per_capita_yearly_mean_eur"]
    # 2025–2029's one grant year (2026: 1.8) against 2022–2025's first (2023: 1.5): 1.8 / 1.5 - 1 = +20 %
    assert card.figure.value == 1.8 and card.figure.years == (2026,)
    assert card.comparison.value == 1.5 and card.comparison.years == (2023,) and card.comparison.period == "2022-2025"
    assert card.change == pytest.approx(0.2) and card.change_text == "+20,0\u00a0% edelliseen kauteen verrattuna"
    assert card.comparison_label == "2022–2025"
    assert card.note == "Kausi kesken: 1 avustusvuosi aineistossa; vertailussa kummankin kauden ensimmäinen avustusvuosi"
    # 2027: (1.8 + 2.4) / 2 = 2.1 against (1.5 + 1.75) / 2 = 1.625: 2.1 / 1.625 - 1 = +29,2 %; never the whole 2022–2025 (1.75)
    two = _cards(2027, LIKE_FOR_LIKE, LIKE_FOR_LIKE_TERMS)["grants_per_capita_yearly_mean_eur"]
    assert two.figure.value == pytest.approx(2.1) and two.comparison.value == pytest.approx(1.625)
    assert two.comparison.years == (2023, 2024) and two.change == pytest.approx(2.1 / 1.625 - 1)
    assert two.change_text == "+29,2\u00a0% edelliseen kauteen verrattuna" and two.provisional
    sentence = sentences.term_sentence(card)
    assert sentence == (f"Valtuustokauden 2025–2029 avustukset asukasta kohden vuodessa (1,80{NB}€) ovat 20,0\u00a0% suuremmat kuin "
                        f"edellisellä kaudella 2022–2025 (1,50{NB}€); vertailussa kummankin kauden ensimmäinen avustusvuosi.")
    html = sm.card_html(card)
    assert 'data-period="2022-2025" data-area="MK18" data-value="1.5" data-years="2023">' in html


def test_term_of_year():
    assert sm.term_of_year(DOMAIN.council_terms, 2024).id == "2022-2025"
    assert sm.term_of_year(DOMAIN.council_terms, 2025).id == "2025-2029"  # in force on 31.12.2025
    assert sm.term_of_year(DOMAIN.council_terms, 2019) is None


def test_tuokio_card_with_its_weakest_criterion():
    card = _cards()["tuokio_index"]
    assert card.figure.text == f"63{NB}/{NB}100"
    assert card.change == pytest.approx(7.5)
    assert card.change_text == "+7,5 pistettä edellisestä vuodesta"
    assert card.note == "Heikoin kriteeri: Rakenteet"
    assert [(f.indicator, f.value, f.text) for f in card.note_figures] == [("tuokio_rakenteet", 41.25, f"41{NB}/{NB}100")]


def test_tuokio_ties_and_absence():
    tie = pd.concat([INDICATORS, _frame(_row("tuokio_johdon_tuki", 2024, 41.25, "index_0_100"))], ignore_index=True)
    card = sm.tuokio_card(tie, 2024, "MK18", NAMES["tuokio_index"], {**LABELS, "johdon_tuki": "Johdon tuki yhteistyölle"})
    assert card.note == "Heikoimmat kriteerit: Rakenteet ja Johdon tuki yhteistyölle"
    # without configured labels every tuokio_* score except index and respondents counts
    assert sm.tuokio_card(tie, 2024, "MK18", NAMES["tuokio_index"]).note == "Heikoimmat kriteerit: Rakenteet ja Johdon tuki"
    assert sm.tuokio_card(INDICATORS, 2025, "MK18", NAMES["tuokio_index"]).figure is None


def test_stage_mean_index_changes_with_two_decimals():
    frame = _frame(_row("tuokio_index", 2023, 3.0, "stage_mean"), _row("tuokio_index", 2024, 3.25, "stage_mean"))
    card = sm.tuokio_card(frame, 2024, "MK18", NAMES["tuokio_index"], n_stages=5)
    assert card.figure.text == f"3,25{NB}/{NB}5"
    assert card.change_text == "+0,25 pistettä edellisestä vuodesta"


# --- sentences ------------------------------------------------------------------------------------------


def test_change_sentences_from_the_cards():
    texts = [s.text for s in sentences.change_sentences(sm.headline_cards(INDICATORS, 2024, DOMAIN, NAMES, LABELS, 5, YEAR_TERMS))]
    assert texts == [
        f"Myönnetyt avustukset kasvoivat 20,5\u00a0% edellisestä vuodesta (2024: 120{NB}500{NB}€; 2023: 100{NB}000{NB}€).",
        f"Avustukset asukasta kohden kasvoivat 16,7\u00a0% edellisestä vuodesta (2024: 1,75{NB}€; 2023: 1,50{NB}€).",
        # a running term: its level, no change (mean of 2023 and 2024: 1.625)
        f"Valtuustokauden 2022–2025 avustukset asukasta kohden vuodessa ovat keskimäärin 1,63{NB}€ (kausi kesken: 2 avustusvuotta aineistossa).",
        "Avustusta saaneiden järjestöjen määrä väheni 5,0\u00a0% edellisestä vuodesta (2024: 19; 2023: 20).",
        f"Lähellä.fi-palveluun rekisteröityneiden saajien osuus nousi 5,0 prosenttiyksikköä edellisestä vuodesta (2024: 95,0{NB}%; 2023: 90,0{NB}%).",
        f"Kokemusasiantuntijoiden tunnit pysyivät ennallaan edellisestä vuodesta (2024: 100{NB}h; 2023: 100{NB}h). Aktiivisia kokemusasiantuntijoita oli <5.",
        f"Yhteistyö-Tuokio-indeksi nousi 7,5 pistettä edellisestä vuodesta (2024: 63{NB}/{NB}100; 2023: 55{NB}/{NB}100). Heikoin kriteeri: Rakenteet (41{NB}/{NB}100).",
    ]


def test_sentences_of_a_first_year_and_of_a_new_term():
    first = sentences.change_sentences(sm.headline_cards(INDICATORS, 2023, DOMAIN, NAMES, LABELS, 5))
    assert first[0].text == f"Avustuksia myönnettiin 100{NB}000{NB}€; edellisen vuoden vertailutietoa ei ole."
    assert first[-1].text == f"Yhteistyö-Tuokio-indeksi oli 55{NB}/{NB}100."
    texts = [s.text for s in sentences.change_sentences(sm.headline_cards(INDICATORS, 2025, DOMAIN, NAMES, LABELS, 5, YEAR_TERMS))]
    assert "Myönnetyt avustukset pysyivät ennallaan edellisestä vuodesta" in texts[0]
    # Rule changed on purpose: the new term without grant years is not compared with the old one (before:
    # "... 2025–2029 ... (3,00 €) ovat 20,0 % suuremmat kuin edellisellä kaudella 2022–2025 (2,50 €) ...")
    assert texts[1] == ("Valtuustokaudelta 2025–2029 ei vielä ole lukuja (kausi kesken: 0 avustusvuotta aineistossa; "
                        "vuoden 2025 avustukset kuuluvat kauteen 2022–2025).")
    assert not any("edellisellä kaudella" in t or "edelliseen kauteen" in t for t in texts)


def test_sentences_link_to_the_pages_of_the_run():
    lines = [sentences.Sentence("A & B kasvoivat.", "grants.html"), sentences.Sentence("C.", "tuokio.html")]
    html = sentences.sentences_html(lines, {"grants.html": "Järjestöavustukset"})
    assert html == (
        '<ul class="muutokset"><li>A &amp; B kasvoivat. <span class="lisaa">Tarkemmin: '
        '<a href="grants.html">Järjestöavustukset</a></span></li><li>C.</li></ul>'
    )


# --- HTML of the cards ----------------------------------------------------------------------------------


def test_card_numbers_are_machine_findable():
    html = sm.cards_html(sm.headline_cards(INDICATORS, 2024, DOMAIN, NAMES, LABELS, 5, YEAR_TERMS), 2024)
    assert (f'<span class="luku" data-indicator="grants_total_eur" data-period="2024" data-area="MK18" '
            f'data-value="120500">120{NB}500{NB}€</span>') in html
    assert 'data-indicator="grants_total_eur" data-period="2023" data-area="MK18" data-value="100000"' in html
    assert f'data-indicator="grants_per_capita_eur" data-period="2024" data-area="MK18" data-value="1.75">1,75{NB}€</span>' in html
    assert f'data-indicator="tuokio_rakenteet" data-period="2024" data-area="MK18" data-value="41.25">41{NB}/{NB}100</span>' in html
    assert 'data-value="&lt;5">&lt;5</span>' in html
    # a term's yearly mean names the grant years it averages
    assert (f'data-indicator="grants_per_capita_yearly_mean_eur" data-period="2022-2025" data-area="MK18" data-value="1.625" '
            f'data-years="2023 2024">1,63{NB}€</span>') in html
    assert html.startswith('<ul class="kortit" aria-label="Vuoden 2024 tunnusluvut">')
    assert html.count('<li class="kortti') == 10 and html.count("<h3") == 10
    # the provisional mark sits outside the number and is explained once, as a sentence
    assert f'1,75{NB}€</span><span class="ennakollinen-merkki" title="ennakollinen">*</span>' in html
    assert html.endswith('<p class="kortit-selite">Tähdellä (*) merkityt luvut ovat ennakollisia: vuoden lopun väkilukua '
                         "ei ole vielä julkaistu, joten jakajana on viimeisin julkaistu väkiluku.</p>")


def test_no_provisional_note_without_provisional_values():
    cards = sm.headline_cards(_frame(_row("grants_total_eur", 2024, 1.0)), 2024, DOMAIN, NAMES)
    assert sm.provisional_note(cards) == ""
    assert "kortit-selite" not in sm.cards_html(cards, 2024)


def test_data_value_keeps_full_precision():
    assert sm.data_value(147300.0) == "147300"
    assert sm.data_value(2.2116425016230252) == "2.2116425016230252"
    assert sm.data_value("x") == "x"


# --- trend and term tables ---------------------------------------------------------------------------------


def test_trend_table_has_every_grant_year_up_to_the_report_year():
    trend = sm.trend_table(INDICATORS, "MK18", up_to=2024)
    assert trend["Vuosi"].tolist() == ["2023", "2024"]
    assert trend["Avustukset (€)"].tolist() == [100000.0, 120500.0]
    assert trend["Avustukset (€ / asukas)"].tolist() == [1.5, 1.75]
    assert math.isnan(trend["Tilojen käyttö (€)"].iloc[1])
    assert trend["Aktiiviset kokemusasiantuntijat"].iloc[0] == 12.0 and math.isnan(trend["Aktiiviset kokemusasiantuntijat"].iloc[1])
    assert trend["Yhteistyö-Tuokio-indeksi"].tolist() == [55.0, 62.5]
    assert trend["Ennakollinen"].tolist() == [False, True]


def test_term_comparison_lists_terms_as_of_the_year():
    frame = pd.concat([LIKE_FOR_LIKE, _frame(
        _row("support_total_per_capita_eur", 2023, 1.6, "eur_per_inhabitant"),
        _row("support_total_per_capita_eur", 2024, 1.9, "eur_per_inhabitant"),
        _row("support_total_eur", 2023, 1.0), _row("support_total_eur", 2024, 1.0),
        _row("grants_total_eur", 2023, 1.0), _row("grants_total_eur", 2024, 1.0), _row("grants_total_eur", 2025, 1.0),
        _row("grants_total_eur", 2026, 1.0), _row("grants_total_eur", 2027, 1.0),
    )], ignore_index=True)
    terms = sm.term_comparison(frame, DOMAIN, LIKE_FOR_LIKE_TERMS, 2024)
    # as of 2024: one running term, its two grant years; support (1.6 + 1.9) / 2 = 1.75
    assert terms.to_dict("list") == {
        "Valtuustokausi": ["2022–2025"], "Avustusvuodet": ["2023–2024"], "Tila": ["kausi kesken: 2 avustusvuotta aineistossa"],
        "Avustukset (€ / asukas vuodessa)": [pytest.approx(1.625)], "Tuki yhteensä (€ / asukas vuodessa)": [pytest.approx(1.75)],
        "Ennakollinen": [False],
    }
    # as of 2025 the new term has started, with no grant year: listed, not compared (no pair to chart)
    terms = sm.term_comparison(frame, DOMAIN, LIKE_FOR_LIKE_TERMS, 2025)
    assert terms["Valtuustokausi"].tolist() == ["2022–2025", "2025–2029"]
    assert terms["Tila"].tolist() == ["päättynyt", "kausi kesken: 0 avustusvuotta aineistossa"]
    assert terms["Avustukset (€ / asukas vuodessa)"].iloc[0] == pytest.approx((1.5 + 1.75 + 2.0) / 3)
    assert math.isnan(terms["Avustukset (€ / asukas vuodessa)"].iloc[1])
    assert math.isnan(terms["Tuki yhteensä (€ / asukas vuodessa)"].iloc[0])  # 2025 has no support figure: no partial mean
    assert sm.compared_terms(frame, DOMAIN, LIKE_FOR_LIKE_TERMS, 2025).empty
    # as of 2026 the pair is charted like for like: 2023 against 2026
    pair = sm.compared_terms(frame, DOMAIN, LIKE_FOR_LIKE_TERMS, 2026)
    assert pair["Valtuustokausi"].tolist() == ["2022–2025 (avustusvuodet 2023)", "2025–2029 (avustusvuodet 2026)"]
    assert pair["Avustukset (€ / asukas vuodessa)"].tolist() == [1.5, 1.8]
    assert pair["Tuki yhteensä (€ / asukas vuodessa)"].iloc[0] == 1.6 and math.isnan(pair["Tuki yhteensä (€ / asukas vuodessa)"].iloc[1])


def test_index_axis_range():
    assert sm.index_axis_range(INDICATORS, "MK18") == [0, 100]
    assert sm.index_axis_range(_frame(_row("tuokio_index", 2024, 3.0, "stage_mean")), "MK18", 5) == [1, 5]
    assert sm.index_axis_range(_frame(), "MK18") is None


# --- data log, quality, method box ---------------------------------------------------------------------------

FILES = [
    "raw/grants/a_2023.xlsx", "raw/grants/b_2024.csv", "raw/population/p1.csv", "raw/population/p2.json",
    "raw/tuokio/2024-11-14/lomake_01.xlsx", "raw/tuokio/2024-11-14/lomake_02.xlsx", "raw/premises/t.csv",
]
LOG = {
    "deliveries": [
        {"file": "grants/a_2023.xlsx", "delivered": pd.Timestamp("2023-03-20").date(), "deliverer": "Talous, Matti M."},
        {"file": "tuokio/", "delivered": "2024-11-20", "deliverer": "Kehittäjä"},
        {"file": "raw/population/p2.json", "delivered": "heti", "deliverer": None},
    ]
}


def test_deliveries_table_matches_files_and_folders():
    table = method.deliveries_table(FILES, method.deliveries_from_yaml(LOG))
    assert table.to_dict("records") == [
        {"Aineisto": "Järjestöavustukset", "Tiedosto": "grants/a_2023.xlsx", "Toimitettu": "20.3.2023", "Toimittaja": "Talous, Matti M."},
        {"Aineisto": "Järjestöavustukset", "Tiedosto": "grants/b_2024.csv", "Toimitettu": "ei kirjattu", "Toimittaja": "ei kirjattu"},
        {"Aineisto": "Väestö (Tilastokeskus)", "Tiedosto": "population/p1.csv", "Toimitettu": "ei kirjattu", "Toimittaja": "ei kirjattu"},
        {"Aineisto": "Väestö (Tilastokeskus)", "Tiedosto": "population/p2.json", "Toimitettu": "heti", "Toimittaja": "ei kirjattu"},
        {"Aineisto": "Tilojen maksuton käyttö", "Tiedosto": "premises/t.csv", "Toimitettu": "ei kirjattu", "Toimittaja": "ei kirjattu"},
        {"Aineisto": "Yhteistyö-Tuokio-arviointi", "Tiedosto": "tuokio/ (2 tiedostoa)", "Toimitettu": "20.11.2024", "Toimittaja": "Kehittäjä"},
    ]


def test_unlogged_files_of_one_folder_make_one_row():
    table = method.deliveries_table(FILES, [])
    assert table["Tiedosto"].tolist() == ["grants/ (2 tiedostoa)", "population/ (2 tiedostoa)", "premises/t.csv",
                                          "tuokio/2024-11-14/ (2 tiedostoa)"]
    assert set(table["Toimitettu"]) == {"ei kirjattu"}


@pytest.mark.parametrize("raw", [None, {"deliveries": "x"}, {"deliveries": [{"delivered": "2024-01-01"}]}])
def test_malformed_data_log_is_a_finnish_error(raw):
    with pytest.raises(InputFileError, match="toimitukset.yaml"):
        method.deliveries_from_yaml(raw)


def _report(blocking_ok=True):
    checks = [
        CheckResult("grants", "grants_cleaned", "e1", None, "a", True, blocking_ok, "ok"),
        CheckResult("grants", "grants_cleaned", "e2", None, "b", False, False, "varoitus"),
    ]
    return QualityReport("20261129T171200Z", "2026-11-29T17:12:00Z", "1.24.1", checks)


def test_quality_status_in_words():
    assert method.quality_status(_report()) == ("✓ Tarkistukset läpäisty (2 tarkistusta, varoituksia 1)", "tulos-ok")
    assert method.quality_status(_report(False)) == ("✗ Estäviä virheitä 1 (2 tarkistusta, varoituksia 1)", "tulos-virhe")
    assert method.quality_status(None)[0] == "– Tietojen laatua ei ole tarkistettu"


def test_denominator_text_names_the_population_used():
    denominators = pd.DataFrame({"year": [2025], "area_code": ["MK18"], "population": [69315], "population_year": [2024],
                                 "provisional": [True]})
    text = method.denominator_text(denominators, 2025, "MK18")
    assert text.endswith(f"Vuoden 2025 jakaja on vuoden 2024 lopun väkiluku (ennakollinen): 69{NB}315 asukasta.")
    assert method.denominator_text(pd.DataFrame(), 2025, "MK18").startswith("Euroa asukasta kohden -luvuissa jakajana")


def test_method_box(tmp_path):
    facts = method.RunFacts(True, _report(), FILES, method.deliveries_from_yaml(LOG), True)
    html = method.method_box_html(year=2024, cards=sm.headline_cards(INDICATORS, 2024, DOMAIN, NAMES, LABELS, 5, YEAR_TERMS), facts=facts,
                              domain=DOMAIN, denominators=pd.DataFrame())
    assert html.startswith('<aside class="menetelma-laatikko" aria-labelledby="menetelma-otsikko"><h2 id="menetelma-otsikko">')
    assert '<a href="quality.html">Tietojen laatu 2024</a>' in html
    assert "✓ Tarkistukset läpäisty (2 tarkistusta, varoituksia 1)" in html
    assert "Tarkistusajo 29.11.2026 klo 19.12." in html
    assert "1. aluevaltuustokausi 2022–2025: 1.3.2022–31.5.2025" in html
    assert "vuoden pääjaon päätöspäivänä" in html and "Vuoden 2024 sivulla mukana ovat vain avustusvuodet 2024 asti." in html
    assert "Luvut ovat esimerkkiaineistoa" in html
    assert "Ennakollisia (*) ovat: Avustukset asukasta kohden" in html
    assert "Ei tietoa vuodelta 2024: Tilojen maksuttoman käytön arvo." in html
    # the data log is named in words: file paths belong on the quality page only (issue 12)
    assert "raakatietokansion toimituslokiin" in html and "data/raw/" not in html
    assert "<caption>Lähdeaineistojen toimitukset</caption>" in html
    assert "20.3.2023" in html and "ei kirjattu" in html


def test_load_run_facts_reads_the_data_folder(tmp_path):
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    raw.mkdir()
    (raw / "ESIMERKKIAINEISTO.txt").write_text("x", encoding="utf-8")
    (raw / "toimitukset.yaml").write_text(
        "deliveries:\n  - file: grants/a_2023.xlsx\n    delivered: 2023-03-20\n    deliverer: Talous\n", encoding="utf-8"
    )
    save_report(_report(), processed / "quality")
    pd.DataFrame({"dataset": ["grants", "grants"], "source_file": ["raw/grants/a_2023.xlsx", "raw/grants/b_2024.csv"],
                  "file_year": [2023, 2024]}).to_csv(processed / "row_accounting.csv", sep=";", index=False, encoding="utf-8-sig")
    facts = method.load_run_facts(tmp_path)
    assert facts.sample_data and facts.delivery_log_found
    assert facts.quality.run_id == "20261129T171200Z"
    assert facts.source_files == ["raw/grants/a_2023.xlsx", "raw/grants/b_2024.csv"]
    assert method.load_run_facts(tmp_path, 2023).source_files == ["raw/grants/a_2023.xlsx"]  # the 2023 page: no 2024 file
    assert facts.deliveries == [method.Delivery("grants/a_2023.xlsx", "20.3.2023", "Talous")]


def test_load_run_facts_without_log_or_checks(tmp_path):
    facts = method.load_run_facts(tmp_path)
    assert facts == method.RunFacts(False, None, [], [], False)


def test_broken_data_log_yaml(tmp_path):
    (tmp_path / "toimitukset.yaml").write_text("deliveries: [\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="toimituslokia ei voitu lukea"):
        method.load_deliveries(tmp_path)


def test_the_shipped_data_log_covers_every_sample_folder():
    root = Path(__file__).resolve().parents[1] / "data" / "raw"
    deliveries, found = method.load_deliveries(root)
    files = [p.relative_to(root.parent).as_posix() for p in root.rglob("*") if p.is_file() and p.parent != root
             and p.name != "README.md"]
    assert found and files
    assert "ei kirjattu" not in set(method.deliveries_table(files, deliveries)["Toimitettu"])


# --- development goals --------------------------------------------------------------------------


def _goal(date, number, goal, owner, deadline, status="Suunniteltu", action="Toimenpide"):
    return {"evaluation_date": pd.Timestamp(date), "year": pd.Timestamp(date).year, "scope": "hyvinvointialue",
            "evaluation_name": None, "goal_number": number, "goal": goal, "action": action, "criterion": "osallistuminen",
            "owner": owner, "deadline": deadline, "deadline_date": pd.NaT, "status": status,
            "source_file": "x.xlsx", "sheet": "Yhteenveto", "source_row": 10 + number}


def _followup(date, number, goal, status, notes=None):
    return {"evaluation_date": pd.Timestamp(date), "year": pd.Timestamp(date).year, "scope": "hyvinvointialue",
            "evaluation_name": None, "previous_goal_number": number, "goal": goal, "status": status, "notes": notes,
            "source_file": "x.xlsx", "sheet": "Yhteenveto", "source_row": 30}


def _goal_tables():
    goals = pd.DataFrame([
        _goal("2024-11-14", 1, "Järjestöt mukaan suunnitteluun", "Koordinaattori", "30.6.2025"),
        _goal("2024-11-14", 2, "Mittarit sovitaan", "Yhteistyöryhmä", "kevät 2025"),
        _goal("2025-11-12", 1, "Tieto päätöksentekoon", "Hyte-yksikkö", "31.10.2026", action="Käsittely aluehallituksessa"),
    ])
    followups = pd.DataFrame([_followup("2025-11-12", 1, "Järjestöt mukaan suunnitteluun", "Toteutunut", "Kaikissa ryhmissä.")])
    return {"tuokio_goals": goals, "tuokio_goal_followups": followups}


def _tuokio_config():
    from kainuu_metrics.datasets.tuokio.config import load_tuokio_config
    from kainuu_metrics.settings import load_settings

    return load_tuokio_config(load_settings(CONFIG_DIR))


def test_goals_of_the_year_with_owner_and_schedule_and_last_years_status():
    goals = sm.year_goals(_goal_tables(), 2025, _tuokio_config())
    assert goals.date == pd.Timestamp("2025-11-12") and goals.previous_date == pd.Timestamp("2024-11-14")
    markup = sm.goals_html(goals)
    # this year's single goal: its action, owner and schedule
    assert "Vuoden 2025 tavoitteet (arviointi 12.11.2025)" in markup
    assert "1. Tieto päätöksentekoon" in markup and "Käsittely aluehallituksessa" in markup
    assert "Hyte-yksikkö" in markup and "31.10.2026" in markup
    # last evaluation's two goals: no. 1 followed up as reached, no. 2 not in this year's follow-up
    previous = markup[markup.index("Edellisen arvioinnin (14.11.2024) tavoitteiden tila"):]
    assert previous.count('<li class="tavoite">') == 2
    assert "Tila nyt:</span> Toteutunut" in previous and "Kaikissa ryhmissä." in previous
    assert "Tila nyt:</span> ei raportoitu" in previous


def test_a_year_without_goals_says_so_in_one_sentence():
    config = _tuokio_config()
    none = sm.goals_html(sm.year_goals(_goal_tables(), 2023, config))
    assert "Vuodelta 2023 ei ole koko hyvinvointialueen Yhteistyö-Tuokio-arviointia" in none
    assert "<li" not in none
    first = sm.goals_html(sm.year_goals(_goal_tables(), 2024, config))
    assert first.count('<li class="tavoite">') == 2  # 2024's two goals, no earlier evaluation to follow up
    assert goals_module.NO_PREVIOUS_GOALS in first
    empty = sm.goals_html(sm.year_goals({}, 2025, config))
    assert "Vuodelta 2025 ei ole" in empty


# --- trend charts only from two years up -----------------------------------------------------------------


def test_a_trend_of_one_year_is_a_sentence_not_a_lone_bar(monkeypatch):
    import plotly.express as px

    from kainuu_metrics.report import charts

    shown = []
    monkeypatch.setattr(charts, "_display_html", shown.append)
    one = pd.DataFrame({"Vuosi": ["2023"], "Avustukset (€)": [122200.0]})
    fig = px.bar(one, x="Vuosi", y="Avustukset (€)", title="Järjestöjen tuki vuosittain")
    fig.update_xaxes(type="category")
    assert charts.trend_years(fig) == ["2023"]
    charts.show_figure(fig, alt_text="Pylväskaavio", data=one)
    assert shown == ['<p class="kehitys-yksi-vuosi">Järjestöjen tuki vuosittain: kehitys näytetään kuviona, kun aineistossa on '
                     "vähintään kaksi vuotta; nyt aineistossa on vain vuosi 2023, jonka luvut ovat sivun tunnusluvuissa.</p>"]
    two = pd.DataFrame({"Vuosi": ["2023", "2024"], "Avustukset (€)": [122200.0, 147300.0]})
    fig = px.line(two, x="Vuosi", y="Avustukset (€)", markers=True)
    fig.update_xaxes(type="category")
    assert charts.trend_years(fig) == ["2023", "2024"]  # two years: drawn as a chart
    by_role = px.bar(pd.DataFrame({"Tunteja": [2024.0], "Rooli": ["Kouluttaja"]}), x="Tunteja", y="Rooli", orientation="h")
    assert charts.trend_years(by_role) is None  # not a trend: numbers on x are no years
