"""Yhteistyö-Tuokio evaluations: filled forms read back into ratings, agreed ratings,
development goals and goal follow-ups (scoring and the indicators' entry point:
kainuu_metrics.indicators.tuokio; the report's tables and charts: kainuu_metrics.report.tuokio).

Modules: config (config/tuokio.yaml), values (cell parsers), scope (which evaluation a form
belongs to: county-wide or local), form (the form's layout and reading one form), sheets (one
sheet -> kept, rejected and skipped rows), clean (every evaluation), template (the blank form as
an Excel workbook).

Method (also shown in the report, see kainuu_metrics.report.tuokio.method_note):
- A rating is the stage number 1..N of the configured scale; "ei arvioitu" is counted but not
  scored; a blank rating on a filled form is counted as "ei vastausta" and flagged.
- A criterion's stage is its mean rounded to the nearest stage, halves up (3,5 -> 4).
- The index is the mean of the criterion means (criteria with at least one rating), also
  expressed as 0–100: (mean - 1) / (N - 1) * 100. config/tuokio.yaml says which is published.
- Actor types with fewer than `min_group_size` respondents are pooled with the other small
  groups (and, if the pool is still too small, with the smallest large group), so that no
  group mean of fewer respondents can be read or derived from the total.
- One form is one respondent (a participant or a group filling one form together). Every form
  written by the template (version 2 on) has its own id. A copy is read once, its rows skipped
  as duplicates and flagged with the file it copies: the same file twice (same SHA-256), or the
  same form id with the same answers in one evaluation. Two forms with different ids are two
  respondents even when their answers are identical. Several respondents who filled copies of
  one blank form (same id, different answers) are all read, and the shared id is flagged once.
  Forms without an id (template version 1) keep the older rule: identical answers and
  background details in one evaluation are read once, the second rejected with a reason.
- Scope: each evaluation is either the county-wide yearly evaluation or a local one (a named
  meeting of one area), from the form's meta sheet, else from the folder name (date alone:
  county-wide; date and a name: local); a form that contradicts its folder stops the run.
  Local evaluations are reported on their own and never enter the yearly figures.
- Free texts: the summary sheet's agreed texts are published. Participants' own texts are
  published only when `publish_participant_texts` is on (default off), then without any
  background details, sorted by text, and only for evaluations with at least `min_group_size`
  respondents. The role is never published.
- A year's indicators come from that year's latest county-wide evaluation; goals are followed
  up against the previous county-wide evaluation.
"""

from __future__ import annotations

from pathlib import Path

from kainuu_metrics.datasets.base import CleaningContext, DatasetOutput
from kainuu_metrics.settings import Settings
from kainuu_metrics.datasets.tuokio.clean import (
    FORM_SUFFIXES,
    TABLES,
    evaluation_dates,
    evaluation_years,
    find_forms,
    read_evaluations,
)
from kainuu_metrics.datasets.tuokio.config import (
    CONFIG_FILE,
    DATASET,
    INDEX_UNITS,
    NO_ANSWER,
    NOT_ASSESSED,
    RATED,
    TEMPLATE_COMMAND,
    Stage,
    TuokioConfig,
    load_tuokio_config,
)
from kainuu_metrics.datasets.tuokio.scope import COUNTY_WIDE, LOCAL, SCOPES, folder_scope, in_series, resolve_scope
from kainuu_metrics.datasets.tuokio.form import (
    INSTRUCTIONS_SHEET,
    META_SHEET,
    PARTICIPANT_SHEET,
    SUMMARY_SHEET,
    FormLayout,
    layout_for,
    read_form,
)
from kainuu_metrics.datasets.tuokio.values import (
    evaluation_date_from_folder,
    parse_actor_type,
    parse_criterion,
    parse_deadline,
    parse_goal_status,
    parse_rating,
)


def list_files(folder: Path) -> list[Path]:
    """The forms under folder/<evaluation date>/ (raises InputFileError for a misplaced form,
    a folder not named by a date, or a form in another format)."""
    return find_forms(folder)


def clean(paths: list[Path], context: CleaningContext) -> DatasetOutput:
    """The forms -> tuokio_ratings (with rejected, skipped and flagged rows) plus the tables
    tuokio_agreed, tuokio_goals and tuokio_goal_followups; years: the evaluation years."""
    config = load_tuokio_config(context.settings)
    return read_evaluations(paths, context.layout, config, config_file=context.settings.shown_path(CONFIG_FILE))


REGISTRY_ENTRY = dict(
    name=DATASET,
    label="Yhteistyö-Tuokio-arviointi",
    raw_folder="tuokio",
    tables={"tuokio_ratings": "Yhteistyö-Tuokio-arvioinnit"},  # checked (suite); the other three are derived tables
    needs=(),
    required=False,
    missing_fix=(
        "Tallenna täytetyt Yhteistyö-Tuokio-lomakkeet arviointipäivän kansioon, esim. data/raw/tuokio/2025-11-12/. "
        f"Tyhjän lomakkeen saa komennolla '{TEMPLATE_COMMAND}'."
    ),
    suffixes=FORM_SUFFIXES,
    list_files=list_files,  # the forms are in evaluation-date folders
    warm_up=("kainuu_metrics.indicators.tuokio", "kainuu_metrics.report.tuokio"),
)


__all__ = [
    "COUNTY_WIDE", "LOCAL", "SCOPES", "folder_scope", "in_series", "resolve_scope",
    "CONFIG_FILE", "DATASET", "FORM_SUFFIXES", "INDEX_UNITS", "INSTRUCTIONS_SHEET", "META_SHEET", "NOT_ASSESSED",
    "NO_ANSWER", "PARTICIPANT_SHEET", "RATED", "REGISTRY_ENTRY", "SUMMARY_SHEET", "TABLES", "TEMPLATE_COMMAND",
    "FormLayout", "Stage", "TuokioConfig", "clean", "evaluation_date_from_folder", "evaluation_dates",
    "evaluation_years", "find_forms", "layout_for", "list_files", "load_tuokio_config",
    "parse_actor_type", "parse_criterion", "parse_deadline", "parse_goal_status", "parse_rating", "read_evaluations",
    "read_form",
]


def value_sets(settings: Settings) -> dict[str, object]:
    """The configured values that the Tuokio suite takes ({"$config": key})."""
    config = load_tuokio_config(settings)
    return {
        "tuokio_criteria": [c.id for c in config.criteria],
        "tuokio_actor_types": list(config.actor_types),
        "tuokio_stage_count": config.n_stages,
    }
