"""The package's shape: no county's facts in code, reading never imports report code, short
modules, and a new dataset plugs in through one registry line (README, "Adding a dataset")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from kainuu_metrics.datasets.base import CleaningContext, Dataset, DatasetOutput, Derived
from kainuu_metrics.datasets.readers import read_grids
from kainuu_metrics.datasets.rows import RowProblem, SheetLedger
from kainuu_metrics.indicators.table import COUNT, lookup, rows, tidy
from kainuu_metrics.paths import CONFIG_DIR, PACKAGE_DIR, Layout
from kainuu_metrics.pipeline import clean_inputs, in_dependency_order
from kainuu_metrics.settings import load_settings

SOURCE_SUFFIXES = {".py", ".json", ".j2", ".js", ".css", ".yaml"}
MAX_LINES = 500


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*") if p.suffix in SOURCE_SUFFIXES and "__pycache__" not in p.parts)


def test_no_municipality_name_or_code_of_the_configured_region_in_the_package():
    domain = yaml.safe_load((CONFIG_DIR / "domain.yaml").read_text(encoding="utf-8"))
    names = [spec["name"] for spec in domain["municipalities"].values()]
    codes = list(domain["municipalities"])
    name_pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")", re.IGNORECASE)
    code_pattern = re.compile(r"(KU|\"|')(" + "|".join(codes) + r")\b|\b" + re.escape(domain["region"]["code"]) + r"\b")
    region_in_text = re.compile(re.escape(domain["region"]["genitive"]) + r"\b")  # "Kainuun ..." in a message
    found = []
    for path in package_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if name_pattern.search(line) or code_pattern.search(line) or region_in_text.search(line):
                found.append(f"{path.relative_to(PACKAGE_DIR)}:{number}: {line.strip()[:80]}")
    assert not found, "\n".join(found)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # imports inside functions count too
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_reading_cleaning_and_indicators_never_import_report_code_or_plotly():
    offenders = []
    for layer in ("datasets", "indicators", "quality"):
        for path in sorted((PACKAGE_DIR / layer).rglob("*.py")):
            bad = {m for m in imported_modules(path) if m.startswith(("kainuu_metrics.report", "plotly"))}
            if bad:
                offenders.append(f"{path.relative_to(PACKAGE_DIR)}: {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def test_no_module_over_500_lines_without_a_stated_reason():
    long = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES and "Over 500 lines because" not in (ast.get_docstring(ast.parse(text)) or ""):
            long.append(f"{path.relative_to(PACKAGE_DIR)}: {text.count(chr(10))} lines")
    assert not long, "\n".join(long)


# --- a sixth dataset, written the way README's "Adding a dataset" says -------------------------

TOY = "toy_visits"


def clean_toy(paths: list[Path], context: CleaningContext) -> DatasetOutput:
    """year;visits -> one row per year; a non-number is rejected with a reason."""
    results = []
    for path in paths:
        source_file = context.layout.relative_to_data(path)
        for sheet in read_grids(path):
            ledger = SheetLedger(dataset=TOY, source_file=source_file, sheet=sheet.name, sha256="-", rows_read=len(sheet.rows))
            for number, cells in sheet.rows:
                if cells[0] == "year":
                    ledger.skip(number, "header")
                    continue
                try:
                    ledger.keep(number, {"year": int(cells[0]), "visits": int(cells[1])})
                except ValueError:
                    ledger.reject(number, [RowProblem("visits", "käyntimäärä ei ole kokonaisluku")], {"visits": cells[1]})
            results.append(ledger.result(["year", "visits", "source_file", "sheet", "source_row"]))
    from kainuu_metrics.datasets.accounting import combine

    return DatasetOutput({TOY: combine(results)})


def toy_indicators(tables, settings) -> Derived:
    visits = tables[TOY].groupby("year")["visits"].sum()
    records = [r for year, total in visits.items() for r in rows("toy_visits", year, {settings.domain.region_code: float(total)}, COUNT)]
    return Derived(tidy(records))


def test_a_new_dataset_plugs_in_with_one_registry_line(tmp_path):
    folder = tmp_path / "raw" / "toy"
    folder.mkdir(parents=True)
    (folder / "visits.csv").write_text("year;visits\n2024;3\n2024;4\n2025;x\n2025;10\n", encoding="utf-8")
    toy = Dataset(name="toy", label="Kokeiluaineisto", raw_folder="toy", clean=clean_toy, indicators=toy_indicators, tables={TOY: "Käynnit"})
    settings = load_settings(CONFIG_DIR)

    cleaned = clean_inputs(Layout(tmp_path, tmp_path / "reports"), settings, datasets=(toy,))

    region = settings.domain.region_code
    assert lookup(cleaned.indicators, "toy_visits", 2024, region).value == 7.0
    assert lookup(cleaned.indicators, "toy_visits", 2025, region).value == 10.0
    [account] = cleaned.accounts
    assert (account.rows_read, account.cleaned, account.rejected, account.skipped) == (5, 3, 1, 1)
    assert cleaned.results[TOY].rejected["reason"].tolist() == ["käyntimäärä ei ole kokonaisluku"]
    assert list(cleaned.tables[TOY]["visits"]) == [3, 4, 10]


def test_datasets_are_cleaned_after_the_ones_they_need():
    def named(name, needs=()):
        return Dataset(name=name, label=name, raw_folder=name, clean=lambda p, c: DatasetOutput({}), tables={}, needs=needs)

    order = in_dependency_order((named("c", ("b",)), named("b", ("a",)), named("a")))
    assert [d.name for d in order] == ["a", "b", "c"]


def test_the_registry_names_every_processed_table_once():
    from kainuu_metrics.registry import datasets, table_labels

    names = [d.name for d in datasets()]
    assert len(names) == len(set(names))
    labels = table_labels()
    assert {"grants", "population", "premises", "experience_assignments", "experience_register", "tuokio_ratings", "denominators"} <= set(labels)
    assert all(label and label[0].isupper() for label in labels.values())
