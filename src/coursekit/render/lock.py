"""One render per site folder at a time: ``OUT/.render.lock``, an ``flock`` that names its holder.

The lock is an advisory ``flock`` on the file, which the system releases when the
holder dies, plus a record of the holder (pid, process start time, host) in the
file, cleared on a clean release. Two traps shape it:

- ``flock`` belongs to the open file *description*, which forked children share
  whatever ``O_CLOEXEC`` says: a pool worker that outlived a killed render kept
  the lock (measured). :func:`render_lock` yields the descriptor so that the
  process pool's initializer closes it in every worker
  (:func:`coursekit.render.executors.worker_start`).
- a render killed outright leaves its record behind. When the lock is free but a
  record is there, the render that wrote it died: the next render says so in one
  line and takes over. When the lock is *held* and its recorded holder is gone
  (its orphans, from a render before this fix, still hold the description), the
  file is replaced by a new one (same name, new inode, locked before it is renamed
  into place) and the render says so; a holder that is alive, or on another host,
  is never second-guessed.

Hand-written rather than ``filelock``: that library neither records nor checks a
holder, and it is not installed here.

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp, render_lock(Path(tmp)) as fd:
...     holder = read_holder(Path(tmp) / LOCK)
...     holder is not None and holder.pid == os.getpid() and holder_alive(holder)
True
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from coursekit.common.errors import RenderError

LOCK = ".render.lock"


@dataclass(frozen=True)
class Holder:
    """The render that holds (or held) a lock."""

    pid: int
    started: str | None
    host: str


def process_started(pid: int) -> str | None:
    """The start time of process ``pid`` (``/proc``, in clock ticks since boot); None if unknown.

    With the pid it names one process: a pid reused by another process has another start time.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def holder_alive(holder: Holder) -> bool:
    """Whether ``holder`` is still running; a holder on another host counts as alive."""
    if holder.host != socket.gethostname():
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = process_started(holder.pid)
    return holder.started is None or started is None or started == holder.started


def read_holder(path: Path) -> Holder | None:
    """The holder recorded in lock file ``path``, or None (no record, or not one of ours)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        return Holder(int(data["pid"]), data.get("started"), str(data["host"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _me() -> Holder:
    return Holder(os.getpid(), process_started(os.getpid()), socket.gethostname())


def _record(fd: int, holder: Holder | None) -> None:
    os.ftruncate(fd, 0)
    if holder is not None:
        os.pwrite(fd, json.dumps(asdict(holder)).encode("utf-8") + b"\n", 0)


def _try_lock(fd: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _open(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def _take_over(out: Path) -> int:
    """A new lock file, locked before it replaces the one a dead render's orphans hold."""
    path = out / LOCK
    tmp = out / f"{LOCK}.{os.getpid()}.part"
    fd = _open(tmp)
    if not _try_lock(fd):  # nobody else knows this name; cannot happen
        os.close(fd)
        raise RenderError(f"--out {out}: cannot lock {tmp.name}")
    os.replace(tmp, path)
    if os.stat(path).st_ino != os.fstat(fd).st_ino:  # another render took over at once
        os.close(fd)
        raise RenderError(f"--out {out}: another render is writing there")
    return fd


def _acquire(out: Path, note: Callable[[str], None]) -> int:
    path = out / LOCK
    fd = _open(path)
    holder = read_holder(path)
    if _try_lock(fd):
        if holder is not None and holder.pid != os.getpid():
            note(f"{path}: the render that held it (pid {holder.pid}) ended without "
                 "releasing it; taking it over")
        return fd
    os.close(fd)
    if holder is None:
        raise RenderError(f"--out {out}: another render is writing there (if none is, "
                          f"stop the processes holding {path} or remove it)")
    if holder_alive(holder):
        raise RenderError(f"--out {out}: another render (pid {holder.pid} on {holder.host}) "
                          "is writing there")
    fd = _take_over(out)
    note(f"{path}: held by what is left of a render that died (pid {holder.pid}); "
         "taking it over")
    return fd


@contextlib.contextmanager
def render_lock(out: Path, note: Callable[[str], None] = lambda text: None
                ) -> Iterator[int | None]:
    """Hold the lock of site folder ``out``; yield its descriptor (None where there is no flock).

    ``note`` gets the one line said when a stale lock is taken over. Raises
    :class:`RenderError` while another live render holds it.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; renders into one folder must not overlap
        yield None
        return
    fd = _acquire(out, note)
    try:
        _record(fd, _me())
        yield fd
    finally:
        with contextlib.suppress(OSError):
            _record(fd, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
