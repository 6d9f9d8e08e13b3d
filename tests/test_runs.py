"""Run manifests (issue 10 §1): what a run records, reading them back, `verify`, and the PDF
finishing that makes reruns identical and links relative (§3, §4)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from kainuu_metrics.cli import main
from kainuu_metrics.report.pdf import finalize_pdf, relative_uri
from kainuu_metrics.runs import manifest as runs

STARTED = dt.datetime(2026, 12, 1, 22, 45, 0, tzinfo=dt.UTC)
CONFIG = Path(__file__).resolve().parents[1] / "config"


def make_data(tmp_path: Path) -> tuple[Path, Path]:
    data, reports = tmp_path / "data", tmp_path / "reports"
    (data / "raw" / "grants").mkdir(parents=True)
    (data / "raw" / "grants" / "a.csv").write_bytes(b"abc")
    (data / "processed" / "rejected").mkdir(parents=True)
    (data / "processed" / "indicators.csv").write_bytes(b"x")
    (data / "processed" / "rejected" / "grants.csv").write_bytes(b"")
    (reports / "2025").mkdir(parents=True)
    (reports / "2025" / "summary.html").write_bytes(b"<html></html>")
    (reports / ".reports.kesken").mkdir()  # never an output
    (reports / ".reports.kesken" / "x.html").write_bytes(b"kesken")
    return data, reports


def record(data: Path, reports: Path, *, started=STARTED, status=0) -> dict:
    recorder = runs.RunRecorder(data, reports, argv=["run", "--data", "data"], parameters={"data": "data"}, started=started, config_dir=CONFIG,
                                out=lambda text: None)
    recorder.echo("[1/4] Luetaan")
    recorder.checks = {"total": 3, "passed": 1, "warned": 1, "failed": 1}
    recorder.published_years = [2025]
    path = recorder.finish(status, None if status == 0 else "Tiedosto: raw/x.csv")
    assert path == data / "processed" / "runs" / recorder.run_id / "manifest.json"
    assert (path.parent / "console.log").read_text(encoding="utf-8").startswith("[1/4] Luetaan\n")
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_manifest_records_the_run_and_the_hash_of_every_file(tmp_path):
    data, reports = make_data(tmp_path)
    manifest = record(data, reports)
    assert re.fullmatch(r"20261201T224500Z-[0-9a-f]{4}", manifest["run_id"])
    assert manifest["started_at"] == "2026-12-01T22:45:00Z"
    assert manifest["exit_status"] == 0 and manifest["command"] == ["kainuu-metrics", "run", "--data", "data"]
    assert set(manifest) >= {"ended_at", "duration_s", "user", "host", "version", "git", "python", "packages", "chromium",
                             "checks", "published_years", "files", "parameters"}
    assert set(manifest["packages"]) == {"pandas", "great-expectations", "papermill", "nbconvert", "plotly", "openpyxl"}
    assert set(manifest["git"]) == {"commit", "modified"}
    # sha256("abc") and sha256("x"), the standard test vectors
    assert manifest["files"]["inputs"] == {"raw/grants/a.csv": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
    assert manifest["files"]["outputs"]["processed/indicators.csv"] == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    assert sorted(manifest["files"]["outputs"]) == ["processed/indicators.csv", "processed/rejected/grants.csv", "reports/2025/summary.html"]
    assert "grants_cleaned.json" in manifest["files"]["suites"] and "summary.ipynb" in manifest["files"]["notebooks"]
    assert manifest["published_years"] == [2025]


def test_manifests_load_oldest_first_and_summarise_in_finnish(tmp_path):
    data, reports = make_data(tmp_path)
    record(data, reports, started=STARTED + dt.timedelta(hours=1), status=2)
    record(data, reports)
    loaded = runs.load_manifests(data / "processed")
    assert [m["started_at"] for m in loaded] == ["2026-12-01T22:45:00Z", "2026-12-01T23:45:00Z"]
    assert loaded[1]["exit_status"] == 2 and loaded[1]["error"] == "Tiedosto: raw/x.csv"
    summary = dict(runs.manifest_summary(loaded[0]))
    assert summary["Aloitettu"] == "2.12.2026 klo 0.45"  # 22.45 UTC is 0.45 in Helsinki (UTC+2 in December)
    assert summary["Tila"] == "0 (onnistui)"
    assert summary["Tarkistukset"] == "3 tarkistusta: 1 kunnossa, 1 varoitusta, 1 estävää virhettä"
    assert summary["Julkaistut vuodet"] == "2025"
    assert summary["Tiivisteitä (SHA-256): aineistotiedosto"] == "1"
    assert runs.find_manifest(data / "processed")["run_id"] == loaded[1]["run_id"]
    assert runs.find_manifest(data / "processed", loaded[0]["run_id"][:21])["run_id"] == loaded[0]["run_id"]


def test_verify_names_every_added_removed_and_changed_file(tmp_path, monkeypatch, capsys):
    data, reports = make_data(tmp_path)
    record(data, reports)
    monkeypatch.chdir(tmp_path)
    argv = ["verify", "--data", "data", "--reports", "reports", "--config", str(CONFIG)]
    assert main(argv) == 0
    assert "Ei muutoksia ajon" in capsys.readouterr().out

    (data / "raw" / "grants" / "a.csv").write_bytes(b"abd")  # one input byte changed
    (data / "raw" / "grants" / "b.csv").write_bytes(b"new")
    (reports / "2025" / "summary.html").unlink()
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "muuttunut 3 tiedostoa" in out
    assert "muuttunut aineistotiedosto: raw/grants/a.csv" in out
    assert "lisätty aineistotiedosto: raw/grants/b.csv" in out
    assert "poistettu tuotettu tiedosto: reports/2025/summary.html" in out


def test_verify_without_runs_is_a_finnish_message(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "--data", "data"]) == 2
    assert "ei ole yhtään ajoa" in capsys.readouterr().err


def minimal_pdf(uri: str) -> bytes:
    """A one-page PDF with a link annotation and an Info dictionary, written as Chromium writes
    them: a classic cross-reference table."""
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] /Contents 6 0 R>>",
        b"<</Type /Annot\n/Subtype /Link\n/Rect [0 0 100 20]\n/A <</S /URI\n/URI (" + uri.encode() + b")>>>>",
        b"<</Producer (Skia/PDF m156)\n/CreationDate (D:20261130101010+00'00')\n/ModDate (D:20261130101010+00'00')>>",
        b"<</Length 0>> stream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d\n/Root 1 0 R\n/Info 5 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


def xref_offsets_point_at_objects(pdf: bytes) -> bool:
    table = int(re.search(rb"startxref\s+(\d+)", pdf).group(1))
    entries = re.findall(rb"(\d{10}) \d{5} n", pdf[table:])
    return pdf.startswith(b"xref", table) and all(
        pdf[int(offset):].startswith(b"%d 0 obj" % (number + 1)) for number, offset in enumerate(entries))


def test_a_pdf_gets_the_run_time_and_links_relative_to_its_folder(tmp_path):
    folder = tmp_path / ".reports.kesken" / "2025"
    folder.mkdir(parents=True)
    pdf = folder / "summary.pdf"
    pdf.write_bytes(minimal_pdf((folder / "grants.html").as_uri() + "#taulukko"))
    finalize_pdf(pdf, STARTED)
    data = pdf.read_bytes()
    assert b"/URI (grants.html#taulukko)" in data and b"file:" not in data and str(tmp_path).encode() not in data
    assert data.count(b"(D:20261201224500+00'00')") == 2
    assert xref_offsets_point_at_objects(data)
    # the same PDF printed at another time in another folder ends as the same bytes
    other = tmp_path / "toinen" / "2025"
    other.mkdir(parents=True)
    again = other / "summary.pdf"
    again.write_bytes(minimal_pdf((other / "grants.html").as_uri() + "#taulukko").replace(b"101010", b"121212"))
    finalize_pdf(again, STARTED)
    assert again.read_bytes() == data


def test_relative_uri_climbs_to_the_index():
    assert relative_uri("file:///x/reports/index.html", Path("/x/reports/2025")) == "../index.html"
    assert relative_uri("file:///x/reports/2025/a%20b.html", Path("/x/reports/2025")) == "a%20b.html"


@pytest.mark.browser
def test_summary_pdf_links_open_the_right_pages_from_a_copied_reports_folder(sample_run, tmp_path):
    """§4: the sample run's reports/ copied elsewhere (an intranet share); every link in each
    summary.pdf resolves inside the copy and opens a page whose title names it."""
    import shutil
    from urllib.parse import unquote, urlsplit

    from kainuu_metrics.report.pdf import find_chromium

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium puuttuu")
    from playwright import sync_api

    assert sample_run.returncode == 0, sample_run.stderr
    copy = tmp_path / "intranet" / "raportit"
    shutil.copytree(sample_run.reports, copy)
    targets: dict[Path, str] = {}
    for pdf in sorted(copy.glob("*/summary.pdf")):
        uris = [u.decode("latin-1") for u in re.findall(rb"/URI \(([^)]*)\)", pdf.read_bytes())]
        assert uris, pdf
        for uri in uris:
            assert not uri.startswith(("file:", "/")) and "kesken" not in uri, uri
            target = (pdf.parent / unquote(urlsplit(uri).path)).resolve()
            assert target.is_relative_to(copy.resolve()) and target.is_file(), uri
            targets[target] = pdf.parent.name
    titles = {"grants.html": "Avustukset", "quality.html": "Tietojen laatu"}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--disable-gpu"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort())
            for target, year in sorted(targets.items()):
                response = page.goto(target.as_uri(), wait_until="domcontentloaded", timeout=120_000)
                assert response is None or response.ok
                heading = page.locator("h1").first.inner_text()
                assert year in page.title() or year in heading, (target, page.title())
                if target.name in titles:
                    assert titles[target.name].casefold() in (page.title() + heading).casefold(), (target, heading)
        finally:
            browser.close()
