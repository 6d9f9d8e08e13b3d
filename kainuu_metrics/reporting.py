"""Executing the parameterised notebooks with papermill and exporting them as offline HTML."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml

from .html_export import PageContext, export_notebook_html
from .paths import NOTEBOOKS_DIR, Layout


@dataclass(frozen=True)
class NotebookSpec:
    notebook: str
    page: str
    title: str
    years_from: str = "grants"  # the page exists for the years this dataset has data


@dataclass(frozen=True)
class PageJob:
    spec: NotebookSpec
    year: int


@dataclass(frozen=True)
class PageOutcome:
    job: PageJob
    html: Path | None
    error: str | None  # Finnish, when the notebook failed


def load_notebook_specs(path: Path = NOTEBOOKS_DIR / "notebooks.yaml") -> list[NotebookSpec]:
    with path.open(encoding="utf-8") as handle:
        return [NotebookSpec(**entry) for entry in yaml.safe_load(handle)]


def _execute(job: PageJob, layout: Layout, context: PageContext, notebooks_dir: Path) -> PageOutcome:
    import papermill  # imported once per process by the caller's first use

    year_dir = layout.year_reports(job.year)
    executed = year_dir / "notebooks" / job.spec.notebook
    executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(notebooks_dir / job.spec.notebook),
            str(executed),
            parameters={"year": job.year, "data_dir": str(layout.data.resolve()), "reports_dir": str(layout.reports.resolve())},
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            # Kernels log a TCP-transport warning and a KeyboardInterrupt on shutdown to our
            # stderr; neither concerns a user. (No `cwd=`: papermill would chdir the whole
            # process, which races with the other threads.)
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except papermill.PapermillExecutionError as exc:
        return PageOutcome(job, None, f"{exc.ename}: {exc.evalue} (suoritettu muistio: {executed})")
    except Exception as exc:  # a kernel that dies or cannot start: report it, run the other notebooks
        return PageOutcome(job, None, f"{type(exc).__name__}: {exc}")
    html = export_notebook_html(executed, year_dir / job.spec.page, context)
    return PageOutcome(job, html, None)


def run_notebooks(
    jobs: list[PageJob],
    layout: Layout,
    context_for: Callable[[PageJob], PageContext],
    *,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    on_done: Callable[[PageOutcome], None] = lambda outcome: None,
    workers: int | None = None,
) -> list[PageOutcome]:
    """Execute and export every job, one kernel per core at a time; failures are collected."""
    import papermill  # noqa: F401  (import before the threads start: it is not thread-safe to import)

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    workers = workers or max(1, min(len(jobs), os.cpu_count() or 1))
    outcomes = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_execute, job, layout, context_for(job), notebooks_dir) for job in jobs]
        for future in as_completed(futures):
            outcome = future.result()
            on_done(outcome)
            outcomes.append(outcome)
    return sorted(outcomes, key=lambda o: (o.job.year, o.job.spec.notebook))
