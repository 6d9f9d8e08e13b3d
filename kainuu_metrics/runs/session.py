"""A run under its lock, recorded whatever happens: the lock is taken first (a refused run
writes nothing), the body runs, and the manifest is written with the exit status the command
line will return (0/1 from the result, 2 for a user's or machine's problem, 3 for a bug)."""

from __future__ import annotations

import json
from collections.abc import Callable

from kainuu_metrics.errors import ConfigError, InputFileError
from kainuu_metrics.runs.faults import StorageError, as_storage_error, storage_folders
from kainuu_metrics.runs.lock import RunLock


def publish_manifest(recorder, reports) -> None:
    """The run's final manifest beside the history page (reports/ajot/<run id>/), so that the
    page's link to it works from a copied reports/ folder."""
    from kainuu_metrics.report.history import HISTORY_PAGE, MANIFEST, RUNS_COPY_DIR
    from kainuu_metrics.runs.manifest import shareable_bytes

    if reports is not None and getattr(recorder, "path", None) and (reports / HISTORY_PAGE).exists():
        target = reports / RUNS_COPY_DIR / recorder.run_id / MANIFEST
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shareable_bytes(json.loads(recorder.path.read_text(encoding="utf-8"))))


def run_recorded(layout, recorder, body: Callable[[str | None], object]):
    """`body(stale_note)` under the data folder's lock; returns its RunResult. A storage
    OSError (full disk, read-only) is raised as StorageError."""
    folders = storage_folders(layout)
    try:
        lock = RunLock(layout.processed, shown=next(iter(folders)), started_at=recorder.started).acquire()
    except OSError as error:
        raise as_storage_error(error, folders) from None
    status, message = 3, None
    try:
        result = body(lock.stale_note())
        status = result.exit_code
        recorder.lines.extend(m for m in result.messages if m)
        return result
    except (InputFileError, ConfigError) as error:
        status, message = 2, getattr(error, "message", None) or str(error)
        raise
    except OSError as error:
        converted = as_storage_error(error, folders)
        if converted is error:
            message = f"{type(error).__name__}: {error}"
            raise
        status, message = 2, converted.message
        raise converted from None
    except BaseException as error:
        status = 2 if isinstance(error, StorageError) else 3
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        raise
    finally:
        try:
            recorder.finish(status, message if status else None)
            publish_manifest(recorder, layout.reports)
        except OSError:  # a full disk may not take the manifest either; the message still shows
            pass
        lock.release()
