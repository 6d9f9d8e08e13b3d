"""Parsing the sheets of one form (pure): a participant's sheet gives one rating row per
criterion; the summary sheet gives the agreed ratings, the development goals and the previous
goals' status. Every keyed row is kept, rejected with a reason or skipped in the sheet's
SheetLedger; each kept row names the table it belongs to (`TABLE`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kainuu_metrics.datasets.parsing import is_blank
from kainuu_metrics.datasets.rows import RowProblem, SheetLedger, cell_text
from kainuu_metrics.datasets.tuokio.config import DATASET, NO_ANSWER, TuokioConfig
from kainuu_metrics.datasets.tuokio.form import TEXT_FIELDS, FormLayout, FormSheet
from kainuu_metrics.datasets.tuokio.values import (
    free_text,
    parse_actor_type,
    parse_criterion,
    parse_deadline,
    parse_goal_status,
    parse_rating,
    text_key,
)

TABLE = "table"  # key of a kept row: which table it goes to
RATINGS, AGREED, GOALS, FOLLOWUPS = "ratings", "agreed", "goals", "followups"
_SHOWN_VALUE = {RATINGS: "rating", AGREED: "agreed_rating", GOALS: "goal", FOLLOWUPS: "goal"}  # in duplicate lines


@dataclass(frozen=True)
class FormContext:
    """Where a sheet comes from, and the configuration file as users see it (for messages)."""

    source_file: str
    sheet: str
    sha256: str
    evaluation_date: dt.date
    template_version: int
    config_file: str
    scope: str = "hyvinvointialue"
    evaluation_name: str | None = None  # a local evaluation's name
    form_id: str | None = None

    def ledger(self, rows_read: int, labels: dict[str, str] | None = None) -> SheetLedger:
        return SheetLedger(dataset=DATASET, source_file=self.source_file, sheet=self.sheet, sha256=self.sha256, rows_read=rows_read, labels=labels)

    def base(self) -> dict[str, Any]:
        return {"evaluation_date": self.evaluation_date, "year": self.evaluation_date.year, "scope": self.scope,
                "evaluation_name": self.evaluation_name}

    def flag(self, row: int | None, flag: str, reason: str) -> dict[str, Any]:
        """One flagged line (a usable but suspicious sheet or row) for the quality page."""
        return {"dataset": DATASET, "source_file": self.source_file, "sheet": self.sheet, "source_row": row,
                "year": self.evaluation_date.year, "flag": flag, "reason": reason}


@dataclass
class SheetOutcome:
    """One form sheet read: its ledger, its flags, whether anything was filled in, and what
    identifies its answers (to find the same answers sent twice)."""

    ledger: SheetLedger
    flagged: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: tuple = ()
    filled: bool = False


def parse_participant_sheet(
    sheet: FormSheet, ctx: FormContext, layout: FormLayout, config: TuokioConfig, form_labels: tuple[str, ...] = ()
) -> SheetOutcome:
    """A participant's sheet -> one rating row per criterion (or the rows set aside)."""
    details = {row.key: row for row in sheet.rows if row.key in {"actor_type", "role"}}
    rating_rows = sheet.rows_with_prefix("rating:")
    out = SheetOutcome(ctx.ledger(len(rating_rows), layout.labels))
    cols = layout.rating_columns
    answer_fields = ["rating", *TEXT_FIELDS]
    out.filled = any(not is_blank(row.cell(cols[f])) for _, row in rating_rows for f in answer_fields)
    actor_row, role_row = details.get("actor_type"), details.get("role")
    actor_at = actor_row.number if actor_row else None
    actor_raw = actor_row.cell(layout.detail_column) if actor_row else None
    role = free_text(role_row.cell(layout.detail_column)) if role_row else None
    if not out.filled:
        if not is_blank(actor_raw) or role:
            out.flagged.append(ctx.flag(actor_at, "tuokio_no_answers",
                                        "lomakkeelle on täytetty taustatiedot mutta ei yhtään arviota tai vastausta; lomaketta ei ole luettu"))
        return out

    participant = f"{ctx.source_file}:{ctx.sheet}"
    try:
        actor_type = parse_actor_type(actor_raw, config)
        if actor_type is None:
            out.flagged.append(ctx.flag(actor_at, "tuokio_actor_type_missing",
                                        f"toimijataho puuttuu ({participant}); vastaukset on luettu, mutta ne eivät ole mukana toimijatahojen vertailussa"))
    except ValueError as exc:
        actor_type = None
        out.flagged.append(ctx.flag(actor_at, "tuokio_actor_type_unknown", f"{exc}; vastaukset on luettu ilman toimijatahoa ({participant})"))

    known = config.criterion_names
    for criterion_id, row in rating_rows:
        raw = {"rating": row.cell(cols["rating"])}
        if criterion_id not in known:
            out.ledger.reject(row.number, [RowProblem("rating", (
                f"kriteeriä '{criterion_id}' ({row.cell(cols['name'])}) ei ole asetuksissa. Lisää kriteeri "
                f"tiedostoon {ctx.config_file} tai kopioi vastaukset uudelle lomakkeelle"
            ))], raw)
            continue
        try:
            status, rating = parse_rating(raw["rating"], config, form_labels)
        except ValueError as exc:
            out.ledger.reject(row.number, [RowProblem("rating", (
                f"{exc}. Korjaa kriteerin '{known[criterion_id]}' arvio lomakkeelle ja tallenna se uudelleen"
            ))], raw)
            continue
        if status == NO_ANSWER:
            out.flagged.append(ctx.flag(row.number, "tuokio_missing_rating",
                                        f"kriteerin '{known[criterion_id]}' arvio puuttuu ({participant}); luettu vastauksena 'ei vastausta'"))
        out.ledger.keep(row.number, {
            TABLE: RATINGS,
            **ctx.base(),
            "participant": participant,
            "actor_type": actor_type,
            "role": role,
            "criterion": criterion_id,
            "rating": rating,
            "answer_status": status,
            **{f: free_text(row.cell(cols[f])) for f in TEXT_FIELDS},
            "template_version": ctx.template_version,
            "form_id": ctx.form_id,
        })
    present = {c for c, _ in rating_rows}
    missing = [name for c, name in known.items() if c not in present]
    if missing:
        out.flagged.append(ctx.flag(None, "tuokio_criterion_missing_from_form",
                                    f"lomakkeelta puuttuu {'kriteeri' if len(missing) == 1 else 'kriteerit'} {', '.join(missing)} ({participant}); "
                                    "niiden arvioita ei ole tältä vastaajalta"))
    out.fingerprint = (
        text_key(actor_raw),
        text_key(role),
        tuple(sorted((c, *(text_key(row.cell(cols[f])) for f in answer_fields)) for c, row in rating_rows)),
    )
    return out


def parse_summary_sheet(sheet: FormSheet, ctx: FormContext, layout: FormLayout, config: TuokioConfig, form_labels: tuple[str, ...] = ()) -> SheetOutcome:
    """The meeting's summary -> agreed ratings, development goals and the previous goals' status."""
    agreed_rows = sheet.rows_with_prefix("agreed:")
    goal_rows = sheet.rows_with_prefix("goal:")
    followup_rows = sheet.rows_with_prefix("followup:")
    out = SheetOutcome(ctx.ledger(len(agreed_rows) + len(goal_rows) + len(followup_rows), layout.labels))
    ledger, known = out.ledger, config.criterion_names
    out.fingerprint = tuple((row.key, tuple(text_key(c) for c in row.cells[1:])) for _, row in [*agreed_rows, *goal_rows, *followup_rows])

    for criterion_id, row in agreed_rows:
        values = {f: row.cell(layout.agreed_columns[f]) for f in ["rating", *TEXT_FIELDS]}
        if all(is_blank(v) for v in values.values()):
            ledger.skip(row.number, "blank")
            continue
        out.filled = True
        raw = {"agreed_rating": values["rating"]}
        if criterion_id not in known:
            ledger.reject(row.number, [RowProblem("agreed_rating", (
                f"kriteeriä '{criterion_id}' ei ole asetuksissa. Lisää kriteeri tiedostoon "
                f"{ctx.config_file} tai kopioi yhteenveto uudelle lomakkeelle"
            ))], raw)
            continue
        try:
            status, rating = parse_rating(values["rating"], config, form_labels)
        except ValueError as exc:
            ledger.reject(row.number, [RowProblem("agreed_rating", (
                f"{exc}, tai jätä sovittu arvio tyhjäksi. Korjaa kriteerin '{known[criterion_id]}' sovittu arvio "
                "yhteenvetoon ja tallenna lomake uudelleen"
            ))], raw)
            continue
        ledger.keep(row.number, {
            TABLE: AGREED, **ctx.base(), "criterion": criterion_id, "agreed_rating": rating, "answer_status": status,
            **{f: free_text(values[f]) for f in TEXT_FIELDS},
        })

    for number_text, row in goal_rows:
        values = {f: row.cell(layout.goal_columns[f]) for f in ["goal", "action", "criterion", "owner", "deadline", "status"]}
        if all(is_blank(v) for v in values.values()):
            ledger.skip(row.number, "blank")
            continue
        out.filled = True
        problems: list[RowProblem] = []
        goal = free_text(values["goal"])
        if goal is None:
            problems.append(RowProblem("goal", "kehittämistavoite puuttuu, vaikka rivillä on muita tietoja. Kirjoita tavoite sarakkeeseen 'Kehittämistavoite'"))
        criterion = status = None
        try:
            criterion = parse_criterion(values["criterion"], config)
        except ValueError as exc:
            problems.append(RowProblem("criterion", str(exc)))
        try:
            status = parse_goal_status(values["status"], config)
        except ValueError as exc:
            problems.append(RowProblem("status", str(exc)))
        if problems:
            ledger.reject(row.number, problems, values)
            continue
        deadline, deadline_date = parse_deadline(values["deadline"])
        ledger.keep(row.number, {
            TABLE: GOALS, **ctx.base(),
            "goal_number": int(number_text) if number_text.isdigit() else row.number,
            "goal": goal, "action": free_text(values["action"]), "criterion": criterion, "owner": free_text(values["owner"]),
            "deadline": deadline, "deadline_date": deadline_date, "status": status,
        })

    for _, row in followup_rows:
        values = {f: row.cell(layout.followup_columns[f]) for f in ["previous_number", "goal", "status", "notes"]}
        if all(is_blank(v) for v in values.values()):
            ledger.skip(row.number, "blank")
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
                problems.append(RowProblem("previous_number", f"tavoitteen numero '{raw_number}' ei ole numero. Kirjoita edellisen yhteenvedon tavoitteen numero (esim. 2)"))
        goal = free_text(values["goal"])
        if previous_number is None and goal is None and not problems:
            problems.append(RowProblem("previous_number", "rivistä ei selviä, mihin edellisen arvioinnin tavoitteeseen tila liittyy. Täytä tavoitteen numero tai tavoite"))
        try:
            status = parse_goal_status(values["status"], config)
        except ValueError as exc:
            problems.append(RowProblem("followup_status", str(exc)))
        if problems:
            ledger.reject(row.number, problems, {**values, "followup_status": values["status"]})
            continue
        ledger.keep(row.number, {
            TABLE: FOLLOWUPS, **ctx.base(),
            "previous_goal_number": previous_number, "goal": goal, "status": status, "notes": free_text(values["notes"]),
        })
    return out


def as_skipped_duplicate(outcome: SheetOutcome) -> SheetOutcome:
    """The sheet again with every row skipped as a duplicate (a copy of a sheet already read:
    nothing of it is lost). Its flags are dropped: the first copy carries them."""
    old = outcome.ledger
    ledger = SheetLedger(dataset=old.dataset, source_file=old.source_file, sheet=old.sheet, sha256=old.sha256, rows_read=old.rows_read)
    kinds = {line["source_row"]: line["kind"] for line in old.skipped}
    for line in [*old.kept, *old.rejected]:
        kinds.setdefault(line["source_row"], "duplicate")
    for number in sorted(kinds):
        ledger.skip(number, kinds[number])
    return SheetOutcome(ledger, fingerprint=outcome.fingerprint, filled=outcome.filled)


def as_duplicate(outcome: SheetOutcome, layout: FormLayout, reason: str) -> SheetOutcome:
    """The sheet again with every answered row rejected with `reason` (a sheet already read);
    blank rows stay skipped. Its flags are dropped: the first copy carries them."""
    old = outcome.ledger
    ledger = SheetLedger(dataset=old.dataset, source_file=old.source_file, sheet=old.sheet, sha256=old.sha256, rows_read=old.rows_read)
    for line in old.skipped:
        ledger.skip(line["source_row"], line["kind"])
    shown = {row["source_row"]: cell_text(row.get(_SHOWN_VALUE[row[TABLE]])) for row in old.kept}
    for line in old.rejected:
        shown.setdefault(line["source_row"], line["value"])
    column = layout.labels["rating"] if any(row[TABLE] == RATINGS for row in old.kept) else "koko lomake"
    for number in sorted(shown):
        ledger.reject_cell(number, column, shown[number], reason)
    return SheetOutcome(ledger, fingerprint=outcome.fingerprint, filled=outcome.filled)
