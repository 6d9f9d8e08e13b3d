"""Value sets that the expectation suites take from the configuration: a suite writes
{"$config": "<key>"} where a county's facts (municipality codes, council terms, ...) belong."""

from __future__ import annotations

from typing import Any

from kainuu_metrics.settings import Settings


def config_value_sets(settings: Settings) -> dict[str, Any]:
    """The domain's value sets plus every registered dataset's own."""
    from kainuu_metrics.registry import datasets

    domain = settings.domain
    own = {key: value for d in datasets() if d.value_sets for key, value in d.value_sets(settings).items()}
    return own | {
        "municipality_codes": list(domain.municipalities),
        "area_codes": domain.area_codes,
        "grant_types": list(domain.grant_type_labels),
        "decisions": sorted(set(domain.decisions.values())),
        "networks": sorted(set(domain.networks.values())),
        "council_terms": [term.id for term in domain.council_terms],
    }
