"""Yhteistyö-Tuokio evaluations: reading filled forms back, scoring, indicators and the
report tables the notebook shows.

The form (written by tuokio_template.write_tuokio_template) has a hidden "meta" sheet with the
template id, version, scale and criteria, and a hidden key column (A) that names every input
row: "rating:<criterion>", "agreed:<criterion>", "goal:<n>", "followup:<n>", "actor_type",
"role". The reader finds answers by those keys in a layout fixed per template version
(LAYOUTS), never by guessing.

Method (also shown in the report, see `method_note`):
- A rating is the stage number 1..N of the configured scale; "ei arvioitu" is counted but not
  scored; a blank rating on a filled form is counted as "ei vastausta" and flagged.
- A criterion's stage is its mean rounded to the nearest stage, halves up (3,5 -> 4).
- The index is the mean of the criterion means (criteria with at least one rating), also
  expressed as 0–100: (mean - 1) / (N - 1) * 100. config/tuokio.yaml says which is published.
- Actor types with fewer than `min_group_size` respondents are pooled with the other small
  groups (and, if the pool is still too small, with the smallest large group), so that no
  group mean of fewer respondents can be read or derived from the total.
- One form is one respondent (a participant or a group filling one form together). Two forms
  with identical answers and background details in one evaluation, or the same file twice,
  are read once; the second is rejected with a reason naming the first.
- Free texts: the summary sheet's agreed texts are published. Participants' own texts are
  published only when `publish_participant_texts` is on (default off), then without any
  background details, sorted by text, and only for evaluations with at least `min_group_size`
  respondents. The role is never published.
- A year's indicators come from that year's latest evaluation.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets.accounting import (
    FLAGGED_COLUMNS,
    REJECTED_COLUMNS,
    SKIPPED_COLUMNS,
    CleaningResult,
    account_for,
    file_sha256,
)
from kainuu_metrics.settings import load_yaml, normalise_key
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.datasets.parsing import is_blank, parse_finnish_date
from kainuu_metrics.paths import CONFIG_DIR, Layout
from kainuu_metrics.datasets.readers import read_xlsx_grids
from kainuu_metrics.datasets.schemas import TUOKIO_AGREED, TUOKIO_GOAL_FOLLOWUPS, TUOKIO_GOALS, TUOKIO_RATINGS, conform

DATASET = "tuokio"
CONFIG_FILE = "tuokio.yaml"
TEMPLATE_COMMAND = "kainuu-metrics template tuokio LOMAKE.xlsx"

RATED, NOT_ASSESSED, NO_ANSWER = "arvioitu", "ei arvioitu", "ei vastausta"
FORM_SUFFIXES = {".xlsx", ".xlsm"}
WRONG_FORMAT_SUFFIXES = {".xls", ".ods", ".csv", ".numbers"}
INDEX_UNITS = {"0-100": "index_0_100", "stage": "stage_mean"}
POOLED_PREFIX = "Yhdistetty"
UNKNOWN_ACTOR_LABEL = "Toimijataho ei tiedossa"


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    number: int  # 1..N, the position in the configured scale
    name: str
    description: str
    label: str  # as shown in the drop-down, e.g. "1 – Alkuvaihe"


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class TuokioConfig:
    """config/tuokio.yaml as typed values."""

    template_id: str
    template_version: int
    readable_versions: tuple[int, ...]
    goal_rows: int
    stages: tuple[Stage, ...]
    not_assessed: tuple[str, ...]  # first spelling goes into the drop-down
    scale_note: str
    criteria: tuple[Criterion, ...]
    actor_types: dict[str, str]  # id -> label, in config order
    actor_lookup: dict[str, str]  # normalised spelling -> id
    goal_statuses: tuple[str, ...]
    min_group_size: int
    index_published: str  # "0-100" | "stage"
    divergence_threshold: float
    publish_participant_texts: bool

    @property
    def n_stages(self) -> int:
        return len(self.stages)

    @property
    def stage_labels(self) -> list[str]:
        return [s.label for s in self.stages]

    @property
    def rating_choices(self) -> list[str]:
        """The drop-down of a rating cell: every stage label, then "ei arvioitu"."""
        return [*self.stage_labels, self.not_assessed[0]]

    @property
    def criterion_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.criteria}

    def stage(self, number: int) -> Stage:
        return self.stages[number - 1]


def _config_error(path: Path, problem: str) -> ConfigError:
    return ConfigError(f"Asetustiedosto {path}: {problem}")


@cache
def load_tuokio_config(config_dir: Path = CONFIG_DIR) -> TuokioConfig:
    """Read and check config/tuokio.yaml (raises ConfigError with a Finnish message)."""
    path = config_dir / CONFIG_FILE
    raw = load_yaml(CONFIG_FILE, config_dir)
    try:
        return tuokio_config_from_dict(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise _config_error(path, f"{exc}") from exc


def tuokio_config_from_dict(raw: dict[str, Any]) -> TuokioConfig:
    """Build the configuration from the YAML structure (raises ValueError in Finnish)."""
    template, scale, reporting = raw["template"], raw["scale"], raw.get("reporting", {})
    label_format = scale.get("label_format", "{number} – {name}")
    stages = tuple(
        Stage(i, str(s["name"]).strip(), " ".join(str(s.get("description", "")).split()), label_format.format(number=i, name=str(s["name"]).strip()))
        for i, s in enumerate(scale["stages"], start=1)
    )
    if len(stages) < 2:
        raise ValueError("asteikossa (scale.stages) pitää olla vähintään kaksi vaihetta")
    criteria = tuple(
        Criterion(str(c["id"]), str(c["name"]).strip(), " ".join(str(c.get("description", "")).split()))
        for c in raw["criteria"]
    )
    ids = [c.id for c in criteria]
    if not criteria or len(set(ids)) != len(ids):
        raise ValueError("kriteerien (criteria) tunnisteiden pitää olla yksilöllisiä, ja kriteerejä pitää olla ainakin yksi")
    if any(not re.fullmatch(r"[a-z0-9_]+", i) for i in ids):
        raise ValueError("kriteerin tunnisteessa (id) saa olla vain pieniä kirjaimia a–z, numeroita ja alaviivoja")
    actor_types: dict[str, str] = {}
    actor_lookup: dict[str, str] = {}
    for actor_id, spec in raw["actor_types"].items():
        actor_types[str(actor_id)] = str(spec["label"])
        for alias in [actor_id, spec["label"], *(spec.get("aliases") or [])]:
            actor_lookup[normalise_key(str(alias))] = str(actor_id)
    not_assessed = tuple(str(a) for a in scale.get("not_assessed") or ["ei arvioitu"])
    published = str(reporting.get("index_published", "0-100"))
    if published not in INDEX_UNITS:
        raise ValueError(f"reporting.index_published on '{published}'; sallitut arvot: {', '.join(INDEX_UNITS)}")
    min_group = int(reporting.get("min_group_size", 3))
    if min_group < 1:
        raise ValueError("reporting.min_group_size pitää olla vähintään 1")
    version = int(template["version"])
    return TuokioConfig(
        template_id=str(template["id"]),
        template_version=version,
        readable_versions=tuple(int(v) for v in template.get("readable_versions") or [version]),
        goal_rows=int(template.get("goal_rows", 12)),
        stages=stages,
        not_assessed=not_assessed,
        scale_note=" ".join(str(scale.get("note_fi", "")).split()),
        criteria=criteria,
        actor_types=actor_types,
        actor_lookup=actor_lookup,
        goal_statuses=tuple(str(s) for s in raw["goal_statuses"]),
        min_group_size=min_group,
        index_published=published,
        divergence_threshold=float(reporting.get("divergence_threshold", 1.0)),
        publish_participant_texts=bool(reporting.get("publish_participant_texts", False)),
    )


# --- the form's layout -------------------------------------------------------------------------


@dataclass(frozen=True)
class FormLayout:
    """Where a template version keeps its answers: 1-based columns of each keyed row kind.

    Rows are found by the key in `key_column`; the sheet kind by the marker in its first row."""

    version: int
    key_column: int
    participant_marker: str
    summary_marker: str
    detail_column: int  # value column of the "actor_type" and "role" rows
    rating_columns: dict[str, int]
    agreed_columns: dict[str, int]
    goal_columns: dict[str, int]
    followup_columns: dict[str, int]
    labels: dict[str, str]  # field -> header text on the form (used in messages)


LAYOUT_V1 = FormLayout(
    version=1,
    key_column=1,
    participant_marker="tuokio:arviointi",
    summary_marker="tuokio:yhteenveto",
    detail_column=3,
    rating_columns={"name": 2, "description": 3, "rating": 4, "strengths": 5, "challenges": 6, "development_needs": 7},
    agreed_columns={"name": 2, "rating": 3, "strengths": 4, "challenges": 5, "development_needs": 6},
    goal_columns={"number": 2, "goal": 3, "action": 4, "criterion": 5, "owner": 6, "deadline": 7, "status": 8},
    followup_columns={"previous_number": 2, "goal": 3, "status": 4, "notes": 5},
    labels={
        "actor_type": "Toimijataho",
        "role": "Rooli tai tehtävä",
        "name": "Kriteeri",
        "description": "Kuvaus",
        "rating": "Arvio",
        "agreed_rating": "Yhteisesti sovittu arvio",
        "strengths": "Vahvuudet",
        "challenges": "Haasteet",
        "development_needs": "Kehittämistarpeet",
        "number": "Nro",
        "goal": "Kehittämistavoite",
        "action": "Toimenpide",
        "criterion": "Kriteeri",
        "owner": "Vastuutaho",
        "deadline": "Aikataulu",
        "status": "Tila",
        "previous_number": "Edellisen arvioinnin tavoitteen nro",
        "followup_goal": "Tavoite",
        "followup_status": "Tila nyt",
        "notes": "Huomiot",
    },
)
LAYOUTS: dict[int, FormLayout] = {1: LAYOUT_V1}


def layout_for(version: int) -> FormLayout:
    """The layout of a template version: the newest layout introduced at or before it (a version
    raised in the configuration for a new scale or criteria keeps the cells where they were)."""
    known = [v for v in LAYOUTS if v <= version]
    if not known:
        raise ConfigError(f"Lomakepohjan versiolle {version} ei ole rakennetta ohjelmassa.")
    return LAYOUTS[max(known)]
META_SHEET = "meta"
PARTICIPANT_SHEET = "Arviointi"
SUMMARY_SHEET = "Yhteenveto"
INSTRUCTIONS_SHEET = "Ohjeet"
TEXT_FIELDS = ("strengths", "challenges", "development_needs")


# --- value parsers (raise ValueError with a Finnish message) -----------------------------------

_RATING = re.compile(r"^(\d+)(?:[.,]0+)?(?:\s*[–—-]\s*(.*))?$")


def parse_rating(value: object, config: TuokioConfig, form_labels: tuple[str, ...] = ()) -> tuple[str, int | None]:
    """A rating cell -> (answer status, stage number or None).

    >>> config = load_tuokio_config()
    >>> parse_rating("3 – Toimiva", config), parse_rating(4, config), parse_rating("ei arvioitu", config)
    (('arvioitu', 3), ('arvioitu', 4), ('ei arvioitu', None))
    """
    if is_blank(value):
        return NO_ANSWER, None
    n = config.n_stages
    choices = ", ".join(f"'{label}'" for label in config.stage_labels)
    problem = (
        f"arvio '{value}' ei ole arviointiasteikolla (vaiheet 1–{n}). Valitse arvio lomakkeen "
        f"alasvetovalikosta ({choices}) tai '{config.not_assessed[0]}'"
    )
    if isinstance(value, bool):
        raise ValueError(problem)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1 <= int(value) <= n:
            return RATED, int(value)
        raise ValueError(problem)
    text = normalise_key(str(value)).replace("—", "–")
    if text in {normalise_key(a) for a in config.not_assessed}:
        return NOT_ASSESSED, None
    for stage in config.stages:
        if text in {normalise_key(stage.label), normalise_key(stage.name)}:
            return RATED, stage.number
    for number, label in enumerate(form_labels, start=1):
        if text == normalise_key(label) and number <= n:
            return RATED, number
    if match := _RATING.match(text):
        number, name = int(match.group(1)), (match.group(2) or "").strip()
        if 1 <= number <= n and (not name or name == normalise_key(config.stage(number).name)):
            return RATED, number
    raise ValueError(problem)


def parse_actor_type(value: object, config: TuokioConfig) -> str | None:
    """'Järjestön edustaja' -> 'järjestö'; blank -> None."""
    if is_blank(value):
        return None
    found = config.actor_lookup.get(normalise_key(str(value)))
    if found is None:
        labels = ", ".join(config.actor_types.values())
        raise ValueError(f"toimijataho '{value}' ei ole luettelossa ({labels})")
    return found


def parse_goal_status(value: object, config: TuokioConfig) -> str | None:
    if is_blank(value):
        return None
    lookup = {normalise_key(s): s for s in config.goal_statuses}
    found = lookup.get(normalise_key(str(value)))
    if found is None:
        raise ValueError(f"tila '{value}' ei ole luettelossa ({', '.join(config.goal_statuses)}). Valitse tila alasvetovalikosta")
    return found


def parse_criterion(value: object, config: TuokioConfig) -> str | None:
    """A criterion named by its name or id -> its id."""
    if is_blank(value):
        return None
    lookup = {normalise_key(c.name): c.id for c in config.criteria} | {normalise_key(c.id): c.id for c in config.criteria}
    found = lookup.get(normalise_key(str(value)))
    if found is None:
        names = ", ".join(c.name for c in config.criteria)
        raise ValueError(f"kriteeri '{value}' ei ole luettelossa ({names}). Valitse kriteeri alasvetovalikosta tai jätä tyhjäksi")
    return found


def parse_deadline(value: object) -> tuple[str | None, dt.date | None]:
    """A deadline as written ('kevät 2026') or as a date -> (text shown, date when it is one)."""
    if is_blank(value):
        return None, None
    if isinstance(value, (dt.datetime, dt.date)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f"{day.day}.{day.month}.{day.year}", day
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    try:
        day = parse_finnish_date(text)
    except ValueError:
        day = None
    return text, day


_FOLDER_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})(?:[ _].*)?$")


def evaluation_date_from_folder(name: str) -> dt.date:
    """'2025-11-12' or '12.11.2025' (optionally followed by ' ' or '_' and text) -> the date.

    >>> evaluation_date_from_folder("12.11.2025"), evaluation_date_from_folder("2024-11-14_syksy")
    (datetime.date(2025, 11, 12), datetime.date(2024, 11, 14))
    """
    match = _FOLDER_DATE.match(name.strip())
    if not match:
        raise ValueError(f"kansion nimi '{name}' ei ala päivämäärällä")
    day = parse_finnish_date(match.group(1))
    assert day is not None
    return day


def _text(value: object) -> str | None:
    """Free text as written (inner line breaks kept); numbers as text; blank -> None."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = f"{value.day}.{value.month}.{value.year}"
    lines = [" ".join(line.split()) for line in str(value).strip().splitlines()]
    return "\n".join(line for line in lines if line) or None


def _key(value: object) -> str:
    return "" if is_blank(value) else normalise_key(str(value))


# --- reading a form (I/O edge) -----------------------------------------------------------------


@dataclass(frozen=True)
class KeyedRow:
    """One row of a form sheet that has a key in the hidden key column."""

    number: int  # 1-based row number in the sheet
    key: str
    cells: tuple[object, ...]  # from column A on

    def cell(self, column: int) -> object:
        return self.cells[column - 1] if column - 1 < len(self.cells) else None


@dataclass(frozen=True)
class FormSheet:
    name: str
    kind: str  # "participant" | "summary"
    rows: tuple[KeyedRow, ...]


@dataclass(frozen=True)
class FormContent:
    """What a filled form holds: its meta values and its keyed rows."""

    meta: dict[str, object]
    scale_labels: tuple[str, ...]  # the stage labels the form was made with
    sheets: tuple[FormSheet, ...]


_MARKERS = {LAYOUT_V1.participant_marker: "participant", LAYOUT_V1.summary_marker: "summary"}
_MAX_COLUMN = 12


def _new_form_fix() -> str:
    return (
        f"Tee uusi lomake komennolla '{TEMPLATE_COMMAND}', kopioi vastaukset siihen ja tallenna se "
        "arviointipäivän kansioon."
    )


def read_form(path: Path, file_label: str) -> FormContent:
    """Read a filled Yhteistyö-Tuokio form (raises InputFileError for a file that is not one)."""
    try:
        workbook = read_xlsx_grids(path)
    except InputFileError as error:
        raise InputFileError(file_label, error.problem, "Avaa lomake Excelissä ja tallenna se uudelleen .xlsx-muodossa.") from error
    meta_sheet = next((sheet for sheet in workbook if sheet.name.casefold() == META_SHEET), None)
    if meta_sheet is None:
        raise InputFileError(
            file_label,
            "tiedosto ei ole tällä ohjelmalla tehty Yhteistyö-Tuokio-lomake (piilotettu meta-välilehti puuttuu)",
            _new_form_fix(),
        )
    meta: dict[str, object] = {}
    labels: list[str] = []
    for _, row in meta_sheet.rows:
        key, value = row[0], row[1] if len(row) > 1 else None
        if isinstance(key, str) and key.strip():
            meta[key.strip()] = value
        if len(row) > 3 and isinstance(row[3], str) and row[3].strip():
            labels.append(row[3].strip())
    sheets = []
    for sheet in workbook:
        if sheet is meta_sheet or not sheet.rows:
            continue
        rows = [(number, tuple(cells[:_MAX_COLUMN]) + (None,) * (_MAX_COLUMN - len(cells))) for number, cells in sheet.rows]
        marker = rows[0][1][0] if rows[0][0] == 1 else None
        kind = _MARKERS.get(str(marker).strip()) if isinstance(marker, str) else None
        if kind is None:
            continue
        keyed = tuple(
            KeyedRow(number, cells[0].strip(), cells)
            for number, cells in rows
            if number > 1 and isinstance(cells[0], str) and cells[0].strip()
        )
        sheets.append(FormSheet(sheet.name, kind, keyed))
    return FormContent(meta=meta, scale_labels=tuple(labels[1:]), sheets=tuple(sheets))


def check_template(content: FormContent, file_label: str, config: TuokioConfig) -> tuple[FormLayout, str | None]:
    """The layout to read the form with, and a Finnish note when it is an older readable version.

    Raises InputFileError for another template, an unknown or unreadable version, or a scale
    whose number of stages differs from the configuration."""
    template_id = content.meta.get("template_id")
    if template_id == config.template_id and not content.sheets:
        raise InputFileError(
            file_label,
            f"lomakkeelta puuttuvat vastausvälilehdet ('{PARTICIPANT_SHEET}' ja '{SUMMARY_SHEET}')",
            _new_form_fix(),
        )
    if template_id != config.template_id:
        raise InputFileError(
            file_label,
            f"tiedosto ei ole Yhteistyö-Tuokio-lomake (lomakepohjan tunniste on '{template_id}', odotettu '{config.template_id}')",
            _new_form_fix(),
        )
    try:
        version = int(str(content.meta.get("template_version")))
    except ValueError:
        raise InputFileError(file_label, "lomakepohjan versio puuttuu tai on virheellinen", _new_form_fix()) from None
    if version > config.template_version:
        raise InputFileError(
            file_label,
            f"lomake on tehty uudemmalla lomakepohjalla (versio {version}) kuin tämä ohjelma tuntee (versio {config.template_version})",
            "Päivitä kainuu-metrics-ohjelma uusimpaan versioon tai tee lomake tämän ohjelman komennolla "
            f"'{TEMPLATE_COMMAND}'.",
        )
    if version not in config.readable_versions:
        raise InputFileError(
            file_label,
            f"lomake on tehty vanhalla lomakepohjalla (versio {version}), jota ei enää voi lukea "
            f"(nykyinen versio {config.template_version})",
            _new_form_fix(),
        )
    try:
        stages = int(str(content.meta.get("scale_stages")))
    except ValueError:
        stages = len(content.scale_labels)
    if stages != config.n_stages:
        raise InputFileError(
            file_label,
            f"lomakkeen arviointiasteikossa on {stages} vaihetta, asetuksissa {config.n_stages}; "
            "arviot eivät ole vertailukelpoisia",
            _new_form_fix() + " Arvioi kriteerit uuden lomakkeen asteikolla.",
        )
    note = None
    if version != config.template_version:
        note = f"lomake on tehty vanhemmalla lomakepohjalla (versio {version}, nykyinen {config.template_version}); se on luettu version {version} rakenteen mukaan"
    return layout_for(version), note


# --- parsing the sheets of one form (pure) -----------------------------------------------------


@dataclass
class SheetParse:
    """The outcome of one form sheet: cleaned rows per table, and everything set aside."""

    ratings: list[dict[str, Any]] = field(default_factory=list)
    agreed: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    fingerprint: tuple = ()
    filled: bool = False

    @property
    def cleaned_count(self) -> int:
        return len(self.ratings) + len(self.agreed) + len(self.goals) + len(self.followups)

    @property
    def rejected_count(self) -> int:
        return len({r["source_row"] for r in self.rejected})


@dataclass(frozen=True)
class FormContext:
    source_file: str
    sheet: str
    evaluation_date: dt.date
    template_version: int

    def provenance(self, row: int) -> dict[str, Any]:
        return {"source_file": self.source_file, "sheet": self.sheet, "source_row": row}

    def base(self) -> dict[str, Any]:
        return {"evaluation_date": self.evaluation_date, "year": self.evaluation_date.year}


def _reject(ctx: FormContext, row: int, column: str, value: object, reason: str) -> dict[str, Any]:
    return {
        "dataset": DATASET,
        **ctx.provenance(row),
        "column": column,
        "value": "" if is_blank(value) else str(value),
        "reason": reason,
    }


def _skip(ctx: FormContext, row: int, kind: str) -> dict[str, Any]:
    return {"dataset": DATASET, **ctx.provenance(row), "kind": kind}


def _flag(ctx: FormContext, row: int | None, flag: str, reason: str) -> dict[str, Any]:
    return {"dataset": DATASET, **ctx.provenance(row), "source_row": row, "year": ctx.evaluation_date.year, "flag": flag, "reason": reason}


def _rows_with_prefix(sheet: FormSheet, prefix: str) -> list[tuple[str, KeyedRow]]:
    return [(row.key.split(":", 1)[1], row) for row in sheet.rows if row.key.startswith(prefix)]


def parse_participant_sheet(
    sheet: FormSheet, ctx: FormContext, layout: FormLayout, config: TuokioConfig, form_labels: tuple[str, ...] = ()
) -> SheetParse:
    """A participant's sheet -> one rating row per criterion (or the rows set aside)."""
    out = SheetParse()
    details = {row.key: row for row in sheet.rows if row.key in {"actor_type", "role"}}
    rating_rows = _rows_with_prefix(sheet, "rating:")
    out.rows_read = len(rating_rows)
    cols = layout.rating_columns
    answer_fields = ["rating", *TEXT_FIELDS]
    out.filled = any(not is_blank(row.cell(cols[f])) for _, row in rating_rows for f in answer_fields)
    actor_row, role_row = details.get("actor_type"), details.get("role")
    actor_raw = actor_row.cell(layout.detail_column) if actor_row else None
    role = _text(role_row.cell(layout.detail_column)) if role_row else None
    if not out.filled:
        if not is_blank(actor_raw) or role:
            out.flagged.append(_flag(ctx, actor_row.number if actor_row else None, "tuokio_no_answers",
                                     "lomakkeelle on täytetty taustatiedot mutta ei yhtään arviota tai vastausta; lomaketta ei ole luettu"))
        return out

    participant = f"{ctx.source_file}:{ctx.sheet}"
    try:
        actor_type = parse_actor_type(actor_raw, config)
        if actor_type is None:
            out.flagged.append(_flag(ctx, actor_row.number if actor_row else None, "tuokio_actor_type_missing",
                                     f"toimijataho puuttuu ({participant}); vastaukset on luettu, mutta ne eivät ole mukana toimijatahojen vertailussa"))
    except ValueError as exc:
        actor_type = None
        out.flagged.append(_flag(ctx, actor_row.number if actor_row else None, "tuokio_actor_type_unknown",
                                 f"{exc}; vastaukset on luettu ilman toimijatahoa ({participant})"))

    known = config.criterion_names
    for criterion_id, row in rating_rows:
        raw_rating = row.cell(cols["rating"])
        if criterion_id not in known:
            out.rejected.append(_reject(
                ctx, row.number, layout.labels["rating"], raw_rating,
                f"kriteeriä '{criterion_id}' ({row.cell(cols['name'])}) ei ole asetuksissa. Lisää kriteeri "
                "tiedostoon config/tuokio.yaml tai kopioi vastaukset uudelle lomakkeelle",
            ))
            continue
        try:
            status, rating = parse_rating(raw_rating, config, form_labels)
        except ValueError as exc:
            out.rejected.append(_reject(ctx, row.number, layout.labels["rating"], raw_rating,
                                        f"{exc}. Korjaa kriteerin '{known[criterion_id]}' arvio lomakkeelle ja tallenna se uudelleen"))
            continue
        if status == NO_ANSWER:
            out.flagged.append(_flag(ctx, row.number, "tuokio_missing_rating",
                                     f"kriteerin '{known[criterion_id]}' arvio puuttuu ({participant}); luettu vastauksena 'ei vastausta'"))
        out.ratings.append({
            **ctx.base(),
            "participant": participant,
            "actor_type": actor_type,
            "role": role,
            "criterion": criterion_id,
            "rating": rating,
            "answer_status": status,
            **{f: _text(row.cell(cols[f])) for f in TEXT_FIELDS},
            "template_version": ctx.template_version,
            **ctx.provenance(row.number),
        })
    present = {c for c, _ in rating_rows}
    missing = [name for c, name in known.items() if c not in present]
    if missing:
        out.flagged.append(_flag(ctx, None, "tuokio_criterion_missing_from_form",
                                 f"lomakkeelta puuttuu {'kriteeri' if len(missing) == 1 else 'kriteerit'} {', '.join(missing)} ({participant}); "
                                 "niiden arvioita ei ole tältä vastaajalta"))
    out.fingerprint = (
        _key(actor_raw),
        _key(role),
        tuple(sorted((c, *(_key(row.cell(cols[f])) for f in answer_fields)) for c, row in rating_rows)),
    )
    return out


def parse_summary_sheet(sheet: FormSheet, ctx: FormContext, layout: FormLayout, config: TuokioConfig, form_labels: tuple[str, ...] = ()) -> SheetParse:
    """The meeting's summary -> agreed ratings, development goals and the previous goals' status."""
    out = SheetParse()
    known = config.criterion_names
    labels = layout.labels

    acols = layout.agreed_columns
    agreed_rows = _rows_with_prefix(sheet, "agreed:")
    goal_rows = _rows_with_prefix(sheet, "goal:")
    followup_rows = _rows_with_prefix(sheet, "followup:")
    out.rows_read = len(agreed_rows) + len(goal_rows) + len(followup_rows)

    for criterion_id, row in agreed_rows:
        values = {f: row.cell(acols[f]) for f in ["rating", *TEXT_FIELDS]}
        if all(is_blank(v) for v in values.values()):
            out.skipped.append(_skip(ctx, row.number, "blank"))
            continue
        out.filled = True
        if criterion_id not in known:
            out.rejected.append(_reject(ctx, row.number, labels["agreed_rating"], values["rating"],
                                        f"kriteeriä '{criterion_id}' ei ole asetuksissa. Lisää kriteeri tiedostoon "
                                        "config/tuokio.yaml tai kopioi yhteenveto uudelle lomakkeelle"))
            continue
        try:
            status, rating = parse_rating(values["rating"], config, form_labels)
        except ValueError as exc:
            out.rejected.append(_reject(ctx, row.number, labels["agreed_rating"], values["rating"],
                                        f"{exc}, tai jätä sovittu arvio tyhjäksi. Korjaa kriteerin '{known[criterion_id]}' sovittu arvio yhteenvetoon ja tallenna lomake uudelleen"))
            continue
        out.agreed.append({
            **ctx.base(),
            "criterion": criterion_id,
            "agreed_rating": rating,
            "answer_status": status,
            **{f: _text(values[f]) for f in TEXT_FIELDS},
            **ctx.provenance(row.number),
        })

    gcols = layout.goal_columns
    for number_text, row in goal_rows:
        values = {f: row.cell(gcols[f]) for f in ["goal", "action", "criterion", "owner", "deadline", "status"]}
        if all(is_blank(v) for v in values.values()):
            out.skipped.append(_skip(ctx, row.number, "blank"))
            continue
        out.filled = True
        problems: list[tuple[str, object, str]] = []
        goal = _text(values["goal"])
        if goal is None:
            problems.append((labels["goal"], values["goal"], "kehittämistavoite puuttuu, vaikka rivillä on muita tietoja. Kirjoita tavoite sarakkeeseen 'Kehittämistavoite'"))
        criterion = status = None
        try:
            criterion = parse_criterion(values["criterion"], config)
        except ValueError as exc:
            problems.append((labels["criterion"], values["criterion"], str(exc)))
        try:
            status = parse_goal_status(values["status"], config)
        except ValueError as exc:
            problems.append((labels["status"], values["status"], str(exc)))
        if problems:
            out.rejected += [_reject(ctx, row.number, column, value, reason) for column, value, reason in problems]
            continue
        deadline, deadline_date = parse_deadline(values["deadline"])
        out.goals.append({
            **ctx.base(),
            "goal_number": int(number_text) if number_text.isdigit() else row.number,
            "goal": goal,
            "action": _text(values["action"]),
            "criterion": criterion,
            "owner": _text(values["owner"]),
            "deadline": deadline,
            "deadline_date": deadline_date,
            "status": status,
            **ctx.provenance(row.number),
        })

    fcols = layout.followup_columns
    for _, row in followup_rows:
        values = {f: row.cell(fcols[f]) for f in ["previous_number", "goal", "status", "notes"]}
        if all(is_blank(v) for v in values.values()):
            out.skipped.append(_skip(ctx, row.number, "blank"))
            continue
        out.filled = True
        problems = []
        previous_number = status = None
        raw_number = values["previous_number"]
        if not is_blank(raw_number):
            text = str(int(raw_number)) if isinstance(raw_number, float) and raw_number.is_integer() else str(raw_number).strip()
            if text.isdigit():
                previous_number = int(text)
            else:
                problems.append((labels["previous_number"], raw_number, f"tavoitteen numero '{raw_number}' ei ole numero. Kirjoita edellisen yhteenvedon tavoitteen numero (esim. 2)"))
        goal = _text(values["goal"])
        if previous_number is None and goal is None and not problems:
            problems.append((labels["previous_number"], raw_number, "rivistä ei selviä, mihin edellisen arvioinnin tavoitteeseen tila liittyy. Täytä tavoitteen numero tai tavoite"))
        try:
            status = parse_goal_status(values["status"], config)
        except ValueError as exc:
            problems.append((labels["followup_status"], values["status"], str(exc)))
        if problems:
            out.rejected += [_reject(ctx, row.number, column, value, reason) for column, value, reason in problems]
            continue
        out.followups.append({
            **ctx.base(),
            "previous_goal_number": previous_number,
            "goal": goal,
            "status": status,
            "notes": _text(values["notes"]),
            **ctx.provenance(row.number),
        })
    return out


def _as_duplicate(parse: SheetParse, ctx: FormContext, layout: FormLayout, reason: str) -> SheetParse:
    """Every answered row of a duplicate sheet becomes a rejected row with `reason`; blanks stay skipped."""
    rows: dict[int, object] = {}
    for table, value_key in ((parse.ratings, "rating"), (parse.agreed, "agreed_rating"), (parse.goals, "goal"), (parse.followups, "goal")):
        for record in table:
            rows[record["source_row"]] = record.get(value_key)
    for record in parse.rejected:
        rows.setdefault(record["source_row"], record["value"])
    column = layout.labels["rating"] if parse.ratings else "koko lomake"
    rejected = [_reject(ctx, number, column, "" if pd.isna(value) else value, reason) for number, value in sorted(rows.items(), key=lambda kv: kv[0])]
    return SheetParse(rejected=rejected, skipped=parse.skipped, rows_read=parse.rows_read, fingerprint=parse.fingerprint, filled=parse.filled)


# --- reading every evaluation (I/O edge) -------------------------------------------------------


@dataclass
class TuokioData:
    """Everything read from the Yhteistyö-Tuokio forms: the ratings (in `result.cleaned`), with
    the rows set aside, plus the summary sheets' agreed ratings, goals and goal follow-ups."""

    result: CleaningResult
    agreed: pd.DataFrame
    goals: pd.DataFrame
    followups: pd.DataFrame

    @property
    def ratings(self) -> pd.DataFrame:
        return self.result.cleaned

    @property
    def evaluation_years(self) -> list[int]:
        return evaluation_years(self.ratings, self.agreed, self.goals)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The processed tables by name (what the checks and the notebook read)."""
        return {
            "tuokio_ratings": self.ratings,
            "tuokio_agreed": self.agreed,
            "tuokio_goals": self.goals,
            "tuokio_goal_followups": self.followups,
        }


def find_forms(root: Path, layout: Layout) -> list[tuple[dt.date, Path]]:
    """(evaluation date, form) for every form under root/<date>/, by date and file name.

    Raises InputFileError for a form outside a date folder, a folder whose name is not a date,
    or a form saved in another format."""
    if not root.is_dir():
        return []
    forms = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "~$")) or entry.stem.upper() == "README":
            continue
        if entry.is_file():
            if entry.suffix.lower() in FORM_SUFFIXES | WRONG_FORMAT_SUFFIXES:
                raise InputFileError(
                    layout.relative_to_data(entry),
                    "lomake ei ole arviointipäivän kansiossa",
                    f"Siirrä lomake kansioon {layout.relative_to_data(root)}/<arviointipäivä>/, esim. "
                    f"{layout.relative_to_data(root)}/2025-11-12/ tai {layout.relative_to_data(root)}/12.11.2025/.",
                )
            continue
        try:
            day = evaluation_date_from_folder(entry.name)
        except ValueError as exc:
            raise InputFileError(
                layout.relative_to_data(entry),
                f"{exc}",
                "Nimeä kansio arviointitilaisuuden päivämäärällä, esim. 2025-11-12 tai 12.11.2025.",
            ) from None
        for path in sorted(entry.iterdir()):
            if not path.is_file() or path.name.startswith((".", "~$")) or path.stem.upper() == "README":
                continue
            suffix = path.suffix.lower()
            if suffix in WRONG_FORMAT_SUFFIXES:
                raise InputFileError(
                    layout.relative_to_data(path),
                    f"lomake on tallennettu muodossa '{suffix}', jota ei voi lukea luotettavasti",
                    "Avaa lomake Excelissä ja tallenna se muodossa .xlsx (Excel-työkirja).",
                )
            if suffix in FORM_SUFFIXES:
                forms.append((day, path))
    # By stem first, so that "lomake_11.xlsx" is read before its copy "lomake_11 - kopio.xlsx".
    return sorted(forms, key=lambda f: (f[0], f[1].stem, f[1].as_posix()))


def clean_tuokio(root: Path, layout: Layout, config: TuokioConfig | None = None) -> TuokioData:
    """Read every filled form under root/<evaluation date>/ (raises InputFileError for a file
    that is not a readable form)."""
    config = config or load_tuokio_config()
    parts: list[SheetParse] = []
    accounts = []
    first_by_sha: dict[str, str] = {}
    participants: dict[tuple[dt.date, tuple], str] = {}
    summaries: dict[dt.date, str] = {}
    for day, path in find_forms(root, layout):
        source_file = layout.relative_to_data(path)
        sha256 = file_sha256(path)
        content = read_form(path, source_file)
        form_layout, note = check_template(content, source_file, config)
        same_file = first_by_sha.get(sha256)
        first_by_sha.setdefault(sha256, source_file)
        any_filled, first_part = False, len(parts)
        for sheet in content.sheets:
            ctx = FormContext(source_file, sheet.name, day, form_layout.version)
            if sheet.kind == "participant":
                parse = parse_participant_sheet(sheet, ctx, form_layout, config, content.scale_labels)
            else:
                parse = parse_summary_sheet(sheet, ctx, form_layout, config, content.scale_labels)
            if parse.filled:
                if note:
                    parse.flagged.append(_flag(ctx, None, "tuokio_older_template", note))
                parse = _deduplicate(parse, ctx, form_layout, same_file, participants, summaries, sheet.kind)
                any_filled = True
            else:
                # An untouched sheet (the summary on a participant's form, say) holds no data rows.
                parse = SheetParse(flagged=parse.flagged)
            parts.append(parse)
            accounts.append(account_for(
                dataset=DATASET, source_file=source_file, sheet=sheet.name, sha256=sha256,
                rows_read=parse.rows_read, cleaned=parse.cleaned_count,
                rejected=parse.rejected_count, skipped=len(parse.skipped),
            ))
        if not any_filled and not any(p.flagged for p in parts[first_part:]):
            empty = FormContext(source_file, "", day, form_layout.version)
            parts.append(SheetParse(flagged=[_flag(empty, None, "tuokio_empty_form", (
                "lomakkeella ei ole yhtään vastausta; tarkista, tallennettiinko täytetty lomake vai tyhjä pohja"
            ))]))

    def frame(attribute: str, schema: dict[str, str]) -> pd.DataFrame:
        rows = [r for p in parts for r in getattr(p, attribute)]
        return conform(pd.DataFrame(rows, columns=list(schema)), schema)

    def plain(attribute: str, columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame([r for p in parts for r in getattr(p, attribute)], columns=columns)

    flagged = plain("flagged", FLAGGED_COLUMNS)
    flagged["source_row"] = flagged["source_row"].astype("Int64")
    result = CleaningResult(
        cleaned=frame("ratings", TUOKIO_RATINGS),
        rejected=plain("rejected", REJECTED_COLUMNS),
        skipped=plain("skipped", SKIPPED_COLUMNS),
        flagged=flagged,
        accounts=accounts,
    )
    return TuokioData(
        result=result,
        agreed=frame("agreed", TUOKIO_AGREED),
        goals=frame("goals", TUOKIO_GOALS),
        followups=frame("followups", TUOKIO_GOAL_FOLLOWUPS),
    )


def _deduplicate(
    parse: SheetParse,
    ctx: FormContext,
    layout: FormLayout,
    same_file: str | None,
    participants: dict[tuple[dt.date, tuple], str],
    summaries: dict[dt.date, str],
    kind: str,
) -> SheetParse:
    """Reject a sheet already read: the same file twice, the same answers twice in one
    evaluation, or a second summary of one evaluation. The first one read is kept."""
    if same_file is not None:
        return _as_duplicate(parse, ctx, layout, (
            f"kaksoiskappale: tiedosto on täsmälleen sama kuin {same_file}, joten se on luettu vain kerran. "
            "Poista ylimääräinen kopio kansiosta"
        ))
    if kind == "participant":
        key = (ctx.evaluation_date, parse.fingerprint)
        if key in participants:
            return _as_duplicate(parse, ctx, layout, (
                f"kaksoiskappale: lomakkeen vastaukset ja taustatiedot ovat täsmälleen samat kuin lomakkeella "
                f"{participants[key]}, joten ne on luettu vain kerran. Jos lomakkeet ovat kahdelta eri vastaajalta, "
                "pyydä toista täydentämään lomakkeelleen rooli tai huomio ja tallenna se uudelleen"
            ))
        participants[key] = f"{ctx.source_file}:{ctx.sheet}"
        return parse
    if ctx.evaluation_date in summaries:
        return _as_duplicate(parse, ctx, layout, (
            f"arvioinnilla on jo yhteenveto lomakkeella {summaries[ctx.evaluation_date]}. Kokoa tilaisuuden sovitut "
            "arviot ja tavoitteet yhdelle yhteenvetolomakkeelle"
        ))
    summaries[ctx.evaluation_date] = f"{ctx.source_file}:{ctx.sheet}"
    return parse


def tuokio_root(layout: Layout) -> Path:
    return layout.raw_dir(DATASET)


# --- scoring (pure) ----------------------------------------------------------------------------


def stage_for_mean(mean: float | None, n_stages: int) -> int | None:
    """The nearest stage, halves rounded up, within 1..N.

    >>> stage_for_mean(3.5, 5), stage_for_mean(3.49, 5), stage_for_mean(None, 5)
    (4, 3, None)
    """
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return None
    return min(n_stages, max(1, math.floor(mean + 0.5)))


def to_0_100(mean: float | None, n_stages: int) -> float | None:
    """(mean - 1) / (N - 1) * 100.

    >>> to_0_100(3.0, 5), to_0_100(1.0, 4)
    (50.0, 0.0)
    """
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return None
    return (mean - 1) / (n_stages - 1) * 100


def evaluation_dates(*tables: pd.DataFrame) -> list[pd.Timestamp]:
    """Every evaluation date found in the tables, oldest first."""
    dates: set[pd.Timestamp] = set()
    for table in tables:
        if not table.empty:
            dates |= {pd.Timestamp(d) for d in table["evaluation_date"].dropna().unique()}
    return sorted(dates)


def evaluation_years(*tables: pd.DataFrame) -> list[int]:
    return sorted({d.year for d in evaluation_dates(*tables)})


def latest_evaluation(year: int, *tables: pd.DataFrame) -> pd.Timestamp | None:
    """The year's latest evaluation date, or None when the year has none."""
    dates = [d for d in evaluation_dates(*tables) if d.year == year]
    return dates[-1] if dates else None


def previous_evaluation(date: pd.Timestamp, *tables: pd.DataFrame) -> pd.Timestamp | None:
    earlier = [d for d in evaluation_dates(*tables) if d < date]
    return earlier[-1] if earlier else None


SCORES = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "criterion": "str",
    "criterion_name": "str",
    "respondents": "int64",  # forms read in the evaluation
    "n_ratings": "int64",  # ratings on the scale (scored)
    "n_not_assessed": "int64",
    "n_no_answer": "int64",
    "mean": "float64",
    "median": "float64",
    "min": "Int64",
    "max": "Int64",
    "std": "float64",  # sample standard deviation (n - 1); missing with fewer than 2 ratings
    "score_0_100": "float64",
    "stage": "Int64",  # mean rounded to the nearest stage, halves up
    "agreed_rating": "Int64",
    "previous_date": "datetime64[ns]",
    "previous_mean": "float64",
    "change": "float64",  # mean - previous mean, in stages
}


def criterion_scores(ratings: pd.DataFrame, agreed: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per evaluation and criterion: counts, mean, median, spread, stage, agreed rating and the
    change from the previous evaluation."""
    rows = []
    dates = evaluation_dates(ratings, agreed)
    for i, date in enumerate(dates):
        r = ratings.loc[ratings["evaluation_date"] == date]
        a = agreed.loc[(agreed["evaluation_date"] == date) & agreed["agreed_rating"].notna()]
        agreed_by = dict(zip(a["criterion"], a["agreed_rating"].astype(int)))
        respondents = r["participant"].nunique()
        for c in config.criteria:
            rc = r.loc[r["criterion"] == c.id]
            values = rc["rating"].dropna().astype(float)
            n = len(values)
            mean = float(values.mean()) if n else None
            rows.append({
                "evaluation_date": date,
                "year": date.year,
                "criterion": c.id,
                "criterion_name": c.name,
                "respondents": respondents,
                "n_ratings": n,
                "n_not_assessed": int((rc["answer_status"] == NOT_ASSESSED).sum()),
                "n_no_answer": int((rc["answer_status"] == NO_ANSWER).sum()),
                "mean": mean,
                "median": float(values.median()) if n else None,
                "min": int(values.min()) if n else None,
                "max": int(values.max()) if n else None,
                "std": float(values.std(ddof=1)) if n >= 2 else None,
                "score_0_100": to_0_100(mean, config.n_stages),
                "stage": stage_for_mean(mean, config.n_stages),
                "agreed_rating": agreed_by.get(c.id),
                "previous_date": dates[i - 1] if i else None,
            })
    scores = conform(pd.DataFrame(rows, columns=[c for c in SCORES if c not in {"previous_mean", "change"}]), SCORES)
    previous = scores[["evaluation_date", "criterion", "mean"]].rename(columns={"evaluation_date": "previous_date", "mean": "previous_mean"})
    merged = scores.drop(columns=["previous_mean", "change"]).merge(previous, on=["previous_date", "criterion"], how="left")
    merged["change"] = merged["mean"] - merged["previous_mean"]
    return conform(merged, SCORES)


INDEX = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "respondents": "int64",
    "criteria_rated": "int64",
    "index_mean": "float64",  # mean of the criterion means, 1..N
    "index_0_100": "float64",
    "stage": "Int64",
    "strongest": "str",  # criterion names with the highest mean (ties joined by ", ")
    "weakest": "str",
    "previous_date": "datetime64[ns]",
    "index_change": "float64",  # in stages
    "index_change_0_100": "float64",
}


def evaluation_index(scores: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per evaluation: the overall index (1..N and 0–100), its stage, the strongest and weakest
    criteria and the change from the previous evaluation."""
    rows = []
    for date, s in scores.groupby("evaluation_date", sort=True):
        rated = s.loc[s["mean"].notna()]
        index = float(rated["mean"].mean()) if not rated.empty else None
        top = bottom = None
        if not rated.empty:
            top = ", ".join(rated.loc[rated["mean"] == rated["mean"].max(), "criterion_name"])
            bottom = ", ".join(rated.loc[rated["mean"] == rated["mean"].min(), "criterion_name"])
        rows.append({
            "evaluation_date": date,
            "year": pd.Timestamp(date).year,
            "respondents": int(s["respondents"].iloc[0]),
            "criteria_rated": len(rated),
            "index_mean": index,
            "index_0_100": to_0_100(index, config.n_stages),
            "stage": stage_for_mean(index, config.n_stages),
            "strongest": top,
            "weakest": bottom,
        })
    out = conform(pd.DataFrame(rows, columns=[c for c in INDEX if not c.startswith(("previous", "index_change"))]), INDEX)
    out["previous_date"] = out["evaluation_date"].shift(1)
    out["index_change"] = out["index_mean"] - out["index_mean"].shift(1)
    out["index_change_0_100"] = out["index_0_100"] - out["index_0_100"].shift(1)
    return conform(out, INDEX)


def rating_distribution(ratings: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per evaluation, criterion and answer (each stage, then "ei arvioitu"): count and share of
    the answers given (blank answers left out). Every stage is listed, also with count 0."""
    rows = []
    for date in evaluation_dates(ratings):
        r = ratings.loc[ratings["evaluation_date"] == date]
        for c in config.criteria:
            rc = r.loc[(r["criterion"] == c.id) & (r["answer_status"] != NO_ANSWER)]
            total = len(rc)
            counts = [(s.label, s.number, int((rc["rating"] == s.number).sum())) for s in config.stages]
            counts.append((config.not_assessed[0], None, int((rc["answer_status"] == NOT_ASSESSED).sum())))
            for label, number, count in counts:
                rows.append({
                    "evaluation_date": date, "criterion": c.id, "criterion_name": c.name, "answer": label,
                    "rating": number, "count": count, "share": count / total if total else None,
                })
    out = pd.DataFrame(rows, columns=["evaluation_date", "criterion", "criterion_name", "answer", "rating", "count", "share"])
    return out.astype({"rating": "Int64", "count": "int64", "share": "float64"})


def actor_groups(participants: pd.DataFrame, config: TuokioConfig) -> dict[str, str]:
    """participant -> the group shown for it in actor-type comparisons (one evaluation).

    Actor types with at least `min_group_size` respondents are their own groups; the others
    (and respondents without an actor type) are pooled into one group named after its members.
    A pool smaller than the threshold takes in the smallest own group, repeatedly, so that no
    group below the threshold can be shown or derived from the total."""
    labels = {**config.actor_types, None: UNKNOWN_ACTOR_LABEL}
    order = [*config.actor_types, None]
    by_type: dict[str | None, list[str]] = {}
    for row in participants.drop_duplicates("participant").itertuples():
        actor = None if pd.isna(row.actor_type) else row.actor_type
        by_type.setdefault(actor, []).append(row.participant)
    size = config.min_group_size
    large = [t for t in order if len(by_type.get(t, [])) >= size]
    pool = [t for t in order if 0 < len(by_type.get(t, [])) < size]
    while pool and sum(len(by_type[t]) for t in pool) < size and large:
        smallest = min(large, key=lambda t: (len(by_type[t]), -order.index(t)))
        large.remove(smallest)
        pool.append(smallest)
    groups: dict[str, str] = {}
    for actor in large:
        for p in by_type[actor]:
            groups[p] = labels[actor]
    if pool:
        members = [t for t in order if t in pool]
        name = labels[members[0]] if len(members) == 1 else f"{POOLED_PREFIX}: {', '.join(labels[t] for t in members)}"
        for actor in members:
            for p in by_type[actor]:
                groups[p] = name
    return groups


def actor_type_means(ratings: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per evaluation, criterion and actor group: respondents, ratings and mean.

    A criterion's group means are all left out (suppressed) when any group has fewer ratings
    than `min_group_size` for it, so that the missing one cannot be derived from the others."""
    rows = []
    for date in evaluation_dates(ratings):
        r = ratings.loc[ratings["evaluation_date"] == date]
        groups = actor_groups(r[["participant", "actor_type"]], config)
        group_of = r["participant"].map(groups)
        names = list(dict.fromkeys(groups[p] for p in r["participant"].drop_duplicates()))
        names.sort(key=lambda g: (g.startswith(POOLED_PREFIX) or g == UNKNOWN_ACTOR_LABEL, [*config.actor_types.values(), g].index(g)))
        sizes = {g: sum(1 for v in groups.values() if v == g) for g in names}
        if len(names) < 2:
            continue
        for c in config.criteria:
            rc = r.loc[r["criterion"] == c.id]
            counts = {g: int(rc.loc[group_of.loc[rc.index] == g, "rating"].notna().sum()) for g in names}
            suppressed = any(n < config.min_group_size for n in counts.values())
            for g in names:
                values = rc.loc[group_of.loc[rc.index] == g, "rating"].dropna().astype(float)
                rows.append({
                    "evaluation_date": date, "criterion": c.id, "criterion_name": c.name, "group": g,
                    "respondents": sizes[g], "n_ratings": counts[g],
                    "mean": None if suppressed or values.empty else float(values.mean()),
                    "suppressed": suppressed,
                })
    out = pd.DataFrame(rows, columns=["evaluation_date", "criterion", "criterion_name", "group", "respondents", "n_ratings", "mean", "suppressed"])
    return out.astype({"respondents": "int64", "n_ratings": "int64", "mean": "float64", "suppressed": "bool"})


def actor_type_divergence(means: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per evaluation and criterion: the highest and lowest group mean, their difference, whether
    it reaches `divergence_threshold`, and järjestö minus hyvinvointialue when both are shown."""
    rows = []
    ngo, county = config.actor_types.get("järjestö"), config.actor_types.get("hyvinvointialue")
    for (date, criterion), m in means.groupby(["evaluation_date", "criterion"], sort=False):
        shown = m.loc[m["mean"].notna()]
        row: dict[str, Any] = {"evaluation_date": date, "criterion": criterion, "criterion_name": m["criterion_name"].iloc[0]}
        if len(shown) >= 2:
            high, low = shown.loc[shown["mean"].idxmax()], shown.loc[shown["mean"].idxmin()]
            difference = float(high["mean"] - low["mean"])
            by_group = dict(zip(shown["group"], shown["mean"]))
            row |= {
                "highest_group": high["group"], "highest_mean": float(high["mean"]),
                "lowest_group": low["group"], "lowest_mean": float(low["mean"]),
                "difference": difference,
                "divergent": difference >= config.divergence_threshold - 1e-9,
                "ngo_minus_county": by_group[ngo] - by_group[county] if ngo in by_group and county in by_group else None,
            }
        rows.append(row)
    columns = ["evaluation_date", "criterion", "criterion_name", "highest_group", "highest_mean", "lowest_group", "lowest_mean", "difference", "divergent", "ngo_minus_county"]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"highest_mean": "float64", "lowest_mean": "float64", "difference": "float64", "divergent": "boolean", "ngo_minus_county": "float64"})


def previous_goal_status(goals: pd.DataFrame, followups: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """The previous evaluation's goals with the status reported at `date` (matched by goal
    number, else by the goal's text); follow-up rows that match no goal are listed after them."""
    previous = previous_evaluation(date, goals, followups)
    columns = ["goal_number", "goal", "action", "criterion", "owner", "deadline", "status_then", "status_now", "notes", "matched"]
    if previous is None:
        return pd.DataFrame(columns=columns)
    old = goals.loc[goals["evaluation_date"] == previous].sort_values("goal_number")
    reports = followups.loc[followups["evaluation_date"] == date]
    used: set[int] = set()
    rows = []
    for goal in old.itertuples():
        hit = reports.loc[reports["previous_goal_number"] == goal.goal_number]
        if hit.empty:
            hit = reports.loc[reports["goal"].map(_key) == _key(goal.goal)]
        hit = hit.loc[~hit.index.isin(used)]
        report = hit.iloc[0] if not hit.empty else None
        if report is not None:
            used.add(hit.index[0])
        rows.append({
            "goal_number": goal.goal_number, "goal": goal.goal, "action": goal.action, "criterion": goal.criterion,
            "owner": goal.owner, "deadline": goal.deadline, "status_then": goal.status,
            "status_now": None if report is None else report["status"],
            "notes": None if report is None else report["notes"],
            "matched": report is not None,
        })
    for index, report in reports.iterrows():
        if index not in used:
            rows.append({
                "goal_number": report["previous_goal_number"], "goal": report["goal"], "action": None, "criterion": None,
                "owner": None, "deadline": None, "status_then": None, "status_now": report["status"], "notes": report["notes"],
                "matched": False,
            })
    return pd.DataFrame(rows, columns=columns).astype({"goal_number": "Int64", "matched": "bool"})


# --- indicators (pure) -------------------------------------------------------------------------


def tuokio_indicators(ratings: pd.DataFrame, config: TuokioConfig, region_code: str = "MK18") -> pd.DataFrame:
    """tuokio_index, tuokio_<criterion> and tuokio_respondents per evaluation year (the year's
    latest evaluation), for the region, in the unit `reporting.index_published` names."""
    from kainuu_metrics.indicators.grants import COUNT, tidy

    empty_agreed = pd.DataFrame(columns=["evaluation_date", "criterion", "agreed_rating"])
    scores = criterion_scores(ratings, empty_agreed, config)
    index = evaluation_index(scores, config)
    unit = INDEX_UNITS[config.index_published]
    publish_0_100 = config.index_published == "0-100"
    rows: list[dict[str, Any]] = []
    for year in evaluation_years(ratings):
        date = latest_evaluation(year, ratings)
        i = index.loc[index["evaluation_date"] == date].iloc[0]

        def add(indicator: str, value: object, unit: str = unit) -> None:
            if value is not None and not pd.isna(value):
                rows.append({"indicator": indicator, "period": str(year), "area": region_code, "value": float(value), "unit": unit, "provisional": False})

        add("tuokio_index", i["index_0_100"] if publish_0_100 else i["index_mean"])
        for s in scores.loc[scores["evaluation_date"] == date].itertuples():
            add(f"tuokio_{s.criterion}", s.score_0_100 if publish_0_100 else s.mean)
        add("tuokio_respondents", i["respondents"], COUNT)
    return tidy(rows)


# --- report tables in Finnish (pure; the notebook only shows these) ----------------------------


def _fi_date(value: object) -> str | None:
    if value is None or pd.isna(value):
        return None
    day = pd.Timestamp(value)
    return f"{day.day}.{day.month}.{day.year}"


def _stage_text(number: object, config: TuokioConfig) -> str | None:
    if number is None or pd.isna(number):
        return None
    return config.stage(int(number)).label


def key_figures(index: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """The evaluation's headline figures as Finnish text."""
    from kainuu_metrics.report.charts import format_number

    i = index.loc[index["evaluation_date"] == date].iloc[0]
    n = config.n_stages

    def number(value: object, decimals: int = 1, sign: bool = False) -> str:
        if value is None or pd.isna(value):
            return "–"
        text = format_number(value, decimals)
        return f"+{text}" if sign and float(value) > 0 else text

    rows = [
        ("Arviointipäivä", _fi_date(date)),
        ("Vastauslomakkeita", number(i["respondents"], 0)),
        (f"Kokonaisindeksi (asteikko 1–{n})", number(i["index_mean"], 2)),
        ("Kokonaisindeksi (0–100)", number(i["index_0_100"], 0)),
        ("Kokonaisindeksin vaihe", _stage_text(i["stage"], config) or "–"),
        ("Muutos edellisestä arvioinnista (vaiheina)", number(i["index_change"], 2, sign=True)),
        ("Edellinen arviointi", _fi_date(i["previous_date"]) or "ei aiempaa arviointia"),
        ("Vahvin kriteeri", i["strongest"] if isinstance(i["strongest"], str) else "–"),
        ("Heikoin kriteeri", i["weakest"] if isinstance(i["weakest"], str) else "–"),
    ]
    return pd.DataFrame(rows, columns=["Tunnusluku", "Arvo"])


def radar_data(scores: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Criterion means of this and the previous evaluation, in criterion order."""
    s = scores.loc[scores["evaluation_date"] == date]
    previous = s["previous_date"].iloc[0] if not s.empty else None
    return pd.DataFrame({
        "Kriteeri": s["criterion_name"].to_numpy(),
        f"Arviointi {_fi_date(date)}": s["mean"].to_numpy(),
        **({f"Edellinen arviointi {_fi_date(previous)}": s["previous_mean"].to_numpy()} if previous is not None and not pd.isna(previous) else {}),
    })


def score_table(scores: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """Per criterion: counts, mean, median, spread, stage, agreed rating and change."""
    s = scores.loc[scores["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": s["criterion_name"].to_numpy(),
        "Arvioita": s["n_ratings"].to_numpy(),
        "Ei arvioitu": s["n_not_assessed"].to_numpy(),
        "Ei vastausta": s["n_no_answer"].to_numpy(),
        "Keskiarvo": s["mean"].to_numpy(),
        "Mediaani": s["median"].to_numpy(),
        "Vaihteluväli": [f"{a}–{b}" if not pd.isna(a) else None for a, b in zip(s["min"], s["max"])],
        "Keskihajonta": s["std"].to_numpy(),
        "Indeksi 0–100": s["score_0_100"].to_numpy(),
        "Sovittu arvio": [_stage_text(v, config) for v in s["agreed_rating"]],
        "Muutos edellisestä": s["change"].to_numpy(),
    })


def maturity_table(scores: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """Per criterion: the stage from the mean with the stage's description, and the agreed stage."""
    s = scores.loc[scores["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": s["criterion_name"].to_numpy(),
        "Keskiarvo": s["mean"].to_numpy(),
        "Vaihe (keskiarvon mukaan)": [_stage_text(v, config) for v in s["stage"]],
        "Vaiheen kuvaus": [None if pd.isna(v) else config.stage(int(v)).description for v in s["stage"]],
        "Tilaisuudessa sovittu vaihe": [_stage_text(v, config) for v in s["agreed_rating"]],
    })


def distribution_table(distribution: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Counts of each answer per criterion, long format for a stacked bar chart."""
    d = distribution.loc[distribution["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": d["criterion_name"].to_numpy(),
        "Vastaus": d["answer"].to_numpy(),
        "Lukumäärä": d["count"].to_numpy(),
    })


def actor_type_table(means: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Group means per criterion (wide: one column per group), suppressed cells missing."""
    m = means.loc[means["evaluation_date"] == date]
    if m.empty:
        return pd.DataFrame()
    groups = list(dict.fromkeys(m["group"]))
    wide = m.pivot_table(index="criterion_name", columns="group", values="mean", sort=False, dropna=False)
    wide = wide.reindex(index=list(dict.fromkeys(m["criterion_name"])), columns=groups)
    sizes = m.drop_duplicates("group").set_index("group")["respondents"]
    wide.columns = [f"{g} (n = {sizes[g]})" for g in groups]
    return wide.rename_axis("Kriteeri").reset_index()


def actor_type_long(means: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Group means for a grouped bar chart (suppressed cells left out)."""
    m = means.loc[(means["evaluation_date"] == date) & means["mean"].notna()]
    return pd.DataFrame({"Kriteeri": m["criterion_name"].to_numpy(), "Toimijaryhmä": m["group"].to_numpy(), "Keskiarvo": m["mean"].to_numpy()})


def divergence_table(divergence: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    d = divergence.loc[divergence["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": d["criterion_name"].to_numpy(),
        "Myönteisin ryhmä": d["highest_group"].to_numpy(),
        "Kriittisin ryhmä": d["lowest_group"].to_numpy(),
        "Ero (vaiheina)": d["difference"].to_numpy(),
        "Järjestöt – hyvinvointialue": d["ngo_minus_county"].to_numpy(),
        "Näkemykset eroavat": ["kyllä" if v is True else ("ei" if v is False else None) for v in d["divergent"].astype(object)],
    })


def goals_table(goals: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    g = goals.loc[goals["evaluation_date"] == date].sort_values("goal_number")
    names = config.criterion_names
    return pd.DataFrame({
        "Nro": g["goal_number"].to_numpy(),
        "Kehittämistavoite": g["goal"].to_numpy(),
        "Toimenpide": g["action"].to_numpy(),
        "Kriteeri": g["criterion"].map(names).to_numpy(),
        "Vastuutaho": g["owner"].to_numpy(),
        "Aikataulu": g["deadline"].to_numpy(),
        "Tila": g["status"].to_numpy(),
    })


def previous_goals_table(status: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    names = config.criterion_names
    return pd.DataFrame({
        "Nro": status["goal_number"].to_numpy(),
        "Edellisen arvioinnin tavoite": status["goal"].to_numpy(),
        "Kriteeri": status["criterion"].map(names).to_numpy(),
        "Vastuutaho": status["owner"].to_numpy(),
        "Aikataulu": status["deadline"].to_numpy(),
        "Tila nyt": [s if isinstance(s, str) else "ei raportoitu" for s in status["status_now"]],
        "Huomiot": [n if isinstance(n, str) else (None if m else "ei löydy edellisestä yhteenvedosta") for n, m in zip(status["notes"], status["matched"])],
    })


def agreed_texts_table(agreed: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """The meeting's agreed summary per criterion (the only free text published by default)."""
    a = agreed.loc[agreed["evaluation_date"] == date].set_index("criterion")
    rows = []
    for c in config.criteria:
        if c.id in a.index:
            row = a.loc[c.id]
            rows.append({"Kriteeri": c.name, "Vahvuudet": row["strengths"], "Haasteet": row["challenges"], "Kehittämistarpeet": row["development_needs"]})
    return pd.DataFrame(rows, columns=["Kriteeri", "Vahvuudet", "Haasteet", "Kehittämistarpeet"])


def participant_texts_table(ratings: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """Participants' own free texts, without any background details, sorted by criterion and
    text (not by form); empty unless `publish_participant_texts` is on and the evaluation has
    at least `min_group_size` respondents."""
    columns = ["Kriteeri", "Aihe", "Teksti"]
    r = ratings.loc[ratings["evaluation_date"] == date]
    if not config.publish_participant_texts or r["participant"].nunique() < config.min_group_size:
        return pd.DataFrame(columns=columns)
    topics = {"strengths": "Vahvuudet", "challenges": "Haasteet", "development_needs": "Kehittämistarpeet"}
    rows = []
    for order, c in enumerate(config.criteria):
        rc = r.loc[r["criterion"] == c.id]
        for topic_order, (column, topic) in enumerate(topics.items()):
            for text in sorted(t for t in rc[column].dropna()):
                rows.append((order, topic_order, c.name, topic, text))
    rows.sort(key=lambda x: (x[0], x[1], x[4]))
    return pd.DataFrame([x[2:] for x in rows], columns=columns)


def scale_table(config: TuokioConfig) -> pd.DataFrame:
    return pd.DataFrame({
        "Vaihe": [s.number for s in config.stages],
        "Nimi": [s.name for s in config.stages],
        "Kuvaus": [s.description for s in config.stages],
    })


def method_note(config: TuokioConfig) -> str:
    """The method in Finnish, with the configured numbers."""
    n, size = config.n_stages, config.min_group_size
    published = "0–100-asteikolla" if config.index_published == "0-100" else f"asteikolla 1–{n}"
    texts = (
        "Osallistujien omat vapaat vastaukset julkaistaan ilman taustatietoja ja vain, kun "
        f"arvioinnissa on vähintään {size} vastaajaa."
        if config.publish_participant_texts
        else "Osallistujien omia vapaita vastauksia ei julkaista; sivulla näkyy tilaisuudessa yhdessä sovittu yhteenveto."
    )
    return (
        f"Jokainen kriteeri arvioidaan kypsyysasteikolla 1–{n}; vastaus 'ei arvioitu' lasketaan "
        "vastaukseksi mutta ei mukaan keskiarvoon. Yksi lomake on yksi vastaaja (osallistuja tai "
        "yhdessä vastannut ryhmä). Kriteerin vaihe on keskiarvo pyöristettynä lähimpään vaiheeseen "
        "(puolikkaat ylöspäin, esim. 3,5 → 4). Kokonaisindeksi on kriteerien keskiarvojen keskiarvo; "
        f"0–100-muodossa (keskiarvo − 1) / ({n} − 1) × 100. Tunnuslukutaulukossa indeksi julkaistaan "
        f"{published}, ja vuoden luku on vuoden viimeisimmän arvioinnin tulos. Keskihajonta on "
        "otoskeskihajonta. Toimijatahoja, joilla on alle "
        f"{size} vastaajaa, ei näytetä erikseen: ne yhdistetään muihin pieniin ryhmiin (tarvittaessa "
        "myös pienimpään muuhun ryhmään), ja kriteerin ryhmäkeskiarvot jätetään pois, jos jossakin "
        f"ryhmässä on kriteerille alle {size} arviota. {texts} {config.scale_note}"
    )


def processed_tables(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(ratings, agreed, goals, followups) from the processed tables by name, in their schemas
    (empty when the data folder has no Yhteistyö-Tuokio data)."""
    specs = [
        ("tuokio_ratings", TUOKIO_RATINGS),
        ("tuokio_agreed", TUOKIO_AGREED),
        ("tuokio_goals", TUOKIO_GOALS),
        ("tuokio_goal_followups", TUOKIO_GOAL_FOLLOWUPS),
    ]
    out = []
    for name, schema in specs:
        frame = tables.get(name)
        out.append(conform(frame if frame is not None else pd.DataFrame(columns=list(schema)), schema))
    return out[0], out[1], out[2], out[3]


def answer_colours(config: TuokioConfig) -> dict[str, str]:
    """A colour per answer for the distribution chart: light to dark blue by stage, grey for
    "ei arvioitu"."""
    from plotly.colors import sample_colorscale

    stages = sample_colorscale("Blues", [0.3 + 0.65 * i / max(config.n_stages - 1, 1) for i in range(config.n_stages)])
    return {**dict(zip(config.stage_labels, stages)), config.not_assessed[0]: "#b8b8b8"}


def index_history(index: pd.DataFrame, up_to: pd.Timestamp) -> pd.DataFrame:
    """The overall index of every evaluation up to `up_to`, oldest first."""
    i = index.loc[index["evaluation_date"] <= up_to]
    return pd.DataFrame({
        "Arviointi": [_fi_date(d) for d in i["evaluation_date"]],
        "Vastauslomakkeita": i["respondents"].to_numpy(),
        "Indeksi (keskiarvo)": i["index_mean"].to_numpy(),
        "Indeksi 0–100": i["index_0_100"].to_numpy(),
        "Vahvin kriteeri": i["strongest"].to_numpy(),
        "Heikoin kriteeri": i["weakest"].to_numpy(),
    })
