"""The development goals on the yearly summary ("Kehittämistavoitteet"): this year's goals of the
Yhteistyö-Tuokio evaluation with owners and schedules, and the previous evaluation's goals with
their status now (issue 12). Tables from report/tuokio.py, HTML here; summary.py re-exports
show_goals for notebooks/summary.ipynb.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from kainuu_metrics import formatting


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def show_html(markup: str) -> None:
    """Display raw HTML in the notebook (text/html only)."""
    from IPython.display import display

    display({"text/html": markup}, raw=True)


NO_EVALUATION = "Vuodelta {year} ei ole koko hyvinvointialueen Yhteistyö-Tuokio-arviointia, joten vuoden kehittämistavoitteita ei ole kirjattu."
NO_GOALS = "Vuoden {year} Yhteistyö-Tuokio-arvioinnissa ({date}) ei kirjattu kehittämistavoitteita."
NO_PREVIOUS_GOALS = "Edellisestä koko hyvinvointialueen arvioinnista ei ole kirjattuja tavoitteita, joiden tilaa voisi seurata."
GOALS_SOURCE = "Lähde: Yhteistyö-Tuokio-arvioinnin yhteenvetolomake; tavoitteiden kriteerit ja edellisten arviointien seuranta ovat Yhteistyö-Tuokio-sivulla."


@dataclass(frozen=True)
class Goals:
    """The year's development goals and the previous evaluation's goals with their status now
    (report/tuokio.py's tables), and the dates they come from (None: no such evaluation)."""

    year: int
    date: pd.Timestamp | None
    current: pd.DataFrame  # tuokio.goals_table
    previous_date: pd.Timestamp | None
    previous: pd.DataFrame  # tuokio.previous_goals_table


def year_goals(tables: Mapping[str, pd.DataFrame], year: int, config) -> Goals:
    """The goals of the year's (latest) county-wide evaluation and the status of the previous
    county-wide evaluation's goals as that evaluation reported them; local evaluations are
    left out, as on the Tuokio page (`config`: TuokioConfig)."""
    from kainuu_metrics.indicators import tuokio as scoring
    from kainuu_metrics.report import tuokio as tuokio_report

    ratings, agreed, goals, followups = tuokio_report.processed_tables(dict(tables))
    empty_current = tuokio_report.goals_table(goals.iloc[0:0], pd.Timestamp(0), config)
    date = scoring.latest_evaluation(year, ratings, agreed, goals, followups)
    if date is None:
        return Goals(year, None, empty_current, None, pd.DataFrame())
    previous_date = scoring.previous_evaluation(date, goals, followups)
    status = scoring.previous_goal_status(goals, followups, date)
    previous = tuokio_report.previous_goals_table(status, config) if not status.empty else pd.DataFrame()
    return Goals(year, date, tuokio_report.goals_table(goals, date, config), previous_date, previous)


def _text(value: object) -> str:
    return "" if formatting.is_missing(value) else str(value)


def _goal_item(title: str, details: Sequence[tuple[str, object]]) -> str:
    shown = [(label, _text(value)) for label, value in details]
    parts = "".join(f'<span class="tavoite-tieto"><span class="tavoite-nimi">{_e(label)}:</span> {_e(value)}</span>'
                    for label, value in shown if value)
    return f'<li class="tavoite"><p class="tavoite-otsikko">{_e(title)}</p><p class="tavoite-tiedot">{parts}</p></li>'


def goals_html(goals: Goals) -> str:
    """This year's goals (goal, action, owner, schedule) and last evaluation's goals with their
    status, as two lists (a list item never breaks across printed pages); one Finnish sentence
    in place of a list the year does not have."""
    year = goals.year
    parts = ['<div class="kehittamistavoitteet">']
    if goals.date is None:
        parts.append(f"<p>{_e(NO_EVALUATION.format(year=year))}</p>")
    else:
        date = formatting.date(goals.date)
        parts.append(f'<h3>Vuoden {year} tavoitteet (arviointi {_e(date)})</h3>')
        if goals.current.empty:
            parts.append(f"<p>{_e(NO_GOALS.format(year=year, date=date))}</p>")
        else:
            items = [_goal_item(f"{row['Nro']}. {row['Kehittämistavoite']}", [
                ("Toimenpide", row["Toimenpide"]), ("Vastuutaho", row["Vastuutaho"]), ("Aikataulu", row["Aikataulu"]),
            ]) for _, row in goals.current.iterrows()]
            parts.append(f'<ol class="tavoitteet" aria-label="Vuoden {year} kehittämistavoitteet">{"".join(items)}</ol>')
        if goals.previous_date is None or goals.previous.empty:
            parts.append(f"<p>{_e(NO_PREVIOUS_GOALS)}</p>")
        else:
            previous = formatting.date(goals.previous_date)
            parts.append(f"<h3>Edellisen arvioinnin ({_e(previous)}) tavoitteiden tila</h3>")
            items = []
            for _, row in goals.previous.iterrows():
                number = "" if formatting.is_missing(row["Nro"]) else f"{row['Nro']}. "
                items.append(_goal_item(f"{number}{row['Edellisen arvioinnin tavoite']}", [
                    ("Tila nyt", row["Tila nyt"]), ("Vastuutaho", row["Vastuutaho"]), ("Aikataulu", row["Aikataulu"]),
                    ("Huomiot", row["Huomiot"]),
                ]))
            parts.append(f'<ul class="tavoitteet" aria-label="Edellisen arvioinnin tavoitteiden tila">{"".join(items)}</ul>')
    parts.append(f'<p class="selite">{_e(GOALS_SOURCE)}</p>')
    parts.append("</div>")
    return "".join(parts)


def show_goals(tables: Mapping[str, pd.DataFrame], year: int, settings) -> None:
    """Display the year's development goals (goals_html) in the summary notebook; without the
    Tuokio configuration, the sentence that the year has no evaluation."""
    from kainuu_metrics.datasets.tuokio.config import load_tuokio_config
    from kainuu_metrics.errors import ConfigError

    try:
        config = load_tuokio_config(settings)
    except ConfigError:
        show_html(goals_html(Goals(year, None, pd.DataFrame(), None, pd.DataFrame())))
        return
    show_html(goals_html(year_goals(tables, year, config)))
