"""Self-checked exercises whose answers come from the notebook's own data.

A learner writes an answer and calls :func:`check`::

    answer_02_1 = ...                    # the learner's answer
    check("02.1", answer_02_1, course)   # correct / close (with a hint) / not yet

The expected value is computed by the exercise from the learner's own cohort,
so the same check holds for every seed and for an instructor's own data.
``None`` or ``...`` means "not attempted yet": that is what the student
variant of a notebook starts with. Some exercises also know typical wrong
answers (a scale scored without reverse keys, say) and give a pointed hint.

Imports flow one way: :mod:`.judging` (exercises as data, the verdict) <-
:mod:`.catalogue` (the course's exercises) <- this module (look-up and ``check``).

Example
-------
>>> from coursekit.course import start
>>> from coursekit.course.exercises import check
>>> c = start()
>>> check("01.1", None, c).status
'not attempted'
>>> check("01.1", len(c.raw), c).status
'correct'
"""

from __future__ import annotations

from typing import Any

from coursekit.common.errors import CourseKitError
from coursekit.course.attempts import answer_name, current_value, raised
from coursekit.course.catalogue import EXERCISES
from coursekit.course.judging import STATUSES, Exercise, Feedback, Trap, judge
from coursekit.course.session import Course

__all__ = ["STATUSES", "Exercise", "Feedback", "Trap", "check", "exercise", "exercises_for",
           "judge"]


def exercise(key: str) -> Exercise:
    """The course's exercise ``key`` (e.g. ``"02.1"``)."""
    try:
        return EXERCISES[key]
    except KeyError:
        known = ", ".join(sorted(EXERCISES))
        raise CourseKitError(f"no exercise '{key}' (known: {known})") from None


def exercises_for(notebook: str) -> list[Exercise]:
    """The exercises of one notebook, by its two-digit number (``"02"``)."""
    return [e for k, e in sorted(EXERCISES.items()) if k.split(".")[0] == notebook]


#: Said instead of a verdict when the answer cell raised on its last run.
STALE = ("Your last answer cell raised an error: fix it and run it again. (This check did not "
         "grade the value the variable kept from before.)")


def check(key: str, answer: Any, course: Course) -> Feedback:
    """Check a learner's ``answer`` to exercise ``key`` against the cohort in ``course``.

    If ``answer`` is the notebook's ``answer_NN_k`` variable and the cell assigning it
    raised when last run (see :mod:`coursekit.course.attempts`), the variable still holds
    an older value: the check says so instead of grading it.
    """
    ex = exercise(key)
    name = answer_name(key)
    if raised(name) and current_value(name) is answer:
        return Feedback(key, "not attempted", STALE)
    return judge(ex, answer, course)
