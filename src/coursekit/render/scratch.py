"""A render's scratch folder: where its workers and kernels keep temporary files.

Pool workers make temporary files of their own: each job's papermill output
folder, each kernel's connection file and Unix-socket folder. A worker killed
with its render (SIGKILL, see :mod:`coursekit.render.lifeline`) cannot remove
them, so they all go into one folder per render in the system's temporary
folder, ``coursekit-scratch-HOST.PID.XXXX`` (HOST: 8 hex digits of a hash of the
host name, short enough to keep the kernels' socket paths under the 107-byte
limit). The render removes it when it ends; the next render removes those of
renders that are no longer running, its own user's on its own host only (a pid
says nothing about another machine's processes).

>>> with scratch_folder() as path:
...     owner(path.name) == (host_tag(), os.getpid()), path.is_dir()
(True, True)
>>> path.exists()
False
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "coursekit-scratch-"


def host_tag(host: str | None = None) -> str:
    """A short, fixed-length tag of the host name (``socket.gethostname()`` by default)."""
    return hashlib.sha256((host or socket.gethostname()).encode("utf-8")).hexdigest()[:8]


def owner(name: str) -> tuple[str, int] | None:
    """(host tag, pid) of the render a scratch folder name belongs to, or None if not one."""
    if not name.startswith(PREFIX):
        return None
    parts = name[len(PREFIX):].split(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(base: Path | None = None) -> int:
    """Remove the scratch folders of this user's renders that are no longer running."""
    base = Path(base or tempfile.gettempdir())
    removed = 0
    host = host_tag()
    for path in base.glob(f"{PREFIX}*"):
        found = owner(path.name)
        try:
            mine = path.is_dir() and path.stat().st_uid == os.getuid()
        except OSError:
            continue
        if found and mine and found[0] == host and not _running(found[1]):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A fresh scratch folder for this render (stale ones removed first), removed at the end."""
    remove_stale()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{host_tag()}.{os.getpid()}."))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def use_in_this_process(path: str | Path) -> None:
    """Make :mod:`tempfile` (and the kernels this process starts) use ``path``."""
    tempfile.tempdir = str(path)
    os.environ["TMPDIR"] = str(path)
