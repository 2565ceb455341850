"""Who submitted what: a folder, a Canvas or Moodle zip, or a mapping CSV -> submissions.

Who submitted comes from the learning platform's side, never from the notebook:

- a plain folder: ``SUBMISSIONS/<student_id>/<notebook>.ipynb`` (time: the file's mtime);
- a Canvas "Download Submissions" zip: ``lastfirst_userid_submissionid_original.ipynb``
  (late ones: ``lastfirst_late_userid_...``); the user id must be the roster's
  ``student_id``, else give a mapping;
- a Moodle "Download all submissions" zip: a folder per submission,
  ``Full Name_id_assignsubmission_file_/notebook.ipynb``;
- a mapping CSV (``--mapping``) with columns ``file`` (the path in the folder or zip)
  and ``student_id``, and optionally ``submitted_at`` (ISO 8601): it overrides the names.

The time of a zip entry is the platform's (the zip's stored time of each file).
What cannot be attributed comes back as a :class:`Problem`, never an exception: the
rest of the class is still graded.

>>> parse_name("doejane_1234_998877_01_meet_the_data.ipynb")
('canvas', '1234', '01_meet_the_data.ipynb', False)
>>> parse_name("Jane Doe_77_assignsubmission_file_/01_meet_the_data.ipynb")
('moodle', '77', '01_meet_the_data.ipynb', False)
>>> parse_name("doejane_late_1234_998877_x.ipynb")[3]
True
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from coursekit.common.csvfile import read_csv
from coursekit.common.errors import CourseKitError, InputFileError

#: Largest file read from a submission (a notebook of the course is well under 5 MB).
MAX_BYTES = 50 * 2**20
_CANVAS = re.compile(r"^(?P<who>[a-z0-9]+)_(?P<late>late_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<orig>.+)$",
                     re.I)
_MOODLE = re.compile(r"^(?P<who>[^/]+)_(?P<uid>\d+)_assignsubmission_file_?/(?P<orig>.+)$")


class GradeError(CourseKitError):
    """Grading cannot start: unreadable submissions, roster or mapping (nothing is written)."""


@dataclass(frozen=True)
class Submission:
    """One file one student submitted, as the platform says."""

    submitter: str
    name: str
    origin: str
    data: bytes
    timestamp: float | None = None
    late: bool = False

    @property
    def when(self) -> str:
        if self.timestamp is None:
            return "time unknown"
        return dt.datetime.fromtimestamp(self.timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class Problem:
    """A submission that cannot be graded, or a note about one: where, what, what was expected."""

    origin: str
    message: str
    student_id: str | None = None
    notebook: str | None = None

    def describe(self) -> str:
        return f"{self.origin}: {self.message}"


def parse_name(name: str) -> tuple[str, str, str, bool] | None:
    """``(platform, student id, original file name, late)`` from an LMS file name, else None."""
    m = _MOODLE.match(name)
    if m:
        return "moodle", m["uid"], m["orig"], False
    base = name.rsplit("/", 1)[-1]
    m = _CANVAS.match(base)
    if m:
        return "canvas", m["uid"], m["orig"], bool(m["late"])
    return None


def _time(text: str, where: str) -> float:
    try:
        stamp = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise GradeError(f"{where}: value {text!r} is not a time "
                         "(expected ISO 8601, e.g. 2026-03-01T14:05:00Z)") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


def read_mapping(path: str | Path) -> dict[str, tuple[str, float | None]]:
    """``{file: (student_id, time or None)}`` from a mapping CSV (see the module docstring)."""
    try:
        records = list(read_csv(path).records())
    except InputFileError as exc:
        raise GradeError(f"mapping {exc}") from None
    if not records:
        raise GradeError(f"mapping {path}: empty file, expected a header 'file,student_id'")
    header = [h.strip() for h in records[0].cells]
    for col in ("file", "student_id"):
        if col not in header:
            raise GradeError(f"mapping {path}: no '{col}' column (found: {', '.join(header)})")
    out: dict[str, tuple[str, float | None]] = {}
    for rec in records[1:]:
        cells = dict(zip(header, rec.cells, strict=False))
        where = f"mapping {path}: row {rec.row}"
        file, sid = cells.get("file", "").strip(), cells.get("student_id", "").strip()
        if not file or not sid:
            raise GradeError(f"{where}: empty 'file' or 'student_id' (expected both)")
        when = cells.get("submitted_at", "").strip()
        out[file] = (sid, _time(when, f"{where}, column 'submitted_at'") if when else None)
    return out


def _entries(path: Path) -> list[tuple[str, bytes | None, float | None]]:
    """``(name, bytes or None when too big, time)`` of every file in a folder or zip."""
    found: list[tuple[str, bytes | None, float | None]] = []
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if any(part.startswith(".") for part in file.relative_to(path).parts):
                continue
            size = file.stat().st_size
            found.append((file.relative_to(path).as_posix(),
                          file.read_bytes() if size <= MAX_BYTES else None,
                          file.stat().st_mtime))
        return found
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir() or info.filename.startswith("__MACOSX/"):
                    continue
                stamp = dt.datetime(*info.date_time, tzinfo=dt.UTC).timestamp()
                data = zf.read(info) if info.file_size <= MAX_BYTES else None
                found.append((info.filename, data, stamp))
    except (zipfile.BadZipFile, OSError) as exc:
        raise GradeError(f"submissions {path}: not a folder nor a readable zip ({exc})") from None
    return found


def collect(path: str | Path, mapping: Mapping[str, tuple[str, float | None]] | None = None
            ) -> tuple[list[Submission], list[Problem]]:
    """Every submission under ``path`` (folder or zip) and the files that cannot be one."""
    source = Path(path)
    if not source.exists():
        raise GradeError(f"submissions {source}: no such folder or file")
    kind = "folder" if source.is_dir() else "zip"
    subs: list[Submission] = []
    problems: list[Problem] = []
    for name, data, stamp in _entries(source):
        origin = f"{source.name}/{name}" if kind == "folder" else f"{source.name}:{name}"
        if mapping and name in mapping:
            sid, when = mapping[name]
            who, orig, late = sid, name.rsplit("/", 1)[-1], False
            stamp = when if when is not None else stamp
        elif kind == "folder" and "/" in name and parse_name(name) is None:
            who, orig, late = name.split("/", 1)[0], name.rsplit("/", 1)[-1], False
        elif (parsed := parse_name(name)) is not None:
            _, who, orig, late = parsed
        else:
            problems.append(Problem(origin, "cannot tell who submitted this file (expected "
                                    "<student_id>/<notebook>.ipynb, Canvas or Moodle naming, "
                                    "or a row in --mapping)"))
            continue
        if data is None:
            problems.append(Problem(origin, f"larger than {MAX_BYTES // 2**20} MB: not read "
                                    "(expected a notebook of the course)", who))
            continue
        if not orig.lower().endswith(".ipynb"):
            problems.append(Problem(origin, "not a notebook (expected a .ipynb file)", who))
            continue
        subs.append(Submission(who, orig, origin, data, stamp, late))
    return subs, problems


def latest(subs: Sequence[Submission]) -> tuple[Submission, list[Submission]]:
    """The submission graded among several of one student for one notebook (the latest by
    the platform's time; the later in the listing when times tie) and the others."""
    order = sorted(enumerate(subs), key=lambda p: (p[1].timestamp or 0.0, p[0]))
    chosen = order[-1][1]
    return chosen, [s for _, s in order[:-1]]


def relative(path: str) -> str:
    """``path`` with the folder separators of this system shown as ``/``."""
    return path.replace(os.sep, "/")
