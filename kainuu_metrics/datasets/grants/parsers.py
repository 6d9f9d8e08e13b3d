"""The grant cleaner's value parsers, each result kept per distinct cell value (GrantParsers),
and how to fix each column's value (fixes_for)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kainuu_metrics.datasets import parsing
from kainuu_metrics.datasets.rows import RowProblem, clean_text, has_unprintable, lookup_alias, parse_value
from kainuu_metrics.settings import Domain

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


class GrantParsers:
    """The value parsers of one domain, each result kept per distinct cell value: an export of
    100 000 rows repeats a few thousand spellings, and every parser here is a pure function of
    one cell (str/number/date -> value or a RowProblem), so a value is parsed once."""

    def __init__(self, domain: Domain, domain_file: str = "config/domain.yaml") -> None:
        fixes, hint = fixes_for(domain), domain_file
        codes = set(domain.municipalities)
        phrases = parsing.region_wide_phrases(domain.region_name, domain.region_genitive, domain.region_code)
        self.fixes = fixes

        def value(column: str, parser: Callable[[object], Any]) -> Callable[[object], Any]:
            return lambda v: parse_value(column, parser, v, fixes)

        def alias(column: str, table: dict[str, str], what: str, where: str) -> Callable[[object], Any]:
            return lambda v: lookup_alias(v, table, column, what, f"{hint} kohtaan {where}")

        def reg_no(v: object) -> str | None:
            try:
                return parsing.normalise_association_reg_no(v)
            except ValueError:
                return clean_text(v)

        self.parsers: dict[str, Callable[[object], Any]] = {
            "grant_type": alias("grant_type", domain.grant_types, "avustuslaji", "grant_types"),
            "applied_eur": value("applied_eur", parsing.parse_finnish_number),
            "granted_eur": value("granted_eur", parsing.parse_finnish_number),
            "decision_date": value("decision_date", parsing.parse_finnish_date),
            "year": value("year", parsing.parse_year),
            "decision": alias("decision", domain.decisions, "päätös", "decisions"),
            "municipality": value("municipality", lambda v: parsing.parse_municipality(v, domain.municipality_lookup, codes, domain.region_genitive)),
            "activity_area": value("activity_area", lambda v: parsing.parse_activity_area(
                v, domain.municipality_lookup, codes, phrases, domain.region_genitive)),
            "network": alias("network", domain.networks, "kumppanuusverkosto", "partnership_networks"),
            "lahella_registered": value("lahella_registered", parsing.parse_yes_no),
            "linked_funding": alias("linked_funding", domain.linked_funding, "rahoituslähde", "linked_funding"),
            "agreement_period": value("agreement_period", parsing.parse_period),
            "business_id": parsing.read_business_id,
            "association_reg_no": reg_no,
            "text": clean_text,
            "unprintable": has_unprintable,
        }
        self._memo: dict[str, dict[tuple[type, object], tuple[bool, Any]]] = {name: {} for name in self.parsers}

    def _found(self, name: str, value: object) -> tuple[bool, Any]:
        """(True, result) or (False, (column, reason)) of parsers[name](value), from the memo
        when this value was parsed before."""
        memo = self._memo[name]
        key = (type(value), value)  # 1, 1.0 and True are equal keys otherwise
        try:
            found = memo.get(key)
        except TypeError:  # an unhashable cell: parsed every time
            found, memo = None, None
        if found is None:
            try:
                found = (True, self.parsers[name](value))
            except RowProblem as problem:
                found = (False, (problem.column, problem.reason))
            if memo is not None:
                memo[key] = found
        return found

    def __call__(self, name: str, value: object) -> Any:
        """parsers[name](value), from the memo when this value was parsed before; a RowProblem
        is raised anew each time (same column, same reason)."""
        ok, result = self._found(name, value)
        if ok:
            return result
        raise RowProblem(*result)

    def column(self, name: str, values: list[object]) -> list[tuple[bool, Any]]:
        """_found(name, value) of every value of a column, each distinct value parsed once."""
        try:
            if len(set(map(type, values)) - {str, type(None)}) <= 1:
                # Equal values are then of one type (text equals only text): keyed by the value alone.
                found = {value: self._found(name, value) for value in dict.fromkeys(values)}
                return list(map(found.__getitem__, values))
            memo = self._memo[name]
            keys = list(zip(map(type, values), values))
            for key in [key for key in dict.fromkeys(keys) if key not in memo]:
                self._found(name, key[1])
            return list(map(memo.__getitem__, keys))
        except TypeError:  # an unhashable cell somewhere: one by one
            return [self._found(name, value) for value in values]
