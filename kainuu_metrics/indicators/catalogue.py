"""The indicator catalogue: config/indicators.yaml, one card per indicator id (name, unit,
decimals, topic, sources, method), validated with pydantic.

Pages, the summary, the Excel output and the methods page take an indicator's name and method
from here, never from code. A card is looked up by the id of the tidy table's `indicator`
column; an id without a card is a configuration mistake with a Finnish message.

>>> spec = CatalogueFile.model_validate({
...     "topics": {"avustukset": "Avustukset"},
...     "sources": {"grants": "Avustuspäätökset"},
...     "indicators": {"grants_total_eur": {
...         "name": "Myönnetyt avustukset", "description": "Summa.", "unit": "eur", "unit_label": "€",
...         "decimals": 0, "topic": "avustukset", "sources": ["grants"], "method": "Summien summa."}},
... })
>>> catalogue = Catalogue(spec, Path("config") / CATALOGUE_FILE)
>>> catalogue.column_label("grants_total_eur"), catalogue.missing(["grants_total_eur", "x", "x"])
('Myönnetyt avustukset (€)', ['x'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from kainuu_metrics.settings import ConfigModel, Settings, config_error, load_config_file

CATALOGUE_FILE = "indicators.yaml"
# The unit ids of the tidy table's `unit` column (formatting depends on them).
KNOWN_UNITS = (
    "eur", "eur_per_inhabitant", "persons", "count", "ratio", "months", "hours",
    "index_0_100", "stage_mean", "per_10000_inhabitants",
)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
SHEET_NAME_MAX = 31  # Excel's limit for a sheet name
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
CARD_KEYS = "name, description, unit, unit_label, decimals, topic, sources, method"


def _sheet_name(label: str) -> str:
    """A topic heading is also an Excel sheet name."""
    if not label.strip() or len(label) > SHEET_NAME_MAX or SHEET_NAME_FORBIDDEN & set(label):
        raise ValueError(
            f"aiheen otsikko on myös Excel-välilehden nimi: 1–{SHEET_NAME_MAX} merkkiä "
            f"eikä merkkejä {' '.join(sorted(SHEET_NAME_FORBIDDEN))}"
        )
    return label


SheetName = Annotated[str, AfterValidator(_sheet_name)]


class Card(ConfigModel):
    """One indicator's card."""

    name: str = Field(min_length=1)  # Finnish, short: a table header or a card title
    description: str = Field(min_length=1)
    unit: str  # one of KNOWN_UNITS
    unit_label: str = Field(min_length=1)  # "€", "€/asukas", "%", ...
    decimals: int = Field(ge=0, le=4)  # for a ratio: decimals of the percentage
    topic: str
    sources: list[str] = Field(min_length=1)  # dataset names
    method: str = Field(min_length=1)  # one Finnish sentence
    categories: str = ""  # what the category column holds, when the indicator has a breakdown

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        if value not in KNOWN_UNITS:
            raise ValueError(f"tuntematon yksikkö '{value}'; sallitut: {', '.join(KNOWN_UNITS)}")
        return value


class CatalogueFile(ConfigModel):
    """config/indicators.yaml as written."""

    topics: dict[str, SheetName] = Field(min_length=1)  # topic id -> Finnish heading
    sources: dict[str, str] = Field(min_length=1)  # dataset name -> Finnish label
    indicators: dict[str, Card]


def catalogue_problems(spec: CatalogueFile) -> list[tuple[str, str]]:
    """(key, Finnish problem) for every card that does not fit the rest of the file."""
    problems = []
    names: dict[str, str] = {}
    for indicator_id, card in spec.indicators.items():
        key = f"indicators.{indicator_id}"
        if not ID_PATTERN.fullmatch(indicator_id):
            problems.append((key, "tunnus ei kelpaa: vain pieniä kirjaimia a–z, numeroita ja alaviivoja "
                                  "(luokka kuuluu taulukon category-sarakkeeseen, ei tunnukseen)"))
        if card.topic not in spec.topics:
            problems.append((f"{key}.topic", f"aihetta '{card.topic}' ei ole kohdassa topics"))
        unknown = [s for s in card.sources if s not in spec.sources]
        if unknown:
            problems.append((f"{key}.sources", f"lähteitä {', '.join(unknown)} ei ole kohdassa sources"))
        if card.name in names:
            problems.append((f"{key}.name", f"sama nimi '{card.name}' on jo tunnusluvulla {names[card.name]}"))
        names.setdefault(card.name, indicator_id)
    return problems


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue and the file it came from (for messages)."""

    spec: CatalogueFile
    path: Path

    def __post_init__(self) -> None:
        problems = catalogue_problems(self.spec)
        fix = "Korjaa mainitut kohdat; vertaa tiedoston alun kommentteihin."
        if len(problems) == 1:
            raise config_error(self.path, *problems[0], fix)
        if problems:
            lines = "\n".join(f"  kohta {key}: {problem}" for key, problem in problems)
            raise config_error(self.path, "", f"tunnuslukuluettelossa on {len(problems)} virhettä:\n{lines}", fix)

    @property
    def ids(self) -> list[str]:
        """Every indicator id, in the file's order."""
        return list(self.spec.indicators)

    def card(self, indicator_id: str) -> Card:
        """The card of `indicator_id`; a ConfigError naming the file and the id when it has none."""
        try:
            return self.spec.indicators[indicator_id]
        except KeyError:
            raise config_error(
                self.path,
                f"indicators.{indicator_id}",
                f"tunnusluvulla '{indicator_id}' ei ole korttia tunnuslukuluettelossa",
                f"Lisää tiedoston kohtaan indicators kortti '{indicator_id}' ({CARD_KEYS}); "
                "katso mallia muista korteista.",
            ) from None

    def name(self, indicator_id: str) -> str:
        return self.card(indicator_id).name

    def names(self) -> dict[str, str]:
        """Indicator id -> Finnish name, for pages that title figures by their cards."""
        return {i: c.name for i, c in self.spec.indicators.items()}

    def column_label(self, indicator_id: str) -> str:
        """A table header: 'Myönnetyt avustukset (€)'."""
        card = self.card(indicator_id)
        return f"{card.name} ({card.unit_label})"

    def missing(self, ids: Iterable[str]) -> list[str]:
        """The ids without a card, each once, in the order first seen."""
        return [i for i in dict.fromkeys(ids) if i not in self.spec.indicators]

    def require(self, ids: Iterable[str]) -> None:
        """Raise one ConfigError listing every id without a card (e.g. before writing pages)."""
        absent = self.missing(ids)
        if absent:
            raise config_error(
                self.path,
                "indicators",
                f"tunnusluvuilta puuttuu kortti: {', '.join(absent)}",
                f"Lisää jokaiselle kortti tiedoston kohtaan indicators ({CARD_KEYS}).",
            )

    def topic_label(self, topic: str) -> str:
        return self.spec.topics.get(topic, topic)

    def source_label(self, source: str) -> str:
        return self.spec.sources.get(source, source)

    def by_topic(self) -> list[tuple[str, list[str]]]:
        """(topic id, indicator ids) in the order of `topics`, ids in file order; empty topics left out."""
        grouped = [(topic, [i for i, c in self.spec.indicators.items() if c.topic == topic]) for topic in self.spec.topics]
        return [(topic, ids) for topic, ids in grouped if ids]


def load_catalogue(settings_or_config_dir: Settings | Path | str) -> Catalogue:
    """config/indicators.yaml of a Settings (read once through it) or of a config folder."""
    if isinstance(settings_or_config_dir, Settings):
        settings = settings_or_config_dir
        return Catalogue(settings.file(CATALOGUE_FILE, CatalogueFile), settings.config_dir / CATALOGUE_FILE)
    config_dir = Path(settings_or_config_dir)
    return Catalogue(load_config_file(config_dir, CATALOGUE_FILE, CatalogueFile), config_dir / CATALOGUE_FILE)

