"""Value and row parsing of experience exports: one assignment or register row -> values to keep,
identity keys (memory only) and the problems that reject it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kainuu_metrics import formatting
from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.experience.config import ACTIVE, QUIT, ExperienceConfig
from kainuu_metrics.datasets.experience.identities import SEVERAL_PEOPLE, name_key, register_id_key
from kainuu_metrics.datasets.rows import RowProblem, clean_text, lookup_alias, parse_value
from kainuu_metrics.settings import normalise_key

_HOURS_SUFFIX = re.compile(r"\s*(?:h|t|tuntia|tunti|tuntia\.|h\.)\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_hours(value: object) -> float | None:
    """'2,5', '2,5 h', '1:30', 3 -> hours as a number.

    >>> parse_hours("2,5 h"), parse_hours("1:30"), parse_hours("")
    (2.5, 1.5, None)
    """
    if parsing.is_blank(value):
        return None
    if isinstance(value, dt.time):
        return value.hour + value.minute / 60
    if isinstance(value, str):
        text = _HOURS_SUFFIX.sub("", value.strip())
        if match := _CLOCK.match(text):
            if ":" in text:
                return int(match.group(1)) + int(match.group(2)) / 60
        try:
            return parsing.parse_finnish_number(text)
        except ValueError:
            raise ValueError(f"'{value}' ei ole tuntimäärä") from None
    return parsing.parse_finnish_number(value)


FIXES = {
    "date": "Kirjoita päivämäärä muodossa p.k.vvvv, esim. 14.3.2024.",
    "hours": "Kirjoita tunnit numeroina, esim. 2 tai 1,5.",
    "fee_eur": "Kirjoita summa pelkkinä numeroina, esim. 50,00.",
    "travel_eur": "Kirjoita summa pelkkinä numeroina, esim. 12,60.",
    "other_costs_eur": "Kirjoita summa pelkkinä numeroina, esim. 12,60.",
    "fee_waived": "Kirjoita 'kyllä' tai 'ei'.",
    "training_year": "Kirjoita vuosi neljällä numerolla, esim. 2023.",
    "joined": "Kirjoita päivämäärä muodossa p.k.vvvv, esim. 1.9.2023.",
    "left": "Kirjoita päivämäärä muodossa p.k.vvvv, esim. 31.12.2024.",
}


def parse_fee_waived(value: object, config: ExperienceConfig) -> bool:
    """Whether the expert waived the fee: kyllä/ei or a configured spelling; blank is no."""
    if parsing.is_blank(value):
        return False
    key = normalise_key(str(value))
    if key in config.fee_waived_yes_keys:
        return True
    if key in config.fee_waived_no_keys:
        return False
    try:
        return bool(parsing.parse_yes_no(value))
    except ValueError:
        raise RowProblem("fee_waived", f"'{value}' ei ole kyllä/ei-arvo. {FIXES['fee_waived']}") from None


def parse_organisation(value: object, config: ExperienceConfig, config_file: str) -> str | None:
    """The registered organisation a cell names (its canonical name), None for a blank cell.
    Free text is never kept: an unlisted value is a problem whose reason does not quote it."""
    text = clean_text(value)
    if text is None:
        return None
    found = config.organisation_lookup.get(normalise_key(text))
    if found is None:
        raise RowProblem(
            "organisation",
            "organisaatio ei ole rekisteröityjen organisaatioiden luettelossa, joten sitä ei julkaista (vapaa teksti voi "
            f"sisältää henkilön nimen). Jos se on järjestö, lisää se tiedostoon {config_file} kohtaan organisations; "
            "muuten korjaa solu",
        )
    return found


class _Row:
    """Collects the problems of one row while its values are parsed."""

    def __init__(self) -> None:
        self.problems: list[RowProblem] = []

    def attempt(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except RowProblem as problem:
            self.problems.append(problem)
            return None

    def has(self, column: str) -> bool:
        return any(p.column == column for p in self.problems)


def _amount(row: _Row, column: str, value: object) -> float:
    amount = row.attempt(lambda: parse_value(column, parsing.parse_finnish_number, value, FIXES))
    if amount is not None and amount < 0:
        row.problems.append(RowProblem(column, f"summa {amount:g} € on negatiivinen; korjaa summa"))
    return 0.0 if amount is None else float(amount)


def _expert_keys(record: dict[str, object], config: ExperienceConfig, row: _Row) -> tuple[str | None, str | None]:
    """(register id key, name key) of an assignment row, or problems when neither is usable."""
    raw_id, raw_expert = record.get("register_id"), record.get("expert")
    id_key = register_id_key(raw_id)
    person_name = None
    if not parsing.is_blank(raw_expert):
        text = str(raw_expert).strip()
        if id_key is None and config.register_id_regex.fullmatch(text):
            id_key = register_id_key(text)
        elif SEVERAL_PEOPLE.search(text):
            row.problems.append(RowProblem(
                "expert",
                "rivillä on useampi kokemusasiantuntija; kirjaa jokaisen tehtävä omalle rivilleen omine tunteineen ja palkkioineen",
            ))
        else:
            person_name = name_key(text)
    if id_key is None and person_name is None and not row.has("expert"):
        row.problems.append(RowProblem(
            "expert" if "expert" in record else "register_id",
            "kokemusasiantuntija puuttuu; täydennä nimi tai rekisteritunnus",
        ))
    return id_key, person_name


@dataclass(frozen=True)
class Parsed:
    """One data row after parsing: values to keep, identity keys (memory only), problems."""

    source_row: int
    values: dict[str, Any]
    id_key: str | None
    person_name: str | None
    problems: tuple[RowProblem, ...]
    record: dict[str, object]  # the raw cells, for the rejected-rows file (names removed there)


def parse_assignment(record: dict[str, object], config: ExperienceConfig, config_file: str) -> Parsed:
    """Parse one assignment row (identity not yet resolved against the register); `config_file`
    is config/experience.yaml as users see it, named in messages about unknown spellings."""
    row = _Row()
    get = record.get
    date = row.attempt(lambda: parse_value("date", parsing.parse_finnish_date, get("date"), FIXES))
    if date is None and not row.has("date"):
        row.problems.append(RowProblem("date", f"päivämäärä puuttuu. {FIXES['date']}"))
    first, last = config.plausible_years
    if date is not None and not first <= date.year <= last:
        row.problems.append(RowProblem("date", f"vuosi {date.year} ei ole uskottava (sallittu {first}–{last}); tarkista päivämäärä"))
    id_key, person_name = _expert_keys(record, config, row)
    role = row.attempt(lambda: lookup_alias(get("role"), config.role_lookup, "role", "rooli", f"{config_file} kohtaan roles"))
    if role is None and not row.has("role"):
        examples = ", ".join(label.casefold() for label in config.role_labels.values())
        row.problems.append(RowProblem("role", f"rooli puuttuu; kirjoita jokin rooleista: {examples}"))
    area = row.attempt(lambda: lookup_alias(get("service_area"), config.service_area_lookup, "service_area", "palvelualue", f"{config_file} kohtaan service_areas"))
    hours = row.attempt(lambda: parse_value("hours", parse_hours, get("hours"), FIXES))
    limit = config.max_hours_per_assignment
    if hours is None and not row.has("hours"):
        row.problems.append(RowProblem("hours", f"tunnit puuttuvat. {FIXES['hours']}"))
    elif hours is not None and not 0 < hours <= limit:
        row.problems.append(RowProblem(
            "hours",
            f"tuntimäärä {hours:g} ei ole mahdollinen yhdelle tehtävälle (yli 0 ja enintään {limit:g} tuntia); "
            "kirjaa useamman päivän tehtävä päiväkohtaisille riveille",
        ))
    fee = _amount(row, "fee_eur", get("fee_eur"))
    costs = _amount(row, "travel_eur", get("travel_eur")) + _amount(row, "other_costs_eur", get("other_costs_eur"))
    waived = row.attempt(lambda: parse_fee_waived(get("fee_waived"), config))
    organisation = row.attempt(lambda: parse_organisation(get("organisation"), config, config_file))
    values = {
        "year": date.year if date is not None else None,
        "date": date,
        "organisation": organisation,
        "service_area": area,
        "role": role,
        "hours": hours,
        "fee_eur": fee,
        "costs_eur": costs,
        "fee_waived": bool(waived),
    }
    return Parsed(int(record["source_row"]), values, id_key, person_name, tuple(row.problems), record)  # type: ignore[call-overload]


def parse_register_row(record: dict[str, object], config: ExperienceConfig, config_file: str) -> Parsed:
    """Parse one register row."""
    row = _Row()
    get = record.get
    id_key = register_id_key(get("register_id"))
    raw_name = get("name")
    if parsing.is_blank(raw_name) and not (parsing.is_blank(get("first_name")) and parsing.is_blank(get("last_name"))):
        raw_name = " ".join(str(v) for v in (get("first_name"), get("last_name")) if not parsing.is_blank(v))
    person_name = name_key(raw_name)
    if id_key is None and person_name is None:
        column = "register_id" if "register_id" in record else next((c for c in ("name", "last_name", "first_name") if c in record), "register_id")
        row.problems.append(RowProblem(column, "henkilön rekisteritunnus ja nimi puuttuvat; täydennä ainakin toinen"))
    course = clean_text(get("training_course"))
    year = row.attempt(lambda: parse_value("training_year", parsing.parse_year, get("training_year"), FIXES))
    if year is None and course is not None and (found := re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", course)):
        year = int(found.group(0))
    status = row.attempt(lambda: lookup_alias(get("status"), config.status_lookup, "status", "tila", f"{config_file} kohtaan statuses"))
    joined = row.attempt(lambda: parse_value("joined", parsing.parse_finnish_date, get("joined"), FIXES))
    left = row.attempt(lambda: parse_value("left", parsing.parse_finnish_date, get("left"), FIXES))
    if joined is not None and left is not None and left < joined:
        row.problems.append(RowProblem(
            "left", f"poistumispäivä {formatting.date(left)} on ennen liittymispäivää {formatting.date(joined)}; korjaa päivämäärät",
        ))
    if joined is None and year is None and not (row.has("joined") or row.has("training_year")):
        row.problems.append(RowProblem(
            "joined" if "joined" in record else "training_year",
            "liittymispäivä ja koulutusvuosi puuttuvat, joten ei tiedetä, mistä alkaen henkilö on rekisterissä; täydennä jompikumpi",
        ))
    conflict = (status == QUIT and left is None) or (status == ACTIVE and left is not None)
    values = {
        "training_course": course,
        "training_year": year,
        "status": status,
        "joined": joined,
        "left": left,
        "flag_status_conflict": bool(conflict),
    }
    return Parsed(int(record["source_row"]), values, id_key, person_name, tuple(row.problems), record)  # type: ignore[call-overload]
