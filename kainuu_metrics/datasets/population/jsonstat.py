"""JSON documents of the StatFin API as one cube: JSON-stat2, JSON-stat 1 and PxWeb's own "json".

Variable codes are read from the document, never hard-coded: both the old codes (Alue, Vuosi,
Tiedot) and the dated ones (alue_23_20260101, timeperiod_y, contentscode). The area dimension
is the one whose categories look like StatFin area codes, the year dimension the one of years;
any other dimension is held at its population-31.12. content or its total category."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from numbers import Number

from kainuu_metrics.datasets.population.areas import (
    STATFIN_AREA_CODE,
    YEAR_CELL,
    is_population_label,
    parse_area,
    parse_year,
)
from kainuu_metrics.datasets.population.grids import CONTENT_HEADERS
from kainuu_metrics.datasets.population.values import NoTable, Unit, ValueLedger
from kainuu_metrics.settings import Domain, normalise_key

_TOTAL_LABELS = {"yhteensä", "kaikki", "total", "totalt", "sukupuolet yhteensä", "kaikki ikäryhmät"}


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    codes: tuple[str, ...]
    labels: dict[str, str]


@dataclass(frozen=True)
class Cube:
    """A JSON document as dimensions plus values in row-major order (last dimension fastest)."""

    dimensions: tuple[Dimension, ...]
    values: tuple[object, ...]
    time_ids: tuple[str, ...] = ()
    metric_ids: tuple[str, ...] = ()
    # Source row of each position when it is not position + 1 (PxWeb "json"); None: not in the file.
    source_rows: tuple[int | None, ...] | None = None


def _category_codes(category: dict) -> tuple[str, ...]:
    index = category.get("index")
    if isinstance(index, list):
        return tuple(str(c) for c in index)
    if isinstance(index, dict):
        return tuple(str(c) for c, _ in sorted(index.items(), key=lambda item: item[1]))
    return tuple(str(c) for c in (category.get("label") or {}))


# Table 11ra for every Finnish area (about 1 100) over 50 years with a few contents is well under
# this; a document whose dimension sizes multiply to more is refused before anything is allocated.
MAX_CELLS = 2_000_000


class ShapeError(ValueError):
    """A JSON document whose structure is broken (sizes, value count, positions); Finnish text."""


def checked_sizes(ids: object, sizes: object) -> tuple[list[str], list[int], int]:
    """(dimension ids, sizes, product) of a JSON-stat document, checked before any allocation.

    >>> checked_sizes(["Alue", "Vuosi"], [9, 3])
    (['Alue', 'Vuosi'], [9, 3], 27)
    >>> checked_sizes(["a", "b", "c"], [50000, 50000, 50000])
    Traceback (most recent call last):
    ...
    kainuu_metrics.datasets.population.jsonstat.ShapeError: ulottuvuuksien koot (50 000 × 50 000 × 50 000) tarkoittavat 125 000 000 000 000 arvoa; väestötaulukossa voi olla enintään 2 000 000
    """
    if not isinstance(ids, list) or not isinstance(sizes, list):
        raise ShapeError("ulottuvuuksien tunnukset ('id') ja koot ('size') eivät ole luetteloita")
    if len(ids) != len(sizes):
        raise ShapeError(f"ulottuvuuksia on {len(ids)} ('id'), mutta kokoja {len(sizes)} ('size')")
    if not ids:
        raise ShapeError("ulottuvuudet puuttuvat ('id' on tyhjä)")
    checked: list[int] = []
    for dim_id, size in zip(ids, sizes, strict=True):
        if isinstance(size, bool) or not isinstance(size, int | float) or isinstance(size, float) and not size.is_integer():
            raise ShapeError(f"ulottuvuuden '{dim_id}' koko {json.dumps(size, ensure_ascii=False)[:40]} ei ole kokonaisluku")
        if size < 1:
            raise ShapeError(f"ulottuvuuden '{dim_id}' koko {int(size)} ei ole positiivinen")
        checked.append(int(size))
    total = math.prod(checked)
    if total > MAX_CELLS:
        shown = " × ".join(_thousands(s) for s in checked)
        raise ShapeError(f"ulottuvuuksien koot ({shown}) tarkoittavat {_thousands(total)} arvoa; väestötaulukossa voi olla enintään {_thousands(MAX_CELLS)}")
    return [str(i) for i in ids], checked, total


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _jsonstat_cube(dataset: dict, ids: object, sizes: object, role: dict | None) -> Cube:
    ids, sizes, total = checked_sizes(ids, sizes)
    if not isinstance(dataset.get("dimension"), dict):
        raise ShapeError("ulottuvuuksien kuvaukset ('dimension') puuttuvat")
    dimensions = []
    for dim_id, size in zip(ids, sizes, strict=True):
        spec = dataset["dimension"].get(dim_id)
        if not isinstance(spec, dict):
            raise ShapeError(f"ulottuvuuden '{dim_id}' kuvaus puuttuu kohdasta 'dimension'")
        category = spec.get("category") or {}
        if not isinstance(category, dict):
            raise ShapeError(f"ulottuvuuden '{dim_id}' luokat ('category') eivät ole kelvolliset")
        codes = _category_codes(category)
        if len(codes) != size:
            raise ShapeError(f"ulottuvuuden '{dim_id}' luokkia on {len(codes)}, kooksi on ilmoitettu {size}")
        labels = {str(k): str(v) for k, v in (category.get("label") or {}).items()}
        dimensions.append(Dimension(str(dim_id), str(spec.get("label") or dim_id), codes, labels))
    raw_values = dataset.get("value")
    if isinstance(raw_values, dict):  # sparse form: {"position": value}
        values: list[object] = [None] * total
        for key, value in raw_values.items():
            if not (isinstance(key, str) and key.isdigit() and int(key) < total):
                raise ShapeError(f"arvon sijainti '{str(key)[:20]}' ei ole kokonaisluku väliltä 0–{total - 1}")
            values[int(key)] = value
    elif isinstance(raw_values, list):
        values = list(raw_values)
    else:
        raise ShapeError("arvot ('value') puuttuvat")
    if len(values) != total:
        raise ShapeError(f"arvoja on {len(values)}, ulottuvuuksien kokojen tulon mukaan pitäisi olla {total}")
    role = role if isinstance(role, dict) else {}
    return Cube(tuple(dimensions), tuple(values), tuple(role.get("time") or ()), tuple(role.get("metric") or ()))


def _pxweb_json_cube(doc: dict) -> Cube:
    """PxWeb's own 'json' response: columns (d, t, c) and data rows of keys and values."""
    columns = doc["columns"]
    key_columns = [c for c in columns if c.get("type") in {"d", "t"}]
    content_columns = [c for c in columns if c.get("type") == "c"]
    if not key_columns or not content_columns:
        raise ValueError("sarakkeiden tyypit (d, t, c) puuttuvat")
    # Rebuild a cube of the codes in order of appearance; missing combinations stay empty.
    if not isinstance(doc["data"], list):
        raise ShapeError("datarivit ('data') eivät ole luettelo")
    codes: list[list[str]] = [[] for _ in key_columns]
    seen: list[set[str]] = [set() for _ in key_columns]
    for entry in doc["data"]:
        for i, code in enumerate(entry["key"][: len(key_columns)]):
            if str(code) not in seen[i]:
                seen[i].add(str(code))
                codes[i].append(str(code))
    contents = [str(c["code"]) for c in content_columns]
    dims = [
        Dimension(str(c["code"]), str(c.get("text") or c["code"]), tuple(codes[i]), {})
        for i, c in enumerate(key_columns)
    ]
    dims.append(
        Dimension("contents", "Tiedot", tuple(contents), {str(c["code"]): str(c.get("text") or "") for c in content_columns})
    )
    sizes = [len(d.codes) for d in dims]
    checked_sizes([d.id for d in dims], sizes)  # refused before allocating when far too large
    values: list[object] = [None] * math.prod(sizes)
    source_rows: list[int | None] = [None] * len(values)
    positions = [{code: i for i, code in enumerate(c)} for c in codes]
    row = 0
    for entry in doc["data"]:
        if len(entry["key"]) != len(key_columns) or len(entry["values"]) != len(contents):
            raise ShapeError(
                f"datarivillä {row // max(len(contents), 1) + 1} on {len(entry['key'])} avainta ja {len(entry['values'])} arvoa; "
                f"sarakkeiden mukaan pitäisi olla {len(key_columns)} ja {len(contents)}"
            )
        position = 0
        for i, code in enumerate(entry["key"]):
            position = position * sizes[i] + positions[i][str(code)]
        for j, value in enumerate(entry["values"]):
            row += 1
            values[position * len(contents) + j] = value
            source_rows[position * len(contents) + j] = row
    time_ids = tuple(str(c["code"]) for c in key_columns if c.get("type") == "t")
    return Cube(tuple(dims), tuple(values), time_ids, ("contents",), tuple(source_rows))


def cube_from_json(doc: object) -> Cube:
    """The cube of a parsed JSON document (raises ValueError, KeyError, TypeError ... when it is none)."""
    if isinstance(doc, dict) and {"id", "size", "dimension"} <= doc.keys():
        return _jsonstat_cube(doc, doc["id"], doc["size"], doc.get("role"))
    if isinstance(doc, dict) and "columns" in doc and "data" in doc:
        return _pxweb_json_cube(doc)
    if isinstance(doc, dict):
        for dataset in doc.values():  # JSON-stat 1: {"dataset": {"dimension": {"id": ..., ...}}}
            if isinstance(dataset, dict) and isinstance(dataset.get("dimension"), dict):
                dims = dataset["dimension"]
                if "id" in dims and "size" in dims:
                    return _jsonstat_cube(dataset, dims["id"], dims["size"], dims.get("role"))
    raise ValueError("tiedosto ei ole JSON-stat- eikä PxWeb-muotoinen taulukko")


def _area_score(dim: Dimension) -> float:
    hits = sum(
        1
        for code in dim.codes
        if STATFIN_AREA_CODE.match(code) or STATFIN_AREA_CODE.match(dim.labels.get(code, ""))
    )
    return hits / len(dim.codes) if dim.codes else 0.0


def _is_year_dimension(dim: Dimension) -> bool:
    return bool(dim.codes) and all(YEAR_CELL.fullmatch(c) for c in dim.codes)


def _selected_categories(dim: Dimension, cube: Cube) -> set[str]:
    """Which categories of a dimension other than area and year hold population 31.12."""
    population = {
        c for c in dim.codes if is_population_label(c) or is_population_label(dim.labels.get(c, ""))
    }
    content_like = (
        dim.id in cube.metric_ids
        or normalise_key(dim.id) in CONTENT_HEADERS
        or normalise_key(dim.label) in CONTENT_HEADERS
        or bool(population)
    )
    if content_like:
        if not population:
            shown = ", ".join(dim.labels.get(c, c) for c in dim.codes)
            raise NoTable(f"tietoa 'Väestö 31.12.' ei ole (tiedot: {shown})")
        return population
    if len(dim.codes) == 1:
        return set(dim.codes)
    totals = {c for c in dim.codes if c == "SSS" or normalise_key(dim.labels.get(c, "")) in _TOTAL_LABELS}
    if not totals:
        raise NoTable(f"ulottuvuudesta '{dim.label}' ei löytynyt yhteensä-luokkaa (SSS)")
    return totals


def read_cube(cube: Cube, ledger: ValueLedger, domain: Domain) -> None:
    """Record every value of a cube in the ledger (raises NoTable when it is not a population table)."""
    dims = cube.dimensions
    scored = sorted(((d for d in dims if _area_score(d) > 0)), key=lambda d: -_area_score(d))
    if not scored:
        examples = ", ".join(domain.area_codes[:2])
        raise NoTable(f"alueulottuvuutta (aluekoodit kuten {examples}) ei löytynyt")
    area_dim = scored[0]
    year_candidates = [d for d in dims if d is not area_dim and _is_year_dimension(d)]
    year_candidates.sort(key=lambda d: d.id not in cube.time_ids)
    if not year_candidates:
        raise NoTable("vuosiulottuvuutta (nelinumeroiset vuodet) ei löytynyt")
    year_dim = year_candidates[0]
    others = [d for d in dims if d is not area_dim and d is not year_dim]
    selected = {d.id: _selected_categories(d, cube) for d in others}
    content_dim = next((d for d in others if d.id in cube.metric_ids), None) or next(
        (d for d in others if selected[d.id] and any(is_population_label(d.labels.get(c, c)) for c in selected[d.id])),
        None,
    )

    sizes = [len(d.codes) for d in dims]
    for position, value in enumerate(cube.values):
        row = position + 1 if cube.source_rows is None else cube.source_rows[position]
        if row is None:
            continue
        coordinates: dict[str, str] = {}
        remainder = position
        for dim, size in zip(reversed(dims), reversed(sizes), strict=True):
            coordinates[dim.id] = dim.codes[remainder % size]
            remainder //= size
        area_code = coordinates[area_dim.id]
        area_raw: object = area_code
        if parse_area(area_code, domain).status == "unknown":
            area_raw = area_dim.labels.get(area_code, area_code)
        year_code = coordinates[year_dim.id]
        value_column = (
            content_dim.labels.get(coordinates[content_dim.id], coordinates[content_dim.id])
            if content_dim is not None
            else "value"
        )
        unit = Unit(
            row=row,
            area_raw=area_raw,
            area_column=area_dim.label,
            year=parse_year(year_code),
            year_raw=year_code,
            year_column=year_dim.label,
            value_raw=_json_value(value),
            value_column=value_column,
            in_scope=all(coordinates[d.id] in selected[d.id] for d in others),
        )
        ledger.add(unit, domain)


def count_population_values(document: object, domain: Domain) -> int:
    """How many population figures of the region and its municipalities a parsed JSON document holds.

    Raises ValueError (Finnish) when the document is not a population table."""
    ledger = ValueLedger("", "", "")
    try:
        read_cube(cube_from_json(document), ledger, domain)
    except NoTable as exc:
        raise ValueError(str(exc)) from exc
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValueError(f"rakenne on odottamaton ({type(exc).__name__}: {exc})") from exc
    return len(ledger.kept)


def _json_value(value: object) -> object:
    if value is None:
        return ".."  # JSON-stat writes a missing value as null (status '..' or '.')
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Number):
        return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
