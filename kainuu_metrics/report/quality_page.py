"""Parts of the data-quality page an auditor works from (issue 10 §5, issue 13's bounded lists):
the year's own rows against the whole run's, checks grouped by table with links to the rows they
concern, flags as Finnish sentences, and long row lists cut to a sorted part with the full list
written beside the page as CSV and XLSX. Pure functions, except `write_full_list`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kainuu_metrics.datasets.accounting import FileAccount
from kainuu_metrics.quality.model import CheckResult
from kainuu_metrics.report.charts import format_number

# How many rows of a long list (flagged, rejected rows) the page shows; the rest are in the CSV/XLSX.
PAGE_ROWS = 200
FULL_LISTS_DIR = "laatu"  # beside quality.html: reports/<Y>/laatu/<list>.csv|.xlsx

# Every flag column a cleaner can set, as a Finnish sentence for the quality page (the cleaners'
# own reasons are short phrases; this is what an auditor reads). tests/test_quality_page.py checks
# that every "flag_..." name in kainuu_metrics/datasets/** is here.
FLAG_SENTENCES = {
    "flag_granted_exceeds_applied": "Myönnetty summa on suurempi kuin haettu summa; tarkista, onko jompikumpi summa kirjattu väärin.",
    "flag_not_in_lahella": "Avustuksen saaja ei ole rekisteröitynyt Lähellä.fi-palveluun.",
    "flag_invalid_business_id": "Y-tunnus on virheellinen (muoto tai tarkistenumero ei täsmää); järjestöä ei voi tunnistaa Y-tunnuksesta.",
    "flag_operating_and_partnership": "Sama järjestö sai samana vuonna samaan tarkoitukseen sekä toiminta- että kumppanuusavustuksen.",
    "flag_invalid_decision_date": ("Päätöspäivä ei ole kelvollinen päivämäärä; rivi on vuoden luvuissa avustusvuoden sarakkeen "
                                   "mukaan, mutta ilman päätöspäivää ja aluevaltuustokautta."),
    "flag_unprintable_text": "Järjestön nimessä tai käyttötarkoituksessa oli ohjausmerkkejä tai näkymättömiä merkkejä, jotka poistettiin.",
    "flag_possible_totals_row": ("Rivi muistuttaa yhteensä-riviä (vain nimi ja summa, tai yhteensä-sana muiden tietojen vieressä); "
                                 "se on mukana luvuissa, joten poista se viennistä, jos se on välisumma."),
    "flag_probable_duplicate": ("Rivi on todennäköinen kaksoiskappale (sama järjestö, käyttötarkoitus, avustuslaji, myönnetty summa ja "
                                "päätöspäivä kuin aiemmin luetulla rivillä); se ohitettiin, ja summa on luvuissa vain kerran."),
    "flag_zero_cost": "Tilan käytön ilmoitettu kustannus on 0 €; tarkista, puuttuuko tilan laskennallinen hinta.",
    "flag_possible_duplicate": "Sama järjestö, tila, päivä ja alkuaika on kirjattu useammin kuin kerran; varaus voi olla kahteen kertaan.",
    "flag_not_in_register": "Kokemusasiantuntijaa ei löydy rekisteristä, tai hänen rekisteririvinsä on hylätty.",
    "flag_ambiguous_name": "Nimellä on rekisterissä useita henkilöitä, joten tehtävää ei voitu yhdistää rekisteritunnukseen.",
    "flag_fee_waived_with_fee": "Palkkiosta on merkitty luovutun, mutta palkkio on suurempi kuin 0 €.",
    "flag_status_conflict": "Rekisterin tila ja poistumispäivä ovat ristiriidassa (lopettanut ilman poistumispäivää tai aktiivinen, vaikka poistunut).",
}

SCOPE_SENTENCE = (
    "Vuoden {year} rivit ovat vuodelle {year} päivättyjen lähdetiedostojen rivejä (tiedoston päiväys on sen "
    "hyväksyttyjen rivien uusin vuosi, muuten tiedostonimen vuosi) ja merkityistä riveistä vuoden {year} rivejä "
    "vuoteen {year} mennessä päivätyistä tiedostoista; koko ajon luvut (kaikki vuodet ja tiedostot, myös muille "
    "vuosille päivätyt ja päiväämättömät) näytetään erikseen niin otsikoituina."
)


def flag_sentence(flag: object) -> str:
    """The Finnish sentence of a flag column; an unknown name is shown as it is."""
    return FLAG_SENTENCES.get(str(flag), str(flag))


def anchor(*parts: object) -> str:
    """An id usable in a URL fragment: lower case, [a-z0-9-] only.

    >>> anchor("merkitty", "grants", "flag_not_in_lahella")
    'merkitty-grants-flag-not-in-lahella'
    """
    return re.sub(r"[^a-z0-9]+", "-", "-".join(str(p) for p in parts).lower()).strip("-")


# --- scope: the year's own rows against the whole run -------------------------------------------


def year_accounts(accounts: list[FileAccount], file_years: Mapping[str, int | None] | None, year: int) -> list[FileAccount]:
    """The row accounts of the files dated to `year` (Cleaned.file_years, row_accounting.csv's
    file_year). Without dates (a caller that does not know them) every account is the year's."""
    if file_years is None:
        return list(accounts)
    return [a for a in accounts if file_years.get(a.source_file) == year]


def account_totals(accounts: list[FileAccount]) -> dict[str, Any]:
    """Summed read/cleaned/rejected/skipped rows (Finnish numbers) and whether all balance."""
    return {
        "files": format_number(len({a.source_file for a in accounts})),
        "read": format_number(sum(a.rows_read for a in accounts)),
        "cleaned": format_number(sum(a.cleaned for a in accounts)),
        "rejected": format_number(sum(a.rejected for a in accounts)),
        "skipped": format_number(sum(a.skipped for a in accounts)),
        "balanced": all(a.balanced for a in accounts),
    }


def files_up_to(file_years: Mapping[str, int | None] | None, year: int) -> set[str] | None:
    """The files dated up to 31.12.`year` or undated (None: no dates known, every file)."""
    if file_years is None:
        return None
    return {source for source, dated in file_years.items() if dated is None or dated <= year}


def rows_of_files(frame: pd.DataFrame, files: set[str] | None) -> pd.DataFrame:
    """The rows of a per-file table whose source file is in `files` (all when None)."""
    if files is None or frame.empty or "source_file" not in frame:
        return frame
    return frame.loc[frame["source_file"].isin(files)]


# --- checks grouped by table --------------------------------------------------------------------


def _plain(value: object) -> str:
    if value is None:
        return "(tyhjä)"
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return "(tyhjä)"
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows_word(count: int) -> str:
    return f"{format_number(count)} rivi" if count == 1 else f"{format_number(count)} riviä"


def unexpected_value_counts(check: CheckResult, table: pd.DataFrame | None = None, limit: int = 10) -> list[tuple[str, int | None]]:
    """The check's unexpected values with how many rows have each: one value -> all its
    unexpected rows; as many values as unexpected rows -> one each; else counted in the table's
    column when the table is given (None when the count is not known).

    >>> c = CheckResult("g", "g_cleaned", "x", "a", "", True, False, "", 10, 3, [612000.0])
    >>> unexpected_value_counts(c)
    [('612000', 3)]
    """
    examples = list(check.unexpected_examples)
    if not examples:
        return []
    unexpected = check.unexpected_count
    counts: dict[int, int | None] = {}
    if len(examples) == 1 and unexpected:
        counts[0] = unexpected
    elif unexpected is not None and len(examples) == unexpected:
        counts = dict.fromkeys(range(len(examples)), 1)
    elif table is not None and check.column and check.column in table:
        found = Counter(table[check.column].map(_plain))
        counts = {i: found.get(_plain(v)) for i, v in enumerate(examples)}
    shown = [(_plain(v), counts.get(i)) for i, v in enumerate(examples[:limit])]
    return sorted(shown, key=lambda item: -(item[1] or 0)) if counts else shown


def examples_text(check: CheckResult, table: pd.DataFrame | None = None, limit: int = 10) -> str:
    """Unexpected values with their counts, '; ' between (values may have decimal commas). For
    a flag column the value is the flag's sentence, not 'kyllä'."""
    if check.column and check.column.startswith("flag_") and check.unexpected_count:
        return f"{flag_sentence(check.column)} ({_rows_word(check.unexpected_count)})"
    parts = [value if count is None else f"{value} ({_rows_word(count)})" for value, count in unexpected_value_counts(check, table, limit)]
    if len(check.unexpected_examples) > limit:
        parts.append("…")
    return "; ".join(parts)


def check_status(check: CheckResult) -> tuple[str, str, str]:
    """(result text, CSS class, filter state) of a check; the text does not rely on colour."""
    if check.success:
        return "✓\u00a0läpäisty", "tulos-ok", "ok"
    if check.blocking:
        return "✗\u00a0ei läpäisty", "tulos-virhe", "virhe"
    return "✗\u00a0ei läpäisty (varoitus)", "tulos-varoitus", "varoitus"


def check_target(check: CheckResult, flagged_anchors: set[str], rejected_anchors: set[str]) -> str | None:
    """The anchor of the rows a failed or warned check concerns: the flag's rows for a flag
    column, else the table's rejected rows (of that column when listed), else the table's
    flagged rows; None when the page lists no such rows."""
    if check.success:
        return None
    candidates = []
    if check.column and check.column.startswith("flag_"):
        candidates.append(anchor("merkitty", check.dataset, check.column))
    candidates += [anchor("hylatty", check.dataset, check.column or ""), anchor("hylatty", check.dataset),
                   anchor("merkitty", check.dataset)]
    for target in candidates:
        if target in flagged_anchors or target in rejected_anchors:
            return target
    return None


def check_groups(
    checks: list[CheckResult],
    labels: Mapping[str, str],
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    flagged_anchors: set[str] = frozenset(),  # type: ignore[assignment]
    rejected_anchors: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[dict[str, Any]]:
    """Checks grouped by table (in the registry's order, then unknown tables by name), each
    group with its passed/warned/failed counts, and each check with its result, its unexpected
    values with counts and a link to the rows it concerns."""
    order = {table: i for i, table in enumerate(labels)}
    groups: dict[str, list[CheckResult]] = {}
    for check in checks:
        groups.setdefault(check.dataset, []).append(check)
    out = []
    for table in sorted(groups, key=lambda t: (order.get(t, len(order)), t)):
        rows = []
        for check in groups[table]:
            result, css, state = check_status(check)
            rows.append({
                "description": check.description_fi,
                "column": check.column,
                "expectation": check.expectation,
                "kind": "estävä" if check.blocking else "varoitus",
                "result": result,
                "result_class": css,
                "state": state,
                "observed": check.observed_fi,
                "examples": examples_text(check, (tables or {}).get(table)),
                "target": check_target(check, set(flagged_anchors), set(rejected_anchors)),
            })
        failed = sum(r["state"] == "virhe" for r in rows)
        warned = sum(r["state"] == "varoitus" for r in rows)
        out.append({
            "table": table,
            "label": labels.get(table, table),
            "id": anchor("tarkistukset", table),
            "rows": rows,
            "passed": len(rows) - failed - warned,
            "warned": warned,
            "failed": failed,
            "deviates": bool(failed or warned),
        })
    return out


# --- bounded lists ------------------------------------------------------------------------------


def bounded(frame: pd.DataFrame, by: list[str], limit: int = PAGE_ROWS) -> tuple[pd.DataFrame, int]:
    """The first `limit` rows of `frame` sorted by `by` (stable), and the total count."""
    if frame.empty:
        return frame, 0
    ordered = frame.sort_values([c for c in by if c in frame], kind="stable")
    return ordered.head(limit), len(frame)


def write_full_list(frame: pd.DataFrame, folder: Path, stem: str) -> dict[str, str]:
    """The whole list as CSV (';' + BOM, store.write_csv) and XLSX (store.write_xlsx) in
    `folder`; returns their hrefs relative to the page's folder (folder's parent)."""
    from kainuu_metrics.store import write_csv, write_xlsx

    write_csv(frame, folder / f"{stem}.csv")
    write_xlsx(frame, folder / f"{stem}.xlsx")
    return {"csv": f"{folder.name}/{stem}.csv", "xlsx": f"{folder.name}/{stem}.xlsx"}


# --- assumptions log ----------------------------------------------------------------------------


def assumptions(path: Path) -> list[dict[str, str]]:
    """The assumptions of docs/assumptions.md: every '## ' heading with its 'Oletus:' and
    'Käytössä:' lines (the file is the one source; the quality page lists what it says)."""
    if not path.exists():
        return []
    items: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            items.append({"name": line[3:].strip(), "assumption": "", "used": ""})
        elif items and line.startswith("- Oletus:"):
            items[-1]["assumption"] = line.removeprefix("- Oletus:").strip()
        elif items and line.startswith("- Käytössä:"):
            items[-1]["used"] = line.removeprefix("- Käytössä:").strip()
        elif items and line.startswith("  ") and line.strip():
            key = "used" if items[-1]["used"] else "assumption"
            items[-1][key] = f"{items[-1][key]} {line.strip()}".strip()
    return items
