"""The run-history page reports/historia.html: every run with its date, status, checks,
failures and warnings, and links to its manifest and quality pages (issue 10 §5).

Manifests are written by the run to data/processed/runs/<run id>/manifest.json (schema: run_id,
started_at, ended_at, duration_s, exit_status, command, parameters, user, host, version,
git {commit, modified}, python, packages {}, chromium, checks {total, passed, warned, failed},
files {...}, published_years). Each listed manifest is copied to reports/ajot/<run id>/manifest.json
so that the links work when the reports folder is copied elsewhere. History is kept across runs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kainuu_metrics.report.charts import format_number
from kainuu_metrics.report.html_export import PageContext

HISTORY_PAGE = "historia.html"
RUNS_COPY_DIR = "ajot"  # reports/ajot/<run id>/manifest.json
MANIFEST = "manifest.json"
_RUN_ID = re.compile(r"^[A-Za-z0-9._-]+$")  # a run id is a folder name: nothing that climbs out of ajot/


def load_manifests(runs_dir: Path) -> list[dict[str, Any]]:
    """Every data/processed/runs/<run id>/manifest.json; one that cannot be read is kept as a
    row saying so (its folder name as the run id), never silently dropped."""
    manifests = []
    for path in sorted(runs_dir.glob(f"*/{MANIFEST}")) if runs_dir.exists() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (OSError, ValueError) as exc:
            data = {"run_id": path.parent.name, "unreadable": f"{type(exc).__name__}"}
        data.setdefault("run_id", path.parent.name)
        data["_source"] = path
        manifests.append(data)
    return manifests


def status_text(manifest: dict[str, Any]) -> tuple[str, str]:
    """(Finnish status, CSS class) from exit_status: 0 ok, 1 failed checks or notebook, 2 an input
    file refused, else interrupted or unknown.

    >>> status_text({"exit_status": 0})
    ('✓ onnistui', 'tulos-ok')
    """
    if manifest.get("unreadable"):
        return "? ajotietoja ei voitu lukea", "tulos-varoitus"
    code = manifest.get("exit_status")
    if code == 0:
        return "✓ onnistui", "tulos-ok"
    if code == 1:
        return "✗ estäviä laatuvirheitä tai muistion virhe", "tulos-virhe"
    if code == 2:
        return "✗ lähdetiedosto piti korjata", "tulos-virhe"
    if code is None:
        return "– kesken tai keskeytyi", "tulos-varoitus"
    return f"✗ päättyi koodilla {code}", "tulos-virhe"


def history_rows(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per run, newest first (by started_at, then run id), as the page shows it. Pure."""
    from kainuu_metrics.report.pages import format_timestamp

    rows = []
    for m in sorted(manifests, key=lambda m: (str(m.get("started_at") or ""), str(m.get("run_id"))), reverse=True):
        checks = m.get("checks") if isinstance(m.get("checks"), dict) else {}
        status, css = status_text(m)
        run_id = str(m.get("run_id"))
        years = [int(y) for y in m.get("published_years") or [] if str(y).isdigit()]
        duration = m.get("duration_s")
        rows.append({
            "run_id": run_id,
            "started": format_timestamp(str(m["started_at"])) if m.get("started_at") else "–",
            "duration": f"{format_number(round(float(duration)))} s" if isinstance(duration, (int, float)) else "–",
            "status": status,
            "status_class": css,
            "checks": format_number(checks["total"]) if "total" in checks else "–",
            "failed": format_number(checks["failed"]) if "failed" in checks else "–",
            "warned": format_number(checks["warned"]) if "warned" in checks else "–",
            "version": str(m.get("version") or "–"),
            "manifest": f"{RUNS_COPY_DIR}/{run_id}/{MANIFEST}" if _RUN_ID.match(run_id) else None,
            "quality": [(year, f"{year}/quality.html") for year in sorted(years)],
        })
    return rows


def render_history_page(out: Path, manifests: list[dict[str, Any]], context: PageContext) -> Path:
    """Write the history page (`out`, normally reports/historia.html) from the manifests; pure
    apart from writing `out`."""
    from kainuu_metrics.report.pages import render_page

    return render_page("history.html.j2", out, context, runs=history_rows(manifests))


def copy_manifests(manifests: list[dict[str, Any]], reports: Path) -> list[Path]:
    """reports/ajot/<run id>/manifest.json for every listed manifest that was read (shareable:
    no absolute paths)."""
    from kainuu_metrics.runs.manifest import shareable_bytes

    copied = []
    for m in manifests:
        source, run_id = m.get("_source"), str(m.get("run_id"))
        if isinstance(source, Path) and source.exists() and _RUN_ID.match(run_id) and not m.get("unreadable"):
            target = reports / RUNS_COPY_DIR / run_id / MANIFEST
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(shareable_bytes(json.loads(source.read_text(encoding="utf-8"))))
            copied.append(target)
    return copied


def publish_history(runs_dir: Path, reports: Path, *, current: dict[str, Any] | None = None, sample_data: bool, generated_at: str,
                    site_name: str = "") -> Path:
    """The pipeline's one call while the new published set is assembled: copy the earlier runs'
    manifests and write the page. `current` is this run's manifest as it stands (its final copy
    goes to reports/ajot/ when the run has ended, kainuu_metrics.runs.session)."""
    manifests = load_manifests(runs_dir)
    copy_manifests(manifests, reports)
    manifests += [current] if current else []
    context = PageContext(title="Ajohistoria", year=None, sample_data=sample_data, nav=[("Kaikki raportit", "index.html")],
                          generated_at=generated_at, site_name=site_name)
    return render_history_page(reports / HISTORY_PAGE, manifests, context)
