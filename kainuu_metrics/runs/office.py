"""Workbooks with the same bytes on every rerun: openpyxl stamps the time of writing into
docProps/core.xml (created, modified) and into every zip entry. `pin_workbooks` rewrites each
.xlsx under a folder with the run's start time in both places (the content is not touched)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def pin_workbook(path: Path, moment: dt.datetime) -> None:
    moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    date_time = max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(temporary, "w") as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(lambda m: m.group(1) + stamp + m.group(2), data)
            pinned = zipfile.ZipInfo(info.filename, date_time=date_time)
            pinned.compress_type, pinned.external_attr, pinned.create_system = info.compress_type, info.external_attr, 3
            target.writestr(pinned, data)
    temporary.replace(path)


def pin_workbooks(folder: Path, moment: dt.datetime) -> list[Path]:
    paths = sorted(folder.rglob("*.xlsx")) if folder.is_dir() else []
    for path in paths:
        pin_workbook(path, moment)
    return paths
