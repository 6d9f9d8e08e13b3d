"""The form's layout per template version, and reading a filled form (I/O edge).

The form (written by `template.write_tuokio_template`) has a hidden "meta" sheet with the
template id, version, scale and criteria, and a hidden key column (A) that names every input
row: "rating:<criterion>", "agreed:<criterion>", "goal:<n>", "followup:<n>", "actor_type",
"role". Answers are found by those keys in a layout fixed per template version (LAYOUTS),
never by guessing.

From template version 2 on, the meta sheet also carries the form's identity: `form_id` (a
random 32-digit hex, one per written form, so that a copy of a file can be told from a second
respondent who answered alike) and the evaluation it was made for, `scope` and `scope_name`
(see scope.py). Version 1 forms have neither; they are read with the folder convention and the
older content-based duplicate rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from kainuu_metrics.datasets.readers import read_xlsx_grids
from kainuu_metrics.datasets.tuokio.config import TEMPLATE_COMMAND, TuokioConfig
from kainuu_metrics.datasets.tuokio.scope import SCOPES
from kainuu_metrics.errors import ConfigError, InputFileError

META_SHEET = "meta"
PARTICIPANT_SHEET = "Arviointi"
SUMMARY_SHEET = "Yhteenveto"
INSTRUCTIONS_SHEET = "Ohjeet"
TEXT_FIELDS = ("strengths", "challenges", "development_needs")


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
    identity: bool = False  # the meta sheet has form_id, scope and scope_name


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
# Version 2: the same cells, plus the form's identity and scope on the meta sheet.
LAYOUT_V2 = replace(LAYOUT_V1, version=2, identity=True)
LAYOUTS: dict[int, FormLayout] = {1: LAYOUT_V1, 2: LAYOUT_V2}


def layout_for(version: int) -> FormLayout:
    """The layout of a template version: the newest layout introduced at or before it (a version
    raised in the configuration for a new scale or criteria keeps the cells where they were)."""
    known = [v for v in LAYOUTS if v <= version]
    if not known:
        raise ConfigError(f"Lomakepohjan versiolle {version} ei ole rakennetta ohjelmassa.")
    return LAYOUTS[max(known)]


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

    def rows_with_prefix(self, prefix: str) -> list[tuple[str, KeyedRow]]:
        """(the key after the prefix, row) for every row whose key starts with `prefix`."""
        return [(row.key.split(":", 1)[1], row) for row in self.rows if row.key.startswith(prefix)]


@dataclass(frozen=True)
class FormContent:
    """What a filled form holds: its meta values and its keyed rows."""

    meta: dict[str, object]
    scale_labels: tuple[str, ...]  # the stage labels the form was made with
    sheets: tuple[FormSheet, ...]


_MARKERS = {LAYOUT_V1.participant_marker: "participant", LAYOUT_V1.summary_marker: "summary"}
_MAX_COLUMN = 12


def new_form_fix() -> str:
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
            new_form_fix(),
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
            new_form_fix(),
        )
    if template_id != config.template_id:
        raise InputFileError(
            file_label,
            f"tiedosto ei ole Yhteistyö-Tuokio-lomake (lomakepohjan tunniste on '{template_id}', odotettu '{config.template_id}')",
            new_form_fix(),
        )
    try:
        version = int(str(content.meta.get("template_version")))
    except ValueError:
        raise InputFileError(file_label, "lomakepohjan versio puuttuu tai on virheellinen", new_form_fix()) from None
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
            new_form_fix(),
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
            new_form_fix() + " Arvioi kriteerit uuden lomakkeen asteikolla.",
        )
    note = None
    if version != config.template_version:
        note = f"lomake on tehty vanhemmalla lomakepohjalla (versio {version}, nykyinen {config.template_version}); se on luettu version {version} rakenteen mukaan"
    return layout_for(version), note


@dataclass(frozen=True)
class FormIdentity:
    """What the meta sheet says about the form itself (all None on a version 1 form)."""

    form_id: str | None
    scope: str | None
    scope_name: str | None


_FORM_ID = re.compile(r"^[0-9a-f]{32}$")


def form_identity(content: FormContent, layout: FormLayout, file_label: str) -> FormIdentity:
    """The form's id and scope from its meta sheet (raises InputFileError when a form of a
    template version that carries them lacks them or has a value the template never writes)."""
    if not layout.identity:
        return FormIdentity(None, None, None)
    form_id = str(content.meta.get("form_id") or "").strip().lower()
    scope = str(content.meta.get("scope") or "").strip().lower()
    name = content.meta.get("scope_name")
    name = " ".join(str(name).split()) if name is not None and str(name).strip() else None
    if not _FORM_ID.match(form_id):
        raise InputFileError(file_label, "lomakkeen piilotetuista tiedoista puuttuu lomaketunniste tai se on virheellinen", new_form_fix())
    if scope not in SCOPES:
        raise InputFileError(
            file_label,
            f"lomakkeen piilotetuissa tiedoissa arvioinnin laajuus on '{scope}' (sallitut: {', '.join(SCOPES)})",
            new_form_fix(),
        )
    return FormIdentity(form_id, scope, name)
