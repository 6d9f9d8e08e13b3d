"""The organisations behind the bookings: one key per organisation (its Y-tunnus, else its
normalised name), the name shown for it, and its partnership network from the cleaned grant
table (same Y-tunnus, else the same normalised name); organisations not found there are
UNKNOWN_NETWORK."""

from __future__ import annotations

import functools
import re

import pandas as pd

from kainuu_metrics.indicators.table import slug
from kainuu_metrics.settings import normalise_key

UNKNOWN_NETWORK = "ei tiedossa"
_LEGAL_SUFFIX = re.compile(r"\s+(ry|r\s*y|rf|r\s*f)$")


def organisation_name_key(name: str) -> str:
    """How organisation names are compared: case, spacing, punctuation and a trailing 'ry' ignored.

    >>> organisation_name_key("  Esimerkkilän  Muistiyhdistys r.y.")
    'esimerkkilän muistiyhdistys'
    """
    text = re.sub(r"[.,;:\"'()]", " ", normalise_key(name))
    text = " ".join(text.split())
    return _LEGAL_SUFFIX.sub("", text)


_name_key = functools.lru_cache(maxsize=1 << 16)(organisation_name_key)  # pure str -> str; grant tables repeat names


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


_LOOKUP_COLUMNS = ("organisation", "business_id", "network", "year")


def _network_lookups(grants: pd.DataFrame) -> tuple[dict[str, str], dict[str, str], dict[str, set[str]]]:
    """Y-tunnus -> network, name key -> network (the latest grant with a network wins) and the
    Y-tunnukset seen with each name. A large export repeats its organisations row after row, so
    each distinct (Y-tunnus or name, network) is looked at once, at its latest grant: keeping
    the last of each in grant order keeps the order of the lasts, and the last of those wins."""
    if grants.empty or not set(_LOOKUP_COLUMNS) <= set(grants.columns):
        return {}, {}, {}
    g = grants.loc[grants["network"].notna()].copy()
    g["_date"] = g["decision_date"] if "decision_date" in g else pd.NaT
    g = g.sort_values(["year", "_date", "network"], na_position="first", kind="stable")
    latest_ids = g.loc[g["business_id"].notna(), ["business_id", "network"]].drop_duplicates(keep="last")
    by_id = {str(raw_id): network for raw_id, network in zip(latest_ids["business_id"].tolist(), latest_ids["network"].tolist())
             if str(raw_id)}
    latest_names = g[["organisation", "network"]].drop_duplicates(keep="last")
    by_name = dict(zip(_name_keys(latest_names["organisation"]), latest_names["network"].tolist()))
    ids_by_name: dict[str, set[str]] = {}
    pairs = grants.loc[grants["business_id"].notna(), ["organisation", "business_id"]].drop_duplicates()
    for name, raw_id in zip(_name_keys(pairs["organisation"]), pairs["business_id"].tolist()):
        ids_by_name.setdefault(name, set()).add(str(raw_id))
    return by_id, by_name, ids_by_name


def _name_keys(organisations: pd.Series) -> list[str]:
    """_name_key of each organisation (as text), once per distinct name."""
    names = organisations.tolist()
    keys = {name: _name_key(str(name)) for name in set(names)}
    return [keys[name] for name in names]


def organisation_networks(premises: pd.DataFrame, grants: pd.DataFrame) -> pd.Series:
    """The partnership network of each booking's organisation, from the grants of the booking's
    year and earlier (a year's figures use no later data): matched by Y-tunnus, else by
    normalised name (unless the grants give that name another Y-tunnus); UNKNOWN_NETWORK when
    not found."""
    keys = organisation_keys(premises)
    names = premises["organisation"].map(organisation_name_key)
    networks = pd.Series(UNKNOWN_NETWORK, index=premises.index, dtype=object)
    years = premises["year"] if "year" in premises else pd.Series(0, index=premises.index)
    grants = grants[[c for c in (*_LOOKUP_COLUMNS, "decision_date") if c in grants]]  # not every column, once per year
    for year in years.dropna().unique():
        known = grants.loc[grants["year"] <= year] if "year" in grants else grants
        by_id, by_name, ids_by_name = _network_lookups(known)
        rows = years.index[years == year]
        for index, key, name in zip(rows, keys[rows], names[rows]):
            business_id = key if re.fullmatch(r"\d{7}-\d", str(key)) else None
            if business_id and business_id in by_id:
                networks[index] = by_id[business_id]
            elif name in by_name and (business_id is None or not ids_by_name.get(name)):
                networks[index] = by_name[name]
    return networks


def with_organisations(premises: pd.DataFrame, grants: pd.DataFrame) -> pd.DataFrame:
    """The bookings with org_key, org_slug and network added (a new frame)."""
    out = premises.copy()
    out["org_key"] = organisation_keys(premises)
    slugs = organisation_table(premises).set_index("org_key")["org_slug"]
    out["org_slug"] = out["org_key"].map(slugs)
    out["network"] = organisation_networks(premises, grants)
    return out
