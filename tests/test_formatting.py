"""kainuu_metrics.formatting: the reports' Finnish house style, with exact hand-written strings."""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kainuu_metrics import formatting as fmt

NB = "\u00a0"
M = "\u2212"
MODULE = Path(fmt.__file__)


def test_constants():
    assert fmt.MISSING == "\u2013"
    assert fmt.NBSP == "\u00a0"
    assert fmt.MINUS == "\u2212"


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234, 0, "1\u00a0234"),
        (12345, 0, "12\u00a0345"),
        (1234567, 0, "1\u00a0234\u00a0567"),
        (999, 0, "999"),
        (1.5, 1, "1,5"),
        (1234.5, 1, "1\u00a0234,5"),
        (1234.5, 0, "1\u00a0235"),
        (0, 2, "0,00"),
        (-12, 0, "\u221212"),
        (-1234.5, 1, "\u22121\u00a0234,5"),
        (2.5, 0, "3"),  # half away from zero, not to even
        (-2.5, 0, "\u22123"),
        (2.25, 1, "2,3"),
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),  # the float is 2.67499..., its shortest repr 2.675
        (-0.04, 1, "0,0"),  # never "−0,0"
        (-0.4, 0, "0"),
        (np.int64(36709), 0, "36\u00a0709"),
        (np.float64(0.5), 1, "0,5"),
        (Decimal("1234.565"), 2, "1\u00a0234,57"),
        (10**15, 0, "1\u00a0000\u00a0000\u00a0000\u00a0000\u00a0000"),
        ("1.5", 1, "1,5"),  # numeric text is read as a number
    ],
)
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


def test_number_default_has_no_decimals():
    assert fmt.number(1234.4) == "1\u00a0234"


def test_eur():
    assert fmt.eur(2162) == "2\u00a0162\u00a0€"
    assert fmt.eur(2161.5) == "2\u00a0162\u00a0€"
    assert fmt.eur(1234.5, 2) == "1\u00a0234,50\u00a0€"
    assert fmt.eur(0) == "0\u00a0€"
    assert fmt.eur(-50) == "\u221250\u00a0€"


def test_eur_per_inhabitant():
    assert fmt.eur_per_inhabitant(1.73) == "1,73\u00a0€/asukas"
    assert fmt.eur_per_inhabitant(1.725) == "1,73\u00a0€/asukas"
    assert fmt.eur_per_inhabitant(1234.5) == "1\u00a0234,50\u00a0€/asukas"
    assert fmt.eur_per_inhabitant(12.3456, 1) == "12,3\u00a0€/asukas"


def test_percent():
    assert fmt.percent(0.123) == "12,3\u00a0%"
    assert fmt.percent(0.125) == "12,5\u00a0%"
    assert fmt.percent(1) == "100,0\u00a0%"
    assert fmt.percent(0.145, 0) == "15\u00a0%"  # 0.145 * 100 is 14.4999... in floats
    assert fmt.percent(0.0005, 2) == "0,05\u00a0%"
    assert fmt.percent(12.5) == "1\u00a0250,0\u00a0%"
    assert fmt.percent(-0.5) == "\u221250,0\u00a0%"


def test_change():
    assert fmt.change(0.05) == "+5,0\u00a0%"
    assert fmt.change(-0.977) == "\u221297,7\u00a0%"
    assert fmt.change(0.125) == "+12,5\u00a0%"
    assert fmt.change(0) == "0,0\u00a0%"
    assert fmt.change(-0.0004) == "0,0\u00a0%"
    assert fmt.change(0.0004) == "0,0\u00a0%"
    assert fmt.change(0.5, 0) == "+50\u00a0%"
    assert fmt.change(12.345) == "+1\u00a0234,5\u00a0%"


def test_signed_number():
    assert fmt.signed_number(2.25) == "+2,3"
    assert fmt.signed_number(2.25, 1) == "+2,3"
    assert fmt.signed_number(0.125, 2) == "+0,13"
    assert fmt.signed_number(-1) == "\u22121,0"
    assert fmt.signed_number(-0.04) == "0,0"
    assert fmt.signed_number(0, 0) == "0"
    assert fmt.signed_number(1500, 0) == "+1\u00a0500"


def test_hours():
    assert fmt.hours(12.5) == "12,5\u00a0h"
    assert fmt.hours(12) == "12\u00a0h"
    assert fmt.hours(12.0) == "12\u00a0h"
    assert fmt.hours(12.04) == "12\u00a0h"  # whole after rounding to one decimal
    assert fmt.hours(12.25) == "12,3\u00a0h"
    assert fmt.hours(0.5) == "0,5\u00a0h"
    assert fmt.hours(1234.25) == "1\u00a0234,3\u00a0h"


def test_seconds():
    assert fmt.seconds(21.46) == "21,5\u00a0s"
    assert fmt.seconds(0) == "0,0\u00a0s"
    assert fmt.seconds(3600) == "3\u00a0600,0\u00a0s"


def test_index():
    assert fmt.index(72.5, "index_0_100") == "73\u00a0/\u00a0100"
    assert fmt.index(73, "index_0_100", 5) == "73\u00a0/\u00a0100"
    assert fmt.index(3.2, "stage_mean", 5) == "3,2\u00a0/\u00a05"
    assert fmt.index(3.25, "stage_mean", 5) == "3,3\u00a0/\u00a05"
    assert fmt.index(3.2, "stage_mean") == "3,2"
    assert fmt.index(3.2, "stage_mean", None) == "3,2"
    assert fmt.index(3.454, "stage_mean", 5, decimals=2) == "3,45\u00a0/\u00a05"
    assert fmt.index(None, "index_0_100") == "\u2013"
    with pytest.raises(ValueError):
        fmt.index(3.2, "eur")


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (2162, "eur", None, "2\u00a0162\u00a0€"),
        (2162.456, "eur", 2, "2\u00a0162,46\u00a0€"),
        (1.725, "eur_per_inhabitant", None, "1,73\u00a0€/asukas"),
        (12.0, "persons", None, "12"),
        (1234, "count", None, "1\u00a0234"),
        (0.123, "ratio", None, "12,3\u00a0%"),
        (0.123, "ratio", 0, "12\u00a0%"),
        (24.0, "months", None, "24"),
        (6.5, "hours", None, "6,5\u00a0h"),
        (6.0, "hours", None, "6\u00a0h"),
        (6.0, "hours", 1, "6,0\u00a0h"),
        (72.5, "index_0_100", None, "73\u00a0/\u00a0100"),
        (3.25, "stage_mean", None, "3,3"),
        (1234.5, "something_else", None, "1\u00a0235"),
        (1234.5, "something_else", 1, "1\u00a0234,5"),
        ("<5", "persons", None, "<5"),  # suppression markers stay as they are
        ("x", "hours", None, "x"),
        (None, "eur", None, "\u2013"),
        (float("nan"), "ratio", None, "\u2013"),
    ],
)
def test_value_dispatches_by_unit(value, unit, decimals, expected):
    assert fmt.value(value, unit, decimals) == expected


def test_value_passes_n_stages():
    assert fmt.value(3.2, "stage_mean", n_stages=5) == "3,2\u00a0/\u00a05"


def test_plain_number():
    assert fmt.plain_number(1234567.891, 2) == "1234567,89"
    assert fmt.plain_number(-1234.5, 0) == "-1235"
    assert fmt.plain_number(-0.04, 1) == "0,0"
    assert fmt.plain_number(2.25, 1) == "2,3"
    assert fmt.plain_number(0.125, 2) == "0,13"
    assert fmt.plain_number(None, 2) == "\u2013"


# --- rounding and missing values --------------------------------------------------------------


def test_round_half_up():
    assert fmt.round_half_up(2.25, 1) == Decimal("2.3")
    assert fmt.round_half_up(0.125, 2) == Decimal("0.13")
    assert fmt.round_half_up(-2.5, 0) == Decimal("-3")
    assert fmt.round_half_up(2.675, 2) == Decimal("2.68")
    assert str(fmt.round_half_up(-0.04, 1)) == "0.0"  # no negative zero
    assert str(fmt.round_half_up(7, 2)) == "7.00"
    assert str(fmt.round_half_up(Decimal("12345678901234567890.5"), 0)) == "12345678901234567891"
    with pytest.raises(ValueError):
        fmt.round_half_up(None, 1)
    with pytest.raises(ValueError):
        fmt.round_half_up(float("inf"), 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        (float("nan"), True),
        (np.nan, True),
        (pd.NA, True),
        (pd.NaT, True),
        (Decimal("NaN"), True),
        (np.datetime64("NaT"), True),
        (0, False),
        (0.0, False),
        ("", False),
        ("–", False),
        (dt.date(2024, 1, 1), False),
        (math.inf, False),  # not missing, yet no number: the formatters still show MISSING
    ],
)
def test_is_missing(value, expected):
    assert fmt.is_missing(value) is expected


NUMBER_FORMATTERS = [
    fmt.number,
    fmt.eur,
    fmt.eur_per_inhabitant,
    fmt.percent,
    fmt.change,
    fmt.signed_number,
    fmt.hours,
    fmt.seconds,
    lambda v: fmt.plain_number(v, 2),
    lambda v: fmt.index(v, "index_0_100"),
    lambda v: fmt.index(v, "stage_mean", 5),
    lambda v: fmt.value(v, "eur"),
    lambda v: fmt.value(v, "count"),
]


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, Decimal("NaN"), math.inf, -math.inf, "ei lukua", True])
@pytest.mark.parametrize("formatter", NUMBER_FORMATTERS)
def test_missing_or_non_numbers_show_an_en_dash(formatter, missing):
    if isinstance(missing, str) and formatter in NUMBER_FORMATTERS[-2:]:
        pytest.skip("value() keeps text as it is")
    assert formatter(missing) == "\u2013"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT, np.datetime64("NaT")])
def test_missing_dates_show_an_en_dash(missing):
    assert fmt.date(missing) == "\u2013"
    assert fmt.timestamp(missing) == "\u2013"


# --- dates and times --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2023, 3, 15), "15.3.2023"),
        (dt.date(2024, 3, 5), "5.3.2024"),
        (dt.datetime(2023, 3, 5, 10, 30), "5.3.2023"),
        (pd.Timestamp("2023-12-31 10:00"), "31.12.2023"),
        ("2023-03-15", "15.3.2023"),
        (" 2023-03-05 ", "5.3.2023"),
        ("2023-03-05T10:00:00", "5.3.2023"),
        (np.datetime64("2023-03-15"), "15.3.2023"),
        (dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.timezone.utc), "30.11.2026"),  # already the 30th in Finland
        (pd.Timestamp("2026-11-29 23:30", tz="UTC"), "30.11.2026"),
        ("ei kirjattu", "ei kirjattu"),  # other text as it is
    ],
)
def test_date(value, expected):
    assert fmt.date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-29T17:12:00Z", "29.11.2026 klo 19.12"),  # UTC+2 in winter
        ("2026-11-29T17:12:00+00:00", "29.11.2026 klo 19.12"),
        ("2026-06-15T09:05:00+00:00", "15.6.2026 klo 12.05"),  # UTC+3 in summer
        (pd.Timestamp("2026-11-29 17:12", tz="UTC"), "29.11.2026 klo 19.12"),
        (dt.datetime(2026, 11, 29, 17, 12, tzinfo=dt.timezone.utc), "29.11.2026 klo 19.12"),
        (dt.datetime(2026, 11, 29, 9, 5), "29.11.2026 klo 9.05"),  # naive: already Finnish time
        (pd.Timestamp("2026-11-29 19:12"), "29.11.2026 klo 19.12"),
        ("2026-11-29 00:00", "29.11.2026 klo 0.00"),
        (dt.date(2026, 11, 29), "29.11.2026"),  # no time to show
        ("2026-11-29", "29.11.2026"),
        ("ei aika", "ei aika"),
    ],
)
def test_timestamp(value, expected):
    assert fmt.timestamp(value) == expected


# --- babel, purity ----------------------------------------------------------------------------


def test_babel_supplies_the_symbols():
    import babel.numbers

    with mock.patch("babel.numbers.format_decimal", wraps=babel.numbers.format_decimal) as spy:
        assert fmt.eur(-1234.5, 2) == "\u22121\u00a0234,50\u00a0€"
    spy.assert_called_once()
    assert spy.call_args.kwargs["locale"] == "fi_FI"
    assert babel.numbers.get_group_symbol("fi_FI") == "\u00a0"
    assert babel.numbers.get_decimal_symbol("fi_FI") == ","


def test_module_imports_only_stdlib_and_babel():
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "datetime", "decimal", "operator", "zoneinfo", "babel"}


def test_import_is_light():
    code = "import sys, kainuu_metrics.formatting; print(sorted(m for m in ('pandas', 'numpy', 'babel') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=MODULE.parents[1])
    assert result.stdout.strip() == "[]"


# --- properties -------------------------------------------------------------------------------


def _parse(text: str) -> Decimal:
    return Decimal(text.replace(NB, "").replace(M, "-").replace(",", "."))


def _expected(value: float | int | Decimal, decimals: int) -> Decimal:
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return number.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP")


_GROUPED = re.compile(r"^\u2212?\d{1,3}(\u00a0\d{3})*(,\d+)?$")
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
decimals = st.integers(min_value=0, max_value=4)


@given(finite, decimals)
def test_number_round_trips_half_up(value, places):
    text = fmt.number(value, places)
    assert _parse(text) == _expected(value, places)
    assert _GROUPED.match(text), text
    assert "-" not in text and " " not in text and "." not in text
    assert len(text.partition(",")[2]) == places


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_are_exact(value):
    assert _parse(fmt.number(value)) == value
    assert fmt.eur(value) == fmt.number(value) + "\u00a0€"
    assert fmt.plain_number(value, 0) == str(value)


@given(finite, decimals)
def test_plain_number_is_ascii_and_ungrouped(value, places):
    text = fmt.plain_number(value, places)
    assert re.fullmatch(r"-?\d+(,\d+)?", text), text
    assert Decimal(text.replace(",", ".")) == _expected(value, places)
    assert fmt.number(value, places).replace(NB, "").replace(M, "-") == text


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=3))
def test_exact_halves_round_away_from_zero(whole, places):
    half = (Decimal(whole) + Decimal("0.5") * (1 if whole >= 0 else -1)).scaleb(-places)
    rounded = fmt.round_half_up(half, places)
    assert abs(rounded) > abs(half)
    assert abs(rounded - half) == Decimal("0.5").scaleb(-places)


@given(st.floats(min_value=-100, max_value=100, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_change_has_a_sign_only_when_the_rounded_value_is_not_zero(ratio, places):
    shown = _expected(Decimal(repr(ratio)) * 100, places)
    text = fmt.change(ratio, places)
    assert text.endswith("\u00a0%")
    body = text[: -len("\u00a0%")]
    sign = "+" if shown > 0 else M if shown < 0 else ""
    assert body.startswith(sign) and not body[len(sign) :].startswith(("+", M, "-"))
    assert _parse(body.lstrip("+")) == shown
    signed = fmt.signed_number(ratio, places)
    assert signed.startswith(("+", M)) == (_expected(ratio, places) != 0)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_from_objects_and_iso_text_agree(day):
    expected = f"{day.day}.{day.month}.{day.year}"
    assert fmt.date(day) == expected
    assert fmt.date(day.isoformat()) == expected
    assert fmt.date(pd.Timestamp(day)) == expected
    assert fmt.timestamp(dt.datetime(day.year, day.month, day.day, 7, 3)) == f"{expected} klo 7.03"
