"""Reading every evaluation (I/O edge): the forms under raw/tuokio/<evaluation date>/, read
sheet by sheet, with duplicates set aside, into the ratings (with their rejected, skipped and
flagged rows and row account) and the agreed ratings, goals and goal follow-ups. Every row
carries its evaluation's scope (county-wide or local, see scope.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from kainuu_metrics.datasets.accounting import FLAGGED_COLUMNS, CleaningResult, combine, file_sha256
from kainuu_metrics.datasets.base import DatasetOutput
from kainuu_metrics.datasets.schemas import TUOKIO_AGREED, TUOKIO_GOAL_FOLLOWUPS, TUOKIO_GOALS, TUOKIO_RATINGS, conform
from kainuu_metrics.datasets.tuokio.config import TEMPLATE_COMMAND, TuokioConfig
from kainuu_metrics.datasets.tuokio.form import FormLayout, check_template, form_identity, read_form
from kainuu_metrics.datasets.tuokio.scope import FolderScope, folder_scope, resolve_scope
from kainuu_metrics.datasets.tuokio.sheets import (
    AGREED,
    FOLLOWUPS,
    GOALS,
    RATINGS,
    TABLE,
    FormContext,
    SheetOutcome,
    as_duplicate,
    as_skipped_duplicate,
    parse_participant_sheet,
    parse_summary_sheet,
)
from kainuu_metrics.datasets.tuokio.values import evaluation_date_from_folder
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.paths import Layout

FORM_SUFFIXES = frozenset({".xlsx", ".xlsm"})
WRONG_FORMAT_SUFFIXES = frozenset({".xls", ".ods", ".csv", ".numbers"})
TABLES = {  # processed table -> (kind of kept row, schema); the ratings come first
    "tuokio_ratings": (RATINGS, TUOKIO_RATINGS),
    "tuokio_agreed": (AGREED, TUOKIO_AGREED),
    "tuokio_goals": (GOALS, TUOKIO_GOALS),
    "tuokio_goal_followups": (FOLLOWUPS, TUOKIO_GOAL_FOLLOWUPS),
}


def _ignored(path: Path) -> bool:
    return path.name.startswith((".", "~$")) or path.stem.upper() == "README"


def find_forms(root: Path) -> list[Path]:
    """Every form under root/<evaluation date>/, by date and file name (`list_files`).

    Raises InputFileError for a form outside a date folder, a folder whose name is not a date,
    or a form saved in another format. Paths in messages are relative to the data folder
    (root is <data>/raw/tuokio)."""
    if not root.is_dir():
        return []

    def shown(path: Path) -> str:
        return Layout(root.parent.parent, Path()).relative_to_data(path)

    forms = []
    for entry in sorted(root.iterdir()):
        if _ignored(entry):
            continue
        if entry.is_file():
            if entry.suffix.lower() in FORM_SUFFIXES | WRONG_FORMAT_SUFFIXES:
                raise InputFileError(
                    shown(entry),
                    "lomake ei ole arviointipäivän kansiossa",
                    f"Siirrä lomake kansioon {shown(root)}/<arviointipäivä>/, esim. "
                    f"{shown(root)}/2025-11-12/ tai {shown(root)}/12.11.2025/.",
                )
            continue
        try:
            day = evaluation_date_from_folder(entry.name)
        except ValueError as exc:
            raise InputFileError(
                shown(entry), f"{exc}", "Nimeä kansio arviointitilaisuuden päivämäärällä, esim. 2025-11-12 tai 12.11.2025."
            ) from None
        for path in sorted(entry.iterdir()):
            if not path.is_file() or _ignored(path):
                continue
            suffix = path.suffix.lower()
            if suffix in WRONG_FORMAT_SUFFIXES:
                raise InputFileError(
                    shown(path),
                    f"lomake on tallennettu muodossa '{suffix}', jota ei voi lukea luotettavasti",
                    "Avaa lomake Excelissä ja tallenna se muodossa .xlsx (Excel-työkirja).",
                )
            if suffix in FORM_SUFFIXES:
                forms.append((day, path))
    return [path for _, path in sorted(forms, key=_reading_order)]


def _reading_order(form: tuple[dt.date, Path]) -> tuple:
    # By stem first, so that "lomake_11.xlsx" is read before its copy "lomake_11 - kopio.xlsx".
    return form[0], form[1].stem, form[1].as_posix()


def _dated(paths: list[Path], layout: Layout) -> list[tuple[FolderScope, Path]]:
    """(what the folder's name says: date and scope, form), in reading order."""
    dated = []
    for path in paths:
        try:
            dated.append((folder_scope(path.parent.name), path))
        except ValueError as exc:
            raise InputFileError(
                layout.relative_to_data(path.parent), f"{exc}",
                "Nimeä kansio arviointitilaisuuden päivämäärällä, esim. 2025-11-12 tai 12.11.2025.",
            ) from None
    return sorted(dated, key=lambda form: _reading_order((form[0].date, form[1])))


Evaluation = tuple[dt.date, str, str | None]  # (date, scope, local evaluation's name): one evaluation


class _Seen:
    """What has been read so far: files by SHA-256, sheets by form id and answers, summaries,
    and the respondents that share a form id."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.copies: dict[tuple, str] = {}  # (evaluation, form id, sheet kind, answers) -> where first read
        self.participants: dict[tuple[Evaluation, tuple], str] = {}  # forms without an id: (evaluation, answers)
        self.summaries: dict[Evaluation, str] = {}
        self.shared: dict[tuple[Evaluation, str], list[FormContext]] = {}  # respondents per form id

    def deduplicate(self, outcome: SheetOutcome, ctx: FormContext, layout: FormLayout, same_file: str | None, kind: str) -> SheetOutcome:
        """Set aside a sheet already read. A copy is skipped as a duplicate and flagged with the
        file it copies: the same file twice, or the same form (same form id) with the same answers
        in one evaluation. Forms without an id (template version 1) fall back to the older rule:
        the same answers and background details twice in one evaluation are rejected. A second
        summary of one evaluation is rejected. The first one read is kept."""
        evaluation: Evaluation = (ctx.evaluation_date, ctx.scope, ctx.evaluation_name)
        here = f"{ctx.source_file}:{ctx.sheet}"
        if same_file is not None:
            return self._copy(outcome, ctx, f"tiedosto on täsmälleen sama kuin {same_file}")
        if ctx.form_id is not None:
            key = (evaluation, ctx.form_id, kind, outcome.fingerprint)
            if key in self.copies:
                return self._copy(outcome, ctx, f"lomakkeella on sama lomaketunniste ja samat vastaukset kuin lomakkeella {self.copies[key]}")
            self.copies[key] = here
        if kind == "participant":
            if ctx.form_id is not None:
                self.shared.setdefault((evaluation, ctx.form_id), []).append(ctx)
                return outcome
            content = (evaluation, outcome.fingerprint)
            if content in self.participants:
                return as_duplicate(outcome, layout, (
                    f"kaksoiskappale: lomakkeen vastaukset ja taustatiedot ovat täsmälleen samat kuin lomakkeella "
                    f"{self.participants[content]}, joten ne on luettu vain kerran. Lomake on tehty vanhalla lomakepohjalla, "
                    "jossa ei ole lomaketunnistetta, joten kopiota ei voi erottaa toisesta samoin vastanneesta. Jos lomakkeet ovat "
                    "kahdelta eri vastaajalta, pyydä toista täydentämään lomakkeelleen rooli tai huomio ja tallenna se uudelleen"
                ))
            self.participants[content] = here
            return outcome
        if evaluation in self.summaries:
            return as_duplicate(outcome, layout, (
                f"arvioinnilla on jo yhteenveto lomakkeella {self.summaries[evaluation]}. Kokoa tilaisuuden sovitut "
                "arviot ja tavoitteet yhdelle yhteenvetolomakkeelle"
            ))
        self.summaries[evaluation] = here
        return outcome

    @staticmethod
    def _copy(outcome: SheetOutcome, ctx: FormContext, why: str) -> SheetOutcome:
        skipped = as_skipped_duplicate(outcome)
        skipped.flagged.append(ctx.flag(None, "tuokio_duplicate_form", (
            f"kaksoiskappale: {why}, joten se on luettu vain kerran ja sen rivit on ohitettu. Poista ylimääräinen kopio kansiosta"
        )))
        return skipped

    def shared_id_flags(self) -> list[dict]:
        """One flag per form id that several respondents of one evaluation filled in (one blank
        form handed to many): they are read as different respondents, which they are unless one
        form is a corrected version of another."""
        flags = []
        for forms in self.shared.values():
            if len(forms) > 1:
                first, second = forms[0], forms[1]
                flags.append(second.flag(None, "tuokio_shared_form_id", (
                    f"{len(forms)} lomakkeella on sama lomaketunniste mutta eri vastaukset (esim. {first.source_file} ja "
                    f"{second.source_file}): ne on täytetty samasta lomaketiedostosta ja luettu eri vastaajina. Jos jokin niistä "
                    "on korjattu versio toisesta, poista vanhempi kansiosta. Tee jatkossa jokaiselle vastaajalle oma lomake "
                    f"(komento '{TEMPLATE_COMMAND} --kpl N'), jotta kopiot ja samoin vastanneet voidaan erottaa"
                )))
        return flags


def read_evaluations(paths: list[Path], layout: Layout, config: TuokioConfig, *, config_file: str) -> DatasetOutput:
    """Read every filled form (each in its evaluation-date folder; raises InputFileError for a
    file that is not a readable form, or a form whose evaluation contradicts its folder).
    `config_file` names the configuration in messages."""
    outcomes: list[SheetOutcome] = []
    flags: list[dict] = []
    seen = _Seen()
    for folder, path in _dated(paths, layout):
        day = folder.date
        source_file, sha256 = layout.relative_to_data(path), file_sha256(path)
        content = read_form(path, source_file)
        form_layout, note = check_template(content, source_file, config)
        identity = form_identity(content, form_layout, source_file)
        scope, name = resolve_scope(identity.scope, identity.scope_name, folder, source_file)
        if note and not form_layout.identity:
            found = f"paikallinen arviointi '{name}'" if name else "koko hyvinvointialueen arviointi"
            note += (
                "; lomakkeella ei ole lomaketunnistetta eikä tietoa arvioinnin laajuudesta, joten laajuus on päätelty kansion "
                f"nimestä ({found}) ja kaksoiskappaleet vastausten perusteella"
            )
        same_file = seen.files.get(sha256)
        seen.files.setdefault(sha256, source_file)
        any_filled = any_flagged = False
        for sheet in content.sheets:
            ctx = FormContext(source_file, sheet.name, sha256, day, form_layout.version, config_file, scope, name, identity.form_id)
            parse = parse_participant_sheet if sheet.kind == "participant" else parse_summary_sheet
            outcome = parse(sheet, ctx, form_layout, config, content.scale_labels)
            if outcome.filled:
                if note:
                    outcome.flagged.append(ctx.flag(None, "tuokio_older_template", note))
                outcome = seen.deduplicate(outcome, ctx, form_layout, same_file, sheet.kind)
                any_filled = True
            else:
                # An untouched sheet (the summary on a participant's form, say) holds no data rows.
                outcome = SheetOutcome(ctx.ledger(0), outcome.flagged)
            outcomes.append(outcome)
            flags += outcome.flagged
            any_flagged = any_flagged or bool(outcome.flagged)
        if not any_filled and not any_flagged:
            empty = FormContext(source_file, "", sha256, day, form_layout.version, config_file, scope, name, identity.form_id)
            flags.append(empty.flag(None, "tuokio_empty_form",
                                    "lomakkeella ei ole yhtään vastausta; tarkista, tallennettiinko täytetty lomake vai tyhjä pohja"))
    return _assemble(outcomes, flags + seen.shared_id_flags())


def _assemble(outcomes: list[SheetOutcome], flags: list[dict]) -> DatasetOutput:
    kept = [row for outcome in outcomes for row in outcome.ledger.kept]
    tables = {
        name: conform(pd.DataFrame([row for row in kept if row[TABLE] == kind], columns=list(schema)), schema)
        for name, (kind, schema) in TABLES.items()
    }
    sheets = combine([outcome.ledger.result() for outcome in outcomes])
    flagged = pd.DataFrame(flags, columns=FLAGGED_COLUMNS)
    flagged["source_row"] = flagged["source_row"].astype("Int64")
    ratings = tables.pop("tuokio_ratings")
    result = CleaningResult(cleaned=ratings, rejected=sheets.rejected, skipped=sheets.skipped, flagged=flagged, accounts=sheets.accounts)
    return DatasetOutput(
        results={"tuokio_ratings": result},
        tables=tables,
        years=evaluation_years(ratings, tables["tuokio_agreed"], tables["tuokio_goals"]),
    )


def evaluation_dates(*tables: pd.DataFrame) -> list[pd.Timestamp]:
    """Every evaluation date found in the tables, oldest first."""
    dates: set[pd.Timestamp] = set()
    for table in tables:
        if not table.empty:
            dates |= {pd.Timestamp(d) for d in table["evaluation_date"].dropna().unique()}
    return sorted(dates)


def evaluation_years(*tables: pd.DataFrame) -> list[int]:
    return sorted({d.year for d in evaluation_dates(*tables)})
