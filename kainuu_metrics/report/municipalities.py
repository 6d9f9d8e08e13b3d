"""The municipality page ("Kunnat"): what reached each municipality in a year, against the
whole region. Grants use the two municipality views of report/views.py (home municipality and
area of activity); premises use is attributed to the booking organisation's home municipality."""

from __future__ import annotations

import html as _html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from kainuu_metrics.datasets.premises.organisations import organisation_name_key
from kainuu_metrics.indicators.table import slug
from kainuu_metrics.report.charts import MISSING, format_eur, format_number, table_html
from kainuu_metrics.report.views import (ACTIVITY_METHOD, HOME_METHOD, PROVISIONAL_MARK, PROVISIONAL_NOTE, indicator_value,
                                         municipality_notes)
from kainuu_metrics.settings import Domain


MUNICIPALITY_PAGE_METHOD = (
    ("Avustukset kotikunnan mukaan", HOME_METHOD.replace("**Kotikunnan mukaan:** ", "")),
    ("Avustukset toiminta-alueen mukaan", ACTIVITY_METHOD.replace("**Toiminta-alueen mukaan (laskennallinen):** ", "")),
    ("Euroa asukasta kohden",
     "Jakajana on kunnan ja koko alueen saman vuoden lopun väkiluku; jos sitä ei vielä ole julkaistu, viimeisin "
     "aiempi väkiluku, ja luku on ennakollinen (*)."),
    ("Järjestöjen määrä",
     "Eri järjestöt, joille vuonna myönnettiin avustusta (Y-tunnus, muuten nimi): kotikunnan mukaan, ja ne, joiden "
     "toiminta-alueeksi kunta on viennissä merkitty (koko alueella toimivia ei lasketa kunnille). Avustuspäätökset ja "
     "saajat ovat julkisia (avustussivun luettelo), joten järjestöjen määriä ei salata."),
    ("Tilojen maksuton käyttö",
     "Varaukset kohdistetaan varanneen järjestön kotikuntaan, joka haetaan saman tai aiemman vuoden avustusviennistä "
     "(sama Y-tunnus, muuten sama nimi; uusin tieto). Tilavarauksissa ei ole toiminta-aluetta, joten toiminta-alueen "
     "mukaista jakoa ei voi laskea. Järjestöt, joiden kotikuntaa ei löydy, ovat rivillä ”kotikunta ei tiedossa”."),
    ("Kokemustoiminta",
     "Kokemustoiminnan aineistossa ei ole kuntaa, joten kokemustoiminta esitetään vain koko alueelta. Sen "
     "henkilömäärät on salattu kuten kokemustoiminnan sivulla."),
)


def _organisation_key(frame: pd.DataFrame) -> pd.Series:
    """One key per organisation: its Y-tunnus, else its normalised name."""
    names = frame["organisation"].astype(object).map(lambda n: organisation_name_key(str(n)))
    ids = frame["business_id"].astype(object) if "business_id" in frame else pd.Series(None, index=frame.index, dtype=object)
    return ids.where(ids.notna(), names)


def _granted(grants: pd.DataFrame, year: int) -> pd.DataFrame:
    if grants.empty or "year" not in grants:
        return pd.DataFrame(columns=["organisation", "business_id", "municipality_code", "activity_municipalities", "granted_eur"])
    g = grants.loc[(grants["year"] == year) & (grants["granted_eur"].fillna(0) > 0)].copy()
    g["_key"] = _organisation_key(g)
    return g


def _activity_codes(value: object) -> list[str]:
    """'001;002' -> ['001', '002']; 'region' and empty -> [] (region-wide grants go to no municipality)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) in ("", "region"):
        return []
    return [code for code in str(value).split(";") if code]


def home_municipality_lookup(grants: pd.DataFrame, up_to: int) -> tuple[dict[str, str], dict[str, str]]:
    """(Y-tunnus -> home municipality code, name key -> code) from the grants of `up_to` and
    earlier (a booking uses what was known in its year); the latest grant wins."""
    if grants.empty or "municipality_code" not in grants:
        return {}, {}
    g = grants.loc[(grants["year"] <= up_to) & grants["municipality_code"].notna()].sort_values("year", kind="stable")
    by_id = {str(i): str(c) for i, c in zip(g["business_id"], g["municipality_code"]) if not pd.isna(i)}
    by_name = {organisation_name_key(str(n)): str(c) for n, c in zip(g["organisation"], g["municipality_code"])}
    return by_id, by_name


def premises_by_home_municipality(bookings: pd.DataFrame, grants: pd.DataFrame, year: int) -> pd.DataFrame:
    """The year's bookings with `home_code` (the booking organisation's home municipality from the
    grants, None when not found) and `_key` (one key per organisation)."""
    if bookings.empty or "year" not in bookings:
        return pd.DataFrame(columns=["cost_eur", "hours", "home_code", "_key"])
    b = bookings.loc[bookings["year"] == year].copy()
    by_id, by_name = home_municipality_lookup(grants, year)
    b["home_code"] = [
        by_id.get(str(i)) if not pd.isna(i) and str(i) in by_id else by_name.get(organisation_name_key(str(n)))
        for i, n in zip(b["business_id"], b["organisation"])
    ]
    b["_key"] = _organisation_key(b)
    return b


@dataclass(frozen=True)
class MunicipalityProfile:
    code: str
    name: str
    table: pd.DataFrame  # Tunnusluku | <municipality> | <region> yhteensä (numbers; formats in `formats`)


def _count_or_none(value: int, available: bool) -> int | None:
    return value if available else None


def municipality_profiles(indicators: pd.DataFrame, grants: pd.DataFrame, bookings: pd.DataFrame, year: int, domain: Domain) -> list[MunicipalityProfile]:
    """For every municipality of the region, what reached it in `year` against the whole region:
    grants by home municipality and by area of activity (€, € per inhabitant, organisations),
    premises lent free of charge by the organisation's home municipality (€, hours, organisations)
    and the population used. A figure the year's data cannot give is None (shown as –)."""
    region = domain.region_code
    g = _granted(grants, year)
    has_home = bool(g["municipality_code"].notna().any()) if not g.empty else False
    has_activity = bool(g["activity_municipalities"].map(_activity_codes).map(bool).any()) if not g.empty else False
    b = premises_by_home_municipality(bookings, grants, year)
    has_premises = not b.empty
    region_inkind, _ = indicator_value(indicators, "premises_inkind_eur", year, region)
    region_hours, _ = indicator_value(indicators, "premises_hours", year, region)
    region_total, _ = indicator_value(indicators, "grants_total_eur", year, region)
    region_per_capita, region_provisional = indicator_value(indicators, "grants_per_capita_eur", year, region)
    region_population, _ = indicator_value(indicators, "population_used", year, region)
    activity_orgs = g.loc[g["activity_municipalities"].map(_activity_codes).map(bool), "_key"].nunique() if has_activity else None
    region_column = f"{domain.region_name} yhteensä"
    profiles = []
    for code, name in domain.municipalities.items():
        area = f"KU{code}"
        population, provisional = indicator_value(indicators, "population_used", year, area)
        mark = PROVISIONAL_MARK if provisional else ""
        home = g.loc[g["municipality_code"].astype(object) == code] if has_home else g.iloc[0:0]
        active = g.loc[g["activity_municipalities"].map(lambda v, c=code: c in _activity_codes(v))] if has_activity else g.iloc[0:0]
        used = b.loc[b["home_code"] == code] if has_premises else b
        rows = [
            ("Avustukset järjestön kotikunnan mukaan (€)", indicator_value(indicators, "grants_total_eur", year, area)[0] if has_home else None, region_total),
            (f"Avustukset kotikunnan mukaan (€ / asukas){mark}", indicator_value(indicators, "grants_per_capita_eur", year, area)[0] if has_home else None, region_per_capita),
            ("Avustusta saaneet järjestöt, kotikunta (kpl)", _count_or_none(home["_key"].nunique(), has_home), g["_key"].nunique() if not g.empty else None),
            ("Avustukset toiminta-alueen mukaan, laskennallinen (€)", indicator_value(indicators, "grants_by_activity_area_eur", year, area)[0], region_total if has_activity else None),
            (f"Avustukset toiminta-alueen mukaan (€ / asukas){mark}", indicator_value(indicators, "grants_by_activity_area_per_capita_eur", year, area)[0], region_per_capita if has_activity else None),
            ("Järjestöt, joiden toiminta-alueeseen kunta kuuluu (kpl)", _count_or_none(active["_key"].nunique(), has_activity), activity_orgs),
            ("Tilojen maksuton käyttö, järjestön kotikunnan mukaan (€)", float(used["cost_eur"].sum()) if has_premises else None, region_inkind if has_premises else None),
            ("Tilojen käyttötunnit, järjestön kotikunnan mukaan", float(used["hours"].sum()) if has_premises else None, region_hours if has_premises else None),
            ("Tiloja käyttäneet järjestöt (kpl)", _count_or_none(used["_key"].nunique(), has_premises), b["_key"].nunique() if has_premises else None),
            (f"Väkiluku{mark}", population, region_population),
        ]
        table = pd.DataFrame(rows, columns=["Tunnusluku", name, region_column]).astype({name: object, region_column: object})
        profiles.append(MunicipalityProfile(code, name, table))
    return profiles


def _profile_cell(label: str, value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return MISSING
    if "€ / asukas" in label:
        return format_eur(value, 2)
    if "(€)" in label:
        return format_eur(value)
    if "tunnit" in label:
        return format_number(value, 1)
    return format_number(value)


def _anchor(name: str) -> str:
    return "kunta-" + slug(name).replace("_", "-")


def municipality_profiles_html(profiles: Sequence[MunicipalityProfile], year: int) -> str:
    """A jump list to every municipality and a section per municipality with its table: works
    offline and printed (nothing is hidden)."""
    links = "".join(f'<li><a href="#{_anchor(p.name)}">{_html.escape(p.name)}</a></li>' for p in profiles)
    parts = [f'<nav class="kuntalista" aria-label="Kunnat"><p>Siirry kuntaan:</p><ul>{links}</ul></nav>']
    for p in profiles:
        shown = p.table.copy()
        for column in shown.columns[1:]:
            shown[column] = [_profile_cell(label, value) for label, value in zip(p.table["Tunnusluku"], p.table[column])]
        parts.append(
            f'<section class="kunta" aria-labelledby="{_anchor(p.name)}"><h3 id="{_anchor(p.name)}">{_html.escape(p.name)}</h3>'
            f'<div class="taulukko-kehys">{table_html(shown, caption=f"{p.name} ja koko alue {year}")}</div></section>'
        )
    return "".join(parts)


def municipality_method_html(indicators: pd.DataFrame, year: int, domain: Domain) -> str:
    """The page's method box: how each figure is attributed to a municipality and what the
    year's exports do not say."""
    notes = municipality_notes(indicators, year, domain).split("\n\n")[2:]  # the year's gaps; the two methods are below
    items = "".join(f"<dt>{_html.escape(term)}</dt><dd>{_html.escape(text)}</dd>" for term, text in MUNICIPALITY_PAGE_METHOD)
    gaps = "".join(f"<p>{_html.escape(n)}</p>" for n in notes)
    return (
        '<aside class="menetelma-laatikko" aria-labelledby="menetelma-otsikko">'
        '<h2 id="menetelma-otsikko">Menetelmä</h2>'
        f"<dl>{items}</dl>{gaps}"
        f"<p>{_html.escape(PROVISIONAL_NOTE)}</p>"
        "</aside>"
    )
