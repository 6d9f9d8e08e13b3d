"""Executing the parameterised notebooks with papermill and exporting them as offline HTML.

Speed: a kernel start and the kernel's imports (pandas, plotly, this package) cost far more
than a report notebook itself. So a run starts one kernel per core at its very beginning,
warms it up while the data are cleaned and checked, and papermill then executes every
notebook on those warm kernels (its `km` argument), clearing the namespace in between. The
warmed objects are frozen for the garbage collector (gc.freeze) and the processed data are
read once per kernel (report/notebook_setup.py: cached_processed), so a reset costs little."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from pydantic import RootModel

from kainuu_metrics.report.html_export import PageContext, export_notebook_html
from kainuu_metrics.paths import NOTEBOOKS_DIR, PROJECT_ROOT, Layout
from kainuu_metrics.runs.children import watchdog_code
from kainuu_metrics.runs.faults import is_storage_error
from kainuu_metrics.settings import ConfigModel, load_config_file


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


class PageEntry(ConfigModel):
    notebook: str
    page: str
    title: str
    years_from: str = "grants"


class PagesFile(RootModel[list[PageEntry]]):
    """config/pages.yaml: which notebook becomes which page, in navigation order."""


def load_notebook_specs(config_dir: Path) -> list[NotebookSpec]:
    pages = load_config_file(config_dir, "pages.yaml", PagesFile)
    return [NotebookSpec(**entry.model_dump()) for entry in pages.root]


def warm_up_code() -> str:
    """Run in every kernel before its first notebook: what the report notebooks import (the
    registry names each dataset's report module), and setup_plotly, whose first call imports
    plotly's renderers (and through them nbformat)."""
    from kainuu_metrics.registry import datasets

    modules = ["kainuu_metrics.report.charts", "kainuu_metrics.report.views", "kainuu_metrics.report.summary",
               "kainuu_metrics.store", "kainuu_metrics.settings", *(m for d in datasets() for m in d.warm_up)]
    return (
        "from kainuu_metrics.startup import skip_unused_slow_imports\n"
        "skip_unused_slow_imports()\n"
        "import pandas, pyarrow, plotly.graph_objects\n"
        f"import {', '.join(dict.fromkeys(modules))}\n"
        "kainuu_metrics.report.charts.setup_plotly()\n"
        # The warmed modules never become garbage: freezing them keeps every later collection
        # (the namespace reset between notebooks runs one) from walking them again.
        "import gc\ngc.collect()\ngc.freeze()"
    )
RESET = "get_ipython().run_line_magic('reset', '-f')"
KERNEL_ARGUMENTS = [
    "--IPKernelApp.log_level=CRITICAL",  # no transport warnings on our stderr
    # A batch run keeps no input history: no writes to the user's IPython history database,
    # which the two kernels would otherwise share (and lock) for every cell.
    "--HistoryManager.enabled=False",
]


class KernelPool:
    """Warm Jupyter kernels shared by the notebook runs, one per worker thread."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: queue.Queue = queue.Queue()
        self._all: list = []
        self._starter = threading.Thread(target=self._start_all, name="kernel-warm-up", daemon=True)
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._lost = 0  # kernels that died and could not be replaced
        # The watchdog ends each kernel when the run's process is gone (even after SIGKILL).
        self._warm_up = watchdog_code() + warm_up_code()

    def start(self) -> KernelPool:
        """Start the kernels in the background; returns at once."""
        # Starting a kernel imports IPython (ipykernel's kernel spec) in the starter thread,
        # while this thread soon imports plotly, which imports IPython.display: two threads
        # importing IPython at once can stop on Python's import locks ("deadlock detected").
        # Import them here first; the starter then finds them loaded.
        import IPython.display  # noqa: F401
        import ipykernel.kernelspec  # noqa: F401
        import jupyter_client.manager  # noqa: F401
        import nbclient.util  # noqa: F401

        self._starter.start()
        return self

    def _start_all(self) -> None:
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # kernels inherit it
        try:
            for _ in range(self.size):
                km = self._new_kernel(self._warm_up)
                self._all.append(km)
                self._idle.put(km)
        except BaseException as exc:  # reported when a notebook asks for a kernel
            self._error = exc

    @staticmethod
    def _new_kernel(warm_up: str):
        from jupyter_client.manager import AsyncKernelManager
        from nbclient.util import run_sync

        km = AsyncKernelManager(kernel_name="python3")
        run_sync(km.start_kernel)(extra_arguments=KERNEL_ARGUMENTS)
        KernelPool._run_code(km, warm_up)
        return km

    @staticmethod
    def _run_code(km, code: str) -> None:
        from nbclient.util import run_sync

        client = km.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            run_sync(client.execute_interactive)(code, store_history=False, timeout=120)
        finally:
            client.stop_channels()

    def acquire(self):
        """A warm kernel with a clean namespace. A kernel that does not answer the reset is
        replaced; when no kernel can be had any more, RuntimeError (never a wait forever)."""
        self._starter.join()
        if self._error is not None:
            raise RuntimeError(f"Jupyter-ydintä ei voitu käynnistää: {self._error}") from self._error
        while True:
            with self._lock:
                if self._lost >= self.size:
                    raise RuntimeError("Jupyter-ytimiä ei ole jäljellä: jokainen ydin kaatui eikä uutta voitu käynnistää")
            try:
                km = self._idle.get(timeout=1.0)
            except queue.Empty:
                continue
            try:
                self._run_code(km, RESET)
                return km
            except Exception:  # a dead kernel: replace it and try again
                self.release(km, healthy=False)

    def release(self, km, *, healthy: bool = True) -> None:
        """Give a kernel back; a failed one is restarted (or replaced by a new kernel). A kernel
        that cannot be restarted is counted as lost, so acquire never waits for it."""
        if not healthy:
            from nbclient.util import run_sync

            try:
                run_sync(km.restart_kernel)(now=True)
                self._run_code(km, self._warm_up)
            except Exception:
                try:
                    run_sync(km.shutdown_kernel)(now=True)
                except Exception:
                    pass
                try:
                    km = self._new_kernel(self._warm_up)
                    with self._lock:
                        self._all.append(km)
                except Exception:
                    with self._lock:
                        self._lost += 1
                    return
        self._idle.put(km)

    def shutdown(self) -> None:
        from nbclient.util import run_sync

        self._starter.join()
        for km in self._all:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # a kernel already gone needs no shutdown
                pass


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def shown_folder(folder: Path, name: str) -> str:
    """A folder as executed notebooks show it: relative to the project when inside it, else
    just `name` (never an absolute path of the machine, and the same for every run)."""
    try:
        return folder.resolve().relative_to(PROJECT_ROOT).as_posix() or "."
    except ValueError:
        return name


def scrub_notebook(path: Path, replacements: dict[str, str]) -> None:
    """Make an executed notebook the same for every run of the same inputs: cell ids and
    execution counts numbered in order, papermill's and nbclient's times removed, and the run's absolute folders
    (`replacements`: absolute -> shown) replaced everywhere in the file."""
    import json

    notebook = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for i, cell in enumerate(notebook.get("cells", [])):
        if "id" in cell:
            cell["id"] = f"cell-{i:03d}"
        if cell.get("execution_count") is not None:  # the shared kernel's counter depends on earlier notebooks
            count += 1
            cell["execution_count"] = count
            for output in cell.get("outputs", []):
                if output.get("execution_count") is not None:
                    output["execution_count"] = count
        metadata = cell.get("metadata", {})
        metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            metadata.get("papermill", {}).pop(key, None)
    papermill_meta = notebook.get("metadata", {}).get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        papermill_meta.pop(key, None)
    text = json.dumps(notebook, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    for absolute, shown in sorted(replacements.items(), key=lambda item: -len(item[0])):
        text = text.replace(json.dumps(absolute)[1:-1], shown)
    path.write_text(text, encoding="utf-8")


def _execute(job: PageJob, layout: Layout, context_for: Callable[[PageJob], PageContext], notebooks_dir: Path, pool: KernelPool, config_dir: Path) -> PageOutcome:
    import papermill

    context = context_for(job)  # may wait (a page that shows the checks' result waits for them)
    if context is None:
        return PageOutcome(job, None, "ohitettu, koska tietojen laatu ei ole kunnossa")
    year_dir = layout.year_reports(job.year)
    executed = year_dir / "notebooks" / job.spec.notebook
    executed.parent.mkdir(parents=True, exist_ok=True)
    folders = {str(layout.data.resolve()): shown_folder(layout.data, "data"),
               str(layout.reports.resolve()): "reports",  # the staging folder is published as reports/
               str(Path(config_dir).resolve()): shown_folder(Path(config_dir), "config")}
    km = pool.acquire()
    healthy = True
    try:
        # No `cwd=`: papermill would chdir the whole process, racing the other threads.
        papermill.execute_notebook(
            str(notebooks_dir / job.spec.notebook),
            str(executed),
            parameters={"year": job.year, "data_dir": str(layout.data.resolve()), "config_dir": str(Path(config_dir).resolve())},
            kernel_name="python3",
            km=km,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,  # saved once at the end, not after every cell
        )
    except papermill.PapermillExecutionError as exc:
        _scrub_if_written(executed, folders)
        return PageOutcome(job, None, f"{exc.ename}: {exc.evalue} (suoritettu muistio: {job.year}/notebooks/{job.spec.notebook})")
    except Exception as exc:  # a kernel that died: report it, restart it, run the other notebooks
        if is_storage_error(exc):
            raise  # a full disk or read-only folder stops the run (the kernel itself is fine)
        healthy = False
        return PageOutcome(job, None, f"{type(exc).__name__}: {exc}")
    finally:
        pool.release(km, healthy=healthy)
    scrub_notebook(executed, folders)
    html = export_notebook_html(executed, year_dir / job.spec.page, context)
    return PageOutcome(job, html, None)


def _scrub_if_written(executed: Path, folders: dict[str, str]) -> None:
    try:
        scrub_notebook(executed, folders)
    except (OSError, ValueError):
        pass


def run_notebooks(
    jobs: list[PageJob],
    layout: Layout,
    context_for: Callable[[PageJob], PageContext | None],
    *,
    pool: KernelPool | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    on_done: Callable[[PageOutcome], None] = lambda outcome: None,
    config_dir: Path,
) -> list[PageOutcome]:
    """Execute and export every job, in order, on the pool's kernels, one thread per kernel;
    failures are collected, not raised. `context_for` runs in the worker thread just before
    its job; returning None skips the job."""
    import papermill  # noqa: F401  (import before the threads start: importing is not thread-safe)

    own_pool = pool is None
    pool = pool or KernelPool(min(len(jobs), default_workers()) or 1).start()
    outcomes = []
    threads = ThreadPoolExecutor(max_workers=pool.size)
    try:
        futures = [threads.submit(_execute, job, layout, context_for, notebooks_dir, pool, config_dir) for job in jobs]
        for future in as_completed(futures):
            outcome = future.result()  # a full disk (or a bug) stops the run: the rest are cancelled
            on_done(outcome)
            outcomes.append(outcome)
    finally:
        threads.shutdown(wait=True, cancel_futures=True)
        if own_pool:
            pool.shutdown()
    return sorted(outcomes, key=lambda o: (o.job.year, o.job.spec.notebook))
