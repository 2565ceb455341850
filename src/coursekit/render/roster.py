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
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Sequence
from pathlib import Path

from coursekit.common.errors import RenderError

SECRET_ENV = "COURSEKIT_SECRET"
MIN_SECRET_LENGTH = 16
ROSTER_ID_COLUMN = "student_id"


def _mac(secret: str, purpose: str, student_id: str) -> bytes:
    message = f"coursekit/{purpose}\0{student_id}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def student_seed(student_id: str, secret: str) -> int:
    """The student's cohort seed: HMAC-SHA256 of the id under the course secret, 31 bits.

    >>> student_seed("007", "a course secret of some length") == \\
    ...     student_seed("007", "a course secret of some length")
    True
    """
    return int.from_bytes(_mac(secret, "seed", student_id)[:4], "big") & 0x7FFF_FFFF


def student_label(student_id: str, secret: str) -> str:
    """The student's pseudonymous label (``s-`` and 8 hex digits), used for folders and titles."""
    return "s-" + _mac(secret, "label", student_id).hex()[:8]


def check_secret(secret: str | None) -> str:
    """The course secret, or a :class:`RenderError` saying how to provide a good one."""
    if not secret:
        raise RenderError(
            f"a roster needs the course secret: set the environment variable {SECRET_ENV} "
            "(or pass --secret); keep it: the same secret re-creates every student's data")
    if len(secret) < MIN_SECRET_LENGTH:
        raise RenderError(
            f"the course secret is too short ({len(secret)} characters, expected at least "
            f"{MIN_SECRET_LENGTH}): students see their own seed and could guess a short secret; "
            "make one with: python -c \"import secrets; print(secrets.token_urlsafe(24))\"")
    return secret


def read_roster(path: str | Path) -> list[str]:
    """The student ids of a roster CSV (column ``student_id``; other columns are ignored).

    Raises :class:`RenderError` for a missing column, an empty or repeated id,
    or an id that looks like a path (``../x``, ``/abs``): ids never become
    paths (labels do), but such an id is a roster mistake.
    """
    from coursekit.common.errors import InputFileError
    from coursekit.survey.load import read_text, sniff_delimiter

    source = str(path)
    try:
        text, _ = read_text(path)
    except InputFileError as exc:
        raise RenderError(f"roster {exc}") from None
    first = text.splitlines()[0] if text.strip() else ""
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first))
    rows = list(reader)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise RenderError(
            f"roster {source}: empty file, expected a header with '{ROSTER_ID_COLUMN}'")
    header = [h.strip() for h in rows[0]]
    if ROSTER_ID_COLUMN not in header:
        raise RenderError(
            f"roster {source}: no '{ROSTER_ID_COLUMN}' column (found: {', '.join(header)})")
    col = header.index(ROSTER_ID_COLUMN)
    ids: list[str] = []
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
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
