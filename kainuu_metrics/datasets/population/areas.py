"""What the labels of a population export mean: areas (the region, its municipalities, other
StatFin areas), years, and the content 'Väestö 31.12.'.

The region and its municipalities come from the Domain (config/domain.yaml); other StatFin
areas are recognised by their code (KU785, MK17, SK181, ...) or, by name alone, from the
configured `other_area_names`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from kainuu_metrics.settings import Domain, normalise_key

YEAR_CELL = re.compile(r"((?:19|20)\d{2})\s*\*?")
STATFIN_AREA_CODE = re.compile(r"(?:KU\d{3}|MK\d{2})\b", re.IGNORECASE)
_AREA_CODE = re.compile(r"(?P<prefix>[A-Za-z]{2,4})?\s?(?P<digits>\d{1,3})(?:\s+(?P<rest>.+))?")
_POPULATION_31_12 = re.compile(r"\b(?:väestö|väkiluku|population|folkmängd)\b[^%]*\b31\s*\.?\s*(?:12|dec)")
_POPULATION_EXACT = {
    "väestö", "väkiluku", "population", "folkmängd", "vaesto", "vaerak-vaesto",
    "väestö yhteensä", "väkiluku yhteensä",
}

Status = Literal["in_region", "out_of_scope", "unknown"]


@dataclass(frozen=True)
class AreaMatch:
    """What an area label means: the region or one of its municipalities ("in_region"),
    another StatFin area ("out_of_scope"), or something unknown (with a Finnish problem text)."""

    status: Status
    code: str | None = None  # "MK99", "KU999"
    name: str | None = None
    problem: str | None = None


def cell_text(value: object) -> str:
    """A raw cell as text: '' for blank, 2019.0 -> '2019', inner whitespace collapsed.

    >>> cell_text(None), cell_text(2019.0), cell_text("  KU999\\u00a0 Esimerkkilä ")
    ('', '2019', 'KU999 Esimerkkilä')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return " ".join(str(value).replace("\u00a0", " ").split()) if isinstance(value, str) else str(value)


def parse_year(value: object) -> int | None:
    """'2024', 2024, '2024*' (preliminary) -> 2024; anything else -> None."""
    match = YEAR_CELL.fullmatch(cell_text(value))
    return int(match.group(1)) if match else None


def parse_area(label: object, domain: Domain) -> AreaMatch:
    """'KU999 Esimerkkilä', '999 Esimerkkilä', 'Esimerkkilä', 'KU999', 'MK99 Esimerkki', ... -> an area.

    >>> from kainuu_metrics.settings import Domain
    >>> domain = Domain(region_code="MK99", region_name="Esimerkki", municipalities={"999": "Esimerkkilä"},
    ...     municipality_lookup={"esimerkkilä": "999"}, council_terms=(), networks={}, grant_types={},
    ...     grant_type_labels={}, linked_funding={}, decisions={}, region_genitive="Esimerkin")
    >>> parse_area("KU999 Esimerkkilä", domain)
    AreaMatch(status='in_region', code='KU999', name='Esimerkkilä', problem=None)
    >>> parse_area("Esimerkin maakunta", domain).code, parse_area("SSS KOKO MAA", domain).status
    ('MK99', 'out_of_scope')
    >>> parse_area("Muualla", domain).problem
    "alue 'Muualla' ei ole Esimerkki, Esimerkin kunta eikä tunnistettava Tilastokeskuksen alue (valitse PxWebissä vain Esimerkki ja sen kunnat tai näytä alueet koodeineen, esim. KU999)"
    """
    text = " ".join(cell_text(label).split())
    if not text:
        return AreaMatch("unknown", problem="alue puuttuu")
    if text.upper() == "SSS" or text.upper().startswith("SSS "):
        return AreaMatch("out_of_scope")
    if match := _AREA_CODE.fullmatch(text):
        return _area_from_code(text, match, domain)
    key = normalise_key(text)
    if key in _region_keys(domain):
        return AreaMatch("in_region", domain.region_code, domain.region_name)
    if key in domain.municipality_lookup:
        code = domain.municipality_lookup[key]
        return AreaMatch("in_region", f"KU{code}", domain.municipalities[code])
    if key in domain.other_area_names:
        return AreaMatch("out_of_scope")
    return AreaMatch("unknown", problem=unknown_area(text, domain))


def unknown_area(text: str, domain: Domain) -> str:
    """Finnish reason for an area label that is neither the region, its municipality nor a StatFin area."""
    example = f"KU{next(iter(domain.municipalities))}" if domain.municipalities else domain.region_code
    return (
        f"alue '{text}' ei ole {domain.region_name}, {domain.region_genitive} kunta eikä tunnistettava "
        f"Tilastokeskuksen alue (valitse PxWebissä vain {domain.region_name} ja sen kunnat tai näytä alueet "
        f"koodeineen, esim. {example})"
    )


def _region_keys(domain: Domain) -> set[str]:
    """The region's name, and '<genitive> maakunta' (e.g. 'Esimerkin maakunta')."""
    names = [domain.region_name] + ([f"{domain.region_genitive} maakunta"] if domain.region_genitive else [])
    return {normalise_key(name) for name in names}


def _area_from_code(text: str, match: re.Match[str], domain: Domain) -> AreaMatch:
    prefix = (match.group("prefix") or "").upper()
    digits = match.group("digits")
    rest = match.group("rest") or ""
    if prefix in {"", "KU"} and len(digits) == 3:
        code = f"KU{digits}"
        name = domain.municipalities.get(digits)
        if name is None:
            return AreaMatch("out_of_scope")  # another municipality
        if rest and domain.municipality_lookup.get(normalise_key(rest)) != digits:
            return AreaMatch(
                "unknown", problem=f"aluekoodi {code} ({name}) ja nimi '{rest}' eivät täsmää ('{text}')"
            )
        return AreaMatch("in_region", code, name)
    if prefix in {"", "MK"} and len(digits) <= 2:
        code = f"MK{digits.zfill(2)}"
        if code != domain.region_code:
            return AreaMatch("out_of_scope")
        if rest and normalise_key(rest) not in _region_keys(domain):
            return AreaMatch(
                "unknown",
                problem=f"aluekoodi {code} ({domain.region_name}) ja nimi '{rest}' eivät täsmää ('{text}')",
            )
        return AreaMatch("in_region", code, domain.region_name)
    if prefix and prefix == (match.group("prefix") or ""):
        return AreaMatch("out_of_scope")  # SK181, HV20, ELY08...: other StatFin area types
    return AreaMatch("unknown", problem=unknown_area(text, domain))


def is_population_label(text: object) -> bool:
    """True for the content 'Väestö 31.12.' (and its codes and translations).

    >>> is_population_label("Väestö 31.12."), is_population_label("Väestönmuutos")
    (True, False)
    """
    key = normalise_key(cell_text(text))
    return key in _POPULATION_EXACT or bool(_POPULATION_31_12.search(key))
