"""Grant-decision exports -> the canonical grant table (one row per application)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.accounting import CleaningResult
from kainuu_metrics.settings import ColumnMapping, Domain, Settings, normalise_key
from kainuu_metrics.paths import Layout
from kainuu_metrics.datasets.readers import RawSheet
from kainuu_metrics.datasets.rows import RowProblem, clean_files, clean_sheet_records, clean_text, flag_lines, lookup_alias, parse_value
from kainuu_metrics.datasets.schemas import GRANTS, conform
from kainuu_metrics.datasets.tabular import map_sheet

DATASET = "grants"

FLAG_REASONS = {
    "flag_granted_exceeds_applied": "myönnetty summa on suurempi kuin haettu",
    "flag_not_in_lahella": "avustuksen saaja ei ole rekisteröitynyt Lähellä.fi-palveluun",
    "flag_invalid_business_id": "Y-tunnus on virheellinen (tarkistenumero tai muoto)",
    "flag_operating_and_partnership": (
        "sama järjestö sai samana vuonna samaan tarkoitukseen sekä toiminta- että kumppanuusavustuksen"
    ),
}

_FIXES = {
    "applied_eur": "Kirjoita summa pelkkinä numeroina, esim. 1 234,50.",
    "granted_eur": "Kirjoita summa pelkkinä numeroina, esim. 1 234,50.",
    "decision_date": "Kirjoita päivämäärä muodossa p.k.vvvv, esim. 15.3.2023.",
    "year": "Kirjoita vuosi neljällä numerolla, esim. 2024.",
    "lahella_registered": "Kirjoita 'kyllä' tai 'ei'.",
    "agreement_period": "Kirjoita sopimuskausi muodossa 2024–2026 tai 1.1.2024–31.12.2026.",
}


def fixes_for(domain: Domain) -> dict[str, str]:
    """How to fix each column's value, in Finnish (the municipality list comes from the domain)."""
    return {
        **_FIXES,
        "municipality": f"Kirjoita järjestön kotikunnaksi jokin {domain.region_genitive} kunnista ({domain.municipality_names}).",
        "activity_area": (
            f"Kirjoita toiminta-alueeksi ne {domain.region_genitive} kunnat, joissa toimintaa on ({domain.municipality_names}), "
            f"pilkuin erotettuina, tai 'koko {domain.region_name}'."
        ),
    }


def clean_grant_record(record: dict[str, object], domain: Domain, domain_file: str = "config/domain.yaml") -> tuple[dict[str, Any], list[RowProblem]]:
    """Parse one application. Returns the canonical values and the problems that reject it."""
    problems: list[RowProblem] = []
    fixes = fixes_for(domain)

    def attempt(column: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except RowProblem as problem:
            problems.append(problem)
            return None

    get = record.get
    hint = domain_file
    organisation = clean_text(get("organisation"))
    if organisation is None:
        problems.append(RowProblem("organisation", "järjestön nimi puuttuu; täydennä hakijan nimi"))

    grant_type = attempt("grant_type", lambda: lookup_alias(get("grant_type"), domain.grant_types, "grant_type", "avustuslaji", f"{hint} kohtaan grant_types"))
    if grant_type is None and not any(p.column == "grant_type" for p in problems):
        problems.append(RowProblem("grant_type", "avustuslaji puuttuu (toiminta-, kumppanuus- tai kerta-avustus)"))

    applied = attempt("applied_eur", lambda: parse_value("applied_eur", parsing.parse_finnish_number, get("applied_eur"), fixes))
    granted = attempt("granted_eur", lambda: parse_value("granted_eur", parsing.parse_finnish_number, get("granted_eur"), fixes))
    for column, amount in (("applied_eur", applied), ("granted_eur", granted)):
        if amount is not None and amount < 0:
            problems.append(RowProblem(column, f"summa {amount:g} on negatiivinen; korjaa summa"))
    granted_missing = granted is None and not any(p.column == "granted_eur" for p in problems)
    granted = 0.0 if granted_missing else granted

    decision_date = attempt("decision_date", lambda: parse_value("decision_date", parsing.parse_finnish_date, get("decision_date"), fixes))
    year = attempt("year", lambda: parse_value("year", parsing.parse_year, get("year"), fixes))
    if year is None and decision_date is not None:
        year = decision_date.year
    if year is None and not any(p.column in {"year", "decision_date"} for p in problems):
        problems.append(RowProblem("decision_date", "vuosi puuttuu: täydennä päätöspäivä tai vuosi"))

    decision = attempt("decision", lambda: lookup_alias(get("decision"), domain.decisions, "decision", "päätös", f"{hint} kohtaan decisions"))
    if decision is None and granted is not None:
        decision = "myönnetty" if granted > 0 else "hylätty"
    if decision == "hylätty" and granted and granted > 0:
        problems.append(RowProblem("decision", f"päätös on 'hylätty', mutta myönnetty summa on {granted:g} €"))

    municipality = attempt(
        "municipality",
        lambda: parse_value(
            "municipality",
            lambda v: parsing.parse_municipality(v, domain.municipality_lookup, set(domain.municipalities), domain.region_genitive),
            get("municipality"),
            fixes,
        ),
    )
    activity_area = attempt(
        "activity_area",
        lambda: parse_value(
            "activity_area",
            lambda v: parsing.parse_activity_area(
                v, domain.municipality_lookup, set(domain.municipalities),
                parsing.region_wide_phrases(domain.region_name, domain.region_genitive, domain.region_code), domain.region_genitive,
            ),
            get("activity_area"),
            fixes,
        ),
    )
    network = attempt("network", lambda: lookup_alias(get("network"), domain.networks, "network", "kumppanuusverkosto", f"{hint} kohtaan partnership_networks"))
    lahella = attempt("lahella_registered", lambda: parse_value("lahella_registered", parsing.parse_yes_no, get("lahella_registered"), fixes))
    linked = attempt("linked_funding", lambda: lookup_alias(get("linked_funding"), domain.linked_funding, "linked_funding", "rahoituslähde", f"{hint} kohtaan linked_funding"))
    period = attempt("agreement_period", lambda: parse_value("agreement_period", parsing.parse_period, get("agreement_period"), fixes))

    business_id, business_id_valid = None, None
    if not parsing.is_blank(get("business_id")):
        try:
            business_id = parsing.normalise_business_id(get("business_id"))
            business_id_valid = parsing.is_valid_business_id(business_id)
        except ValueError:
            business_id_valid = False  # kept and flagged: a wrong identifier does not void a decision
    try:
        reg_no = parsing.normalise_association_reg_no(get("association_reg_no"))
    except ValueError:
        reg_no = clean_text(get("association_reg_no"))

    term = None
    if decision_date is not None:
        term = next((t.id for t in domain.council_terms if t.contains(decision_date)), None)

    values = {
        "year": year,
        "decision_date": decision_date,
        "council_term": term,
        "organisation": organisation,
        "business_id": business_id,
        "business_id_valid": business_id_valid,
        "association_reg_no": reg_no,
        "grant_type": grant_type,
        "purpose": clean_text(get("purpose")),
        "applied_eur": applied,
        "granted_eur": granted,
        "decision": decision,
        "municipality_code": municipality,
        "activity_municipalities": activity_area,
        "service_area": clean_text(get("service_area")),
        "network": network,
        "lahella_registered": lahella,
        "linked_funding": linked,
        "agreement_start": period[0] if period else None,
        "agreement_end": period[1] if period else None,
    }
    return values, problems


def clean_grant_sheet(sheet: RawSheet, *, source_file: str, sha256: str, domain: Domain, mapping: ColumnMapping, domain_file: str = "config/domain.yaml") -> CleaningResult:
    """One sheet of one export -> cleaned rows, rejected rows with reasons, skipped rows."""
    mapped = map_sheet(sheet, mapping, source_file)
    return clean_sheet_records(
        mapped,
        clean_record=lambda record: clean_grant_record(record, domain, domain_file),
        labels={**mapping.labels, **mapped.headers},
        dataset=DATASET,
        source_file=source_file,
        sheet=sheet,
        sha256=sha256,
    )


def add_flags(grants: pd.DataFrame) -> pd.DataFrame:
    """Flag usable but suspicious rows (kept in the table, listed on the quality page)."""
    out = grants.copy()
    out["flag_granted_exceeds_applied"] = (out["granted_eur"] > out["applied_eur"]).fillna(False).astype(bool)
    out["flag_not_in_lahella"] = ((out["lahella_registered"] == False) & (out["granted_eur"] > 0)).fillna(False).astype(bool)  # noqa: E712
    out["flag_invalid_business_id"] = (out["business_id_valid"] == False).fillna(False).astype(bool)  # noqa: E712
    org_key = out["business_id"].where(out["business_id"].notna(), out["organisation"].map(normalise_key))
    purpose_key = out["purpose"].map(lambda p: normalise_key(p) if isinstance(p, str) else "")
    key = out["year"].astype(str) + "|" + org_key.astype(str) + "|" + purpose_key
    types_per_key = out.groupby(key)["grant_type"].agg(lambda s: set(s))
    both = types_per_key[types_per_key.map(lambda s: {"toiminta", "kumppanuus"} <= s)].index
    out["flag_operating_and_partnership"] = key.isin(both) & out["grant_type"].isin(["toiminta", "kumppanuus"])
    return out


def flagged_rows(grants: pd.DataFrame) -> pd.DataFrame:
    """One line per flag raised, for the quality page."""
    return flag_lines(grants, FLAG_REASONS, dataset=DATASET, describe=lambda row: row.organisation)


def clean_grants(paths: list[Path], layout: Layout, settings: Settings) -> CleaningResult:
    """Read and clean every grant export (I/O edge)."""
    mapping, domain_file = settings.columns(DATASET), settings.shown_path("domain.yaml")
    combined = clean_files(
        paths, layout,
        lambda sheet, source_file, sha256: clean_grant_sheet(
            sheet, source_file=source_file, sha256=sha256, domain=settings.domain, mapping=mapping, domain_file=domain_file
        ),
    )
    grants = add_flags(conform(combined.cleaned, GRANTS))
    return CleaningResult(
        cleaned=grants,
        rejected=combined.rejected,
        skipped=combined.skipped,
        flagged=flagged_rows(grants),
        accounts=combined.accounts,
    )
