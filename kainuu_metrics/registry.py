"""The datasets, in one place. The pipeline, pages, quality page, progress display and kernel
warm-up loop over this list; a new dataset is one line here (see README, "Adding a dataset").

Imports are lazy: asking for the registry imports the datasets' cleaning and indicator
modules, never report code."""

from __future__ import annotations

from functools import cache

from kainuu_metrics.datasets.base import Dataset


def _line(entry: dict, **facts) -> Dataset:
    """A dataset from its package's REGISTRY_ENTRY plus the facts named here."""
    return Dataset(**{**entry, **facts})


@cache
def datasets() -> tuple[Dataset, ...]:
    from kainuu_metrics.datasets import experience, grants, population, premises, tuokio
    from kainuu_metrics.indicators import experience as experience_indicators
    from kainuu_metrics.indicators import grants as grant_indicators
    from kainuu_metrics.indicators import premises as premises_indicators
    from kainuu_metrics.indicators import tuokio as tuokio_indicators

    return (
        _line(population.REGISTRY_ENTRY, clean=population.clean, tables={"population": "Väestö"}),
        _line(grants.REGISTRY_ENTRY, clean=grants.clean, indicators=grant_indicators.indicators, needs=("population",),
              tables={"grants": "Avustukset", "denominators": "Väestöpohjat", "grants_excluded": "Avustusten hylätyt rivit",
                      "grants_out_of_scope": "Avustukset, rajattu pois", "grants_reconciliation": "Avustusten täsmäytys yhteensä-riviin",
                      "term_figures": "Valtuustokausien luvut"}),
        _line(premises.REGISTRY_ENTRY, clean=premises.clean, indicators=premises_indicators.indicators,
              tables={"premises": "Tilojen maksuton käyttö", "premises_out_of_scope": "Tilojen käyttö, rajattu pois"}),
        _line(experience.REGISTRY_ENTRY, clean=experience.clean, indicators=experience_indicators.indicators, value_sets=experience.value_sets,
              tables={"experience_register": "Kokemusasiantuntijarekisteri", "experience_assignments": "Kokemusasiantuntijoiden tehtävät"}),
        _line(tuokio.REGISTRY_ENTRY, clean=tuokio.clean, indicators=tuokio_indicators.indicators, value_sets=tuokio.value_sets,
              tables={"tuokio_ratings": "Yhteistyö-Tuokio-arvioinnit"}),
    )


def by_name(name: str) -> Dataset:
    return next(d for d in datasets() if d.name == name)


def table_labels() -> dict[str, str]:
    """Processed table -> Finnish label, for the quality page."""
    return {table: label for d in datasets() for table, label in d.tables.items()}
