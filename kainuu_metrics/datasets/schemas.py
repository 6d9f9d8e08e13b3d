"""Canonical columns of each cleaned table: the contract between cleaning, checks and indicators."""

from __future__ import annotations

import pandas as pd
from pandas.api.types import pandas_dtype

PROVENANCE = ["source_file", "sheet", "source_row"]

GRANTS = {
    "year": "int64",
    "decision_date": "datetime64[ns]",  # missing when the cell was not a date and the year came from the year column
    "invalid_decision_date": "str",  # the decision date as written when it was not a date; missing otherwise
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
    "municipality_code": "str",  # the organisation's HOME municipality, three-digit code, e.g. "999"; missing when the export does not say
    # Where the activity happens (area of activity): the municipalities' codes sorted and ';'-joined
    # ("998;999"), "region" when it covers the whole region, missing when the export does not say.
    "activity_municipalities": "str",
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
    "flag_invalid_decision_date": "bool",
    "flag_unprintable_text": "bool",  # control, escape or zero-width characters were removed from the name or purpose
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

POPULATION = {
    "year": "int64",
    "area_code": "str",  # StatFin area code: "MKnn" for the region, "KUnnn" for a municipality
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
        if column in frame and frame[column].dtype == pandas_dtype(dtype):
            out[column] = frame[column]  # already so (through Python objects and back would give the same, slowly)
            continue
        if column in frame:
            values = frame[column].astype(object)
        else:
            values = pd.Series(False if dtype == "bool" else None, index=frame.index, dtype=object)
        out[column] = pd.to_datetime(values).astype(dtype) if dtype.startswith("datetime") else values.astype(dtype)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


# Bookings of the county's premises by associations (in-kind support), one row per booking.
PREMISES = {
    "year": "int64",  # year of the booking date
    "booking_date": "datetime64[ns]",
    "council_term": "str",  # id of the council term in force on the booking date, or missing
    "organisation": "str",
    "business_id": "str",  # normalised NNNNNNN-C, may be missing
    "business_id_valid": "boolean",
    "premises": "str",  # the price list's name, or as written when the premises is not listed
    "premises_listed": "bool",  # True when the premises is in config/premises_prices.yaml
    "start_time": "str",  # "17:00", missing when only hours were given
    "end_time": "str",
    "hours": "float64",
    "stated_cost_eur": "float64",  # the cost stated in the export, or missing
    "hourly_rate_eur": "float64",  # the price-list rate on the booking date, or missing
    "cost_eur": "float64",  # value of the use: stated cost, else hours × hourly rate
    "cost_source": "str",  # ilmoitettu | hinnasto
    "purpose": "str",
    "flag_invalid_business_id": "bool",
    "flag_zero_cost": "bool",
    "flag_possible_duplicate": "bool",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

# Yhteistyö-Tuokio: one row per form (respondent) and criterion.
TUOKIO_RATINGS = {
    "evaluation_date": "datetime64[ns]",  # from the folder name data/raw/tuokio/<date>/
    "year": "int64",
    "scope": "str",  # hyvinvointialue (the county-wide yearly evaluation) | paikallinen (a local one)
    "evaluation_name": "str",  # a local evaluation's name (its folder's name after the date); missing when county-wide
    "form_id": "str",  # the form's identity written by the template (version 2 on); missing on older forms
    "participant": "str",  # "<source_file>:<sheet>"; no names are asked
    "actor_type": "str",  # hyvinvointialue | järjestö | kunta | muu, or missing
    "role": "str",  # free text, never published
    "criterion": "str",  # criterion id from config/tuokio.yaml
    "rating": "Int64",  # stage number 1..N; missing when not assessed or not answered
    "answer_status": "str",  # arvioitu | ei arvioitu | ei vastausta
    "strengths": "str",
    "challenges": "str",
    "development_needs": "str",
    "template_version": "int64",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

# The meeting's agreed rating and summary text per criterion (summary sheet).
TUOKIO_AGREED = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "scope": "str",
    "evaluation_name": "str",
    "criterion": "str",
    "agreed_rating": "Int64",  # missing when the meeting agreed no rating
    "answer_status": "str",
    "strengths": "str",
    "challenges": "str",
    "development_needs": "str",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

# Development goals agreed in an evaluation (summary sheet).
TUOKIO_GOALS = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "scope": "str",
    "evaluation_name": "str",
    "goal_number": "int64",  # the row number printed on the form (1, 2, ...)
    "goal": "str",
    "action": "str",
    "criterion": "str",  # criterion id, or missing
    "owner": "str",
    "deadline": "str",  # as written; dates as d.m.yyyy
    "deadline_date": "datetime64[ns]",  # when the deadline is a date
    "status": "str",  # one of goal_statuses in config/tuokio.yaml, or missing
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

# The status of the previous evaluation's goals, as reported in this evaluation's summary.
TUOKIO_GOAL_FOLLOWUPS = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "scope": "str",
    "evaluation_name": "str",
    "previous_goal_number": "Int64",
    "goal": "str",
    "status": "str",
    "notes": "str",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

# Experience-expert assignments (kokemustoiminta), one row per assignment. No names and no
# register ids: the person is a keyed pseudonym (kainuu_metrics/datasets/experience/pseudonyms.py).
EXPERIENCE_ASSIGNMENTS = {
    "year": "int64",
    "date": "datetime64[ns]",
    "expert_pseudonym": "str",  # KA- + 12 hex digits
    "identity_basis": "str",  # register_id | name_via_register | name
    "organisation": "str",  # the organisation through which the expert works, may be missing
    "service_area": "str",  # canonical label from config/experience.yaml, may be missing
    "role": "str",  # role id: kokemuskouluttaja | ryhmanohjaaja | tyopari | kehittaja | media | vaikuttamistoiminta
    "hours": "float64",
    "fee_eur": "float64",  # 0 when none was paid or the cell was empty
    "costs_eur": "float64",  # travel and other reimbursed costs
    "fee_waived": "bool",  # the expert waived the fee: volunteer work
    "flag_not_in_register": "bool",
    "flag_ambiguous_name": "bool",
    "flag_fee_waived_with_fee": "bool",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}

# Register of experience experts, one row per person (pseudonymised).
EXPERIENCE_REGISTER = {
    "expert_pseudonym": "str",
    "identity_basis": "str",  # register_id | name_via_register | name
    "training_course": "str",
    "training_year": "Int64",
    "status": "str",  # aktiivinen | tauolla | lopettanut, may be missing
    "joined": "datetime64[ns]",
    "left": "datetime64[ns]",
    "flag_status_conflict": "bool",
    "source_file": "str",
    "sheet": "str",
    "source_row": "int64",
}
