"""Configuration files (YAML under config/), loaded into typed lookups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kainuu_metrics.errors import ConfigError
from kainuu_metrics.paths import CONFIG_DIR


def load_yaml(name: str, config_dir: Path = CONFIG_DIR) -> dict[str, Any]:
    path = config_dir / name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Asetustiedostoa {path} ei voitu lukea: {exc}") from exc


def normalise_key(text: str) -> str:
    """Lower-case, trimmed, inner whitespace collapsed: how headers and labels are compared."""
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


@dataclass(frozen=True)
class CouncilTerm:
    id: str
    start: dt.date
    end: dt.date
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Domain:
    region_code: str
    region_name: str
    municipalities: dict[str, str]  # code -> name
    municipality_lookup: dict[str, str]  # normalised name/alias/code -> code
    council_terms: tuple[CouncilTerm, ...]
    networks: dict[str, str]  # normalised alias -> canonical name
    grant_types: dict[str, str]  # normalised alias -> canonical id
    grant_type_labels: dict[str, str]  # canonical id -> Finnish label
    linked_funding: dict[str, str]
    decisions: dict[str, str]

    @property
    def area_codes(self) -> list[str]:
        """StatFin-style area codes: the region first, then municipalities."""
        return [self.region_code] + [f"KU{code}" for code in self.municipalities]

    def area_name(self, area_code: str) -> str:
        if area_code == self.region_code:
            return self.region_name
        return self.municipalities.get(area_code.removeprefix("KU"), area_code)


def _alias_lookup(entries: dict[str, list[str]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for canonical, aliases in entries.items():
        for alias in [canonical, *(aliases or [])]:
            lookup[normalise_key(alias)] = canonical
    return lookup


@cache
def load_domain(config_dir: Path = CONFIG_DIR) -> Domain:
    raw = load_yaml("domain.yaml", config_dir)
    municipalities = {str(code): spec["name"] for code, spec in raw["municipalities"].items()}
    municipality_lookup: dict[str, str] = {}
    for code, spec in raw["municipalities"].items():
        for alias in [spec["name"], *spec.get("aliases", [])]:
            municipality_lookup[normalise_key(alias)] = str(code)
    grant_types = {k: [v["label"], *v["aliases"]] for k, v in raw["grant_types"].items()}
    return Domain(
        region_code=raw["region"]["code"],
        region_name=raw["region"]["name"],
        municipalities=municipalities,
        municipality_lookup=municipality_lookup,
        council_terms=tuple(
            CouncilTerm(t["id"], t["start"], t["end"], t["label"]) for t in raw["council_terms"]
        ),
        networks=_alias_lookup(raw["partnership_networks"]),
        grant_types=_alias_lookup(grant_types),
        grant_type_labels={k: v["label"] for k, v in raw["grant_types"].items()},
        linked_funding=_alias_lookup(raw["linked_funding"]),
        decisions=_alias_lookup(raw["decisions"]),
    )


@dataclass(frozen=True)
class ColumnMapping:
    """How one dataset's source headers map to canonical column names."""

    dataset: str
    required: tuple[str, ...]
    lookup: dict[str, str]  # normalised source header -> canonical column
    ignored: frozenset[str]
    labels: dict[str, str]  # canonical column -> its first listed spelling, for messages
    config_file: Path

    def canonical(self, header: str) -> str | None:
        return self.lookup.get(normalise_key(header))

    def is_ignored(self, header: str) -> bool:
        return normalise_key(header) in self.ignored


@cache
def load_column_mapping(dataset: str, config_dir: Path = CONFIG_DIR) -> ColumnMapping:
    """The mapping in config/columns/<dataset>.yaml (keys: required, columns, ignore)."""
    name = f"columns/{dataset}.yaml"
    if not (config_dir / name).exists():
        raise ConfigError(f"Sarakemäärittely puuttuu: {config_dir / name}")
    spec = load_yaml(name, config_dir)
    return ColumnMapping(
        dataset=dataset,
        required=tuple(spec.get("required", [])),
        lookup=_alias_lookup(spec["columns"]),
        ignored=frozenset(normalise_key(h) for h in spec.get("ignore", [])),
        labels={column: (aliases or [column])[0] for column, aliases in spec["columns"].items()},
        config_file=config_dir / name,
    )
