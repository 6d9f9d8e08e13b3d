"""Another wellbeing services county by configuration alone: the whole pipeline on the
Keski-Pohjanmaa example (examples/keski-pohjanmaa/), figures checked against the sums in its
EXPECTED.md, which were added up by hand from the generated rows."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser

import pytest

from kainuu_metrics.indicators.table import lookup, read_indicators

from .conftest import ROOT, run_cli

EXAMPLE = ROOT / "examples" / "keski-pohjanmaa"
pytestmark = pytest.mark.e2e


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in {"script", "style"}

    def handle_endtag(self, tag):
        self._hidden -= tag in {"script", "style"}

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def county_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("keski-pohjanmaa")
    shutil.copytree(EXAMPLE / "data" / "raw", base / "data" / "raw")
    env = {**os.environ, "KAINUU_METRICS_PSEUDONYM_KEY": "test-key-not-secret"}
    result = run_cli("run", "--config", str(EXAMPLE / "config"), "--data", str(base / "data"), "--reports", str(base / "reports"), env=env)
    return base, result


def test_the_run_succeeds_with_the_other_countys_configuration(county_run):
    _, result = county_run
    assert result.returncode == 0, result.stdout + result.stderr


def test_grant_figures_match_the_hand_computed_sums(county_run):
    base, _ = county_run
    ind = read_indicators(base / "data" / "processed" / "indicators.csv")
    assert lookup(ind, "grants_total_eur", 2024, "MK16").value == 37_650
    assert lookup(ind, "grants_total_eur", 2024, "KU272").value == 32_100  # Kokkola
    assert lookup(ind, "grants_total_eur", 2024, "KU236").value == 1_950  # Kaustinen
    assert lookup(ind, "grants_total_eur", 2025, "MK16").value == 38_200
    # 2025: AlueKunnat is the area of activity (it used to be read as the home municipality, on
    # purpose no longer): 31 700 = 15 000 + 12 000 + 2 200 + 2 500; 2 500 = 1 600 + 900 (EXPECTED.md).
    assert lookup(ind, "grants_by_activity_area_eur", 2025, "KU272").value == 31_700
    assert lookup(ind, "grants_by_activity_area_eur", 2025, "KU236").value == 2_500
    # the export has no home-municipality column: no municipality by home, all 38 200 € unknown
    assert lookup(ind, "grants_total_eur", 2025, "KU272").value is None
    assert lookup(ind, "grants_home_municipality_unknown_eur", 2025, "MK16").value == 38_200
    assert lookup(ind, "grants_applications", 2024, "MK16").value == 13
    assert lookup(ind, "grants_applications", 2025, "MK16").value == 12
    assert lookup(ind, "grants_by_type_eur", 2024, "MK16", "kumppanuus").value == 27_000
    assert lookup(ind, "population_used", 2024, "MK16").value == 67_723
    per_capita = lookup(ind, "grants_per_capita_eur", 2024, "MK16")
    assert per_capita.value == pytest.approx(37_650 / 67_723) and round(per_capita.value, 2) == 0.56
    assert not per_capita.provisional
    assert lookup(ind, "grants_per_capita_eur", 2025, "MK16").value == pytest.approx(38_200 / 67_575)
    # Premises 2025 (EXPECTED.md): 254 € of bookings, of which Kokkolan VPK ry's 3 h × 20 € = 60 € is out of
    # scope (the plan does not cover contract fire brigades): 254 - 60 = 194 € on 5 bookings.
    assert lookup(ind, "premises_inkind_eur", 2025, "MK16").value == 194
    assert lookup(ind, "premises_bookings", 2025, "MK16").value == 5
    assert lookup(ind, "premises_out_of_scope_eur", 2025, "MK16").value == 60
    # The 2024 export's totals row (37 650 €) equals its 13 cleaned rows: nothing excluded.
    assert lookup(ind, "grants_excluded_eur", 2024, "MK16").value == 0
    assert not (ind["area"].str.startswith("KU") & ~ind["area"].isin(
        ["KU074", "KU217", "KU236", "KU272", "KU421", "KU584", "KU849", "KU924"])).any()


def test_its_pages_name_its_own_county_and_never_kainuu(county_run):
    base, _ = county_run
    pages = sorted((base / "reports").rglob("*.html"))
    assert (base / "reports" / "2025" / "summary.html") in pages and (base / "reports" / "methods.html") in pages
    for page in pages:
        text = visible_text(page.read_text(encoding="utf-8"))
        assert not re.search(r"Kainu|Kajaan", text), page
    index = (base / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Keski-Pohjanmaan hyvinvointialue – järjestöyhteistyön seuranta" in index


def test_term_figures_match_the_hand_computed_sums(county_run):
    # EXPECTED.md, "Council terms": both grant years (main rounds 19.3.2024, 18.3.2025) belong to 2022–2025
    base, _ = county_run
    ind = read_indicators(base / "data" / "processed" / "indicators.csv")
    assert lookup(ind, "term_grant_years", "2022-2025", "MK16").value == 2
    assert lookup(ind, "grants_total_eur", "2022-2025", "MK16").value == 37_650 + 38_200  # 75 850 €
    assert lookup(ind, "grants_per_capita_eur", "2022-2025", "MK16").value == pytest.approx(75_850 / ((67_723 + 67_575) / 2))  # 1.1212
    mean = lookup(ind, "grants_per_capita_yearly_mean_eur", "2022-2025", "MK16").value
    assert mean == pytest.approx((37_650 / 67_723 + 38_200 / 67_575) / 2) and round(mean, 2) == 0.56  # 0.5606
    assert lookup(ind, "term_grant_years", "2025-2029", "MK16").value == 0
    assert lookup(ind, "grants_total_eur", "2025-2029", "MK16").value is None
    # 2025 is a grant year of 2022–2025; Kokkolan VPK ry's 60 € is out of scope: 254 - 60 = 194
    assert lookup(ind, "premises_inkind_eur", "2022-2025", "MK16").value == 194
