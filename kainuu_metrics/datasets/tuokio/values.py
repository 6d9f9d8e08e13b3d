"""Values of a filled form: ratings, actor types, goal statuses, criteria, deadlines and the
evaluation date of a folder. Each parser raises ValueError with a Finnish message.

>>> from kainuu_metrics.datasets.tuokio.config import EXAMPLE
>>> config = TuokioConfig.model_validate(EXAMPLE)
>>> parse_rating("2 – Keski", config), parse_rating(3, config), parse_rating("ei arvioitu", config)
(('arvioitu', 2), ('arvioitu', 3), ('ei arvioitu', None))
"""

from __future__ import annotations

import datetime as dt
import re

from kainuu_metrics import formatting
from kainuu_metrics.datasets.parsing import is_blank, parse_finnish_date
from kainuu_metrics.datasets.tuokio.config import NO_ANSWER, NOT_ASSESSED, RATED, TuokioConfig
from kainuu_metrics.settings import normalise_key

_RATING = re.compile(r"^(\d+)(?:[.,]0+)?(?:\s*[–—-]\s*(.*))?$")
_FOLDER_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})(?:[ _].*)?$")


def parse_rating(value: object, config: TuokioConfig, form_labels: tuple[str, ...] = ()) -> tuple[str, int | None]:
    """A rating cell -> (answer status, stage number or None); `form_labels` are the stage
    labels the form itself was made with."""
    if is_blank(value):
        return NO_ANSWER, None
    n = config.n_stages
    choices = ", ".join(f"'{label}'" for label in config.stage_labels)
    problem = (
        f"arvio '{value}' ei ole arviointiasteikolla (vaiheet 1–{n}). Valitse arvio lomakkeen "
        f"alasvetovalikosta ({choices}) tai '{config.not_assessed[0]}'"
    )
    if isinstance(value, bool):
        raise ValueError(problem)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1 <= int(value) <= n:
            return RATED, int(value)
        raise ValueError(problem)
    text = normalise_key(str(value)).replace("—", "–")
    if text in {normalise_key(a) for a in config.not_assessed}:
        return NOT_ASSESSED, None
    for stage in config.stages:
        if text in {normalise_key(stage.label), normalise_key(stage.name)}:
            return RATED, stage.number
    for number, label in enumerate(form_labels, start=1):
        if text == normalise_key(label) and number <= n:
            return RATED, number
    if match := _RATING.match(text):
        number, name = int(match.group(1)), (match.group(2) or "").strip()
        if 1 <= number <= n and (not name or name == normalise_key(config.stage(number).name)):
            return RATED, number
    raise ValueError(problem)


def parse_actor_type(value: object, config: TuokioConfig) -> str | None:
    """'yhdistys' -> 'ngo' (the actor type id); blank -> None.

    >>> from kainuu_metrics.datasets.tuokio.config import EXAMPLE
    >>> parse_actor_type("Yhdistys", TuokioConfig.model_validate(EXAMPLE))
    'ngo'
    """
    if is_blank(value):
        return None
    found = config.actor_lookup.get(normalise_key(str(value)))
    if found is None:
        raise ValueError(f"toimijataho '{value}' ei ole luettelossa ({', '.join(config.actor_labels.values())})")
    return found


def parse_goal_status(value: object, config: TuokioConfig) -> str | None:
    if is_blank(value):
        return None
    lookup = {normalise_key(s): s for s in config.goal_statuses}
    found = lookup.get(normalise_key(str(value)))
    if found is None:
        raise ValueError(f"tila '{value}' ei ole luettelossa ({', '.join(config.goal_statuses)}). Valitse tila alasvetovalikosta")
    return found


def parse_criterion(value: object, config: TuokioConfig) -> str | None:
    """A criterion named by its name or id -> its id."""
    if is_blank(value):
        return None
    lookup = {normalise_key(c.name): c.id for c in config.criteria} | {normalise_key(c.id): c.id for c in config.criteria}
    found = lookup.get(normalise_key(str(value)))
    if found is None:
        names = ", ".join(c.name for c in config.criteria)
        raise ValueError(f"kriteeri '{value}' ei ole luettelossa ({names}). Valitse kriteeri alasvetovalikosta tai jätä tyhjäksi")
    return found


def parse_deadline(value: object) -> tuple[str | None, dt.date | None]:
    """A deadline as written ('kevät 2026') or as a date -> (text shown, date when it is one).

    >>> parse_deadline(dt.datetime(2026, 5, 31)), parse_deadline("syksy 2026")
    (('31.5.2026', datetime.date(2026, 5, 31)), ('syksy 2026', None))
    """
    if is_blank(value):
        return None, None
    if isinstance(value, (dt.datetime, dt.date)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return formatting.date(day), day
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    try:
        day = parse_finnish_date(text)
    except ValueError:
        day = None
    return text, day


def evaluation_date_from_folder(name: str) -> dt.date:
    """'2025-11-12' or '12.11.2025' (optionally followed by ' ' or '_' and text) -> the date.

    >>> evaluation_date_from_folder("12.11.2025"), evaluation_date_from_folder("2024-11-14_syksy")
    (datetime.date(2025, 11, 12), datetime.date(2024, 11, 14))
    """
    match = _FOLDER_DATE.match(name.strip())
    if not match:
        raise ValueError(f"kansion nimi '{name}' ei ala päivämäärällä")
    day = parse_finnish_date(match.group(1))
    assert day is not None
    return day


def free_text(value: object) -> str | None:
    """Free text as written (inner line breaks kept); numbers and dates as text; blank -> None.

    >>> free_text("  Avoin   foorumi.\\n\\n Illalla. "), free_text(3.0), free_text(" ")
    ('Avoin foorumi.\\nIllalla.', '3', None)
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = formatting.date(value)
    lines = [" ".join(line.split()) for line in str(value).strip().splitlines()]
    return "\n".join(line for line in lines if line) or None


def text_key(value: object) -> str:
    """How answers are compared: normalised text, '' for a blank cell."""
    return "" if is_blank(value) else normalise_key(str(value))
