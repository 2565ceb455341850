"""The gradebook: one row per roster student, written atomically as CSV (and for Canvas).

``gradebook.csv`` (the instructor's, holds student ids): ``student_id``, then per exercise
``NN.K status`` and ``NN.K points``, ``total`` and ``flags`` (``; ``-separated).
A student without a submission for a notebook gets ``not submitted`` there.

``canvas.csv`` is Canvas's gradebook import format: ``Student``, ``ID``, ``SIS User ID``,
``SIS Login ID``, ``Section``, then one column per notebook (its points), after a
``Points Possible`` row. Canvas matches rows on ``ID`` or ``SIS User ID``; both hold the
roster's ``student_id``, so the roster must use the ids Canvas knows.

>>> row = StudentRow("007", {"01.1": ("correct", 1.0)}, ("late",))
>>> gradebook_frame([row], ["01.1"]).to_csv(index=False).splitlines()[1]
'007,correct,1.0,1.0,late'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from coursekit.common.atomic import atomic_write_text

NOT_SUBMITTED = "not submitted"


@dataclass(frozen=True)
class StudentRow:
    """One student's line: ``{key: (status, points)}`` and the instructor's flags."""

    student_id: str
    exercises: Mapping[str, tuple[str, float]]
    flags: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return float(sum(points for _, points in self.exercises.values()))


def gradebook_frame(rows: Sequence[StudentRow], keys: Sequence[str]) -> pd.DataFrame:
    """The gradebook as a DataFrame (columns as in the module docstring)."""
    records = []
    for row in rows:
        rec: dict[str, object] = {"student_id": row.student_id}
        for key in keys:
            status, points = row.exercises.get(key, (NOT_SUBMITTED, 0.0))
            rec[f"{key} status"] = status
            rec[f"{key} points"] = float(points)
        rec["total"] = row.total
        rec["flags"] = "; ".join(row.flags)
        records.append(rec)
    columns = ["student_id", *[f"{k} {c}" for k in keys for c in ("status", "points")],
               "total", "flags"]
    return pd.DataFrame.from_records(records, columns=columns)


def canvas_frame(rows: Sequence[StudentRow], notebooks: Mapping[str, Sequence[str]],
                 titles: Mapping[str, str]) -> pd.DataFrame:
    """Canvas's import layout: one points column per notebook, a ``Points Possible`` row."""
    head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    cols = [titles.get(nb, nb) for nb in notebooks]
    possible = ["Points Possible", "", "", "", ""] + [f"{len(keys):g}" for keys in
                                                      notebooks.values()]
    body = [possible]
    for row in rows:
        pts = [f"{sum(row.exercises.get(k, ('', 0.0))[1] for k in keys):g}"
               for keys in notebooks.values()]
        body.append(["", row.student_id, row.student_id, "", "", *pts])
    return pd.DataFrame(body, columns=head + cols)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """``frame`` as UTF-8 CSV at ``path``, atomically."""
    return atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))
