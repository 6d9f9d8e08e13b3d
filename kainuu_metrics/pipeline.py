"""The annual run, wired together: raw exports -> cleaned tables -> checks -> indicators ->
notebooks -> HTML. Each stage lives in its own module; this one only connects them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import experience as experience_module
from . import grants as grants_module
from . import population as population_module
from . import premises as premises_module
from . import tuokio as tuokio_module
from .accounting import CleaningResult
from .config import load_domain
from .errors import InputFileError
from .indicators import grant_indicators
from .paths import Layout
from .quality_model import QualityReport
from .readers import list_raw_files
from .store import accounts_frame, write_cleaning, write_csv, write_indicators

SAMPLE_MARKER = "ESIMERKKIAINEISTO.txt"


@dataclass
class Cleaned:
    """Every dataset's cleaning result plus the tables derived from them."""

    results: dict[str, CleaningResult]
    indicators: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # what the checks validate
    years_with_data: dict[str, list[int]] = field(default_factory=dict)  # dataset -> years

    @property
    def accounts(self):
        return [a for r in self.results.values() for a in r.accounts]

    def concat(self, attribute: str) -> pd.DataFrame:
        frames = [getattr(r, attribute) for r in self.results.values() if not getattr(r, attribute).empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def years_of(self, dataset: str) -> list[int]:
        """Years a dataset has data for (a page built from it exists only for those)."""
        if dataset in self.years_with_data:
            return self.years_with_data[dataset]
        table = self.tables.get(dataset, pd.DataFrame())
        return sorted(int(y) for y in table["year"].unique()) if "year" in table else []


def is_sample_data(layout: Layout) -> bool:
    return (layout.raw / SAMPLE_MARKER).exists()


def clean_inputs(layout: Layout) -> Cleaned:
    """Read and clean every raw dataset, then compute the indicators (raises InputFileError)."""
    domain = load_domain()
    grant_paths = list_raw_files(layout.raw_dir("grants"))
    if not grant_paths:
        raise InputFileError(
            layout.raw_dir("grants"),
            "kansiossa ei ole yhtään avustustiedostoa (.xlsx tai .csv)",
            "Tallenna avustuspäätösten vienti kansioon data/raw/grants/.",
        )
    population_paths = population_module.list_population_files(layout.raw_dir("population"))
    if not population_paths:
        raise InputFileError(
            layout.raw_dir("population"),
            "kansiossa ei ole väestötiedostoa",
            "Hae väestötiedot komennolla 'kainuu-metrics fetch-population' tai tallenna Tilastokeskuksen "
            "taulukon 11ra vienti kansioon data/raw/population/.",
        )
    grants = grants_module.clean_grants(grant_paths, layout, domain)
    population = population_module.clean_population(population_paths, layout, domain)
    premises = premises_module.clean_premises(premises_module.premises_files(layout), layout, domain)
    experience = experience_module.clean_experience(experience_module.experience_files(layout), layout, domain)
    assignments, register = experience["experience_assignments"].cleaned, experience["experience_register"].cleaned

    indicators, denominators = grant_indicators(grants.cleaned, population.cleaned, domain)
    indicators = pd.concat(
        [
            indicators,
            premises_module.premises_indicators(premises.cleaned, grants.cleaned, indicators, population.cleaned, domain),
            experience_module.experience_indicators(assignments, register, population.cleaned, domain),
        ],
        ignore_index=True,
    )
    tuokio_config = tuokio_module.load_tuokio_config()
    tuokio = tuokio_module.clean_tuokio(tuokio_module.tuokio_root(layout), layout, tuokio_config)
    indicators = pd.concat(
        [indicators, tuokio_module.tuokio_indicators(tuokio.ratings, tuokio_config, domain.region_code)],
        ignore_index=True,
    )
    results = {"grants": grants, "population": population, "premises": premises, **experience, "tuokio_ratings": tuokio.result}
    tables = {name: result.cleaned for name, result in results.items()}
    return Cleaned(
        results=results,
        indicators=indicators,
        tables={**tables, **tuokio.tables(), "denominators": denominators},
        years_with_data={"tuokio": list(tuokio.evaluation_years)},
    )


def write_processed(layout: Layout, cleaned: Cleaned) -> Path:
    """Cleaned tables (Parquet), set-aside rows (CSV), row accounting and indicators."""
    for name, result in cleaned.results.items():
        write_cleaning(layout.processed, name, result)
    for name, table in cleaned.tables.items():
        if name not in cleaned.results:
            table.to_parquet(layout.processed / f"{name}.parquet", index=False)
    write_csv(accounts_frame(cleaned.accounts), layout.processed / "row_accounting.csv")
    return write_indicators(layout.processed, cleaned.indicators)


def check(cleaned: Cleaned, layout: Layout) -> tuple[QualityReport, Path]:
    from .quality import run_checks, save_report

    report = run_checks(cleaned.tables)
    return report, save_report(report, layout.quality_runs)


def now_text() -> str:
    """The time of the run in Finnish time, as the pages show times ('29.11.2026 klo 19.12')."""
    from .pages import format_timestamp

    return format_timestamp(dt.datetime.now(dt.UTC).isoformat())


def render_quality_pages(layout: Layout, cleaned: Cleaned, report: QualityReport, years: list[int], context_for: Callable) -> list[Path]:
    from .pages import render_quality_page

    pages = []
    for year in years:
        pages.append(
            render_quality_page(
                layout.year_reports(year) / "quality.html",
                year=year,
                report=report,
                accounts=cleaned.accounts,
                rejected=cleaned.concat("rejected"),
                flagged=cleaned.concat("flagged"),
                skipped=cleaned.concat("skipped"),
                context=context_for(year, "Tietojen laatu"),
            )
        )
    return pages


class Progress:
    """Numbered steps with elapsed time, in Finnish, on standard output."""

    def __init__(self, steps: int, echo: Callable[[str], None] = print) -> None:
        self.steps, self.current, self.echo = steps, 0, echo
        self.started = dt.datetime.now()

    def step(self, text: str) -> None:
        self.current += 1
        elapsed = (dt.datetime.now() - self.started).total_seconds()
        self.echo(f"[{self.current}/{self.steps}] {text}  ({format_seconds(elapsed)})")

    def detail(self, text: str) -> None:
        self.echo(f"      {text}")


def format_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s".replace(".", ",")


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


def page_nav(specs) -> list[tuple[str, str]]:
    return [("Kaikki raportit", "../index.html"), *[(s.title, s.page) for s in specs], ("Tietojen laatu", "quality.html")]


def run(layout: Layout, years: list[int] | None = None, *, publish: bool = True, echo: Callable[[str], None] = print) -> RunResult:
    """The whole annual run. Returns the exit code: 0 ok, 1 blocking data-quality failure or a
    failed notebook. Raises InputFileError for a raw file that is wrong as a whole."""
    from .reporting import KernelPool, default_workers

    # Kernels start and import while the data are cleaned and checked (see reporting.py).
    pool = KernelPool(default_workers()).start() if publish else None
    try:
        return _run(layout, years, publish=publish, echo=echo, pool=pool)
    finally:
        if pool is not None:
            pool.shutdown()


def _run(layout: Layout, years: list[int] | None, *, publish: bool, echo: Callable[[str], None], pool) -> RunResult:
    from .html_export import PageContext
    from .reporting import PageJob, load_notebook_specs, run_notebooks

    progress = Progress(6 if publish else 3, echo)
    progress.step("Luetaan ja siivotaan raakatiedostot")
    cleaned = clean_inputs(layout)
    for line in describe_accounts(cleaned):
        progress.detail(line)
    write_processed(layout, cleaned)
    selected = _select_years(years, cleaned.years_of("grants"))

    progress.step("Tarkistetaan tietojen laatu (Great Expectations)")
    report, report_path = check(cleaned, layout)
    for line in describe_failures(report):
        progress.detail(line)
    progress.detail(f"Tarkistuksia {len(report.checks)}, estäviä virheitä {len(report.blocking_failures)}, varoituksia {len(report.warnings)}; tulokset: {report_path}")

    sample = is_sample_data(layout)
    generated = now_text()
    specs = load_notebook_specs()

    def specs_for(year: int) -> list:
        return [spec for spec in specs if year in cleaned.years_of(spec.years_from)]

    def context_for(year: int, title: str) -> PageContext:
        return PageContext(title=f"{title} {year}", year=year, sample_data=sample, nav=page_nav(specs_for(year)), generated_at=generated)

    progress.step("Kirjoitetaan laatusivut")
    quality_pages = render_quality_pages(layout, cleaned, report, selected, context_for)
    if not publish:
        return RunResult(0 if report.passed else 1, None, [f"Laatusivu: {quality_pages[-1]}" if quality_pages else ""])
    if not report.passed:
        return RunResult(1, None, ["Ajo keskeytyi estäviin laatuvirheisiin; raportteja ei päivitetty.", f"Katso laatusivu: {quality_pages[-1]}"])

    jobs = [PageJob(spec, year) for year in selected for spec in specs_for(year)]
    progress.step(f"Ajetaan {len(jobs)} muistiota ja tehdään HTML-sivut")
    outcomes = run_notebooks(
        jobs,
        layout,
        lambda job: context_for(job.year, job.spec.title),
        pool=pool,
        on_done=lambda o: progress.detail(f"{o.job.year} {o.job.spec.page}: " + ("valmis" if o.error is None else f"VIRHE: {o.error}")),
    )
    progress.step("Tulostetaan vuosiyhteenvedot PDF-tiedostoiksi (Chromium)")
    for line in print_summary_pdfs(outcomes):
        progress.detail(line)
    progress.step("Kirjoitetaan raporttien etusivu")
    index = write_index(layout, specs, report, sample, generated)
    failures = [o for o in outcomes if o.error]
    messages = [f"Muistion {o.job.spec.notebook} ajo vuodelle {o.job.year} epäonnistui: {o.error}" for o in failures]
    return RunResult(1 if failures else 0, index, messages)


SUMMARY_PAGE = "summary.html"


def print_summary_pdfs(outcomes) -> list[str]:
    """reports/<year>/summary.pdf from each summary page written in this run; progress lines.
    A PDF from an earlier run is removed first, so that a PDF never contradicts its page."""
    from .pdf import print_pdfs

    pages = sorted((o.html, o.html.with_name("summary.pdf")) for o in outcomes if o.error is None and o.html and o.html.name == SUMMARY_PAGE)
    for _, pdf in pages:
        pdf.unlink(missing_ok=True)
    result = print_pdfs(pages)
    return [f"PDF: {pdf}" for pdf in result.written] + ([result.note] if result.note else [])


def write_index(layout: Layout, specs, report: QualityReport, sample: bool, generated: str) -> Path:
    """reports/index.html listing every year folder that has pages (summary first, its PDF,
    the detailed pages and the quality page), with this run's data-quality status."""
    from .pages import format_timestamp, render_index

    years: dict[int, list[tuple[str, str]]] = {}
    for folder in sorted(p for p in layout.reports.iterdir() if p.is_dir() and p.name.isdigit()):
        year = int(folder.name)
        links = []
        for s in specs:
            if (folder / s.page).exists():
                links.append((s.title, f"{year}/{s.page}"))
            if s.page == SUMMARY_PAGE and (folder / "summary.pdf").exists():
                links.append((f"{s.title} PDF-tiedostona (A4, tulostettava)", f"{year}/summary.pdf"))
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
    )
