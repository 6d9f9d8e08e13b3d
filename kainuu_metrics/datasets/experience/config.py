"""config/experience.yaml: roles, service areas, register statuses and the plausibility limits of
experience-expert exports, validated with pydantic (a mistake gets a Finnish message naming the
key). The privacy threshold and markers are not here: they are the domain's
(config/domain.yaml, `privacy`), shared by every dataset.

>>> config = ExperienceConfig(
...     roles={"media": {"label": "Media", "aliases": ["haastattelu"]}},
...     service_areas={"Esimerkkipalvelut": ["esim"]},
...     statuses={"aktiivinen": [], "lopettanut": ["poistunut"]},
...     register_id_pattern=r"^KE\\d+$", max_hours_per_assignment=24, plausible_years=[2015, 2035],
... )
>>> config.role_lookup["haastattelu"], config.service_area_labels, config.status_lookup["poistunut"]
('media', {'esimerkkipalvelut': 'Esimerkkipalvelut'}, 'lopettanut')
"""

from __future__ import annotations

import re
from functools import cached_property

from pydantic import Field, field_validator, model_validator

from kainuu_metrics.indicators.table import slug
from kainuu_metrics.settings import ConfigModel, Settings, normalise_key

CONFIG_NAME = "experience.yaml"
# Statuses the cleaning itself interprets (a status conflict is flagged from them).
ACTIVE, QUIT = "aktiivinen", "lopettanut"


class RoleEntry(ConfigModel):
    label: str  # shown in reports
    aliases: list[str] = []


def _lookup(entries: dict[str, list[str] | None], target: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised spelling (the key itself, its target and its aliases) -> the key."""
    lookup: dict[str, str] = {}
    for key, aliases in entries.items():
        for alias in [key, (target or {}).get(key, key), *(aliases or [])]:
            lookup[normalise_key(alias)] = key
    return lookup


class ExperienceConfig(ConfigModel):
    """config/experience.yaml as written, plus the lookups cleaning and reports use."""

    roles: dict[str, RoleEntry] = Field(min_length=1)  # role id (used in indicator categories role_<id>) -> label
    service_areas: dict[str, list[str] | None] = Field(min_length=1)  # canonical label -> spellings
    statuses: dict[str, list[str] | None]  # status id -> spellings
    # Registered organisations (canonical name -> other spellings). An organisation cell must name
    # one of them; any other text is not published (it may name a person): the row is rejected.
    organisations: dict[str, list[str] | None] = {}
    # Source headers of columns holding personal data (phone, e-mail, identity code ...): dropped
    # when the file is read. A header that is the expert's name or register id column is read only
    # to form the pseudonym (as without this list).
    personal_columns: list[str] = []
    fee_waived_yes: list[str] = []
    fee_waived_no: list[str] = []
    register_id_pattern: str  # an expert-column value matching this is a register id, not a name
    max_hours_per_assignment: float = Field(gt=0)
    plausible_years: tuple[int, int]

    @field_validator("roles")
    @classmethod
    def _role_ids(cls, value: dict[str, RoleEntry]) -> dict[str, RoleEntry]:
        bad = [key for key in value if slug(key) != key]
        if bad:
            raise ValueError(f"roolin tunnisteessa saa olla vain pieniä kirjaimia a–z, numeroita ja alaviivoja: {', '.join(bad)}")
        return value

    @field_validator("service_areas")
    @classmethod
    def _distinct_slugs(cls, value: dict[str, list[str] | None]) -> dict[str, list[str] | None]:
        seen: dict[str, str] = {}
        for label in value:
            if slug(label) in seen:
                raise ValueError(f"palvelualueet '{seen[slug(label)]}' ja '{label}' ovat liian samannimiset; nimeä toinen toisin")
            seen[slug(label)] = label
        return value

    @field_validator("statuses")
    @classmethod
    def _known_statuses(cls, value: dict[str, list[str] | None]) -> dict[str, list[str] | None]:
        missing = [status for status in (ACTIVE, QUIT) if status not in value]
        if missing:
            raise ValueError(f"tiloista puuttuu {', '.join(missing)} (ohjelma käyttää näitä tunnisteita); lisää ne avaimiksi")
        return value

    @field_validator("register_id_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"säännöllinen lauseke ei kelpaa ({exc}); kirjoita se yksinkertaisiin lainausmerkkeihin") from None
        return value

    @model_validator(mode="after")
    def _years_ordered(self) -> ExperienceConfig:
        first, last = self.plausible_years
        if last < first:
            raise ValueError(f"plausible_years: viimeinen vuosi {last} on ennen ensimmäistä {first}")
        return self

    @cached_property
    def role_lookup(self) -> dict[str, str]:
        """Normalised spelling -> role id."""
        return _lookup({k: v.aliases for k, v in self.roles.items()}, {k: v.label for k, v in self.roles.items()})

    @cached_property
    def role_labels(self) -> dict[str, str]:
        """Role id -> Finnish label, in configuration order."""
        return {k: v.label for k, v in self.roles.items()}

    @cached_property
    def service_area_lookup(self) -> dict[str, str]:
        """Normalised spelling -> canonical service area label."""
        return _lookup(self.service_areas)

    @cached_property
    def service_area_labels(self) -> dict[str, str]:
        """Slug (used in indicator categories service_area_<slug>) -> label, in configuration order."""
        return {slug(label): label for label in self.service_areas}

    @cached_property
    def organisation_lookup(self) -> dict[str, str]:
        """Normalised spelling -> registered organisation's canonical name."""
        return _lookup(self.organisations)

    @cached_property
    def personal_column_keys(self) -> frozenset[str]:
        return frozenset(normalise_key(h) for h in self.personal_columns)

    @cached_property
    def status_lookup(self) -> dict[str, str]:
        """Normalised spelling -> status id."""
        return _lookup(self.statuses)

    @cached_property
    def fee_waived_yes_keys(self) -> frozenset[str]:
        return frozenset(normalise_key(v) for v in self.fee_waived_yes)

    @cached_property
    def fee_waived_no_keys(self) -> frozenset[str]:
        return frozenset(normalise_key(v) for v in self.fee_waived_no)

    @cached_property
    def register_id_regex(self) -> re.Pattern[str]:
        return re.compile(self.register_id_pattern)


def load_experience_config(settings: Settings) -> ExperienceConfig:
    """The validated config/experience.yaml of these settings (read once)."""
    return settings.file(CONFIG_NAME, ExperienceConfig)
