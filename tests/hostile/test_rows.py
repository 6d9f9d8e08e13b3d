"""Issue 11, "Rows that disappear": macro workbooks, empty and stray files, names that look like
a totals row, quotes that never close, dates that cannot be right. Every case: every file read
or refused by name, a balanced row account, a hand-computed euro total."""

from __future__ import annotations

import datetime as dt

import pytest

from kainuu_metrics.errors import InputFileError

from .builders import (
    K, K_LINES, K_TOTAL, X, X_ROWS, X_TOTAL, assert_every_row_accounted, clean, edit_x, flags, granted_by_year, grants_folder,
    k_lines, k_row, kinds, sample_copy, write_k,
)

# --- every file read or refused by name ---------------------------------------------------------------


def test_a_macro_workbook_is_read_like_a_workbook(tmp_path):
    layout = sample_copy(tmp_path, X)
    edit_x(layout, lambda book: None, save_as="avustukset_2025.xlsm")
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    [account] = cleaned.accounts
    assert (account.source_file, account.rows_read) == ("raw/grants/avustukset_2025.xlsm", X_ROWS)
    assert granted_by_year(cleaned) == {2025: X_TOTAL}


@pytest.mark.parametrize("empty", ["tyhja_2024.csv", "tyhja_2024.xlsx", "tyhja.txt"])
def test_an_empty_file_is_refused_by_name_and_the_others_still_count(tmp_path, empty):
    layout = sample_copy(tmp_path, K)
    (grants_folder(layout) / empty).write_bytes(b"")
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert [(r.path, r.reason) for r in cleaned.refused] == [(f"raw/grants/{empty}", "tiedosto on tyhjä (0 tavua)")]
    assert granted_by_year(cleaned) == {2024: K_TOTAL}


def test_stray_files_are_each_refused_with_a_finnish_reason(tmp_path):
    layout = sample_copy(tmp_path, K)
    for name in ("vanha_2023.xls", "paatos.pdf", "laskelma.ods", "muistiinpanot"):
        (grants_folder(layout) / name).write_bytes(b"x")
    (layout.raw / "irrallinen_2024.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    refused = {r.path: r for r in cleaned.refused}
    assert set(refused) == {"raw/grants/vanha_2023.xls", "raw/grants/paatos.pdf", "raw/grants/laskelma.ods",
                            "raw/grants/muistiinpanot", "raw/irrallinen_2024.csv"}
    assert "muodossa .xlsx" in refused["raw/grants/vanha_2023.xls"].fix
    assert refused["raw/irrallinen_2024.csv"].reason == "tiedosto ei ole minkään aineiston kansiossa"
    assert granted_by_year(cleaned) == {2024: K_TOTAL}


# --- totals rows: by shape, never by a word at the start of a name -----------------------------------

LOOK_ALIKES = ["Summa ry", "Total Fitness Kajaani ry", "Yht. Kainuun Nuorisoseurat ry", "Yhteensä-kuoro ry"]


def _look_alike_rows() -> list[str]:
    return [k_row(name=name, business_id="", purpose="Kerhot", granted="400 €", municipality="Kajaani") for name in LOOK_ALIKES]


def test_real_names_that_look_like_totals_keep_their_money(tmp_path):
    layout = sample_copy(tmp_path, K)
    write_k(layout, k_lines(layout) + _look_alike_rows())
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL + 4 * 400}  # 6 900 €
    assert "totals" not in kinds(cleaned)


def test_a_real_totals_row_after_the_look_alikes_is_skipped_and_reconciles(tmp_path):
    layout = sample_copy(tmp_path, K)
    # the file's own total: 5 300 cleaned + 300 rejected (Oulu) + 4 × 400 = 7 200 €
    write_k(layout, k_lines(layout) + _look_alike_rows() + ["Yhteensä,,,,,7 200 €,,,,,"])
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL + 1600}
    assert kinds(cleaned)["totals"] == 1
    [row] = cleaned.tables["grants_reconciliation"].itertuples()
    assert (row.reported_eur, row.cleaned_eur, row.excluded_eur, row.difference_eur) == (7200.0, 6900.0, 300.0, 0.0)


def test_a_totals_row_is_known_by_its_sum_whatever_its_label(tmp_path):
    layout = sample_copy(tmp_path, K)
    # the granted column adds up to 5 600 (5 300 + Oulu's 300); the applied column is left empty
    write_k(layout, k_lines(layout) + ["Kaikki kerta-avustukset 2024,,,,,5 600,,,,,"])
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert kinds(cleaned)["totals"] == 1 and granted_by_year(cleaned) == {2024: K_TOTAL}


def test_a_name_with_only_an_amount_that_does_not_add_up_is_not_a_totals_row(tmp_path):
    layout = sample_copy(tmp_path, K)
    write_k(layout, k_lines(layout) + ["Summa ry,,,,,400 €,,,,,"])  # no grant type: rejected, its 400 € shown
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert "totals" not in kinds(cleaned)
    excluded = cleaned.tables["grants_excluded"].set_index("source_row")
    assert excluded.loc[K_LINES + 1, ["organisation", "granted_eur"]].tolist() == ["Summa ry", 400.0]


def test_a_totals_word_beside_other_data_is_kept_and_flagged(tmp_path):
    layout = sample_copy(tmp_path, K)
    write_k(layout, k_lines(layout) + [k_row(name="Yhteensä", business_id="", granted="400 €", municipality="Kajaani")])
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL + 400}
    assert flags(cleaned, "flag_possible_totals_row")["source_row"].tolist() == [K_LINES + 1]


# --- quotes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("at", [2, 11, K_LINES])
def test_a_quote_that_never_closes_stops_naming_its_line(tmp_path, at):
    # The quote opened in the last cell swallows the lines up to the next quote of the file
    # (line 4's "350,00", line 13's "Lasten, ...") or, on the last line, to the end of the file.
    layout = sample_copy(tmp_path, K)
    lines = k_lines(layout)
    assert lines[at - 1].endswith(",Kyllä")
    lines[at - 1] = lines[at - 1][: -len("Kyllä")] + '"Kyllä'
    write_k(layout, lines)
    with pytest.raises(InputFileError) as caught:
        clean(layout)
    assert caught.value.row == at and f"rivillä {at} alkava lainaus" in caught.value.message
    assert "raw/grants/kerta-avustukset_2024.csv" in caught.value.message


def test_a_quoted_cell_with_a_line_break_is_one_grant(tmp_path):
    layout = sample_copy(tmp_path, K)
    lines = k_lines(layout)
    lines[10] = lines[10].replace("Joulujuhla", '"Joulujuhla\nja retki"')
    write_k(layout, lines)
    cleaned = clean(layout)
    # 15 physical lines hold 14 rows: line 11's purpose runs on to line 12. The row account counts
    # rows (records): 14 = 12 cleaned + 1 rejected + 1 skipped.
    [account] = cleaned.accounts
    assert (account.rows_read, account.cleaned, account.rejected, account.skipped) == (K_LINES, 12, 1, 1)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}
    table = cleaned.results["grants"].cleaned.set_index("source_row")
    assert table.loc[11, "purpose"] == "Joulujuhla ja retki"


# --- dates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("date, reason", [
    ("1.1.1900", "valtuustokausien ulkopuolella"),
    ("1.1.2099", "valtuustokausien ulkopuolella"),
    ("15.3.0024", "vuosi 24"),
    ("1.1.24", "kirjoita vuosi neljällä numerolla (esim. 1.1.2024)"),
    ("15.3.024", "vuosi on kirjoitettu 3 numerolla"),
    ("31.2.2024", "ei ole olemassa oleva päivämäärä"),
])
def test_a_date_that_cannot_be_right_rejects_the_row_without_a_year_column(tmp_path, date, reason):
    layout = sample_copy(tmp_path, K)
    write_k(layout, k_lines(layout) + [k_row(name="Päiväkerho ry", date=date)])
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}  # the 600 € of the new row is not given a year
    rejected = cleaned.results["grants"].rejected.set_index("source_row")
    assert reason in rejected.loc[K_LINES + 1, "reason"]


def test_a_date_after_the_run_plus_a_month_is_not_believed(tmp_path):
    ahead = dt.date.today() + dt.timedelta(days=60)
    layout = sample_copy(tmp_path, K)
    write_k(layout, k_lines(layout) + [k_row(name="Tulevaisuus ry", date=f"{ahead.day}.{ahead.month}.{ahead.year}")])
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}
    assert cleaned.results["grants"].rejected["source_row"].tolist().count(K_LINES + 1) == 1


@pytest.mark.parametrize("date", ["1.1.24", "1.1.1900", "15.3.0024"])
def test_beside_a_grant_year_a_bad_date_keeps_the_row_for_the_year_and_flags_it(tmp_path, date):
    def bad_date(book):
        book["VA"]["I49"] = date  # row 49: Kuhmon Eläkeläiset ry, 600 €, grant year 2025

    layout = sample_copy(tmp_path, X)
    edit_x(layout, bad_date)
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2025: X_TOTAL}
    assert 49 in flags(cleaned, "flag_invalid_decision_date")["source_row"].tolist()
