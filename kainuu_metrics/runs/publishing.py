"""Publishing in one step: a reader of reports/ sees the old set or the new one, never a mix.

The new set is built beside the published folder (`<parent>/.<name>.kesken/`, e.g.
`.reports.kesken/`). What this run did not rebuild is carried over into it unchanged (hard
links, else copies): year folders it did not make (frozen or not requested years) and every
top-level entry it does not own (`arkisto/`, `assets/`, history pages, ...). A year folder the
run rebuilt is replaced whole, so a file an earlier run left there (an old PDF) disappears.
Then the two folders are exchanged with one `renameat2(RENAME_EXCHANGE)` (Linux, via ctypes);
where that is not available, with two renames (the published folder is missing for an
instant). The old set is then deleted. A run that stops before the exchange leaves the
published folder as it was; the next run removes the stale staging folders first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100
OLD_STAGING = ".kesken"  # reports/.kesken/ of earlier versions


def staging_dir(reports: Path) -> Path:
    return reports.parent / f".{reports.name}.kesken"


def retired_dir(reports: Path) -> Path:
    return reports.parent / f".{reports.name}.vanha"


def remove_stale(reports: Path) -> list[Path]:
    """Delete staging folders a stopped run left (returns those removed)."""
    removed = []
    for folder in (staging_dir(reports), retired_dir(reports), reports / OLD_STAGING):
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def carry_over(published: Path, staging: Path, rebuilt: Iterable[str]) -> list[str]:
    """Copy (hard-link) into staging every top-level entry of the published folder that the
    run did not rebuild and that staging does not have; returns their names."""
    rebuilt = set(rebuilt)
    carried = []
    if not published.is_dir():
        return carried
    for entry in sorted(published.iterdir()):
        if entry.name in rebuilt or entry.name.startswith(".") or (staging / entry.name).exists():
            continue
        target = staging / entry.name
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(target)) if not entry.is_symlink() else os.symlink(os.readlink(entry), target)
        carried.append(entry.name)
    return carried


def assemble(staging: Path, reports: Path, own: Iterable[str], moment, reused: Iterable[int] = ()) -> list[int]:
    """Complete the new set in staging: its workbooks get the run's time (before carrying over,
    so carried files keep their bytes), the notebook-made files of the `reused` years are
    carried into their year folders (runs/reuse.py), and what the run did not rebuild (neither
    a year folder it made nor one of its `own` top-level files) is carried over. Returns the
    years the run rebuilt (not those reused)."""
    from kainuu_metrics.runs.office import pin_workbooks
    from kainuu_metrics.runs.reuse import carry_year

    built = sorted(p.name for p in staging.iterdir() if p.is_dir() and p.name.isdigit()) if staging.is_dir() else []
    pin_workbooks(staging, moment)
    reused = {str(year) for year in reused}
    for year in sorted(reused):
        carry_year(reports / year, staging / year)
    carry_over(reports, staging, [*built, *own])
    return [int(year) for year in built if year not in reused]


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False when the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, reports: Path) -> None:
    """Make staging the published folder in one step; the old set is deleted."""
    if not reports.exists():
        staging.rename(reports)
        return
    if exchange(staging, reports):
        shutil.rmtree(staging, ignore_errors=True)  # now the old set
        return
    retired = retired_dir(reports)
    shutil.rmtree(retired, ignore_errors=True)
    reports.rename(retired)
    staging.rename(reports)
    shutil.rmtree(retired, ignore_errors=True)
