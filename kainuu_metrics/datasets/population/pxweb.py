"""Fetching year-end population from Statistics Finland's PxWeb API (v1), standard library only.

The table's variable codes change (e.g. 'Alue' became 'alue_23_20260101'), so they are read
from the table's metadata (GET) before the data query (POST) is built. The areas asked for are
the region and municipalities of the Domain (config/domain.yaml). The response is saved as
received, in JSON-stat2, under raw/population/, where `clean_population` reads it."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kainuu_metrics.datasets.population.areas import is_population_label
from kainuu_metrics.datasets.population.jsonstat import checked_sizes, count_population_values
from kainuu_metrics.settings import Domain

DEFAULT_BASE_URL = "https://pxdata.stat.fi/PXWeb/api/v1/fi/StatFin/vaerak/statfin_vaerak_pxt_11ra.px"
URL_ENV_VAR = "KAINUU_METRICS_PXWEB_URL"
USER_AGENT = "kainuu-metrics/0.1 (+https://pxdata.stat.fi)"

_YEAR = re.compile(r"(?:19|20)\d{2}")
_AREA_CODE = re.compile(r"(?:KU\d{3}|MK\d{2})")


class FetchError(Exception):
    """Fetching from the API failed; the message is Finnish and says what to do."""


def manual_fix(domain: Domain) -> str:
    """What to do when fetching fails: fetch the table by hand (Finnish)."""
    return (
        "Tarkista verkkoyhteys tai lataa tiedosto käsin PxWeb-palvelusta "
        f"(taulukko 11ra, Väestö 31.12., {domain.region_name} ja sen kunnat) ja tallenna se kansioon data/raw/population/."
    )


@dataclass(frozen=True)
class QueryPlan:
    """Variable codes and values chosen from the table's metadata."""

    area_code: str
    year_code: str
    content_code: str
    content_value: str
    years: tuple[str, ...]
    areas: tuple[str, ...]
    fixed: tuple[tuple[str, str], ...] = ()  # other variables that cannot be left out: (code, value)


def resolve_base_url(base_url: str = DEFAULT_BASE_URL) -> str:
    """The table URL: an explicit one wins; otherwise KAINUU_METRICS_PXWEB_URL, else the default."""
    if base_url != DEFAULT_BASE_URL:
        return base_url
    return os.environ.get(URL_ENV_VAR, "").strip() or DEFAULT_BASE_URL


def plan_query(metadata: object, domain: Domain, years: list[int] | None = None) -> QueryPlan:
    """Pick the area, year and content variables from PxWeb metadata ({"title", "variables"})
    for the region and municipalities of `domain`.

    Raises FetchError when the metadata is not what table 11ra should look like."""
    fix = manual_fix(domain)
    variables = metadata.get("variables") if isinstance(metadata, dict) else None
    if not isinstance(variables, list) or not all(isinstance(v, dict) and "code" in v for v in variables):
        raise FetchError(
            "Tilastokeskuksen rajapinnan vastaus taulukon kuvaukseen oli odottamaton (muuttujat puuttuvat). " + fix
        )

    def values(var: dict) -> list[str]:
        return [str(v) for v in var.get("values") or []]

    def texts(var: dict) -> list[str]:
        return [str(t) for t in var.get("valueTexts") or values(var)]

    area_var = max(variables, key=lambda v: sum(1 for x in values(v) if _AREA_CODE.fullmatch(x)))
    if not any(_AREA_CODE.fullmatch(x) for x in values(area_var)):
        raise FetchError(
            f"Taulukon kuvauksesta ei löytynyt aluemuuttujaa (aluekoodit kuten {', '.join(domain.area_codes[:2])}). " + fix
        )
    year_var = next(
        (v for v in variables if v is not area_var and values(v) and all(_YEAR.fullmatch(x) for x in values(v))),
        None,
    )
    if year_var is None:
        raise FetchError("Taulukon kuvauksesta ei löytynyt vuosimuuttujaa. " + fix)
    content_var, content_value = None, None
    for var in variables:
        if var is area_var or var is year_var:
            continue
        for value, text in zip(values(var), texts(var), strict=False):
            if is_population_label(text) or is_population_label(value):
                content_var, content_value = var, value
                break
        if content_var is not None:
            break
    if content_var is None or content_value is None:
        raise FetchError("Taulukon kuvauksesta ei löytynyt tietoa 'Väestö 31.12.'. " + fix)

    wanted_areas = domain.area_codes
    missing_areas = [a for a in wanted_areas if a not in values(area_var)]
    if missing_areas:
        raise FetchError(
            f"Taulukossa ei ole alueita {', '.join(missing_areas)}; aluejako on ehkä muuttunut. " + fix
        )
    available = values(year_var)
    if years is None:
        chosen = tuple(available)
    else:
        absent = [str(y) for y in years if str(y) not in available]
        if absent:
            raise FetchError(
                f"Vuosia {', '.join(absent)} ei ole taulukossa (saatavilla {available[0]}–{available[-1]}). "
                "Valitse saatavilla olevat vuodet."
            )
        chosen = tuple(str(y) for y in sorted(set(years)))

    fixed = []
    for var in variables:
        if var in (area_var, year_var, content_var) or var.get("elimination"):
            continue
        options = values(var)
        total = "SSS" if "SSS" in options else (options[0] if len(options) == 1 else None)
        if total is None:
            name = var.get("text", var["code"])
            raise FetchError(f"Taulukon muuttujalle '{name}' ei löytynyt yhteensä-arvoa. " + fix)
        fixed.append((str(var["code"]), total))
    return QueryPlan(
        area_code=str(area_var["code"]),
        year_code=str(year_var["code"]),
        content_code=str(content_var["code"]),
        content_value=content_value,
        years=chosen,
        areas=tuple(wanted_areas),
        fixed=tuple(fixed),
    )


def build_query(plan: QueryPlan) -> dict:
    """The PxWeb v1 query body for the plan, asking for JSON-stat2."""

    def item(code: str, values: list[str]) -> dict:
        return {"code": code, "selection": {"filter": "item", "values": values}}

    return {
        "query": [
            item(plan.area_code, list(plan.areas)),
            item(plan.year_code, list(plan.years)),
            item(plan.content_code, [plan.content_value]),
            *(item(code, [value]) for code, value in plan.fixed),
        ],
        "response": {"format": "json-stat2"},
    }


def check_jsonstat2(document: object, domain: Domain) -> tuple[int, int]:
    """Check that a response is a JSON-stat2 dataset the cleaner reads, with figures of the
    region or its municipalities; returns its first and last year."""
    fix = manual_fix(domain)
    try:
        ids, sizes, dims = document["id"], document["size"], document["dimension"]  # type: ignore[index]
        ids, sizes, total = checked_sizes(ids, sizes)  # before anything is allocated
        if len(document["value"]) != total:  # type: ignore[index]
            raise ValueError(f"arvoja on {len(document['value'])}, ulottuvuuksien kokojen tulon mukaan pitäisi olla {total}")  # type: ignore[index]
        years = [
            int(code)
            for dim_id in ids
            for code in (dims[dim_id]["category"].get("index") or {})
            if _YEAR.fullmatch(str(code))
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise FetchError(
            f"Tilastokeskuksen rajapinnan vastaus ei ollut JSON-stat2-muotoinen väestötaulukko ({exc}). " + fix
        ) from exc
    if not years:
        raise FetchError("Tilastokeskuksen rajapinnan vastauksessa ei ollut vuosia. " + fix)
    try:
        found = count_population_values(document, domain)
    except ValueError as exc:
        raise FetchError(
            f"Tilastokeskuksen rajapinnan vastausta ei voitu lukea väestötaulukkona ({exc}). " + fix
        ) from exc
    if found == 0:
        raise FetchError(f"Tilastokeskuksen rajapinnan vastauksessa ei ollut {domain.region_genitive} väkilukuja. " + fix)
    return min(years), max(years)


def _request(url: str, body: dict | None, timeout: float, fix: str) -> bytes:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="GET" if body is None else "POST",
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        hint = {
            400: "kysely oli virheellinen (taulukon muuttujat ovat ehkä muuttuneet)",
            403: "kysely oli liian suuri",
            404: "taulukkoa ei löytynyt tästä osoitteesta",
            429: "pyyntöjä oli liikaa; yritä hetken kuluttua uudelleen",
        }.get(exc.code, "palvelussa oli virhe")
        raise FetchError(
            f"Tilastokeskuksen rajapinta vastasi virheellä HTTP {exc.code} ({hint}; osoite {url}). " + fix
        ) from exc
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"Tilastokeskuksen rajapintaan ei saatu yhteyttä ({reason}; osoite {url}). " + fix
        ) from exc


def _parse_json(payload: bytes, what: str, fix: str) -> object:
    try:
        return json.loads(payload.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FetchError(f"Tilastokeskuksen rajapinnan vastaus {what} ei ollut JSON-muotoinen. " + fix) from exc


def fetch_population(
    raw_dir: Path,
    domain: Domain,
    base_url: str = DEFAULT_BASE_URL,
    years: list[int] | None = None,
    timeout: float = 20,
) -> Path:
    """Fetch population 31.12. of the region and its municipalities (from `domain`) and save it
    under raw_dir/population.

    Returns the saved file (statfin_11ra_<first>-<last>_<UTC time>.json). Raises FetchError."""
    fix = manual_fix(domain)
    url = resolve_base_url(base_url)
    metadata = _parse_json(_request(url, None, timeout, fix), "taulukon kuvaukseen", fix)
    plan = plan_query(metadata, domain, years)
    payload = _request(url, build_query(plan), timeout, fix)
    first, last = check_jsonstat2(_parse_json(payload, "väestökyselyyn", fix), domain)

    folder = raw_dir / "population"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"statfin_11ra_{first}-{last}_{stamp}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        counter = 1
        while target.exists():  # raw files are never overwritten
            counter += 1
            target = folder / f"statfin_11ra_{first}-{last}_{stamp}_{counter}.json"
        target.write_bytes(payload)
    except OSError as exc:
        raise FetchError(f"Tiedostoa {target} ei voitu tallentaa ({exc.strerror}). Tarkista kansion oikeudet.") from exc
    return target
