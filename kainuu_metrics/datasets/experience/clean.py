"""Cleaning experience exports into two pseudonymised tables, experience_assignments and
experience_register, each with its rejected, skipped and flagged rows and row account.

Privacy: names and register ids are read into memory only. Every person becomes a keyed
pseudonym (`pseudonyms.pseudonymise`) before anything is written; rejected-row files show
"(nimi poistettu)" / "(tunnus poistettu)" instead of a name or id, and every other rejected value
masked (kind, length and position: kainuu_metrics.privacy.mask_value); no reason quotes a value.
Free text is not published: an organisation must be a registered one (config organisations,
else the row is rejected), a training course name is reduced to its year, and columns declared
personal (config personal_columns) are dropped at read, each disclosed as a flagged line.

Register exports: one row per person. The same person twice in one sheet is rejected; the same
person in several files is taken from the file listed last (name the exports so that the newest
sorts last, e.g. with the year) and the earlier rows are skipped as duplicates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import CleaningResult, combine
from kainuu_metrics.datasets.experience.config import CONFIG_NAME, load_experience_config
from kainuu_metrics.datasets.experience.identities import (
    ID_COLUMNS,
    ID_REMOVED,
    NAME_COLUMNS,
    NAME_REMOVED,
    NameScrubber,
    RegisterLinks,
    build_links,
)
from kainuu_metrics.datasets.experience.parse import Parsed, parse_assignment, parse_register_row
from kainuu_metrics.datasets.experience.pseudonyms import load_or_create_key, pseudonymise
from kainuu_metrics.datasets.experience.read import ASSIGNMENTS, REGISTER, SheetRead, read_experience_sheets
from kainuu_metrics.datasets.readers import year_in_path
from kainuu_metrics.datasets.rows import RowProblem, SheetLedger, cell_text, flag_lines, hidden_sheet_result
from kainuu_metrics.datasets.schemas import EXPERIENCE_ASSIGNMENTS, EXPERIENCE_REGISTER, conform
from kainuu_metrics.paths import Layout
from kainuu_metrics.privacy import mask_in_reason, mask_value
from kainuu_metrics.settings import ColumnMapping, Settings

ASSIGNMENT_FLAGS = {
    "flag_not_in_register": "kokemusasiantuntijaa ei löydy rekisteristä, tai hänen rekisteririvinsä on hylätty (ks. hylätyt rivit)",
    "flag_ambiguous_name": "nimellä on rekisterissä useita henkilöitä, joten tehtävää ei voitu yhdistää rekisteritunnukseen",
    "flag_fee_waived_with_fee": "palkkiosta on merkitty luovutun, mutta palkkio on suurempi kuin 0 €",
}
REGISTER_FLAGS = {
    "flag_status_conflict": "tila ja poistumispäivä ovat ristiriidassa (lopettanut ilman poistumispäivää tai aktiivinen, vaikka poistunut)",
}


# --- names out of everything written ------------------------------------------------------------


def raw_names(sheets: list[SheetRead]) -> set[str]:
    """Every name cell read (for scrubbing text); ids are never copied into text columns."""
    names: set[str] = set()
    for s in sheets:
        records = s.mapped.records
        for column in NAME_COLUMNS & set(records.columns):
            names |= {str(v) for v in records[column] if not parsing.is_blank(v)}
        if {"first_name", "last_name"} <= set(records.columns):
            names |= {f"{a} {b}" for a, b in zip(records["first_name"], records["last_name"]) if not (parsing.is_blank(a) or parsing.is_blank(b))}
    return names


def rejected_value(column: str, raw: object, source_row: int, label: str, scrub: NameScrubber) -> str:
    """A rejected cell as the rejected-rows file shows it: never its content. A name or a
    register id says so; any other value is masked to its kind, length and position."""
    if parsing.is_blank(raw):
        return ""
    if column in NAME_COLUMNS or scrub.contains_name(cell_text(raw)):
        return NAME_REMOVED
    if column in ID_COLUMNS:
        return ID_REMOVED
    return mask_value(raw, source_row, label)


def masked_problem(problem: RowProblem, record: dict[str, object], scrub: NameScrubber) -> RowProblem:
    """The problem with any quotation of its cell (a name, an id, or any other value) masked."""
    raw, reason = record.get(problem.column), problem.reason
    if not parsing.is_blank(raw) and (problem.column in NAME_COLUMNS | ID_COLUMNS or scrub.contains_name(str(raw))):
        reason = reason.replace(str(raw), ID_REMOVED if problem.column in ID_COLUMNS else NAME_REMOVED)
    reason = mask_in_reason(reason, raw, mask_value(raw, 0, "").split(" (rivi")[0])
    return RowProblem(problem.column, scrub.text(reason) or "")


# --- one table from its sheets ------------------------------------------------------------------


def _ledger(s: SheetRead, mapping: ColumnMapping) -> SheetLedger:
    # Rejected lines name the column as the file writes it.
    return SheetLedger(
        dataset=s.table, source_file=s.source_file, sheet=s.sheet.name, sha256=s.sha256,
        rows_read=len(s.sheet.rows), labels={**mapping.labels, **s.mapped.headers},
    )


def _reject(ledger: SheetLedger, parsed: Parsed, scrub: NameScrubber) -> None:
    problems = [masked_problem(p, parsed.record, scrub) for p in parsed.problems]
    ledger.reject(parsed.source_row, problems, parsed.record,
                  shown=lambda column, raw: rejected_value(column, raw, parsed.source_row, ledger.labels.get(column, column), scrub))


def _skip(ledger: SheetLedger, s: SheetRead, duplicates: list[int]) -> None:
    for number, kind in sorted([*s.mapped.skipped, *((n, "duplicate") for n in duplicates)]):
        ledger.skip(number, kind)


def _table(
    dataset: str, ledgers: list[SheetLedger], schema: dict[str, str], flags: dict[str, str], year_of: Callable[[Any], object]
) -> CleaningResult:
    """The combined result of a table's sheets, in schema shape, with its flagged rows."""
    result = combine([ledger.result() for ledger in ledgers])
    frame = result.cleaned
    if not frame.empty:
        frame = frame.sort_values(["source_file", "sheet", "source_row"], kind="stable")
    result.cleaned = conform(frame, schema)
    result.flagged = flag_lines(
        result.cleaned, flags, dataset=dataset, describe=lambda row: f"pseudonyymi {row.expert_pseudonym}", year_of=year_of
    )
    return result


def clean_register(
    sheets: list[SheetRead], parsed: list[list[Parsed]], key: bytes, scrub: NameScrubber, links: RegisterLinks, mapping: ColumnMapping
) -> CleaningResult:
    """The register: one row per person; a person in several files is taken from the last one."""
    kept: list[list[tuple[Parsed, str, str]]] = []  # per sheet: (row, pseudonym, identity basis)
    rejected: list[list[Parsed]] = []
    for s, rows in zip(sheets, parsed):
        first_row: dict[str, int] = {}
        kept.append([])
        rejected.append([])
        for p in rows:
            if p.problems:
                rejected[-1].append(p)
                continue
            identity = links.resolve(p.id_key, p.person_name)
            pseudonym = pseudonymise(identity.identity, key)
            if pseudonym in first_row:
                columns = (["register_id"] if p.id_key is not None else []) + ["name", "last_name", "first_name", "register_id"]
                duplicate = RowProblem(
                    next((c for c in columns if c in s.mapped.headers), "register_id"),
                    f"sama henkilö on rekisterissä jo rivillä {first_row[pseudonym]}; poista toinen riveistä",
                )
                rejected[-1].append(Parsed(p.source_row, p.values, p.id_key, p.person_name, (duplicate,), p.record))
                continue
            first_row[pseudonym] = p.source_row
            kept[-1].append((p, pseudonym, identity.basis))
    # The later file wins: a person's row in an earlier file is skipped as a duplicate.
    winner = {pseudonym: (i, p.source_row) for i, rows in enumerate(kept) for p, pseudonym, _ in rows}
    ledgers = []
    for i, s in enumerate(sheets):
        ledger = _ledger(s, mapping)
        duplicates = []
        for p, pseudonym, basis in kept[i]:
            if winner[pseudonym] != (i, p.source_row):
                duplicates.append(p.source_row)
                continue
            # The course name is free text (it may name a person): only the year read from it is kept.
            values = {**p.values, "training_course": None}
            ledger.keep(p.source_row, {"expert_pseudonym": pseudonym, "identity_basis": basis, **values})
        for p in rejected[i]:
            _reject(ledger, p, scrub)
        _skip(ledger, s, duplicates)
        ledgers.append(ledger)
    return _table(REGISTER, ledgers, EXPERIENCE_REGISTER, REGISTER_FLAGS, lambda r: None if pd.isna(r.left) else r.left.year)


def clean_assignments(
    sheets: list[SheetRead], parsed: list[list[Parsed]], key: bytes, scrub: NameScrubber, links: RegisterLinks, mapping: ColumnMapping,
    register_years: Sequence[int | None] = (),
) -> CleaningResult:
    """The assignment logs: one row per assignment, the expert linked and pseudonymised. "Not in
    the register" is flagged only for a year that some register file (dated by the year in its
    name; undated counts) was already there for: a register delivered later says nothing of it."""
    ledgers = []
    for s, rows in zip(sheets, parsed):
        ledger = _ledger(s, mapping)
        for p in rows:
            if p.problems:
                _reject(ledger, p, scrub)
                continue
            identity = links.resolve(p.id_key, p.person_name)
            values = dict(p.values)
            ledger.keep(p.source_row, {
                "year": values.pop("year"),
                "date": values.pop("date"),
                "expert_pseudonym": pseudonymise(identity.identity, key),
                "identity_basis": identity.basis,
                **values,
                "organisation": values["organisation"],  # a registered organisation's name (parse_organisation)
                "flag_not_in_register": identity.not_in_register and any(y is None or y <= p.values["year"] for y in register_years),
                "flag_ambiguous_name": identity.ambiguous_name,
                "flag_fee_waived_with_fee": bool(values["fee_waived"] and values["fee_eur"] > 0),
            })
        _skip(ledger, s, [])
        ledgers.append(ledger)
    return _table(ASSIGNMENTS, ledgers, EXPERIENCE_ASSIGNMENTS, ASSIGNMENT_FLAGS, lambda r: r.year)


def clean_experience(paths: list[Path], layout: Layout, settings: Settings, *, key: bytes | None = None) -> dict[str, CleaningResult]:
    """Clean every experience export: {"experience_assignments": ..., "experience_register": ...}.

    The pseudonymisation key is `key`, or pseudonyms.load_or_create_key(layout.data)."""
    config = load_experience_config(settings)
    config_file = settings.shown_path(CONFIG_NAME)
    mappings = {ASSIGNMENTS: settings.columns(ASSIGNMENTS), REGISTER: settings.columns(REGISTER)}
    sheets, hidden_sheets = read_experience_sheets(paths, layout, mappings, config.personal_columns)
    key = key if key is not None else load_or_create_key(layout.data)
    scrub = NameScrubber(raw_names(sheets))
    registers = [s for s in sheets if s.table == REGISTER]
    logs = [s for s in sheets if s.table == ASSIGNMENTS]
    register_rows = [[parse_register_row(r, config, config_file) for r in s.records()] for s in registers]
    log_rows = [[parse_assignment(r, config, config_file) for r in s.records()] for s in logs]
    # Every row that says who it is links its id and name, even when another cell rejects it.
    links = build_links(
        [(p.id_key, p.person_name) for rows in register_rows for p in rows if not p.problems],
        rejected=[(p.id_key, p.person_name) for rows in register_rows for p in rows if p.problems and (p.id_key or p.person_name)],
    )
    assignments = clean_assignments(logs, log_rows, key, scrub, links, mappings[ASSIGNMENTS], [year_in_path(s.source_file) for s in registers])
    hidden = [hidden_sheet_result(sheet, dataset=ASSIGNMENTS, source_file=f, sha256=h) for f, h, sheet in hidden_sheets]
    assignments = dataclasses.replace(assignments, skipped=combine([assignments, *hidden]).skipped,
                                      accounts=[*assignments.accounts, *(a for r in hidden for a in r.accounts)])
    register = clean_register(registers, register_rows, key, scrub, links, mappings[REGISTER])
    return {ASSIGNMENTS: with_dropped_columns(assignments, logs), REGISTER: with_dropped_columns(register, registers)}


PERSONAL_COLUMN_DROPPED = "personal_column_dropped"


def with_dropped_columns(result: CleaningResult, sheets: list[SheetRead]) -> CleaningResult:
    """The result with one flagged line per personal column dropped at read (on every year's
    quality page: year empty), saying so; the header is the file's, never a value."""
    lines = [
        {"dataset": s.table, "source_file": s.source_file, "sheet": s.sheet.name, "source_row": row, "year": None,
         "flag": PERSONAL_COLUMN_DROPPED,
         "reason": f"henkilötietosarake jätetty pois: sarakkeen '{header}' arvoja ei lueta eikä julkaista (config/experience.yaml, personal_columns)"}
        for s in sheets for row, header in s.dropped
    ]
    if not lines:
        return result
    flagged = pd.concat([result.flagged, pd.DataFrame(lines, columns=result.flagged.columns)], ignore_index=True) if len(result.flagged) else pd.DataFrame(lines, columns=result.flagged.columns)
    return dataclasses.replace(result, flagged=flagged)
