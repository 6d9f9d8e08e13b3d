"""A large, deterministic grant-decision export for measuring the cleaners at scale (issue 13).

    .venv/bin/python scripts/generate_large_export.py --rows 100000 --out DIR [--data DATA] [--seed 13]

writes DIR/avustukset_suuri.xlsx and DIR/avustukset_suuri.csv: the same rows in the layout of the
sample's 2023 decision workbook (title rows, the header `Nro, Hakija, Y-tunnus, ...`, one row per
application, a `Yhteensä` row whose granted amount is the sum of the readable granted amounts).
Values are written the way Finnish exports write them: amounts as numbers or as text ('1 234,50 €'),
dates as date cells or as text ('15.3.2024', '15.03.2024'), the sample's organisations and
municipalities (names, codes and spelling variants) varied into a few thousand organisations. A
few rows in a thousand carry the sample's planted problems (an unreadable amount, a municipality
outside the region, a Y-tunnus with a wrong check digit, a recipient not in Lähellä.fi).

With --data DATA, DATA/raw is made a data folder for `kainuu-metrics validate --data DATA`: the
sample's data/raw (population, premises, ...) with its grants folder replaced by the XLSX only
(the CSV holds the same rows: both in one folder would be read as one export twice).

Same arguments, same bytes (fixed workbook dates and ZIP entry times; random.Random(seed)).
Not test data: nothing here is checked by the tests, it is only measured (scripts/bench_large.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS_DIR = Path(__file__).resolve().parent
if str(SCRIPTS_DIR) not in sys.path:
    sys.path.insert(0, str(SCRIPTS_DIR))

from sample_data import fi_date, fi_money, make_business_id, save_workbook, write_csv, wrong_check_digit  # noqa: E402
from sample_data.grants import MUNICIPALITY_CODES, NEWCOMERS, ONE_OFF_2023, OPERATING_POOL, PARTNER_HOPEFULS, REAL_ORGS  # noqa: E402

XLSX_NAME, CSV_NAME = "avustukset_suuri.xlsx", "avustukset_suuri.csv"
HEADER = ["Nro", "Hakija", "Y-tunnus", "Avustuslaji", "Käyttötarkoitus", "Haettu €", "Myönnetty €", "Päätös", "Päätöspäivä",
          "Kotikunta", "Palvelualue", "Kumppanuusverkosto", "Lähellä.fi", "Liittyvä rahoitus", "Sopimuskausi"]
STAMP = dt.datetime(2026, 1, 1, 12, 0, 0)
GRANT_TYPES = ["Toiminta-avustus", "toiminta-avustus", "Toiminta-avustus", "Kumppanuusavustus", "kumppanuus-avustus",
               "Kerta-avustus", "kertaluonteinen avustus"]
NETWORKS = ["Lapset, nuoret ja perheet", "Ikäverkosto", "Mielenterveys- ja päihdetoimijat", "vammaisjärjestöt", "Moniala- ja muut järjestöt"]
BRANCHES = ["", " – {place} osasto", " ({place})", " / kerho {n}"]
PLANTED_EVERY = 997  # one planted problem of each kind per this many rows, about


def organisations(rng: random.Random, count: int) -> list[tuple[str, str, str, str, str]]:
    """`count` organisations (name, home municipality, service area, purpose, Y-tunnus): the
    sample's associations, and branches of them named after the region's municipalities."""
    base = [o for o in REAL_ORGS + OPERATING_POOL + PARTNER_HOPEFULS + ONE_OFF_2023 + NEWCOMERS if o[1] in MUNICIPALITY_CODES]
    places = sorted(MUNICIPALITY_CODES)
    used: set[str] = set()
    out = []
    for i in range(count):
        name, home, area, purpose = base[i % len(base)]
        if i >= len(base):
            place = places[rng.randrange(len(places))]
            name = name + BRANCHES[1 + i % 3].format(place=place, n=i // len(base))
            home = place
        out.append((name, home, area, purpose, make_business_id(rng, used)))
    return out


def municipality_cell(name: str, rng: random.Random) -> object:
    """The home municipality as exports write it: the name, upper-cased, padded, or the code."""
    code = MUNICIPALITY_CODES[name]
    return [name, name, name.upper(), f"  {name}", code, f"KU{code:03d}", f"{code:03d} {name}"][rng.randrange(7)]


def amount_cell(amount: float, rng: random.Random) -> object:
    """An amount as a number cell (most) or as Finnish text."""
    choice = rng.randrange(10)
    if choice < 6:
        return int(amount) if float(amount).is_integer() else amount
    if choice < 8:
        return fi_money(amount)
    return fi_money(amount, decimals=not float(amount).is_integer(), euro=choice == 8)


def date_cell(day: dt.date, rng: random.Random) -> object:
    choice = rng.randrange(10)
    if choice < 6:
        return day
    return fi_date(day, zero_pad=choice >= 8)


def decision_days(rng: random.Random) -> list[dt.date]:
    """About two hundred decision days in 2023–2025 (weekdays)."""
    start, days = dt.date(2023, 1, 9), []
    for offset in range(0, 3 * 365 - 20):
        day = start + dt.timedelta(days=offset)
        if day.weekday() < 5 and rng.random() < 0.25:
            days.append(day)
    return days


def rows(count: int, seed: int) -> tuple[list[list[object]], float]:
    """The data rows and the sum of their readable granted amounts (the totals row's figure)."""
    rng = random.Random(seed)
    orgs = organisations(rng, max(50, min(5000, count // 25)))
    days = decision_days(rng)
    out: list[list[object]] = []
    total = 0.0
    for number in range(1, count + 1):
        name, home, area, purpose, business_id = orgs[rng.randrange(len(orgs))]
        grant_type = GRANT_TYPES[rng.randrange(len(GRANT_TYPES))]
        applied = rng.randrange(20, 4000) * 10 + (50 if rng.random() < 0.1 else 0)
        granted = 0 if rng.random() < 0.15 else min(applied, rng.randrange(10, 3000) * 10)
        if rng.random() < 0.002:
            granted = applied + 100  # flag: more granted than applied
        decision = ["myönnetty", "osittain myönnetty", "Myönnetty"][rng.randrange(3)] if granted else ["HYLÄTTY", "kielteinen"][rng.randrange(2)]
        day = days[rng.randrange(len(days))]
        partnership = grant_type.lower().startswith("kumppanuus")
        lahella = ["kyllä", "Kyllä", "x", None][rng.randrange(4)] if rng.random() > 0.01 else "ei"
        municipality: object = municipality_cell(home, rng)
        granted_cell = amount_cell(granted, rng)
        kind = number % PLANTED_EVERY
        if kind == 1:
            granted_cell = f"noin {granted or 500}"  # unreadable amount: rejected, left out of the total
        elif kind == 2:
            municipality = "Oulu"  # outside the region: rejected
        elif kind == 3:
            business_id = wrong_check_digit(business_id)  # flagged
        if kind != 1:
            total += granted
        out.append([
            number, name, business_id, grant_type, f"{purpose}, ryhmä {rng.randrange(1, 40)}",
            amount_cell(applied, rng), granted_cell, decision, date_cell(day, rng), municipality, area,
            NETWORKS[rng.randrange(len(NETWORKS))] if partnership else None, lahella,
            ["STEA", "kunta", None, None][rng.randrange(4)],
            f"{day.year}–{day.year + 2}" if partnership else None,
        ])
    return out, total


def title_rows(count: int) -> list[list[object]]:
    return [
        ["Kainuun hyvinvointialue – järjestöavustukset 2023–2025 (suuri testivienti)"],
        [f"ESIMERKKIAINEISTO: {count} keksittyä hakemusta suorituskyvyn mittaamiseen"],
        [],
    ]


def write_xlsx(path: Path, body: list[list[object]], total: float) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Avustukset")
    for row in title_rows(len(body)):
        sheet.append(row)
    sheet.append(HEADER)
    for row in body:
        sheet.append(row)
    sheet.append([None, "Yhteensä", None, None, None, None, total])
    return save_workbook(workbook, path, STAMP)


def write_export_csv(path: Path, body: list[list[object]], total: float) -> Path:
    def text(cell: object) -> object:
        return fi_date(cell) if isinstance(cell, dt.date) else ("" if cell is None else cell)

    lines = [*title_rows(len(body)), HEADER, *([text(c) for c in row] for row in body),
             ["", "Yhteensä", "", "", "", "", fi_money(total, euro=False)]]
    return write_csv(path, lines, encoding="utf-8-sig", delimiter=";", lineterminator="\r\n")


def generate(rows_count: int, out: Path, seed: int = 13) -> tuple[Path, Path]:
    """Write the XLSX and the CSV into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    body, total = rows(rows_count, seed)
    return write_xlsx(out / XLSX_NAME, body, total), write_export_csv(out / CSV_NAME, body, total)


def data_folder(data: Path, export: Path, source: Path = ROOT / "data" / "raw") -> Path:
    """DATA/raw: the sample's raw folder with its grant exports replaced by `export`."""
    raw = data / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    shutil.copytree(source, raw)
    grants = raw / "grants"
    shutil.rmtree(grants)
    grants.mkdir()
    shutil.copyfile(export, grants / export.name)
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True, help="folder for the XLSX and the CSV")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--data", type=Path, help="also make DATA/raw a data folder holding the XLSX")
    args = parser.parse_args()
    xlsx, csv_path = generate(args.rows, args.out, args.seed)
    print(xlsx)
    print(csv_path)
    if args.data:
        print(data_folder(args.data, xlsx))


if __name__ == "__main__":
    main()
