"""Yhteistyö-Tuokio scoring and indicators (pure): criterion scores, the overall index, answer
distributions, actor-type comparisons with small groups pooled and small cells suppressed, the
previous goals' status, local evaluations listed on their own, and the tidy indicators
tuokio_index, tuokio_<criterion> and tuokio_respondents. The method is described in
kainuu_metrics.datasets.tuokio.

Every function here works on one series of evaluations: the county-wide yearly evaluations
(the default) or, with `evaluation_name`, one local evaluation's. Local evaluations never enter
the county-wide figures, the yearly indicators or the county-wide goal follow-up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from kainuu_metrics.datasets.base import Derived
from kainuu_metrics.datasets.schemas import TUOKIO_RATINGS, conform
from kainuu_metrics.datasets.tuokio.clean import evaluation_dates, evaluation_years
from kainuu_metrics.datasets.tuokio.config import INDEX_UNITS, NO_ANSWER, NOT_ASSESSED, TuokioConfig, load_tuokio_config
from kainuu_metrics.datasets.tuokio.scope import LOCAL, in_series
from kainuu_metrics.datasets.tuokio.values import text_key
from kainuu_metrics.indicators.table import COUNT, rows, tidy
from kainuu_metrics.settings import Settings

POOLED_PREFIX = "Yhdistetty"
UNKNOWN_ACTOR_LABEL = "Toimijataho ei tiedossa"
NGO, COUNTY = "järjestö", "hyvinvointialue"  # actor type ids compared in `actor_type_divergence`


# --- scoring -----------------------------------------------------------------------------------


def stage_for_mean(mean: float | None, n_stages: int) -> int | None:
    """The nearest stage, halves rounded up, within 1..N.

    >>> stage_for_mean(3.5, 5), stage_for_mean(3.49, 5), stage_for_mean(None, 5)
    (4, 3, None)
    """
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return None
    return min(n_stages, max(1, math.floor(mean + 0.5)))


def to_0_100(mean: float | None, n_stages: int) -> float | None:
    """(mean - 1) / (N - 1) * 100.

    >>> to_0_100(3.0, 5), to_0_100(1.0, 4)
    (50.0, 0.0)
    """
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return None
    return (mean - 1) / (n_stages - 1) * 100


def latest_evaluation(year: int, *tables: pd.DataFrame, evaluation_name: str | None = None) -> pd.Timestamp | None:
    """The year's latest county-wide evaluation date (or of the local evaluation
    `evaluation_name`), or None when the year has none."""
    dates = [d for d in evaluation_dates(*(in_series(t, evaluation_name) for t in tables)) if d.year == year]
    return dates[-1] if dates else None


def previous_evaluation(date: pd.Timestamp, *tables: pd.DataFrame, evaluation_name: str | None = None) -> pd.Timestamp | None:
    """The county-wide evaluation (or the local evaluation `evaluation_name`) before `date`."""
    earlier = [d for d in evaluation_dates(*(in_series(t, evaluation_name) for t in tables)) if d < date]
    return earlier[-1] if earlier else None


SCORES = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "criterion": "str",
    "criterion_name": "str",
    "respondents": "int64",  # forms read in the evaluation
    "n_ratings": "int64",  # ratings on the scale (scored)
    "n_not_assessed": "int64",
    "n_no_answer": "int64",
    "mean": "float64",
    "median": "float64",
    "min": "Int64",
    "max": "Int64",
    "std": "float64",  # sample standard deviation (n - 1); missing with fewer than 2 ratings
    "score_0_100": "float64",
    "stage": "Int64",  # mean rounded to the nearest stage, halves up
    "agreed_rating": "Int64",
    "previous_date": "datetime64[ns]",
    "previous_mean": "float64",
    "change": "float64",  # mean - previous mean, in stages
}


def criterion_scores(ratings: pd.DataFrame, agreed: pd.DataFrame, config: TuokioConfig, evaluation_name: str | None = None) -> pd.DataFrame:
    """Per county-wide evaluation (or per evaluation of the local series `evaluation_name`) and
    criterion: counts, mean, median, spread, stage, agreed rating and the change from the
    previous evaluation of the same series."""
    ratings, agreed = in_series(ratings, evaluation_name), in_series(agreed, evaluation_name)
    rows = []
    dates = evaluation_dates(ratings, agreed)
    for i, date in enumerate(dates):
        r = ratings.loc[ratings["evaluation_date"] == date]
        a = agreed.loc[(agreed["evaluation_date"] == date) & agreed["agreed_rating"].notna()]
        agreed_by = dict(zip(a["criterion"], a["agreed_rating"].astype(int)))
        respondents = r["participant"].nunique()
        for c in config.criteria:
            rc = r.loc[r["criterion"] == c.id]
            values = rc["rating"].dropna().astype(float)
            n = len(values)
            mean = float(values.mean()) if n else None
            rows.append({
                "evaluation_date": date,
                "year": date.year,
                "criterion": c.id,
                "criterion_name": c.name,
                "respondents": respondents,
                "n_ratings": n,
                "n_not_assessed": int((rc["answer_status"] == NOT_ASSESSED).sum()),
                "n_no_answer": int((rc["answer_status"] == NO_ANSWER).sum()),
                "mean": mean,
                "median": float(values.median()) if n else None,
                "min": int(values.min()) if n else None,
                "max": int(values.max()) if n else None,
                "std": float(values.std(ddof=1)) if n >= 2 else None,
                "score_0_100": to_0_100(mean, config.n_stages),
                "stage": stage_for_mean(mean, config.n_stages),
                "agreed_rating": agreed_by.get(c.id),
                "previous_date": dates[i - 1] if i else None,
            })
    scores = conform(pd.DataFrame(rows, columns=[c for c in SCORES if c not in {"previous_mean", "change"}]), SCORES)
    previous = scores[["evaluation_date", "criterion", "mean"]].rename(columns={"evaluation_date": "previous_date", "mean": "previous_mean"})
    merged = scores.drop(columns=["previous_mean", "change"]).merge(previous, on=["previous_date", "criterion"], how="left")
    merged["change"] = merged["mean"] - merged["previous_mean"]
    return conform(merged, SCORES)


INDEX = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "respondents": "int64",
    "criteria_rated": "int64",
    "index_mean": "float64",  # mean of the criterion means, 1..N
    "index_0_100": "float64",
    "stage": "Int64",
    "strongest": "str",  # criterion names with the highest mean (ties joined by ", ")
    "weakest": "str",
    "previous_date": "datetime64[ns]",
    "index_change": "float64",  # in stages
    "index_change_0_100": "float64",
}


def evaluation_index(scores: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per evaluation: the overall index (1..N and 0–100), its stage, the strongest and weakest
    criteria and the change from the previous evaluation."""
    rows = []
    for date, s in scores.groupby("evaluation_date", sort=True):
        rated = s.loc[s["mean"].notna()]
        index = float(rated["mean"].mean()) if not rated.empty else None
        top = bottom = None
        if not rated.empty:
            top = ", ".join(rated.loc[rated["mean"] == rated["mean"].max(), "criterion_name"])
            bottom = ", ".join(rated.loc[rated["mean"] == rated["mean"].min(), "criterion_name"])
        rows.append({
            "evaluation_date": date,
            "year": pd.Timestamp(date).year,
            "respondents": int(s["respondents"].iloc[0]),
            "criteria_rated": len(rated),
            "index_mean": index,
            "index_0_100": to_0_100(index, config.n_stages),
            "stage": stage_for_mean(index, config.n_stages),
            "strongest": top,
            "weakest": bottom,
        })
    out = conform(pd.DataFrame(rows, columns=[c for c in INDEX if not c.startswith(("previous", "index_change"))]), INDEX)
    out["previous_date"] = out["evaluation_date"].shift(1)
    out["index_change"] = out["index_mean"] - out["index_mean"].shift(1)
    out["index_change_0_100"] = out["index_0_100"] - out["index_0_100"].shift(1)
    return conform(out, INDEX)


def rating_distribution(ratings: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per county-wide evaluation, criterion and answer (each stage, then "ei arvioitu"): count
    and share of the answers given (blank answers left out). Every stage is listed, also with count 0."""
    ratings = in_series(ratings)
    rows = []
    for date in evaluation_dates(ratings):
        r = ratings.loc[ratings["evaluation_date"] == date]
        for c in config.criteria:
            rc = r.loc[(r["criterion"] == c.id) & (r["answer_status"] != NO_ANSWER)]
            total = len(rc)
            counts = [(s.label, s.number, int((rc["rating"] == s.number).sum())) for s in config.stages]
            counts.append((config.not_assessed[0], None, int((rc["answer_status"] == NOT_ASSESSED).sum())))
            for label, number, count in counts:
                rows.append({
                    "evaluation_date": date, "criterion": c.id, "criterion_name": c.name, "answer": label,
                    "rating": number, "count": count, "share": count / total if total else None,
                })
    out = pd.DataFrame(rows, columns=["evaluation_date", "criterion", "criterion_name", "answer", "rating", "count", "share"])
    return out.astype({"rating": "Int64", "count": "int64", "share": "float64"})


def actor_groups(participants: pd.DataFrame, config: TuokioConfig) -> dict[str, str]:
    """participant -> the group shown for it in actor-type comparisons (one evaluation).

    Actor types with at least `min_group_size` respondents are their own groups; the others
    (and respondents without an actor type) are pooled into one group named after its members.
    A pool smaller than the threshold takes in the smallest own group, repeatedly, so that no
    group below the threshold can be shown or derived from the total."""
    labels = {**config.actor_labels, None: UNKNOWN_ACTOR_LABEL}
    order = [*config.actor_types, None]
    by_type: dict[str | None, list[str]] = {}
    for row in participants.drop_duplicates("participant").itertuples():
        actor = None if pd.isna(row.actor_type) else row.actor_type
        by_type.setdefault(actor, []).append(row.participant)
    size = config.min_group_size
    large = [t for t in order if len(by_type.get(t, [])) >= size]
    pool = [t for t in order if 0 < len(by_type.get(t, [])) < size]
    while pool and sum(len(by_type[t]) for t in pool) < size and large:
        smallest = min(large, key=lambda t: (len(by_type[t]), -order.index(t)))
        large.remove(smallest)
        pool.append(smallest)
    groups: dict[str, str] = {}
    for actor in large:
        for p in by_type[actor]:
            groups[p] = labels[actor]
    if pool:
        members = [t for t in order if t in pool]
        name = labels[members[0]] if len(members) == 1 else f"{POOLED_PREFIX}: {', '.join(labels[t] for t in members)}"
        for actor in members:
            for p in by_type[actor]:
                groups[p] = name
    return groups


def actor_type_means(ratings: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per county-wide evaluation, criterion and actor group: respondents, ratings and mean.

    A criterion's group means are all left out (suppressed) when any group has fewer ratings
    than `min_group_size` for it, so that the missing one cannot be derived from the others."""
    ratings = in_series(ratings)
    rows = []
    for date in evaluation_dates(ratings):
        r = ratings.loc[ratings["evaluation_date"] == date]
        groups = actor_groups(r[["participant", "actor_type"]], config)
        group_of = r["participant"].map(groups)
        names = list(dict.fromkeys(groups[p] for p in r["participant"].drop_duplicates()))
        names.sort(key=lambda g: (g.startswith(POOLED_PREFIX) or g == UNKNOWN_ACTOR_LABEL, [*config.actor_labels.values(), g].index(g)))
        sizes = {g: sum(1 for v in groups.values() if v == g) for g in names}
        if len(names) < 2:
            continue
        for c in config.criteria:
            rc = r.loc[r["criterion"] == c.id]
            counts = {g: int(rc.loc[group_of.loc[rc.index] == g, "rating"].notna().sum()) for g in names}
            suppressed = any(n < config.min_group_size for n in counts.values())
            for g in names:
                values = rc.loc[group_of.loc[rc.index] == g, "rating"].dropna().astype(float)
                rows.append({
                    "evaluation_date": date, "criterion": c.id, "criterion_name": c.name, "group": g,
                    "respondents": sizes[g], "n_ratings": counts[g],
                    "mean": None if suppressed or values.empty else float(values.mean()),
                    "suppressed": suppressed,
                })
    out = pd.DataFrame(rows, columns=["evaluation_date", "criterion", "criterion_name", "group", "respondents", "n_ratings", "mean", "suppressed"])
    return out.astype({"respondents": "int64", "n_ratings": "int64", "mean": "float64", "suppressed": "bool"})


def actor_type_divergence(means: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Per evaluation and criterion: the highest and lowest group mean, their difference, whether
    it reaches `divergence_threshold`, and järjestö minus hyvinvointialue when both are shown."""
    rows = []
    ngo, county = config.actor_labels.get(NGO), config.actor_labels.get(COUNTY)
    for (date, criterion), m in means.groupby(["evaluation_date", "criterion"], sort=False):
        shown = m.loc[m["mean"].notna()]
        row: dict[str, Any] = {"evaluation_date": date, "criterion": criterion, "criterion_name": m["criterion_name"].iloc[0]}
        if len(shown) >= 2:
            high, low = shown.loc[shown["mean"].idxmax()], shown.loc[shown["mean"].idxmin()]
            difference = float(high["mean"] - low["mean"])
            by_group = dict(zip(shown["group"], shown["mean"]))
            row |= {
                "highest_group": high["group"], "highest_mean": float(high["mean"]),
                "lowest_group": low["group"], "lowest_mean": float(low["mean"]),
                "difference": difference,
                "divergent": difference >= config.divergence_threshold - 1e-9,
                "ngo_minus_county": by_group[ngo] - by_group[county] if ngo in by_group and county in by_group else None,
            }
        rows.append(row)
    columns = ["evaluation_date", "criterion", "criterion_name", "highest_group", "highest_mean", "lowest_group", "lowest_mean", "difference", "divergent", "ngo_minus_county"]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"highest_mean": "float64", "lowest_mean": "float64", "difference": "float64", "divergent": "boolean", "ngo_minus_county": "float64"})


def previous_goal_status(goals: pd.DataFrame, followups: pd.DataFrame, date: pd.Timestamp, evaluation_name: str | None = None) -> pd.DataFrame:
    """The previous county-wide evaluation's goals with the status reported in the county-wide
    evaluation at `date` (matched by goal number, else by the goal's text); follow-up rows that
    match no goal are listed after them. Local evaluations are neither the previous evaluation
    nor the follow-up (with `evaluation_name`: the same within that local series).

    `in_previous` tells a goal of the previous summary (its status missing from this follow-up
    when not `matched`) from a follow-up row that names no goal of the previous summary."""
    goals, followups = in_series(goals, evaluation_name), in_series(followups, evaluation_name)
    previous = previous_evaluation(date, goals, followups)
    columns = ["goal_number", "goal", "action", "criterion", "owner", "deadline", "status_then", "status_now", "notes", "matched", "in_previous"]
    if previous is None:
        return pd.DataFrame(columns=columns)
    old = goals.loc[goals["evaluation_date"] == previous].sort_values("goal_number")
    reports = followups.loc[followups["evaluation_date"] == date]
    used: set[int] = set()
    rows = []
    for goal in old.itertuples():
        hit = reports.loc[reports["previous_goal_number"] == goal.goal_number]
        if hit.empty:
            hit = reports.loc[reports["goal"].map(text_key) == text_key(goal.goal)]
        hit = hit.loc[~hit.index.isin(used)]
        report = hit.iloc[0] if not hit.empty else None
        if report is not None:
            used.add(hit.index[0])
        rows.append({
            "goal_number": goal.goal_number, "goal": goal.goal, "action": goal.action, "criterion": goal.criterion,
            "owner": goal.owner, "deadline": goal.deadline, "status_then": goal.status,
            "status_now": None if report is None else report["status"],
            "notes": None if report is None else report["notes"],
            "matched": report is not None,
            "in_previous": True,
        })
    for index, report in reports.iterrows():
        if index not in used:
            rows.append({
                "goal_number": report["previous_goal_number"], "goal": report["goal"], "action": None, "criterion": None,
                "owner": None, "deadline": None, "status_then": None, "status_now": report["status"], "notes": report["notes"],
                "matched": False, "in_previous": False,
            })
    return pd.DataFrame(rows, columns=columns).astype({"goal_number": "Int64", "matched": "bool", "in_previous": "bool"})


LOCAL_COLUMNS = {
    "evaluation_date": "datetime64[ns]",
    "year": "int64",
    "evaluation_name": "str",
    "respondents": "int64",
    "criteria_rated": "int64",
    "index_mean": "float64",  # missing when fewer than min_group_size respondents
    "index_0_100": "float64",
    "stage": "Int64",
    "suppressed": "bool",  # fewer than min_group_size respondents: no index shown
}


def local_evaluations(ratings: pd.DataFrame, agreed: pd.DataFrame, config: TuokioConfig) -> pd.DataFrame:
    """Every local evaluation (by date and name, oldest first): respondents and the overall index,
    computed as for the county-wide evaluation but from that evaluation's forms only. The index
    is left out (suppressed) when the evaluation has fewer than `min_group_size` respondents,
    since it would show a single respondent's ratings."""
    keys = sorted({
        (pd.Timestamp(d), str(n))
        for table in (ratings, agreed) if "scope" in table
        for d, n in table.loc[table["scope"] == LOCAL, ["evaluation_date", "evaluation_name"]].itertuples(index=False)
    })
    rows = []
    for date, name in keys:
        scores = criterion_scores(ratings, agreed, config, evaluation_name=name)
        index = evaluation_index(scores.loc[scores["evaluation_date"] == date], config)
        found = index.iloc[0] if not index.empty else None
        respondents = 0 if found is None else int(found["respondents"])
        suppressed = respondents < config.min_group_size
        rows.append({
            "evaluation_date": date, "year": date.year, "evaluation_name": name, "respondents": respondents,
            "criteria_rated": 0 if found is None else int(found["criteria_rated"]),
            "index_mean": None if suppressed or found is None else found["index_mean"],
            "index_0_100": None if suppressed or found is None else found["index_0_100"],
            "stage": None if suppressed or found is None else found["stage"],
            "suppressed": suppressed,
        })
    return conform(pd.DataFrame(rows, columns=list(LOCAL_COLUMNS)), LOCAL_COLUMNS)


# --- indicators --------------------------------------------------------------------------------


def tuokio_indicators(ratings: pd.DataFrame, config: TuokioConfig, region_code: str) -> pd.DataFrame:
    """tuokio_index, tuokio_<criterion> and tuokio_respondents per evaluation year (the year's
    latest county-wide evaluation; local evaluations never count), for the region, in the unit
    `reporting.index_published` names."""
    ratings = in_series(ratings)
    empty_agreed = pd.DataFrame(columns=["evaluation_date", "criterion", "agreed_rating"])
    scores = criterion_scores(ratings, empty_agreed, config)
    index = evaluation_index(scores, config)
    unit = INDEX_UNITS[config.index_published]
    publish_0_100 = config.index_published == "0-100"
    records: list[dict[str, Any]] = []
    for year in evaluation_years(ratings):
        date = latest_evaluation(year, ratings)
        i = index.loc[index["evaluation_date"] == date].iloc[0]

        def add(indicator: str, value: object, unit: str = unit) -> None:
            if value is not None and not pd.isna(value):
                records.extend(rows(indicator, year, {region_code: float(value)}, unit))

        add("tuokio_index", i["index_0_100"] if publish_0_100 else i["index_mean"])
        for s in scores.loc[scores["evaluation_date"] == date].itertuples():
            add(f"tuokio_{s.criterion}", s.score_0_100 if publish_0_100 else s.mean)
        add("tuokio_respondents", i["respondents"], COUNT)
    return tidy(records)


def indicators(tables: Mapping[str, pd.DataFrame], settings: Settings) -> Derived:
    """The dataset's indicator entry point (registry): the tuokio_ratings table -> the region's
    Tuokio indicators (none when the table is absent or empty)."""
    ratings = tables.get("tuokio_ratings")
    if ratings is None:
        ratings = conform(pd.DataFrame(columns=list(TUOKIO_RATINGS)), TUOKIO_RATINGS)
    return Derived(tuokio_indicators(ratings, load_tuokio_config(settings), settings.domain.region_code))
