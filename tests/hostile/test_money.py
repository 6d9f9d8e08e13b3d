"""Issue 11, "Money counted wrong or twice": hidden backup sheets, copies of rows and files,
ambiguous amounts and error cells, control characters. Every case: a balanced row account per
file and a hand-computed euro total (see builders.py for K and X)."""

from __future__ import annotations

import pytest

from kainuu_metrics.settings import load_settings

from .builders import (
    K, K_LINES, K_TOTAL, X, X_ROWS, X_TOTAL, assert_every_row_accounted, clean, copy_config, edit_x, flags, granted_by_year,
    k_lines, k_row, kinds, sample_copy, write_k,
)

# --- hidden and copied sheets ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_backup_sheet_does_not_double_the_year(tmp_path, state):
    def backup(book):
        book.copy_worksheet(book["VA"]).title = "varmuuskopio"
        book["varmuuskopio"].sheet_state = state

    layout = sample_copy(tmp_path, X)
    edit_x(layout, backup)
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2025: X_TOTAL}  # 153 900 €, not 307 800 €
    assert kinds(cleaned)["hidden_sheet"] == X_ROWS  # all 50 rows of the copy, counted


def test_a_visible_copy_sheet_is_counted_once_and_each_copy_names_its_original(tmp_path):
    layout = sample_copy(tmp_path, X)
    edit_x(layout, lambda book: setattr(book.copy_worksheet(book["VA"]), "title", "kopio"))
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2025: X_TOTAL}
    assert kinds(cleaned)["duplicate_row"] == 48  # the 48 cleaned rows again; the rejected row 50 is rejected again
    lines = flags(cleaned, "flag_probable_duplicate")
    first = lines.loc[lines["source_row"] == 2, "reason"].item()
    assert "kuin raw/grants/avustukset_2025.xlsx, välilehti 'VA', rivi 2" in first and "laskettiin vain kerran" in first


# --- copies of rows and files ------------------------------------------------------------------------


def test_the_same_row_three_times_in_one_file_counts_once(tmp_path):
    layout = sample_copy(tmp_path, K)
    lines = k_lines(layout)
    write_k(layout, lines + [lines[10], lines[10]])  # line 11 (Kuhmon Eläkeläiset ry, 600 €) twice more
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)  # 16 lines = 12 + 1 + (1 header + 2 copies)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}  # 5 300 €, not 6 500 €
    assert flags(cleaned, "flag_probable_duplicate")["source_row"].tolist() == [15, 16]


def test_a_verbatim_copy_of_a_file_of_the_same_year_counts_once(tmp_path):
    layout = sample_copy(tmp_path, K)
    write_k(layout, k_lines(layout), name="kerta-avustukset_2024 - kopio.csv")
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}  # 5 300 €, not 10 600 €
    copy = [a for a in cleaned.accounts if a.source_file.endswith("kopio.csv")][0]
    # the copy (read first: ' - kopio' sorts before '.csv'): its rows are the originals
    original = [a for a in cleaned.accounts if a.source_file.endswith(K)][0]
    assert (copy.cleaned + original.cleaned, copy.rejected + original.rejected) == (12, 2)
    assert (original.cleaned, original.skipped) == (0, 13)  # header + 12 copies


def test_a_copied_row_in_another_file_of_the_year_is_flagged_with_the_file_it_repeats(tmp_path):
    layout = sample_copy(tmp_path, K)
    lines = k_lines(layout)
    write_k(layout, [lines[0], lines[1].replace("Ristijärven", "RISTIJÄRVEN ")], name="lisa_2024.csv")  # case and spacing differ
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}  # the 250 € of line 2 once
    [reason] = flags(cleaned, "flag_probable_duplicate")["reason"]
    assert "kuin raw/grants/kerta-avustukset_2024.csv, rivi 2" in reason


def test_rows_that_differ_in_date_purpose_or_amount_are_all_counted(tmp_path):
    layout = sample_copy(tmp_path, K)
    extra = [k_row(date="6.11.2024"), k_row(purpose="Kevätjuhla"), k_row(granted="601 €")]
    write_k(layout, k_lines(layout) + extra)
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL + 600 + 600 + 601}  # 7 101 €
    assert "duplicate_row" not in kinds(cleaned)


def test_an_export_that_repeats_rows_by_design_counts_every_copy_when_configured(tmp_path):
    layout = sample_copy(tmp_path, K)
    lines = k_lines(layout)
    write_k(layout, lines + [lines[10], lines[10]])
    config = copy_config(tmp_path)
    columns = config / "columns" / "grants.yaml"
    columns.write_text(columns.read_text(encoding="utf-8").replace("repeats_rows: false", "repeats_rows: true"), encoding="utf-8")
    cleaned = clean(layout, load_settings(config))
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL + 2 * 600}  # 6 500 €


# --- amounts that are not certain ---------------------------------------------------------------------


AMBIGUOUS = ['"1,234.50"', "NaN", "nan €", "inf", "-inf", "Infinity", "#DIV/0!", "#REF!", "#VIITTAUS!", "#N/A", "=SUMMA(E2:E5)"]


def test_ambiguous_amounts_and_error_values_are_rejected_never_guessed(tmp_path):
    layout = sample_copy(tmp_path, K)
    extra = [k_row(name=f"Kerho {i} ry", granted=amount) for i, amount in enumerate(AMBIGUOUS)]
    write_k(layout, k_lines(layout) + extra)
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}  # none of the 11 amounts is read: 5 300 €
    rejected = cleaned.results["grants"].rejected
    # every one of them is refused in the granted column ("NaN" used to be read as a blank cell: 0 €)
    refused = rejected.loc[rejected["source_row"] > K_LINES]
    assert refused["source_row"].nunique() == len(AMBIGUOUS)
    excluded = cleaned.tables["grants_excluded"]
    assert excluded.loc[excluded["source_row"] > K_LINES, "granted_eur"].isna().all()  # unreadable, not 0 €


def test_error_cells_and_uncomputed_formulas_in_a_workbook_are_not_zero(tmp_path):
    def errors(book):
        sheet = book["VA"]
        sheet["G3"] = "#DIV/0!"  # openpyxl writes an error cell; row 3 granted 8 000 €
        sheet["G4"] = "=F4*0,7"  # a formula saved without its value; row 4 granted 21 000 €

    layout = sample_copy(tmp_path, X)
    edit_x(layout, errors)
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2025: X_TOTAL - 8000 - 21000}  # 124 900 €
    rejected = cleaned.results["grants"].rejected.set_index("source_row")
    assert "virhearvo" in rejected.loc[3, "reason"] and "kaava" in rejected.loc[4, "reason"]


# --- control and invisible characters ---------------------------------------------------------------


@pytest.mark.parametrize("dirty", ["Kuhmon\x00 Eläkeläiset ry", "\x1b[31mKuhmon Eläkeläiset ry\x1b[0m", "Kuhmon\u200b Eläkeläiset\u2060 ry", "Kuhmon\x07 Eläkeläiset ry\x7f"])
def test_control_characters_are_stripped_the_row_kept_and_flagged(tmp_path, dirty):
    layout = sample_copy(tmp_path, K)
    lines = k_lines(layout)
    lines[10] = lines[10].replace("Kuhmon Eläkeläiset ry", dirty)
    write_k(layout, lines)
    cleaned = clean(layout)
    assert_every_row_accounted(cleaned, layout)
    assert granted_by_year(cleaned) == {2024: K_TOTAL}
    table = cleaned.results["grants"].cleaned.set_index("source_row")
    assert table.loc[11, "organisation"] == "Kuhmon Eläkeläiset ry"
    assert flags(cleaned, "flag_unprintable_text")["source_row"].tolist() == [11]
