from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kainuu_metrics.report import charts
from kainuu_metrics.report.charts import (
    OKABE_ITO,
    figure_html,
    format_change,
    format_eur,
    format_number,
    format_percent,
    setup_plotly,
    table_html,
)
from kainuu_metrics.datasets.parsing import parse_finnish_number

NB = "\u00a0"


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, f"1{NB}234,5"),
        (1234.5, 0, f"1{NB}235"),
        (1234567, 0, f"1{NB}234{NB}567"),
        (999, 0, "999"),
        (0, 2, "0,00"),
        (-1234.5, 1, f"\u22121{NB}234,5"),
        (2.5, 0, "3"),  # half away from zero, not to even
        (-2.5, 0, "\u22123"),
        (2.675, 2, "2,68"),  # float 2.675 is 2.67499..., people expect 2,68
        (-0.04, 1, "0,0"),  # no "−0,0"
        (np.int64(36709), 0, f"36{NB}709"),
        (np.float64(0.5), 1, "0,5"),
        (Decimal("1234.565"), 2, f"1{NB}234,57"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, math.inf, -math.inf])
def test_missing_values_show_a_dash(missing):
    assert format_number(missing) == "–"
    assert format_eur(missing) == "–"
    assert format_percent(missing) == "–"
    assert format_change(missing) == "–"


def test_format_eur():
    assert format_eur(1234.5, 2) == f"1{NB}234,50\u00a0€"
    assert format_eur(1234.5) == f"1{NB}235\u00a0€"
    assert format_eur(0) == "0\u00a0€"
    assert format_eur(-50) == "\u221250\u00a0€"


def test_format_percent():
    assert format_percent(0.125) == "12,5\u00a0%"
    assert format_percent(1) == "100,0\u00a0%"
    assert format_percent(0.145, 0) == "15\u00a0%"  # 0.145 * 100 is 14.4999... in floats
    assert format_percent(0.0005, 2) == "0,05\u00a0%"
    assert format_percent(12.5) == f"1{NB}250,0\u00a0%"


def test_format_change():
    assert format_change(0.125) == "+12,5\u00a0%"
    assert format_change(-0.03) == "\u22123,0\u00a0%"
    assert format_change(0) == "0,0\u00a0%"
    assert format_change(-0.0001) == "0,0\u00a0%"
    assert format_change(0.5, 0) == "+50\u00a0%"


def test_format_date():
    assert charts.format_date(dt.date(2024, 3, 5)) == "5.3.2024"
    assert charts.format_date(pd.Timestamp("2023-12-31 10:00")) == "31.12.2023"
    assert charts.format_date(pd.NaT) == "–"


def _half_up(value: float, decimals: int) -> float:
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
)
def test_format_number_round_trips_through_the_parser(value, decimals):
    assert parse_finnish_number(format_number(value, decimals)) == _half_up(value, decimals)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_round_trip_exactly(value):
    assert parse_finnish_number(format_eur(value)) == value
    assert parse_finnish_number(format_number(value)) == value


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_formatted_numbers_never_break_or_use_a_point(value):
    text = format_number(value, 2)
    assert " " not in text and "." not in text and "-" not in text
    assert text.count(",") == 1


# --- plotly theme and renderer ------------------------------------------------------------------


@pytest.fixture
def plotly_setup():
    saved = (pio.renderers.default, pio.templates.default)
    setup_plotly()
    yield
    pio.renderers.default, pio.templates.default = saved


def test_setup_plotly_selects_the_kainuu_template_and_renderer(plotly_setup):
    assert pio.renderers.default == "kainuu"
    assert pio.templates.default == "kainuu"
    layout = pio.templates["kainuu"].layout
    assert layout.separators == ", "
    assert list(layout.colorway) == OKABE_ITO
    assert layout.paper_bgcolor == "#ffffff"
    assert "system-ui" in layout.font.family


def test_renderer_emits_only_html_without_plotlyjs_or_cdn(plotly_setup):
    fig = go.Figure(go.Bar(x=["Kajaani", "Kuhmo"], y=[36709, 8190]))
    bundle = pio.renderers["kainuu"].to_mimebundle(fig.to_dict())
    assert set(bundle) == {"text/html"}
    markup = bundle["text/html"]
    assert 'class="plotly-graph-div"' in markup
    assert 'id="kuvio-' in markup
    assert "<script src" not in markup
    assert "http" not in markup
    assert '"displaylogo": false' in markup
    assert "sendChartToCloud" in markup  # removed from the mode bar: no upload button


def _gaps_as_none(values: list) -> list:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values]


def _express_view(fig: go.Figure) -> tuple[list, dict]:
    """What a reader sees of a figure (and the downloads read): its traces' kind, name, legend,
    orientation, mode, colour and data, and its layout without the template and axis anchors."""
    from kainuu_metrics.report.chart_data import decode_array

    layout = {k: v for k, v in fig.to_dict()["layout"].items() if k != "template"}
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {k: v for k, v in layout.get(axis, {}).items() if k not in ("anchor", "domain")}
    traces = [
        {
            "type": t["type"], "name": t.get("name"), "showlegend": t.get("showlegend"), "legendgroup": t.get("legendgroup"),
            "orientation": t.get("orientation"), "mode": t.get("mode"),
            "colour": (t.get("marker") or {}).get("color") if t["type"] == "bar" else (t.get("line") or {}).get("color"),
            "x": _gaps_as_none(decode_array(t.get("x"))), "y": _gaps_as_none(decode_array(t.get("y"))),
        }
        for t in (trace.to_plotly_json() for trace in fig.data)
    ]
    return traces, layout


ROLES = pd.DataFrame({"Tunteja": [12.5, 3.0, 40.0], "Rooli": ["Kouluttaja", "Kehittäjä", "Vertaistukija"]})
SUPPORT = pd.DataFrame({"Vuosi": ["2024", "2025"], "Avustukset (€)": [1000.0, 1200.0], "Tilojen käyttö (€)": [300.0, 250.0]})
ANSWERS = pd.DataFrame({"Lukumäärä": [2, 1, 3, 4], "Kriteeri": ["Luottamus", "Tieto", "Luottamus", "Tieto"],
                        "Vastaus": ["Vaihe 1", "Vaihe 1", "Vaihe 2", "Vaihe 2"]})
TERMS = pd.DataFrame({"kunta": ["Kajaani", "Kuhmo", "Kajaani", "Kuhmo"], "arvo": [10.0, 12.5, 11.0, None],
                      "kausi": ["2021–2025", "2021–2025", "2025–2029", "2025–2029"]})


@pytest.mark.parametrize(
    ("kind", "frame", "arguments"),
    [
        ("bar", ROLES, dict(x="Tunteja", y="Rooli", orientation="h", title="Tunnit rooleittain 2025")),
        ("bar", TERMS, dict(x="kunta", y="arvo", color="kausi", barmode="group", labels={"kunta": "Kotikunta", "arvo": "€ / asukas", "kausi": "Valtuustokausi"})),
        ("bar", TERMS, dict(x="kunta", y="arvo", color="kausi", title="Pinottu")),
        ("bar", SUPPORT, dict(x="Vuosi", y=["Avustukset (€)", "Tilojen käyttö (€)"], labels={"value": "Euroa", "variable": ""}, height=380)),
        ("bar", ANSWERS, dict(x="Lukumäärä", y="Kriteeri", color="Vastaus", orientation="h",
                              category_orders={"Vastaus": ["Vaihe 2", "Vaihe 1"], "Kriteeri": ["Tieto", "Luottamus"]},
                              color_discrete_map={"Vaihe 1": "#111111", "Vaihe 2": "#222222"})),
        ("bar", ROLES, dict(x="Rooli", y="Tunteja", range_y=[0, 50])),
        ("line", SUPPORT, dict(x="Vuosi", y=["Avustukset (€)", "Tilojen käyttö (€)"], markers=True, labels={"value": "€", "variable": ""})),
        ("line", TERMS, dict(x="kunta", y="arvo", color="kausi")),
        ("line", SUPPORT, dict(x="Vuosi", y="Avustukset (€)", markers=True, range_y=[0, 2000], title="Avustukset")),
    ],
)
def test_charts_draw_what_plotly_express_draws(plotly_setup, kind, frame, arguments):
    import plotly.express as px

    assert _express_view(getattr(charts, kind)(frame, **arguments)) == _express_view(getattr(px, kind)(frame, **arguments))


def test_a_bar_chart_by_hand(plotly_setup):
    fig = charts.bar(TERMS, x="kunta", y="arvo", color="kausi", barmode="group", labels={"arvo": "€ / asukas", "kausi": "Kausi"})
    assert [trace.name for trace in fig.data] == ["2021–2025", "2025–2029"]
    assert list(fig.data[0].x) == ["Kajaani", "Kuhmo"] and list(fig.data[0].y) == [10.0, 12.5]
    assert list(fig.data[1].y[:1]) == [11.0] and math.isnan(fig.data[1].y[1])  # a missing value stays a gap
    assert [trace.marker.color for trace in fig.data] == OKABE_ITO[:2]
    assert fig.data[1].hovertemplate == "Kausi: 2025–2029<br>kunta: %{x}<br>€ / asukas: %{y}<extra></extra>"
    assert (fig.layout.barmode, fig.layout.legend.title.text, fig.layout.xaxis.title.text) == ("group", "Kausi", "kunta")


def test_a_row_without_its_series_is_drawn_not_dropped(plotly_setup):
    frame = pd.DataFrame({"kunta": ["Kajaani", "Kuhmo", "Sotkamo"], "arvo": [1.0, 2.0, 3.0], "kausi": ["2021–2025", None, "2021–2025"]})
    fig = charts.bar(frame, x="kunta", y="arvo", color="kausi")
    assert [(trace.name, list(trace.x)) for trace in fig.data] == [("2021–2025", ["Kajaani", "Sotkamo"]), ("–", ["Kuhmo"])]


def test_figure_ids_count_up():
    first = charts._next_figure_id()
    second = charts._next_figure_id()
    assert int(second.removeprefix("kuvio-")) == int(first.removeprefix("kuvio-")) + 1


def test_figure_html_wraps_the_chart_with_caption_and_data(plotly_setup):
    data = pd.DataFrame({"kunta": ["Kajaani", "Kuhmo"], "asukkaita": [36709, 8190]})
    fig = go.Figure(go.Bar(x=data["kunta"], y=data["asukkaita"]))
    markup = figure_html(fig, alt_text="Kajaanissa <eniten> asukkaita", data=data)
    div_id = markup.split('<div id="', 1)[1].split('"', 1)[0]
    assert markup.startswith(f'<figure class="kuvio" aria-labelledby="{div_id}-kuvaus">')
    assert f'<figcaption id="{div_id}-kuvaus">Kajaanissa &lt;eniten&gt; asukkaita</figcaption>' in markup
    assert "<details class=\"kuvion-tiedot\"><summary>Kuvion tiedot taulukkona</summary>" in markup
    assert f'<td class="luku">36{NB}709</td>' in markup
    assert markup.endswith("</details></figure>")


def test_figure_html_without_data_has_no_details(plotly_setup):
    markup = figure_html(go.Figure(), alt_text="Tyhjä kuvio")
    assert "<details" not in markup


def test_show_figure_and_show_table_display_html(monkeypatch, plotly_setup):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    charts.show_figure(go.Figure(), alt_text="Kuvio")
    charts.show_table(pd.DataFrame({"a": [1]}), caption="Taulukko")
    assert [set(obj) for obj, _ in shown] == [{"text/html", "application/vnd.plotly.v1+json"}, {"text/html"}]
    assert all(raw for _, raw in shown)
    assert shown[0][0]["text/html"].startswith("<figure")
    assert shown[1][0]["text/html"].startswith('<div class="taulukko-kehys"><table class="taulukko">')


# --- tables ------------------------------------------------------------------------------------


def test_table_html_formats_finnish_and_marks_numbers():
    df = pd.DataFrame(
        {
            "Kunta": ["Kajaani", "Kuhmo <b>"],
            "Asukkaita": [36709, 8190],
            "Osuus": [0.5, None],
            "Lähellä.fi": [True, False],
            "Päätös": [pd.Timestamp("2024-03-15"), pd.NaT],
        }
    )
    markup = table_html(df, caption="Kunnat 2024")
    assert markup == (
        '<table class="taulukko"><caption>Kunnat 2024</caption><thead><tr>'
        '<th scope="col">Kunta</th><th scope="col" class="luku">Asukkaita</th>'
        '<th scope="col" class="luku">Osuus</th><th scope="col">Lähellä.fi</th>'
        '<th scope="col">Päätös</th></tr></thead><tbody>'
        f'<tr><th scope="row">Kajaani</th><td class="luku">36{NB}709</td><td class="luku">0,5</td>'
        "<td>kyllä</td><td>15.3.2024</td></tr>"
        f'<tr><th scope="row">Kuhmo &lt;b&gt;</th><td class="luku">8{NB}190</td><td class="luku">–</td>'
        "<td>ei</td><td>–</td></tr>"
        "</tbody></table>"
    )


def test_table_html_uses_given_formats_and_does_not_mutate():
    df = pd.DataFrame({"Summa": [1234.5, 99.0], "Osuus": [0.125, 0.875]})
    before = df.copy()
    markup = table_html(df, caption="Avustukset", formats={"Summa": format_eur, "Osuus": format_percent})
    assert f'<td class="luku">1{NB}235\u00a0€</td>' in markup
    assert '<td class="luku">87,5\u00a0%</td>' in markup
    pd.testing.assert_frame_equal(df, before)


def test_table_html_float_columns_get_the_fewest_exact_decimals():
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [1.5, 2.25], "c": [1 / 3, 2.0]})
    markup = table_html(df, caption="x")
    assert '<td class="luku">1</td>' in markup  # a: whole numbers
    assert '<td class="luku">1,50</td>' in markup  # b: two decimals needed
    assert '<td class="luku">0,33</td>' in markup  # c: capped at two


def test_table_html_shows_a_meaningful_index():
    series = pd.Series([3, 4], index=pd.Index(["Kajaani", "Kuhmo"], name="Kunta"), name="Hakemuksia")
    markup = table_html(series.to_frame(), caption="Hakemukset")
    assert '<th scope="col">Kunta</th>' in markup
    assert '<th scope="row">Kuhmo</th><td class="luku">4</td>' in markup


def test_table_html_right_aligns_preformatted_numbers():
    df = pd.DataFrame(
        {
            "Tunnusluku": ["Myönnetty", "Muutos", "Hakemuksia", "Puuttuu"],
            "Arvo": [format_eur(147300), format_change(0.205), "52", "–"],
        }
    )
    markup = table_html(df, caption="Tunnusluvut")
    assert '<th scope="col" class="luku">Arvo</th>' in markup
    assert f'<td class="luku">147{NB}300\u00a0€</td>' in markup
    assert '<td class="luku">+20,5\u00a0%</td>' in markup
    mixed = table_html(pd.DataFrame({"a": ["12", "Kajaani"]}), caption="x")
    assert 'class="luku"' not in mixed
