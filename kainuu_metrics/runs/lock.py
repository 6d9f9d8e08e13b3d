"""One run at a time on the same data folder: `data/processed/.ajo.lock`.

The lock is an advisory `flock` on that file, which the kernel releases when the holder ends
in any way (even SIGKILL), so a lock can never be left behind by a dead run: a file whose lock
can be taken is stale, and the new run says so and takes it over. The file holds the holder's
pid and start time (JSON), which a refused run shows. A refused run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

LOCK_NAME = ".ajo.lock"


class RunLocked(Exception):
    """Another run holds the folder; `message` is Finnish."""

    def __init__(self, folder: str, holder: dict) -> None:
        self.folder, self.holder = folder, holder
        super().__init__(self.message)

    @property
    def message(self) -> str:
        from kainuu_metrics.formatting import timestamp

        started = holder_started = self.holder.get("started_at", "")
        try:
            holder_started = timestamp(started)
        except Exception:  # an unreadable time is shown as written
            pass
        return (f"Kansio: {self.folder}\nVirhe: toinen ajo (prosessi {self.holder.get('pid', '?')}, aloitettu {holder_started}) "
                "käyttää samoja kansioita, joten tätä ajoa ei aloitettu eikä mitään kirjoitettu.\n"
                "Korjaus: odota, että toinen ajo päättyy, ja aja sitten uudelleen.")


class RunLock:
    """`with RunLock(processed, shown="data/processed") as lock:`; lock.stale is the holder of
    a lock left by a run that ended without releasing it (or None)."""

    def __init__(self, folder: Path, *, shown: str = "data/processed", started_at: dt.datetime | None = None) -> None:
        self.folder, self.shown = folder, shown
        self.started_at = started_at or dt.datetime.now(dt.UTC)
        self.stale: dict | None = None
        self._file = None

    @property
    def path(self) -> Path:
        return self.folder / LOCK_NAME

    def acquire(self) -> RunLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = _parse(handle.read())
            handle.close()
            raise RunLocked(self.shown, holder) from None
        handle.seek(0)
        previous = _parse(handle.read())
        if previous.get("pid"):
            self.stale = previous  # written by a run that died holding it
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "started_at": self.started_at.isoformat()}))
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()  # an empty file is a released lock, not a stale one
            self._file.flush()
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

    def stale_note(self) -> str | None:
        if not self.stale:
            return None
        return (f"huom: edellinen ajo (prosessi {self.stale.get('pid')}, aloitettu {self.stale.get('started_at', '?')}) "
                "päättyi kesken; sen lukko poistettiin ja keskeneräiset välikansiot siivotaan.")


def _parse(text: str) -> dict:
    try:
        data = json.loads(text)
        return data if isinstance(data, dict) else {}
    except ValueError:
        return {}
