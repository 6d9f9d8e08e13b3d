import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_column_mapping
from kainuu_metrics.errors import InputFileError
from kainuu_metrics.datasets.readers import RawSheet
from kainuu_metrics.datasets.tabular import map_sheet

MAPPING = load_column_mapping(CONFIG_DIR, "grants")
HEADER = ("Hakija", "Avustuslaji", "Haettu €", "Myönnetty €", "Lisätiedot")


def sheet(*rows):
    return RawSheet(name="Päätökset", rows=tuple((i, tuple(r)) for i, r in enumerate(rows, start=1)))


def test_title_header_blank_totals_and_footnote_rows_are_sorted_out():
    mapped = map_sheet(
        sheet(
            ("Kainuun hyvinvointialue – avustukset 2023", None, None, None, None),
            (None, None, None, None, None),
            HEADER,
            ("MLL Kainuun piiri", "Toiminta-avustus", "30 000", "25 000", None),
            (None, None, None, None, None),
            ("Nuorten Ystävät", "Kumppanuusavustus", 21000, 21000, "huom"),
            ("Yhteensä", None, "51 000", "46 000", None),
            ("Lähde: avustusjärjestelmä", None, None, None, None),
        ),
        MAPPING,
        "raw/grants/a.xlsx",
    )
    assert mapped.skipped == [(1, "title"), (2, "blank"), (3, "header"), (5, "blank"), (7, "totals"), (8, "footnote")]
    assert mapped.records["source_row"].tolist() == [4, 6]
    assert mapped.records["organisation"].tolist() == ["MLL Kainuun piiri", "Nuorten Ystävät"]
    assert mapped.records["granted_eur"].tolist() == ["25 000", 21000]
    assert "Lisätiedot" not in mapped.records.columns
    assert mapped.headers["granted_eur"] == "Myönnetty €"


def test_unknown_header_names_the_file_row_column_and_the_config_line():
    with pytest.raises(InputFileError) as caught:
        map_sheet(sheet(("Hakija", "Avustuslaji", "Myönnetty €", "Saatu rahaa")), MAPPING, "raw/grants/b.csv")
    message = caught.value.message
    assert "raw/grants/b.csv" in message and "rivi 1" in message and "Saatu rahaa" in message
    assert "config/columns/grants.yaml" in message and 'granted_eur: [..., "saatu rahaa"]' in message


def test_missing_required_column_is_named_in_finnish():
    with pytest.raises(InputFileError) as caught:
        map_sheet(sheet(("Hakija", "Haettu €", "Päätöspäivä")), MAPPING, "raw/grants/c.csv")
    assert "pakollinen sarake puuttuu" in caught.value.message
    assert "'avustuslaji'" in caught.value.message and "'myönnetty €'" in caught.value.message


def test_file_without_any_header_row():
    with pytest.raises(InputFileError, match="sarakeotsikkoriviä ei löytynyt"):
        map_sheet(sheet(("a", "b"), ("1", "2")), MAPPING, "raw/grants/d.csv")


@settings(deadline=None)  # the machine is shared: a slow example is not a failure
@given(
    st.sampled_from(["Myönnetty €", "Myönnetty summa", "MyonnettyAvustus", "myönnetty avustus"]),
    st.sampled_from(["", " ", "  ", "\u00a0"]),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
)
def test_header_spellings_map_in_any_case_and_spacing(spelling, pad, case):
    header = pad + case(spelling).replace(" ", "  ") + pad
    assert MAPPING.canonical(header) == "granted_eur"


# --- a quote that never closes ---------------------------------------------------------------------

from kainuu_metrics.datasets.readers import read_csv_grid  # noqa: E402


@pytest.mark.parametrize(
    "text, opened",
    [
        ('a;b;c\n1;"x;3\n2;y;4\n3;z;5\n', 2),  # runs to the end of the file: 4 lines, 2 records
        ('a;b;c\n1;2;3\n4;"5;6\n7;"8";9\n10;11;12\n', 3),  # closed by the next row's quote: rows merged
        ('a;b;c\r\n1;2;3\r\n4;"5;6\r\n7;8;9\r\n', 3),  # Windows line breaks
    ],
)
def test_an_unclosed_quote_stops_naming_the_line_where_it_opens(tmp_path, text, opened):
    path = tmp_path / "lainaus.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_csv_grid(path)
    assert caught.value.row == opened
    assert f"rivillä {opened} alkava lainaus" in caught.value.message
    assert "Lisää puuttuva lainausmerkki" in caught.value.message


def test_a_quoted_cell_with_a_line_break_is_one_row_not_an_unclosed_quote(tmp_path):
    path = tmp_path / "rivinvaihto.csv"
    path.write_text('a;b;c\n1;"Kajaani\nSotkamo";3\n2;y;4\n', encoding="utf-8")
    assert read_csv_grid(path).rows == ((1, ("a", "b", "c")), (2, ("1", "Kajaani\nSotkamo", "3")), (4, ("2", "y", "4")))


# --- totals rows by shape, not by a word at the start of a name -----------------------------------

AMOUNTS, IDS = ("applied_eur", "granted_eur"), ("business_id", "association_reg_no")
SHAPE_HEADER = ("Hakija", "Y-tunnus", "Avustuslaji", "Haettu €", "Myönnetty €")


def test_names_that_start_with_a_totals_word_are_data():
    names = ["Summa ry", "Total Fitness Kajaani ry", "Yht. Kainuun Nuorisoseurat ry", "Yhteensä-kuoro ry"]
    mapped = map_sheet(sheet(SHAPE_HEADER, *[(n, None, "TA", 400, 400) for n in names]), MAPPING, "x.csv", amounts=AMOUNTS, ids=IDS)
    assert mapped.records["organisation"].tolist() == names and mapped.skipped == [(1, "header")]
    assert mapped.possible_totals == ()


def test_a_label_with_amounts_equal_to_the_sums_above_is_a_totals_row_whatever_its_word():
    mapped = map_sheet(
        sheet(SHAPE_HEADER, ("A ry", None, "TA", 500, 300), ("B ry", None, "TA", "1 000", "700"),
              ("Kaikki avustukset", None, None, "1 500,00", 1000),  # 500 + 1 000 and 300 + 700
              ("C ry", None, "TA", 200, 200), ("Yhteensä", None, None, None, 999)),  # a totals word: skipped even if it does not add up (reconciled)
        MAPPING, "x.csv", amounts=AMOUNTS, ids=IDS)
    assert mapped.skipped == [(1, "header"), (4, "totals"), (6, "totals")]
    assert mapped.records["organisation"].tolist() == ["A ry", "B ry", "C ry"]


def test_a_row_with_an_identifier_or_other_data_is_never_a_totals_row():
    mapped = map_sheet(
        sheet(SHAPE_HEADER, ("A ry", None, "TA", 400, 400), ("B ry", None, "TA", 400, 400),
              ("Summa ry", "2077474-0", None, 800, 800),  # sums match, but it has a Y-tunnus
              ("Yhteensä", None, "TA", 1600, 1600)),  # a totals word beside a grant type: unsure, kept and listed
        MAPPING, "x.csv", amounts=AMOUNTS, ids=IDS)
    assert mapped.records["source_row"].tolist() == [2, 3, 4, 5]
    assert mapped.possible_totals == (5,)


def test_a_sum_over_a_single_row_is_unsure_kept_and_listed():
    mapped = map_sheet(sheet(SHAPE_HEADER, ("A ry", None, "TA", 400, 400), ("Summa ry", None, None, 400, 400)),
                       MAPPING, "x.csv", amounts=AMOUNTS, ids=IDS)
    assert mapped.records["source_row"].tolist() == [2, 3] and mapped.possible_totals == (3,)


@settings(deadline=None)  # the machine is shared: a slow example is not a failure
@given(
    st.sampled_from(["Yhteensä", "Yht.", "Summa", "Total", "Kaikki yhteensä", "YHTEENSÄ"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzäö -", min_size=1, max_size=15).filter(lambda t: t.strip(" -")),
    st.integers(min_value=1, max_value=10**6),
)
def test_a_name_that_starts_with_a_totals_word_is_never_a_totals_row(word, rest, amount):
    name = f"{word}{rest} ry"
    mapped = map_sheet(sheet(SHAPE_HEADER, ("A ry", None, "TA", amount + 1, amount + 1), (name, None, "TA", amount, amount)),
                       MAPPING, "x.csv", amounts=AMOUNTS, ids=IDS)
    assert mapped.records["organisation"].tolist() == ["A ry", name] and mapped.totals == ()


def test_each_sum_row_adds_the_rows_since_the_previous_totals_row_and_an_unreadable_amount_leaves_its_sum_unknown():
    mapped = map_sheet(
        sheet(SHAPE_HEADER, ("A ry", None, "TA", 500, 500), ("B ry", None, "TA", 1000, 1000),
              ("Ryhmä 1", None, None, 1500, 1500),  # 500 + 1 000: totals
              ("C ry", None, "TA", 200, 200), ("D ry", None, "TA", "-", "-"), ("E ry", None, "TA", "100,50", "100,50"),
              ("Ryhmä 2", None, None, "300,50", "300,50"),  # 200 + blank + 100,50 since row 4, not 1 800,50: totals
              ("F ry", None, "TA", "ei tiedossa", 100), ("G ry", None, "TA", 100, 100),
              ("Ryhmä 3", None, None, 100, 200)),  # applied unknown above (F): not a sum, kept as data
        MAPPING, "x.csv", amounts=AMOUNTS, ids=IDS)
    assert mapped.skipped == [(1, "header"), (4, "totals"), (8, "totals")]
    assert mapped.records["source_row"].tolist() == [2, 3, 5, 6, 7, 9, 10, 11]
    assert mapped.possible_totals == ()


def test_a_boolean_above_a_sum_row_is_no_amount_even_beside_a_one():
    mapped = map_sheet(
        sheet(SHAPE_HEADER, ("A ry", None, "TA", 1, 1), ("B ry", None, "TA", True, 1), ("Ryhmä 1", None, None, 2, 2)),
        MAPPING, "x.csv", amounts=AMOUNTS, ids=IDS)
    # applied: 1 + TRUE is no sum (TRUE is not 1 €), so the row is not skipped as totals; granted 1 + 1 = 2 alone
    # does not make it one either, since every amount written on the row must equal its column's sum
    assert mapped.skipped == [(1, "header")] and mapped.records["source_row"].tolist() == [2, 3, 4]
