"""The data behind a chart, from its plotly JSON, as a table and as download links.

A page's chart can be downloaded as CSV (';', decimal comma, UTF-8 with BOM, as Finnish Excel
opens it) and as XLSX from the page itself, offline: both are data: URIs made when the page is
exported. The table has one row per category (an x value, or y for horizontal bars, theta
for polar charts) and one column per trace; its column names are the axis titles (Finnish,
from the notebook), or the trace names when a chart has several traces.

>>> figure = {"data": [{"type": "bar", "x": ["A", "B"], "y": [1.5, 2.0]}],
...           "layout": {"xaxis": {"title": {"text": "Laji"}}, "yaxis": {"title": {"text": "Euroa"}}}}
>>> chart_table(figure).to_dict("list")
{'Laji': ['A', 'B'], 'Euroa': [1.5, 2.0]}
"""

from __future__ import annotations

import base64
import html
import re
from typing import Any

import numpy as np
import pandas as pd

from kainuu_metrics.store import csv_bytes, workbook_bytes, write_table

CATEGORY_FALLBACK, VALUE_FALLBACK = "Luokka", "Arvo"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = "Kuvion tiedot"
_DIV_ID = re.compile(r'id="(kuvio-\d+)"')


def decode_array(value: Any) -> list:
    """A trace array as a list: plotly.py writes numeric arrays as {"dtype": "f8", "bdata":
    base64 of little-endian values (, "shape")}; plain lists pass through."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<"))
        return array.tolist()
    if value is None:
        return []
    return list(value)


def _axis_title(layout: dict, axis: str) -> str:
    title = (layout.get(axis) or {}).get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return str(text).strip() if text else ""


def _series(trace: dict) -> tuple[list, list, str, str]:
    """(categories, values, category axis, value axis) of one trace."""
    if "r" in trace or "theta" in trace:
        values = decode_array(trace.get("r"))
        return decode_array(trace.get("theta")) or list(range(1, len(values) + 1)), values, "", ""
    x, y = decode_array(trace.get("x")), decode_array(trace.get("y"))
    suffix_x, suffix_y = (trace.get("xaxis") or "x")[1:], (trace.get("yaxis") or "y")[1:]
    if trace.get("orientation") == "h":
        return y or list(range(1, len(x) + 1)), x, f"yaxis{suffix_y}", f"xaxis{suffix_x}"
    return x or list(range(1, len(y) + 1)), y, f"xaxis{suffix_x}", f"yaxis{suffix_y}"


def _unique(name: str, taken: list[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def chart_table(figure: dict) -> pd.DataFrame:
    """The figure's traces as one table (see the module docstring); empty without traces."""
    layout = figure.get("layout") or {}
    traces = [t for t in figure.get("data") or [] if isinstance(t, dict)]
    if not traces:
        return pd.DataFrame()
    series = [_series(t) for t in traces]
    category_name = _axis_title(layout, series[0][2]) or CATEGORY_FALLBACK
    columns: list[str] = [category_name]
    order: list = []
    by_column: dict[str, dict] = {}
    for n, (trace, (categories, values, _cat_axis, value_axis)) in enumerate(zip(traces, series), start=1):
        if len(traces) == 1:
            name = _axis_title(layout, value_axis) or str(trace.get("name") or "") or VALUE_FALLBACK
        else:
            name = str(trace.get("name") or "") or f"{_axis_title(layout, value_axis) or VALUE_FALLBACK} {n}"
        name = _unique(name, columns)
        columns.append(name)
        by_column[name] = {}
        for category, value in zip(categories, values):
            key = category if not isinstance(category, list) else " ".join(map(str, category))
            if key not in order:
                order.append(key)
            by_column[name][key] = None if value is None else value
    table = pd.DataFrame({category_name: order})
    for name in columns[1:]:
        table[name] = [by_column[name].get(key) for key in order]
        try:
            table[name] = pd.to_numeric(table[name])
        except (TypeError, ValueError):
            pass  # text values stay text
    return table


def chart_xlsx(table: pd.DataFrame, title: str = "") -> bytes:
    """The table as an .xlsx of one sheet (formula-safe, frozen header, filter, same bytes on a rerun)."""
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_NAME
    write_table(ws, table)
    workbook.properties.title = title or None
    return workbook_bytes(workbook)


def download_links(figure: dict, stem: str) -> str:
    """'<p class="kuvion-lataus">Lataa kuvion tiedot: CSV · Excel</p>' with data: links, or ''
    when the figure has no data."""
    table = chart_table(figure)
    if table.empty:
        return ""
    title = _axis_title({"t": {"title": (figure.get("layout") or {}).get("title")}}, "t")
    csv = base64.b64encode(csv_bytes(table, decimal=",")).decode("ascii")
    xlsx = base64.b64encode(chart_xlsx(table, title)).decode("ascii")
    name = html.escape(stem, quote=True)
    return (
        '<p class="kuvion-lataus">Lataa kuvion tiedot: '
        f'<a href="data:text/csv;charset=utf-8;base64,{csv}" download="{name}.csv" type="text/csv">CSV-tiedosto</a>'
        " · "
        f'<a href="data:{XLSX_MIMETYPE};base64,{xlsx}" download="{name}.xlsx" type="{XLSX_MIMETYPE}">Excel-tiedosto (XLSX)</a>'
        "</p>"
    )


def with_download_links(markup: str, figure: dict, prefix: str) -> str:
    """The chart's HTML with its download links at the end of its <figure> (after the caption
    and the data table), or after the markup when there is no <figure>."""
    match = _DIV_ID.search(markup)
    links = download_links(figure, f"{prefix}-{match.group(1) if match else 'kuvio'}")
    if not links:
        return markup
    if "</figure>" in markup:
        head, _, tail = markup.rpartition("</figure>")
        return f"{head}{links}</figure>{tail}"
    return markup + links
