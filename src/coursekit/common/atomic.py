"""Safe file writing: never leave a half-written file behind.

Every file coursekit writes goes to a temporary name in the same folder and is
renamed into place (``os.replace`` is atomic on one file system), so an
interrupted run leaves either the old file or the new one, never a torn one.

>>> import pathlib, tempfile
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> atomic_write_text(target, "new\\n").read_text()
'new\\n'
>>> with atomic_path(target) as tmp:  # a failed write leaves the old file and no leftovers
...     _ = tmp.write_text("half")
...     raise RuntimeError("disk full")
Traceback (most recent call last):
RuntimeError: disk full
>>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
('new\\n', ['out.txt'])
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception (including KeyboardInterrupt) the temporary file is removed
    and ``path`` is left as it was.
    """
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise OSError(exc.errno, f"cannot create a file there ({exc.strerror})",
                      str(target)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (``\\n`` line ends kept as is)."""
    return atomic_write_bytes(path, text.encode("utf-8"))
