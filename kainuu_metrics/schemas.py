"""Canonical columns of each cleaned table: the contract between cleaning, checks and indicators."""

from __future__ import annotations

import pandas as pd

PROVENANCE = ["source_file", "sheet", "source_row"]

GRANTS = {
    "year": "int64",
    "decision_date": "datetime64[ns]",
    "council_term": "str",  # id of the council term in force on the decision date, or missing
    "organisation": "str",
    "business_id": "str",  # normalised NNNNNNN-C, may be missing
    "business_id_valid": "boolean",
    "association_reg_no": "str",
    "grant_type": "str",  # toiminta | kumppanuus | kerta
    "purpose": "str",
    "applied_eur": "float64",
    "granted_eur": "float64",  # 0 when rejected
    "decision": "str",  # myönnetty | hylätty
    "municipality_code": "str",  # "205"; missing when the export does not say
    "service_area": "str",
    "network": "str",  # one of the five partnership networks, or missing
    "lahella_registered": "boolean",
    "linked_funding": "str",  # STEA | ESR | kunta, or missing
    "agreement_start": "datetime64[ns]",
    "agreement_end": "datetime64[ns]",
    "flag_granted_exceeds_applied": "bool",
    "flag_not_in_lahella": "bool",
    "flag_invalid_business_id": "bool",
    "flag_operating_and_partnership": "bool",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

POPULATION = {
    "year": "int64",
    "area_code": "str",  # "MK18" Kainuu, "KU205" Kajaani
    "area_name": "str",
    "population": "int64",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

# For every grant year and area: the year-end population used as the denominator.
DENOMINATORS = {
    "year": "int64",  # the grant year
    "area_code": "str",
    "population": "Int64",  # missing when no population at or before the year exists
    "population_year": "Int64",  # the year whose population was used
    "provisional": "bool",  # True when population_year < year
}


def conform(frame: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """The schema's columns in order with their dtypes; a column the frame lacks becomes empty."""
    out = {}
    for column, dtype in schema.items():
        if column in frame:
            values = frame[column].astype(object)
        else:
            values = pd.Series(False if dtype == "bool" else None, index=frame.index, dtype=object)
        out[column] = pd.to_datetime(values).astype(dtype) if dtype.startswith("datetime") else values.astype(dtype)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)
