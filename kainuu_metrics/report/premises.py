"""Report tables for notebooks/premises.ipynb (Finnish labels): the year's key figures of
in-kind and total support, breakdowns by network and organisation, use per premises, and
total support per year and per council term."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from kainuu_metrics.datasets.premises.organisations import UNKNOWN_NETWORK, organisation_table
from kainuu_metrics import formatting
from kainuu_metrics.indicators.table import categories, lookup, slug
from kainuu_metrics.indicators.terms import support_year_terms, term_figures, term_statuses
from kainuu_metrics.report.views import PROVISIONAL_MARK, yearly_series, years_text
from kainuu_metrics.settings import Domain, Settings

INKIND = "premises_inkind_eur"
VALUE_COLUMN = "Tilojen käytön arvo (€)"
TERM_COLUMNS = [
    "Valtuustokausi", "Vuodet", "Tila", "Tilojen käyttö (€)", "Tuen vuodet", "Tuki yhteensä (€)", "€ / asukas kaudella",
    "€ / asukas vuodessa (keskiarvo)", "Ennakollinen",
]
SUPPORT_COLUMNS = [
    "vuosi", "avustukset_eur", "tilojen_arvo_eur", "tuki_yhteensä_eur", "eur_per_asukas", "käyttötunnit", "ennakollinen",
]


def method_note(settings: Settings, year: int | None = None) -> str:
    """How the figures are computed, naming the configuration's price list in words (file paths
    belong on the quality page only), and with `year`, that the year's page uses data up to that
    year only."""
    return (
        "Tilojen käytön arvo (luontoissuoritteinen tuki) on tilavarauksen viennissä ilmoitettu "
        "kustannus tai, jos sitä ei ole, käyttötunnit kerrottuna tilan tuntihinnalla käyttöpäivänä "
        "voimassa olleen hinnaston mukaan (seurannan asetuksiin kirjattu tilojen tuntihinnasto). Järjestön "
        "kumppanuusverkosto haetaan avustusaineistosta saman Y-tunnuksen tai, jos sitä ei ole, saman "
        f"nimen perusteella; muiden järjestöjen verkosto on \"{UNKNOWN_NETWORK}\". Tuki yhteensä = myönnetyt "
        "avustukset + tilojen käytön arvo. Euroa asukasta kohden -luvussa jakajana on vuoden lopun "
        "väkiluku (ennakollinen, jos se ei vielä ole julkaistu). Aluevaltuustokausien luvut on laskettu "
        "kohdassa Tuki aluevaltuustokausittain kerrotulla tavalla."
        + (f" Vuoden {year} sivulla mukana ovat vain vuodet {year} asti." if year is not None else "")
    )


SUPPORT_TERM_RULE = (
    "Vuosi kuuluu avustusvuotensa aluevaltuustokaudelle: sille, joka oli voimassa vuoden avustusten "
    "pääjaon päätöspäivänä (päivä, jona vuoden myönnetyistä euroista suurin osa päätettiin); jos "
    "vuodelta on tilavarauksia mutta ei avustuksia, vuoden 30.6. voimassa olleelle kaudelle. Kauden "
    "tilojen käyttö on sen vuosien summa. Kauden tuki yhteensä on niiden kauden vuosien summa, joilta on "
    "sekä avustus- että tilavarausaineistoa (tuen vuodet); euroa asukasta kohden kaudella on se jaettuna "
    "näiden vuosien jakajina käytettyjen väkilukujen keskiarvolla, ja euroa asukasta kohden vuodessa on "
    "näiden vuosien euroa asukasta kohden -lukujen keskiarvo. Kausi on kesken, kunnes sen loppupäivä on "
    "ohitettu; kausia ei verrata keskenään tällä sivulla."
)


def network_labels(domain: Domain) -> dict[str, str]:
    """Category network_<slug> -> the network's name, including UNKNOWN_NETWORK."""
    names = sorted(set(domain.networks.values())) + [UNKNOWN_NETWORK]
    return {f"network_{slug(n)}": n for n in names}


def organisation_labels(premises: pd.DataFrame) -> dict[str, str]:
    """Category org_<slug> -> organisation name."""
    table = organisation_table(premises)
    return {f"org_{s}": n for s, n in zip(table["org_slug"], table["organisation"])}


def has_year(indicators: pd.DataFrame, year: int, region: str) -> bool:
    return lookup(indicators, INKIND, year, region).value is not None


def key_figures(indicators: pd.DataFrame, year: int, region: str, names: Mapping[str, str]) -> pd.DataFrame:
    """The year's headline figures of in-kind and total support as Finnish text, named as in
    the indicator catalogue (`names`)."""

    def cell(indicator: str, fmt: Callable[[float], str]) -> str:
        found = lookup(indicators, indicator, year, region)
        return formatting.MISSING if found.value is None else fmt(found.value) + (f" {PROVISIONAL_MARK}" if found.provisional else "")

    inkind = lookup(indicators, INKIND, year, region).value
    total = lookup(indicators, "support_total_eur", year, region).value
    share = formatting.MISSING if not total or inkind is None else formatting.percent(inkind / total)
    figures = [
        (names[INKIND], cell(INKIND, formatting.eur)),
        (names["premises_hours"], cell("premises_hours", lambda v: formatting.number(v, 1 if not float(v).is_integer() else 0))),
        (names["premises_bookings"], cell("premises_bookings", formatting.number)),
        (names["premises_organisations"], cell("premises_organisations", formatting.number)),
        (names["grants_total_eur"], cell("grants_total_eur", formatting.eur)),
        (names["support_total_eur"], cell("support_total_eur", formatting.eur)),
        ("Tilojen osuus tuesta", share),
        (names["support_total_per_capita_eur"], cell("support_total_per_capita_eur", lambda v: formatting.eur(v, 2))),
    ]
    return pd.DataFrame(figures, columns=["Tunnusluku", "Arvo"])


def breakdown_table(indicators: pd.DataFrame, prefix: str, year: int, region: str, labels: dict[str, str], label: str) -> pd.DataFrame:
    """The year's in-kind value by the categories `<prefix>_*` with Finnish names, largest first."""
    found = categories(indicators, INKIND, year, region)
    found = found.loc[found["category"].str.startswith(f"{prefix}_")]
    table = pd.DataFrame({
        label: found["category"].map(lambda k: labels.get(k, k)).to_numpy(),
        VALUE_COLUMN: found["value"].astype(float).to_numpy(),
    })
    return table.sort_values([VALUE_COLUMN, label], ascending=[False, True], ignore_index=True)


def top_organisations(indicators: pd.DataFrame, premises: pd.DataFrame, year: int, region: str, n: int = 10) -> pd.DataFrame:
    """The n organisations whose use of premises was worth the most in the year."""
    table = breakdown_table(indicators, "org", year, region, organisation_labels(premises), "Järjestö")
    return table.head(n)


def premises_use_table(premises: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per premises in the year: bookings, hours and value, most hours first."""
    b = premises.loc[premises["year"] == year]
    grouped = b.groupby("premises").agg(varauksia=("hours", "size"), tunteja=("hours", "sum"), arvo=("cost_eur", "sum"))
    grouped = grouped.reset_index().sort_values(["tunteja", "premises"], ascending=[False, True], ignore_index=True)
    return grouped.rename(columns={"premises": "Tila", "varauksia": "Varauksia", "tunteja": "Tunteja", "arvo": "Arvo (€)"})


def support_series(indicators: pd.DataFrame, region: str, up_to: int | None = None) -> pd.DataFrame:
    """Per year with booking data: grants, in-kind, total, total per inhabitant and hours
    ("vuosi" as text: a label in charts and tables)."""
    years = yearly_series(indicators, INKIND, region, up_to)["vuosi"].tolist()
    series = []
    for year in years:
        per_capita = lookup(indicators, "support_total_per_capita_eur", year, region)
        series.append({
            "vuosi": str(year),
            "avustukset_eur": lookup(indicators, "grants_total_eur", year, region).value,
            "tilojen_arvo_eur": lookup(indicators, INKIND, year, region).value,
            "tuki_yhteensä_eur": lookup(indicators, "support_total_eur", year, region).value,
            "eur_per_asukas": per_capita.value,
            "käyttötunnit": lookup(indicators, "premises_hours", year, region).value,
            "ennakollinen": per_capita.provisional,
        })
    return pd.DataFrame(series, columns=SUPPORT_COLUMNS)


def support_year_terms_of(indicators: pd.DataFrame, year_terms: Mapping[int, str], domain: Domain) -> dict[int, str]:
    """Every year with in-kind data -> its council term (indicators.terms.support_year_terms)."""
    years = [int(y) for y in yearly_series(indicators, INKIND, domain.region_code)["vuosi"]]
    return support_year_terms(year_terms, years, domain.council_terms)


def support_term_table(indicators: pd.DataFrame, year_terms: Mapping[int, str], domain: Domain, year: int) -> pd.DataFrame:
    """Per council term that had started by 31.12.`year`, from years up to `year`: its years with
    in-kind data, complete or running, in-kind €, its years with both grants and in-kind data
    (tuen vuodet), total support €, € per inhabitant of the term and the yearly mean (a year
    belongs to its grant year's term; without grants, to the term in force on 30.6.)."""
    region = domain.region_code
    terms = support_year_terms_of(indicators, year_terms, domain)
    inkind = term_figures(indicators, terms, domain.council_terms, up_to=year, total=INKIND, per_capita=INKIND, areas=[region])
    support = term_figures(indicators, terms, domain.council_terms, up_to=year, total="support_total_eur",
                           per_capita="support_total_per_capita_eur", areas=[region]).set_index("term")
    rows = []
    for status in term_statuses(terms, domain.council_terms, up_to=year):
        own = inkind.loc[inkind["term"] == status.term.id].iloc[0]
        total = support.loc[status.term.id]
        count = int(own["grant_years"])
        state = "päättynyt" if status.complete else f"kausi kesken: {count} {'vuosi' if count == 1 else 'vuotta'} aineistossa"
        rows.append((
            status.term.label,
            years_text([int(y) for y in own["years"].split()]),
            state,
            own["total_eur"],
            years_text([int(y) for y in total["years"].split()]),
            total["total_eur"],
            total["per_capita"],
            total["yearly_mean"],
            bool(total["provisional"]),
        ))
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def network_trend(indicators: pd.DataFrame, domain: Domain, up_to: int) -> pd.DataFrame:
    """In-kind € per network and year, long format for a stacked bar chart."""
    frames = []
    for key, label in network_labels(domain).items():
        series = yearly_series(indicators, INKIND, domain.region_code, up_to, category=key)
        if not series.empty:
            frames.append(series.assign(vuosi=series["vuosi"].astype(str), verkosto=label))
    if not frames:
        return pd.DataFrame(columns=["vuosi", "arvo", "ennakollinen", "verkosto"])
    return pd.concat(frames, ignore_index=True)


def out_of_scope_note(indicators: pd.DataFrame, year: int, domain: Domain) -> str:
    """A short 'rajattu pois' sentence: the bookings of organisations the cooperation plan does
    not cover (out_of_scope_organisations), with their count and value, which the figures above
    leave out ('' when the configuration lists no such organisations or the year has no data)."""
    region = domain.region_code
    kinds = domain.out_of_scope_organisations
    bookings = lookup(indicators, "premises_out_of_scope_bookings", year, region).value
    if not kinds or bookings is None:
        return ""
    named = ", ".join(entry.label for entry in kinds)
    if not bookings:
        return (f"Luvuissa eivät ole toimijat, joita järjestöyhteistyön suunnitelma ei kata ({named}); vuonna {year} "
                "niillä ei ollut varauksia, joten mitään ei rajattu pois.")
    labels = {entry.kind: entry.label for entry in kinds}

    def part(count: float, value: float) -> str:
        return f"{formatting.number(count)} {'varaus' if count == 1 else 'varausta'}, arvo {formatting.eur(value)}"

    found = [
        (labels.get(r.category, r.category), r.value, lookup(indicators, "premises_out_of_scope_eur", year, region, r.category).value or 0.0)
        for r in categories(indicators, "premises_out_of_scope_bookings", year, region).itertuples()
    ]
    total = part(bookings, lookup(indicators, "premises_out_of_scope_eur", year, region).value or 0.0)
    if len(found) == 1:
        what = f"{found[0][0]} {total}"
    else:
        what = f"yhteensä {total} ({'; '.join(f'{label} {part(count, value)}' for label, count, value in found)})"
    return (
        f"Rajattu pois: {what}. Niiden varaukset eivät ole yllä olevissa luvuissa eivätkä tuessa yhteensä, koska "
        f"järjestöyhteistyön suunnitelma ei kata näitä toimijoita: {named}."
    )
