"""The PxWeb client against a local server replaying recorded StatFin responses (never the internet)."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kainuu_metrics.datasets.population import clean_population, population_lookup
from kainuu_metrics.datasets.population.pxweb import (
    DEFAULT_BASE_URL,
    URL_ENV_VAR,
    FetchError,
    build_query,
    fetch_population,
    plan_query,
    resolve_base_url,
)
from kainuu_metrics.paths import CONFIG_DIR, Layout
from kainuu_metrics.settings import DomainFile, domain_from_file, load_domain

FIXTURES = Path(__file__).parent / "fixtures" / "pxweb"
DOMAIN = load_domain(CONFIG_DIR)
TABLE_PATH = "/PXWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11ra.px"
KAINUU_AREAS = ["MK18", "KU105", "KU205", "KU290", "KU578", "KU620", "KU697", "KU765", "KU777"]
REAL_2019_2021 = {  # DOMAIN.md, Statistics Finland table 11ra
    "MK18": (72306, 71664, 71255), "KU105": (2271, 2199, 2139), "KU205": (36709, 36567, 36493),
    "KU290": (8190, 8042, 7928), "KU578": (3273, 3235, 3183), "KU620": (2528, 2491, 2446),
    "KU697": (1272, 1235, 1210), "KU765": (10336, 10301, 10348), "KU777": (7727, 7594, 7508),
}


@dataclass
class Replay:
    """What the fake StatFin answers, and what it was asked."""

    metadata: bytes
    response: bytes
    post_status: int = 200
    posts: list[dict] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    url: str = ""


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            replay.gets.append(self.path)
            if self.path != TABLE_PATH:
                self._send(404, b'{"error":"not found"}')
                return
            self._send(200, replay.metadata)

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            replay.posts.append(json.loads(body.decode("utf-8")))
            if replay.post_status != 200:
                self._send(replay.post_status, b"Bad Request")
                return
            self._send(200, replay.response)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def statfin() -> Iterator[Replay]:
    replay = Replay(
        metadata=(FIXTURES / "metadata_11ra_new_codes.json").read_bytes(),
        response=(FIXTURES / "response_11ra_2019-2021.json").read_bytes(),
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    replay.url = f"http://127.0.0.1:{server.server_address[1]}{TABLE_PATH}"
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fetch_uses_the_codes_from_the_metadata_and_saves_a_file_the_cleaner_reads(statfin, tmp_path):
    raw = tmp_path / "raw"
    saved = fetch_population(raw, DOMAIN, base_url=statfin.url, years=[2021, 2019, 2020], timeout=5)

    assert statfin.gets == [TABLE_PATH]
    assert statfin.posts == [
        {
            "query": [
                {"code": "alue_23_20260101", "selection": {"filter": "item", "values": KAINUU_AREAS}},
                {"code": "timeperiod_y", "selection": {"filter": "item", "values": ["2019", "2020", "2021"]}},
                # chosen by its text "Väestö 31.12.", although it is not the first content
                {"code": "contentscode", "selection": {"filter": "item", "values": ["vaerak-vaesto"]}},
            ],
            "response": {"format": "json-stat2"},
        }
    ]
    assert saved.parent == raw / "population"
    assert re.fullmatch(r"statfin_11ra_2019-2021_\d{8}T\d{6}Z\.json", saved.name)
    assert saved.read_bytes() == statfin.response  # saved as received

    result = clean_population([saved], Layout(tmp_path, tmp_path / "reports"), DOMAIN)
    assert population_lookup(result.cleaned) == {
        (year, area): figures[i] for area, figures in REAL_2019_2021.items() for i, year in enumerate((2019, 2020, 2021))
    }
    assert result.cleaned["area_name"].tolist()[:3] == ["Kainuu", "Hyrynsalmi", "Kajaani"]
    assert set(result.cleaned["sheet"]) == {""}
    assert result.skipped.empty and result.rejected.empty


def test_old_codes_and_all_years(statfin, tmp_path):
    statfin.metadata = (FIXTURES / "metadata_11ra_old_codes.json").read_bytes()
    fetch_population(tmp_path, DOMAIN, base_url=statfin.url, timeout=5)
    [query] = statfin.posts
    assert [q["code"] for q in query["query"]] == ["Alue", "Vuosi", "Tiedot"]
    assert query["query"][1]["selection"]["values"] == [str(y) for y in range(1990, 2025)]
    assert query["query"][2]["selection"]["values"] == ["vaesto"]


def test_a_second_fetch_never_overwrites_the_first(statfin, tmp_path):
    first = fetch_population(tmp_path, DOMAIN, base_url=statfin.url, years=[2019], timeout=5)
    second = fetch_population(tmp_path, DOMAIN, base_url=statfin.url, years=[2019], timeout=5)
    assert first != second and first.exists() and second.exists()


def test_the_url_can_come_from_the_environment(statfin, tmp_path, monkeypatch):
    monkeypatch.setenv(URL_ENV_VAR, statfin.url)
    assert resolve_base_url() == statfin.url
    assert resolve_base_url("http://example.invalid/x.px") == "http://example.invalid/x.px"
    fetch_population(tmp_path, DOMAIN, years=[2020], timeout=5)
    assert len(statfin.posts) == 1


def test_default_url_is_statfin(monkeypatch):
    monkeypatch.delenv(URL_ENV_VAR, raising=False)
    assert resolve_base_url() == DEFAULT_BASE_URL
    assert DEFAULT_BASE_URL == "https://pxdata.stat.fi/PXWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11ra.px"


def test_unreachable_server_gives_a_finnish_fetch_error(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as caught:
        fetch_population(tmp_path, DOMAIN, base_url=f"http://127.0.0.1:{port}{TABLE_PATH}", timeout=5)
    message = str(caught.value)
    assert message.startswith("Tilastokeskuksen rajapintaan ei saatu yhteyttä (")
    assert "Tarkista verkkoyhteys tai lataa tiedosto käsin PxWeb-palvelusta" in message
    assert "data/raw/population/" in message
    assert not (tmp_path / "population").exists()


def test_http_error_names_the_status(statfin, tmp_path):
    statfin.post_status = 400
    with pytest.raises(FetchError, match=r"HTTP 400 \(kysely oli virheellinen"):
        fetch_population(tmp_path, DOMAIN, base_url=statfin.url, timeout=5)


def test_wrong_table_address_is_a_404(statfin, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_population(tmp_path, DOMAIN, base_url=statfin.url.replace("11ra", "99zz"), timeout=5)


@pytest.mark.parametrize(
    ("response", "text"),
    [
        (b"<html>Palvelukatko</html>", "ei ollut JSON-muotoinen"),
        (b'{"class": "dataset", "id": ["Alue"]}', "ei ollut JSON-stat2-muotoinen"),
        (  # a valid JSON-stat2 dataset, but of other areas only
            json.dumps({
                "class": "dataset", "id": ["Alue", "Vuosi"], "size": [1, 1], "value": [656920],
                "dimension": {"Alue": {"category": {"index": {"KU091": 0}, "label": {"KU091": "Helsinki"}}},
                              "Vuosi": {"category": {"index": {"2021": 0}}}},
            }).encode(),
            "ei ollut Kainuun väkilukuja",
        ),
    ],
)
def test_malformed_response_is_not_saved(statfin, tmp_path, response, text):
    statfin.response = response
    with pytest.raises(FetchError, match=text):
        fetch_population(tmp_path, DOMAIN, base_url=statfin.url, timeout=5)
    assert not (tmp_path / "population").exists()


def test_a_year_the_table_does_not_have_is_refused_before_querying(statfin, tmp_path):
    with pytest.raises(FetchError, match=r"Vuosia 2031 ei ole taulukossa \(saatavilla 1990–2024\)"):
        fetch_population(tmp_path, DOMAIN, base_url=statfin.url, years=[2024, 2031], timeout=5)
    assert statfin.posts == []


def test_plan_query_needs_population_content_and_kainuu_areas():
    metadata = json.loads((FIXTURES / "metadata_11ra_new_codes.json").read_text(encoding="utf-8"))
    plan = plan_query(metadata, DOMAIN, [2024])
    assert (plan.area_code, plan.year_code, plan.content_code, plan.content_value) == (
        "alue_23_20260101", "timeperiod_y", "contentscode", "vaerak-vaesto",
    )
    assert build_query(plan)["query"][1] == {"code": "timeperiod_y", "selection": {"filter": "item", "values": ["2024"]}}

    no_population = json.loads(json.dumps(metadata))
    content = no_population["variables"][2]
    content["values"], content["valueTexts"] = ["vaerak-kokmuutos"], ["Väestönmuutos"]
    with pytest.raises(FetchError, match="Väestö 31.12."):
        plan_query(no_population, DOMAIN)

    no_kuhmo = json.loads(json.dumps(metadata))
    areas = no_kuhmo["variables"][0]
    index = areas["values"].index("KU290")
    del areas["values"][index], areas["valueTexts"][index]
    with pytest.raises(FetchError, match="alueita KU290"):
        plan_query(no_kuhmo, DOMAIN)

    with pytest.raises(FetchError, match="muuttujat puuttuvat"):
        plan_query({"error": "Too many requests"}, DOMAIN)


def test_a_variable_that_cannot_be_eliminated_is_fixed_to_its_total():
    metadata = json.loads((FIXTURES / "metadata_11ra_new_codes.json").read_text(encoding="utf-8"))
    metadata["variables"].append(
        {"code": "sukupuoli_9_20180101", "text": "Sukupuoli", "values": ["SSS", "1", "2"],
         "valueTexts": ["Yhteensä", "Miehet", "Naiset"], "elimination": False}
    )
    query = build_query(plan_query(metadata, DOMAIN, [2023]))
    assert query["query"][-1] == {"code": "sukupuoli_9_20180101", "selection": {"filter": "item", "values": ["SSS"]}}


def test_another_region_is_asked_for_and_named_by_configuration_alone(statfin, tmp_path):
    other = domain_from_file(DomainFile.model_validate({
        "region": {"code": "MK19", "name": "Esimerkki", "genitive": "Esimerkin"},
        "site": {"name": "Esimerkin seuranta"},
        "municipalities": {"005": {"name": "Esimerkkilä"}},
        "council_terms": [{"id": "2022-2025", "start": "2022-03-01", "end": "2025-05-31", "label": "1. kausi"}],
        "grant_types": {"toiminta": {"label": "Toiminta-avustus"}},
        "decisions": {"myönnetty": []},
    }))
    with pytest.raises(FetchError) as caught:  # the recorded response holds only Kainuu's areas
        fetch_population(tmp_path, other, base_url=statfin.url, years=[2021], timeout=5)
    [query] = statfin.posts
    assert query["query"][0] == {"code": "alue_23_20260101", "selection": {"filter": "item", "values": ["MK19", "KU005"]}}
    message = str(caught.value)
    assert "ei ollut Esimerkin väkilukuja" in message and "(taulukko 11ra, Väestö 31.12., Esimerkki ja sen kunnat)" in message
    assert not (tmp_path / "population").exists()


def test_a_response_whose_sizes_multiply_to_billions_is_refused_before_allocating(statfin, tmp_path):
    # 50 000 x 50 000 x 50 000 = 125 000 000 000 000 cells; only sizes are sent, no values.
    statfin.response = json.dumps({
        "class": "dataset", "id": ["a", "b", "c"], "size": [50_000] * 3, "value": [],
        "dimension": {d: {"category": {"index": {}}} for d in "abc"},
    }).encode()
    with pytest.raises(FetchError, match=r"125 000 000 000 000 arvoa; väestötaulukossa voi olla enintään 2 000 000"):
        fetch_population(tmp_path, DOMAIN, base_url=statfin.url, timeout=5)
    assert not (tmp_path / "population").exists()
