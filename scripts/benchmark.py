"""Wall time of `kainuu-metrics run` on the sample data against a naive chain that runs the same
notebooks one by one through the papermill CLI and then the nbconvert CLI.

Usage: .venv/bin/python scripts/benchmark.py [--repeat N]
Not a test: it prints figures for the README."""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def fresh_data(workdir: Path) -> Path:
    data = workdir / "data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    return data


def run_pipeline(workdir: Path) -> float:
    data = fresh_data(workdir)
    return timed([str(BIN / "kainuu-metrics"), "run", "--data", str(data), "--reports", str(workdir / "reports")], cwd=ROOT)


def naive_chain(workdir: Path) -> float:
    """What an analyst would do by hand: papermill CLI, then nbconvert CLI, per notebook and year."""
    sys.path.insert(0, str(ROOT))
    from kainuu_metrics.report.notebooks import load_notebook_specs

    data = workdir / "data"  # processed tables from the pipeline run
    out = workdir / "naive"
    out.mkdir(exist_ok=True)
    years = sorted(int(p.name) for p in (workdir / "reports").iterdir() if p.is_dir() and p.name.isdigit())
    started = time.perf_counter()
    for year in years:
        for spec in load_notebook_specs(ROOT / "config"):
            if not (workdir / "reports" / str(year) / spec.page).exists():
                continue  # the run made no such page (e.g. no evaluation that year)
            executed = out / f"{year}-{spec.notebook}"
            subprocess.run(
                [str(BIN / "papermill"), str(ROOT / "notebooks" / spec.notebook), str(executed),
                 "-p", "year", str(year), "-p", "data_dir", str(data), "-p", "config_dir", str(ROOT / "config"), "-p", "reports_dir", str(out),
                 "--no-progress-bar"],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT / "notebooks",
            )
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="pipeline runs (median reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kainuu-bench-") as tmp:
        workdir = Path(tmp)
        run_times = [run_pipeline(workdir) for _ in range(args.repeat)]
        naive = naive_chain(workdir)
    run_median = statistics.median(run_times)
    print(f"kainuu-metrics run (median of {args.repeat}): {run_median:.1f} s  [{', '.join(f'{t:.1f}' for t in run_times)}]")
    print(f"naive chain (papermill CLI + nbconvert CLI per notebook): {naive:.1f} s")
    print(f"ratio: {naive / run_median:.1f}x")
    print("(the naive chain only executes and exports the notebooks: no cleaning, checks or PDFs)")


if __name__ == "__main__":
    main()
