"""Tie a process's life to its parent's: render workers and kernels never outlive the render.

A render's pool workers and the kernels they start must end when the process
that started them ends, by whatever signal, SIGKILL included (the
out-of-memory killer, a closed laptop session): an orphaned worker keeps
running notebooks nobody will read and, before this module, kept the render's
lock. :func:`die_with_parent` uses two mechanisms, because neither covers
every case alone:

- Linux's ``prctl(PR_SET_PDEATHSIG)`` (through :mod:`ctypes`; the standard
  library has no binding): the kernel sends the signal as soon as the parent
  dies. It fires when the *thread* that forked this process exits, which is
  why it is safe here: a worker is forked by the render's main thread, and a
  kernel by the worker thread that runs its notebook and waits for it to end.
- a watchdog thread that polls :func:`os.getppid` (every ``interval``
  seconds) and ends the process once the parent has changed: for other
  systems, and for the moment between ``fork`` and ``prctl``, when the parent
  may already be gone.

Stdlib only: :mod:`coursekit.render.kernel` imports it before ipykernel.

>>> import os
>>> parent_alive(os.getppid()), parent_alive(os.getppid() + 10**7)
(True, False)
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
#: Exit status of a process that ended because its parent was gone.
ORPHAN_EXIT = 70


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies; False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def parent_alive(parent_pid: int) -> bool:
    """Whether ``parent_pid`` is still this process's parent (an orphan is re-parented)."""
    return os.getppid() == parent_pid


def _watch(parent_pid: int, interval: float) -> None:
    while parent_alive(parent_pid):
        time.sleep(interval)
    os._exit(ORPHAN_EXIT)  # no clean-up: the parent that wanted the result is gone


def die_with_parent(parent_pid: int, *, sig: int = signal.SIGKILL,
                    interval: float = 0.5) -> threading.Thread:
    """End this process when ``parent_pid`` (its parent now) dies; return the watchdog thread.

    Exits at once when the parent is already gone (it died before this call).
    """
    set_parent_death_signal(sig)
    if not parent_alive(parent_pid):
        os._exit(ORPHAN_EXIT)
    thread = threading.Thread(target=_watch, args=(parent_pid, interval),
                              name="coursekit-lifeline", daemon=True)
    thread.start()
    return thread
