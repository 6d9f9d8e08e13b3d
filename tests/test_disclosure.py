"""Playing the attacker against the published experience figures: for every table with hidden
figures, everything a reader can see (the cells shown, the totals published for the same
indicator, year and area, the markers and what they mean) is turned into linear relations, and
a linear-programming solver (scipy, independent of the suppression code's own bound
propagation) finds each hidden figure's smallest and largest possible value. No hidden figure
may have a single possible value.

The reader's knowledge (README "Privacy"; indicators/suppression.py):
- hours, fees, costs, volunteer hours and assignments of the cells of a breakdown (by role, by
  service area) add up to the year's total;
- active experts do not add up (a person may act in several roles or areas), but each cell is
  at most the total and the cells together at least the total;
- "<5" is 1..4 persons; an "x" person count is 0 or at least 5 (else it would be "<5"); a cell
  with no persons has no assignments, hours or euros; a cell has at least as many assignments
  as persons, and no more volunteer hours than hours; everything is at least 0; persons and
  assignments are whole numbers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from kainuu_metrics.datasets.experience import load_experience_config
from kainuu_metrics.datasets.schemas import EXPERIENCE_ASSIGNMENTS, EXPERIENCE_REGISTER, POPULATION, conform
from kainuu_metrics.indicators.experience import experience_indicators
from kainuu_metrics.indicators.table import read_indicators, rows, select, tidy
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_settings

SETTINGS = load_settings(CONFIG_DIR)
CONFIG = load_experience_config(SETTINGS)
PRIVACY = SETTINGS.domain.privacy  # threshold 5, "<5", "x"
REGION = SETTINGS.domain.region_code
T = PRIVACY.threshold

PERSONS, ASSIGNMENTS, HOURS, VOLUNTEER = (
    "experience_active_experts", "experience_assignments", "experience_hours", "experience_volunteer_hours",
)
ADDITIVE = (ASSIGNMENTS, HOURS, "experience_fees_eur", "experience_costs_eur", VOLUNTEER)
MEASURES = (PERSONS, *ADDITIVE)
INTEGER = {PERSONS, ASSIGNMENTS}
DIMENSIONS = ("role_", "service_area_")
TOTAL = ""  # the category of a total


# --- the attacker ------------------------------------------------------------------------------


@dataclass
class Published:
    """One year's experience tables as a reader sees them: (indicator, category) -> a number, or
    the marker of a hidden figure."""

    period: str
    area: str
    figures: dict[tuple[str, str], float | str] = field(default_factory=dict)

    def rows(self) -> list[str]:
        return sorted({c for _, c in self.figures})

    def hidden(self) -> list[tuple[str, str]]:
        return [k for k, v in self.figures.items() if isinstance(v, str)]


def published_tables(indicators: pd.DataFrame) -> list[Published]:
    """Every year and area with a hidden experience breakdown figure or total."""
    out = []
    ind = indicators.loc[indicators["indicator"].isin(MEASURES)]
    for (period, area), group in ind.groupby(["period", "area"]):
        table = Published(str(period), str(area))
        for r in group.itertuples():
            table.figures[(r.indicator, r.category)] = r.suppression if r.suppression else float(r.value)
        if table.hidden():
            out.append(table)
    return out


def _relations(table: Published, cats: list[str]) -> tuple[list[list[tuple[int, tuple[str, str]]]], list[list[tuple[int, tuple[str, str]]]]]:
    """(equalities, inequalities "<= 0"), each a list of (coefficient, figure)."""
    equal, at_most = [], []
    for prefix in DIMENSIONS:
        cells = [c for c in cats if c.startswith(prefix)]
        if not cells:
            continue
        for measure in ADDITIVE:  # cells - total == 0
            equal.append([(1, (measure, c)) for c in cells] + [(-1, (measure, TOTAL))])
        at_most.append([(-1, (PERSONS, c)) for c in cells] + [(1, (PERSONS, TOTAL))])  # total - cells <= 0
        at_most += [[(1, (PERSONS, c)), (-1, (PERSONS, TOTAL))] for c in cells]  # cell - total <= 0
    for c in cats:
        at_most.append([(1, (PERSONS, c)), (-1, (ASSIGNMENTS, c))])  # persons <= assignments
        at_most.append([(1, (VOLUNTEER, c)), (-1, (HOURS, c))])  # volunteer hours <= hours
    return equal, at_most


def possible_values(table: Published) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Each hidden figure's [min, max] per feasible reading of the "x" person counts."""
    cats = table.rows()
    hidden = table.hidden()
    index = {k: i for i, k in enumerate(hidden)}
    equal, at_most = _relations(table, cats)

    def matrix(relations):
        a, b = [], []
        for terms in relations:
            row, constant = [0.0] * len(hidden), 0.0
            for coef, key in terms:
                if key not in table.figures:
                    continue
                if key in index:
                    row[index[key]] += coef
                else:
                    constant += coef * table.figures[key]  # type: ignore[operator]
            if any(row):
                a.append(row)
                b.append(-constant)
        return a or None, b or None

    a_eq, b_eq = matrix(equal)
    a_ub, b_ub = matrix(at_most)
    either = [k for k in hidden if k[0] == PERSONS and table.figures[k] == PRIVACY.complementary_marker]
    out: dict[tuple[str, str], list[tuple[float, float]]] = {k: [] for k in hidden}
    for zeros in itertools.product((False, True), repeat=len(either)):
        zero_cells = {k[1] for k, z in zip(either, zeros) if z}
        bounds = []
        for key in hidden:
            measure, category = key
            if category in zero_cells:
                bounds.append((0, 0))
            elif measure == PERSONS:
                bounds.append((1, T - 1) if table.figures[key] == PRIVACY.primary_marker else (T, None))
            else:
                bounds.append((0, None))
        found = {}
        for key, i in index.items():
            ends = []
            for sign in (1, -1):
                c = [0.0] * len(hidden)
                c[i] = sign
                result = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
                if result.status == 2:  # infeasible: this reading of the "x" counts is impossible
                    break
                ends.append(math.inf if result.status == 3 else sign * result.fun)
            if len(ends) < 2:
                found = None
                break
            low, high = ends
            if key[0] in INTEGER:
                low, high = math.ceil(low - 1e-7), (math.floor(high + 1e-7) if math.isfinite(high) else high)
            found[key] = (low, high)
        if found is not None:
            for key, interval in found.items():
                out[key].append(interval)
    return out


def determined(table: Published, *, zero_totals: bool = False) -> dict[tuple[str, str], float]:
    """The hidden figures with a single possible value, and that value. A figure whose total is
    published as 0 is 0 like every other cell of it, which says nothing about its few people
    that it does not say about everyone: it is left out unless `zero_totals`."""
    single = {}
    for key, intervals in possible_values(table).items():
        if not zero_totals and table.figures.get((key[0], TOTAL)) == 0:
            continue
        points = {(round(lo, 6), round(hi, 6)) for lo, hi in intervals}
        if len(points) == 1 and (point := next(iter(points)))[0] == point[1]:
            single[key] = point[0]
    return single


def assert_nothing_determined(indicators: pd.DataFrame) -> list[Published]:
    tables = published_tables(indicators)
    for table in tables:
        assert determined(table) == {}, (table.period, table.area)
        # A hidden total is not published through another figure either.
        for measure, derived in ((PERSONS, "experience_active_per_10000"), (HOURS, "experience_hours_per_10000")):
            if isinstance(table.figures.get((measure, TOTAL)), str):
                assert select(indicators, derived, period=table.period, area=table.area)["value"].isna().all()
        for measure, change in ((ASSIGNMENTS, "experience_assignments_change"), (HOURS, "experience_hours_change")):
            if isinstance(table.figures.get((measure, TOTAL)), str):
                for period in (table.period, str(int(table.period) + 1)):
                    assert select(indicators, change, period=period, area=table.area)["value"].isna().all()
    return tables


# --- the attacker sees what it should ----------------------------------------------------------


def published(period: str, figures: dict[tuple[str, str], float | str]) -> Published:
    return Published(period, REGION, dict(figures))


def area_table(cells: dict[str, list[float | str]], total: list[float]) -> dict[tuple[str, str], float | str]:
    """Figures of a service-area breakdown: category -> the six measures in MEASURES order."""
    out: dict[tuple[str, str], float | str] = {(m, TOTAL): v for m, v in zip(MEASURES, total)}
    for category, values in cells.items():
        out.update({(m, f"service_area_{category}"): v for m, v in zip(MEASURES, values)})
    return out


X, SMALL = "x", "<5"
HIDDEN = [SMALL, X, X, X, X, X]

# The sample's 2025 service areas as they were published before this rule: Vammaispalvelut (3
# persons) and "ei tiedossa" (1) hidden, the rest shown. Volunteer hours: 53,0 in total, shown
# 20,5 + 14,0 + 11,0 + 1,0 + 6,5 = 53,0, so the two hidden cells are 53,0 - 53,0 = 0 and both
# are exactly 0. (Persons, assignments, hours and euros of the year as in the sample.)
BEFORE_2025 = area_table(
    {
        "mielenterveys_ja_paihdepalvelut": [19, 59, 134.0, 3112.5, 1811.43, 20.5],
        "lasten_nuorten_ja_perheiden_palvelut": [12, 26, 59.0, 1165.0, 784.46, 14.0],
        "tyoikaisten_palvelut": [9, 34, 85.0, 1932.5, 1305.2, 11.0],
        "ikaihmisten_palvelut": [5, 10, 22.5, 567.5, 441.2, 1.0],
        "vammaispalvelut": HIDDEN,
        "koko_hyvinvointialue": [11, 24, 66.5, 1542.5, 554.25, 6.5],
        "ei_tiedossa": HIDDEN,
    },
    total=[30, 159, 381.0, 8725.0, 5062.92, 53.0],
)


def test_the_attacker_finds_the_zeros_of_2025_as_published_before():
    single = determined(published("2025", BEFORE_2025))
    assert single[(VOLUNTEER, "service_area_vammaispalvelut")] == 0.0
    assert single[(VOLUNTEER, "service_area_ei_tiedossa")] == 0.0
    assert set(single) == {(VOLUNTEER, "service_area_vammaispalvelut"), (VOLUNTEER, "service_area_ei_tiedossa")}


def test_the_attacker_finds_single_cells_ones_and_full_small_cells():
    # One hidden cell: the total minus the rest (hours 10 - 6 = 4, and so on).
    one = area_table({"a": [6, 8, 6.0, 60.0, 6.0, 1.0], "b": HIDDEN}, total=[9, 11, 10.0, 100.0, 8.0, 1.0])
    assert determined(published("2025", one))[(HOURS, "service_area_b")] == 4.0
    # Two "<5" cells with 2 assignments between them: each has at least one, so exactly one
    # each, and therefore exactly one person each.
    ones = area_table({"a": [6, 8, 6.0, 60.0, 6.0, 1.0], "b": HIDDEN, "c": HIDDEN}, total=[8, 10, 10.0, 100.0, 8.0, 3.0])
    assert determined(published("2025", ones)) == {
        (ASSIGNMENTS, "service_area_b"): 1.0, (ASSIGNMENTS, "service_area_c"): 1.0,
        (PERSONS, "service_area_b"): 1.0, (PERSONS, "service_area_c"): 1.0,
    }
    # 14 persons, 6 shown: the two "<5" cells hold at least 14 - 6 = 8, so both are 4.
    full = area_table({"a": [6, 8, 6.0, 60.0, 6.0, 1.0], "b": HIDDEN, "c": HIDDEN}, total=[14, 20, 10.0, 100.0, 8.0, 3.0])
    assert determined(published("2025", full)) == {(PERSONS, "service_area_b"): 4.0, (PERSONS, "service_area_c"): 4.0}
    # "<5" and "x" summing to 6 assignments: the "x" has at least 5 persons, so at least 5
    # assignments; the "<5" at least 1: exactly 5 and 1, and the "<5" is 1 person.
    gap = area_table({"a": [6, 8, 6.0, 60.0, 6.0, 1.0], "b": HIDDEN, "c": [X] * 6}, total=[12, 14, 10.0, 100.0, 8.0, 3.0])
    assert determined(published("2025", gap)) == {
        (ASSIGNMENTS, "service_area_b"): 1.0, (ASSIGNMENTS, "service_area_c"): 5.0,
        (PERSONS, "service_area_b"): 1.0, (PERSONS, "service_area_c"): 5.0,
    }


# --- the published figures ---------------------------------------------------------------------

MT, LNP, IKA, VAMMAIS, KOKO = (
    "Mielenterveys- ja päihdepalvelut", "Lasten, nuorten ja perheiden palvelut", "Ikäihmisten palvelut", "Vammaispalvelut", "Koko hyvinvointialue",
)
POPULATION_ROWS = conform(pd.DataFrame([
    {"year": 2025, "area_code": REGION, "area_name": "x", "population": 70000, "source_file": "p", "sheet": "", "source_row": 1},
]), POPULATION)
NO_REGISTER = conform(pd.DataFrame(columns=list(EXPERIENCE_REGISTER)), EXPERIENCE_REGISTER)


def log(entries: list[tuple[str, str, str | None, float, bool]], year: int = 2025) -> pd.DataFrame:
    """Assignments from (person, role, service area, hours, fee waived): the fee is 20 € an
    hour unless waived, the costs 3 € an hour."""
    return conform(pd.DataFrame([
        {"year": year, "date": dt.date(year, 1 + i % 12, 1), "expert_pseudonym": f"KA-{person:0>12}", "identity_basis": "register_id",
         "organisation": None, "service_area": area, "role": role, "hours": hours, "fee_eur": 0.0 if waived else 20.0 * hours,
         "costs_eur": 3.0 * hours, "fee_waived": waived, "source_file": "raw/experience/x.csv", "sheet": "", "source_row": i + 1}
        for i, (person, role, area, hours, waived) in enumerate(entries)
    ]), EXPERIENCE_ASSIGNMENTS)


def publish(assignments: pd.DataFrame) -> pd.DataFrame:
    return experience_indicators(assignments, NO_REGISTER, POPULATION_ROWS, region=REGION, config=CONFIG, privacy=PRIVACY)


def hidden(indicators: pd.DataFrame, prefix: str = "service_area_", period: str = "2025") -> dict[str, str]:
    """Category (without its prefix) -> marker of the hidden person counts of one breakdown."""
    hit = select(indicators, PERSONS, period=period, area=REGION)
    return {c.removeprefix(prefix): m for c, m in zip(hit["category"], hit["suppression"]) if m and c.startswith(prefix)}


def people(prefix: str, n: int, role: str, area: str, waived: int = 0, hours: float = 2.0) -> list:
    """n persons with one assignment each; the first `waived` of them waived the fee."""
    return [(f"{prefix}{i}", role, area, hours, i < waived) for i in range(n)]


def area_ranges(indicators: pd.DataFrame) -> dict[tuple[str, str], list[tuple[float, float]]]:
    [table] = [t for t in assert_nothing_determined(indicators) if any(c.startswith("service_area_") for _, c in t.hidden())]
    return possible_values(table)


def test_hidden_zeros_get_a_complement_with_volunteer_hours():
    # Mielenterveys 8 persons (2 h each, 4 waived the fee: 8 volunteer hours), Lapset 6 (none
    # waived), Ikäihmiset 6 (1 waived: 2 volunteer hours), Vammais 2 and Koko 3 (none waived).
    # Hidden "<5": Vammais and Koko, whose volunteer hours would be 10 - (8 + 0 + 2) = 0, both 0.
    # Hiding Lapset (6, the first smallest) adds another 0 and does not help; Ikäihmiset (6)
    # has 2 volunteer hours: each of the three is then 0..2.
    entries = (
        people("m", 8, "kehittaja", MT, waived=4) + people("l", 6, "kehittaja", LNP) + people("i", 6, "kehittaja", IKA, waived=1)
        + people("v", 2, "kehittaja", VAMMAIS) + people("k", 3, "kehittaja", KOKO)
    )
    ind = publish(log(entries))
    assert hidden(ind) == {"ikaihmisten_palvelut": "x", "vammaispalvelut": "<5", "koko_hyvinvointialue": "<5"}
    ranges = area_ranges(ind)
    for area in ("vammaispalvelut", "koko_hyvinvointialue", "ikaihmisten_palvelut"):
        assert ranges[(VOLUNTEER, f"service_area_{area}")] == [(0.0, 2.0)]


def test_equal_small_cells_that_would_be_full_get_a_complement():
    # 14 persons: Mielenterveys 6, Lapset 4, Vammais 4, one in each waived, nobody in two
    # areas. Shown 6, the two "<5" cells would hold at least 14 - 6 = 8 persons: both 4.
    # The smallest cell that helps is hidden with them: Työikäiset, with nobody in it. Its "x"
    # may be 0 (then Lapset and Vammais are 4 and 4) or at least 5 persons with at least 5 of
    # the 14 - 6 = 8 hidden assignments, leaving Lapset and Vammais 3 between them (each
    # 1..2 persons). The reader cannot tell which.
    entries = people("m", 6, "kehittaja", MT, waived=1) + people("l", 4, "kehittaja", LNP, waived=1) + people("v", 4, "kehittaja", VAMMAIS, waived=1)
    ind = publish(log(entries))
    assert hidden(ind) == {"tyoikaisten_palvelut": "x", "lasten_nuorten_ja_perheiden_palvelut": "<5", "vammaispalvelut": "<5"}
    ranges = area_ranges(ind)
    # The readings: Työikäiset at least 5 persons, then 0.
    assert ranges[(PERSONS, "service_area_vammaispalvelut")] == [(1, 2), (4, 4)]
    assert ranges[(PERSONS, "service_area_tyoikaisten_palvelut")] == [(5, 6), (0, 0)]


def test_single_assignment_cells_get_a_complement():
    # Lapset and Vammais have one person with one assignment each: 2 assignments in two "<5"
    # cells with at least one each would be 1 and 1 (and so 1 person each). Ikäihmiset (5
    # persons, the smallest other) is hidden too: 16 - 9 = 7 hidden assignments. If its "x" is
    # at least 5 persons, it has 5 assignments and the "<5" cells 1 each; if it is 0, they hold
    # 16 - 9 = 7 persons at least (3..4 each) and 7 assignments (3..4 each). Neither is known.
    entries = (
        people("m", 9, "kehittaja", MT, waived=1) + people("i", 5, "kehittaja", IKA, waived=1)
        + people("l", 1, "kehittaja", LNP) + people("v", 1, "kehittaja", VAMMAIS, waived=1)
    )
    ind = publish(log(entries))
    assert hidden(ind) == {"ikaihmisten_palvelut": "x", "lasten_nuorten_ja_perheiden_palvelut": "<5", "vammaispalvelut": "<5"}
    ranges = area_ranges(ind)
    assert ranges[(ASSIGNMENTS, "service_area_vammaispalvelut")] == [(1, 1), (3, 4)]
    assert ranges[(PERSONS, "service_area_vammaispalvelut")] == [(1, 1), (3, 4)]
    assert ranges[(ASSIGNMENTS, "service_area_ikaihmisten_palvelut")] == [(5, 5), (0, 0)]


def test_one_small_cell_gets_the_smallest_other_cell():
    # Roles: kouluttaja 9, kehittäjä 6, media 2 (one in each waived). One hidden cell would be
    # the total minus the rest; the smallest other cell (kehittäjä, 6) is hidden with it.
    entries = people("k", 9, "kokemuskouluttaja", MT, waived=1) + people("e", 6, "kehittaja", MT, waived=1) + people("d", 2, "media", MT, waived=1)
    ind = publish(log(entries))
    assert hidden(ind, "role_") == {"kehittaja": "x", "media": "<5"}
    assert_nothing_determined(ind)


def test_a_total_of_zero_is_said_of_everyone_and_not_hidden():
    # Nobody waived a fee: the volunteer hours are 0 in total, so every cell's are 0, shown or
    # hidden. That is published of everyone, so it is not a disclosure about media's two
    # persons: the total stays, and kehittäjä (6) is hidden with media only for the figures
    # that the total minus the rest would give away (hours 34 - 18 = 4 of media alone).
    entries = people("k", 9, "kokemuskouluttaja", MT) + people("e", 6, "kehittaja", MT) + people("d", 2, "media", MT)
    ind = publish(log(entries))
    assert select(ind, VOLUNTEER, period="2025", category="")["value"].tolist() == [0.0]
    assert hidden(ind, "role_") == {"kehittaja": "x", "media": "<5"}
    assert hidden(ind) == {}
    [table] = assert_nothing_determined(ind)
    assert determined(table, zero_totals=True) == {(VOLUNTEER, "role_kehittaja"): 0.0, (VOLUNTEER, "role_media"): 0.0}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(
    st.tuples(
        st.integers(0, 14), st.sampled_from(["kokemuskouluttaja", "kehittaja", "media"]), st.sampled_from([MT, LNP, IKA, None]),
        st.sampled_from([1.0, 2.0]), st.booleans(),
    ),
    min_size=1, max_size=40,
))
def test_no_published_table_gives_a_hidden_figure_away(entries):
    ind = publish(log([(str(p), role, area, hours, waived) for p, role, area, hours, waived in entries]))
    assert_nothing_determined(ind)


@pytest.mark.e2e
def test_sample_run_publishes_no_determinable_hidden_figure(sample_run):
    assert sample_run.returncode == 0, sample_run.stderr
    ind = read_indicators(sample_run.data / "processed" / "indicators.csv")
    tables = assert_nothing_determined(ind)
    assert [t.period for t in tables] == ["2023", "2024", "2025"]
    # 2025 by service area (the case of the issue): Vammaispalvelut and "ei tiedossa" ("<5") had
    # 0 volunteer hours each; Ikäihmisten palvelut (5 persons, 1,0 volunteer hours) is hidden
    # with them, so each is somewhere in 0..1,0 (53,0 - shown 20,5 + 14,0 + 11,0 + 6,5 = 1,0).
    [t2025] = [t for t in tables if t.period == "2025"]
    assert hidden(ind) == {"ikaihmisten_palvelut": "x", "vammaispalvelut": "<5", "ei_tiedossa": "<5"}
    ranges = possible_values(t2025)
    for area in ("vammaispalvelut", "ei_tiedossa", "ikaihmisten_palvelut"):
        lows, highs = zip(*ranges[(VOLUNTEER, f"service_area_{area}")])  # one range per reading of the "x"
        assert (min(lows), max(highs)) == (0.0, pytest.approx(1.0))


def test_rows_helper_keeps_markers():  # the attacker reads markers the way the pipeline writes them
    frame = tidy(rows(PERSONS, 2025, {REGION: None}, "persons", category="role_media", suppression={REGION: "<5"}))
    assert published_tables(frame)[0].figures == {(PERSONS, "role_media"): "<5"}
