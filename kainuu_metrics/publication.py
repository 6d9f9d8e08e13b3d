"""Published years are kept as published (issue 10 §2).

`kainuu-metrics publish --year Y` freezes the year's folder `reports/<Y>/` (pages, summary PDF,
quality page, executed notebooks) together with the year's vintage of indicators: the rows of
`data/processed/indicators.csv` that the year's pages were made from (every yearly period up to
Y and every council term that ended by Y; a running term's page figures are computed from its
grant years, which are among those rows). The frozen version stays in `reports/<Y>/` (the
vintage as `reports/<Y>/tunnusluvut.csv`), and the archive keeps every publication of the year:

    reports/arkisto/<Y>/<publication id>/
        <every file of reports/<Y>/ as published>
        tunnusluvut.csv     the vintage
        julkaisu.json       year, published_at, run_id (if known), sha256 of every frozen file,
                            reason and replaced publication (for a replacement)
        manifest.json       copy of data/processed/runs/<run id>/manifest.json, when there is one

A later run builds no pages for a frozen year (`frozen_years`); when its indicators differ from
the frozen vintage it writes the comparison (report/comparison.py). `publish --replace --syy`
rebuilds the year's pages from the current data and publishes them as a new publication; the
old one stays in the archive.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kainuu_metrics.indicators.table import read_indicators
from kainuu_metrics.runs.manifest import sha256_file as sha256
from kainuu_metrics.paths import Layout
from kainuu_metrics.store import INDICATORS_CSV, write_csv

ARCHIVE = "arkisto"
RECORD = "julkaisu.json"
VINTAGE = "tunnusluvut.csv"
MANIFEST = "manifest.json"
KEY = ["indicator", "period", "area", "category"]


class PublicationError(Exception):
    """A publish request that cannot be done as asked; the message is Finnish and says what to do."""


@dataclass(frozen=True)
class Publication:
    """One publication of a year, as recorded in its archive folder."""

    year: int
    id: str
    folder: Path
    record: dict

    @property
    def published_at(self) -> str:
        return str(self.record.get("published_at", ""))

    @property
    def reason(self) -> str | None:
        return self.record.get("reason")

    @property
    def run_id(self) -> str | None:
        return self.record.get("run_id")


def archive_dir(reports: Path, year: int | None = None) -> Path:
    return reports / ARCHIVE if year is None else reports / ARCHIVE / str(year)


def publications(reports: Path, year: int) -> list[Publication]:
    """Every publication of `year`, oldest first (a folder without a readable record is not one)."""
    found = []
    folder = archive_dir(reports, year)
    for path in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        try:
            record = json.loads((path / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.append(Publication(year, path.name, path, record))
    return sorted(found, key=lambda p: (p.published_at, p.id))


def published_years(reports: Path) -> list[int]:
    root = archive_dir(reports)
    years = [int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit()] if root.is_dir() else []
    return sorted(y for y in years if publications(reports, y))


_THAWED: set[int] = set()  # years being republished by this process (publish --replace)


def frozen_years(layout: Layout) -> set[int]:
    """Years whose pages a run must not rewrite: every published year, except one this process
    is republishing right now (`thawed`)."""
    return set(published_years(layout.reports)) - _THAWED


@contextlib.contextmanager
def thawed(year: int) -> Iterator[None]:
    """Within the block, runs of this process may rebuild `year` (only publish --replace does)."""
    _THAWED.add(year)
    try:
        yield
    finally:
        _THAWED.discard(year)


# --- the vintage and the comparison (pure) ----------------------------------------------------


def period_end(period: object) -> int | None:
    """The last year of a period: '2023' -> 2023, '2022-2025' -> 2025, anything else None.

    >>> period_end("2023"), period_end("2022-2025"), period_end("kausi")
    (2023, 2025, None)
    """
    text = str(period).strip()
    last = text.rsplit("-", 1)[-1]
    return int(last) if last.isdigit() and len(last) == 4 else None


def vintage(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """The indicator rows the pages of `year` are made from: periods that ended by 31.12.`year`.

    >>> rows = pd.DataFrame({"period": ["2023", "2024", "2019-2021", "2022-2025"], "value": [1, 2, 3, 4]})
    >>> vintage(rows, 2023)["period"].tolist()
    ['2023', '2019-2021']
    """
    if indicators.empty:
        return indicators
    ends = indicators["period"].map(period_end)
    return indicators.loc[ends.notna() & (ends <= year)].reset_index(drop=True)


def _shown(value: object, suppression: object) -> float | str | None:
    """What a reader sees: the suppression marker, else the number (None when absent)."""
    if isinstance(suppression, str) and suppression:
        return suppression
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _same(a: float | str | None, b: float | str | None) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differences(published: pd.DataFrame, new: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every figure of the published vintage of `year` that this run's indicators show otherwise
    (changed, gone, or new for a period that ended by `year`): key columns, unit, published,
    new and difference (new − published when both are numbers).

    >>> old = pd.DataFrame([["a", "2023", "MK", "", 10.0, "eur", ""]], columns=KEY + ["value", "unit", "suppression"])
    >>> new = old.assign(value=12.5)
    >>> differences(old, new, 2023)[["published", "new", "difference"]].values.tolist()
    [[10.0, 12.5, 2.5]]
    """
    columns = [*KEY, "unit", "published", "new", "difference"]

    def keyed(frame: pd.DataFrame) -> dict[tuple, tuple]:
        frame = vintage(frame, year)
        return {tuple(str(r[k]) for k in KEY): (_shown(r["value"], r.get("suppression", "")), str(r.get("unit", "")))
                for r in frame.to_dict("records")}

    before, after = keyed(published), keyed(new)
    out = []
    for key in sorted(before.keys() | after.keys()):
        old_value, old_unit = before.get(key, (None, ""))
        new_value, new_unit = after.get(key, (None, ""))
        if _same(old_value, new_value):
            continue
        both = isinstance(old_value, float) and isinstance(new_value, float)
        out.append([*key, new_unit or old_unit, old_value, new_value, new_value - old_value if both else None])
    return pd.DataFrame(out, columns=columns, dtype=object)


# --- freezing --------------------------------------------------------------------------------




def folder_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by its path relative to it (posix)."""
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def read_vintage(path: Path) -> pd.DataFrame:
    """A vintage written by `freeze` (store.write_csv: ';', BOM)."""
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame["value"] = pd.to_numeric(frame["value"].replace("", None), errors="coerce")
    return frame


def load_manifests(processed: Path) -> list[dict]:
    """Every run manifest under data/processed/runs/ (written by the run-manifest code, when it
    exists), newest first; unreadable ones are left out."""
    manifests = []
    root = processed / "runs"
    for path in sorted(root.glob(f"*/{MANIFEST}"), reverse=True) if root.is_dir() else []:
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict):
            manifests.append({**manifest, "_path": path})
    return manifests


def _outputs(manifest: dict) -> dict[str, str]:
    files = manifest.get("files") or {}
    outputs = files.get("outputs") if isinstance(files, dict) else None
    return outputs if isinstance(outputs, dict) else {}


def run_of_pages(layout: Layout, year: int) -> dict | None:
    """The manifest of the run that made the year's pages as they are now: the newest run whose
    recorded output hashes include a file of reports/<year>/ with its present hash."""
    present = folder_hashes(layout.year_reports(year))
    for manifest in load_manifests(layout.processed):
        for path, digest in _outputs(manifest).items():
            parts = Path(str(path)).as_posix().split("/")
            if str(year) in parts[:-1]:
                relative = "/".join(parts[parts.index(str(year)) + 1:])
                if present.get(relative) == digest:
                    return manifest
    return None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_id(reports: Path, year: int, moment: dt.datetime) -> str:
    base = moment.strftime("%Y%m%dT%H%M%SZ")
    taken = {p.id for p in publications(reports, year)} | {p.name for p in archive_dir(reports, year).glob("*")}
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def check_publishable(layout: Layout, year: int, *, replace: bool) -> None:
    """Raise PublicationError (Finnish) when the year cannot be published as asked."""
    current = publications(layout.reports, year)
    if current and not replace:
        last = current[-1]
        from kainuu_metrics.formatting import timestamp

        raise PublicationError(
            f"Vuosi {year} on jo julkaistu ({timestamp(last.published_at)}, julkaisu {last.id}); julkaistua versiota ei muuteta.\n"
            f"Jos julkaisu on tarkoitus korvata, anna syy: kainuu-metrics publish --year {year} --replace --syy \"korjauksen syy\"")
    if replace and not current:
        raise PublicationError(f"Vuotta {year} ei ole julkaistu, joten korvattavaa julkaisua ei ole.\n"
                               f"Julkaise vuosi ilman valitsinta --replace: kainuu-metrics publish --year {year}")
    folder = layout.year_reports(year)
    if not replace and not (folder / "summary.html").is_file() and not (folder / "quality.html").is_file():
        raise PublicationError(f"Vuodelta {year} ei ole raportteja kansiossa {layout.reports.name}/{year}/.\n"
                               f"Aja ensin: kainuu-metrics run --year {year}")
    if not (layout.processed / INDICATORS_CSV).is_file():
        raise PublicationError(f"Tunnuslukutaulukkoa data/processed/{INDICATORS_CSV} ei ole.\n"
                               f"Aja ensin: kainuu-metrics run --year {year}")


def freeze(layout: Layout, year: int, *, reason: str | None = None, moment: dt.datetime | None = None) -> Publication:
    """Record the year's present pages and vintage as a new publication in the archive."""
    folder = layout.year_reports(year)
    indicators = read_indicators(layout.processed / INDICATORS_CSV)  # typed: a negative value stays a number in the CSV
    manifest = run_of_pages(layout, year)
    if manifest is not None:
        recorded = {Path(str(p)).as_posix(): d for p, d in _outputs(manifest).items()}
        made = next((d for p, d in recorded.items() if p.endswith(f"processed/{INDICATORS_CSV}")), None)
        if made is not None and made != sha256(layout.processed / INDICATORS_CSV):
            raise PublicationError(
                f"Tunnuslukutaulukko data/processed/{INDICATORS_CSV} on muuttunut sen ajon ({manifest.get('run_id')}) jälkeen, "
                f"joka teki vuoden {year} sivut, joten julkaistavat luvut eivät vastaisi sivuja.\n"
                f"Aja ensin: kainuu-metrics run --year {year}")
    write_csv(vintage(indicators, year), folder / VINTAGE)
    moment = moment or _now()
    previous = publications(layout.reports, year)
    target = archive_dir(layout.reports, year) / _new_id(layout.reports, year, moment)
    staging = target.with_name(f".{target.name}.kesken")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(folder, staging)
    if manifest is not None:
        shutil.copyfile(manifest["_path"], staging / MANIFEST)
    record = {
        "year": year,
        "published_at": moment.isoformat().replace("+00:00", "Z"),
        "run_id": manifest.get("run_id") if manifest else None,
        "files": folder_hashes(folder),
        "reason": reason,
        "replaces": previous[-1].id if previous and reason is not None else None,
        "manifest": MANIFEST if manifest is not None else None,
    }
    (staging / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    staging.rename(target)  # the publication appears whole or not at all
    return Publication(year, target.name, target, record)


def restore(layout: Layout, publication: Publication) -> None:
    """Put a publication's files back in reports/<year>/ (after a failed republication)."""
    folder = layout.year_reports(publication.year)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(publication.folder, folder, ignore=shutil.ignore_patterns(RECORD, MANIFEST))


def restore_changed(layout: Layout, publication: Publication) -> list[str]:
    """Put back every frozen file of reports/<year>/ that is missing or differs from its
    publication (deleted by hand, overwritten by a tool); returns their names."""
    folder = layout.year_reports(publication.year)
    restored = []
    for name, digest in sorted((publication.record.get("files") or {}).items()):
        target, source = folder / name, publication.folder / name
        if source.is_file() and (not target.is_file() or sha256(target) != digest):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            restored.append(name)
    return restored


def republish(layout: Layout, year: int, reason: str, rebuild: Callable[[], int]) -> Publication:
    """publish --replace: rebuild the year's pages from the current data (`rebuild` runs the
    pipeline for that year and returns its exit code), then freeze them with `reason`. When the
    rebuild fails, the published version is put back and PublicationError says so."""
    check_publishable(layout, year, replace=True)
    if not reason.strip():
        raise PublicationError("Korvaavalle julkaisulle pitää antaa syy: --syy \"korjauksen syy\".")
    old = publications(layout.reports, year)[-1]
    with thawed(year):
        code = rebuild()
    if code != 0:
        restore(layout, old)
        raise PublicationError(f"Vuoden {year} sivujen uudelleenajo päättyi virheeseen (tila {code}); julkaisua ei korvattu, "
                               f"ja kansiossa {layout.reports.name}/{year}/ on edelleen julkaistu versio {old.id}.\n"
                               "Korjaa ajon ilmoittamat virheet ja yritä uudelleen.")
    done = freeze(layout, year, reason=reason.strip())
    (layout.processed / COMPARISONS / f"{year}.csv").unlink(missing_ok=True)  # the new publication has the new figures
    (layout.reports / comparison_page(year)).unlink(missing_ok=True)
    return done


# --- the portal ------------------------------------------------------------------------------


def index_entries(reports: Path, years: list[int]) -> dict[int, dict]:
    """For the index page, per year: the first publication's time, the later corrections (time
    and reason), the comparison page when there is one; a year not published is a draft."""
    from kainuu_metrics.formatting import timestamp

    entries = {}
    for year in years:
        found = publications(reports, year)
        comparison = f"{year}-vertailu.html"
        entries[year] = {
            "published": timestamp(found[0].published_at) if found else None,
            "corrections": [(timestamp(p.published_at), p.reason or "") for p in found[1:]],
            "comparison": comparison if found and (reports / comparison).is_file() else None,
        }
    return entries


# --- a run and the frozen years --------------------------------------------------------------

COMPARISONS = "vertailu"  # data/processed/vertailu/<year>.csv


COMPARISON_SUFFIX = "-vertailu.html"


def comparison_page(year: int) -> str:
    return f"{year}{COMPARISON_SUFFIX}"


def compare_frozen(layout: Layout, pages: Path | None, indicators: pd.DataFrame, catalogue, settings, *,
                   sample: bool, generated: str) -> list[str]:
    """For every frozen year: compare its published vintage with this run's indicators. Where
    they differ, write data/processed/vertailu/<year>.csv and (when `pages` is given: the folder
    the run publishes from) <year>-vertailu.html; where they no longer differ, remove both. Returns
    Finnish console lines."""
    from kainuu_metrics.formatting import timestamp
    from kainuu_metrics.report.comparison import comparison_table, render_comparison_page
    from kainuu_metrics.report.html_export import PageContext

    lines = []
    for year in sorted(frozen_years(layout)):
        published = publications(layout.reports, year)[-1]
        restored = restore_changed(layout, published)
        if restored:
            lines.append(f"HUOM: vuoden {year} julkaistuista tiedostoista {len(restored)} puuttui tai poikkesi julkaistusta "
                         f"({', '.join(restored[:5])}{', ...' if len(restored) > 5 else ''}); ne palautettiin arkistosta "
                         f"{layout.reports.name}/{ARCHIVE}/{year}/{published.id}/.")
        csv = layout.processed / COMPARISONS / f"{year}.csv"
        found = differences(read_vintage(published.folder / VINTAGE), indicators, year) \
            if (published.folder / VINTAGE).is_file() else pd.DataFrame()
        when = timestamp(published.published_at)
        if found.empty:
            csv.unlink(missing_ok=True)
            (layout.reports / comparison_page(year)).unlink(missing_ok=True)
            lines.append(f"Vuosi {year} on julkaistu {when}; sen sivuja ei kirjoitettu uudelleen, ja uudet tiedot antavat samat luvut.")
            continue
        table = comparison_table(found, catalogue, settings.domain.area_name)
        write_csv(table, csv)
        where = f"data/processed/{COMPARISONS}/{year}.csv"
        if pages is not None:
            context = PageContext(title=f"Vuoden {year} julkaistut ja uudet luvut", year=None, sample_data=sample,
                                  nav=[("Kaikki raportit", "index.html"), (f"Julkaistu {year}", f"{year}/summary.html")],
                                  generated_at=generated, site_name=settings.domain.site_name)
            render_comparison_page(pages / comparison_page(year), table, catalogue, year=year, published_at=when,
                                   publication_id=published.id, csv_name=f"{year}.csv", context=context)
            where += f" ja {layout.reports.name}/{comparison_page(year)}"
        lines.append(
            f"HUOM: vuosi {year} on julkaistu {when}, ja uudet tiedot muuttaisivat {len(table)} sen luvuista. "
            f"Julkaistuja sivuja ei muutettu; vertailu: {where}. Julkaisun voi korvata komennolla "
            f"kainuu-metrics publish --year {year} --replace --syy \"korjauksen syy\".")
    return lines


def refresh_index(layout: Layout, settings) -> Path | None:
    """Rewrite reports/index.html after a publication (its dates), with the latest run's data-quality
    result; None when no run has written its checks yet."""
    from kainuu_metrics.formatting import timestamp
    from kainuu_metrics.pipeline import is_sample_data, write_index
    from kainuu_metrics.quality.checks import load_report
    from kainuu_metrics.report.notebooks import load_notebook_specs

    latest = layout.quality_runs / "latest.json"
    if not latest.is_file() or not layout.reports.is_dir():
        return None
    report = load_report(latest)
    manifests = load_manifests(layout.processed)
    last_run = timestamp(manifests[0].get("started_at")) if manifests and manifests[0].get("started_at") else timestamp(report.started_at)
    return write_index(layout, load_notebook_specs(settings.config_dir), report, is_sample_data(layout), last_run,
                       settings.domain.site_name)
