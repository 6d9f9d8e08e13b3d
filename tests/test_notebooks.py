"""Every report notebook: the same shape rules, and each runs as it is from JupyterLab's working
directory (notebooks/) with its defaults after a run on the sample data; without processed data
its first code cell stops with one Finnish sentence. Also the municipality page's figures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from kainuu_metrics.indicators.table import rows, tidy
from kainuu_metrics.report import municipalities
from kainuu_metrics.report.notebook_setup import NotebookStop, find_project_root, open_report
from kainuu_metrics.report.notebooks import load_notebook_specs
from kainuu_metrics.settings import load_settings

from .conftest import ROOT

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
PARAMETERS = {"year": "Optional[int]", "data_dir": "str", "config_dir": "str"}
MISSING_DATA = "Aja ensin `make run` projektin kansiossa: käsiteltyjä tietoja (data/processed/indicators.csv) ei vielä ole."


def _cells(name: str) -> list[dict]:
    return json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]


def test_there_are_notebooks_and_every_one_is_a_page_in_both_counties():
    assert len(NOTEBOOKS) == 7 and "municipalities.ipynb" in NOTEBOOKS
    for config in (ROOT / "config", ROOT / "examples" / "keski-pohjanmaa" / "config"):
        assert sorted(s.notebook for s in load_notebook_specs(config)) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_shape(name):
    cells = _cells(name)
    code = [c for c in cells if c["cell_type"] == "code"]
    # One parameters cell, the first code cell; typed so that papermill reads the types.
    assert [c for c in code if "parameters" in c["metadata"].get("tags", [])] == [code[0]]
    inspected = papermill.inspect_notebook(str(ROOT / "notebooks" / name))
    assert {p: v["inferred_type_name"] for p, v in inspected.items()} == PARAMETERS
    assert inspected["year"]["default"] == "None"  # the latest year with data
    # The parameters are used: open_report takes all three.
    assert "open_report(year, data_dir, config_dir" in "".join(code[1]["source"])
    source = "\n".join("".join(c["source"]) for c in code)
    assert "reports_dir" not in source and "Markdown" not in source and "display(Markdown" not in source and "from IPython" not in source
    assert "\ndef " not in "\n" + source and "\nclass " not in "\n" + source
    assert "if date is not None" not in source or name == "tuokio.ipynb"  # see below
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    # Reads as a document: a title, and a Markdown heading before the content.
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    assert any(c["cell_type"] == "markdown" and "".join(c["source"]).startswith("## ") for c in cells)


def test_tuokio_keeps_its_guard_only_for_a_year_with_local_evaluations_only():
    # The Tuokio page exists for every year with an evaluation, also one with only local
    # evaluations (no county-wide date): its county-wide sections are guarded, and their
    # headings come from the same guarded cells.
    source = "\n".join("".join(c["source"]) for c in _cells("tuokio.ipynb") if c["cell_type"] == "code")
    assert "Scatterpolar" not in source and "radar_figure(" in source


# --- open_report, no kernel -------------------------------------------------------------------


def _project(tmp_path: Path, data: Path | None) -> Path:
    """A project root like the repository's: pyproject.toml, config/, notebooks/ and (when
    given) data/ with the processed data of a run."""
    root = tmp_path / "projekti"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    shutil.copytree(ROOT / "config", root / "config")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    if data is not None:
        (root / "data").symlink_to(data, target_is_directory=True)
    return root


def test_project_root_is_found_from_a_subfolder_and_from_the_environment(tmp_path, monkeypatch):
    root = _project(tmp_path, None)
    monkeypatch.delenv("KAINUU_METRICS_PROJECT", raising=False)
    assert find_project_root(root / "notebooks") == root.resolve()
    assert find_project_root(tmp_path) is None
    monkeypatch.setenv("KAINUU_METRICS_PROJECT", str(root))
    assert find_project_root(tmp_path) == root.resolve()


def test_missing_processed_data_is_one_finnish_sentence(tmp_path, monkeypatch):
    root = _project(tmp_path, None)
    monkeypatch.delenv("KAINUU_METRICS_PROJECT", raising=False)
    monkeypatch.chdir(root / "notebooks")
    with pytest.raises(NotebookStop) as caught:
        open_report()
    assert str(caught.value) == MISSING_DATA
    assert caught.value._render_traceback_() == [MISSING_DATA]  # IPython shows only this


@pytest.mark.e2e
def test_open_report_defaults_to_the_latest_year_and_names_the_years_with_data(sample_run, tmp_path, monkeypatch):
    root = _project(tmp_path, sample_run.data)
    monkeypatch.delenv("KAINUU_METRICS_PROJECT", raising=False)
    monkeypatch.chdir(root / "notebooks")
    report = open_report()
    assert (report.year, report.years) == (2025, [2023, 2024, 2025])  # sample grant files 2023, 2024, 2025
    assert report.data_dir == (root / "data").resolve() and report.config_dir == (root / "config").resolve()
    assert open_report(None, dataset="tuokio").years == [2024, 2025]  # evaluations 14.11.2024 and 12.11.2025
    with pytest.raises(NotebookStop) as caught:
        open_report(2026)
    assert str(caught.value) == ("Vuodelta 2026 ei ole avustusaineistoa; sitä on vuosilta 2023, 2024 ja 2025, "
                                 "joten anna parametriksi jokin niistä (year = 2025).")


# --- every notebook with nbclient from notebooks/ ------------------------------------------------


def _execute(root: Path, name: str) -> nbformat.NotebookNode:
    nb = nbformat.read(root / "notebooks" / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(root / "notebooks")}}).execute()
    return nb


@pytest.mark.e2e
def test_every_notebook_runs_from_the_notebooks_folder_with_its_defaults(sample_run, tmp_path, monkeypatch):
    assert sample_run.returncode == 0, sample_run.stderr
    monkeypatch.delenv("KAINUU_METRICS_PROJECT", raising=False)
    root = _project(tmp_path, sample_run.data)
    for name in NOTEBOOKS:
        nb = _execute(root, name)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"], name
        html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
        assert "2025" in html, name  # the default year: the latest with data
        assert str(root) not in html and str(sample_run.data) not in html, name  # no machine paths


@pytest.mark.e2e
def test_without_processed_data_the_first_cell_stops_with_one_sentence(tmp_path, monkeypatch):
    monkeypatch.delenv("KAINUU_METRICS_PROJECT", raising=False)
    root = _project(tmp_path, None)
    nb = nbformat.read(root / "notebooks" / "grants.ipynb", as_version=4)
    with pytest.raises(CellExecutionError):
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(root / "notebooks")}}).execute()
    failed = [c for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    assert failed == [[c for c in nb.cells if c.cell_type == "code"][1]]  # the first cell after the parameters
    error = next(o for o in failed[0].outputs if o.output_type == "error")
    assert (error.ename, error.evalue, error.traceback) == ("NotebookStop", MISSING_DATA, [MISSING_DATA])


# --- the municipality page --------------------------------------------------------------------


def test_municipality_profiles_count_organisations_and_premises_by_home_municipality():
    domain = load_settings(ROOT / "config").domain
    region = domain.region_code
    first, second = list(domain.municipalities)[:2]
    grants = pd.DataFrame({
        "year": [2024, 2024, 2024, 2024, 2023],
        "organisation": ["Alfa ry", "Beta", "Beta", "Gamma ry", "Delta ry"],
        "business_id": [None, "1234567-1", "1234567-1", None, None],
        "municipality_code": [first, first, first, second, second],
        "activity_municipalities": [None] * 5,
        "granted_eur": [1000.0, 300.0, 200.0, 0.0, 50.0],
    })
    bookings = pd.DataFrame({
        "year": [2024, 2024, 2024, 2024],
        "organisation": ["ALFA r.y.", "Delta ry", "Epsilon", "Alfa ry"],
        "business_id": [None, None, None, None],
        "cost_eur": [100.0, 40.0, 7.0, 20.0],
        "hours": [4.0, 2.0, 1.0, 1.0],
    })
    indicators = tidy(
        rows("grants_total_eur", 2024, {region: 1500.0, f"KU{first}": 1500.0, f"KU{second}": 0.0}, "EUR")
        + rows("premises_inkind_eur", 2024, {region: 167.0}, "EUR")
        + rows("premises_hours", 2024, {region: 8.0}, "h")
    )
    profiles = {p.code: p.table.set_index("Tunnusluku") for p in municipalities.municipality_profiles(indicators, grants, bookings, 2024, domain)}
    region_column = f"{domain.region_name} yhteensä"
    one, two = profiles[first], profiles[second]
    name_one, name_two = domain.municipalities[first], domain.municipalities[second]
    # Alfa (1000 €) and Beta (two grants, one Y-tunnus: 300 + 200 €) are based in the first: 2
    # organisations; Gamma got 0 €, so it is no recipient; the region has 2 recipients in 2024.
    assert one.loc["Avustusta saaneet järjestöt, kotikunta (kpl)", name_one] == 2
    assert two.loc["Avustusta saaneet järjestöt, kotikunta (kpl)", name_two] == 0
    assert one.loc["Avustusta saaneet järjestöt, kotikunta (kpl)", region_column] == 2
    assert one.loc["Avustukset järjestön kotikunnan mukaan (€)", name_one] == 1500  # 1000 + 300 + 200
    # Premises: "ALFA r.y." and "Alfa ry" are Alfa (first): 100 + 20 = 120 €, 4 + 1 = 5 h, one
    # organisation; Delta's home (second) comes from its 2023 grant: 40 €, 2 h; Epsilon has no
    # grant: its 7 € are in the region's 167 € only.
    assert (one.loc["Tilojen maksuton käyttö, järjestön kotikunnan mukaan (€)", name_one],
            one.loc["Tilojen käyttötunnit, järjestön kotikunnan mukaan", name_one],
            one.loc["Tiloja käyttäneet järjestöt (kpl)", name_one]) == (120.0, 5.0, 1)
    assert two.loc["Tilojen maksuton käyttö, järjestön kotikunnan mukaan (€)", name_two] == 40.0
    assert one.loc["Tilojen maksuton käyttö, järjestön kotikunnan mukaan (€)", region_column] == 167.0
    assert one.loc["Tiloja käyttäneet järjestöt (kpl)", region_column] == 3  # Alfa, Delta, Epsilon
    # The exports state no area of activity: that view has no figures (–), not zeros.
    assert one.loc["Järjestöt, joiden toiminta-alueeseen kunta kuuluu (kpl)", name_one] is None or pd.isna(one.loc["Järjestöt, joiden toiminta-alueeseen kunta kuuluu (kpl)", name_one])
    html = municipalities.municipality_profiles_html(list(municipalities.municipality_profiles(indicators, grants, bookings, 2024, domain)), 2024)
    assert html.count('<section class="kunta"') == len(domain.municipalities) and "<details" not in html
