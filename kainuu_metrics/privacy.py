"""Personal data out of everything written: masked cell values of personal-data datasets, and
the fingerprint of the pseudonymisation key kept beside the processed data.

Masking. A rejected value of a dataset that holds personal data (a registry line with
`personal=True`) is stored, and so shown on every page and in rejected/*.csv, only as its kind,
length and position, e.g. "teksti, 14 merkkiä (rivi 7, sarake Järjestö)": the person who keeps the
raw file finds the cell; nobody else reads it. A reason that quotes the value quotes the mask.

>>> mask_value("Matti Meikäläinen", 7, "Järjestö")
'teksti, 17 merkkiä (rivi 7, sarake Järjestö)'
>>> mask_in_reason("tuntematon rooli 'Matti M'. Lisää kirjoitusasu", "Matti M", "teksti, 7 merkkiä")
"tuntematon rooli 'teksti, 7 merkkiä'. Lisää kirjoitusasu"
"""

from __future__ import annotations

import datetime as dt
import re

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.rows import cell_text

_NUMBER = re.compile(r"^[+-−]?\d[\d\s\u00a0]*(?:[.,]\d+)?$")
_DATE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
MASKED = re.compile(r"^(?:teksti|luku|päivämäärä|arvo), \d+ merkki(?:ä)? \(rivi \d+, sarake .+\)$")


def value_kind(raw: object) -> str:
    """'luku', 'päivämäärä' or 'teksti' (Finnish), from the cell's type or its look."""
    if isinstance(raw, dt.date | dt.datetime | dt.time):
        return "päivämäärä"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return "luku"
    text = cell_text(raw).strip()
    if _NUMBER.match(text):
        return "luku"
    if _DATE.match(text):
        return "päivämäärä"
    return "teksti" if isinstance(raw, str) else "arvo"


def mask_value(raw: object, source_row: int, column: str) -> str:
    """The masked form of a cell: kind, length and position; '' for a blank cell."""
    if parsing.is_blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # 26.0 read from a spreadsheet is the "26" its user typed
    length = len(cell_text(raw))
    return f"{value_kind(raw)}, {length} {'merkki' if length == 1 else 'merkkiä'} (rivi {source_row}, sarake {column})"


def mask_in_reason(reason: str, raw: object, masked: str) -> str:
    """The reason with every quotation of the raw cell (as written or as read) replaced by `masked`."""
    if parsing.is_blank(raw):
        return reason
    forms = {str(raw), cell_text(raw), str(raw).strip(), " ".join(str(raw).split())}
    if isinstance(raw, float) and raw.is_integer():
        forms |= {str(int(raw)), f"{raw:g}"}
    for form in sorted((f for f in forms if f.strip()), key=len, reverse=True):
        reason = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", lambda _: masked, reason)
    return reason
