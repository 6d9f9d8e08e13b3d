"""`make benchmark`: the run's cost side by side with its floor and a naive chain, one run.

Cases (each measured in a subprocess of its own, so that its CPU is that of its whole process
tree: resource.getrusage of the case process itself plus RUSAGE_CHILDREN, every kernel,
checker, nbconvert and Chromium process it waited for; peak memory is the largest resident
set of any one process in the tree):

  import     `python -c "import kainuu_metrics.cli"`: what the command line loads before work
  run        `kainuu-metrics run` on a fresh copy of data/raw (the sample data)
  floor      the same work in one process without kernels: imports, cleaning, the checks,
             each notebook's code cells executed in-process (IPython, outputs captured) and
             exported to HTML (no PDFs: Chromium is a process of its own in any design)
  naive      papermill CLI then nbconvert CLI, per notebook and year, on the run's processed data
  unchanged  `kainuu-metrics run` again with nothing changed
  new year   `kainuu-metrics run` after adding a 2026 grant file (the 2024 CSV with every
             "2024" made "2026")
  export     a generated 100 000-row grant export: `validate` and a bare calamine read
             (scripts/bench_large.py: large_export, when it exists)

Usage: .venv/bin/python scripts/benchmark.py [--skip naive,...]. Not a test: it prints the
table for README "Performance"."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": os.environ.get("KAINUU_METRICS_PSEUDONYM_KEY", "benchmark-key-not-secret"),
       "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
CASES = ("import", "run", "floor", "naive", "unchanged", "new_year", "export")
LABELS = {
    "import": "bare import (python -c 'import kainuu_metrics.cli')",
    "run": "sample run (kainuu-metrics run, fresh)",
    "floor": "one-process floor (no kernels, no PDFs)",
    "naive": "naive chain (papermill CLI + nbconvert CLI per page)",
    "unchanged": "rerun, nothing changed",
    "new_year": "rerun after adding a 2026 grant file",
    "export_validate": "100 000-row export: kainuu-metrics validate",
    "export_calamine": "100 000-row export: bare calamine read",
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
    from kainuu_metrics.report.html_export import PageContext, stage_shared_files
    from kainuu_metrics.report.notebooks import load_notebook_specs
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
    stage_shared_files(layout.reports, layout.processed / INDICATORS_XLSX, years)
    shell = InteractiveShell.instance()
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
            from kainuu_metrics.report.html_export import export_notebook_html

            export_notebook_html(executed, layout.year_reports(year) / spec.page, PageContext(
                title=f"{spec.title} {year}", year=year, sample_data=True, nav=pipeline.page_nav(year_specs),
                site_name=settings.domain.site_name, workbook_href=INDICATORS_XLSX))


def case_naive(work: Path) -> None:
    """What an analyst would do by hand: papermill CLI, then nbconvert CLI, per notebook and year,
    on the processed tables of the sample run."""
    sys.path.insert(0, str(ROOT))
    from kainuu_metrics.report.notebooks import load_notebook_specs

    data, reports = work / "data", work / "reports"
    out = work / "naive"
    out.mkdir(exist_ok=True)
    years = sorted(int(p.name) for p in reports.iterdir() if p.is_dir() and p.name.isdigit())
    for year in years:
        for spec in load_notebook_specs(ROOT / "config"):
            if not (reports / str(year) / spec.page).exists():
                continue  # the run made no such page (no data of that kind that year)
            executed = out / f"{year}-{spec.notebook}"
            subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / spec.notebook), str(executed), "-p", "year", str(year),
                            "-p", "data_dir", str(data), "-p", "config_dir", str(ROOT / "config"), "--no-progress-bar"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT / "notebooks", env=ENV)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def _large():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from bench_large import large_export  # another helper's script; optional
    except ImportError:
        return None
    return large_export


def case_export_validate(work: Path) -> None:
    large_export = _large()
    data = work / "large" / "data"
    if not (data / "raw").exists():
        large_export(data / "raw")
    cli("validate", "--data", str(data), "--reports", str(work / "large" / "reports"))


def case_export_calamine(work: Path) -> None:
    import python_calamine

    large_export = _large()
    data = work / "large" / "data"
    if not (data / "raw").exists():
        large_export(data / "raw")
    for path in sorted((data / "raw" / "grants").glob("*.xlsx")):
        with open(path, "rb") as handle:
            workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
            for name in workbook.sheet_names:
                workbook.get_sheet_by_name(name).to_python()


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
    globals()[f"case_{case}"](work)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
                      "peak_mb": max(own.ru_maxrss, children.ru_maxrss) / 1024}))


def table(rows: list[dict]) -> str:
    lines = ["| case | wall s | CPU s (process tree) | peak MB (largest process) |", "|---|---:|---:|---:|"]
    for row in rows:
        label = LABELS.get(row["case"], row["case"])
        if "error" in row:
            lines.append(f"| {label} | – | – | not measured: {row['error']} |")
        else:
            lines.append(f"| {label} | {row['wall_s']:.1f} | {row['cpu_s']:.1f} | {row['peak_mb']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--skip", default="", help="comma-separated cases to leave out (e.g. naive,export)")
    args = parser.parse_args()
    if args.case:
        inside(args.case, args.work)
        return
    skip = set(filter(None, args.skip.split(",")))
    rows = []
    with tempfile.TemporaryDirectory(prefix="kainuu-bench-") as tmp:
        work = Path(tmp)
        for case in CASES:
            if case in skip:
                continue
            if case == "export":
                if _large() is None:
                    rows.append({"case": "export_validate", "error": "scripts/bench_large.py (large_export) is not in this tree"})
                    continue
                rows += [measured("export_validate", work), measured("export_calamine", work)]
                continue
            rows.append(measured(case, work))
            print(f"{rows[-1]}", file=sys.stderr, flush=True)
    print(table(rows))
    by = {row["case"]: row for row in rows if "error" not in row}

    def ratio(a: str, b: str, key: str = "cpu_s") -> str:
        return f"{by[a][key] / by[b][key]:.1f}x" if a in by and b in by and by[b][key] else "–"

    print()
    print(f"run / floor (CPU): {ratio('run', 'floor')} (target at most 2x); run / floor (wall): {ratio('run', 'floor', 'wall_s')}")
    print(f"unchanged rerun / bare import (CPU): {ratio('unchanged', 'import')}, wall: {ratio('unchanged', 'import', 'wall_s')} (target at most 1.5x)")
    print(f"naive / run (CPU): {ratio('naive', 'run')}, wall: {ratio('naive', 'run', 'wall_s')} (target at least 10x)")
    print(f"new year / run (CPU): {ratio('new_year', 'run')}")
    print(f"export validate / calamine (CPU): {ratio('export_validate', 'export_calamine')} (target at most 5x)")


if __name__ == "__main__":
    main()
