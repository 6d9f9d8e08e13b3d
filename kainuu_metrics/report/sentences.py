"""The sentences of the yearly summary that say what changed from the previous year (and from
the previous council term), generated from the headline cards, in Finnish."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kainuu_metrics.report.charts import format_number, format_percent
from kainuu_metrics.report.summary import TERM_CARD, TUOKIO_CARD, Card, _e, _rounds_to_zero, index_change_decimals


def change_phrase(ratio: float, *, plural: bool = True, decimals: int = 1) -> str:
    """A relative change as a Finnish predicate: 0.205 -> 'kasvoivat 20,5 %'.

    >>> change_phrase(0.205), change_phrase(-0.03, plural=False), change_phrase(0.0004)
    ('kasvoivat 20,5\xa0%', 'väheni 3,0\xa0%', 'pysyivät ennallaan')
    """
    if _rounds_to_zero(ratio * 100, decimals):
        return "pysyivät ennallaan" if plural else "pysyi ennallaan"
    amount = format_percent(abs(ratio), decimals)
    if ratio > 0:
        return f"{'kasvoivat' if plural else 'kasvoi'} {amount}"
    return f"{'vähenivät' if plural else 'väheni'} {amount}"


def level_phrase(difference: float, unit: str, *, decimals: int = 1) -> str:
    """A change of a level (a share in percentage points, an index in points), singular subject:
    2.5, 'prosenttiyksikköä' -> 'nousi 2,5 prosenttiyksikköä'.

    >>> level_phrase(-1.25, "pistettä", decimals=2), level_phrase(0.01, "pistettä")
    ('laski 1,25 pistettä', 'pysyi ennallaan')
    """
    if _rounds_to_zero(difference, decimals):
        return "pysyi ennallaan"
    verb = "nousi" if difference > 0 else "laski"
    return f"{verb} {format_number(abs(difference), decimals)} {unit}"



@dataclass(frozen=True)
class Sentence:
    text: str
    page: str  # the detailed page to read more on


def _values(card: Card) -> str:
    """'(2025: 153 300 €; 2024: 147 300 €)'"""
    assert card.figure is not None and card.comparison is not None
    return f"({card.period_label}: {card.figure.text}; {card.comparison_label}: {card.comparison.text})"


def _compared(card: Card | None) -> bool:
    return bool(card and card.figure and card.comparison and card.change is not None)


def term_sentence(card: Card) -> str:
    """The council-term sentence: a change only when the card compares like for like (see
    summary.term_card); a running term's level otherwise; never a partial term against a whole one."""
    note = f"{card.note[:1].lower()}{card.note[1:]}" if card.note else ""
    if card.figure is None:
        return f"Valtuustokaudelta {card.period_label} ei vielä ole lukuja ({note})." if note and card.period_label else ""
    if not _compared(card):
        detail = f" ({note})" if note else ""
        return f"Valtuustokauden {card.period_label} avustukset asukasta kohden vuodessa ovat keskimäärin {card.figure.text}{detail}."
    assert card.change is not None and card.comparison is not None
    if _rounds_to_zero(card.change * 100, 1):
        size = "yhtä suuret kuin"
    else:
        size = f"{format_percent(abs(card.change), 1)} {'suuremmat' if card.change > 0 else 'pienemmät'} kuin"
    return (f"Valtuustokauden {card.period_label} avustukset asukasta kohden vuodessa ({card.figure.text}) ovat {size} "
            f"edellisellä kaudella {card.comparison_label} ({card.comparison.text}); vertailussa {card.change_basis}.")


def change_sentences(cards: Sequence[Card]) -> list[Sentence]:
    """A few sentences, generated from the cards, that say what changed from the previous year
    (and from the previous council term)."""
    by_key = {c.key: c for c in cards}
    sentences: list[Sentence] = []

    def relative(key: str, subject: str, *, plural: bool, extra: str = "") -> None:
        card = by_key.get(key)
        if _compared(card):
            assert card is not None and card.change is not None
            sentences.append(Sentence(f"{subject} {change_phrase(card.change, plural=plural)} edellisestä vuodesta {_values(card)}.{extra}", card.page))

    grants = by_key.get("grants_total_eur")
    if grants and grants.figure and not _compared(grants):
        sentences.append(Sentence(f"Avustuksia myönnettiin {grants.figure.text}; edellisen vuoden vertailutietoa ei ole.", grants.page))
    relative("grants_total_eur", "Myönnetyt avustukset", plural=True)
    relative("grants_per_capita_eur", "Avustukset asukasta kohden", plural=True)
    term = by_key.get(TERM_CARD.indicator)
    if term is not None:
        sentence = term_sentence(term)
        if sentence:
            sentences.append(Sentence(sentence, term.page))
    relative("organisations_funded", "Avustusta saaneiden järjestöjen määrä", plural=False)
    lahella = by_key.get("lahella_registered_share")
    if _compared(lahella):
        assert lahella is not None and lahella.change is not None
        sentences.append(Sentence(
            f"Lähellä.fi-palveluun rekisteröityneiden saajien osuus {level_phrase(lahella.change, 'prosenttiyksikköä')} "
            f"edellisestä vuodesta {_values(lahella)}.", lahella.page))
    experts = by_key.get("experience_active_experts")
    people = f" Aktiivisia kokemusasiantuntijoita oli {experts.figure.text}." if experts and experts.figure else ""
    relative("experience_hours", "Kokemusasiantuntijoiden tunnit", plural=True, extra=people)
    relative("premises_inkind_eur", "Tilojen maksuttoman käytön arvo", plural=False)
    relative("support_total_per_capita_eur", "Tuki yhteensä (avustukset ja tilojen käyttö) asukasta kohden", plural=False)
    tuokio = by_key.get(TUOKIO_CARD.indicator)
    if tuokio and tuokio.figure:
        weakest = ""
        if tuokio.note:
            weakest = f" {tuokio.note} ({', '.join(f.text for f in tuokio.note_figures)})."
        if _compared(tuokio):
            assert tuokio.change is not None
            phrase = level_phrase(tuokio.change, "pistettä", decimals=index_change_decimals(tuokio.figure.unit))
            sentences.append(Sentence(f"Yhteistyö-Tuokio-indeksi {phrase} edellisestä vuodesta {_values(tuokio)}.{weakest}", tuokio.page))
        else:
            sentences.append(Sentence(f"Yhteistyö-Tuokio-indeksi oli {tuokio.figure.text}.{weakest}", tuokio.page))
    return sentences


def sentences_html(sentences: Sequence[Sentence], page_titles: Mapping[str, str]) -> str:
    """The sentences as a list, each with a link to its detailed page (when the page exists in the run)."""
    if not sentences:
        return '<p>Vuodelta ei ole vertailukelpoisia tietoja edelliseen vuoteen.</p>'
    items = []
    for sentence in sentences:
        title = page_titles.get(sentence.page)
        link = f' <span class="lisaa">Tarkemmin: <a href="{_e(sentence.page)}">{_e(title)}</a></span>' if title else ""
        items.append(f"<li>{_e(sentence.text)}{link}</li>")
    return f'<ul class="muutokset">{"".join(items)}</ul>'


