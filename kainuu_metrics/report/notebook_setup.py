"""The first code cell of every report notebook: find the project, read the configuration and
the processed data once, and pick the year.

JupyterLab starts its kernels in notebooks/, papermill wherever the run is; relative
parameters (`data_dir = "data"`) are therefore resolved against the project root, not the
working directory. The project root is $KAINUU_METRICS_PROJECT, else the nearest folder at or
above the working directory that holds pyproject.toml and config/.

When something the page needs is missing, the cell stops with one Finnish sentence
(`NotebookStop`): IPython shows only that sentence, papermill reports it as the error."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kainuu_metrics.errors import ConfigError
from kainuu_metrics.settings import Domain, Settings, load_settings
from kainuu_metrics.store import INDICATORS_CSV, Processed, load_processed

PROJECT_ENV_VAR = "KAINUU_METRICS_PROJECT"

# The tables whose `year` column tells for which years a dataset's page exists (as the run does:
# a dataset with several tables has data in a year when any of them has).
DATASET_TABLES = {
    "tuokio": ("tuokio_ratings", "tuokio_agreed", "tuokio_goals"),
    "experience": ("experience_assignments",),
}
# What a page is about, in "Vuodelta 2026 ei ole ..." (default: "aineistoa").
DATASET_WHAT = {
    "grants": "avustusaineistoa",
    "premises": "tilavarausaineistoa",
    "experience": "kokemustoiminnan aineistoa",
    "tuokio": "Yhteistyö-Tuokio-arviointia",
}


class NotebookStop(Exception):
    """A reason to stop a notebook, as one Finnish sentence and no traceback.

    IPython shows a raised exception through `_render_traceback_` when it has one, so the
    reader sees only the sentence; papermill's error message is `str(exc)`, the same sentence."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence

    def __str__(self) -> str:
        return self.sentence

    def _render_traceback_(self) -> list[str]:
        return [self.sentence]


def find_project_root(start: Path | None = None) -> Path | None:
    """$KAINUU_METRICS_PROJECT, else the nearest folder at or above `start` (the working
    directory) with pyproject.toml and config/; None when there is none."""
    given = os.environ.get(PROJECT_ENV_VAR)
    if given:
        return Path(given).expanduser().resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "config").is_dir():
            return folder
    return None


def resolve_path(value: str | Path, root: Path | None) -> Path:
    """An absolute path as it is; a relative one against the project root (else the working
    directory)."""
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    return ((root or Path.cwd()) / path).resolve()


def _shown(path: Path, root: Path | None) -> str:
    """A path as a reader sees it: relative to the project root, never the machine's full path."""
    if root is not None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return path.name


def years_with_data(processed: Processed, dataset: str = "grants") -> list[int]:
    """The years for which `dataset` has rows in the processed tables, oldest first."""
    names = DATASET_TABLES.get(dataset, (dataset,))
    years: set[int] = set()
    for name in names:
        table = processed.tables.get(name, pd.DataFrame())
        if "year" in table and not table.empty:
            years |= {int(y) for y in table["year"].dropna().unique()}
    return sorted(years)


def years_phrase(years: list[int]) -> str:
    """2023, 2024 ja 2025"""
    words = [str(y) for y in years]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " ja " + words[-1]


def missing_year_sentence(year: int, years: list[int], dataset: str = "grants") -> str:
    what = DATASET_WHAT.get(dataset, "aineistoa")
    return f"Vuodelta {year} ei ole {what}; sitä on vuosilta {years_phrase(years)}, joten anna parametriksi jokin niistä (year = {years[-1]})."


@dataclass(frozen=True)
class Report:
    """What a report notebook works with, loaded once."""

    year: int
    years: list[int]  # the years the page's dataset has data for
    settings: Settings
    data: Processed
    data_dir: Path
    config_dir: Path

    @property
    def domain(self) -> Domain:
        return self.settings.domain

    @property
    def region(self) -> str:
        return self.settings.domain.region_code

    @property
    def indicators(self) -> pd.DataFrame:
        return self.data.indicators


_CACHE: dict = {}  # {"key": (folder, file stamps), "data": Processed}: one data folder per kernel


def _stamp(data_path: Path) -> tuple:
    """The processed files a notebook reads, as (name, mtime_ns, size): a rewritten file
    (a new run) gives a new stamp, so a warm kernel never shows an earlier run's tables."""
    processed = data_path / "processed"
    files = sorted(processed.glob("*.parquet")) + [processed / INDICATORS_CSV]
    return (str(processed.resolve()), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file()))


def cached_processed(data_path: Path) -> Processed:
    """The processed data, read from disk once per kernel (the run's warm kernels execute many
    notebooks on the same files) and kept while the files' stamps are unchanged. Each notebook
    gets its own copy of every table, so a notebook that changes a table in place cannot
    change what the next one reads. The loaded tables are then frozen for the garbage
    collector (gc.freeze), so the namespace reset between notebooks does not walk them."""
    import gc

    key = _stamp(data_path)
    if _CACHE.get("key") != key:
        _CACHE.clear()
        _CACHE.update(key=key, data=load_processed(data_path))
        gc.collect()
        gc.freeze()
    data: Processed = _CACHE["data"]
    tables = {name: table.copy() for name, table in data.tables.items()}
    empty = pd.DataFrame()
    return Processed(grants=tables.get("grants", empty), population=tables.get("population", empty),
                     denominators=tables.get("denominators", empty), indicators=data.indicators.copy(), tables=tables)


def open_report(year: int | None = None, data_dir: str | Path = "data", config_dir: str | Path = "config",
                dataset: str = "grants") -> Report:
    """Resolve the parameters against the project root, read the configuration and processed
    data, and pick the year: `year`, or when None the latest year `dataset` has data for.
    Stops with one Finnish sentence (`NotebookStop`) when the processed data are missing or the
    year has no data."""
    relative = not (Path(data_dir).expanduser().is_absolute() and Path(config_dir).expanduser().is_absolute())
    root = find_project_root() if relative else None
    data_path, config_path = resolve_path(data_dir, root), resolve_path(config_dir, root)
    if not (data_path / "processed" / INDICATORS_CSV).is_file():
        raise NotebookStop(
            f"Aja ensin `make run` projektin kansiossa: käsiteltyjä tietoja ({_shown(data_path / 'processed' / INDICATORS_CSV, root)}) ei vielä ole."
        )
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        raise NotebookStop(str(exc)) from None
    data = cached_processed(data_path)
    years = years_with_data(data, dataset)
    if not years:
        raise NotebookStop(f"Käsitellyissä tiedoissa ei ole {DATASET_WHAT.get(dataset, 'aineistoa')} miltään vuodelta, joten tätä sivua ei voi tehdä.")
    chosen = years[-1] if year is None else int(year)
    if chosen not in years:
        raise NotebookStop(missing_year_sentence(chosen, years, dataset))
    return Report(year=chosen, years=years, settings=settings, data=data, data_dir=data_path, config_dir=config_path)
