"""Sample exports of the county's premises lent to associations (tilojen maksuton käyttö)
2023–2025, deliberately messy. Everything is invented: the premises, their rates, the bookings
and the three fire brigade associations. The other associations are the grant sample's
(scripts/sample_data/grants.py), with the same Y-tunnus, so that their partnership networks can
be looked up from the grant table.

Headers differ per year (2023 a time range "17.00–19.30" and "Hinta €"; 2024 separate start and
end columns and "Laskennallinen hinta"; 2025 hours only and "Kustannus €").

Planted problems (the cleaner must handle them):
- 2023: rejected: a premises that is not in the price list with no cost stated (the reason names
  config/premises_prices.yaml); the time range "19.30–17.00"; a booking of 28.12.2022, before
  the price list's first rate. Flagged: a stated cost of 0 €. A stated lump sum that differs
  from the price list (the stated cost wins).
- 2024: rejected: the date "31.11.2024"; a start time without an end time. Flagged: the same
  booking twice; a Y-tunnus with a wrong check digit. Y-tunnus "FI20774740", some missing; two
  associations written with "ry", which the grant exports leave out.
- 2025: rejected: 26 hours in one row; the organisation missing. Bookings on both sides of the
  change of council term (1.6.2025) and the new rates of 2025.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from sample_data import fi_date, fi_money, make_business_id, new_rng, save_workbook, write_csv, wrong_check_digit
from sample_data.grants import (
    AUTISM,
    CRISIS,
    DAY_CENTRE,
    DISABLED_SUPPORT,
    FI_PREFIX_ORG,
    MEMORY,
    MLL,
    SAME_PURPOSE_ORG,
    VOLUNTEERS,
    YOUTH,
    build_registry,
)

KAUKAMETSA = "Kajaanin sosiaali- ja terveyskeskus, kokoushuone Kaukametsä"
POLLO = "Kajaanin sosiaali- ja terveyskeskus, ryhmätila Pöllö"
FIRE_STATION = "Kajaanin paloasema, koulutustila"
KUHMO = "Kuhmon terveysasema, ryhmätila"
SOTKAMO = "Sotkamon sosiaali- ja terveysasema, kokoustila Vuokatti"
SUOMUSSALMI = "Suomussalmen terveysasema, auditorio"
PALTAMO = "Paltamon terveysasema, ryhmähuone"
PUOLANKA = "Puolangan palvelukeskus, kerhohuone"
HYRYNSALMI = "Hyrynsalmen terveysasema, kokoushuone"  # deliberately not in the price list

# The sample rates of config/premises_prices.yaml, used where an export states
# the computed cost: (first day, €/h), latest last.
RATES = {
    KAUKAMETSA: [(dt.date(2023, 1, 1), 25), (dt.date(2025, 1, 1), 28)],
    POLLO: [(dt.date(2023, 1, 1), 15), (dt.date(2025, 1, 1), 17)],
    FIRE_STATION: [(dt.date(2023, 1, 1), 20)],
    KUHMO: [(dt.date(2023, 1, 1), 15), (dt.date(2024, 1, 1), 16)],
    SOTKAMO: [(dt.date(2023, 1, 1), 18)],
    SUOMUSSALMI: [(dt.date(2023, 1, 1), 30), (dt.date(2025, 1, 1), 32)],
    PALTAMO: [(dt.date(2023, 1, 1), 12)],
    PUOLANKA: [(dt.date(2023, 1, 1), 12)],
}
HYRYNSALMI_RATE = 14  # what the (invented) Hyrynsalmi export charges; not in the price list

# How each year's export writes the premises' names.
SPELLINGS = {
    2023: {},
    2024: {
        KAUKAMETSA: ["Kokoushuone Kaukametsä", "Kajaanin sote-keskus, Kaukametsä"],
        POLLO: ["Ryhmätila Pöllö", "Kajaanin sote-keskus, Pöllö"],
        KUHMO: ["Kuhmon tk, ryhmätila"],
        SOTKAMO: ["Sotkamon sote-asema, Vuokatti"],
        SUOMUSSALMI: ["Suomussalmen tk, auditorio"],
        PALTAMO: ["Paltamon tk, ryhmähuone"],
        PUOLANKA: ["Puolangan pk, kerhohuone"],
    },
    2025: {KAUKAMETSA: ["Kaukametsä"], POLLO: ["Pöllö"]},
}

FIRE_BRIGADES = [("Kajaanin VPK ry", FIRE_STATION), ("Kuhmon VPK ry", KUHMO), ("Sotkamon VPK ry", SOTKAMO)]


@dataclass(frozen=True)
class Habit:
    """An association's regular use of one premises: which weekday, when, how long, how often."""

    name: str
    premises: str
    weekday: int  # 0 = Monday
    start: int  # minutes after midnight
    minutes: int
    every: int  # months between bookings (1 monthly, 2 every other month); 0: twice a month
    purposes: tuple[str, ...]
    first_year: int = 2023


@dataclass(frozen=True)
class Booking:
    name: str
    business_id: str | None
    premises: str
    day: dt.date
    start: int
    minutes: int
    purpose: str
    raw: dict[str, object] = field(default_factory=dict)

    @property
    def hours(self) -> float:
        return self.minutes / 60


def rate_on(premises: str, day: dt.date) -> float:
    if premises == HYRYNSALMI:
        return HYRYNSALMI_RATE
    return [rate for first, rate in RATES[premises] if first <= day][-1]


PEER = ("Vertaistukiryhmä", "Vertaistukiryhmä", "Hallituksen kokous", "Jäsenilta")
OLDER = ("Kerhotapaaminen", "Muistikahvila", "Hallituksen kokous", "Jäsenilta")
FAMILY = ("Perhekerho", "Perhekerho", "Vapaaehtoisten koulutus", "Hallituksen kokous")
RESCUE = ("Ensiapukoulutus", "Hälytysosaston harjoitusilta", "Sammutinkoulutus", "Hallituksen kokous")

HABITS = [
    Habit(MEMORY, KAUKAMETSA, 1, 13 * 60, 120, 0, ("Muistikahvila", "Muistikahvila", "Omaisten vertaistukiryhmä")),
    Habit(CRISIS, POLLO, 2, 17 * 60, 150, 0, ("Vertaistukiryhmä", "Vapaaehtoisten työnohjaus")),
    Habit(YOUTH, POLLO, 3, 17 * 60 + 30, 120, 1, ("Nuorten ryhmä", "Tukihenkilöiden koulutus")),
    Habit(DAY_CENTRE, KAUKAMETSA, 0, 10 * 60, 180, 1, ("Päiväkeskuksen ryhmä", "Jäsenilta")),
    Habit(DISABLED_SUPPORT, POLLO, 1, 17 * 60, 120, 2, ("Vapaa-ajan kerho", "Hallituksen kokous")),
    Habit(VOLUNTEERS, KAUKAMETSA, 3, 17 * 60, 150, 2, ("Vapaaehtoisten koulutus", "Vapaaehtoisten tapaaminen")),
    Habit(SAME_PURPOSE_ORG, KUHMO, 2, 12 * 60, 120, 1, ("Klubitalon ryhmä", "Vertaistukiryhmä")),
    Habit(AUTISM, POLLO, 4, 17 * 60, 120, 2, ("Perheiden vertaistukiryhmä",)),
    Habit(MLL, KAUKAMETSA, 2, 17 * 60 + 30, 150, 1, FAMILY),
    Habit("Sotkamon Eläkkeensaajat ry", SOTKAMO, 1, 10 * 60, 120, 1, OLDER),
    Habit("Kajaanin Seudun Omaishoitajat ry", POLLO, 0, 13 * 60, 120, 2, ("Omaishoitajien vertaistukiryhmä",)),
    Habit("Kainuun Näkövammaisyhdistys ry", KAUKAMETSA, 4, 10 * 60, 120, 2, PEER),
    Habit("Kajaanin Kuuloyhdistys ry", POLLO, 2, 13 * 60, 90, 2, ("Kuulokojeneuvonta", "Jäsenilta")),
    Habit("Suomussalmen Perhekerho ry", SUOMUSSALMI, 0, 9 * 60 + 30, 150, 1, FAMILY),
    Habit("Paltamon Eläkeläiset ry", PALTAMO, 3, 10 * 60, 120, 1, OLDER),
    Habit("Puolangan Sydänyhdistys ry", PUOLANKA, 1, 13 * 60, 90, 2, PEER),
    Habit("Hyrynsalmen Invalidit ry", HYRYNSALMI, 2, 12 * 60, 120, 2, PEER),
    Habit("Kajaanin Diabetesyhdistys ry", KAUKAMETSA, 0, 17 * 60, 120, 2, ("Yleisöluento", "Vertaistukiryhmä")),
    Habit("Kainuun Reumayhdistys ry", POLLO, 3, 13 * 60, 90, 2, PEER),
    Habit("Kuhmon Eläkeläiset ry", KUHMO, 4, 10 * 60, 120, 2, OLDER),
    Habit("Kainuun Parkinson-kerho ry", POLLO, 4, 13 * 60, 90, 2, PEER, 2024),
    Habit("Sotkamon Mielenterveysyhdistys ry", SOTKAMO, 3, 17 * 60, 120, 2, PEER, 2024),
    Habit("Kainuun Kuntoutujat ry", KAUKAMETSA, 1, 17 * 60 + 30, 120, 2, PEER, 2024),
    Habit("Kajaanin VPK ry", FIRE_STATION, 1, 18 * 60, 180, 1, RESCUE),
    Habit("Kuhmon VPK ry", KUHMO, 3, 18 * 60, 120, 2, RESCUE, 2024),
    Habit("Sotkamon VPK ry", SOTKAMO, 0, 18 * 60, 120, 2, RESCUE, 2025),
    Habit("Suomussalmen Sydänyhdistys ry", SUOMUSSALMI, 2, 13 * 60, 120, 2, PEER, 2025),
    Habit("Puolangan Eläkeläiset ry", PUOLANKA, 3, 10 * 60, 120, 1, OLDER, 2025),
]

# Seminars and open lectures in the larger rooms: (organisation, premises, month, hours).
EVENTS = [
    (MEMORY, SUOMUSSALMI, 3, 4), (CRISIS, KAUKAMETSA, 10, 5), (YOUTH, SUOMUSSALMI, 9, 3),
    ("Kajaanin Seudun Syöpäyhdistys ry", KAUKAMETSA, 4, 3), ("Kajaanin Mielenterveysomaiset ry", KAUKAMETSA, 11, 3),
    (MLL, SUOMUSSALMI, 5, 4), ("Kainuun Näkövammaisyhdistys ry", SUOMUSSALMI, 10, 3),
]


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based) given weekday of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def regular_bookings(year: int, registry: dict[str, str], rng: random.Random) -> list[Booking]:
    """Every habit's bookings of the year (no bookings in July), plus the year's seminars."""
    bookings = []
    for index, habit in enumerate(HABITS):
        if habit.first_year > year:
            continue
        months = [m for m in range(1, 13) if m != 7]
        if habit.every > 1:
            months = [m for m in months if (m + index) % habit.every == 0]
        weeks = (1, 3) if habit.every == 0 else (rng.choice((1, 2, 3)),)
        for month in months:
            for n in weeks:
                if rng.random() < 0.08:
                    continue  # a cancelled meeting
                day = nth_weekday(year, month, habit.weekday, n)
                minutes = habit.minutes + rng.choice((0, 0, 0, 30, -30))
                bookings.append(Booking(
                    habit.name, registry.get(habit.name), habit.premises, day, habit.start, minutes,
                    rng.choice(habit.purposes),
                ))
    for name, premises, month, hours in EVENTS:
        day = nth_weekday(year, month, rng.choice((1, 3)), rng.choice((2, 3)))
        bookings.append(Booking(name, registry.get(name), premises, day, 9 * 60, hours * 60, rng.choice(("Yleisöluento", "Seminaari"))))
    bookings.sort(key=lambda b: (b.day, b.start, b.name))
    return bookings


def build_names(rng: random.Random) -> dict[str, str]:
    """Organisation name -> Y-tunnus: the grant sample's registry plus the fire brigades."""
    orgs = build_registry(new_rng())  # the grant sample's generator draws the registry first
    registry = {name: org.business_id for name, org in orgs.items()}
    used = set(registry.values())
    for name, _ in FIRE_BRIGADES:
        registry[name] = make_business_id(rng, used)
    return registry


def generate(raw_dir: Path, rng: random.Random) -> list[Path]:
    """Write the premises sample files into raw_dir and return their paths."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    registry = build_names(rng)
    return [
        write_2023(raw_dir / "tilojen_kaytto_2023.xlsx", bookings_2023(registry, rng), rng),
        write_2024(raw_dir / "tilavaraukset_2024.csv", bookings_2024(registry, rng), rng),
        write_2025(raw_dir / "tilavaraukset_2025.xlsx", bookings_2025(registry, rng), rng),
    ]


# --- each year's bookings with their planted problems ------------------------------------------


def bookings_2023(registry: dict[str, str], rng: random.Random) -> list[Booking]:
    bookings = regular_bookings(2023, registry, rng)
    hyrynsalmi = [i for i, b in enumerate(bookings) if b.premises == HYRYNSALMI]
    bookings[hyrynsalmi[1]] = replace(bookings[hyrynsalmi[1]], raw={"cost": None})  # unlisted, no cost: rejected
    evening = [i for i, b in enumerate(bookings) if b.start == 17 * 60 + 30 and b.minutes == 120]
    bookings[evening[3]] = replace(bookings[evening[3]], raw={"time": "19.30–17.00"})  # reversed: rejected
    daytime = [i for i, b in enumerate(bookings) if b.premises == POLLO and b.start == 13 * 60]
    bookings[daytime[5]] = replace(bookings[daytime[5]], raw={"cost": 0})  # flagged
    early = Booking(
        MEMORY, registry[MEMORY], KAUKAMETSA, dt.date(2022, 12, 28), 13 * 60, 120, "Joulukahvila",
    )  # before the price list's first rate: rejected
    return [early, *bookings]


def bookings_2024(registry: dict[str, str], rng: random.Random) -> list[Booking]:
    bookings = regular_bookings(2024, registry, rng)
    kuhmo = [i for i, b in enumerate(bookings) if b.premises == KUHMO]
    twice = bookings[kuhmo[4]]
    bookings.insert(kuhmo[4] + 1, twice)  # the same booking twice: flagged
    fire = [i for i, b in enumerate(bookings) if b.premises == FIRE_STATION]
    bookings[fire[10]] = replace(bookings[fire[10]], raw={"date": "31.11.2024"})  # rejected
    bookings[fire[3]] = replace(bookings[fire[3]], raw={"end": ""})  # start without end: rejected
    wrong = [i for i, b in enumerate(bookings) if b.name == "Kajaanin Kuuloyhdistys ry"]
    bookings[wrong[1]] = replace(bookings[wrong[1]], raw={"business_id": wrong_check_digit(registry["Kajaanin Kuuloyhdistys ry"])})
    return bookings


def bookings_2025(registry: dict[str, str], rng: random.Random) -> list[Booking]:
    bookings = regular_bookings(2025, registry, rng)
    camp = Booking(
        YOUTH, registry[YOUTH], SUOMUSSALMI, dt.date(2025, 8, 9), 9 * 60, 26 * 60, "Nuorten viikonloppuleiri",
    )  # 26 hours in one row: rejected
    bookings.insert(60, camp)
    anonymous = [i for i, b in enumerate(bookings) if b.premises == SOTKAMO]
    bookings[anonymous[2]] = replace(bookings[anonymous[2]], raw={"organisation": None, "business_id": None})
    return bookings


# --- how each year's export writes the bookings ------------------------------------------------


def _cycle(variants: list[str], counter: Counter, key: str) -> str:
    value = variants[counter[key] % len(variants)]
    counter[key] += 1
    return value


def premises_text(booking: Booking, year: int, counter: Counter) -> str:
    variants = SPELLINGS[year].get(booking.premises)
    return _cycle([booking.premises, *variants], counter, booking.premises) if variants else booking.premises


def clock(minutes: int, style: int) -> str:
    h, m = divmod(minutes, 60)
    return (f"{h}.{m:02d}", f"{h:02d}:{m:02d}", f"{h}" if not m else f"{h}.{m:02d}")[style]


def time_range_text(booking: Booking, rng: random.Random) -> str:
    style = rng.choice((0, 0, 0, 1, 2))
    start, end = clock(booking.start, style), clock(booking.start + booking.minutes, style)
    dash = "-" if style == 1 else "–"
    return f"klo {start}{dash}{end}" if style == 2 else f"{start}{dash}{end}"


HEADER_2023 = ["Varausnro", "Järjestö", "Y-tunnus", "Tila", "Päivämäärä", "Klo", "Hinta €", "Käyttötarkoitus"]


def rows_2023(bookings: list[Booking], rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = [
        ["Kainuun hyvinvointialue – tilojen maksuton käyttö järjestöillä 2023"],
        ["ESIMERKKIAINEISTO: tilat, hinnat ja varaukset ovat keksittyjä"],
        [],
        list(HEADER_2023),
    ]
    counter: Counter = Counter()
    stated_total = 0.0
    for number, booking in enumerate(bookings, start=1):
        if number == 70:
            rows.append([])
        cost: object = None
        if booking.premises == HYRYNSALMI:
            cost = booking.hours * HYRYNSALMI_RATE
        elif booking.premises == SUOMUSSALMI and booking.minutes >= 180:
            cost = 100  # a lump sum for a seminar, below hours × rate: the stated cost wins
        cost = booking.raw.get("cost", cost)
        stated_total += cost or 0
        day: object = dt.datetime.combine(booking.day, dt.time())
        if number % 7 == 0:
            day = fi_date(booking.day)
        rows.append([
            f"V23-{number:04d}",
            booking.name,
            booking.business_id if number % 6 else f" {booking.business_id}",
            premises_text(booking, 2023, counter),
            day,
            booking.raw.get("time", time_range_text(booking, rng)),
            cost,
            booking.purpose,
        ])
    rows.append([None, "Yhteensä", None, None, None, None, stated_total])
    rows.append([])
    rows.append(["Lähde: tilavarausjärjestelmän raportti (esimerkkiaineisto)"])
    return rows


def write_2023(path: Path, bookings: list[Booking], rng: random.Random) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Varaukset 2023"
    for row in rows_2023(bookings, rng):
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(italic=True, color="C00000")
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=5):
        if isinstance(row[4].value, dt.datetime):
            row[4].number_format = "d.m.yyyy"
        if isinstance(row[6].value, (int, float)):
            row[6].number_format = '#,##0.00 "€"'
    for letter, width in zip("ABCDEFGH", (11, 38, 12, 58, 12, 14, 10, 30)):
        sheet.column_dimensions[letter].width = width
    workbook.properties.creator = "Kainuun hyvinvointialue (esimerkkiaineisto)"
    workbook.properties.title = "Tilojen käyttö 2023 (esimerkkiaineisto)"
    return save_workbook(workbook, path, dt.datetime(2024, 1, 15, 10, 0))


HEADER_2024 = ["Yhdistys", "Ytunnus", "Toimitila", "Pvm", "Alkaa", "Päättyy", "Laskennallinen hinta", "Tilaisuus", "Yhteyshenkilö"]
ROLES = ("puheenjohtaja", "sihteeri", "", "rahastonhoitaja", "")


def rows_2024(bookings: list[Booking], rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = [
        ["Tilojen käyttö 2024 – järjestöjen maksuttomat tilavaraukset (ESIMERKKIAINEISTO)"],
        [],
        list(HEADER_2024),
    ]
    counter: Counter = Counter()
    stated_total = 0.0
    for number, booking in enumerate(bookings, start=1):
        business_id = booking.business_id or ""
        if booking.name == FI_PREFIX_ORG:
            business_id = "FI" + business_id.replace("-", "")
        elif number % 5 == 0:
            business_id = ""  # the export leaves it out now and then
        business_id = str(booking.raw.get("business_id", business_id))
        style = number % 3
        cost = ""
        if number % 2 == 0 or booking.premises == HYRYNSALMI:
            cost = fi_money(booking.hours * rate_on(booking.premises, booking.day), euro=number % 4 == 0)
            stated_total += booking.hours * rate_on(booking.premises, booking.day)
        name = booking.name
        if name in (MEMORY, CRISIS) and number % 3:
            name = f"{name} ry"  # the grant exports write these without "ry"
        rows.append([
            name,
            business_id,
            premises_text(booking, 2024, counter),
            str(booking.raw.get("date", fi_date(booking.day, zero_pad=number % 4 == 1))),
            clock(booking.start, style if style < 2 else 0),
            str(booking.raw.get("end", clock(booking.start + booking.minutes, style if style < 2 else 0))),
            cost,
            booking.purpose,
            rng.choice(ROLES),
        ])
    rows.append(["Yhteensä", "", "", "", "", "", fi_money(stated_total), "", ""])
    return rows


def write_2024(path: Path, bookings: list[Booking], rng: random.Random) -> Path:
    """Windows-1252, ';', CRLF, a quoted title line and a blank line above the header."""
    return write_csv(
        path, rows_2024(bookings, rng), encoding="cp1252", delimiter=";", lineterminator="\r\n",
        quote_all_rows=frozenset({0, 2}),
    )


HEADER_2025 = ["Varaaja", "Y-tunnus", "Tilan nimi", "Varauspäivä", "Tunnit", "Kustannus €", "Tarkoitus", "Lisätiedot"]
NOTES_2025 = ("", "", "", "Avain haettu aulasta", "Kahvitus omasta takaa", "")


def rows_2025(bookings: list[Booking], rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = [
        ["ESIMERKKIAINEISTO – Tilavaraukset 2025 (järjestöt, maksuton käyttö)"],
        list(HEADER_2025),
    ]
    counter: Counter = Counter()
    hours_total = 0.0
    for number, booking in enumerate(bookings, start=1):
        hours: object = booking.hours
        if number % 4 == 0:
            hours = f"{booking.hours:g}".replace(".", ",") + (" h" if number % 8 == 0 else "")
        hours_total += booking.hours
        cost = booking.hours * HYRYNSALMI_RATE if booking.premises == HYRYNSALMI else None
        rows.append([
            booking.raw.get("organisation", booking.name),
            booking.raw.get("business_id", booking.business_id),
            premises_text(booking, 2025, counter),
            dt.datetime.combine(booking.day, dt.time()),
            hours,
            cost,
            booking.purpose,
            rng.choice(NOTES_2025) or None,
        ])
        if number == 120:
            rows.append([None] * len(HEADER_2025))
    rows.append(["Yhteensä", None, None, None, hours_total])
    return rows


def write_2025(path: Path, bookings: list[Booking], rng: random.Random) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tilavaraukset"
    for row in rows_2025(bookings, rng):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=3):
        if isinstance(row[3].value, dt.datetime):
            row[3].number_format = "dd.mm.yyyy"
    workbook.properties.creator = "Tilavarausjärjestelmä (esimerkkiaineisto)"
    return save_workbook(workbook, path, dt.datetime(2026, 1, 12, 8, 45))
