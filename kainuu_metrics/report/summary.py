"""The yearly leadership summary (reports/<year>/summary.html): headline cards with their change
from the previous year, sentences that say what changed, the tables behind the trend charts and
the method-and-sources box (report/method_box.py); the sentences are in report/sentences.py.

Everything here is pure (the tidy indicators frame in, values, text or HTML out);
notebooks/summary.ipynb only displays what these return.

Each number on a card is machine-findable: ``<span data-indicator="grants_total_eur"
data-period="2025" data-area="MK99" data-value="153300">153 300 €</span>``; the browser test
compares those with indicators.csv.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kainuu_metrics import formatting
from kainuu_metrics.report.pages import soft_hyphenated
from kainuu_metrics.report.charts import format_change, format_eur, format_number, format_percent
from kainuu_metrics.indicators.table import lookup, select
from kainuu_metrics.indicators.terms import TermStatus, is_complete, like_for_like, status_of, term_statuses, yearly_mean
from kainuu_metrics.report.views import comparison_basis, shown_terms, status_text, term_span, years_text
from kainuu_metrics.report.goals import Goals, goals_html, show_goals, year_goals  # noqa: F401  (the summary notebook shows them)
from kainuu_metrics.settings import CouncilTerm, Domain

NO_DATA = "ei tietoa"
PROVISIONAL_MARK = "*"
NBSP = "\u00a0"
INDEX_0_100 = "index_0_100"

# --- indicator cells ----------------------------------------------------------------------------


def indicator_cell(indicators: pd.DataFrame, indicator: str, period: object, area: str) -> tuple[float | str | None, bool, str]:
    """(value, provisional, unit) of one cell: a float, a suppression marker such as "<5", or
    None when the cell is absent (indicators.table.lookup, plus the unit for formatting)."""
    cell = lookup(indicators, indicator, period, area)
    if not cell.present:
        return None, False, ""
    unit = str(select(indicators, indicator, period=period, area=area)["unit"].iloc[0])
    return (cell.suppression or cell.value), cell.provisional, unit


def _number(value: object) -> float:
    """A value for arithmetic and charts: suppressed or missing -> NaN."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan


def change_ratio(current: object, previous: object) -> float | None:
    """Relative change (current - previous) / previous; None without a usable previous value.

    >>> change_ratio(147300.0, 122200.0) == (147300 - 122200) / 122200
    True
    >>> change_ratio(5.0, 0.0) is None, change_ratio("<5", 10.0) is None
    (True, True)
    """
    current, previous = _number(current), _number(previous)
    if math.isnan(current) or math.isnan(previous) or previous == 0:
        return None
    return (current - previous) / previous


def _rounds_to_zero(value: float, decimals: int) -> bool:
    return formatting.round_half_up(value, decimals) == 0


# --- value formats ------------------------------------------------------------------------------------


FORMATS: dict[str, Callable[[float], str]] = {
    "eur": lambda v: format_eur(v),
    "eur_per_capita": lambda v: format_eur(v, 2),
    "count": lambda v: format_number(v),
    "share": lambda v: format_percent(v, 1),
    "hours": formatting.hours,
}


def format_index(value: float, unit: str, n_stages: int | None = None) -> str:
    """The Tuokio index as shown: '62 / 100' (0–100) or '3,45 / 5' (mean on a scale of 1..N).

    >>> [format_index(61.6, "index_0_100"), format_index(3.454, "stage_mean", 5), format_index(3.454, "stage_mean")]
    ['62\xa0/\xa0100', '3,45\xa0/\xa05', '3,45']
    """
    if unit == INDEX_0_100:
        return formatting.index(value, unit)
    return formatting.index(value, "stage_mean", n_stages, decimals=2)


def format_value(value: float | str | None, kind: str, unit: str = "", n_stages: int | None = None) -> str:
    """A value as a card and a sentence show it, kept on one line (no-break spaces: '153 300 €'
    never wraps before the €); a suppression marker as it is; nothing -> 'ei tietoa'."""
    if value is None:
        return NO_DATA
    if isinstance(value, str):
        return value
    if kind == "index":
        return format_index(value, unit, n_stages)
    return FORMATS[kind](value).replace(" ", NBSP)


def data_value(value: float | str) -> str:
    """The machine-readable value of a data-value attribute: '147300', '2.2116425016230252', '<5'.

    >>> data_value(147300.0), data_value(0.25), data_value("<5")
    ('147300', '0.25', '<5')
    """
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- cards --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number shown on the page, tied to its cell in indicators.csv."""

    indicator: str
    period: str
    area: str
    value: float | str
    text: str  # as shown, without the provisional mark
    provisional: bool = False
    unit: str = ""  # as in indicators.csv
    # A term's yearly mean as of the page's year: the grant years it averages (data-years). It
    # equals the cell in indicators.csv only when these are all of the term's grant years.
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Card:
    """A headline figure: its value, its change and a short note; `figure` None -> 'ei tietoa'."""

    key: str  # the indicator id the card is about (also for cards without data)
    label: str
    page: str  # the detailed page, e.g. "grants.html"
    figure: Figure | None
    period_label: str = ""  # "2025", or the term "2025–2029"
    change: float | None = None  # relative change, or the difference for shares and indices
    change_text: str = ""  # e.g. "+4,1 % edellisestä vuodesta"
    comparison: Figure | None = None  # the previous year's (or term's) value
    comparison_label: str = ""  # "2024" or "2022–2025"
    change_basis: str = ""  # what a term comparison compares, e.g. "kummankin kauden 2 ensimmäistä avustusvuotta"
    note: str = ""
    note_figures: tuple[Figure, ...] = ()  # numbers inside the note (e.g. the weakest criterion)

    @property
    def provisional(self) -> bool:
        return bool(self.figure and self.figure.provisional)


@dataclass(frozen=True)
class CardSpec:
    """Which indicator a card shows and how; its title is the indicator's catalogue name."""

    indicator: str
    kind: str  # a key of FORMATS, or "index"
    page: str
    change: str = "relative"  # "relative" | "share" (percentage points) | "index" (points)


YEAR_CARDS = (
    CardSpec("grants_total_eur", "eur", "grants.html"),
    CardSpec("grants_per_capita_eur", "eur_per_capita", "grants.html"),
    CardSpec("organisations_funded", "count", "grants.html"),
    CardSpec("lahella_registered_share", "share", "grants.html", "share"),
    CardSpec("experience_active_experts", "count", "experience.html"),
    CardSpec("experience_hours", "hours", "experience.html"),
    CardSpec("premises_inkind_eur", "eur", "premises.html"),
    CardSpec("support_total_per_capita_eur", "eur_per_capita", "premises.html"),
)
TERM_CARD = CardSpec("grants_per_capita_yearly_mean_eur", "eur_per_capita", "council_term.html")
TERM_YEARLY = "grants_per_capita_eur"  # the yearly figure a term's yearly mean averages
TUOKIO_CARD = CardSpec("tuokio_index", "index", "tuokio.html", "index")
TUOKIO_NOT_CRITERIA = {"tuokio_index", "tuokio_respondents"}


def _figure(indicators: pd.DataFrame, spec: CardSpec, period: object, area: str, n_stages: int | None = None) -> Figure | None:
    value, provisional, unit = indicator_cell(indicators, spec.indicator, period, area)
    if value is None:
        return None
    return Figure(spec.indicator, str(period), area, value, format_value(value, spec.kind, unit, n_stages), provisional, unit)


def _change(spec: CardSpec, current: Figure, previous: Figure) -> tuple[float | None, str]:
    """(change, its text without 'from when'): relative for amounts, percentage points for a
    share, points for an index."""
    if spec.change in ("share", "index"):
        if not (isinstance(current.value, float) and isinstance(previous.value, float)):
            return None, ""
        if spec.change == "share":
            points = (current.value - previous.value) * 100
            return points, f"{formatting.signed_number(points, 1)}{NBSP}%-yks."
        difference = current.value - previous.value
        return difference, f"{formatting.signed_number(difference, index_change_decimals(current.unit))} pistettä"
    ratio = change_ratio(current.value, previous.value)
    return ratio, ("" if ratio is None else format_change(ratio))


def index_change_decimals(unit: str) -> int:
    """Decimals of a change in the Tuokio index: 1 on the 0–100 scale, 2 for a stage mean."""
    return 1 if unit == INDEX_0_100 else 2


def year_card(indicators: pd.DataFrame, spec: CardSpec, year: int, area: str, name: str, n_stages: int | None = None) -> Card:
    """A card comparing `year` with the year before it; `name` is the indicator's catalogue name."""
    base = {"key": spec.indicator, "label": soft_hyphenated(name), "page": spec.page, "period_label": str(year)}
    current = _figure(indicators, spec, year, area, n_stages)
    if current is None:
        return Card(figure=None, **base)
    previous = _figure(indicators, spec, year - 1, area, n_stages)
    if previous is None:
        return Card(figure=current, change_text="ei edellisen vuoden tietoa", **base)
    change, text = _change(spec, current, previous)
    return Card(
        figure=current,
        change=change,
        change_text="muutosta ei voi laskea" if change is None else f"{text} edellisestä vuodesta",
        comparison=previous,
        comparison_label=str(year - 1),
        **base,
    )


def term_of_year(terms: Sequence[CouncilTerm], year: int) -> CouncilTerm | None:
    """The council term in force at the end of `year` (31.12.)."""
    return next((t for t in terms if t.contains(dt.date(year, 12, 31))), None)


def _term_figure(indicators: pd.DataFrame, term: CouncilTerm, years: tuple[int, ...], area: str) -> Figure | None:
    """The yearly mean € per inhabitant of a term over `years` (its grant years as of the page's year)."""
    value, provisional = yearly_mean(indicators, TERM_YEARLY, years, area)
    if value is None:
        return None
    return Figure(TERM_CARD.indicator, term.id, area, value, format_value(value, TERM_CARD.kind), provisional,
                  "eur_per_inhabitant", years=tuple(years))


def term_card(indicators: pd.DataFrame, terms: Sequence[CouncilTerm], year: int, area: str, name: str,
              year_terms: Mapping[int, str] | None = None) -> Card:
    """The term in force at 31.12.`year`: its yearly mean € per inhabitant from its grant years up
    to `year` (`year_terms`: grant year -> term, indicators/terms.py), whether it is running
    ("Kausi kesken: N avustusvuotta aineistossa"), and its change from the previous term only
    when like_for_like allows (the same number of grant years from each term's start, or two
    complete terms); otherwise no change at all."""
    spec = TERM_CARD
    term = term_of_year(terms, year)
    subject = name[:1].lower() + name[1:]
    if term is None:
        return Card(spec.indicator, soft_hyphenated(f"Valtuustokauden {subject}"), spec.page, None)
    if year_terms is None:  # which grant years belong to which term is not known: no figure, no claim
        return Card(spec.indicator, soft_hyphenated(f"Valtuustokauden {term_span(term)} {subject}"), spec.page, None,
                    period_label=term_span(term))
    statuses = term_statuses(year_terms, terms, up_to=year)
    status = status_of(statuses, term.id) or TermStatus(term, (), is_complete(term, year))
    note = status_text(status)
    note = note[:1].upper() + note[1:]
    base = {
        "key": spec.indicator,
        "label": soft_hyphenated(f"Valtuustokauden {term_span(term)} {subject}"),
        "page": spec.page,
        "period_label": term_span(term),
    }
    current = _term_figure(indicators, term, status.years, area)
    if current is None:
        elsewhere = year_terms.get(year)
        if not status.years and elsewhere and elsewhere != term.id:
            other = next(t for t in terms if t.id == elsewhere)
            note += f"; vuoden {year} avustukset kuuluvat kauteen {term_span(other)}"
        return Card(figure=None, note=note, **base)
    position = [s.term.id for s in statuses].index(term.id) if status in statuses else 0
    previous = statuses[position - 1] if position > 0 else None
    comparison = like_for_like(status, previous)
    compared = _term_figure(indicators, previous.term, comparison.previous_years, area) if comparison and previous else None
    ratio = change_ratio(current.value, compared.value) if compared else None
    if comparison is None or previous is None or compared is None or ratio is None:
        return Card(figure=current, note=note, **base)
    basis = comparison_basis(comparison)
    return Card(figure=current, change=ratio, change_text=f"{format_change(ratio)} edelliseen kauteen verrattuna",
                comparison=compared, comparison_label=term_span(previous.term),
                change_basis=basis, note=f"{note}; vertailussa {basis}", **base)


def weakest_criteria(indicators: pd.DataFrame, year: int, area: str, criteria: Sequence[str] = (),
                     n_stages: int | None = None) -> list[Figure]:
    """The Tuokio criteria with the lowest score in `year` (several on a tie).

    `criteria` are the criterion ids (indicators tuokio_<id>); without them every tuokio_*
    indicator other than the index and the respondent count is taken as a criterion."""
    rows = indicators.loc[
        indicators["indicator"].str.startswith("tuokio_")
        & (indicators["period"].astype(str) == str(year))
        & (indicators["area"] == area)
    ]
    wanted = {f"tuokio_{c}" for c in criteria}
    figures = []
    for indicator in rows["indicator"]:
        if indicator in TUOKIO_NOT_CRITERIA or (wanted and indicator not in wanted):
            continue
        value, provisional, unit = indicator_cell(indicators, indicator, year, area)
        if isinstance(value, float):
            figures.append(Figure(indicator, str(year), area, value, format_index(value, unit, n_stages), provisional, unit))
    if not figures:
        return []
    lowest = min(float(f.value) for f in figures)
    return [f for f in figures if f.value == lowest]


def tuokio_card(indicators: pd.DataFrame, year: int, area: str, name: str, criterion_labels: Mapping[str, str] | None = None,
                n_stages: int | None = None) -> Card:
    """The Tuokio index of the year's (latest) evaluation, its change and the weakest criterion."""
    labels = dict(criterion_labels or {})
    card = year_card(indicators, TUOKIO_CARD, year, area, name, n_stages)
    weakest = weakest_criteria(indicators, year, area, list(labels), n_stages) if card.figure else []
    if not weakest:
        return card
    names = [labels.get(f.indicator.removeprefix("tuokio_"), f.indicator.removeprefix("tuokio_").replace("_", " ").capitalize())
             for f in weakest]
    heading = "Heikoin kriteeri" if len(weakest) == 1 else "Heikoimmat kriteerit"
    return dataclasses.replace(card, note=f"{heading}: {' ja '.join(names)}", note_figures=tuple(weakest))


def headline_cards(indicators: pd.DataFrame, year: int, domain: Domain, names: Mapping[str, str],
                   criterion_labels: Mapping[str, str] | None = None, n_stages: int | None = None,
                   year_terms: Mapping[int, str] | None = None) -> list[Card]:
    """Every card of the year's summary, in reading order; `names` are the catalogue's
    indicator names (Catalogue.names()); `year_terms` maps grant years to council terms
    (indicators.terms.grant_year_terms), without which the term card has no figure."""
    area = domain.region_code
    cards = [year_card(indicators, spec, year, area, names[spec.indicator]) for spec in YEAR_CARDS[:2]]
    cards.append(term_card(indicators, domain.council_terms, year, area, names[TERM_CARD.indicator], year_terms))
    cards += [year_card(indicators, spec, year, area, names[spec.indicator]) for spec in YEAR_CARDS[2:]]
    cards.append(tuokio_card(indicators, year, area, names[TUOKIO_CARD.indicator], criterion_labels, n_stages))
    return cards


# --- HTML (the notebook displays these) -----------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def figure_span(figure: Figure, css_class: str = "luku") -> str:
    """The number with its indicator cell in data attributes (the browser test reads them); a
    term's yearly mean also names the grant years it averages (data-years="2023 2024")."""
    years = f' data-years="{" ".join(map(str, figure.years))}"' if figure.years else ""
    return (
        f'<span class="{css_class}" data-indicator="{_e(figure.indicator)}" data-period="{_e(figure.period)}" '
        f'data-area="{_e(figure.area)}" data-value="{_e(data_value(figure.value))}"{years}>{_e(figure.text)}</span>'
    )


def _mark(figure: Figure) -> str:
    return f'<span class="ennakollinen-merkki" title="ennakollinen">{PROVISIONAL_MARK}</span>' if figure.provisional else ""


def card_html(card: Card) -> str:
    parts = [f'<li class="kortti{" kortti-ei-tietoa" if card.figure is None else ""}" data-card="{_e(card.key)}">',
             f'<h3 class="kortti-otsikko">{_e(card.label)}</h3>']
    if card.figure is None:
        parts.append(f'<p class="kortti-arvo">{NO_DATA}</p>')
        if card.note:
            parts.append(f'<p class="kortti-huomautus">{_e(card.note)}</p>')
    else:
        parts.append(f'<p class="kortti-arvo">{figure_span(card.figure)}{_mark(card.figure)}</p>')
        if card.change_text:
            comparison = ""
            if card.comparison is not None:
                comparison = f' <span class="kortti-vertailu">({_e(card.comparison_label)}: {figure_span(card.comparison)}{_mark(card.comparison)})</span>'
            parts.append(f'<p class="kortti-muutos">{_e(card.change_text)}{comparison}</p>')
        if card.note:
            values = ", ".join(figure_span(f) for f in card.note_figures)
            parts.append(f'<p class="kortti-huomautus">{_e(card.note)}{f" ({values})" if values else ""}</p>')
        if card.provisional:
            parts.append(f'<p class="kortti-merkinta">{PROVISIONAL_MARK} ennakollinen</p>')
    parts.append("</li>")
    return "".join(parts)


def cards_html(cards: Sequence[Card], year: int) -> str:
    """The cards as a list (<ul class="kortit">), each number in a data-indicator span, and the
    sentence explaining the provisional mark when a card has one."""
    items = "".join(card_html(c) for c in cards)
    note = provisional_note(cards)
    note_html = f'<p class="kortit-selite">{_e(note)}</p>' if note else ""
    return f'<ul class="kortit" aria-label="Vuoden {year} tunnusluvut">{items}</ul>{note_html}'


def provisional_note(cards: Sequence[Card]) -> str:
    """The sentence explaining the provisional mark; '' when no card is provisional."""
    if not any(c.provisional or (c.comparison and c.comparison.provisional) for c in cards):
        return ""
    return (f"Tähdellä ({PROVISIONAL_MARK}) merkityt luvut ovat ennakollisia: vuoden lopun väkilukua ei ole vielä "
            "julkaistu, joten jakajana on viimeisin julkaistu väkiluku.")


def show_html(markup: str) -> None:
    """Display raw HTML in the notebook (text/html only)."""
    from IPython.display import display

    display({"text/html": markup}, raw=True)


# --- trend and term tables --------------------------------------------------------------------------------

TREND_COLUMNS = {
    "grants_total_eur": "Avustukset (€)",
    "premises_inkind_eur": "Tilojen käyttö (€)",
    "grants_per_capita_eur": "Avustukset (€ / asukas)",
    "support_total_per_capita_eur": "Tuki yhteensä (€ / asukas)",
    "experience_hours": "Kokemustoiminnan tunnit",
    "experience_active_experts": "Aktiiviset kokemusasiantuntijat",
    "tuokio_index": "Yhteistyö-Tuokio-indeksi",
}


def trend_table(indicators: pd.DataFrame, area: str, up_to: int) -> pd.DataFrame:
    """One row per year with grant data up to `up_to`: the headline indicators (NaN where absent
    or suppressed) and whether any of the year's per-inhabitant figures is provisional."""
    grant_years = indicators.loc[
        (indicators["indicator"] == "grants_total_eur") & (indicators["area"] == area)
        & indicators["period"].astype(str).str.fullmatch(r"\d{4}"), "period"
    ].astype(int)
    rows = []
    for year in sorted(y for y in set(grant_years) if y <= up_to):
        row: dict[str, object] = {"Vuosi": str(year)}
        provisional = False
        for indicator, column in TREND_COLUMNS.items():
            value, flag, _ = indicator_cell(indicators, indicator, year, area)
            row[column] = _number(value)
            provisional = provisional or flag
        row["Ennakollinen"] = provisional
        rows.append(row)
    return pd.DataFrame(rows, columns=["Vuosi", *TREND_COLUMNS.values(), "Ennakollinen"])


TERM_COLUMNS = ["Valtuustokausi", "Avustusvuodet", "Tila", "Avustukset (€ / asukas vuodessa)",
                "Tuki yhteensä (€ / asukas vuodessa)", "Ennakollinen"]


def term_comparison(indicators: pd.DataFrame, domain: Domain, year_terms: Mapping[int, str], year: int) -> pd.DataFrame:
    """Per council term that had started by 31.12.`year`, from grant years up to `year`: its
    grant years, complete or running, and the yearly mean € per inhabitant of grants and of
    total support (grants + premises) over the same grant years (empty when one of them lacks the
    figure). A list, not a comparison: see compared_terms."""
    region = domain.region_code
    rows = []
    for status in term_statuses(year_terms, domain.council_terms, up_to=year):
        grants, grants_provisional = yearly_mean(indicators, TERM_YEARLY, status.years, region)
        support, support_provisional = yearly_mean(indicators, "support_total_per_capita_eur", status.years, region)
        rows.append({
            "Valtuustokausi": term_span(status.term),
            "Avustusvuodet": years_text(status.years),
            "Tila": status_text(status),
            "Avustukset (€ / asukas vuodessa)": _number(grants),
            "Tuki yhteensä (€ / asukas vuodessa)": _number(support),
            "Ennakollinen": grants_provisional or support_provisional,
        })
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def compared_terms(indicators: pd.DataFrame, domain: Domain, year_terms: Mapping[int, str], year: int) -> pd.DataFrame:
    """The two terms side by side, like for like (views.shown_terms), for a grouped bar chart;
    empty when the latest term with grant years is not compared with the one before it."""
    shown = shown_terms(year_terms, domain, year)
    columns = ["Valtuustokausi", "Avustukset (€ / asukas vuodessa)", "Tuki yhteensä (€ / asukas vuodessa)"]
    if len(shown) < 2:
        return pd.DataFrame(columns=columns)
    rows = []
    for label, _, years in shown:
        grants, _ = yearly_mean(indicators, TERM_YEARLY, years, domain.region_code)
        support, _ = yearly_mean(indicators, "support_total_per_capita_eur", years, domain.region_code)
        rows.append({columns[0]: label, columns[1]: _number(grants), columns[2]: _number(support)})
    return pd.DataFrame(rows, columns=columns)


def index_axis_range(indicators: pd.DataFrame, area: str, n_stages: int | None = None) -> list[float] | None:
    """The y range of a Tuokio index chart: the whole scale (0–100, or 1..N for a stage mean)."""
    units = set(indicators.loc[(indicators["indicator"] == TUOKIO_CARD.indicator) & (indicators["area"] == area), "unit"])
    if INDEX_0_100 in units:
        return [0, 100]
    return [1, n_stages] if n_stages else None

