"""Chart theme, plotly renderer and Finnish formatting for the report notebooks.

Imported inside notebook kernels, so it depends on plotly, pandas and IPython only. Call
`setup_plotly()` in the first code cell of every report notebook: under papermill plotly's
default renderer emits a mimetype that nbconvert drops, and the charts would silently vanish.

The "kainuu" renderer emits a bare ``<div>`` + ``<script>`` without plotly.js; the page
template (html_export) embeds plotly.js once. In a live JupyterLab session the charts are
therefore blank; use ``pio.renderers.default = "notebook"`` there when drafting.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

from kainuu_metrics import formatting
from kainuu_metrics.formatting import MISSING
from kainuu_metrics.report.labels import column_label

# Okabe & Ito (2008) palette, colour-blind safe. The first five reach the 3:1 contrast on white
# that WCAG 2.1 (1.4.11) asks of graphics; the pale three come only after them.
OKABE_ITO = [
    "#0072B2",  # blue 5.2:1
    "#D55E00",  # vermillion 3.9:1
    "#009E73",  # bluish green 3.4:1
    "#CC79A7",  # reddish purple 3.1:1
    "#000000",  # black
    "#E69F00",  # orange 2.3:1
    "#56B4E9",  # sky blue 2.3:1
    "#F0E442",  # yellow 1.3:1
]
FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"Noto Sans", "Liberation Sans", sans-serif'
)
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d9dde3"
AXIS_COLOUR = "#5f6b7a"

# "sendChartToCloud" would upload the data to Plotly's cloud service: never offered.
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "locale": "fi",
    "modeBarButtonsToRemove": ["sendChartToCloud", "lasso2d", "select2d"],
}
DEFAULT_HEIGHT_PX = 450

_figure_numbers = itertools.count(1)


def _next_figure_id() -> str:
    """'kuvio-1', 'kuvio-2', ... counting per notebook (setup_plotly starts the count again)."""
    return f"kuvio-{next(_figure_numbers)}"


def kainuu_template() -> go.layout.Template:
    """The plotly template: Okabe–Ito colours, system fonts, white background, Finnish separators."""
    axis = {
        "showgrid": True,
        "gridcolor": GRID_COLOUR,
        "zeroline": True,
        "zerolinecolor": AXIS_COLOUR,
        "linecolor": AXIS_COLOUR,
        "showline": True,
        "ticks": "outside",
        "tickcolor": AXIS_COLOUR,
        "separatethousands": True,
        "exponentformat": "none",
        "automargin": True,
        "title": {"standoff": 12},
    }
    return go.layout.Template(
        layout={
            "colorway": OKABE_ITO,
            "font": {"family": FONT_STACK, "size": 14, "color": TEXT_COLOUR},
            # Title at the top of the figure and a one-row legend just above the plot: the top
            # margin leaves room for both, so that they do not overlap.
            "title": {"font": {"size": 18}, "x": 0, "xanchor": "left", "xref": "container",
                      "y": 1, "yanchor": "top", "yref": "container", "pad": {"t": 10}},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "separators": ", ",
            "xaxis": {**axis, "showgrid": False},
            "yaxis": axis,
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            "hoverlabel": {"font": {"family": FONT_STACK, "size": 14}, "namelength": -1},
            "margin": {"l": 64, "r": 24, "t": 88, "b": 56},
            "colorscale": {"sequential": "cividis", "sequentialminus": "cividis"},
            "bargap": 0.25,
        }
    )


LABEL_LINE_CHARS = 18  # a category label longer than this wraps (<br>) instead of being clipped


def wrap_label(text: str, width: int = LABEL_LINE_CHARS) -> str:
    """A long label in lines of at most `width` characters joined by <br> (words never split).

    >>> wrap_label("Lapset, nuoret ja perheet")
    'Lapset, nuoret ja<br>perheet'
    >>> wrap_label("Ikäverkosto")
    'Ikäverkosto'
    """
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines) or str(text)


def wrap_category_labels(fig: go.Figure) -> go.Figure:
    """Long category labels of a bar chart wrapped onto lines (tick text only: the data and the
    hover texts keep the whole name), so that a narrow screen does not clip them. Returns `fig`."""
    for axis_name, attribute in (("xaxis", "x"), ("yaxis", "y")):
        categories: list[str] = []
        for trace in fig.data:
            values = getattr(trace, attribute, None)
            if trace.type != "bar" or values is None:
                continue
            categories += [v for v in values if isinstance(v, str) and v not in categories]
        axis = fig.layout[axis_name]
        if not categories or axis.tickvals is not None or not any(len(c) > LABEL_LINE_CHARS for c in categories):
            continue
        if not all(isinstance(v, str) for trace in fig.data if trace.type == "bar" and getattr(trace, attribute, None) is not None
                   for v in getattr(trace, attribute)):
            continue
        axis.update(tickmode="array", tickvals=categories, ticktext=[wrap_label(c) for c in categories])
    return fig


def figure_div(fig: go.Figure | dict[str, Any], div_id: str | None = None) -> str:
    """The figure as a ``<div>`` + ``<script>`` needing plotly.js from the page; no CDN, no MathJax.
    Long category labels wrap (wrap_category_labels)."""
    div_id = div_id or _next_figure_id()
    fig = wrap_category_labels(go.Figure(fig))
    config = {**PLOTLY_CONFIG, "toImageButtonOptions": {"filename": div_id, "scale": 2}}
    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config=config,
        default_width="100%",
        default_height=f"{DEFAULT_HEIGHT_PX}px",
        validate=False,
    )


class KainuuRenderer(MimetypeRenderer):
    """Emits text/html only (no plotly mimetype), with deterministic div ids."""

    def to_mimebundle(self, fig_dict: dict[str, Any]) -> dict[str, str]:
        return {"text/html": figure_div(fig_dict)}


def setup_plotly() -> None:
    """Register and select the "kainuu" template and renderer; figure ids start again at 1
    (a kernel may run several notebooks, and two runs must give the same HTML)."""
    global _figure_numbers
    _figure_numbers = itertools.count(1)
    pio.templates["kainuu"] = kainuu_template()
    pio.templates.default = "kainuu"
    pio.renderers["kainuu"] = KainuuRenderer()
    pio.renderers.default = "kainuu"


# --- charts ----------------------------------------------------------------------------------


def bar(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str | list[str],
    color: str | None = None,
    orientation: str = "v",
    barmode: str = "relative",
    labels: dict[str, str] | None = None,
    title: str | None = None,
    height: int | None = None,
    category_orders: dict[str, list] | None = None,
    color_discrete_map: dict[str, str] | None = None,
    range_y: list[float] | None = None,
) -> go.Figure:
    """A bar chart as ``plotly.express.bar`` draws it, for the arguments the pages use (see
    `_express`); several columns as `y` make one series per column ("variable", "value")."""
    return _express("bar", frame, x=x, y=y, color=color, orientation=orientation, barmode=barmode, labels=labels,
                    title=title, height=height, category_orders=category_orders, color_discrete_map=color_discrete_map,
                    range_y=range_y)


def line(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str | list[str],
    color: str | None = None,
    markers: bool = False,
    labels: dict[str, str] | None = None,
    title: str | None = None,
    height: int | None = None,
    range_y: list[float] | None = None,
) -> go.Figure:
    """A line chart as ``plotly.express.line`` draws it (see `bar`)."""
    return _express("scatter", frame, x=x, y=y, color=color, mode="lines+markers" if markers else "lines", labels=labels,
                    title=title, height=height, range_y=range_y)


def _express(
    kind: str,
    frame: pd.DataFrame,
    *,
    x: str,
    y: str | list[str],
    color: str | None,
    labels: dict[str, str] | None,
    title: str | None,
    height: int | None,
    range_y: list[float] | None,
    orientation: str = "v",
    barmode: str | None = None,
    mode: str | None = None,
    category_orders: dict[str, list] | None = None,
    color_discrete_map: dict[str, str] | None = None,
) -> go.Figure:
    """The figure plotly express would make (one trace per `color` value, in `category_orders`
    and then in order of appearance, a missing value as "–"; colours from the template's colorway unless mapped; axis
    and legend titles from `labels`), built directly: express builds each one through
    make_subplots and a dozen validated updates, about twenty times the work, and the report
    notebooks draw some seventy charts a run."""
    labels, orders, colours = labels or {}, category_orders or {}, color_discrete_map or {}
    if not isinstance(y, str):  # wide form, as express melts it
        frame = frame.melt(id_vars=[x], value_vars=list(y), var_name="variable", value_name="value")
        y, color = "value", "variable"

    def label(column: str) -> str:
        return labels.get(column, column)

    groups: list = [None]
    if color is not None:
        # A row without its series is drawn as the series "–" (express would leave it out).
        keys = frame[color].astype(object).where(frame[color].notna(), MISSING)
        present = list(dict.fromkeys(keys))
        groups = [g for g in orders.get(color, []) if g in present] + [g for g in present if g not in orders.get(color, [])]
    colorway = list(pio.templates[pio.templates.default].layout.colorway or OKABE_ITO)
    hover = f"{label(x)}: %{{x}}<br>{label(y)}: %{{y}}<extra></extra>"
    traces = []
    for n, group in enumerate(groups):
        part = frame if group is None else frame[(keys == group).to_numpy()]
        name = "" if group is None else str(group)
        trace: dict[str, Any] = {
            "type": kind, "name": name, "legendgroup": name, "showlegend": group is not None, "orientation": orientation,
            "x": part[x].to_numpy(), "y": part[y].to_numpy(),
            "hovertemplate": f"{label(color)}: {name}<br>{hover}" if color is not None else hover,
        }
        colour = colours.get(group, colorway[n % len(colorway)])
        if kind == "bar":
            trace["marker"] = {"color": colour}
        else:
            trace.update(mode=mode, line={"color": colour})
        traces.append(trace)
    layout: dict[str, Any] = {"xaxis": {"title": {"text": label(x)}}, "yaxis": {"title": {"text": label(y)}},
                              "legend": {"tracegroupgap": 0}}
    if color is not None:
        layout["legend"]["title"] = {"text": label(color)}
    for axis, column in (("xaxis", x), ("yaxis", y)):
        if column in orders:  # express lists a y axis's categories from the top down
            layout[axis].update(categoryorder="array", categoryarray=list(orders[column])[:: -1 if axis == "yaxis" else 1])
    if range_y is not None:
        layout["yaxis"]["range"] = list(range_y)
    if barmode is not None:
        layout["barmode"] = barmode
    if title is not None:
        layout["title"] = {"text": title}
    if height is not None:
        layout["height"] = height
    return go.Figure(data=traces, layout=layout)


# --- Finnish number formatting ---------------------------------------------------------


# Finnish formatting lives in kainuu_metrics.formatting; charts and tables use it by these names.
format_number, format_eur, format_percent, format_change, format_date = (
    formatting.number, formatting.eur, formatting.percent, formatting.change, formatting.date,
)


# --- HTML building blocks ----------------------------------------------------------------


def _decimals_needed(values: pd.Series, limit: int = 2) -> int:
    """The fewest decimals (0..limit) that show every value of a float column exactly."""
    finite = [float(v) for v in values.dropna() if math.isfinite(float(v))]
    for decimals in range(limit + 1):
        if all(abs(v - round(v, decimals)) < 1e-9 for v in finite):
            return decimals
    return limit


_FORMATTED_NUMBER = re.compile(r"^[+\u2212-]?\d[\d\u00a0 ]*(,\d+)?([ \u00a0]?(€|%|€ ?/ ?asukas|h|/\u00a0\d+))?$")


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _right_aligned(series: pd.Series) -> bool:
    """Numbers, or text that is all already-formatted numbers ('1 234 €', '12,5 %')."""
    if _is_numeric(series) or pd.api.types.is_bool_dtype(series):
        return _is_numeric(series)
    values = [v for v in series if isinstance(v, str) and v.strip() and v != MISSING]
    non_text = [v for v in series if not isinstance(v, str) and not _is_missing(v)]
    return bool(values) and not non_text and all(_FORMATTED_NUMBER.match(v.strip()) for v in values)


def _default_formatter(series: pd.Series) -> Callable[[Any], str]:
    if pd.api.types.is_bool_dtype(series):
        return lambda v: "kyllä" if v else "ei"
    if pd.api.types.is_integer_dtype(series):
        return lambda v: format_number(v, 0)
    if _is_numeric(series):
        decimals = _decimals_needed(series)
        return lambda v: format_number(v, decimals)
    if pd.api.types.is_datetime64_any_dtype(series):
        return format_date
    return lambda v: format_date(v) if isinstance(v, (dt.date, pd.Timestamp)) else str(v)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def table_html(
    df: pd.DataFrame,
    *,
    caption: str,
    formats: dict[str, Callable[[Any], str]] | None = None,
    css_class: str = "taulukko",
) -> str:
    """A Finnish-formatted, accessible HTML table (caption, th scope, numbers right-aligned).

    A meaningful index (named, or not a plain 0..n-1 range) is shown as the first column.
    Headers are Finnish (labels.column_label: 'myönnetty_eur' -> 'Myönnetty (€)'); `formats`
    may name a column by either. Missing values show as '–'; `formats` maps a column to a function of one non-missing value.
    """
    if df.index.name is not None or not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()
    formats = formats or {}
    columns = [column_label(c) for c in df.columns]  # Finnish headers, never machine names (report/labels.py)
    numeric = [_right_aligned(df[c]) for c in df.columns]
    formatters = [formats.get(str(c)) or formats.get(column_label(c)) or _default_formatter(df[c]) for c in df.columns]
    row_header = bool(columns) and not numeric[0]

    def cls(i: int) -> str:
        return ' class="luku"' if numeric[i] else ""

    parts = [f'<table class="{html.escape(css_class)}">', f"<caption>{html.escape(caption)}</caption>"]
    parts.append("<thead><tr>")
    parts += [f'<th scope="col"{cls(i)}>{html.escape(c)}</th>' for i, c in enumerate(columns)]
    parts.append("</tr></thead><tbody>")
    for row in df.itertuples(index=False, name=None):
        parts.append("<tr>")
        for i, value in enumerate(row):
            text = MISSING if _is_missing(value) else formatters[i](value)
            cell = html.escape(str(text))
            if i == 0 and row_header:
                parts.append(f'<th scope="row"{cls(i)}>{cell}</th>')
            else:
                parts.append(f"<td{cls(i)}>{cell}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def figure_html(fig: go.Figure, *, alt_text: str, data: pd.DataFrame | None = None) -> str:
    """The figure in a <figure> with a caption and, when given, its data as a table."""
    div_id = _next_figure_id()
    caption_id = f"{div_id}-kuvaus"
    parts = [
        f'<figure class="kuvio" aria-labelledby="{caption_id}">',
        figure_div(fig, div_id),
        f'<figcaption id="{caption_id}">{html.escape(alt_text)}</figcaption>',
    ]
    if data is not None:
        parts += [
            '<details class="kuvion-tiedot">',
            "<summary>Kuvion tiedot taulukkona</summary>",
            f'<div class="taulukko-kehys">{table_html(data, caption=f"Kuvion tiedot: {alt_text}")}</div>',
            "</details>",
        ]
    parts.append("</figure>")
    return "".join(parts)


def _display_html(markup: str) -> None:
    from IPython.display import display

    display({"text/html": markup}, raw=True)


_YEAR = re.compile(r"^\d{4}$")


def trend_years(fig: go.Figure) -> list[str] | None:
    """The years a trend chart shows, or None when `fig` is no trend chart. A trend chart is one
    whose x axis is categorical and whose every x value is a year ('2024'), as the pages draw
    their "vuosittain" charts.

    >>> trend_years(go.Figure(go.Bar(x=["2024", "2025"], y=[1, 2]), layout={"xaxis": {"type": "category"}}))
    ['2024', '2025']
    >>> trend_years(go.Figure(go.Bar(x=[2024.0], y=["Rooli"], orientation="h"))) is None
    True
    """
    if fig.layout.xaxis.type != "category":
        return None
    values = [str(x) for trace in fig.data for x in (getattr(trace, "x", None) if getattr(trace, "x", None) is not None else [])]
    if not values or not all(_YEAR.match(v) for v in values):
        return None
    return sorted(set(values))


def single_year_text(fig: go.Figure, years: list[str]) -> str:
    """The sentence shown instead of a trend chart of one year (a lone bar or dot is no trend)."""
    title = fig.layout.title.text or "Kehitys vuosittain"
    return (f"{title}: kehitys näytetään kuviona, kun aineistossa on vähintään kaksi vuotta; "
            f"nyt aineistossa on vain vuosi {years[0]}, jonka luvut ovat sivun tunnusluvuissa.")


def show_figure(fig: go.Figure, *, alt_text: str, data: pd.DataFrame | None = None) -> None:
    """Display the figure with a text alternative and, when given, its data as a table. A trend
    chart (trend_years) of a single year is replaced by one sentence saying why.

    The plotly mimetype rides along so that the chart is interactive in a live JupyterLab
    session; exported pages use the text/html part (plotly.js embedded by the page)."""
    from IPython.display import display

    years = trend_years(fig)
    if years is not None and len(years) < 2:
        _display_html(f'<p class="kehitys-yksi-vuosi">{html.escape(single_year_text(fig, years))}</p>')
        return
    bundle = {
        "text/html": figure_html(fig, alt_text=alt_text, data=data),
        "application/vnd.plotly.v1+json": json.loads(fig.to_json()),
    }
    display(bundle, raw=True)


def show_table(
    df: pd.DataFrame, *, caption: str, formats: dict[str, Callable[[Any], str]] | None = None
) -> None:
    """Display a Finnish-formatted HTML table (see `table_html`)."""
    _display_html(f'<div class="taulukko-kehys">{table_html(df, caption=caption, formats=formats)}</div>')


def text_html(markdown_text: str) -> str:
    """A text that depends on the data (Markdown: paragraphs, **bold**, lists) as HTML, with any
    HTML in it escaped. Fixed headings and explanations belong in the notebook's Markdown cells."""
    import mistune

    return mistune.create_markdown(escape=True)(markdown_text)


def show_text(markdown_text: str) -> None:
    """Display a data-dependent text (see `text_html`); an empty text shows nothing."""
    if markdown_text and markdown_text.strip():
        _display_html(text_html(markdown_text))


def show_html(markup: str) -> None:
    """Display HTML built by a report function (text/html only)."""
    _display_html(markup)
