"""Premises bookings: parsers, price list, cleaning with row accounting, networks, indicators
(hand-computed), report tables, the GX suite and the sample data."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import random
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
import yaml
from openpyxl import Workbook

from kainuu_metrics.datasets import premises as pm
from kainuu_metrics.datasets.base import CleaningContext, Dataset
from kainuu_metrics.datasets.premises import organisations, parsers
from kainuu_metrics.datasets.premises.clean import add_flags, clean_booking_record, clean_premises
from kainuu_metrics.datasets.premises.prices import PRICES_FILE, PricesFile, load_price_list
from kainuu_metrics.datasets.schemas import GRANTS, PREMISES, conform
from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.indicators import premises as premises_figures
from kainuu_metrics.indicators.terms import grant_year_terms
from kainuu_metrics.indicators.premises import premises_indicators
from kainuu_metrics.indicators.table import INDICATOR_COLUMNS, rows, tidy
from kainuu_metrics.indicators.catalogue import load_catalogue
from kainuu_metrics.paths import CONFIG_DIR, Layout
from kainuu_metrics.report import premises as rp
from kainuu_metrics.quality.value_sets import config_value_sets
from kainuu_metrics.settings import load_config_file, load_settings

SETTINGS = load_settings(CONFIG_DIR)
DOMAIN = SETTINGS.domain
MAPPING = SETTINGS.columns("premises")
PROJECT = Path(__file__).resolve().parents[1]

PRICES = PricesFile.model_validate(
    {
        "premises": [
            {
                "name": "Kokoushuone Kaukametsä",
                "aliases": ["Kaukametsä", "Kajaanin sote-keskus, Kaukametsä"],
                "rates": [
                    {"from": dt.date(2025, 1, 1), "eur_per_hour": 28},
                    {"from": dt.date(2023, 1, 1), "eur_per_hour": 25},
                ],
            },
            {
                "name": "Kuhmon terveysasema, ryhmätila",
                "aliases": ["Kuhmon tk, ryhmätila"],
                "rates": [{"eur_per_hour": 15}, {"from": "1.1.2024", "eur_per_hour": 16}],
            },
        ]
    },
).price_list("premises_prices.yaml")


# --- parsers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17.00–19.30", (1020, 1170)),
        ("17:00-19:30", (1020, 1170)),
        ("klo 9–11.30", (540, 690)),
        ("  17.00 – 19.30 ", (1020, 1170)),
        ("8-16", (480, 960)),
        ("klo 18.00—klo 24.00", (1080, 1440)),
        ("", None),
        (None, None),
    ],
)
def test_time_ranges(text, expected):
    assert parsers.parse_time_range(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("19.30–17.00", "loppuaika ei ole alkuajan jälkeen"),
        ("17.00–17.00", "loppuaika ei ole alkuajan jälkeen"),
        ("17.75–19.00", "ei ole kellonaika"),
        ("25–26", "ei ole kellonaika"),
        ("iltapäivä", "ei ole kellonaikaväli"),
    ],
)
def test_bad_time_ranges_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parsers.parse_time_range(text)


@given(st.integers(0, 23 * 60 + 59), st.integers(1, 24 * 60), st.sampled_from(["–", "-", " - ", "—"]), st.sampled_from([".", ":"]))
def test_time_range_round_trip(start, length, dash, colon):
    end = min(start + length, 24 * 60)
    if end <= start:
        return
    text = f"{start // 60}{colon}{start % 60:02d}{dash}{end // 60}{colon}{end % 60:02d}"
    assert parsers.parse_time_range(text) == (start, end)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("17.30", 1050), ("17:30", 1050), ("klo 9", 540), (dt.time(17, 30), 1050), (dt.datetime(1900, 1, 1, 8, 15), 495), (0.75, 1080), (18, 1080), (None, None)],
)
def test_clock_values(value, expected):
    assert parsers.parse_clock(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("2,5", 2.5), ("2,5 h", 2.5), ("3 tuntia", 3.0), ("1:30", 1.5), (2, 2.0), ("", None)])
def test_hours_values(value, expected):
    assert parsers.parse_hours(value) == expected


def test_hours_that_are_not_numbers_are_refused():
    with pytest.raises(ValueError, match="ei ole tuntimäärä"):
        parsers.parse_hours("iltapäivä")


# --- price list --------------------------------------------------------------------------------


def test_rate_in_force_on_each_day():
    kaukametsa = PRICES.find("  KAUKAMETSÄ ")
    assert kaukametsa is not None and kaukametsa.name == "Kokoushuone Kaukametsä"
    assert kaukametsa.rate_on(dt.date(2022, 12, 31)) is None  # before the first valid-from
    assert kaukametsa.rate_on(dt.date(2023, 1, 1)) == 25
    assert kaukametsa.rate_on(dt.date(2024, 12, 31)) == 25
    assert kaukametsa.rate_on(dt.date(2025, 1, 1)) == 28
    kuhmo = PRICES.find("kuhmon tk, ryhmätila")
    assert kuhmo.rate_on(dt.date(2019, 5, 1)) == 15  # a rate without "from" applies from the beginning
    assert kuhmo.rate_on(dt.date(2024, 1, 1)) == 16
    assert PRICES.find("Hyrynsalmen terveysasema") is None


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"name": "A", "rates": []}], "ei ole annettu yhtään hintaa"),
        ([{"name": "A", "rates": [{"eur_per_hour": -1}]}], "eur_per_hour"),
        ([{"name": "A", "rates": [{"from": "31.2.2024", "eur_per_hour": 1}]}], "alkupäivä"),
        ([{"name": "A", "rates": [{"eur_per_hour": 1}, {"eur_per_hour": 2}]}], "samalla alkupäivällä"),
        ([{"name": "A", "aliases": ["x"], "rates": [{"eur_per_hour": 1}]}, {"name": "B", "aliases": ["X"], "rates": [{"eur_per_hour": 1}]}], "viittaa sekä"),
        ([{"rates": [{"eur_per_hour": 1}]}], "nimi"),
    ],
)
def test_price_list_mistakes_are_config_errors(entries, message, tmp_path):
    (tmp_path / PRICES_FILE).write_text(yaml.safe_dump({"premises": entries}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as error:
        load_config_file(tmp_path, PRICES_FILE, PricesFile)
    assert PRICES_FILE in str(error.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({}, "kohta premises: kohta puuttuu"),
        ({"premises": [{"name": "A", "rates": [{"eur_per_hour": "25"}]}]}, "eur_per_hour"),
        ({"premises": [{"name": "A", "rates": [{"eur_per_hour": True}]}]}, "eur_per_hour"),
        ({"premises": [{"name": "A", "rates": [{"eur_per_hour": 1}]}, {"name": " A ", "rates": [{"eur_per_hour": 2}]}]}, "luettelossa kahdesti"),
        ({"premises": [{"name": "A", "hinta": 5, "rates": [{"eur_per_hour": 1}]}]}, "tuntematon kohta"),
    ],
)
def test_price_list_file_mistakes(content, message, tmp_path):
    (tmp_path / PRICES_FILE).write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config_file(tmp_path, PRICES_FILE, PricesFile)


def test_shipped_price_list_loads(monkeypatch):
    monkeypatch.chdir(PROJECT)
    prices = load_price_list(load_settings(CONFIG_DIR))
    assert prices.shown_path == "config/premises_prices.yaml"
    kaukametsa = prices.find("Kajaanin sosiaali- ja terveyskeskus, kokoushuone Kaukametsä")
    assert kaukametsa is not None and kaukametsa.rate_on(dt.date(2024, 6, 1)) > 0
    assert prices.find("Kuhmon terveysasema, ryhmätila") is not None


# --- one booking -------------------------------------------------------------------------------


def clean(**record):
    return clean_booking_record(record, DOMAIN, PRICES, MAPPING.labels)


def test_price_list_cost_is_hours_times_the_rate_of_the_day():
    values, problems = clean(organisation="Seura ry", premises="Kaukametsä", booking_date="31.12.2024", time_range="17.00–19.30")
    assert problems == []
    assert (values["premises"], values["hours"], values["hourly_rate_eur"], values["cost_eur"], values["cost_source"]) == (
        "Kokoushuone Kaukametsä", 2.5, 25.0, 62.5, "hinnasto",
    )
    assert (values["start_time"], values["end_time"], values["year"], values["council_term"]) == ("17:00", "19:30", 2024, "2022-2025")
    values, _ = clean(organisation="Seura ry", premises="Kaukametsä", booking_date="1.1.2025", hours="2,5")
    assert (values["hourly_rate_eur"], values["cost_eur"]) == (28.0, 70.0)


def test_stated_cost_wins_over_the_price_list():
    values, problems = clean(organisation="Seura ry", premises="Kaukametsä", booking_date="5.3.2024", hours=2, stated_cost_eur="40,00 €")
    assert problems == []
    assert (values["cost_eur"], values["stated_cost_eur"], values["hourly_rate_eur"], values["cost_source"]) == (40.0, 40.0, 25.0, "ilmoitettu")


def test_unlisted_premises_with_a_stated_cost_is_kept_as_written():
    values, problems = clean(organisation="Seura ry", premises=" Hyrynsalmen  terveysasema ", booking_date="5.3.2024", hours=2, stated_cost_eur=28)
    assert problems == []
    assert (values["premises"], values["premises_listed"], values["hourly_rate_eur"], values["cost_eur"]) == (
        "Hyrynsalmen terveysasema", False, None, 28.0,
    )


def test_unlisted_premises_without_cost_is_rejected_naming_the_config_file():
    _, [problem] = clean(organisation="Seura ry", premises="Hyrynsalmen terveysasema", booking_date="5.3.2024", hours=2)
    assert problem.column == "premises"
    assert "tilaa 'Hyrynsalmen terveysasema' ei ole hinnastossa" in problem.reason
    assert "premises_prices.yaml" in problem.reason
    assert "sarakkeessa 'Hinta €'" in problem.reason  # the cost column's label from the column config


def test_booking_before_the_first_rate_is_rejected():
    _, [problem] = clean(organisation="Seura ry", premises="Kaukametsä", booking_date="28.12.2022", hours=2)
    assert problem.column == "booking_date"
    assert "hintaa päivälle 28.12.2022" in problem.reason and "1.1.2023 alkaen" in problem.reason


@pytest.mark.parametrize(
    ("record", "column", "text"),
    [
        ({"hours": 2, "time_range": "17.00–19.30"}, "hours", "kesto 2 h ei vastaa kellonaikaa 17:00–19:30 (2,5 h)"),
        ({"hours": 26}, "hours", "kesto 26 h ei ole välillä 0–24 h"),
        ({"hours": 0}, "hours", "ei ole positiivinen"),
        ({}, "hours", "käytön kesto puuttuu"),
        ({"start_time": "17.00"}, "end_time", "loppuaika tai kirjoita kesto"),
        ({"start_time": "19.00", "end_time": "17.00"}, "end_time", "loppuaika 17:00 ei ole alkuajan 19:00 jälkeen"),
        ({"hours": 2, "stated_cost_eur": "-5"}, "stated_cost_eur", "negatiivinen"),
        ({"hours": 2, "stated_cost_eur": "noin 50"}, "stated_cost_eur", "ei ole luku"),
    ],
)
def test_duration_and_cost_problems(record, column, text):
    _, problems = clean(organisation="Seura ry", premises="Kaukametsä", booking_date="5.3.2024", **record)
    assert [p.column for p in problems] == [column]
    assert text in problems[0].reason


def test_missing_organisation_premises_and_date_each_reported():
    _, problems = clean(hours=2)
    assert sorted(p.column for p in problems) == ["booking_date", "organisation", "premises"]


# --- whole files -------------------------------------------------------------------------------

CSV_2024 = (
    '"Tilojen käyttö 2024 (ESIMERKKI)"\r\n'
    "\r\n"
    "Yhdistys;Ytunnus;Toimitila;Pvm;Alkaa;Päättyy;Laskennallinen hinta;Tilaisuus;Yhteyshenkilö\r\n"
    "Kajaanin Seura ry;2077474-0;Kaukametsä;5.3.2024;17.00;19.30;;Jäsenilta;sihteeri\r\n"
    "Kajaanin Seura;;kokoushuone kaukametsä;10.4.2024;17:00;19:00;40,00 €;Kokous;\r\n"
    "Kuhmon Kerho ry;1234567-2;Kuhmon tk, ryhmätila;2.1.2024;10.00;12.00;;Kerho;\r\n"
    "Hyrynsalmen Kerho;;Hyrynsalmen terveysasema;3.2.2024;12.00;14.00;28,00;Kerho;\r\n"
    "Puolangan Kerho;;Hyrynsalmen terveysasema;4.2.2024;12.00;14.00;;Kerho;\r\n"
    "Kajaanin Seura;;Kaukametsä;31.11.2024;17.00;19.00;;;\r\n"
    "Kajaanin Seura;;Kaukametsä;1.12.2024;17.00;;;;\r\n"
    ";;;;;;;;\r\n"
    "Kajaanin Seura ry;2077474-0;Kaukametsä;5.3.2024;17.00;19.30;;Jäsenilta;\r\n"
    "Yhteensä;;;;;;68,00;;\r\n"
)


@pytest.fixture
def layout(tmp_path):
    (tmp_path / "raw" / "premises").mkdir(parents=True)
    return Layout(tmp_path, tmp_path / "reports")


def clean_bookings(paths, layout):
    return clean_premises(paths, layout, domain=DOMAIN, prices=PRICES, mapping=MAPPING)


def write(layout, name, text, encoding="cp1252"):
    path = layout.raw / "premises" / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_every_row_accounted_for(layout):
    result = clean_bookings([write(layout, "a.csv", CSV_2024)], layout)
    [account] = result.accounts
    assert (account.rows_read, account.cleaned, account.rejected, account.skipped) == (13, 5, 3, 5)
    assert account.source_file == "raw/premises/a.csv"
    assert result.skipped["kind"].tolist() == ["title", "blank", "header", "blank", "totals"]
    assert result.skipped["source_row"].tolist() == [1, 2, 3, 11, 13]
    c = result.cleaned
    assert list(c.columns) == list(PREMISES)
    assert c["source_row"].tolist() == [4, 5, 6, 7, 12]
    assert c["hours"].tolist() == [2.5, 2.0, 2.0, 2.0, 2.5]
    # 2,5 h × 25 €; stated 40 € (not 2 h × 25 €); 2 h × 16 € (the 2024 rate); stated 28 €; 2,5 h × 25 €
    assert c["cost_eur"].tolist() == [62.5, 40.0, 32.0, 28.0, 62.5]
    assert c["cost_source"].tolist() == ["hinnasto", "ilmoitettu", "hinnasto", "ilmoitettu", "hinnasto"]
    assert c["premises"].tolist() == [
        "Kokoushuone Kaukametsä", "Kokoushuone Kaukametsä", "Kuhmon terveysasema, ryhmätila", "Hyrynsalmen terveysasema", "Kokoushuone Kaukametsä",
    ]
    assert c["premises_listed"].tolist() == [True, True, True, False, True]
    assert c["booking_date"].tolist() == [dt.datetime(2024, 3, 5), dt.datetime(2024, 4, 10), dt.datetime(2024, 1, 2), dt.datetime(2024, 2, 3), dt.datetime(2024, 3, 5)]
    assert c["council_term"].tolist() == ["2022-2025"] * 5
    assert c["business_id"].astype(object).where(c["business_id"].notna(), None).tolist() == ["2077474-0", None, "1234567-2", None, "2077474-0"]
    assert c["business_id_valid"].tolist()[::2] == [True, False, True]
    assert "Yhteyshenkilö" not in " ".join(map(str, c.columns))  # a contact person is never stored


def test_csv_rejected_rows_name_the_header_as_written(layout):
    result = clean_bookings([write(layout, "a.csv", CSV_2024)], layout)
    rejected = result.rejected.set_index("source_row")
    assert rejected.loc[8, "column"] == "Toimitila"
    assert rejected.loc[8, "value"] == "Hyrynsalmen terveysasema"
    assert "premises_prices.yaml" in rejected.loc[8, "reason"] and "'Laskennallinen hinta'" in rejected.loc[8, "reason"]
    assert (rejected.loc[9, "column"], rejected.loc[9, "value"]) == ("Pvm", "31.11.2024")
    assert "ei ole olemassa oleva päivämäärä" in rejected.loc[9, "reason"]
    assert rejected.loc[10, "column"] == "Päättyy"
    assert "sarakkeessa 'Alkaa' on kellonaika, mutta sarake 'Päättyy' on tyhjä" in rejected.loc[10, "reason"]
    assert set(result.rejected["dataset"]) == {"premises"}


def test_csv_flags(layout):
    result = clean_bookings([write(layout, "a.csv", CSV_2024)], layout)
    assert sorted(zip(result.flagged["source_row"], result.flagged["flag"])) == [
        (4, "flag_possible_duplicate"), (6, "flag_invalid_business_id"), (12, "flag_possible_duplicate"),
    ]
    assert result.flagged["year"].tolist() == [2024, 2024, 2024]


def test_xlsx_with_time_cells_and_hours(layout):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Varaukset"
    sheet.append(["ESIMERKKIAINEISTO"])
    sheet.append(["Varaaja", "Y-tunnus", "Tilan nimi", "Varauspäivä", "Alkaa", "Päättyy", "Tunnit", "Kustannus €", "Lisätiedot"])
    sheet.append(["Seura ry", "2077474-0", "Kaukametsä", dt.datetime(2025, 6, 2), dt.time(17, 0), dt.time(19, 30), None, None, "avain aulasta"])
    sheet.append(["Seura ry", None, "Kaukametsä", dt.datetime(2025, 5, 30), None, None, "1,5 h", None, None])
    sheet.append(["Seura ry", None, "Kaukametsä", dt.datetime(2025, 6, 3), dt.time(17, 0), dt.time(19, 30), 2, None, None])
    sheet.append([None, None, "Kaukametsä", dt.datetime(2025, 6, 4), None, None, 2, None, None])
    sheet.append(["Yhteensä", None, None, None, None, None, 6])
    path = layout.raw / "premises" / "b.xlsx"
    workbook.save(path)
    result = clean_bookings([path], layout)
    [account] = result.accounts
    assert (account.sheet, account.rows_read, account.cleaned, account.rejected, account.skipped) == ("Varaukset", 7, 2, 2, 3)
    c = result.cleaned
    assert c["hours"].tolist() == [2.5, 1.5]
    assert c["cost_eur"].tolist() == [70.0, 42.0]  # the 2025 rate 28 €/h
    assert c["council_term"].tolist() == ["2025-2029", "2022-2025"]  # the term changes on 1.6.2025
    rejected = result.rejected.set_index("source_row")
    assert rejected.loc[5, "column"] == "Tunnit" and "ei vastaa kellonaikaa" in rejected.loc[5, "reason"]
    assert (rejected.loc[6, "column"], rejected.loc[6, "value"]) == ("Varaaja", "")


def test_file_without_any_duration_column_is_refused(layout):
    path = write(layout, "c.csv", "Järjestö;Tila;Päivämäärä;Hinta €\r\nSeura;Kaukametsä;1.2.2024;50\r\n")
    with pytest.raises(InputFileError) as error:
        clean_bookings([path], layout)
    assert "käytön kestoa ei löydy" in error.value.problem and "'Tunnit'" in error.value.problem


def test_unknown_header_names_the_premises_column_config(layout):
    path = write(layout, "d.csv", "Järjestö;Tila;Päivämäärä;Tunnit;Salasana\r\nSeura;Kaukametsä;1.2.2024;2;x\r\n")
    with pytest.raises(InputFileError) as error:
        clean_bookings([path], layout)
    assert "Salasana" in error.value.problem
    assert "columns/premises.yaml" in error.value.fix


def test_input_frames_are_not_modified(layout):
    result = clean_bookings([write(layout, "a.csv", CSV_2024)], layout)
    before = result.cleaned.copy()
    add_flags(result.cleaned)
    premises_indicators(result.cleaned, grants_frame(), grant_indicators_frame(), population_frame(), DOMAIN)
    pd.testing.assert_frame_equal(result.cleaned, before)


# --- organisations and networks ----------------------------------------------------------------


def bookings_frame() -> pd.DataFrame:
    """Six bookings, 2024–2025, costs chosen for hand computation."""
    rows = [
        # date, organisation, Y-tunnus, premises, hours, cost
        ("2024-03-05", "Kajaanin Seura ry", "2077474-0", "P1", 2.0, 50.0),
        ("2024-04-10", "Kajaanin Seura", None, "P1", 3.0, 75.0),
        ("2024-05-20", "Kuhmon Kerho ry", None, "P2", 1.5, 24.0),
        ("2025-02-11", "Kajaanin Seura ry", "2077474-0", "P1", 2.0, 56.0),
        ("2025-06-15", "Kuhmon Kerho", None, "P2", 4.0, 64.0),
        ("2025-09-01", "Sotkamon VPK ry", "1234567-1", "P3", 2.5, 40.0),
    ]
    frame = pd.DataFrame(rows, columns=["booking_date", "organisation", "business_id", "premises", "hours", "cost_eur"])
    frame["booking_date"] = pd.to_datetime(frame["booking_date"])
    frame["year"] = frame["booking_date"].dt.year
    frame["business_id_valid"] = frame["business_id"].notna().map({True: True, False: None})
    frame["council_term"] = ["2022-2025", "2022-2025", "2022-2025", "2022-2025", "2025-2029", "2025-2029"]
    frame["cost_source"], frame["premises_listed"] = "ilmoitettu", True
    frame["source_file"], frame["sheet"], frame["source_row"] = "raw/premises/x.csv", "", range(2, 8)
    return add_flags(conform(frame, PREMISES))


def grants_frame() -> pd.DataFrame:
    rows = [
        (2023, "2023-03-15", "2022-2025", "Kajaanin Seura", "2077474-0", "Ikäverkosto", 1000.0),
        (2024, "2024-03-14", "2022-2025", "Kajaanin Seura ry", "2077474-0", "Lapset, nuoret ja perheet", 2000.0),
        (2024, "2024-03-14", "2022-2025", "Kuhmon Kerho", None, "Ikäverkosto", 500.0),
        (2025, "2025-03-13", "2022-2025", "Sotkamon VPK", "7654321-2", "Moniala- ja muut järjestöt", 300.0),
        (2025, "2025-10-10", "2025-2029", "Kuhmon Kerho", None, None, 200.0),
    ]
    frame = pd.DataFrame(rows, columns=["year", "decision_date", "council_term", "organisation", "business_id", "network", "granted_eur"])
    frame["grant_type"], frame["decision"] = "toiminta", "myönnetty"
    frame["source_file"], frame["sheet"], frame["source_row"] = "raw/grants/x.csv", "", range(2, 7)
    return conform(frame, GRANTS)


def grant_indicators_frame(years=(2023, 2024, 2025)) -> pd.DataFrame:
    totals = {2023: 1000.0, 2024: 2500.0, 2025: 500.0}
    return tidy(
        [row for y in years for row in rows("grants_total_eur", y, {"MK18": totals[y]}, "eur")]
        + rows("grants_total_eur", 2024, {"KU205": 99.0}, "eur")
    )


def population_frame() -> pd.DataFrame:
    return pd.DataFrame({"year": [2023, 2024, 2024], "area_code": ["MK18", "MK18", "KU205"], "area_name": ["Kainuu", "Kainuu", "Kajaani"], "population": [70000, 69000, 36000]})


def test_organisation_keys_borrow_the_y_tunnus_of_the_same_name():
    keys = organisations.organisation_keys(bookings_frame())
    assert keys.tolist() == ["2077474-0", "2077474-0", "kuhmon kerho", "2077474-0", "kuhmon kerho", "1234567-1"]


def test_invalid_y_tunnus_is_not_a_key():
    frame = bookings_frame()
    frame.loc[3, ["business_id", "business_id_valid"]] = ["2077474-1", False]
    assert organisations.organisation_keys(frame)[3] == "2077474-0"


def test_organisation_names_shown_and_slugs():
    table = organisations.organisation_table(bookings_frame())
    assert table.to_dict("records") == [
        {"org_key": "1234567-1", "organisation": "Sotkamon VPK ry", "org_slug": "sotkamon_vpk_ry"},
        {"org_key": "2077474-0", "organisation": "Kajaanin Seura ry", "org_slug": "kajaanin_seura_ry"},  # 2 of 3 rows
        {"org_key": "kuhmon kerho", "organisation": "Kuhmon Kerho", "org_slug": "kuhmon_kerho"},  # a tie: alphabetical
    ]


def test_same_name_two_organisations_get_distinct_slugs():
    frame = bookings_frame()
    frame.loc[5, "organisation"] = "Kajaanin Seura ry"  # another Y-tunnus: another organisation
    table = organisations.organisation_table(frame).set_index("org_key")
    assert table.loc["2077474-0", "org_slug"] == "kajaanin_seura_ry_2077474_0"
    assert table.loc["1234567-1", "org_slug"] == "kajaanin_seura_ry_1234567_1"


def test_networks_from_the_grant_table():
    networks = organisations.organisation_networks(bookings_frame(), grants_frame())
    assert networks.tolist() == [
        "Lapset, nuoret ja perheet",  # by Y-tunnus; the latest grant's network wins over 2023's
        "Lapset, nuoret ja perheet",  # no Y-tunnus in the row, borrowed from the same name
        "Ikäverkosto",  # by name ("ry" ignored); the grants give no Y-tunnus for it
        "Lapset, nuoret ja perheet",
        "Ikäverkosto",
        "ei tiedossa",  # same name in the grants, but another Y-tunnus: another organisation
    ]


def test_a_bookings_network_comes_from_grants_of_its_year_or_earlier():
    bookings = bookings_frame()
    bookings["year"] = 2023  # every booking moved to 2023: only the 2023 grant is known then
    networks = organisations.organisation_networks(bookings, grants_frame())
    # Kajaanin Seura's 2023 grant (Ikäverkosto) is the only one dated 2023; Kuhmon Kerho's
    # first grant is from 2024, so in 2023 its network is not yet known.
    assert networks.tolist() == ["Ikäverkosto", "Ikäverkosto", "ei tiedossa", "Ikäverkosto", "ei tiedossa", "ei tiedossa"]


def test_networks_without_grants_are_unknown():
    assert set(organisations.organisation_networks(bookings_frame(), pd.DataFrame())) == {"ei tiedossa"}


@pytest.mark.parametrize(
    ("name", "key"),
    [("Kainuun Muistiyhdistys ry", "kainuun muistiyhdistys"), ("KAINUUN  MUISTIYHDISTYS R.Y.", "kainuun muistiyhdistys"), ("Mieli Kainuun Kriisikeskus", "mieli kainuun kriisikeskus")],
)
def test_organisation_name_key(name, key):
    assert organisations.organisation_name_key(name) == key


# --- indicators (hand-computed) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def indicators() -> pd.DataFrame:
    return premises_indicators(bookings_frame(), grants_frame(), grant_indicators_frame(), population_frame(), DOMAIN)


def value(indicators, indicator, period, category=""):
    hit = indicators.loc[(indicators["indicator"] == indicator) & (indicators["period"] == period) & (indicators["category"] == category)]
    assert len(hit) == 1, (indicator, period, hit)
    return float(hit["value"].iloc[0]), bool(hit["provisional"].iloc[0]), hit["unit"].iloc[0]


def test_every_indicator_row_is_for_the_region(indicators):
    assert set(indicators["area"]) == {"MK18"}
    assert list(indicators.columns) == INDICATOR_COLUMNS
    assert set(indicators["suppression"]) == {""} and indicators["value"].notna().all()


def test_yearly_in_kind_hours_organisations_bookings(indicators):
    # 2024: 50 + 75 + 24 €; 2 + 3 + 1,5 h; Kajaanin Seura and Kuhmon Kerho; three bookings.
    assert value(indicators, "premises_inkind_eur", "2024") == (149.0, False, "eur")
    assert value(indicators, "premises_hours", "2024") == (6.5, False, "hours")
    assert value(indicators, "premises_organisations", "2024") == (2.0, False, "count")
    assert value(indicators, "premises_bookings", "2024") == (3.0, False, "count")
    # 2025: 56 + 64 + 40 €; 2 + 4 + 2,5 h; three organisations.
    assert value(indicators, "premises_inkind_eur", "2025") == (160.0, False, "eur")
    assert value(indicators, "premises_hours", "2025") == (8.5, False, "hours")
    assert value(indicators, "premises_organisations", "2025") == (3.0, False, "count")
    assert value(indicators, "premises_bookings", "2025") == (3.0, False, "count")


def test_yearly_breakdowns_by_network_and_organisation(indicators):
    def breakdown(year, prefix):
        hit = indicators.loc[
            (indicators["indicator"] == "premises_inkind_eur") & indicators["category"].str.startswith(f"{prefix}_") & (indicators["period"] == year)
        ]
        return dict(zip(hit["category"], hit["value"]))

    assert breakdown("2024", "network") == {"network_ikaverkosto": 24.0, "network_lapset_nuoret_ja_perheet": 125.0}
    assert breakdown("2025", "network") == {"network_ei_tiedossa": 40.0, "network_ikaverkosto": 64.0, "network_lapset_nuoret_ja_perheet": 56.0}
    assert breakdown("2024", "org") == {"org_kajaanin_seura_ry": 125.0, "org_kuhmon_kerho": 24.0}
    assert breakdown("2025", "org") == {"org_kajaanin_seura_ry": 56.0, "org_kuhmon_kerho": 64.0, "org_sotkamon_vpk_ry": 40.0}


def test_yearly_total_support_and_per_capita(indicators):
    # grants_total_eur 2024 = 2 500 € -> 2 500 + 149 = 2 649 €; population 31.12.2024 = 69 000.
    assert value(indicators, "support_total_eur", "2024") == (2649.0, False, "eur")
    assert value(indicators, "support_total_per_capita_eur", "2024") == (pytest.approx(2649 / 69000), False, "eur_per_inhabitant")
    # 2025: 500 + 160 = 660 €; no 2025 population yet -> 2024's, provisional.
    assert value(indicators, "support_total_eur", "2025") == (660.0, False, "eur")
    assert value(indicators, "support_total_per_capita_eur", "2025") == (pytest.approx(660 / 69000), True, "eur_per_inhabitant")
    assert indicators.loc[indicators["period"] == "2023"].empty  # no bookings in 2023


def test_term_indicators(indicators):
    # Rule changed on purpose (issue "Figures that mean what they say"): a premises year belongs to
    # its grant year's council term, and a term's figures come from whole years, not from booking
    # dates and months. Every grant year here belongs to 2022–2025: 2025's main round is 13.3.2025
    # (300 € > the 200 € of 10.10.2025). Bookings: 2024 and 2025 -> both in 2022–2025.
    assert value(indicators, "premises_inkind_eur", "2022-2025") == (149.0 + 160.0, False, "eur")  # 309 €
    # total support: (2 500 + 149) + (500 + 160) = 2 649 + 660 = 3 309 €
    assert value(indicators, "support_total_eur", "2022-2025") == (3309.0, False, "eur")
    # over the mean of the denominators of 2024 and 2025 (2025 falls back to 2024): 69 000; provisional
    assert value(indicators, "support_total_per_capita_eur", "2022-2025") == (pytest.approx(3309 / 69000), True, "eur_per_inhabitant")
    # yearly mean: (2 649 / 69 000 + 660 / 69 000) / 2 = 0.023978
    assert value(indicators, "support_total_per_capita_yearly_mean_eur", "2022-2025") == (
        pytest.approx((2649 / 69000 + 660 / 69000) / 2), True, "eur_per_inhabitant")
    # 2025–2029 has no year yet: nothing published for it (before: 104 € of autumn bookings, annualised over 7 months)
    assert indicators.loc[indicators["period"] == "2025-2029"].empty


def test_a_premises_year_without_grants_belongs_to_the_term_of_30_june():
    extra = bookings_frame().iloc[[5]].assign(booking_date=pd.Timestamp("2026-02-10"), year=2026, cost_eur=30.0)
    bookings = pd.concat([bookings_frame(), extra], ignore_index=True)
    result = premises_indicators(bookings, grants_frame(), grant_indicators_frame(), population_frame(), DOMAIN)
    # 2026 has bookings (30 €) but no grants: 30.6.2026 is in 2025–2029; no total support for it
    assert value(result, "premises_inkind_eur", "2025-2029") == (30.0, False, "eur")
    assert set(result.loc[result["period"] == "2025-2029", "indicator"]) == {"premises_inkind_eur"}
    assert value(result, "premises_inkind_eur", "2022-2025")[0] == 309.0


def test_indicator_ids_are_exactly_these(indicators):
    assert not indicators["indicator"].str.contains(":").any()  # categories are in their own column
    assert set(indicators.loc[indicators["category"] != "", "indicator"]) == {"premises_inkind_eur"}
    plain = sorted(set(indicators["indicator"]))
    assert plain == [
        "premises_bookings", "premises_hours", "premises_inkind_eur", "premises_organisations",
        "support_total_eur", "support_total_per_capita_eur", "support_total_per_capita_yearly_mean_eur",
    ]


def test_year_without_grant_data_has_no_total_support():
    result = premises_indicators(bookings_frame(), grants_frame(), grant_indicators_frame(years=(2024,)), population_frame(), DOMAIN)
    # 2025 has bookings but no grant indicators: the term's total support is 2024's alone
    assert set(result.loc[result["indicator"] == "support_total_eur", "period"]) == {"2024", "2022-2025"}
    assert value(result, "support_total_eur", "2022-2025")[0] == 2649.0
    assert result.loc[(result["period"] == "2025") & (result["indicator"] == "premises_inkind_eur") & (result["category"] == ""), "value"].tolist() == [160.0]


def test_without_population_there_is_no_per_capita():
    empty = pd.DataFrame({"year": pd.Series(dtype="int64"), "area_code": pd.Series(dtype=str), "area_name": pd.Series(dtype=str), "population": pd.Series(dtype="int64")})
    result = premises_indicators(bookings_frame(), grants_frame(), grant_indicators_frame(), empty, DOMAIN)
    assert not result["indicator"].str.contains("per_capita").any()
    assert value(result, "support_total_eur", "2024")[0] == 2649.0


def test_no_bookings_no_indicators():
    result = premises_indicators(bookings_frame().iloc[0:0], grants_frame(), grant_indicators_frame(), population_frame(), DOMAIN)
    assert result.empty and list(result.columns) == INDICATOR_COLUMNS


# --- report tables -----------------------------------------------------------------------------


def test_report_tables(indicators):
    both = pd.concat([grant_indicators_frame(), indicators], ignore_index=True)
    support = rp.support_series(both, "MK18", up_to=2025)
    assert support["vuosi"].tolist() == ["2024", "2025"]
    assert support["avustukset_eur"].tolist() == [2500.0, 500.0]
    assert support["tilojen_arvo_eur"].tolist() == [149.0, 160.0]
    assert support["tuki_yhteensä_eur"].tolist() == [2649.0, 660.0]
    assert support["ennakollinen"].tolist() == [False, True]
    assert rp.support_series(both, "MK18", up_to=2024)["vuosi"].tolist() == ["2024"]
    year_terms = grant_year_terms(grants_frame(), DOMAIN.council_terms)  # 2023–2025 -> 2022–2025
    # the grant indicators carry each year's denominator (population_used): 69 000 for 2024, and for 2025 (provisional)
    both = pd.concat([both, tidy(rows("population_used", 2024, {"MK18": 69000.0}, "persons")
                                 + rows("population_used", 2025, {"MK18": 69000.0}, "persons", True))], ignore_index=True)
    terms = rp.support_term_table(both, year_terms, DOMAIN, 2025)
    assert terms["Valtuustokausi"].tolist() == ["1. aluevaltuustokausi 2022–2025", "2. aluevaltuustokausi 2025–2029"]
    assert terms["Vuodet"].tolist() == ["2024–2025", "–"] and terms["Tila"].tolist() == ["päättynyt", "kausi kesken: 0 vuotta aineistossa"]
    assert terms["Tilojen käyttö (€)"].iloc[0] == 309.0 and terms["Tuki yhteensä (€)"].iloc[0] == 3309.0
    assert terms["€ / asukas kaudella"].iloc[0] == pytest.approx(3309 / 69000)
    assert terms["€ / asukas vuodessa (keskiarvo)"].iloc[0] == pytest.approx((2649 + 660) / 69000 / 2)
    assert terms["Ennakollinen"].tolist() == [True, False]
    assert math.isnan(terms["Tuki yhteensä (€)"].iloc[1])
    # the 2024 page: 2024 only, the term running, and never the 2025–2029 term
    as_of_2024 = rp.support_term_table(both, year_terms, DOMAIN, 2024)
    assert as_of_2024.to_dict("list") == {
        "Valtuustokausi": ["1. aluevaltuustokausi 2022–2025"], "Vuodet": ["2024"], "Tila": ["kausi kesken: 1 vuosi aineistossa"],
        "Tilojen käyttö (€)": [149.0], "Tuen vuodet": ["2024"], "Tuki yhteensä (€)": [2649.0],
        "€ / asukas kaudella": [pytest.approx(2649 / 69000)], "€ / asukas vuodessa (keskiarvo)": [pytest.approx(2649 / 69000)],
        "Ennakollinen": [False],
    }
    top = rp.top_organisations(both, bookings_frame(), 2025, "MK18", n=2)
    assert top.to_dict("list") == {"Järjestö": ["Kuhmon Kerho", "Kajaanin Seura ry"], "Tilojen käytön arvo (€)": [64.0, 56.0]}
    networks = rp.breakdown_table(both, "network", 2025, "MK18", rp.network_labels(DOMAIN), "Kumppanuusverkosto")
    assert networks["Kumppanuusverkosto"].tolist() == ["Ikäverkosto", "Lapset, nuoret ja perheet", "ei tiedossa"]
    names = load_catalogue(CONFIG_DIR).names()
    figures = dict(rp.key_figures(both, 2025, "MK18", names).to_numpy())
    assert figures[names["premises_inkind_eur"]] == "160\xa0€"
    assert figures[names["support_total_eur"]] == "660\xa0€"
    assert figures[names["support_total_per_capita_eur"]] == "0,01\xa0€ *"
    assert figures["Tilojen osuus tuesta"] == "24,2\xa0%"  # 160 / 660 (the house style: a no-break space before the unit)
    assert rp.has_year(both, 2025, "MK18") and not rp.has_year(both, 2023, "MK18")
    use = rp.premises_use_table(bookings_frame(), 2024)
    assert use.to_dict("list") == {"Tila": ["P1", "P2"], "Varauksia": [2, 1], "Tunteja": [5.0, 1.5], "Arvo (€)": [125.0, 24.0]}


def test_network_trend_and_method_note(indicators, monkeypatch):
    trend = rp.network_trend(indicators, DOMAIN, up_to=2025)
    by_key = {(r.vuosi, r.verkosto): r.arvo for r in trend.itertuples()}
    assert by_key == {
        ("2024", "Ikäverkosto"): 24.0, ("2024", "Lapset, nuoret ja perheet"): 125.0,
        ("2025", "Ikäverkosto"): 64.0, ("2025", "Lapset, nuoret ja perheet"): 56.0, ("2025", "ei tiedossa"): 40.0,
    }
    assert set(rp.network_trend(indicators, DOMAIN, up_to=2024)["vuosi"]) == {"2024"}
    monkeypatch.chdir(PROJECT)
    # The price list is named in words: file paths belong on the quality page only (issue 12).
    note = rp.method_note(load_settings(CONFIG_DIR))
    assert "(seurannan asetuksiin kirjattu tilojen tuntihinnasto)" in note and "config/" not in note


# --- entry points ------------------------------------------------------------------------------


def test_registry_entry_makes_a_dataset():
    dataset = Dataset(**pm.REGISTRY_ENTRY, clean=pm.clean, indicators=premises_figures.indicators, tables={"premises": "Tilojen maksuton käyttö"})
    assert (dataset.name, dataset.raw_folder, dataset.needs, dataset.required) == ("premises", "premises", ("grants", "population"), False)
    assert dataset.label == "Tilojen maksuton käyttö"


def test_indicators_entry_point_reads_the_tables_by_name(indicators):
    tables = {"premises": bookings_frame(), "grants": grants_frame(), "population": population_frame(), "indicators": grant_indicators_frame()}
    derived = premises_figures.indicators(tables, SETTINGS)
    # The entry point also reports the bookings set aside as out of scope (premises_out_of_scope_*):
    # the frame has none, so 0 € and 0 bookings for each booking year, 2024 and 2025.
    scoped = derived.indicators["indicator"].str.startswith("premises_out_of_scope")
    assert derived.indicators.loc[scoped, ["indicator", "period", "category", "value"]].values.tolist() == [
        ["premises_out_of_scope_eur", "2024", "", 0.0], ["premises_out_of_scope_bookings", "2024", "", 0.0],
        ["premises_out_of_scope_eur", "2025", "", 0.0], ["premises_out_of_scope_bookings", "2025", "", 0.0],
    ]
    pd.testing.assert_frame_equal(derived.indicators.loc[~scoped].reset_index(drop=True), indicators)
    assert premises_figures.indicators({}, SETTINGS).indicators.empty


def test_clean_entry_point_without_files(layout):
    output = pm.clean([], CleaningContext(layout, SETTINGS))
    assert list(output.results) == ["premises"]
    assert output.results["premises"].cleaned.empty and list(output.results["premises"].cleaned.columns) == list(PREMISES)


# --- the GX suite ------------------------------------------------------------------------------


def test_suite_council_terms_equal_the_configuration():
    from kainuu_metrics.quality.checks import load_suites

    suite = json.loads((PROJECT / "kainuu_metrics" / "quality" / "suites" / "premises_cleaned.json").read_text(encoding="utf-8"))
    assert suite["name"] == "premises_cleaned"
    [terms] = [e["kwargs"]["value_set"] for e in suite["expectations"] if e["kwargs"].get("column") == "council_term"]
    assert terms == {"$config": "council_terms"}  # the suite names no county's terms
    resolved = load_suites(value_sets=config_value_sets(SETTINGS))["premises"]
    [terms] = [e.kwargs["value_set"] for e in resolved.expectations if e.kwargs.get("column") == "council_term"]
    assert terms == [t.id for t in DOMAIN.council_terms]


def test_suite_passes_clean_bookings_and_blocks_bad_ones():
    from kainuu_metrics.quality.checks import run_checks

    good = bookings_frame()
    bad = good.copy()
    bad.loc[0, "hours"] = 30.0
    bad.loc[1, "cost_eur"] = -1.0
    bad.loc[2, "booking_date"] = pd.Timestamp("2203-01-01")
    report = run_checks({"premises": good}, value_sets=config_value_sets(SETTINGS))
    mine = [c for c in report.checks if c.dataset == "premises"]
    assert all(c.success for c in mine), [c for c in mine if not c.success]
    report = run_checks({"premises": bad}, value_sets=config_value_sets(SETTINGS))
    failed = {(c.expectation, c.column) for c in report.checks if c.dataset == "premises" and c.blocking and not c.success}
    assert failed == {
        ("expect_column_values_to_be_between", "hours"),
        ("expect_column_values_to_be_between", "cost_eur"),
        ("expect_column_values_to_be_between", "booking_date"),
    }


# --- sample data -------------------------------------------------------------------------------


def _sample_module():
    scripts = str(PROJECT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return importlib.import_module("sample_data.premises")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    module = _sample_module()
    root = tmp_path_factory.mktemp("sample")
    layout = Layout(root, root / "reports")
    first = module.generate(layout.raw_dir("premises"), random.Random(2023))
    again = module.generate(tmp_path_factory.mktemp("again") / "premises", random.Random(2023))
    return layout, first, again


def test_sample_is_byte_for_byte_reproducible(sample):
    _, first, again = sample
    assert [p.name for p in first] == ["tilojen_kaytto_2023.xlsx", "tilavaraukset_2024.csv", "tilavaraukset_2025.xlsx"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]


def test_sample_cleans_with_the_planted_problems(sample):
    layout, paths, _ = sample
    result = pm.clean(paths, CleaningContext(layout, SETTINGS)).results["premises"]
    assert all(a.balanced for a in result.accounts)
    per_year = result.cleaned.groupby("year").size()
    assert per_year.index.tolist() == [2023, 2024, 2025]
    assert all(100 <= n <= 250 for n in per_year)
    reasons = result.rejected.groupby("source_file")["reason"].apply(list).to_dict()
    assert len(result.rejected) == 7
    text_2023 = " ".join(reasons["raw/premises/tilojen_kaytto_2023.xlsx"])
    assert "ei ole hinnastossa" in text_2023 and "premises_prices.yaml" in text_2023
    assert "loppuaika ei ole alkuajan jälkeen" in text_2023 and "hintaa päivälle 28.12.2022" in text_2023
    text_2024 = " ".join(reasons["raw/premises/tilavaraukset_2024.csv"])
    assert "'31.11.2024' ei ole olemassa oleva päivämäärä" in text_2024 and "sarake 'Päättyy' on tyhjä" in text_2024
    text_2025 = " ".join(reasons["raw/premises/tilavaraukset_2025.xlsx"])
    assert "kesto 26 h" in text_2025 and "järjestön nimi puuttuu" in text_2025
    assert sorted(result.flagged["flag"]) == ["flag_invalid_business_id", "flag_possible_duplicate", "flag_possible_duplicate", "flag_zero_cost"]
    # The volunteer fire brigades' (VPK) readable bookings are set aside as out of scope (the
    # cooperation plan does not cover them): 11 in 2023, 15 in 2024, 20 in 2025 = 46 rows. Their
    # two unreadable 2024 bookings stay rejected above (31.11.2024, no end time): rejected first.
    assert set(result.skipped["kind"]) == {"title", "header", "blank", "totals", "footnote", "out_of_scope_organisation"}
    assert result.skipped["kind"].tolist().count("out_of_scope_organisation") == 11 + 15 + 20
    assert not result.cleaned["organisation"].str.contains("VPK").any()
    assert result.skipped["kind"].tolist().count("totals") == 3
    assert set(result.cleaned["cost_source"]) == {"ilmoitettu", "hinnasto"}
    assert not result.cleaned["premises_listed"].all()


def test_sample_organisations_overlap_the_grant_sample(sample):
    layout, paths, _ = sample
    bookings = pm.clean(paths, CleaningContext(layout, SETTINGS)).results["premises"].cleaned
    _sample_module()
    from sample_data import new_rng
    from sample_data.grants import build_registry

    registry = {name: org.business_id for name, org in build_registry(new_rng()).items()}
    known = bookings.loc[bookings["business_id"].notna()]
    names = known["organisation"].astype(object).map(lambda n: n if n in registry else n.removesuffix(" ry"))
    matched = known.loc[names.map(registry).eq(known["business_id"])]
    assert matched["organisation"].nunique() >= 20  # same name and Y-tunnus as in the grant sample
    for name in ("Kainuun Muistiyhdistys", "Mieli Kainuun Kriisikeskus", "Nuorten Ystävät", "Kajaanin Päiväkeskus"):
        assert name in set(bookings["organisation"])
    assert "Kainuun Muistiyhdistys ry" in set(bookings["organisation"])  # spelled with "ry" in 2024
    assert math.isclose(bookings.loc[bookings["year"] == 2025, "council_term"].eq("2025-2029").mean(), 0.5, abs_tol=0.2)
