"""Shared fixtures. The end-to-end run on the sample data happens once per test session, even
with several xdist workers (they share it through a lock file)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "kainuu-metrics"


@dataclass(frozen=True)
class SampleRun:
    data: Path
    reports: Path
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=600)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> SampleRun:
    # xdist workers have their own basetemp inside the session's: they share its parent. Without
    # xdist that parent holds every session's folder, so the session's own basetemp is used.
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "sample-run"
    shared.mkdir(exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "result.json"
        if not done.exists():
            data, reports = shared / "data", shared / "reports"
            shutil.copytree(ROOT / "data" / "raw", data / "raw")
            env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": "test-key-not-secret"}
            result = run_cli("run", "--data", str(data), "--reports", str(reports), env=env)
            done.write_text(json.dumps({"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}))
        outcome = json.loads(done.read_text())
    return SampleRun(shared / "data", shared / "reports", outcome["returncode"], outcome["stdout"], outcome["stderr"])
