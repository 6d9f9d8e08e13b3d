"""Yhteistyö-Tuokio report tables and charts in Finnish (pure; the notebook only shows these).

The scores come from kainuu_metrics.indicators.tuokio; the tables read the processed tables
(`processed_tables`). Every table of one evaluation shows the county-wide evaluation; local
evaluations are listed on their own (`local_evaluations_table`), never mixed in.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from kainuu_metrics import formatting
from kainuu_metrics.datasets.schemas import TUOKIO_AGREED, TUOKIO_GOAL_FOLLOWUPS, TUOKIO_GOALS, TUOKIO_RATINGS, conform
from kainuu_metrics.datasets.tuokio.config import TuokioConfig
from kainuu_metrics.datasets.tuokio.scope import in_series
from kainuu_metrics.report.charts import OKABE_ITO, format_number
from kainuu_metrics.report.labels import without_path_sentences


def _fi_date(value: object) -> str | None:
    """'12.11.2025', or None for a missing date."""
    return None if formatting.is_missing(value) else formatting.date(pd.Timestamp(value))


def _stage_text(number: object, config: TuokioConfig) -> str | None:
    if number is None or pd.isna(number):
        return None
    return config.stage(int(number)).label


def key_figures(index: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """The evaluation's headline figures as Finnish text."""
    i = index.loc[index["evaluation_date"] == date].iloc[0]
    n = config.n_stages

    def number(value: object, decimals: int = 1, sign: bool = False) -> str:
        if value is None or pd.isna(value):
            return "–"
        text = format_number(value, decimals)
        return f"+{text}" if sign and float(value) > 0 else text

    rows = [
        ("Arviointipäivä", _fi_date(date)),
        ("Vastauslomakkeita", number(i["respondents"], 0)),
        (f"Kokonaisindeksi (asteikko 1–{n})", number(i["index_mean"], 2)),
        ("Kokonaisindeksi (0–100)", number(i["index_0_100"], 0)),
        ("Kokonaisindeksin vaihe", _stage_text(i["stage"], config) or "–"),
        ("Muutos edellisestä arvioinnista (vaiheina)", number(i["index_change"], 2, sign=True)),
        ("Edellinen arviointi", _fi_date(i["previous_date"]) or "ei aiempaa arviointia"),
        ("Vahvin kriteeri", i["strongest"] if isinstance(i["strongest"], str) else "–"),
        ("Heikoin kriteeri", i["weakest"] if isinstance(i["weakest"], str) else "–"),
    ]
    return pd.DataFrame(rows, columns=["Tunnusluku", "Arvo"])


def radar_data(scores: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Criterion means of this and the previous evaluation, in criterion order."""
    s = scores.loc[scores["evaluation_date"] == date]
    previous = s["previous_date"].iloc[0] if not s.empty else None
    return pd.DataFrame({
        "Kriteeri": s["criterion_name"].to_numpy(),
        f"Arviointi {_fi_date(date)}": s["mean"].to_numpy(),
        **({f"Edellinen arviointi {_fi_date(previous)}": s["previous_mean"].to_numpy()} if previous is not None and not pd.isna(previous) else {}),
    })


def radar_figure(radar: pd.DataFrame, n_stages: int) -> go.Figure:
    """A radar chart of `radar_data`: this evaluation filled, the previous one (when there is
    one) dashed grey, on the scale 1..N."""
    theta = radar["Kriteeri"].tolist() + radar["Kriteeri"].tolist()[:1]
    hover = "%{theta}: %{r:.2f}<extra></extra>"
    fig = go.Figure()
    if radar.shape[1] > 2:
        previous = radar.iloc[:, 2].tolist()
        fig.add_trace(go.Scatterpolar(r=previous + previous[:1], theta=theta, name=radar.columns[2], mode="lines+markers",
                                      line={"color": "#7f7f7f", "dash": "dash"}, hovertemplate=hover))
    current = radar.iloc[:, 1].tolist()
    fig.add_trace(go.Scatterpolar(r=current + current[:1], theta=theta, name=radar.columns[1], mode="lines+markers", fill="toself",
                                  line={"color": OKABE_ITO[0]}, hovertemplate=hover))
    fig.update_layout(
        title="Kriteerien keskiarvot tässä ja edellisessä arvioinnissa", height=560, margin={"t": 110, "b": 90},
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0.5, "xanchor": "center"},
        polar={"radialaxis": {"range": [1, n_stages], "tickvals": list(range(1, n_stages + 1)), "angle": 60, "tickangle": 60},
               "angularaxis": {"direction": "clockwise", "rotation": 90}},
    )
    return fig


def radar_alt_text(radar: pd.DataFrame, date: pd.Timestamp, n_stages: int) -> str:
    """The radar chart's text alternative."""
    previous = " ja edellisessä arvioinnissa." if radar.shape[1] > 2 else "."
    return f"Tutkakaavio: kriteerien keskiarvot asteikolla 1–{n_stages} arvioinnissa {_fi_date(date)}{previous}"


def score_table(scores: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """Per criterion: counts, mean, median, spread, stage, agreed rating and change."""
    s = scores.loc[scores["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": s["criterion_name"].to_numpy(),
        "Arvioita": s["n_ratings"].to_numpy(),
        "Ei arvioitu": s["n_not_assessed"].to_numpy(),
        "Ei vastausta": s["n_no_answer"].to_numpy(),
        "Keskiarvo": s["mean"].to_numpy(),
        "Mediaani": s["median"].to_numpy(),
        "Vaihteluväli": [f"{a}–{b}" if not pd.isna(a) else None for a, b in zip(s["min"], s["max"])],
        "Keskihajonta": s["std"].to_numpy(),
        "Indeksi 0–100": s["score_0_100"].to_numpy(),
        "Sovittu arvio": [_stage_text(v, config) for v in s["agreed_rating"]],
        "Muutos edellisestä": s["change"].to_numpy(),
    })


def maturity_table(scores: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """Per criterion: the stage from the mean with the stage's description, and the agreed stage."""
    s = scores.loc[scores["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": s["criterion_name"].to_numpy(),
        "Keskiarvo": s["mean"].to_numpy(),
        "Vaihe (keskiarvon mukaan)": [_stage_text(v, config) for v in s["stage"]],
        "Vaiheen kuvaus": [None if pd.isna(v) else config.stage(int(v)).description for v in s["stage"]],
        "Tilaisuudessa sovittu vaihe": [_stage_text(v, config) for v in s["agreed_rating"]],
    })


def distribution_table(distribution: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Counts of each answer per criterion, long format for a stacked bar chart."""
    d = distribution.loc[distribution["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": d["criterion_name"].to_numpy(),
        "Vastaus": d["answer"].to_numpy(),
        "Lukumäärä": d["count"].to_numpy(),
    })


def actor_type_table(means: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Group means per criterion (wide: one column per group), suppressed cells missing."""
    m = means.loc[means["evaluation_date"] == date]
    if m.empty:
        return pd.DataFrame()
    groups = list(dict.fromkeys(m["group"]))
    wide = m.pivot_table(index="criterion_name", columns="group", values="mean", sort=False, dropna=False)
    wide = wide.reindex(index=list(dict.fromkeys(m["criterion_name"])), columns=groups)
    sizes = m.drop_duplicates("group").set_index("group")["respondents"]
    wide.columns = [f"{g} (n = {sizes[g]})" for g in groups]
    return wide.rename_axis("Kriteeri").reset_index()


def actor_type_long(means: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Group means for a grouped bar chart (suppressed cells left out)."""
    m = means.loc[(means["evaluation_date"] == date) & means["mean"].notna()]
    return pd.DataFrame({"Kriteeri": m["criterion_name"].to_numpy(), "Toimijaryhmä": m["group"].to_numpy(), "Keskiarvo": m["mean"].to_numpy()})


def divergence_table(divergence: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    d = divergence.loc[divergence["evaluation_date"] == date]
    return pd.DataFrame({
        "Kriteeri": d["criterion_name"].to_numpy(),
        "Myönteisin ryhmä": d["highest_group"].to_numpy(),
        "Kriittisin ryhmä": d["lowest_group"].to_numpy(),
        "Ero (vaiheina)": d["difference"].to_numpy(),
        "Järjestöt – hyvinvointialue": d["ngo_minus_county"].to_numpy(),
        "Näkemykset eroavat": ["kyllä" if v is True else ("ei" if v is False else None) for v in d["divergent"].astype(object)],
    })


def goals_table(goals: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """The county-wide evaluation's development goals."""
    g = in_series(goals)
    g = g.loc[g["evaluation_date"] == date].sort_values("goal_number")
    names = config.criterion_names
    return pd.DataFrame({
        "Nro": g["goal_number"].to_numpy(),
        "Kehittämistavoite": g["goal"].to_numpy(),
        "Toimenpide": g["action"].to_numpy(),
        "Kriteeri": g["criterion"].map(names).to_numpy(),
        "Vastuutaho": g["owner"].to_numpy(),
        "Aikataulu": g["deadline"].to_numpy(),
        "Tila": g["status"].to_numpy(),
    })


NOT_FOLLOWED_UP = "ei raportoitu tämän vuoden seurannassa"
NOT_IN_PREVIOUS = "ei löydy edellisestä yhteenvedosta"


def _followup_note(notes: object, matched: bool, in_previous: bool) -> str | None:
    """What the follow-up says of a goal: its notes; for a goal of the previous summary whose
    status this year's follow-up leaves out, that; for a follow-up row that names no goal of
    the previous summary, that (before its notes)."""
    text = notes if isinstance(notes, str) else None
    if in_previous:
        return text if matched else NOT_FOLLOWED_UP
    return f"{NOT_IN_PREVIOUS}; {text}" if text else NOT_IN_PREVIOUS


def previous_goals_table(status: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    names = config.criterion_names
    return pd.DataFrame({
        "Nro": status["goal_number"].to_numpy(),
        "Edellisen arvioinnin tavoite": status["goal"].to_numpy(),
        "Kriteeri": status["criterion"].map(names).to_numpy(),
        "Vastuutaho": status["owner"].to_numpy(),
        "Aikataulu": status["deadline"].to_numpy(),
        "Tila nyt": [s if isinstance(s, str) else "ei raportoitu" for s in status["status_now"]],
        "Huomiot": [_followup_note(n, bool(m), bool(p)) for n, m, p in zip(status["notes"], status["matched"], status["in_previous"])],
    })


def agreed_texts_table(agreed: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """The county-wide meeting's agreed summary per criterion (the only free text published by default)."""
    a = in_series(agreed)
    a = a.loc[a["evaluation_date"] == date].set_index("criterion")
    rows = []
    for c in config.criteria:
        if c.id in a.index:
            row = a.loc[c.id]
            rows.append({"Kriteeri": c.name, "Vahvuudet": row["strengths"], "Haasteet": row["challenges"], "Kehittämistarpeet": row["development_needs"]})
    return pd.DataFrame(rows, columns=["Kriteeri", "Vahvuudet", "Haasteet", "Kehittämistarpeet"])


def participant_texts_table(ratings: pd.DataFrame, date: pd.Timestamp, config: TuokioConfig) -> pd.DataFrame:
    """Participants' own free texts, without any background details, sorted by criterion and
    text (not by form); empty unless `publish_participant_texts` is on and the evaluation has
    at least `min_group_size` respondents."""
    columns = ["Kriteeri", "Aihe", "Teksti"]
    r = in_series(ratings)
    r = r.loc[r["evaluation_date"] == date]
    if not config.publish_participant_texts or r["participant"].nunique() < config.min_group_size:
        return pd.DataFrame(columns=columns)
    topics = {"strengths": "Vahvuudet", "challenges": "Haasteet", "development_needs": "Kehittämistarpeet"}
    rows = []
    for order, c in enumerate(config.criteria):
        rc = r.loc[r["criterion"] == c.id]
        for topic_order, (column, topic) in enumerate(topics.items()):
            for text in sorted(t for t in rc[column].dropna()):
                rows.append((order, topic_order, c.name, topic, text))
    rows.sort(key=lambda x: (x[0], x[1], x[4]))
    return pd.DataFrame([x[2:] for x in rows], columns=columns)


LOCAL_NOTE = (
    "Paikalliset arvioinnit (esimerkiksi yhden kunnan tai palvelualueen arviointitilaisuudet) raportoidaan erikseen. "
    "Ne eivät ole mukana hyvinvointialueen vuosittaisissa tunnusluvuissa, kriteerien keskiarvoissa eivätkä "
    "edellisen arvioinnin tavoitteiden seurannassa, joka tehdään aina edellisestä koko hyvinvointialueen arvioinnista."
)


def local_evaluations_table(local: pd.DataFrame, year: int, config: TuokioConfig) -> pd.DataFrame:
    """The year's local evaluations (from indicators.tuokio.local_evaluations): date, name,
    respondents and the overall index; the index is left out below `min_group_size` respondents."""
    rows = local.loc[local["year"] == year].sort_values(["evaluation_date", "evaluation_name"])
    n, size = config.n_stages, config.min_group_size
    hidden = f"ei näytetä (alle {size} vastaajaa)"

    def shown(value: object, suppressed: bool, decimals: int) -> str:
        if suppressed:
            return hidden
        return "–" if value is None or pd.isna(value) else format_number(value, decimals)

    return pd.DataFrame({
        "Arviointipäivä": [_fi_date(d) for d in rows["evaluation_date"]],
        "Arviointi": rows["evaluation_name"].to_numpy(),
        "Vastauslomakkeita": rows["respondents"].to_numpy(),
        "Kokonaisindeksi (0–100)": [shown(v, s, 0) for v, s in zip(rows["index_0_100"], rows["suppressed"])],
        f"Kokonaisindeksi (asteikko 1–{n})": [shown(v, s, 2) for v, s in zip(rows["index_mean"], rows["suppressed"])],
    }, columns=["Arviointipäivä", "Arviointi", "Vastauslomakkeita", "Kokonaisindeksi (0–100)", f"Kokonaisindeksi (asteikko 1–{n})"])


def scale_table(config: TuokioConfig) -> pd.DataFrame:
    return pd.DataFrame({
        "Vaihe": [s.number for s in config.stages],
        "Nimi": [s.name for s in config.stages],
        "Kuvaus": [s.description for s in config.stages],
    })


def method_note(config: TuokioConfig) -> str:
    """The method in Finnish, with the configured numbers."""
    n, size = config.n_stages, config.min_group_size
    published = "0–100-asteikolla" if config.index_published == "0-100" else f"asteikolla 1–{n}"
    texts = (
        "Osallistujien omat vapaat vastaukset julkaistaan ilman taustatietoja ja vain, kun "
        f"arvioinnissa on vähintään {size} vastaajaa."
        if config.publish_participant_texts
        else "Osallistujien omia vapaita vastauksia ei julkaista; sivulla näkyy tilaisuudessa yhdessä sovittu yhteenveto."
    )
    return (
        f"Jokainen kriteeri arvioidaan kypsyysasteikolla 1–{n}; vastaus 'ei arvioitu' lasketaan "
        "vastaukseksi mutta ei mukaan keskiarvoon. Yksi lomake on yksi vastaaja (osallistuja tai "
        "yhdessä vastannut ryhmä). Kriteerin vaihe on keskiarvo pyöristettynä lähimpään vaiheeseen "
        "(puolikkaat ylöspäin, esim. 3,5 → 4). Kokonaisindeksi on kriteerien keskiarvojen keskiarvo; "
        f"0–100-muodossa (keskiarvo − 1) / ({n} − 1) × 100. Tunnuslukutaulukossa indeksi julkaistaan "
        f"{published}, ja vuoden luku on vuoden viimeisimmän koko hyvinvointialueen arvioinnin tulos. "
        "Arvioinnin laajuus luetaan lomakkeelta (lomakepohja tehdään joko koko hyvinvointialueen vuosiarviointiin tai "
        "nimettyyn paikalliseen arviointiin); vanhoilla lomakkeilla se päätellään kansion nimestä: pelkkä päivämäärä "
        "tarkoittaa koko hyvinvointialueen arviointia ja päivämäärä ja nimi paikallista arviointia. Paikalliset "
        "arvioinnit raportoidaan erikseen eivätkä ne vaikuta vuoden lukuihin (paikallisen arvioinnin indeksiä ei näytetä, "
        f"jos vastaajia on alle {size}); edellisen arvioinnin tavoitteita "
        "seurataan edellisestä koko hyvinvointialueen arvioinnista. Jokaisella lomakkeella on oma tunniste: saman "
        "lomakkeen kopio (sama tunniste ja samat vastaukset tai täsmälleen sama tiedosto) luetaan kerran, mutta kaksi "
        "eri lomaketta samoin vastauksin ovat kaksi vastaajaa. Keskihajonta on "
        "otoskeskihajonta. Toimijatahoja, joilla on alle "
        f"{size} vastaajaa, ei näytetä erikseen: ne yhdistetään muihin pieniin ryhmiin (tarvittaessa "
        "myös pienimpään muuhun ryhmään), ja kriteerin ryhmäkeskiarvot jätetään pois, jos jossakin "
        f"ryhmässä on kriteerille alle {size} arviota. {texts} {without_path_sentences(config.scale_note)}"
    )


def processed_tables(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(ratings, agreed, goals, followups) from the processed tables by name, in their schemas
    (empty when the data folder has no Yhteistyö-Tuokio data)."""
    specs = [
        ("tuokio_ratings", TUOKIO_RATINGS),
        ("tuokio_agreed", TUOKIO_AGREED),
        ("tuokio_goals", TUOKIO_GOALS),
        ("tuokio_goal_followups", TUOKIO_GOAL_FOLLOWUPS),
    ]
    out = []
    for name, schema in specs:
        frame = tables.get(name)
        out.append(conform(frame if frame is not None else pd.DataFrame(columns=list(schema)), schema))
    return out[0], out[1], out[2], out[3]


def answer_colours(config: TuokioConfig) -> dict[str, str]:
    """A colour per answer for the distribution chart: light to dark blue by stage, grey for
    "ei arvioitu"."""
    stages = sample_colorscale("Blues", [0.3 + 0.65 * i / max(config.n_stages - 1, 1) for i in range(config.n_stages)])
    return {**dict(zip(config.stage_labels, stages)), config.not_assessed[0]: "#b8b8b8"}


def index_history(index: pd.DataFrame, up_to: pd.Timestamp) -> pd.DataFrame:
    """The overall index of every evaluation up to `up_to`, oldest first."""
    i = index.loc[index["evaluation_date"] <= up_to]
    return pd.DataFrame({
        "Arviointi": [_fi_date(d) for d in i["evaluation_date"]],
        "Vastauslomakkeita": i["respondents"].to_numpy(),
        "Indeksi (keskiarvo)": i["index_mean"].to_numpy(),
        "Indeksi 0–100": i["index_0_100"].to_numpy(),
        "Vahvin kriteeri": i["strongest"].to_numpy(),
        "Heikoin kriteeri": i["weakest"].to_numpy(),
    })
