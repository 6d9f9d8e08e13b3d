"""Work that did not change is not redone.

Two levels, both decided against the last successful run's manifest (exit status 0, same
command and parameters):

1. The whole run (`unchanged_since`): before the checker process and the kernels start, the
   input, configuration, suite and notebook hashes, the program version and source hash and
   the pseudonymisation key's fingerprint are compared with that manifest, and the outputs'
   hashes are recomputed. When everything is equal the run only says so in Finnish, writes its
   own manifest (exit status 0, `reused: true`) and stops: no output is written. This module
   imports no pandas, Great Expectations or plotly, so that path costs little more than
   starting the program.

2. A year's pages (`page_keys`, `reusable_years`): each (year, page) gets a key, the SHA-256
   of what the page is made from: the input files dated up to 31.12. of the year (and every
   undated file: population, the delivery log), every configuration file, the page's notebook,
   the program version and source hash, the page spec and the year's navigation (which pages
   the year has), and whether the pages are made from sample data. The checks enter only as
   "passed": a run whose blocking checks fail publishes nothing, and no notebook page shows
   more of them. A year whose every page has the previous run's key, and whose published
   files still have the hashes that run recorded, is carried over whole (its pages, the
   summary PDF, the recipients files); otherwise the year is rebuilt whole. The quality page,
   the year's lineage files and its copy of the workbook show the whole run (its checks,
   totals and indicators), so they are written again for every year the run does not leave
   frozen.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
from pathlib import Path

from kainuu_metrics.runs.manifest import MANIFEST, RUNS_DIR, input_hashes, output_hashes, sha256_file, source_hashes

# Written again for every year (they show the whole run); everything else in a year folder is
# made by the year's notebooks and reused with them.
RUN_WIDE_YEAR_FILES = ("quality.html", "laatu", "lineage.csv", "lineage_koko_ajo.csv", "indicators.xlsx")  # files or folders
UNCHANGED_FI = "Ei muutoksia edelliseen ajoon ({run_id}): raportit ovat ajan tasalla."
_FINGERPRINT_LABEL = b"kainuu-metrics: pseudonym key fingerprint v1"  # = privacy._FINGERPRINT_LABEL (tested)
PACKAGE_DIR = Path(__file__).resolve().parents[1]


@functools.cache
def program_hash(root: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the package's own files (sources, templates, suites; paths and contents),
    so that a modified work tree with an unchanged version number still counts as changed."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def last_successful(processed: Path, parameters: dict, compared: tuple[str, ...] | None = None) -> dict | None:
    """The newest manifest with exit status 0 and the same parameters (all of them, or the
    `compared` ones). Run ids begin with their start second, so the folders are read newest
    first and the search stops at the first second with a match: the history's length does not
    slow a rerun."""
    folder = Path(processed) / RUNS_DIR
    if not folder.is_dir():
        return None
    by_second: dict[str, list[Path]] = {}
    for path in folder.glob(f"*/{MANIFEST}"):
        by_second.setdefault(path.parent.name.split("-", 1)[0], []).append(path)
    for second in sorted(by_second, reverse=True):
        matches = []
        for path in by_second[second]:
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            recorded = manifest.get("parameters") or {}
            same = recorded == parameters if compared is None else all(recorded.get(k) == parameters.get(k) for k in compared)
            if manifest.get("exit_status") == 0 and same:
                matches.append(manifest)
        if matches:  # two runs can start in the same second (a no-change rerun and the next): the later end wins
            return max(matches, key=lambda m: (str(m.get("ended_at", "")), str(m.get("run_id", ""))))
    return None


def _key_fingerprint(data: Path) -> str | None:
    """The pseudonymisation key's fingerprint as privacy.check_pseudonym_key computes it; None
    when there is no key yet (the full run then decides)."""
    pseudonyms = _pseudonyms()
    KEY_ENV_VAR, KEY_FILE_NAME, load_or_create_key = pseudonyms.KEY_ENV_VAR, pseudonyms.KEY_FILE_NAME, pseudonyms.load_or_create_key
    if not (os.environ.get(KEY_ENV_VAR) or "").strip() and not (data / KEY_FILE_NAME).exists():
        return None
    return hmac.new(load_or_create_key(data), _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32]


def _pseudonyms():
    """datasets/experience/pseudonyms.py (standard library only), loaded without its package,
    whose __init__ imports pandas: the same module when the package is already loaded."""
    import importlib.util
    import sys

    name = "kainuu_metrics.datasets.experience.pseudonyms"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location("_kainuu_metrics_pseudonyms", PACKAGE_DIR / "datasets" / "experience" / "pseudonyms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _recorded_fingerprint(data: Path) -> str | None:
    try:
        return json.loads((data / "processed" / "pseudonym_key.json").read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def unchanged_since(data: Path, reports: Path | None, config_dir: Path | None, parameters: dict) -> dict | None:
    """The last successful run's manifest when nothing it depends on or wrote has changed since;
    else None. Cheap checks first, the outputs' hashes last."""
    from kainuu_metrics import __version__

    # The folders' names are not compared: their contents are (a copied data folder is the same data).
    previous = last_successful(Path(data) / "processed", parameters, compared=("command", "years", "config", "publish"))
    if previous is None or previous.get("program") is None:
        return None
    files = previous.get("files") or {}
    if previous.get("version") != __version__ or previous.get("program") != program_hash():
        return None
    if files.get("inputs") != input_hashes(data):
        return None
    sources = source_hashes(config_dir)
    if any(files.get(section) != sources[section] for section in ("config", "suites", "notebooks")):
        return None
    fingerprint = _key_fingerprint(data)
    if fingerprint is None or fingerprint != _recorded_fingerprint(data):
        return None
    if files.get("outputs") != output_hashes(data, reports):
        return None
    return previous


# --- per year ---------------------------------------------------------------------------------


def page_keys(*, years: list[int], specs_for, inputs: dict[str, str], file_years: dict[str, int | None],
              config: dict[str, str], notebooks: dict[str, str], sample: bool, program: str, version: str) -> dict[str, dict[str, str]]:
    """{year (str): {page: key}} for the pages the run would make (see the module text)."""
    keys: dict[str, dict[str, str]] = {}
    for year in years:
        specs = specs_for(year)
        dated = {path: sha for path, sha in inputs.items()
                 if file_years.get(path) is None or file_years[path] <= year}
        common = {"inputs": dated, "config": config, "version": version, "program": program, "sample": sample,
                  "checks": "passed", "year": year, "nav": [[s.notebook, s.page, s.title] for s in specs]}
        keys[str(year)] = {
            spec.page: hashlib.sha256(json.dumps({**common, "spec": [spec.notebook, spec.page, spec.title, spec.years_from],
                                                  "notebook": notebooks.get(spec.notebook)}, sort_keys=True).encode()).hexdigest()
            for spec in specs
        }
    return keys


def reusable_years(previous: dict | None, keys: dict[str, dict[str, str]], reports: Path) -> list[int]:
    """The years whose page keys equal the previous successful run's and whose published year
    folder still holds exactly the notebook-made files that run recorded, with their hashes."""
    if not previous:
        return []
    before = previous.get("page_keys") or {}
    recorded = (previous.get("files") or {}).get("outputs") or {}
    reusable = []
    for year, pages in keys.items():
        if not pages or before.get(year) != pages:
            continue
        prefix = f"reports/{year}/"
        wanted = {p: h for p, h in recorded.items() if p.startswith(prefix) and not _run_wide(p[len(prefix):])}
        folder = reports / year
        present = {f"{prefix}{p.relative_to(folder).as_posix()}": p for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else {}
        present = {p: path for p, path in present.items() if not _run_wide(p[len(prefix):])}
        if not wanted or set(present) != set(wanted):
            continue
        if all(sha256_file(path) == wanted[p] for p, path in present.items()):
            reusable.append(int(year))
    return reusable


def _run_wide(relative: str) -> bool:
    return relative.split("/", 1)[0] in RUN_WIDE_YEAR_FILES


def carry_year(published: Path, staging: Path) -> None:
    """Link (else copy) a reused year's notebook-made files into the staging year folder; the
    run-wide files are left out, to be written afresh (never through a link to the published
    file)."""
    import shutil

    from kainuu_metrics.runs.publishing import _link_or_copy

    for path in sorted(p for p in published.rglob("*") if p.is_file()):
        relative = path.relative_to(published)
        if _run_wide(relative.as_posix()):
            continue
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            shutil.copy2(path, target)
        else:
            _link_or_copy(str(path), str(target))


def plan(layout, recorder, *, years: list[int], specs_for, file_years: dict[str, int | None], notebooks: dict[str, str] | None = None,
         sample: bool, config_dir: Path | None) -> list[int]:
    """Record this run's page keys on the recorder (with the previous run's keys of the years
    it does not make, so that they stay comparable) and return the years to carry over."""
    from kainuu_metrics import __version__

    sources = source_hashes(config_dir)
    keys = page_keys(years=years, specs_for=specs_for, inputs=input_hashes(layout.data), file_years=file_years,
                     config=sources["config"], notebooks=notebooks or sources["notebooks"], sample=sample,
                     program=program_hash(), version=__version__)
    previous = last_successful(layout.processed, recorder.parameters, compared=("command", "config", "publish"))
    kept = {year: pages for year, pages in ((previous or {}).get("page_keys") or {}).items() if int(year) not in years}
    recorder.page_keys = {**kept, **keys}
    reused = reusable_years(previous, keys, layout.reports)
    recorder.reused_years = reused
    return reused


def rerun_unchanged(layout, recorder, config_dir: Path | None) -> bool:
    """The whole-run check, under the run's lock: when nothing changed since the last successful
    run, say so, write this run's manifest (exit 0, `reused_from`) and return True. A run that
    would do anything else returns False before writing anything (the full run then takes the
    lock itself). The manifest records that run's git state and Chromium version: this run
    printed nothing and its program files have the same hash (`program`)."""
    from kainuu_metrics.runs.faults import as_storage_error, storage_folders
    from kainuu_metrics.runs.lock import RunLock

    folders = storage_folders(layout)
    try:
        lock = RunLock(layout.processed, shown=next(iter(folders)), started_at=recorder.started).acquire()
    except OSError as error:
        raise as_storage_error(error, folders) from None
    try:
        previous = unchanged_since(layout.data, recorder.reports, config_dir, recorder.parameters)  # outputs as the manifest records them
        if previous is None:
            return False
        recorder.reused_from = previous["run_id"]
        recorder.program = previous["program"]
        recorder.checks = previous.get("checks")
        recorder.page_keys = previous.get("page_keys") or {}
        recorder.reused_years = sorted(int(year) for year in recorder.page_keys)
        recorder.environment = {"git": previous.get("git"), "chromium": previous.get("chromium")}
        recorder.files = previous["files"]  # every hash was just found equal to these
        recorder.echo(UNCHANGED_FI.format(run_id=previous["run_id"]))
        recorder.finish(0)
        return True
    finally:
        lock.release()
