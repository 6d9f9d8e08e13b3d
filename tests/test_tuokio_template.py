"""The Yhteistyö-Tuokio form: structure, drop-downs from the configuration, protection, and an
end-to-end check that a form written by the template writer, filled in with openpyxl, is read
back into the expected (hand-computed) scores."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from kainuu_metrics.datasets import tuokio
from kainuu_metrics.datasets.tuokio.config import EXAMPLE
from kainuu_metrics.datasets.tuokio.template import SCALE_NAME, build_tuokio_workbook, write_blank_form, write_blank_forms, write_tuokio_template
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.indicators import tuokio as scoring
from kainuu_metrics.paths import CONFIG_DIR, Layout
from kainuu_metrics.settings import load_settings

SETTINGS = load_settings(CONFIG_DIR)
CONFIG = tuokio.load_tuokio_config(SETTINGS)


def rows_by_key(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)}


def defined_values(workbook, name: str) -> list[object]:
    sheet, cells = next(iter(workbook.defined_names[name].destinations))
    return [c.value for row in workbook[sheet][cells] for c in row]


def validations(ws) -> dict[str, set[str]]:
    """Drop-down list name -> the cells it applies to."""
    out: dict[str, set[str]] = {}
    for dv in ws.data_validations.dataValidation:
        out.setdefault(dv.formula1, set()).update(str(r) for r in dv.sqref.ranges)
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_blank_form(tmp_path_factory.mktemp("pohja") / "lomake", SETTINGS)


def test_writes_an_xlsx_with_the_sheets_in_finnish(template: Path) -> None:
    assert template.name == "lomake.xlsx"
    workbook = load_workbook(template)
    assert workbook.sheetnames == ["Ohjeet", "Arviointi", "Yhteenveto", "meta"]
    assert workbook["meta"].sheet_state == "veryHidden"
    assert workbook.active.title == "Arviointi"
    instructions = [c for row in workbook["Ohjeet"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    text = "\n".join(instructions)
    assert "Nimeä ei kysytä" in text and "ei arvioitu" in text
    assert all(c.name in instructions for c in CONFIG.criteria)
    assert all(s.label in instructions for s in CONFIG.stages)
    assert workbook["Ohjeet"]["A3"].value is None  # the sample generator's marker cell, empty here
    assert workbook["Ohjeet"]["A2"].value.startswith(f"{SETTINGS.domain.region_genitive} hyvinvointialue · ")
    assert "(hyvinvointialue, järjestö, kunta tai muu)" in text  # the configured actor types


def test_the_county_and_actor_types_come_from_the_arguments() -> None:
    config = tuokio.TuokioConfig.model_validate(EXAMPLE)
    workbook = build_tuokio_workbook(config, "Esimerkkilän")
    assert workbook["Ohjeet"]["A2"].value.startswith("Esimerkkilän hyvinvointialue · ")
    assert workbook.properties.subject == "Esimerkkilän hyvinvointialueen järjestöyhteistyön arviointi"
    steps = [c for row in workbook["Ohjeet"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Valitse ensin toimijataho (järjestö tai muu)." in step for step in steps)


def test_an_existing_file_is_not_overwritten(template: Path) -> None:
    with pytest.raises(InputFileError, match="tiedosto on jo olemassa"):
        write_tuokio_template(template, CONFIG, "Kainuun")
    assert write_tuokio_template(template, CONFIG, "Kainuun", overwrite=True) == template


def meta_of(path_or_workbook) -> dict[str, object]:
    workbook = load_workbook(path_or_workbook) if isinstance(path_or_workbook, Path) else path_or_workbook
    return {row[0]: row[1] for row in workbook["meta"].iter_rows(max_col=2, values_only=True) if row[0]}


def test_meta_sheet_names_the_template(template: Path) -> None:
    meta = meta_of(template)
    assert meta["template_id"] == "kainuu-yhteistyo-tuokio"
    assert meta["template_version"] == CONFIG.template_version == 2
    assert meta["scale_stages"] == CONFIG.n_stages
    assert meta["criteria"].split(",") == [c.id for c in CONFIG.criteria]
    # The form's identity: a random id of 32 hex digits, and the county-wide yearly evaluation by default.
    assert re.fullmatch(r"[0-9a-f]{32}", meta["form_id"])
    assert (meta["scope"], meta["scope_name"]) == ("hyvinvointialue", None)


def test_every_form_gets_its_own_id_and_a_local_one_its_name(tmp_path: Path) -> None:
    first, second = build_tuokio_workbook(CONFIG, "Kainuun"), build_tuokio_workbook(CONFIG, "Kainuun")
    assert meta_of(first)["form_id"] != meta_of(second)["form_id"]
    assert meta_of(build_tuokio_workbook(CONFIG, "Kainuun", form_id="ab" * 16))["form_id"] == "ab" * 16
    local = build_tuokio_workbook(CONFIG, "Kainuun", local_name="  Pohjoinen   alue ")
    assert (meta_of(local)["scope"], meta_of(local)["scope_name"]) == ("paikallinen", "Pohjoinen alue")
    texts = [c for row in local["Ohjeet"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert local["Ohjeet"]["A4"].value.startswith("Paikallinen arviointi: Pohjoinen alue. Sen tulokset raportoidaan erikseen")
    assert any("data/raw/tuokio/2025-12-03 Pohjoinen alue/" in t for t in texts)
    assert local["Arviointi"]["B1"].value == "Yhteistyö-Tuokio – arviointi (Pohjoinen alue, paikallinen arviointi)"
    county = build_tuokio_workbook(CONFIG, "Kainuun")
    assert county["Ohjeet"]["A4"].value == "Koko hyvinvointialueen vuosittainen Yhteistyö-Tuokio-arviointi."
    assert county["Arviointi"]["B1"].value == "Yhteistyö-Tuokio – arviointi"
    with pytest.raises(ValueError, match="nimi puuttuu"):
        build_tuokio_workbook(CONFIG, "Kainuun", local_name="  ")
    import yaml

    raw = yaml.safe_load((CONFIG_DIR / "tuokio.yaml").read_text(encoding="utf-8"))
    raw["template"] = {**raw["template"], "version": 1, "readable_versions": [1]}
    version_1 = tuokio.TuokioConfig.model_validate(raw)
    assert "form_id" not in meta_of(build_tuokio_workbook(version_1, "Kainuun"))  # version 1 forms carry no identity
    with pytest.raises(ConfigError, match="ei tunne paikallisia arviointeja"):
        build_tuokio_workbook(version_1, "Kainuun", local_name="Pohjoinen alue")


def test_several_forms_at_once_each_with_its_own_id(tmp_path: Path) -> None:
    written = write_blank_forms(tmp_path / "lomake", SETTINGS, count=3, local_name="Pohjoinen alue")
    assert [p.name for p in written] == ["lomake_01.xlsx", "lomake_02.xlsx", "lomake_03.xlsx"]
    metas = [meta_of(p) for p in written]
    assert len({m["form_id"] for m in metas}) == 3
    assert {(m["scope"], m["scope_name"]) for m in metas} == {("paikallinen", "Pohjoinen alue")}
    with pytest.raises(InputFileError, match="tiedosto on jo olemassa"):
        write_blank_forms(tmp_path / "lomake.xlsx", SETTINGS, count=4)  # _01.._03 exist: nothing is written
    assert not (tmp_path / "lomake_04.xlsx").exists()
    assert [p.name for p in write_blank_forms(tmp_path / "yksi.xlsx", SETTINGS)] == ["yksi.xlsx"]


def test_the_command_line_writes_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kainuu_metrics.cli import main

    assert main(["template", "tuokio", str(tmp_path / "kunta.xlsx"), "--kpl", "2", "--paikallinen", "Pohjoinen alue",
                 "--config", str(CONFIG_DIR)]) == 0
    assert "2 lomaketta kirjoitettu (paikalliseen arviointiin 'Pohjoinen alue')" in capsys.readouterr().out
    assert meta_of(tmp_path / "kunta_02.xlsx")["scope_name"] == "Pohjoinen alue"
    assert main(["template", "tuokio", str(tmp_path / "vuosi.xlsx"), "--config", str(CONFIG_DIR)]) == 0
    assert "Lomakepohja kirjoitettu (koko hyvinvointialueen vuosiarviointiin)" in capsys.readouterr().out
    assert main(["template", "tuokio", str(tmp_path / "vuosi.xlsx"), "--config", str(CONFIG_DIR)]) == 2  # exists
    assert "tiedosto on jo olemassa" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["template", "tuokio", str(tmp_path / "x.xlsx"), "--kpl", "0"])
    assert "lomakkeita voi kirjoittaa kerralla 1–500" in capsys.readouterr().err


def test_drop_downs_list_the_configured_values(template: Path) -> None:
    workbook = load_workbook(template)
    assert defined_values(workbook, SCALE_NAME) == CONFIG.rating_choices
    assert defined_values(workbook, "tuokio_toimijatahot") == ["Hyvinvointialue", "Järjestö", "Kunta", "Muu"]
    assert defined_values(workbook, "tuokio_kriteerit") == [c.name for c in CONFIG.criteria]
    assert defined_values(workbook, "tuokio_tilat") == list(CONFIG.goal_statuses)
    ws = workbook["Arviointi"]
    keys = rows_by_key(ws)
    lists = validations(ws)
    layout = tuokio.layout_for(CONFIG.template_version)
    rating_cells = {ws.cell(keys[f"rating:{c.id}"], layout.rating_columns["rating"]).coordinate for c in CONFIG.criteria}
    assert lists[SCALE_NAME] == rating_cells
    assert lists["tuokio_toimijatahot"] == {ws.cell(keys["actor_type"], layout.detail_column).coordinate}
    summary = workbook["Yhteenveto"]
    skeys = rows_by_key(summary)
    assert sum(1 for k in skeys if k.startswith("goal:")) == CONFIG.goal_rows
    assert sum(1 for k in skeys if k.startswith("followup:")) == CONFIG.goal_rows
    assert len(validations(summary)["tuokio_tilat"]) == 2 * CONFIG.goal_rows


def test_structure_is_protected_and_only_inputs_unlocked(template: Path) -> None:
    workbook = load_workbook(template)
    assert workbook.security.lockStructure
    layout = tuokio.layout_for(CONFIG.template_version)
    for name in ("Ohjeet", "Arviointi", "Yhteenveto", "meta"):
        assert workbook[name].protection.sheet, name
    ws = workbook["Arviointi"]
    keys = rows_by_key(ws)
    row = keys["rating:osallistuminen"]
    assert not ws.cell(row, layout.rating_columns["rating"]).protection.locked
    assert not ws.cell(row, layout.rating_columns["development_needs"]).protection.locked
    assert ws.cell(row, layout.rating_columns["name"]).protection.locked
    assert ws.cell(row, layout.rating_columns["description"]).value == CONFIG.criteria[0].description
    assert ws.column_dimensions["A"].hidden


def test_the_scale_comes_from_the_configuration() -> None:
    import yaml

    raw = yaml.safe_load((CONFIG_DIR / "tuokio.yaml").read_text(encoding="utf-8"))
    raw["scale"]["stages"] = [{"name": "Aloitus", "description": "a"}, {"name": "Kasvu", "description": "b"}, {"name": "Kypsä", "description": "c"}]
    config = tuokio.TuokioConfig.model_validate(raw)
    workbook = build_tuokio_workbook(config, SETTINGS.domain.region_genitive)
    assert defined_values(workbook, SCALE_NAME) == ["1 – Aloitus", "2 – Kasvu", "3 – Kypsä", "ei arvioitu"]
    assert workbook["meta"]["B3"].value == 3


# --- end to end: template -> filled with openpyxl -> read back -> scores -----------------------

# Three participants and a summary. Per criterion (osallistuminen, vuorovaikutus, tavoitteellisuus,
# rakenteet, tiedon_hyodyntaminen, johdon_tuki):
ANSWERS = [
    ("Järjestö", "toiminnanjohtaja", ["2 – Kehittyvä", "3 – Toimiva", "2 – Kehittyvä", "ei arvioitu", "1 – Alkuvaihe", "2 – Kehittyvä"]),
    ("Hyvinvointialue", None, ["4 – Vakiintunut", "3 – Toimiva", "3 – Toimiva", "4 – Vakiintunut", "2 – Kehittyvä", "5 – Uudistuva"]),
    ("Kunta", "hyvinvointikoordinaattori", ["3 – Toimiva", "3 – Toimiva", "2 – Kehittyvä", "3 – Toimiva", None, "4 – Vakiintunut"]),
]


def fill(template: Path, path: Path, actor: str | None, role: str | None, ratings: list[str | None]) -> None:
    workbook = load_workbook(template)
    layout = tuokio.layout_for(CONFIG.template_version)
    ws = workbook["Arviointi"]
    keys = rows_by_key(ws)
    ws.cell(keys["actor_type"], layout.detail_column, actor)
    ws.cell(keys["role"], layout.detail_column, role)
    for criterion, rating in zip(CONFIG.criteria, ratings):
        ws.cell(keys[f"rating:{criterion.id}"], layout.rating_columns["rating"], rating)
        ws.cell(keys[f"rating:{criterion.id}"], layout.rating_columns["challenges"], f"haaste: {criterion.name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def fill_summary(template: Path, path: Path) -> None:
    workbook = load_workbook(template)
    layout = tuokio.layout_for(CONFIG.template_version)
    ws = workbook["Yhteenveto"]
    keys = rows_by_key(ws)
    ws.cell(keys["agreed:osallistuminen"], layout.agreed_columns["rating"], "3 – Toimiva")
    ws.cell(keys["agreed:osallistuminen"], layout.agreed_columns["development_needs"], "Iltatilaisuudet")
    goal = keys["goal:1"]
    for field, value in {"goal": "Foorumi kahdesti vuodessa", "action": "Kutsut kaikille", "criterion": "Osallistuminen",
                         "owner": "Järjestöyhteistyön koordinaattori", "deadline": dt.datetime(2026, 6, 30), "status": "Suunniteltu"}.items():
        ws.cell(goal, layout.goal_columns[field], value)
    workbook.save(path)


def test_a_filled_template_is_read_back_into_the_expected_scores(template: Path, tmp_path: Path) -> None:
    layout = Layout(tmp_path / "data", tmp_path / "reports")
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    for number, (actor, role, ratings) in enumerate(ANSWERS, start=1):
        fill(template, folder / f"lomake_{number}.xlsx", actor, role, ratings)
    fill_summary(template, folder / "yhteenveto.xlsx")

    data = tuokio.read_evaluations(tuokio.list_files(layout.raw_dir("tuokio")), layout, CONFIG, config_file="config/tuokio.yaml")
    result, ratings, agreed = data.results["tuokio_ratings"], data.table("tuokio_ratings"), data.table("tuokio_agreed")
    assert result.rejected.empty
    assert len(ratings) == 18 and ratings["participant"].nunique() == 3
    assert sorted(ratings["actor_type"].unique()) == ["hyvinvointialue", "järjestö", "kunta"]
    assert set(ratings.loc[ratings["criterion"] == "rakenteet", "challenges"]) == {"haaste: Rakenteet"}

    scores = scoring.criterion_scores(ratings, agreed, CONFIG).set_index("criterion")
    expected_means = {
        "osallistuminen": (2 + 4 + 3) / 3,  # 3.0
        "vuorovaikutus": 3.0,
        "tavoitteellisuus": (2 + 3 + 2) / 3,
        "rakenteet": (4 + 3) / 2,  # "ei arvioitu" not scored
        "tiedon_hyodyntaminen": (1 + 2) / 2,  # one left blank
        "johdon_tuki": (2 + 5 + 4) / 3,
    }
    for criterion, mean in expected_means.items():
        assert scores.loc[criterion, "mean"] == pytest.approx(mean), criterion
    assert scores.loc["johdon_tuki", "std"] == pytest.approx(math.sqrt(((2 - 11 / 3) ** 2 + (5 - 11 / 3) ** 2 + (4 - 11 / 3) ** 2) / 2))
    assert (scores.loc["johdon_tuki", "min"], scores.loc["johdon_tuki", "max"]) == (2, 5)
    assert scores.loc["rakenteet", "n_not_assessed"] == 1
    assert scores.loc["tiedon_hyodyntaminen", "n_no_answer"] == 1
    assert scores.loc["rakenteet", "stage"] == 4  # 3.5 rounds up
    assert scores.loc["tavoitteellisuus", "stage"] == 2  # 2.33
    assert scores.loc["osallistuminen", "agreed_rating"] == 3
    assert scores.loc["osallistuminen", "score_0_100"] == pytest.approx(50.0)

    index = scoring.evaluation_index(pd.DataFrame(scores.reset_index()), CONFIG).iloc[0]
    overall = sum(expected_means.values()) / 6
    assert index["index_mean"] == pytest.approx(overall)
    assert index["index_0_100"] == pytest.approx((overall - 1) / 4 * 100)
    assert index["strongest"] == "Johdon tuki yhteistyölle" and index["weakest"] == "Tiedon hyödyntäminen"

    indicators = scoring.tuokio_indicators(ratings, CONFIG, SETTINGS.domain.region_code).set_index("indicator")["value"]
    assert indicators["tuokio_index"] == pytest.approx((overall - 1) / 4 * 100)
    assert indicators["tuokio_rakenteet"] == pytest.approx(62.5)
    assert indicators["tuokio_respondents"] == 3

    goal = data.table("tuokio_goals").iloc[0]
    assert (goal["goal"], goal["criterion"], goal["owner"], goal["deadline"], goal["status"]) == (
        "Foorumi kahdesti vuodessa", "osallistuminen", "Järjestöyhteistyön koordinaattori", "30.6.2026", "Suunniteltu",
    )
    assert agreed.set_index("criterion").loc["osallistuminen", "development_needs"] == "Iltatilaisuudet"
    assert all(a.balanced for a in result.accounts)
