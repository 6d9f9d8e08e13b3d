"""Value sets that the expectation suites take from the configuration: a suite writes
{"$config": "<key>"} where a county's facts (municipality codes, council terms, ...) belong."""

from __future__ import annotations

from typing import Any

from kainuu_metrics.settings import Settings


def config_value_sets(settings: Settings) -> dict[str, Any]:
    domain = settings.domain
    return {
        "municipality_codes": list(domain.municipalities),
        "area_codes": domain.area_codes,
        "grant_types": list(domain.grant_type_labels),
        "decisions": sorted(set(domain.decisions.values())),
        "networks": sorted(set(domain.networks.values())),
        "council_terms": [term.id for term in domain.council_terms],
    }
