"""Personal data out of everything written: masked cell values of personal-data datasets, and
the fingerprint of the pseudonymisation key kept beside the processed data.

Key fingerprint. A run stores HMAC-SHA256(key, a fixed label) -- never the key -- in
data/processed/pseudonym_key.json. A later run with another key (changed, or deleted and
recreated) stops with a Finnish message (exit 2) unless the new key is confirmed with
`kainuu-metrics run --uusi-avain`; the confirmation is recorded in the file with its date, and the
experience page's method text says so.

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
import hashlib
import hmac
import json
import os
import re
from pathlib import Path
from typing import Any

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.rows import cell_text
from kainuu_metrics.errors import ConfigError
from kainuu_metrics.paths import Layout

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
    # A short number ("0", "26") names nobody, and replacing it would garble the reason's own
    # limits ("yli 0 ja enintään 24 tuntia").
    forms = {f for f in forms if f.strip() and not (len(f.strip()) <= 4 and _NUMBER.match(f.strip()))}
    for form in sorted(forms, key=len, reverse=True):
        reason = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", lambda _: masked, reason)
    return reason


# --- the pseudonymisation key's fingerprint ---------------------------------------------------------

KEY_RECORD = "pseudonym_key.json"
_FINGERPRINT_LABEL = b"kainuu-metrics: pseudonym key fingerprint v1"
CONFIRM_FLAG = "--uusi-avain"


def key_fingerprint(key: bytes) -> str:
    """32 hex digits of HMAC-SHA256(key, a fixed label): tells keys apart, reveals nothing of one.

    >>> key_fingerprint(bytes(range(32))) == key_fingerprint(bytes(range(32))) != key_fingerprint(bytes(range(1, 33)))
    True
    """
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32]


def read_key_record(data_dir: str | Path) -> dict[str, Any] | None:
    """data/processed/pseudonym_key.json, or None before the first run."""
    path = Path(data_dir) / "processed" / KEY_RECORD
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or not isinstance(record.get("fingerprint"), str):
            raise ValueError("fingerprint puuttuu")
        return record
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Pseudonyymiavaimen tunnistetiedostoa (aineistokansion processed/{KEY_RECORD}) ei voitu lukea ({exc}). "
            "Palauta tiedosto varmuuskopiosta; jos avain on varmasti sama kuin ennen, poista tiedosto, niin seuraava ajo kirjoittaa sen uudelleen."
        ) from None


def _write_record(layout: Layout, record: dict[str, Any]) -> None:
    layout.processed.mkdir(parents=True, exist_ok=True)
    path = layout.processed / KEY_RECORD
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _stop(problem: str, since: str) -> ConfigError:
    from kainuu_metrics.datasets.experience.pseudonyms import KEY_ENV_VAR, KEY_FILE_NAME

    return ConfigError(
        f"{problem} Käsitellyt tiedot on pseudonymisoitu avaimella, joka otettiin käyttöön {since}; toinen avain antaisi "
        "jokaiselle kokemusasiantuntijalle uuden pseudonyymin, eikä niitä voisi enää yhdistää aiemmin tallennettuihin tietoihin.\n"
        f"Valitse: (1) palauta alkuperäinen avain (ympäristömuuttuja {KEY_ENV_VAR} tai tiedosto {KEY_FILE_NAME} "
        "aineistokansiossa, varmuuskopiosta) ja aja uudelleen; tai (2) ota uusi avain käyttöön tietoisesti komennolla "
        f"'kainuu-metrics run {CONFIRM_FLAG}': silloin kaikki vuodet pseudonymisoidaan uudella avaimella, ja "
        "kokemustoiminnan sivun menetelmäteksti kertoo avaimen vaihtuneen."
    )


def check_pseudonym_key(layout: Layout, *, confirm_new: bool = False, today: dt.date | None = None) -> dict[str, Any]:
    """Compare the key of this run with the fingerprint stored beside the processed data.

    First run: the fingerprint is stored. Same key: nothing changes. Another key, or the key
    file gone (and no environment key): ConfigError (Finnish, exit 2) unless `confirm_new`, in
    which case the new fingerprint is stored and the change recorded. Returns the record."""
    # Imported here: the experience package imports this module for masking.
    from kainuu_metrics.datasets.experience.pseudonyms import KEY_ENV_VAR, KEY_FILE_NAME, load_or_create_key

    day = (today or dt.date.today()).isoformat()
    record = read_key_record(layout.data)
    from_env = (os.environ.get(KEY_ENV_VAR) or "").strip()
    if record is not None and not from_env and not (layout.data / KEY_FILE_NAME).exists() and not confirm_new:
        raise _stop(f"Pseudonyymiavain puuttuu: ympäristömuuttujaa {KEY_ENV_VAR} ei ole asetettu, eikä aineistokansiossa ole tiedostoa {KEY_FILE_NAME}.",
                    record.get("since", "aiemmin"))
    fingerprint = key_fingerprint(load_or_create_key(layout.data))
    if record is None:
        record = {"fingerprint": fingerprint, "since": day, "changes": []}
        _write_record(layout, record)
        return record
    if record["fingerprint"] == fingerprint:
        return record
    if not confirm_new:
        raise _stop("Pseudonyymiavain on vaihtunut: avaimen tunniste ei vastaa käsiteltyjen tietojen tunnistetta "
                    f"(aineistokansion processed/{KEY_RECORD}).", record.get("since", "aiemmin"))
    changes = [c for c in record.get("changes", []) if isinstance(c, dict)]
    record = {"fingerprint": fingerprint, "since": day, "changes": [*changes, {"date": day, "previous_fingerprint": record["fingerprint"]}]}
    _write_record(layout, record)
    return record


def key_change_note(data_dir: str | Path) -> str:
    """Finnish: when (if ever) the key was changed with --uusi-avain, and what that means for the
    figures that link persons across years; '' when it never was."""
    record = read_key_record(data_dir)
    dates = [str(c.get("date")) for c in (record or {}).get("changes", []) if isinstance(c, dict)]
    if not dates:
        return ""
    shown = ", ".join(".".join(str(int(part)) for part in reversed(d.split("-"))) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) else d for d in dates)
    return (
        f"Pseudonyymiavain vaihdettiin {shown} (komento run {CONFIRM_FLAG}). Ajo pseudonymisoi kaikkien vuosien raakatiedostot "
        "samalla, uudella avaimella, joten vuosien välinen yhdistäminen (aktiivisena molempina vuosina, muutosluvut) "
        "koskee vain niitä vuosia, joiden raakatiedostot ovat aineistokansiossa. Ennen vaihtoa tallennettujen "
        "käsiteltyjen tietojen pseudonyymit eivät vastaa nykyisiä, eikä henkilöitä voi yhdistää niiden ja näiden välillä."
    )
