"""config/tuokio.yaml as a validated model: the form template, the maturity scale, the criteria,
the actor types, the goal statuses and the reporting rules.

Read once per run with `load_tuokio_config(settings)`; a mistake gives the usual Finnish
message naming the file, the key and the fix.

>>> config = TuokioConfig.model_validate(EXAMPLE)
>>> config.stage_labels, config.rating_choices[-1], config.actor_lookup["yhdistys"]
(['1 – Alku', '2 – Keski', '3 – Loppu'], 'ei arvioitu', 'ngo')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import Field, field_validator, model_validator

from kainuu_metrics.settings import ConfigModel, Settings, normalise_key

DATASET = "tuokio"
CONFIG_FILE = "tuokio.yaml"
TEMPLATE_COMMAND = "kainuu-metrics template tuokio LOMAKE.xlsx"

RATED, NOT_ASSESSED, NO_ANSWER = "arvioitu", "ei arvioitu", "ei vastausta"
INDEX_UNITS = {"0-100": "index_0_100", "stage": "stage_mean"}

# A neutral configuration for examples and doctests.
EXAMPLE: dict[str, Any] = {
    "template": {"id": "esimerkki", "version": 1},
    "scale": {"stages": [{"name": "Alku"}, {"name": "Keski"}, {"name": "Loppu"}]},
    "criteria": [{"id": "c1", "name": "Yksi"}],
    "actor_types": {"ngo": {"label": "Järjestö", "aliases": ["yhdistys"]}, "muu": {"label": "Muu"}},
    "goal_statuses": ["Suunniteltu"],
}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


@dataclass(frozen=True)
class Stage:
    number: int  # 1..N, the position in the configured scale
    name: str
    description: str
    label: str  # as shown in the drop-down, e.g. "1 – Alkuvaihe"


class TemplateEntry(ConfigModel):
    id: str
    version: int
    readable_versions: tuple[int, ...] = ()  # empty: only `version`
    goal_rows: int = Field(12, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _default_readable(cls, data: object) -> object:
        if isinstance(data, dict) and "version" in data and not data.get("readable_versions"):
            return {**data, "readable_versions": [data["version"]]}
        return data


class StageEntry(ConfigModel):
    name: str
    description: str = ""

    _clean = field_validator("name", "description")(_one_line)


class ScaleEntry(ConfigModel):
    label_format: str = "{number} – {name}"
    not_assessed: tuple[str, ...] = Field(("ei arvioitu",), min_length=1)  # the first goes into the drop-down
    note_fi: str = ""
    stages: tuple[StageEntry, ...]

    _clean = field_validator("note_fi")(_one_line)

    @field_validator("stages")
    @classmethod
    def _at_least_two(cls, value: tuple[StageEntry, ...]) -> tuple[StageEntry, ...]:
        if len(value) < 2:
            raise ValueError("asteikossa (scale.stages) pitää olla vähintään kaksi vaihetta")
        return value

    @field_validator("label_format")
    @classmethod
    def _formats(cls, value: str) -> str:
        try:
            value.format(number=1, name="x")
        except (KeyError, IndexError, ValueError):
            raise ValueError("muotoilussa saa käyttää vain kohtia {number} ja {name}") from None
        return value


class CriterionEntry(ConfigModel):
    id: str  # used in data and in indicator ids (tuokio_<id>)
    name: str
    description: str = ""

    _clean = field_validator("name", "description")(_one_line)

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]+", value):
            raise ValueError("kriteerin tunnisteessa (id) saa olla vain pieniä kirjaimia a–z, numeroita ja alaviivoja")
        return value


class ActorTypeEntry(ConfigModel):
    label: str
    aliases: tuple[str, ...] = ()

    @field_validator("aliases", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return () if value is None else value


class ReportingEntry(ConfigModel):
    min_group_size: int = Field(3, ge=1)
    index_published: str = "0-100"  # a key of INDEX_UNITS
    divergence_threshold: float = 1.0
    publish_participant_texts: bool = False

    @field_validator("index_published")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        if value not in INDEX_UNITS:
            raise ValueError(f"reporting.index_published on '{value}'; sallitut arvot: {', '.join(INDEX_UNITS)}")
        return value


class TuokioConfig(ConfigModel):
    """config/tuokio.yaml. The properties give the values the reader, the form and the report use."""

    template: TemplateEntry
    scale: ScaleEntry
    criteria: tuple[CriterionEntry, ...]
    actor_types: dict[str, ActorTypeEntry]  # id -> label and other spellings, in config order
    goal_statuses: tuple[str, ...]
    reporting: ReportingEntry = ReportingEntry()

    @field_validator("criteria")
    @classmethod
    def _unique_criteria(cls, value: tuple[CriterionEntry, ...]) -> tuple[CriterionEntry, ...]:
        ids = [c.id for c in value]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError("kriteerien (criteria) tunnisteiden pitää olla yksilöllisiä, ja kriteerejä pitää olla ainakin yksi")
        return value

    # --- the template ---
    @property
    def template_id(self) -> str:
        return self.template.id

    @property
    def template_version(self) -> int:
        return self.template.version

    @property
    def readable_versions(self) -> tuple[int, ...]:
        return self.template.readable_versions

    @property
    def goal_rows(self) -> int:
        return self.template.goal_rows

    # --- the scale ---
    @cached_property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(
            Stage(number, s.name, s.description, self.scale.label_format.format(number=number, name=s.name))
            for number, s in enumerate(self.scale.stages, start=1)
        )

    @property
    def n_stages(self) -> int:
        return len(self.scale.stages)

    @property
    def stage_labels(self) -> list[str]:
        return [s.label for s in self.stages]

    @property
    def not_assessed(self) -> tuple[str, ...]:
        return self.scale.not_assessed

    @property
    def scale_note(self) -> str:
        return self.scale.note_fi

    @property
    def rating_choices(self) -> list[str]:
        """The drop-down of a rating cell: every stage label, then "ei arvioitu"."""
        return [*self.stage_labels, self.not_assessed[0]]

    def stage(self, number: int) -> Stage:
        return self.stages[number - 1]

    # --- criteria and actor types ---
    @property
    def criterion_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.criteria}

    @property
    def actor_labels(self) -> dict[str, str]:
        """Actor type id -> label, in config order."""
        return {actor: spec.label for actor, spec in self.actor_types.items()}

    @cached_property
    def actor_lookup(self) -> dict[str, str]:
        """Normalised spelling (id, label or alias) -> actor type id."""
        return {normalise_key(alias): actor for actor, spec in self.actor_types.items() for alias in [actor, spec.label, *spec.aliases]}

    # --- reporting ---
    @property
    def min_group_size(self) -> int:
        return self.reporting.min_group_size

    @property
    def index_published(self) -> str:
        return self.reporting.index_published

    @property
    def divergence_threshold(self) -> float:
        return self.reporting.divergence_threshold

    @property
    def publish_participant_texts(self) -> bool:
        return self.reporting.publish_participant_texts


def load_tuokio_config(settings: Settings) -> TuokioConfig:
    """The Yhteistyö-Tuokio configuration of this run (raises ConfigError in Finnish)."""
    return settings.file(CONFIG_FILE, TuokioConfig)
