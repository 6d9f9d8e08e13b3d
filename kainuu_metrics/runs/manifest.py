"""The record of every run: `data/processed/runs/<run id>/manifest.json` and the run's console
output beside it (`console.log`). Written for every run that got past the lock, also failed
ones (exit status 1, 2 or 3). `kainuu-metrics verify [RUN]` recomputes the hashes and says in
Finnish what changed since that run.

Run id: the start time in UTC and four random hex digits, `20261201T224500Z-3f2a`; ids sort
in time order.

Manifest schema (JSON object; other modules read it, keep it stable):

    run_id        str   "20261201T224500Z-3f2a"
    started_at    str   ISO 8601 UTC, "2026-12-01T22:45:00Z" (the pages show this time)
    ended_at      str   ISO 8601 UTC
    duration_s    float seconds, one decimal
    exit_status   int   0 ok, 1 blocking data-quality failure or a failed notebook,
                        2 a user's or machine's problem (input file, configuration, folder, disk),
                        3 a program error
    command       list[str]  the command line, ["kainuu-metrics", "run", "--data", "data", ...];
                        folders as the user gave them (made relative to the working folder when
                        they lie inside it)
    parameters    {command, years (list[int] | null), data, reports, config (str | null),
                   publish (bool)} – folders as in `command`
    user, host    str
    version       str   kainuu-metrics version
    git           {commit: str | null, modified: bool | null} (null when git or the repository
                  is not available)
    python        str   "3.12.7"
    packages      {pandas, great-expectations, papermill, nbconvert, plotly, openpyxl: version | null}
    chromium      str | null   "Chromium 131.0.6778.85 built on Debian ..." (null: not found)
    checks        {total, passed, warned, failed} | null (null: the checks did not run);
                  warned = non-blocking checks that failed, failed = blocking checks that failed
    published_years  list[int]  years whose pages this run published
    files         {inputs, config, suites, notebooks, outputs: {relative path: sha256 hex}}
                  inputs: relative to the data folder ("raw/grants/avustukset_2025.xlsx");
                  config: relative to the configuration folder ("domain.yaml");
                  suites: file names in kainuu_metrics/quality/suites; notebooks: file names
                  in notebooks/; outputs: "processed/..." (the data folder's processed/, without
                  runs/ and the lock file) and "reports/..." (the reports folder, without
                  staging folders)
    error         str | null   the Finnish message of a run that stopped (exit 2 or 3)
    program       str   SHA-256 over the package's own files (runs/reuse.py: program_hash), so a
                  modified work tree counts as a change even with the same version
    page_keys     {year: {page: sha256}}  what each year's pages were made from (runs/reuse.py);
                  a later run carries over a year whose keys and published files are unchanged
    reused_years  list[int]  years whose pages this run carried over from the previous run
    reused_from   str | null  set when nothing had changed: the run id of the successful run
                  whose outputs are still current (this run wrote no output)
    source_date_epoch  bool  true when $SOURCE_DATE_EPOCH set started_at (and so the run id's
                  time and the time every page, PDF and workbook shows); used to check that two
                  runs give the same bytes. duration_s is still measured.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

RUNS_DIR = "runs"
MANIFEST = "manifest.json"
CONSOLE_LOG = "console.log"
PACKAGES = ("pandas", "great-expectations", "papermill", "nbconvert", "plotly", "openpyxl")
SECTIONS = ("inputs", "config", "suites", "notebooks", "outputs")
SECTION_FI = {"inputs": "aineistotiedosto", "config": "asetustiedosto", "suites": "tarkistussääntötiedosto",
              "notebooks": "muistio", "outputs": "tuotettu tiedosto"}
EXIT_FI = {0: "onnistui", 1: "laatuvirhe tai muistion virhe", 2: "keskeytyi (aineisto, asetukset tai kansio)", 3: "ohjelmavirhe"}
SKIPPED_PROCESSED = (RUNS_DIR, ".ajo.lock")  # processed/ entries that are not outputs of a run
HASH_CHUNK = 1 << 20
# = quality.checks.EXPECTATIONS_DIR (tested); not imported from there, which loads pandas
EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "quality" / "suites"
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"  # fixes the recorded start time (reproducibility checks)


def new_run_id(started: dt.datetime) -> str:
    return started.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def hash_tree(root: Path, prefix: str = "", skip: Callable[[Path], bool] = lambda relative: False) -> dict[str, str]:
    """{prefix + relative posix path: sha256} of every file under root (sorted; nothing when
    root is missing). `skip` gets each file's path relative to root."""
    if not root.is_dir():
        return {}
    hashes = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root)
        if not skip(relative):
            hashes[prefix + relative.as_posix()] = sha256_file(path)
    return hashes


def _skip_processed(relative: Path) -> bool:
    return relative.parts[0] in SKIPPED_PROCESSED


def _skip_reports(relative: Path) -> bool:
    # staging folders and lock files are not published; ajot/ holds copies of the manifests themselves
    return relative.parts[0].startswith(".") or relative.parts[0] == "ajot"


def input_hashes(data: Path) -> dict[str, str]:
    return hash_tree(data / "raw", "raw/")


def output_hashes(data: Path, reports: Path | None) -> dict[str, str]:
    outputs = hash_tree(data / "processed", "processed/", _skip_processed)
    if reports is not None:
        outputs.update(hash_tree(reports, "reports/", _skip_reports))
    return outputs


def source_hashes(config_dir: Path | None) -> dict[str, dict[str, str]]:
    """The configuration, expectation suites and notebooks the run used."""
    from kainuu_metrics.paths import NOTEBOOKS_DIR

    return {
        "config": hash_tree(config_dir) if config_dir is not None else {},
        "suites": hash_tree(EXPECTATIONS_DIR),
        "notebooks": {p.name: sha256_file(p) for p in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))},
    }


def git_state(root: Path | None = None) -> dict[str, Any]:
    """{commit, modified} of the program's own repository; both null without git or a repository."""
    from kainuu_metrics.paths import PROJECT_ROOT

    root = root or PROJECT_ROOT

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=20, check=True).stdout

    try:
        commit = git("rev-parse", "HEAD").strip()
        modified = bool(git("status", "--porcelain", "--untracked-files=no").strip())
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "modified": None}
    return {"commit": commit or None, "modified": modified if commit else None}


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = _installed_version(metadata.distribution(name))
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _installed_version(distribution: metadata.Distribution) -> str | None:
    """The Version header of the package's metadata, read without the email parser that
    `metadata.version` runs over the whole file (a long description), a third of a no-change
    rerun's own work."""
    for line in (distribution.read_text("METADATA") or distribution.read_text("PKG-INFO") or "").splitlines():
        if line.startswith("Version:"):
            return line.partition(":")[2].strip()
        if not line:  # the headers end at the first blank line
            break
    return distribution.version


def chromium_version() -> str | None:
    from kainuu_metrics.report.pdf import find_chromium

    executable = find_chromium()
    if executable is None:
        return None
    try:
        out = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def shown_path(path: Path | str | None) -> str | None:
    """A folder as the user gave it, made relative to the working folder when it lies inside it."""
    if path is None:
        return None
    path = Path(path)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix() or "."
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def shown_command(argv: Iterable[str]) -> list[str]:
    return ["kainuu-metrics", *(shown_path(a) if a.startswith("/") else a for a in argv)]


def run_parameters(layout, config_dir: Path | None, years: list[int] | None, publish: bool) -> dict:
    return {"command": "run" if publish else "validate", "years": sorted(years) if years else None,
            "data": shown_path(layout.data), "reports": shown_path(layout.reports),
            "config": shown_path(config_dir), "publish": publish}


class RunRecorder:
    """Collects what a run did and writes its manifest and console log when it ends.

        recorder = RunRecorder(data, reports, argv=[...], parameters={...})
        recorder.echo("...")            # printed and kept for console.log
        recorder.checks = {...}; recorder.published_years = [...]
        recorder.finish(exit_status, error=None)
    """

    def __init__(self, data: Path, reports: Path | None, *, argv: Iterable[str] = (), parameters: dict | None = None,
                 config_dir: Path | None = None, started: dt.datetime | None = None,
                 out: Callable[[str], None] | None = None, err: Callable[[str], None] | None = None) -> None:
        self.data, self.reports, self.config_dir = data, reports, config_dir
        self.clock_started = dt.datetime.now(dt.UTC)
        epoch = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
        self.fixed_clock = started is None and epoch.isdigit()
        if self.fixed_clock:
            started = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        self.started = (started or self.clock_started).astimezone(dt.UTC).replace(microsecond=0)
        self.run_id = new_run_id(self.started)
        self.command = shown_command(argv)
        self.parameters = parameters or {}
        self.lines: list[str] = []
        self.checks: dict[str, int] | None = None
        self.published_years: list[int] = []
        self.page_keys: dict[str, dict[str, str]] = {}
        self.reused_years: list[int] = []
        self.reused_from: str | None = None
        self.program: str | None = None
        self.environment: dict[str, Any] = {}  # git and chromium, asked once (a reused run: taken from the run it reuses)
        self.files: dict[str, dict[str, str]] | None = None  # the file hashes when already known (a reused run: verified equal)
        self._out = out or (lambda text: print(text, flush=True))
        self._err = err or (lambda text: print(text, file=sys.stderr, flush=True))
        self.path: Path | None = None

    @property
    def started_at(self) -> str:
        return iso(self.started)

    @property
    def folder(self) -> Path:
        return self.data / "processed" / RUNS_DIR / self.run_id

    def echo(self, text: str, *, err: bool = False) -> None:
        (self._err if err else self._out)(text)
        self.lines.append(text)

    def record_checks(self, report) -> None:
        """The checks summary of a QualityReport."""
        failed = len(report.blocking_failures)
        warned = len(report.warnings)
        self.checks = {"total": len(report.checks), "passed": len(report.checks) - failed - warned, "warned": warned, "failed": failed}

    def manifest(self, exit_status: int, error: str | None = None, ended: dt.datetime | None = None, *, outputs: bool = True) -> dict[str, Any]:
        ended = (ended or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        files = self.files or self._hashed_files(outputs)
        # Asked once per run (the manifest is also made for the outputs written while it runs).
        if "git" not in self.environment:
            self.environment["git"] = git_state()
        if "chromium" not in self.environment:
            self.environment["chromium"] = chromium_version()
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "ended_at": iso(ended),
            "duration_s": round((ended - (self.clock_started if self.fixed_clock else self.started)).total_seconds(), 1),
            "exit_status": exit_status,
            "command": self.command,
            "parameters": self.parameters,
            "user": _user(),
            "host": socket.gethostname(),
            "version": _version(),
            "git": self.environment["git"],
            "python": platform.python_version(),
            "packages": package_versions(),
            "chromium": self.environment["chromium"],
            "checks": self.checks,
            "published_years": sorted(self.published_years),
            "files": files,
            "error": error,
            "program": self.program or _program(),
            "page_keys": self.page_keys,
            "reused_years": sorted(self.reused_years),
            "reused_from": self.reused_from,
            "source_date_epoch": self.fixed_clock,
        }

    def _hashed_files(self, outputs: bool) -> dict[str, dict[str, str]]:
        sources = source_hashes(self.config_dir)
        return {"inputs": input_hashes(self.data), "config": sources["config"], "suites": sources["suites"],
                "notebooks": sources["notebooks"], "outputs": output_hashes(self.data, self.reports) if outputs else {}}

    def start_summary(self) -> list[tuple[str, str]]:
        """What is known of the run while it runs, as (Finnish label, value) rows for outputs made
        during it (the workbook's "Lue minut", the quality page). The whole manifest is under
        data/processed/runs/."""
        partial = {key: value for key, value in self.manifest(0, outputs=False).items() if key not in ("ended_at", "duration_s", "exit_status", "checks")}
        partial["files"] = {key: value for key, value in partial["files"].items() if key != "outputs"}
        # Shown on pages and in workbooks: no run id, end or duration (a rerun writes the same bytes),
        # no user or host (they stay in the manifest), and no absolute paths of the machine.
        skipped = {"Ajon tunnus", "Päättyi", "Kesto", "Tila", "Tarkistukset", "Julkaistut vuodet", "Käyttäjä", "Kone", "Komento",
                   f"Tiivisteitä (SHA-256): {SECTION_FI['outputs']}"}
        folders = {"Aineistokansio", "Raporttikansio", "Asetuskansio"}
        rows = [(label, Path(value).name or value if label in folders and value not in ("–", "oletus") else value)
                for label, value in manifest_summary(partial) if label not in skipped]
        return rows + [("Komento", " ".join("…" if "/" in a else a for a in self.command) or "–"),
            ("Ajon koko kuvaus", "data/processed/runs/<ajon tunnus>/manifest.json (ajo, joka alkoi yllä mainittuna aikana)")]

    def finish(self, exit_status: int, error: str | None = None) -> Path:
        """Write manifest.json and console.log; returns the manifest's path."""
        manifest = self.manifest(exit_status, error)
        self.folder.mkdir(parents=True, exist_ok=True)
        log = "\n".join(self.lines + ([error] if error and error not in self.lines else [])) + "\n"
        (self.folder / CONSOLE_LOG).write_text(log, encoding="utf-8")
        self.path = self.folder / MANIFEST
        self.path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return self.path


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def _program() -> str:
    from kainuu_metrics.runs.reuse import program_hash

    return program_hash()


def _version() -> str:
    from kainuu_metrics import __version__

    return __version__


# --- reading manifests ----------------------------------------------------------------------


def shareable(manifest: dict) -> dict:
    """The manifest as published beside the run history (reports/ajot/): the same record with
    folders and command-line paths named by their last part, so that no output carries an
    absolute path of the machine (the whole record stays in data/processed/runs/)."""
    def short(value):
        return Path(value).name if isinstance(value, str) and "/" in value else value

    parameters = {key: short(value) for key, value in (manifest.get("parameters") or {}).items()}
    return {**manifest, "parameters": parameters, "command": [short(a) for a in manifest.get("command") or []]}


def shareable_bytes(manifest: dict) -> bytes:
    return (json.dumps(shareable(manifest), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def load_manifests(processed_dir: Path) -> list[dict]:
    """Every run's manifest under processed_dir/runs, oldest first (unreadable ones left out)."""
    folder = Path(processed_dir) / RUNS_DIR
    manifests = []
    for path in sorted(folder.glob(f"*/{MANIFEST}")) if folder.is_dir() else []:
        try:
            manifests.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(manifests, key=lambda m: m.get("run_id", ""))


def find_manifest(processed_dir: Path, run: str | None = None) -> dict | None:
    """The latest run's manifest, or the run whose id is (or starts with) `run`."""
    manifests = load_manifests(processed_dir)
    if run:
        manifests = [m for m in manifests if str(m.get("run_id", "")).startswith(run)]
    return manifests[-1] if manifests else None


def _time(iso_text: str | None) -> str:
    from kainuu_metrics.formatting import timestamp

    return timestamp(iso_text) if iso_text else "–"


def manifest_summary(manifest: dict) -> list[tuple[str, str]]:
    """(Finnish label, value) rows describing a run, e.g. for a "Lue minut" sheet."""
    from kainuu_metrics.formatting import number, seconds

    git = manifest.get("git") or {}
    commit = git.get("commit")
    git_text = "ei tiedossa (git ei käytettävissä)" if not commit else commit[:12] + (" (muokattu)" if git.get("modified") else "")
    checks = manifest.get("checks")
    checks_text = ("ei ajettu" if not checks else
                   f"{checks['total']} tarkistusta: {checks['passed']} kunnossa, {checks['warned']} varoitusta, {checks['failed']} estävää virhettä")
    status = manifest.get("exit_status")
    files = manifest.get("files") or {}
    packages = manifest.get("packages") or {}
    parameters = manifest.get("parameters") or {}
    years = parameters.get("years")
    rows = [
        ("Ajon tunnus", str(manifest.get("run_id", ""))),
        ("Aloitettu", _time(manifest.get("started_at"))),
        ("Päättyi", _time(manifest.get("ended_at"))),
        ("Kesto", seconds(manifest.get("duration_s")) if manifest.get("duration_s") is not None else "–"),
        ("Tila", f"{status} ({EXIT_FI.get(status, 'tuntematon')})"),
        ("Komento", " ".join(manifest.get("command") or [])),
        ("Vuodet", ", ".join(map(str, years)) if years else "kaikki vuodet, joilta on aineistoa"),
        ("Aineistokansio", str(parameters.get("data") or "–")),
        ("Raporttikansio", str(parameters.get("reports") or "–")),
        ("Asetuskansio", str(parameters.get("config") or "oletus")),
        ("Käyttäjä", str(manifest.get("user", ""))),
        ("Kone", str(manifest.get("host", ""))),
        ("Ohjelman versio", f"kainuu-metrics {manifest.get('version', '')}"),
        ("Ohjelman git-versio", git_text),
        ("Python", str(manifest.get("python", ""))),
        *((f"Paketti {name}", version or "ei asennettu") for name, version in packages.items()),
        ("Chromium", manifest.get("chromium") or "ei löytynyt (PDF-tiedostoja ei tehty)"),
        ("Tarkistukset", checks_text),
        ("Julkaistut vuodet", ", ".join(map(str, manifest.get("published_years") or [])) or "ei yhtään"),
        *((f"Tiivisteitä (SHA-256): {SECTION_FI[s]}", number(len(files.get(s) or {}))) for s in SECTIONS),
    ]
    return rows


# --- verifying ------------------------------------------------------------------------------


def compare(recorded: dict[str, str], current: dict[str, str]) -> dict[str, list[str]]:
    """{added, removed, changed: sorted paths}."""
    return {
        "added": sorted(set(current) - set(recorded)),
        "removed": sorted(set(recorded) - set(current)),
        "changed": sorted(p for p in set(recorded) & set(current) if recorded[p] != current[p]),
    }


def verify(manifest: dict, data: Path, reports: Path | None, config_dir: Path | None = None) -> list[str]:
    """Finnish lines, one per file added, removed or changed since the run (inputs, the
    configuration, suites, notebooks and outputs); empty when nothing changed."""
    recorded = manifest.get("files") or {}
    sources = source_hashes(config_dir)
    current = {"inputs": input_hashes(data), "outputs": output_hashes(data, reports), **sources}
    if config_dir is None:
        current["config"] = dict(recorded.get("config") or {})
    words = {"added": "lisätty", "removed": "poistettu", "changed": "muuttunut"}
    lines = []
    for section in SECTIONS:
        for kind, paths in compare(recorded.get(section) or {}, current.get(section) or {}).items():
            lines.extend(f"{words[kind]} {SECTION_FI[section]}: {path}" for path in paths)
    return lines
