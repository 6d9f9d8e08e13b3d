"""Experience-expert activity (kokemustoiminta): assignment logs and the register of experts ->
two pseudonymised tables, yearly indicators with small counts suppressed, and report tables.

Two kinds of export go into data/raw/experience/ as .xlsx or .csv. Each sheet is recognised
by its headers, never by its file name: it is an assignment log when the headers match
config/columns/experience_assignments.yaml, a register when they match
config/columns/experience_register.yaml.

Privacy: names and register ids are read into memory only. Every person becomes a keyed
pseudonym (privacy.pseudonymise) before anything is written; rejected-row files show
"(nimi poistettu)" / "(tunnus poistettu)" instead of a name or id, and no reason text quotes
one. Any other text value that contains a name read from the files (an organisation, a course,
a rejected value) is replaced the same way.

Linking a person across files (the identity that is pseudonymised):
1. a register id when the row has one: the id column, or an expert-column value that looks
   like an id (config register_id_pattern); ids are compared in capitals without spaces,
   hyphens or leading zeros ("KE-012" = "ke 12");
2. otherwise the name, compared as its words casefolded, without punctuation and in any order
   ("Virtanen, Maija" = "maija virtanen"). When the register links that name to exactly one
   register id, the id is used, so the same person gets the same pseudonym whether a log names
   them or gives their id (a register row without an id counts as the person of the same name
   who has one). A name the register gives to several people stays a name and the row
   is flagged; a name or id not in the register is kept and flagged.
Linking needs the register in the same run; without it a person logged by name in one year
and by id in another gets two pseudonyms.

Register exports: one row per person. The same person twice in one sheet is rejected; the same
person in several files is taken from the file listed last (name the exports so that the newest
sorts last, e.g. with the year) and the earlier rows are skipped as duplicates.

Indicators: years are the years of assignment data. A person is registered during a year when
joined on or before 31.12. (or, without a joining date, trained in or before that year) and not
left before 1.1. Counts of persons are suppressed as described in kainuu_metrics/privacy.py.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import (
    REJECTED_COLUMNS,
    SKIPPED_COLUMNS,
    CleaningResult,
    account_for,
    file_sha256,
)
from kainuu_metrics.settings import ColumnMapping, Domain, load_column_mapping, load_domain, load_yaml, normalise_key
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.indicators.grants import COUNT, EUR, PERSONS, RATIO, _rows, population_denominators, slug, tidy
from kainuu_metrics.paths import CONFIG_DIR, Layout
from kainuu_metrics.datasets.privacy import SUPPRESSION_COLUMN, load_or_create_key, pseudonymise, suppress_counts
from kainuu_metrics.datasets.readers import RawSheet, list_raw_files, read_grids
from kainuu_metrics.datasets.rows import RowProblem, clean_text, flag_lines, lookup_alias, parse_value
from kainuu_metrics.datasets.schemas import EXPERIENCE_ASSIGNMENTS, EXPERIENCE_REGISTER, conform
from kainuu_metrics.datasets.tabular import HEADER_SEARCH_ROWS, MappedSheet, map_sheet

DATASET = "experience"
ASSIGNMENTS = "experience_assignments"
REGISTER = "experience_register"
CONFIG_FILE = "config/experience.yaml"

HOURS, PER_10000 = "hours", "per_10000_inhabitants"
NAME_REMOVED = "(nimi poistettu)"
ID_REMOVED = "(tunnus poistettu)"
NAME_COLUMNS = frozenset({"expert", "name", "first_name", "last_name"})
ID_COLUMNS = frozenset({"register_id"})
UNKNOWN_AREA = "ei_tiedossa"
UNKNOWN_AREA_LABEL = "Palvelualue ei tiedossa"

ASSIGNMENT_FLAGS = {
    "flag_not_in_register": "kokemusasiantuntijaa ei löydy rekisteristä",
    "flag_ambiguous_name": "nimellä on rekisterissä useita henkilöitä, joten tehtävää ei voitu yhdistää rekisteritunnukseen",
    "flag_fee_waived_with_fee": "palkkiosta on merkitty luovutun, mutta palkkio on suurempi kuin 0 €",
}
REGISTER_FLAGS = {
    "flag_status_conflict": "tila ja poistumispäivä ovat ristiriidassa (lopettanut ilman poistumispäivää tai aktiivinen, vaikka poistunut)",
}


# --- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperienceConfig:
    roles: dict[str, str]  # normalised spelling -> role id
    role_labels: dict[str, str]  # role id -> Finnish label (config order)
    service_areas: dict[str, str]  # normalised spelling -> canonical label
    service_area_labels: dict[str, str]  # slug -> canonical label (config order)
    statuses: dict[str, str]  # normalised spelling -> status id
    fee_waived_yes: frozenset[str]
    fee_waived_no: frozenset[str]
    register_id_pattern: re.Pattern[str]
    max_hours: float
    plausible_years: tuple[int, int]
    threshold: int
    marker: str
    complementary_marker: str


def _aliases(entries: dict[str, Any], label: Callable[[str, Any], str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, spec in entries.items():
        aliases = spec.get("aliases", []) if isinstance(spec, dict) else (spec or [])
        target = label(key, spec)
        for alias in [key, target, *aliases]:
            lookup[normalise_key(alias)] = key if isinstance(spec, dict) else target
    return lookup


@cache
def load_experience_config(config_dir: Path = CONFIG_DIR) -> ExperienceConfig:
    """config/experience.yaml as typed lookups (raises ConfigError with a Finnish message)."""
    raw = load_yaml("experience.yaml", config_dir)
    try:
        roles = raw["roles"]
        areas = raw["service_areas"]
        suppression = raw["suppression"]
        first_year, last_year = (int(y) for y in raw["plausible_years"])
        return ExperienceConfig(
            roles=_aliases(roles, lambda k, spec: spec["label"]),
            role_labels={k: spec["label"] for k, spec in roles.items()},
            service_areas=_aliases(areas, lambda k, spec: k),
            service_area_labels={slug(k): k for k in areas},
            statuses=_aliases(raw["statuses"], lambda k, spec: k),
            fee_waived_yes=frozenset(normalise_key(v) for v in raw.get("fee_waived_yes", [])),
            fee_waived_no=frozenset(normalise_key(v) for v in raw.get("fee_waived_no", [])),
            register_id_pattern=re.compile(raw["register_id_pattern"]),
            max_hours=float(raw["max_hours_per_assignment"]),
            plausible_years=(first_year, last_year),
            threshold=int(suppression["threshold"]),
            marker=str(suppression["marker"]),
            complementary_marker=str(suppression["complementary_marker"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise ConfigError(f"Asetustiedosto {config_dir / 'experience.yaml'} on virheellinen: {exc!r}") from exc


# --- identities (in memory only) ---------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SEVERAL = re.compile(r"\s(?:ja|&|\+|sekä)\s|[/;&+]|,.*,", re.IGNORECASE)


def name_key(value: object) -> str | None:
    """A name as its casefolded words in sorted order: 'Virtanen, Maija' -> 'maija virtanen'."""
    if parsing.is_blank(value):
        return None
    words = _WORD.findall(unicodedata.normalize("NFC", str(value)).casefold())
    return " ".join(sorted(words)) or None


def register_id_key(value: object) -> str | None:
    """'KE-012', 'ke 12', 12.0 -> 'KE12' / '12'."""
    if parsing.is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s\-–]", "", unicodedata.normalize("NFC", str(value))).upper()
    match = re.fullmatch(r"(\D*)(\d+)", text)
    return f"{match.group(1)}{int(match.group(2))}" if match else text


@dataclass(frozen=True)
class Identity:
    """Who a row is about: the pseudonymised key, how it was found, and flags."""

    identity: str  # "tunnus:KE12" or "nimi:maija virtanen" (never written anywhere)
    basis: str  # register_id | name_via_register | name
    not_in_register: bool = False
    ambiguous_name: bool = False


@dataclass(frozen=True)
class RegisterLinks:
    """What the register says about who is who: its ids and the ids of each name."""

    loaded: bool = False
    ids: frozenset[str] = frozenset()
    names: dict[str, frozenset[str | None]] = field(default_factory=dict)  # name -> ids (None: no id)

    def resolve(self, id_key: str | None, person_name: str | None) -> Identity:
        if id_key is not None:
            return Identity(f"tunnus:{id_key}", "register_id", not_in_register=self.loaded and id_key not in self.ids)
        assert person_name is not None
        candidates = self.names.get(person_name, frozenset())
        if len(candidates) == 1 and None not in candidates:
            (only,) = candidates
            return Identity(f"tunnus:{only}", "name_via_register")
        return Identity(
            f"nimi:{person_name}",
            "name",
            not_in_register=self.loaded and not candidates,
            ambiguous_name=len(candidates) > 1,
        )


def build_links(pairs: list[tuple[str | None, str | None]]) -> RegisterLinks:
    """Links from the register's (id, name) pairs."""
    names: dict[str, set[str | None]] = {}
    for id_key, person_name in pairs:
        if person_name is not None:
            names.setdefault(person_name, set()).add(id_key)
    # A row without an id is taken to be the person of the same name who has one, if any.
    return RegisterLinks(
        loaded=bool(pairs),
        ids=frozenset(i for i, _ in pairs if i is not None),
        names={n: frozenset(ids - {None} or ids) for n, ids in names.items()},
    )


class NameScrubber:
    """Replaces any text that contains a name read from the files by '(nimi poistettu)'."""

    def __init__(self, raw_names: set[str]) -> None:
        self.keys = {k for n in raw_names if (k := name_key(n))}
        spelled = {normalise_key(n).replace(",", "") for n in raw_names}
        # A full name (two or more words) in either order; single words are too likely in other text.
        self.words = {w for n in spelled if " " in n for w in (n, " ".join(reversed(n.split())))}

    def contains_name(self, text: str) -> bool:
        folded = normalise_key(text).replace(",", "")
        return name_key(text) in self.keys or any(w in folded for w in self.words)

    def text(self, value: str | None) -> str | None:
        return NAME_REMOVED if value is not None and self.contains_name(value) else value


# --- reading and recognising sheets ------------------------------------------------------------


def _header_score(sheet: RawSheet, mapping: ColumnMapping) -> int:
    rows = sheet.rows[:HEADER_SEARCH_ROWS]
    return max((sum(1 for c in cells if isinstance(c, str) and mapping.canonical(c)) for _, cells in rows), default=0)


def recognise_sheet(sheet: RawSheet, file_label: str, mappings: dict[str, ColumnMapping]) -> tuple[str, MappedSheet]:
    """(table name, mapped sheet) of the one mapping whose headers fit the sheet."""
    fits: dict[str, MappedSheet] = {}
    errors: dict[str, InputFileError] = {}
    for name, mapping in mappings.items():
        try:
            mapped = map_sheet(sheet, mapping, file_label)
        except InputFileError as exc:
            errors[name] = exc
            continue
        if name == ASSIGNMENTS and not {"expert", "register_id"} & set(mapped.headers):
            errors[name] = InputFileError(
                file_label,
                "tehtävälokista puuttuu kokemusasiantuntijan nimi- tai tunnussarake",
                "Lisää sarake 'Kokemusasiantuntija' (nimi) tai 'Rekisteritunnus', tai lisää sen otsikko "
                f"tiedostoon {mapping.config_file} kohtaan expert tai register_id.",
            )
            continue
        fits[name] = mapped
    if len(fits) == 1:
        return next(iter(fits.items()))
    if len(fits) > 1:  # both fit: the one that recognises more headers
        best = max(fits, key=lambda n: (len(fits[n].headers), n == ASSIGNMENTS))
        return best, fits[best]
    closest = max(mappings, key=lambda n: _header_score(sheet, mappings[n]))
    error = errors[closest]
    where = f" (välilehti '{sheet.name}')" if sheet.name else ""
    raise InputFileError(
        file_label,
        "tiedostoa ei tunnistettu kokemustoiminnan tehtäväluetteloksi eikä kokemusasiantuntijarekisteriksi"
        f"{where}: {error.problem}",
        error.fix,
        row=error.row,
        column=error.column,
    )


# --- value parsers ---------------------------------------------------------------------------

_HOURS_SUFFIX = re.compile(r"\s*(?:h|t|tuntia|tunti|tuntia\.|h\.)\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_hours(value: object) -> float | None:
    """'2,5', '2,5 h', '1:30', 3 -> hours as a number."""
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


_FIXES = {
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


def _fee_waived(value: object, config: ExperienceConfig) -> bool:
    if parsing.is_blank(value):
        return False
    key = normalise_key(str(value))
    if key in config.fee_waived_yes:
        return True
    if key in config.fee_waived_no:
        return False
    try:
        return bool(parsing.parse_yes_no(value))
    except ValueError:
        raise RowProblem("fee_waived", f"'{value}' ei ole kyllä/ei-arvo. {_FIXES['fee_waived']}") from None


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
    amount = row.attempt(lambda: parse_value(column, parsing.parse_finnish_number, value, _FIXES))
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
        if id_key is None and config.register_id_pattern.fullmatch(text):
            id_key = register_id_key(text)
        elif _SEVERAL.search(text):
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


@dataclass
class _Parsed:
    """One data row after parsing: values to keep, identity keys (memory only), problems."""

    source_row: int
    values: dict[str, Any]
    id_key: str | None
    person_name: str | None
    problems: list[RowProblem]
    record: dict[str, object]  # the raw cells, for the rejected-rows file (names removed there)


def parse_assignment(record: dict[str, object], config: ExperienceConfig) -> _Parsed:
    """Parse one assignment row (identity not yet resolved against the register)."""
    row = _Row()
    get = record.get
    date = row.attempt(lambda: parse_value("date", parsing.parse_finnish_date, get("date"), _FIXES))
    if date is None and not row.has("date"):
        row.problems.append(RowProblem("date", f"päivämäärä puuttuu. {_FIXES['date']}"))
    first, last = config.plausible_years
    if date is not None and not first <= date.year <= last:
        row.problems.append(RowProblem("date", f"vuosi {date.year} ei ole uskottava (sallittu {first}–{last}); tarkista päivämäärä"))
    id_key, person_name = _expert_keys(record, config, row)
    role = row.attempt(lambda: lookup_alias(get("role"), config.roles, "role", "rooli", f"{CONFIG_FILE} kohtaan roles"))
    if role is None and not row.has("role"):
        row.problems.append(RowProblem("role", "rooli puuttuu; kirjoita esim. kokemuskouluttaja, ryhmänohjaaja, työpari, kehittäjä, media tai vaikuttamistoiminta"))
    area = row.attempt(lambda: lookup_alias(get("service_area"), config.service_areas, "service_area", "palvelualue", f"{CONFIG_FILE} kohtaan service_areas"))
    hours = row.attempt(lambda: parse_value("hours", parse_hours, get("hours"), _FIXES))
    if hours is None and not row.has("hours"):
        row.problems.append(RowProblem("hours", f"tunnit puuttuvat. {_FIXES['hours']}"))
    elif hours is not None and not 0 < hours <= config.max_hours:
        row.problems.append(RowProblem(
            "hours",
            f"tuntimäärä {hours:g} ei ole mahdollinen yhdelle tehtävälle (yli 0 ja enintään {config.max_hours:g} tuntia); "
            "kirjaa useamman päivän tehtävä päiväkohtaisille riveille",
        ))
    fee = _amount(row, "fee_eur", get("fee_eur"))
    costs = _amount(row, "travel_eur", get("travel_eur")) + _amount(row, "other_costs_eur", get("other_costs_eur"))
    waived = row.attempt(lambda: _fee_waived(get("fee_waived"), config))
    values = {
        "year": date.year if date is not None else None,
        "date": date,
        "organisation": clean_text(get("organisation")),
        "service_area": area,
        "role": role,
        "hours": hours,
        "fee_eur": fee,
        "costs_eur": costs,
        "fee_waived": bool(waived),
    }
    return _Parsed(int(record["source_row"]), values, id_key, person_name, row.problems, record)  # type: ignore[call-overload]


def parse_register_row(record: dict[str, object], config: ExperienceConfig) -> _Parsed:
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
    year = row.attempt(lambda: parse_value("training_year", parsing.parse_year, get("training_year"), _FIXES))
    if year is None and course is not None and (found := re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", course)):
        year = int(found.group(0))
    status = row.attempt(lambda: lookup_alias(get("status"), config.statuses, "status", "tila", f"{CONFIG_FILE} kohtaan statuses"))
    joined = row.attempt(lambda: parse_value("joined", parsing.parse_finnish_date, get("joined"), _FIXES))
    left = row.attempt(lambda: parse_value("left", parsing.parse_finnish_date, get("left"), _FIXES))
    if joined is not None and left is not None and left < joined:
        row.problems.append(RowProblem("left", f"poistumispäivä {left:%-d.%-m.%Y} on ennen liittymispäivää {joined:%-d.%-m.%Y}; korjaa päivämäärät"))
    if joined is None and year is None and not (row.has("joined") or row.has("training_year")):
        row.problems.append(RowProblem(
            "joined" if "joined" in record else "training_year",
            "liittymispäivä ja koulutusvuosi puuttuvat, joten ei tiedetä, mistä alkaen henkilö on rekisterissä; täydennä jompikumpi",
        ))
    conflict = (status == "lopettanut" and left is None) or (status == "aktiivinen" and left is not None)
    values = {
        "training_course": course,
        "training_year": year,
        "status": status,
        "joined": joined,
        "left": left,
        "flag_status_conflict": bool(conflict),
    }
    return _Parsed(int(record["source_row"]), values, id_key, person_name, row.problems, record)  # type: ignore[call-overload]


# --- cleaning ------------------------------------------------------------------------------


@dataclass
class _Sheet:
    table: str
    source_file: str
    sha256: str
    sheet: RawSheet
    mapped: MappedSheet
    parsed: list[_Parsed] = field(default_factory=list)


def _raw_names(sheets: list[_Sheet]) -> set[str]:
    """Every name cell read (for scrubbing text); ids are never copied into text columns."""
    names: set[str] = set()
    for s in sheets:
        records = s.mapped.records
        for column in NAME_COLUMNS & set(records.columns):
            names |= {str(v) for v in records[column] if not parsing.is_blank(v)}
        if {"first_name", "last_name"} <= set(records.columns):
            names |= {f"{a} {b}" for a, b in zip(records["first_name"], records["last_name"]) if not (parsing.is_blank(a) or parsing.is_blank(b))}
    return names


def _rejected_value(column: str, raw: object, scrub: NameScrubber) -> str:
    if parsing.is_blank(raw):
        return ""
    if column in NAME_COLUMNS:
        return NAME_REMOVED
    if column in ID_COLUMNS:
        return ID_REMOVED
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return scrub.text(str(raw)) or ""


def _rejected_lines(s: _Sheet, parsed: _Parsed, scrub: NameScrubber, mapping: ColumnMapping) -> list[dict[str, object]]:
    lines = []
    for problem in parsed.problems:
        raw = parsed.record.get(problem.column)
        reason = problem.reason
        if not parsing.is_blank(raw) and (problem.column in NAME_COLUMNS | ID_COLUMNS or scrub.contains_name(str(raw))):
            reason = reason.replace(str(raw), NAME_REMOVED if problem.column not in ID_COLUMNS else ID_REMOVED)
        lines.append({
            "dataset": s.table,
            "source_file": s.source_file,
            "sheet": s.sheet.name,
            "source_row": parsed.source_row,
            "column": s.mapped.headers.get(problem.column, mapping.labels.get(problem.column, problem.column)),
            "value": _rejected_value(problem.column, raw, scrub),
            "reason": scrub.text(reason) if scrub.contains_name(reason) else reason,
        })
    return lines


def _flag_lines(table: pd.DataFrame, flags: dict[str, str], dataset: str, year_of: Callable[[Any], object]) -> pd.DataFrame:
    return flag_lines(table, flags, dataset=dataset, describe=lambda row: f"pseudonyymi {row.expert_pseudonym}", year_of=year_of)


def _finish(
    table: str,
    sheets: list[_Sheet],
    kept: dict[tuple[int, int], dict[str, Any]],
    rejected: dict[int, list[dict[str, object]]],
    duplicates: dict[int, list[int]],
    schema: dict[str, str],
) -> CleaningResult:
    """Accounts per sheet, then the combined tables (sheet index i keys the dicts)."""
    cleaned_rows, rejected_lines, skipped_lines, accounts = [], [], [], []
    for i, s in enumerate(sheets):
        rows = [v for (sheet_index, _), v in kept.items() if sheet_index == i]
        cleaned_rows += rows
        lines = rejected.get(i, [])
        rejected_lines += lines
        skipped = [(n, k) for n, k in s.mapped.skipped] + [(n, "duplicate") for n in duplicates.get(i, [])]
        skipped_lines += [
            {"dataset": table, "source_file": s.source_file, "sheet": s.sheet.name, "source_row": n, "kind": k}
            for n, k in sorted(skipped)
        ]
        accounts.append(account_for(
            dataset=table,
            source_file=s.source_file,
            sheet=s.sheet.name,
            sha256=s.sha256,
            rows_read=len(s.sheet.rows),
            cleaned=len(rows),
            rejected=len({line["source_row"] for line in lines}),
            skipped=len(skipped),
        ))
    frame = pd.DataFrame(cleaned_rows)
    if not frame.empty:
        frame = frame.sort_values(["source_file", "sheet", "source_row"], kind="stable")
    return CleaningResult(
        cleaned=conform(frame, schema),
        rejected=pd.DataFrame(rejected_lines, columns=REJECTED_COLUMNS),
        skipped=pd.DataFrame(skipped_lines, columns=SKIPPED_COLUMNS),
        accounts=accounts,
    )


def _clean_register(sheets: list[_Sheet], key: bytes, scrub: NameScrubber, links: RegisterLinks) -> CleaningResult:
    mapping = load_column_mapping(REGISTER)
    kept: dict[tuple[int, int], dict[str, Any]] = {}
    rejected: dict[int, list[dict[str, object]]] = {}
    latest: dict[str, tuple[int, int]] = {}  # pseudonym -> (sheet index, source row) kept
    duplicates: dict[int, list[int]] = {}
    for i, s in enumerate(sheets):
        first_row: dict[str, int] = {}
        for parsed in s.parsed:
            identity = None if parsed.problems else links.resolve(parsed.id_key, parsed.person_name)
            if identity is not None:
                pseudonym = pseudonymise(identity.identity, key)
                if pseudonym in first_row:
                    columns = ["register_id"] if parsed.id_key is not None else []
                    columns += ["name", "last_name", "first_name", "register_id"]
                    parsed.problems.append(RowProblem(
                        next((c for c in columns if c in s.mapped.headers), "register_id"),
                        f"sama henkilö on rekisterissä jo rivillä {first_row[pseudonym]}; poista toinen riveistä",
                    ))
            if parsed.problems:
                rejected.setdefault(i, []).extend(_rejected_lines(s, parsed, scrub, mapping))
                continue
            first_row[pseudonym] = parsed.source_row
            if pseudonym in latest:  # an earlier file: the later file wins
                earlier_sheet, earlier_row = latest.pop(pseudonym)
                kept.pop((earlier_sheet, earlier_row))
                duplicates.setdefault(earlier_sheet, []).append(earlier_row)
            latest[pseudonym] = (i, parsed.source_row)
            values = dict(parsed.values)
            values["training_course"] = scrub.text(values["training_course"])
            kept[(i, parsed.source_row)] = {
                "expert_pseudonym": pseudonym,
                "identity_basis": identity.basis,
                **values,
                "source_file": s.source_file,
                "sheet": s.sheet.name,
                "source_row": parsed.source_row,
            }
    result = _finish(REGISTER, sheets, kept, rejected, duplicates, EXPERIENCE_REGISTER)
    result.flagged = _flag_lines(
        result.cleaned, REGISTER_FLAGS, REGISTER, lambda r: None if pd.isna(r.left) else r.left.year
    )
    return result


def _clean_assignments(sheets: list[_Sheet], key: bytes, scrub: NameScrubber, links: RegisterLinks) -> CleaningResult:
    mapping = load_column_mapping(ASSIGNMENTS)
    kept: dict[tuple[int, int], dict[str, Any]] = {}
    rejected: dict[int, list[dict[str, object]]] = {}
    for i, s in enumerate(sheets):
        for parsed in s.parsed:
            if parsed.problems:
                rejected.setdefault(i, []).extend(_rejected_lines(s, parsed, scrub, mapping))
                continue
            identity = links.resolve(parsed.id_key, parsed.person_name)
            values = dict(parsed.values)
            values["organisation"] = scrub.text(values["organisation"])
            kept[(i, parsed.source_row)] = {
                "year": values.pop("year"),
                "date": values.pop("date"),
                "expert_pseudonym": pseudonymise(identity.identity, key),
                "identity_basis": identity.basis,
                **values,
                "flag_not_in_register": identity.not_in_register,
                "flag_ambiguous_name": identity.ambiguous_name,
                "flag_fee_waived_with_fee": bool(values["fee_waived"] and values["fee_eur"] > 0),
                "source_file": s.source_file,
                "sheet": s.sheet.name,
                "source_row": parsed.source_row,
            }
    result = _finish(ASSIGNMENTS, sheets, kept, rejected, {}, EXPERIENCE_ASSIGNMENTS)
    result.flagged = _flag_lines(result.cleaned, ASSIGNMENT_FLAGS, ASSIGNMENTS, lambda r: r.year)
    return result


def _records(mapped: MappedSheet) -> list[dict[str, object]]:
    """The mapped rows as dicts; pandas' NaT for an empty date cell becomes None."""
    return [{k: None if v is pd.NaT else v for k, v in r.items()} for r in mapped.records.to_dict("records")]


def read_experience_sheets(paths: list[Path], layout: Layout) -> list[_Sheet]:
    """Every non-empty sheet of every file, recognised as a log or a register (raises InputFileError)."""
    mappings = {ASSIGNMENTS: load_column_mapping(ASSIGNMENTS), REGISTER: load_column_mapping(REGISTER)}
    sheets = []
    for path in paths:
        source_file = layout.relative_to_data(path)
        sha256 = file_sha256(path)
        for sheet in read_grids(path):
            if not sheet.rows:
                continue
            table, mapped = recognise_sheet(sheet, source_file, mappings)
            sheets.append(_Sheet(table, source_file, sha256, sheet, mapped))
    return sheets


def clean_experience(
    paths: list[Path],
    layout: Layout,
    domain: Domain | None = None,
    *,
    key: bytes | None = None,
    config: ExperienceConfig | None = None,
) -> dict[str, CleaningResult]:
    """Clean every experience export: {"experience_assignments": ..., "experience_register": ...}.

    The pseudonymisation key is `key`, or privacy.load_or_create_key(layout.data)."""
    del domain  # the region is the whole county; nothing to look up per row
    config = config or load_experience_config()
    sheets = read_experience_sheets(paths, layout)
    key = key if key is not None else load_or_create_key(layout.data)
    scrub = NameScrubber(_raw_names(sheets))
    registers = [s for s in sheets if s.table == REGISTER]
    logs = [s for s in sheets if s.table == ASSIGNMENTS]
    for s in registers:
        s.parsed = [parse_register_row(r, config) for r in _records(s.mapped)]
    for s in logs:
        s.parsed = [parse_assignment(r, config) for r in _records(s.mapped)]
    links = build_links([(p.id_key, p.person_name) for s in registers for p in s.parsed if not p.problems])
    return {
        ASSIGNMENTS: _clean_assignments(logs, key, scrub, links),
        REGISTER: _clean_register(registers, key, scrub, links),
    }


def experience_files(layout: Layout) -> list[Path]:
    return list_raw_files(layout.raw_dir(DATASET))


# --- indicators ----------------------------------------------------------------------------

# measure -> (indicator id, unit); "persons" is the person count that drives suppression.
MEASURES = {
    "persons": ("experience_active_experts", PERSONS),
    "assignments": ("experience_assignments", COUNT),
    "hours": ("experience_hours", HOURS),
    "fees": ("experience_fees_eur", EUR),
    "costs": ("experience_costs_eur", EUR),
    "volunteer_hours": ("experience_volunteer_hours", HOURS),
}
TOTAL = "__total__"


def _measures(a: pd.DataFrame) -> dict[str, float]:
    return {
        "persons": float(a["expert_pseudonym"].nunique()),
        "assignments": float(len(a)),
        "hours": float(a["hours"].sum()),
        "fees": float(a["fee_eur"].sum()),
        "costs": float(a["costs_eur"].sum()),
        "volunteer_hours": float(a.loc[a["fee_waived"].astype(bool), "hours"].sum()),
    }


def _breakdown_frame(a: pd.DataFrame, column: str, categories: dict[str, object]) -> pd.DataFrame:
    """Rows: the total, then one per category id (all listed categories, zero when absent)."""
    rows = {TOTAL: _measures(a)}
    for category_id, value in categories.items():
        subset = a.loc[a[column].isna()] if value is None else a.loc[a[column] == value]
        rows[category_id] = _measures(subset)
    return pd.DataFrame.from_dict(rows, orient="index")


def _registered_during(register: pd.DataFrame, year: int) -> pd.Series:
    start = register["joined"].where(
        register["joined"].notna(),
        pd.to_datetime(register["training_year"].astype("Int64").astype(str) + "-01-01", errors="coerce"),
    )
    end_of_year, start_of_year = pd.Timestamp(year, 12, 31), pd.Timestamp(year, 1, 1)
    return (start <= end_of_year) & (register["left"].isna() | (register["left"] >= start_of_year))


def experience_indicators(
    assignments: pd.DataFrame,
    register: pd.DataFrame,
    population: pd.DataFrame,
    domain: Domain | None = None,
    *,
    config: ExperienceConfig | None = None,
    suppress: bool = True,
    years: list[int] | None = None,
) -> pd.DataFrame:
    """Yearly experience indicators for the region (tidy rows; see the module docstring).

    With `suppress` (the default, and always for publishing) small person counts and the
    figures of their cells are markers ("<5", "x") instead of numbers."""
    domain = domain or load_domain()
    config = config or load_experience_config()
    region = domain.region_code
    years = sorted(years if years is not None else {int(y) for y in assignments["year"].unique()})
    if not years:
        return tidy([])
    denominators = population_denominators(population, years, [region]).set_index("year")
    role_categories = {f"role_{r}": r for r in config.role_labels}
    rows: list[dict] = []
    persons_by_year: dict[int, set[str]] = {}
    totals_by_year: dict[int, dict[str, object]] = {}

    def small(count: float) -> object:
        return config.marker if suppress and 1 <= count < config.threshold else count

    for year in years:
        a = assignments.loc[assignments["year"] == year]
        persons_by_year[year] = set(a["expert_pseudonym"])
        area_categories: dict[str, object] = {f"service_area_{s}": label for s, label in config.service_area_labels.items()}
        if a["service_area"].isna().any():
            area_categories[f"service_area_{UNKNOWN_AREA}"] = None
        frames = [_breakdown_frame(a, "role", role_categories), _breakdown_frame(a, "service_area", area_categories)]
        if suppress:
            frames = [
                suppress_counts(
                    f, ["persons"], total=TOTAL, measure_columns=[m for m in MEASURES if m != "persons"],
                    threshold=config.threshold, marker=config.marker, complementary_marker=config.complementary_marker,
                )
                for f in frames
            ]
            # The total is one figure: hidden in one breakdown means hidden everywhere.
            hidden = [f for f in frames if f.at[TOTAL, SUPPRESSION_COLUMN] is not None]
            if hidden:
                for f in frames:
                    f.loc[TOTAL] = hidden[0].loc[TOTAL]
        totals = frames[0].loc[TOTAL].to_dict()
        totals_by_year[year] = totals
        for measure, (indicator, unit) in MEASURES.items():
            rows += _rows(indicator, year, {region: _value(totals[measure])}, unit)
        for f in frames:
            for category in f.index.drop(TOTAL):
                for measure, (indicator, unit) in MEASURES.items():
                    rows += _rows(f"{indicator}:{category}", year, {region: _value(f.at[category, measure])}, unit)

        population_used = denominators.at[year, "population"]
        if not pd.isna(population_used):
            provisional = bool(denominators.at[year, "provisional"])
            for measure, indicator in (("persons", "experience_active_per_10000"), ("hours", "experience_hours_per_10000")):
                total = totals[measure]
                value = config.complementary_marker if isinstance(total, str) else float(total) / float(population_used) * 10_000
                rows += _rows(indicator, year, {region: value}, PER_10000, provisional)

        if year - 1 in persons_by_year:
            both = len(persons_by_year[year] & persons_by_year[year - 1])
            rows += _rows("experience_active_both_years", year, {region: _value(small(both))}, PERSONS)
            previous = totals_by_year[year - 1]
            for measure, indicator in (("assignments", "experience_assignments_change"), ("hours", "experience_hours_change")):
                now, before = totals[measure], previous[measure]
                if isinstance(now, str) or isinstance(before, str):
                    rows += _rows(indicator, year, {region: config.complementary_marker}, RATIO)
                elif before > 0:
                    rows += _rows(indicator, year, {region: float(now) / float(before) - 1}, RATIO)

        if not register.empty:
            registered = register.loc[_registered_during(register, year), "expert_pseudonym"].nunique()
            trained = register.loc[register["training_year"] == year, "expert_pseudonym"].nunique()
            rows += _rows("experience_registered_experts", year, {region: _value(small(registered))}, PERSONS)
            rows += _rows("experience_newly_trained", year, {region: _value(small(trained))}, PERSONS)
    return tidy(rows)


def _value(value: object) -> object:
    """A marker stays text; a number becomes float."""
    return value if isinstance(value, str) else float(value)  # type: ignore[arg-type]


# --- report tables (what the notebook shows) ---------------------------------------------------

SUPPRESSION_NOTE = (
    "Tietosuoja: alle viiden henkilön lukumäärät näytetään merkinnällä '<5'. Samalla rivillä "
    "olevat tunnit, tehtävät ja eurot sekä luvut, joista pienen luvun voisi laskea erotuksena "
    "yhteissummasta, näytetään merkinnällä 'x' (salattu). Kokemusasiantuntijoiden nimiä tai "
    "tunnuksia ei tallenneta käsiteltyihin tietoihin; henkilöt yhdistetään vuosien välillä "
    "avaimellisella pseudonyymillä."
)
METHOD_NOTE = (
    "Aktiivinen kokemusasiantuntija on tehnyt vuoden aikana vähintään yhden tehtävän. "
    "Rekisterissä vuoden aikana ovat ne, jotka ovat liittyneet viimeistään vuoden lopussa eivätkä "
    "ole poistuneet ennen vuoden alkua. Vapaaehtoistunnit ovat tehtäviä, joiden palkkiosta "
    "kokemusasiantuntija on luopunut. Kulut ovat matka- ja muita kulukorvauksia. Asukaslukuun "
    "suhteutetuissa luvuissa jakajana on Kainuun väkiluku vuoden lopussa (Tilastokeskus); jos sitä "
    "ei ole vielä julkaistu, käytetään viimeisintä väkilukua ja luku merkitään ennakolliseksi (*). "
    "Henkilö voi toimia useassa roolissa ja usealla palvelualueella, joten roolien ja palvelualueiden "
    "henkilömäärät eivät summaudu kokonaismäärään."
)
MEASURE_LABELS = {
    "persons": "Aktiivisia kokemusasiantuntijoita",
    "assignments": "Tehtäviä",
    "hours": "Tunteja",
    "fees": "Palkkiot (€)",
    "costs": "Kulut (€)",
    "volunteer_hours": "Vapaaehtoistunteja",
}


def indicator_cell(indicators: pd.DataFrame, indicator: str, period: object, area: str) -> tuple[float | str | None, bool]:
    """(value, provisional): a float, a suppression marker (text), or None when absent."""
    hit = indicators.loc[
        (indicators["indicator"] == indicator) & (indicators["period"] == str(period)) & (indicators["area"] == area)
    ]
    if hit.empty:
        return None, False
    raw = hit["value"].iloc[0]
    provisional = bool(hit["provisional"].iloc[0])
    if isinstance(raw, str):
        try:
            return float(raw), provisional
        except ValueError:
            return raw.strip(), provisional
    return (None if pd.isna(raw) else float(raw)), provisional


def numeric_value(value: object) -> float:
    """A figure for a chart: suppressed or missing -> NaN (the bar is left out)."""
    return value if isinstance(value, float) else math.nan


def _formatter(measure: str) -> Callable[[float], str]:
    from kainuu_metrics.report.charts import format_eur, format_number

    if measure in ("fees", "costs"):
        return format_eur
    if measure in ("hours", "volunteer_hours"):
        return lambda v: format_number(v, 1 if v % 1 else 0)
    return format_number


def _display(value: float | str | None, fmt: Callable[[float], str], provisional: bool = False) -> str:
    from kainuu_metrics.report.charts import MISSING

    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    return fmt(value) + (" *" if provisional else "")


def has_year(indicators: pd.DataFrame, year: int, region: str) -> bool:
    return indicator_cell(indicators, "experience_assignments", year, region)[0] is not None


def key_figures(indicators: pd.DataFrame, year: int, region: str) -> pd.DataFrame:
    """The year's headline figures as Finnish text, suppression markers kept."""
    from kainuu_metrics.report.charts import format_change, format_number

    def cell(indicator: str, fmt: Callable[[float], str]) -> str:
        value, provisional = indicator_cell(indicators, indicator, year, region)
        return _display(value, fmt, provisional)

    hours = _formatter("hours")
    rows = [
        ("Rekisterissä vuoden aikana", cell("experience_registered_experts", format_number)),
        ("Uusia koulutettuja", cell("experience_newly_trained", format_number)),
        ("Aktiivisia kokemusasiantuntijoita", cell("experience_active_experts", format_number)),
        ("Aktiivisia 10 000 asukasta kohden", cell("experience_active_per_10000", lambda v: format_number(v, 1))),
        ("Aktiivisia sekä tänä että edellisenä vuonna", cell("experience_active_both_years", format_number)),
        ("Tehtäviä", cell("experience_assignments", format_number)),
        ("Tehtävien muutos edellisestä vuodesta", cell("experience_assignments_change", format_change)),
        ("Tunteja", cell("experience_hours", hours)),
        ("Tuntien muutos edellisestä vuodesta", cell("experience_hours_change", format_change)),
        ("Tunteja 10 000 asukasta kohden", cell("experience_hours_per_10000", lambda v: format_number(v, 1))),
        ("Vapaaehtoistunteja (palkkiosta luovuttu)", cell("experience_volunteer_hours", hours)),
        ("Palkkiot", cell("experience_fees_eur", _formatter("fees"))),
        ("Matka- ja muut kulut", cell("experience_costs_eur", _formatter("costs"))),
    ]
    return pd.DataFrame(rows, columns=["Tunnusluku", "Arvo"])


def category_labels(dimension: str, config: ExperienceConfig) -> dict[str, str]:
    """Category id in indicator ids -> Finnish label, for 'role' or 'service_area'."""
    if dimension == "role":
        return {f"role_{k}": v for k, v in config.role_labels.items()}
    labels = {f"service_area_{k}": v for k, v in config.service_area_labels.items()}
    labels[f"service_area_{UNKNOWN_AREA}"] = UNKNOWN_AREA_LABEL
    return labels


def _breakdown_cells(indicators: pd.DataFrame, dimension: str, year: int, region: str, config: ExperienceConfig) -> list[tuple[str, dict[str, float | str | None]]]:
    cells = []
    for category, label in category_labels(dimension, config).items():
        values = {m: indicator_cell(indicators, f"{indicator}:{category}", year, region)[0] for m, (indicator, _) in MEASURES.items()}
        if all(v is None for v in values.values()):
            continue
        cells.append((label, values))
    return cells


def breakdown_values(indicators: pd.DataFrame, dimension: str, year: int, region: str, config: ExperienceConfig) -> pd.DataFrame:
    """Numbers by role or service area for charts: suppressed figures are NaN and the category
    label says "(salattu)", so that a missing bar is explained on the axis."""
    label_column = "Rooli" if dimension == "role" else "Palvelualue"
    rows = []
    for label, values in _breakdown_cells(indicators, dimension, year, region, config):
        suppressed = any(isinstance(v, str) for v in values.values())
        shown = f"{label} (salattu)" if suppressed else label
        rows.append({label_column: shown, **{MEASURE_LABELS[m]: numeric_value(v) for m, v in values.items()}})
    return pd.DataFrame(rows, columns=[label_column, *MEASURE_LABELS.values()])


def breakdown_display(indicators: pd.DataFrame, dimension: str, year: int, region: str, config: ExperienceConfig) -> pd.DataFrame:
    """The same breakdown as Finnish text for a table, markers ('<5', 'x') kept."""
    label_column = "Rooli" if dimension == "role" else "Palvelualue"
    rows = [
        {label_column: label, **{MEASURE_LABELS[m]: _display(v, _formatter(m)) for m, v in values.items()}}
        for label, values in _breakdown_cells(indicators, dimension, year, region, config)
    ]
    return pd.DataFrame(rows, columns=[label_column, *MEASURE_LABELS.values()])


TREND_INDICATORS = {
    "experience_active_experts": "Aktiivisia kokemusasiantuntijoita",
    "experience_registered_experts": "Rekisterissä vuoden aikana",
    "experience_assignments": "Tehtäviä",
    "experience_hours": "Tunteja",
    "experience_volunteer_hours": "Vapaaehtoistunteja",
}


def trend(indicators: pd.DataFrame, region: str, up_to: int | None = None) -> pd.DataFrame:
    """Headline figures over every year with data (long format): vuosi, tunnusluku, arvo, näytetään."""
    rows = []
    periods = sorted({p for p in indicators.loc[indicators["indicator"] == "experience_assignments", "period"] if str(p).isdigit()})
    for period in periods:
        year = int(period)
        if up_to is not None and year > up_to:
            continue
        for indicator, label in TREND_INDICATORS.items():
            value, _ = indicator_cell(indicators, indicator, year, region)
            if value is None:
                continue
            rows.append({
                "vuosi": year,
                "tunnusluku": label,
                "arvo": numeric_value(value),
                "näytetään": _display(value, _formatter("hours") if "hours" in indicator else _formatter("persons")),
            })
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
    return out.fillna("–").astype({"Vuosi": str})
