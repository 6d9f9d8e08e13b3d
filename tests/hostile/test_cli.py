"""A few hostile folders through the real command (`kainuu-metrics validate`) in a subprocess
with a timeout: never exit 3 (a program error), never hang; a user's broken file is a Finnish
message and exit 2; the quality page names each duplicate's original."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kainuu_metrics.paths import PROJECT_ROOT

from .builders import K, X, edit_x, grants_folder, k_lines, sample_copy, write_k

CLI = Path(sys.executable).parent / "kainuu-metrics"


def validate(data: Path, reports: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": "test-key-not-secret"}
    return subprocess.run([str(CLI), "validate", "--data", str(data), "--reports", str(reports)],
                          capture_output=True, text=True, env=env, timeout=180, cwd=PROJECT_ROOT)


def test_a_folder_of_hostile_files_validates_names_every_file_and_lists_the_copies(tmp_path):
    layout = sample_copy(tmp_path, K, X)
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / "population", layout.raw / "population")
    lines = k_lines(layout)
    write_k(layout, lines + [lines[10]])  # line 15 repeats line 11 (Kuhmon Eläkeläiset ry, 600 €)
    edit_x(layout, lambda book: None, save_as="avustukset_2025.xlsm")
    (grants_folder(layout) / "tyhja_2024.csv").write_bytes(b"")
    (grants_folder(layout) / "vanha_2023.xls").write_bytes(b"x")
    result = validate(layout.data, layout.reports)
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), output  # 1 would be a failed check; never 2 or 3 here
    assert "Traceback" not in output
    for shown in ("raw/grants/avustukset_2025.xlsm", "raw/grants/tyhja_2024.csv", "raw/grants/vanha_2023.xls"):
        assert shown in output
    page = (layout.reports / "2024" / "quality.html").read_text(encoding="utf-8")
    assert "todennäköinen kaksoiskappale" in page and "kuin raw/grants/kerta-avustukset_2024.csv, rivi 11" in page


def test_an_unclosed_quote_is_a_finnish_message_and_exit_2(tmp_path):
    layout = sample_copy(tmp_path, K)
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / "population", layout.raw / "population")
    lines = k_lines(layout)
    lines[1] = lines[1][: -len("Kyllä")] + '"Kyllä'
    write_k(layout, lines)
    result = validate(layout.data, layout.reports)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "raw/grants/kerta-avustukset_2024.csv" in result.stderr and "rivillä 2 alkava lainaus" in result.stderr
