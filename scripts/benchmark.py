"""`make benchmark`: the run's cost side by side with its floor and a naive chain, one run.

Cases (each measured in a subprocess of its own; its CPU two ways: the time the machine was
busy while the case ran (bench_large.machine_busy_s: every kernel, checker, nbconvert and
Chromium process, including those nobody waits for; so nothing else may run meanwhile), and
getrusage of the case process and the children it waited for (which misses Chromium's); its
peak memory the largest resident set of any one process in the tree):

  import     `python -c "import kainuu_metrics.cli"`: what the command line loads before work
  run        `kainuu-metrics run` on a fresh copy of data/raw (the sample data)
  floor      the same work in one process without kernels: imports, cleaning, the checks,
             each notebook's code cells executed in-process (IPython, outputs captured) and
             exported to HTML, and the three summary PDFs printed as the run prints them
  naive      papermill CLI then nbconvert CLI, per notebook and year, on the run's processed data
  pages      the naive chain's work (the same pages, from the same processed data) done by the
             run's own machinery: warm kernels, papermill with a kernel manager, in-process export
  unchanged  `kainuu-metrics run` again with nothing changed
  new year   `kainuu-metrics run` after adding a 2026 grant file (the 2024 CSV with every
             "2024" made "2026")
  validate   `kainuu-metrics validate` on the sample data (the fixed cost of a validate)
  export     a generated 100 000-row grant export: a bare calamine read of it, `validate` and
             a full `run` on the sample data plus it (scripts/bench_large.py measures each
             command itself)

Every case is measured in --rounds alternated rounds (default 3; the bare import and the
no-change rerun five times a round) and reported as the median: the machine's speed drifts, so
the naive chain's comparison with the same pages is also given round by round. Usage:
.venv/bin/python scripts/benchmark.py [--rounds N] [--skip naive,...]. Not a test: it prints
the table for README "Performance"."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_large import machine_busy_s  # scripts/ is on the path when this script runs

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Python as an analyst's machine runs it: it keeps compiled bytecode (a container may switch that
# off with PYTHONDONTWRITEBYTECODE, and every command would then compile the package again).
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "KAINUU_METRICS_PSEUDONYM_KEY": os.environ.get("KAINUU_METRICS_PSEUDONYM_KEY", "benchmark-key-not-secret"),
       "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
# The allocator `kainuu-metrics` chooses for itself (startup.prefer_jemalloc_for_arrow), given to
# every case alike: the floor and the pages case run the run's work outside its command, and the
# naive chain gets it too, so that the comparisons are not won by the allocator.
if sys.platform == "linux":
    ENV.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
CASES = ("import", "run", "floor", "naive", "pages", "unchanged", "new_year", "validate", "export")
EXPORT_ROWS = 100_000
LABELS = {
    "import": "bare import (python -c 'import kainuu_metrics.cli')",
    "run": "sample run (kainuu-metrics run, fresh)",
    "floor": "one-process floor (no kernels; the same PDFs)",
    "naive": "naive chain (papermill CLI + nbconvert CLI per page)",
    "pages": "the same pages by the run's machinery (warm kernels, in-process export)",
    "unchanged": "rerun, nothing changed",
    "new_year": "rerun after adding a 2026 grant file",
    "validate": "kainuu-metrics validate on the sample data",
    "export_calamine": "100 000-row export: bare calamine read",
    "export_validate": "100 000-row export: kainuu-metrics validate",
    "export_run": "100 000-row export: kainuu-metrics run",
}


def cli(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([str(BIN / "kainuu-metrics"), *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV)


# --- the cases (run inside the measuring subprocess) -------------------------------------------


def case_import(work: Path) -> None:
    subprocess.run([sys.executable, "-c", "import kainuu_metrics.cli"], check=True, env=ENV)


def case_run(work: Path) -> None:
    shutil.rmtree(work / "data", ignore_errors=True)
    shutil.rmtree(work / "reports", ignore_errors=True)
    shutil.copytree(ROOT / "data" / "raw", work / "data" / "raw")
    cli("run", "--data", str(work / "data"), "--reports", str(work / "reports"))


def case_unchanged(work: Path) -> None:
    cli("run", "--data", str(work / "data"), "--reports", str(work / "reports"))


def case_new_year(work: Path) -> None:
    grants = work / "data" / "raw" / "grants"
    (grants / "jarjestoavustukset_2026.csv").write_bytes((grants / "jarjestoavustukset_2024.csv").read_bytes().replace(b"2024", b"2026"))
    cli("run", "--data", str(work / "data"), "--reports", str(work / "reports"))


def case_floor(work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from kainuu_metrics.startup import skip_unused_slow_imports

    skip_unused_slow_imports()
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from kainuu_metrics import pipeline
    from kainuu_metrics.indicators.catalogue import load_catalogue
    from kainuu_metrics.indicators.lineage import run_lineage
    from kainuu_metrics.paths import Layout
    from kainuu_metrics.quality.checks import run_checks
    from kainuu_metrics.quality.value_sets import config_value_sets
    from kainuu_metrics.report.html_export import PageContext, export_notebook_html, stage_shared_files
    from kainuu_metrics.report.notebooks import load_notebook_specs
    from kainuu_metrics.report.pdf import print_pdfs
    from kainuu_metrics.settings import load_settings
    from kainuu_metrics.store import INDICATORS_XLSX

    data = work / "floor"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(ROOT / "data" / "raw", data / "data" / "raw")
    layout = Layout(data / "data", data / "reports")
    settings = load_settings(ROOT / "config")
    cleaned = pipeline.clean_inputs(layout, settings)
    catalogue = load_catalogue(settings)
    pipeline.write_processed(layout, cleaned, catalogue, settings.domain)
    run_lineage(layout.processed, cleaned.tables, cleaned.indicators, settings)
    run_checks(cleaned.tables, value_sets=config_value_sets(settings))
    specs = load_notebook_specs(ROOT / "config")
    years = cleaned.years_of("grants")
    stage_shared_files(layout.reports, years, cleaned.indicators, catalogue, settings.domain)
    shell = InteractiveShell.instance()
    summaries: list[Path] = []
    for year in years:
        year_specs = [s for s in specs if year in cleaned.years_of(s.years_from)]
        for spec in year_specs:
            nb = nbformat.read(ROOT / "notebooks" / spec.notebook, as_version=4)
            shell.run_line_magic("reset", "-f")
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                with capture_output() as captured:
                    shell.run_cell(cell.source, store_history=False)
                    if "parameters" in cell.get("metadata", {}).get("tags", []):
                        shell.run_cell(f"year = {year}\ndata_dir = {str(layout.data)!r}\nconfig_dir = {str(ROOT / 'config')!r}")
                cell.outputs = [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata) for o in captured.outputs]
                if captured.stdout:
                    cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=captured.stdout))
            executed = layout.year_reports(year) / "notebooks" / spec.notebook
            executed.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, executed)
            if spec.page == "summary.html":
                summaries.append(layout.year_reports(year) / spec.page)
            export_notebook_html(executed, layout.year_reports(year) / spec.page, PageContext(
                title=f"{spec.title} {year}", year=year, sample_data=True, nav=pipeline.page_nav(year_specs),
                site_name=settings.domain.site_name, workbook_href=INDICATORS_XLSX))
    printed = print_pdfs([(html, html.with_name("summary.pdf")) for html in summaries])  # the run's PDFs, as the run prints them
    if printed.note:
        raise RuntimeError(printed.note)


def made_pages(work: Path) -> dict[int, list]:
    """The notebook pages the sample run made, by year (the work the naive chain and the pages
    case repeat)."""
    sys.path.insert(0, str(ROOT))
    from kainuu_metrics.report.notebooks import load_notebook_specs

    reports, specs = work / "reports", load_notebook_specs(ROOT / "config")
    years = sorted(int(p.name) for p in reports.iterdir() if p.is_dir() and p.name.isdigit())
    return {year: [spec for spec in specs if (reports / str(year) / spec.page).exists()] for year in years}


def case_naive(work: Path) -> None:
    """What an analyst would do by hand: papermill CLI, then nbconvert CLI, per notebook and year,
    on the processed tables of the sample run."""
    data, out = work / "data", work / "naive"
    out.mkdir(exist_ok=True)
    for year, specs in made_pages(work).items():
        for spec in specs:
            executed = out / f"{year}-{spec.notebook}"
            subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / spec.notebook), str(executed), "-p", "year", str(year),
                            "-p", "data_dir", str(data), "-p", "config_dir", str(ROOT / "config"), "--no-progress-bar"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT / "notebooks", env=ENV)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def case_pages(work: Path) -> None:
    """The naive chain's work done by the run's own machinery: the same pages, executed on warm
    kernels and exported (report/notebooks.py run_notebooks), from the same processed tables;
    like the naive chain, no cleaning, checks or PDFs."""
    from kainuu_metrics.startup import skip_unused_slow_imports

    skip_unused_slow_imports()
    from kainuu_metrics.paths import Layout
    from kainuu_metrics.pipeline import page_nav
    from kainuu_metrics.report.html_export import PageContext, write_assets
    from kainuu_metrics.report.notebooks import PageJob, run_notebooks

    pages, out = made_pages(work), work / "pages"
    shutil.rmtree(out, ignore_errors=True)
    write_assets(out)
    jobs = [PageJob(spec, year) for year, specs in pages.items() for spec in specs]
    outcomes = run_notebooks(jobs, Layout(work / "data", out), lambda job: PageContext(
        title=f"{job.spec.title} {job.year}", year=job.year, sample_data=True, nav=page_nav(pages[job.year])), config_dir=ROOT / "config")
    if failed := [o.error for o in outcomes if o.error]:
        raise RuntimeError(failed[0])


def case_validate(work: Path) -> None:
    """`kainuu-metrics validate` on the sample data: the fixed cost that the export case adds rows to."""
    shutil.rmtree(work / "validate", ignore_errors=True)
    shutil.copytree(ROOT / "data" / "raw", work / "validate" / "data" / "raw")
    cli("validate", "--data", str(work / "validate" / "data"), "--reports", str(work / "validate" / "reports"))


# --- measuring ---------------------------------------------------------------------------------


def measured(case: str, work: Path) -> dict:
    """Run `case` in a subprocess of its own; its wall time, CPU of its whole tree, peak RSS."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--case", case, "--work", str(work)], capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        return {"case": case, "error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return {"case": case, "wall_s": wall, **json.loads(out.stdout.strip().splitlines()[-1])}


def inside(case: str, work: Path) -> None:
    busy, own = machine_busy_s(), resource.getrusage(resource.RUSAGE_SELF)  # this harness's own start-up is not the case's
    globals()[f"case_{case}"](work)
    busy = machine_busy_s() - busy
    after, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    tree = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime + children.ru_utime + children.ru_stime
    # Own peak from VmHWM: RUSAGE_SELF's maxrss starts from the forking parent's high-water mark.
    own_peak_kb = int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0])
    print(json.dumps({"cpu_s": busy, "tree_cpu_s": tree, "peak_mb": max(own_peak_kb, children.ru_maxrss) / 1024}))


def table(rows: list[dict]) -> str:
    lines = ["| case | rounds | wall s | CPU s (machine busy) | CPU s, lowest–highest | CPU s (process tree) | peak MB (largest process) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        label = LABELS.get(row["case"], row["case"])
        if "error" in row:
            lines.append(f"| {label} | – | – | – | – | – | not measured: {row['error']} |")
        else:
            note = f" ({row['note']})" if row.get("note") else ""
            spread = f"{min(row['cpu_all']):.2f}–{max(row['cpu_all']):.2f}" if len(row["cpu_all"]) > 1 else "–"
            lines.append(f"| {label}{note} | {len(row['cpu_all'])} | {row['wall_s']:.1f} | {row['cpu_s']:.2f} | {spread} | {row['tree_cpu_s']:.2f} "
                         f"| {row['peak_mb']:.0f} |")
    return "\n".join(lines)


def medians(samples: dict[str, list[dict]]) -> list[dict]:
    """One row per case: the median wall and CPU of its rounds, every CPU figure, the largest peak."""
    rows = []
    for case, measured_rounds in samples.items():
        good = [m for m in measured_rounds if "error" not in m]
        if not good:
            rows.append(measured_rounds[-1])
            continue
        rows.append({"case": case, "wall_s": statistics.median(m["wall_s"] for m in good), "cpu_s": statistics.median(m["cpu_s"] for m in good),
                     "tree_cpu_s": statistics.median(m["tree_cpu_s"] for m in good),
                     "cpu_all": [m["cpu_s"] for m in good], "peak_mb": max(m["peak_mb"] for m in good),
                     "note": good[-1].get("note")})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip", default="", help="comma-separated cases to leave out (e.g. naive,export)")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds of every case (default 3)")
    args = parser.parse_args()
    if args.case:
        inside(args.case, args.work)
        return
    skip = set(filter(None, args.skip.split(",")))
    samples: dict[str, list[dict]] = {}

    def record(row: dict) -> None:
        samples.setdefault(row["case"], []).append(row)
        print(f"{row}", file=sys.stderr, flush=True)

    # The cases alternate, round after round, and each figure is the median of its rounds: this
    # machine's speed drifts (a shared host) by up to 2x within minutes. The cheap pair (bare
    # import, no-change rerun) alternates five times per round.
    with tempfile.TemporaryDirectory(prefix="kainuu-bench-") as tmp:
        work = Path(tmp)
        for number in range(args.rounds):
            last = number == args.rounds - 1
            for case in CASES:
                if case in skip:
                    continue
                if case == "export":
                    # In a process of its own: generating the export grows that process, and a
                    # process forked later would report that growth as its own peak.
                    export = json.loads(subprocess.run(
                        [sys.executable, str(ROOT / "scripts" / "bench_large.py"), "--rows", str(EXPORT_ROWS), "--workdir", str(work / "large"),
                         *([] if last else ["--no-run"])], capture_output=True, text=True, env=ENV, check=True).stdout)
                    print(json.dumps(export, ensure_ascii=False), file=sys.stderr, flush=True)
                    for case_name, key in (("export_calamine", "bare_read"), ("export_validate", "validate")):
                        record({"case": case_name, "wall_s": export[f"{key}_wall_s"], "cpu_s": export[f"{key}_cpu_s"],
                                "tree_cpu_s": export[f"{key}_tree_cpu_s"], "peak_mb": max(export[f"{key}_peak_rss_mb"].values())})
                    if last:
                        record({"case": "export_run", "wall_s": export["run_wall_s"], "cpu_s": export["run_cpu_s"], "tree_cpu_s": export["run_tree_cpu_s"],
                                "peak_mb": export["run_max_peak_rss_mb"], "note": f"largest page {export['run_largest_page']}"})
                    continue
                if case == "import":
                    continue  # alternated with the no-change rerun below
                if case == "unchanged":
                    for _ in range(5):
                        record(measured("import", work))
                        record(measured("unchanged", work))
                    continue
                record(measured(case, work))
    rows = medians(samples)
    print(table(rows))
    by = {row["case"]: row for row in rows if "error" not in row}

    def ratio(a: str, b: str, key: str = "cpu_s") -> str:
        return f"{by[a][key] / by[b][key]:.1f}x" if a in by and b in by and by[b][key] else "–"

    def ratios(a: str, b: str) -> str:
        return ", ".join(f"{name} {ratio(a, b, key)}" for name, key in (("CPU (machine busy)", "cpu_s"), ("CPU (process tree)", "tree_cpu_s"), ("wall", "wall_s")))

    print()
    print(f"run / floor: {ratios('run', 'floor')} (target at most 2x)")
    print(f"unchanged rerun / bare import: {ratios('unchanged', 'import')} (target at most 1.5x)")
    print(f"naive / run: {ratios('naive', 'run')} (issue 13's target at least 10x; see naive / floor)")
    print(f"naive / floor, the most any run doing the run's work could reach: {ratios('naive', 'floor')}")
    print(f"naive / pages, the same pages from the same data: {ratios('naive', 'pages')} (target at least 10x, read as the same work)")
    if {"naive", "pages"} <= set(by):
        per_round = [n["cpu_s"] / p["cpu_s"] for n, p in zip(samples["naive"], samples["pages"]) if "error" not in n and "error" not in p]
        print("naive / pages round by round (CPU, machine busy): " + ", ".join(f"{r:.1f}x" for r in per_round))
    print(f"new year / run: {ratios('new_year', 'run')}")
    print(f"export validate / calamine: {ratios('export_validate', 'export_calamine')} (target at most 5x)")
    print(f"validate of the sample alone (no export rows) / calamine: {ratios('validate', 'export_calamine')}")
    if {"export_validate", "validate", "export_calamine"} <= set(by):
        # Per round (the cases of one round ran minutes apart), then the median of the rounds.
        added = statistics.median(e["cpu_s"] - v["cpu_s"] for e, v in zip(samples["export_validate"], samples["validate"])
                                  if "error" not in e and "error" not in v)
        read = by["export_calamine"]["cpu_s"]
        print(f"what the export's rows add to validate / calamine (CPU, median of the rounds' differences): {added:.1f} s / {read:.1f} s = "
              f"{added / read:.1f}x (target at most 5x, read as the rows' cost)")


if __name__ == "__main__":
    main()
