"""Downloads beside a page: a long table's whole list as CSV and XLSX (issue 13: no page renders
an unbounded table; the page shows a bounded, sorted part and links here)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kainuu_metrics.report.charts import format_number

RECIPIENTS_SHOWN = 200  # rows of the recipients table on the page; the whole list is a download
RECIPIENTS_FILE = "avustusten_saajat"  # beside grants.html: <reports>/<year>/avustusten_saajat.csv|.xlsx


def write_recipients(recipients: pd.DataFrame, folder: Path) -> list[Path]:
    """The whole recipients table beside the year's grants page (CSV ';' + BOM and XLSX, via store)."""
    from kainuu_metrics.store import write_csv, write_xlsx

    folder.mkdir(parents=True, exist_ok=True)
    return [write_csv(recipients, folder / f"{RECIPIENTS_FILE}.csv"),
            write_xlsx(recipients, folder / f"{RECIPIENTS_FILE}.xlsx", sheet_name="saajat")]


def recipients_note(total: int) -> str:
    """The Finnish sentence under the page's bounded table: how many rows are shown of how many,
    in which order, and the links to the full list (written by the run, `write_recipients`)."""
    shown = (f"Taulukossa on {format_number(RECIPIENTS_SHOWN)} suurinta {format_number(total)} avustuksesta "
             "(järjestys: myönnetty summa suurimmasta, sitten järjestön nimi)." if total > RECIPIENTS_SHOWN
             else f"Taulukossa ovat kaikki {format_number(total)} avustusta.")
    return (f"{shown} Koko luettelo: [CSV]({RECIPIENTS_FILE}.csv) (puolipiste, Excel avaa suoraan) · "
            f"[Excel (XLSX)]({RECIPIENTS_FILE}.xlsx).")
