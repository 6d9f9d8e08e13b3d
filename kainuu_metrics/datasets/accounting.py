"""Row accounting: every raw row ends up cleaned, rejected with a reason, or skipped."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REJECTED_COLUMNS = ["dataset", "source_file", "sheet", "source_row", "column", "value", "reason"]
SKIPPED_COLUMNS = ["dataset", "source_file", "sheet", "source_row", "kind"]
FLAGGED_COLUMNS = ["dataset", "source_file", "sheet", "source_row", "year", "flag", "reason"]

# Why a raw row was skipped, as shown to users.
SKIP_KINDS = {
    "title": "otsikko- tai seliterivi",
    "header": "sarakeotsikkorivi",
    "blank": "tyhjä rivi",
    "totals": "yhteensä-rivi",
    "footnote": "alaviite",
    "duplicate": "sama tieto on jo luettu toisesta tiedostosta",
    "duplicate_row": "todennäköinen kaksoiskappale: samanlainen rivi on jo luettu (alkuperäinen rivi nimetään poikkeavien rivien luettelossa); laskettu vain kerran",
    "hidden_sheet": "piilotettu välilehti: ei lueta aineistoksi (usein varmuuskopio); näytä välilehti, jos sen rivit kuuluvat lukuihin",
    "out_of_scope": "alue tai vuosi ei kuulu seurantaan",
    "missing_value": "lähteessä ei arvoa ('.' tai '..')",
    "out_of_scope_organisation": "toimija, jota yhteistyösuunnitelma ei kata (rajattu pois luvuista)",
}
OUT_OF_SCOPE_ORGANISATION = "out_of_scope_organisation"


@dataclass(frozen=True)
class FileAccount:
    """How the rows of one sheet of one raw file were accounted for."""

    dataset: str
    source_file: str
    sheet: str
    sha256: str
    rows_read: int
    cleaned: int
    rejected: int
    skipped: int

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.cleaned + self.rejected + self.skipped


@dataclass
class CleaningResult:
    """The output of a cleaning step: the canonical table plus everything set aside."""

    cleaned: pd.DataFrame
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SKIPPED_COLUMNS))
    flagged: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLAGGED_COLUMNS))
    accounts: list[FileAccount] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def rejected_row_count(rejected: pd.DataFrame) -> int:
    """Rejected source rows (one row may have several problems, one line each)."""
    if rejected.empty:
        return 0
    return int(rejected[["source_file", "sheet", "source_row"]].drop_duplicates().shape[0])


def account_for(
    *,
    dataset: str,
    source_file: str,
    sheet: str,
    sha256: str,
    rows_read: int,
    cleaned: int,
    rejected: int,
    skipped: int,
) -> FileAccount:
    """Build the account of one sheet; raises if any row is unaccounted for (a bug, not bad input).

    A "row" is the unit the cleaner reads: a physical row for long tables, one value cell for
    wide tables (years as columns) and one value for JSON-stat."""
    account = FileAccount(
        dataset=dataset,
        source_file=source_file,
        sheet=sheet,
        sha256=sha256,
        rows_read=rows_read,
        cleaned=cleaned,
        rejected=rejected,
        skipped=skipped,
    )
    if not account.balanced:
        raise AssertionError(f"Row accounting does not balance for {source_file}/{sheet}: {account}")
    return account


def combine(results: list[CleaningResult]) -> CleaningResult:
    """Concatenate the results of several files of one dataset."""

    def concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
        frames = [f for f in frames if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    cleaned_frames = [r.cleaned for r in results if not r.cleaned.empty]
    cleaned = (
        pd.concat(cleaned_frames, ignore_index=True)
        if cleaned_frames
        else (results[0].cleaned.iloc[0:0] if results else pd.DataFrame())
    )
    return CleaningResult(
        cleaned=cleaned,
        rejected=concat([r.rejected for r in results], REJECTED_COLUMNS),
        skipped=concat([r.skipped for r in results], SKIPPED_COLUMNS),
        flagged=concat([r.flagged for r in results], FLAGGED_COLUMNS),
        accounts=[a for r in results for a in r.accounts],
    )


def set_aside(result: CleaningResult, source_rows: Collection[int], kind: str) -> CleaningResult:
    """One sheet's result with some of its kept rows moved to the skipped rows as `kind` (for
    example the rows of an organisation the monitoring does not cover); the row account is
    rebuilt and still balances. A new result; `result` is not changed."""
    if not source_rows:
        return result
    [account] = result.accounts  # the result of one sheet
    moving = result.cleaned["source_row"].isin(list(source_rows))
    moved = sorted(set(result.cleaned.loc[moving, "source_row"]))
    if len(moved) != len(set(source_rows)):
        raise AssertionError(f"set_aside: rows {sorted(set(source_rows) - set(moved))} were not kept in {account.source_file}")
    added = pd.DataFrame(
        {"dataset": account.dataset, "source_file": account.source_file, "sheet": account.sheet, "source_row": moved, "kind": kind},
        columns=SKIPPED_COLUMNS,
    )
    skipped = pd.concat([result.skipped, added], ignore_index=True) if not result.skipped.empty else added
    rebuilt = account_for(
        dataset=account.dataset, source_file=account.source_file, sheet=account.sheet, sha256=account.sha256,
        rows_read=account.rows_read, cleaned=account.cleaned - len(moved), rejected=account.rejected,
        skipped=account.skipped + len(moved),
    )
    return CleaningResult(
        cleaned=result.cleaned.loc[~moving].reset_index(drop=True),
        rejected=result.rejected,
        skipped=skipped,
        flagged=result.flagged,
        accounts=[rebuilt],
    )
