"""Published years are kept as published (issue 10 §2): `publish --year Y` freezes reports/<Y>/
and the year's indicator vintage into reports/arkisto/<Y>/<id>/, later runs leave the year alone
and compare its figures, `--replace --syy` republishes and keeps the old version, and the index
shows the dates."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil

import openpyxl
import pandas as pd
import pytest

from kainuu_metrics import cli, publication
from kainuu_metrics.paths import Layout
from kainuu_metrics.report.pages import render_index
from kainuu_metrics.store import write_indicators
from kainuu_metrics.indicators.table import tidy

from .conftest import ROOT, run_cli

YEAR_IN_PATH = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _indicators(*records: tuple) -> pd.DataFrame:
    return tidy([dict(zip(["indicator", "period", "area", "category", "value", "unit"], r)) for r in records])


# --- the vintage and the comparison (pure) -------------------------------------------------------


def test_the_vintage_of_a_year_is_every_period_that_ended_by_its_end():
    rows = _indicators(("a", "2022", "MK18", "", 1.0, "eur"), ("a", "2023", "MK18", "", 2.0, "eur"),
                       ("a", "2024", "MK18", "", 3.0, "eur"), ("b", "2019-2021", "MK18", "", 4.0, "eur"),
                       ("b", "2022-2025", "MK18", "", 5.0, "eur"))
    # 2022 and 2023 ended by 31.12.2023, and so did the term 2019-2021; 2024 and the running
    # term 2022-2025 did not (the 2023 pages compute the running term from its grant years).
    assert publication.vintage(rows, 2023)[["indicator", "period"]].values.tolist() == [
        ["a", "2022"], ["a", "2023"], ["b", "2019-2021"]]


def test_differences_list_changed_gone_and_new_figures_of_the_year_only():
    published = _indicators(("grants_total_eur", "2023", "MK18", "", 122200.0, "eur"),
                            ("grants_total_eur", "2023", "KU105", "", 500.0, "eur"),
                            ("grants_rows", "2023", "MK18", "", 44.0, "count"),
                            ("gone", "2023", "MK18", "", 7.0, "count"))
    new = _indicators(("grants_total_eur", "2023", "MK18", "", 122500.0, "eur"),
                      ("grants_total_eur", "2023", "KU105", "", 800.0, "eur"),
                      ("grants_rows", "2023", "MK18", "", 44.0, "count"),
                      ("added", "2023", "MK18", "", 1.0, "count"),
                      ("grants_total_eur", "2026", "MK18", "", 99.0, "eur"))
    found = publication.differences(published, new, 2023)
    rows = {(r["indicator"], r["area"]): (r["published"], r["new"], r["difference"]) for r in found.to_dict("records")}
    assert rows == {
        ("grants_total_eur", "MK18"): (122200.0, 122500.0, 300.0),  # 122 500 − 122 200
        ("grants_total_eur", "KU105"): (500.0, 800.0, 300.0),  # 800 − 500
        ("gone", "MK18"): (7.0, None, None),
        ("added", "MK18"): (None, 1.0, None),
    }  # grants_rows is the same; 2026 is after the year


def test_a_suppression_marker_that_changes_is_a_difference():
    published = tidy([{"indicator": "p", "period": "2023", "area": "MK18", "category": "", "value": None, "unit": "persons",
                       "suppression": "<5"}])
    new = _indicators(("p", "2023", "MK18", "", 6.0, "persons"))
    assert publication.differences(published, new, 2023)[["published", "new"]].values.tolist() == [["<5", 6.0]]


# --- freezing (in-process, on a small fake year) ---------------------------------------------------


@pytest.fixture
def fake_year(tmp_path) -> Layout:
    layout = Layout(tmp_path / "data", tmp_path / "reports")
    folder = layout.year_reports(2023)
    (folder / "notebooks").mkdir(parents=True)
    (folder / "summary.html").write_text("<p>122 200 €</p>", encoding="utf-8")
    (folder / "quality.html").write_text("<p>laatu</p>", encoding="utf-8")
    (folder / "summary.pdf").write_bytes(b"%PDF-1.4 x")
    (folder / "notebooks" / "summary.ipynb").write_text("{}", encoding="utf-8")
    write_indicators(layout.processed, _indicators(("grants_total_eur", "2023", "MK18", "", 122200.0, "eur"),
                                                   ("grants_total_eur", "2024", "MK18", "", 1.0, "eur"),
                                                   ("grants_change", "2023", "MK18", "", -0.25, "ratio")))
    return layout


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_publish_archives_the_years_files_with_their_hashes_and_the_vintage(fake_year):
    done = publication.freeze(fake_year, 2023)
    record = json.loads((done.folder / "julkaisu.json").read_text(encoding="utf-8"))
    assert done.folder.parent == fake_year.reports / "arkisto" / "2023"
    assert record["year"] == 2023 and record["reason"] is None and record["run_id"] is None and record["manifest"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["published_at"])
    assert record["files"]["summary.html"] == _sha("<p>122 200 €</p>".encode())
    assert record["files"]["summary.pdf"] == _sha(b"%PDF-1.4 x")
    assert set(record["files"]) == {"summary.html", "quality.html", "summary.pdf", "notebooks/summary.ipynb", "tunnusluvut.csv"}
    for name, digest in record["files"].items():  # the archive holds every frozen file as it was
        assert publication.sha256(done.folder / name) == digest
    vintage = publication.read_vintage(fake_year.year_reports(2023) / "tunnusluvut.csv")
    # the 2024 row is not the year's; a negative value stays a number (no spreadsheet-safety apostrophe)
    assert vintage[["indicator", "value"]].values.tolist() == [["grants_total_eur", 122200.0], ["grants_change", -0.25]]
    assert publication.frozen_years(fake_year) == {2023}
    with publication.thawed(2023):
        assert publication.frozen_years(fake_year) == set()


def test_publishing_a_frozen_year_again_is_refused_in_finnish_with_exit_2(fake_year, monkeypatch, capsys):
    monkeypatch.setenv("KAINUU_METRICS_CONFIG", str(ROOT / "config"))
    args = ["publish", "--year", "2023", "--data", str(fake_year.data), "--reports", str(fake_year.reports)]
    assert cli.main(args) == 0
    assert "Vuosi 2023 julkaistu" in capsys.readouterr().out
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "JULKAISUA EI TEHTY" in err and "Vuosi 2023 on jo julkaistu" in err and "--replace --syy" in err
    assert len(publication.publications(fake_year.reports, 2023)) == 1
    assert cli.main([*args, "--replace"]) == 2  # a replacement needs its reason
    assert "pitää antaa syy" in capsys.readouterr().err
    assert cli.main(["publish", "--year", "2024", "--data", str(fake_year.data), "--reports", str(fake_year.reports)]) == 2
    assert "Vuodelta 2024 ei ole raportteja" in capsys.readouterr().err


def test_the_run_that_made_the_pages_is_recorded_with_its_manifest(fake_year):
    summary = fake_year.year_reports(2023) / "summary.html"
    indicators = fake_year.processed / "indicators.csv"
    manifest = {"run_id": "20261201T224500Z-3f2a", "exit_status": 0, "files": {"outputs": {
        "reports/2023/summary.html": publication.sha256(summary), "data/processed/indicators.csv": publication.sha256(indicators)}}}
    runs = fake_year.processed / "runs" / manifest["run_id"]
    runs.mkdir(parents=True)
    (runs / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = publication.freeze(fake_year, 2023)
    assert done.run_id == "20261201T224500Z-3f2a"
    assert json.loads((done.folder / "manifest.json").read_text(encoding="utf-8"))["run_id"] == manifest["run_id"]


def test_indicators_changed_since_the_pages_were_made_are_not_published(fake_year):
    summary = fake_year.year_reports(2023) / "summary.html"
    manifest = {"run_id": "20261201T224500Z-3f2a", "files": {"outputs": {
        "reports/2023/summary.html": publication.sha256(summary), "data/processed/indicators.csv": "0" * 64}}}
    (fake_year.processed / "runs" / "r").mkdir(parents=True)
    (fake_year.processed / "runs" / "r" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(publication.PublicationError, match="on muuttunut sen ajon"):
        publication.freeze(fake_year, 2023)
    assert publication.publications(fake_year.reports, 2023) == []


def test_replace_keeps_the_old_version_with_the_reason_and_a_failed_rebuild_restores_it(fake_year):
    first = publication.freeze(fake_year, 2023)
    summary = fake_year.year_reports(2023) / "summary.html"

    def failing() -> int:
        assert 2023 not in publication.frozen_years(fake_year)  # the rebuild may write the year
        summary.write_text("puolikas", encoding="utf-8")
        return 1

    with pytest.raises(publication.PublicationError, match="julkaisua ei korvattu"):
        publication.republish(fake_year, 2023, "Summa korjattu", failing)
    assert summary.read_text(encoding="utf-8") == "<p>122 200 €</p>"
    assert publication.frozen_years(fake_year) == {2023}

    def rebuild() -> int:
        summary.write_text("<p>122 500 €</p>", encoding="utf-8")
        return 0

    second = publication.republish(fake_year, 2023, "Summa korjattu", rebuild)
    found = publication.publications(fake_year.reports, 2023)
    assert [p.id for p in found] == [first.id, second.id]
    assert second.record["reason"] == "Summa korjattu" and second.record["replaces"] == first.id
    assert (first.folder / "summary.html").read_text(encoding="utf-8") == "<p>122 200 €</p>"
    assert (second.folder / "summary.html").read_text(encoding="utf-8") == "<p>122 500 €</p>"


def test_a_run_restores_a_frozen_file_that_was_deleted_or_changed(fake_year):
    done = publication.freeze(fake_year, 2023)
    folder = fake_year.year_reports(2023)
    (folder / "summary.pdf").unlink()
    (folder / "summary.html").write_text("muokattu käsin", encoding="utf-8")
    assert publication.restore_changed(fake_year, done) == ["summary.html", "summary.pdf"]
    assert publication.folder_hashes(folder) == done.record["files"]


def test_a_run_compares_the_frozen_vintage_with_its_figures(fake_year):
    from kainuu_metrics.indicators.catalogue import load_catalogue
    from kainuu_metrics.settings import load_settings

    settings = load_settings(ROOT / "config")
    publication.freeze(fake_year, 2023)
    pages = fake_year.reports / ".kesken"

    def compare(indicators):
        return publication.compare_frozen(fake_year, pages, indicators, load_catalogue(settings), settings,
                                          sample=True, generated="2.12.2026 klo 10.00")

    same = ("grants_change", "2023", "MK18", "", -0.25, "ratio")
    lines = compare(_indicators(("grants_total_eur", "2023", "MK18", "", 122500.0, "eur"), same,
                                ("grants_total_eur", "2026", "MK18", "", 5.0, "eur")))
    assert len(lines) == 1 and lines[0].startswith("HUOM: vuosi 2023 on julkaistu") and "muuttaisivat 1 sen luvuista" in lines[0]
    table = pd.read_csv(fake_year.processed / "vertailu" / "2023.csv", sep=";", encoding="utf-8-sig")
    row = table.iloc[0]
    assert (row["tunnus"], row["kausi"], row["alue"]) == ("grants_total_eur", 2023, f"{settings.domain.region_name} (MK18)")
    assert (row["julkaistu_arvo"], row["uusi_arvo"], row["erotus"]) == (122200.0, 122500.0, 300.0)  # 122 500 − 122 200
    page = (pages / "2023-vertailu.html").read_text(encoding="utf-8")
    assert "122\u00a0200\u00a0€" in page and "122\u00a0500\u00a0€" in page and "+300\u00a0€" in page
    (fake_year.reports / "2023-vertailu.html").write_text("vanha", encoding="utf-8")  # as published by that run
    lines = compare(_indicators(("grants_total_eur", "2023", "MK18", "", 122200.0, "eur"), same))
    assert "samat luvut" in lines[0]
    assert not (fake_year.processed / "vertailu" / "2023.csv").exists()
    assert not (fake_year.reports / "2023-vertailu.html").exists()


def test_the_index_shows_publication_dates_corrections_and_drafts(tmp_path):
    html = render_index(
        tmp_path / "index.html", years={2024: [("Yhteenveto", "2024/summary.html")], 2023: [("Yhteenveto", "2023/summary.html")]},
        quality_status={2024: True, 2023: True}, last_run="2.12.2026 klo 10.00", sample_data=False,
        publications={2023: {"published": "1.12.2026 klo 12.00", "corrections": [("2.12.2026 klo 9.30", "Avustussumma korjattu")],
                             "comparison": "2023-vertailu.html"}},
    ).read_text(encoding="utf-8")
    section_2023 = html[html.index('id="vuosi-2023"'):]
    section_2024 = html[html.index('id="vuosi-2024"'):html.index('id="vuosi-2023"')]
    assert "Julkaistu 1.12.2026 klo 12.00" in section_2023
    assert "<li>2.12.2026 klo 9.30: Avustussumma korjattu</li>" in section_2023
    assert '<a href="2023-vertailu.html">' in section_2023
    assert "Julkaisematon luonnos" in section_2024 and "Julkaisematon luonnos" not in section_2023


# --- the whole flow on the sample's 2023 inputs -------------------------------------------------------


def _hashes(folder) -> dict[str, str]:
    return publication.folder_hashes(folder)


def _move_to_2026(source, target) -> None:
    """A copy of a grant workbook with every date and year moved from 2023 to 2026."""
    book = openpyxl.load_workbook(source)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if hasattr(cell.value, "year") and cell.value.year == 2023:
                    cell.value = cell.value.replace(year=2026)
                elif isinstance(cell.value, str) and "2023" in cell.value:
                    cell.value = cell.value.replace("2023", "2026")
    book.save(target)


def _change_first_grant(path) -> None:
    """Hyrynsalmen Eläkkeensaajat ry's granted amount 500 € -> 800 €, and the export's totals
    row with it (122 200 -> 122 500), so the file still reconciles."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet["B5"].value == "Hyrynsalmen Eläkkeensaajat ry" and sheet["G5"].value == 500
    sheet["G5"] = 800
    total = next(row for row in sheet.iter_rows() if row[1].value == "Yhteensä")
    assert total[6].value == 122200
    total[6].value = 122500
    book.save(path)


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """run -> publish 2023 -> add a 2026 grant file, run -> change a 2023 amount, run ->
    publish --replace; the state after each step."""
    base = tmp_path_factory.mktemp("publication")
    data, reports = base / "data", base / "reports"
    raw = data / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    for path in sorted(raw.rglob("*"), reverse=True):  # the sample's inputs up to 2023 only: a short run
        years = [int(y) for y in YEAR_IN_PATH.findall(path.relative_to(raw).as_posix())]
        if years and max(years) > 2023 and path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": "test-key-not-secret"}
    folders = ["--data", str(data), "--reports", str(reports)]
    steps = {}

    def step(name, *args):
        result = run_cli(*args, *folders, env=env)
        steps[name] = result
        assert result.returncode == 0 or name == "publish_again", (name, result.stdout + result.stderr)
        return result

    step("run", "run")
    step("publish", "publish", "--year", "2023")
    steps["published"] = _hashes(reports / "2023")
    step("publish_again", "publish", "--year", "2023")
    _move_to_2026(raw / "grants" / "avustuspaatokset_2023.xlsx", raw / "grants" / "avustuspaatokset_2026.xlsx")
    step("run_2026", "run")
    steps["after_2026"] = _hashes(reports / "2023")
    steps["comparison_after_2026"] = (data / "processed" / "vertailu" / "2023.csv").exists()
    steps["index_after_2026"] = (reports / "index.html").read_text(encoding="utf-8")
    _change_first_grant(raw / "grants" / "avustuspaatokset_2023.xlsx")
    step("run_changed", "run")
    steps["after_change"] = _hashes(reports / "2023")
    steps["comparison"] = pd.read_csv(data / "processed" / "vertailu" / "2023.csv", sep=";", encoding="utf-8-sig",
                                      dtype=str, keep_default_na=False)
    steps["comparison_page"] = (reports / "2023-vertailu.html").read_text(encoding="utf-8")
    steps["index_after_change"] = (reports / "index.html").read_text(encoding="utf-8")
    step("replace", "publish", "--year", "2023", "--replace", "--syy", "Avustussumma korjattu päätöksen mukaiseksi")
    steps["replaced"] = _hashes(reports / "2023")
    return base, steps


@pytest.mark.e2e
def test_a_later_year_leaves_the_published_year_byte_identical(flow):
    base, steps = flow
    assert steps["published"] and steps["after_2026"] == steps["published"]
    assert (base / "reports" / "2026" / "summary.html").exists()  # the run did build the new year
    assert not steps["comparison_after_2026"]  # 2026 changes no figure of 2023
    assert "Vuosi 2023 on julkaistu" in steps["run_2026"].stdout and "samat luvut" in steps["run_2026"].stdout
    assert "Vuosi 2023 on jo julkaistu" in steps["publish_again"].stderr and steps["publish_again"].returncode == 2


@pytest.mark.e2e
def test_a_changed_input_of_the_published_year_gives_a_comparison_not_a_rewrite(flow):
    base, steps = flow
    assert steps["after_change"] == steps["published"]
    table = steps["comparison"]
    assert list(table.columns) == ["tunnusluku", "tunnus", "kausi", "alue", "luokka", "yksikkö", "julkaistu_arvo", "uusi_arvo", "erotus"]
    rows = {(r["tunnus"], r["kausi"], r["alue"], r["luokka"]): (r["julkaistu_arvo"], r["uusi_arvo"], r["erotus"])
            for r in table.to_dict("records")}
    # One grant of the 2023 export went from 500 € to 800 €: +300 € for the region, for its
    # organisation's home municipality Hyrynsalmi (KU105) and for its grant type (operating grant).
    region = next(k for k in rows if k[0] == "grants_total_eur" and k[1] == "2023" and k[2].endswith("(MK18)"))
    assert [float(v) for v in rows[region]] == [122200.0, 122500.0, 300.0]
    hyrynsalmi = next(k for k in rows if k[0] == "grants_total_eur" and k[1] == "2023" and k[2].endswith("(KU105)"))
    assert float(rows[hyrynsalmi][2]) == 300.0
    # € per inhabitant moves by 300 € over the 2023 year-end population: 300 / 69 846 = 0.004295
    # for the region, 300 / 2 063 = 0.1454 for Hyrynsalmi (population 2023 in the sample).
    per_capita = {k[2]: float(v[2]) for k, v in rows.items() if k[0] == "grants_per_capita_eur" and k[1] == "2023"}
    assert per_capita[region[2]] == pytest.approx(300 / 69_846)
    assert per_capita[hyrynsalmi[2]] == pytest.approx(300 / 2_063)
    assert not any(k[1] > "2023" and "-" not in k[1] for k in rows)  # nothing after the published year
    assert "HUOM: vuosi 2023 on julkaistu" in steps["run_changed"].stdout
    assert "data/processed/vertailu/2023.csv" in steps["run_changed"].stdout
    page = steps["comparison_page"]
    assert "Vuoden 2023 julkaistut ja uudet luvut" in page and "122\u00a0200\u00a0€" in page and "+300\u00a0€" in page
    assert '<a href="2023-vertailu.html">' in steps["index_after_change"]


@pytest.mark.e2e
def test_replace_archives_the_old_version_with_its_reason(flow):
    base, steps = flow
    found = publication.publications(base / "reports", 2023)
    assert len(found) == 2
    first, second = found
    assert second.reason == "Avustussumma korjattu päätöksen mukaiseksi" and second.record["replaces"] == first.id
    assert all(publication.sha256(first.folder / name) == digest for name, digest in steps["published"].items())
    assert steps["replaced"] != steps["published"]
    assert "122\u00a0500" in (base / "reports" / "2023" / "summary.html").read_text(encoding="utf-8")
    assert not (base / "reports" / "2023-vertailu.html").exists()
    assert not (base / "data" / "processed" / "vertailu" / "2023.csv").exists()
    index = (base / "reports" / "index.html").read_text(encoding="utf-8")
    assert ": Avustussumma korjattu päätöksen mukaiseksi</li>" in index
    assert re.search(r"Julkaistu \d{1,2}\.\d{1,2}\.\d{4} klo \d{1,2}\.\d\d", index)


@pytest.mark.e2e
def test_the_index_shows_the_publication_date_and_marks_drafts(flow):
    _, steps = flow
    index = steps["index_after_2026"]
    section_2026 = index[index.index('id="vuosi-2026"'):index.index('id="vuosi-2023"')]
    section_2023 = index[index.index('id="vuosi-2023"'):]
    assert "Julkaisematon luonnos" in section_2026
    assert re.search(r"Julkaistu \d{1,2}\.\d{1,2}\.\d{4} klo", section_2023) and "Julkaisematon" not in section_2023
