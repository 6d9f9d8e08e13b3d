"""Keyed pseudonyms and the key file (kainuu_metrics/datasets/experience/pseudonyms.py) and
small-count suppression (kainuu_metrics/indicators/suppression.py)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kainuu_metrics.datasets.experience.pseudonyms import (
    KEY_ENV_VAR,
    KEY_FILE_NAME,
    PSEUDONYM_PATTERN,
    is_pseudonym,
    load_or_create_key,
    normalise_identity,
    parse_key,
    pseudonymise,
)
from kainuu_metrics.errors import ConfigError
from kainuu_metrics.indicators.suppression import Relations, is_small, is_suppressed, suppress_counts, suppress_tables, suppression_pattern
from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_domain

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
PRIVACY = load_domain(CONFIG_DIR).privacy  # threshold 5, markers "<5" and "x"
LIMITS = {"threshold": PRIVACY.threshold, "primary_marker": PRIVACY.primary_marker, "complementary_marker": PRIVACY.complementary_marker}
MARKERS = (PRIVACY.primary_marker, PRIVACY.complementary_marker)


# --- pseudonyms ----------------------------------------------------------------------------------


def test_known_answer_pins_the_scheme():
    # Changing the scheme would change every pseudonym and break "active in both years".
    assert pseudonymise("Maija Virtanen", KEY) == "KA-366738d7e113"
    assert pseudonymise("tunnus:KE1", KEY) == "KA-7e828f2028fb"
    expected = hmac.new(KEY, "maija virtanen".encode(), hashlib.sha256).hexdigest()[:12]
    assert pseudonymise("Maija Virtanen", KEY) == f"KA-{expected}"


def test_normalisation_casefold_whitespace_and_nfc():
    assert normalise_identity("  Maija \t VIRTANEN ") == "maija virtanen"
    decomposed = "Kyllo\u0308nen Tuula"  # 'ö' as o + combining diaeresis
    assert pseudonymise(decomposed, KEY) == pseudonymise("kyllönen tuula", KEY)
    assert pseudonymise("Maija Virtanen", KEY) == pseudonymise("MAIJA  virtanen", KEY)


def test_stable_across_calls_and_different_with_another_key():
    first = [pseudonymise(n, KEY) for n in ("Maija Virtanen", "Pekka Korhonen")]
    second = [pseudonymise(n, KEY) for n in ("Maija Virtanen", "Pekka Korhonen")]
    assert first == second and first[0] != first[1]
    assert pseudonymise("Maija Virtanen", OTHER_KEY) != first[0]


@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_every_pseudonym_has_the_published_form(identity):
    pseudonym = pseudonymise(identity, KEY)
    assert PSEUDONYM_PATTERN.match(pseudonym) and is_pseudonym(pseudonym)
    assert len(pseudonym) == 15


def test_pseudonym_holds_no_part_of_the_name():
    for name in ("Maija Virtanen", "Anna-Liisa Rantanen", "Esa Lappalainen"):
        pseudonym = pseudonymise(name, KEY)
        hex_part = pseudonym.removeprefix("KA-")
        assert all(word.casefold() not in pseudonym.casefold() for word in name.replace("-", " ").split())
        assert set(hex_part) <= set("0123456789abcdef")


def test_bad_keys_and_identities_are_refused():
    with pytest.raises(ValueError):
        pseudonymise("Maija Virtanen", b"short")
    with pytest.raises(ValueError):
        pseudonymise("   ", KEY)


# --- the key -------------------------------------------------------------------------------------


@pytest.fixture
def no_env_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV_VAR, raising=False)


def test_key_file_is_created_with_mode_0600_and_reused(tmp_path, no_env_key):
    old_umask = os.umask(0)  # a permissive umask must not widen the file's mode
    try:
        key = load_or_create_key(tmp_path)
    finally:
        os.umask(old_umask)
    path = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="ascii")
    assert len(text) == 65 and text.endswith("\n")
    assert key == bytes.fromhex(text.strip()) and len(key) == 32
    assert load_or_create_key(tmp_path) == key
    assert path.read_text(encoding="ascii") == text


def test_two_data_folders_get_different_random_keys(tmp_path, no_env_key):
    assert load_or_create_key(tmp_path / "a") != load_or_create_key(tmp_path / "b")


def test_environment_variable_wins_and_no_file_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV_VAR, "00" * 32)
    assert load_or_create_key(tmp_path) == bytes(32)
    assert not (tmp_path / KEY_FILE_NAME).exists()
    monkeypatch.setenv(KEY_ENV_VAR, "a long passphrase, not hex")
    assert load_or_create_key(tmp_path) == b"a long passphrase, not hex"


def test_short_keys_are_a_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV_VAR, "lyhyt")
    with pytest.raises(ConfigError, match="liian lyhyt"):
        load_or_create_key(tmp_path)
    with pytest.raises(ConfigError, match="liian lyhyt"):
        parse_key("abcd", "testi")


def test_gitignore_keeps_key_files_out_of_the_repository():
    from kainuu_metrics.paths import PROJECT_ROOT

    lines = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "data/.pseudonym-key" in lines and "**/.pseudonym-key" in lines


# --- suppression ---------------------------------------------------------------------------------


def persons(total: int | None, **cells: int) -> pd.DataFrame:
    index = (["total"] if total is not None else []) + list(cells)
    values = ([total] if total is not None else []) + list(cells.values())
    return pd.DataFrame({"persons": values}, index=index)


def test_small_counts_alone_without_a_published_total():
    out = suppress_counts(persons(None, a=3, b=7, c=0, d=5), ["persons"], **LIMITS)
    assert out["persons"].tolist() == ["<5", 7, 0, 5]
    assert out["suppression"].tolist() == ["primary", None, None, None]


def test_one_small_cell_and_a_total_hides_the_next_smallest_cell():
    out = suppress_counts(persons(20, a=3, b=7, c=10, d=0), ["persons"], total="total", **LIMITS)
    # b (7) is the smallest other positive cell; d (0) is published as 0.
    assert out["persons"].tolist() == [20, "<5", "x", 10, 0]
    assert out["suppression"].tolist() == [None, "primary", "complementary", None, None]


def test_ties_take_the_first_cell_in_order():
    out = suppress_counts(persons(19, a=2, b=6, c=6, d=5), ["persons"], total="total", **LIMITS)
    assert out["persons"].tolist() == [19, "<5", 6, 6, "x"]
    out = suppress_counts(persons(19, a=2, b=6, c=6, d=6), ["persons"], total="total", **LIMITS)
    assert out["persons"].tolist() == [19, "<5", "x", 6, 6]


def test_two_small_cells_that_cannot_be_told_apart_need_nothing_more():
    # 3 + 3 = 6: each could be 2, 3 or 4.
    out = suppress_counts(persons(20, a=3, b=3, c=14), ["persons"], total="total", **LIMITS)
    assert out["persons"].tolist() == [20, "<5", "<5", 14]


def test_two_ones_would_be_given_away_by_their_sum():
    # 20 - 18 = 2 = 1 + 1: both would be known, so the next smallest cell is hidden too.
    out = suppress_counts(persons(20, a=1, b=1, c=8, d=10), ["persons"], total="total", **LIMITS)
    assert out["persons"].tolist() == [20, "<5", "<5", "x", 10]


def test_total_is_hidden_when_no_cell_is_left_to_hide():
    # Hiding b does not help: "<5" and "x" (0 or at least 5) summing to 6 can only be 1 and 5.
    # Hiding the total does: 5 + "<5" is 6..9. (Before, b was hidden first and then the total
    # too; b is published now, since hiding it protected nothing.)
    out = suppress_counts(persons(6, a=1, b=5), ["persons"], total="total", **LIMITS)
    assert out["persons"].tolist() == ["x", "<5", 5]
    assert out["suppression"].tolist() == ["complementary", "primary", None]


def test_a_small_total_is_itself_suppressed_and_nothing_is_added():
    out = suppress_counts(persons(3, a=2, b=1, c=0), ["persons"], total="total", **LIMITS)
    assert out["persons"].tolist() == ["<5", "<5", "<5", 0]


def test_measures_of_suppressed_cells_are_hidden_and_input_is_unchanged():
    frame = pd.DataFrame(
        {"persons": [12, 2, 4, 6], "hours": [40.5, 3.0, 12.5, 25.0], "fees": [900.0, 60.0, 300.0, 540.0]},
        index=["total", "media", "tyopari", "kehittaja"],
    )
    copy = frame.copy()
    out = suppress_counts(frame, ["persons"], total="total", measure_columns=["hours", "fees"], **LIMITS)
    pd.testing.assert_frame_equal(frame, copy)
    # Two small cells (2 + 4 = 6: 2..4 and 2..4) are enough; kehittaja stays.
    assert out.loc["media"].tolist()[:3] == ["<5", "x", "x"]
    assert out.loc["tyopari"].tolist()[:3] == ["<5", "x", "x"]
    assert out.loc["kehittaja"].tolist()[:3] == [6, 25.0, 540.0]
    assert out.loc["total"].tolist()[:3] == [12, 40.5, 900.0]


def test_a_row_small_in_any_count_column_is_suppressed():
    frame = pd.DataFrame({"persons": [30, 12, 18], "newcomers": [6, 3, 3]}, index=["total", "a", "b"])
    out = suppress_counts(frame, ["persons", "newcomers"], total="total", **LIMITS)
    assert out["persons"].tolist() == [30, "x", "x"]
    assert out["newcomers"].tolist() == [6, "<5", "<5"]


def test_hidden_zeros_next_to_the_remainder_need_a_cell_that_has_some():
    # a (3) and b (2) are "<5"; their hours would be 40 - (0 + 40) = 0, so both 0. c (6) is
    # smaller than d (9) but has 0 hours too and would not help; d is hidden: a + b + d hours
    # = 40, each 0..40. Persons: d's "x" is 0 or at least 5; 20 - 6 = 14 = a + b + d, so d is
    # 6..12 and a and b 1..4 each.
    frame = pd.DataFrame(
        {"persons": [20, 3, 2, 6, 9], "hours": [40.0, 0.0, 0.0, 0.0, 40.0]}, index=["total", "a", "b", "c", "d"],
    )
    out = suppress_counts(frame, ["persons"], total="total", measure_columns=["hours"], **LIMITS)
    assert out["persons"].tolist() == [20, "<5", "<5", 6, "x"]
    assert out["hours"].tolist() == [40.0, "x", "x", 0.0, "x"]


def test_breakdowns_sharing_a_total_are_suppressed_together():
    # By A: a1 = 1 ("<5"), a2 = 5; by B: b1 = 6, b2 = 0; total 6. Hiding a2 does not help (1
    # and 5, as above), nor the total alone (B's 6 + 0 gives it back), nor the total with b2
    # (b2's "x" of 0 gives 6; of at least 5 it would make the total 11, more than 5 + 4). The
    # total with b1 does: the total is b1, 0 or at least 5, and 5 + a1, so 6..9.
    a = pd.DataFrame({"persons": [6, 1, 5]}, index=["total", "a1", "a2"])
    b = pd.DataFrame({"persons": [6, 6, 0]}, index=["total", "b1", "b2"])
    out_a, out_b = suppress_tables([a, b], ["persons"], total="total", **LIMITS)
    assert out_a["persons"].tolist() == ["x", "<5", 5]
    assert out_b["persons"].tolist() == ["x", "x", 0]


def test_persons_in_several_cells_bound_each_cell_by_the_total():
    # 14 persons, a = 6 shown: the "<5" cells b and c hold at least 14 - 6 = 8, so both 4,
    # whether or not persons add up; a is hidden too (then b and c are 1..4 each).
    frame = persons(14, a=6, b=4, c=4)
    for relations in (Relations(), Relations(counts_add_up=False)):
        assert suppress_counts(frame, ["persons"], total="total", relations=relations, **LIMITS)["persons"].tolist() == [14, "x", "<5", "<5"]
    # With 10 in total they cannot add up (6 + 4 + 4 = 14): people are in several cells, and
    # b and c need only hold 10 - 6 = 4 together, 1..4 each. Nothing more is hidden.
    out = suppress_counts(persons(10, a=6, b=4, c=4), ["persons"], total="total", relations=Relations(counts_add_up=False), **LIMITS)
    assert out["persons"].tolist() == [10, 6, "<5", "<5"]


def test_an_order_between_columns_is_known_to_the_reader():
    # b and c: one person, one assignment each; 14 - 12 = 2 hidden assignments. Knowing that a
    # cell has at least as many assignments as persons (at least 1 each), both are 1, and a (10
    # persons) is hidden too. Without that relation each could be 0..2 and nothing is added.
    frame = pd.DataFrame({"persons": [12, 10, 1, 1], "assignments": [14, 12, 1, 1]}, index=["total", "a", "b", "c"])
    kwargs = {"total": "total", "measure_columns": ["assignments"], **LIMITS}
    ordered = Relations(counts_add_up=False, integer=frozenset({"assignments"}), at_least=(("assignments", "persons"),))
    assert suppress_counts(frame, ["persons"], relations=ordered, **kwargs)["persons"].tolist() == [12, "x", "<5", "<5"]
    assert suppress_counts(frame, ["persons"], relations=Relations(counts_add_up=False), **kwargs)["persons"].tolist() == [12, 10, "<5", "<5"]


def test_threshold_and_markers_come_from_the_caller():
    out = suppress_counts(persons(None, a=2, b=3), ["persons"], threshold=3, primary_marker="<3", complementary_marker="s")
    assert out["persons"].tolist() == ["<3", 3]
    out = suppress_counts(persons(6, a=1, b=5), ["persons"], total="total", threshold=3, primary_marker="<3", complementary_marker="s")
    assert out["persons"].tolist() == [6, "<3", "s"]
    assert suppression_pattern(pd.Series({"a": 0, "b": 4}), threshold=5).tolist() == [None, "primary"]
    assert suppression_pattern(pd.Series({"a": 0, "b": 4}), threshold=4).tolist() == [None, None]
    assert is_small(4, 5) and not is_small(4, 4) and not is_small(0, 5)


def test_is_suppressed():
    assert is_suppressed("<5", MARKERS) and is_suppressed("x", MARKERS) and is_suppressed(" x ", MARKERS)
    assert not is_suppressed(4, MARKERS) and not is_suppressed("4", MARKERS) and not is_suppressed(None, MARKERS)
    assert (PRIVACY.threshold, *MARKERS) == (5, "<5", "x")


# --- the key's fingerprint beside the processed data (issue 11) ------------------------------------

import datetime as dt  # noqa: E402
import json  # noqa: E402

from kainuu_metrics import cli  # noqa: E402
from kainuu_metrics.paths import Layout  # noqa: E402
from kainuu_metrics.privacy import KEY_RECORD, check_pseudonym_key, key_change_note, key_fingerprint, read_key_record  # noqa: E402

HEX_KEY = "ab" * 32
OTHER_HEX_KEY = "cd" * 32


def _layout(tmp_path) -> Layout:
    return Layout(tmp_path / "data", tmp_path / "reports")


def test_first_run_stores_a_fingerprint_never_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV_VAR, HEX_KEY)
    layout = _layout(tmp_path)
    record = check_pseudonym_key(layout, today=dt.date(2026, 1, 5))
    text = (layout.processed / KEY_RECORD).read_text(encoding="utf-8")
    assert record == json.loads(text) == {"fingerprint": key_fingerprint(bytes.fromhex(HEX_KEY)), "since": "2026-01-05", "changes": []}
    # The fingerprint is HMAC-SHA256(key, label), 32 hex digits; the key (in either form) is not in the file.
    assert len(record["fingerprint"]) == 32 and HEX_KEY not in text and "abab" not in text
    assert record["fingerprint"] == hmac.new(bytes.fromhex(HEX_KEY), b"kainuu-metrics: pseudonym key fingerprint v1", hashlib.sha256).hexdigest()[:32]
    # Same key on a later run: passes, record unchanged.
    assert check_pseudonym_key(layout, today=dt.date(2026, 6, 1)) == record
    assert (layout.processed / KEY_RECORD).read_text(encoding="utf-8") == text


def test_a_changed_key_stops_the_run_with_the_choice_explained(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV_VAR, HEX_KEY)
    layout = _layout(tmp_path)
    check_pseudonym_key(layout, today=dt.date(2026, 1, 5))
    before = (layout.processed / KEY_RECORD).read_text(encoding="utf-8")
    monkeypatch.setenv(KEY_ENV_VAR, OTHER_HEX_KEY)
    with pytest.raises(ConfigError) as caught:
        check_pseudonym_key(layout, today=dt.date(2026, 6, 1))
    message = str(caught.value)
    assert message.startswith("Pseudonyymiavain on vaihtunut")
    assert "otettiin käyttöön 2026-01-05" in message and "palauta alkuperäinen avain" in message
    assert "'kainuu-metrics run --uusi-avain'" in message and str(tmp_path) not in message
    assert (layout.processed / KEY_RECORD).read_text(encoding="utf-8") == before  # nothing recorded


def test_a_deleted_key_file_stops_the_run_and_no_new_key_is_made(tmp_path, no_env_key):
    layout = _layout(tmp_path)
    check_pseudonym_key(layout, today=dt.date(2026, 1, 5))  # creates data/.pseudonym-key
    (layout.data / KEY_FILE_NAME).unlink()
    with pytest.raises(ConfigError, match=r"^Pseudonyymiavain puuttuu: ympäristömuuttujaa KAINUU_METRICS_PSEUDONYM_KEY ei ole asetettu"):
        check_pseudonym_key(layout)
    assert not (layout.data / KEY_FILE_NAME).exists()


def test_a_confirmed_new_key_is_recorded_and_said_in_the_method_text(tmp_path, monkeypatch):
    from kainuu_metrics.report import experience as report

    monkeypatch.setenv(KEY_ENV_VAR, HEX_KEY)
    layout = _layout(tmp_path)
    first = check_pseudonym_key(layout, today=dt.date(2026, 1, 5))
    assert key_change_note(layout.data) == ""
    monkeypatch.setenv(KEY_ENV_VAR, OTHER_HEX_KEY)
    record = check_pseudonym_key(layout, confirm_new=True, today=dt.date(2026, 6, 1))
    assert record == {
        "fingerprint": key_fingerprint(bytes.fromhex(OTHER_HEX_KEY)), "since": "2026-06-01",
        "changes": [{"date": "2026-06-01", "previous_fingerprint": first["fingerprint"]}],
    }
    assert read_key_record(layout.data) == record
    assert check_pseudonym_key(layout, today=dt.date(2026, 7, 1)) == record  # the new key is now the key
    note = key_change_note(layout.data)
    assert note.startswith("Pseudonyymiavain vaihdettiin 1.6.2026 (komento run --uusi-avain).")
    assert "aktiivisena molempina vuosina" in note
    method = report.method_note(SETTINGS_DOMAIN, layout.data)
    assert method.startswith(note) and method.endswith(report.method_note(SETTINGS_DOMAIN))


def test_a_deleted_key_can_be_replaced_only_with_the_flag(tmp_path, no_env_key):
    layout = _layout(tmp_path)
    first = check_pseudonym_key(layout, today=dt.date(2026, 1, 5))
    (layout.data / KEY_FILE_NAME).unlink()
    record = check_pseudonym_key(layout, confirm_new=True, today=dt.date(2026, 2, 1))
    assert (layout.data / KEY_FILE_NAME).exists() and record["fingerprint"] != first["fingerprint"]
    assert [c["date"] for c in record["changes"]] == ["2026-02-01"]


def test_a_broken_key_record_is_a_finnish_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV_VAR, HEX_KEY)
    layout = _layout(tmp_path)
    layout.processed.mkdir(parents=True)
    (layout.processed / KEY_RECORD).write_text("{rikki", encoding="utf-8")
    with pytest.raises(ConfigError, match="Pseudonyymiavaimen tunnistetiedostoa"):
        check_pseudonym_key(layout)


def test_cli_exits_2_for_a_changed_key_and_passes_the_flag(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV_VAR, HEX_KEY)
    layout = _layout(tmp_path)
    check_pseudonym_key(layout)
    monkeypatch.setenv(KEY_ENV_VAR, OTHER_HEX_KEY)
    # The key is checked before anything starts, so the real run stops at once.
    assert cli.main(["run", "--data", str(layout.data), "--reports", str(layout.reports)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("VIRHE ASETUKSISSA\nPseudonyymiavain on vaihtunut") and "Traceback" not in err
    seen = {}

    def fake_run(layout, settings, years=None, *, publish=True, new_key=False, **_):
        seen["new_key"] = new_key
        return type("R", (), {"messages": [], "index": None, "exit_code": 0})()

    monkeypatch.setattr("kainuu_metrics.pipeline.run", fake_run)
    assert cli.main(["run", "--uusi-avain", "--data", str(layout.data), "--reports", str(layout.reports)]) == 0
    assert seen == {"new_key": True}
    assert cli.main(["validate", "--data", str(layout.data), "--reports", str(layout.reports)]) == 0
    assert seen == {"new_key": False}


SETTINGS_DOMAIN = load_domain(CONFIG_DIR)


# --- no planted name reaches any output (issue 11) ----------------------------------------------------

PLANTED = "Matti Meikäläinen"
PLANTED_LOG = (
    '"Lisätehtävät 2024 (testi)"\r\n'
    "\r\n"
    "Pvm;Asiantuntija;Tunnus;Järjestö;Toimiala;Tehtävä;Tuntimäärä;Palkkio (€);Matkakulut;Muut kulut;Vapaaehtoistyö;Sähköposti\r\n"
    f"5.5.2024;;KE-008;{PLANTED};Työikäiset;kehittäjäasiakas;2;40,00;;;ei;matti.meikalainen@example.fi\r\n"  # row 4: organisation
    f"6.5.2024;;KE-008;Kainuun Omaiset ry;{PLANTED};kehittäjäasiakas;2;40,00;;;ei;{PLANTED}\r\n"  # row 5: service area
    f"7.5.2024;;KE-008;Kainuun Omaiset ry;Työikäiset;{PLANTED};2;40,00;;;ei;\r\n"  # row 6: role
    f"8.5.2024;;KE-008;Kainuun Omaiset ry;Työikäiset;kehittäjäasiakas;{PLANTED};40,00;;;ei;\r\n"  # row 7: hours (rejected)
    "9.5.2024;;KE-008;Kainuun Omaiset ry;Työikäiset;kehittäjäasiakas;2;Meikäläinen Matti 040;;;ei;\r\n"  # row 8: fee (rejected)
    f"10.5.2024;;KE-008;Kainuun Omaiset ry;Työikäiset;kehittäjäasiakas;2;40,00;;;ei;{PLANTED}\r\n"  # row 9: kept, e-mail dropped
)
PLANTED_REGISTER = (
    "Tunnus;Nimi;Koulutus;Koulutusvuosi;Tila;Liittynyt;Puhelin\r\n"
    f"KE-099;Liisa Testinen;{PLANTED}n ryhmä 2020;2020;aktiivinen;1.1.2021;{PLANTED} 040 123\r\n"
)
NEEDLES = ("meikäläi", "meikalai", "meik\\u00e4l", "meik&auml;", "meika\u0308")


def _output_texts(folder: Path):
    """(file, text) of every file written under a folder: Parquet as its table, XLSX as its cells."""
    from openpyxl import load_workbook

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            yield path, pd.read_parquet(path).to_csv(index=False)
        elif path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            yield path, "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
        else:
            yield path, path.read_bytes().decode("utf-8", errors="ignore")


def test_a_planted_name_reaches_no_output_file(tmp_path):
    """A name planted in the organisation, service area and role columns, in two rejected values
    (hours, fee), in a personal column (e-mail, phone) and in a register's course name is in no
    processed table, rejected/flagged/skipped CSV, XLSX cell, quality page or message."""
    import shutil

    from tests.conftest import ROOT, run_cli

    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(ROOT / "data" / "raw", data / "raw")
    (data / "raw" / "experience" / "kokemustoiminta_2024_lisa.csv").write_bytes(PLANTED_LOG.encode("utf-8-sig"))
    (data / "raw" / "experience" / "kokemusasiantuntijarekisteri_2024_lisa.csv").write_bytes(PLANTED_REGISTER.encode("utf-8-sig"))
    env = {**os.environ, KEY_ENV_VAR: "test-key-not-secret"}
    result = run_cli("validate", "--data", str(data), "--reports", str(reports), env=env)
    assert result.returncode in (0, 1), result.stderr  # 1: a data-quality check of the sample, not an error
    # The scan finds the name where it is: in the raw files (so an empty result below means something).
    assert any(n in text.casefold() for _, text in _output_texts(data / "raw" / "experience") for n in NEEDLES)
    files = list(_output_texts(data / "processed")) + list(_output_texts(reports))
    assert any(p.name == "quality.html" for p, _ in files) and any(p.suffix == ".parquet" for p, _ in files)
    leaks = [(p.relative_to(tmp_path).as_posix(), n) for p, text in files for n in NEEDLES if n in text.casefold()]
    assert leaks == []
    assert not any(n in (result.stdout + result.stderr).casefold() for n in NEEDLES)
    # The planted cells are there, masked: kind, length and position only.
    rejected = pd.read_csv(data / "processed" / "rejected" / "experience_assignments.csv", dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig")
    planted = rejected[rejected["source_file"] == "raw/experience/kokemustoiminta_2024_lisa.csv"]
    assert list(zip(planted["source_row"], planted["value"])) == [
        ("4", "teksti, 17 merkkiä (rivi 4, sarake Järjestö)"),
        ("5", "teksti, 17 merkkiä (rivi 5, sarake Toimiala)"),
        ("6", "teksti, 17 merkkiä (rivi 6, sarake Tehtävä)"),
        ("7", "teksti, 17 merkkiä (rivi 7, sarake Tuntimäärä)"),
        ("8", "teksti, 21 merkkiä (rivi 8, sarake Palkkio (€))"),  # "Meikäläinen Matti 040"
    ]
    # Row 9 is kept (its e-mail column dropped at read); each dropped column is disclosed.
    flagged = pd.concat([pd.read_csv(data / "processed" / "flagged" / f"{t}.csv", dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig")
                         for t in ("experience_assignments", "experience_register")])
    dropped = flagged[flagged["flag"] == "personal_column_dropped"]
    assert {("raw/experience/kokemustoiminta_2024_lisa.csv", "3"), ("raw/experience/kokemusasiantuntijarekisteri_2024_lisa.csv", "1")} <= set(
        zip(dropped["source_file"], dropped["source_row"]))
    quality = (reports / "2024" / "quality.html").read_text(encoding="utf-8")
    assert "henkilötietosarake jätetty pois: sarakkeen &#39;Sähköposti&#39;" in quality or "henkilötietosarake jätetty pois: sarakkeen 'Sähköposti'" in quality
    assert "teksti, 17 merkkiä (rivi 4, sarake Järjestö)" in quality


# --- masking ---------------------------------------------------------------------------------------

from kainuu_metrics.privacy import MASKED, mask_in_reason, mask_value  # noqa: E402


def test_mask_names_kind_length_and_position():
    assert mask_value("Matti Meikäläinen", 7, "järjestö") == "teksti, 17 merkkiä (rivi 7, sarake järjestö)"
    assert mask_value(26.0, 53, "Kesto (h)") == "luku, 2 merkkiä (rivi 53, sarake Kesto (h))"  # "26" as typed
    assert mask_value("31.6.2021", 7, "Liittynyt") == "päivämäärä, 9 merkkiä (rivi 7, sarake Liittynyt)"
    assert mask_value(dt.date(2024, 3, 1), 2, "Pvm") == "päivämäärä, 8 merkkiä (rivi 2, sarake Pvm)"  # "1.3.2024"
    assert mask_value("x", 1, "A") == "teksti, 1 merkki (rivi 1, sarake A)"
    assert mask_value(None, 1, "A") == mask_value("  ", 1, "A") == ""


_names = st.text(alphabet=st.characters(categories=("L",)), min_size=3, max_size=12)


@given(first=_names, last=_names, row=st.integers(1, 10**6))
def test_a_masked_value_and_its_reason_never_hold_the_value(first, last, row):
    name = f"{first} {last}"
    masked = mask_value(name, row, "Järjestö")
    assert MASKED.match(masked) and name not in masked
    reason = mask_in_reason(f"tuntematon rooli '{name}'. Lisää '{name}' tiedostoon", name, "teksti")
    assert name not in reason and reason == "tuntematon rooli 'teksti'. Lisää 'teksti' tiedostoon"
