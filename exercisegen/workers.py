"""Worker processes that never outlive the run that started them.

A killed `generate` (SIGKILL included) must not leave PDF workers rendering for minutes. On Linux a
worker asks the kernel for SIGKILL when its parent dies (`prctl(PR_SET_PDEATHSIG)`); everywhere a
watchdog thread also ends it within a second once its parent is gone (the parent process id changes).
"""

from __future__ import annotations

import os
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
WATCHDOG_SECONDS = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: end this process when `parent_pid` ends."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watchdog below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), daemon=True, name="exercisegen-watchdog").start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)
