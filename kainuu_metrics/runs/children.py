"""Child processes that end with the run, even when the run is killed with SIGKILL.

- A process the run starts from its main thread (the Great Expectations checker) asks the
  kernel for a parent-death signal: `prctl(PR_SET_PDEATHSIG, SIGKILL)` through ctypes (Linux).
  The signal follows the *thread* that created the child, so it is used only for children of
  the main thread.
- Jupyter kernels are started from a helper thread, so they run a watchdog instead
  (`watchdog_code`): a daemon thread in the kernel that ends it when its parent process is no
  longer the run (the parent died and the kernel was re-parented).
- Chromium is started by Playwright's driver, which ends the browser when its pipe to the run
  closes; the printer also closes the browser in a `finally`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def end_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send `sig` to this process when its parent dies; True when that is set.
    Elsewhere (or without libc) it falls back to the polling watchdog."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call: the signal never comes
                    os._exit(1)
                return True
        except OSError:
            pass
    watch_parent(parent)
    return False


def watch_parent(parent_pid: int, interval: float = 0.5) -> threading.Thread:
    """A daemon thread that ends this process (exit status 1) once its parent is no longer
    `parent_pid`."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)

    thread = threading.Thread(target=watch, name="parent-watchdog", daemon=True)
    thread.start()
    return thread


def watchdog_code(parent_pid: int | None = None) -> str:
    """Python code for a kernel's warm-up: start watch_parent for the run's pid."""
    pid = os.getpid() if parent_pid is None else parent_pid
    return f"import kainuu_metrics.runs.children as _km_children\n_km_children.watch_parent({pid})\ndel _km_children\n"
