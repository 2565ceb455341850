"""Students of a class: pseudonymous labels and personal cohort seeds from a course secret.

Each student of a roster (a CSV with a ``student_id`` column; other columns are
ignored and never written out) gets a seed and a label derived from the id and
a course secret with HMAC-SHA256: the same id and secret always give the same
data and answer key, and without the secret one student's id and seed say
nothing about another's. The label (``s-`` and 8 hex digits) names the
student's folder in a rendered site and is the notebooks' ``cohort``
parameter; neither the id nor the secret is written anywhere.

Example
-------
>>> from coursekit.render.roster import student_label, student_seed
>>> secret = "a course secret of some length"
>>> student_label("007", secret) == student_label("007", secret)
True
>>> 0 <= student_seed("007", secret) < 2**31
True
>>> check_secret("short")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
coursekit.common.errors.SecretError: the course secret (...): the secret is too short (5 ...
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coursekit.common.csvfile import read_csv
from coursekit.common.errors import InputFileError, RenderError, SecretError
from coursekit.common.pseudonyms import (
    MIN_SECRET_CHARS,
    check_secret_length,
    hex_digest,
    seed_of,
    tagged,
)

SECRET_ENV = "COURSEKIT_SECRET"
#: The shortest course secret accepted: the one minimum of :mod:`coursekit.common.pseudonyms`.
MIN_SECRET_LENGTH = MIN_SECRET_CHARS
ROSTER_ID_COLUMN = "student_id"


def student_seed(student_id: str, secret: str) -> int:
    """The student's cohort seed: HMAC-SHA256 of the id under the course secret, 31 bits.

    >>> student_seed("007", "a course secret of some length")
    408049532
    """
    return seed_of(secret.encode("utf-8"), tagged("seed", student_id))


def student_label(student_id: str, secret: str) -> str:
    """The student's pseudonymous label (``s-`` and 8 hex digits), used for folders and titles.

    >>> student_label("007", "a course secret of some length")
    's-e5f71066'
    """
    return "s-" + hex_digest(secret.encode("utf-8"), tagged("label", student_id))[:8]


def check_secret(secret: str | None) -> str:
    """The course secret, or a :class:`~coursekit.common.errors.SecretError` saying how to
    provide a good one (the same length rule and error as an import salt)."""
    if not secret:
        raise SecretError(
            f"a roster needs the course secret: set the environment variable {SECRET_ENV} "
            "(or pass --secret); keep it: the same secret re-creates every student's data")
    check_secret_length(secret, f"the course secret ({SECRET_ENV} or --secret)")
    return secret


def read_roster(path: str | Path) -> list[str]:
    """The student ids of a roster CSV (column ``student_id``; other columns are ignored).

    Raises :class:`RenderError` for an unreadable file, a missing column, an empty or
    repeated id, or an id that looks like a path (``../x``, ``/abs``): ids never become
    paths (labels do), but such an id is a roster mistake. Rows are spreadsheet rows,
    counted as records (a quoted cell over two lines is one row).
    """
    source = str(path)
    try:
        records = list(read_csv(path).records())
    except InputFileError as exc:
        raise RenderError(f"roster {exc}") from None
    if not records:
        raise RenderError(
            f"roster {source}: empty file, expected a header with '{ROSTER_ID_COLUMN}'")
    header = [h.strip() for h in records[0].cells]
    if ROSTER_ID_COLUMN not in header:
        raise RenderError(
            f"roster {source}: no '{ROSTER_ID_COLUMN}' column (found: {', '.join(header)})")
    col = header.index(ROSTER_ID_COLUMN)
    ids: list[str] = []
    first_row: dict[str, int] = {}
    for record in records[1:]:
        number, row = record.row, record.cells
        value = row[col].strip() if col < len(row) else ""
        where = f"roster {source}: row {number}, column '{ROSTER_ID_COLUMN}'"
        if not value:
            raise RenderError(f"{where}: empty id (expected one id per student)")
        if ("/" in value or "\\" in value or value.startswith(".")
                or any(ord(ch) < 32 for ch in value)):
            raise RenderError(
                f"{where}: id {value!r} looks like a path and would escape the output folder "
                "(expected a plain id without '/', '\\' or a leading '.')")
        if value in first_row:
            raise RenderError(f"{where}: id {value!r} repeats row {first_row[value]} "
                              "(expected each student once)")
        first_row[value] = number
        ids.append(value)
    if not ids:
        raise RenderError(f"roster {source}: no students (expected rows below the header)")
    return ids


def which_students(roster: str | Path, secret: str | None,
                   ids: Sequence[str] | None = None) -> list[tuple[str, str, int]]:
    """``(student_id, label, seed)`` for the roster's students (or just ``ids``), for the
    instructor's eyes only: nothing is written."""
    key = check_secret(secret)
    known = read_roster(roster)
    chosen = list(ids) if ids else known
    missing = [i for i in chosen if i not in known]
    if missing:
        raise RenderError(f"roster {roster}: no student_id {missing[0]!r}")
    return [(sid, student_label(sid, key), student_seed(sid, key)) for sid in chosen]
