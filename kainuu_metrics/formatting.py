r"""Finnish numbers, money, shares, dates and times in the reports' house style, in one place.

Stdlib and babel only; babel and zoneinfo are imported on first use, so the import is quick.
Babel (fi_FI) gives the symbols; rounding is half away from zero (ROUND_HALF_UP), done before
babel sees the number. Thousands are grouped from 1 000 with U+00A0, negatives take U+2212, a
value that rounds to zero has no sign, and every function returns MISSING for None, NaN, pandas
NA/NaT, infinities and non-numbers.

>>> number(-1234.5, 1), eur(2162), percent(0.123)
('−1\xa0234,5', '2\xa0162\xa0€', '12,3\xa0%')
"""

from __future__ import annotations

import datetime as _dt
import operator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

MISSING = "\u2013"  # en dash
NBSP = "\u00a0"  # no-break space
MINUS = "\u2212"  # minus sign
LOCALE = "fi_FI"
HELSINKI = "Europe/Helsinki"


def is_missing(value: object) -> bool:
    """True for None, NaN, pandas NA/NaT and anything that is not equal to itself.

    >>> is_missing(None), is_missing(float("nan")), is_missing(0), is_missing("")
    (True, True, False, False)
    """
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, InvalidOperation):  # pandas NA: the comparison is NA, with no truth value
        return True


def _decimal(value: object) -> Decimal | None:
    """A finite Decimal (floats via their shortest repr: 2.675 -> 2.675), or None."""
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(operator.index(value))  # numpy ints too
    except TypeError:
        try:
            number = Decimal(repr(float(value)))  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return None
    return number if number.is_finite() else None


def round_half_up(value: object, decimals: int = 0) -> Decimal:
    """Round half away from zero; raises ValueError for a missing or non-numeric value.

    >>> round_half_up(2.25, 1), round_half_up(0.125, 2), round_half_up(-2.5), round_half_up(-0.04, 1)
    (Decimal('2.3'), Decimal('0.13'), Decimal('-3'), Decimal('0.0'))
    """
    number = _decimal(value)
    if number is None:
        raise ValueError(f"not a finite number: {value!r}")
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + decimals + 2)  # quantize needs every digit
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no negative zero


def _text(value: object, decimals: int, unit: str = "", *, sign: bool = False, scale: int = 1, grouping: bool = True) -> str:
    """The number rounded half up, through babel, with NBSP and the unit; MISSING when missing."""
    from babel.numbers import format_decimal

    number = _decimal(value)
    if number is None:
        return MISSING
    rounded = round_half_up(number * scale, decimals)
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")
    # Already rounded to the pattern's decimals, so babel's own half-even rounding changes nothing.
    text = format_decimal(abs(rounded), format=pattern, locale=LOCALE)
    text = text.replace("\u202f", NBSP).replace(" ", NBSP)  # whatever space the CLDR version uses
    text = MINUS + text if rounded < 0 else "+" + text if sign and rounded > 0 else text
    return f"{text}{NBSP}{unit}" if unit else text


def number(value: object, decimals: int = 0) -> str:
    r"""'1 234,5': decimal comma, no-break space between thousands, minus U+2212.

    >>> number(1234.5, 1), number(999), number(-12), number(None)
    ('1\xa0234,5', '999', '−12', '–')
    """
    return _text(value, decimals)


def eur(value: object, decimals: int = 0) -> str:
    r"""Euros: '2 162 €'.

    >>> eur(2161.5), eur(1234.5, 2)
    ('2\xa0162\xa0€', '1\xa0234,50\xa0€')
    """
    return _text(value, decimals, "€")


def eur_per_inhabitant(value: object, decimals: int = 2) -> str:
    r"""Euros per inhabitant: '1,73 €/asukas'.

    >>> eur_per_inhabitant(1.725)
    '1,73\xa0€/asukas'
    """
    return _text(value, decimals, "€/asukas")


def percent(ratio: object, decimals: int = 1) -> str:
    r"""A ratio as a percentage: 0.123 -> '12,3 %'.

    >>> percent(0.123), percent(1), percent(0.145, 0)
    ('12,3\xa0%', '100,0\xa0%', '15\xa0%')
    """
    return _text(ratio, decimals, "%", scale=100)


def change(ratio: object, decimals: int = 1) -> str:
    r"""A relative change with its sign: 0.05 -> '+5,0 %', -0.977 -> '−97,7 %', 0.0004 -> '0,0 %'.

    >>> change(0.05), change(-0.977), change(-0.0004)
    ('+5,0\xa0%', '−97,7\xa0%', '0,0\xa0%')
    """
    return _text(ratio, decimals, "%", sign=True, scale=100)


def signed_number(value: object, decimals: int = 1) -> str:
    """'+2,3', '−1,0', '0,0' (a sign only when the rounded value is not zero).

    >>> signed_number(2.25), signed_number(-1), signed_number(-0.04), signed_number(0.125, 2)
    ('+2,3', '−1,0', '0,0', '+0,13')
    """
    return _text(value, decimals, sign=True)


def hours(value: object) -> str:
    r"""Hours with one decimal, whole hours without: '12,5 h', '12 h'.

    >>> hours(12.5), hours(12), hours(12.04), hours(1234.25)
    ('12,5\xa0h', '12\xa0h', '12\xa0h', '1\xa0234,3\xa0h')
    """
    number = _decimal(value)
    return MISSING if number is None else _text(number, 1 if round_half_up(number, 1) % 1 else 0, "h")


def seconds(value: object) -> str:
    r"""A duration: 21.46 -> '21,5 s'.

    >>> seconds(21.46)
    '21,5\xa0s'
    """
    return _text(value, 1, "s")


def index(value: object, unit: str, n_stages: int | None = None, *, decimals: int | None = None) -> str:
    r"""The Tuokio index: unit 'index_0_100' -> '73 / 100', 'stage_mean' -> '3,2 / 5' (or '3,2').

    >>> index(72.5, "index_0_100"), index(3.25, "stage_mean", 5), index(3.25, "stage_mean")
    ('73\xa0/\xa0100', '3,3\xa0/\xa05', '3,3')
    """
    if unit not in ("index_0_100", "stage_mean"):
        raise ValueError(f"unknown index unit {unit!r}")
    of = 100 if unit == "index_0_100" else n_stages
    places = (0 if unit == "index_0_100" else 1) if decimals is None else decimals
    return _text(value, places, f"/{NBSP}{of}" if of else "")


def value(value: object, unit: str, decimals: int | None = None, *, n_stages: int | None = None) -> str:
    r"""A value by the indicator table's unit id; text (a suppression marker such as '<5') as it is.

    >>> value(1234, "eur"), value(0.25, "ratio"), value(6.5, "hours"), value("<5", "persons")
    ('1\xa0234\xa0€', '25,0\xa0%', '6,5\xa0h', '<5')
    """
    if isinstance(value, str):
        return value
    if unit in ("index_0_100", "stage_mean"):
        return index(value, unit, n_stages, decimals=decimals)
    if unit == "hours":
        return hours(value) if decimals is None else _text(value, decimals, "h")
    by_unit = {"eur": (eur, 0), "eur_per_inhabitant": (eur_per_inhabitant, 2), "ratio": (percent, 1)}
    formatter, default = by_unit.get(unit, (number, 0))  # persons, count, months, any other: a number
    return formatter(value, default if decimals is None else decimals)


def plain_number(value: object, decimals: int) -> str:
    """Spreadsheet/CSV text: ASCII digits and minus, decimal comma, no grouping.

    >>> plain_number(-1234.565, 2), plain_number(1234567, 0)
    ('-1234,57', '1234567')
    """
    return _text(value, decimals, grouping=False).replace(MINUS, "-")


def _moment(value: object) -> _dt.date | None:
    """A date, or a datetime in Finnish time (aware converted, naive taken as local), from a
    date/datetime/Timestamp or ISO 8601 text; None for anything else."""
    moment = value if isinstance(value, _dt.date) else None
    for parse in (_dt.date.fromisoformat, _dt.datetime.fromisoformat):
        try:
            moment = moment or parse(str(value).strip())
        except ValueError:
            pass
    if isinstance(moment, _dt.datetime) and moment.tzinfo is not None:
        from zoneinfo import ZoneInfo

        moment = moment.astimezone(ZoneInfo(HELSINKI))
    return moment


def date(value: object) -> str:
    """'15.3.2023' (no leading zeros) from a date, datetime, Timestamp or ISO text; other text as it is.

    >>> date("2023-03-15"), date(_dt.datetime(2026, 11, 29, 23, 30, tzinfo=_dt.timezone.utc)), date("ei")
    ('15.3.2023', '30.11.2026', 'ei')
    """
    if is_missing(value):
        return MISSING
    day = _moment(value)
    return str(value) if day is None else f"{day.day}.{day.month}.{day.year}"


def timestamp(value: object) -> str:
    """'29.11.2026 klo 19.12' in Finnish time (an aware time is converted, a naive one is local).

    >>> timestamp("2026-11-29T17:12:00Z"), timestamp("2026-11-29 09:05"), timestamp("2026-11-29")
    ('29.11.2026 klo 19.12', '29.11.2026 klo 9.05', '29.11.2026')
    """
    moment = None if is_missing(value) else _moment(value)
    if not isinstance(moment, _dt.datetime):
        return date(value)
    return f"{date(moment)} klo {moment.hour}.{moment.minute:02d}"
