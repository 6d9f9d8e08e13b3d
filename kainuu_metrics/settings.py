"""Configuration (the analyst's YAML files in a config folder), validated with pydantic.

Every file is read through `load_config_file`, so every mistake gets the same kind of Finnish
message: the file, the key and how to fix it. Nothing is loaded implicitly: the run loads
`Settings` once at its start and passes it on; notebooks load it from their `config_dir`
parameter.

>>> normalise_key("  Myönnetty   €  ")
'myönnetty €'
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kainuu_metrics.errors import ConfigError

CONFIG_ENV_VAR = "KAINUU_METRICS_CONFIG"
DEFAULT_CONFIG_DIR = Path("config")

M = TypeVar("M", bound=BaseModel)


def normalise_key(text: str) -> str:
    """Lower-case, trimmed, inner whitespace collapsed: how headers and labels are compared."""
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold()


def resolve_config_dir(given: str | Path | None = None) -> Path:
    """--config DIR, else $KAINUU_METRICS_CONFIG, else config/ in the working directory."""
    chosen = given or os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_DIR
    path = Path(chosen).expanduser().resolve()
    if not path.is_dir():
        raise ConfigError(
            f"Asetuskansiota {chosen} ei löydy.\nKorjaus: aja komento projektin kansiossa (jossa on kansio config/), "
            f"anna kansio valitsimella --config KANSIO tai ympäristömuuttujalla {CONFIG_ENV_VAR}."
        )
    return path


class ConfigModel(BaseModel):
    """Base of every configuration model: unknown keys are mistakes, values are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_PYDANTIC_FI = {
    "missing": "kohta puuttuu",
    "extra_forbidden": "tuntematon kohta (kirjoitusvirhe?)",
    "string_type": "pitää olla tekstiä",
    "int_type": "pitää olla kokonaisluku",
    "int_parsing": "pitää olla kokonaisluku",
    "float_type": "pitää olla luku",
    "float_parsing": "pitää olla luku",
    "bool_type": "pitää olla true tai false",
    "bool_parsing": "pitää olla true tai false",
    "date_type": "pitää olla päivämäärä muodossa VVVV-KK-PP",
    "date_from_datetime_parsing": "pitää olla päivämäärä muodossa VVVV-KK-PP",
    "date_parsing": "pitää olla päivämäärä muodossa VVVV-KK-PP",
    "list_type": "pitää olla luettelo ([a, b] tai rivit, jotka alkavat '- ')",
    "dict_type": "pitää olla sisennetty avain: arvo -rakenne",
    "greater_than_equal": "arvo on liian pieni",
    "greater_than": "arvo on liian pieni",
    "less_than_equal": "arvo on liian suuri",
    "too_short": "luettelo on liian lyhyt",
    "literal_error": "arvo ei ole sallittu",
}


def _shown(path: Path) -> str:
    """A config path as users see it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def config_error(path: Path, key: str, problem: str, fix: str = "") -> ConfigError:
    where = f"Asetustiedosto: {_shown(path)}" + (f", kohta {key}" if key else "")
    return ConfigError(f"{where}\nVirhe: {problem}" + (f"\nKorjaus: {fix}" if fix else ""))


def _translate(path: Path, error: ValidationError) -> ConfigError:
    lines = []
    for item in error.errors():
        # list positions from 1, as people count rows
        key = ".".join(str(part + 1) if isinstance(part, int) else str(part) for part in item["loc"]) or "(koko tiedosto)"
        text = _PYDANTIC_FI.get(item["type"])
        if item["type"] in {"value_error", "assertion_error"}:
            text = str(item.get("ctx", {}).get("error", item["msg"]))
        lines.append(f"  kohta {key}: {text or item['msg']}" + (f" (nyt: {item['input']!r})" if item["type"] != "missing" else ""))
    return ConfigError(
        f"Asetustiedosto: {_shown(path)}\nVirhe:\n" + "\n".join(lines)
        + "\nKorjaus: muuta mainitut kohdat; vertaa tiedoston kommentteihin ja README:n ohjeisiin."
    )


# libyaml's parser when PyYAML was built with it (the wheels are): the same safe loading, about
# ten times faster than the pure-Python one, and every notebook reads the configuration.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
    except FileNotFoundError:
        raise config_error(path, "", "tiedosto puuttuu", "Kopioi tiedosto esimerkkiasetuksista (config/) ja muokkaa sitä.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise config_error(path, "", f"tiedostoa ei voitu lukea YAML-muodossa: {exc}", "Tarkista sisennykset ja lainausmerkit.") from None


def load_config_file(config_dir: Path, name: str, model: type[M]) -> M:
    """config_dir/name validated by `model`; a ConfigError in Finnish for any mistake."""
    path = config_dir / name
    raw = read_yaml(path)
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as error:
        raise _translate(path, error) from None


# --- the domain: region, municipalities, council terms, vocabularies -------------------------


class MunicipalityEntry(ConfigModel):
    name: str
    aliases: list[str] = []


class GrantTypeEntry(ConfigModel):
    label: str
    aliases: list[str] = []


class TermEntry(ConfigModel):
    id: str
    start: dt.date
    end: dt.date
    label: str

    @model_validator(mode="after")
    def _ordered(self) -> TermEntry:
        if self.end < self.start:
            raise ValueError(f"kauden {self.id} loppu {self.end} on ennen alkua {self.start}")
        return self


class RegionEntry(ConfigModel):
    code: str = Field(pattern=r"^[A-Z]{2}\d{1,3}$")
    name: str
    genitive: str  # the region name in the genitive, used in sentences such as "<genitive> kunnat"


class SiteEntry(ConfigModel):
    name: str  # shown in every page's header and title
    body: str = ""  # the body the reports are for, e.g. "Aluehallitus"
    contact: str = ""


class PrivacyEntry(ConfigModel):
    threshold: int = Field(5, ge=2)  # person counts 1..threshold-1 are not published
    primary_marker: str = "<5"
    complementary_marker: str = "x"


class OutOfScopeEntry(ConfigModel):
    """A kind of organisation the cooperation plan does not cover (out_of_scope_organisations):
    its grant and premises rows are kept out of the NGO figures and counted as out of scope.

    >>> brigade = OutOfScopeEntry(kind="sopimuspalokunta", label="Sopimuspalokunnat (VPK)", patterns=("vpk", "vapaaehtoinen palokunta"))
    >>> brigade.matched("Jokikylän VPK ry"), brigade.matched("Järvikylän Vapaaehtoinen  Palokunta ry")
    ('vpk', 'vapaaehtoinen palokunta')
    >>> brigade.matched("Jokikylän Palokuntanaiset ry") is None, brigade.matched("Hvpk ry") is None
    (True, True)
    """

    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")  # stable id, e.g. "sopimuspalokunta"
    label: str = Field(min_length=1)  # Finnish, plural, as pages name the group
    patterns: tuple[str, ...] = Field(min_length=1)  # whole words or phrases of the organisation's name

    @field_validator("patterns")
    @classmethod
    def _no_blank_pattern(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not normalise_key(p) for p in value):
            raise ValueError("tyhjä tunnistesana ('patterns'); kirjoita nimessä esiintyvä sana, esim. vpk")
        return tuple(normalise_key(p) for p in value)

    def matched(self, name: object) -> str | None:
        """The first pattern found in `name` as a whole word (case-insensitive), or None."""
        text = normalise_key(str(name))
        return next((p for p in self.patterns if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)), None)


class DomainFile(ConfigModel):
    """config/domain.yaml as written."""

    region: RegionEntry
    site: SiteEntry
    privacy: PrivacyEntry = PrivacyEntry()
    municipalities: dict[str, MunicipalityEntry]
    other_area_names: list[str] = []
    council_terms: list[TermEntry] = Field(min_length=1)
    partnership_networks: dict[str, list[str] | None] = {}
    grant_types: dict[str, GrantTypeEntry]
    linked_funding: dict[str, list[str] | None] = {}
    decisions: dict[str, list[str] | None]
    out_of_scope_organisations: tuple[OutOfScopeEntry, ...] = ()

    @field_validator("out_of_scope_organisations")
    @classmethod
    def _unique_kinds(cls, value: tuple[OutOfScopeEntry, ...]) -> tuple[OutOfScopeEntry, ...]:
        kinds = [entry.kind for entry in value]
        if len(set(kinds)) != len(kinds):
            raise ValueError("sama toimijatyyppi ('kind') on luettelossa kahdesti")
        return value

    @field_validator("municipalities")
    @classmethod
    def _codes(cls, value: dict[str, MunicipalityEntry]) -> dict[str, MunicipalityEntry]:
        bad = [code for code in value if not (code.isdigit() and len(code) == 3)]
        if bad:
            raise ValueError(f"kuntakoodin pitää olla kolme numeroa lainausmerkeissä (esim. \"999\"): {', '.join(bad)}")
        return value


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
    region_genitive: str = ""
    site_name: str = ""
    site_body: str = ""
    site_contact: str = ""
    other_area_names: frozenset[str] = frozenset()  # normalised
    privacy: PrivacyEntry = field(default_factory=PrivacyEntry)
    out_of_scope_organisations: tuple[OutOfScopeEntry, ...] = ()  # kinds the cooperation plan does not cover

    def out_of_scope(self, organisation: object) -> tuple[OutOfScopeEntry, str] | None:
        """(kind, matched word) when the organisation's name marks it as out of scope."""
        if organisation is None:
            return None
        for entry in self.out_of_scope_organisations:
            if (word := entry.matched(organisation)) is not None:
                return entry, word
        return None

    @property
    def area_codes(self) -> list[str]:
        """StatFin-style area codes: the region first, then municipalities."""
        return [self.region_code] + [f"KU{code}" for code in self.municipalities]

    @property
    def municipality_names(self) -> str:
        """The municipalities' names, comma-separated, for messages that list the valid ones."""
        return ", ".join(self.municipalities.values())

    def area_name(self, area_code: str) -> str:
        if area_code == self.region_code:
            return self.region_name
        return self.municipalities.get(area_code.removeprefix("KU"), area_code)


def _alias_lookup(entries: dict[str, list[str] | None]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for canonical, aliases in entries.items():
        for alias in [canonical, *(aliases or [])]:
            lookup[normalise_key(alias)] = canonical
    return lookup


def domain_from_file(raw: DomainFile) -> Domain:
    lookup: dict[str, str] = {}
    for code, spec in raw.municipalities.items():
        for alias in [spec.name, *spec.aliases]:
            lookup[normalise_key(alias)] = code
    return Domain(
        region_code=raw.region.code,
        region_name=raw.region.name,
        region_genitive=raw.region.genitive,
        municipalities={code: spec.name for code, spec in raw.municipalities.items()},
        municipality_lookup=lookup,
        council_terms=tuple(CouncilTerm(t.id, t.start, t.end, t.label) for t in raw.council_terms),
        networks=_alias_lookup(raw.partnership_networks),
        grant_types=_alias_lookup({k: [v.label, *v.aliases] for k, v in raw.grant_types.items()}),
        grant_type_labels={k: v.label for k, v in raw.grant_types.items()},
        linked_funding=_alias_lookup(raw.linked_funding),
        decisions=_alias_lookup(raw.decisions),
        site_name=raw.site.name,
        site_body=raw.site.body,
        site_contact=raw.site.contact,
        other_area_names=frozenset(normalise_key(n) for n in raw.other_area_names),
        privacy=raw.privacy,
        out_of_scope_organisations=raw.out_of_scope_organisations,
    )


def load_domain(config_dir: Path) -> Domain:
    return domain_from_file(load_config_file(config_dir, "domain.yaml", DomainFile))


# --- column mappings ---------------------------------------------------------------------------


class ColumnsFile(ConfigModel):
    """config/columns/<dataset>.yaml: canonical column -> the header spellings seen in exports."""

    required: list[str] = []
    columns: dict[str, list[str] | None]
    ignore: list[str] = []
    # True when the export legitimately lists the same row more than once (identical rows are
    # then all counted); False: an identical row is a probable duplicate, counted once.
    repeats_rows: bool = False

    @model_validator(mode="after")
    def _required_known(self) -> ColumnsFile:
        unknown = [c for c in self.required if c not in self.columns]
        if unknown:
            raise ValueError(f"kohdassa required on sarakkeita, joita ei ole kohdassa columns: {', '.join(unknown)}")
        return self


@dataclass(frozen=True)
class ColumnMapping:
    """How one dataset's source headers map to canonical column names."""

    dataset: str
    required: tuple[str, ...]
    lookup: dict[str, str]  # normalised source header -> canonical column
    ignored: frozenset[str]
    labels: dict[str, str]  # canonical column -> its first listed spelling, for messages
    config_file: str  # as users see it, for messages ("config/columns/grants.yaml")
    repeats_rows: bool = False  # identical rows are separate entries (ColumnsFile.repeats_rows)

    def canonical(self, header: str) -> str | None:
        return self.lookup.get(normalise_key(header))

    def is_ignored(self, header: str) -> bool:
        return normalise_key(header) in self.ignored


def load_column_mapping(config_dir: Path, dataset: str) -> ColumnMapping:
    """The mapping in <config>/columns/<dataset>.yaml (keys: required, columns, ignore)."""
    name = f"columns/{dataset}.yaml"
    spec = load_config_file(config_dir, name, ColumnsFile)
    return ColumnMapping(
        dataset=dataset,
        required=tuple(spec.required),
        lookup=_alias_lookup(spec.columns),
        ignored=frozenset(normalise_key(h) for h in spec.ignore),
        labels={column: (aliases or [column])[0] for column, aliases in spec.columns.items()},
        config_file=_shown(config_dir / name),
        repeats_rows=spec.repeats_rows,
    )


# --- everything, loaded once per run ------------------------------------------------------------


@dataclass
class Settings:
    """The configuration folder, read once: the domain plus every other file on first use."""

    config_dir: Path
    domain: Domain
    _files: dict[tuple[str, type], Any] = field(default_factory=dict, repr=False)

    def file(self, name: str, model: type[M]) -> M:
        """A further configuration file validated by its model (read once)."""
        key = (name, model)
        if key not in self._files:
            self._files[key] = load_config_file(self.config_dir, name, model)
        return self._files[key]

    def columns(self, dataset: str) -> ColumnMapping:
        key = (f"columns/{dataset}.yaml", ColumnMapping)
        if key not in self._files:
            self._files[key] = load_column_mapping(self.config_dir, dataset)
        return self._files[key]

    def shown_path(self, name: str) -> str:
        """A file of this configuration as users see it in messages (never the machine's full
        path: outside the working directory, e.g. from JupyterLab's notebooks/, config/<name>)."""
        shown = _shown(self.config_dir / name)
        return f"{self.config_dir.name}/{name}" if Path(shown).is_absolute() else shown


def load_settings(config_dir: str | Path | None = None) -> Settings:
    directory = resolve_config_dir(config_dir)
    return Settings(directory, load_domain(directory))
