"""Byte-identical reruns (issue 10 §3): two runs on the same inputs, key and configuration, into
two folders, write the same bytes in every output, and no output holds an absolute path.

The session's sample run is the first run; this module makes the second one into folders of
its own, with SOURCE_DATE_EPOCH set to the first run's start time. Pages, PDFs and workbooks
show the run's start time (the one its manifest records), and a PDF prints it as glyphs in a
compressed stream where no mask can reach it, so the second run takes the first one's start
time instead (the reproducible-builds convention; its manifest says `source_date_epoch: true`).
Masked before comparing (documented in README "Runs and manifests"), and nothing else:
- the run id's random part (`20261201T224500Z-3f2a`), which names the quality results file
  processed/quality/<run id>.json and is written inside it;
- data/processed/runs/ (the manifests and console logs themselves), the run history page and its
  copies of the manifests (reports/historia.html, reports/ajot/) are not compared; they are
  scanned for absolute paths like every other output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{4}")


def manifest_of(data: Path) -> dict:
    (path,) = sorted((data / "processed" / "runs").glob("*/manifest.json"))[-1:]
    return json.loads(path.read_text(encoding="utf-8"))


def masks(manifest: dict) -> list[tuple[bytes, bytes]]:
    return [(manifest["run_id"].encode("ascii"), b"<AJO>")]


def outputs(data: Path, reports: Path, run_id: str, scan: bool = False) -> dict[str, Path]:
    files = {}
    for prefix, root in (("processed", data / "processed"), ("reports", reports)):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root)
            if prefix == "processed" and relative.parts[0] == "runs":
                continue
            if prefix == "reports" and relative.parts[0] in ("ajot", "historia.html") and not scan:
                continue  # the run history and its manifest copies describe the runs: their ids, times and durations
            files[f"{prefix}/{relative.as_posix().replace(run_id, '<AJO>')}"] = path
    return files


def masked(path: Path, replacements: list[tuple[bytes, bytes]]) -> bytes:
    data = path.read_bytes()
    for old, new in replacements:
        data = data.replace(old, new)
    return data


@pytest.fixture(scope="module")
def second_run(tmp_path_factory, sample_run):
    base = tmp_path_factory.mktemp("toinen-ajo")
    data, reports = base / "data", base / "reports"
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    started = dt.datetime.fromisoformat(manifest_of(sample_run.data)["started_at"].replace("Z", "+00:00"))
    env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": "test-key-not-secret", "SOURCE_DATE_EPOCH": str(int(started.timestamp()))}
    result = run_cli("run", "--data", str(data), "--reports", str(reports), env=env)
    assert result.returncode == 0, result.stderr
    return data, reports


def test_two_runs_write_the_same_bytes(sample_run, second_run):
    assert sample_run.returncode == 0, sample_run.stderr
    first_manifest, second_manifest = manifest_of(sample_run.data), manifest_of(second_run[0])
    first = outputs(sample_run.data, sample_run.reports, first_manifest["run_id"])
    second = outputs(*second_run, second_manifest["run_id"])
    assert second_manifest["started_at"] == first_manifest["started_at"] and second_manifest["source_date_epoch"]
    assert sorted(first) == sorted(second)
    assert any(name.endswith("summary.pdf") for name in first) and any(name.endswith(".xlsx") for name in first)
    different = [name for name in first
                 if masked(first[name], masks(first_manifest)) != masked(second[name], masks(second_manifest))]
    assert different == []
    # The manifests agree on every hash of the inputs, configuration, suites and notebooks.
    for section in ("inputs", "config", "suites", "notebooks"):
        assert first_manifest["files"][section] == second_manifest["files"][section]


def test_no_output_holds_an_absolute_path(sample_run, second_run):
    forbidden = {str(sample_run.data.parent), str(second_run[0].parent), str(Path.home()), str(ROOT), "/work/", "/tmp/",
                 "file:///"}
    forbidden = {text.encode("utf-8") for text in forbidden if len(text) > 1}
    found = []
    for data, reports in ((sample_run.data, sample_run.reports), second_run):
        for name, path in outputs(data, reports, "-", scan=True).items():
            content = path.read_bytes()
            found += [(name, text.decode()) for text in forbidden if text in content]
    assert found == []
