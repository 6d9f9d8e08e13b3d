"""The indicator catalogue (config/indicators.yaml, kainuu_metrics.indicators.catalogue)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from kainuu_metrics.errors import ConfigError
from kainuu_metrics.indicators.catalogue import CATALOGUE_FILE, KNOWN_UNITS, Catalogue, load_catalogue
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_settings

TOPICS = {"avustukset", "valtuustokausi", "tilat", "kokemustoiminta", "tuokio", "vaesto"}
SOURCES = {"grants", "population", "premises", "experience", "tuokio"}

SMALL = """\
topics:
  avustukset: Avustukset
sources:
  grants: Avustuspäätökset
indicators:
  grants_total_eur:
    name: Myönnetyt avustukset
    description: Myönnettyjen avustusten summa.
    unit: eur
    unit_label: €
    decimals: 0
    topic: avustukset
    sources: [grants]
    method: Myönnettyjen summien summa avustusvuoden mukaan.
  grants_by_type_eur:
    name: Myönnetyt avustukset lajeittain
    description: Summa avustuslajin mukaan.
    unit: eur
    unit_label: €
    decimals: 0
    topic: avustukset
    sources: [grants]
    method: Myönnettyjen summien summa avustuslajin mukaan.
    categories: avustuslaji
"""


def _write(folder: Path, text: str) -> Path:
    (folder / CATALOGUE_FILE).write_text(text, encoding="utf-8")
    return folder


def _raw_cards() -> dict[str, dict]:
    return yaml.safe_load((CONFIG_DIR / CATALOGUE_FILE).read_text(encoding="utf-8"))["indicators"]


# --- the real catalogue -------------------------------------------------------------------------


def test_real_catalogue_loads_from_a_folder_and_from_settings():
    from_folder = load_catalogue(CONFIG_DIR)
    from_settings = load_catalogue(load_settings(CONFIG_DIR))
    assert from_folder.ids == from_settings.ids
    assert from_folder.name("grants_total_eur") == "Myönnetyt avustukset yhteensä"
    assert from_folder.column_label("grants_total_eur") == "Myönnetyt avustukset yhteensä (€)"
    assert from_folder.column_label("grants_per_capita_eur") == "Avustukset asukasta kohden (€/asukas)"


def test_every_unit_in_the_real_catalogue_is_a_known_unit_id():
    units = {card["unit"] for card in _raw_cards().values()}
    assert units <= set(KNOWN_UNITS), units - set(KNOWN_UNITS)


def test_real_catalogue_uses_the_agreed_topics_and_sources():
    catalogue = load_catalogue(CONFIG_DIR)
    assert set(catalogue.spec.topics) == TOPICS
    assert set(catalogue.spec.sources) == SOURCES
    assert all(ids for _topic, ids in catalogue.by_topic())
    assert sum(len(ids) for _topic, ids in catalogue.by_topic()) == len(catalogue.ids)


def test_every_card_is_complete_finnish_text():
    for indicator_id, card in _raw_cards().items():
        for key in ("name", "description", "method", "unit_label"):
            assert str(card[key]).strip(), (indicator_id, key)
        assert card["method"].rstrip().endswith("."), indicator_id
        assert ":" not in indicator_id


def test_every_tuokio_criterion_has_a_card_in_the_published_unit():
    tuokio = yaml.safe_load((CONFIG_DIR / "tuokio.yaml").read_text(encoding="utf-8"))
    unit = {"0-100": "index_0_100", "stage": "stage_mean"}[tuokio["reporting"]["index_published"]]
    catalogue = load_catalogue(CONFIG_DIR)
    ids = ["tuokio_index"] + [f"tuokio_{c['id']}" for c in tuokio["criteria"]]
    assert catalogue.missing(ids) == []
    assert {catalogue.card(i).unit for i in ids} == {unit}
    for criterion in tuokio["criteria"]:
        assert catalogue.name(f"tuokio_{criterion['id']}") == criterion["name"]


@pytest.mark.e2e
def test_every_indicator_of_the_sample_run_has_a_card(sample_run):
    path = sample_run.data / "processed" / "indicators.csv"
    assert path.exists(), sample_run.stderr[-2000:]
    with path.open(encoding="utf-8", newline="") as handle:
        # During the transition an id may still carry its category after a colon.
        ids = [row["indicator"].split(":", 1)[0] for row in csv.DictReader(handle)]
    assert ids
    assert load_catalogue(CONFIG_DIR).missing(ids) == []


# --- a small catalogue --------------------------------------------------------------------------


def test_small_catalogue_lookups(tmp_path):
    catalogue = load_catalogue(_write(tmp_path, SMALL))
    assert isinstance(catalogue, Catalogue)
    assert catalogue.ids == ["grants_total_eur", "grants_by_type_eur"]
    assert catalogue.card("grants_by_type_eur").categories == "avustuslaji"
    assert catalogue.card("grants_total_eur").categories == ""
    assert catalogue.column_label("grants_total_eur") == "Myönnetyt avustukset (€)"
    assert catalogue.missing(["grants_total_eur", "uusi", "toinen", "uusi"]) == ["uusi", "toinen"]
    assert catalogue.by_topic() == [("avustukset", ["grants_total_eur", "grants_by_type_eur"])]
    assert catalogue.topic_label("avustukset") == "Avustukset"
    assert catalogue.source_label("grants") == "Avustuspäätökset"


def test_missing_card_raises_config_error_naming_the_file_and_the_id(tmp_path):
    catalogue = load_catalogue(_write(tmp_path, SMALL))
    with pytest.raises(ConfigError) as caught:
        catalogue.card("grants_unknown_eur")
    message = str(caught.value)
    assert "indicators.yaml" in message
    assert "grants_unknown_eur" in message
    assert "ei ole korttia" in message
    with pytest.raises(ConfigError, match="grants_unknown_eur"):
        catalogue.name("grants_unknown_eur")
    with pytest.raises(ConfigError, match="grants_unknown_eur"):
        catalogue.column_label("grants_unknown_eur")


def test_require_lists_every_missing_id(tmp_path):
    catalogue = load_catalogue(_write(tmp_path, SMALL))
    catalogue.require(["grants_total_eur"])
    with pytest.raises(ConfigError) as caught:
        catalogue.require(["grants_total_eur", "a_eur", "b_eur"])
    assert "a_eur, b_eur" in str(caught.value)
    assert "indicators.yaml" in str(caught.value)


def test_unknown_key_in_a_card_gives_the_finnish_error_naming_the_file(tmp_path):
    text = SMALL.replace("    decimals: 0\n    topic: avustukset\n    sources: [grants]\n    method: Myönnettyjen summien summa avustusvuoden", "    decimals: 0\n    nimi: Väärä\n    topic: avustukset\n    sources: [grants]\n    method: Myönnettyjen summien summa avustusvuoden")
    assert "nimi: Väärä" in text
    with pytest.raises(ConfigError) as caught:
        load_catalogue(_write(tmp_path, text))
    message = str(caught.value)
    assert "indicators.yaml" in message
    assert "indicators.grants_total_eur.nimi" in message
    assert "tuntematon kohta" in message


def test_unknown_unit_is_rejected_with_the_known_units(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_catalogue(_write(tmp_path, SMALL.replace("unit: eur\n", "unit: euro\n", 1)))
    message = str(caught.value)
    assert "indicators.grants_total_eur.unit" in message
    assert "euro" in message and "eur_per_inhabitant" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  grants_by_type_eur:\n", "  'grants_by_type_eur:kerta':\n", "grants_by_type_eur:kerta"),
        ("    topic: avustukset\n", "    topic: tilat\n", "aihetta 'tilat'"),
        ("    sources: [grants]\n", "    sources: [grants, premises]\n", "lähteitä premises"),
        ("    name: Myönnetyt avustukset lajeittain\n", "    name: Myönnetyt avustukset\n", "sama nimi"),
        ("  avustukset: Avustukset\n", "  avustukset: Avustukset/tuet\n", "Excel-välilehden"),
    ],
)
def test_inconsistent_catalogue_is_rejected(tmp_path, old, new, expected):
    assert old in SMALL
    with pytest.raises(ConfigError) as caught:
        load_catalogue(_write(tmp_path, SMALL.replace(old, new, 1)))
    assert expected in str(caught.value)
    assert "indicators.yaml" in str(caught.value)
    assert "{" not in str(caught.value)  # the key and the problem, not the whole file


def test_several_problems_are_listed_together(tmp_path):
    text = SMALL.replace("    topic: avustukset\n", "    topic: tilat\n").replace("    sources: [grants]\n", "    sources: [muu]\n")
    with pytest.raises(ConfigError) as caught:
        load_catalogue(_write(tmp_path, text))
    message = str(caught.value)
    assert "4 virhettä" in message
    assert "kohta indicators.grants_total_eur.topic" in message
    assert "kohta indicators.grants_by_type_eur.sources" in message


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="indicators.yaml"):
        load_catalogue(tmp_path)
