"""The population step: read every file (recognised by content, never by name), resolve values
read twice, and build the one table with its rejected and skipped units and balanced accounts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kainuu_metrics.datasets.accounting import REJECTED_COLUMNS, SKIPPED_COLUMNS, CleaningResult, combine, file_sha256
from kainuu_metrics.datasets.population.grids import is_blank_row, read_grid
from kainuu_metrics.datasets.population.jsonstat import ShapeError, cube_from_json, read_cube
from kainuu_metrics.datasets.population.values import CLEANED_COLUMNS, NoTable, ValueLedger
from kainuu_metrics.datasets.readers import read_csv_grid, read_xlsx_grids
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.paths import Layout
from kainuu_metrics.settings import Domain

FIX_DOWNLOAD = (
    "Lataa Tilastokeskuksen taulukko 11ra (Tunnuslukuja väestöstä alueittain, tieto "
    "'Väestö 31.12.') PxWeb-palvelusta muodossa CSV, XLSX tai JSON-stat2 tai hae se komennolla "
    "'kainuu-metrics fetch-population', ja tallenna se kansioon data/raw/population/. "
    "Siirrä muut kuin väestötiedostot pois kansiosta."
)


# --- files ---------------------------------------------------------------------------------------


def _sniff_kind(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head[:1] in {b"{", b"["}:
        return "json"
    if head.upper().startswith((b"CHARSET", b"AXIS-VERSION", b"CODEPAGE")):
        return "px"
    return "text"


def read_file(path: Path, source_file: str, domain: Domain) -> list[ValueLedger]:
    """One ledger per sheet of a population export (raises InputFileError for a wrong file)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            source_file, f"tiedostoa ei voitu lukea ({exc.strerror})", "Tarkista tiedoston oikeudet."
        ) from exc
    if not data.strip():
        raise InputFileError(source_file, "tiedosto on tyhjä", FIX_DOWNLOAD)
    sha = file_sha256(path)
    kind = _sniff_kind(data)
    if kind == "xls":
        raise InputFileError(
            source_file, "tiedosto on vanhaa Excel-muotoa (.xls)", "Tallenna tiedosto Excelissä muodossa .xlsx."
        )
    if kind == "px":
        raise InputFileError(
            source_file,
            "PC-Axis-muotoista (.px) tiedostoa ei lueta",
            "Lataa taulukko PxWeb-palvelusta uudelleen muodossa CSV, XLSX tai JSON-stat2.",
        )
    if kind == "json":
        return [_read_json_file(data, source_file, sha, domain)]
    if kind == "xlsx":
        if path.suffix.lower() != ".xlsx":
            raise InputFileError(
                source_file,
                f"tiedosto on Excel-työkirja, mutta sen pääte on '{path.suffix}'",
                "Nimeä tiedosto uudelleen niin, että sen pääte on .xlsx.",
            )
        sheets = read_xlsx_grids(path)
    else:
        sheets = [read_csv_grid(path)]

    ledgers: list[ValueLedger] = []
    problems: list[str] = []
    for sheet in sheets:
        ledger = ValueLedger(source_file, sheet.name, sha)
        if sheet.hidden:  # not data: every row counted as skipped with the reason
            for number, _ in sheet.rows:
                ledger.skip_row(number, "hidden_sheet")
            ledgers.append(ledger)
            continue
        try:
            read_grid(sheet, ledger, domain)
        except NoTable as exc:
            problems.append(str(exc))
            # A sheet without the table (e.g. notes) in a workbook whose other sheet has it.
            ledger = ValueLedger(source_file, sheet.name, sha)
            for number, cells in sheet.rows:
                ledger.skip_row(number, "blank" if is_blank_row(cells) else "title")
        ledgers.append(ledger)
    if len(problems) == len(sheets):
        raise InputFileError(source_file, f"tiedostosta ei löytynyt väestötaulukkoa: {problems[0]}", FIX_DOWNLOAD)
    return ledgers


def _read_json_file(data: bytes, source_file: str, sha: str, domain: Domain) -> ValueLedger:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(
            source_file,
            f"JSON-tiedosto on rikki ({exc})",
            "Hae tiedosto uudelleen tai tallenna se merkistöllä UTF-8.",
        ) from exc
    except RecursionError as exc:
        raise InputFileError(source_file, "JSON-tiedosto on sisäkkäisyydeltään liian syvä ollakseen taulukko", FIX_DOWNLOAD) from exc
    try:
        cube = cube_from_json(doc)
    except ShapeError as exc:
        raise InputFileError(source_file, f"JSON-tiedoston rakenne on virheellinen: {exc}", FIX_DOWNLOAD) from exc
    except KeyError as exc:
        raise InputFileError(source_file, f"JSON-tiedostosta ei löytynyt väestötaulukkoa (kenttä {exc} puuttuu)", FIX_DOWNLOAD) from exc
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise InputFileError(
            source_file, f"JSON-tiedostosta ei löytynyt väestötaulukkoa (rakenne on odottamaton: {type(exc).__name__})", FIX_DOWNLOAD
        ) from exc
    ledger = ValueLedger(source_file, "", sha)
    try:
        read_cube(cube, ledger, domain)
    except NoTable as exc:
        raise InputFileError(source_file, f"tiedostosta ei löytynyt väestötaulukkoa: {exc}", FIX_DOWNLOAD) from exc
    return ledger


# --- values read twice ----------------------------------------------------------------------------


def resolve_duplicates(ledgers: list[ValueLedger]) -> list[ValueLedger]:
    """New ledgers in which the first reading of a (year, area) is kept; a later equal one is
    skipped as a duplicate, a different one rejected as a conflict naming the first."""
    seen: dict[tuple[int, str], dict] = {}
    resolved = []
    for ledger in ledgers:
        out = ValueLedger(ledger.source_file, ledger.sheet, ledger.sha256)
        out.rows_read = ledger.rows_read
        out.rejected, out.skipped = list(ledger.rejected), list(ledger.skipped)
        for value in ledger.kept:
            key = (value["year"], value["area_code"])
            first = seen.setdefault(key, value)
            if first is value:
                out.kept.append(value)
            elif first["population"] == value["population"]:
                out.skip(value["source_row"], "duplicate")
            else:
                where = first["source_file"] + (f", taulukko {first['sheet']}" if first["sheet"] else "")
                out.reject_cell(
                    value["source_row"], value["column"], str(value["population"]),
                    f"ristiriita: {value['area_name']} {value['year']} väkiluku on tässä {value['population']}, "
                    f"mutta tiedostossa {where} (rivi {first['source_row']}) {first['population']}; "
                    "tarkista kumpi on oikein ja poista virheellinen tiedosto",
                )
        out.skipped.sort(key=lambda entry: entry["source_row"])  # stable: cells of a row keep their order
        out.rejected.sort(key=lambda entry: entry["source_row"])
        resolved.append(out)
    return resolved


# --- the step ------------------------------------------------------------------------------------


def _typed(frame: pd.DataFrame, columns: list[str], ints: tuple[str, ...]) -> pd.DataFrame:
    frame = frame.reindex(columns=columns).reset_index(drop=True)
    return frame.astype({c: ("int64" if c in ints else "str") for c in columns})


def clean_population(paths: list[Path], layout: Layout, domain: Domain) -> CleaningResult:
    """Read population exports (in the order given) into one row per (year, area), sorted by
    year and then in the order of `domain.area_codes`.

    Raises InputFileError (Finnish) for a file with no recognisable population table."""
    ledgers = [ledger for path in paths for ledger in read_file(path, layout.relative_to_data(path), domain)]
    combined = combine([ledger.result(CLEANED_COLUMNS) for ledger in resolve_duplicates(ledgers)])
    order = {code: rank for rank, code in enumerate(domain.area_codes)}
    rows = combined.cleaned.to_dict("records") if len(combined.cleaned) else []
    rows.sort(key=lambda r: (r["year"], order.get(str(r["area_code"]), len(order))))
    return CleaningResult(
        cleaned=_typed(pd.DataFrame(rows, columns=CLEANED_COLUMNS), CLEANED_COLUMNS, ("year", "population", "source_row")),
        rejected=_typed(combined.rejected, REJECTED_COLUMNS, ("source_row",)),
        skipped=_typed(combined.skipped, SKIPPED_COLUMNS, ("source_row",)),
        accounts=combined.accounts,
    )


def population_lookup(cleaned: pd.DataFrame) -> dict[tuple[int, str], int]:
    """{(year, area_code): population} from a cleaned population table.

    >>> population_lookup(pd.DataFrame({"year": [2024], "area_code": ["KU999"], "population": [1234]}))
    {(2024, 'KU999'): 1234}
    """
    return {
        (int(y), str(a)): int(p)
        for y, a, p in zip(cleaned["year"], cleaned["area_code"], cleaned["population"], strict=True)
    }
