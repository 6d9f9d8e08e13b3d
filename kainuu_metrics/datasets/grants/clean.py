"""Grant-decision exports -> the canonical grant table (one row per application), plus what
accounts for every euro left out of it: the readable amounts of rejected rows
(`grants_excluded`), the rows of organisations the cooperation plan does not cover
(`grants_out_of_scope`), and the reconciliation of each export with its own totals row
(`grants_reconciliation`)."""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kainuu_metrics import formatting
from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import FLAGGED_COLUMNS, OUT_OF_SCOPE_ORGANISATION, CleaningResult, set_aside
from kainuu_metrics.settings import ColumnMapping, Domain, Settings, normalise_key
from kainuu_metrics.paths import Layout
from kainuu_metrics.datasets.readers import RawSheet
from kainuu_metrics.datasets.rows import RowProblem, cell_text, clean_files, clean_sheet_columns, flag_lines, map_distinct
from kainuu_metrics.datasets.schemas import GRANTS, conform
from kainuu_metrics.datasets.tabular import map_sheet
from kainuu_metrics.datasets.grants.parsers import GrantParsers, fixes_for  # noqa: F401  (fixes_for: kept importable from here)
from kainuu_metrics.datasets.grants.duplicates import FLAG_POSSIBLE_TOTALS, FLAG_REASONS_SET_ASIDE, flag_line, set_aside_duplicates

DATASET = "grants"

FLAG_REASONS = {
    "flag_granted_exceeds_applied": "myönnetty summa on suurempi kuin haettu",
    "flag_not_in_lahella": "avustuksen saaja ei ole rekisteröitynyt Lähellä.fi-palveluun",
    "flag_invalid_business_id": "Y-tunnus on virheellinen (tarkistenumero tai muoto)",
    "flag_operating_and_partnership": (
        "sama järjestö sai samana vuonna samaan tarkoitukseen sekä toiminta- että kumppanuusavustuksen"
    ),
    "flag_unprintable_text": "järjestön nimessä tai käyttötarkoituksessa oli ohjausmerkkejä tai näkymättömiä merkkejä; ne poistettiin",
    "flag_invalid_decision_date": (
        "päätöspäivä ei ole kelvollinen päivämäärä; vuosi luettiin avustusvuoden sarakkeesta, joten rivi on "
        "mukana vuoden luvuissa ilman päätöspäivää ja aluevaltuustokautta"
    ),
}

AMOUNT_COLUMNS = ("applied_eur", "granted_eur")  # what a totals row adds up
ID_COLUMNS = ("business_id", "association_reg_no")  # a totals row has none

# The processed tables that account for the euros left out of the grant table.
EXCLUDED, OUT_OF_SCOPE, RECONCILIATION = "grants_excluded", "grants_out_of_scope", "grants_reconciliation"
EXCLUDED_COLUMNS = {
    "source_file": "str", "sheet": "str", "source_row": "int64",
    "year": "Int64",  # the grant-year column, else the decision date's year; missing when neither can be read
    "organisation": "str",
    "granted_eur": "float64",  # the granted amount when it can be read (not negative); missing otherwise
    "reason": "str",  # the rejection reasons, "; "-separated
}
OUT_OF_SCOPE_COLUMNS = {
    "source_file": "str", "sheet": "str", "source_row": "int64", "year": "Int64", "organisation": "str",
    "kind": "str",  # the kind in out_of_scope_organisations (config/domain.yaml)
    "granted_eur": "float64",
    "reason": "str",
}
RECONCILIATION_COLUMNS = {
    "source_file": "str", "sheet": "str",
    "source_row": "int64",  # the totals row
    "reported_eur": "float64",  # the granted amount on the export's totals row
    "cleaned_eur": "float64",  # granted on the rows in the grant table
    "excluded_eur": "float64",  # readable granted amounts of the rejected rows
    "excluded_unreadable_rows": "int64",  # rejected rows whose amount could not be read
    "out_of_scope_eur": "float64",  # granted to organisations the plan does not cover
    "duplicate_eur": "float64",  # granted on rows skipped as probable duplicates (counted once elsewhere)
    "difference_eur": "float64",  # reported - (cleaned + excluded + out of scope), to the cent
    "mismatch_fi": "str",  # Finnish message when the difference is not zero; missing otherwise
}

PLAUSIBLE_YEARS_BEFORE_TERMS = 2  # decisions may precede the first configured council term a little


def plausible_decision_date(day: dt.date, domain: Domain) -> bool:
    """A decision date lies within the configured council terms (from a little before the first).

    >>> from kainuu_metrics.settings import CouncilTerm
    >>> import dataclasses
    >>> terms = (CouncilTerm("a", dt.date(2022, 3, 1), dt.date(2025, 5, 31), "a"),)
    >>> domain = dataclasses.replace(Domain("MK99", "X", {}, {}, terms, {}, {}, {}, {}, {}))
    >>> [plausible_decision_date(d, domain) for d in (dt.date(2023, 3, 15), dt.date(1900, 1, 1), dt.date(2099, 1, 1))]
    [True, False, False]
    """
    first = min(t.start for t in domain.council_terms)
    return dt.date(first.year - PLAUSIBLE_YEARS_BEFORE_TERMS, 1, 1) <= day <= max(t.end for t in domain.council_terms)


PLAUSIBLE_DAYS_AFTER_RUN = 31  # a decision date may be a little ahead (a meeting already scheduled), no more


def implausible_date_reason(day: dt.date, domain: Domain, today: dt.date) -> str | None:
    """Why a decision date cannot be right (outside the council terms, or later than the run's
    date plus PLAUSIBLE_DAYS_AFTER_RUN days), or None."""
    if not plausible_decision_date(day, domain):
        return f"päätöspäivä {cell_text(day)} ei ole uskottava: se on seurannan valtuustokausien ulkopuolella"
    if day > today + dt.timedelta(days=PLAUSIBLE_DAYS_AFTER_RUN):
        return (f"päätöspäivä {cell_text(day)} ei ole uskottava: se on yli {PLAUSIBLE_DAYS_AFTER_RUN} päivää "
                f"ajopäivän {cell_text(today)} jälkeen")
    return None


def clean_grant_columns(columns: dict[str, list[object]], domain: Domain, domain_file: str = "config/domain.yaml", *,
                        today: dt.date | None = None, parsers: GrantParsers | None = None) -> tuple[dict[str, list[Any]], dict[int, list[RowProblem]]]:
    """Parse the applications of a sheet column by column (raw cells under canonical names; a
    missing column is blank). Returns the canonical values of every row and, by position, the
    problems of each row that has any, which reject it (in the order the rules below raise them).
    `today`: the run's date, for the latest plausible decision date; `parsers`: a GrantParsers of
    this domain (each distinct value is parsed once)."""
    parse = parsers or GrantParsers(domain, domain_file)
    n = max(map(len, columns.values()), default=1)
    blank: list[object] = [None] * n
    today = today or dt.date.today()

    def plain(name: str, column: str) -> list[Any]:  # parsers that refuse nothing
        return [result for _, result in parse.column(name, columns.get(column, blank))]

    def parsed(name: str) -> tuple[list[Any], dict[int, tuple[str, str]]]:
        """Results (None where refused) and the refused rows' (column, reason)."""
        found = parse.column(name, columns.get(name, blank))
        return [r if ok else None for ok, r in found], {i: r for i, (ok, r) in enumerate(found) if not ok}

    slots: list[dict[int, tuple[str, str]]] = []  # position -> (column, reason); a row's problems in slot order
    organisation = plain("text", "organisation")
    slots.append({i: ("organisation", "järjestön nimi puuttuu; täydennä hakijan nimi") for i, o in enumerate(organisation) if o is None})

    grant_type, failed = parsed("grant_type")
    slots.append({**failed, **{i: ("grant_type", "avustuslaji puuttuu (toiminta-, kumppanuus- tai kerta-avustus)")
                               for i, g in enumerate(grant_type) if g is None and i not in failed}})

    applied, applied_failed = parsed("applied_eur")
    granted, granted_failed = parsed("granted_eur")
    slots += [applied_failed, granted_failed]
    for column, amounts in (("applied_eur", applied), ("granted_eur", granted)):
        slots.append({i: (column, f"summa {a:g} on negatiivinen; korjaa summa") for i, a in enumerate(amounts) if a is not None and a < 0})
    granted = [0.0 if g is None and i not in granted_failed else g for i, g in enumerate(granted)]  # a blank amount is 0 €

    dates, date_problems = parsed("decision_date")
    implausible = {d: implausible_date_reason(d, domain, today) for d in set(dates) if d is not None}
    date_problems.update({i: ("decision_date", f"{implausible[d]}. {parse.fixes['decision_date']}")
                          for i, d in enumerate(dates) if d is not None and implausible[d] is not None})
    dates = [None if i in date_problems else d for i, d in enumerate(dates)]
    given_years, year_failed = parsed("year")
    # With a grant year the date is not needed for the yearly figures: kept and flagged, else rejected.
    invalid_date: list[str | None] = [None] * n
    for i in date_problems:
        if given_years[i] is not None:
            invalid_date[i] = cell_text(columns.get("decision_date", blank)[i])
    slots.append({i: p for i, p in date_problems.items() if given_years[i] is None})
    slots.append(year_failed)
    year = [y if y is not None else d.year if d is not None else None for y, d in zip(given_years, dates)]
    slots.append({i: ("decision_date", "vuosi puuttuu: täydennä päätöspäivä tai vuosi")
                  for i, y in enumerate(year) if y is None and i not in year_failed and i not in date_problems})

    given_decisions, failed = parsed("decision")
    decision = [d if d is not None or g is None else "myönnetty" if g > 0 else "hylätty" for d, g in zip(given_decisions, granted)]
    slots.append(failed)
    slots.append({i: ("decision", f"päätös on 'hylätty', mutta myönnetty summa on {g:g} €")
                  for i, (d, g) in enumerate(zip(decision, granted)) if d == "hylätty" and g and g > 0})

    later = {}
    for name in ("municipality", "activity_area", "network", "lahella_registered", "linked_funding", "agreement_period"):
        later[name], failed = parsed(name)
        slots.append(failed)

    problems: dict[int, list[RowProblem]] = {}
    for slot in slots:
        for i, (column, reason) in slot.items():
            problems.setdefault(i, []).append(RowProblem(column, reason))

    terms = {d: next((t.id for t in domain.council_terms if t.contains(d)), None) for d in set(dates) if d is not None}
    business = plain("business_id", "business_id")
    period = later["agreement_period"]
    values = {
        "year": year,
        "decision_date": dates,
        "invalid_decision_date": invalid_date,
        "council_term": [None if d is None else terms[d] for d in dates],
        "organisation": organisation,
        "business_id": [b[0] for b in business],
        "business_id_valid": [b[1] for b in business],
        "association_reg_no": plain("association_reg_no", "association_reg_no"),
        "grant_type": grant_type,
        "purpose": plain("text", "purpose"),
        "flag_unprintable_text": [a or b for a, b in zip(plain("unprintable", "organisation"), plain("unprintable", "purpose"))],
        "applied_eur": applied,
        "granted_eur": granted,
        "decision": decision,
        "municipality_code": later["municipality"],
        "activity_municipalities": later["activity_area"],
        "service_area": plain("text", "service_area"),
        "network": later["network"],
        "lahella_registered": later["lahella_registered"],
        "linked_funding": later["linked_funding"],
        "agreement_start": [p[0] if p else None for p in period],
        "agreement_end": [p[1] if p else None for p in period],
    }
    return values, problems


def clean_grant_record(record: dict[str, object], domain: Domain, domain_file: str = "config/domain.yaml",
                       *, today: dt.date | None = None, parsers: GrantParsers | None = None) -> tuple[dict[str, Any], list[RowProblem]]:
    """Parse one application (clean_grant_columns of one row): its canonical values and the
    problems that reject it."""
    values, problems = clean_grant_columns({c: [v] for c, v in record.items()}, domain, domain_file, today=today, parsers=parsers)
    return {c: v[0] for c, v in values.items()}, problems.get(0, [])


@dataclass
class GrantSheet:
    """One sheet cleaned, with what accounts for its euros left out and its reported total."""

    result: CleaningResult
    excluded: list[dict[str, Any]] = field(default_factory=list)  # rows of EXCLUDED_COLUMNS
    out_of_scope: list[dict[str, Any]] = field(default_factory=list)  # rows of OUT_OF_SCOPE_COLUMNS
    reported: dict[str, Any] | None = None  # the last totals row with a readable granted amount
    flagged: list[dict[str, Any]] = field(default_factory=list)  # rows of FLAGGED_COLUMNS raised on this sheet
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # copies set aside: source_row, granted_eur


def readable_amount(values: dict[str, Any], problems: list[RowProblem]) -> float | None:
    """The granted amount of a rejected row, when it could be read and is not negative."""
    amount = values.get("granted_eur")
    if amount is None or any(p.column == "granted_eur" for p in problems) or amount < 0:
        return None
    return float(amount)


def _scope_reason(label: str, word: str, domain_file: str) -> str:
    return (
        f"rajattu pois: {label} – yhteistyösuunnitelma ei kata näitä toimijoita (nimessä '{word}'; "
        f"ks. {domain_file} kohta out_of_scope_organisations)"
    )


def reported_total(mapped_totals: tuple[dict[str, object], ...]) -> dict[str, Any] | None:
    """The granted amount of the last totals row whose amount can be read (None: nothing to
    reconcile with)."""
    found = None
    for record in mapped_totals:
        try:
            amount = parsing.parse_finnish_number(record.get("granted_eur"))
        except ValueError:
            continue
        if amount is not None:
            found = {"source_row": int(record["source_row"]), "reported_eur": amount}
    return found


def clean_grant_sheet_parts(sheet: RawSheet, *, source_file: str, sha256: str, domain: Domain, mapping: ColumnMapping,
                            domain_file: str = "config/domain.yaml") -> GrantSheet:
    """One sheet of one export -> cleaned rows, rejected rows with reasons, skipped rows (the
    rows of out-of-scope organisations among them), the readable euros of the rejected rows and
    the export's own total."""
    mapped = map_sheet(sheet, mapping, source_file, amounts=AMOUNT_COLUMNS, ids=ID_COLUMNS)
    records = mapped.records
    values, problems = clean_grant_columns({c: records[c].tolist() for c in records.columns if c != "source_row"}, domain, domain_file)
    result = clean_sheet_columns(
        mapped,
        values=values,
        problems=problems,
        labels={**mapping.labels, **mapped.headers},
        dataset=DATASET,
        source_file=source_file,
        sheet=sheet,
        sha256=sha256,
    )
    parts = GrantSheet(result)
    rows, years, organisations, granted = records["source_row"].tolist(), values["year"], values["organisation"], values["granted_eur"]

    def base(i: int) -> dict[str, Any]:
        return {"source_file": source_file, "sheet": sheet.name, "source_row": rows[i], "year": years[i], "organisation": organisations[i]}

    # Rejected first: a row that cannot be read is fixed at the source, whoever it is for.
    for i in sorted(problems):
        parts.excluded.append({**base(i), "granted_eur": readable_amount({"granted_eur": granted[i]}, problems[i]),
                               "reason": "; ".join(p.reason for p in problems[i])})
    scopes = {o: domain.out_of_scope(o) for o in set(organisations)}  # once per name
    for i, organisation in enumerate(organisations):
        if (scope := scopes[organisation]) is not None and i not in problems:
            entry, word = scope
            parts.out_of_scope.append({**base(i), "kind": entry.kind, "granted_eur": granted[i],
                                       "reason": _scope_reason(entry.label, word, domain_file)})
    parts.result = set_aside(result, [r["source_row"] for r in parts.out_of_scope], OUT_OF_SCOPE_ORGANISATION)
    scoped = {r["source_row"] for r in parts.out_of_scope}
    position = {row: i for i, row in enumerate(rows)} if mapped.possible_totals else {}
    for i in (position[row] for row in mapped.possible_totals):
        if i not in problems and rows[i] not in scoped:
            parts.flagged.append(flag_line(source_file, sheet.name, rows[i], years[i], FLAG_POSSIBLE_TOTALS,
                                            f"{FLAG_REASONS_SET_ASIDE[FLAG_POSSIBLE_TOTALS]} ({organisations[i]}, {formatting.eur(granted[i], 2)})"))
    if (reported := reported_total(mapped.totals)) is not None:
        parts.reported = {"source_file": source_file, "sheet": sheet.name, **reported}
    return parts


def clean_grant_sheet(sheet: RawSheet, *, source_file: str, sha256: str, domain: Domain, mapping: ColumnMapping, domain_file: str = "config/domain.yaml") -> CleaningResult:
    """One sheet of one export -> cleaned rows, rejected rows with reasons, skipped rows."""
    return clean_grant_sheet_parts(sheet, source_file=source_file, sha256=sha256, domain=domain, mapping=mapping, domain_file=domain_file).result


def add_flags(grants: pd.DataFrame) -> pd.DataFrame:
    """Flag usable but suspicious rows (kept in the table, listed on the quality page)."""
    out = grants.copy()
    out["flag_granted_exceeds_applied"] = (out["granted_eur"] > out["applied_eur"]).fillna(False).astype(bool)
    out["flag_not_in_lahella"] = ((out["lahella_registered"] == False) & (out["granted_eur"] > 0)).fillna(False).astype(bool)  # noqa: E712
    out["flag_invalid_business_id"] = (out["business_id_valid"] == False).fillna(False).astype(bool)  # noqa: E712
    org_key = out["business_id"].where(out["business_id"].notna(), map_distinct(out["organisation"], normalise_key))
    purpose_key = map_distinct(out["purpose"], lambda p: normalise_key(p) if isinstance(p, str) else "")
    key = out["year"].astype(str) + "|" + org_key.astype(str) + "|" + purpose_key
    # A key with both an operating and a partnership grant (vectorised, on the keys' codes: no per-group Python).
    codes = pd.factorize(key)[0]
    operating, partnership = ((out["grant_type"] == kind).to_numpy(dtype=bool) for kind in ("toiminta", "kumppanuus"))
    both = np.isin(codes, codes[operating]) & np.isin(codes, codes[partnership]) & (operating | partnership)
    out["flag_operating_and_partnership"] = pd.Series(both, index=out.index)
    out["flag_invalid_decision_date"] = out["invalid_decision_date"].notna().astype(bool)
    return out


def flagged_rows(grants: pd.DataFrame) -> pd.DataFrame:
    """One line per flag raised, for the quality page (an invalid decision date's line names
    the value as written)."""
    dated = "flag_invalid_decision_date"
    other = {flag: reason for flag, reason in FLAG_REASONS.items() if flag != dated}
    lines = flag_lines(grants, other, dataset=DATASET, describe=lambda row: row.organisation)
    dates = flag_lines(grants, {dated: FLAG_REASONS[dated]}, dataset=DATASET,
                       describe=lambda row: f"{row.organisation}; päätöspäiväksi on kirjoitettu '{row.invalid_decision_date}'")
    return pd.concat([lines, dates], ignore_index=True) if not dates.empty else lines


def _frame(rows: list[dict[str, Any]], schema: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(schema))
    return pd.DataFrame({c: frame[c].astype(object).where(frame[c].notna(), None).astype(t) for c, t in schema.items()})


def _sum(frame: pd.DataFrame, source_file: str, sheet: str) -> float:
    mine = frame.loc[(frame["source_file"] == source_file) & (frame["sheet"] == sheet), "granted_eur"]
    return float(mine.sum())


def reconcile(reported: list[dict[str, Any]], grants: pd.DataFrame, excluded: pd.DataFrame, out_of_scope: pd.DataFrame,
              duplicates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each export with a totals row: its reported granted total against the rows read from it,
    cleaned + rejected (readable amounts) + out of scope. A difference of a cent or more gets a
    Finnish message naming the file and both figures (a blocking check:
    quality/suites/grants_reconciliation_cleaned.json)."""
    rows = []
    for total in reported:
        where = (total["source_file"], total["sheet"])
        cleaned, rejected, scoped = _sum(grants, *where), _sum(excluded, *where), _sum(out_of_scope, *where)
        copies = _sum(duplicates, *where) if duplicates is not None and not duplicates.empty else 0.0
        mine = excluded.loc[(excluded["source_file"] == where[0]) & (excluded["sheet"] == where[1])]
        unreadable = int(mine["granted_eur"].isna().sum())
        accounted = cleaned + rejected + scoped + copies
        difference = round(total["reported_eur"] - accounted, 2)
        message = None
        if abs(difference) >= 0.005:
            place = where[0] + (f", välilehti '{where[1]}'" if where[1] else "")
            eur = lambda v: formatting.eur(v, 2)  # noqa: E731
            message = (
                f"{place}: yhteensä-rivin (rivi {total['source_row']}) myönnetty summa {eur(total['reported_eur'])} ei täsmää "
                f"luettuihin riveihin {eur(accounted)} (hyväksytyt {eur(cleaned)} + hylätyt {eur(rejected)} + rajatut {eur(scoped)}"
                + (f" + kaksoiskappaleet {eur(copies)}" if copies else "") + "); "
                f"erotus {eur(difference)}"
                + (f"; {unreadable} hylätyn rivin summaa ei voitu lukea" if unreadable else "")
            )
        rows.append({**total, "cleaned_eur": cleaned, "excluded_eur": rejected, "excluded_unreadable_rows": unreadable,
                     "out_of_scope_eur": scoped, "duplicate_eur": copies, "difference_eur": difference, "mismatch_fi": message})
    return _frame(rows, RECONCILIATION_COLUMNS)


def _lines(*frames: pd.DataFrame) -> pd.DataFrame:
    """Flag lines of several sources in one table (empty ones left out)."""
    kept = [f for f in frames if not f.empty]
    return pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=FLAGGED_COLUMNS)


@dataclass
class GrantCleaning:
    """The grant table with its set-aside rows, and the tables that account for its euros."""

    result: CleaningResult
    tables: dict[str, pd.DataFrame]


def clean_grant_exports(paths: list[Path], layout: Layout, settings: Settings) -> GrantCleaning:
    """Read and clean every grant export (I/O edge): the grant table, and the tables of the
    euros left out (EXCLUDED, OUT_OF_SCOPE) and of the reconciliation with each export's totals
    row (RECONCILIATION)."""
    mapping, domain_file = settings.columns(DATASET), settings.shown_path("domain.yaml")
    sheets: list[GrantSheet] = []

    seen: dict[tuple[object, ...], tuple[str, str, int]] = {}  # duplicate key -> the first row read with it

    def clean_sheet(sheet: RawSheet, source_file: str, sha256: str) -> CleaningResult:
        parts = clean_grant_sheet_parts(
            sheet, source_file=source_file, sha256=sha256, domain=settings.domain, mapping=mapping, domain_file=domain_file
        )
        sheets.append(parts if mapping.repeats_rows else set_aside_duplicates(parts, seen, mapping.config_file))
        return sheets[-1].result

    combined = clean_files(paths, layout, clean_sheet, dataset=DATASET)
    for s in sheets:  # their rows are in `combined` now: not kept twice
        s.result = CleaningResult(cleaned=s.result.cleaned.iloc[0:0], accounts=s.result.accounts)
    grants = add_flags(conform(combined.cleaned, GRANTS))
    excluded = _frame([row for s in sheets for row in s.excluded], EXCLUDED_COLUMNS)
    out_of_scope = _frame([row for s in sheets for row in s.out_of_scope], OUT_OF_SCOPE_COLUMNS)
    result = CleaningResult(
        cleaned=grants,
        rejected=combined.rejected,
        skipped=combined.skipped,
        flagged=_lines(flagged_rows(grants), pd.DataFrame([line for s in sheets for line in s.flagged], columns=FLAGGED_COLUMNS)),
        accounts=combined.accounts,
    )
    duplicates = pd.DataFrame(
        [{"source_file": s.result.accounts[0].source_file, "sheet": s.result.accounts[0].sheet, **d} for s in sheets for d in s.duplicates],
        columns=["source_file", "sheet", "source_row", "granted_eur"],
    )
    reconciliation = reconcile([s.reported for s in sheets if s.reported], grants, excluded, out_of_scope, duplicates)
    return GrantCleaning(result, {EXCLUDED: excluded, OUT_OF_SCOPE: out_of_scope, RECONCILIATION: reconciliation})


def clean_grants(paths: list[Path], layout: Layout, settings: Settings) -> CleaningResult:
    """Read and clean every grant export (I/O edge): the grant table and its set-aside rows."""
    return clean_grant_exports(paths, layout, settings).result
