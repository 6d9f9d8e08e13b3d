"""What every dataset is: one small interface that the pipeline, pages, quality page, progress
display and kernel warm-up loop over (the registry in `kainuu_metrics.registry` lists them).

A dataset reads the files of its raw folder and cleans them into one or more processed tables,
each with its rejected, skipped and flagged rows and a balanced row account
(`CleaningResult`); it may add further derived tables; and it may contribute indicators, which
are computed after every dataset is cleaned, in the order of `needs`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets.accounting import CleaningResult
from kainuu_metrics.datasets.readers import TABULAR_SUFFIXES, list_raw_files
from kainuu_metrics.paths import Layout
from kainuu_metrics.settings import Settings


@dataclass(frozen=True)
class CleaningContext:
    """What a cleaner may use besides its files: the folders, the configuration, and the
    cleaned output of the datasets it `needs`."""

    layout: Layout
    settings: Settings
    upstream: Mapping[str, DatasetOutput] = field(default_factory=dict)


@dataclass
class DatasetOutput:
    """A dataset's cleaning output: table name -> result, plus derived tables it adds."""

    results: dict[str, CleaningResult]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    years: list[int] | None = None  # years its page exists for, when not its tables' `year`

    def table(self, name: str) -> pd.DataFrame:
        return self.results[name].cleaned if name in self.results else self.tables[name]

    def all_tables(self) -> dict[str, pd.DataFrame]:
        return {**{name: r.cleaned for name, r in self.results.items()}, **self.tables}


@dataclass
class Derived:
    """What an indicator function returns: tidy indicator rows, plus tables it used."""

    indicators: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


Cleaner = Callable[[list[Path], CleaningContext], DatasetOutput]
# tables: every processed table so far, plus "indicators" (the rows computed so far).
IndicatorFunction = Callable[[Mapping[str, pd.DataFrame], Settings], Derived]


@dataclass(frozen=True)
class Dataset:
    """One dataset: a registry line."""

    name: str
    label: str  # Finnish, as pages and the quality page name it
    raw_folder: str  # under data/raw/
    clean: Cleaner
    tables: Mapping[str, str]  # processed table -> Finnish label; each is checked by quality/suites/<table>_cleaned.json
    indicators: IndicatorFunction | None = None
    needs: tuple[str, ...] = ()  # datasets whose processed tables it reads
    required: bool = False  # the run stops when the raw folder holds no file
    missing_fix: str = ""  # Finnish: how to provide the files (shown when required and missing)
    suffixes: frozenset[str] = frozenset(TABULAR_SUFFIXES)
    list_files: Callable[[Path], list[Path]] | None = None  # default: the folder's files with `suffixes`
    warm_up: tuple[str, ...] = ()  # modules a notebook kernel imports before its first page
    value_sets: Callable[[Settings], dict[str, Any]] | None = None  # configured values its suites refer to ({"$config": key})
    # Holds personal data: its cleaner stores every rejected value masked (kainuu_metrics.privacy),
    # so rejected/*.csv and every page show only a value's kind, length and position.
    personal: bool = False

    def files(self, layout: Layout) -> list[Path]:
        folder = layout.raw_dir(self.raw_folder)
        if self.list_files is not None:
            return self.list_files(folder)
        return list_raw_files(folder, self.suffixes)
