"""Sample raw exports for the pipeline, one module per dataset.

Each module `sample_data/<dataset>.py` defines `generate(raw_dir: Path, rng: random.Random)
-> list[Path]` that writes that dataset's sample files into `raw_dir` (data/raw/<dataset>/)
and returns their paths. `scripts/generate_sample_data.py` finds the modules, gives each a
fresh `random.Random(SEED)` and writes the sample-data marker file. Output is byte-for-byte
deterministic: no clock, no unordered iteration, fixed workbook dates and ZIP entry times.
This module holds the helpers the dataset modules share.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import pkgutil
import random
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from kainuu_metrics.datasets.parsing import business_id_check_digit

SEED = 2023
MARKER_NAME = "ESIMERKKIAINEISTO.txt"
MARKER_TEXT = (
    "Tämä aineisto on esimerkkiaineistoa, jonka skripti scripts/generate_sample_data.py on "
    "tuottanut kiinteällä siemenluvulla 2023 ohjelman kokeilua ja testausta varten. "
    "Järjestöavustuksista todellisia ovat vain Kainuun hyvinvointialueen julkisen päätöksen "
    "15.3.2023 summat (yhteensä 122 200 €, kumppanuusavustukset 75 000 € ja toiminta-avustukset "
    "47 200 €) ja siinä nimetyt viisi saajaa; kaikki muu – muiden järjestöjen nimet, Y-tunnukset, "
    "kunnat, käyttötarkoitukset ja vuosien 2024 ja 2025 avustukset – on keksittyä. Aineiston "
    "lähteet sekä todelliset ja keksityt luvut on eritelty tiedostossa data/raw/README.md ja "
    "aineistokansioiden README-tiedostoissa. Aineistosta laskettuja lukuja ei saa esittää "
    "todellisina. Raporttien jokaisella sivulla näkyy esimerkkiaineistosta kertova huomautus niin "
    "kauan kuin tämä tiedosto on kansiossa data/raw; poista se vasta, kun kansiossa on pelkästään "
    "oikeita lähdetiedostoja.\n"
)


def dataset_names() -> list[str]:
    """The dataset modules in this package, sorted (a new module is picked up automatically)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def new_rng() -> random.Random:
    """A fresh generator per dataset, so adding a dataset never changes another's output."""
    return random.Random(SEED)


def write_marker(raw_root: Path) -> Path:
    raw_root.mkdir(parents=True, exist_ok=True)
    path = raw_root / MARKER_NAME
    path.write_bytes(MARKER_TEXT.encode("utf-8"))
    return path


# --- value spellings seen in Finnish exports -------------------------------------------------


def fi_money(amount: float, *, decimals: bool = True, euro: bool = True, nbsp: bool = False) -> str:
    """1200 -> '1 200,00 €' (Finnish thousands space, decimal comma)."""
    text = f"{amount:,.2f}" if decimals else f"{amount:,.0f}"
    text = text.replace(",", "\u00a0" if nbsp else " ").replace(".", ",")
    return f"{text} €" if euro else text


def fi_date(day: dt.date, *, zero_pad: bool = False) -> str:
    """date(2023, 3, 15) -> '15.3.2023' (or '15.03.2023')."""
    if zero_pad:
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day}.{day.month}.{day.year}"


def make_business_id(rng: random.Random, used: set[str], low: int = 100_000, high: int = 3_299_999) -> str:
    """A new, valid Y-tunnus ('1234567-8') with its body in [low, high], not in `used`."""
    while True:
        body = f"{rng.randint(low, high):07d}"
        check = business_id_check_digit(body)
        business_id = f"{body}-{check}"
        if check is not None and business_id not in used:
            used.add(business_id)
            return business_id


def wrong_check_digit(business_id: str) -> str:
    """The same Y-tunnus with a check digit that cannot be right."""
    body, check = business_id.split("-")
    return f"{body}-{(int(check) + 1) % 10}"


# --- deterministic writers ---------------------------------------------------------------------


def write_csv(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    encoding: str,
    delimiter: str,
    lineterminator: str,
    quote_all_rows: frozenset[int] = frozenset(),
) -> Path:
    """Write rows as CSV; rows whose index is in `quote_all_rows` have every field quoted."""
    buffer = io.StringIO(newline="")
    minimal = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    quoted = csv.writer(
        buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_ALL
    )
    for index, row in enumerate(rows):
        if not row:
            buffer.write(lineterminator)
        else:
            (quoted if index in quote_all_rows else minimal).writerow(row)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def save_workbook(workbook: object, path: Path, stamp: dt.datetime) -> Path:
    """Save an openpyxl workbook with fixed document dates and ZIP entry times.

    openpyxl stamps the current time into docProps/core.xml and every ZIP entry, so the bytes
    are rebuilt here with `stamp` instead."""
    from openpyxl.xml.functions import tostring

    buffer = io.BytesIO()
    workbook.save(buffer)  # type: ignore[attr-defined]
    properties = workbook.properties  # type: ignore[attr-defined]
    properties.created = stamp
    properties.modified = stamp
    core_xml = tostring(properties.to_tree())
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # ZipInfo's default depends on the OS
            entry.external_attr = 0o600 << 16
            data = core_xml if info.filename == "docProps/core.xml" else source.read(info)
            target.writestr(entry, data)
    path.write_bytes(out.getvalue())
    return path
