"""Sample experience-expert exports (kokemustoiminta) 2023–2025: a register and three yearly
assignment logs, deliberately messy. Every name, id, organisation and figure is invented; the
files carry names on purpose, so that the pipeline's privacy (pseudonyms, no names in any
processed file) is tested against something real-looking.

Files (written into data/raw/experience/):
- kokemusasiantuntijarekisteri_2025.xlsx: 36 experts trained 2019–2025 (ids KE-001..), names
  written "Sukunimi Etunimi", a few who left, one without a register id, one status that
  contradicts the missing leaving date (flag), one row with the joining date "31.6.2022"
  (rejected, so that person is "not in the register") and one person listed twice (rejected).
- kokemustoiminta_2023.xlsx: names "Etunimi Sukunimi" (a few "Sukunimi, Etunimi"); rejected:
  unknown role "Vertaistukija" and a row with two experts on it; a totals row and a blank row.
- kokemusasiantuntijat_2024.csv: Windows-1252, ';', CRLF; name, register id or both; Finnish
  numbers and dates; rejected: hours "kaksi" and a row without expert; flagged: fee waived but
  a fee paid; a blank row and a totals row.
- kokemustoiminta_2025.xlsx: register ids in several spellings ("KE-007", "ke 7", "KE7"); the
  expert without an id by name; rejected: 26 hours; one service area left empty; a footnote.
One person (Elina Puustinen) works in 2024 and 2025 without being in the register (flag).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from sample_data import fi_date, fi_money, save_workbook, write_csv

KOULUTTAJA, RYHMA, TYOPARI, KEHITTAJA, MEDIA, VAIKUTTAJA = (
    "kokemuskouluttaja", "ryhmanohjaaja", "tyopari", "kehittaja", "media", "vaikuttamistoiminta",
)
MT, LNP, TYOIKAISET, IKA, VAMMAIS, KOKO = (
    "Mielenterveys- ja päihdepalvelut", "Lasten, nuorten ja perheiden palvelut", "Työikäisten palvelut",
    "Ikäihmisten palvelut", "Vammaispalvelut", "Koko hyvinvointialue",
)

# Invented people: (first name, last name, training year). Ids KE-001.. in this order.
PEOPLE = [
    ("Maija", "Virtanen", 2019), ("Pekka", "Korhonen", 2019), ("Aino", "Heikkinen", 2019),
    ("Juhani", "Kemppainen", 2019), ("Sari", "Huuskonen", 2019), ("Timo", "Pulkkinen", 2019),
    ("Anneli", "Pikkarainen", 2020), ("Jari", "Karjalainen", 2020), ("Tuula", "Kyllönen", 2020),
    ("Mikko", "Komulainen", 2020), ("Päivi", "Tolonen", 2020),
    ("Kari", "Seppänen", 2021), ("Riitta", "Oikarinen", 2021), ("Antti", "Moilanen", 2021),
    ("Leena", "Juntunen", 2021), ("Markku", "Kinnunen", 2021),
    ("Hanna", "Keränen", 2022), ("Ville", "Törmänen", 2022), ("Satu", "Väisänen", 2022),
    ("Heikki", "Kettunen", 2022), ("Marjatta", "Miettinen", 2022), ("Janne", "Pesonen", 2022),
    ("Eija", "Hirvonen", 2023), ("Tapio", "Leinonen", 2023), ("Kirsi", "Savolainen", 2023),
    ("Jukka", "Tuominen", 2023), ("Anna-Liisa", "Rantanen", 2023),
    ("Olli", "Jokinen", 2024), ("Minna", "Kärkkäinen", 2024), ("Esa", "Lappalainen", 2024),
    ("Pirjo", "Hyvönen", 2024), ("Sami", "Partanen", 2024),
    ("Helena", "Räsänen", 2025), ("Veikko", "Tikkanen", 2025), ("Johanna", "Nykänen", 2025),
    ("Arto", "Kauppinen", 2022),
]
NO_ID = 34  # Johanna Nykänen: trained 2025, no register id yet
BAD_JOINED = 35  # Arto Kauppinen: joining date "31.6.2022", his register row is rejected
LISTED_TWICE = 13  # Antti Moilanen (KE-014)
STATUS_CONFLICT = 5  # Timo Pulkkinen: "lopettanut" without a leaving date
LEFT = {1: dt.date(2023, 6, 30), 4: dt.date(2023, 12, 31), 8: dt.date(2024, 8, 15), 11: dt.date(2025, 3, 31)}
ON_BREAK = {9}
OUTSIDER = ("Elina", "Puustinen")  # works in 2024 and 2025, never in the register
MEDIA_PEOPLE = {0, 12, 20}

ORGANISATIONS = [
    "Kainuun Kokemusasiantuntijat ry", "Mielenterveysyhdistys Kajaanin Virta ry", "Kainuun Omaiset ry",
    "A-kilta Kainuu ry", "Kainuun hyvinvointialue",
]
COURSES = {
    2019: "Kokemusasiantuntijakoulutus 2019", 2020: "Kokemusasiantuntijakoulutus 2020",
    2021: "Kokemusasiantuntijakoulutus 2021 (verkko)", 2022: "Kokemusasiantuntijakoulutus 2022",
    2023: "Kokemusasiantuntijakoulutus 2023", 2024: "Kokemusasiantuntijakoulutus 2024",
    2025: "Kokemusasiantuntijakoulutus 2025",
}
HOURS = {
    KOULUTTAJA: (1, 1.5, 2, 2, 3, 4), RYHMA: (1.5, 2, 2), TYOPARI: (1, 1.5, 2, 3),
    KEHITTAJA: (1.5, 2, 3, 4, 6), MEDIA: (0.5, 1, 2), VAIKUTTAJA: (2, 3, 4),
}
ROLE_WEIGHTS = {KOULUTTAJA: 30, RYHMA: 20, TYOPARI: 15, KEHITTAJA: 25, VAIKUTTAJA: 10}
AREA_WEIGHTS = {MT: 45, LNP: 15, TYOIKAISET: 15, IKA: 10, VAMMAIS: 5, KOKO: 10}
FEE_PER_HOUR = {2023: (25, 20), 2024: (25, 20), 2025: (30, 25)}  # (trainer and media, others)
KM_RATE = {2023: 0.53, 2024: 0.57, 2025: 0.59}
TARGET = {2023: 112, 2024: 142, 2025: 160}

ROLE_SPELLINGS = {
    2023: {KOULUTTAJA: ["Kokemuskouluttaja"], RYHMA: ["Ryhmänohjaaja"], TYOPARI: ["Työparina asiakastyössä"],
           KEHITTAJA: ["Kehittäjä"], MEDIA: ["Media"], VAIKUTTAJA: ["Vaikuttamistoiminta"]},
    2024: {KOULUTTAJA: ["kouluttaja", "Kokemuskouluttaja"], RYHMA: ["ryhmänohjaus", "Ryhmänohjaaja"],
           TYOPARI: ["työpari", "Työparityö"], KEHITTAJA: ["kehittäjäasiakas", "työryhmä"],
           MEDIA: ["haastattelu"], VAIKUTTAJA: ["vaikuttaminen"]},
    2025: {KOULUTTAJA: ["Kokemuskouluttaja"], RYHMA: ["Ryhmänohjaaja"], TYOPARI: ["Työpari asiakastyössä"],
           KEHITTAJA: ["Työryhmä", "Hanke"], MEDIA: ["Media"], VAIKUTTAJA: ["Edustus toimielimessä"]},
}
AREA_SPELLINGS = {
    2023: {a: [a] for a in AREA_WEIGHTS},
    2024: {MT: ["Mielenterveys ja päihdepalvelut"], LNP: ["Lapsiperhepalvelut"], TYOIKAISET: ["Työikäiset"],
           IKA: ["Vanhuspalvelut"], VAMMAIS: ["Vammaispalvelut"], KOKO: ["Koko alue"]},
    2025: {a: [a, a.upper()] for a in AREA_WEIGHTS},
}


@dataclass(frozen=True)
class Person:
    index: int
    first: str
    last: str
    trained: int
    register_id: str | None
    roles: tuple[str, str]
    area: str
    weight: float

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def registered(self, year: int) -> bool:
        left = LEFT.get(self.index)
        return self.trained <= year and (left is None or left.year >= year)


@dataclass(frozen=True)
class Assignment:
    day: dt.date
    person: Person
    role: str
    area: str
    hours: float
    fee: float
    travel: float
    other: float
    waived: bool
    organisation: str
    raw: dict[str, object] = field(default_factory=dict)


def generate(raw_dir: Path, rng: random.Random) -> list[Path]:
    """Write the experience sample files into raw_dir and return their paths."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    people = build_people(rng)
    outsider = Person(99, *OUTSIDER, 2024, None, (KOULUTTAJA, RYHMA), MT, 1.5)
    logs = {year: assignments_for(year, people, outsider, rng) for year in (2023, 2024, 2025)}
    return [
        write_register(raw_dir / "kokemusasiantuntijarekisteri_2025.xlsx", people),
        write_2023(raw_dir / "kokemustoiminta_2023.xlsx", logs[2023]),
        write_2024(raw_dir / "kokemusasiantuntijat_2024.csv", logs[2024], rng),
        write_2025(raw_dir / "kokemustoiminta_2025.xlsx", logs[2025]),
    ]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build_people(rng: random.Random) -> list[Person]:
    people = []
    for index, (first, last, trained) in enumerate(PEOPLE):
        primary = _weighted(rng, ROLE_WEIGHTS)
        secondary = _weighted(rng, {r: w for r, w in ROLE_WEIGHTS.items() if r != primary})
        register_id = None if index == NO_ID else f"KE-{index + 1:03d}"
        people.append(Person(index, first, last, trained, register_id, (primary, secondary), _weighted(rng, AREA_WEIGHTS), rng.uniform(0.5, 3.0)))
    return people


def _workday(rng: random.Random, year: int) -> dt.date:
    while True:
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if day.weekday() < 5 and not (day.month == 7 and day.day < 25):
            return day


def _assignment(rng: random.Random, year: int, person: Person, role: str | None = None) -> Assignment:
    role = role or (person.roles[0] if rng.random() < 0.7 else person.roles[1])
    area = KOKO if role == VAIKUTTAJA and rng.random() < 0.6 else (person.area if rng.random() < 0.75 else _weighted(rng, AREA_WEIGHTS))
    hours = rng.choice(HOURS[role])
    waived = rng.random() < 0.12
    rate = FEE_PER_HOUR[year][0 if role in (KOULUTTAJA, MEDIA) else 1]
    travel = round(rng.randrange(8, 181, 2) * KM_RATE[year], 2) if rng.random() < 0.6 else 0.0
    other = rng.choice((10.5, 12.75)) if rng.random() < 0.1 else 0.0
    organisation = ORGANISATIONS[person.index % len(ORGANISATIONS)] if person.index != 99 else ORGANISATIONS[1]
    return Assignment(_workday(rng, year), person, role, area, hours, 0.0 if waived else hours * rate, travel, other, waived, organisation)


def assignments_for(year: int, people: list[Person], outsider: Person, rng: random.Random) -> list[Assignment]:
    """About TARGET[year] assignments by the people registered that year (most of them active)."""
    # The media people are active every year (a person to follow across years); most others are.
    pool = [
        p for p in people
        if p.registered(year) and p.index not in ON_BREAK and (p.index in MEDIA_PEOPLE or rng.random() < 0.85)
    ]
    if year >= 2024:
        pool.append(outsider)
    if people[BAD_JOINED] not in pool:
        pool.append(people[BAD_JOINED])
    log = [_assignment(rng, year, p) for p in pool]  # everyone active at least once
    media = [p for p in pool if p.index in MEDIA_PEOPLE]
    log += [_assignment(rng, year, p, MEDIA) for p in media]
    while len(log) < TARGET[year]:
        person = rng.choices(pool, weights=[p.weight for p in pool])[0]
        log.append(_assignment(rng, year, person))
    log.sort(key=lambda a: (a.day, a.person.last, a.person.first))
    return log


# --- writers -----------------------------------------------------------------------------------


def _cycle(variants: list[str], counter: Counter, key: str) -> str:
    value = variants[counter[key] % len(variants)]
    counter[key] += 1
    return value


def write_register(path: Path, people: list[Person]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rekisteri"
    sheet.append(["Kainuun hyvinvointialue – kokemusasiantuntijarekisteri 31.12.2025"])
    sheet.append(["ESIMERKKIAINEISTO: kaikki nimet ja tiedot ovat keksittyjä"])
    sheet.append([])
    sheet.append(["Tunnus", "Nimi", "Koulutus", "Koulutusvuosi", "Tila", "Liittynyt", "Poistunut", "Puhelin"])
    for person in people:
        left = LEFT.get(person.index)
        status = "lopettanut" if left or person.index == STATUS_CONFLICT else ("tauolla" if person.index in ON_BREAK else "aktiivinen")
        joined: object = dt.datetime(person.trained, 5 + person.index % 2 * 6, 15 if person.index % 2 else 31)
        if person.index == BAD_JOINED:
            joined = "31.6.2022"
        sheet.append([
            person.register_id,
            f"{person.last} {person.first}",
            COURSES[person.trained],
            person.trained if person.index % 5 else str(person.trained),
            status.capitalize() if person.index % 3 == 0 else status,
            joined,
            dt.datetime.combine(left, dt.time()) if left else None,
            f"040 000 {person.index:04d}",
        ])
    twice = people[LISTED_TWICE]
    sheet.append([twice.register_id, f"{twice.last} {twice.first}", COURSES[twice.trained], twice.trained, "tauolla", dt.datetime(twice.trained, 5, 31), None, None])
    for row in sheet.iter_rows(min_row=5):
        for cell in row[5:7]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "d.m.yyyy"
    workbook.properties.creator = "Kokemusasiantuntijarekisterin vienti (esimerkkiaineisto)"
    return save_workbook(workbook, path, dt.datetime(2026, 1, 12, 9, 30))


def _mark_2023(log: list[Assignment]) -> list[Assignment]:
    """Planted problems: an unknown role, two experts on one row, names written last-first."""
    log = list(log)
    log[17] = replace(log[17], raw={"role": "Vertaistukija"})
    a, b = log[40].person, log[41].person
    log[40] = replace(log[40], raw={"expert": f"{a.name} ja {b.name}"})
    for index in (9, 55, 88):
        person = log[index].person
        log[index] = replace(log[index], raw={"expert": f"{person.last}, {person.first}"})
    return log


def write_2023(path: Path, log: list[Assignment]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tehtävät 2023"
    header = ["Päivämäärä", "Kokemusasiantuntija", "Taustaorganisaatio", "Palvelualue", "Rooli", "Tunnit",
              "Palkkio €", "Matka- ja muut kulut €", "Palkkiosta luovuttu", "Lisätiedot"]
    sheet.append(["Kokemustoiminnan tehtävät 2023"])
    sheet.append(["ESIMERKKIAINEISTO: keksityt henkilöt ja tehtävät"])
    sheet.append([])
    sheet.append(header)
    totals = Counter()
    for index, a in enumerate(_mark_2023(log)):
        if index == 60:
            sheet.append([])
        role = a.raw.get("role", ROLE_SPELLINGS[2023][a.role][0])
        costs = round(a.travel + a.other, 2)
        sheet.append([
            dt.datetime.combine(a.day, dt.time()),
            a.raw.get("expert", a.person.name),
            a.organisation,
            a.area,
            role,
            a.hours,
            a.fee,
            costs if costs else None,
            "kyllä" if a.waived else None,
            "Kajaanin pääkirjasto" if index % 23 == 0 else None,
        ])
        totals["hours"] += a.hours
        totals["fee"] += a.fee
        totals["costs"] += costs
    sheet.append(["Yhteensä", None, None, None, None, totals["hours"], round(totals["fee"], 2), round(totals["costs"], 2), None, None])
    for row in sheet.iter_rows(min_row=5):
        if isinstance(row[0].value, dt.datetime):
            row[0].number_format = "d.m.yyyy"
        for cell in row[6:8]:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    workbook.properties.creator = "Kokemustoiminnan koordinaattori (esimerkkiaineisto)"
    return save_workbook(workbook, path, dt.datetime(2024, 1, 15, 10, 0))


def _fi_hours(hours: float) -> str:
    return f"{hours:g}".replace(".", ",")


def write_2024(path: Path, log: list[Assignment], rng: random.Random) -> Path:
    log = list(log)
    log[30] = replace(log[30], raw={"hours": "kaksi"})
    log[71] = replace(log[71], raw={"expert": "", "register_id": ""})
    flagged = next(i for i, a in enumerate(log) if i > 90 and a.waived)
    log[flagged] = replace(log[flagged], fee=50.0)  # waived, yet a fee: flagged, kept
    header = ["Pvm", "Asiantuntija", "Tunnus", "Järjestö", "Toimiala", "Tehtävä", "Tuntimäärä",
              "Palkkio (€)", "Matkakulut", "Muut kulut", "Vapaaehtoistyö"]
    rows: list[list[object]] = [["Kokemustoiminnan tehtävät 2024 (ESIMERKKIAINEISTO, keksityt tiedot)"], [], header]
    counter: Counter = Counter()
    sums = Counter()
    for index, a in enumerate(log):
        if index == 100:
            rows.append([""] * len(header))
        choice = rng.random()
        name, register_id = a.person.name, a.person.register_id
        if register_id is None or choice < 0.5:
            register_id = ""
        elif choice < 0.8:
            name = ""
        name = a.raw.get("expert", name)  # type: ignore[assignment]
        register_id = a.raw.get("register_id", register_id)  # type: ignore[assignment]
        rows.append([
            fi_date(a.day, zero_pad=index % 4 == 0),
            name,
            register_id,
            a.organisation,
            _cycle(AREA_SPELLINGS[2024][a.area], counter, a.area),
            _cycle(ROLE_SPELLINGS[2024][a.role], counter, a.role),
            a.raw.get("hours", _fi_hours(a.hours)),
            fi_money(a.fee, euro=False) if a.fee else "0",
            fi_money(a.travel, euro=False) if a.travel else "",
            fi_money(a.other, euro=False) if a.other else "",
            "kyllä" if a.waived else "ei",
        ])
        if "hours" not in a.raw:
            sums["hours"] += a.hours
        sums["fee"] += a.fee
    rows.append(["Yhteensä", "", "", "", "", "", _fi_hours(sums["hours"]), fi_money(sums["fee"], euro=False), "", "", ""])
    return write_csv(path, rows, encoding="cp1252", delimiter=";", lineterminator="\r\n", quote_all_rows=frozenset({0}))


def _id_spelling(register_id: str, counter: Counter) -> str:
    number = int(register_id.split("-")[1])
    return _cycle([register_id, f"ke {number}", f"KE{number}", register_id.lower()], counter, "id")


def write_2025(path: Path, log: list[Assignment]) -> Path:
    from openpyxl import Workbook

    log = list(log)
    log[50] = replace(log[50], raw={"hours": 26})
    log[120] = replace(log[120], raw={"area": None})
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "2025"
    sheet.append(["Kokemustoiminta 2025 – ESIMERKKIAINEISTO"])
    sheet.append(["Päivä", "Rekisteritunnus", "Kokemusasiantuntija", "Organisaatio", "Palvelualue", "Rooli",
                  "Kesto (h)", "Palkkio", "Kulut", "Ei palkkiota"])
    counter: Counter = Counter()
    for a in log:
        register_id = a.person.register_id
        sheet.append([
            dt.datetime.combine(a.day, dt.time()),
            _id_spelling(register_id, counter) if register_id else None,
            None if register_id else a.person.name,
            a.organisation,
            a.raw.get("area", _cycle(AREA_SPELLINGS[2025][a.area], counter, a.area)),
            _cycle(ROLE_SPELLINGS[2025][a.role], counter, a.role),
            a.raw.get("hours", a.hours),
            a.fee,
            round(a.travel + a.other, 2),
            "x" if a.waived else None,
        ])
    sheet.append([])
    sheet.append(["Lähde: kokemustoiminnan koordinaattori, Kainuun hyvinvointialue (esimerkkiaineisto)"])
    for row in sheet.iter_rows(min_row=3):
        if isinstance(row[0].value, dt.datetime):
            row[0].number_format = "yyyy-mm-dd"
    workbook.properties.creator = "Kokemustoiminnan koordinaattori (esimerkkiaineisto)"
    return save_workbook(workbook, path, dt.datetime(2026, 1, 12, 9, 45))
