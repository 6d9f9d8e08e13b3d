"""Small-count suppression of published person counts.

The threshold and the markers are the domain's (config/domain.yaml, `privacy`); callers pass
them in. Counts of persons from 1 to threshold-1 are not published: they show as the primary
marker (e.g. "<5"). Zero is published. When a breakdown's total is published, the suppressed
cells could otherwise be worked out by subtraction, so more cells are suppressed
(complementary suppression, shown as the complementary marker, e.g. "x"):

1. if exactly one cell is suppressed, the smallest other cell with a positive count is
   suppressed as well;
2. more generally, cells are added in the same way (smallest positive count first) for as long
   as the published total and published cells would still pin any suppressed count down to a
   single value, knowing that a primary-suppressed cell holds 1..threshold-1 and a
   complementary one holds at least the threshold and at most the smallest published count
   (e.g. with threshold 5, "<5" and "x" summing to 6 can only be 1 and 5);
3. if no cell is left to add, the total itself is suppressed.

Every other figure of a suppressed cell (hours, euros, number of assignments) is suppressed
with it (complementary marker): they belong to a few people and could single someone out, and
suppressing them on the same cells keeps them, too, from being recovered from the total. The
rule protects against subtraction within one breakdown and its total; it does not analyse
combinations of different breakdowns or years.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import pandas as pd

SUPPRESSION_COLUMN = "suppression"  # in suppress_counts' output: None | "primary" | "complementary"
PRIMARY, COMPLEMENTARY = "primary", "complementary"


def _count(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return 0.0
    return float(value)  # type: ignore[arg-type]


def is_small(value: object, threshold: int) -> bool:
    """A person count that must not be published: 1 <= value < threshold."""
    count = _count(value)
    return 1 <= count < threshold


def _pinned(bounds: dict[Hashable, tuple[float, float]], counts: dict[Hashable, float]) -> bool:
    """Whether any suppressed count follows from what is known of the others and their sum."""
    total = sum(counts[label] for label in bounds)
    for label, (low, high) in bounds.items():
        others_low = sum(b[0] for other, b in bounds.items() if other != label)
        others_high = sum(b[1] for other, b in bounds.items() if other != label)
        feasible_low = max(low, total - others_high)
        feasible_high = min(high, total - others_low)
        if feasible_high - feasible_low < 1:  # counts are whole numbers: one value left
            return True
    return False


def suppression_pattern(
    counts: pd.Series,
    *,
    total: Hashable | None = None,
    threshold: int,
    forced: frozenset[Hashable] = frozenset(),
) -> pd.Series:
    """For each label of a breakdown: None, "primary" or "complementary" (see the module doc).

    `total` is the label of the breakdown's published total, or None when no total is published.
    `forced` labels are suppressed anyway (e.g. because another column of the row is small).
    """
    values = {label: _count(v) for label, v in counts.items()}
    pattern: dict[Hashable, str | None] = {
        label: PRIMARY if 1 <= v < threshold else (COMPLEMENTARY if label in forced else None)
        for label, v in values.items()
    }
    if total is None or pattern.get(total) is not None:
        return pd.Series(pattern, index=counts.index, dtype=object)
    cells = [label for label in counts.index if label != total]
    chosen: set[Hashable] = set()  # complementary cells picked as the smallest published ones
    while True:
        suppressed = [label for label in cells if pattern[label] is not None]
        if not suppressed:
            break
        published = [label for label in cells if pattern[label] is None and values[label] > 0]
        upper = min((values[label] for label in published), default=math.inf)
        # What a reader knows: a primary cell is 1..threshold-1; a complementary one is at least
        # the threshold, and at most the smallest published count when it was picked as the
        # next-smallest cell.
        bounds = {
            label: (1.0, threshold - 1.0) if pattern[label] == PRIMARY
            else (float(threshold), upper if label in chosen else math.inf)
            for label in suppressed
        }
        if not _pinned(bounds, values):
            break
        if not published:
            pattern[total] = COMPLEMENTARY
            break
        smallest = min(published, key=lambda label: (values[label], cells.index(label)))
        pattern[smallest] = COMPLEMENTARY
        chosen.add(smallest)
    return pd.Series(pattern, index=counts.index, dtype=object)


def suppress_counts(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    total: Hashable | None = None,
    measure_columns: Sequence[str] = (),
    threshold: int,
    primary_marker: str,
    complementary_marker: str,
) -> pd.DataFrame:
    """A breakdown with small person counts replaced by markers; returns a new frame.

    Rows are cells of one breakdown (the index labels them); `total` names the row holding the
    breakdown's published total, if any. Each count column is suppressed by the rules of the
    module docstring, and a row hidden in one count column is hidden in all of them. A count of
    1..threshold-1 becomes `primary_marker`; every other hidden figure, and every figure of
    `measure_columns` (hours, euros) in a hidden row, becomes `complementary_marker`. The
    marked columns have object dtype; column "suppression" says why a row was hidden.

    >>> frame = pd.DataFrame({"persons": [9, 3, 6, 0]}, index=["total", "a", "b", "c"])
    >>> limits = {"threshold": 5, "primary_marker": "<5", "complementary_marker": "x"}
    >>> suppress_counts(frame, ["persons"], total="total", **limits)["persons"].tolist()
    [9, '<5', 'x', 0]
    """
    if not count_columns:
        raise ValueError("count_columns is empty")
    hidden: frozenset[Hashable] = frozenset()
    while True:  # grows until no column needs another hidden row
        patterns = {c: suppression_pattern(frame[c], total=total, threshold=threshold, forced=hidden) for c in count_columns}
        grown = frozenset(label for p in patterns.values() for label, kind in p.items() if kind is not None)
        if grown == hidden:
            break
        hidden = grown
    out = frame.copy()
    for column in [*count_columns, *measure_columns]:
        out[column] = out[column].astype(object)
    reasons: dict[Hashable, str | None] = {label: None for label in frame.index}
    for label in hidden:
        small = any(patterns[c][label] == PRIMARY for c in count_columns)
        reasons[label] = PRIMARY if small else COMPLEMENTARY
        for column in count_columns:
            out.at[label, column] = primary_marker if patterns[column][label] == PRIMARY else complementary_marker
        for column in measure_columns:
            out.at[label, column] = complementary_marker
    out[SUPPRESSION_COLUMN] = pd.Series(reasons, dtype=object)
    return out


def is_suppressed(value: object, markers: Sequence[str]) -> bool:
    """True for a marker written in place of a suppressed figure."""
    return isinstance(value, str) and value.strip() in markers
