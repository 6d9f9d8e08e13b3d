"""The Yhteistyö-Tuokio evaluation form as an Excel workbook (I/O edge): `kainuu-metrics
template tuokio LOMAKE.xlsx [--kpl N] [--paikallinen NIMI]`.

Sheets: "Ohjeet" (instructions, the scale and the criteria), "Arviointi" (one participant or
group: background details and, per criterion, a rating from a drop-down and free texts),
"Yhteenveto" (the meeting's agreed ratings and texts, development goals and the previous goals'
status) and a very hidden "meta" sheet (template id, version, scale, criteria, the drop-down
lists and, from template version 2 on, the form's own id and the evaluation it is for: the
county-wide yearly evaluation, or a local one with its name). Every input row has a key in the
hidden column A, which form.read_form reads; the sheets are protected so that only the yellow
input cells can be edited, and the workbook structure is locked.

Every written form gets its own random id, so that a copy of a file can be told from a second
respondent who answered alike: hand each respondent a form of their own (`--kpl N` writes N).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kainuu_metrics.datasets.tuokio.config import TEMPLATE_COMMAND, TuokioConfig, load_tuokio_config
from kainuu_metrics.datasets.tuokio.form import INSTRUCTIONS_SHEET, META_SHEET, PARTICIPANT_SHEET, SUMMARY_SHEET, FormLayout, layout_for
from kainuu_metrics.datasets.tuokio.scope import COUNTY_WIDE, LOCAL, LOCAL_OPTION
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.settings import Settings

SAMPLE_MARKER_CELL = "A3"  # on the instructions sheet; the sample generator writes ESIMERKKIAINEISTO here

_INPUT = PatternFill("solid", fgColor="FFF6D5")
_HEADER = PatternFill("solid", fgColor="DCE6F1")
_SECTION = Font(bold=True, size=12)
_TITLE = Font(bold=True, size=15)
_BOLD = Font(bold=True)
_SMALL = Font(italic=True, size=9, color="555555")
_THIN = Side(style="thin", color="9AA5B1")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)

# Named ranges on the meta sheet that the drop-downs list.
SCALE_NAME, ACTORS_NAME, CRITERIA_NAME, STATUSES_NAME = "tuokio_asteikko", "tuokio_toimijatahot", "tuokio_kriteerit", "tuokio_tilat"


def write_blank_form(path: Path, settings: Settings, *, overwrite: bool = False, local_name: str | None = None) -> Path:
    """One blank form of this configuration, written to `path`."""
    return write_tuokio_template(path, load_tuokio_config(settings), settings.domain.region_genitive, overwrite=overwrite, local_name=local_name)


def write_blank_forms(path: Path, settings: Settings, *, count: int = 1, local_name: str | None = None) -> list[Path]:
    """`kainuu-metrics template tuokio`: `count` blank forms, each with its own id. One form goes
    to `path`; several to `path` with _01, _02, ... before ".xlsx". No existing file is
    overwritten (InputFileError before anything is written)."""
    if count < 1:
        raise InputFileError(path, f"lomakkeiden määrä on {count}", "Anna lomakkeiden määräksi vähintään 1 (esim. --kpl 20).")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    width = max(2, len(str(count)))
    paths = [target] if count == 1 else [target.with_name(f"{target.stem}_{n:0{width}d}.xlsx") for n in range(1, count + 1)]
    for existing in (p for p in paths if p.exists()):
        raise InputFileError(existing, "tiedosto on jo olemassa, eikä sen päälle kirjoiteta (se voi olla täytetty lomake)",
                             "Anna uusi tiedostonimi tai siirrä vanhat tiedostot ensin muualle.")
    config = load_tuokio_config(settings)
    return [write_tuokio_template(p, config, settings.domain.region_genitive, local_name=local_name) for p in paths]


def write_tuokio_template(path: Path, config: TuokioConfig, region_genitive: str, *, overwrite: bool = False,
                          form_id: str | None = None, local_name: str | None = None) -> Path:
    """Write an empty evaluation form to `path` (".xlsx" added when missing) and return the path.
    `region_genitive` names the county in the form's texts ("Esimerkkilän" -> "Esimerkkilän hyvinvointialue");
    `form_id` is the form's id (a new random one when None); `local_name` makes it a form of that
    local evaluation instead of the county-wide one.

    An existing file is not overwritten unless asked (it may be a filled form): InputFileError."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    if path.exists() and not overwrite:
        raise InputFileError(
            path,
            "tiedosto on jo olemassa, eikä sen päälle kirjoiteta (se voi olla täytetty lomake)",
            "Anna uusi tiedostonimi tai siirrä vanha tiedosto ensin muualle.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    build_tuokio_workbook(config, region_genitive, form_id=form_id, local_name=local_name).save(path)
    return path


def new_form_id() -> str:
    """A new random form id: 32 hex digits."""
    return uuid.uuid4().hex


def build_tuokio_workbook(config: TuokioConfig, region_genitive: str, *, form_id: str | None = None,
                          local_name: str | None = None) -> Workbook:
    """The evaluation form as an openpyxl workbook (not saved)."""
    layout = layout_for(config.template_version)
    name = " ".join(str(local_name).split()) if local_name is not None else None
    if local_name is not None and not name:
        raise ValueError(f"paikallisen arvioinnin nimi puuttuu; anna nimi, esim. {LOCAL_OPTION} \"Pohjoinen alue\"")
    if name and not layout.identity:
        raise ConfigError(
            f"Lomakepohjan versio {config.template_version} ei tunne paikallisia arviointeja. Nosta asetuksen "
            "template.version arvoksi vähintään 2 (ja lisää vanha versio kohtaan template.readable_versions)."
        )
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    participant = workbook.create_sheet(PARTICIPANT_SHEET)
    summary = workbook.create_sheet(SUMMARY_SHEET)
    meta = workbook.create_sheet(META_SHEET)

    form_id = (form_id or new_form_id()) if layout.identity else None
    _write_meta(meta, workbook, config, form_id, name)
    _write_instructions(instructions, config, region_genitive, form_id, name)
    _write_participant(participant, config, layout, name)
    _write_summary(summary, config, layout, name)

    for sheet in (instructions, participant, summary, meta):
        _protect(sheet)
    meta.sheet_state = "veryHidden"
    workbook.active = 1  # open on the participant sheet
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.properties.title = "Yhteistyö-Tuokio – arviointilomake"
    workbook.properties.subject = f"{_county(region_genitive)}en järjestöyhteistyön arviointi"
    workbook.properties.creator = "kainuu-metrics"
    workbook.properties.language = "fi-FI"
    return workbook


# --- sheets ------------------------------------------------------------------------------------


def _write_meta(ws: Worksheet, workbook: Workbook, config: TuokioConfig, form_id: str | None, local_name: str | None) -> None:
    pairs: list[tuple[str, object]] = [
        ("template_id", config.template_id),
        ("template_version", config.template_version),
        ("scale_stages", config.n_stages),
        ("criteria", ",".join(c.id for c in config.criteria)),
        ("actor_types", ",".join(config.actor_types)),
        ("note", "Älä muuta tätä välilehteä: ohjelma tunnistaa lomakkeen sen tiedoista."),
    ]
    if form_id is not None:
        pairs += [("form_id", form_id), ("scope", LOCAL if local_name else COUNTY_WIDE), ("scope_name", local_name)]
    for row, (key, value) in enumerate(pairs, start=1):
        ws.cell(row, 1, key)
        ws.cell(row, 2, value)
    lists = [
        (4, SCALE_NAME, "asteikko", config.rating_choices),
        (5, ACTORS_NAME, "toimijatahot", list(config.actor_labels.values())),
        (6, CRITERIA_NAME, "kriteerit", [c.name for c in config.criteria]),
        (7, STATUSES_NAME, "tilat", list(config.goal_statuses)),
    ]
    for column, name, header, values in lists:
        ws.cell(1, column, header)
        for row, value in enumerate(values, start=2):
            ws.cell(row, column, value)
        letter = get_column_letter(column)
        workbook.defined_names[name] = DefinedName(name, attr_text=f"{META_SHEET}!${letter}$2:${letter}${len(values) + 1}")


def _described_rows(ws: Worksheet, row: int, items: list[tuple[str, str]]) -> int:
    """A bold name and its wrapped description on each row after `row`; returns the last row."""
    for name, description in items:
        row += 1
        ws.cell(row, 1, name).font = _BOLD
        ws.cell(row, 1).alignment = _WRAP
        ws.cell(row, 2, description).alignment = _WRAP
        ws.row_dimensions[row].height = _line_height(description, 100)
    return row


def _line_height(text: str, width_chars: int, line_px: float = 15.0) -> float:
    lines = sum(max(1, math.ceil(len(part) / max(width_chars, 1))) for part in text.split("\n"))
    return max(1, lines) * line_px + 3


def _alternatives(labels: Iterable[str]) -> str:
    """['Kunta', 'Järjestö', 'Muu'] -> 'kunta, järjestö tai muu'."""
    words = [label.lower() for label in labels]
    return " tai ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _county(region_genitive: str) -> str:
    """'Esimerkkilän' -> 'Esimerkkilän hyvinvointialue'; '' -> 'Hyvinvointialue'."""
    return f"{region_genitive} hyvinvointialue" if region_genitive else "Hyvinvointialue"


def scope_text(local_name: str | None) -> str:
    """The evaluation a form is for, as the form's instructions say it."""
    if local_name:
        return (f"Paikallinen arviointi: {local_name}. Sen tulokset raportoidaan erikseen, eivätkä ne ole mukana "
                "hyvinvointialueen vuosittaisissa tunnusluvuissa.")
    return "Koko hyvinvointialueen vuosittainen Yhteistyö-Tuokio-arviointi."


def _write_instructions(ws: Worksheet, config: TuokioConfig, region_genitive: str, form_id: str | None, local_name: str | None) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    ws["A1"] = "Yhteistyö-Tuokio – yhteistyön arviointilomake"
    ws["A1"].font = _TITLE
    ws["A2"] = f"{_county(region_genitive)} · järjestöyhteistyön arviointi · Lapin yliopiston Yhteistyö-Tuokio-työkalu"
    ws["A2"].font = _SMALL
    ws["A4"] = scope_text(local_name)
    ws["A4"].font = _BOLD
    folder = f"<arviointipäivä> {local_name}" if local_name else "<arviointipäivä>"
    example = f"2025-12-03 {local_name}" if local_name else "2025-11-12"
    size = config.min_group_size
    steps = [
        f"Täytä välilehti 'Arviointi'. Valitse ensin toimijataho ({_alternatives(config.actor_labels.values())}). "
        "Nimeä ei kysytä. Rooli tai tehtävä on vapaaehtoinen, eikä sitä julkaista.",
        f"Arvioi jokainen kriteeri valitsemalla vaihe alasvetovalikosta (1–{config.n_stages}, asteikko alla). "
        f"Jos et halua tai osaa arvioida kriteeriä, valitse '{config.not_assessed[0]}'.",
        "Kirjoita halutessasi kunkin kriteerin vahvuudet, haasteet ja kehittämistarpeet.",
        "Yksittäisiä vastauksia ei julkaista taustatietojen kanssa. Raportissa näytetään keskiarvot ja "
        f"jakaumat; toimijatahot vertaillaan vain, kun ryhmässä on vähintään {size} vastaajaa. Vapaista "
        "teksteistä julkaistaan tilaisuudessa yhdessä sovittu yhteenveto.",
        "Välilehti 'Yhteenveto' täytetään arviointitilaisuudessa yhteisesti yhdelle lomakkeelle: sovitut "
        "arviot (vapaaehtoinen), yhteenveto, kehittämistavoitteet vastuutahoineen ja aikatauluineen sekä "
        "edellisen arvioinnin tavoitteiden tilanne.",
        "Tallenna lomake .xlsx-muodossa ja palauta se järjestäjälle. Älä muuta lomakkeen rakennetta: "
        "ohjelma lukee vastaukset lomakkeen sovituista soluista. Voit muuttaa rivien korkeutta.",
        *([
            "Jokainen lomake on yhden vastaajan (tai yhdessä vastaavan ryhmän) lomake, ja sillä on oma tunnisteensa. "
            "Anna jokaiselle vastaajalle oma lomake; älä kopioi samaa lomaketiedostoa usealle vastaajalle."
        ] if form_id else []),
        f"Järjestäjälle: tallenna palautetut lomakkeet kansioon data/raw/tuokio/{folder}/, esim. "
        f"data/raw/tuokio/{example}/"
        + (" (päivämäärän perässä arvioinnin nimi)." if local_name else " (kansion nimeksi pelkkä päivämäärä).")
        + f" Uudet tyhjät lomakkeet saa komennolla '{TEMPLATE_COMMAND}"
        + ((f" --kpl N {LOCAL_OPTION} \"{local_name}\"'." if local_name else f" --kpl N'; paikallisen arvioinnin lomakkeet valitsimella {LOCAL_OPTION} NIMI.")
           if form_id else "'."),
    ]
    row = 5
    ws.cell(row, 1, "Näin täytät lomakkeen").font = _SECTION
    for number, text in enumerate(steps, start=1):
        row += 1
        ws.cell(row, 1, f"{number}.").alignment = Alignment(horizontal="right", vertical="top")
        cell = ws.cell(row, 2, text)
        cell.alignment = _WRAP
        ws.row_dimensions[row].height = _line_height(text, 100)
    row += 2
    ws.cell(row, 1, "Kypsyysasteikko").font = _SECTION
    row = _described_rows(ws, row, [(stage.label, stage.description) for stage in config.stages])
    row += 1
    ws.cell(row, 1, config.not_assessed[0]).font = _BOLD
    ws.cell(row, 2, "Kriteeriä ei arvioida (vastaus lasketaan, mutta se ei vaikuta keskiarvoon).").alignment = _WRAP
    if config.scale_note:
        row += 1
        ws.cell(row, 2, config.scale_note).font = _SMALL
        ws.cell(row, 2).alignment = _WRAP
        ws.row_dimensions[row].height = _line_height(config.scale_note, 110, 13)
    row += 2
    ws.cell(row, 1, "Arvioitavat kriteerit").font = _SECTION
    row = _described_rows(ws, row, [(criterion.name, criterion.description) for criterion in config.criteria])
    row += 2
    tag = f" Lomakkeen tunniste {form_id}." if form_id else ""
    ws.cell(row, 1, f"Lomakepohja {config.template_id}, versio {config.template_version}.{tag}").font = _SMALL


def _header_row(ws: Worksheet, row: int, key: str, headers: list[tuple[int, str]]) -> None:
    ws.cell(row, 1, key)
    for column, text in headers:
        cell = ws.cell(row, column, text)
        cell.font = _BOLD
        cell.fill = _HEADER
        cell.border = _BOX
        cell.alignment = _WRAP


def _input(ws: Worksheet, row: int, column: int) -> None:
    cell = ws.cell(row, column)
    cell.fill = _INPUT
    cell.border = _BOX
    cell.alignment = _WRAP
    cell.protection = _UNLOCKED


def _label(ws: Worksheet, row: int, column: int, text: object, *, bold: bool = False) -> None:
    cell = ws.cell(row, column, text)
    cell.border = _BOX
    cell.alignment = _WRAP
    if bold:
        cell.font = _BOLD


def _list_validation(name: str, title: str, prompt: str) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=name,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Virheellinen arvo",
        error="Valitse arvo alasvetovalikosta.",
        showInputMessage=True,
        promptTitle=title,
        prompt=prompt,
    )


def _start_sheet(ws: Worksheet, marker: str, title: str, note: str) -> None:
    ws.column_dimensions["A"].hidden = True
    ws["A1"] = marker
    ws["B1"] = title
    ws["B1"].font = _TITLE
    ws["B2"] = note
    ws["B2"].font = _SMALL


def _title(title: str, local_name: str | None) -> str:
    return f"{title} ({local_name}, paikallinen arviointi)" if local_name else title


def _write_participant(ws: Worksheet, config: TuokioConfig, layout: FormLayout, local_name: str | None = None) -> None:
    cols, labels = layout.rating_columns, layout.labels
    widths = {cols["name"]: 22, cols["description"]: 48, cols["rating"]: 20, cols["strengths"]: 38, cols["challenges"]: 38, cols["development_needs"]: 38}
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    _start_sheet(
        ws, layout.participant_marker, _title("Yhteistyö-Tuokio – arviointi", local_name),
        "Täytä keltaiset solut. Nimeä ei kysytä. Ohjeet ja arviointiasteikko ovat välilehdellä 'Ohjeet'.",
    )
    ws.cell(4, 2, "Taustatiedot").font = _SECTION
    detail = layout.detail_column
    ws.cell(5, 1, "actor_type")
    _label(ws, 5, 2, labels["actor_type"], bold=True)
    _input(ws, 5, detail)
    ws.cell(6, 1, "role")
    _label(ws, 6, 2, f"{labels['role']} (vapaaehtoinen)", bold=True)
    _input(ws, 6, detail)
    ws.cell(7, 2, (
        "Vastaukset raportoidaan ilman taustatietoja. Toimijatahojen vertailussa näytetään vain ryhmät, "
        f"joissa on vähintään {config.min_group_size} vastaajaa."
    )).font = _SMALL
    actors = _list_validation(ACTORS_NAME, labels["actor_type"], "Valitse, mitä tahoa edustat.")
    ws.add_data_validation(actors)
    actors.add(ws.cell(5, detail).coordinate)

    header = 9
    _header_row(ws, header, "rating_header", [
        (cols["name"], labels["name"]),
        (cols["description"], labels["description"]),
        (cols["rating"], f"{labels['rating']} (valitse 1–{config.n_stages})"),
        (cols["strengths"], labels["strengths"]),
        (cols["challenges"], labels["challenges"]),
        (cols["development_needs"], labels["development_needs"]),
    ])
    ratings = _list_validation(SCALE_NAME, labels["rating"], f"Valitse vaihe 1–{config.n_stages} tai '{config.not_assessed[0]}'.")
    ws.add_data_validation(ratings)
    for offset, criterion in enumerate(config.criteria, start=1):
        row = header + offset
        ws.cell(row, 1, f"rating:{criterion.id}")
        _label(ws, row, cols["name"], criterion.name, bold=True)
        _label(ws, row, cols["description"], criterion.description)
        for field in ("rating", "strengths", "challenges", "development_needs"):
            _input(ws, row, cols[field])
        ratings.add(ws.cell(row, cols["rating"]).coordinate)
        ws.row_dimensions[row].height = 96
    ws.freeze_panes = ws.cell(header + 1, cols["name"])
    _print_setup(ws)


def _write_summary(ws: Worksheet, config: TuokioConfig, layout: FormLayout, local_name: str | None = None) -> None:
    acols, gcols, fcols, labels = layout.agreed_columns, layout.goal_columns, layout.followup_columns, layout.labels
    for column, width in {2: 24, 3: 38, 4: 38, 5: 38, 6: 30, 7: 18, 8: 20}.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    _start_sheet(
        ws, layout.summary_marker, _title("Yhteistyö-Tuokio – yhteenveto arviointitilaisuudesta", local_name),
        "Täytetään tilaisuudessa yhteisesti, yksi yhteenveto arviointia kohden. Tämän välilehden tekstit julkaistaan raportissa.",
    )
    scale = _list_validation(SCALE_NAME, labels["agreed_rating"], "Tilaisuudessa yhdessä sovittu vaihe (vapaaehtoinen).")
    criteria = _list_validation(CRITERIA_NAME, labels["criterion"], "Mihin kriteeriin tavoite liittyy?")
    statuses = _list_validation(STATUSES_NAME, labels["status"], "Valitse tavoitteen tila.")
    for validation in (scale, criteria, statuses):
        ws.add_data_validation(validation)

    row = 4
    ws.cell(row, 2, "Yhteisesti sovitut arviot ja yhteenveto").font = _SECTION
    row += 1
    _header_row(ws, row, "agreed_header", [
        (acols["name"], labels["name"]),
        (acols["rating"], f"{labels['agreed_rating']} (vapaaehtoinen)"),
        (acols["strengths"], labels["strengths"]),
        (acols["challenges"], labels["challenges"]),
        (acols["development_needs"], labels["development_needs"]),
    ])
    for criterion in config.criteria:
        row += 1
        ws.cell(row, 1, f"agreed:{criterion.id}")
        _label(ws, row, acols["name"], criterion.name, bold=True)
        for field in ("rating", "strengths", "challenges", "development_needs"):
            _input(ws, row, acols[field])
        scale.add(ws.cell(row, acols["rating"]).coordinate)
        ws.row_dimensions[row].height = 75

    row += 2
    ws.cell(row, 2, "Kehittämistavoitteet").font = _SECTION
    row += 1
    _header_row(ws, row, "goal_header", [(gcols[f], labels[f]) for f in ("number", "goal", "action", "criterion", "owner", "deadline", "status")])
    for number in range(1, config.goal_rows + 1):
        row += 1
        ws.cell(row, 1, f"goal:{number}")
        _label(ws, row, gcols["number"], number, bold=True)
        ws.cell(row, gcols["number"]).alignment = Alignment(horizontal="center", vertical="top")
        for field in ("goal", "action", "criterion", "owner", "deadline", "status"):
            _input(ws, row, gcols[field])
        criteria.add(ws.cell(row, gcols["criterion"]).coordinate)
        statuses.add(ws.cell(row, gcols["status"]).coordinate)
        ws.row_dimensions[row].height = 45

    row += 2
    ws.cell(row, 2, "Edellisen arvioinnin kehittämistavoitteiden tilanne").font = _SECTION
    row += 1
    ws.cell(row, 2, "Kirjaa jokaisen edellisessä yhteenvedossa sovitun tavoitteen tila. Numero on edellisen yhteenvedon tavoitteen numero.").font = _SMALL
    row += 1
    _header_row(ws, row, "followup_header", [
        (fcols["previous_number"], labels["previous_number"]),
        (fcols["goal"], labels["followup_goal"]),
        (fcols["status"], labels["followup_status"]),
        (fcols["notes"], labels["notes"]),
    ])
    for number in range(1, config.goal_rows + 1):
        row += 1
        ws.cell(row, 1, f"followup:{number}")
        for field in ("previous_number", "goal", "status", "notes"):
            _input(ws, row, fcols[field])
        statuses.add(ws.cell(row, fcols["status"]).coordinate)
        ws.row_dimensions[row].height = 45
    _print_setup(ws)


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _protect(ws: Worksheet) -> None:
    """Lock everything but the input cells; rows and columns may still be resized."""
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False
