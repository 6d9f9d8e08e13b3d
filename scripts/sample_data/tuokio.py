"""Sample Yhteistyö-Tuokio evaluation forms (invented answers), two evaluations.

The forms are made with the package's own template writer (kainuu_metrics.datasets.tuokio.template) and
filled in with openpyxl, as if participants had filled them in Excel. Everything is invented:
participants, ratings, texts and goals. The instruction sheet of every form says
ESIMERKKIAINEISTO. Both evaluations are the county-wide yearly ones (folders named by the date
alone, forms made without --paikallinen). Every form has its own form id, as
`kainuu-metrics template tuokio --kpl N` writes them; the ids come from a generator seeded
with FORM_ID_SEED (not from the answers' generator, so the answers stay as they were).

- 14.11.2024, folder "2024-11-14" (ISO name): 16 participants (hyvinvointialue 6, järjestö 7,
  kunta 2, one without an actor type), a summary with agreed ratings and five goals.
- 12.11.2025, folder "12.11.2025" (Finnish name): 18 participants (hyvinvointialue 6,
  järjestö 8, kunta 3, muu 1), a summary with four goals and the status of the 2024 goals.

Planted problems (the reader must report them, not crash):
- 2024 lomake_05: one rating left blank (flagged, counted as "ei vastausta").
- 2024 lomake_09: rating "4,5" typed into the cell (rejected).
- 2024: one form without an actor type (flagged; answers kept).
- 2024 lomake_03_uudelleen: the same form (same form id) with the same answers saved and sent
  again (skipped as a duplicate and flagged).
- 2025 lomake_04: rating "6" typed into the cell (rejected).
- 2025 "lomake_11 - kopio": a byte-identical copy of lomake_11 (skipped as a duplicate and flagged).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from pathlib import Path

from kainuu_metrics.datasets.tuokio import (
    INSTRUCTIONS_SHEET,
    PARTICIPANT_SHEET,
    SUMMARY_SHEET,
    TuokioConfig,
    layout_for,
    load_tuokio_config,
)
from kainuu_metrics.datasets.tuokio.template import SAMPLE_MARKER_CELL, build_tuokio_workbook
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_settings
from sample_data import save_workbook

SAMPLE_NOTE = (
    "ESIMERKKIAINEISTO – keksitty esimerkkivastaus, ei todellinen arviointi "
    "(tuotettu skriptillä scripts/generate_sample_data.py)."
)
HVA, NGO, MUNICIPALITY, OTHER = "Hyvinvointialue", "Järjestö", "Kunta", "Muu"
FORM_ID_SEED = "tuokio-lomaketunnisteet"

# Typical perception per actor type and criterion on a 1–5 reading (converted to the configured
# scale): NGOs are more critical of participation, use of their knowledge and management support.
LEVELS_2024 = {
    HVA: {"osallistuminen": 3.3, "vuorovaikutus": 3.1, "tavoitteellisuus": 2.6, "rakenteet": 2.9, "tiedon_hyodyntaminen": 2.5, "johdon_tuki": 3.5},
    NGO: {"osallistuminen": 2.3, "vuorovaikutus": 2.7, "tavoitteellisuus": 2.2, "rakenteet": 2.2, "tiedon_hyodyntaminen": 1.8, "johdon_tuki": 2.0},
    MUNICIPALITY: {"osallistuminen": 2.8, "vuorovaikutus": 2.9, "tavoitteellisuus": 2.4, "rakenteet": 2.5, "tiedon_hyodyntaminen": 2.3, "johdon_tuki": 2.6},
    OTHER: {"osallistuminen": 2.6, "vuorovaikutus": 2.8, "tavoitteellisuus": 2.3, "rakenteet": 2.4, "tiedon_hyodyntaminen": 2.1, "johdon_tuki": 2.4},
}
# Change by 2025: partnership networks and a follow-up plan were started.
CHANGE_2025 = {"osallistuminen": 0.4, "vuorovaikutus": 0.3, "tavoitteellisuus": 0.8, "rakenteet": 0.9, "tiedon_hyodyntaminen": 0.3, "johdon_tuki": 0.2}
NGO_EXTRA_2025 = {"johdon_tuki": 0.5}

ROLES = {
    HVA: ["palvelupäällikkö", "järjestöyhdyshenkilö", "osallisuuskoordinaattori", "asiantuntija", "palvelualuejohtaja", "hyte-koordinaattori"],
    NGO: ["toiminnanjohtaja", "hallituksen puheenjohtaja", "järjestötyöntekijä", "vapaaehtoistoiminnan koordinaattori", "hallituksen jäsen", "projektikoordinaattori"],
    MUNICIPALITY: ["hyvinvointikoordinaattori", "vapaa-aikasihteeri", "sivistysjohtaja"],
    OTHER: ["seurakunnan diakoniatyöntekijä"],
}

TEXTS = {
    "strengths": {
        "osallistuminen": ["Järjestöt kutsutaan mukaan aiempaa useammin.", "Järjestöfoorumi on avoin kaikille."],
        "vuorovaikutus": ["Keskustelu on avointa ja arvostavaa.", "Yhdyshenkilöt vastaavat nopeasti."],
        "tavoitteellisuus": ["Järjestöyhteistyösuunnitelma antaa suunnan."],
        "rakenteet": ["Kumppanuusavustukset tuovat jatkuvuutta.", "Kumppanuusverkostot ovat hyvä rakenne."],
        "tiedon_hyodyntaminen": ["Järjestöjen kokemustietoa kysytään."],
        "johdon_tuki": ["Johto on sanoittanut yhteistyön tärkeäksi."],
    },
    "challenges": {
        "osallistuminen": ["Pienet järjestöt ja reuna-alueet jäävät sivuun.", "Kokoukset ovat päiväsaikaan, jolloin vapaaehtoiset eivät pääse."],
        "vuorovaikutus": ["Tieto kulkee vain kokouksissa.", "Palaute ei aina palaa järjestöille."],
        "tavoitteellisuus": ["Tavoitteet ovat yleisiä, eikä niiden toteutumista seurata."],
        "rakenteet": ["Yhteistyö on yksittäisten ihmisten varassa.", "Yhteyshenkilöt vaihtuvat usein."],
        "tiedon_hyodyntaminen": ["Järjestöjen tieto ei näy päätöksissä.", "Ei tiedetä, mihin kerättyä tietoa käytetään."],
        "johdon_tuki": ["Johdon tuki ei näy resursseina.", "Johto ei osallistu foorumeihin."],
    },
    "development_needs": {
        "osallistuminen": ["Etäosallistuminen kaikkiin tilaisuuksiin."],
        "vuorovaikutus": ["Yhteinen viestintäkanava, esimerkiksi uutiskirje."],
        "tavoitteellisuus": ["Mitattavat tavoitteet ja vuosittainen seuranta."],
        "rakenteet": ["Nimetyt yhdyshenkilöt jokaiselle palvelualueelle."],
        "tiedon_hyodyntaminen": ["Järjestöjen havainnot hyvinvointikertomukseen."],
        "johdon_tuki": ["Johdon edustaja jokaiseen järjestöfoorumiin."],
    },
}


@dataclass(frozen=True)
class Participant:
    number: int
    actor: str | None
    role: str | None


@dataclass
class Forms:
    """Blank forms as `kainuu-metrics template tuokio` writes them, each with its own id (from a
    seeded generator, so that the sample stays byte-for-byte reproducible)."""

    config: TuokioConfig
    region_genitive: str
    ids: random.Random

    def new(self, form_id: str | None = None):
        return build_tuokio_workbook(self.config, self.region_genitive, form_id=form_id or self.new_id())

    def new_id(self) -> str:
        return uuid.UUID(int=self.ids.getrandbits(128), version=4).hex


def generate(raw_dir: Path, rng: random.Random) -> list[Path]:
    """Write the two evaluations' forms under raw_dir (data/raw/tuokio/) and return their paths."""
    settings = load_settings(CONFIG_DIR)
    config = load_tuokio_config(settings)
    raw_dir.mkdir(parents=True, exist_ok=True)
    forms = Forms(config, settings.domain.region_genitive, random.Random(FORM_ID_SEED))
    return write_2024(raw_dir / "2024-11-14", forms, config, rng) + write_2025(raw_dir / "12.11.2025", forms, config, rng)


# --- participants and their answers (pure given the rng) ---------------------------------------


def participants(actors: list[str | None], rng: random.Random) -> list[Participant]:
    """Actor types shuffled over form numbers, each with a role (sometimes left empty)."""
    order = list(actors)
    rng.shuffle(order)
    out = []
    for number, actor in enumerate(order, start=1):
        role = rng.choice(ROLES[actor]) if actor and rng.random() < 0.8 else None
        out.append(Participant(number, actor, role))
    return out


def rating_for(level: float, config: TuokioConfig, rng: random.Random) -> int:
    """A stage on the configured scale around `level` (a 1–5 reading)."""
    n = config.n_stages
    on_scale = 1 + (level - 1) / 4 * (n - 1) + rng.gauss(0, 0.65) * (n - 1) / 4
    return min(n, max(1, round(on_scale)))


def answers(person: Participant, levels: dict[str, dict[str, float]], config: TuokioConfig, rng: random.Random) -> dict[str, dict[str, object]]:
    """criterion id -> {rating, strengths, challenges, development_needs} as written on the form."""
    base = levels[person.actor or OTHER]
    out = {}
    for criterion in config.criteria:
        if rng.random() < 0.04:
            rating: object = config.not_assessed[0]
        else:
            rating = config.stage(rating_for(base[criterion.id], config, rng)).label
        row = {"rating": rating}
        for field, pool in TEXTS.items():
            row[field] = rng.choice(pool[criterion.id]) if rng.random() < 0.2 else None
        out[criterion.id] = row
    return out


def levels_2025() -> dict[str, dict[str, float]]:
    return {
        actor: {c: v + CHANGE_2025[c] + (NGO_EXTRA_2025.get(c, 0.0) if actor == NGO else 0.0) for c, v in levels.items()}
        for actor, levels in LEVELS_2024.items()
    }


# --- writing forms -----------------------------------------------------------------------------


def _rows_by_key(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)}


def fill_participant(workbook, person: Participant, filled: dict[str, dict[str, object]], config: TuokioConfig):
    workbook[INSTRUCTIONS_SHEET][SAMPLE_MARKER_CELL] = SAMPLE_NOTE
    layout = layout_for(config.template_version)
    ws = workbook[PARTICIPANT_SHEET]
    keys = _rows_by_key(ws)
    ws.cell(keys["actor_type"], layout.detail_column, person.actor)
    ws.cell(keys["role"], layout.detail_column, person.role)
    for criterion_id, values in filled.items():
        for field, value in values.items():
            ws.cell(keys[f"rating:{criterion_id}"], layout.rating_columns[field], value)
    return workbook


def fill_summary(workbook, agreed: dict[str, dict[str, object]], goals: list[dict[str, object]], followups: list[dict[str, object]], config: TuokioConfig):
    workbook[INSTRUCTIONS_SHEET][SAMPLE_MARKER_CELL] = SAMPLE_NOTE
    layout = layout_for(config.template_version)
    ws = workbook[SUMMARY_SHEET]
    keys = _rows_by_key(ws)
    for criterion_id, values in agreed.items():
        for field, value in values.items():
            ws.cell(keys[f"agreed:{criterion_id}"], layout.agreed_columns[field], value)
    for number, goal in enumerate(goals, start=1):
        for field, value in goal.items():
            ws.cell(keys[f"goal:{number}"], layout.goal_columns[field], value)
    for number, followup in enumerate(followups, start=1):
        for field, value in followup.items():
            ws.cell(keys[f"followup:{number}"], layout.followup_columns[field], value)
    return workbook


def _stamp(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 15, 0) + dt.timedelta(minutes=minutes)


def _label(config: TuokioConfig, number: int | None) -> str | None:
    return None if number is None else config.stage(min(number, config.n_stages)).label


def write_2024(folder: Path, forms: Forms, config: TuokioConfig, rng: random.Random) -> list[Path]:
    day = dt.date(2024, 11, 14)
    folder.mkdir(parents=True, exist_ok=True)
    people = participants([HVA] * 6 + [NGO] * 7 + [MUNICIPALITY] * 2 + [None], rng)
    written = []
    criteria = [c.id for c in config.criteria]
    for person in people:
        filled = answers(person, LEVELS_2024, config, rng)
        if person.number == 5:
            filled[criteria[2]]["rating"] = None  # left blank
        if person.number == 9:
            filled[criteria[3]]["rating"] = "4,5"  # typed, not from the drop-down
        form_id = forms.new_id()
        workbook = fill_participant(forms.new(form_id), person, filled, config)
        written.append(save_workbook(workbook, folder / f"lomake_{person.number:02d}.xlsx", _stamp(day, person.number)))
        if person.number == 3:  # the same form saved and sent again
            again = fill_participant(forms.new(form_id), person, filled, config)
            written.append(save_workbook(again, folder / "lomake_03_uudelleen.xlsx", _stamp(day, 90)))
    agreed = {
        "osallistuminen": {"rating": _label(config, 3), "strengths": "Järjestöfoorumi kokoaa toimijat kahdesti vuodessa.",
                           "challenges": "Pienet järjestöt ja reuna-alueet jäävät sivuun.", "development_needs": "Etäosallistuminen ja kutsut suunnitteluryhmiin."},
        "vuorovaikutus": {"rating": _label(config, 3), "strengths": "Keskustelu on avointa.", "challenges": "Tieto kulkee lähinnä kokouksissa.",
                          "development_needs": "Yhteinen uutiskirje."},
        "tavoitteellisuus": {"rating": _label(config, 2), "challenges": "Yhteisiä mitattavia tavoitteita ei ole.",
                             "development_needs": "Seurantamittarit järjestöyhteistyösuunnitelmaan."},
        "rakenteet": {"rating": _label(config, 2), "strengths": "Kumppanuusavustukset tuovat jatkuvuutta.",
                      "challenges": "Yhteistyö on yksittäisten ihmisten varassa.", "development_needs": "Kumppanuusverkostot ja yhdyshenkilöt."},
        "tiedon_hyodyntaminen": {"rating": _label(config, 2), "challenges": "Järjestöjen tieto ei näy päätöksissä.",
                                 "development_needs": "Järjestöjen havainnot hyvinvointikertomukseen."},
        "johdon_tuki": {"strengths": "Johto pitää yhteistyötä tärkeänä.", "challenges": "Näkemykset johdon tuesta erosivat selvästi.",
                        "development_needs": "Johdon edustaja järjestöfoorumiin."},
    }
    goals = [
        {"goal": "Järjestöjen osallistumista palvelujen suunnitteluun vahvistetaan", "action": "Järjestöjen edustajat kutsutaan palvelualueiden suunnitteluryhmiin",
         "criterion": "Osallistuminen", "owner": "Järjestöyhteistyön koordinaattori", "deadline": dt.datetime(2025, 6, 30), "status": "Suunniteltu"},
        {"goal": "Yhteistyölle sovitaan mitattavat tavoitteet", "action": "Järjestöyhteistyösuunnitelmaan laaditaan seurantamittarit",
         "criterion": "Tavoitteellisuus", "owner": "Järjestöyhteistyöryhmä", "deadline": "kevät 2025", "status": "Suunniteltu"},
        {"goal": "Kumppanuusverkostot käynnistetään", "action": "Perustetaan viisi kumppanuusverkostoa ja nimetään niille yhdyshenkilöt",
         "criterion": "Rakenteet", "owner": "Osallisuuspalvelut", "deadline": dt.datetime(2025, 12, 31), "status": "Käynnissä"},
        {"goal": "Järjestöjen tieto käyttöön palvelujen suunnittelussa", "action": "Järjestöjen havainnot kootaan vuosittain hyvinvointikertomukseen",
         "criterion": "Tiedon hyödyntäminen", "owner": "Hyvinvoinnin ja terveyden edistämisen yksikkö", "deadline": "syksy 2025", "status": "Suunniteltu"},
        {"goal": "Johto mukaan järjestöfoorumiin", "action": "Hyvinvointialuejohtaja tai hänen edustajansa osallistuu jokaiseen järjestöfoorumiin",
         "criterion": "Johdon tuki yhteistyölle", "owner": "Hyvinvointialuejohtaja", "deadline": 2025, "status": "Suunniteltu"},
    ]
    summary = fill_summary(forms.new(), agreed, goals, [], config)
    written.append(save_workbook(summary, folder / "yhteenveto_14.11.2024.xlsx", _stamp(day, 120)))
    return written


def write_2025(folder: Path, forms: Forms, config: TuokioConfig, rng: random.Random) -> list[Path]:
    day = dt.date(2025, 11, 12)
    folder.mkdir(parents=True, exist_ok=True)
    people = participants([HVA] * 6 + [NGO] * 8 + [MUNICIPALITY] * 3 + [OTHER], rng)
    levels = levels_2025()
    written = []
    criteria = [c.id for c in config.criteria]
    for person in people:
        filled = answers(person, levels, config, rng)
        if person.number == 4:
            filled[criteria[0]]["rating"] = "6"  # typed, outside the scale
        workbook = fill_participant(forms.new(), person, filled, config)
        path = save_workbook(workbook, folder / f"lomake_{person.number:02d}.xlsx", _stamp(day, person.number))
        written.append(path)
        if person.number == 11:
            copy = folder / "lomake_11 - kopio.xlsx"
            copy.write_bytes(path.read_bytes())
            written.append(copy)
    agreed = {
        "osallistuminen": {"rating": _label(config, 3), "strengths": "Järjestöt ovat mukana palvelualueiden suunnitteluryhmissä.",
                           "challenges": "Vapaaehtoisvoimin toimivien järjestöjen on vaikea osallistua päiväsaikaan.", "development_needs": "Iltatilaisuudet ja etäyhteys."},
        "vuorovaikutus": {"rating": _label(config, 3), "strengths": "Uutiskirje on aloitettu.", "development_needs": "Palaute järjestöille siitä, miten niiden näkemyksiä käytettiin."},
        "tavoitteellisuus": {"rating": _label(config, 3), "strengths": "Seurantamittarit on sovittu.", "challenges": "Mittareiden tuloksia ei ole vielä käsitelty yhdessä."},
        "rakenteet": {"rating": _label(config, 4), "strengths": "Neljä kumppanuusverkostoa viidestä on aloittanut.",
                      "development_needs": "Viides verkosto (vammais- ja pitkäaikaissairaiden järjestöt) käyntiin."},
        "tiedon_hyodyntaminen": {"rating": _label(config, 2), "challenges": "Järjestöjen tieto ei vielä näy hyvinvointikertomuksessa."},
        "johdon_tuki": {"rating": _label(config, 3), "strengths": "Johto osallistui kevään järjestöfoorumiin.",
                        "challenges": "Järjestöt ja hyvinvointialue näkevät johdon tuen edelleen eri tavoin."},
    }
    goals = [
        {"goal": "Järjestöjen tieto näkyväksi päätöksenteossa", "action": "Järjestöjen havainnot käsitellään aluehallituksessa kerran vuodessa",
         "criterion": "Tiedon hyödyntäminen", "owner": "Hyvinvoinnin ja terveyden edistämisen yksikkö", "deadline": dt.datetime(2026, 10, 31), "status": "Suunniteltu"},
        {"goal": "Kaikki kumppanuusverkostot toimivat", "action": "Vammais- ja pitkäaikaissairaiden järjestöjen verkosto käynnistetään",
         "criterion": "Rakenteet", "owner": "Osallisuuspalvelut", "deadline": "kevät 2026", "status": "Käynnissä"},
        {"goal": "Osallistuminen mahdolliseksi myös vapaaehtoisille", "action": "Järjestöfoorumeihin etäyhteys ja yksi iltatilaisuus vuodessa",
         "criterion": "Osallistuminen", "owner": "Järjestöyhteistyön koordinaattori", "deadline": dt.datetime(2026, 6, 30), "status": "Suunniteltu"},
        {"goal": "Seurantamittarien tulokset käsitellään yhdessä", "action": "Mittarien tulokset esitellään syksyn järjestöfoorumissa",
         "criterion": "Tavoitteellisuus", "owner": "Järjestöyhteistyöryhmä", "deadline": "syksy 2026", "status": "Suunniteltu"},
    ]
    followups = [
        {"previous_number": 1, "goal": "Järjestöjen osallistumista palvelujen suunnitteluun vahvistetaan", "status": "Toteutunut",
         "notes": "Järjestöt ovat mukana kaikkien palvelualueiden suunnitteluryhmissä."},
        {"goal": "Yhteistyölle sovitaan mitattavat tavoitteet", "status": "Osittain toteutunut", "notes": "Mittarit sovittu, seuranta alkaa 2026."},
        {"previous_number": 3, "goal": "Kumppanuusverkostot käynnistetään", "status": "Käynnissä", "notes": "Neljä verkostoa viidestä on aloittanut."},
        {"previous_number": 5, "goal": "Johto mukaan järjestöfoorumiin", "status": "Osittain toteutunut", "notes": "Johto osallistui yhteen foorumiin kahdesta."},
    ]
    summary = fill_summary(forms.new(), agreed, goals, followups, config)
    written.append(save_workbook(summary, folder / "yhteenveto_12.11.2025.xlsx", _stamp(day, 120)))
    return written
