import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from kainuu_metrics.settings import load_domain, load_settings
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.datasets.grants.clean import clean_grant_record, clean_grants
from kainuu_metrics.paths import CONFIG_DIR, Layout

from .conftest import ROOT

DOMAIN = load_domain(CONFIG_DIR)
SETTINGS = load_settings(CONFIG_DIR)

CSV_2024 = (
    '"Kainuun hyvinvointialue - avustukset 2024"\r\n'
    "\r\n"
    '"Järjestön nimi";"Ytunnus";"Avustustyyppi";"Tarkoitus";"Haettu summa";"Myönnetty summa";"Päätöspvm";"Kunta";"Lähellä.fi"\r\n'
    '"Kajaanin Seura ry";"2077474-0";"Toiminta-avustus";"Kerhot";"1 500,00 €";"1 200,00 €";"14.3.2024";"  KAJAANI";"kyllä"\r\n'
    '"Kajaanin Seura ry";"FI20774740";"kumppanuus";"kerhot";"5 000";"5 000";"14.3.2024";"Kajaani";"kyllä"\r\n'
    ";;;;;;;;\r\n"
    '"Oulun Seura";"";"TA";"x";"100";"50";"14.3.2024";"Oulu";"ei"\r\n'
    '"";"";"TA";"x";"noin 500";"50";"14.3.2024";"Kuhmo";"ei"\r\n'
    '"Kuhmon ry";"1234567-2";"TA";"x";"100";"150";"14.3.2024";"kuhmo";"ei"\r\n'
    '"Yhteensä";"";"";"";"";"6 400";"";"";""\r\n'
)


@pytest.fixture
def layout(tmp_path):
    (tmp_path / "raw" / "grants").mkdir(parents=True)
    return Layout(tmp_path, tmp_path / "reports")


def write_csv(layout, name, text, encoding="cp1252"):
    path = layout.raw / "grants" / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_export_every_row_accounted_for(layout):
    result = clean_grants([write_csv(layout, "a.csv", CSV_2024)], layout, SETTINGS)
    [account] = result.accounts
    assert (account.rows_read, account.cleaned, account.rejected, account.skipped) == (10, 3, 2, 5)
    assert account.source_file == "raw/grants/a.csv"
    assert result.skipped["kind"].tolist() == ["title", "blank", "header", "blank", "totals"]
    cleaned = result.cleaned
    assert cleaned["source_row"].tolist() == [4, 5, 9]
    assert cleaned["granted_eur"].tolist() == [1200.0, 5000.0, 150.0]
    assert cleaned["applied_eur"].tolist() == [1500.0, 5000.0, 100.0]
    assert cleaned["municipality_code"].tolist() == ["205", "205", "290"]
    assert cleaned["grant_type"].tolist() == ["toiminta", "kumppanuus", "toiminta"]
    assert cleaned["business_id"].tolist() == ["2077474-0", "2077474-0", "1234567-2"]
    assert cleaned["decision_date"].tolist() == [dt.datetime(2024, 3, 14)] * 3
    assert cleaned["council_term"].tolist() == ["2022-2025"] * 3
    assert cleaned["year"].tolist() == [2024] * 3


def test_rejected_rows_name_column_value_and_fix(layout):
    result = clean_grants([write_csv(layout, "a.csv", CSV_2024)], layout, SETTINGS)
    rejected = result.rejected.set_index(["source_row", "column"])
    assert rejected.loc[(7, "Kunta"), "value"] == "Oulu"
    assert "ei ole Kainuun kunta" in rejected.loc[(7, "Kunta"), "reason"]
    assert "Kirjoita järjestön kotikunnaksi" in rejected.loc[(7, "Kunta"), "reason"]
    assert rejected.loc[(8, "Järjestön nimi"), "reason"].startswith("järjestön nimi puuttuu")
    assert rejected.loc[(8, "Haettu summa"), "value"] == "noin 500"
    assert "esim. 1 234,50" in rejected.loc[(8, "Haettu summa"), "reason"]
    assert set(result.rejected["sheet"]) == {""}


def test_suspicious_rows_are_kept_and_flagged(layout):
    result = clean_grants([write_csv(layout, "a.csv", CSV_2024)], layout, SETTINGS)
    g = result.cleaned.set_index("source_row")
    assert g.loc[9, "flag_granted_exceeds_applied"] and g.loc[9, "flag_not_in_lahella"]
    assert g.loc[9, "flag_invalid_business_id"]  # 1234567-2: the check digit should be 1
    assert g.loc[4, "flag_operating_and_partnership"] and g.loc[5, "flag_operating_and_partnership"]
    assert not g.loc[4, "flag_invalid_business_id"]
    assert sorted(zip(result.flagged["source_row"], result.flagged["flag"])) == [
        (4, "flag_operating_and_partnership"), (5, "flag_operating_and_partnership"),
        (9, "flag_granted_exceeds_applied"), (9, "flag_invalid_business_id"), (9, "flag_not_in_lahella"),
    ]


def test_xlsx_with_title_rows_native_cells_and_totals(layout):
    wb = Workbook()
    ws = wb.active
    ws.title = "Päätökset 2023"
    ws.append(["Kainuun hyvinvointialue – järjestöavustukset 2023"])
    ws.append([])
    ws.append(["Hakija", "Avustuslaji", "Haettu €", "Myönnetty €", "Päätöspäivä", "Kotikunta", "Kumppanuusverkosto", "Liittyvä rahoitus", "Sopimuskausi"])
    ws.append(["Kainuun Muistiyhdistys ry", "Kumppanuusavustus", 25000, 21000, dt.datetime(2023, 3, 15), "Kajaani", "ikäverkosto", "STEA", "2023–2025"])
    ws.append(["Nuorten Ystävät ry", "kumppanuus", "21 000,00 €", "21 000,00 €", "15.3.2023", "KAJAANI ", "LNP", "esr", "1.1.2023–31.12.2024"])
    ws.append(["Sotkamon Kerho ry", "kerta-avustus", 500, None, "15.3.2023", "Sotkamo", None, None, None])
    ws.append(["Yhteensä", None, 46500, 42000])
    path = layout.raw / "grants" / "b.xlsx"
    wb.save(path)
    result = clean_grants([path], layout, SETTINGS)
    [account] = result.accounts
    assert (account.sheet, account.rows_read, account.cleaned, account.rejected, account.skipped) == ("Päätökset 2023", 7, 3, 0, 4)
    g = result.cleaned
    assert g["granted_eur"].tolist() == [21000.0, 21000.0, 0.0]
    assert g["decision"].tolist() == ["myönnetty", "myönnetty", "hylätty"]
    assert g["network"].tolist()[:2] == ["Ikäverkosto", "Lapset, nuoret ja perheet"]
    assert g["linked_funding"].tolist()[:2] == ["STEA", "ESR"]
    assert g["agreement_start"].tolist()[:2] == [dt.datetime(2023, 1, 1)] * 2
    assert g["agreement_end"].tolist()[:2] == [dt.datetime(2025, 12, 31), dt.datetime(2024, 12, 31)]
    assert g["year"].tolist() == [2023] * 3


def test_unknown_header_stops_with_finnish_message(layout):
    path = write_csv(layout, "c.csv", '"Hakija";"Avustuslaji";"Myönnetty €";"Rahaa"\n"A";"TA";"1";"2"\n', "utf-8")
    with pytest.raises(InputFileError) as caught:
        clean_grants([path], layout, SETTINGS)
    assert "raw/grants/c.csv" in caught.value.message and "'Rahaa'" in caught.value.message


def test_unreadable_xlsx_is_a_clear_error(layout):
    path = layout.raw / "grants" / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(InputFileError, match="Excel-tiedostoa ei voitu avata"):
        clean_grants([path], layout, SETTINGS)


@pytest.mark.parametrize(
    "record, column, reason",
    [
        ({"organisation": "A", "grant_type": "avustus?", "granted_eur": "1", "year": 2024}, "grant_type", "tuntematon avustuslaji"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "-200", "year": "2025"}, "granted_eur", "negatiivinen"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "1", "decision_date": "31.2.2025"}, "decision_date", "ei ole olemassa oleva päivämäärä"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "100", "decision": "hylätty", "year": 2024}, "decision", "'hylätty'"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "100"}, "decision_date", "vuosi puuttuu"),
        # dates outside the configured council terms (2022–2029, from 1.1.2020) are not guessed
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "1", "decision_date": "1.1.1900"}, "decision_date", "ei ole uskottava"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "1", "decision_date": "1.1.2099"}, "decision_date", "ei ole uskottava"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "1", "decision_date": "15.3.0024"}, "decision_date", "vuosi 24"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "1,234.50", "year": 2024}, "granted_eur", "monitulkintainen"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "NaN", "year": 2024}, "granted_eur", "ei ole luku"),
        ({"organisation": "A", "grant_type": "TA", "granted_eur": "#DIV/0!", "year": 2024}, "granted_eur", "virhearvo"),
    ],
)
def test_record_level_rejections(record, column, reason):
    _, problems = clean_grant_record(record, DOMAIN)
    assert [p.column for p in problems] == [column]
    assert reason in problems[0].reason


def test_an_implausible_date_beside_a_grant_year_is_flagged_not_rejected():
    values, problems = clean_grant_record(
        {"organisation": "A", "grant_type": "TA", "granted_eur": "1", "decision_date": "1.1.2099", "year": 2024}, DOMAIN)
    assert problems == [] and values["year"] == 2024 and values["decision_date"] is None
    assert values["invalid_decision_date"] == "1.1.2099"


# --- area of activity: a column of its own, separate from the home municipality --------------------

CSV_ACTIVITY = (
    '"Järjestön nimi";"Avustustyyppi";"Myönnetty summa";"Päätöspvm";"Kotikunta";"Toiminta-alue"\r\n'
    '"A ry";"TA";"1 000";"14.3.2024";"Kajaani";"Kajaani, Sotkamo ja Kuhmo"\r\n'
    '"B ry";"TA";"2 000";"14.3.2024";"Kajaani";"koko Kainuu"\r\n'
    '"C ry";"TA";"600";"14.3.2024";"Kuhmo";""\r\n'
    '"D ry";"TA";"100";"14.3.2024";"Kuhmo";"Kajaani, Oulu"\r\n'
)


def test_activity_area_is_read_apart_from_the_home_municipality(layout):
    result = clean_grants([write_csv(layout, "t.csv", CSV_ACTIVITY, "utf-8")], layout, SETTINGS)
    g = result.cleaned
    assert g["source_row"].tolist() == [2, 3, 4]
    assert g["municipality_code"].tolist() == ["205", "205", "290"]  # home: Kotikunta
    # Kajaani 205, Kuhmo 290, Sotkamo 765 sorted; "koko Kainuu" -> the region; empty -> not stated
    assert g["activity_municipalities"].tolist()[:2] == ["205;290;765", "region"]
    assert pd.isna(g["activity_municipalities"].iloc[2])


def test_an_unknown_municipality_in_the_activity_area_rejects_the_row_naming_the_valid_ones(layout):
    result = clean_grants([write_csv(layout, "t.csv", CSV_ACTIVITY, "utf-8")], layout, SETTINGS)
    [line] = result.rejected.to_dict("records")
    assert (line["source_row"], line["column"], line["value"]) == (5, "Toiminta-alue", "Kajaani, Oulu")
    assert line["reason"] == (
        "toiminta-alueen 'Oulu' ei ole Kainuun kunta eikä koko aluetta tarkoittava ilmaus. "
        "Kirjoita toiminta-alueeksi ne Kainuun kunnat, joissa toimintaa on (Hyrynsalmi, Kajaani, Kuhmo, Paltamo, "
        "Puolanka, Ristijärvi, Sotkamo, Suomussalmi), pilkuin erotettuina, tai 'koko Kainuu'."
    )


def test_the_2025_state_export_aluekunnat_is_the_activity_area_not_the_home_municipality(tmp_path):
    layout = Layout(tmp_path, tmp_path / "reports")
    (tmp_path / "raw" / "grants").mkdir(parents=True)
    path = tmp_path / "raw" / "grants" / "avustukset_2025.xlsx"
    shutil.copy(ROOT / "data" / "raw" / "grants" / "avustukset_2025.xlsx", path)
    g = clean_grants([path], layout, SETTINGS).cleaned.set_index("source_row")
    assert g["municipality_code"].isna().all()  # the export has no home-municipality column
    assert g.loc[5, ["organisation", "activity_municipalities"]].tolist() == ["Kajaanin Päiväkeskus", "205"]  # written 205
    assert g.loc[31, ["organisation", "activity_municipalities"]].tolist() == ["Paltamon Perheyhdistys ry", "578"]  # Paltamo
    assert set(g["activity_municipalities"]) <= set(DOMAIN.municipalities)  # one municipality on every row


def test_a_hidden_backup_sheet_is_skipped_and_counted_not_read_twice(layout):
    book = Workbook()
    rows = [["Järjestön nimi", "Avustustyyppi", "Myönnetty summa", "Päätöspvm"],
            ["A ry", "TA", 1000, "14.3.2024"], ["B ry", "TA", 500, "14.3.2024"]]
    for row in rows:
        book.active.append(row)
    backup = book.create_sheet("varmuuskopio")
    for row in rows:
        backup.append(row)
    backup.sheet_state = "hidden"
    path = layout.raw / "grants" / "piilo_2024.xlsx"
    book.save(path)

    result = clean_grants([path], layout, SETTINGS)

    assert result.cleaned["granted_eur"].sum() == 1500  # 1 000 + 500, not 3 000
    hidden = result.skipped.loc[result.skipped["sheet"] == "varmuuskopio"]
    assert hidden["kind"].tolist() == ["hidden_sheet"] * 3  # header + 2 rows, each counted
    assert [(a.sheet, a.rows_read, a.cleaned, a.skipped) for a in result.accounts] == [("Sheet", 3, 2, 1), ("varmuuskopio", 3, 0, 3)]


def test_control_and_invisible_characters_are_removed_and_the_row_flagged():
    values, problems = clean_grant_record(
        {"organisation": "Kerho\x00 ry\u200b", "grant_type": "TA", "granted_eur": "100", "year": 2024, "purpose": "\x1b[31mretket"}, DOMAIN)
    assert problems == [] and values["organisation"] == "Kerho ry" and values["purpose"] == "retket"
    assert values["flag_unprintable_text"] is True
    clean, _ = clean_grant_record({"organisation": "Kerho ry", "grant_type": "TA", "granted_eur": "100", "year": 2024}, DOMAIN)
    assert clean["flag_unprintable_text"] is False


def test_a_decision_date_after_the_run_date_plus_a_margin_is_not_believed():
    # Run on 1.3.2024: 1.4.2024 is 31 days later (the margin, kept); 2.4.2024 is 32 days later.
    record = {"organisation": "A", "grant_type": "TA", "granted_eur": "1"}
    kept, problems = clean_grant_record({**record, "decision_date": "1.4.2024"}, DOMAIN, today=dt.date(2024, 3, 1))
    assert problems == [] and kept["decision_date"] == dt.date(2024, 4, 1)
    _, problems = clean_grant_record({**record, "decision_date": "2.4.2024"}, DOMAIN, today=dt.date(2024, 3, 1))
    assert [p.column for p in problems] == ["decision_date"]
    assert "yli 31 päivää ajopäivän 1.3.2024 jälkeen" in problems[0].reason
    # beside a grant-year column the row is kept for the year's figures and flagged
    values, problems = clean_grant_record({**record, "decision_date": "2.4.2024", "year": 2024}, DOMAIN, today=dt.date(2024, 3, 1))
    assert problems == [] and values["invalid_decision_date"] == "2.4.2024"


def test_a_two_digit_year_in_a_decision_date_is_refused_asking_for_four_digits():
    _, problems = clean_grant_record({"organisation": "A", "grant_type": "TA", "granted_eur": "1", "decision_date": "1.1.24"}, DOMAIN)
    assert [p.column for p in problems] == ["decision_date"]
    assert "kirjoita vuosi neljällä numerolla (esim. 1.1.2024)" in problems[0].reason


# --- identical rows: probable duplicates, counted once --------------------------------------------

DUP_HEADER = '"Järjestön nimi";"Avustustyyppi";"Tarkoitus";"Myönnetty summa";"Päätöspvm";"Kunta"\n'
DUP_ROW = '"Kerho ry";"TA";"Retket";"700";"14.3.2024";"Kajaani"\n'


def test_identical_rows_within_and_between_files_are_counted_once_and_name_the_original(layout):
    first = write_csv(layout, "a_2024.csv", DUP_HEADER + DUP_ROW * 3 + '"Muu ry";"TA";"Retket";"700";"14.3.2024";"Kajaani"\n', "utf-8")
    second = write_csv(layout, "b_2024.csv", DUP_HEADER + '"KERHO  ry";"toiminta-avustus";"retket";"700,00 €";"14.3.2024";"Kuhmo"\n', "utf-8")
    result = clean_grants([first, second], layout, SETTINGS)
    # 700 (Kerho ry once) + 700 (Muu ry) = 1 400, not 5 × 700 = 3 500
    assert result.cleaned["granted_eur"].sum() == 1400
    copies = result.skipped.loc[result.skipped["kind"] == "duplicate_row"]
    assert list(zip(copies["source_file"], copies["source_row"])) == [("raw/grants/a_2024.csv", 3), ("raw/grants/a_2024.csv", 4), ("raw/grants/b_2024.csv", 2)]
    assert [(a.rows_read, a.cleaned, a.rejected, a.skipped) for a in result.accounts] == [(5, 2, 0, 3), (2, 0, 0, 2)]
    lines = result.flagged.loc[result.flagged["flag"] == "flag_probable_duplicate"]
    assert lines["source_row"].tolist() == [3, 4, 2]
    assert all("kuin raw/grants/a_2024.csv, rivi 2" in r for r in lines["reason"])


def test_a_different_purpose_date_or_amount_is_not_a_duplicate(layout):
    rows = [DUP_ROW, DUP_ROW.replace("Retket", "Leirit"), DUP_ROW.replace("14.3", "15.3"), DUP_ROW.replace('"700"', '"701"'),
            DUP_ROW.replace('"TA"', '"kumppanuus"')]
    result = clean_grants([write_csv(layout, "c_2024.csv", DUP_HEADER + "".join(rows), "utf-8")], layout, SETTINGS)
    assert result.cleaned["granted_eur"].sum() == 700 * 4 + 701  # 3 501: nothing set aside
    assert "duplicate_row" not in set(result.skipped["kind"])


def test_an_export_that_repeats_rows_on_purpose_counts_every_copy(layout, tmp_path):
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    columns = config / "columns" / "grants.yaml"
    columns.write_text(columns.read_text(encoding="utf-8").replace("repeats_rows: false", "repeats_rows: true"), encoding="utf-8")
    result = clean_grants([write_csv(layout, "d_2024.csv", DUP_HEADER + DUP_ROW * 3, "utf-8")], layout, load_settings(config))
    assert result.cleaned["granted_eur"].sum() == 2100  # 3 × 700


def test_a_totals_row_that_counted_the_copies_still_reconciles(layout):
    from kainuu_metrics.datasets.grants.clean import clean_grant_exports

    text = DUP_HEADER + DUP_ROW * 2 + '"Yhteensä";;;"1 400";;\n'
    table = clean_grant_exports([write_csv(layout, "e_2024.csv", text, "utf-8")], layout, SETTINGS).tables["grants_reconciliation"]
    [row] = table.itertuples()
    # 1 400 reported = 700 cleaned + 700 copy set aside
    assert (row.cleaned_eur, row.duplicate_eur, row.difference_eur) == (700.0, 700.0, 0.0)


def test_error_cells_and_uncomputed_formulas_in_a_workbook_are_rejected_never_read_as_zero(layout):
    book = Workbook()
    sheet = book.active
    sheet.append(["Järjestön nimi", "Avustustyyppi", "Myönnetty summa", "Päätöspvm"])
    sheet.append(["A ry", "TA", "#DIV/0!", "14.3.2024"])  # openpyxl writes an error cell (t="e")
    sheet.append(["B ry", "TA", "#REF!", "14.3.2024"])
    sheet.append(["C ry", "TA", "=1/0", "14.3.2024"])  # a formula without a computed value
    sheet.append(["D ry", "TA", 250, "14.3.2024"])
    path = layout.raw / "grants" / "virheet_2024.xlsx"
    book.save(path)
    result = clean_grants([path], layout, SETTINGS)
    assert result.cleaned["granted_eur"].tolist() == [250.0]  # only D ry; nothing read as 0 €
    reasons = result.rejected.set_index("source_row")["reason"]
    assert "'#DIV/0!' on taulukkolaskennan virhearvo" in reasons[2] and "'#REF!'" in reasons[3]
    assert "'=1/0' on kaava, jonka arvoa ei ole tallennettu" in reasons[4]
