"""Which notebook a submission is, and whom it was issued to (the render's stamp) vs who sent it.

A rendered student copy carries, in its metadata under
:data:`coursekit.render.variants.ISSUE_KEY`, the course, the notebook and the
pseudonymous label of the student it was issued to
(:func:`coursekit.render.variants.stamp_issue`). :func:`read_notebook` parses the bytes
(not JSON, not a notebook: a :class:`~coursekit.grade.submissions.Problem`) and
:func:`identify` says which of the graded notebooks it is (by its stamp, else by its
file name) and what is wrong with its identity:

- another course's notebook, or a notebook that is not one of those graded: not graded;
- issued to another student than the submitter: graded on the *submitter's* data,
  flagged ``issued to another student``;
- no stamp (a copy not from ``render --roster``): graded by file name, flagged.

>>> which_notebook("01_meet_the_data (1).ipynb", ["01_meet_the_data", "02_measuring"])
'01_meet_the_data'
>>> which_notebook("notes.ipynb", ["01_meet_the_data"]) is None
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coursekit.grade.submissions import Problem, Submission
from coursekit.render.variants import COURSE_ID, ISSUE_KEY

FLAG_OTHER_STUDENT = "issued to another student"
FLAG_NO_STAMP = "no issue stamp (not a copy from render --roster)"


def read_notebook(sub: Submission) -> tuple[Any, Problem | None]:
    """The submission as a notebook node, or a Problem saying why it is none."""
    import nbformat

    try:
        text = sub.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem(sub.origin, f"not a notebook: not UTF-8 text (byte {exc.start})",
                             sub.submitter)
    try:
        raw = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", "?")
        col = getattr(exc, "colno", "?")
        why = getattr(exc, "msg", str(exc))
        return None, Problem(sub.origin, f"broken JSON at line {line}, column {col}: {why} "
                             "(expected a notebook file as Jupyter saves it)", sub.submitter)
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list) \
            or not isinstance(raw.get("nbformat"), int):
        return None, Problem(sub.origin, "not a notebook: JSON without 'cells' and 'nbformat' "
                             "(expected a notebook file as Jupyter saves it)", sub.submitter)
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
        return None, Problem(sub.origin, f"not a notebook nbformat can read ({exc})",
                             sub.submitter)
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str) or "cell_type" not in cell:
            return None, Problem(sub.origin, "not a notebook: a cell without type or source",
                                 sub.submitter)
    return nb, None


def which_notebook(name: str, stems: Sequence[str]) -> str | None:
    """The graded notebook a file name is (its stem, or its two-digit number), else None."""
    base = name.rsplit("/", 1)[-1]
    for stem in stems:
        if base.startswith(stem) or stem in base:
            return stem
    m = re.match(r"^(\d{2})[_ -]", base)
    if m:
        hits = [s for s in stems if s.startswith(m.group(1) + "_")]
        if len(hits) == 1:
            return hits[0]
    return None


@dataclass(frozen=True)
class Identity:
    """What a submission is: the graded notebook (None: not graded), why not, and flags."""

    notebook: str | None
    problem: str | None = None
    flags: tuple[str, ...] = ()
    issued_for: str | None = None


def stamp(nb: Any) -> Mapping[str, Any] | None:
    value = nb.metadata.get(ISSUE_KEY)
    return value if isinstance(value, Mapping) else None


def identify(nb: Any, sub: Submission, stems: Sequence[str], submitter_label: str,
             labels: Mapping[str, str]) -> Identity:
    """Check the stamp of ``nb`` against the graded ``stems`` and the submitter's label.

    ``labels`` maps every roster label to its student id (the instructor's side only).
    """
    issued = stamp(nb)
    if issued is None:
        found = which_notebook(sub.name, stems)
        if found is None:
            return Identity(None, f"not one of the graded notebooks ({', '.join(stems)}) "
                            "and no issue stamp to tell which it is")
        return Identity(found, flags=(FLAG_NO_STAMP,))
    if issued.get("course") != COURSE_ID:
        return Identity(None, f"a notebook of another course ({issued.get('course')!r}, "
                        f"expected {COURSE_ID!r})")
    notebook = str(issued.get("notebook") or issued.get("assignment") or "")
    if notebook not in stems:
        return Identity(None, f"a notebook of another assignment ({notebook!r}, expected one "
                        f"of {', '.join(stems)})")
    owner = str(issued.get("issued_for") or "")
    flags: tuple[str, ...] = ()
    if owner != submitter_label:
        whose = (f"student {labels[owner]}" if owner in labels else "a label not on this roster")
        flags = (f"{FLAG_OTHER_STUDENT} ({whose}); graded on the submitter's data",)
    return Identity(notebook, flags=flags, issued_for=owner)
