"""Parsers for the values found in Finnish exports. Each returns None for an empty cell and
raises ValueError (with a Finnish message) for a value it cannot read."""

from __future__ import annotations

import datetime as dt
import math
import re
from numbers import Number

import pandas as pd

_EMPTY = {"", "-", "–", ".", "..", "…", "nan", "none"}
BLANK_TEXT = frozenset(_EMPTY)  # text is_blank reads as blank, once stripped and casefolded
_CURRENCY = re.compile(r"(€|eur(?:oa)?|e)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_BUSINESS_ID = re.compile(r"^(?:FI)?(\d{6,7})-?(\d)$")
_BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
_TRUE = {"kyllä", "k", "x", "true", "1", "on", "joo", "yes", "rekisteröity"}
_FALSE = {"ei", "e", "false", "0", "no", "puuttuu"}


def is_blank(value: object) -> bool:
    if value is None:
        return True
    kind = type(value)  # the common cell types first: this runs for every cell of every export
    if kind is str:
        return value.strip().casefold() in _EMPTY  # type: ignore[attr-defined]
    if kind is int or kind is bool or kind is dt.date or kind is dt.datetime:
        return False
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, str) and value.strip().casefold() in _EMPTY


_NOT_NUMBERS = {"nan", "inf", "+inf", "-inf", "infinity", "-infinity"}


def parse_finnish_number(value: object) -> float | None:
    """'1 234,50 €' -> 1234.5; also '1.234,50', '-12,5', '1234.5' and numeric cells. A value whose
    meaning is not certain is refused, never guessed: '1,234.50' (comma thousands with a dot
    decimal), 'NaN', 'inf' and spreadsheet error values ('#DIV/0!', '#VIITTAUS!').

    >>> parse_finnish_number("1 234,50 €")
    1234.5
    """
    if isinstance(value, str) and value.strip().startswith("=") and len(value.strip()) > 1:
        raise ValueError(f"'{value.strip()}' on kaava, jonka arvoa ei ole tallennettu tiedostoon (avaa ja tallenna tiedosto Excelissä)")
    if isinstance(value, str) and value.strip().startswith("#"):
        raise ValueError(f"'{value.strip()}' on taulukkolaskennan virhearvo eikä luku")
    if isinstance(value, str) and value.strip().casefold() in _NOT_NUMBERS:
        raise ValueError(f"'{value.strip()}' ei ole luku")
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' ei ole luku")
    if isinstance(value, Number):
        if not math.isfinite(float(value)):  # type: ignore[arg-type]
            raise ValueError(f"'{value}' ei ole luku")
        return float(value)  # type: ignore[arg-type]
    text = _SPACES.sub("", str(value)).replace("\u2212", "-")
    if "," in text and "." in text and text.rindex(".") > text.rindex(","):
        raise ValueError(f"'{value}' on monitulkintainen: pilkku tuhaterottimena ja piste desimaalierottimena ei ole suomalainen muoto")
    text = _CURRENCY.sub("", text)
    if not text:
        return None
    if "," in text:
        # Finnish decimal comma; dots are then thousand separators.
        if text.count(",") > 1:
            raise ValueError(f"'{value}' ei ole luku (useita pilkkuja)")
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")  # '1.234.567' or '12.500' written with dot groups
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f"'{value}' ei ole luku")
    return float(text)


def parse_finnish_date(value: object) -> dt.date | None:
    """'15.3.2023' -> date(2023, 3, 15); also ISO dates and Excel date cells. A year written
    with fewer than four digits ('1.1.24', '1.1.024') is refused, never guessed.

    >>> parse_finnish_date("15.3.2023")
    datetime.date(2023, 3, 15)
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()  # type: ignore[union-attr]
    text = str(value).strip().rstrip(".") if str(value).count(".") > 2 else str(value).strip()
    if match := _FI_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) < 4:  # '1.1.24' could be 1924 or 2024: never guessed
            raise ValueError(f"'{value}': vuosi on kirjoitettu {len(match.group(3))} numerolla; "
                             f"kirjoita vuosi neljällä numerolla (esim. {day}.{month}.2024), päivämäärää ei arvata")
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise ValueError(f"'{value}' ei ole päivämäärä (muoto p.k.vvvv, esim. 15.3.2023)")
    if year < 1900:
        raise ValueError(f"'{value}' ei ole uskottava päivämäärä: vuosi {year} (kirjoita vuosi neljällä numerolla)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{value}' ei ole olemassa oleva päivämäärä") from None


def business_id_check_digit(body: str) -> int | None:
    """Check digit of a 7-digit Y-tunnus body, or None when no valid check digit exists."""
    remainder = sum(int(d) * w for d, w in zip(body, _BUSINESS_ID_WEIGHTS)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise_business_id(value: object) -> str | None:
    """'FI20774740', '2077474-0', '207747-0'... -> '2077474-0' (format only, not the checksum).

    >>> normalise_business_id("FI20774740")
    '2077474-0'
    """
    if is_blank(value):
        return None
    text = _SPACES.sub("", str(value)).upper()
    match = _BUSINESS_ID.match(text)
    if not match:
        raise ValueError(f"'{value}' ei ole Y-tunnus (muoto 1234567-8)")
    body, check = match.groups()
    return f"{body.zfill(7)}-{check}"


def is_valid_business_id(business_id: str) -> bool:
    """True when a normalised Y-tunnus has the right check digit."""
    body, check = business_id.split("-")
    return business_id_check_digit(body) == int(check)


def read_business_id(value: object) -> tuple[str | None, bool | None]:
    """(normalised Y-tunnus, valid) of a cell; (None, None) when blank, (None, False) when it is
    not a Y-tunnus at all. A wrong identifier is kept and flagged, never a reason to drop a row.

    >>> read_business_id("FI20774740"), read_business_id("2077474-1"), read_business_id("abc"), read_business_id(None)
    (('2077474-0', True), ('2077474-1', False), (None, False), (None, None))
    """
    if is_blank(value):
        return None, None
    try:
        business_id = normalise_business_id(value)
    except ValueError:
        return None, False
    return business_id, is_valid_business_id(business_id)


def normalise_association_reg_no(value: object) -> str | None:
    """'123.456' or '123456' -> '123456'; 1 to 6 digits, no checksum."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub("", str(value)).replace(".", "")
    if not re.fullmatch(r"\d{1,6}", text):
        raise ValueError(f"'{value}' ei ole yhdistysrekisterinumero (1–6 numeroa, esim. 123.456)")
    return text


def parse_yes_no(value: object) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{value}' ei ole kyllä/ei-arvo")


def parse_municipality(value: object, lookup: dict[str, str], known_codes: set[str], region_genitive: str = "alueen") -> str | None:
    """'  ESIMERKKILÄ ', 'KU999', '999 Esimerkkilä', 999 -> '999' (names and codes from `lookup`).

    >>> parse_municipality("KU999", {"esimerkkilä": "999"}, {"999"})
    '999'
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    code_match = re.match(r"^(?:KU)?(\d{1,3})\b\s*(.*)$", text, re.IGNORECASE)
    if code_match:
        code = code_match.group(1).zfill(3)
        if code in known_codes:
            return code
        raise ValueError(f"kuntakoodi '{value}' ei ole {region_genitive} kunta")
    code = lookup.get(text.casefold())
    if code is None:
        raise ValueError(f"'{value}' ei ole {region_genitive} kunta")
    return code


def parse_year(value: object) -> int | None:
    number = parse_finnish_number(value)
    if number is None:
        return None
    if not number.is_integer() or not 1900 <= number <= 2100:
        raise ValueError(f"'{value}' ei ole vuosiluku")
    return int(number)


def parse_period(value: object) -> tuple[dt.date, dt.date] | None:
    """Agreement period: '2024–2026', '1.1.2024–31.12.2026' or '2024-2026' -> (start, end)."""
    if is_blank(value):
        return None
    text = " ".join(str(value).split())
    parts = re.split(r"\s*(?:–|—|-(?!\d{2}-)|\bsaakka\b|/)\s*", text, maxsplit=1)
    if len(parts) == 2 and all(re.fullmatch(r"\d{4}", p) for p in parts):
        start, end = dt.date(int(parts[0]), 1, 1), dt.date(int(parts[1]), 12, 31)
    elif len(parts) == 2:
        start, end = parse_finnish_date(parts[0]), parse_finnish_date(parts[1])
    elif re.fullmatch(r"\d{4}", text):
        start, end = dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    else:
        raise ValueError(f"'{value}' ei ole sopimuskausi (esim. 2024–2026 tai 1.1.2024–31.12.2026)")
    if start is None or end is None or end < start:
        raise ValueError(f"'{value}' ei ole sopimuskausi (loppu ennen alkua)")
    return start, end


REGION_WIDE = "region"  # the activity-area value of a grant whose activity covers the whole region
_AREA_SEPARATORS = re.compile(r"\s*(?:[,;/|\n\r]|\s&\s|\sja\s)\s*", re.IGNORECASE)
_GENERIC_REGION_WIDE = ("koko alue", "koko hyvinvointialue", "koko maakunta", "kaikki kunnat", "koko alueella", "koko hyvinvointialueella")


def region_wide_phrases(region_name: str, region_genitive: str = "", region_code: str = "") -> frozenset[str]:
    """The phrases that say an activity covers the whole region, lower-cased: the generic ones
    plus the region's name, 'koko <name>', '<genitive> hyvinvointialue', 'koko <genitive> alue'
    and the region's code.

    >>> sorted(region_wide_phrases("Esimerkki", "Esimerkin", "MK99"))[:3]
    ['esimerkin hyvinvointialue', 'esimerkki', 'kaikki kunnat']
    """
    phrases = set(_GENERIC_REGION_WIDE) | {region_name, f"koko {region_name}"}
    if region_genitive:
        phrases |= {f"{region_genitive} hyvinvointialue", f"koko {region_genitive} alue", f"koko {region_genitive} hyvinvointialue"}
    if region_code:
        phrases.add(region_code)
    return frozenset(" ".join(p.split()).casefold() for p in phrases if p.strip())


def parse_activity_area(
    value: object, lookup: dict[str, str], known_codes: set[str], region_phrases: frozenset[str], region_genitive: str = "alueen"
) -> str | None:
    """Where the activity happens: one or more municipalities (names or codes separated by ',',
    ';', '/', '|', ' & ', ' ja ' or line breaks) -> their codes, sorted and ';'-joined; a list
    that names the whole region (a phrase in `region_phrases`) -> REGION_WIDE; empty -> None.

    >>> parse_activity_area("Esimerkkilä ja 998", {"esimerkkilä": "999"}, {"998", "999"}, frozenset({"koko esimerkki"}))
    '998;999'
    >>> parse_activity_area("Koko  Esimerkki", {}, set(), frozenset({"koko esimerkki"}))
    'region'
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    items = [item for item in _AREA_SEPARATORS.split(str(value).strip()) if not is_blank(item)]
    codes, region_wide = set(), False
    for item in items:
        try:
            codes.add(parse_municipality(item, lookup, known_codes, region_genitive))
        except ValueError:
            if " ".join(item.split()).casefold() not in region_phrases:
                raise ValueError(f"toiminta-alueen '{item}' ei ole {region_genitive} kunta eikä koko aluetta tarkoittava ilmaus") from None
            region_wide = True
    if region_wide:
        return REGION_WIDE
    return ";".join(sorted(codes)) if codes else None
