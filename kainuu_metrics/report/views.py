"""Report-ready tables (Finnish labels) built from indicators and cleaned tables; the notebooks
only display what these return."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kainuu_metrics.settings import CouncilTerm, Domain
from kainuu_metrics.indicators.table import categories, lookup, select, slug
from kainuu_metrics.indicators.terms import Comparison, TermStatus, like_for_like, term_figures, term_statuses, yearly_mean
from kainuu_metrics.report.charts import MISSING, format_change, format_eur, format_number, format_percent

PROVISIONAL_MARK = "*"
# A sentence: a line starting with "* " would render as a Markdown bullet; "(*)" stays literal.
PROVISIONAL_NOTE = (
    "Tähdellä (*) merkitty luku on ennakollinen: vuoden lopun väkilukua ei ole vielä julkaistu, "
    "joten jakajana on viimeisin julkaistu väkiluku."
)
METHOD_NOTE = (
    "Euroa asukasta kohden -luvuissa jakajana on saman vuoden lopun väkiluku (Tilastokeskus, "
    "taulukko 11ra). Jos sitä ei vielä ole julkaistu, käytetään viimeisintä aiempaa väkilukua ja "
    "luku merkitään ennakolliseksi. Avustusvuosi kuuluu sille aluevaltuustokaudelle, joka oli "
    "voimassa vuoden pääjaon päätöspäivänä (ks. sivu Avustukset valtuustokausittain). "
    "Kuntakohtaiset luvut kohdistetaan järjestön kotikunnan mukaan, ellei toisin kerrota "
    "(toiminta-alueen mukainen laskennallinen jako on kuvattu avustussivun kuntataulukon yhteydessä)."
)
# Which grant year belongs to which council term, and how a term's figures are made (the rule of
# kainuu_metrics/indicators/terms.py), as the pages state it.
TERM_RULE = (
    "Avustusvuosi kuuluu sille aluevaltuustokaudelle, joka oli voimassa vuoden pääjaon "
    "päätöspäivänä, eli päivänä, jona vuoden myönnetyistä euroista suurin osa päätettiin "
    "(tasatilanteessa aiempi päivä; jos vuonna ei myönnetty euroja, vuoden ensimmäinen "
    "päätöspäivä). Kaikki vuoden avustukset lasketaan tälle kaudelle omasta päätöspäivästään "
    "riippumatta. Kauden avustukset yhteensä on sen avustusvuosien summa; kauden euroa asukasta "
    "kohden on tämä summa jaettuna avustusvuosien jakajina käytettyjen vuoden lopun väkilukujen "
    "keskiarvolla; euroa asukasta kohden vuodessa on avustusvuosien euroa asukasta kohden "
    "-lukujen keskiarvo, joten se on aina kauden pienimmän ja suurimman vuosiluvun välissä."
)


def term_rule(year: int) -> str:
    """The term rule with what a page for `year` uses and when terms are compared."""
    return (
        f"{TERM_RULE} Vuoden {year} sivulla mukana ovat vain avustusvuodet {year} asti. Kausi on "
        f"päättynyt, jos se päättyi viimeistään 31.12.{year}; muuten siitä kerrotaan ”kausi kesken” ja "
        "montako avustusvuotta siltä on aineistossa. Kausia verrataan vain samanlaisina: kaksi päättynyttä kautta "
        "kokonaisina tai kesken olevan kauden avustusvuodet edellisen kauden yhtä monen ensimmäisen "
        "avustusvuoden kanssa; muuten muutosta ei esitetä."
    )


def indicator_value(indicators: pd.DataFrame, indicator: str, period: object, area: str, category: str = "") -> tuple[float | None, bool]:
    """(value, provisional) of one cell (None when absent or suppressed): indicators.table.lookup."""
    cell = lookup(indicators, indicator, period, area, category)
    return cell.value, cell.provisional


def breakdown(indicators: pd.DataFrame, indicator: str, period: object, area: str, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The categories of a breakdown for one period and area, with Finnish category labels."""
    rows = categories(indicators, indicator, period, area)
    names = rows["category"].map(lambda c: (labels or {}).get(c, c))
    return pd.DataFrame({"luokka": names.to_numpy(), "euroa": rows["value"].astype(float).to_numpy()}).sort_values(
        "euroa", ascending=False, ignore_index=True
    )


def category_labels(values: pd.Series) -> dict[str, str]:
    """slug -> original text, for labelling breakdowns by network or service area."""
    return {slug(str(v)): str(v) for v in values.dropna().unique()}


HOME_METHOD = (
    "**Kotikunnan mukaan:** avustus kohdistetaan kokonaan järjestön kotikuntaan eli kuntaan, jossa "
    "järjestö on rekisteröity. Se ei kerro, missä kunnissa avustettu toiminta tapahtuu: koko alueella "
    "toimivat järjestöt ovat usein kirjoilla alueen keskuskaupungissa."
)
ACTIVITY_METHOD = (
    "**Toiminta-alueen mukaan (laskennallinen):** avustus jaetaan tasan toiminta-alueen kuntien kesken; "
    "jos viennissä on toiminta-alueeksi merkitty k kuntaa, kukin saa 1/k avustuksesta. Avustuksia, "
    "joiden toiminta-alue on koko alue, ei jaeta kunnille, vaan ne ovat omalla rivillään, samoin "
    "avustukset, joiden viennissä toiminta-aluetta ei kerrota."
)
HOME_EUR, HOME_PER_CAPITA = "Kotikunnan mukaan (€)", "Kotikunnan mukaan (€/asukas)"
ACTIVITY_EUR, ACTIVITY_PER_CAPITA = "Toiminta-alueen mukaan (€)", "Toiminta-alueen mukaan (€/asukas)"
MUNICIPALITY_FORMATS = {
    HOME_EUR: format_eur,
    HOME_PER_CAPITA: lambda v: format_eur(v, 2),
    ACTIVITY_EUR: format_eur,
    ACTIVITY_PER_CAPITA: lambda v: format_eur(v, 2),
    "Väkiluku": format_number,
    "Ennakollinen": lambda v: "kyllä" if v else "ei",
}
UNKNOWN_ROW = "Tieto puuttuu viennistä"


def _municipality_values(indicators: pd.DataFrame, indicator: str, year: int, domain: Domain) -> dict[str, float]:
    return {
        code: value for code in domain.municipalities
        if (value := indicator_value(indicators, indicator, year, f"KU{code}")[0]) is not None
    }


def municipality_table(indicators: pd.DataFrame, year: int, domain: Domain) -> pd.DataFrame:
    """Per municipality, both views side by side: granted € and € per inhabitant by the
    organisation's HOME municipality and by the AREA OF ACTIVITY (computed: equal shares), the
    population used and the provisional mark; then a row for region-wide grants (area of
    activity only), a row for the € whose export does not say (each view its own), and the
    region's total, which both € columns add up to. A view the year's exports lack is empty (–)."""
    region = domain.region_code
    rows = []
    for code, name in domain.municipalities.items():
        area = f"KU{code}"
        population, provisional = indicator_value(indicators, "population_used", year, area)
        rows.append({
            "Kunta": name,
            HOME_EUR: indicator_value(indicators, "grants_total_eur", year, area)[0],
            HOME_PER_CAPITA: indicator_value(indicators, "grants_per_capita_eur", year, area)[0],
            ACTIVITY_EUR: indicator_value(indicators, "grants_by_activity_area_eur", year, area)[0],
            ACTIVITY_PER_CAPITA: indicator_value(indicators, "grants_by_activity_area_per_capita_eur", year, area)[0],
            "Väkiluku": population,
            "Ennakollinen": provisional,
        })
    total, _ = indicator_value(indicators, "grants_total_eur", year, region)
    population, provisional = indicator_value(indicators, "population_used", year, region)
    per_capita, _ = indicator_value(indicators, "grants_per_capita_eur", year, region)
    rows += [
        {"Kunta": f"Koko {domain.region_name}: toiminta koko alueella, ei jaettu kunnille",
         ACTIVITY_EUR: indicator_value(indicators, "grants_region_wide_eur", year, region)[0]},
        {"Kunta": UNKNOWN_ROW,
         HOME_EUR: indicator_value(indicators, "grants_home_municipality_unknown_eur", year, region)[0],
         ACTIVITY_EUR: indicator_value(indicators, "grants_activity_area_unknown_eur", year, region)[0]},
        {"Kunta": f"{domain.region_name} yhteensä", HOME_EUR: total, HOME_PER_CAPITA: per_capita, ACTIVITY_EUR: total,
         ACTIVITY_PER_CAPITA: per_capita, "Väkiluku": population, "Ennakollinen": provisional},
    ]
    columns = ["Kunta", HOME_EUR, HOME_PER_CAPITA, ACTIVITY_EUR, ACTIVITY_PER_CAPITA, "Väkiluku", "Ennakollinen"]
    table = pd.DataFrame(rows, columns=columns)
    table["Ennakollinen"] = table["Ennakollinen"].astype(object).where(table["Ennakollinen"].notna(), None)
    return table


def municipality_chart_data(indicators: pd.DataFrame, year: int, domain: Domain) -> pd.DataFrame:
    """€ per inhabitant per municipality in both views, long format for a grouped bar chart
    (a view the year's exports lack has no bars)."""
    rows = []
    for view, indicator in (("kotikunnan mukaan", "grants_per_capita_eur"), ("toiminta-alueen mukaan (laskennallinen)", "grants_by_activity_area_per_capita_eur")):
        for code, value in _municipality_values(indicators, indicator, year, domain).items():
            rows.append({"kunta": domain.municipalities[code], "näkökulma": view, "eur_per_asukas": value})
    return pd.DataFrame(rows, columns=["kunta", "näkökulma", "eur_per_asukas"])


def municipality_notes(indicators: pd.DataFrame, year: int, domain: Domain) -> str:
    """The two views' method sentences, and what the year's exports do not say (Markdown)."""
    region = domain.region_code
    total, _ = indicator_value(indicators, "grants_total_eur", year, region)
    notes = [HOME_METHOD, ACTIVITY_METHOD]
    for indicator, unknown_indicator, what, view in (
        ("grants_total_eur", "grants_home_municipality_unknown_eur", "järjestön kotikuntaa", "kotikunnan"),
        ("grants_by_activity_area_eur", "grants_activity_area_unknown_eur", "toiminta-aluetta", "toiminta-alueen"),
    ):
        unknown, _ = indicator_value(indicators, unknown_indicator, year, region)
        if not _municipality_values(indicators, indicator, year, domain):
            notes.append(
                f"Vuoden {year} avustusviennissä ei ole {what}, joten {view} mukaista kuntajakoa ei voi laskea: "
                f"kaikki vuoden avustukset ({format_eur(total)}) ovat rivillä ”{UNKNOWN_ROW}”."
            )
        elif unknown:
            notes.append(
                f"Vuoden {year} avustuksista {format_eur(unknown)} on riveillä, joiden viennissä ei ole {what}; "
                f"ne ovat {view} mukaisessa sarakkeessa rivillä ”{UNKNOWN_ROW}”."
            )
    return "\n\n".join(notes)


def yearly_series(indicators: pd.DataFrame, indicator: str, area: str, up_to: int | None = None, category: str = "") -> pd.DataFrame:
    """One indicator over the years (periods that are years), with its provisional flag."""
    rows = select(indicators, indicator, area=area, category=category)
    rows = rows.loc[rows["period"].str.fullmatch(r"\d{4}")]
    out = pd.DataFrame({"vuosi": rows["period"].to_numpy(), "arvo": rows["value"].astype(float).to_numpy(), "ennakollinen": rows["provisional"].to_numpy()})
    if up_to is not None:
        out = out.loc[out["vuosi"].astype(int) <= up_to]
    return out.sort_values("vuosi", ignore_index=True)


def type_trend(indicators: pd.DataFrame, domain: Domain, up_to: int) -> pd.DataFrame:
    """Granted € per grant type and year, long format for a stacked bar chart."""
    frames = []
    for grant_type, label in domain.grant_type_labels.items():
        series = yearly_series(indicators, "grants_by_type_eur", domain.region_code, up_to, category=grant_type)
        frames.append(series.assign(avustuslaji=label))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def recipients_table(grants: pd.DataFrame, year: int, domain: Domain) -> pd.DataFrame:
    """Funded organisations of a year (public decision data), largest first."""
    g = grants.loc[(grants["year"] == year) & (grants["granted_eur"] > 0)]
    out = pd.DataFrame({
        "järjestö": g["organisation"].to_numpy(),
        "avustuslaji": g["grant_type"].map(domain.grant_type_labels).to_numpy(),
        "kotikunta": g["municipality_code"].map(domain.municipalities).to_numpy(),
        "haettu_eur": g["applied_eur"].to_numpy(),
        "myönnetty_eur": g["granted_eur"].to_numpy(),
    })
    return out.sort_values(["myönnetty_eur", "järjestö"], ascending=[False, True], ignore_index=True)


# --- council terms, as of the page's year ---------------------------------------------------------


def grant_years_text(count: int) -> str:
    """'1 avustusvuosi', '2 avustusvuotta'.

    >>> grant_years_text(1), grant_years_text(0)
    ('1 avustusvuosi', '0 avustusvuotta')
    """
    return f"{count} avustusvuosi" if count == 1 else f"{count} avustusvuotta"


def status_text(status: TermStatus) -> str:
    """'päättynyt' or 'kausi kesken: 2 avustusvuotta aineistossa'."""
    if status.complete:
        return "päättynyt"
    return f"kausi kesken: {grant_years_text(len(status.years))} aineistossa"


def years_text(years: tuple[int, ...] | list[int]) -> str:
    """'2023–2025' for consecutive years, '2023' for one, '2023, 2025' otherwise, '–' for none.

    >>> years_text((2023, 2024, 2025)), years_text((2024,)), years_text((2023, 2025)), years_text(())
    ('2023–2025', '2024', '2023, 2025', '–')
    """
    years = sorted(years)
    if not years:
        return MISSING
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def term_span(term: CouncilTerm) -> str:
    """'2022–2025' (en dash)."""
    return f"{term.start.year}–{term.end.year}"


def comparison_basis(comparison: Comparison) -> str:
    """What a term comparison compares, in words.

    >>> comparison_basis(Comparison((2026,), (2023,), False))
    'kummankin kauden ensimmäinen avustusvuosi'
    >>> comparison_basis(Comparison((2026, 2027), (2023, 2024), False))
    'kummankin kauden 2 ensimmäistä avustusvuotta'
    """
    if comparison.whole_terms:
        return "päättyneet kaudet kokonaisina"
    k = len(comparison.current_years)
    return "kummankin kauden ensimmäinen avustusvuosi" if k == 1 else f"kummankin kauden {k} ensimmäistä avustusvuotta"


def term_table(indicators: pd.DataFrame, year_terms: Mapping[int, str], domain: Domain, year: int) -> pd.DataFrame:
    """Per council term that had started by 31.12.`year` (never a later one), for the region, from
    grant years up to `year`: its grant years, complete or running, total €, € per inhabitant of
    the term and the yearly mean € per inhabitant (indicators/terms.py)."""
    figures = term_figures(indicators, year_terms, domain.council_terms, up_to=year, areas=[domain.region_code])
    statuses = {s.term.id: s for s in term_statuses(year_terms, domain.council_terms, up_to=year)}
    rows = []
    for term in domain.council_terms:
        if term.id not in statuses:
            continue
        status = statuses[term.id]
        figure = figures.loc[figures["term"] == term.id].iloc[0]
        rows.append({
            "Valtuustokausi": term.label,
            "Avustusvuodet": years_text(status.years),
            "Tila": status_text(status),
            "Avustukset yhteensä (€)": figure["total_eur"],
            "€ / asukas kaudella": figure["per_capita"],
            "€ / asukas vuodessa (keskiarvo)": figure["yearly_mean"],
            "Ennakollinen": bool(figure["provisional"]),
        })
    return pd.DataFrame(rows, columns=["Valtuustokausi", "Avustusvuodet", "Tila", "Avustukset yhteensä (€)", "€ / asukas kaudella",
                                       "€ / asukas vuodessa (keskiarvo)", "Ennakollinen"])


@dataclass(frozen=True)
class TermPair:
    """The latest term with grant years as of a year, the term before it, and the comparison
    between them that like_for_like allows (None: they are not compared)."""

    current: TermStatus | None
    previous: TermStatus | None
    comparison: Comparison | None


def latest_term_pair(year_terms: Mapping[int, str], domain: Domain, year: int) -> TermPair:
    """The latest term with grant years up to `year`, the one before it, and their comparison."""
    statuses = term_statuses(year_terms, domain.council_terms, up_to=year)
    with_years = [i for i, s in enumerate(statuses) if s.years]
    if not with_years:
        return TermPair(None, None, None)
    current = statuses[with_years[-1]]
    previous = statuses[with_years[-1] - 1] if with_years[-1] > 0 else None
    return TermPair(current, previous, like_for_like(current, previous))


def shown_terms(year_terms: Mapping[int, str], domain: Domain, year: int) -> list[tuple[str, TermStatus, tuple[int, ...]]]:
    """The terms a chart may show side by side as of `year`, as (label, status, years averaged):
    the latest term with grant years up to `year` (all of them), and before it the previous term
    only when like_for_like allows, with the years compared. Never a partial term beside a whole one."""
    pair = latest_term_pair(year_terms, domain, year)
    if pair.current is None:
        return []
    if pair.comparison is None or pair.previous is None:
        return [(f"{term_span(pair.current.term)} ({status_text(pair.current)})", pair.current, pair.current.years)]
    c = pair.comparison
    return [
        (f"{term_span(pair.previous.term)} (avustusvuodet {years_text(c.previous_years)})", pair.previous, c.previous_years),
        (f"{term_span(pair.current.term)} (avustusvuodet {years_text(c.current_years)})", pair.current, c.current_years),
    ]


def term_series(indicators: pd.DataFrame, year_terms: Mapping[int, str], domain: Domain, year: int, areas: list[str],
                indicator: str = "grants_per_capita_eur") -> pd.DataFrame:
    """The yearly mean of `indicator` per shown term (shown_terms) and area, long format for a
    bar chart: kausi (label), alue (area code), arvo, ennakollinen."""
    rows = []
    for label, _, years in shown_terms(year_terms, domain, year):
        for area in areas:
            value, provisional = yearly_mean(indicators, indicator, years, area)
            if value is not None:
                rows.append({"kausi": label, "alue": area, "arvo": value, "ennakollinen": provisional})
    return pd.DataFrame(rows, columns=["kausi", "alue", "arvo", "ennakollinen"])


def municipality_years(indicators: pd.DataFrame, years: Sequence[int], domain: Domain) -> tuple[int, ...]:
    """The years among `years` whose export names the organisations' home municipalities."""
    areas = {f"KU{code}" for code in domain.municipalities}
    found = select(indicators, "grants_per_capita_eur")
    found = found.loc[found["area"].isin(areas) & found["value"].notna(), "period"]
    return tuple(y for y in years if str(y) in set(found))


def term_municipality_table(indicators: pd.DataFrame, year_terms: Mapping[int, str], domain: Domain, year: int) -> pd.DataFrame:
    """Yearly mean € per inhabitant per (home) municipality for the shown terms as of `year`, over
    the terms' grant years whose export names the home municipality (the label says which),
    long format for a grouped bar chart: kunta, kausi, eur_per_asukas_vuodessa, ennakollinen."""
    names = {f"KU{code}": name for code, name in domain.municipalities.items()}
    rows = []
    for label, _, years in shown_terms(year_terms, domain, year):
        counted = municipality_years(indicators, years, domain)
        if not counted:
            continue
        shown = label if counted == tuple(years) else f"{label.split(' (')[0]} (kunnat: avustusvuodet {years_text(counted)})"
        for area, name in names.items():
            value, provisional = yearly_mean(indicators, "grants_per_capita_eur", counted, area)
            if value is not None:
                rows.append({"kunta": name, "kausi": shown, "eur_per_asukas_vuodessa": value, "ennakollinen": provisional})
    return pd.DataFrame(rows, columns=["kunta", "kausi", "eur_per_asukas_vuodessa", "ennakollinen"])


def municipality_years_note(indicators: pd.DataFrame, year_terms: Mapping[int, str], domain: Domain, year: int) -> str:
    """A sentence naming the shown terms' grant years left out of the municipalities' figures."""
    missing = sorted({y for _, _, years in shown_terms(year_terms, domain, year)
                      for y in years if y not in municipality_years(indicators, years, domain)})
    if not missing:
        return ""
    return (f"Kuntien kauden luvuista puuttuu avustusvuosi {years_text(tuple(missing))}, koska sen viennissä ei ole "
            "järjestöjen kotikuntaa; koko alueen luvuissa vuosi on mukana.")


def yearly_term_series(indicators: pd.DataFrame, year_terms: Mapping[int, str], domain: Domain, year: int) -> pd.DataFrame:
    """€ per inhabitant of each grant year up to `year` with the term it belongs to (for a bar
    chart coloured by term): vuosi, kausi, arvo, ennakollinen."""
    labels = {t.id: term_span(t) for t in domain.council_terms}
    series = yearly_series(indicators, "grants_per_capita_eur", domain.region_code, up_to=year)
    kausi = series["vuosi"].astype(int).map(lambda y: labels.get(year_terms.get(y, ""), "ei kautta"))
    return series.assign(kausi=kausi.to_numpy())[["vuosi", "kausi", "arvo", "ennakollinen"]]


def term_comparison_text(year_terms: Mapping[int, str], domain: Domain, year: int) -> str:
    """A sentence on whether, and on which grant years, the latest term with grant years up to
    `year` is compared with the term before it."""
    pair = latest_term_pair(year_terms, domain, year)
    if pair.current is None:
        return f"Aineistossa ei ole avustusvuosia vuoteen {year} mennessä."
    current = f"{term_span(pair.current.term)} ({status_text(pair.current)})"
    if pair.previous is None:
        return f"Kautta {current} ei verrata edelliseen kauteen: aineistossa ei ole sitä edeltävää kautta."
    if pair.comparison is None:
        return (f"Kautta {current} ei verrata kauteen {term_span(pair.previous.term)}: edelliseltä kaudelta on aineistossa "
                f"{grant_years_text(len(pair.previous.years))}, eivätkä molemmat kaudet ole päättyneet.")
    return (f"Kautta {current} verrataan kauteen {term_span(pair.previous.term)} samanlaisina: "
            f"{comparison_basis(pair.comparison)}.")


KEY_FIGURES = (
    ("grants_total_eur", lambda v: format_eur(v)),
    ("grants_per_capita_eur", lambda v: format_eur(v, 2)),
    ("grants_total_change", lambda v: format_change(v)),
    ("grants_applications", lambda v: format_number(v)),
    ("grants_applied_eur", lambda v: format_eur(v)),
    ("approval_rate", lambda v: format_percent(v)),
    ("organisations_funded", lambda v: format_number(v)),
    ("lahella_registered_share", lambda v: format_percent(v)),
    ("population_used", lambda v: format_number(v)),
)


def key_figures(indicators: pd.DataFrame, year: int, region: str, names: Mapping[str, str]) -> pd.DataFrame:
    """The year's headline grant figures as Finnish text (provisional values marked with *),
    each named as in the indicator catalogue."""
    rows = []
    for indicator, fmt in KEY_FIGURES:
        value, provisional = indicator_value(indicators, indicator, year, region)
        text = MISSING if value is None else fmt(value) + (f" {PROVISIONAL_MARK}" if provisional else "")
        rows.append((names[indicator], text))
    return pd.DataFrame(rows, columns=["Tunnusluku", "Arvo"])


# The rejected rows on the year's data-quality page (templates/pages/quality.html.j2), next to
# the grants page in the same folder.
REJECTED_ROWS_HREF = "quality.html#hylatyt"
UNREADABLE_AMOUNT = "summa_ei_luettavissa"  # see kainuu_metrics.indicators.grants


def _eur_text(value: float) -> str:
    return format_eur(value, 0 if float(value).is_integer() else 2)


def _rows_text(count: int) -> str:
    return "1 rivi" if count == 1 else f"{count} riviä"


def excluded_note(indicators: pd.DataFrame, year: int, domain: Domain) -> str:
    """Markdown under the year's totals: the granted euros of rejected rows that are not in the
    figures, with a link to the rejected rows on the quality page, and the euros of
    organisations the cooperation plan does not cover ('' when the indicators lack the year)."""
    region = domain.region_code
    eur, _ = indicator_value(indicators, "grants_excluded_eur", year, region)
    rows, _ = indicator_value(indicators, "grants_excluded_rows", year, region)
    if eur is None or rows is None:
        return ""
    unreadable = int(indicator_value(indicators, "grants_excluded_rows", year, region, UNREADABLE_AMOUNT)[0] or 0)
    rows = int(rows)
    link = f"[syyt laatuselosteessa]({REJECTED_ROWS_HREF})"
    if rows == 0:
        note = f"Vuoden {year} luvuista ei ole jätetty pois yhtään avustusriviä ([laatuseloste]({REJECTED_ROWS_HREF}))."
    elif unreadable == 0:
        note = f"{_eur_text(eur)} ei mukana luvuissa ({_rows_text(rows)}), {link}."
    elif unreadable < rows:
        note = f"{_eur_text(eur)} ei mukana luvuissa ({_rows_text(rows)}, joista {unreadable} rivillä ei ole kelvollista summaa), {link}."
    else:
        whose = "sillä" if rows == 1 else "niillä"
        note = f"{_rows_text(rows)} ei ole mukana luvuissa eikä {whose} ole kelvollista summaa, {link}."
    scoped_eur, _ = indicator_value(indicators, "grants_out_of_scope_eur", year, region)
    scoped_rows, _ = indicator_value(indicators, "grants_out_of_scope_rows", year, region)
    if scoped_rows:
        labels = {entry.kind: entry.label for entry in domain.out_of_scope_organisations}
        kinds = categories(indicators, "grants_out_of_scope_rows", year, region)["category"]
        named = ", ".join(labels.get(k, k) for k in kinds)
        note += (
            f" Lisäksi luvuista on rajattu pois {_eur_text(scoped_eur or 0.0)} ({_rows_text(int(scoped_rows))}) toimijoille, "
            f"joita järjestöyhteistyön suunnitelma ei kata ({named})."
        )
    return note


def set_aside_method(domain: Domain) -> str:
    """The method sentences on the rows left out of the grant figures, for the method section."""
    text = (
        "Hylätyt rivit eivät ole luvuissa; niiden myönnetyt summat, kun ne voidaan lukea, kerrotaan "
        "vuoden tunnuslukujen alla ja rivit syineen laatusivulla. Rivi, jonka päätöspäivä ei ole "
        "päivämäärä mutta jonka avustusvuosi on annettu, on mukana vuoden luvuissa ilman päätöspäivää ja "
        "aluevaltuustokautta. Kun viennissä on yhteensä-rivi, sen summan on täsmättävä sentilleen "
        "hyväksyttyihin, hylättyihin ja rajattuihin riveihin."
    )
    if domain.out_of_scope_organisations:
        named = ", ".join(entry.label for entry in domain.out_of_scope_organisations)
        text += f" Luvuissa eivät ole toimijat, joita järjestöyhteistyön suunnitelma ei kata ({named})."
    return text

