"""The helpers that make cleaning cheap at scale (issue 13) change no outcome: a value parsed
once and reused gives what parsing it again gives, problems included."""

import datetime as dt

import pandas as pd
import pytest

from kainuu_metrics.datasets.grants.clean import GrantParsers, add_flags, clean_grant_record
from kainuu_metrics.datasets.rows import RowProblem, map_distinct, records
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_domain

DOMAIN = load_domain(CONFIG_DIR)
TODAY = dt.date(2026, 1, 1)
GOOD = {"organisation": "Kerho ry", "grant_type": "Toiminta-avustus", "applied_eur": "1 234,50 €", "granted_eur": 1000,
        "decision_date": "15.3.2024", "municipality": "Kajaani", "lahella_registered": "kyllä", "business_id": "2077474-0"}


def test_shared_parsers_give_the_same_rows_as_fresh_ones():
    shared = GrantParsers(DOMAIN)
    bad = {**GOOD, "granted_eur": "noin 500", "municipality": "Oulu"}
    for record in (GOOD, bad, GOOD, bad, {**GOOD, "granted_eur": 1000.0}):
        fresh_values, fresh_problems = clean_grant_record(record, DOMAIN, today=TODAY)
        values, problems = clean_grant_record(record, DOMAIN, today=TODAY, parsers=shared)
        assert values == fresh_values
        assert [(p.column, p.reason) for p in problems] == [(p.column, p.reason) for p in fresh_problems]
    values, _ = clean_grant_record(GOOD, DOMAIN, today=TODAY, parsers=shared)
    # '1 234,50 €' -> 1234.5; 1000 -> 1000.0; Kajaani -> 205
    assert (values["applied_eur"], values["granted_eur"], values["municipality_code"], values["year"]) == (1234.5, 1000.0, "205", 2024)


def test_a_remembered_problem_is_raised_anew_for_each_row():
    shared = GrantParsers(DOMAIN)
    bad = {**GOOD, "granted_eur": "noin 500"}
    _, first = clean_grant_record(bad, DOMAIN, today=TODAY, parsers=shared)
    _, second = clean_grant_record(bad, DOMAIN, today=TODAY, parsers=shared)
    assert [p.column for p in first] == ["granted_eur"] and first[0] is not second[0]
    assert first[0].reason == second[0].reason and "noin 500" in first[0].reason


def test_memo_keeps_one_and_one_point_zero_apart():
    shared = GrantParsers(DOMAIN)
    # True is not a number (refused); 1 and 1.0 are both 1.0: the memo must not let True reuse 1's result.
    assert shared("applied_eur", 1) == 1.0
    with pytest.raises(RowProblem, match="ei ole luku"):
        shared("applied_eur", True)


def test_records_and_map_distinct_match_pandas():
    frame = pd.DataFrame({"a": pd.Series(["x", None, "x"], dtype=object), "n": [1.5, 2.0, float("nan")]})
    assert str(list(records(frame))) == str(frame.to_dict("records"))
    names = pd.Series(["Kerho  RY", "kerho ry", None], dtype=object)
    assert map_distinct(names, lambda v: str(v).lower()).tolist() == names.map(lambda v: str(v).lower()).tolist()


def test_operating_and_partnership_flag_without_groupby():
    # Same year, organisation and purpose: an operating and a partnership grant -> both flagged (2 rows);
    # a one-off grant with the same key is not flagged; another purpose is not flagged.
    base = {"year": 2024, "business_id": None, "organisation": "Kerho ry", "purpose": "Retket", "granted_eur": 100.0,
            "applied_eur": 100.0, "lahella_registered": True, "business_id_valid": None, "invalid_decision_date": None}
    frame = pd.DataFrame([{**base, "grant_type": "toiminta"}, {**base, "grant_type": "kumppanuus"},
                          {**base, "grant_type": "kerta"}, {**base, "grant_type": "toiminta", "purpose": "Muu"}])
    assert add_flags(frame)["flag_operating_and_partnership"].tolist() == [True, True, False, False]
