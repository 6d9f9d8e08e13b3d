"""A generated grant export of many rows: `kainuu-metrics validate` against a bare calamine read of
the same file, then a full `kainuu-metrics run` on it (issue 13: validate at most 5x the bare
read, no page over 2 MB, every process under 1 GB).

    .venv/bin/python scripts/bench_large.py [--rows 100000] [--workdir DIR]

`large_export(rows)` returns the figures as a dict (scripts/benchmark.py imports it):
CPU seconds the machine was busy during each command (the command and every process it started:
the Great Expectations checker, kernels, Chromium), and the peak resident memory (VmHWM) of
every process of each command, in MB. Nothing else may run meanwhile.
Not a test: it prints figures for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS_DIR = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
BARE_READ = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "book = CalamineWorkbook.from_path(sys.argv[1])\n"
    "rows = [book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names]\n"
)


def _peak_mb(pid: int) -> float | None:
    """A process's peak resident memory so far (VmHWM), in MB; None once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def machine_busy_s() -> float:
    """CPU seconds this machine has been busy (user, nice, system, irq, softirq; /proc/stat).
    Its difference over a case is the CPU of every process the case started, whether or not
    that process was waited for (Playwright's driver does not wait for Chromium's processes,
    so getrusage's RUSAGE_CHILDREN misses most of a PDF's cost); nothing else may run meanwhile."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6)) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            queue.append(child)
    return found


def measured(command: list[str], env: dict[str, str] | None = None, interval: float = 0.05) -> dict:
    """Run `command`; the machine's busy CPU seconds meanwhile (machine_busy_s: the command and
    every process it started), wall seconds, exit code, and each process's peak memory in MB
    (polled every `interval` s, so a process living less than that may be missed), keyed by
    "pid command-name"."""
    busy, started = machine_busy_s(), time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    peaks: dict[int, float] = {}
    names: dict[int, str] = {}
    while True:
        for pid in [process.pid, *_descendants(process.pid)]:
            peak = _peak_mb(pid)
            if peak is not None:
                peaks[pid] = max(peak, peaks.get(pid, 0.0))
                if pid not in names:
                    try:
                        names[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:80]
                    except OSError:
                        names[pid] = "?"
        done, status, usage = os.wait4(process.pid, os.WNOHANG)
        if done:
            break
        time.sleep(interval)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "cpu_s": round(machine_busy_s() - busy, 2),
        "tree_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),  # the command and the descendants it waited for
        "wall_s": round(time.perf_counter() - started, 2),
        "exit_code": process.returncode,
        "peak_rss_mb": {f"{pid} {names[pid]}": round(mb, 1) for pid, mb in peaks.items()},
        # from VmHWM only: ru_maxrss starts from this (export-generating) process's high-water mark
        "max_peak_rss_mb": round(max(peaks.values(), default=0.0), 1),
    }


def large_export(rows: int = 100_000, workdir: Path | None = None, full_run: bool = True) -> dict:
    """Generate a `rows`-row grant export (scripts/generate_large_export.py), then measure a bare
    calamine read of it and `kainuu-metrics validate` on a data folder holding it (with the
    sample's other datasets). `workdir`: where to keep the files (default: a temporary folder)."""
    sys.path.insert(0, str(SCRIPTS_DIR))
    from generate_large_export import data_folder, generate

    with tempfile.TemporaryDirectory(prefix="kainuu-large-") as tmp:
        base = Path(workdir or tmp)
        export = base / "export" / "avustukset_suuri.xlsx"
        if not export.exists():  # same rows, same bytes: a kept file is reused
            export, _ = generate(rows, base / "export")
        data = base / "data"
        data_folder(data, export)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "KAINUU_METRICS_PSEUDONYM_KEY": os.environ.get("KAINUU_METRICS_PSEUDONYM_KEY", "benchmark-key-not-secret")}
        bare = measured([sys.executable, "-c", BARE_READ, str(export)], env=env)
        shutil.rmtree(data / "processed", ignore_errors=True)  # a fresh validate (else the no-change path answers)
        shutil.rmtree(base / "reports", ignore_errors=True)
        validate = measured([str(BIN / "kainuu-metrics"), "validate", "--data", str(data), "--reports", str(base / "reports")], env=env)
        shutil.rmtree(data / "processed", ignore_errors=True)
        shutil.rmtree(base / "reports", ignore_errors=True)
        full, pages, largest = {}, [], None
        if full_run:
            full = measured([str(BIN / "kainuu-metrics"), "run", "--data", str(data), "--reports", str(base / "reports")], env=env)
            pages = sorted(base.joinpath("reports").rglob("*.html"), key=lambda p: p.stat().st_size)
            largest = f"{pages[-1].relative_to(base / 'reports').as_posix()} {pages[-1].stat().st_size / 1e6:.2f} MB" if pages else None
            shutil.rmtree(data / "processed", ignore_errors=True)  # the next validate starts as this one did
            shutil.rmtree(base / "reports", ignore_errors=True)
    return {
        "rows": rows,
        "validate_cpu_s": validate["cpu_s"],
        "validate_wall_s": validate["wall_s"],
        "validate_tree_cpu_s": validate["tree_cpu_s"],
        "validate_exit_code": validate["exit_code"],
        "bare_read_cpu_s": bare["cpu_s"],
        "bare_read_wall_s": bare["wall_s"],
        "bare_read_tree_cpu_s": bare["tree_cpu_s"],
        "ratio": round(validate["cpu_s"] / bare["cpu_s"], 1) if bare["cpu_s"] else None,
        "validate_peak_rss_mb": validate["peak_rss_mb"],
        "bare_read_peak_rss_mb": bare["peak_rss_mb"],
        "max_peak_rss_mb": max(validate["max_peak_rss_mb"], bare["max_peak_rss_mb"]),
        "run_cpu_s": full.get("cpu_s"),
        "run_wall_s": full.get("wall_s"),
        "run_tree_cpu_s": full.get("tree_cpu_s"),
        "run_exit_code": full.get("exit_code"),
        "run_max_peak_rss_mb": full.get("max_peak_rss_mb"),
        "run_pages": len(pages),
        "run_largest_page": largest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the generated export here")
    parser.add_argument("--no-run", action="store_true", help="measure validate and the bare read only, not a full run")
    args = parser.parse_args()
    print(json.dumps(large_export(args.rows, args.workdir, full_run=not args.no_run), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
