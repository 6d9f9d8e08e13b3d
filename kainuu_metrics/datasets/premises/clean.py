"""Cleaning the booking exports: one row per booking, its value (the cost stated in the export,
else hours × the price list's hourly rate on the booking date) and council term; rejected rows
with Finnish reasons; usable but suspicious bookings flagged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics import formatting
from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import OUT_OF_SCOPE_ORGANISATION, CleaningResult, set_aside
from kainuu_metrics.datasets.premises.organisations import organisation_keys
from kainuu_metrics.datasets.premises.parsers import format_clock, parse_clock, parse_hours, parse_time_range
from kainuu_metrics.datasets.premises.prices import PriceList
from kainuu_metrics.datasets.readers import RawSheet
from kainuu_metrics.datasets.rows import RowProblem, clean_files, clean_sheet_records, clean_text, flag_lines, parse_value
from kainuu_metrics.datasets.schemas import PREMISES, conform
from kainuu_metrics.datasets.tabular import map_sheet
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.paths import Layout
from kainuu_metrics.settings import ColumnMapping, Domain, normalise_key

DATASET = "premises"
STATED, PRICE_LIST = "ilmoitettu", "hinnasto"  # cost_source values
MAX_HOURS = 24.0

FLAG_REASONS = {
    "flag_invalid_business_id": "Y-tunnus on virheellinen (tarkistenumero)",
    "flag_zero_cost": "ilmoitettu kustannus on 0 €; tarkista, puuttuuko tilan laskennallinen hinta",
    "flag_possible_duplicate": "sama järjestö, tila, päivä ja alkuaika on kirjattu useammin kuin kerran",
}

# Bookings of organisations the cooperation plan does not cover (out_of_scope_organisations in
# config/domain.yaml): set aside from the bookings table, kept here with their value.
OUT_OF_SCOPE = "premises_out_of_scope"
OUT_OF_SCOPE_COLUMNS = {
    "source_file": "str", "sheet": "str", "source_row": "int64",
    "year": "int64", "booking_date": "datetime64[ns]", "organisation": "str",
    "kind": "str",  # the kind in out_of_scope_organisations
    "premises": "str", "hours": "float64",
    "cost_eur": "float64",  # valued as a booking in scope would be
    "reason": "str",
}

_FIXES = {
    "booking_date": "Kirjoita päivämäärä muodossa p.k.vvvv, esim. 15.3.2024.",
    "hours": "Kirjoita kesto tunteina, esim. 2,5.",
    "time_range": "Kirjoita kellonaika muodossa 17.00–19.30.",
    "start_time": "Kirjoita alkuaika muodossa 17.00.",
    "end_time": "Kirjoita loppuaika muodossa 19.30.",
    "stated_cost_eur": "Kirjoita summa pelkkinä numeroina, esim. 62,50, tai jätä solu tyhjäksi, jolloin hinta lasketaan hinnastosta.",
}


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
    record: dict[str, object], domain: Domain, prices: PriceList, labels: dict[str, str]
) -> tuple[dict[str, Any], list[RowProblem]]:
    """Parse one booking. Returns the canonical values and the problems that reject it.

    `labels` maps canonical columns to the headers as written (ColumnMapping.labels, updated
    with the sheet's own headers), for messages."""
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
                f"tilan '{price.name}' hinnastossa ei ole hintaa päivälle {formatting.date(booking_date)}"
                + (f" (ensimmäinen hinta on voimassa {formatting.date(first)} alkaen)" if first else "")
                + f". Lisää hinta tiedostoon {prices.shown_path} tai ilmoita kustannus sarakkeessa '{cost_column}'",
            ))
        elif hours is not None:
            cost, source = hours * rate, PRICE_LIST

    business_id, business_id_valid = parsing.read_business_id(get("business_id"))

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


def clean_premises_sheet_parts(
    sheet: RawSheet, *, source_file: str, sha256: str, domain: Domain, mapping: ColumnMapping, prices: PriceList,
    domain_file: str = "config/domain.yaml",
) -> tuple[CleaningResult, list[dict[str, Any]]]:
    """One sheet of one export -> cleaned bookings, rejected rows with reasons, skipped rows
    (among them the bookings of out-of-scope organisations), and those bookings with their value
    (rows of OUT_OF_SCOPE_COLUMNS). A row that cannot be read is rejected first, whoever booked."""
    mapped = map_sheet(sheet, mapping, source_file)
    _check_duration_columns(mapped.headers, mapping, source_file, sheet)
    labels = {**mapping.labels, **mapped.headers}
    scoped: list[dict[str, Any]] = []

    def clean_record(record: dict[str, Any]) -> tuple[dict[str, Any], list[RowProblem]]:
        values, problems = clean_booking_record(record, domain, prices, labels)
        if not problems and (scope := domain.out_of_scope(values["organisation"])) is not None:
            entry, word = scope
            scoped.append({
                "source_file": source_file, "sheet": sheet.name, "source_row": int(record["source_row"]),
                **{k: values[k] for k in ("year", "booking_date", "organisation", "premises", "hours", "cost_eur")},
                "kind": entry.kind,
                "reason": f"rajattu pois: {entry.label} – yhteistyösuunnitelma ei kata näitä toimijoita (nimessä '{word}'; "
                          f"ks. {domain_file} kohta out_of_scope_organisations)",
            })
        return values, problems

    result = clean_sheet_records(
        mapped,
        clean_record=clean_record,
        labels=labels,
        dataset=DATASET,
        source_file=source_file,
        sheet=sheet,
        sha256=sha256,
    )
    return set_aside(result, [r["source_row"] for r in scoped], OUT_OF_SCOPE_ORGANISATION), scoped


def clean_premises_sheet(
    sheet: RawSheet, *, source_file: str, sha256: str, domain: Domain, mapping: ColumnMapping, prices: PriceList
) -> CleaningResult:
    """One sheet of one export -> cleaned bookings, rejected rows with reasons, skipped rows."""
    return clean_premises_sheet_parts(sheet, source_file=source_file, sha256=sha256, domain=domain, mapping=mapping, prices=prices)[0]


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
        describe=lambda row: f"{row.organisation}, {row.premises}, {formatting.date(row.booking_date)}",
    )


@dataclass
class PremisesCleaning:
    """The bookings table with its set-aside rows, and the bookings of out-of-scope organisations."""

    result: CleaningResult
    out_of_scope: pd.DataFrame  # OUT_OF_SCOPE_COLUMNS


def _out_of_scope_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(OUT_OF_SCOPE_COLUMNS))
    return pd.DataFrame({
        c: (pd.to_datetime(frame[c]) if t.startswith("datetime") else frame[c].astype(object).where(frame[c].notna(), None)).astype(t)
        for c, t in OUT_OF_SCOPE_COLUMNS.items()
    })


def clean_booking_exports(
    paths: list[Path], layout: Layout, *, domain: Domain, prices: PriceList, mapping: ColumnMapping,
    domain_file: str = "config/domain.yaml",
) -> PremisesCleaning:
    """Read and clean every premises-booking export (I/O edge): the bookings table with its
    flags, rejected and skipped rows, the row account of every sheet, and the bookings of
    organisations the cooperation plan does not cover (set aside, with their value)."""
    scoped: list[dict[str, Any]] = []

    def clean_sheet(sheet: RawSheet, source_file: str, sha256: str) -> CleaningResult:
        result, rows = clean_premises_sheet_parts(
            sheet, source_file=source_file, sha256=sha256, domain=domain, mapping=mapping, prices=prices, domain_file=domain_file,
        )
        scoped.extend(rows)
        return result

    combined = clean_files(paths, layout, clean_sheet, dataset=DATASET)
    premises = conform(add_flags(conform(combined.cleaned, PREMISES)), PREMISES)
    result = CleaningResult(
        cleaned=premises,
        rejected=combined.rejected,
        skipped=combined.skipped,
        flagged=flagged_rows(premises),
        accounts=combined.accounts,
    )
    return PremisesCleaning(result, _out_of_scope_frame(scoped))


def clean_premises(
    paths: list[Path], layout: Layout, *, domain: Domain, prices: PriceList, mapping: ColumnMapping
) -> CleaningResult:
    """Read and clean every premises-booking export (I/O edge): the bookings table with its
    flags, rejected and skipped rows, and the row account of every sheet."""
    return clean_booking_exports(paths, layout, domain=domain, prices=prices, mapping=mapping).result
