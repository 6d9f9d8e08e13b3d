"""Which evaluation a form belongs to: the county-wide yearly evaluation or a local one.

Two sources say it, and they must agree:
- the form itself: the template (version 2 on) writes `scope` ("hyvinvointialue" or
  "paikallinen") and, for a local evaluation, `scope_name` on its hidden meta sheet
  (`kainuu-metrics template tuokio ... --paikallinen NIMI`);
- the folder (the documented convention, the only source for forms of template version 1): a
  folder named by the date alone ("2025-11-12", "12.11.2025") holds the county-wide evaluation;
  a date followed by a space or "_" and a name ("2025-12-03 Pohjoinen alue") holds a local
  evaluation of that name.

The form wins when it says something; a form that contradicts its folder stops the run with a
Finnish message naming the file. A local evaluation is named by its folder (the form's name,
when it has one, must be the same apart from case and spacing).

A table's rows of one evaluation series: `in_series(table)` keeps the county-wide evaluations
(rows whose `scope` is not "paikallinen"), `in_series(table, "Pohjoinen alue")` that local
evaluation's rows.

>>> folder_scope("12.11.2025"), folder_scope("2025-12-03_pohjoinen  alue")
(FolderScope(date=datetime.date(2025, 11, 12), scope='hyvinvointialue', name=None), FolderScope(date=datetime.date(2025, 12, 3), scope='paikallinen', name='pohjoinen alue'))
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from kainuu_metrics.datasets.tuokio.config import TEMPLATE_COMMAND
from kainuu_metrics.datasets.tuokio.values import evaluation_date_from_folder
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.settings import normalise_key

COUNTY_WIDE, LOCAL = "hyvinvointialue", "paikallinen"
SCOPES = (COUNTY_WIDE, LOCAL)
LOCAL_OPTION = "--paikallinen"
_SUFFIX = re.compile(r"^\S+?[ _](.*)$")


@dataclass(frozen=True)
class FolderScope:
    """What an evaluation folder's name says: the date, the scope and a local evaluation's name."""

    date: dt.date
    scope: str
    name: str | None


def _clean_name(text: object) -> str | None:
    """'  pohjoinen_alue ' -> 'pohjoinen alue'; blank -> None."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    name = " ".join(str(text).replace("_", " ").split())
    return name or None


def folder_scope(name: str) -> FolderScope:
    """The folder convention (raises ValueError in Finnish for a name that is not a date)."""
    day = evaluation_date_from_folder(name)
    match = _SUFFIX.match(name.strip())
    local = _clean_name(match.group(1)) if match else None
    return FolderScope(day, LOCAL if local else COUNTY_WIDE, local)


def _folder_fix(day: dt.date) -> str:
    return (
        f"Tallenna koko hyvinvointialueen vuosiarvioinnin lomakkeet kansioon, jonka nimi on pelkkä päivämäärä "
        f"(esim. {day.isoformat()}), ja paikallisen arvioinnin lomakkeet kansioon, jonka nimessä on päivämäärän perässä "
        f"arvioinnin nimi (esim. '{day.isoformat()} Pohjoinen alue')."
    )


def resolve_scope(form_scope: str | None, form_name: str | None, folder: FolderScope, file_label: str) -> tuple[str, str | None]:
    """(scope, local evaluation's name or None) of one form: the form's own field when it has one,
    else the folder convention. Raises InputFileError when the form and its folder disagree."""
    name = _clean_name(form_name)
    if form_scope is None:
        return folder.scope, folder.name
    if form_scope == COUNTY_WIDE and folder.scope == LOCAL:
        raise InputFileError(
            file_label,
            f"lomake on tehty koko hyvinvointialueen vuosiarviointiin, mutta se on paikallisen arvioinnin kansiossa "
            f"(kansion nimessä on päivämäärän perässä '{folder.name}')",
            _folder_fix(folder.date) + " Jos arviointi oli paikallinen, tee lomakkeet komennolla "
            f"'{TEMPLATE_COMMAND} {LOCAL_OPTION} NIMI' ja kopioi vastaukset niihin.",
        )
    if form_scope == LOCAL and folder.scope == COUNTY_WIDE:
        raise InputFileError(
            file_label,
            f"lomake on tehty paikalliseen arviointiin '{name or ''}', mutta se on koko hyvinvointialueen vuosiarvioinnin "
            "kansiossa (kansion nimi on pelkkä päivämäärä)",
            _folder_fix(folder.date),
        )
    if form_scope == LOCAL and name and normalise_key(name) != normalise_key(folder.name or ""):
        raise InputFileError(
            file_label,
            f"lomake on tehty paikalliseen arviointiin '{name}', mutta kansion nimen mukaan arviointi on '{folder.name}'",
            f"Tallenna lomake kansioon '{folder.date.isoformat()} {name}' tai tarkista, kuuluuko lomake tähän arviointiin.",
        )
    return folder.scope, folder.name


def in_series(table: pd.DataFrame, evaluation_name: str | None = None) -> pd.DataFrame:
    """The rows of the county-wide evaluations (evaluation_name None) or of one local evaluation
    series (its name). Rows without a scope (tables made before scopes existed) count as county-wide."""
    if "scope" not in table:
        return table if evaluation_name is None else table.iloc[0:0]
    local = table["scope"].eq(LOCAL).fillna(False).astype(bool)
    if evaluation_name is None:
        return table.loc[~local]
    return table.loc[local & table["evaluation_name"].eq(evaluation_name).fillna(False).astype(bool)]
