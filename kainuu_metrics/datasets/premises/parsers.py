"""Finnish booking values: a time of day, a time range and a duration in hours, as exports write
them. Each parser returns None for a blank cell and raises ValueError with a Finnish reason."""

from __future__ import annotations

import datetime as dt
import re

from kainuu_metrics.datasets import parsing

_CLOCK = r"(\d{1,2})(?:[.:](\d{2}))?"
_CLOCK_TEXT = re.compile(rf"^(?:klo\.?\s*)?{_CLOCK}$", re.IGNORECASE)
_RANGE_TEXT = re.compile(rf"^(?:klo\.?\s*)?{_CLOCK}\s*(?:–|—|−|-)\s*(?:klo\.?\s*)?{_CLOCK}$", re.IGNORECASE)
_HOURS_UNIT = re.compile(r"\s*(h|t|tuntia|tunti|tuntia\.)$", re.IGNORECASE)


def _minutes(hour: str, minute: str | None, original: object) -> int:
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        raise ValueError(f"'{original}' ei ole kellonaika")
    return h * 60 + m


def parse_clock(value: object) -> int | None:
    """A time of day as minutes after midnight: '17.30', '17:30', 'klo 17', time cells -> 1050.

    >>> parse_clock("17.30")
    1050
    """
    if parsing.is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' ei ole kellonaika")
    if isinstance(value, (dt.time, dt.datetime)):
        return value.hour * 60 + value.minute
    if isinstance(value, (int, float)):
        if 0 <= value < 1:  # an Excel time stored as a fraction of a day
            return round(value * 24 * 60)
        if float(value).is_integer() and 0 <= value <= 24:
            return int(value) * 60
        raise ValueError(f"'{value}' ei ole kellonaika (kirjoita esim. 17.30)")
    match = _CLOCK_TEXT.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' ei ole kellonaika (kirjoita esim. 17.30)")
    return _minutes(match.group(1), match.group(2), value)


def _check_order(start: int, end: int, value: object) -> tuple[int, int]:
    if end <= start:
        raise ValueError(
            f"'{value}': loppuaika ei ole alkuajan jälkeen (jos käyttö jatkui yli puolenyön, "
            "kirjoita kesto tunteina)"
        )
    return start, end


def parse_time_range(value: object) -> tuple[int, int] | None:
    """'17.00–19.30', '17:00-19:30', 'klo 9–11.30' -> (start, end) in minutes after midnight.

    >>> parse_time_range("17.00–19.30")
    (1020, 1170)
    """
    if parsing.is_blank(value):
        return None
    text = " ".join(str(value).split())
    match = _RANGE_TEXT.match(text)
    if not match:
        raise ValueError(f"'{value}' ei ole kellonaikaväli (kirjoita esim. 17.00–19.30)")
    start = _minutes(match.group(1), match.group(2), value)
    end = _minutes(match.group(3), match.group(4), value)
    return _check_order(start, end, value)


def parse_hours(value: object) -> float | None:
    """'2,5', '2,5 h', '3 tuntia', '1:30' -> hours as a number.

    >>> parse_hours("2,5 h"), parse_hours("1:30")
    (2.5, 1.5)
    """
    if parsing.is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' ei ole tuntimäärä")
    if isinstance(value, (int, float)):
        return float(value)
    text = _HOURS_UNIT.sub("", " ".join(str(value).split()))
    if match := re.fullmatch(r"(\d{1,2}):(\d{2})", text):
        if int(match.group(2)) > 59:
            raise ValueError(f"'{value}' ei ole tuntimäärä")
        return int(match.group(1)) + int(match.group(2)) / 60
    try:
        number = parsing.parse_finnish_number(text)
    except ValueError:
        raise ValueError(f"'{value}' ei ole tuntimäärä") from None
    return number


def format_clock(minutes: int | None) -> str | None:
    """1050 -> '17:30'."""
    return None if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"
