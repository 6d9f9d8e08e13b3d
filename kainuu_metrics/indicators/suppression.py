"""Small-count suppression of published person counts, with complements that hold against
differencing.

The threshold and the markers are the domain's (config/domain.yaml, `privacy`); callers pass
them in. Counts of persons from 1 to threshold-1 are not published: they show as the primary
marker (e.g. "<5"), and every other figure of their cell (hours, euros, assignments) as the
complementary marker (e.g. "x"): they belong to a few people. Zero is published.

Complementary suppression. A breakdown is published with its total (one or several breakdowns
of the same figures, e.g. by role and by service area, share that total), so a hidden figure
could be worked out from what is shown. More cells (rows) are hidden, with every figure of the
row, until no hidden figure can be derived exactly. What a reader is assumed to know (the
attacker's model; tests/test_disclosure.py plays it with a linear-programming solver):

- every figure shown, and the totals (the same total is published once for all breakdowns);
- a measure column (hours, euros, assignments) adds up to the total in every breakdown;
- a person count column adds up to the total too, or, when a person may be in several cells
  (`Relations.counts_add_up=False`), each cell is at most the total and the cells together at
  least the total;
- every figure is at least 0; a primary-marked count is 1..threshold-1; a complementary-marked
  count is 0 or at least the threshold (otherwise it would carry the primary marker); a cell
  with no people has no other figure either (`Relations.owner`); whole-number columns; and
  any order between columns of one cell (`Relations.at_least`, `at_most`: e.g. at least as
  many assignments as persons, volunteer hours at most the hours).

A hidden figure is disclosed when these leave it a single possible value (a whole number for
counts), e.g. two hidden cells whose published remainder is 0 (both are 0), or a hidden "<5"
cell whose assignments must be 1 because the remainder equals the number of hidden cells.
One exception: when a column's published total is 0 (e.g. nobody waived a fee), every cell
of it is 0, shown or hidden; that says nothing about the few people of a hidden cell that it
does not say about everyone, so it is not counted as disclosed (hiding it would take the
total and more cells with it).
Complements are chosen greedily, one at a time: the published row, or figure of the total,
whose hiding leaves the fewest disclosed figures; on a tie a row before the total and the
smallest row first (by the first count column, so a row of 0 persons first: its "x" may be
read as 0 or as at least the threshold). When nothing helps on its own, the best pair is
hidden (e.g. a total and a row of another breakdown, which would otherwise give the total
back). A figure of the total is hidden in every breakdown. The check bounds each hidden figure
by propagating the relations above to a fixed point, for every combination of "0 or at least
the threshold" of the complementary counts tied to it.

Guarantee: within the tables passed in together and their totals, no hidden figure has a single
possible value under the model above (with a threshold of 2, "<2" itself says 1). Bound
propagation can in principle leave a range wider than an exact solver would; the attacker test
solves exactly, on the sample, on adversarial tables and on random ones. Not covered: a reader's knowledge outside the published
tables (e.g. that someone took part), combinations with other years or other publications, and
how narrow a range is (two hidden cells of 0 and 0,5 hours show each as 0..0,5).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import pandas as pd

SUPPRESSION_COLUMN = "suppression"  # in suppress_counts' output: None | "primary" | "complementary"
PRIMARY, COMPLEMENTARY = "primary", "complementary"
_TOL = 1e-6  # figures are published in cents at most; below this two bounds are one value


@dataclass(frozen=True)
class Relations:
    """What a reader knows about a breakdown's columns besides the published numbers."""

    counts_add_up: bool = True  # False: a person may be in several cells (each <= total, together >= total)
    integer: frozenset[str] = frozenset()  # measure columns of whole numbers (count columns always are)
    at_least: tuple[tuple[str, str], ...] = ()  # (a, b): a >= b in every cell and the total
    at_most: tuple[tuple[str, str], ...] = ()  # (a, b): a <= b in every cell and the total
    owner: str | None = None  # the count column whose people the cell's figures belong to (0 -> all 0)


def _count(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return 0.0
    return float(value)  # type: ignore[arg-type]


def is_small(value: object, threshold: int) -> bool:
    """A person count that must not be published: 1 <= value < threshold."""
    count = _count(value)
    return 1 <= count < threshold


# --- what a reader can derive --------------------------------------------------------------------

_Var = tuple[int | None, Hashable, str]  # (breakdown index or None for the total, row label, column)
_Constraint = tuple[list[tuple[int, _Var]], float, bool]  # sum(coef * x) + constant (== 0 if True, else >= 0)


@dataclass(frozen=True)
class _Tables:
    """The figures of breakdowns that share one total, as numbers."""

    cells: tuple[dict[Hashable, dict[str, float]], ...]  # per breakdown: row label -> column -> value
    total: dict[str, float] | None  # None: no total is published
    counts: tuple[str, ...]
    measures: tuple[str, ...]
    relations: Relations
    threshold: int

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.counts, *self.measures)

    def value(self, var: _Var) -> float:
        f, label, column = var
        return self.total[column] if f is None else self.cells[f][label][column]  # type: ignore[index]

    def integer(self, column: str) -> bool:
        return column in self.counts or column in self.relations.integer

    def small(self, var: _Var) -> bool:
        return var[2] in self.counts and 1 <= self.value(var) < self.threshold


def _box(tables: _Tables, var: _Var, zero: frozenset[_Var]) -> tuple[float, float]:
    """A hidden figure's bounds before the relations: see the module docstring."""
    if var[2] in tables.counts:
        if tables.small(var):
            return 1.0, tables.threshold - 1.0
        return (0.0, 0.0) if var in zero else (float(tables.threshold), math.inf)
    return 0.0, math.inf


def _constraints(tables: _Tables, hidden: set[_Var]) -> list[_Constraint]:
    """The published relations: each breakdown's column against the total, and the orders
    between columns of a cell. A shown figure is a constant."""

    def term(coef: int, var: _Var, acc: list[tuple[int, _Var]]) -> float:
        if var in hidden:
            acc.append((coef, var))
            return 0.0
        return coef * tables.value(var)

    out: list[_Constraint] = []
    rows: list[tuple[int | None, Hashable]] = [(None, None)] if tables.total is not None else []
    for f, cells in enumerate(tables.cells):
        rows += [(f, label) for label in cells]
        if tables.total is None:
            continue
        for column in tables.columns:
            terms: list[tuple[int, _Var]] = []
            constant = sum(term(1, (f, label, column), terms) for label in cells)
            constant += term(-1, (None, None, column), terms)
            adds_up = column in tables.measures or tables.relations.counts_add_up
            out.append((terms, constant, adds_up))  # == total, or (persons in several cells) >= total
            if not adds_up:
                for label in cells:  # each cell is at most the total
                    terms = []
                    constant = term(-1, (f, label, column), terms) + term(1, (None, None, column), terms)
                    out.append((terms, constant, False))
    pairs = [(a, b) for a, b in tables.relations.at_least] + [(b, a) for a, b in tables.relations.at_most]
    for f, label in rows:
        for big, small in pairs:  # big - small >= 0
            terms = []
            constant = term(1, (f, label, big), terms) + term(-1, (f, label, small), terms)
            out.append((terms, constant, False))
    return [c for c in out if c[0]]


def _propagate(bounds: dict[_Var, list[float]], constraints: list[_Constraint], integer: set[_Var]) -> bool:
    """Tightens the bounds to a fixed point; False when the relations cannot all hold."""
    for _ in range(200):
        changed = False
        for terms, constant, equal in constraints:
            low = [coef * bounds[v][0] if coef > 0 else coef * bounds[v][1] for coef, v in terms]
            high = [coef * bounds[v][1] if coef > 0 else coef * bounds[v][0] for coef, v in terms]
            for i, (coef, var) in enumerate(terms):
                rest_high = constant + sum(h for j, h in enumerate(high) if j != i)
                rest_low = constant + sum(lo for j, lo in enumerate(low) if j != i)
                # coef * x >= -rest_high, and (equality) coef * x <= -rest_low
                at_least, at_most = -rest_high, (-rest_low if equal else math.inf)
                lo, hi = (at_least, at_most) if coef > 0 else (-at_most, -at_least)
                box = bounds[var]
                new_lo, new_hi = max(box[0], lo), min(box[1], hi)
                if var in integer:
                    new_lo = math.ceil(new_lo - _TOL) if math.isfinite(new_lo) else new_lo
                    new_hi = math.floor(new_hi + _TOL) if math.isfinite(new_hi) else new_hi
                if new_lo > new_hi + _TOL:
                    return False
                if new_lo > box[0] + _TOL or new_hi < box[1] - _TOL:
                    changed = True
                box[0], box[1] = new_lo, max(new_lo, new_hi)
                low[i] = coef * box[0] if coef > 0 else coef * box[1]
                high[i] = coef * box[1] if coef > 0 else coef * box[0]
        if not changed:
            return True
    return True


def _components(hidden: set[_Var], constraints: list[_Constraint], owner: str | None) -> list[set[_Var]]:
    """Groups of hidden figures tied by relations (and by the owner count of their row: a
    row without people has no figures); each group can be bounded on its own."""
    parent = {v: v for v in hidden}
    ties = [[(1, v) for v in hidden if v[:2] == (f, label)] for f, label, column in hidden if column == owner]

    def root(v: _Var) -> _Var:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for terms in [c[0] for c in constraints] + ties:
        first = root(terms[0][1])
        for _, v in terms[1:]:
            parent[root(v)] = first
    groups: dict[_Var, set[_Var]] = {}
    for v in hidden:
        groups.setdefault(root(v), set()).add(v)
    return list(groups.values())


def _ranges(tables: _Tables, hidden: set[_Var]) -> dict[_Var, list[tuple[float, float]]]:
    """Each hidden figure's possible ranges, one per feasible combination of "0 or at least the
    threshold" of the complementary counts of its group."""
    all_constraints = _constraints(tables, hidden)
    out: dict[_Var, list[tuple[float, float]]] = {v: [] for v in hidden}
    for group in _components(hidden, all_constraints, tables.relations.owner):
        constraints = [c for c in all_constraints if c[0][0][1] in group]
        integer = {v for v in group if tables.integer(v[2])}
        either = sorted((v for v in group if v[2] in tables.counts and not tables.small(v)), key=repr)
        for zeros in itertools.product((False, True), repeat=len(either)):
            zero = frozenset(v for v, z in zip(either, zeros) if z)
            bounds = {v: list(_box(tables, v, zero)) for v in group}
            for f, label, column in zero:
                if column == tables.relations.owner:  # no people, no figures
                    for other in tables.columns:
                        if (f, label, other) in bounds:
                            bounds[(f, label, other)] = [0.0, 0.0]
            if _propagate(bounds, constraints, integer):
                for v, (lo, hi) in bounds.items():
                    out[v].append((lo, hi))
    return out


def disclosed(tables: _Tables, hidden: set[_Var]) -> set[_Var]:
    """The hidden figures that have a single possible value (except those that a published
    total of 0 makes 0: that is said of everyone, not of the few in the cell)."""
    found = set()
    for var, ranges in _ranges(tables, hidden).items():
        if not ranges:  # cannot happen for real figures: the true values satisfy every relation
            continue
        if tables.total is not None and (None, None, var[2]) not in hidden and tables.total[var[2]] == 0:
            continue
        if tables.small(var) and tables.threshold == 2:  # "<2" says 1 by itself; nothing hides that
            continue
        lows, highs = {round(lo, 6) for lo, _ in ranges}, {round(hi, 6) for _, hi in ranges}
        if len(lows) == 1 and lows == highs:
            found.add(var)
    return found


_Unit = tuple[int | None, Hashable]  # a row (breakdown index, label), or (None, column): one figure of the total


def _hidden_vars(tables: _Tables, units: set[_Unit]) -> set[_Var]:
    return {(None, None, x) if f is None else (f, x, c) for f, x in units for c in ([x] if f is None else tables.columns)}  # type: ignore[misc]


def choose_hidden(tables: _Tables, forced: frozenset[tuple[int, Hashable]] = frozenset()) -> set[_Unit]:
    """What to hide: rows (breakdown index, label), with every figure of the row, and figures of
    the total (None, column). A row or total with a small count is hidden; complements are
    added as the module docstring says."""
    units: set[_Unit] = set(forced)
    units |= {(f, label) for f, cells in enumerate(tables.cells) for label, v in cells.items() if any(1 <= v[c] < tables.threshold for c in tables.counts)}
    if tables.total is None:
        return units
    if any(1 <= tables.total[c] < tables.threshold for c in tables.counts):
        units |= {(None, c) for c in tables.columns}
    size = tables.counts[0]
    candidates = [(f, label) for f, cells in enumerate(tables.cells) for label in cells] + [(None, c) for c in tables.columns]

    def cost(unit: _Unit) -> tuple[int, float]:  # cells before totals, the smallest first
        return (1, math.inf) if unit[0] is None else (0, tables.value((*unit, size)))  # type: ignore[arg-type]

    while pinned := disclosed(tables, _hidden_vars(tables, units)):
        free = [u for u in candidates if u not in units]
        if not free:
            break
        singles = [(len(disclosed(tables, _hidden_vars(tables, units | {u}))), *cost(u), i, (u,)) for i, u in enumerate(free)]
        best = min(singles, key=lambda o: o[:4])
        if best[0] >= len(pinned):  # nothing helps alone (e.g. a total and a cell of another breakdown)
            pairs = [
                (len(disclosed(tables, _hidden_vars(tables, units | {u, w}))), cost(u)[0] + cost(w)[0], cost(u)[1] + cost(w)[1], i, (u, w))
                for i, (u, w) in enumerate(itertools.combinations(free, 2))
            ]
            if pairs and min(pairs, key=lambda o: o[:4])[0] < len(pinned):
                best = min(pairs, key=lambda o: o[:4])
        units |= set(best[4])
    return units


# --- the published frames ---------------------------------------------------------------------


def suppress_tables(
    frames: Sequence[pd.DataFrame],
    count_columns: Sequence[str],
    *,
    total: Hashable | None = None,
    measure_columns: Sequence[str] = (),
    relations: Relations = Relations(),
    threshold: int,
    primary_marker: str,
    complementary_marker: str,
    forced: Sequence[frozenset[Hashable]] = (),
) -> list[pd.DataFrame]:
    """Breakdowns of the same figures sharing one total (the row labelled `total` in each, with
    the same values), with small person counts and their complements replaced by markers.

    Rows are cells (the index labels them). A hidden row shows `primary_marker` in a count
    column that is 1..threshold-1 and `complementary_marker` in every other column; column
    "suppression" says why a row was hidden. The total, when hidden, is hidden in every frame.
    `forced[i]` labels of frame i are hidden anyway. Returns new frames (object dtype where
    marked).
    """
    if not count_columns:
        raise ValueError("count_columns is empty")
    counts, measures = tuple(count_columns), tuple(measure_columns)
    columns = (*counts, *measures)

    def numbers(frame: pd.DataFrame, label: Hashable) -> dict[str, float]:
        return {c: _count(frame.at[label, c]) for c in columns}

    tables = _Tables(
        cells=tuple({label: numbers(f, label) for label in f.index if label != total} for f in frames),
        total=numbers(frames[0], total) if total is not None and total in frames[0].index else None,
        counts=counts,
        measures=measures,
        relations=relations,
        threshold=threshold,
    )
    wanted = frozenset((i, label) for i, labels in enumerate(forced) for label in labels)
    units = choose_hidden(tables, wanted)
    out = []
    for i, frame in enumerate(frames):
        marked = frame.copy()
        for column in columns:
            marked[column] = marked[column].astype(object)
        reasons: dict[Hashable, str | None] = {label: None for label in frame.index}
        for label in frame.index:
            is_total = label == total and tables.total is not None
            values = tables.total if is_total else tables.cells[i][label]
            hidden = [c for c in columns if ((None, c) if is_total else (i, label)) in units]
            if not hidden:
                continue
            small = {c for c in counts if 1 <= values[c] < threshold}  # type: ignore[index]
            reasons[label] = PRIMARY if small else COMPLEMENTARY
            for column in hidden:
                marked.at[label, column] = primary_marker if column in small else complementary_marker
        marked[SUPPRESSION_COLUMN] = pd.Series(reasons, dtype=object)
        out.append(marked)
    return out


def suppress_counts(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    total: Hashable | None = None,
    measure_columns: Sequence[str] = (),
    relations: Relations = Relations(),
    threshold: int,
    primary_marker: str,
    complementary_marker: str,
) -> pd.DataFrame:
    """One breakdown with small person counts replaced by markers (see `suppress_tables`).

    >>> frame = pd.DataFrame({"persons": [9, 3, 6, 0]}, index=["total", "a", "b", "c"])
    >>> limits = {"threshold": 5, "primary_marker": "<5", "complementary_marker": "x"}
    >>> suppress_counts(frame, ["persons"], total="total", **limits)["persons"].tolist()
    [9, '<5', 'x', 0]
    """
    return suppress_tables(
        [frame], count_columns, total=total, measure_columns=measure_columns, relations=relations,
        threshold=threshold, primary_marker=primary_marker, complementary_marker=complementary_marker,
    )[0]


def suppression_pattern(
    counts: pd.Series,
    *,
    total: Hashable | None = None,
    threshold: int,
    forced: frozenset[Hashable] = frozenset(),
) -> pd.Series:
    """For each label of one count breakdown: None, "primary" or "complementary" (the module
    doc); `total` labels the published total, `forced` labels are hidden anyway."""
    frame = pd.DataFrame({"count": counts})
    out = suppress_tables(
        [frame], ["count"], total=total, threshold=threshold, primary_marker="<", complementary_marker="x", forced=[forced],
    )[0]
    return out[SUPPRESSION_COLUMN]


def is_suppressed(value: object, markers: Sequence[str]) -> bool:
    """True for a marker written in place of a suppressed figure."""
    return isinstance(value, str) and value.strip() in markers
