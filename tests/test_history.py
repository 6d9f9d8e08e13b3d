"""The run-history page reports/historia.html (issue 10 §5), built from test manifests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kainuu_metrics.paths import CONFIG_DIR, PROJECT_ROOT
from kainuu_metrics.report.history import HISTORY_PAGE, history_rows, load_manifests, publish_history, render_history_page
from kainuu_metrics.report.html_export import PageContext, find_external_references
from kainuu_metrics.report.pages import render_index
from kainuu_metrics.settings import load_domain

NB = "\u00a0"


def _manifest(run_id: str, started: str, status: int | None, total: int, warned: int, failed: int, years: list[int]) -> dict:
    return {
        "run_id": run_id, "started_at": started, "ended_at": started, "duration_s": 71.6, "exit_status": status,
        "command": "kainuu-metrics run", "parameters": {"years": years}, "user": "tarkastaja", "host": "kone",
        "version": "1.2.0", "git": {"commit": "abc1234", "modified": False}, "python": "3.12.3",
        "packages": {"pandas": "2.2.3"}, "chromium": "131", "files": {},
        "checks": {"total": total, "passed": total - warned - failed, "warned": warned, "failed": failed},
        "published_years": years,
    }


def _runs(tmp_path: Path) -> Path:
    runs = tmp_path / "data" / "processed" / "runs"
    for m in (_manifest("20261101T080000Z", "2026-11-01T08:00:00Z", 1, 120, 2, 1, []),
              _manifest("20261129T171200Z", "2026-11-29T17:12:00Z", 0, 1234, 3, 0, [2024, 2023])):
        (runs / m["run_id"]).mkdir(parents=True)
        (runs / m["run_id"] / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    (runs / "rikki").mkdir()
    (runs / "rikki" / "manifest.json").write_text("{ei jsonia", encoding="utf-8")
    return runs


def _context() -> PageContext:
    return PageContext(title="Ajohistoria", year=None, sample_data=False, nav=[("Kaikki raportit", "index.html")],
                       generated_at="1.12.2026 klo 12.00", site_name=load_domain(CONFIG_DIR).site_name)


def test_history_rows_newest_first_with_counts():
    rows = history_rows([_manifest("a", "2026-11-01T08:00:00Z", 1, 120, 2, 1, []),
                         _manifest("b", "2026-11-29T17:12:00Z", 0, 1234, 3, 0, [2024, 2023])])
    assert [r["run_id"] for r in rows] == ["b", "a"]
    # 17.12 UTC is 19.12 in Finnish (winter) time.
    assert rows[0]["started"] == "29.11.2026 klo 19.12"
    assert rows[0]["checks"] == f"1{NB}234" and rows[0]["warned"] == "3" and rows[0]["failed"] == "0"
    assert rows[0]["status"] == "✓ onnistui" and rows[1]["status"].startswith("✗")
    assert rows[0]["quality"] == [(2023, "2023/quality.html"), (2024, "2024/quality.html")]
    assert rows[0]["manifest"] == "ajot/b/manifest.json" and rows[0]["duration"] == "72 s"


def test_history_page_lists_every_run_and_copies_the_manifests(tmp_path):
    runs, reports = _runs(tmp_path), tmp_path / "reports"
    out = publish_history(runs, reports, sample_data=False, generated_at="1.12.2026 klo 12.00")
    assert out == reports / HISTORY_PAGE
    html = out.read_text(encoding="utf-8")
    assert "<caption>Ajot (3)</caption>" in html  # two runs and the unreadable one, which is not dropped
    assert html.index("20261129T171200Z") < html.index("20261101T080000Z")
    assert '<a href="ajot/20261129T171200Z/manifest.json">manifest.json</a>' in html
    assert '<a href="2023/quality.html">2023</a>, <a href="2024/quality.html">2024</a>' in html
    assert "? ajotietoja ei voitu lukea" in html
    assert f'<td class="luku">1{NB}234</td>' in html
    copied = json.loads((reports / "ajot" / "20261129T171200Z" / "manifest.json").read_text(encoding="utf-8"))
    assert copied["checks"]["total"] == 1234
    assert not (reports / "ajot" / "rikki").exists()
    assert find_external_references(html) == [] and str(tmp_path) not in html


def test_history_is_kept_across_runs(tmp_path):
    runs, reports = _runs(tmp_path), tmp_path / "reports"
    publish_history(runs, reports, sample_data=False, generated_at="1.12.2026 klo 12.00")
    later = _manifest("20261201T090000Z", "2026-12-01T09:00:00Z", 0, 1240, 1, 0, [2025])
    (runs / later["run_id"]).mkdir()
    (runs / later["run_id"] / "manifest.json").write_text(json.dumps(later), encoding="utf-8")
    html = publish_history(runs, reports, sample_data=False, generated_at="1.12.2026 klo 12.00").read_text(encoding="utf-8")
    assert "<caption>Ajot (4)</caption>" in html and len(load_manifests(runs)) == 4
    assert (reports / "ajot" / "20261101T080000Z" / "manifest.json").exists()


def test_render_history_page_is_a_function_of_the_manifests(tmp_path):
    html = render_history_page(tmp_path / HISTORY_PAGE, [], _context()).read_text(encoding="utf-8")
    assert "Ajoja ei ole vielä tallennettu." in html


def test_index_links_the_history(tmp_path):
    html = render_index(tmp_path / "index.html", years={}, quality_status={}, last_run="x", sample_data=False,
                        history_href="historia.html").read_text(encoding="utf-8")
    assert '<a href="historia.html">Ajohistoria</a>' in html
    assert "Ajohistoria" not in render_index(tmp_path / "i2.html", years={}, quality_status={}, last_run="x",
                                             sample_data=False).read_text(encoding="utf-8")


def test_make_clean_keeps_the_history_and_says_so(tmp_path):
    (tmp_path / "Makefile").write_text((PROJECT_ROOT / "Makefile").read_text(encoding="utf-8"), encoding="utf-8")
    kept = ["data/processed/runs/r1/manifest.json", "reports/ajot/r1/manifest.json", "reports/historia.html"]
    for name in [*kept, "reports/2024/grants.html", "data/processed/grants.parquet", "data/raw/grants/a.csv"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    clean = subprocess.run(["make", "-s", "clean"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "Ajohistoria säilytettiin" in clean.stdout and "make clean-history" in clean.stdout
    assert all((tmp_path / name).exists() for name in kept)
    assert not (tmp_path / "reports/2024").exists() and not (tmp_path / "data/processed/grants.parquet").exists()
    assert (tmp_path / "data/raw/grants/a.csv").exists()
    wiped = subprocess.run(["make", "-s", "clean-history"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "Poistetaan ajohistoria: data/processed/runs reports/ajot reports/historia.html" in wiped.stdout
    assert not any((tmp_path / name).exists() for name in kept)


def test_make_clean_keeps_the_published_archive_and_says_so(tmp_path):
    # reports/arkisto holds every publication of a year (issue 10 §2); `make clean` used to delete
    # it with the year folders and say nothing. It is kept, in Finnish, and clean-history leaves it too.
    (tmp_path / "Makefile").write_text((PROJECT_ROOT / "Makefile").read_text(encoding="utf-8"), encoding="utf-8")
    archived = "reports/arkisto/2023/20240101T000000Z/manifest.json"
    for name in [archived, "reports/2023/index.html", "reports/assets/plotly-abc.min.js", "data/processed/grants.parquet"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    clean = subprocess.run(["make", "-s", "clean"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert "Julkaistujen vuosien arkisto säilytettiin: reports/arkisto/" in clean.stdout
    assert (tmp_path / archived).read_text(encoding="utf-8") == "x"
    assert not (tmp_path / "reports/2023").exists() and not (tmp_path / "reports/assets").exists()
    subprocess.run(["make", "-s", "clean-history"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert (tmp_path / archived).exists()
