"""County premises lent to associations free of charge (in-kind support, luontoissuoritteinen
tuki): booking exports -> the canonical bookings table (one row per booking), and its indicators.

A booking's value is the cost stated in the export when there is one; otherwise its hours times
the hourly rate of the premises in force on the booking date, from the price list
config/premises_prices.yaml. A booking belongs to the council term in force on its date. An
organisation's partnership network comes from the cleaned grant table (same Y-tunnus, else the
same normalised name); organisations not found there are "ei tiedossa"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import CleaningResult
from kainuu_metrics.settings import ColumnMapping, Domain, load_column_mapping, load_domain, load_yaml, normalise_key
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.indicators.grants import (
    COUNT,
    EUR,
    EUR_PER_INHABITANT,
    MONTHS,
    _rows,
    months_between,
    population_denominators,
    slug,
    term_coverage,
    tidy,
)
from kainuu_metrics.paths import CONFIG_DIR, PROJECT_ROOT, Layout
from kainuu_metrics.datasets.readers import RawSheet, list_raw_files
from kainuu_metrics.datasets.rows import RowProblem, clean_files, clean_sheet_records, clean_text, flag_lines, parse_value
from kainuu_metrics.datasets.schemas import PREMISES, conform
from kainuu_metrics.datasets.tabular import map_sheet
from kainuu_metrics.report.views import indicator_value

DATASET = "premises"
PRICES_FILE = "premises_prices.yaml"
UNKNOWN_NETWORK = "ei tiedossa"
HOURS = "hours"
STATED, PRICE_LIST = "ilmoitettu", "hinnasto"  # cost_source values
MAX_HOURS = 24.0

FLAG_REASONS = {
    "flag_invalid_business_id": "Y-tunnus on virheellinen (tarkistenumero)",
    "flag_zero_cost": "ilmoitettu kustannus on 0 €; tarkista, puuttuuko tilan laskennallinen hinta",
    "flag_possible_duplicate": "sama järjestö, tila, päivä ja alkuaika on kirjattu useammin kuin kerran",
}


# --- price list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    valid_from: dt.date | None  # None: from the beginning
    eur_per_hour: float


@dataclass(frozen=True)
class PremisesPrice:
    name: str
    rates: tuple[Rate, ...]  # ordered by valid_from, the open-start rate first

    def rate_on(self, day: dt.date) -> float | None:
        """The hourly rate in force on `day` (the latest rate that started on or before it)."""
        found = None
        for rate in self.rates:
            if rate.valid_from is None or rate.valid_from <= day:
                found = rate.eur_per_hour
        return found

    @property
    def first_day(self) -> dt.date | None:
        return self.rates[0].valid_from if self.rates else None


@dataclass(frozen=True)
class PriceList:
    premises: dict[str, PremisesPrice]  # canonical name -> prices
    lookup: dict[str, str]  # normalised name or alias -> canonical name
    config_file: Path

    def find(self, name: str) -> PremisesPrice | None:
        canonical = self.lookup.get(normalise_key(name))
        return None if canonical is None else self.premises[canonical]

    @property
    def shown_path(self) -> str:
        """The file as users see it in messages (relative to the project when inside it)."""
        try:
            return self.config_file.resolve().relative_to(PROJECT_ROOT).as_posix()
        except ValueError:
            return self.config_file.as_posix()


def parse_price_list(raw: dict[str, Any], config_file: Path) -> PriceList:
    """The price list from its YAML content (raises ConfigError with a Finnish message)."""

    def fail(problem: str) -> ConfigError:
        return ConfigError(f"Hinnasto {config_file}: {problem}")

    entries = raw.get("premises")
    if not isinstance(entries, list):
        raise fail("tiedostosta puuttuu luettelo 'premises'")
    premises: dict[str, PremisesPrice] = {}
    lookup: dict[str, str] = {}
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise fail(f"tila nro {number}: nimi ('name') puuttuu")
        name = " ".join(entry["name"].split())
        rates = []
        for rate in entry.get("rates") or []:
            value = rate.get("eur_per_hour") if isinstance(rate, dict) else None
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise fail(f"tilan '{name}' tuntihinta ('eur_per_hour') puuttuu tai ei ole ei-negatiivinen luku")
            try:
                valid_from = parsing.parse_finnish_date(rate.get("from"))
            except ValueError as exc:
                raise fail(f"tilan '{name}' hinnan alkupäivä ('from'): {exc}") from None
            rates.append(Rate(valid_from, float(value)))
        if not rates:
            raise fail(f"tilalle '{name}' ei ole annettu yhtään hintaa ('rates')")
        starts = [r.valid_from for r in rates]
        if len(set(starts)) != len(starts):
            raise fail(f"tilalla '{name}' on kaksi hintaa samalla alkupäivällä")
        rates.sort(key=lambda r: (r.valid_from is not None, r.valid_from or dt.date.min))
        if name in premises:
            raise fail(f"tila '{name}' on luettelossa kahdesti")
        premises[name] = PremisesPrice(name, tuple(rates))
        for alias in [name, *(entry.get("aliases") or [])]:
            key = normalise_key(str(alias))
            if lookup.get(key, name) != name:
                raise fail(f"kirjoitusasu '{alias}' viittaa sekä tilaan '{lookup[key]}' että tilaan '{name}'")
            lookup[key] = name
    return PriceList(premises, lookup, config_file)


def load_price_list(config_dir: Path = CONFIG_DIR) -> PriceList:
    return parse_price_list(load_yaml(PRICES_FILE, config_dir), config_dir / PRICES_FILE)


# --- value parsers ------------------------------------------------------------------------------

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


# --- cleaning -----------------------------------------------------------------------------------


_FIXES = {
    "booking_date": "Kirjoita päivämäärä muodossa p.k.vvvv, esim. 15.3.2024.",
    "hours": "Kirjoita kesto tunteina, esim. 2,5.",
    "time_range": "Kirjoita kellonaika muodossa 17.00–19.30.",
    "start_time": "Kirjoita alkuaika muodossa 17.00.",
    "end_time": "Kirjoita loppuaika muodossa 19.30.",
    "stated_cost_eur": "Kirjoita summa pelkkinä numeroina, esim. 62,50, tai jätä solu tyhjäksi, jolloin hinta lasketaan hinnastosta.",
}


def _fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _fi_hours(hours: float) -> str:
    return f"{hours:g}".replace(".", ",")


def _duration(record: dict[str, object], labels: dict[str, str], problems: list[RowProblem]) -> tuple[float | None, int | None, int | None]:
    """Hours, start and end (minutes after midnight) from the hours and time columns."""
    get = record.get
    hours = start = end = None
    ok = True
    try:
        hours = parse_value("hours", parse_hours, get("hours"), _FIXES)
    except RowProblem as problem:
        problems.append(problem)
        ok = False
    try:
        span = parse_value("time_range", parse_time_range, get("time_range"), _FIXES)
        if span is None:
            start = parse_value("start_time", parse_clock, get("start_time"), _FIXES)
            end = parse_value("end_time", parse_clock, get("end_time"), _FIXES)
            if (start is None) != (end is None):
                missing, given = ("end_time", "start_time") if end is None else ("start_time", "end_time")
                raise RowProblem(
                    missing,
                    f"sarakkeessa '{labels[given]}' on kellonaika, mutta sarake '{labels[missing]}' on tyhjä; "
                    f"täydennä {'loppuaika' if missing == 'end_time' else 'alkuaika'} tai kirjoita kesto tunteina",
                )
            if start is not None and end is not None and end <= start:
                raise RowProblem(
                    "end_time",
                    f"loppuaika {format_clock(end)} ei ole alkuajan {format_clock(start)} jälkeen; korjaa kellonajat "
                    "(jos käyttö jatkui yli puolenyön, kirjoita kesto tunteina)",
                )
        else:
            start, end = span
    except RowProblem as problem:
        problems.append(problem)
        ok = False
        start = end = None
    if not ok:
        return None, None, None
    from_clock = (end - start) / 60 if start is not None and end is not None else None
    if hours is None and from_clock is None:
        problems.append(RowProblem("hours", "käytön kesto puuttuu: täydennä tunnit tai kellonaika (esim. 17.00–19.30)"))
        return None, None, None
    if hours is not None and from_clock is not None and abs(hours - from_clock) > 1 / 60:
        problems.append(RowProblem(
            "hours",
            f"kesto {_fi_hours(hours)} h ei vastaa kellonaikaa {format_clock(start)}–{format_clock(end)} "
            f"({_fi_hours(round(from_clock, 2))} h); korjaa jompikumpi",
        ))
        return None, None, None
    hours = hours if hours is not None else from_clock
    if not 0 < hours <= MAX_HOURS:
        problems.append(RowProblem(
            "hours",
            f"kesto {_fi_hours(hours)} h ei ole välillä 0–24 h; kirjaa monipäiväinen käyttö päivä kerrallaan omille riveilleen"
            if hours > 0 else f"kesto {_fi_hours(hours)} h ei ole positiivinen; korjaa kesto",
        ))
        return None, None, None
    return hours, start, end


def clean_booking_record(
    record: dict[str, object], domain: Domain, prices: PriceList, labels: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[RowProblem]]:
    """Parse one booking. Returns the canonical values and the problems that reject it.

    `labels` maps canonical columns to the headers as written, for messages."""
    labels = {**load_column_mapping(DATASET).labels, **(labels or {})}
    problems: list[RowProblem] = []
    get = record.get

    organisation = clean_text(get("organisation"))
    if organisation is None:
        problems.append(RowProblem("organisation", "järjestön nimi puuttuu; täydennä tilaa käyttäneen järjestön nimi"))
    premises_text = clean_text(get("premises"))
    if premises_text is None:
        problems.append(RowProblem("premises", "tilan nimi puuttuu; täydennä käytetty tila"))

    booking_date = None
    try:
        booking_date = parse_value("booking_date", parsing.parse_finnish_date, get("booking_date"), _FIXES)
        if booking_date is None:
            problems.append(RowProblem("booking_date", "päivämäärä puuttuu; täydennä käyttöpäivä (esim. 15.3.2024)"))
    except RowProblem as problem:
        problems.append(problem)

    hours, start, end = _duration(record, labels, problems)

    stated = None
    try:
        stated = parse_value("stated_cost_eur", parsing.parse_finnish_number, get("stated_cost_eur"), _FIXES)
        if stated is not None and stated < 0:
            problems.append(RowProblem("stated_cost_eur", f"kustannus {stated:g} € on negatiivinen; korjaa summa"))
            stated = None
    except RowProblem as problem:
        problems.append(problem)
    cost_failed = any(p.column == "stated_cost_eur" for p in problems)

    price = prices.find(premises_text) if premises_text else None
    premises = price.name if price else premises_text
    rate = price.rate_on(booking_date) if price and booking_date else None
    cost, source = None, None
    if stated is not None:
        cost, source = stated, STATED
    elif not cost_failed and premises_text is not None and booking_date is not None:
        cost_column = labels["stated_cost_eur"]
        if price is None:
            problems.append(RowProblem(
                "premises",
                f"tilaa '{premises_text}' ei ole hinnastossa eikä kustannusta ole ilmoitettu. Lisää tila ja sen "
                f"tuntihinta tiedostoon {prices.shown_path} (tai kirjoitusasu olemassa olevan tilan aliases-"
                f"luetteloon) tai ilmoita kustannus sarakkeessa '{cost_column}'",
            ))
        elif rate is None:
            first = price.first_day
            problems.append(RowProblem(
                "booking_date",
                f"tilan '{price.name}' hinnastossa ei ole hintaa päivälle {_fi_date(booking_date)}"
                + (f" (ensimmäinen hinta on voimassa {_fi_date(first)} alkaen)" if first else "")
                + f". Lisää hinta tiedostoon {prices.shown_path} tai ilmoita kustannus sarakkeessa '{cost_column}'",
            ))
        elif hours is not None:
            cost, source = hours * rate, PRICE_LIST

    business_id, business_id_valid = None, None
    if not parsing.is_blank(get("business_id")):
        try:
            business_id = parsing.normalise_business_id(get("business_id"))
            business_id_valid = parsing.is_valid_business_id(business_id)
        except ValueError:
            business_id_valid = False  # kept and flagged: a wrong identifier does not void a booking

    term = None
    if booking_date is not None:
        term = next((t.id for t in domain.council_terms if t.contains(booking_date)), None)

    values = {
        "year": booking_date.year if booking_date else None,
        "booking_date": booking_date,
        "council_term": term,
        "organisation": organisation,
        "business_id": business_id,
        "business_id_valid": business_id_valid,
        "premises": premises,
        "premises_listed": price is not None,
        "start_time": format_clock(start),
        "end_time": format_clock(end),
        "hours": hours,
        "stated_cost_eur": stated,
        "hourly_rate_eur": rate,
        "cost_eur": cost,
        "cost_source": source,
        "purpose": clean_text(get("purpose")),
    }
    return values, problems


def _check_duration_columns(headers: dict[str, str], mapping: ColumnMapping, file_label: str, sheet: RawSheet) -> None:
    if "hours" in headers or "time_range" in headers or {"start_time", "end_time"} <= set(headers):
        return
    labels = mapping.labels
    raise InputFileError(
        file_label,
        "käytön kestoa ei löydy" + (f" välilehdeltä '{sheet.name}'" if sheet.name else "")
        + f": tarvitaan sarake '{labels['hours']}', '{labels['time_range']}' tai sarakkeet "
        f"'{labels['start_time']}' ja '{labels['end_time']}'",
        f"Lisää kesto tiedostoon tai, jos sarake on nimetty toisin, lisää sen otsikko tiedostoon "
        f"{mapping.config_file} kohtaan columns.",
    )


def clean_premises_sheet(
    sheet: RawSheet, *, source_file: str, sha256: str, domain: Domain, mapping: ColumnMapping, prices: PriceList
) -> CleaningResult:
    """One sheet of one export -> cleaned bookings, rejected rows with reasons, skipped rows."""
    mapped = map_sheet(sheet, mapping, source_file)
    _check_duration_columns(mapped.headers, mapping, source_file, sheet)
    labels = {**mapping.labels, **mapped.headers}
    return clean_sheet_records(
        mapped,
        clean_record=lambda record: clean_booking_record(record, domain, prices, labels),
        labels=labels,
        dataset=DATASET,
        source_file=source_file,
        sheet=sheet,
        sha256=sha256,
    )


# --- organisations ------------------------------------------------------------------------------

_LEGAL_SUFFIX = re.compile(r"\s+(ry|r\s*y|rf|r\s*f)$")


def organisation_name_key(name: str) -> str:
    """How organisation names are compared: case, spacing, punctuation and a trailing 'ry' ignored.

    >>> organisation_name_key("  Kainuun  Muistiyhdistys r.y.")
    'kainuun muistiyhdistys'
    """
    text = re.sub(r"[.,;:\"'()]", " ", normalise_key(name))
    text = " ".join(text.split())
    return _LEGAL_SUFFIX.sub("", text)


def organisation_keys(premises: pd.DataFrame) -> pd.Series:
    """One key per organisation: its valid Y-tunnus; a row without one (or with an invalid one)
    borrows the Y-tunnus that the same name has elsewhere in the table (when exactly one), else
    the normalised name."""
    names = premises["organisation"].map(organisation_name_key)
    valid = premises["business_id"].notna() & (premises["business_id_valid"] == True).fillna(False)  # noqa: E712
    ids = premises["business_id"].astype(object).where(valid, None)
    known = pd.DataFrame({"name": names, "id": ids}).dropna().drop_duplicates()
    unique_ids = known.groupby("name")["id"].agg(lambda s: s.iloc[0] if len(s) == 1 else None)
    return pd.Series(
        [i if i is not None else (unique_ids.get(n) or n) for n, i in zip(names, ids)],
        index=premises.index, dtype=object,
    )


def organisation_table(premises: pd.DataFrame) -> pd.DataFrame:
    """Per organisation key: the name shown (its most frequent spelling) and its slug."""
    if premises.empty:
        return pd.DataFrame(columns=["org_key", "organisation", "org_slug"])
    frame = pd.DataFrame({"org_key": organisation_keys(premises), "organisation": premises["organisation"].astype(object)})
    counts = frame.groupby(["org_key", "organisation"]).size().reset_index(name="n")
    counts = counts.sort_values(["org_key", "n", "organisation"], ascending=[True, False, True])
    table = counts.drop_duplicates("org_key")[["org_key", "organisation"]].reset_index(drop=True)
    table["org_slug"] = table["organisation"].map(slug)
    clash = table["org_slug"].duplicated(keep=False)
    # Two organisations with the same name: tell them apart by their key.
    table.loc[clash, "org_slug"] = table.loc[clash, "org_slug"] + "_" + table.loc[clash, "org_key"].map(slug)
    return table


def _network_lookups(grants: pd.DataFrame) -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """Y-tunnus -> network, name key -> network (the latest grant with a network wins) and the
    Y-tunnukset seen with each name."""
    needed = {"organisation", "business_id", "network", "year"}
    if grants.empty or not needed <= set(grants.columns):
        return {}, {}, {}
    g = grants.loc[grants["network"].notna()].copy()
    g["_date"] = g["decision_date"] if "decision_date" in g else pd.NaT
    g = g.sort_values(["year", "_date", "network"], na_position="first", kind="stable")
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    ids_by_name: dict[str, set[str]] = {}
    for row in g.itertuples():
        name = organisation_name_key(str(row.organisation))
        business_id = None if pd.isna(row.business_id) else str(row.business_id)
        if business_id:
            by_id[business_id] = row.network
        by_name[name] = row.network
    for row in grants.itertuples():
        if not pd.isna(row.business_id):
            ids_by_name.setdefault(organisation_name_key(str(row.organisation)), set()).add(str(row.business_id))
    return by_id, by_name, ids_by_name


def organisation_networks(premises: pd.DataFrame, grants: pd.DataFrame) -> pd.Series:
    """The partnership network of each booking's organisation, from the grant table: matched by
    Y-tunnus, else by normalised name (unless the grants give that name another Y-tunnus);
    UNKNOWN_NETWORK when not found."""
    by_id, by_name, ids_by_name = _network_lookups(grants)
    keys = organisation_keys(premises)
    names = premises["organisation"].map(organisation_name_key)
    networks = []
    for key, name in zip(keys, names):
        business_id = key if re.fullmatch(r"\d{7}-\d", str(key)) else None
        if business_id and business_id in by_id:
            networks.append(by_id[business_id])
        elif name in by_name and (business_id is None or not ids_by_name.get(name)):
            networks.append(by_name[name])
        else:
            networks.append(UNKNOWN_NETWORK)
    return pd.Series(networks, index=premises.index, dtype=object)


# --- flags and the whole cleaning step ----------------------------------------------------------


def add_flags(premises: pd.DataFrame) -> pd.DataFrame:
    """Flag usable but suspicious bookings (kept in the table, listed on the quality page)."""
    out = premises.copy()
    out["flag_invalid_business_id"] = (out["business_id_valid"] == False).fillna(False).astype(bool)  # noqa: E712
    out["flag_zero_cost"] = (out["cost_eur"] == 0).fillna(False).astype(bool)
    if out.empty:
        out["flag_possible_duplicate"] = pd.Series(dtype=bool)
        return out
    key = pd.DataFrame({
        "org": organisation_keys(out),
        "premises": out["premises"].map(normalise_key),
        "date": out["booking_date"].astype(str),
        "start": out["start_time"].astype(object).fillna(""),
    })
    out["flag_possible_duplicate"] = key.duplicated(keep=False).to_numpy()
    return out


def flagged_rows(premises: pd.DataFrame) -> pd.DataFrame:
    """One line per flag raised, for the quality page."""
    return flag_lines(
        premises, FLAG_REASONS, dataset=DATASET,
        describe=lambda row: f"{row.organisation}, {row.premises}, {_fi_date(row.booking_date.date())}",
    )


def clean_premises(
    paths: list[Path], layout: Layout, domain: Domain | None = None, prices: PriceList | None = None
) -> CleaningResult:
    """Read and clean every premises-booking export (I/O edge)."""
    domain = domain or load_domain()
    prices = prices or load_price_list()
    mapping = load_column_mapping(DATASET)
    combined = clean_files(
        paths, layout,
        lambda sheet, source_file, sha256: clean_premises_sheet(
            sheet, source_file=source_file, sha256=sha256, domain=domain, mapping=mapping, prices=prices,
        ),
    )
    premises = conform(add_flags(conform(combined.cleaned, PREMISES)), PREMISES)
    return CleaningResult(
        cleaned=premises,
        rejected=combined.rejected,
        skipped=combined.skipped,
        flagged=flagged_rows(premises),
        accounts=combined.accounts,
    )


def premises_files(layout: Layout) -> list[Path]:
    return list_raw_files(layout.raw_dir(DATASET))


# --- indicators ---------------------------------------------------------------------------------


def with_organisations(premises: pd.DataFrame, grants: pd.DataFrame) -> pd.DataFrame:
    """The bookings with org_key, org_slug and network added (a new frame)."""
    out = premises.copy()
    out["org_key"] = organisation_keys(premises)
    slugs = organisation_table(premises).set_index("org_key")["org_slug"]
    out["org_slug"] = out["org_key"].map(slugs)
    out["network"] = organisation_networks(premises, grants)
    return out


def _yearly_rows(bookings: pd.DataFrame, grant_indicators: pd.DataFrame, population: pd.DataFrame, domain: Domain) -> list[dict]:
    region = domain.region_code
    years = sorted(int(y) for y in bookings["year"].unique())
    denominators = population_denominators(population, years, [region]).set_index("year")
    rows: list[dict] = []
    for year in years:
        b = bookings.loc[bookings["year"] == year]
        inkind = float(b["cost_eur"].sum())
        rows += _rows("premises_inkind_eur", year, {region: inkind}, EUR)
        for network, amount in b.groupby("network")["cost_eur"].sum().sort_index().items():
            rows += _rows(f"premises_inkind_eur:network_{slug(str(network))}", year, {region: float(amount)}, EUR)
        for org_slug, amount in b.groupby("org_slug")["cost_eur"].sum().sort_index().items():
            rows += _rows(f"premises_inkind_eur:org_{org_slug}", year, {region: float(amount)}, EUR)
        rows += _rows("premises_hours", year, {region: float(b["hours"].sum())}, HOURS)
        rows += _rows("premises_organisations", year, {region: float(b["org_key"].nunique())}, COUNT)
        rows += _rows("premises_bookings", year, {region: float(len(b))}, COUNT)
        grants_total = indicator_value(grant_indicators, "grants_total_eur", year, region)[0]
        if grants_total is None:
            continue  # no grant data for the year: the total support is not known
        total = grants_total + inkind
        rows += _rows("support_total_eur", year, {region: total}, EUR)
        used = denominators.loc[year]
        if not pd.isna(used["population"]):
            rows += _rows(
                "support_total_per_capita_eur", year, {region: total / float(used["population"])},
                EUR_PER_INHABITANT, bool(used["provisional"]),
            )
    return rows


def _term_rows(bookings: pd.DataFrame, grants: pd.DataFrame, population: pd.DataFrame, domain: Domain) -> list[dict]:
    region = domain.region_code
    booking_years = {int(y) for y in bookings["year"].unique()}
    has_grants = not grants.empty and {"year", "council_term", "granted_eur"} <= set(grants.columns)
    grant_years = {int(y) for y in grants["year"].unique()} if has_grants else set()
    common = sorted(booking_years & grant_years)
    rows: list[dict] = []
    for term in domain.council_terms:
        if term_coverage(term, min(booking_years), max(booking_years)) is None:
            continue
        in_term = bookings.loc[bookings["council_term"] == term.id]
        rows += _rows("premises_inkind_eur", term.id, {region: float(in_term["cost_eur"].sum())}, EUR)
        coverage = term_coverage(term, common[0], common[-1]) if common else None
        if coverage is None:
            continue
        start, end = coverage
        years = list(range(start.year, end.year + 1))
        months = months_between(start, end)
        inkind = float(in_term.loc[in_term["year"].isin(years), "cost_eur"].sum())
        granted = grants.loc[(grants["council_term"] == term.id) & grants["year"].isin(years), "granted_eur"]
        total = float(granted.sum()) + inkind
        rows += _rows("support_total_eur", term.id, {region: total}, EUR)
        rows += _rows("support_term_months_covered", term.id, {region: float(months)}, MONTHS)
        used = population_denominators(population, years, [region])
        if used["population"].isna().any():
            continue
        per_capita = total / float(used["population"].astype(float).mean())
        provisional = bool(used["provisional"].any())
        rows += _rows("support_total_per_capita_eur", term.id, {region: per_capita}, EUR_PER_INHABITANT, provisional)
        rows += _rows(
            "support_total_per_capita_annualised_eur", term.id, {region: per_capita * 12 / months},
            EUR_PER_INHABITANT, provisional,
        )
    return rows


def premises_indicators(
    premises: pd.DataFrame, grants: pd.DataFrame, grant_indicators: pd.DataFrame, population: pd.DataFrame, domain: Domain
) -> pd.DataFrame:
    """Yearly and per-council-term in-kind support and total support (grants + in-kind), for
    the region (area MK18); tidy indicator rows.

    Yearly: premises_inkind_eur (total, `:network_<slug>`, `:org_<slug>`), premises_hours,
    premises_organisations, premises_bookings, and, for years that also have grants_total_eur
    in `grant_indicators`, support_total_eur and support_total_per_capita_eur (year-end
    population, latest earlier year as a provisional fallback).
    Per term: premises_inkind_eur, and over the term's years that have both grant and booking
    data support_total_eur, support_total_per_capita_eur (divided by the mean year-end
    population of those years), support_total_per_capita_annualised_eur and
    support_term_months_covered."""
    if premises.empty:
        return tidy([])
    if not {"year", "area_code", "population"} <= set(population.columns):
        population = pd.DataFrame(
            {"year": pd.Series(dtype="int64"), "area_code": pd.Series(dtype=object), "population": pd.Series(dtype="int64")}
        )
    bookings = with_organisations(premises, grants)
    return tidy(_yearly_rows(bookings, grant_indicators, population, domain) + _term_rows(bookings, grants, population, domain))


# --- report tables for notebooks/premises.ipynb (Finnish labels) --------------------------------

METHOD_NOTE = (
    "Tilojen käytön arvo (luontoissuoritteinen tuki) on tilavarauksen viennissä ilmoitettu "
    "kustannus tai, jos sitä ei ole, käyttötunnit kerrottuna tilan tuntihinnalla käyttöpäivänä "
    "voimassa olleen hinnaston mukaan (config/premises_prices.yaml). Järjestön "
    "kumppanuusverkosto haetaan avustusaineistosta saman Y-tunnuksen tai, jos sitä ei ole, saman "
    "nimen perusteella; muiden järjestöjen verkosto on \"ei tiedossa\". Tuki yhteensä = myönnetyt "
    "avustukset + tilojen käytön arvo. Euroa asukasta kohden -luvussa jakajana on vuoden lopun "
    "väkiluku (ennakollinen, jos se ei vielä ole julkaistu). Varaus kuuluu sille "
    "aluevaltuustokaudelle, jonka aikana tilaa käytettiin; kauden luvut lasketaan niiltä vuosilta, "
    "joilta on sekä avustus- että tilavarausaineistoa, ja jaetaan näiden vuosien keskimääräisellä "
    "väkiluvulla."
)


def network_labels(domain: Domain) -> dict[str, str]:
    """network_<slug> -> the network's name, including "ei tiedossa"."""
    names = sorted(set(domain.networks.values())) + [UNKNOWN_NETWORK]
    return {f"network_{slug(n)}": n for n in names}


def organisation_labels(premises: pd.DataFrame) -> dict[str, str]:
    """org_<slug> -> organisation name."""
    table = organisation_table(premises)
    return {f"org_{s}": n for s, n in zip(table["org_slug"], table["organisation"])}


def has_year(indicators: pd.DataFrame, year: int, region: str) -> bool:
    return indicator_value(indicators, "premises_inkind_eur", year, region)[0] is not None


def key_figures(indicators: pd.DataFrame, year: int, region: str) -> pd.DataFrame:
    """The year's headline figures of in-kind and total support as Finnish text."""
    from kainuu_metrics.report.charts import format_eur, format_number, format_percent
    from kainuu_metrics.report.views import PROVISIONAL_MARK

    def cell(indicator: str, fmt: Callable[[float], str]) -> str:
        value, provisional = indicator_value(indicators, indicator, year, region)
        return "–" if value is None else fmt(value) + (f" {PROVISIONAL_MARK}" if provisional else "")

    inkind, _ = indicator_value(indicators, "premises_inkind_eur", year, region)
    total, _ = indicator_value(indicators, "support_total_eur", year, region)
    share = "–" if not total or inkind is None else format_percent(inkind / total)
    rows = [
        ("Tilojen käytön arvo (luontoissuoritteinen tuki)", cell("premises_inkind_eur", format_eur)),
        ("Käyttötunnit", cell("premises_hours", lambda v: format_number(v, 1 if not float(v).is_integer() else 0))),
        ("Varauksia", cell("premises_bookings", format_number)),
        ("Tiloja käyttäneitä järjestöjä", cell("premises_organisations", format_number)),
        ("Myönnetyt avustukset", cell("grants_total_eur", format_eur)),
        ("Tuki yhteensä (avustukset + tilat)", cell("support_total_eur", format_eur)),
        ("Tilojen osuus tuesta", share),
        ("Tuki yhteensä euroa asukasta kohden", cell("support_total_per_capita_eur", lambda v: format_eur(v, 2))),
    ]
    return pd.DataFrame(rows, columns=["Tunnusluku", "Arvo"])


def breakdown_table(indicators: pd.DataFrame, prefix: str, year: int, region: str, labels: dict[str, str], label: str) -> pd.DataFrame:
    """`premises_inkind_eur:<prefix>_*` of a year with Finnish names, largest first."""
    rows = indicators.loc[
        indicators["indicator"].str.startswith(f"premises_inkind_eur:{prefix}_")
        & (indicators["period"] == str(year))
        & (indicators["area"] == region)
    ]
    keys = rows["indicator"].str.split(":", n=1).str[1]
    table = pd.DataFrame({
        label: keys.map(lambda k: labels.get(k, k)).to_numpy(),
        "Tilojen käytön arvo (€)": rows["value"].astype(float).to_numpy(),
    })
    return table.sort_values(["Tilojen käytön arvo (€)", label], ascending=[False, True], ignore_index=True)


def top_organisations(indicators: pd.DataFrame, premises: pd.DataFrame, year: int, region: str, n: int = 10) -> pd.DataFrame:
    """The n organisations whose use of premises was worth the most in the year."""
    table = breakdown_table(indicators, "org", year, region, organisation_labels(premises), "Järjestö")
    return table.head(n)


def premises_use_table(premises: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per premises in the year: bookings, hours and value, most hours first."""
    b = premises.loc[premises["year"] == year]
    grouped = b.groupby("premises").agg(varauksia=("hours", "size"), tunteja=("hours", "sum"), arvo=("cost_eur", "sum"))
    grouped = grouped.reset_index().sort_values(["tunteja", "premises"], ascending=[False, True], ignore_index=True)
    return grouped.rename(columns={"premises": "Tila", "varauksia": "Varauksia", "tunteja": "Tunteja", "arvo": "Arvo (€)"})


def support_series(indicators: pd.DataFrame, region: str, up_to: int | None = None) -> pd.DataFrame:
    """Per year with booking data: grants, in-kind, total, total per inhabitant and hours
    ("vuosi" as text: a label in charts and tables)."""
    from kainuu_metrics.report.views import yearly_series

    years = yearly_series(indicators, "premises_inkind_eur", region, up_to)["vuosi"].tolist()
    rows = []
    for year in years:
        grants, _ = indicator_value(indicators, "grants_total_eur", year, region)
        inkind, _ = indicator_value(indicators, "premises_inkind_eur", year, region)
        total, _ = indicator_value(indicators, "support_total_eur", year, region)
        per_capita, provisional = indicator_value(indicators, "support_total_per_capita_eur", year, region)
        hours, _ = indicator_value(indicators, "premises_hours", year, region)
        rows.append({
            "vuosi": str(year), "avustukset_eur": grants, "tilojen_arvo_eur": inkind, "tuki_yhteensä_eur": total,
            "eur_per_asukas": per_capita, "käyttötunnit": hours, "ennakollinen": provisional,
        })
    return pd.DataFrame(rows, columns=[
        "vuosi", "avustukset_eur", "tilojen_arvo_eur", "tuki_yhteensä_eur", "eur_per_asukas", "käyttötunnit", "ennakollinen",
    ])


TERM_COLUMNS = [
    "Valtuustokausi", "Tilojen käyttö (€)", "Tuki yhteensä (€)", "€ / asukas", "€ / asukas vuodessa",
    "Kuukausia aineistossa", "Ennakollinen",
]


def support_term_table(indicators: pd.DataFrame, domain: Domain) -> pd.DataFrame:
    """Per council term: in-kind, total support, € per inhabitant (and per year), months covered."""

    region = domain.region_code
    rows = []
    for term in domain.council_terms:
        inkind, _ = indicator_value(indicators, "premises_inkind_eur", term.id, region)
        if inkind is None:
            continue
        total, _ = indicator_value(indicators, "support_total_eur", term.id, region)
        per_capita, provisional = indicator_value(indicators, "support_total_per_capita_eur", term.id, region)
        annualised, _ = indicator_value(indicators, "support_total_per_capita_annualised_eur", term.id, region)
        months, _ = indicator_value(indicators, "support_term_months_covered", term.id, region)
        rows.append((term.label, inkind, total, per_capita, annualised, months, provisional))
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def network_trend(indicators: pd.DataFrame, domain: Domain, up_to: int) -> pd.DataFrame:
    """In-kind € per network and year, long format for a stacked bar chart."""
    from kainuu_metrics.report.views import yearly_series

    frames = []
    for key, label in network_labels(domain).items():
        series = yearly_series(indicators, f"premises_inkind_eur:{key}", domain.region_code, up_to)
        if not series.empty:
            frames.append(series.assign(vuosi=series["vuosi"].astype(str), verkosto=label))
    if not frames:
        return pd.DataFrame(columns=["vuosi", "arvo", "ennakollinen", "verkosto"])
    return pd.concat(frames, ignore_index=True)
