"""A machine's state that stops a run (read-only folder, full disk) as a Finnish message
naming the folder and what to do (exit status 2), never a traceback."""

from __future__ import annotations

import errno
from pathlib import Path

STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


class StorageError(Exception):
    """A folder the run must write cannot be written; `message` is Finnish."""

    def __init__(self, folder: str, problem: str, fix: str) -> None:
        self.folder, self.problem, self.fix = folder, problem, fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"Kansio: {self.folder}\nVirhe: {self.problem}\nKorjaus: {self.fix}"


def is_storage_error(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in STORAGE_ERRNOS


def storage_error(error: OSError, folders: dict[str, Path]) -> StorageError:
    """The Finnish message for a write that failed: `folders` maps a folder as the user named it
    (data/processed, reports) to its path; the one holding the failed file is named."""
    failed = Path(error.filename) if error.filename else None
    shown = next(iter(folders), "?")
    if failed is not None:
        for name, folder in folders.items():
            try:
                failed.resolve().relative_to(folder.resolve())
            except (ValueError, OSError):
                try:
                    failed.absolute().relative_to(folder.absolute())
                except ValueError:
                    continue
            shown = name
            break
    if error.errno in {errno.ENOSPC, errno.EDQUOT}:
        return StorageError(shown, "levy on täynnä (tallennustila loppui kesken kirjoituksen)",
                            "Vapauta levytilaa tai valitse toinen kansio ja aja uudelleen. Julkaistut raportit ovat ennallaan.")
    return StorageError(shown, "kansioon ei voi kirjoittaa (vain luku tai ei oikeuksia)",
                        "Anna käyttäjälle kirjoitusoikeus kansioon (tai valitse toinen kansio) ja aja uudelleen. "
                        "Julkaistut raportit ovat ennallaan.")


PROBE = ".kirjoitustesti"


def require_writable(folders: dict[str, Path]) -> None:
    """Write and delete a small file in each existing folder (a probe works for root too, whom
    permission bits do not stop); StorageError naming the first folder that refuses."""
    for shown, folder in folders.items():
        if not folder.is_dir():
            continue
        probe = folder / PROBE
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            if not is_storage_error(error):
                raise
            raise storage_error(error, {shown: folder}) from None


def storage_folders(layout) -> dict[str, Path]:
    """The folders a run writes, as messages name them."""
    from kainuu_metrics.runs.manifest import shown_path
    from kainuu_metrics.runs.publishing import staging_dir

    return {f"{shown_path(layout.data)}/processed": layout.processed, str(shown_path(layout.reports)): layout.reports,
            f"{shown_path(layout.reports)} (julkaisun välikansio {staging_dir(layout.reports).name})": staging_dir(layout.reports)}


def as_storage_error(error: BaseException, folders: dict[str, Path]) -> BaseException:
    """A storage OSError as StorageError; anything else as it is."""
    if isinstance(error, OSError) and is_storage_error(error):
        return storage_error(error, folders)
    return error
