"""The "Menetelmä ja lähteet" box of the yearly summary: denominators, term rules, sample and
provisional data, the deliveries of the raw files (the data log data/raw/toimitukset.yaml)
and the run's data-quality status. Pure functions, plus the I/O edge at the end that reads the
processed folder and the data log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kainuu_metrics.quality.model import QualityReport
from kainuu_metrics.report.charts import format_number, table_html
from kainuu_metrics.report.labels import REPOSITORY_PATH
from kainuu_metrics.report.summary import PROVISIONAL_MARK, Card, _e
from kainuu_metrics.report.views import TERM_RULE, term_rule
from kainuu_metrics.settings import CouncilTerm, Domain, Settings

NOT_LOGGED = "ei kirjattu"
DELIVERY_LOG = "toimitukset.yaml"  # in data/raw/
SAMPLE_MARKER = "ESIMERKKIAINEISTO.txt"  # same file as pipeline.SAMPLE_MARKER


def folder_labels() -> dict[str, str]:
    """Finnish names of the raw data folders (data/raw/<folder>/), from the registry."""
    from kainuu_metrics.registry import datasets

    return {d.raw_folder: d.label for d in datasets()}


@dataclass(frozen=True)
class Delivery:
    """One entry of data/raw/toimitukset.yaml: a file (or a folder, ending in '/') under data/raw."""

    path: str
    delivered: str  # as shown: '14.3.2024', or 'ei kirjattu'
    deliverer: str


@dataclass(frozen=True)
class RunFacts:
    """What the method box says about the run, read from the data folder."""

    sample_data: bool
    quality: QualityReport | None
    source_files: list[str] = field(default_factory=list)  # as in row accounting: raw/grants/x.xlsx
    deliveries: list[Delivery] = field(default_factory=list)
    delivery_log_found: bool = False


def _fi_date(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day}.{value.month}.{value.year}"
    text = str(value).strip() if value is not None else ""
    try:
        return _fi_date(dt.date.fromisoformat(text))
    except ValueError:
        return text or NOT_LOGGED


def deliveries_from_yaml(raw: object, source: str = DELIVERY_LOG) -> list[Delivery]:
    """Entries of the data log (already parsed YAML); raises InputFileError when malformed."""
    from kainuu_metrics.errors import InputFileError

    entries = raw.get("deliveries") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise InputFileError(source, "tiedostosta puuttuu luettelo 'deliveries'",
                             "Kirjaa toimitukset muodossa 'deliveries:' ja sen alle '- file: grants/x.xlsx', 'delivered: 2024-03-14', 'deliverer: ...'.")
    out = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not str(entry.get("file") or "").strip():
            raise InputFileError(source, f"toimituksen {number} tiedosto ('file') puuttuu",
                                 "Anna jokaiselle toimitukselle tiedoston polku kansion data/raw/ sisällä, esim. 'file: grants/avustukset_2025.xlsx'.")
        out.append(Delivery(str(entry["file"]).strip().removeprefix("raw/"), _fi_date(entry.get("delivered")),
                            str(entry.get("deliverer") or NOT_LOGGED).strip()))
    return out


def matching_delivery(path: str, deliveries: Sequence[Delivery]) -> Delivery | None:
    """The data log's entry for a file under data/raw (its own, else its folder's), or None."""
    exact = next((d for d in deliveries if d.path == path), None)
    if exact:
        return exact
    folders = [d for d in deliveries if d.path.endswith("/") and path.startswith(d.path)]
    return max(folders, key=lambda d: len(d.path)) if folders else None


def without_paths(text: str) -> str:
    """A deliverer as leadership reads it: repository paths left out (they belong on the quality page).

    >>> without_paths("esimerkkiaineisto (scripts/generate_sample_data.py)"), without_paths("Talous, Matti M.")
    ('esimerkkiaineisto', 'Talous, Matti M.')
    """
    cleaned = re.sub(r"\(\s*\)", "", REPOSITORY_PATH.sub("", text))
    return re.sub(r"\s{2,}", " ", cleaned).strip(" ,;") or NOT_LOGGED


def deliveries_table(source_files: Sequence[str], deliveries: Sequence[Delivery]) -> pd.DataFrame:
    """When and from whom the run's raw files came: one row per logged file or folder; files not in
    the log as 'ei kirjattu' (several in one folder as one row)."""
    rows: dict[str, dict[str, object]] = {}
    for source in sorted(dict.fromkeys(source_files)):
        path = source.removeprefix("raw/")
        delivery = matching_delivery(path, deliveries)
        if delivery is not None:
            key = delivery.path
        else:  # unlogged files are grouped by folder
            key = path.rsplit("/", 1)[0] + "/" if "/" in path else path
        row = rows.setdefault(key, {"files": [], "delivery": delivery})
        row["files"].append(path)  # type: ignore[union-attr]
    out, labels = [], folder_labels()
    for key, row in rows.items():
        files: list[str] = row["files"]  # type: ignore[assignment]
        delivery: Delivery | None = row["delivery"]  # type: ignore[assignment]
        shown = files[0] if len(files) == 1 and (delivery is None or not delivery.path.endswith("/")) else f"{key} ({len(files)} tiedostoa)"
        out.append({
            "Aineisto": labels.get(key.split("/", 1)[0], key.split("/", 1)[0]),
            "Tiedosto": shown,
            "Toimitettu": delivery.delivered if delivery else NOT_LOGGED,
            "Toimittaja": without_paths(delivery.deliverer) if delivery else NOT_LOGGED,
        })
    return pd.DataFrame(out, columns=["Aineisto", "Tiedosto", "Toimitettu", "Toimittaja"])


def quality_status(report: QualityReport | None) -> tuple[str, str]:
    """(Finnish status text, CSS class) of a data-quality run, in words, not only colour."""
    if report is None:
        return "– Tietojen laatua ei ole tarkistettu", "tulos-varoitus"
    checks, warnings = len(report.checks), len(report.warnings)
    if report.passed:
        tail = f", varoituksia {warnings}" if warnings else ", ei varoituksia"
        return f"✓ Tarkistukset läpäisty ({checks} tarkistusta{tail})", "tulos-ok"
    return f"✗ Estäviä virheitä {len(report.blocking_failures)} ({checks} tarkistusta, varoituksia {warnings})", "tulos-virhe"


def terms_text(terms: Sequence[CouncilTerm], year: int | None = None) -> str:
    """The configured terms (for a year's page: those begun by 31.12. of the year) and the rule
    that puts grant years in them (report/views.py)."""
    shown = [t for t in terms if year is None or t.start <= dt.date(year, 12, 31)]
    spans = "; ".join(f"{t.label}: {_fi_date(t.start)}–{_fi_date(t.end)}" for t in shown)
    return f"Aluevaltuustokaudet: {spans}. {TERM_RULE if year is None else term_rule(year)}"


def denominator_text(denominators: pd.DataFrame, year: int, area: str) -> str:
    """What divides the year's € per inhabitant figures, in a sentence."""
    base = ("Euroa asukasta kohden -luvuissa jakajana on saman vuoden lopun väkiluku (Tilastokeskus, taulukko 11ra); "
            "jos sitä ei ole vielä julkaistu, viimeisin aiempi väkiluku, ja luku on ennakollinen.")
    if denominators.empty or not {"year", "area_code", "population", "population_year"} <= set(denominators.columns):
        return base
    hit = denominators.loc[(denominators["year"].astype(int) == year) & (denominators["area_code"] == area)]
    if hit.empty or pd.isna(hit["population"].iloc[0]):
        return base
    population, used = hit["population"].iloc[0], int(hit["population_year"].iloc[0])
    which = f"vuoden {used} lopun väkiluku" + (" (ennakollinen)" if used < year else "")
    return f"{base} Vuoden {year} jakaja on {which}: {format_number(population)} asukasta."


def method_box_html(*, year: int, cards: Sequence[Card], facts: RunFacts, domain: Domain, denominators: pd.DataFrame,
                    quality_href: str = "quality.html") -> str:
    """The 'Menetelmä ja lähteet' box: denominators, term rules, sample and provisional data, the
    deliveries of the raw files and the run's data-quality status with a link to the quality page."""
    provisional = [c.label for c in cards if c.provisional]
    provisional_text = (f"Ennakollisia ({PROVISIONAL_MARK}) ovat: {', '.join(provisional)}." if provisional
                        else "Vuoden luvuissa ei ole ennakollisia arvoja.")
    missing = [c.label for c in cards if c.figure is None]
    if missing:
        provisional_text += f" Ei tietoa vuodelta {year}: {', '.join(missing)}."
    sample_text = ("Luvut ovat esimerkkiaineistoa, eivät todellisia päätöksiä, paitsi raakatietokansion "
                   "README-tiedostossa erikseen mainitut." if facts.sample_data else "Luvut perustuvat toimitettuihin aineistoihin.")
    status, css = quality_status(facts.quality)
    when = ""
    if facts.quality is not None:
        from kainuu_metrics.report.pages import format_timestamp

        when = f" Tarkistusajo {_e(format_timestamp(facts.quality.started_at))}."
    # File paths belong on the quality page: the log is named in words here.
    log_text = ("Toimitusajat ja toimittajat on kirjattu raakatietokansion toimituslokiin; tiedosto, jota siinä ei ole, "
                f"on merkitty ”{NOT_LOGGED}”." if facts.delivery_log_found else
                f"Raakatietokansiossa ei ole toimituslokia, joten toimitusajat ovat ”{NOT_LOGGED}”.")
    table = deliveries_table(facts.source_files, facts.deliveries)
    deliveries = (f'<div class="taulukko-kehys">{table_html(table, caption="Lähdeaineistojen toimitukset")}</div>'
                  if not table.empty else "<p>Ajossa ei luettu yhtään tiedostoa.</p>")
    return (
        '<aside class="menetelma-laatikko" aria-labelledby="menetelma-otsikko">'
        '<h2 id="menetelma-otsikko">Menetelmä ja lähteet</h2>'
        "<dl>"
        f"<dt>Jakajat</dt><dd>{_e(denominator_text(denominators, year, domain.region_code))}</dd>"
        f"<dt>Valtuustokaudet</dt><dd>{_e(terms_text(domain.council_terms, year))}</dd>"
        f"<dt>Esimerkki- ja ennakolliset tiedot</dt><dd>{_e(sample_text)} {_e(provisional_text)}</dd>"
        f'<dt>Tietojen laatu</dt><dd><span class="{css}">{_e(status)}</span>.{when} '
        f'Katso <a href="{_e(quality_href)}">Tietojen laatu {year}</a>.</dd>'
        f"<dt>Aineistojen toimitukset</dt><dd>{_e(log_text)}</dd>"
        "</dl>"
        f"{deliveries}"
        "</aside>"
    )


# --- I/O edge ------------------------------------------------------------------------------------------------


def load_deliveries(raw_dir: Path) -> tuple[list[Delivery], bool]:
    """The data log data/raw/toimitukset.yaml as entries, and whether the file exists."""
    import yaml

    from kainuu_metrics.errors import InputFileError
    from kainuu_metrics.settings import SAFE_LOADER

    path = raw_dir / DELIVERY_LOG
    if not path.exists():
        return [], False
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 (a safe loader)
    except (OSError, yaml.YAMLError) as exc:
        raise InputFileError(f"raw/{DELIVERY_LOG}", f"toimituslokia ei voitu lukea ({exc})",
                             "Korjaa tiedoston YAML-muoto (sisennykset, kaksoispisteet).") from exc
    return deliveries_from_yaml(raw, f"raw/{DELIVERY_LOG}"), True


def load_run_facts(data_dir: str | Path, year: int | None = None) -> RunFacts:
    """Sample marker, the latest data-quality report, the files read (those dated up to
    31.12.`year` when a year is given) and the data log."""
    from kainuu_metrics.quality.checks import load_report

    data = Path(data_dir)
    latest = data / "processed" / "quality" / "latest.json"
    report = load_report(latest) if latest.exists() else None
    accounting = data / "processed" / "row_accounting.csv"
    files = []
    if accounting.exists():
        table = pd.read_csv(accounting, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        if year is not None and "file_year" in table:
            dated = pd.to_numeric(table["file_year"], errors="coerce")
            table = table.loc[dated.isna() | (dated <= year)]
        files = [f for f in table["source_file"].tolist() if f]
    deliveries, found = load_deliveries(data / "raw")
    return RunFacts((data / "raw" / SAMPLE_MARKER).exists(), report, files, deliveries, found)


def tuokio_scale(settings: Settings) -> tuple[dict[str, str], int | None]:
    """Criterion names (id -> name) and the number of stages of the Tuokio scale; ({}, None)
    when the Tuokio configuration is not available."""
    from kainuu_metrics.datasets.tuokio.config import load_tuokio_config
    from kainuu_metrics.errors import ConfigError

    try:
        config = load_tuokio_config(settings)
    except ConfigError:  # Tuokio is optional for the summary: without it the card says "ei tietoa"
        return {}, None
    return dict(config.criterion_names), config.n_stages
