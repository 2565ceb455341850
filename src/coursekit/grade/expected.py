"""Expected answers and verdicts, computed in the grader's own process from the student's cohort.

The student's cohort is rebuilt from the roster (the seed the course secret gives the
submitter, and the notebook's declared defaults for everything else), never from
anything in the submission. Each answer read out of the submission
(:mod:`coursekit.grade.answers`) is judged with the course's own
:func:`coursekit.course.judging.judge`, and the known trap it hit, if any, is noted.

Points: ``correct`` 1, ``close`` 0.5, anything else 0 (:data:`POINTS`).

>>> POINTS["correct"], POINTS["close"], POINTS["not attempted"]
(1.0, 0.5, 0.0)
>>> from coursekit.course.judging import Exercise
>>> ex = Exercise("x.1", "2 + 2?", "integer", lambda c: 4, hint="Add.")
>>> verdict(ex, 4, None).status, verdict(ex, 5, None).points
('correct', 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coursekit.course.judging import Exercise, judge

POINTS = {"correct": 1.0, "close": 0.5, "incorrect": 0.0, "not attempted": 0.0,
          "not available": 0.0, "not graded": 0.0}
#: The integrity check compares only answers of this kind: whole numbers and names
#: (a row count, a group) coincide between cohorts by chance far too often.
COMPARED_KINDS = ("number",)


@dataclass(frozen=True)
class Verdict:
    """One exercise of one submission, judged."""

    key: str
    status: str
    points: float
    message: str
    answer: Any = None
    #: 1-based number of the exercise's known trap the answer hit, else None.
    trap: int | None = None
    expected: Any = None


def _plain_expected(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value)
    return value


def _constant(ex: Exercise, value: Any) -> Exercise:
    return Exercise(ex.key, ex.question, ex.kind, lambda c: value, hint=ex.hint,
                    tolerance=ex.tolerance, close=ex.close)


def matches(ex: Exercise, answer: Any, value: Any) -> bool:
    """Whether ``answer`` is judged correct against ``value`` by ``ex``'s rule."""
    if value is None:
        return False
    return judge(_constant(ex, value), answer, None).status == "correct"


def verdict(ex: Exercise, answer: Any, course: Any) -> Verdict:
    """Judge ``answer`` on ``course`` as the notebook's ``check`` would, in this process."""
    feedback = judge(ex, answer, course)
    expected = None if feedback.status == "not attempted" else _plain_expected(
        ex.expected(course))
    trap = None
    if feedback.status in ("incorrect", "close"):
        for number, t in enumerate(ex.traps, start=1):
            if matches(ex, answer, _plain_expected(t.value(course))):
                trap = number
                break
    return Verdict(ex.key, feedback.status, POINTS[feedback.status], feedback.message,
                   answer, trap, expected)


def expected_values(exercises: Sequence[Exercise], course: Any) -> dict[str, Any]:
    """``{key: expected value}`` on ``course`` (plain data), for the integrity check."""
    out: dict[str, Any] = {}
    for ex in exercises:
        try:
            out[ex.key] = _plain_expected(ex.expected(course))
        except Exception:  # noqa: BLE001 - an exercise this cohort cannot answer
            out[ex.key] = None
    return out


def cohort(parameters: Mapping[str, Any]) -> Any:
    """The student's course session, from the roster's parameters (what the notebook's
    ``start(data_path, seed, n_respondents, cohort, min_group_size)`` cell gets)."""
    from coursekit.course.session import start

    return start(parameters.get("data_path"), parameters.get("seed"),
                 parameters.get("n_respondents", 800), parameters.get("cohort", ""),
                 parameters.get("min_group_size", 5))


def other_matches(ex: Exercise, answer: Any, own: Any,
                  others: Mapping[str, Any]) -> list[str]:
    """Labels of other students whose expected value ``answer`` matches while not matching
    ``own`` (for :data:`COMPARED_KINDS` only)."""
    if ex.kind not in COMPARED_KINDS or answer is None or matches(ex, answer, own):
        return []
    return sorted(label for label, value in others.items()
                  if value is not None and not matches(ex, own, value)
                  and matches(ex, answer, value))
