"""The sample-data generator: reproducible bytes, the real 2023 sums, encodings, known headers."""

from __future__ import annotations

import csv
import importlib.util
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_column_mapping, load_domain, normalise_key
from kainuu_metrics.datasets.parsing import is_blank, parse_finnish_number
from kainuu_metrics.datasets.readers import read_grids

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "generate_sample_data.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_sample_data", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    generator = _generator()
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    generator.generate_all(first)
    generator.generate_all(second)
    return first, second


@pytest.fixture(scope="module")
def grants_dir(runs: tuple[Path, Path]) -> Path:
    return runs[0] / "raw" / "grants"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _header_index(rows: list[tuple[object, ...]]) -> int:
    """The first row with at least three filled cells (title rows have one)."""
    return next(i for i, row in enumerate(rows) if sum(not is_blank(c) for c in row) >= 3)


def test_two_runs_write_identical_bytes(runs: tuple[Path, Path]) -> None:
    first, second = (_files(root) for root in runs)
    assert set(first) >= {
        "raw/ESIMERKKIAINEISTO.txt",
        "raw/grants/avustuspaatokset_2023.xlsx",
        "raw/grants/jarjestoavustukset_2024.csv",
        "raw/grants/kerta-avustukset_2024.csv",
        "raw/grants/avustukset_2025.xlsx",
    }
    assert first == second


def test_workbooks_carry_fixed_dates_not_the_clock(grants_dir: Path) -> None:
    # Both runs happen within the same second, so equal bytes alone would not prove this.
    for path in sorted(grants_dir.glob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            stamps = {info.date_time for info in archive.infolist()}
        properties = load_workbook(path).properties
        assert len(stamps) == 1
        assert properties.created == properties.modified
        assert stamps == {properties.created.timetuple()[:6]}
        assert properties.created.year in (2023, 2025)


def test_2023_file_has_the_public_decision_sums(grants_dir: Path) -> None:
    sheet = load_workbook(grants_dir / "avustuspaatokset_2023.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = _header_index(rows)
    header = list(rows[header_at])
    name, kind, granted = header.index("Hakija"), header.index("Avustuslaji"), header.index("Myönnetty €")
    body = [r for r in rows[header_at + 1 :] if not is_blank(r[name])]
    totals = [r for r in body if str(r[name]).startswith("Yhteensä")]
    applications = [r for r in body if r not in totals]
    grant_types = load_domain(CONFIG_DIR).grant_types

    by_type: dict[str, float] = {}
    count: dict[str, int] = {}
    for row in applications:
        canonical = grant_types[normalise_key(row[kind])]
        by_type[canonical] = by_type.get(canonical, 0) + parse_finnish_number(row[granted])
        count[canonical] = count.get(canonical, 0) + 1

    assert len(applications) == 44
    assert count == {"toiminta": 35, "kumppanuus": 6, "kerta": 3}
    assert sum(by_type.values()) == 122_200
    assert by_type == {"toiminta": 47_200, "kumppanuus": 75_000, "kerta": 0}
    assert [r[granted] for r in totals] == [122_200]
    assert rows[:3] == [
        ("Kainuun hyvinvointialue – järjestöavustukset 2023",) + (None,) * (len(header) - 1),
        ("ESIMERKKIAINEISTO: julkisen päätöksen 15.3.2023 summat, muut tiedot keksittyjä",)
        + (None,) * (len(header) - 1),
        (None,) * len(header),
    ]


def test_2024_main_csv_is_windows_1252_with_semicolons_and_crlf(grants_dir: Path) -> None:
    data = (grants_dir / "jarjestoavustukset_2024.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "ä" in text and "ö" in text and "€" in text
    assert data.count(b"\n") == data.count(b"\r\n")
    lines = text.split("\r\n")
    assert lines[0].startswith('"Järjestöavustukset 2024') and lines[1] == ""
    header = next(csv.reader([lines[2]], delimiter=";"))
    assert header[:3] == ["Järjestön nimi", "Ytunnus", "Rek.nro"] and len(header) == 16


def test_2024_one_off_csv_is_utf8_with_bom_and_commas(grants_dir: Path) -> None:
    data = (grants_dir / "kerta-avustukset_2024.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=","))
    assert rows[0][0] == "Hakijan nimi"
    assert {len(r) for r in rows} == {11}


def test_planted_problems_are_in_the_files(grants_dir: Path) -> None:
    main_2024 = (grants_dir / "jarjestoavustukset_2024.csv").read_bytes().decode("cp1252")
    one_off_2024 = (grants_dir / "kerta-avustukset_2024.csv").read_text(encoding="utf-8-sig")
    assert ";noin 500;" in main_2024
    assert "\r\n;;;toiminta-avustus;" in main_2024  # organisation missing, amounts present
    assert ";FI20774740;" in main_2024 and ";700367-7;" in main_2024
    assert ",Oulu," in one_off_2024
    values_2025 = {c for row in load_workbook(grants_dir / "avustukset_2025.xlsx")["VA"].iter_rows(values_only=True) for c in row}
    assert {-200, "31.2.2025"} <= values_2025


def test_every_header_is_mapped_or_ignored(grants_dir: Path) -> None:
    mapping = load_column_mapping(CONFIG_DIR, "grants")
    files = sorted(grants_dir.iterdir())
    assert len(files) == 4
    for path in files:
        for sheet in read_grids(path):
            rows = [cells for _, cells in sheet.rows]
            header = [c for c in rows[_header_index(rows)] if not is_blank(c)]
            unknown = [h for h in header if mapping.canonical(h) is None and not mapping.is_ignored(h)]
            assert unknown == [], f"{path.name}: {unknown}"
