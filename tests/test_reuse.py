"""Work that did not change is not redone (issue 13): page keys per year, a no-change rerun
that writes nothing, and a rerun after adding a year that rebuilds only that year's pages."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from kainuu_metrics.report.notebooks import NotebookSpec
from kainuu_metrics.runs import reuse
from kainuu_metrics.runs.manifest import hash_tree

from .conftest import run_cli

SPECS = [NotebookSpec("summary.ipynb", "summary.html", "Yhteenveto"), NotebookSpec("grants.ipynb", "grants.html", "Avustukset")]


def _keys(inputs, file_years, **changes):
    arguments = dict(years=[2024, 2025, 2026], specs_for=lambda year: SPECS, inputs=inputs, file_years=file_years,
                     config={"domain.yaml": "c1"}, notebooks={"summary.ipynb": "n1", "grants.ipynb": "n2"}, sample=True,
                     program="p1", version="1.0")
    return reuse.page_keys(**{**arguments, **changes})


INPUTS = {"raw/grants/a_2024.csv": "h24", "raw/grants/a_2025.xlsx": "h25", "raw/population/p.json": "hp", "raw/toimitukset.yaml": "hl"}
YEARS = {"raw/grants/a_2024.csv": 2024, "raw/grants/a_2025.xlsx": 2025, "raw/population/p.json": None}


def test_a_new_years_file_changes_only_that_years_keys():
    before = _keys(INPUTS, YEARS)
    after = _keys({**INPUTS, "raw/grants/a_2026.csv": "h26"}, {**YEARS, "raw/grants/a_2026.csv": 2026})
    # 2024 is made of a_2024 + the undated population file and delivery log; 2025 adds a_2025;
    # a file dated 2026 is in neither, so only 2026's two pages get new keys.
    assert after["2024"] == before["2024"] and after["2025"] == before["2025"]
    assert after["2026"]["summary.html"] != before["2026"]["summary.html"] and after["2026"]["grants.html"] != before["2026"]["grants.html"]


def test_a_changed_file_changes_its_year_and_the_later_ones():
    before = _keys(INPUTS, YEARS)
    after = _keys({**INPUTS, "raw/grants/a_2025.xlsx": "changed"}, YEARS)
    assert after["2024"] == before["2024"]
    assert after["2025"] != before["2025"] and after["2026"] != before["2026"]
    undated = _keys({**INPUTS, "raw/toimitukset.yaml": "changed"}, YEARS)  # the delivery log is on every page
    assert all(undated[year] != before[year] for year in before)


def test_a_notebook_changes_its_page_and_the_program_every_page():
    before = _keys(INPUTS, YEARS)
    notebook = _keys(INPUTS, YEARS, notebooks={"summary.ipynb": "n1", "grants.ipynb": "changed"})
    assert all(notebook[y]["summary.html"] == before[y]["summary.html"] and notebook[y]["grants.html"] != before[y]["grants.html"] for y in before)
    program = _keys(INPUTS, YEARS, program="p2")
    assert all(program[y][page] != before[y][page] for y in before for page in before[y])


def _manifest(folder: Path, run_id: str, ended_at: str, exit_status: int = 0, command: str = "run") -> None:
    (folder / run_id).mkdir(parents=True)
    (folder / run_id / "manifest.json").write_text(json.dumps({"run_id": run_id, "ended_at": ended_at, "exit_status": exit_status,
                                                               "parameters": {"command": command}}), encoding="utf-8")


def test_the_last_successful_run_is_the_newest_matching_one(tmp_path):
    runs = tmp_path / "runs"
    _manifest(runs, "20261201T100000Z-aaaa", "2026-12-01T10:01:00Z")
    (runs / "20261130T090000Z-dead").mkdir(parents=True)
    (runs / "20261130T090000Z-dead" / "manifest.json").write_text("{broken", encoding="utf-8")  # unreadable: passed over
    _manifest(runs, "20261202T080000Z-bbbb", "2026-12-02T08:00:30Z", exit_status=1)  # newer but failed
    _manifest(runs, "20261202T090000Z-cccc", "2026-12-02T09:00:40Z", command="validate")  # newer, another command
    # Two runs started in the same second (a no-change rerun, then the next run): the later end wins.
    _manifest(runs, "20261202T070000Z-ffff", "2026-12-02T07:00:01Z")
    _manifest(runs, "20261202T070000Z-0000", "2026-12-02T07:00:09Z")
    found = reuse.last_successful(tmp_path, {"command": "run"}, compared=("command",))
    assert found["run_id"] == "20261202T070000Z-0000"
    assert reuse.last_successful(tmp_path, {"command": "validate"}, compared=("command",))["run_id"] == "20261202T090000Z-cccc"
    assert reuse.last_successful(tmp_path, {"command": "publish"}, compared=("command",)) is None


def test_the_fast_path_computes_the_key_fingerprint_and_suite_folder_as_the_run_does(tmp_path, monkeypatch):
    from kainuu_metrics import privacy
    from kainuu_metrics.quality.checks import EXPECTATIONS_DIR
    from kainuu_metrics.runs import manifest

    monkeypatch.setenv("KAINUU_METRICS_PSEUDONYM_KEY", "test-key-not-secret")
    key = b"test-key-not-secret"
    assert reuse._key_fingerprint(tmp_path) == privacy.key_fingerprint(key)
    assert manifest.EXPECTATIONS_DIR == EXPECTATIONS_DIR


def _outputs(data: Path, reports: Path) -> dict[str, str]:
    """Every output file's SHA-256 (processed/ without the run records, reports/ without the
    manifest copies of ajot/)."""
    return {**hash_tree(data / "processed", "processed/", lambda r: r.parts[0] == "runs"),
            **hash_tree(reports, "reports/", lambda r: r.parts[0] == "ajot")}


@pytest.fixture(scope="module")
def reruns(sample_run, tmp_path_factory):
    """The session's sample run copied; rerun with nothing changed; then a 2026 grant file (the
    2024 CSV with every "2024" made "2026") added and run again."""
    base = tmp_path_factory.mktemp("reuse")
    data, reports = base / "data", base / "reports"
    shutil.copytree(sample_run.data, data, symlinks=True)
    shutil.copytree(sample_run.reports, reports, symlinks=True)
    env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": "test-key-not-secret"}
    folders = ["--data", str(data), "--reports", str(reports)]
    steps = {"before": _outputs(data, reports)}
    steps["unchanged"] = run_cli("run", *folders, env=env)
    steps["after_unchanged"] = _outputs(data, reports)
    source = data / "raw" / "grants" / "jarjestoavustukset_2024.csv"
    (data / "raw" / "grants" / "jarjestoavustukset_2026.csv").write_bytes(source.read_bytes().replace(b"2024", b"2026"))
    steps["new_year"] = run_cli("run", *folders, env=env)
    steps["after_new_year"] = _outputs(data, reports)
    manifests = sorted((data / "processed" / "runs").glob("*/manifest.json"))
    # in the order the runs ended (a no-change rerun and the next run can start in the same second)
    steps["manifests"] = sorted((json.loads(p.read_text(encoding="utf-8")) for p in manifests), key=lambda m: (m["ended_at"], m["run_id"]))
    return base, steps


@pytest.mark.e2e
def test_a_rerun_with_nothing_changed_says_so_and_writes_nothing(sample_run, reruns):
    assert sample_run.returncode == 0
    _, steps = reruns
    result = steps["unchanged"]
    assert result.returncode == 0, result.stdout + result.stderr
    first = steps["manifests"][-3]  # the session's run, the unchanged rerun, the 2026 run
    assert f"Ei muutoksia edelliseen ajoon ({first['run_id']}): raportit ovat ajan tasalla." in result.stdout
    assert steps["after_unchanged"] == steps["before"]  # every output byte-identical
    reused = steps["manifests"][-2]
    assert reused["exit_status"] == 0 and reused["reused_from"] == first["run_id"]
    assert reused["files"]["outputs"] == first["files"]["outputs"] and reused["files"]["inputs"] == first["files"]["inputs"]


@pytest.mark.e2e
def test_adding_a_year_rebuilds_only_that_years_pages(reruns):
    _, steps = reruns
    assert steps["new_year"].returncode == 0, steps["new_year"].stdout + steps["new_year"].stderr
    before, after = steps["before"], steps["after_new_year"]
    manifest = steps["manifests"][-1]
    assert manifest["reused_years"] == [2023, 2024, 2025] and manifest["published_years"] == [2026]
    # Hand-checked: every notebook-made file of 2023-2025 (pages, executed notebooks, the
    # summary PDF, the recipients lists) keeps its bytes; the run-wide files beside them (the
    # quality page and its lists, lineage, the workbook copy) and the index are written again.
    for year in (2023, 2024, 2025):
        for page in ("summary.html", "summary.pdf", "grants.html", "municipalities.html", "council_term.html",
                     "notebooks/summary.ipynb", "avustusten_saajat.xlsx"):
            assert after[f"reports/{year}/{page}"] == before[f"reports/{year}/{page}"], (year, page)
    assert after["reports/2025/quality.html"] != before["reports/2025/quality.html"]  # the run's totals now count the 2026 file
    assert after["reports/index.html"] != before["reports/index.html"]
    assert {"reports/2026/summary.html", "reports/2026/grants.html", "reports/2026/quality.html"} <= set(after)
    assert "Vuosien 2023, 2024, 2025 sivujen lähteet ovat ennallaan" in steps["new_year"].stdout
