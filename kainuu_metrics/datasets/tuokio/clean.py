"""Reading every evaluation (I/O edge): the forms under raw/tuokio/<evaluation date>/, read
sheet by sheet, with duplicates set aside, into the ratings (with their rejected, skipped and
flagged rows and row account) and the agreed ratings, goals and goal follow-ups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from kainuu_metrics.datasets.accounting import FLAGGED_COLUMNS, CleaningResult, combine, file_sha256
from kainuu_metrics.datasets.base import DatasetOutput
from kainuu_metrics.datasets.schemas import TUOKIO_AGREED, TUOKIO_GOAL_FOLLOWUPS, TUOKIO_GOALS, TUOKIO_RATINGS, conform
from kainuu_metrics.datasets.tuokio.config import TuokioConfig
from kainuu_metrics.datasets.tuokio.form import FormLayout, check_template, read_form
from kainuu_metrics.datasets.tuokio.sheets import (
    AGREED,
    FOLLOWUPS,
    GOALS,
    RATINGS,
    TABLE,
    FormContext,
    SheetOutcome,
    as_duplicate,
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


def _dated(paths: list[Path], layout: Layout) -> list[tuple[dt.date, Path]]:
    """(evaluation date from the folder name, form), in reading order."""
    dated = []
    for path in paths:
        try:
            dated.append((evaluation_date_from_folder(path.parent.name), path))
        except ValueError as exc:
            raise InputFileError(
                layout.relative_to_data(path.parent), f"{exc}",
                "Nimeä kansio arviointitilaisuuden päivämäärällä, esim. 2025-11-12 tai 12.11.2025.",
            ) from None
    return sorted(dated, key=_reading_order)


class _Seen:
    """What has been read so far: files by SHA-256, participants' answers, summaries."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.participants: dict[tuple[dt.date, tuple], str] = {}
        self.summaries: dict[dt.date, str] = {}

    def deduplicate(self, outcome: SheetOutcome, ctx: FormContext, layout: FormLayout, same_file: str | None, kind: str) -> SheetOutcome:
        """Reject a sheet already read: the same file twice, the same answers twice in one
        evaluation, or a second summary of one evaluation. The first one read is kept."""
        if same_file is not None:
            return as_duplicate(outcome, layout, (
                f"kaksoiskappale: tiedosto on täsmälleen sama kuin {same_file}, joten se on luettu vain kerran. "
                "Poista ylimääräinen kopio kansiosta"
            ))
        here = f"{ctx.source_file}:{ctx.sheet}"
        if kind == "participant":
            key = (ctx.evaluation_date, outcome.fingerprint)
            if key in self.participants:
                return as_duplicate(outcome, layout, (
                    f"kaksoiskappale: lomakkeen vastaukset ja taustatiedot ovat täsmälleen samat kuin lomakkeella "
                    f"{self.participants[key]}, joten ne on luettu vain kerran. Jos lomakkeet ovat kahdelta eri vastaajalta, "
                    "pyydä toista täydentämään lomakkeelleen rooli tai huomio ja tallenna se uudelleen"
                ))
            self.participants[key] = here
            return outcome
        if ctx.evaluation_date in self.summaries:
            return as_duplicate(outcome, layout, (
                f"arvioinnilla on jo yhteenveto lomakkeella {self.summaries[ctx.evaluation_date]}. Kokoa tilaisuuden sovitut "
                "arviot ja tavoitteet yhdelle yhteenvetolomakkeelle"
            ))
        self.summaries[ctx.evaluation_date] = here
        return outcome


def read_evaluations(paths: list[Path], layout: Layout, config: TuokioConfig, *, config_file: str) -> DatasetOutput:
    """Read every filled form (each in its evaluation-date folder; raises InputFileError for a
    file that is not a readable form). `config_file` names the configuration in messages."""
    outcomes: list[SheetOutcome] = []
    flags: list[dict] = []
    seen = _Seen()
    for day, path in _dated(paths, layout):
        source_file, sha256 = layout.relative_to_data(path), file_sha256(path)
        content = read_form(path, source_file)
        form_layout, note = check_template(content, source_file, config)
        same_file = seen.files.get(sha256)
        seen.files.setdefault(sha256, source_file)
        any_filled = any_flagged = False
        for sheet in content.sheets:
            ctx = FormContext(source_file, sheet.name, sha256, day, form_layout.version, config_file)
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
            empty = FormContext(source_file, "", sha256, day, form_layout.version, config_file)
            flags.append(empty.flag(None, "tuokio_empty_form",
                                    "lomakkeella ei ole yhtään vastausta; tarkista, tallennettiinko täytetty lomake vai tyhjä pohja"))
    return _assemble(outcomes, flags)


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
