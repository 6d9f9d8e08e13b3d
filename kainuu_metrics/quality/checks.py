"""Data-quality checks: validates the cleaned tables with Great Expectations against the suites
committed in kainuu_metrics/quality/suites/ and returns a plain QualityReport.

A suite is one JSON file, `suites/<dataset>_cleaned.json`, in GX's own suite layout
(`name`, `meta`, `notes`, `expectations: [{type, kwargs, meta}]`), so `gx.ExpectationSuite(**data)`
also loads it. Every expectation's `meta` carries `description_fi` (what is checked, for
auditors) and `blocking` (true: a failure stops the run; false: a warning). Adding a dataset
means adding a suite file; no code changes.

Domain value sets (municipality codes, area codes, grant types, decisions, networks) are
written literally in the suite files rather than filled in from config/domain.yaml at load
time: the file an auditor diffs is then the whole rule. tests/test_quality.py asserts that
they equal the configuration.

Great Expectations is imported inside run_checks only: the import costs seconds, and
importing this module (for load_report, say) must stay cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import multiprocessing
import shutil
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics import formatting
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.quality.model import CheckResult, QualityReport
from kainuu_metrics.datasets.schemas import PROVENANCE

EXPECTATIONS_DIR = Path(__file__).resolve().parent / "suites"
SUITE_SUFFIX = "_cleaned"
MAX_EXAMPLES = 10
MISSING_TABLE = "table_present"  # our own pseudo-expectation: the suite's table was not given
# Enough listed unexpected values to find MAX_EXAMPLES distinct ones in all but odd cases.
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 50}
_POSITION = "kainuu_metrics_position"  # runtime-only meta key: maps GX results back to the suite order
_UNIQUE_TYPES = {
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_multicolumn_values_to_be_unique",
    "expect_select_column_values_to_be_unique_within_record",
}


@dataclass(frozen=True)
class ExpectationSpec:
    """One rule of a suite file, as written there."""

    type: str
    kwargs: dict[str, Any]
    description_fi: str
    blocking: bool

    @property
    def columns(self) -> list[str]:
        """Every column the rule reads (empty for table-level rules)."""
        kw = self.kwargs
        named = [kw.get("column"), kw.get("column_A"), kw.get("column_B"), *kw.get("column_list", [])]
        return [c for c in named if isinstance(c, str)]


@dataclass(frozen=True)
class SuiteSpec:
    """One suite file: the rules for one cleaned dataset."""

    name: str  # "grants_cleaned"
    dataset: str  # "grants"
    path: Path
    expectations: tuple[ExpectationSpec, ...]


CONFIG_REFERENCE = "$config"


def resolve_config_values(value: Any, value_sets: Mapping[str, Any], fail) -> Any:
    """A kwarg written as {"$config": "municipality_codes"} takes its value from the
    configuration (see quality/value_sets.py), so that suites hold no county's facts."""
    if isinstance(value, dict) and set(value) == {CONFIG_REFERENCE}:
        key = value[CONFIG_REFERENCE]
        if key not in value_sets:
            raise fail(f"tuntematon asetusviittaus '{key}' (tunnetut: {', '.join(sorted(value_sets))})")
        return value_sets[key]
    return value


def load_suite(path: Path, value_sets: Mapping[str, Any] | None = None) -> SuiteSpec:
    """Read and check one suite file (raises ConfigError with a Finnish message); without
    `value_sets` the configuration references are left as written."""

    def fail(problem: str) -> ConfigError:
        return ConfigError(f"Odotustiedosto {path.name}: {problem}")

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise fail(f"tiedostoa ei voitu lukea ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise fail("tiedostosta puuttuu luettelo 'expectations'")
    if data.get("name") != path.stem:
        raise fail(f"nimen ('name') pitää olla sama kuin tiedoston nimi: '{path.stem}'")
    specs = []
    for number, item in enumerate(data["expectations"], start=1):
        meta = item.get("meta") if isinstance(item, dict) else None
        if not isinstance(meta, dict) or not isinstance(item.get("type"), str) or not isinstance(item.get("kwargs"), dict):
            raise fail(f"tarkistus nro {number}: pitää olla kentät 'type', 'kwargs' ja 'meta'")
        description = meta.get("description_fi")
        if not isinstance(description, str) or not description.strip():
            raise fail(f"tarkistus nro {number} ({item['type']}): kentästä meta puuttuu kuvaus 'description_fi'")
        if not isinstance(meta.get("blocking"), bool):
            raise fail(f"tarkistus nro {number} ({item['type']}): kentän meta.blocking pitää olla true tai false")
        kwargs = item["kwargs"] if value_sets is None else {k: resolve_config_values(v, value_sets, fail) for k, v in item["kwargs"].items()}
        specs.append(ExpectationSpec(item["type"], kwargs, description.strip(), meta["blocking"]))
    return SuiteSpec(
        name=path.stem,
        dataset=path.stem.removesuffix(SUITE_SUFFIX),
        path=path,
        expectations=tuple(specs),
    )


def load_suites(folder: Path = EXPECTATIONS_DIR, value_sets: Mapping[str, Any] | None = None) -> dict[str, SuiteSpec]:
    """Every `<dataset>_cleaned.json` in the folder, by dataset name, in file-name order."""
    suites = (load_suite(p, value_sets) for p in sorted(folder.glob(f"*{SUITE_SUFFIX}.json")))
    return {s.dataset: s for s in suites}


def _import_great_expectations() -> None:
    from kainuu_metrics.startup import skip_unused_slow_imports

    skip_unused_slow_imports()
    import great_expectations  # noqa: F401


def _ready() -> bool:
    return True


def start_checker() -> ProcessPoolExecutor:
    """A process of its own that imports Great Expectations (seconds) while the caller cleans
    the data; `checker.submit(run_checks, tables).result()` then validates there.

    A ProcessPoolExecutor spawns its worker at the first submit, so a no-op is submitted at
    once: the worker starts now and imports Great Expectations (its initializer) while the
    caller cleans the data, instead of after cleaning when the checks are submitted. The
    worker ends with its parent (see kainuu_metrics.runs.children)."""
    checker = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_start_worker)
    checker.submit(_ready)
    return checker


def _start_worker() -> None:
    from kainuu_metrics.runs.children import end_with_parent

    end_with_parent()
    _import_great_expectations()


def run_checks(
    tables: Mapping[str, pd.DataFrame],
    *,
    run_id: str | None = None,
    expectations_dir: Path = EXPECTATIONS_DIR,
    value_sets: Mapping[str, Any] | None = None,
    started_at: dt.datetime | None = None,
) -> QualityReport:
    """Validate each table that has a suite; a suite without its table fails as "taulukko puuttuu".

    Tables without a suite are ignored. The input frames are not modified.
    """
    # A run passes its own start time (recorded in its manifest), so that reruns agree.
    started = (started_at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    suites = load_suites(expectations_dir, value_sets)

    import great_expectations as gx  # lazily: see the module docstring
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # tqdm progress bars would write to stderr.
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("kainuu_metrics")

    checks: list[CheckResult] = []
    for dataset, suite in suites.items():
        frame = tables.get(dataset)
        if frame is None:
            checks.append(_missing_table(suite))
        else:
            checks.extend(_validate(gx, source, suite, frame))
    return QualityReport(
        run_id=run_id or started.strftime("%Y%m%dT%H%M%SZ"),
        started_at=started.isoformat(),
        gx_version=gx.__version__,
        checks=checks,
    )


def run_checks_on_files(processed: Path, names: list[str], **options: Any) -> QualityReport:
    """run_checks on the tables `names` as the run wrote them (processed/<name>.parquet), read
    in the checker process: the run hands over a list of names instead of pickling every
    table through a pipe (a 300 000-row grant table costs the main process hundreds of MB in
    transit), and the checks see exactly what the pages read."""
    return run_checks({name: pd.read_parquet(processed / f"{name}.parquet") for name in names}, **options)


def _missing_table(suite: SuiteSpec) -> CheckResult:
    return CheckResult(
        dataset=suite.dataset,
        suite=suite.name,
        expectation=MISSING_TABLE,
        column=None,
        description_fi=f"Taulukko '{suite.dataset}' on mukana tarkistuksessa.",
        blocking=True,
        success=False,
        observed_fi="taulukko puuttuu",
    )


def _validate(gx: Any, source: Any, suite: SuiteSpec, frame: pd.DataFrame) -> list[CheckResult]:
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectations = []
    for position, spec in enumerate(suite.expectations):
        try:
            expectations.append(
                ExpectationConfiguration(
                    type=spec.type, kwargs=_runtime_kwargs(spec, frame), meta={_POSITION: position}
                ).to_domain_obj()
            )
        except Exception as exc:  # GX raises its own and pydantic's errors for a bad rule
            raise ConfigError(
                f"Odotustiedosto {suite.path.name}: tarkistus nro {position + 1} ({spec.type}) on virheellinen: {exc}"
            ) from exc
    gx_suite = gx.ExpectationSuite(name=suite.name, expectations=expectations)
    batch = (
        source.add_dataframe_asset(name=suite.dataset)
        .add_batch_definition_whole_dataframe("koko taulukko")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    validation = batch.validate(gx_suite, result_format=_RESULT_FORMAT)
    # GX does not keep the suite's order in its results.
    by_position = {r.expectation_config.meta[_POSITION]: r for r in validation.results}
    return [
        _check_result(suite, spec, by_position[position], frame)
        for position, spec in enumerate(suite.expectations)
    ]


def _runtime_kwargs(spec: ExpectationSpec, frame: pd.DataFrame) -> dict[str, Any]:
    """The rule's kwargs, with date bounds on a datetime column as pd.Timestamp (GX errors on strings)."""
    kwargs = dict(spec.kwargs)
    column = kwargs.get("column")
    if column in frame.columns and pd.api.types.is_datetime64_any_dtype(frame[column].dtype):
        tz = getattr(frame[column].dtype, "tz", None)
        for key in ("min_value", "max_value"):
            if isinstance(kwargs.get(key), str):
                stamp = pd.Timestamp(kwargs[key])
                kwargs[key] = stamp.tz_localize(tz) if tz is not None and stamp.tz is None else stamp
    return kwargs


def _check_result(suite: SuiteSpec, spec: ExpectationSpec, result: Any, frame: pd.DataFrame) -> CheckResult:
    details = result.result or {}
    missing_columns = [c for c in spec.columns if c not in frame.columns]
    if missing_columns:
        names = ", ".join(missing_columns)
        observed = f"sarake {names} puuttuu taulukosta" if len(missing_columns) == 1 else f"sarakkeet {names} puuttuvat taulukosta"
        examples: list[Any] = []
    elif (error := _exception_message(result.exception_info)) is not None:
        observed, examples = f"tarkistusta ei voitu tehdä: {error}", []
    else:
        observed = _observed_fi(spec, details, frame)
        examples = _examples(spec, details, frame)
    return CheckResult(
        dataset=suite.dataset,
        suite=suite.name,
        expectation=spec.type,
        column=", ".join(spec.columns) or None,
        description_fi=spec.description_fi,
        blocking=spec.blocking,
        success=bool(result.success),
        observed_fi=observed,
        element_count=_int_or_none(details.get("element_count")),
        unexpected_count=_int_or_none(details.get("unexpected_count")),
        unexpected_examples=examples,
        kwargs=_plain(spec.kwargs),
    )


def _exception_message(info: Any) -> str | None:
    """GX gives either one exception record or a dict of them keyed by metric."""
    if not isinstance(info, dict):
        return None
    records = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for record in records:
        if record.get("raised_exception"):
            return str(record.get("exception_message") or "tuntematon virhe")
    return None


def _observed_fi(spec: ExpectationSpec, details: dict[str, Any], frame: pd.DataFrame) -> str:
    """The observed value(s) as a short Finnish sentence."""
    if spec.type == "expect_table_columns_to_match_set":
        missing = details.get("details", {}).get("mismatched", {}).get("missing", [])
        if missing:
            return f"{_plural(len(missing), 'puuttuva sarake', 'puuttuvat sarakkeet')}: {', '.join(missing)}"
        return f"kaikki {len(spec.kwargs.get('column_set', []))} vaadittua saraketta löytyvät"
    if spec.type == "expect_column_type_to_be":
        observed = details.get("observed_value")
        expected = spec.kwargs.get("type_")
        return f"tietotyyppi {observed}" + ("" if observed == expected else f", odotettu {expected}")
    if "unexpected_count" in details and "element_count" in details:
        return _map_sentence(spec, details, frame)
    if "observed_value" in details:
        return f"havaittu arvo {_fi_value(details['observed_value'])}"
    return "kunnossa" if details.get("success", True) else "ei kunnossa"


def _map_sentence(spec: ExpectationSpec, details: dict[str, Any], frame: pd.DataFrame) -> str:
    rows = int(details["element_count"])
    unexpected = int(details["unexpected_count"] or 0)
    missing = int(details.get("missing_count") or 0)
    if rows == 0:
        return "taulukossa ei ole rivejä"
    if unexpected == 0:
        sentence = "1 rivi kunnossa" if rows == 1 else f"kaikki {rows} riviä kunnossa"
        if missing == rows:
            sentence = f"ei tarkistettavaa: kaikki {rows} riviä tyhjiä" if rows > 1 else "ei tarkistettavaa: rivi on tyhjä"
        elif missing:
            sentence += f", joista {missing} {'tyhjä' if missing == 1 else 'tyhjiä'}"
    else:
        if spec.type == "expect_column_values_to_not_be_null":
            what = _plural(unexpected, "tyhjä arvo", "tyhjää arvoa")
        elif spec.type in _UNIQUE_TYPES:
            what = _plural(unexpected, "toistuva rivi", "toistuvaa riviä")
        else:
            what = _plural(unexpected, "poikkeava arvo", "poikkeavaa arvoa")
        sentence = f"{unexpected} {what} {rows} rivistä ({_fi_percent(100 * unexpected / rows)})"
    mostly = spec.kwargs.get("mostly")
    if isinstance(mostly, (int, float)) and mostly < 1:
        allowed = 1 - mostly
        sentence += f"; sallittu osuus enintään {formatting.percent(allowed, 0 if round(allowed * 100, 1).is_integer() else 1)}"
    if spec.type == "expect_column_values_to_be_between":
        sentence += _range_sentence(frame[spec.kwargs["column"]])
    return sentence


def _range_sentence(values: pd.Series) -> str:
    if not (pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype)):
        return ""
    present = values.dropna()
    if present.empty or pd.api.types.is_bool_dtype(values.dtype):
        return ""
    return f"; havaittu vähimmäisarvo {_fi_value(present.min())}, enimmäisarvo {_fi_value(present.max())}"


def _examples(spec: ExpectationSpec, details: dict[str, Any], frame: pd.DataFrame) -> list[Any]:
    """Up to MAX_EXAMPLES distinct unexpected values; for a not-null rule (whose values are all
    empty) the rows instead, by their provenance columns when the table has them."""
    if spec.type == "expect_table_columns_to_match_set":
        return list(details.get("details", {}).get("mismatched", {}).get("missing", []))[:MAX_EXAMPLES]
    if spec.type == "expect_column_values_to_not_be_null":
        provenance = [c for c in PROVENANCE if c in frame.columns]
        refs = []
        for label in details.get("partial_unexpected_index_list", []):
            if provenance and label in frame.index:
                row = frame.loc[label, provenance]
                refs.append({c: _plain(row[c]) for c in provenance} if isinstance(row, pd.Series) else _plain(label))
            else:
                refs.append(_plain(label))
        return _distinct(refs)
    return _distinct(_plain(v) for v in details.get("partial_unexpected_list", []))


def _distinct(values: Any) -> list[Any]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = json.dumps(value, sort_keys=True, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            out.append(value)
        if len(out) == MAX_EXAMPLES:
            break
    return out


def _plain(value: Any) -> Any:
    """A JSON-serialisable plain Python value (missing values become None)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _fi_number(value: float) -> str:
    """A number as the report pages show it (kainuu_metrics.formatting), up to two decimals;
    whole numbers between 1900 and 2100 are years and stay ungrouped.

    >>> _fi_number(25000.0), _fi_number(2019), _fi_number(-1234.5), _fi_number(1234567.25)
    ('25\xa0000', '2019', '\u22121\xa0234,5', '1\xa0234\xa0567,25')
    """
    if float(value).is_integer():
        return str(int(value)) if 1900 <= value <= 2100 else formatting.number(value)
    return formatting.number(value, 2).rstrip("0").rstrip(",")


def _fi_percent(percent: float) -> str:
    """
    >>> _fi_percent(100 * 3 / 128), _fi_percent(0.01), _fi_percent(100.0)
    ('2,3\xa0%', 'alle 0,1\xa0%', '100,0\xa0%')
    """
    if 0 < percent < 0.05:
        return f"alle 0,1{formatting.NBSP}%"
    return formatting.percent(percent / 100)


def _fi_value(value: Any) -> str:
    if isinstance(value, (pd.Timestamp, dt.date)):
        return formatting.date(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return _fi_number(value)


def save_report(report: QualityReport, folder: Path) -> Path:
    """Write folder/<run_id>.json and the same as folder/latest.json; returns the run file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{report.run_id}.json"
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    shutil.copyfile(path, folder / "latest.json")
    return path


def load_report(path: Path) -> QualityReport:
    """A report written by save_report (raises InputFileError for an unreadable file)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return QualityReport(
            run_id=data["run_id"],
            started_at=data["started_at"],
            gx_version=data["gx_version"],
            checks=[CheckResult(**check) for check in data["checks"]],
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputFileError(
            path,
            f"laaturaporttia ei voitu lukea ({type(exc).__name__}: {exc})",
            "Aja tarkistukset uudelleen komennolla 'kainuu-metrics validate'.",
        ) from exc
