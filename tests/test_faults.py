"""A machine's faults (issue 11 "Faults" and the last "Program errors" bullet): two runs at once,
runs stopped halfway, publishing in one step, a missing Chromium, a full disk or read-only
folder, a notebook or kernel that fails, children left behind by a killed run."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kainuu_metrics.cli import main
from kainuu_metrics.runs import publishing
from kainuu_metrics.runs.lock import RunLock, RunLocked
from tests.conftest import ROOT


def sample_data(tmp_path: Path) -> tuple[Path, Path]:
    import shutil

    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    (reports / "2024").mkdir(parents=True)
    (reports / "index.html").write_text("julkaistu etusivu", encoding="utf-8")
    (reports / "2024" / "grants.html").write_text("julkaistu sivu", encoding="utf-8")
    return data, reports


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- two runs at once -------------------------------------------------------------------------


def test_a_second_run_on_the_same_folders_is_refused_and_writes_nothing(tmp_path, capsys, monkeypatch):
    data, reports = sample_data(tmp_path)
    before = tree(reports)
    monkeypatch.setenv("KAINUU_METRICS_PSEUDONYM_KEY", "test-key-not-secret")
    with RunLock(data / "processed") as held:  # the first run
        code = main(["run", "--data", str(data), "--reports", str(reports), "--config", str(ROOT / "config")])
        err = capsys.readouterr().err
        assert code == 2
        assert err.startswith("AJO ESTETTY\n") and f"prosessi {os.getpid()}" in err and "mitään kirjoitettu" in err
        assert sorted(p.name for p in (data / "processed").iterdir()) == [held.path.name]  # no manifest, no table
    assert tree(reports) == before


def test_a_lock_left_by_a_killed_run_is_stale_and_taken_over(tmp_path):
    processed = tmp_path / "processed"
    processed.mkdir()
    (processed / ".ajo.lock").write_text(json.dumps({"pid": 999999, "started_at": "2026-12-01T20:00:00+00:00"}), encoding="utf-8")
    with RunLock(processed) as lock:
        assert lock.stale["pid"] == 999999
        assert "prosessi 999999" in lock.stale_note() and "päättyi kesken" in lock.stale_note()
        with pytest.raises(RunLocked):
            RunLock(processed).acquire()
    with RunLock(processed) as again:  # released cleanly: not stale
        assert again.stale is None


# --- publishing in one step -------------------------------------------------------------------


def test_publishing_swaps_the_whole_set_and_carries_over_what_was_not_rebuilt(tmp_path):
    reports = tmp_path / "reports"
    for name, text in {"2023/summary.html": "jäädytetty 2023", "arkisto/2023/manifest.json": "{}", "assets/logo.svg": "<svg/>",
                       "2025/summary.html": "vanha 2025", "2025/summary.pdf": "%PDF vanha", "index.html": "vanha etusivu"}.items():
        (reports / name).parent.mkdir(parents=True, exist_ok=True)
        (reports / name).write_text(text, encoding="utf-8")
    staging = publishing.staging_dir(reports)
    (staging / "2025").mkdir(parents=True)
    (staging / "2025" / "summary.html").write_text("uusi 2025", encoding="utf-8")  # no PDF this run
    carried = publishing.carry_over(reports, staging, ["2025", "index.html"])
    (staging / "index.html").write_text("uusi etusivu", encoding="utf-8")
    assert carried == ["2023", "arkisto", "assets"]
    publishing.swap_in(staging, reports)
    assert tree(reports) == {"2023/summary.html": "jäädytetty 2023".encode(), "2025/summary.html": "uusi 2025".encode(),
                             "arkisto/2023/manifest.json": b"{}", "assets/logo.svg": b"<svg/>", "index.html": "uusi etusivu".encode()}
    assert not staging.exists() and not publishing.retired_dir(reports).exists()


def test_without_renameat2_two_renames_do_the_swap(tmp_path, monkeypatch):
    reports, staging = tmp_path / "reports", tmp_path / ".reports.kesken"
    reports.mkdir(), staging.mkdir()
    (reports / "a").write_text("vanha", encoding="utf-8")
    (staging / "a").write_text("uusi", encoding="utf-8")
    monkeypatch.setattr(publishing, "exchange", lambda a, b: False)
    publishing.swap_in(staging, reports)
    assert (reports / "a").read_text(encoding="utf-8") == "uusi" and not staging.exists()


def test_stale_staging_folders_are_removed_on_start(tmp_path):
    reports = tmp_path / "reports"
    for folder in (publishing.staging_dir(reports), publishing.retired_dir(reports), reports / ".kesken"):
        folder.mkdir(parents=True)
        (folder / "x.html").write_text("kesken", encoding="utf-8")
    assert len(publishing.remove_stale(reports)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"] and list(reports.iterdir()) == []


# --- Chromium and the PDF ---------------------------------------------------------------------


def test_chromium_is_found_on_path_under_any_of_its_names(tmp_path, monkeypatch):
    from kainuu_metrics.report import pdf

    monkeypatch.delenv(pdf.CHROMIUM_ENV, raising=False)
    browser = tmp_path / "chromium-browser"
    browser.write_text("#!/bin/sh\n", encoding="utf-8")
    browser.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.find_chromium() == browser
    chrome = tmp_path / "bin2" / "google-chrome"
    chrome.parent.mkdir()
    chrome.write_text("#!/bin/sh\n", encoding="utf-8")
    chrome.chmod(0o755)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(chrome))  # the environment variable wins
    assert pdf.find_chromium() == chrome
    monkeypatch.delenv(pdf.CHROMIUM_ENV)
    monkeypatch.setenv("PATH", str(tmp_path / "ei-ole"))
    assert pdf.find_chromium() is None


def test_a_pdf_not_made_is_absent_and_the_index_says_why(tmp_path, monkeypatch):
    from kainuu_metrics.paths import CONFIG_DIR, Layout
    from kainuu_metrics.pipeline import write_index
    from kainuu_metrics.quality.model import QualityReport
    from kainuu_metrics.report import pdf
    from kainuu_metrics.report.notebooks import load_notebook_specs

    monkeypatch.setenv(pdf.CHROMIUM_ENV, "/ei/ole/chromium")
    reports = tmp_path / "reports"
    (reports / "2025").mkdir(parents=True)
    html, old = reports / "2025" / "summary.html", reports / "2025" / "summary.pdf"
    html.write_text("<!DOCTYPE html><html lang='fi'><title>x</title></html>", encoding="utf-8")
    old.write_bytes(b"%PDF edellisen ajon")
    printer = pdf.BackgroundPrinter().start()
    printer.add(html, old)
    result = printer.finish()
    assert not old.exists() and result.missing[old].startswith("PDF-tiedostoa ei tehty: Chromium puuttuu")
    report = QualityReport(run_id="x", started_at="2026-12-01T22:45:00Z", gx_version="1", checks=[])
    write_index(Layout(tmp_path / "data", reports), load_notebook_specs(CONFIG_DIR), report, False, "2.12.2026 klo 0.45",
                pdf_missing={"2025": "Chromium puuttuu"})
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "PDF puuttuu – Chromium puuttuu" in index and "summary.pdf" not in index


# --- full disk, read-only folder ----------------------------------------------------------------


@pytest.fixture
def no_checker_process(monkeypatch):
    """The checks run in a thread: these tests are about writing, not about Great Expectations."""
    import kainuu_metrics.quality.checks as checks

    monkeypatch.setattr(checks, "start_checker", lambda: ThreadPoolExecutor(max_workers=1))
    monkeypatch.setenv("KAINUU_METRICS_PSEUDONYM_KEY", "test-key-not-secret")


def test_a_full_disk_is_a_finnish_message_and_the_published_reports_stay(tmp_path, capsys, monkeypatch, no_checker_process):
    import kainuu_metrics.pipeline as pipeline

    data, reports = sample_data(tmp_path)
    before = tree(reports)

    def full_disk(layout, cleaned, catalogue, *more, **keywords):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(layout.processed / "grants.parquet"))

    monkeypatch.setattr(pipeline, "write_processed", full_disk)
    code = main(["run", "--data", str(data), "--reports", str(reports), "--config", str(ROOT / "config")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("VIRHE TALLENNUKSESSA\n") and "Traceback" not in err
    assert f"Kansio: {data}/processed" in err and "levy on täynnä" in err and "Vapauta levytilaa" in err
    assert tree(reports) == before and not publishing.staging_dir(reports).exists()
    (manifest,) = (data / "processed" / "runs").glob("*/manifest.json")
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    assert recorded["exit_status"] == 2 and "levy on täynnä" in recorded["error"]


def test_a_read_only_reports_folder_stops_the_run_before_anything_is_made(tmp_path, capsys, monkeypatch, no_checker_process):
    from kainuu_metrics.runs import faults

    data, reports = sample_data(tmp_path)
    before = tree(reports)
    real_write = Path.write_bytes

    def read_only(self, content):
        if self.name == faults.PROBE and self.parent == reports:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real_write(self, content)

    monkeypatch.setattr(Path, "write_bytes", read_only)
    code = main(["run", "--data", str(data), "--reports", str(reports), "--config", str(ROOT / "config")])
    err = capsys.readouterr().err
    assert code == 2 and "kansioon ei voi kirjoittaa" in err and f"Kansio: {reports}" in err and "kirjoitusoikeus" in err
    assert tree(reports) == before
    assert not (data / "processed" / "grants.parquet").exists()  # stopped before cleaning


# --- kernels: a failure gives its kernel back, nothing waits forever ----------------------------


def test_a_kernel_that_cannot_be_replaced_makes_acquire_fail_not_wait(monkeypatch):
    from kainuu_metrics.report import notebooks

    class DeadKernel:
        def restart_kernel(self, now=True):
            raise RuntimeError("kuollut")

        def shutdown_kernel(self, now=True):
            pass

    created = iter([DeadKernel()])

    def new_kernel(warm_up):
        try:
            return next(created)
        except StopIteration:
            raise RuntimeError("uutta ydintä ei voi käynnistää") from None

    def run_code(km, code):
        raise RuntimeError("ydin ei vastaa")

    monkeypatch.setattr(notebooks.KernelPool, "_new_kernel", staticmethod(new_kernel))
    monkeypatch.setattr(notebooks.KernelPool, "_run_code", staticmethod(run_code))
    monkeypatch.setattr(notebooks, "warm_up_code", lambda: "")
    pool = notebooks.KernelPool(1)
    pool._starter.start()
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="Jupyter-ytimiä ei ole jäljellä"):
        pool.acquire()
    assert time.monotonic() - started < 10


NOTEBOOK = {"cells": [], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def notebook(path: Path, code: str) -> None:
    cells = [{"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "source": "year = 0\ndata_dir = ''\nconfig_dir = ''\nreports_dir = ''",
              "outputs": [], "execution_count": None},
             {"cell_type": "code", "id": "c", "metadata": {}, "source": code, "outputs": [], "execution_count": None}]
    path.write_text(json.dumps({**NOTEBOOK, "cells": cells}), encoding="utf-8")


def test_failing_and_dying_notebooks_end_with_errors_and_the_others_still_run(tmp_path):
    from kainuu_metrics.paths import CONFIG_DIR, Layout
    from kainuu_metrics.report.html_export import PageContext
    from kainuu_metrics.report.notebooks import KernelPool, NotebookSpec, PageJob, run_notebooks

    notebook(tmp_path / "raises.ipynb", "raise ValueError('rikki')")
    notebook(tmp_path / "dies.ipynb", "import os\nos._exit(1)")
    notebook(tmp_path / "ok.ipynb", "print(year * 2)")
    jobs = [PageJob(NotebookSpec(f"{name}.ipynb", f"{name}.html", name), 2025) for name in ("raises", "dies", "ok")]
    pool = KernelPool(1).start()
    try:
        outcomes = run_notebooks(jobs, Layout(tmp_path / "data", tmp_path / "reports"),
                                 lambda job: PageContext(title=job.spec.title, year=2025, sample_data=False),
                                 pool=pool, notebooks_dir=tmp_path, config_dir=CONFIG_DIR)
    finally:
        pool.shutdown()
    errors = {o.job.spec.notebook: o.error for o in outcomes}
    assert errors["raises.ipynb"].startswith("ValueError: rikki") and "/" not in errors["raises.ipynb"].split("muistio: ")[1][:1]
    assert errors["dies.ipynb"] is not None and errors["ok.ipynb"] is None
    executed = json.loads((tmp_path / "reports" / "2025" / "notebooks" / "ok.ipynb").read_text(encoding="utf-8"))
    assert [c["id"] for c in executed["cells"]][-1] == f"cell-{len(executed['cells']) - 1:03d}"
    assert str(tmp_path) not in json.dumps(executed)


# --- children end with a killed run -----------------------------------------------------------


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


CHILDREN = textwrap.dedent("""
    import sys, time
    from kainuu_metrics.quality.checks import start_checker
    from kainuu_metrics.report.notebooks import KernelPool
    checker = start_checker()
    pool = KernelPool(1).start()
    km = pool.acquire()
    time.sleep(0.5)
    print(" ".join(map(str, [*checker._processes, km.provisioner.pid])), flush=True)
    time.sleep(600)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: prctl and /proc")
def test_the_checker_and_the_kernels_end_when_the_run_is_killed():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.Popen([sys.executable, "-c", CHILDREN], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        pids = [int(p) for p in run.stdout.readline().split()]
        assert len(pids) == 2 and all(alive(p) for p in pids)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    deadline = time.monotonic() + 20
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in pids if alive(p)] == []
