"""Pages not made from notebooks: the data-quality page of a year and the reports index.

Same look as the notebook pages (templates/pages/_chrome.html.j2, templates/static/site.css),
all inline, Finnish, readable offline and printable on A4.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from kainuu_metrics.datasets.accounting import SKIP_KINDS, FileAccount, rejected_row_count
from kainuu_metrics.report.charts import MISSING, format_eur, format_number
from kainuu_metrics.report.html_export import (
    PAGES_TEMPLATES_DIR,
    PageContext,
    current_href,
    static_text,
)
from kainuu_metrics.quality.model import CheckResult, QualityReport

# Finnish names of the datasets as readers know them; unknown keys are shown as they are.
# Soft hyphens (U+00AD) let long compounds break in narrow table columns and on paper.
# Long compounds may break here in a narrow column or card, on paper too (soft hyphens).
SOFT_BREAKS = (("kokemusasiantuntij", "kokemus\u00adasiantuntij"), ("asiantuntijarekister", "asiantuntija\u00adrekister"),
               ("väestöpohj", "väestö\u00adpohj"), ("tuokio-arvioin", "tuokio-\u00adarvioin"), ("valtuustokau", "valtuusto\u00adkau"))
MAX_EXAMPLES = 10
HELSINKI = ZoneInfo("Europe/Helsinki")


def soft_hyphenated(text: str) -> str:
    """Text with soft hyphens in the long compounds of SOFT_BREAKS (case kept).

    >>> soft_hyphenated("Kokemusasiantuntijarekisteri") == "Kokemus\u00adasiantuntija\u00adrekisteri"
    True
    """
    for word, broken in SOFT_BREAKS:
        text = re.sub(word, lambda m: broken if m.group(0)[0].islower() else broken[0].upper() + broken[1:], text, flags=re.IGNORECASE)
    return text


def dataset_label(table: str) -> str:
    """A processed table's Finnish label from the registry, breakable in a narrow column."""
    from kainuu_metrics.registry import table_labels

    return soft_hyphenated(table_labels().get(table, table))


def format_timestamp(iso: str) -> str:
    """ISO 8601 (UTC when no zone is given) -> '29.11.2026 klo 19.12' in Finnish time.

    >>> format_timestamp("2026-11-29T17:12:00Z")
    '29.11.2026 klo 19.12'
    >>> format_timestamp("ei aika")
    'ei aika'
    """
    try:
        moment = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(HELSINKI)
    return f"{local.day}.{local.month}.{local.year} klo {local.hour}.{local.minute:02d}"


def breakable(text: object) -> Markup:
    """Escaped text that may wrap after '/' and '_' (long file paths in narrow columns).

    >>> str(breakable("raw/grants/a_b.xlsx"))
    'raw/<wbr>grants/<wbr>a_<wbr>b.xlsx'
    """
    escaped = str(Markup.escape(text))
    return Markup(escaped.replace("/", "/<wbr>").replace("_", "_<wbr>"))


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PAGES_TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["breakable"] = breakable
    return environment


def render_page(template: str, out: Path, context: PageContext, **values: Any) -> Path:
    html = _environment().get_template(template).render(
        ctx=context,
        current=current_href(context.nav, out),
        site_name=context.site_name,
        site_css=Markup(static_text("site.css")),  # raw text inside <style>: must not be escaped
        site_js=Markup(static_text("site.js")),
        **values,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


# --- table rows for the quality page (pure) -------------------------------------------------


def _text(value: object, empty: str = MISSING) -> str:
    if value is None:
        return empty
    if isinstance(value, (bool, np.bool_)):
        return "kyllä" if value else "ei"
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return empty
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_rows(checks: list[CheckResult]) -> list[dict[str, Any]]:
    """One row per check, with result text that does not rely on colour."""
    rows = []
    for check in checks:
        if check.success:
            result, css = "✓\u00a0läpäisty", "tulos-ok"
        elif check.blocking:
            result, css = "✗\u00a0ei läpäisty", "tulos-virhe"
        else:
            result, css = "✗\u00a0ei läpäisty (varoitus)", "tulos-varoitus"
        examples = [_text(e, "(tyhjä)") for e in check.unexpected_examples[:MAX_EXAMPLES]]
        if len(check.unexpected_examples) > MAX_EXAMPLES:
            examples.append("…")
        rows.append(
            {
                "dataset": dataset_label(check.dataset),
                "description": check.description_fi,
                "column": check.column,
                "expectation": check.expectation,
                "kind": "estävä" if check.blocking else "varoitus",
                "result": result,
                "result_class": css,
                "observed": check.observed_fi,
                "examples": "; ".join(examples),  # not ",": decimal commas
            }
        )
    return rows


def account_rows(accounts: list[FileAccount]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of the row-accounting table and its totals."""
    rows = [
        {
            "dataset": dataset_label(a.dataset),
            "file": a.source_file,
            "sheet": a.sheet,
            "sha256": a.sha256,
            "read": format_number(a.rows_read),
            "cleaned": format_number(a.cleaned),
            "rejected": format_number(a.rejected),
            "skipped": format_number(a.skipped),
            "balanced": a.balanced,
        }
        for a in accounts
    ]
    totals = {
        "read": format_number(sum(a.rows_read for a in accounts)),
        "cleaned": format_number(sum(a.cleaned for a in accounts)),
        "rejected": format_number(sum(a.rejected for a in accounts)),
        "skipped": format_number(sum(a.skipped for a in accounts)),
        "balanced": all(a.balanced for a in accounts),
    }
    return rows, totals


def rejected_rows(rejected: pd.DataFrame) -> list[dict[str, str]]:
    """Every rejected row problem, ordered by file, sheet and row."""
    if rejected.empty:
        return []
    ordered = rejected.sort_values(["source_file", "sheet", "source_row"], kind="stable")
    return [
        {
            "file": _text(r["source_file"]),
            "sheet": _text(r["sheet"]),
            "row": _text(r["source_row"]),
            "column": _text(r["column"]),
            "value": _text(r["value"], "(tyhjä)"),
            "reason": _text(r["reason"]),
        }
        for _, r in ordered.iterrows()
    ]


def flagged_rows(flagged: pd.DataFrame, year: int) -> list[dict[str, str]]:
    """Flagged rows of `year`, plus those whose year is not known."""
    if flagged.empty:
        return []
    years = pd.to_numeric(flagged["year"], errors="coerce")
    chosen = flagged[years.isna() | (years == year)]
    chosen = chosen.sort_values(["source_file", "source_row"], kind="stable")
    return [
        {
            "file": _text(r["source_file"]),
            "row": _text(r["source_row"]),
            "year": _text(r["year"], "ei tiedossa"),
            "flag": _text(r["flag"]),
            "reason": _text(r["reason"]),
        }
        for _, r in chosen.iterrows()
    ]


def skipped_summary(skipped: pd.DataFrame) -> tuple[list[dict[str, str]], str]:
    """Skipped rows counted per file and kind (with the Finnish label), and the total."""
    if skipped.empty:
        return [], format_number(0)
    counts = (
        skipped.groupby(["source_file", "kind"], sort=True, dropna=False)
        .size()
        .reset_index(name="rows")
    )
    rows = [
        {
            "file": _text(r["source_file"]),
            "kind": SKIP_KINDS.get(str(r["kind"]), _text(r["kind"])),
            "rows": format_number(r["rows"]),
        }
        for _, r in counts.iterrows()
    ]
    return rows, format_number(len(skipped))


def reconciliation_rows(reconciliation: pd.DataFrame) -> list[dict[str, Any]]:
    """One row per export with a totals row: its reported total against the rows read from it
    (kainuu_metrics.datasets.grants.clean.reconcile), in Finnish euros."""
    if reconciliation.empty:
        return []
    ordered = reconciliation.sort_values(["source_file", "sheet"], kind="stable")

    def eur(value: object) -> str:
        return format_eur(value, 2)

    return [
        {
            "file": _text(r["source_file"]),
            "sheet": _text(r["sheet"], ""),
            "row": _text(r["source_row"]),
            "reported": eur(r["reported_eur"]),
            "cleaned": eur(r["cleaned_eur"]),
            "excluded": eur(r["excluded_eur"]),
            "out_of_scope": eur(r["out_of_scope_eur"]),
            # copies skipped as probable duplicates: their euros are in the export's total once more
            "duplicates": eur(r.get("duplicate_eur", 0.0)),
            "difference": eur(r["difference_eur"]),
            "balanced": _text(r["mismatch_fi"], "") == "",
        }
        for _, r in ordered.iterrows()
    ]


# --- pages -------------------------------------------------------------------------------------


def _frame(frame: pd.DataFrame | None, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns) if frame is None or frame.empty else frame


def _year_flagged(flagged: pd.DataFrame, year: int) -> pd.DataFrame:
    if flagged.empty:
        return flagged
    years = pd.to_numeric(flagged["year"], errors="coerce")
    return flagged.loc[years.isna() | (years == year)]


def _group_rows(frame: pd.DataFrame, key: str, labels: dict[str, str], prefix: str) -> list[dict[str, Any]]:
    """Counts per (table, `key`) with anchors '<prefix>-<table>-<key>' (row) and '<prefix>-<table>'
    (the table's first row), for the links from the checks."""
    from kainuu_metrics.report.quality_page import anchor, flag_sentence

    if frame.empty:
        return []
    counts = frame.groupby(["dataset", key], sort=True, dropna=False).size().reset_index(name="count")
    rows, seen = [], set()
    for r in counts.itertuples(index=False):
        table, value = str(r[0]), _text(r[1], "")
        rows.append({
            "id": anchor(prefix, table, value),
            "table_id": None if table in seen else anchor(prefix, table),
            "label": soft_hyphenated(labels.get(table, table)),
            "column": value,
            "flag": value,
            "sentence": flag_sentence(value),
            "count": format_number(int(r[2])),
        })
        seen.add(table)
    return rows


def render_quality_page(
    out: Path,
    *,
    year: int,
    report: QualityReport,
    accounts: list[FileAccount],
    rejected: pd.DataFrame,
    flagged: pd.DataFrame,
    skipped: pd.DataFrame,
    context: PageContext,
    reconciliation: pd.DataFrame | None = None,
    refused: list | None = None,
    file_years: dict[str, int | None] | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
    lineage: dict[str, str] | None = None,
    history_href: str = "../historia.html",
    assumptions_path: Path | None = None,
    run_rows: list[tuple[str, str]] | None = None,
) -> Path:
    """Write the Finnish data-quality page of `year` (title 'Tietojen laatu <year>' unless the
    context gives one); returns `out`.

    `accounts`, `rejected` and `skipped` are the whole run's; with `file_years` (Cleaned.file_years)
    the page's own rows are those of the files dated to `year`, and the run's totals are shown
    apart, labelled so (without it every file is the year's). Flagged rows are the year's rows
    and those whose year is not known, of the files dated up to `year` (so a later delivery never
    changes the year's page). Long lists show PAGE_ROWS sorted rows; the whole list is
    written beside the page (laatu/*.csv, *.xlsx). `reconciliation` (the grants_reconciliation
    table) adds the section on the exports' totals rows; `tables` (the checked tables) lets the
    unexpected values be counted; `lineage` gives the hrefs of the lineage files; `run_rows` (Finnish
    label, value) describe the run from its manifest (kainuu_metrics.runs.manifest)."""
    from kainuu_metrics.paths import PROJECT_ROOT
    from kainuu_metrics.registry import table_labels
    from kainuu_metrics.report import quality_page as qp

    context = dataclasses.replace(context, title=context.title or f"Tietojen laatu {year}")
    own = qp.year_accounts(accounts, file_years, year)
    files = None if file_years is None else {a.source_file for a in own}
    rejected = qp.rows_of_files(_frame(rejected, list(rejected.columns)), files)
    skipped = qp.rows_of_files(skipped, files)
    flagged = _year_flagged(qp.rows_of_files(flagged, qp.files_up_to(file_years, year)), year)
    labels = table_labels()

    accounts_table, _ = account_rows(own)
    skipped_table, skipped_total = skipped_summary(skipped)
    folder = out.parent / qp.FULL_LISTS_DIR
    shown_rejected, rejected_total = qp.bounded(rejected, ["source_file", "sheet", "source_row"])
    shown_flagged, flagged_total = qp.bounded(flagged, ["source_file", "source_row"])
    rejected_groups = _group_rows(rejected, "column", labels, "hylatty")
    flag_groups = _group_rows(flagged, "flag", labels, "merkitty")
    flagged_anchors = {r["id"] for r in flag_groups} | {r["table_id"] for r in flag_groups if r["table_id"]}
    rejected_anchors = {r["id"] for r in rejected_groups} | {r["table_id"] for r in rejected_groups if r["table_id"]}

    def summary_rows(checks: list[CheckResult]) -> list[dict[str, Any]]:
        return [{**row, "target": qp.check_target(check, flagged_anchors, rejected_anchors)}
                for row, check in zip(check_rows(checks), checks)]

    return render_page(
        "quality.html.j2",
        out,
        context,
        year=year,
        report=report,
        started_at=format_timestamp(report.started_at),
        blocking_failures=summary_rows(report.blocking_failures),
        warnings=summary_rows(report.warnings),
        checks=report.checks,
        check_groups=qp.check_groups(report.checks, labels, tables=tables, flagged_anchors=flagged_anchors,
                                     rejected_anchors=rejected_anchors),
        checks_passed=sum(c.success for c in report.checks),
        accounts=accounts_table,
        account_totals=qp.account_totals(own),
        run_totals=qp.account_totals(accounts),
        scope_sentence=qp.SCOPE_SENTENCE.format(year=year),
        run_rows=run_rows or [],
        rejected=rejected_rows(shown_rejected),
        rejected_total=rejected_total,
        rejected_total_fi=format_number(rejected_total),
        rejected_groups=rejected_groups,
        rejected_source_rows=format_number(rejected_row_count(rejected)),
        rejected_files=qp.write_full_list(rejected, folder, "hylatyt_rivit") if rejected_total else {},
        flagged=flagged_rows(shown_flagged, year),
        flagged_total=flagged_total,
        flagged_total_fi=format_number(flagged_total),
        flag_groups=flag_groups,
        flagged_files=qp.write_full_list(flagged, folder, "merkityt_rivit") if flagged_total else {},
        skipped=skipped_table,
        skipped_total=skipped_total,
        skipped_files=qp.write_full_list(skipped, folder, "ohitetut_rivit") if not skipped.empty else {},
        reconciliation=None if reconciliation is None else reconciliation_rows(qp.rows_of_files(reconciliation, files)),
        refused=refused or [],
        history_href=history_href,
        lineage=lineage,
        assumptions=qp.assumptions(assumptions_path or PROJECT_ROOT / "docs" / "assumptions.md"),
    )


def render_index(
    out: Path,
    *,
    years: dict[int, list[tuple[str, str]]],
    quality_status: dict[int, bool],
    last_run: str,
    sample_data: bool,
    quality_details: dict[int, str] | None = None,
    site_name: str = "",
    methods_href: str | None = None,
    publications: dict[int, dict] | None = None,
    history_href: str | None = None,
) -> Path:
    """Write reports/index.html: each year's pages (in the order given), its data-quality status
    (with an optional detail such as the number of checks) and the time of the last run.
    `publications` (kainuu_metrics.publication.index_entries; by default read from the archive
    beside `out`) gives a published year's publication time, corrections and comparison page;
    a year not published is marked as a draft, and a published year's quality status is the
    publication's, not this run's."""
    from kainuu_metrics.publication import index_entries

    ordered = sorted(years, reverse=True)
    published = index_entries(out.parent, ordered) if publications is None else publications
    sections = []
    for year in ordered:
        entry = published.get(year) or {}
        if entry.get("published"):
            sections.append({"year": year, "links": years[year], "status": f"Julkaistu {entry['published']}",
                             "status_class": "tulos-ok", "detail": "sivut ja laatusivu ovat julkaisuhetken mukaiset",
                             "publication": entry})
            continue
        status = quality_status.get(year)
        if status is None:
            text, css = "– Tietojen laatua ei ole tarkistettu", "tulos-varoitus"
        elif status:
            text, css = "✓ Tietojen laatu: tarkistukset läpäisty", "tulos-ok"
        else:
            text, css = "✗ Tietojen laatu: estäviä virheitä, luvut eivät ole luotettavia", "tulos-virhe"
        detail = (quality_details or {}).get(year, "") if status is not None else ""
        sections.append({"year": year, "links": years[year], "status": text, "status_class": css, "detail": detail,
                         "publication": None})
    context = PageContext(
        title="Järjestöyhteistyön seuranta – raportit",
        year=None,
        sample_data=sample_data,
        nav=[(str(y), f"#vuosi-{y}") for y in ordered] if len(ordered) > 1 else [],
        generated_at=last_run,
        site_name=site_name,
    )
    return render_page("index.html.j2", out, context, sections=sections, last_run=last_run, methods_href=methods_href,
                       history_href=history_href)
