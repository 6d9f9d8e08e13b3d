"""The price list of the premises (config/premises_prices.yaml): the hourly rate that values
one hour of use as in-kind support, found by the premises' name or one of its aliases.

A rate without `from` applies from the beginning; otherwise from its `from` date (p.k.vvvv or
vvvv-kk-pp) until the next rate of the same premises starts.

>>> spec = PricesFile.model_validate({"premises": [{"name": "Sali", "aliases": ["iso sali"],
...     "rates": [{"from": "1.1.2025", "eur_per_hour": 22}, {"from": "1.1.2024", "eur_per_hour": 20}]}]})
>>> hall = spec.price_list("hinnasto.yaml").find("  ISO sali ")
>>> hall.name, hall.rate_on(dt.date(2024, 5, 1)), hall.rate_on(dt.date(2025, 1, 1)), hall.rate_on(dt.date(2023, 12, 31))
('Sali', 20.0, 22.0, None)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from pydantic import Field, ValidationInfo, field_validator, model_validator

from kainuu_metrics.datasets import parsing
from kainuu_metrics.settings import ConfigModel, Settings, normalise_key

PRICES_FILE = "premises_prices.yaml"


class RateEntry(ConfigModel):
    """One hourly rate and the first day it applies (None: from the beginning)."""

    valid_from: dt.date | None = Field(None, alias="from")
    eur_per_hour: float

    @field_validator("valid_from", mode="before")
    @classmethod
    def _first_day(cls, value: object) -> dt.date | None:
        try:
            return parsing.parse_finnish_date(value)
        except ValueError as exc:
            raise ValueError(f"hinnan alkupäivä ('from'): {exc}") from None

    @field_validator("eur_per_hour", mode="before")
    @classmethod
    def _non_negative_number(cls, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError("tuntihinta ('eur_per_hour') ei ole ei-negatiivinen luku; kirjoita euroina numeroin, esim. 25 tai 25.50")
        return float(value)


class PremisesEntry(ConfigModel):
    """One premises: its name as reports show it, other spellings seen in exports, its rates."""

    name: str = Field("", validate_default=True)
    aliases: tuple[str, ...] = ()
    rates: tuple[RateEntry, ...] = Field((), validate_default=True)  # sorted: the open-start rate first

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise ValueError("tilan nimi ('name') puuttuu; kirjoita tilan nimi")
        return name

    @field_validator("aliases", mode="before")
    @classmethod
    def _alias_texts(cls, value: object) -> object:
        if value is None:
            return ()
        return [str(alias) for alias in value] if isinstance(value, list) else value

    @field_validator("rates", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return () if value is None else value

    @field_validator("rates")
    @classmethod
    def _rates(cls, value: tuple[RateEntry, ...], info: ValidationInfo) -> tuple[RateEntry, ...]:
        name = f" '{info.data['name']}'" if info.data.get("name") else ""
        if not value:
            raise ValueError(f"tilalle{name} ei ole annettu yhtään hintaa ('rates')")
        starts = [rate.valid_from for rate in value]
        if len(set(starts)) != len(starts):
            raise ValueError(f"tilalla{name} on kaksi hintaa samalla alkupäivällä")
        return tuple(sorted(value, key=lambda r: (r.valid_from is not None, r.valid_from or dt.date.min)))

    def rate_on(self, day: dt.date) -> float | None:
        """The hourly rate in force on `day` (the latest rate that started on or before it)."""
        found = None
        for rate in self.rates:
            if rate.valid_from is None or rate.valid_from <= day:
                found = rate.eur_per_hour
        return found

    @property
    def first_day(self) -> dt.date | None:
        return self.rates[0].valid_from if self.rates else None


class PricesFile(ConfigModel):
    """config/premises_prices.yaml as written."""

    premises: tuple[PremisesEntry, ...]

    @model_validator(mode="after")
    def _one_premises_per_spelling(self) -> PricesFile:
        names: set[str] = set()
        lookup: dict[str, str] = {}
        for entry in self.premises:
            if entry.name in names:
                raise ValueError(f"tila '{entry.name}' on luettelossa kahdesti")
            names.add(entry.name)
            for alias in [entry.name, *entry.aliases]:
                key = normalise_key(alias)
                if lookup.get(key, entry.name) != entry.name:
                    raise ValueError(f"kirjoitusasu '{alias}' viittaa sekä tilaan '{lookup[key]}' että tilaan '{entry.name}'")
                lookup[key] = entry.name
        return self

    def price_list(self, shown_path: str) -> PriceList:
        """The list to look premises up in; `shown_path` names the file in messages."""
        lookup = {normalise_key(alias): entry.name for entry in self.premises for alias in [entry.name, *entry.aliases]}
        return PriceList({entry.name: entry for entry in self.premises}, lookup, shown_path)


@dataclass(frozen=True)
class PriceList:
    premises: dict[str, PremisesEntry]  # canonical name -> prices
    lookup: dict[str, str]  # normalised name or alias -> canonical name
    shown_path: str  # the file as users see it in messages, e.g. "config/premises_prices.yaml"

    def find(self, name: str) -> PremisesEntry | None:
        canonical = self.lookup.get(normalise_key(name))
        return None if canonical is None else self.premises[canonical]


def load_price_list(settings: Settings) -> PriceList:
    """The configuration's price list (read and validated once per Settings)."""
    return settings.file(PRICES_FILE, PricesFile).price_list(settings.shown_path(PRICES_FILE))
