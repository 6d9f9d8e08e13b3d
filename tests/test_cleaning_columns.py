"""The column-wise cleaning helpers (issue 13) give what the row-by-row rules give: a column
parsed at once equals each value parsed alone, a sheet's applications cleaned as columns equal
each application cleaned alone, and the mapped records keep pandas' inferred values."""

import datetime as dt
import math

import openpyxl
import pandas as pd

from kainuu_metrics.datasets.grants.clean import GrantParsers, clean_grant_columns, clean_grant_record
from kainuu_metrics.datasets.grants.duplicates import duplicate_key, duplicate_keys
from kainuu_metrics.datasets.readers import read_xlsx_grids
from kainuu_metrics.datasets.rows import RowProblem
from kainuu_metrics.datasets.tabular import _inferred_objects
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_domain

DOMAIN = load_domain(CONFIG_DIR)
TODAY = dt.date(2026, 1, 1)
GOOD = {"organisation": "Kerho ry", "grant_type": "Toiminta-avustus", "applied_eur": "1 234,50 €", "granted_eur": 1000,
        "decision_date": "15.3.2024", "municipality": "Kajaani", "lahella_registered": "kyllä", "business_id": "2077474-0"}
RECORDS = [
    GOOD,
    {**GOOD, "granted_eur": "noin 500", "municipality": "Oulu"},  # two problems, in rule order
    {**GOOD, "organisation": None, "grant_type": None},  # name and type missing
    {**GOOD, "decision_date": "1.1.1900", "year": 2024},  # implausible date, but a grant year: kept and flagged
    {**GOOD, "decision_date": "1.1.1900"},  # implausible date and no year: rejected
    {**GOOD, "granted_eur": -5, "decision": "hylätty"},  # negative amount
    {**GOOD, "granted_eur": 700.0, "decision": "hylätty"},  # refused, yet 700 € granted
    {"organisation": "Kerho ry", "grant_type": "TA"},  # no year, no date
]


def _same(a, b):
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))


def test_columns_give_what_each_record_gives():
    columns = {c: [r.get(c) for r in RECORDS] for c in {c for r in RECORDS for c in r}}
    values, problems = clean_grant_columns(columns, DOMAIN, today=TODAY)
    for i, record in enumerate(RECORDS):
        alone, alone_problems = clean_grant_record(record, DOMAIN, today=TODAY)
        assert {c: v[i] for c, v in values.items()} == alone
        assert [(p.column, p.reason) for p in problems.get(i, [])] == [(p.column, p.reason) for p in alone_problems]
    # Rows 1, 2, 4, 5, 6 and 7 are rejected; 0 and 3 are kept (3 with its date as written).
    assert sorted(problems) == [1, 2, 4, 5, 6, 7]
    assert [p.column for p in problems[1]] == ["granted_eur", "municipality"]
    assert values["invalid_decision_date"][3] == "1.1.1900" and values["year"][3] == 2024


def test_a_column_parsed_at_once_equals_each_value_parsed_alone():
    shared, fresh = GrantParsers(DOMAIN), GrantParsers(DOMAIN)
    # 1, 1.0 and True are equal in Python: True is refused, 1 and 1.0 are 1.0 € (the type is part of the key).
    amounts = [1, 1.0, True, "1 000", None, "noin 5", 1]
    found = shared.column("applied_eur", amounts)
    for value, (ok, result) in zip(amounts, found):
        try:
            alone = (True, fresh("applied_eur", value))
        except RowProblem as problem:
            alone = (False, (problem.column, problem.reason))
        assert (ok, result) == alone
    assert [ok for ok, _ in found] == [True, True, False, True, True, False, True]
    assert [r for ok, r in found if ok] == [1.0, 1.0, 1000.0, None, 1.0]


def test_duplicate_keys_equal_each_rows_key():
    rows = [{"year": 2024, "organisation": "Kerho  ry", "purpose": "Retket", "grant_type": "toiminta", "granted_eur": 700.004,
             "decision_date": dt.date(2024, 3, 14), "invalid_decision_date": None},
            {"year": 2024, "organisation": "KERHO RY", "purpose": None, "grant_type": "kerta", "granted_eur": None,
             "decision_date": None, "invalid_decision_date": "32.1.2024"}]
    keys = duplicate_keys({c: [r[c] for r in rows] for c in rows[0]})
    assert keys == [duplicate_key(r) for r in rows]
    # 700.004 -> 700.0 to the cent; a missing amount is 0.0; an invalid date as written.
    assert keys == [(2024, "kerho ry", "retket", "toiminta", 700.0, "2024-03-14"), (2024, "kerho ry", "", "kerta", 0.0, "32.1.2024")]


def test_mapped_records_keep_pandas_inferred_values():
    records = [("A ry", 1, 5, None, dt.date(2024, 1, 2), None), ("B ry", None, 2.5, True, None, None)]
    columns = ["text", "ints", "mixed", "flag", "day", "empty"]
    ours = _inferred_objects(records, columns)
    theirs = pd.DataFrame.from_records(records, columns=columns).astype(object)
    assert list(ours.columns) == columns and (ours.dtypes == theirs.dtypes).all()
    for column in columns:
        assert all(_same(a, b) for a, b in zip(ours[column].tolist(), theirs[column].tolist())), column
    # An integer column with a blank becomes floats (1 -> 1.0); 5 beside 2.5 becomes 5.0.
    assert ours["ints"].tolist()[0] == 1.0 and type(ours["mixed"].tolist()[0]) is float


def test_xlsx_rows_read_one_by_one_equal_the_whole_grid(tmp_path):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "A1"
    for row in (("Hakija", "Myönnetty €", "Päivä"), ("Kerho ry", 1500, dt.datetime(2024, 3, 15)), ("Kerho ry", 2.5, None)):
        first.append(row)
    offset = book.create_sheet("C3")
    offset["C3"], offset["D4"] = "Hakija", 7
    book.save(tmp_path / "a.xlsx")
    sheets = {s.name: s.rows for s in read_xlsx_grids(tmp_path / "a.xlsx")}
    # Whole numbers as int, a midnight date cell as a date, empty cells None; both rows' "Kerho ry" are one object.
    assert sheets["A1"] == ((1, ("Hakija", "Myönnetty €", "Päivä")), (2, ("Kerho ry", 1500, dt.date(2024, 3, 15))),
                            (3, ("Kerho ry", 2.5, None)))
    assert sheets["A1"][1][1][0] is sheets["A1"][2][1][0]
    # A sheet that starts at C3 keeps its empty rows and columns (read as a whole grid).
    assert sheets["C3"] == ((1, (None, None, None, None)), (2, (None, None, None, None)),
                            (3, (None, None, "Hakija", None)), (4, (None, None, None, 7)))
