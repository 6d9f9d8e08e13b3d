"""Sample population exports (Statistics Finland, table 11ra, population 31.12.), 2019–2024.

Three files in the shapes PxWeb really produces, overlapping so that the cleaner's duplicate
handling shows (the overlapping figures agree):
- statfin_11ra_2019-2021.csv: web-interface CSV, Windows-1252, ';', CRLF, title + blank line +
  header, long layout, labels like "KU205 Kajaani", the label only on the first row of a block,
  footnotes with an HTML link;
- statfin_11ra_2021-2023.xlsx: XLSX as PxWeb saves it, wide (years as columns, two heading rows,
  no stub header), name-only labels, footnotes;
- statfin_11ra_2022-2024.json: JSON-stat2 as the API returns it, with the dated variable codes.
No 2025: the pipeline then shows 2025 as provisional.

Real figures (DOMAIN.md, Statistics Finland): 2019–2021 every area; 2022 Kainuu; 2023
Hyrynsalmi, Kuhmo, Puolanka and Suomussalmi. Every other figure is illustrative, chosen to
follow the trend and so that the municipalities sum to the Kainuu figure of each year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path

from openpyxl import Workbook

from sample_data import save_workbook

REGION = ("MK18", "Kainuu")
MUNICIPALITIES = (
    ("KU105", "Hyrynsalmi"), ("KU205", "Kajaani"), ("KU290", "Kuhmo"), ("KU578", "Paltamo"),
    ("KU620", "Puolanka"), ("KU697", "Ristijärvi"), ("KU765", "Sotkamo"), ("KU777", "Suomussalmi"),
)
AREAS = (REGION, *MUNICIPALITIES)
YEARS = tuple(range(2019, 2025))

# Published by Statistics Finland (table 11ra), as listed in DOMAIN.md.
REAL: dict[int, dict[str, int]] = {
    2019: {"KU105": 2271, "KU205": 36709, "KU290": 8190, "KU578": 3273, "KU620": 2528,
           "KU697": 1272, "KU765": 10336, "KU777": 7727, "MK18": 72306},
    2020: {"KU105": 2199, "KU205": 36567, "KU290": 8042, "KU578": 3235, "KU620": 2491,
           "KU697": 1235, "KU765": 10301, "KU777": 7594, "MK18": 71664},
    2021: {"KU105": 2139, "KU205": 36493, "KU290": 7928, "KU578": 3183, "KU620": 2446,
           "KU697": 1210, "KU765": 10348, "KU777": 7508, "MK18": 71255},
    2022: {"MK18": 70521},
    2023: {"KU105": 2063, "KU290": 7582, "KU620": 2359, "KU777": 7172},
}
# Illustrative (ESIMERKKIAINEISTO): invented to follow the trend and to sum correctly.
ILLUSTRATIVE: dict[int, dict[str, int]] = {
    2022: {"KU105": 2101, "KU205": 36330, "KU290": 7760, "KU578": 3140, "KU620": 2400,
           "KU697": 1185, "KU765": 10265, "KU777": 7340},
    2023: {"KU205": 36210, "KU578": 3100, "KU697": 1160, "KU765": 10200, "MK18": 69846},
    2024: {"KU105": 2030, "KU205": 36120, "KU290": 7450, "KU578": 3065, "KU620": 2320,
           "KU697": 1140, "KU765": 10150, "KU777": 7040, "MK18": 69315},
}

TITLE = "Tunnuslukuja väestöstä alueittain muuttujina Alue, Vuosi ja Tiedot"
CONTENT = "Väestö 31.12."
SOURCE_NOTE = "Lähde: Tilastokeskus, väestörakenne (StatFin-taulukko 11ra). Aluejako 1.1.2024."
LINK_NOTE = (
    'Tiedot: Väestö 31.12. = vakinainen väestö vuoden lopussa. Lisätietoja: '
    '<a href="https://stat.fi/tilasto/vaerak">https://stat.fi/tilasto/vaerak</a>'
)
SAMPLE_NOTE = "Vuosien 2022–2024 luvut ovat osin havainnollistavia esimerkkilukuja (ESIMERKKIAINEISTO)"
WORKBOOK_STAMP = dt.datetime(2024, 4, 26, 8, 0, 0)


def figure(year: int, area: str) -> int:
    return REAL.get(year, {}).get(area) or ILLUSTRATIVE[year][area]


def is_real(year: int, area: str) -> bool:
    return area in REAL.get(year, {})


def _check_figures() -> None:
    for year in YEARS:
        for area, _ in AREAS:
            if (area in REAL.get(year, {})) == (area in ILLUSTRATIVE.get(year, {})):
                raise AssertionError(f"{year} {area}: give each figure exactly once, real or illustrative")
        total = sum(figure(year, code) for code, _ in MUNICIPALITIES)
        if total != figure(year, REGION[0]):
            raise AssertionError(f"{year}: municipalities sum to {total}, Kainuu is {figure(year, REGION[0])}")


def _web_csv(years: range) -> bytes:
    """Long layout as the web interface saves it; numbers unquoted, every text quoted."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([TITLE])
    buffer.write("\r\n")
    writer.writerow(["Alue", "Vuosi", CONTENT])
    for code, name in AREAS:
        for index, year in enumerate(years):
            writer.writerow([f"{code} {name}" if index == 0 else "", str(year), figure(year, code)])
    buffer.write("\r\n")
    for note in (SOURCE_NOTE, LINK_NOTE, SAMPLE_NOTE):
        writer.writerow([note])
    return buffer.getvalue().encode("cp1252")


def _pxweb_workbook(years: range) -> Workbook:
    """Wide layout as PxWeb's XLSX export: years on one heading row, the content on the next."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "11ra"
    sheet.append([TITLE])
    sheet.append([])
    sheet.append([None, *(str(y) for y in years)])
    sheet.append([None, *(CONTENT for _ in years)])
    for code, name in AREAS:
        sheet.append([name, *(figure(y, code) for y in years)])
    sheet.append([])
    for note in (SOURCE_NOTE, SAMPLE_NOTE):
        sheet.append([note])
    sheet.column_dimensions["A"].width = 16
    return workbook


def jsonstat2(years: range, notes: list[str]) -> dict:
    """A JSON-stat2 dataset shaped like the PxWeb v1 API's answer (dated variable codes)."""
    area_id, year_id, content_id = "alue_23_20260101", "timeperiod_y", "contentscode"
    values = [figure(year, code) for code, _ in AREAS for year in years]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": TITLE,
        "source": "Tilastokeskus",
        "updated": "2025-04-25T05:00:00Z",
        "note": notes,
        "role": {"time": [year_id], "metric": [content_id]},
        "id": [area_id, year_id, content_id],
        "size": [len(AREAS), len(years), 1],
        "dimension": {
            area_id: {
                "extension": {"show": "value"},
                "label": "Alue",
                "category": {
                    "index": {code: i for i, (code, _) in enumerate(AREAS)},
                    "label": {code: name for code, name in AREAS},
                },
            },
            year_id: {
                "extension": {"show": "code"},
                "label": "Vuosi",
                "category": {
                    "index": {str(y): i for i, y in enumerate(years)},
                    "label": {str(y): str(y) for y in years},
                },
            },
            content_id: {
                "extension": {"show": "value"},
                "label": "Tiedot",
                "category": {
                    "index": {"vaerak-vaesto": 0},
                    "label": {"vaerak-vaesto": CONTENT},
                    "unit": {"vaerak-vaesto": {"base": "lukumäärä", "decimals": 0}},
                },
                "link": {"describedby": [{"extension": {"vaerak-vaesto": "http://www.stat.fi/meta/kas/vaesto.html"}}]},
            },
        },
        "extension": {
            "px": {
                "infofile": "None",
                "tableid": "11ra",
                "decimals": 0,
                "official-statistics": True,
                "aggregallowed": False,
                "language": "fi",
                "contents": "Väestörakenne",
                "descriptiondefault": False,
                "heading": [year_id, content_id],
                "stub": [area_id],
            }
        },
        "value": values,
    }


def _readme() -> str:
    lines = [
        "# Väestö 31.12. (esimerkkiaineisto)",
        "",
        "Tämän kansion tiedostot on tuottanut `scripts/generate_sample_data.py`",
        "(moduuli `scripts/sample_data/population.py`). Ne ovat Tilastokeskuksen PxWeb-palvelun",
        "taulukon 11ra (Tunnuslukuja väestöstä alueittain, tieto Väestö 31.12.) muotoisia.",
        "Kansio on raaka-aineistoa: älä muokkaa tiedostoja, vaan lisää uusi tiedosto.",
        "",
        "| tiedosto | muoto | vuodet |",
        "|---|---|---|",
        "| statfin_11ra_2019-2021.csv | verkkopalvelun CSV (Windows-1252, `;`, pitkä muoto) | 2019–2021 |",
        "| statfin_11ra_2021-2023.xlsx | PxWebin XLSX (leveä muoto, vuodet sarakkeina) | 2021–2023 |",
        "| statfin_11ra_2022-2024.json | rajapinnan JSON-stat2 | 2022–2024 |",
        "",
        "Päällekkäiset vuodet (2021, 2022, 2023) ovat tiedostoissa samat, joten myöhemmät ohitetaan",
        "kaksoiskappaleina. Vuotta 2025 ei ole: raporteissa se näkyy ennakollisena.",
        "",
        "## Todelliset ja havainnollistavat luvut",
        "",
        "Todelliset luvut ovat Tilastokeskuksen julkaisemia (taulukko 11ra; taulukko laskee kaikki",
        "vuodet uusimmalla aluejaolla). Merkinnällä * olevat luvut ovat havainnollistavia",
        "esimerkkilukuja (ESIMERKKIAINEISTO): ne on keksitty kehityksen suunnan mukaisiksi niin, että",
        "kuntien luvut summautuvat Kainuun lukuun. Niitä ei saa esittää todellisina.",
        "",
        "| vuosi | " + " | ".join(name for _, name in AREAS) + " |",
        "|---|" + "---|" * len(AREAS),
    ]
    for year in YEARS:
        cells = [f"{figure(year, code)}" + ("" if is_real(year, code) else " *") for code, _ in AREAS]
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    lines += ["", "Todelliset luvut (Tilastokeskus, taulukko 11ra):", ""]
    for year in sorted(REAL):
        names = [name for code, name in AREAS if is_real(year, code)]
        lines.append(f"- {year}: " + ("kaikki alueet" if len(names) == len(AREAS) else ", ".join(names)))
    lines += [
        "",
        "Havainnollistavat (ESIMERKKIAINEISTO): kaikki muut vuosien 2022–2024 luvut, myös Kainuu 2023",
        "ja 2024, jotka ovat kuntien lukujen summia.",
        "",
    ]
    return "\n".join(lines)


def generate(raw_dir: Path, rng: random.Random | None = None) -> list[Path]:
    """Write the sample population files; returns their paths. Deterministic (rng unused).

    `raw_dir` is the population folder (data/raw/population) as generate_sample_data.py passes
    it; given the raw root (data/raw), the files go to its "population" subfolder."""
    _check_figures()
    folder = raw_dir if raw_dir.name == "population" else raw_dir / "population"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "statfin_11ra_2019-2021.csv"
    csv_path.write_bytes(_web_csv(range(2019, 2022)))
    xlsx_path = save_workbook(_pxweb_workbook(range(2021, 2024)), folder / "statfin_11ra_2021-2023.xlsx", WORKBOOK_STAMP)
    json_path = folder / "statfin_11ra_2022-2024.json"
    document = jsonstat2(range(2022, 2025), [SOURCE_NOTE, SAMPLE_NOTE])
    json_path.write_bytes(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    readme = folder / "README.md"
    readme.write_bytes(_readme().encode("utf-8"))
    return [csv_path, xlsx_path, json_path, readme]
