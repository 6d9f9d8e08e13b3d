"""What the browser tests share: the Chromium the project itself would use (found as the PDF
printer finds it), the marks that skip them without it, and the wait for drawn charts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kainuu_metrics.report.pdf import find_chromium

CHROMIUM = find_chromium() or Path("/usr/bin/chromium")
TIMEOUT_MS = 120_000
CHARTS_DRAWN_JS = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every(div => div.querySelector('svg.main-svg'))"""

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium puuttuu: asenna se komennolla "
                       "'bash scripts/ensure-chromium.sh' (apt-get install chromium)"),
]
