"""Write the Keski-Pohjanmaa sample raw data (deterministic, byte-for-byte reproducible).

Usage (from the project root):

    .venv/bin/python examples/keski-pohjanmaa/generate_sample_data.py [--out DATA_DIR]

Writes DATA_DIR/raw/ (default: examples/keski-pohjanmaa/data/raw/) in the same export formats as
the Kainuu sample (scripts/sample_data/): grants 2024 (CSV) and 2025 (XLSX), one population web
CSV (StatFin table 11ra, 2023–2025), premises bookings 2025, an experience-expert register and
assignment log 2025, one Yhteistyö-Tuokio evaluation with three filled forms, the
ESIMERKKIAINEISTO.txt marker and README files.

Everything except the population figures marked real in data/raw/population/README.md is
invented: organisations, Y-tunnus, amounts, bookings, persons and ratings. The rows are written
out by hand below (no random amounts), so that examples/keski-pohjanmaa/EXPECTED.md can be
checked against this file line by line; the only random draw is the Y-tunnus bodies, from
random.Random(SEED). Workbooks get fixed document dates and ZIP entry times, so a rerun gives
identical bytes (with the same openpyxl version).

Read-only use of the package: the Tuokio forms are made with the project's own blank-form writer
(kainuu_metrics.datasets.tuokio.template.write_blank_form, as `kainuu-metrics template tuokio`)
from this example's configuration. The value spellings, the Y-tunnus draw and the deterministic
CSV and workbook writers are the Kainuu sample's own helpers (scripts/sample_data/__init__.py).
Nothing outside this example folder is written.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import io
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

EXAMPLE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = EXAMPLE_DIR.parent.parent
SCRIPTS_DIR = PROJECT_ROOT / "scripts"
CONFIG_DIR = EXAMPLE_DIR / "config"
SEED = 2025

for _path in (PROJECT_ROOT, SCRIPTS_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import sample_data  # noqa: E402  (needs SCRIPTS_DIR on sys.path, as scripts/generate_sample_data.py)


# --- helpers ----------------------------------------------------------------------------------
# fi_money, fi_date, make_business_id (with the package's business_id_check_digit), write_csv and
# save_workbook are the Kainuu sample's, used as sample_data.<name>. Their defaults give this
# example's spellings ("1 200,00 €" with a plain space, "19.3.2024"; Y-tunnus bodies drawn from
# 100 000..3 299 999). The shared writers expect the target folder to exist: see _in_folder.


def _in_folder(path: Path) -> Path:
    """`path`, after creating its folder (the shared write_csv and save_workbook do not)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def _import_first(*names: str):
    """The first importable module of `names` (the package is being restructured)."""
    errors = []
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError as exc:
            errors.append(f"{name}: {exc}")
    raise ImportError("; ".join(errors))


# --- organisations (invented) ------------------------------------------------------------------

CHILDREN = "Lasten, nuorten ja perheiden palvelut"
WORKING_AGE = "Työikäisten palvelut"
MENTAL = "Mielenterveys- ja päihdepalvelut"
OLDER = "Ikäihmisten palvelut"
DISABILITY = "Vammaispalvelut"
WHOLE = "Koko hyvinvointialue"

NET_MENTAL = "Mielenterveys- ja päihdeverkosto"
NET_OLDER = "Ikäihmisten verkosto"

MEMORY = "Keski-Pohjanmaan Muistiyhdistys ry"
COMPASS = "Mielenterveysyhdistys Kokkolan Kompassi ry"
CARERS = "Kokkolan Seudun Omaishoitajat ry"
VISION = "Keski-Pohjanmaan Näkövammaiset ry"
YOUTH = "Kokkolan Nuorten Tuki ry"
KANNUS_PENSIONERS = "Kannuksen Eläkeläiset ry"
KAUSTINEN_FAMILIES = "Kaustisen Perhekerho ry"
KAUSTINEN_HEART = "Kaustisen Seudun Sydänyhdistys ry"
VETELI_YOUTH = "Vetelin Nuorisoseura ry"
TOHOLAMPI_HEART = "Toholammin Sydänyhdistys ry"
PERHO_VILLAGE = "Perhon Kyläyhdistys ry"
HALSUA_PENSIONERS = "Halsuan Eläkkeensaajat ry"
LESTIJARVI_VILLAGE = "Lestijärven Kylätoimikunta ry"
FIRE_BRIGADE = "Kokkolan VPK ry"

# name -> (home municipality, service area); order fixes the Y-tunnus draws.
ORGANISATIONS = {
    MEMORY: ("Kokkola", OLDER),
    COMPASS: ("Kokkola", MENTAL),
    CARERS: ("Kokkola", OLDER),
    VISION: ("Kokkola", DISABILITY),
    YOUTH: ("Kokkola", CHILDREN),
    KANNUS_PENSIONERS: ("Kannus", OLDER),
    KAUSTINEN_FAMILIES: ("Kaustinen", CHILDREN),
    KAUSTINEN_HEART: ("Kaustinen", WORKING_AGE),
    VETELI_YOUTH: ("Veteli", CHILDREN),
    TOHOLAMPI_HEART: ("Toholampi", WORKING_AGE),
    PERHO_VILLAGE: ("Perho", OLDER),
    HALSUA_PENSIONERS: ("Halsua", OLDER),
    LESTIJARVI_VILLAGE: ("Lestijärvi", WHOLE),
    FIRE_BRIGADE: ("Kokkola", WHOLE),
}
MUNICIPALITY_CODES = {
    "Halsua": "074", "Kannus": "217", "Kaustinen": "236", "Kokkola": "272",
    "Lestijärvi": "421", "Perho": "584", "Toholampi": "849", "Veteli": "924",
}


def business_ids() -> dict[str, str]:
    rng = random.Random(SEED)
    used: set[str] = set()
    return {name: sample_data.make_business_id(rng, used) for name in ORGANISATIONS}


# --- grants ------------------------------------------------------------------------------------

OPERATING, PARTNERSHIP, ONE_OFF = "toiminta", "kumppanuus", "kerta"


@dataclass(frozen=True)
class Application:
    org: str
    grant_type: str
    purpose: str
    applied: int
    granted: int
    network: str | None = None
    funding: str | None = None
    period: str | None = None
    reg_no: str | None = None


DECISION_2024 = dt.date(2024, 3, 19)
DECISION_2025 = dt.date(2025, 3, 18)

# 13 applications decided on 19.3.2024 (one rejected: Vetelin Nuorisoseura, 0 €).
GRANTS_2024 = [
    Application(MEMORY, PARTNERSHIP, "Muistiluotsi- ja vertaistukitoiminta", 20_000, 15_000, NET_OLDER, "STEA", "2024–2026", "214.563"),
    Application(COMPASS, PARTNERSHIP, "Kohtaamispaikka ja vertaistuki", 18_000, 12_000, NET_MENTAL, "kunta", "2024–2026", "187402"),
    Application(CARERS, OPERATING, "Omaishoitajien vertaistukiryhmät", 3_000, 2_000, reg_no="176.118"),
    Application(VISION, OPERATING, "Vertaistuki ja sopeutumisvalmennus", 4_000, 2_500),
    Application(YOUTH, ONE_OFF, "Nuorten kesäleiri", 1_000, 600),
    Application(KANNUS_PENSIONERS, OPERATING, "Virkistys- ja kerhotoiminta", 1_500, 1_200, reg_no="158204"),
    Application(KAUSTINEN_FAMILIES, OPERATING, "Perhekerhotoiminta", 2_000, 1_500),
    Application(KAUSTINEN_HEART, ONE_OFF, "Sydänviikon yleisöluento", 700, 450),
    Application(VETELI_YOUTH, OPERATING, "Kerhotoiminta lapsille ja nuorille", 2_500, 0),
    Application(TOHOLAMPI_HEART, OPERATING, "Kuntoutujien liikuntaryhmät", 1_200, 800),
    Application(PERHO_VILLAGE, ONE_OFF, "Ikäihmisten kyläkahvilan välineet", 800, 500),
    Application(HALSUA_PENSIONERS, OPERATING, "Ystävätoiminta", 1_000, 700),
    Application(LESTIJARVI_VILLAGE, ONE_OFF, "Kylän turvallisuuskävely ja ensiapukurssi", 600, 400),
]

# 12 applications decided on 18.3.2025 (one rejected: Toholammin Sydänyhdistys, 0 €).
GRANTS_2025 = [
    Application(MEMORY, PARTNERSHIP, "Muistiluotsi- ja vertaistukitoiminta", 20_000, 15_000, NET_OLDER, "STEA", "2024–2026"),
    Application(COMPASS, PARTNERSHIP, "Kohtaamispaikka ja vertaistuki", 18_000, 12_000, NET_MENTAL, "kunta", "2024–2026"),
    Application(CARERS, OPERATING, "Omaishoitajien vertaistukiryhmät", 3_000, 2_200),
    Application(VISION, OPERATING, "Vertaistuki ja sopeutumisvalmennus", 4_000, 2_500),
    Application(KANNUS_PENSIONERS, OPERATING, "Virkistys- ja kerhotoiminta", 1_500, 1_300),
    Application(KAUSTINEN_FAMILIES, OPERATING, "Perhekerhotoiminta", 2_000, 1_600),
    Application(KAUSTINEN_HEART, OPERATING, "Sydänkuntoutujien ryhmät", 1_200, 900),
    Application(VETELI_YOUTH, OPERATING, "Kerhotoiminta lapsille ja nuorille", 2_000, 1_000),
    Application(TOHOLAMPI_HEART, ONE_OFF, "Verenpainemittarit lainaan", 900, 0),
    Application(PERHO_VILLAGE, ONE_OFF, "Kyläkahvilan retki", 700, 500),
    Application(HALSUA_PENSIONERS, OPERATING, "Ystävätoiminta", 1_000, 800),
    Application(LESTIJARVI_VILLAGE, ONE_OFF, "Ensiapukurssi kyläläisille", 600, 400),
]

GRANT_TYPE_2024 = {OPERATING: "Toiminta-avustus", PARTNERSHIP: "Kumppanuusavustus", ONE_OFF: "Kerta-avustus"}
GRANT_TYPE_2025 = {OPERATING: "toiminta", PARTNERSHIP: "kumppanuus-avustus", ONE_OFF: "kertaluonteinen avustus"}
# A few export spellings, by row number (1-based application number).
MUNICIPALITY_2024 = {1: "KOKKOLA", 4: "Kokkolan kaupunki", 7: " kaustinen "}
AMOUNT_STYLE_2024 = {3: "plain", 6: "no-decimals", 10: "no-euro"}
MUNICIPALITY_CODE_2025 = {3, 7}  # AlueKunnat written as the municipality code (a number)

HEADER_2024 = [
    "Järjestön nimi", "Y-tunnus", "Rek.nro", "Avustuslaji", "Käyttötarkoitus", "Haettu €",
    "Myönnetty €", "Päätös", "Päätöspäivä", "Kotikunta", "Palvelualue", "Kumppanuusverkosto",
    "Lähellä.fi", "Liittyvä rahoitus", "Sopimuskausi",
]
HEADER_2025 = [
    "VireillepanijaYhteisoNimi", "VireillepanijaYhteisoTunnus", "Avustusvuosi",
    "avustuspaatos Tyyppi", "KayttoTarkoitus", "HaettuAvustus", "MyonnettyAvustus",
    "MaksettuAvustus", "avustuspaatos Pvm", "AlueKunnat", "AlueHyvinvointialueet", "Palvelualue",
    "Kumppanuusverkosto", "Lähellä.fi", "MuuRahoitus", "SopimusKausi",
]


def _amount_2024(value: int, number: int) -> str:
    style = AMOUNT_STYLE_2024.get(number, "full")
    if style == "plain":
        return str(value)
    if style == "no-decimals":
        return sample_data.fi_money(value, decimals=False)
    if style == "no-euro":
        return sample_data.fi_money(value, euro=False)
    return sample_data.fi_money(value)


def grant_rows_2024(ids: dict[str, str]) -> list[list[object]]:
    rows: list[list[object]] = [
        ["Keski-Pohjanmaan hyvinvointialue – järjestöavustukset 2024, päätös 19.3.2024 (ESIMERKKIAINEISTO)"],
        [],
        list(HEADER_2024),
    ]
    for number, app in enumerate(GRANTS_2024, start=1):
        municipality, area = ORGANISATIONS[app.org]
        rows.append([
            app.org,
            ids[app.org],
            app.reg_no or "",
            GRANT_TYPE_2024[app.grant_type],
            app.purpose,
            _amount_2024(app.applied, number),
            _amount_2024(app.granted, number),
            "Myönnetty" if app.granted else "hylätty",
            sample_data.fi_date(DECISION_2024),
            MUNICIPALITY_2024.get(number, municipality),
            area,
            app.network or "",
            "kyllä" if app.granted else "",
            app.funding or "",
            app.period or "",
        ])
    rows.append(
        ["Yhteensä", "", "", "", "",
         sample_data.fi_money(sum(a.applied for a in GRANTS_2024)),
         sample_data.fi_money(sum(a.granted for a in GRANTS_2024))]
        + [""] * 8
    )
    return rows


def write_grants_2024(path: Path, ids: dict[str, str]) -> Path:
    """UTF-8 with BOM, ';', CRLF; a quoted title line, a blank line, the header, a totals row."""
    return sample_data.write_csv(_in_folder(path), grant_rows_2024(ids), encoding="utf-8-sig",
                                 delimiter=";", lineterminator="\r\n", quote_all_rows=frozenset({0}))


def write_grants_2025(path: Path, ids: dict[str, str]) -> Path:
    """The state grant "minimum data" layout as in the Kainuu 2025 sample: sheet "VA", header in row 1."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "VA"
    sheet.append(list(HEADER_2025))
    for number, app in enumerate(GRANTS_2025, start=1):
        municipality, area = ORGANISATIONS[app.org]
        where: object = int(MUNICIPALITY_CODES[municipality]) if number in MUNICIPALITY_CODE_2025 else municipality
        sheet.append([
            app.org,
            ids[app.org],
            2025,
            GRANT_TYPE_2025[app.grant_type],
            app.purpose,
            float(app.applied),
            float(app.granted),
            float(app.granted),
            dt.datetime.combine(DECISION_2025, dt.time()),
            where,
            "Keski-Pohjanmaan hyvinvointialue",
            area,
            app.network,
            "kyllä" if app.granted else None,
            app.funding,
            app.period,
        ])
    for row in sheet.iter_rows(min_row=2):
        for cell in row[5:8]:
            cell.number_format = "0.00"
        row[8].number_format = "yyyy-mm-dd"
    workbook.properties.creator = "Valtionavustusten minimitietojen vienti (esimerkkiaineisto)"
    return sample_data.save_workbook(workbook, _in_folder(path), dt.datetime(2025, 4, 2, 10, 0))


# --- population (StatFin table 11ra, web-interface CSV) ----------------------------------------

REGION = ("MK16", "Keski-Pohjanmaa")
MUNICIPALITIES = (
    ("KU074", "Halsua"), ("KU217", "Kannus"), ("KU236", "Kaustinen"), ("KU272", "Kokkola"),
    ("KU421", "Lestijärvi"), ("KU584", "Perho"), ("KU849", "Toholampi"), ("KU924", "Veteli"),
)
AREAS = (REGION, *MUNICIPALITIES)
POPULATION_YEARS = (2023, 2024, 2025)

# Published by Statistics Finland, population 31.12. (sources in population/README.md).
REAL_POPULATION: dict[int, dict[str, int]] = {
    2023: {"KU272": 48299, "MK16": 67736},
    2024: {"KU074": 985, "KU217": 5264, "KU236": 4118, "KU272": 48367, "KU421": 665,
           "KU584": 2594, "KU849": 2799, "KU924": 2931, "MK16": 67723},
}
# Illustrative (ESIMERKKIAINEISTO): invented to follow the trend and so that the municipalities
# sum to the region.
ILLUSTRATIVE_POPULATION: dict[int, dict[str, int]] = {
    2023: {"KU074": 1013, "KU217": 5246, "KU236": 4137, "KU421": 682, "KU584": 2578,
           "KU849": 2840, "KU924": 2941},
    2025: {"KU074": 960, "KU217": 5230, "KU236": 4090, "KU272": 48420, "KU421": 650,
           "KU584": 2560, "KU849": 2760, "KU924": 2905, "MK16": 67575},
}
POPULATION_TITLE = "Tunnuslukuja väestöstä alueittain muuttujina Alue, Vuosi ja Tiedot"
POPULATION_CONTENT = "Väestö 31.12."
POPULATION_NOTES = (
    "Lähde: Tilastokeskus, väestörakenne (StatFin-taulukko 11ra). Aluejako 1.1.2025.",
    'Tiedot: Väestö 31.12. = vakinainen väestö vuoden lopussa. Lisätietoja: '
    '<a href="https://stat.fi/tilasto/vaerak">https://stat.fi/tilasto/vaerak</a>',
    "Osa luvuista on havainnollistavia esimerkkilukuja (ESIMERKKIAINEISTO), ks. README.md",
)


def population(year: int, area: str) -> int:
    return REAL_POPULATION.get(year, {}).get(area) or ILLUSTRATIVE_POPULATION[year][area]


def is_real_population(year: int, area: str) -> bool:
    return area in REAL_POPULATION.get(year, {})


def check_population() -> None:
    for year in POPULATION_YEARS:
        for code, _ in AREAS:
            if (code in REAL_POPULATION.get(year, {})) == (code in ILLUSTRATIVE_POPULATION.get(year, {})):
                raise AssertionError(f"{year} {code}: give each figure exactly once, real or illustrative")
        total = sum(population(year, code) for code, _ in MUNICIPALITIES)
        if total != population(year, REGION[0]):
            raise AssertionError(f"{year}: municipalities sum to {total}, region is {population(year, REGION[0])}")


def write_population_csv(path: Path) -> Path:
    """Long layout as the web interface saves it: Windows-1252, ';', CRLF, title + blank line +
    header, labels like "KU272 Kokkola" only on the first row of a block, footnotes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([POPULATION_TITLE])
    buffer.write("\r\n")
    writer.writerow(["Alue", "Vuosi", POPULATION_CONTENT])
    for code, name in AREAS:
        for index, year in enumerate(POPULATION_YEARS):
            writer.writerow([f"{code} {name}" if index == 0 else "", str(year), population(year, code)])
    buffer.write("\r\n")
    for note in POPULATION_NOTES:
        writer.writerow([note])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


def population_readme() -> str:
    lines = [
        "# Väestö 31.12. – Keski-Pohjanmaa (esimerkkiaineisto)",
        "",
        "Tämän kansion tiedoston on tuottanut `examples/keski-pohjanmaa/generate_sample_data.py`.",
        "Se on Tilastokeskuksen PxWeb-palvelun taulukon 11ra (Tunnuslukuja väestöstä alueittain,",
        "tieto Väestö 31.12.) verkkopalvelun CSV-muotoinen (Windows-1252, `;`, CRLF, pitkä muoto,",
        "aluekoodit kuten `KU272 Kokkola`, alueen nimi vain lohkon ensimmäisellä rivillä).",
        "Kansio on raaka-aineistoa: älä muokkaa tiedostoa, vaan lisää uusi tiedosto.",
        "",
        "| tiedosto | muoto | vuodet |",
        "|---|---|---|",
        "| statfin_11ra_2023-2025.csv | verkkopalvelun CSV (Windows-1252, `;`, pitkä muoto) | 2023–2025 |",
        "",
        "## Todelliset ja havainnollistavat luvut",
        "",
        "Merkinnällä * olevat luvut ovat havainnollistavia esimerkkilukuja (ESIMERKKIAINEISTO): ne on",
        "keksitty kehityksen suunnan mukaisiksi niin, että kuntien luvut summautuvat maakunnan lukuun.",
        "Niitä ei saa esittää todellisina. Muut luvut ovat Tilastokeskuksen julkaisemia, mutta ne on",
        "poimittu toissijaisista lähteistä (alla); tarkista ne taulukosta 11ra ennen julkaisemista.",
        "",
        "| vuosi | " + " | ".join(name for _, name in AREAS) + " |",
        "|---|" + "---|" * len(AREAS),
    ]
    for year in POPULATION_YEARS:
        cells = [f"{population(year, code)}" + ("" if is_real_population(year, code) else " *") for code, _ in AREAS]
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Todelliset luvut (Tilastokeskus, väkiluku 31.12.):",
        "",
        "- 2024: kaikki alueet – lähde: citypopulation.de, Keski-Pohjanmaa (\"Source: Statistics",
        "  Finland\", Population Estimate 2024-12-31); kuntien luvut summautuvat maakunnan lukuun 67 723.",
        "- 2023: Kokkola 48 299 – lähde: Wikipedia, Kokkola (Population 2023-12-31).",
        "- 2023: Keski-Pohjanmaa 67 736 – lähde: Wikipedia, Central Ostrobothnia (Population 2023).",
        "",
        "Havainnollistavat (ESIMERKKIAINEISTO): vuoden 2023 muiden kuntien luvut (valittu niin, että",
        "kunnat summautuvat lukuun 67 736) ja kaikki vuoden 2025 luvut (vuoden 2025 väkilukua ei ollut",
        "saatavilla; maakunnan luku 67 575 on kuntien lukujen summa).",
        "",
    ]
    return "\n".join(lines)


# --- premises (bookings 2025, valued with config/premises_prices.yaml) --------------------------


@dataclass(frozen=True)
class Booking:
    org: str
    premises: str  # as written in the export (a name or an alias of the price list)
    day: dt.date
    hours: float
    purpose: str
    hours_text: str | None = None  # the hours written as text in the export


BOOKINGS_2025 = [
    Booking(MEMORY, "Kaarlela", dt.date(2025, 2, 11), 2, "Muistikahvila"),
    Booking(COMPASS, "Neristan", dt.date(2025, 3, 12), 2.5, "Vertaistukiryhmä", "2,5"),
    Booking(KAUSTINEN_FAMILIES, "Kaustisen sote-asema, ryhmätila", dt.date(2025, 4, 7), 3, "Perhekerho"),
    Booking(FIRE_BRIGADE, "Kokkolan paloasema, koulutustila", dt.date(2025, 5, 20), 3, "Ensiapukoulutus"),
    Booking(KANNUS_PENSIONERS, "Kannuksen tk, kokoushuone", dt.date(2025, 9, 16), 2, "Hallituksen kokous", "2 h"),
    Booking(TOHOLAMPI_HEART, "Toholammin terveysasema, ryhmähuone", dt.date(2025, 10, 8), 1.5, "Vertaistukiryhmä"),
]
PREMISES_HEADER = ["Varaaja", "Y-tunnus", "Tilan nimi", "Varauspäivä", "Tunnit", "Kustannus €", "Tarkoitus", "Lisätiedot"]


def write_premises_2025(path: Path, ids: dict[str, str]) -> Path:
    """As the Kainuu 2025 sample: a title row, the header, hours only (no stated cost), a totals row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tilavaraukset"
    sheet.append(["ESIMERKKIAINEISTO – Tilavaraukset 2025 (järjestöt, maksuton käyttö), Keski-Pohjanmaan hyvinvointialue"])
    sheet.append(list(PREMISES_HEADER))
    for booking in BOOKINGS_2025:
        sheet.append([
            booking.org,
            ids[booking.org],
            booking.premises,
            dt.datetime.combine(booking.day, dt.time()),
            booking.hours_text or booking.hours,
            None,
            booking.purpose,
            None,
        ])
    sheet.append(["Yhteensä", None, None, None, sum(b.hours for b in BOOKINGS_2025)])
    for row in sheet.iter_rows(min_row=3):
        if isinstance(row[3].value, dt.datetime):
            row[3].number_format = "dd.mm.yyyy"
    workbook.properties.creator = "Tilavarausjärjestelmä (esimerkkiaineisto)"
    return sample_data.save_workbook(workbook, _in_folder(path), dt.datetime(2026, 1, 14, 9, 0))


# --- experience-expert activity (pseudonymous invented persons) --------------------------------

KOULUTTAJA, RYHMA, TYOPARI, KEHITTAJA, VAIKUTTAJA = (
    "Kokemuskouluttaja", "Ryhmänohjaaja", "Työpari asiakastyössä", "Kehittäjä", "Edustus toimielimessä",
)
# (register id, name, training year, status, joined)
PERSONS = [
    ("KP-001", "Testi Henkilö 1", 2023, "aktiivinen", dt.date(2023, 5, 31)),
    ("KP-002", "Testi Henkilö 2", 2023, "aktiivinen", dt.date(2023, 5, 31)),
    ("KP-003", "Testi Henkilö 3", 2024, "aktiivinen", dt.date(2024, 5, 31)),
    ("KP-004", "Testi Henkilö 4", 2024, "tauolla", dt.date(2024, 5, 31)),
    ("KP-005", "Testi Henkilö 5", 2025, "aktiivinen", dt.date(2025, 5, 31)),
]
EXPERIENCE_ORG = "Keski-Pohjanmaan Kokemusasiantuntijat ry (esimerkki)"


@dataclass(frozen=True)
class Assignment:
    day: dt.date
    person: int  # index into PERSONS
    area: str
    role: str
    hours: float
    fee: float
    costs: float
    waived: bool = False


ASSIGNMENTS_2025 = [
    Assignment(dt.date(2025, 1, 22), 0, MENTAL, KOULUTTAJA, 2, 60.0, 14.16),
    Assignment(dt.date(2025, 2, 5), 1, MENTAL, RYHMA, 2, 50.0, 0.0),
    Assignment(dt.date(2025, 2, 19), 0, WHOLE, VAIKUTTAJA, 3, 75.0, 23.60),
    Assignment(dt.date(2025, 3, 11), 2, CHILDREN, KEHITTAJA, 1.5, 37.5, 0.0),
    Assignment(dt.date(2025, 4, 2), 1, MENTAL, TYOPARI, 2, 0.0, 0.0, waived=True),
    Assignment(dt.date(2025, 5, 14), 2, OLDER, KOULUTTAJA, 1, 30.0, 8.26),
    Assignment(dt.date(2025, 9, 10), 4, MENTAL, RYHMA, 2, 50.0, 0.0),
    Assignment(dt.date(2025, 10, 1), 0, MENTAL, KOULUTTAJA, 3, 90.0, 14.16),
    Assignment(dt.date(2025, 10, 22), 2, WHOLE, KEHITTAJA, 2, 50.0, 0.0),
    Assignment(dt.date(2025, 11, 26), 1, DISABILITY, KOULUTTAJA, 1.5, 45.0, 11.80),
]


def write_experience_register(path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekisteri"
    sheet.append(["Keski-Pohjanmaan hyvinvointialue – kokemusasiantuntijarekisteri 31.12.2025"])
    sheet.append(["ESIMERKKIAINEISTO: kaikki nimet ja tiedot ovat keksittyjä (pseudonyymejä)"])
    sheet.append([])
    sheet.append(["Tunnus", "Nimi", "Koulutus", "Koulutusvuosi", "Tila", "Liittynyt", "Poistunut"])
    for register_id, name, trained, status, joined in PERSONS:
        sheet.append([register_id, name, f"Kokemusasiantuntijakoulutus {trained}", trained, status,
                      dt.datetime.combine(joined, dt.time()), None])
    for row in sheet.iter_rows(min_row=5):
        if isinstance(row[5].value, dt.datetime):
            row[5].number_format = "d.m.yyyy"
    workbook.properties.creator = "Kokemusasiantuntijarekisterin vienti (esimerkkiaineisto)"
    return sample_data.save_workbook(workbook, _in_folder(path), dt.datetime(2026, 1, 13, 9, 30))


def write_experience_2025(path: Path) -> Path:
    """As the Kainuu 2025 log: a title row, header in row 2, a footnote. Persons are given by register
    id only: the names "Testi Henkilö 1" ... differ only by a number, and the package's name key
    ignores digits, so matching them by name would be ambiguous."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "2025"
    sheet.append(["Kokemustoiminta 2025 – Keski-Pohjanmaa – ESIMERKKIAINEISTO"])
    sheet.append(["Päivä", "Rekisteritunnus", "Kokemusasiantuntija", "Organisaatio", "Palvelualue", "Rooli",
                  "Kesto (h)", "Palkkio", "Kulut", "Ei palkkiota"])
    for a in ASSIGNMENTS_2025:
        register_id, name, *_ = PERSONS[a.person]
        sheet.append([
            dt.datetime.combine(a.day, dt.time()),
            register_id,
            None if register_id else name,
            EXPERIENCE_ORG,
            a.area,
            a.role,
            a.hours,
            a.fee,
            a.costs,
            "x" if a.waived else None,
        ])
    sheet.append([])
    sheet.append(["Lähde: kokemustoiminnan koordinaattori, Keski-Pohjanmaan hyvinvointialue (esimerkkiaineisto)"])
    for row in sheet.iter_rows(min_row=3):
        if isinstance(row[0].value, dt.datetime):
            row[0].number_format = "yyyy-mm-dd"
    workbook.properties.creator = "Kokemustoiminnan koordinaattori (esimerkkiaineisto)"
    return sample_data.save_workbook(workbook, _in_folder(path), dt.datetime(2026, 1, 13, 9, 45))


# --- Yhteistyö-Tuokio (three filled participant forms) -----------------------------------------

TUOKIO_DAY = dt.date(2025, 11, 19)
TUOKIO_NOTE = (
    "ESIMERKKIAINEISTO – keksitty esimerkkivastaus, ei todellinen arviointi "
    "(tuotettu skriptillä examples/keski-pohjanmaa/generate_sample_data.py)."
)
# (actor type label, role, {criterion id: stage number 1..5 or None for "ei arvioitu"}, texts)
TUOKIO_FORMS = [
    ("Hyvinvointialue", "järjestöyhdyshenkilö",
     {"osallistuminen": 3, "vuorovaikutus": 3, "tavoitteellisuus": 2, "rakenteet": 3, "tiedon_hyodyntaminen": 2, "johdon_tuki": 4},
     {"rakenteet": ("strengths", "Kumppanuusavustukset tuovat jatkuvuutta.")}),
    ("Järjestö", "toiminnanjohtaja",
     {"osallistuminen": 2, "vuorovaikutus": 3, "tavoitteellisuus": 2, "rakenteet": 2, "tiedon_hyodyntaminen": 1, "johdon_tuki": 2},
     {"tiedon_hyodyntaminen": ("challenges", "Järjestöjen tieto ei näy palvelujen suunnittelussa.")}),
    ("Kunta", None,
     {"osallistuminen": 3, "vuorovaikutus": 4, "tavoitteellisuus": 3, "rakenteet": 2, "tiedon_hyodyntaminen": None, "johdon_tuki": 3},
     {"vuorovaikutus": ("development_needs", "Yhteinen uutiskirje kunnille ja järjestöille.")}),
]


def write_tuokio(folder: Path) -> list[Path]:
    """Three forms made with the project's own blank-form writer (`kainuu-metrics template tuokio`)
    from this example's configuration, filled in with openpyxl as if in Excel."""
    from openpyxl import load_workbook

    settings_module = _import_first("kainuu_metrics.settings")
    tuokio = _import_first("kainuu_metrics.datasets.tuokio")
    template_module = _import_first("kainuu_metrics.datasets.tuokio.template", "kainuu_metrics.datasets.tuokio_template")
    settings = settings_module.load_settings(CONFIG_DIR)
    config = tuokio.load_tuokio_config(settings)
    layout = tuokio.layout_for(config.template_version)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        template = template_module.write_blank_form(Path(tmp) / "pohja.xlsx", settings)
        for number, (actor, role, ratings, texts) in enumerate(TUOKIO_FORMS, start=1):
            workbook = load_workbook(template)
            workbook[tuokio.INSTRUCTIONS_SHEET][template_module.SAMPLE_MARKER_CELL] = TUOKIO_NOTE
            ws = workbook[tuokio.PARTICIPANT_SHEET]
            keys = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)}
            ws.cell(keys["actor_type"], layout.detail_column, actor)
            ws.cell(keys["role"], layout.detail_column, role)
            for criterion_id, stage in ratings.items():
                value = config.not_assessed[0] if stage is None else config.stage(stage).label
                ws.cell(keys[f"rating:{criterion_id}"], layout.rating_columns["rating"], value)
            for criterion_id, (field, text) in texts.items():
                ws.cell(keys[f"rating:{criterion_id}"], layout.rating_columns[field], text)
            stamp = dt.datetime.combine(TUOKIO_DAY, dt.time(15, 0)) + dt.timedelta(minutes=number)
            written.append(sample_data.save_workbook(workbook, folder / f"lomake_{number:02d}.xlsx", stamp))
    return written


TUOKIO_README = """# Yhteistyö-Tuokio-arviointien lomakkeet (Keski-Pohjanmaa, esimerkkiaineisto)

Jokaisella arviointitilaisuudella on oma kansionsa, jonka nimi on tilaisuuden päivämäärä
(`2025-11-19`). Kansiossa on palautetut lomakkeet .xlsx-muotoisina, yksi kutakin osallistujaa
kohden (välilehti *Arviointi*). Lomakkeet on tehty ohjelman omalla lomakepohjalla
(`kainuu-metrics template tuokio`) tämän esimerkin asetuksista
(`examples/keski-pohjanmaa/config/tuokio.yaml`, lomakepohjan tunniste
`keski-pohjanmaa-yhteistyo-tuokio`).

Nykyiset kolme lomaketta ovat skriptin `examples/keski-pohjanmaa/generate_sample_data.py`
tuottamaa esimerkkiaineistoa (ESIMERKKIAINEISTO): vastaukset ja tekstit ovat keksittyjä.
Yhteenvetolomaketta (kehittämistavoitteet) ei ole.
"""


# --- marker and READMEs ------------------------------------------------------------------------

MARKER_TEXT = (
    "Tämä aineisto on esimerkkiaineistoa, jonka skripti examples/keski-pohjanmaa/generate_sample_data.py "
    "on tuottanut kiinteällä siemenluvulla 2025 ohjelman kokeilua ja testausta varten toisen "
    "hyvinvointialueen (Keski-Pohjanmaan hyvinvointialue) asetuksilla. Todellisia ovat vain "
    "kuntien ja maakunnan tunnukset ja nimet sekä osa väkiluvuista (ks. population/README.md); kaikki "
    "muu – järjestöjen nimet, Y-tunnukset, avustukset, tilavaraukset, hinnat, kokemusasiantuntijat ja "
    "Yhteistyö-Tuokio-vastaukset sekä vuosien 2023 ja 2025 väkiluvut pääosin – on keksittyä. Aineiston "
    "lähteet sekä todelliset ja keksityt luvut on eritelty tiedostossa README.md ja aineistokansioiden "
    "README-tiedostoissa. Aineistosta laskettuja lukuja ei saa esittää todellisina. Raporttien jokaisella "
    "sivulla näkyy esimerkkiaineistosta kertova huomautus niin kauan kuin tämä tiedosto on kansiossa "
    "data/raw; poista se vasta, kun kansiossa on pelkästään oikeita lähdetiedostoja.\n"
)

RAW_README = """# examples/keski-pohjanmaa/data/raw: generated sample data (Keski-Pohjanmaa)

**Suomeksi lyhyesti:** kaikki tämän kansion tiedostot ovat **ESIMERKKIAINEISTOA**, jonka on
tuottanut `examples/keski-pohjanmaa/generate_sample_data.py` (kiinteä siemenluku 2025, sama
tulos tavu tavulta joka kerta). Ne on tehty Keski-Pohjanmaan hyvinvointialueen (Soite)
esimerkkiasetuksilla (`examples/keski-pohjanmaa/config/`) samoissa vientimuodoissa kuin Kainuun
esimerkkiaineisto. Järjestöt, Y-tunnukset, summat, tilavaraukset, henkilöt ja arviot ovat keksittyjä.

The files are **generated**, not real exports. Regenerate them (identical bytes) with

    .venv/bin/python examples/keski-pohjanmaa/generate_sample_data.py

Like the project's `data/raw/`, the folder is read-only for the pipeline, and
`ESIMERKKIAINEISTO.txt` marks it as sample data. Point a run at this example with the example's
configuration (`examples/keski-pohjanmaa/config/`) and `--data examples/keski-pohjanmaa/data`.

## What is real and what is invented

Real: the region (maakunta 16 Keski-Pohjanmaa, StatFin code MK16), the municipalities and their
official codes (074 Halsua, 217 Kannus, 236 Kaustinen, 272 Kokkola, 421 Lestijärvi, 584 Perho,
849 Toholampi, 924 Veteli), the regional council terms, and the population figures listed as real
in `population/README.md` (all of 2024; Kokkola and the region in 2023).

Invented (EXAMPLE / esimerkki): every organisation name (plausible local associations; a real
association with a similar name is not described by these figures), every Y-tunnus (valid check
digits, made up) and association register number, every amount applied or granted, the
partnership networks and the premises price list (see the configuration's comments), every
booking, every experience expert (pseudonyms "Testi Henkilö 1" ...), every Tuokio answer, the
population figures marked * in `population/README.md`.

For scale only (not used in the sample): the county's real grant budget is about 100 000 € a
year (2024: 38 applications asking 217 498 €; shared/DOMAIN.md).

## Files

| folder / file | what it is | format |
|---|---|---|
| `ESIMERKKIAINEISTO.txt` | sample-data marker | text |
| `grants/jarjestoavustukset_2024.csv` | 13 applications, decision 19.3.2024 (one rejected, 0 €) | UTF-8 with BOM, `;`, CRLF; quoted title line, blank line, header in row 3, rows 4–16, totals row 17 "Yhteensä"; Finnish amounts ("15 000,00 €", "2000", "1 200 €", "800,00") |
| `grants/avustukset_2025.xlsx` | 12 applications, decision 18.3.2025 (one rejected, 0 €) | state "minimum data" layout, sheet `VA`, header in row 1, rows 2–13; `AlueKunnat` twice a municipality code (272, 236) |
| `population/statfin_11ra_2023-2025.csv` | StatFin 11ra population 31.12., MK16 and the 8 municipalities, 2023–2025 | web CSV: Windows-1252, `;`, CRLF, title, blank line, header, long layout, footnotes |
| `premises/tilavaraukset_2025.xlsx` | 6 bookings 2025, valued with the example price list | title row, header in row 2, rows 3–8, totals row 9; hours only (one "2,5", one "2 h") |
| `experience/kokemusasiantuntijarekisteri_2025.xlsx` | register, 5 invented persons (ids KP-001 ... KP-005) | two title rows, blank row, header in row 4 |
| `experience/kokemustoiminta_2025.xlsx` | 10 assignments 2025 by 4 persons, given by register id | title row, header in row 2, a footnote |
| `tuokio/2025-11-19/lomake_01..03.xlsx` | one evaluation, three participant forms (hyvinvointialue, järjestö, kunta) | the project's form template with this example's tuokio.yaml |

Hand-computed expected figures: `examples/keski-pohjanmaa/EXPECTED.md`.
"""


def generate(data_dir: Path) -> list[Path]:
    check_population()
    raw = data_dir / "raw"
    ids = business_ids()
    written = [
        write_grants_2024(raw / "grants" / "jarjestoavustukset_2024.csv", ids),
        write_grants_2025(raw / "grants" / "avustukset_2025.xlsx", ids),
        write_population_csv(raw / "population" / "statfin_11ra_2023-2025.csv"),
        write_text(raw / "population" / "README.md", population_readme()),
        write_premises_2025(raw / "premises" / "tilavaraukset_2025.xlsx", ids),
        write_experience_register(raw / "experience" / "kokemusasiantuntijarekisteri_2025.xlsx"),
        write_experience_2025(raw / "experience" / "kokemustoiminta_2025.xlsx"),
        *write_tuokio(raw / "tuokio" / TUOKIO_DAY.isoformat()),
        write_text(raw / "tuokio" / "README.md", TUOKIO_README),
        write_text(raw / "ESIMERKKIAINEISTO.txt", MARKER_TEXT),
        write_text(raw / "README.md", RAW_README),
    ]
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kirjoittaa Keski-Pohjanmaan esimerkkiaineiston kansioon DATA_DIR/raw.")
    parser.add_argument("--out", type=Path, default=EXAMPLE_DIR / "data", metavar="DATA_DIR",
                        help="datakansio (oletus: examples/keski-pohjanmaa/data)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"kirjoitettu: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
