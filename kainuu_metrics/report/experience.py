"""Report tables of experience-expert activity (what notebooks/experience.ipynb shows): Finnish
text with suppression markers kept, and numbers for charts with suppressed figures left out."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from kainuu_metrics.datasets.experience.config import ExperienceConfig
from kainuu_metrics.indicators.experience import AREA_PREFIX, MEASURES, UNKNOWN_AREA, role_categories, service_area_categories
from kainuu_metrics.indicators.table import MISSING_CELL, Cell, cells, lookup, select
from kainuu_metrics.privacy import key_change_note
from kainuu_metrics.report.charts import MISSING, format_change, format_eur, format_number
from kainuu_metrics.settings import Domain, PrivacyEntry

UNKNOWN_AREA_LABEL = "Palvelualue ei tiedossa"
MEASURE_LABELS = {
    "persons": "Aktiivisia kokemusasiantuntijoita",
    "assignments": "Tehtäviä",
    "hours": "Tunteja",
    "fees": "Palkkiot (€)",
    "costs": "Kulut (€)",
    "volunteer_hours": "Vapaaehtoistunteja",
}
TREND_INDICATORS = {
    "experience_active_experts": "Aktiivisia kokemusasiantuntijoita",
    "experience_registered_experts": "Rekisterissä vuoden aikana",
    "experience_assignments": "Tehtäviä",
    "experience_hours": "Tunteja",
    "experience_volunteer_hours": "Vapaaehtoistunteja",
}


def suppression_note(privacy: PrivacyEntry) -> str:
    """How small counts are hidden, with the domain's threshold and markers."""
    marker = privacy.complementary_marker
    return (
        f"Tietosuoja: alle {privacy.threshold} henkilön lukumäärät näytetään merkinnällä '{privacy.primary_marker}', "
        f"ja saman rivin tehtävät, tunnit ja eurot merkinnällä '{marker}' (salattu). Lisäksi salataan niin monta "
        "muuta riviä, tarvittaessa myös yhteissumma, ettei yhdenkään salatun luvun tarkkaa arvoa voi laskea "
        "näytetyistä luvuista ja yhteissummista, ei myöskään nollaa. Siksi salattu rivi voi olla myös rivi, "
        f"jolla ei ole ketään: '{marker}' henkilömääränä tarkoittaa 0 tai vähintään {privacy.threshold}. "
        "Jos vuoden yhteissumma on 0 (esim. vapaaehtoistunteja ei ole), jokaisen rivin luku on 0, myös salatun. "
        "Kokemusasiantuntijoiden nimiä tai tunnuksia ei tallenneta käsiteltyihin tietoihin; henkilöt "
        "yhdistetään vuosien välillä avaimellisella pseudonyymillä."
    )


def method_note(domain: Domain, data_dir: str | Path | None = None) -> str:
    """How the figures are counted; with `data_dir`, also whether the pseudonymisation key was
    changed (`kainuu-metrics run --uusi-avain`) and what that means for linking across years."""
    changed = key_change_note(data_dir) if data_dir is not None else ""
    return (changed + " " if changed else "") + (
        "Aktiivinen kokemusasiantuntija on tehnyt vuoden aikana vähintään yhden tehtävän. "
        "Rekisterissä vuoden aikana ovat ne, jotka ovat liittyneet viimeistään vuoden lopussa eivätkä "
        "ole poistuneet ennen vuoden alkua. Vapaaehtoistunnit ovat tehtäviä, joiden palkkiosta "
        "kokemusasiantuntija on luopunut. Kulut ovat matka- ja muita kulukorvauksia. Asukaslukuun "
        f"suhteutetuissa luvuissa jakajana on {domain.region_genitive} väkiluku vuoden lopussa (Tilastokeskus); "
        "jos sitä ei ole vielä julkaistu, käytetään viimeisintä väkilukua ja luku merkitään ennakolliseksi (*). "
        "Henkilö voi toimia useassa roolissa ja usealla palvelualueella, joten roolien ja palvelualueiden "
        "henkilömäärät eivät summaudu kokonaismäärään."
    )


def _formatter(measure: str) -> Callable[[float], str]:
    if measure in ("fees", "costs"):
        return format_eur
    if measure in ("hours", "volunteer_hours"):
        return lambda v: format_number(v, 1 if v % 1 else 0)
    return format_number


def display(cell: Cell, fmt: Callable[[float], str]) -> str:
    """A cell as Finnish text: its marker when suppressed, '–' when absent, * when provisional."""
    if cell.suppression:
        return cell.suppression
    if cell.value is None:
        return MISSING
    return fmt(cell.value) + (" *" if cell.provisional else "")


def chart_value(cell: Cell) -> float:
    """A figure for a chart: suppressed or missing -> NaN (the bar is left out)."""
    return math.nan if cell.value is None else cell.value


def has_year(indicators: pd.DataFrame, year: int, region: str) -> bool:
    return lookup(indicators, "experience_assignments", year, region).present


def key_figures(indicators: pd.DataFrame, year: int, region: str, names: Mapping[str, str]) -> pd.DataFrame:
    """The year's headline figures as Finnish text, suppression markers kept, named as in the
    indicator catalogue (`names`)."""

    def cell(indicator: str, fmt: Callable[[float], str]) -> str:
        return display(lookup(indicators, indicator, year, region), fmt)

    hours, per_10000 = _formatter("hours"), lambda v: format_number(v, 1)
    rows = [
        (names["experience_registered_experts"], cell("experience_registered_experts", format_number)),
        (names["experience_newly_trained"], cell("experience_newly_trained", format_number)),
        (names["experience_active_experts"], cell("experience_active_experts", format_number)),
        (names["experience_active_per_10000"], cell("experience_active_per_10000", per_10000)),
        (names["experience_active_both_years"], cell("experience_active_both_years", format_number)),
        (names["experience_assignments"], cell("experience_assignments", format_number)),
        (names["experience_assignments_change"], cell("experience_assignments_change", format_change)),
        (names["experience_hours"], cell("experience_hours", hours)),
        (names["experience_hours_change"], cell("experience_hours_change", format_change)),
        (names["experience_hours_per_10000"], cell("experience_hours_per_10000", per_10000)),
        (names["experience_volunteer_hours"], cell("experience_volunteer_hours", hours)),
        (names["experience_fees_eur"], cell("experience_fees_eur", _formatter("fees"))),
        (names["experience_costs_eur"], cell("experience_costs_eur", _formatter("costs"))),
    ]
    return pd.DataFrame(rows, columns=["Tunnusluku", "Arvo"])


def category_labels(dimension: str, config: ExperienceConfig) -> dict[str, str]:
    """Indicator category -> Finnish label, for 'role' or 'service_area' (configuration order)."""
    if dimension == "role":
        return {category: config.role_labels[role] for category, role in role_categories(config).items()}
    labels = {category: label for category, label in service_area_categories(config).items() if label is not None}
    return {**labels, f"{AREA_PREFIX}{UNKNOWN_AREA}": UNKNOWN_AREA_LABEL}


def _breakdown_cells(indicators: pd.DataFrame, dimension: str, year: int, region: str, config: ExperienceConfig) -> list[tuple[str, dict[str, Cell]]]:
    out, year_cells = [], cells(indicators, year, region)
    for category, label in category_labels(dimension, config).items():
        measures = {m: year_cells.get((indicator, category), MISSING_CELL) for m, (indicator, _) in MEASURES.items()}
        if any(c.present for c in measures.values()):
            out.append((label, measures))
    return out


def _label_column(dimension: str) -> str:
    return "Rooli" if dimension == "role" else "Palvelualue"


def breakdown_values(indicators: pd.DataFrame, dimension: str, year: int, region: str, config: ExperienceConfig) -> pd.DataFrame:
    """Numbers by role or service area for charts: suppressed figures are NaN and the category
    label says "(salattu)", so that a missing bar is explained on the axis."""
    column = _label_column(dimension)
    rows = []
    for label, measures in _breakdown_cells(indicators, dimension, year, region, config):
        shown = f"{label} (salattu)" if any(c.suppression for c in measures.values()) else label
        rows.append({column: shown, **{MEASURE_LABELS[m]: chart_value(c) for m, c in measures.items()}})
    return pd.DataFrame(rows, columns=[column, *MEASURE_LABELS.values()])


def breakdown_display(indicators: pd.DataFrame, dimension: str, year: int, region: str, config: ExperienceConfig) -> pd.DataFrame:
    """The same breakdown as Finnish text for a table, suppression markers kept."""
    column = _label_column(dimension)
    rows = [
        {column: label, **{MEASURE_LABELS[m]: display(c, _formatter(m)) for m, c in measures.items()}}
        for label, measures in _breakdown_cells(indicators, dimension, year, region, config)
    ]
    return pd.DataFrame(rows, columns=[column, *MEASURE_LABELS.values()])


def trend(indicators: pd.DataFrame, region: str, up_to: int | None = None) -> pd.DataFrame:
    """Headline figures over every year with data (long format): vuosi, tunnusluku, arvo, näytetään."""
    rows = []
    periods = sorted({int(p) for p in select(indicators, "experience_assignments", area=region)["period"] if str(p).isdigit()})
    for year in periods:
        if up_to is not None and year > up_to:
            continue
        for indicator, label in TREND_INDICATORS.items():
            cell = lookup(indicators, indicator, year, region)
            if not cell.present:
                continue
            fmt = _formatter("hours") if "hours" in indicator else _formatter("persons")
            rows.append({"vuosi": year, "tunnusluku": label, "arvo": chart_value(cell), "näytetään": display(cell, fmt)})
    return pd.DataFrame(rows, columns=["vuosi", "tunnusluku", "arvo", "näytetään"])


def trend_table(indicators: pd.DataFrame, region: str, up_to: int | None = None) -> pd.DataFrame:
    """The trend as a wide Finnish table (one row per year), markers kept."""
    long = trend(indicators, region, up_to)
    if long.empty:
        return pd.DataFrame(columns=["Vuosi"])
    wide = long.pivot(index="vuosi", columns="tunnusluku", values="näytetään")
    ordered = [label for label in TREND_INDICATORS.values() if label in wide.columns]
    out = wide[ordered].reset_index().rename(columns={"vuosi": "Vuosi"})
    out.columns.name = None
    return out.fillna(MISSING).astype({"Vuosi": str})
