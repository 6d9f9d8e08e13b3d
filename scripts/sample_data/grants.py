"""Sample NGO grant decision exports (järjestöavustukset) 2023–2025, deliberately messy.

2023 reproduces the sums of the county's public decision of 15.3.2023 (44 applications,
122 200 € granted: 75 000 € partnership, 47 200 € operating, one-off all rejected) and the
five recipients that decision names; every other name, identifier, place and amount, and all
of 2024 and 2025, is invented. Headers differ per year, as they do between real exports.

Planted problems (the cleaner must handle them):
- 2023: all 44 application rows are valid; flags only (one recipient not in Lähellä.fi, one
  Y-tunnus with a wrong check digit, one grant larger than the sum applied, one Y-tunnus missing).
- 2024 main CSV: rejected rows "noin 500" as the granted sum and an organisation missing while
  the amounts are present; flagged: one organisation with an operating and a partnership grant
  for the same purpose; Y-tunnus spellings "FI20774740" and a 6-digit body without its leading 0.
- 2024 one-off CSV: rejected row with the municipality "Oulu".
- 2025: rejected rows with granted "-200" and the decision date "31.2.2025"; flagged: one
  one-off recipient not in Lähellä.fi.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from sample_data import (
    fi_date,
    fi_money,
    make_business_id,
    save_workbook,
    write_csv,
    wrong_check_digit,
)

OPERATING, PARTNERSHIP, ONE_OFF = "toiminta", "kumppanuus", "kerta"

CHILDREN = "Lasten, nuorten ja perheiden palvelut"
WORKING_AGE = "Työikäisten palvelut"
OLDER = "Ikäihmisten palvelut"
DISABILITY = "Vammaispalvelut"

NET_CHILDREN = "Lapset, nuoret ja perheet"
NET_MENTAL = "Mielenterveys- ja päihdetoimijat"
NET_OLDER = "Ikäverkosto"
NET_DISABILITY = "Vammais- ja pitkäaikaissairaiden järjestöt"
NET_MULTI = "Moniala- ja muut järjestöt"

MUNICIPALITY_CODES = {
    "Hyrynsalmi": 105, "Kajaani": 205, "Kuhmo": 290, "Paltamo": 578,
    "Puolanka": 620, "Ristijärvi": 697, "Sotkamo": 765, "Suomussalmi": 777,
}

DECISION_2023 = dt.date(2023, 3, 15)
DECISION_2024 = dt.date(2024, 3, 14)
DECISION_2025 = dt.date(2025, 3, 13)

# The recipients named in the public decision of 15.3.2023 (names real, other details invented).
MLL = "MLL Kainuun piiri"
MEMORY = "Kainuun Muistiyhdistys"
CRISIS = "Mieli Kainuun Kriisikeskus"
YOUTH = "Nuorten Ystävät"
DAY_CENTRE = "Kajaanin Päiväkeskus"
REAL_ORGS = [
    (MLL, "Kajaani", CHILDREN, "Perhetoiminta ja tukihenkilötoiminta"),
    (MEMORY, "Kajaani", OLDER, "Muistiluotsi- ja vertaistukitoiminta"),
    (CRISIS, "Kajaani", WORKING_AGE, "Kriisikeskustoiminta ja tukipuhelin"),
    (YOUTH, "Kajaani", CHILDREN, "Nuorten tukihenkilö- ja ryhmätoiminta"),
    (DAY_CENTRE, "Kajaani", WORKING_AGE, "Päiväkeskustoiminta"),
]

# Invented associations: the 2023 operating applicants, ...
OPERATING_POOL = [
    ("Sotkamon Eläkkeensaajat ry", "Sotkamo", OLDER, "Virkistys- ja kerhotoiminta"),
    ("Kuhmon Mielenterveysseura ry", "Kuhmo", WORKING_AGE, "Klubitalotoiminta"),
    ("Kajaanin Seudun Omaishoitajat ry", "Kajaani", OLDER, "Omaishoitajien vertaistuki"),
    ("Kainuun Näkövammaisyhdistys ry", "Kajaani", DISABILITY, "Vertaistuki ja sopeutumisvalmennus"),
    ("Kajaanin Kuuloyhdistys ry", "Kajaani", DISABILITY, "Kuulokojeneuvonta ja vertaistuki"),
    ("Suomussalmen Perhekerho ry", "Suomussalmi", CHILDREN, "Perhekerhotoiminta"),
    ("Paltamon Eläkeläiset ry", "Paltamo", OLDER, "Liikuntaryhmät ikäihmisille"),
    ("Puolangan Sydänyhdistys ry", "Puolanka", WORKING_AGE, "Kuntoutumista tukeva toiminta"),
    ("Hyrynsalmen Invalidit ry", "Hyrynsalmi", DISABILITY, "Esteetön liikunta ja virkistys"),
    ("Ristijärven Nuorisoseura ry", "Ristijärvi", CHILDREN, "Kerhotoiminta lapsille ja nuorille"),
    ("Kajaanin Diabetesyhdistys ry", "Kajaani", WORKING_AGE, "Neuvonta ja vertaistukiryhmät"),
    ("Kainuun Reumayhdistys ry", "Kajaani", WORKING_AGE, "Vesijumpat ja vertaistuki"),
    ("Kajaanin Mielenterveysomaiset ry", "Kajaani", WORKING_AGE, "Omaisten vertaistukiryhmät"),
    ("Kainuun Autismiyhdistys ry", "Kajaani", DISABILITY, "Perheiden vertaistuki ja leirit"),
    ("Sotkamon Perhekahvila ry", "Sotkamo", CHILDREN, "Perhekahvilatoiminta"),
    ("Kuhmon Eläkeläiset ry", "Kuhmo", OLDER, "Ystävätoiminta"),
    ("Kajaanin Työttömät ry", "Kajaani", WORKING_AGE, "Työttömien kohtaamispaikka"),
    ("Kainuun Parkinson-kerho ry", "Kajaani", OLDER, "Vertaistukiryhmät ja kuntoliikunta"),
    ("Suomussalmen Sydänyhdistys ry", "Suomussalmi", WORKING_AGE, "Sydänkuntoutujien ryhmät"),
    ("Kajaanin Setlementtinuoret ry", "Kajaani", CHILDREN, "Nuorten avoin kohtaamispaikka"),
    ("Kainuun Aivovammayhdistys ry", "Kajaani", DISABILITY, "Vertaistuki ja edunvalvonta"),
    ("Paltamon Perheyhdistys ry", "Paltamo", CHILDREN, "Perheiden virkistystoiminta"),
    ("Kajaanin Seudun Syöpäyhdistys ry", "Kajaani", WORKING_AGE, "Tukihenkilötoiminta"),
    ("Sotkamon Mielenterveysyhdistys ry", "Sotkamo", WORKING_AGE, "Kohtaamispaikka ja vertaistuki"),
    ("Kuhmon Lapsiperheyhdistys ry", "Kuhmo", CHILDREN, "Lapsiperheiden kerhot"),
    ("Puolangan Eläkeläiset ry", "Puolanka", OLDER, "Virkistys- ja kerhotoiminta"),
    ("Kainuun Päihdetyön Tuki ry", "Kajaani", WORKING_AGE, "Päihteettömät tilaisuudet"),
    ("Hyrynsalmen Eläkkeensaajat ry", "Hyrynsalmi", OLDER, "Kerhotoiminta"),
    ("Kajaanin Invalidit ry", "Kajaani", DISABILITY, "Esteettömyysneuvonta"),
    ("Kainuun Lihastautiyhdistys ry", "Kajaani", DISABILITY, "Vertaistuki ja virkistys"),
    ("Suomussalmen Eläkeläiset ry", "Suomussalmi", OLDER, "Liikuntaryhmät ikäihmisille"),
    ("Kainuun Allergia- ja Astmayhdistys ry", "Kajaani", WORKING_AGE, "Neuvonta ja tiedotus"),
    ("Ristijärven Eläkeläiset ry", "Ristijärvi", OLDER, "Ystävätoiminta"),
    ("Kajaanin Yksinhuoltajat ry", "Kajaani", CHILDREN, "Vertaistuki ja perheretket"),
]
# ... the two rejected partnership applicants of 2023, the three one-off applicants of 2023 ...
PARTNER_HOPEFULS = [
    ("Kainuun Kehitysvammaisten Tuki ry", "Kajaani", DISABILITY, "Kehitysvammaisten vapaa-ajan toiminta"),
    ("Kajaanin Vapaaehtoiskeskus ry", "Kajaani", WORKING_AGE, "Vapaaehtoistoiminnan koordinointi"),
]
ONE_OFF_2023 = [
    ("Kainuun Sotaveteraanien Tuki ry", "Kajaani", OLDER, "Juhlaseminaari"),
    ("Sotkamon Nuorten Tuki ry", "Sotkamo", CHILDREN, "Kesäleiri, Vuokatti"),
    ("Kuhmon Invalidit ry", "Kuhmo", DISABILITY, "Esite ja verkkosivut"),
]
# ... and associations that first apply in 2024 or 2025 (the last one is outside Kainuu).
NEWCOMERS = [
    ("Kainuun Kuntoutujat ry", "Kajaani", WORKING_AGE, "Kuntoutujien vertaistuki"),
    ("Kainuun Monikulttuurinen Yhdistys ry", "Kajaani", WORKING_AGE, "Kotoutumista tukevat ryhmät"),
    ("Paltamon Kyläavustajat ry", "Paltamo", OLDER, "Kyläavustajatoiminta"),
    ("Suomussalmen Nuorten Tuki ry", "Suomussalmi", CHILDREN, "Nuorten harrastustoiminta"),
    ("Kainuun Ikäihmisten Liikunta ry", "Kajaani", OLDER, "Tuolijumpat kylillä"),
    ("Kajaanin Vertaistukikeskus ry", "Kajaani", WORKING_AGE, "Vertaistukiryhmät"),
    ("Oulun Seudun Vertaistuki ry", "Oulu", WORKING_AGE, "Vertaistukiryhmät"),
]
FI_PREFIX_ORG = "Kainuun Reumayhdistys ry"  # written "FI20774740" in 2024
SIX_DIGIT_ORG = "Kajaanin Diabetesyhdistys ry"  # body starts with 0, written without it in 2024
SAME_PURPOSE_ORG = "Kuhmon Mielenterveysseura ry"  # operating + partnership grant in 2024
AUTISM = "Kainuun Autismiyhdistys ry"
DISABLED_SUPPORT, VOLUNTEERS = (name for name, *_ in PARTNER_HOPEFULS)

OPERATING_STEPS = (500, 500, 800, 1000, 1000, 1200, 1500, 2000, 2500)
ONE_OFF_STEPS = (200, 250, 300, 350, 400, 450, 500, 600, 800)


@dataclass(frozen=True)
class Org:
    name: str
    municipality: str
    service_area: str
    purpose: str
    business_id: str
    reg_no: str | None


@dataclass(frozen=True)
class Application:
    """One application as decided; `raw` holds deliberate odd cell values by column key."""

    org: Org
    grant_type: str
    purpose: str
    applied: float
    granted: float
    decided: dt.date
    lahella: bool | None = True
    network: str | None = None
    funding: str | None = None
    period: str | None = None
    raw: dict[str, object] = field(default_factory=dict)


def generate(raw_dir: Path, rng: random.Random) -> list[Path]:
    """Write the grant sample files into raw_dir and return their paths."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    orgs = build_registry(rng)
    main_2024, one_off_2024 = applications_2024(orgs, rng)
    return [
        write_2023(raw_dir / "avustuspaatokset_2023.xlsx", applications_2023(orgs, rng), rng),
        write_2024_main(raw_dir / "jarjestoavustukset_2024.csv", main_2024, rng),
        write_2024_one_off(raw_dir / "kerta-avustukset_2024.csv", one_off_2024, rng),
        write_2025(raw_dir / "avustukset_2025.xlsx", applications_2025(orgs, rng), rng),
    ]


# --- who applies, for what, and what they got (pure given the rng) ---------------------------


def build_registry(rng: random.Random) -> dict[str, Org]:
    """Every organisation once, with a valid Y-tunnus that stays the same across years."""
    used: set[str] = {"2077474-0"}
    orgs: dict[str, Org] = {}
    for name, municipality, area, purpose in (
        REAL_ORGS + OPERATING_POOL + PARTNER_HOPEFULS + ONE_OFF_2023 + NEWCOMERS
    ):
        if name == FI_PREFIX_ORG:
            business_id = "2077474-0"
        elif name == SIX_DIGIT_ORG:
            business_id = make_business_id(rng, used, low=100_000, high=999_999)
        else:
            business_id = make_business_id(rng, used)
        reg_no = str(rng.randint(100_000, 229_999)) if rng.random() < 0.7 else None
        orgs[name] = Org(name, municipality, area, purpose, business_id, reg_no)
    return orgs


def spread(rng: random.Random, total: int, count: int, steps: tuple[int, ...]) -> list[int]:
    """`count` round amounts drawn from `steps` that add up to exactly `total`."""
    for _ in range(100_000):
        amounts = [rng.choice(steps) for _ in range(count - 1)]
        last = total - sum(amounts)
        if last in steps:
            return [*amounts, last]
    raise RuntimeError(f"cannot split {total} into {count} amounts of {steps}")


def applied_for(rng: random.Random, granted: float) -> float:
    """A plausible sum applied for: at least the grant, in hundreds, sometimes with cents."""
    if granted:
        base = math.ceil(granted * rng.choice((1.0, 1.2, 1.5, 2.0, 2.5, 3.0)) / 100) * 100
    else:
        base = rng.randrange(500, 6001, 100)
    return base + rng.choice((0, 0, 0, 0, 50, 34.5))


def operating_round(
    rng: random.Random,
    orgs: dict[str, Org],
    names: list[str],
    *,
    granted_count: int,
    total: int,
    decided: dt.date,
) -> list[Application]:
    """Operating applications of `names`: `granted_count` of them share `total`, the rest get 0."""
    winners = set(rng.sample(names, granted_count))
    amounts = iter(spread(rng, total, granted_count, OPERATING_STEPS))
    applications = []
    for name in names:
        granted = next(amounts) if name in winners else 0
        lahella = True if granted else rng.choice((True, True, None, False))
        applications.append(
            Application(orgs[name], OPERATING, orgs[name].purpose, applied_for(rng, granted), granted, decided, lahella)
        )
    return applications


def partnership(
    orgs: dict[str, Org], name: str, applied: float, granted: float, decided: dt.date,
    network: str, funding: str, period: str,
) -> Application:
    org = orgs[name]
    return Application(org, PARTNERSHIP, org.purpose, applied, granted, decided, True, network, funding, period)


def applications_2023(orgs: dict[str, Org], rng: random.Random) -> list[Application]:
    """44 applications of 15.3.2023 with the public decision's sums."""
    day = DECISION_2023
    operating = [
        Application(orgs[MLL], OPERATING, orgs[MLL].purpose, 30_000, 25_000, day),
        *operating_round(
            rng, orgs, [n for n, *_ in OPERATING_POOL], granted_count=20, total=22_200, decided=day
        ),
    ]
    # Flags only, no rejections: granted > applied, not in Lähellä.fi, wrong check digit.
    winners = [a for a in operating[1:] if a.granted >= 800]
    over, unregistered, bad_check = rng.sample(winners, 3)
    replaced = {
        over.org.name: replace(over, applied=over.granted - 200),
        unregistered.org.name: replace(unregistered, lahella=False),
        bad_check.org.name: replace(bad_check, raw={"business_id": wrong_check_digit(bad_check.org.business_id)}),
    }
    operating = [replaced.get(a.org.name, a) for a in operating]
    partners = [
        partnership(orgs, MEMORY, 28_000, 21_000, day, NET_OLDER, "STEA", "2023–2025"),
        partnership(orgs, CRISIS, 30_000, 21_000, day, NET_MENTAL, "STEA", "1.1.2023–31.12.2025"),
        partnership(orgs, YOUTH, 25_000, 21_000, day, NET_CHILDREN, "ESR", "2023-2025"),
        partnership(orgs, DAY_CENTRE, 18_000, 12_000, day, NET_MENTAL, "kunta", "2023–2025"),
        partnership(orgs, DISABLED_SUPPORT, 15_000, 0, day, NET_DISABILITY, "kunta", "2023–2025"),
        partnership(orgs, VOLUNTEERS, 12_000, 0, day, NET_MULTI, "STEA", "1.1.2023–31.12.2024"),
    ]
    one_off = [
        Application(orgs[name], ONE_OFF, orgs[name].purpose, applied, 0, day, None)
        for (name, *_), applied in zip(ONE_OFF_2023, (1_500, 800, 650))
    ]
    one_off[2] = replace(one_off[2], raw={"business_id": None})  # no Y-tunnus given
    by_name = lambda a: a.org.name.casefold()  # noqa: E731
    return sorted(operating, key=by_name) + sorted(partners, key=by_name) + sorted(one_off, key=by_name)


def applications_2024(orgs: dict[str, Org], rng: random.Random) -> tuple[list[Application], list[Application]]:
    """Main decision of 14.3.2024 (operating + partnership) and the one-off grants of 2024."""
    day = DECISION_2024
    pool = [n for n, *_ in OPERATING_POOL if n != SAME_PURPOSE_ORG]
    applicants = sorted(rng.sample(pool, 30) + ["Kainuun Kuntoutujat ry"])
    main = [
        Application(orgs[MLL], OPERATING, orgs[MLL].purpose, 30_000, 25_000, day),
        # Same purpose as its partnership grant below: to be flagged.
        Application(orgs[SAME_PURPOSE_ORG], OPERATING, "Klubitalotoiminta", 3_000, 1_500, day),
        *operating_round(rng, orgs, applicants, granted_count=24, total=24_500, decided=day),
        partnership(orgs, MEMORY, 28_000, 21_000, day, NET_OLDER, "STEA", "2023–2025"),
        partnership(orgs, CRISIS, 30_000, 21_000, day, NET_MENTAL, "STEA", "1.1.2023–31.12.2025"),
        partnership(orgs, YOUTH, 26_000, 21_000, day, NET_CHILDREN, "ESR", "2023–2025"),
        partnership(orgs, DAY_CENTRE, 18_000, 12_000, day, NET_MENTAL, "kunta", "2023–2025"),
        partnership(orgs, SAME_PURPOSE_ORG, 15_000, 10_000, day, NET_MENTAL, "kunta", "2024–2026"),
        partnership(orgs, DISABLED_SUPPORT, 12_000, 6_000, day, NET_DISABILITY, "kunta", "1.1.2024–31.12.2026"),
        partnership(orgs, VOLUNTEERS, 12_000, 0, day, NET_MULTI, "STEA", "2024-2025"),
    ]
    main.sort(key=lambda a: (a.org.name.casefold(), a.grant_type))
    bad_amount = Application(
        orgs["Kainuun Monikulttuurinen Yhdistys ry"], OPERATING, "Kotoutumista tukevat ryhmät",
        1_500, 500, day, True, raw={"granted": "noin 500", "note": "Summa tarkistettava"},
    )
    no_name = Application(
        orgs["Kajaanin Vertaistukikeskus ry"], OPERATING, "Vertaistukiryhmät", 800, 500, day, True,
        raw={"organisation": "", "business_id": "", "reg_no": ""},
    )
    main.insert(12, bad_amount)
    main.insert(27, no_name)

    dates = [dt.date(2024, m, d) for m, d in ((2, 2), (4, 18), (6, 12), (9, 17), (11, 5), (12, 10))]
    candidates = [n for n, *_ in OPERATING_POOL + ONE_OFF_2023 + NEWCOMERS[2:4]]
    one_off = []
    for index, name in enumerate(rng.sample(candidates, 12)):
        granted = rng.choice(ONE_OFF_STEPS) if index % 4 != 3 else 0
        purpose = rng.choice(("Kesäleiri, Vuokatti", "Juhlaseminaari", "Retki ikäihmisille",
                              "Koulutuspäivä vapaaehtoisille", "Esite ja verkkosivut",
                              "Liikuntavälineet", "Joulujuhla"))
        one_off.append(Application(
            orgs[name], ONE_OFF, purpose, granted + rng.choice((0, 100, 200)) if granted else 400,
            granted, dates[index // 2], True if granted else rng.choice((True, None)),
        ))
    outside = Application(orgs["Oulun Seudun Vertaistuki ry"], ONE_OFF, "Vertaistukiryhmän retki", 400, 300, dates[2], True)
    one_off.insert(5, outside)
    return main, one_off


def applications_2025(orgs: dict[str, Org], rng: random.Random) -> list[Application]:
    """Main decision of 13.3.2025 (council term 1) and one-off grants in Sept–Nov 2025 (term 2)."""
    day = DECISION_2025
    pool = [n for n, *_ in OPERATING_POOL if n not in (SAME_PURPOSE_ORG, AUTISM)]
    newcomers = [n for n, *_ in NEWCOMERS[:6] if n != "Kainuun Monikulttuurinen Yhdistys ry"]
    applicants = sorted(rng.sample(pool, 25) + newcomers)
    main = [
        Application(orgs[MLL], OPERATING, orgs[MLL].purpose, 32_000, 25_000, day),
        *operating_round(rng, orgs, applicants, granted_count=22, total=26_000, decided=day),
        partnership(orgs, MEMORY, 30_000, 21_000, day, NET_OLDER, "STEA", "1.1.2025–31.12.2027"),
        partnership(orgs, CRISIS, 30_000, 21_000, day, NET_MENTAL, "STEA", "1.1.2025–31.12.2027"),
        partnership(orgs, YOUTH, 26_000, 21_000, day, NET_CHILDREN, "ESR", "2025–2027"),
        partnership(orgs, DAY_CENTRE, 18_000, 12_000, day, NET_MENTAL, "kunta", "2025–2029"),
        partnership(orgs, SAME_PURPOSE_ORG, 15_000, 10_000, day, NET_MENTAL, "kunta", "2024–2026"),
        partnership(orgs, DISABLED_SUPPORT, 12_000, 8_000, day, NET_DISABILITY, "kunta", "1.1.2024–31.12.2026"),
        partnership(orgs, VOLUNTEERS, 12_000, 7_000, day, NET_MULTI, "STEA", "1.1.2025–31.12.2027"),
        partnership(orgs, AUTISM, 10_000, 0, day, NET_DISABILITY, "STEA", "2025–2027"),
    ]
    dates = [dt.date(2025, 9, 16), dt.date(2025, 10, 14), dt.date(2025, 11, 11)]
    candidates = [n for n, *_ in OPERATING_POOL + ONE_OFF_2023]
    one_off = []
    for index, name in enumerate(rng.sample(candidates, 10)):
        granted = rng.choice(ONE_OFF_STEPS) if index % 4 != 1 else 0
        one_off.append(Application(
            orgs[name], ONE_OFF, rng.choice(("Retki", "Juhlaseminaari", "Liikuntavälineet",
                                             "Koulutuspäivä vapaaehtoisille", "Joulujuhla")),
            granted + 100 if granted else 500, granted, dates[min(index // 3, 2)],
            True if granted else None,
        ))
    one_off[0] = replace(one_off[0], lahella=False)  # recipient not in Lähellä.fi: flag
    one_off[4] = replace(one_off[4], raw={"granted": -200})  # rejected: negative sum
    one_off[7] = replace(one_off[7], raw={"decision_date": "31.2.2025"})  # rejected: no such date
    return sorted(main, key=lambda a: (a.grant_type != PARTNERSHIP, a.org.name.casefold())) + one_off


# --- how each year's export writes the values -------------------------------------------------


def _cycle(variants: list[str], counter: Counter, key: str) -> str:
    """The next spelling of `key` (varies row by row, deterministically)."""
    value = variants[counter[key] % len(variants)]
    counter[key] += 1
    return value


def messy_municipality(name: str, counter: Counter) -> str:
    variants = [name, f"  {name.upper()}", f"{name.lower()} ", name, f"{name} ", name.upper()]
    if name == "Kajaani":
        variants.append("Kajaanin kaupunki")
    return _cycle(variants, counter, name)


GRANT_TYPE_SPELLINGS = {
    2023: {
        OPERATING: ["Toiminta-avustus", "toimintaavustus", "TA", "Toiminta-avustus", "toiminta-avustus "],
        PARTNERSHIP: ["Kumppanuusavustus", "kumppanuus", "Kumppanuus-avustus"],
        ONE_OFF: ["Kerta-avustus", "kertaavustus", "KERTA-AVUSTUS"],
    },
    2024: {
        OPERATING: ["Toiminta-avustus", "toiminta-avustus", "Toiminta avustus"],
        PARTNERSHIP: ["Kumppanuusavustus", "KUMPPANUUSAVUSTUS"],
        ONE_OFF: ["Kerta-avustus", "kertaluonteinen avustus", "kohdeavustus"],
    },
    2025: {
        OPERATING: ["Toiminta-avustus", "toiminta"],
        PARTNERSHIP: ["Kumppanuusavustus", "kumppanuus-avustus"],
        ONE_OFF: ["Kerta-avustus", "kertaluonteinen avustus"],
    },
}
NETWORK_SPELLINGS = {
    NET_CHILDREN: [NET_CHILDREN, "LNP", "lapset nuoret ja perheet"],
    NET_MENTAL: [NET_MENTAL, "mt- ja päihdetoimijat", "Mielenterveys ja päihde", "Mielenterveys- ja päihdeverkosto"],
    NET_OLDER: [NET_OLDER, "ikäihmiset", "IKÄVERKOSTO"],
    NET_DISABILITY: [NET_DISABILITY, "Vammaisjärjestöt", "vammais ja pitkäaikaissairaat"],
    NET_MULTI: [NET_MULTI, "moniala ja muut", "Muut järjestöt"],
}
FUNDING_SPELLINGS = {
    "STEA": ["STEA", "Stea-avustus"],
    "ESR": ["ESR (ELY)", "ELY-keskus"],
    "kunta": ["kunta", "kunnan avustus", "Kunnan rahoitus"],
}


def _decision_text(app: Application, rng: random.Random, year: int) -> str:
    if year == 2023:
        if not app.granted:
            return rng.choice(("Hylätty", "kielteinen", "HYLÄTTY"))
        return rng.choice(("Myönnetty", "osittain myönnetty", "myönteinen")) if app.granted < app.applied else "Myönnetty"
    if not app.granted:
        return rng.choice(("hylätty", "ei myönnetty", "Hylätty"))
    return rng.choice(("myönnetty", "Myönnetty"))


def _raw(app: Application, key: str, value: object) -> object:
    return app.raw.get(key, value)


HEADER_2023 = [
    "Nro", "Hakija", "Y-tunnus", "Avustuslaji", "Käyttötarkoitus", "Haettu €", "Myönnetty €",
    "Päätös", "Päätöspäivä", "Kotikunta", "Palvelualue", "Kumppanuusverkosto", "Lähellä.fi",
    "Liittyvä rahoitus", "Sopimuskausi",
]


def rows_2023(applications: list[Application], rng: random.Random) -> list[list[object]]:
    """Title rows, header, the 44 rows with a blank row in the middle, and a totals row."""
    counter: Counter = Counter()
    rows: list[list[object]] = [
        ["Kainuun hyvinvointialue – järjestöavustukset 2023"],
        ["ESIMERKKIAINEISTO: julkisen päätöksen 15.3.2023 summat, muut tiedot keksittyjä"],
        [],
        list(HEADER_2023),
    ]
    for number, app in enumerate(applications, start=1):
        if number == 23:
            rows.append([])

        def amount(value: float) -> object:
            if rng.random() < 0.3:
                return fi_money(value, decimals=rng.random() < 0.7, nbsp=rng.random() < 0.2)
            return int(value) if float(value).is_integer() else value

        decided: object = dt.datetime.combine(app.decided, dt.time())
        if rng.random() < 0.25:
            decided = fi_date(app.decided, zero_pad=rng.random() < 0.3)
        business_id = app.org.business_id if number % 9 else f" {app.org.business_id} "
        lahella = {True: rng.choice(("Kyllä", "kyllä", "K", "x")), False: "Ei", None: None}[app.lahella]
        rows.append([
            number,
            app.org.name,
            _raw(app, "business_id", business_id),
            _cycle(GRANT_TYPE_SPELLINGS[2023][app.grant_type], counter, app.grant_type),
            app.purpose,
            amount(app.applied),
            amount(app.granted),
            _decision_text(app, rng, 2023),
            decided,
            messy_municipality(app.org.municipality, counter),
            app.org.service_area,
            _cycle(NETWORK_SPELLINGS[app.network], counter, app.network) if app.network else None,
            lahella,
            _cycle(FUNDING_SPELLINGS[app.funding], counter, app.funding) if app.funding else None,
            app.period,
        ])
    rows.append([
        None, "Yhteensä", None, None, None,
        sum(a.applied for a in applications), sum(a.granted for a in applications),
    ])
    return rows


def write_2023(path: Path, applications: list[Application], rng: random.Random) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Avustukset 2023"
    for row in rows_2023(applications, rng):
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(italic=True, color="C00000")
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=5):
        for cell in row[5:7]:
            if isinstance(cell.value, (int, float)):
                cell.number_format = '#,##0.00 "€"'
        if isinstance(row[8].value, dt.datetime):
            row[8].number_format = "d.m.yyyy"
    sheet[f"B{sheet.max_row}"].font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJKLMNO", (6, 38, 12, 18, 38, 13, 13, 18, 12, 18, 36, 32, 10, 16, 20)):
        sheet.column_dimensions[letter].width = width
    workbook.properties.creator = "Kainuun hyvinvointialue (esimerkkiaineisto)"
    workbook.properties.title = "Järjestöavustukset 2023 (esimerkkiaineisto)"
    return save_workbook(workbook, path, dt.datetime(2023, 3, 16, 9, 30))


HEADER_2024 = [
    "Järjestön nimi", "Ytunnus", "Rek.nro", "Avustustyyppi", "Tarkoitus", "Haettu summa",
    "Myönnetty summa", "Ratkaisu", "Päätöspvm", "Kunta", "Toimiala", "Verkosto",
    "Lähellä.fi-rekisteröity", "Muu rahoitus", "Sopimusaika", "Lisätiedot",
]
NOTES_2024 = ("", "", "", "", "Uusi hakija", "Selvitys edellisen vuoden avustuksesta saapunut", "Täydennetty 29.1.2024")


def _written_business_id(org: Org) -> str:
    if org.name == FI_PREFIX_ORG:
        return "FI" + org.business_id.replace("-", "")
    if org.name == SIX_DIGIT_ORG:
        return org.business_id.lstrip("0")
    return org.business_id


def _written_reg_no(org: Org, rng: random.Random) -> str:
    if org.reg_no is None:
        return ""
    return f"{org.reg_no[:-3]}.{org.reg_no[-3:]}" if rng.random() < 0.5 else org.reg_no


def _amount_2024(value: float, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.6:
        return fi_money(value)
    if style < 0.8:
        return fi_money(value, decimals=not float(value).is_integer())
    return fi_money(value, euro=False)


def rows_2024_main(applications: list[Application], rng: random.Random) -> list[list[object]]:
    counter: Counter = Counter()
    rows: list[list[object]] = [
        ["Järjestöavustukset 2024 – toiminta- ja kumppanuusavustukset, päätös 14.3.2024 (ESIMERKKIAINEISTO)"],
        [],
        list(HEADER_2024),
    ]
    applied_total = granted_total = 0.0
    for app in applications:
        applied_total += app.applied
        granted_total += 0 if "granted" in app.raw else app.granted
        rows.append([
            _raw(app, "organisation", app.org.name),
            _raw(app, "business_id", _written_business_id(app.org)),
            _raw(app, "reg_no", _written_reg_no(app.org, rng)),
            _cycle(GRANT_TYPE_SPELLINGS[2024][app.grant_type], counter, app.grant_type),
            app.purpose,
            _amount_2024(app.applied, rng),
            _raw(app, "granted", _amount_2024(app.granted, rng)),
            _decision_text(app, rng, 2024),
            fi_date(app.decided, zero_pad=rng.random() < 0.3),
            _cycle([app.org.municipality, app.org.municipality, app.org.municipality.upper()], counter, app.org.municipality),
            app.org.service_area,
            _cycle(NETWORK_SPELLINGS[app.network], counter, app.network) if app.network else "",
            {True: rng.choice(("kyllä", "Kyllä", "rekisteröity")), False: "ei", None: ""}[app.lahella],
            _cycle(FUNDING_SPELLINGS[app.funding], counter, app.funding) if app.funding else "",
            app.period or "",
            _raw(app, "note", rng.choice(NOTES_2024)),
        ])
    rows.append(["Yhteensä", "", "", "", "", fi_money(applied_total), fi_money(granted_total)] + [""] * 9)
    return rows


def write_2024_main(path: Path, applications: list[Application], rng: random.Random) -> Path:
    """Windows-1252, ';', CRLF, a quoted title line and a blank line above the header."""
    return write_csv(
        path, rows_2024_main(applications, rng), encoding="cp1252", delimiter=";",
        lineterminator="\r\n", quote_all_rows=frozenset({0, 2}),
    )


HEADER_2024_ONE_OFF = [
    "Hakijan nimi", "Y-tunnus", "Laji", "Haettu käyttötarkoitus", "Haettu (€)", "Myönnetty (€)",
    "Päätöksen tulos", "Päätöksen päivämäärä", "Kotipaikka", "Palvelukokonaisuus",
    "Lähellä.fi -palvelussa",
]


def rows_2024_one_off(applications: list[Application], rng: random.Random) -> list[list[object]]:
    counter: Counter = Counter()
    rows: list[list[object]] = [list(HEADER_2024_ONE_OFF)]
    for app in applications:
        def amount(value: float) -> str:
            return rng.choice((fi_money(value, euro=False), f"{value:.0f}", fi_money(value, decimals=False)))

        decided = app.decided.isoformat() if app.decided.month == 4 else fi_date(app.decided)
        rows.append([
            app.org.name,
            app.org.business_id,
            _cycle(GRANT_TYPE_SPELLINGS[2024][ONE_OFF], counter, ONE_OFF),
            app.purpose,
            amount(app.applied),
            amount(app.granted),
            _decision_text(app, rng, 2024),
            decided,
            app.org.municipality,
            app.org.service_area,
            {True: "Kyllä", False: "Ei", None: ""}[app.lahella],
        ])
    return rows


def write_2024_one_off(path: Path, applications: list[Application], rng: random.Random) -> Path:
    """UTF-8 with BOM, ',' separated (amounts with a decimal comma end up quoted), LF."""
    return write_csv(
        path, rows_2024_one_off(applications, rng), encoding="utf-8-sig", delimiter=",",
        lineterminator="\n",
    )


HEADER_2025 = [
    "VireillepanijaYhteisoNimi", "VireillepanijaYhteisoTunnus", "Avustusvuosi",
    "avustuspaatos Tyyppi", "KayttoTarkoitus", "HaettuAvustus", "MyonnettyAvustus",
    "MaksettuAvustus", "avustuspaatos Pvm", "AlueKunnat", "AlueHyvinvointialueet", "Palvelualue",
    "Kumppanuusverkosto", "Lähellä.fi", "MuuRahoitus", "SopimusKausi",
]


def rows_2025(applications: list[Application], rng: random.Random) -> list[list[object]]:
    counter: Counter = Counter()
    rows: list[list[object]] = [list(HEADER_2025)]
    for app in applications:
        municipality = app.org.municipality
        paid = app.granted if app.decided < dt.date(2025, 11, 1) and "granted" not in app.raw else 0
        rows.append([
            app.org.name,
            app.org.business_id,
            2025,
            _cycle(GRANT_TYPE_SPELLINGS[2025][app.grant_type], counter, app.grant_type),
            app.purpose,
            float(app.applied),
            _raw(app, "granted", float(app.granted)),
            float(paid),
            _raw(app, "decision_date", dt.datetime.combine(app.decided, dt.time())),
            _cycle([municipality, municipality, municipality, MUNICIPALITY_CODES[municipality]], counter, municipality),
            "Kainuun hyvinvointialue",
            app.org.service_area,
            _cycle(NETWORK_SPELLINGS[app.network], counter, app.network) if app.network else None,
            {True: "kyllä", False: "ei", None: None}[app.lahella],
            _cycle(FUNDING_SPELLINGS[app.funding], counter, app.funding) if app.funding else None,
            app.period,
        ])
    return rows


def write_2025(path: Path, applications: list[Application], rng: random.Random) -> Path:
    """The state grant "minimum data" layout: sheet "VA", header in row 1, typed cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "VA"
    for row in rows_2025(applications, rng):
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row[5:8]:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
        if isinstance(row[8].value, dt.datetime):
            row[8].number_format = "yyyy-mm-dd"
    workbook.properties.creator = "Valtionavustusten minimitietojen vienti (esimerkkiaineisto)"
    return save_workbook(workbook, path, dt.datetime(2025, 11, 28, 14, 0))
