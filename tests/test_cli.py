"""The command line speaks Finnish: help, usage and argparse's own errors."""

from __future__ import annotations

import re

import pytest

from kainuu_metrics.cli import main

ENGLISH = re.compile(r"usage|positional arguments|options:|show this help|error:|required|invalid choice|unrecognized")


def test_help_is_finnish(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "--help"])
    out = capsys.readouterr().out
    assert stop.value.code == 0
    assert out.startswith("käyttö: kainuu-metrics run") and "valinnat:" in out and "näytä tämä ohje ja lopeta" in out
    assert not ENGLISH.search(out), out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["template"], "kainuu-metrics template: virhe: seuraavat tiedot puuttuvat: LOMAKE, TIEDOSTO.xlsx"),
        (["run", "--year", "x"], "kainuu-metrics run: virhe: --year: virheellinen arvo 'x'"),
        (["tuntematon"], "kainuu-metrics: virhe: KOMENTO: tuntematon valinta 'tuntematon'"),
    ],
)
def test_a_mistyped_command_gets_a_finnish_message_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert message in err and not ENGLISH.search(err), err


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == "kainuu-metrics 0.1.0"
