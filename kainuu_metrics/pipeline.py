"""The annual run, wired together: raw exports -> cleaned tables -> checks -> indicators ->
notebooks -> HTML. Each stage lives in its own module; this one only connects them."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kainuu_metrics import publication, registry
from kainuu_metrics.datasets.accounting import CleaningResult
from kainuu_metrics.datasets.base import CleaningContext, Dataset, DatasetOutput
from kainuu_metrics.datasets.intake import SAMPLE_MARKER, RefusedFile, refused_files
from kainuu_metrics.datasets.readers import year_in_path
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.indicators.catalogue import Catalogue, load_catalogue
from kainuu_metrics.indicators.lineage import run_lineage
from kainuu_metrics.paths import Layout
from kainuu_metrics.quality.model import QualityReport
from kainuu_metrics.runs.console import Progress
from kainuu_metrics.settings import Settings
from kainuu_metrics.store import INDICATORS_XLSX, accounts_frame, write_cleaning, write_csv, write_indicators



@dataclass
class Cleaned:
    """Every dataset's cleaning result plus the tables derived from them."""

    results: dict[str, CleaningResult]
    indicators: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # what the checks validate
    years_with_data: dict[str, list[int]] = field(default_factory=dict)  # dataset -> years
    refused: list[RefusedFile] = field(default_factory=list)  # raw files not read, with the reason

    @property
    def accounts(self):
        return [a for r in self.results.values() for a in r.accounts]

    def concat(self, attribute: str) -> pd.DataFrame:
        frames = [getattr(r, attribute) for r in self.results.values() if not getattr(r, attribute).empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def file_years(self) -> dict[str, int | None]:
        """Each input file's date as a year: the latest year of its cleaned rows, else the latest
        year in its path (a file whose rows were all rejected), else None."""
        dated: dict[str, int | None] = {}
        for result in self.results.values():
            frame = result.cleaned
            if "year" in frame and not frame.empty:
                for source, year in frame.groupby("source_file")["year"].max().items():
                    dated[source] = max(int(year), dated.get(source) or 0)
        for account in self.accounts:
            if account.source_file not in dated:
                dated[account.source_file] = year_in_path(account.source_file)
        return dated

    def files_up_to(self, year: int) -> set[str]:
        """The input files dated up to 31.12.`year` (undated files included): what the year's
        pages are made from."""
        return {source for source, y in self.file_years().items() if y is None or y <= year}

    def rows_up_to(self, frame: pd.DataFrame | None, year: int) -> pd.DataFrame:
        """The rows of a per-file table (rejected, flagged, reconciliation, ...) of those files."""
        if frame is None or frame.empty:
            return pd.DataFrame() if frame is None else frame
        return frame.loc[frame["source_file"].isin(self.files_up_to(year))]

    def inputs_up_to(self, year: int) -> tuple[list, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """(accounts, rejected, flagged, skipped) of the input files dated up to 31.12.`year`."""
        keep = self.files_up_to(year)
        return ([a for a in self.accounts if a.source_file in keep],
                *(self.rows_up_to(self.concat(attribute), year) for attribute in ("rejected", "flagged", "skipped")))

    def years_of(self, dataset: str) -> list[int]:
        """Years a dataset has data for (a page built from it exists only for those)."""
        if dataset in self.years_with_data:
            return self.years_with_data[dataset]
        table = self.tables.get(dataset, pd.DataFrame())
        return sorted(int(y) for y in table["year"].unique()) if "year" in table else []


def is_sample_data(layout: Layout) -> bool:
    return (layout.raw / SAMPLE_MARKER).exists()


def in_dependency_order(datasets: tuple[Dataset, ...]) -> list[Dataset]:
    """Every dataset after the ones it needs (a cycle or an unknown name is a programming error)."""
    names = {d.name: d for d in datasets}
    ordered: list[Dataset] = []

    def visit(dataset: Dataset, path: tuple[str, ...]) -> None:
        if dataset in ordered:
            return
        if dataset.name in path:
            raise ValueError(f"dataset dependency cycle: {' -> '.join(path + (dataset.name,))}")
        for need in dataset.needs:
            visit(names[need], path + (dataset.name,))
        ordered.append(dataset)

    for dataset in datasets:
        visit(dataset, ())
    return ordered


def clean_inputs(layout: Layout, settings: Settings, datasets: tuple[Dataset, ...] | None = None) -> Cleaned:
    """Read and clean every registered dataset, then compute the indicators (raises
    InputFileError for a raw file that is wrong as a whole)."""
    order = in_dependency_order(datasets or registry.datasets())
    listed = {d.name: d.files(layout) for d in order}
    refused = refused_files(layout, listed, order)
    empty = {r.path for r in refused if r.reason.startswith("tiedosto on tyhjä")}
    outputs: dict[str, DatasetOutput] = {}
    for dataset in order:
        paths = [p for p in listed[dataset.name] if layout.relative_to_data(p) not in empty]
        if not paths and dataset.required:
            raise InputFileError(layout.relative_to_data(layout.raw_dir(dataset.raw_folder)) + "/",
                                 f"kansiossa ei ole yhtään tiedostoa ({dataset.label})", dataset.missing_fix)
        context = CleaningContext(layout, settings, {name: outputs[name] for name in dataset.needs})
        outputs[dataset.name] = dataset.clean(paths, context)

    tables: dict[str, pd.DataFrame] = {}
    for output in outputs.values():
        tables.update(output.all_tables())
    frames: list[pd.DataFrame] = []
    for dataset in order:
        if dataset.indicators is None:
            continue
        derived = dataset.indicators({**tables, "indicators": _concat(frames)}, settings)
        frames.append(derived.indicators)
        tables.update(derived.tables)
    return Cleaned(
        results={name: result for output in outputs.values() for name, result in output.results.items()},
        indicators=_concat(frames),
        tables=tables,
        years_with_data={d.name: outputs[d.name].years for d in order if outputs[d.name].years is not None},
        refused=refused,
    )


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    from kainuu_metrics.indicators.table import tidy

    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else tidy([])


def write_processed(layout: Layout, cleaned: Cleaned, catalogue: Catalogue, domain=None, run_summary: list[tuple[str, str]] | None = None) -> Path:
    """Cleaned tables (Parquet), set-aside rows (CSV), row accounting and indicators (the
    workbook names areas from `domain` and describes the run with `run_summary`)."""
    for name, result in cleaned.results.items():
        write_cleaning(layout.processed, name, result)
    for name, table in cleaned.tables.items():
        if name not in cleaned.results:
            table.to_parquet(layout.processed / f"{name}.parquet", index=False)
    write_csv(accounts_frame(cleaned.accounts, cleaned.file_years()), layout.processed / "row_accounting.csv")
    write_csv(pd.DataFrame([r.__dict__ for r in cleaned.refused], columns=["path", "reason", "fix"]), layout.processed / "refused_files.csv")
    return write_indicators(layout.processed, cleaned.indicators, catalogue, domain, run_summary)


def check(cleaned: Cleaned, layout: Layout, settings: Settings, checker, *, run_id: str | None = None,
          started: dt.datetime | None = None) -> Callable[[], tuple[QualityReport, Path]]:
    """Start the checks of the written tables (write_processed) in the checker process; the
    returned function waits for the report and saves it (named by the run id, timed by the
    run's start)."""
    from kainuu_metrics.quality.checks import run_checks_on_files, save_report
    from kainuu_metrics.quality.value_sets import config_value_sets

    pending = checker.submit(run_checks_on_files, layout.processed, list(cleaned.tables), value_sets=config_value_sets(settings),
                             run_id=run_id, started_at=started)

    def report() -> tuple[QualityReport, Path]:
        result = pending.result()
        return result, save_report(result, layout.quality_runs)

    return report


def run_time_text(started_at: str) -> str:
    """The run's start time (as its manifest records it) in Finnish time, as the pages show
    times ('29.11.2026 klo 19.12')."""
    from kainuu_metrics.report.pages import format_timestamp

    return format_timestamp(started_at)


def render_quality_pages(layout: Layout, cleaned: Cleaned, report: QualityReport, years: list[int], context_for: Callable,
                         lineage: pd.DataFrame, run_rows: list[tuple[str, str]] | None = None) -> list[Path]:
    """Each year's quality page (the year's own files' rows, the run's totals apart) and its
    copy of the run's `lineage` (the periods up to the year)."""
    from kainuu_metrics.indicators.lineage import LINEAGE_CSV, write_year_lineage
    from kainuu_metrics.report.pages import render_quality_page

    rejected, flagged, skipped = (cleaned.concat(attribute) for attribute in ("rejected", "flagged", "skipped"))
    return [
        render_quality_page(
            layout.year_reports(year) / "quality.html", year=year, report=report, accounts=cleaned.accounts,
            rejected=rejected, flagged=flagged, skipped=skipped, context=context_for(year, "Tietojen laatu"),
            reconciliation=cleaned.tables.get("grants_reconciliation"), refused=cleaned.refused, file_years=cleaned.file_years(),
            tables=cleaned.tables, lineage=write_year_lineage(lineage, layout.year_reports(year), year, layout.processed / LINEAGE_CSV),
            run_rows=run_rows,
        )
        for year in years
    ]


def describe_accounts(cleaned: Cleaned) -> list[str]:
    """One console line per input file (its sheets summed); the quality page lists every sheet."""
    totals: dict[str, list[int]] = {}
    for account in cleaned.accounts:
        counts = totals.setdefault(account.source_file, [0, 0, 0, 0])
        for i, value in enumerate((account.rows_read, account.cleaned, account.rejected, account.skipped)):
            counts[i] += value
    return [
        f"{name}: luettu {read}, hyväksytty {kept}, hylätty {rejected}, ohitettu {skipped}"
        for name, (read, kept, rejected, skipped) in totals.items()
    ]


def unlogged_files(layout: Layout, cleaned: Cleaned) -> list[str]:
    """A Finnish line for each file read that the data log data/raw/toimitukset.yaml does not
    mention (when there is a log at all)."""
    from kainuu_metrics.report.method_box import DELIVERY_LOG, load_deliveries, matching_delivery

    deliveries, found = load_deliveries(layout.raw)
    if not found:
        return [f"huom: toimituslokia data/raw/{DELIVERY_LOG} ei ole; kirjaa siihen, milloin ja keneltä kukin tiedosto saatiin."]
    read = sorted({a.source_file for a in cleaned.accounts})
    return [f"huom: {source} puuttuu toimituslokista data/raw/{DELIVERY_LOG}; kirjaa toimitus (tiedosto, päivä, toimittaja)."
            for source in read if matching_delivery(source.removeprefix("raw/"), deliveries) is None]


def describe_failures(report: QualityReport) -> list[str]:
    return [f"ESTÄVÄ VIRHE ({c.dataset}): {c.description_fi} – {c.observed_fi}" for c in report.blocking_failures] + [
        f"varoitus ({c.dataset}): {c.description_fi} – {c.observed_fi}" for c in report.warnings
    ]


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    index: Path | None = None
    messages: list[str] = field(default_factory=list)


def _select_years(requested: list[int] | None, available: list[int]) -> list[int]:
    if not requested:
        return available
    missing = sorted(set(requested) - set(available))
    if missing:
        raise InputFileError(
            "data/raw/grants/",
            f"vuodelta {', '.join(map(str, missing))} ei ole avustusaineistoa (aineistoa on vuosilta {', '.join(map(str, available))})",
            "Tallenna vuoden avustusvienti kansioon data/raw/grants/ tai valitse toinen vuosi.",
        )
    return sorted(set(requested))


METHODS_PAGE = "methods.html"


def page_nav(specs) -> list[tuple[str, str]]:
    return [("Kaikki raportit", "../index.html"), *[(s.title, s.page) for s in specs], ("Tietojen laatu", "quality.html"),
            ("Menetelmät", f"../{METHODS_PAGE}")]


def run(layout: Layout, settings: Settings, years: list[int] | None = None, *, publish: bool = True, echo: Callable[[str], None] = print,
        recorder=None, new_key: bool = False) -> RunResult:
    """The whole annual run. Returns the exit code: 0 ok, 1 blocking data-quality failure or a
    failed notebook. Raises InputFileError for a raw file that is wrong as a whole, StorageError
    for a folder that cannot be written (full disk, read-only) and RunLocked when another run
    holds the data folder (that run's refusal writes nothing).

    Every run that got the lock writes its manifest and console log (kainuu_metrics.runs)."""
    from kainuu_metrics.runs.manifest import RunRecorder, run_parameters
    from kainuu_metrics.runs.session import run_recorded

    recorder = recorder or RunRecorder(layout.data, layout.reports, config_dir=settings.config_dir, out=echo,
                                       parameters=run_parameters(layout, settings.config_dir, years, publish))
    return run_recorded(layout, recorder, lambda stale: _guarded_run(layout, settings, years, publish=publish, recorder=recorder, stale=stale, new_key=new_key))


def _guarded_run(layout: Layout, settings: Settings, years: list[int] | None, *, publish: bool, recorder, stale: str | None, new_key: bool = False) -> RunResult:
    from kainuu_metrics.privacy import check_pseudonym_key
    from kainuu_metrics.quality.checks import start_checker
    from kainuu_metrics.report.notebooks import KernelPool, default_workers
    from kainuu_metrics.runs.publishing import remove_stale, staging_dir

    from kainuu_metrics.runs.faults import require_writable, storage_folders

    if stale:
        recorder.echo(stale)
    # A read-only folder stops the run before anything is made (and the published set stays).
    names = list(storage_folders(layout))
    require_writable({names[0]: layout.processed, **({names[1]: layout.reports, names[1] + "/..": layout.reports.parent} if publish else {})})
    remove_stale(layout.reports)  # staging folders of a run that was stopped
    # What takes seconds to start starts first and works while the data are cleaned: Great
    # Expectations in a process of its own, and one warm Jupyter kernel per core.
    check_pseudonym_key(layout, confirm_new=new_key)  # a changed key stops the run (ConfigError, exit 2) unless confirmed
    checker = start_checker()
    pool = KernelPool(default_workers()).start() if publish else None
    try:
        return _run(layout, settings, years, publish=publish, echo=recorder.echo, checker=checker, pool=pool, recorder=recorder)
    finally:
        checker.shutdown(cancel_futures=True)
        if pool is not None:
            pool.shutdown()
        shutil.rmtree(staging_dir(layout.reports), ignore_errors=True)  # a stopped run publishes nothing


def _run(layout: Layout, settings: Settings, years: list[int] | None, *, publish: bool, echo: Callable[[str], None], checker, pool, recorder) -> RunResult:
    from kainuu_metrics.report.html_export import PageContext, stage_shared_files
    from kainuu_metrics.report.methods import render_methods_page
    from kainuu_metrics.report.downloads import write_recipients
    from kainuu_metrics.report.views import recipients_table
    from kainuu_metrics.report.history import HISTORY_PAGE, RUNS_COPY_DIR, publish_history
    from kainuu_metrics.report.pdf import BackgroundPrinter
    from kainuu_metrics.report.notebooks import PageJob, default_workers, load_notebook_specs, run_notebooks
    from kainuu_metrics.runs.office import pin_workbooks
    from kainuu_metrics.runs.publishing import assemble, staging_dir, swap_in

    progress = Progress(4 if publish else 3, echo)
    progress.step("Luetaan ja siivotaan raakatiedostot")
    cleaned = clean_inputs(layout, settings)
    catalogue = load_catalogue(settings)
    catalogue.require(cleaned.indicators["indicator"].unique())
    for line in describe_accounts(cleaned):
        progress.detail(line)
    for refused in cleaned.refused:
        progress.detail(f"LUKEMATTA: {refused.path}: {refused.reason}. {refused.fix}")
    for line in unlogged_files(layout, cleaned):
        progress.detail(line)
    write_processed(layout, cleaned, catalogue, settings.domain, run_summary=recorder.start_summary())
    checks = check(cleaned, layout, settings, checker, run_id=recorder.run_id, started=recorder.started)
    # Only the quality pages read the lineage: it is built while the checks and notebooks run.
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lineage")
    lineage = background.submit(run_lineage, layout.processed, cleaned.tables, cleaned.indicators, settings)
    background.shutdown(wait=False)  # its thread ends when the lineage is written; .result() waits for it
    pin_workbooks(layout.processed, recorder.started)  # workbooks carry the run's start time, not the time of writing
    selected = _select_years(years, cleaned.years_of("grants"))
    frozen = publication.frozen_years(layout)  # published years keep their pages (publication.py)
    selected = [year for year in selected if year not in frozen]

    sample = is_sample_data(layout)
    generated = run_time_text(recorder.started_at)  # the manifest's start time, on every page
    specs = load_notebook_specs(settings.config_dir)

    def specs_for(year: int) -> list:
        return [spec for spec in specs if year in cleaned.years_of(spec.years_from)]

    def context_for(year: int, title: str) -> PageContext:
        return PageContext(title=f"{title} {year}", year=year, sample_data=sample, nav=page_nav(specs_for(year)), generated_at=generated,
                           site_name=settings.domain.site_name, site_body=settings.domain.site_body,
                           site_contact=settings.domain.site_contact, workbook_href=INDICATORS_XLSX)

    # Pages are made in a staging folder while the checks run, and replace the published ones
    # only when no blocking check failed: a failed or interrupted run never leaves half-updated
    # reports. The yearly summaries show the checks' result, so they wait for it; they are
    # queued early so that their PDFs print while the other notebooks still run.
    staging = Layout(layout.data, staging_dir(layout.reports))
    shutil.rmtree(staging.reports, ignore_errors=True)
    for line in publication.compare_frozen(layout, staging.reports if publish else None, cleaned.indicators, catalogue, settings,
                                           sample=sample, generated=generated):
        progress.detail(line)
    if publish:  # plotly.js for every page and each year's indicators.xlsx, before any page (the PDF prints from staging)
        stage_shared_files(staging.reports, selected, cleaned.indicators, catalogue, settings.domain, recorder.start_summary())
    reused = _plan_reuse(layout, recorder, selected, specs_for, cleaned, sample, settings, progress) if publish else []
    jobs = [PageJob(spec, year) for year in selected if year not in reused for spec in specs_for(year)] if publish else []
    detailed = [job for job in jobs if job.spec.page != SUMMARY_PAGE]
    early = default_workers() * 2
    jobs = detailed[:early] + [job for job in jobs if job.spec.page == SUMMARY_PAGE] + detailed[early:]
    result: dict = {}
    result_lock = threading.Lock()

    def checked() -> tuple[QualityReport, Path]:
        with result_lock:
            if not result:
                result["report"] = checks()
                recorder.record_checks(result["report"][0])
            return result["report"]

    def job_context(job) -> PageContext | None:
        if job.spec.page == SUMMARY_PAGE and not checked()[0].passed:
            return None
        return context_for(job.year, job.spec.title)

    printer = BackgroundPrinter(moment=recorder.started).start() if jobs else None

    def page_done(outcome) -> None:
        progress.detail(f"{outcome.job.year} {outcome.job.spec.page}: " + ("valmis" if outcome.error is None else f"VIRHE: {outcome.error}"))
        if outcome.error is None and outcome.job.spec.page == SUMMARY_PAGE:
            printer.add(outcome.html, outcome.html.with_name("summary.pdf"))

    progress.step(
        "Tarkistetaan tietojen laatu (Great Expectations)"
        + (f" ja ajetaan samalla {len(jobs)} muistiota HTML-sivuiksi" if jobs else "")
        + (", vuosiyhteenvedot myös PDF-tiedostoiksi" if any(job.spec.page == SUMMARY_PAGE for job in jobs) else "")
    )
    outcomes = run_notebooks(jobs, staging, job_context, pool=pool, on_done=page_done, config_dir=settings.config_dir) if jobs else []
    pdfs = printer.finish() if printer else None
    report, report_path = checked()
    for line in describe_failures(report):
        progress.detail(line)
    progress.detail(f"Tarkistuksia {len(report.checks)}, estäviä virheitä {len(report.blocking_failures)}, varoituksia {len(report.warnings)}; tulokset: {layout.relative_to_data(report_path)}")
    if pdfs and pdfs.note:
        progress.detail(pdfs.note)

    progress.step("Kirjoitetaan laatusivut")
    quality_layout = staging if publish and report.passed else layout
    quality_pages = render_quality_pages(quality_layout, cleaned, report, selected, context_for, lineage.result(),
                                         [("Ajon tunnus", recorder.run_id), *recorder.start_summary()])
    if not publish:
        return RunResult(0 if report.passed else 1, None, [f"Laatusivu: {quality_pages[-1]}" if quality_pages else ""])
    if not report.passed:
        shutil.rmtree(staging.reports, ignore_errors=True)
        return RunResult(1, None, ["Ajo keskeytyi estäviin laatuvirheisiin; raportteja ei päivitetty.", f"Katso laatusivu: {quality_pages[-1]}" if quality_pages else f"Katso tarkistukset: {report_path}"])

    progress.step("Julkaistaan sivut ja kirjoitetaan raporttien etusivu")
    for year in (y for y in selected if y not in reused):  # the grants page shows a bounded part of its recipients; the whole list is beside it
        write_recipients(recipients_table(cleaned.tables["grants"], year, settings.domain), staging.year_reports(year))
    render_methods_page(staging.reports / METHODS_PAGE, catalogue, PageContext(
        title="Tunnusluvut ja menetelmät", year=None, sample_data=sample, nav=[("Kaikki raportit", "index.html")],
        generated_at=generated, site_name=settings.domain.site_name))
    # The new set is complete beside the old one: what this run did not rebuild is carried
    # over, the index is written from the new set, and the two are swapped in one step.
    rebuilt = ["index.html", METHODS_PAGE, HISTORY_PAGE, RUNS_COPY_DIR, *(p.name for p in layout.reports.glob(f"*{publication.COMPARISON_SUFFIX}"))]
    recorder.published_years = assemble(staging.reports, layout.reports, rebuilt, recorder.started, reused=reused)
    missing = {pdf.parent.name: reason for pdf, reason in (pdfs.missing.items() if pdfs else [])}
    publish_history(layout.processed / "runs", staging.reports, current=recorder.manifest(1 if any(o.error for o in outcomes) else 0),
                    sample_data=sample, generated_at=generated, site_name=settings.domain.site_name)
    write_index(staging, specs, report, sample, generated, settings.domain.site_name, pdf_missing=missing)
    swap_in(staging.reports, layout.reports)
    index = layout.reports / "index.html"
    failures = [o for o in outcomes if o.error]
    messages = [f"Muistion {o.job.spec.notebook} ajo vuodelle {o.job.year} epäonnistui: {o.error}" for o in failures]
    return RunResult(1 if failures else 0, index, messages)


SUMMARY_PAGE = "summary.html"


def _plan_reuse(layout: Layout, recorder, selected: list[int], specs_for, cleaned: Cleaned, sample: bool, settings: Settings, progress) -> list[int]:
    """The years whose pages are carried over unchanged from the previous run (runs/reuse.py)."""
    from kainuu_metrics.runs import reuse

    reused = reuse.plan(layout, recorder, years=selected, specs_for=specs_for, file_years=cleaned.file_years(), sample=sample,
                        config_dir=settings.config_dir)
    if reused:
        progress.detail(f"Vuosien {', '.join(map(str, reused))} sivujen lähteet ovat ennallaan edelliseen ajoon verrattuna: "
                        "sivut ja PDF käytetään sellaisinaan, laatusivut kirjoitetaan uudelleen.")
    return reused


def write_index(layout: Layout, specs, report: QualityReport, sample: bool, generated: str, site_name: str = "",
                pdf_missing: dict[str, str] | None = None) -> Path:
    """reports/index.html listing every year folder that has pages (summary first, its PDF,
    the detailed pages and the quality page), with this run's data-quality status. A year
    whose summary has no PDF says "PDF puuttuu" with the reason (`pdf_missing`: year -> reason
    from this run's printer)."""
    from kainuu_metrics.report.pages import format_timestamp, render_index

    years: dict[int, list[tuple[str, str]]] = {}
    for folder in sorted(p for p in layout.reports.iterdir() if p.is_dir() and p.name.isdigit()):
        year = int(folder.name)
        links = []
        for s in specs:
            if (folder / s.page).exists():
                links.append((s.title, f"{year}/{s.page}"))
            if s.page == SUMMARY_PAGE and (folder / "summary.pdf").exists():
                links.append((f"{s.title} PDF-tiedostona (A4, tulostettava)", f"{year}/summary.pdf"))
            elif s.page == SUMMARY_PAGE and (folder / s.page).exists():
                reason = (pdf_missing or {}).get(folder.name, "PDF-tiedostoa ei tehty tässä ajossa")
                links.append((f"{s.title}: PDF puuttuu – {reason}", ""))
        links.append(("Tietojen laatu", f"{year}/quality.html"))
        years[year] = links
    detail = (f"{len(report.checks)} tarkistusta, varoituksia {len(report.warnings)}, estäviä virheitä "
              f"{len(report.blocking_failures)}; tarkistusajo {format_timestamp(report.started_at)}")
    return render_index(
        layout.reports / "index.html",
        years=years,
        quality_status={year: report.passed for year in years},
        last_run=generated,
        sample_data=sample,
        quality_details={year: detail for year in years},
        site_name=site_name,
        methods_href=METHODS_PAGE if (layout.reports / METHODS_PAGE).exists() else None,
        history_href="historia.html" if (layout.reports / "historia.html").exists() else None,
    )
