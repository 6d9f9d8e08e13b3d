"""Yhteistyö-Tuokio: rating parser, reading filled forms (problems reported, nothing lost),
scoring with hand-computed values, actor-type suppression, goals, indicators, sample data,
the GX suite and the notebook's shape."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kainuu_metrics.datasets import tuokio
from kainuu_metrics.datasets.accounting import rejected_row_count
from kainuu_metrics.datasets.base import CleaningContext, DatasetOutput
from kainuu_metrics.datasets.schemas import TUOKIO_AGREED, TUOKIO_GOAL_FOLLOWUPS, TUOKIO_GOALS, TUOKIO_RATINGS, conform
from kainuu_metrics.datasets.tuokio.template import write_tuokio_template
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.indicators import tuokio as scoring
from kainuu_metrics.quality.checks import load_suite
from kainuu_metrics.quality.value_sets import config_value_sets
from kainuu_metrics.paths import CONFIG_DIR, Layout
from kainuu_metrics.report import tuokio as report
from kainuu_metrics.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(CONFIG_DIR)
CONFIG = tuokio.load_tuokio_config(SETTINGS)
REGION = SETTINGS.domain.region_genitive


def small_config(**reporting) -> tuokio.TuokioConfig:
    """Four stages and two criteria: nothing may assume the default five stages or six criteria."""
    return tuokio.TuokioConfig.model_validate({
        "template": {"id": "kainuu-yhteistyo-tuokio", "version": 1, "readable_versions": [1], "goal_rows": 3},
        "scale": {"not_assessed": ["ei arvioitu", "eos"], "stages": [{"name": n, "description": f"{n} kuvaus"} for n in ["Aa", "Bb", "Cc", "Dd"]]},
        "criteria": [{"id": "c1", "name": "Yksi", "description": "Ensimmäinen"}, {"id": "c2", "name": "Kaksi", "description": "Toinen"}],
        "actor_types": {
            "hyvinvointialue": {"label": "Hyvinvointialue", "aliases": ["hva"]},
            "järjestö": {"label": "Järjestö", "aliases": ["yhdistys"]},
            "kunta": {"label": "Kunta"},
            "muu": {"label": "Muu"},
        },
        "goal_statuses": ["Suunniteltu", "Käynnissä", "Toteutunut"],
        "reporting": {"min_group_size": 3, "index_published": "0-100", "divergence_threshold": 1.0, **reporting},
    })


# --- parsing values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3 – Toimiva", ("arvioitu", 3)),
        ("3 - Toimiva", ("arvioitu", 3)),
        ("  toimiva ", ("arvioitu", 3)),
        (4, ("arvioitu", 4)),
        (4.0, ("arvioitu", 4)),
        ("5", ("arvioitu", 5)),
        ("EI ARVIOITU", ("ei arvioitu", None)),
        ("eos", ("ei arvioitu", None)),
        (None, ("ei vastausta", None)),
        ("  ", ("ei vastausta", None)),
    ],
)
def test_parse_rating_accepts_the_scale(value: object, expected: tuple) -> None:
    assert tuokio.parse_rating(value, CONFIG) == expected


@pytest.mark.parametrize("value", ["6", 0, 6, "4,5", 4.5, "3 – Vakiintunut", "hyvä", True])
def test_parse_rating_rejects_values_outside_the_scale(value: object) -> None:
    with pytest.raises(ValueError, match=r"ei ole arviointiasteikolla \(vaiheet 1–5\).*'1 – Alkuvaihe'.*'ei arvioitu'"):
        tuokio.parse_rating(value, CONFIG)


@given(st.integers(min_value=-50, max_value=50))
def test_parse_rating_integers_follow_the_configured_scale(number: int) -> None:
    config = small_config()
    if 1 <= number <= 4:
        assert tuokio.parse_rating(number, config) == ("arvioitu", number)
        assert tuokio.parse_rating(str(number), config) == ("arvioitu", number)
    else:
        with pytest.raises(ValueError, match="vaiheet 1–4"):
            tuokio.parse_rating(number, config)


def test_config_builds_labels_and_lookups() -> None:
    assert CONFIG.n_stages == 5
    assert CONFIG.rating_choices[0] == "1 – Alkuvaihe" and CONFIG.rating_choices[-1] == "ei arvioitu"
    assert [c.id for c in CONFIG.criteria] == [
        "osallistuminen", "vuorovaikutus", "tavoitteellisuus", "rakenteet", "tiedon_hyodyntaminen", "johdon_tuki",
    ]
    assert tuokio.parse_actor_type("Järjestön edustaja", CONFIG) == "järjestö"
    assert tuokio.parse_actor_type("HVA", CONFIG) == "hyvinvointialue"
    with pytest.raises(ValueError, match="toimijataho 'seurakunta' ei ole luettelossa"):
        tuokio.parse_actor_type("seurakunta", CONFIG)
    assert small_config().stage_labels == ["1 – Aa", "2 – Bb", "3 – Cc", "4 – Dd"]


def test_config_errors_are_finnish() -> None:
    with pytest.raises(ValueError, match="vähintään kaksi vaihetta"):
        tuokio.TuokioConfig.model_validate({**_raw_small(), "scale": {"stages": [{"name": "Ainoa"}]}})
    with pytest.raises(ValueError, match="index_published"):
        tuokio.TuokioConfig.model_validate({**_raw_small(), "reporting": {"index_published": "prosentti"}})


def test_config_file_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    import yaml

    folder = shutil.copytree(CONFIG_DIR, tmp_path / "config")
    raw = yaml.safe_load((folder / "tuokio.yaml").read_text(encoding="utf-8"))
    raw["scale"]["stages"] = raw["scale"]["stages"][:1]
    raw["criteria"][0]["id"] = "Osallistuminen"
    raw["reporting"] = {**raw["reporting"], "index_published": "prosentti", "min_group_siz": 3}
    (folder / "tuokio.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        tuokio.load_tuokio_config(load_settings(folder))
    message = str(error.value)
    assert "tuokio.yaml" in message.splitlines()[0]
    assert "kohta scale.stages: asteikossa (scale.stages) pitää olla vähintään kaksi vaihetta" in message
    assert "kohta criteria.1.id: kriteerin tunnisteessa (id) saa olla vain pieniä kirjaimia" in message
    assert "kohta reporting.index_published: reporting.index_published on 'prosentti'; sallitut arvot: 0-100, stage" in message
    assert "kohta reporting.min_group_siz: tuntematon kohta" in message


def test_config_defaults() -> None:
    config = tuokio.TuokioConfig.model_validate({**_raw_small(), "actor_types": {"muu": {"label": "Muu", "aliases": None}}})
    assert config.readable_versions == (1,) and config.goal_rows == 12
    assert config.not_assessed == ("ei arvioitu",) and config.min_group_size == 3 and config.index_published == "0-100"
    assert config.actor_lookup == {"muu": "muu"} and config.actor_labels == {"muu": "Muu"}
    with pytest.raises(ValueError, match="yksilöllisiä"):
        tuokio.TuokioConfig.model_validate({**_raw_small(), "criteria": [{"id": "c1", "name": "A"}, {"id": "c1", "name": "B"}]})


def _raw_small() -> dict:
    return {
        "template": {"id": "x", "version": 1},
        "scale": {"stages": [{"name": "A"}, {"name": "B"}]},
        "criteria": [{"id": "c1", "name": "Yksi"}],
        "actor_types": {"muu": {"label": "Muu"}},
        "goal_statuses": ["Suunniteltu"],
    }


def test_other_parsers() -> None:
    assert tuokio.parse_deadline(dt.datetime(2026, 5, 31)) == ("31.5.2026", dt.date(2026, 5, 31))
    assert tuokio.parse_deadline("kevät 2026") == ("kevät 2026", None)
    assert tuokio.parse_deadline("15.3.2026") == ("15.3.2026", dt.date(2026, 3, 15))
    assert tuokio.parse_deadline(2026.0) == ("2026", None)
    assert tuokio.parse_criterion("tiedon hyödyntäminen", CONFIG) == "tiedon_hyodyntaminen"
    assert tuokio.parse_goal_status("osittain toteutunut", CONFIG) == "Osittain toteutunut"
    with pytest.raises(ValueError, match="tila 'valmis' ei ole luettelossa"):
        tuokio.parse_goal_status("valmis", CONFIG)
    assert tuokio.evaluation_date_from_folder("2025-11-12") == dt.date(2025, 11, 12)
    assert tuokio.evaluation_date_from_folder("12.11.2025 Kajaani") == dt.date(2025, 11, 12)
    with pytest.raises(ValueError, match="ei ala päivämäärällä"):
        tuokio.evaluation_date_from_folder("syksy 2025")


# --- scoring (hand-computed) -------------------------------------------------------------------

D24, D25 = pd.Timestamp("2024-11-14"), pd.Timestamp("2025-11-12")


def ratings_frame(rows: list[tuple]) -> pd.DataFrame:
    """rows: (date, participant, actor_type, criterion, rating or 'eos' or None)."""
    records = []
    for number, (date, participant, actor, criterion, value) in enumerate(rows, start=1):
        status = "ei arvioitu" if value == "eos" else ("ei vastausta" if value is None else "arvioitu")
        records.append({
            "evaluation_date": date, "year": date.year, "participant": participant, "actor_type": actor,
            "criterion": criterion, "rating": value if isinstance(value, int) else None, "answer_status": status,
            "template_version": 1, "source_file": f"{participant}.xlsx", "sheet": "Arviointi", "source_row": number,
        })
    return conform(pd.DataFrame(records), TUOKIO_RATINGS)


def two_evaluations() -> pd.DataFrame:
    rows = []
    for p, (a, b) in zip(["p1", "p2", "p3", "p4"], [(2, 1), (3, 2), (3, 2), (4, "eos")]):
        rows += [(D24, p, "järjestö", "c1", a), (D24, p, "järjestö", "c2", b)]
    for p, (a, b) in zip(["q1", "q2", "q3", "q4", "q5"], [(4, 1), (4, 1), (3, 2), (2, 2), (None, 3)]):
        rows += [(D25, p, "hyvinvointialue", "c1", a), (D25, p, "hyvinvointialue", "c2", b)]
    return ratings_frame(rows)


def agreed_frame(rows: list[tuple]) -> pd.DataFrame:
    records = [
        {"evaluation_date": d, "year": d.year, "criterion": c, "agreed_rating": r, "source_file": "y.xlsx", "sheet": "Yhteenveto", "source_row": n}
        for n, (d, c, r) in enumerate(rows, start=1)
    ]
    return conform(pd.DataFrame(records, columns=list(TUOKIO_AGREED)), TUOKIO_AGREED)


def test_criterion_scores_by_hand() -> None:
    config = small_config()
    scores = scoring.criterion_scores(two_evaluations(), agreed_frame([(D25, "c1", 3)]), config).set_index(["evaluation_date", "criterion"])
    c1 = scores.loc[(D25, "c1")]
    # 2025 c1: 4, 4, 3, 2 (one blank): mean 3.25, median 3.5, sample sd sqrt(2.75 / 3)
    assert (c1["respondents"], c1["n_ratings"], c1["n_not_assessed"], c1["n_no_answer"]) == (5, 4, 0, 1)
    assert c1["mean"] == pytest.approx(3.25)
    assert c1["median"] == pytest.approx(3.5)
    assert (c1["min"], c1["max"]) == (2, 4)
    assert c1["std"] == pytest.approx(math.sqrt(2.75 / 3))
    assert c1["score_0_100"] == pytest.approx(75.0)  # (3.25 - 1) / (4 - 1) * 100
    assert c1["stage"] == 3
    assert c1["agreed_rating"] == 3
    assert c1["previous_mean"] == pytest.approx(3.0)  # 2024 c1: 2, 3, 3, 4
    assert c1["change"] == pytest.approx(0.25)
    c2 = scores.loc[(D25, "c2")]
    assert c2["mean"] == pytest.approx(1.8)  # 1, 1, 2, 2, 3
    assert c2["std"] == pytest.approx(math.sqrt(0.7))
    assert c2["stage"] == 2
    assert pd.isna(c2["agreed_rating"])
    old = scores.loc[(D24, "c2")]
    assert (old["n_ratings"], old["n_not_assessed"]) == (3, 1)
    assert old["mean"] == pytest.approx(5 / 3)  # 1, 2, 2; "eos" counted but not scored
    assert c2["change"] == pytest.approx(1.8 - 5 / 3)
    assert pd.isna(old["previous_mean"]) and pd.isna(old["change"])


def test_evaluation_index_by_hand() -> None:
    config = small_config()
    index = scoring.evaluation_index(scoring.criterion_scores(two_evaluations(), agreed_frame([]), config), config).set_index("evaluation_date")
    assert index.loc[D24, "index_mean"] == pytest.approx((3.0 + 5 / 3) / 2)
    assert index.loc[D25, "index_mean"] == pytest.approx((3.25 + 1.8) / 2)  # 2.525
    assert index.loc[D25, "index_0_100"] == pytest.approx(1.525 / 3 * 100)
    assert index.loc[D25, "stage"] == 3
    assert index.loc[D25, "index_change"] == pytest.approx(2.525 - (3.0 + 5 / 3) / 2)
    assert (index.loc[D25, "strongest"], index.loc[D25, "weakest"]) == ("Yksi", "Kaksi")
    assert index.loc[D25, "respondents"] == 5
    assert index.loc[D25, "previous_date"] == D24


def test_ties_name_every_criterion() -> None:
    config = small_config()
    frame = ratings_frame([(D25, "p1", "kunta", "c1", 2), (D25, "p1", "kunta", "c2", 2)])
    index = scoring.evaluation_index(scoring.criterion_scores(frame, agreed_frame([]), config), config)
    assert index["strongest"].iloc[0] == "Yksi, Kaksi" == index["weakest"].iloc[0]


@pytest.mark.parametrize(("mean", "stage"), [(1.0, 1), (1.49, 1), (1.5, 2), (2.5, 3), (3.4999, 3), (4.0, 4), (4.6, 4)])
def test_stage_rounds_halves_up_within_the_scale(mean: float, stage: int) -> None:
    assert scoring.stage_for_mean(mean, 4) == stage


def test_rating_distribution_lists_every_stage() -> None:
    config = small_config()
    dist = scoring.rating_distribution(two_evaluations(), config)
    c1 = dist.loc[(dist["evaluation_date"] == D25) & (dist["criterion"] == "c1")]
    assert c1["answer"].tolist() == ["1 – Aa", "2 – Bb", "3 – Cc", "4 – Dd", "ei arvioitu"]
    assert c1["count"].tolist() == [0, 1, 1, 2, 0]
    assert c1["share"].tolist() == pytest.approx([0, 0.25, 0.25, 0.5, 0])  # the blank answer left out
    old = dist.loc[(dist["evaluation_date"] == D24) & (dist["criterion"] == "c2")]
    assert old["count"].tolist() == [1, 2, 0, 0, 1]


# --- actor types: pooling and suppression ------------------------------------------------------


def _people(counts: dict[str | None, int]) -> pd.DataFrame:
    rows = [(f"{actor}-{i}", actor) for actor, n in counts.items() for i in range(n)]
    return pd.DataFrame(rows, columns=["participant", "actor_type"])


def test_small_groups_are_pooled() -> None:
    groups = scoring.actor_groups(_people({"hyvinvointialue": 4, "järjestö": 3, "kunta": 2, "muu": 1}), CONFIG)
    assert sorted(set(groups.values())) == ["Hyvinvointialue", "Järjestö", "Yhdistetty: Kunta, Muu"]
    assert groups["kunta-0"] == groups["muu-0"]


def test_a_pool_below_the_threshold_takes_in_the_smallest_group() -> None:
    groups = scoring.actor_groups(_people({"hyvinvointialue": 5, "järjestö": 3, "kunta": 1}), CONFIG)
    assert groups["hyvinvointialue-0"] == "Hyvinvointialue"
    assert groups["järjestö-0"] == groups["kunta-0"] == "Yhdistetty: Järjestö, Kunta"


def test_respondents_without_actor_type_are_a_group_of_their_own() -> None:
    groups = scoring.actor_groups(_people({"järjestö": 3, None: 3}), CONFIG)
    assert groups["None-0"] == "Toimijataho ei tiedossa"


def test_actor_type_means_suppress_a_criterion_with_a_small_cell() -> None:
    config = small_config()
    rows = []
    for i, (a, b) in enumerate([(4, 3), (4, 3), (4, 3)]):
        rows += [(D25, f"h{i}", "hyvinvointialue", "c1", a), (D25, f"h{i}", "hyvinvointialue", "c2", b)]
    for i, (a, b) in enumerate([(3, 2), (3, 2), (2, "eos")]):
        rows += [(D25, f"j{i}", "järjestö", "c1", a), (D25, f"j{i}", "järjestö", "c2", b)]
    means = scoring.actor_type_means(ratings_frame(rows), config)
    c1 = means.loc[means["criterion"] == "c1"].set_index("group")
    assert c1.loc["Hyvinvointialue", "mean"] == pytest.approx(4.0)
    assert c1.loc["Järjestö", "mean"] == pytest.approx(8 / 3)
    c2 = means.loc[means["criterion"] == "c2"]
    assert c2["suppressed"].all() and c2["mean"].isna().all()  # järjestö has 2 ratings < 3
    assert c2.set_index("group").loc["Järjestö", "n_ratings"] == 2
    divergence = scoring.actor_type_divergence(means, config).set_index("criterion")
    assert divergence.loc["c1", "difference"] == pytest.approx(4 - 8 / 3)
    assert bool(divergence.loc["c1", "divergent"]) is True
    assert divergence.loc["c1", "ngo_minus_county"] == pytest.approx(8 / 3 - 4)
    assert (divergence.loc["c1", "highest_group"], divergence.loc["c1", "lowest_group"]) == ("Hyvinvointialue", "Järjestö")
    assert pd.isna(divergence.loc["c2", "difference"])


def test_a_single_group_is_not_compared() -> None:
    frame = ratings_frame([(D25, f"p{i}", "järjestö", "c1", 3) for i in range(2)])
    assert scoring.actor_type_means(frame, small_config()).empty


# --- goals -------------------------------------------------------------------------------------


def test_previous_goals_match_by_number_then_text() -> None:
    goals = conform(pd.DataFrame([
        {"evaluation_date": D24, "year": 2024, "goal_number": n, "goal": g, "owner": o, "status": "Suunniteltu", "source_row": 14 + n}
        for n, g, o in [(1, "Foorumi kahdesti vuodessa", "Koordinaattori"), (2, "Yhteiset mittarit", "Työryhmä"), (3, "Uutiskirje", "Viestintä")]
    ]), TUOKIO_GOALS)
    followups = conform(pd.DataFrame([
        {"evaluation_date": D25, "year": 2025, "previous_goal_number": 1, "goal": None, "status": "Toteutunut", "notes": "Pidetty.", "source_row": 30},
        {"evaluation_date": D25, "year": 2025, "previous_goal_number": None, "goal": "  yhteiset  MITTARIT ", "status": "Käynnissä", "notes": None, "source_row": 31},
        {"evaluation_date": D25, "year": 2025, "previous_goal_number": 9, "goal": "Tuntematon", "status": "Toteutunut", "notes": None, "source_row": 32},
    ]), TUOKIO_GOAL_FOLLOWUPS)
    status = scoring.previous_goal_status(goals, followups, D25)
    assert status["goal"].tolist() == ["Foorumi kahdesti vuodessa", "Yhteiset mittarit", "Uutiskirje", "Tuntematon"]
    assert status["status_now"].tolist()[:2] == ["Toteutunut", "Käynnissä"]
    assert pd.isna(status["status_now"].iloc[2])
    assert status["matched"].tolist() == [True, True, False, False]
    table = report.previous_goals_table(status, small_config())
    assert table["Tila nyt"].tolist() == ["Toteutunut", "Käynnissä", "ei raportoitu", "Toteutunut"]
    assert table["Huomiot"].tolist()[3] == "ei löydy edellisestä yhteenvedosta"
    # Goal 3 is in last year's summary but missing from this year's follow-up: the note says so
    # (it used to say the goal was missing from last year's summary).
    notes = table["Huomiot"].tolist()
    assert notes[0] == "Pidetty." and pd.isna(notes[1]) and notes[2] == "ei raportoitu tämän vuoden seurannassa"
    assert status["in_previous"].tolist() == [True, True, True, False]
    assert scoring.previous_goal_status(goals, followups, D24).empty


def _scoped(frame: pd.DataFrame, schema: dict, local: dict[pd.Timestamp, str]) -> pd.DataFrame:
    """frame with scope and evaluation_name: the dates in `local` are local evaluations of that name."""
    out = frame.copy()
    out["scope"] = [("paikallinen" if d in local else "hyvinvointialue") for d in out["evaluation_date"]]
    out["evaluation_name"] = [local.get(d) for d in out["evaluation_date"]]
    return conform(out, schema)


def test_goals_are_followed_up_against_the_previous_county_wide_evaluation() -> None:
    d_local = pd.Timestamp("2025-03-05")  # a local evaluation between the county's 2024 and 2025 evaluations
    goals = _scoped(conform(pd.DataFrame([
        {"evaluation_date": D24, "year": 2024, "goal_number": 1, "goal": "Foorumi", "status": "Suunniteltu", "source_row": 15},
        {"evaluation_date": D24, "year": 2024, "goal_number": 2, "goal": "Mittarit", "status": "Suunniteltu", "source_row": 16},
        {"evaluation_date": d_local, "year": 2025, "goal_number": 1, "goal": "Paikallinen kerho", "status": "Suunniteltu", "source_row": 15},
    ]), TUOKIO_GOALS), TUOKIO_GOALS, {d_local: "Pohjoinen alue"})
    followups = _scoped(conform(pd.DataFrame([
        {"evaluation_date": d_local, "year": 2025, "previous_goal_number": 1, "status": "Luovuttu", "notes": "paikallinen", "source_row": 30},
        {"evaluation_date": D25, "year": 2025, "previous_goal_number": 1, "status": "Toteutunut", "notes": None, "source_row": 30},
    ]), TUOKIO_GOAL_FOLLOWUPS), TUOKIO_GOAL_FOLLOWUPS, {d_local: "Pohjoinen alue"})
    status = scoring.previous_goal_status(goals, followups, D25)
    # The county's 2025 follow-up is of the 2024 goals (1 and 2), not of the local evaluation's goal.
    assert status["goal"].tolist() == ["Foorumi", "Mittarit"]
    assert status["status_now"].tolist()[0] == "Toteutunut" and pd.isna(status["status_now"].iloc[1])
    # The local follow-up ("Luovuttu") is never taken as the county's, and the local series has no
    # earlier evaluation of its own to follow up.
    assert "Luovuttu" not in status["status_now"].tolist()
    assert scoring.previous_goal_status(goals, followups, d_local, evaluation_name="Pohjoinen alue").empty
    assert scoring.previous_evaluation(pd.Timestamp("2026-11-01"), goals, followups) == D25
    assert scoring.latest_evaluation(2025, goals, followups) == D25
    assert scoring.latest_evaluation(2025, goals, followups, evaluation_name="Pohjoinen alue") == d_local


# --- indicators --------------------------------------------------------------------------------


def test_indicators_by_hand() -> None:
    frame = two_evaluations()
    tidy = scoring.tuokio_indicators(frame, small_config(), "MK18")
    value = tidy.set_index(["indicator", "period"])["value"]
    assert value[("tuokio_index", "2025")] == pytest.approx(1.525 / 3 * 100)
    assert value[("tuokio_c1", "2025")] == pytest.approx(75.0)
    assert value[("tuokio_c2", "2024")] == pytest.approx((5 / 3 - 1) / 3 * 100)
    assert value[("tuokio_respondents", "2024")] == 4
    assert set(tidy["area"]) == {"MK18"} and not tidy["provisional"].any()
    assert set(tidy.loc[tidy["indicator"] != "tuokio_respondents", "unit"]) == {"index_0_100"}
    stage = scoring.tuokio_indicators(frame, small_config(index_published="stage"), "MK18").set_index(["indicator", "period"])
    assert stage.loc[("tuokio_index", "2025"), "value"] == pytest.approx(2.525)
    assert stage.loc[("tuokio_index", "2025"), "unit"] == "stage_mean"


def test_a_year_publishes_its_latest_evaluation() -> None:
    frame = ratings_frame([
        (pd.Timestamp("2025-03-01"), "a", "kunta", "c1", 1), (pd.Timestamp("2025-03-01"), "a", "kunta", "c2", 1),
        (D25, "b", "kunta", "c1", 4), (D25, "b", "kunta", "c2", 4),
    ])
    tidy = scoring.tuokio_indicators(frame, small_config(), "MK18")
    assert tidy.loc[tidy["indicator"] == "tuokio_index", "value"].tolist() == [100.0]


def test_a_later_local_evaluation_leaves_the_yearly_indicators_alone() -> None:
    # 2025: the county-wide evaluation D25 (two_evaluations: index 2.525 on 1..4, c1 3.25, 5
    # respondents), then a local one on 3.12.2025 with three forms at the top stage (4 on 1..4).
    # Before scopes, the later local one was "the year's latest": index 100, respondents 3.
    d_local = pd.Timestamp("2025-12-03")
    rows = [(d_local, f"k{i}", "kunta", c, 4) for i in range(3) for c in ("c1", "c2")]
    frame = _scoped(pd.concat([two_evaluations(), ratings_frame(rows)], ignore_index=True), TUOKIO_RATINGS, {d_local: "Pohjoinen alue"})
    tidy = scoring.tuokio_indicators(frame, small_config(), "MK18").set_index(["indicator", "period"])["value"]
    assert tidy[("tuokio_index", "2025")] == pytest.approx(1.525 / 3 * 100)  # (2.525 - 1) / (4 - 1) * 100
    assert tidy[("tuokio_c1", "2025")] == pytest.approx(75.0)  # (3.25 - 1) / 3 * 100
    assert tidy[("tuokio_respondents", "2025")] == 5
    only_county = scoring.tuokio_indicators(two_evaluations(), small_config(), "MK18")
    pd.testing.assert_frame_equal(scoring.tuokio_indicators(frame, small_config(), "MK18"), only_county)
    local = scoring.local_evaluations(frame, agreed_frame([]), small_config())
    assert local[["evaluation_date", "evaluation_name", "respondents", "index_mean", "index_0_100", "stage"]].values.tolist() == [
        [d_local, "Pohjoinen alue", 3, 4.0, 100.0, 4],  # every rating 4 on 1..4: mean 4, (4 - 1) / 3 * 100
    ]
    # The county-wide scores and their "previous evaluation" never include the local one.
    scores = scoring.criterion_scores(frame, agreed_frame([]), small_config())
    assert sorted(scores["evaluation_date"].unique()) == [D24, D25]
    assert scoring.rating_distribution(frame, small_config())["evaluation_date"].nunique() == 2
    assert scoring.latest_evaluation(2025, frame) == D25


def test_a_local_evaluation_below_the_group_size_shows_no_index() -> None:
    d_local = pd.Timestamp("2025-12-03")
    frame = _scoped(ratings_frame([(d_local, f"k{i}", "kunta", c, 2) for i in range(2) for c in ("c1", "c2")]), TUOKIO_RATINGS, {d_local: "Pieni"})
    local = scoring.local_evaluations(frame, agreed_frame([]), small_config())
    assert local["respondents"].tolist() == [2] and local["suppressed"].tolist() == [True] and local["index_mean"].isna().all()
    table = report.local_evaluations_table(local, 2025, small_config())
    assert table.values.tolist() == [["3.12.2025", "Pieni", 2, "ei näytetä (alle 3 vastaajaa)", "ei näytetä (alle 3 vastaajaa)"]]
    assert report.local_evaluations_table(local, 2024, small_config()).empty


def test_participant_texts_only_when_allowed_and_enough_respondents() -> None:
    rows = [(D25, f"p{i}", "kunta", "c1", 3) for i in range(3)]
    frame = ratings_frame(rows)
    frame["strengths"] = pd.Series(["Hyvä", None, "Avoin"], dtype="str")
    assert report.participant_texts_table(frame, D25, small_config()).empty
    allowed = small_config(publish_participant_texts=True)
    assert report.participant_texts_table(frame, D25, allowed)["Teksti"].tolist() == ["Avoin", "Hyvä"]
    assert report.participant_texts_table(frame.iloc[:2], D25, allowed).empty


# --- reading filled forms ----------------------------------------------------------------------


def rows_by_key(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)}


def make_form(path: Path, *, actor: object = "Järjestö", role: object = None, ratings: dict[str, object] | None = None,
              texts: dict[str, str] | None = None, goals: list[dict] | None = None, followups: list[dict] | None = None,
              agreed: dict[str, object] | None = None, config: tuokio.TuokioConfig = CONFIG, template: Path | None = None,
              marker: str | None = None, local_name: str | None = None) -> Path:
    """A form made with the template writer (a new blank form, with its own form id, unless
    `template` is given) and filled in like a participant would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if template is None:
        template = write_tuokio_template(path.parent / "_pohja.xlsx.tmp.xlsx", config, REGION, local_name=local_name)
    workbook = load_workbook(template)
    if marker:
        workbook["Ohjeet"]["A3"] = marker  # outside the answers: only the file's bytes change
    layout = tuokio.layout_for(config.template_version)
    ws = workbook["Arviointi"]
    keys = rows_by_key(ws)
    ws.cell(keys["actor_type"], layout.detail_column, actor)
    ws.cell(keys["role"], layout.detail_column, role)
    for criterion, value in (ratings or {}).items():
        ws.cell(keys[f"rating:{criterion}"], layout.rating_columns["rating"], value)
    for criterion, text in (texts or {}).items():
        ws.cell(keys[f"rating:{criterion}"], layout.rating_columns["strengths"], text)
    summary = workbook["Yhteenveto"]
    skeys = rows_by_key(summary)
    for criterion, value in (agreed or {}).items():
        summary.cell(skeys[f"agreed:{criterion}"], layout.agreed_columns["rating"], value)
    for number, goal in enumerate(goals or [], start=1):
        for field, value in goal.items():
            summary.cell(skeys[f"goal:{number}"], layout.goal_columns[field], value)
    for number, followup in enumerate(followups or [], start=1):
        for field, value in followup.items():
            summary.cell(skeys[f"followup:{number}"], layout.followup_columns[field], value)
    workbook.save(path)
    if template.name == "_pohja.xlsx.tmp.xlsx":
        template.unlink()
    return path


ALL_THREE = {c.id: "3 – Toimiva" for c in CONFIG.criteria}


@pytest.fixture()
def layout(tmp_path: Path) -> Layout:
    return Layout(tmp_path / "data", tmp_path / "reports")


def read(layout: Layout, config: tuokio.TuokioConfig = CONFIG) -> DatasetOutput:
    return tuokio.read_evaluations(tuokio.list_files(layout.raw_dir("tuokio")), layout, config, config_file="config/tuokio.yaml")


def test_missing_root_means_no_evaluations(layout: Layout) -> None:
    data = read(layout)
    assert data.table("tuokio_ratings").empty and list(data.table("tuokio_ratings").columns) == list(TUOKIO_RATINGS)
    assert data.years == []


def test_a_filled_form_is_read_with_provenance(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "12.11.2025"
    make_form(folder / "a.xlsx", actor="Järjestö", role="toiminnanjohtaja",
              ratings={**ALL_THREE, "osallistuminen": "2 – Kehittyvä", "rakenteet": "ei arvioitu", "johdon_tuki": None},
              texts={"osallistuminen": "Foorumi on avoin.\nKokoukset ovat päivällä."})
    data = read(layout)
    r = data.table("tuokio_ratings").set_index("criterion")
    assert len(r) == 6
    assert r.loc["osallistuminen", "rating"] == 2
    assert r.loc["osallistuminen", "strengths"] == "Foorumi on avoin.\nKokoukset ovat päivällä."
    assert r.loc["rakenteet", "answer_status"] == "ei arvioitu" and pd.isna(r.loc["rakenteet", "rating"])
    assert r.loc["johdon_tuki", "answer_status"] == "ei vastausta"
    assert set(r["actor_type"]) == {"järjestö"} and set(r["role"]) == {"toiminnanjohtaja"}
    assert set(r["participant"]) == {"raw/tuokio/12.11.2025/a.xlsx:Arviointi"}
    assert set(r["evaluation_date"]) == {pd.Timestamp("2025-11-12")} and set(r["year"]) == {2025}
    assert r["source_row"].tolist() == [10, 11, 12, 13, 14, 15]
    flags = data.results["tuokio_ratings"].flagged
    assert flags["flag"].tolist() == ["tuokio_missing_rating"]
    assert "kriteerin 'Johdon tuki yhteistyölle' arvio puuttuu" in flags["reason"].iloc[0]
    # The untouched summary sheet holds no data rows; the participant sheet's six rows are all cleaned.
    accounts = {a.sheet: a for a in data.results["tuokio_ratings"].accounts}
    assert (accounts["Arviointi"].rows_read, accounts["Arviointi"].cleaned) == (6, 6)
    assert accounts["Yhteenveto"].rows_read == 0


def test_problems_are_reported_and_nothing_is_lost(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    template = write_tuokio_template(layout.data / "pohja.xlsx", CONFIG, REGION)  # one blank form: one form id for all five
    make_form(folder / "a.xlsx", ratings={**ALL_THREE, "vuorovaikutus": "6"}, template=template)
    make_form(folder / "b.xlsx", actor="seurakunta", ratings={**ALL_THREE, "rakenteet": 4.5}, template=template)
    make_form(folder / "c.xlsx", actor=None, ratings=ALL_THREE, role="jäsen", template=template)
    shutil.copyfile(folder / "c.xlsx", folder / "c - kopio.xlsx")
    make_form(folder / "d.xlsx", ratings={**ALL_THREE, "vuorovaikutus": "6"}, template=template, marker="d")  # same form and answers as a.xlsx
    make_form(folder / "e.xlsx", actor=None, template=template)  # nothing filled in
    data = read(layout)
    rejected = data.results["tuokio_ratings"].rejected
    by_file = rejected.groupby("source_file")["source_row"].nunique().to_dict()
    # Copies used to be rejected; now (form identity) a copy is skipped as a duplicate and flagged
    # with the file it copies, since nothing of it is lost: see the duplicate checks below.
    assert by_file == {
        "raw/tuokio/2025-11-12/a.xlsx": 1,
        "raw/tuokio/2025-11-12/b.xlsx": 1,
    }
    bad = rejected.loc[rejected["source_file"].str.endswith("a.xlsx")].iloc[0]
    assert (bad["column"], bad["value"], bad["source_row"]) == ("Arvio", "6", 11)
    assert "arvio '6' ei ole arviointiasteikolla (vaiheet 1–5)" in bad["reason"]
    assert "Korjaa kriteerin 'Vuorovaikutus' arvio" in bad["reason"]
    assert rejected.loc[rejected["source_file"].str.endswith("b.xlsx"), "value"].iloc[0] == "4.5"
    skipped = data.results["tuokio_ratings"].skipped
    duplicates = skipped.loc[skipped["kind"] == "duplicate"].groupby("source_file")["source_row"].nunique().to_dict()
    assert duplicates == {"raw/tuokio/2025-11-12/c - kopio.xlsx": 6, "raw/tuokio/2025-11-12/d.xlsx": 6}
    flagged = data.results["tuokio_ratings"].flagged
    copies = flagged.loc[flagged["flag"] == "tuokio_duplicate_form"].set_index("source_file")["reason"]
    assert copies["raw/tuokio/2025-11-12/c - kopio.xlsx"].startswith("kaksoiskappale: tiedosto on täsmälleen sama kuin raw/tuokio/2025-11-12/c.xlsx")
    assert "sama lomaketunniste ja samat vastaukset kuin lomakkeella raw/tuokio/2025-11-12/a.xlsx:Arviointi" in copies["raw/tuokio/2025-11-12/d.xlsx"]
    flags = set(zip(flagged["source_file"], flagged["flag"]))
    assert ("raw/tuokio/2025-11-12/b.xlsx", "tuokio_actor_type_unknown") in flags
    assert ("raw/tuokio/2025-11-12/c.xlsx", "tuokio_actor_type_missing") in flags
    assert ("raw/tuokio/2025-11-12/e.xlsx", "tuokio_empty_form") in flags
    # a, b and c were filled from one blank form (one id, different answers): read as three respondents, flagged once.
    shared = flagged.loc[flagged["flag"] == "tuokio_shared_form_id", "reason"].tolist()
    assert len(shared) == 1 and shared[0].startswith("3 lomakkeella on sama lomaketunniste mutta eri vastaukset")
    assert data.table("tuokio_ratings")["participant"].nunique() == 3  # a, b, c
    assert data.table("tuokio_ratings").loc[data.table("tuokio_ratings")["participant"].str.contains("b.xlsx"), "actor_type"].isna().all()
    # Every data row is cleaned, rejected or skipped.
    accounts = data.results["tuokio_ratings"].accounts
    assert all(a.balanced for a in accounts)
    assert sum(a.rows_read for a in accounts) == len(data.table("tuokio_ratings")) + rejected_row_count(rejected) + len(skipped)
    assert sum(a.rows_read for a in accounts) == 4 * 6 + 6  # a, b, c, kopio, d; e untouched


def test_summary_sheet_goals_and_followups(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    make_form(folder / "yhteenveto.xlsx", actor=None, agreed={"osallistuminen": "3 – Toimiva", "rakenteet": "ei arvioitu", "vuorovaikutus": "kolme"},
              goals=[
                  {"goal": "Foorumi kahdesti vuodessa", "action": "Kutsut", "criterion": "Osallistuminen", "owner": "Koordinaattori",
                   "deadline": dt.datetime(2026, 5, 31), "status": "Suunniteltu"},
                  {"goal": None, "owner": "Joku"},
                  {"goal": "Mittarit", "criterion": "Talous", "status": "Valmis"},
                  {"goal": "Uutiskirje", "deadline": "syksy 2026"},
              ],
              followups=[
                  {"previous_number": 2, "status": "Toteutunut", "notes": "Tehty"},
                  {"previous_number": "kaksi", "status": "Toteutunut"},
                  {"notes": "Ei tietoa"},
              ])
    make_form(folder / "yhteenveto_2.xlsx", actor=None, agreed={"osallistuminen": "4 – Vakiintunut"})
    data = read(layout)
    assert data.table("tuokio_ratings").empty
    agreed = data.table("tuokio_agreed").set_index("criterion")
    assert agreed.loc["osallistuminen", "agreed_rating"] == 3
    assert pd.isna(agreed.loc["rakenteet", "agreed_rating"]) and agreed.loc["rakenteet", "answer_status"] == "ei arvioitu"
    assert len(agreed) == 2
    goals = data.table("tuokio_goals")
    assert goals["goal_number"].tolist() == [1, 4]
    assert goals["deadline"].tolist() == ["31.5.2026", "syksy 2026"]
    assert goals["deadline_date"].iloc[0] == pd.Timestamp("2026-05-31")
    assert goals["criterion"].iloc[0] == "osallistuminen" and pd.isna(goals["status"].iloc[1])
    assert data.table("tuokio_goal_followups")["previous_goal_number"].tolist() == [2]
    rejected = data.results["tuokio_ratings"].rejected

    def reasons(name: str, column: str) -> str:
        hit = rejected.loc[(rejected["source_file"] == f"raw/tuokio/2025-11-12/{name}") & (rejected["column"] == column)]
        return " | ".join(hit["reason"])

    assert "kehittämistavoite puuttuu" in reasons("yhteenveto.xlsx", "Kehittämistavoite")
    assert "kriteeri 'Talous' ei ole luettelossa" in reasons("yhteenveto.xlsx", "Kriteeri")
    assert "tila 'Valmis' ei ole luettelossa" in reasons("yhteenveto.xlsx", "Tila")
    followup = reasons("yhteenveto.xlsx", "Edellisen arvioinnin tavoitteen nro")
    assert "tavoitteen numero 'kaksi' ei ole numero" in followup and "rivistä ei selviä" in followup
    assert "arvio 'kolme'" in reasons("yhteenveto.xlsx", "Yhteisesti sovittu arvio")
    assert "arvioinnilla on jo yhteenveto lomakkeella raw/tuokio/2025-11-12/yhteenveto.xlsx:Yhteenveto" in reasons("yhteenveto_2.xlsx", "koko lomake")
    assert rejected_row_count(rejected) == 2 + 2 + 1 + 1  # goals 2 and 3, follow-ups 2 and 3, "kolme", the second summary
    assert all(a.balanced for a in data.results["tuokio_ratings"].accounts)


def test_folder_and_file_problems_stop_with_finnish_messages(layout: Layout) -> None:
    root = layout.raw_dir("tuokio")
    make_form(root / "lomake.xlsx", ratings=ALL_THREE)
    with pytest.raises(InputFileError, match="lomake ei ole arviointipäivän kansiossa") as error:
        read(layout)
    assert "raw/tuokio/2025-11-12/" in error.value.fix
    (root / "lomake.xlsx").unlink()
    (root / "syksy").mkdir()
    with pytest.raises(InputFileError, match="kansion nimi 'syksy' ei ala päivämäärällä"):
        read(layout)
    (root / "syksy").rmdir()
    (root / "2025-11-12").mkdir()
    (root / "2025-11-12" / "lomake.ods").write_bytes(b"x")
    with pytest.raises(InputFileError, match="muodossa '.ods'"):
        read(layout)
    (root / "2025-11-12" / "lomake.ods").unlink()
    (root / "2025-11-12" / "README.md").write_text("ohje", encoding="utf-8")
    (root / "2025-11-12" / "muistio.pdf").write_bytes(b"%PDF")
    assert read(layout).table("tuokio_ratings").empty


def test_a_workbook_that_is_not_a_form(layout: Layout) -> None:
    path = layout.raw_dir("tuokio") / "2025-11-12" / "oma.xlsx"
    path.parent.mkdir(parents=True)
    Workbook().save(path)
    with pytest.raises(InputFileError) as error:
        read(layout)
    assert error.value.file == "raw/tuokio/2025-11-12/oma.xlsx"
    assert "meta-välilehti puuttuu" in error.value.problem
    assert "kainuu-metrics template tuokio" in error.value.fix


def test_template_versions(layout: Layout) -> None:
    # The configured template is version 2 (form id and scope on the meta sheet); the version
    # arithmetic below is the same as when it was 1, one version up.
    assert CONFIG.template_version == 2
    make_form(layout.raw_dir("tuokio") / "2025-11-12" / "a.xlsx", ratings=ALL_THREE)  # version 2
    base = tuokio.TuokioConfig.model_validate(_config_dict())
    newer = tuokio.TuokioConfig.model_validate(_config_dict(version=3, readable_versions=[2, 3]))
    data = read(layout, newer)
    assert len(data.table("tuokio_ratings")) == 6
    note = data.results["tuokio_ratings"].flagged.loc[data.results["tuokio_ratings"].flagged["flag"] == "tuokio_older_template", "reason"].iloc[0]
    assert "vanhemmalla lomakepohjalla (versio 2, nykyinen 3)" in note
    assert "lomaketunnistetta" not in note  # a version 2 form has its id and scope
    with pytest.raises(InputFileError, match=r"vanhalla lomakepohjalla \(versio 2\)") as error:
        read(layout, tuokio.TuokioConfig.model_validate(_config_dict(version=3, readable_versions=[3])))
    assert "kopioi vastaukset" in error.value.fix and "kainuu-metrics template tuokio" in error.value.fix
    older = tuokio.TuokioConfig.model_validate(_config_dict(version=1, readable_versions=[1]))
    with pytest.raises(InputFileError, match="uudemmalla lomakepohjalla"):
        read(layout, older)
    four = tuokio.TuokioConfig.model_validate(_config_dict(stages=4))
    with pytest.raises(InputFileError, match="asteikossa on 5 vaihetta, asetuksissa 4"):
        read(layout, four)
    assert len(read(layout, base).table("tuokio_ratings")) == 6


def test_criteria_that_differ_from_the_configuration(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    make_form(folder / "a.xlsx", ratings=ALL_THREE)
    make_form(folder / "b.xlsx", actor="Kunta", role="sihteeri")  # background only, no answers
    extra = _config_dict()
    extra["criteria"] = [*extra["criteria"], {"id": "uusi", "name": "Uusi kriteeri", "description": "x"}]
    data = read(layout, tuokio.TuokioConfig.model_validate(extra))
    reasons = data.results["tuokio_ratings"].flagged.set_index("flag")["reason"]
    assert "lomakkeelta puuttuu kriteeri Uusi kriteeri" in reasons["tuokio_criterion_missing_from_form"]
    assert "taustatiedot mutta ei yhtään arviota" in reasons["tuokio_no_answers"]
    assert "tuokio_empty_form" not in reasons.index
    fewer = _config_dict()
    fewer["criteria"] = fewer["criteria"][:-1]
    data = read(layout, tuokio.TuokioConfig.model_validate(fewer))
    rejected = data.results["tuokio_ratings"].rejected.iloc[0]
    assert (rejected["source_row"], rejected["value"]) == (15, "3 – Toimiva")
    assert "kriteeriä 'johdon_tuki' (Johdon tuki yhteistyölle) ei ole asetuksissa" in rejected["reason"]
    assert len(data.table("tuokio_ratings")) == 5


def _config_dict(version: int | None = None, readable_versions: list[int] | None = None, stages: int | None = None) -> dict:
    """config/tuokio.yaml as a dict; by default at its own template version (readable: that version only)."""
    import yaml

    raw = yaml.safe_load((ROOT / "config" / "tuokio.yaml").read_text(encoding="utf-8"))
    version = raw["template"]["version"] if version is None else version
    raw["template"] = {**raw["template"], "version": version, "readable_versions": readable_versions or [version]}
    if stages is not None:
        raw["scale"]["stages"] = raw["scale"]["stages"][:stages]
    return raw


# --- which evaluation: county-wide or local ------------------------------------------------------


def v1_config() -> tuokio.TuokioConfig:
    """The configuration as it was at template version 1 (forms without id and scope)."""
    return tuokio.TuokioConfig.model_validate(_config_dict(version=1, readable_versions=[1]))


@pytest.mark.parametrize(("folder", "expected"), [
    ("2025-11-12", ("hyvinvointialue", None)),
    ("12.11.2025", ("hyvinvointialue", None)),
    ("2025-11-12 ", ("hyvinvointialue", None)),
    ("2025-12-03 Kuhmo", ("paikallinen", "Kuhmo")),
    ("3.12.2025_Kuhmo_kevät", ("paikallinen", "Kuhmo kevät")),
    ("2025-12-03  Pohjoinen   alue", ("paikallinen", "Pohjoinen alue")),
])
def test_folder_convention(folder: str, expected: tuple) -> None:
    found = tuokio.folder_scope(folder)
    assert (found.scope, found.name) == expected
    assert found.date in (dt.date(2025, 11, 12), dt.date(2025, 12, 3))


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.text(alphabet=st.sampled_from("abcäöÅ _-1"), max_size=12), st.sampled_from([" ", "_"]))
def test_folder_convention_any_date_and_name(day: dt.date, name: str, separator: str) -> None:
    for written in (day.isoformat(), f"{day.day}.{day.month}.{day.year}"):
        found = tuokio.folder_scope(f"{written}{separator}{name}")
        cleaned = " ".join(name.replace("_", " ").split())
        assert found.date == day
        assert (found.scope, found.name) == (("paikallinen", cleaned) if cleaned else ("hyvinvointialue", None))


def test_the_form_field_wins_and_a_conflict_names_the_file() -> None:
    county, local = tuokio.folder_scope("2025-11-12"), tuokio.folder_scope("2025-12-03 Kuhmo")
    assert tuokio.resolve_scope(None, None, county, "f.xlsx") == ("hyvinvointialue", None)  # version 1: the folder says
    assert tuokio.resolve_scope(None, None, local, "f.xlsx") == ("paikallinen", "Kuhmo")
    assert tuokio.resolve_scope("hyvinvointialue", None, county, "f.xlsx") == ("hyvinvointialue", None)
    assert tuokio.resolve_scope("paikallinen", " KUHMO ", local, "f.xlsx") == ("paikallinen", "Kuhmo")  # case and spacing aside
    assert tuokio.resolve_scope("paikallinen", None, local, "f.xlsx") == ("paikallinen", "Kuhmo")
    with pytest.raises(InputFileError, match="koko hyvinvointialueen vuosiarviointiin, mutta se on paikallisen arvioinnin kansiossa") as error:
        tuokio.resolve_scope("hyvinvointialue", None, local, "raw/tuokio/2025-12-03 Kuhmo/a.xlsx")
    assert error.value.file == "raw/tuokio/2025-12-03 Kuhmo/a.xlsx" and "--paikallinen NIMI" in error.value.fix
    with pytest.raises(InputFileError, match="paikalliseen arviointiin 'Kuhmo', mutta se on koko hyvinvointialueen") as error:
        tuokio.resolve_scope("paikallinen", "Kuhmo", county, "raw/tuokio/2025-11-12/b.xlsx")
    assert error.value.file == "raw/tuokio/2025-11-12/b.xlsx" and "2025-11-12 Pohjoinen alue" in error.value.fix
    with pytest.raises(InputFileError, match="arviointiin 'Sotkamo', mutta kansion nimen mukaan arviointi on 'Kuhmo'"):
        tuokio.resolve_scope("paikallinen", "Sotkamo", local, "c.xlsx")


def test_forms_say_which_evaluation_they_are_for(layout: Layout) -> None:
    root = layout.raw_dir("tuokio")
    make_form(root / "2025-11-12" / "a.xlsx", ratings=ALL_THREE)  # a county-wide form in the county's folder
    make_form(root / "2025-12-03 Kuhmo" / "b.xlsx", ratings=ALL_THREE, local_name="Kuhmo")
    make_form(root / "2025-12-03 Kuhmo" / "c.xlsx", ratings=ALL_THREE, config=v1_config())  # version 1: the folder says
    data = read(layout)
    ratings = data.table("tuokio_ratings")
    by_file = ratings.drop_duplicates("participant").set_index("source_file")[["scope", "evaluation_name"]]
    assert by_file.loc["raw/tuokio/2025-11-12/a.xlsx"].tolist()[0] == "hyvinvointialue" and pd.isna(by_file.loc["raw/tuokio/2025-11-12/a.xlsx", "evaluation_name"])
    assert by_file.loc["raw/tuokio/2025-12-03 Kuhmo/b.xlsx"].tolist() == ["paikallinen", "Kuhmo"]
    assert by_file.loc["raw/tuokio/2025-12-03 Kuhmo/c.xlsx"].tolist() == ["paikallinen", "Kuhmo"]
    note = data.results["tuokio_ratings"].flagged.set_index("source_file").loc["raw/tuokio/2025-12-03 Kuhmo/c.xlsx", "reason"]
    assert "ei ole lomaketunnistetta" in note and "päätelty kansion nimestä (paikallinen arviointi 'Kuhmo')" in note
    # A local form in the county's folder, and a county form in a local folder, stop the run naming the file.
    make_form(root / "2025-11-12" / "d.xlsx", ratings=ALL_THREE, local_name="Kuhmo")
    with pytest.raises(InputFileError) as error:
        read(layout)
    assert error.value.file == "raw/tuokio/2025-11-12/d.xlsx" and "paikalliseen arviointiin 'Kuhmo'" in error.value.problem
    (root / "2025-11-12" / "d.xlsx").unlink()
    make_form(root / "2025-12-03 Kuhmo" / "e.xlsx", ratings=ALL_THREE)
    with pytest.raises(InputFileError) as error:
        read(layout)
    assert error.value.file == "raw/tuokio/2025-12-03 Kuhmo/e.xlsx" and "koko hyvinvointialueen vuosiarviointiin" in error.value.problem


def test_a_form_of_version_2_without_its_identity_is_not_read(layout: Layout) -> None:
    path = make_form(layout.raw_dir("tuokio") / "2025-11-12" / "a.xlsx", ratings=ALL_THREE)
    workbook = load_workbook(path)
    meta = workbook["meta"]
    for row in meta.iter_rows(min_col=1, max_col=2):
        if row[0].value == "form_id":
            row[1].value = None
    workbook.save(path)
    with pytest.raises(InputFileError, match="puuttuu lomaketunniste"):
        read(layout)


# --- form identity: copies and respondents --------------------------------------------------------


def test_two_forms_with_the_same_answers_are_two_respondents(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    make_form(folder / "a.xlsx", actor="Kunta", role="sihteeri", ratings=ALL_THREE)  # own blank form: own id
    make_form(folder / "b.xlsx", actor="Kunta", role="sihteeri", ratings=ALL_THREE)  # another blank form, identical answers
    data = read(layout)
    ratings = data.table("tuokio_ratings")
    assert ratings["participant"].nunique() == 2 and ratings["form_id"].nunique() == 2
    assert data.results["tuokio_ratings"].rejected.empty and data.results["tuokio_ratings"].skipped.empty
    assert data.results["tuokio_ratings"].flagged.empty
    scores = scoring.criterion_scores(ratings, data.table("tuokio_agreed"), CONFIG)
    assert scores["respondents"].unique().tolist() == [2] and scores["n_ratings"].unique().tolist() == [2]


def test_a_copied_file_is_read_once(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    make_form(folder / "a.xlsx", actor="Kunta", ratings=ALL_THREE)
    shutil.copyfile(folder / "a.xlsx", folder / "a - kopio.xlsx")
    data = read(layout)
    result = data.results["tuokio_ratings"]
    assert data.table("tuokio_ratings")["participant"].unique().tolist() == ["raw/tuokio/2025-11-12/a.xlsx:Arviointi"]
    assert result.rejected.empty
    assert result.skipped.groupby(["source_file", "kind"]).size().to_dict() == {("raw/tuokio/2025-11-12/a - kopio.xlsx", "duplicate"): 6}
    flag = result.flagged.iloc[0]
    assert (flag["source_file"], flag["flag"]) == ("raw/tuokio/2025-11-12/a - kopio.xlsx", "tuokio_duplicate_form")
    assert "täsmälleen sama kuin raw/tuokio/2025-11-12/a.xlsx" in flag["reason"]
    assert all(a.balanced for a in result.accounts)


def test_forms_without_an_id_keep_the_content_rule(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    old = v1_config()
    make_form(folder / "a.xlsx", actor="Kunta", ratings=ALL_THREE, config=old)
    make_form(folder / "b.xlsx", actor="Kunta", ratings=ALL_THREE, config=old, marker="b")  # no id: cannot be told from a copy (marker: not the same bytes)
    data = read(layout)
    result = data.results["tuokio_ratings"]
    assert data.table("tuokio_ratings")["participant"].nunique() == 1
    assert data.table("tuokio_ratings")["form_id"].isna().all()
    reasons = result.rejected.loc[result.rejected["source_file"] == "raw/tuokio/2025-11-12/b.xlsx", "reason"]
    assert len(reasons) == 6 and "samat kuin lomakkeella raw/tuokio/2025-11-12/a.xlsx:Arviointi" in reasons.iloc[0]
    assert "ei ole lomaketunnistetta" in reasons.iloc[0]
    # Each version 1 form is flagged as read by the older rules (no form id, scope from the folder).
    older = result.flagged.loc[result.flagged["flag"] == "tuokio_older_template"]
    assert older["source_file"].tolist() == ["raw/tuokio/2025-11-12/a.xlsx"]  # b's flags go with its rejected copy
    assert "kaksoiskappaleet vastausten perusteella" in older["reason"].iloc[0]


def test_the_same_form_in_another_evaluation_is_not_a_copy(layout: Layout) -> None:
    root = layout.raw_dir("tuokio")
    template = write_tuokio_template(layout.data / "pohja.xlsx", CONFIG, REGION)
    make_form(root / "2024-11-14" / "a.xlsx", actor="Kunta", ratings=ALL_THREE, template=template)
    make_form(root / "2025-11-12" / "a.xlsx", actor="Kunta", ratings=ALL_THREE, template=template, marker="2025")
    data = read(layout)
    assert data.table("tuokio_ratings").groupby("year")["participant"].nunique().to_dict() == {2024: 1, 2025: 1}
    assert data.results["tuokio_ratings"].flagged.empty


# --- a later local evaluation leaves the county-wide 2025 figures unchanged ------------------------

# The sample's county-wide 2025 evaluation (12.11.2025), from a run without any local evaluation.
# Sums of the 2025 ratings per criterion (kept ratings / rated count): osallistuminen 48/17 (lomake_04's
# "6" rejected, one "ei arvioitu"), vuorovaikutus 53/18, tavoitteellisuus 60/18, rakenteet 62/18,
# tiedon hyödyntäminen 44/18, johdon tuki 44/15. Score 0–100 = (mean - 1) / (5 - 1) * 100.
MEANS_2025 = {
    "osallistuminen": 48 / 17, "vuorovaikutus": 53 / 18, "tavoitteellisuus": 60 / 18,
    "rakenteet": 62 / 18, "tiedon_hyodyntaminen": 44 / 18, "johdon_tuki": 44 / 15,
}
EXPECTED_2025 = {
    "tuokio_osallistuminen": 45.588235294117645,  # (48/17 - 1) * 25
    "tuokio_vuorovaikutus": 48.611111111111114,  # (53/18 - 1) * 25
    "tuokio_tavoitteellisuus": 58.333333333333336,  # (60/18 - 1) * 25
    "tuokio_rakenteet": 61.111111111111114,  # (62/18 - 1) * 25
    "tuokio_tiedon_hyodyntaminen": 36.111111111111114,  # (44/18 - 1) * 25
    "tuokio_johdon_tuki": 48.333333333333336,  # (44/15 - 1) * 25
    "tuokio_index": 49.68137254901961,  # (mean of the six means - 1) * 25; the means sum to 17.923529411764708
    "tuokio_respondents": 18.0,  # 19 forms, "lomake_11 - kopio" a copy
}
KUHMO = "2025-12-03 Kuhmo"


@pytest.fixture(scope="module")
def with_local(tmp_path_factory: pytest.TempPathFactory) -> tuple[DatasetOutput, DatasetOutput]:
    """The sample data read as it is, and with a local evaluation "2025-12-03 Kuhmo" added: three
    forms rated at the top stage and a summary with a goal and a follow-up of its own."""
    runs = []
    for with_kuhmo in (False, True):
        root = tmp_path_factory.mktemp("kuhmo" if with_kuhmo else "plain")
        shutil.copytree(ROOT / "data" / "raw" / "tuokio", root / "raw" / "tuokio")
        if with_kuhmo:
            top = {c.id: CONFIG.stage(CONFIG.n_stages).label for c in CONFIG.criteria}
            for number, actor in enumerate(["Kunta", "Järjestö", "Hyvinvointialue"], start=1):
                make_form(root / "raw" / "tuokio" / KUHMO / f"lomake_{number}.xlsx", actor=actor, ratings=top, local_name="Kuhmo")
            make_form(root / "raw" / "tuokio" / KUHMO / "yhteenveto.xlsx", actor=None, local_name="Kuhmo",
                      goals=[{"goal": "Kuntafoorumi", "status": "Suunniteltu"}],
                      followups=[{"previous_number": 1, "status": "Luovuttu", "notes": "paikallinen seuranta"}])
        layout = Layout(root, root / "reports")
        runs.append(tuokio.clean(tuokio.list_files(layout.raw_dir("tuokio")), CleaningContext(layout, SETTINGS)))
    return runs[0], runs[1]


def test_a_local_evaluation_leaves_the_county_wide_2025_figures_unchanged(with_local: tuple[DatasetOutput, DatasetOutput]) -> None:
    plain, kuhmo = with_local
    assert sum(MEANS_2025.values()) == pytest.approx(17.923529411764708)  # 2.8235 + 2.9444 + 3.3333 + 3.4444 + 2.4444 + 2.9333
    for data in (plain, kuhmo):
        found = scoring.indicators(data.all_tables(), SETTINGS).indicators
        values = found.loc[found["period"] == "2025"].set_index("indicator")["value"].to_dict()
        assert values == pytest.approx(EXPECTED_2025)
        assert values["tuokio_index"] == pytest.approx((sum(MEANS_2025.values()) / 6 - 1) * 25)
    # Every year's indicators, not only 2025's, are exactly those of the run without the local evaluation.
    pd.testing.assert_frame_equal(scoring.indicators(kuhmo.all_tables(), SETTINGS).indicators,
                                  scoring.indicators(plain.all_tables(), SETTINGS).indicators)
    assert kuhmo.years == [2024, 2025]
    ratings, agreed, goals, followups = report.processed_tables(kuhmo.all_tables())
    assert scoring.latest_evaluation(2025, ratings, agreed, goals) == pd.Timestamp("2025-11-12")
    # The 2024 goals keep the statuses reported on 12.11.2025 (the local follow-up "Luovuttu" is not the county's).
    status = scoring.previous_goal_status(goals, followups, pd.Timestamp("2025-11-12"))
    assert status["goal_number"].tolist() == [1, 2, 3, 4, 5]
    assert status["status_now"].tolist()[:3] + status["status_now"].tolist()[4:] == ["Toteutunut", "Osittain toteutunut", "Käynnissä", "Osittain toteutunut"]
    assert pd.isna(status["status_now"].iloc[3])
    table = report.previous_goals_table(status, CONFIG)
    assert table["Huomiot"].iloc[3] == "ei raportoitu tämän vuoden seurannassa"
    # The county's 2025 goals are the four of 12.11.2025; a later county evaluation follows them up, not Kuhmo's.
    assert len(report.goals_table(goals, pd.Timestamp("2025-11-12"), CONFIG)) == 4
    assert scoring.previous_evaluation(pd.Timestamp("2026-11-01"), goals, followups) == pd.Timestamp("2025-11-12")
    # The local evaluation appears on its own: 3 respondents, every rating 5 -> mean 5, (5 - 1) / 4 * 100 = 100.
    local = scoring.local_evaluations(ratings, agreed, CONFIG)
    assert local[["evaluation_date", "evaluation_name", "respondents", "index_mean", "index_0_100", "stage"]].values.tolist() == [
        [pd.Timestamp("2025-12-03"), "Kuhmo", 3, 5.0, 100.0, 5],
    ]
    assert report.local_evaluations_table(local, 2025, CONFIG).values.tolist() == [["3.12.2025", "Kuhmo", 3, "100", "5,00"]]
    assert scoring.local_evaluations(*report.processed_tables(plain.all_tables())[:2], CONFIG).empty


def test_sample_forms_have_their_own_ids_and_the_copies_share_them(sample: tuple[Path, Path]) -> None:
    ids = {}
    for path in sorted((sample[0] / "raw" / "tuokio").rglob("*.xlsx")):
        meta = {row[0]: row[1] for row in load_workbook(path)["meta"].iter_rows(max_col=2, values_only=True) if row[0]}
        assert meta["scope"] == "hyvinvointialue" and meta["scope_name"] is None
        ids[f"{path.parent.name}/{path.name}"] = meta["form_id"]
    assert ids["2024-11-14/lomake_03.xlsx"] == ids["2024-11-14/lomake_03_uudelleen.xlsx"]
    assert ids["12.11.2025/lomake_11.xlsx"] == ids["12.11.2025/lomake_11 - kopio.xlsx"]
    assert len(ids) == 38 and len(set(ids.values())) == 36  # 17 + 1 summary in 2024, 19 + 1 in 2025; two are copies
    # The committed sample is the generator's output.
    committed = _bytes(ROOT / "data" / "raw" / "tuokio")
    generated = _bytes(sample[0] / "raw" / "tuokio")
    assert {k: v for k, v in committed.items() if k.endswith(".xlsx")} == generated


def test_processed_tables_fill_in_missing_tables() -> None:
    ratings, agreed, goals, followups = report.processed_tables({})
    assert ratings.empty and list(goals.columns) == list(TUOKIO_GOALS)


# --- the sample data ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    generator = importlib.import_module("sample_data.tuokio")
    seed = importlib.import_module("sample_data").new_rng
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    for root in (first, second):
        generator.generate(root / "raw" / "tuokio", seed())
    return first, second


def _bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_sample_is_reproducible_and_marked(sample: tuple[Path, Path]) -> None:
    first, second = sample
    assert _bytes(first) == _bytes(second)
    forms = sorted((first / "raw" / "tuokio").rglob("*.xlsx"))
    assert {p.parent.name for p in forms} == {"2024-11-14", "12.11.2025"}
    workbook = load_workbook(forms[0])
    assert workbook["Ohjeet"]["A3"].value.startswith("ESIMERKKIAINEISTO")


def test_sample_reads_back_with_its_planted_problems(sample: tuple[Path, Path]) -> None:
    root = sample[0]
    layout = Layout(root, root / "reports")
    data = tuokio.clean(tuokio.list_files(layout.raw_dir("tuokio")), CleaningContext(layout, SETTINGS))
    assert data.years == [2024, 2025]
    per_evaluation = data.table("tuokio_ratings").groupby("year")["participant"].nunique().to_dict()
    assert per_evaluation == {2024: 16, 2025: 18}
    rejected = data.results["tuokio_ratings"].rejected
    assert rejected.loc[rejected["value"].isin(["4,5", "6"]), "source_file"].tolist() == [
        "raw/tuokio/2024-11-14/lomake_09.xlsx", "raw/tuokio/12.11.2025/lomake_04.xlsx",
    ]
    # The two copies are skipped as duplicates (they used to be rejected) and flagged with the file they copy:
    # lomake_03_uudelleen is the same form (same form id) with the same answers, "lomake_11 - kopio" the same file.
    skipped = data.results["tuokio_ratings"].skipped
    duplicates = skipped.loc[skipped["kind"] == "duplicate"].groupby("source_file").size().to_dict()
    assert duplicates == {"raw/tuokio/2024-11-14/lomake_03_uudelleen.xlsx": 6, "raw/tuokio/12.11.2025/lomake_11 - kopio.xlsx": 6}
    flagged = data.results["tuokio_ratings"].flagged
    copies = flagged.loc[flagged["flag"] == "tuokio_duplicate_form"].set_index("source_file")["reason"]
    assert "kuin lomakkeella raw/tuokio/2024-11-14/lomake_03.xlsx:Arviointi" in copies["raw/tuokio/2024-11-14/lomake_03_uudelleen.xlsx"]
    assert "täsmälleen sama kuin raw/tuokio/12.11.2025/lomake_11.xlsx" in copies["raw/tuokio/12.11.2025/lomake_11 - kopio.xlsx"]
    assert sorted(flagged["flag"]) == ["tuokio_actor_type_missing", "tuokio_duplicate_form", "tuokio_duplicate_form", "tuokio_missing_rating"]
    assert all(a.balanced for a in data.results["tuokio_ratings"].accounts)
    assert data.table("tuokio_goals").groupby("year").size().to_dict() == {2024: 5, 2025: 4}
    status = scoring.previous_goal_status(data.table("tuokio_goals"), data.table("tuokio_goal_followups"), pd.Timestamp("2025-11-12"))
    assert status["status_now"].isna().tolist() == [False, False, False, True, False]
    counts = data.table("tuokio_ratings").drop_duplicates("participant").groupby(["year", "actor_type"], dropna=False).size()
    assert counts[(2025, "järjestö")] == 8 and counts[(2025, "muu")] == 1


def test_the_gx_suite_passes_on_the_sample(sample: tuple[Path, Path], tmp_path: Path) -> None:
    from kainuu_metrics.quality.checks import run_checks

    root = sample[0]
    layout = Layout(root, root / "reports")
    data = tuokio.clean(tuokio.list_files(layout.raw_dir("tuokio")), CleaningContext(layout, SETTINGS))
    shutil.copy(ROOT / "kainuu_metrics" / "quality" / "suites" / "tuokio_ratings_cleaned.json", tmp_path)
    value_sets = config_value_sets(SETTINGS)
    checked = run_checks({"tuokio_ratings": data.table("tuokio_ratings")}, expectations_dir=tmp_path, value_sets=value_sets)
    assert [c.expectation for c in checked.checks if not c.success] == []
    broken = data.table("tuokio_ratings").copy()
    broken.loc[0, "rating"] = CONFIG.n_stages + 1
    checked = run_checks({"tuokio_ratings": broken}, expectations_dir=tmp_path, value_sets=value_sets)
    assert [c.column for c in checked.checks if not c.success] == ["rating"]


SUITE = ROOT / "kainuu_metrics" / "quality" / "suites" / "tuokio_ratings_cleaned.json"


def test_the_gx_suite_matches_the_configuration() -> None:
    written = json.loads(SUITE.read_text(encoding="utf-8"))
    raw = {(e["type"], e["kwargs"].get("column")): e["kwargs"] for e in written["expectations"]}
    assert raw[("expect_column_values_to_be_in_set", "criterion")]["value_set"] == {"$config": "tuokio_criteria"}
    kwargs = {(s.type, s.kwargs.get("column")): s.kwargs for s in load_suite(SUITE, config_value_sets(SETTINGS)).expectations}
    assert kwargs[("expect_column_values_to_be_in_set", "criterion")]["value_set"] == [c.id for c in CONFIG.criteria]
    assert kwargs[("expect_column_values_to_be_in_set", "actor_type")]["value_set"] == list(CONFIG.actor_types)
    assert kwargs[("expect_column_values_to_be_between", "rating")]["max_value"] == CONFIG.n_stages
    assert set(kwargs[("expect_table_columns_to_match_set", None)]["column_set"]) <= set(TUOKIO_RATINGS)


def test_notebook_is_thin_and_stripped() -> None:
    notebook = json.loads((ROOT / "notebooks" / "tuokio.ipynb").read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert [c for c in code if "parameters" in c["metadata"].get("tags", [])] == [code[0]]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    source = "".join("".join(c["source"]) for c in code)
    assert "def " not in source and "class " not in source
    assert "radar_figure(" in source and "Scatterpolar" not in source  # the chart is built in report.tuokio
    # Typed parameters; settings and data are loaded once by open_report (issue 12).
    assert 'config_dir: str = "config"' in "".join(code[0]["source"]) and 'open_report(year, data_dir, config_dir, dataset="tuokio")' in source


def test_radar_chart_shows_this_and_the_previous_evaluation() -> None:
    config = small_config()
    scores = scoring.criterion_scores(two_evaluations(), agreed_frame([]), config)
    radar = report.radar_data(scores, D25)
    assert radar.columns.tolist() == ["Kriteeri", "Arviointi 12.11.2025", "Edellinen arviointi 14.11.2024"]
    fig = report.radar_figure(radar, config.n_stages)
    assert [t.type for t in fig.data] == ["scatterpolar", "scatterpolar"]
    current = fig.data[1]
    assert list(current.theta) == ["Yksi", "Kaksi", "Yksi"] and list(current.r) == pytest.approx([3.25, 1.8, 3.25])
    assert current.fill == "toself" and fig.data[0].line.dash == "dash"
    assert list(fig.layout.polar.radialaxis.range) == [1, 4]
    assert report.radar_alt_text(radar, D25, 4).endswith("arvioinnissa 12.11.2025 ja edellisessä arvioinnissa.")
    first = report.radar_data(scores, D24)
    assert len(report.radar_figure(first, 4).data) == 1
    assert report.radar_alt_text(first, D24, 4).endswith("arvioinnissa 14.11.2024.")


# --- the dataset's entry points ----------------------------------------------------------------


def test_registry_entry() -> None:
    entry = tuokio.REGISTRY_ENTRY
    assert (entry["name"], entry["raw_folder"], entry["label"], entry["required"]) == ("tuokio", "tuokio", "Yhteistyö-Tuokio-arviointi", False)
    assert list(entry["tables"]) == ["tuokio_ratings"]  # the one with a suite; the other three are derived tables
    assert entry["list_files"] is tuokio.list_files  # forms are in date folders: the default listing would miss them
    for module in entry["warm_up"]:
        importlib.import_module(module)


def test_clean_returns_the_ratings_and_the_summary_tables(layout: Layout) -> None:
    folder = layout.raw_dir("tuokio") / "2025-11-12"
    make_form(folder / "a.xlsx", ratings=ALL_THREE, goals=[{"goal": "Uutiskirje", "status": "Suunniteltu"}])
    make_form(folder / "b.xlsx", actor="Kunta", ratings={**ALL_THREE, "osallistuminen": "5 – Uudistuva"})
    paths = tuokio.list_files(layout.raw_dir("tuokio"))
    assert [p.name for p in paths] == ["a.xlsx", "b.xlsx"]
    output = tuokio.clean(paths, CleaningContext(layout, SETTINGS))
    assert list(output.results) == ["tuokio_ratings"] and output.years == [2025]
    assert list(output.tables) == ["tuokio_agreed", "tuokio_goals", "tuokio_goal_followups"]
    assert list(output.table("tuokio_goals").columns) == list(TUOKIO_GOALS) and output.table("tuokio_goals")["goal"].tolist() == ["Uutiskirje"]
    assert len(output.table("tuokio_ratings")) == 12
    derived = scoring.indicators(output.all_tables(), SETTINGS)
    values = derived.indicators.set_index(["indicator", "category"])
    assert set(derived.indicators["area"]) == {SETTINGS.domain.region_code} and set(derived.indicators["period"]) == {"2025"}
    assert values.loc[("tuokio_osallistuminen", ""), "value"] == pytest.approx(75.0)  # (3 + 5) / 2 on 1..5 -> 75
    assert values.loc[("tuokio_respondents", ""), "value"] == 2
    assert scoring.indicators({}, SETTINGS).indicators.empty


def test_scores_do_not_depend_on_row_order() -> None:
    frame = two_evaluations()
    shuffled = frame.sample(frac=1, random_state=1).reset_index(drop=True)
    config = small_config()
    pd.testing.assert_frame_equal(
        scoring.criterion_scores(frame, agreed_frame([]), config), scoring.criterion_scores(shuffled, agreed_frame([]), config)
    )
