"""Self-checked exercises whose answers come from the notebook's own data.

A learner writes an answer and calls :func:`check`::

    answer_02_1 = ...                    # the learner's answer
    check("02.1", answer_02_1, course)   # correct / close (with a hint) / not yet

The expected value is computed by the exercise from the learner's own cohort,
so the same check holds for every seed and for an instructor's own data.
``None`` or ``...`` means "not attempted yet": that is what the student
variant of a notebook starts with. Some exercises also know typical wrong
answers (a scale scored without reverse keys, say) and give a pointed hint.

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

import html
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from coursekit.common.errors import CourseKitError
from coursekit.course.session import Course

STATUSES = ("correct", "close", "incorrect", "not attempted", "not available")
_ICONS = {"correct": "✔", "close": "≈", "incorrect": "✘", "not attempted": "…",
          "not available": "–"}
_COLOURS = {"correct": "#009E73", "close": "#E69F00", "incorrect": "#D55E00",
            "not attempted": "#777777", "not available": "#777777"}


@dataclass(frozen=True)
class Trap:
    """A typical wrong answer and the hint it deserves."""

    value: Callable[[Course], Any]
    hint: str


@dataclass(frozen=True)
class Exercise:
    """One exercise: how to compute the expected answer and how to judge an attempt.

    ``kind`` is ``number`` (within ``tolerance`` is correct, within ``close``
    is close), ``integer`` (exact; within ``close`` is close), ``choice``
    (a name, compared case- and space-insensitively) or ``set`` (a collection
    of names, order ignored; a subset or superset is close).
    """

    key: str
    question: str
    kind: str
    expected: Callable[[Course], Any]
    hint: str
    tolerance: float = 0.0
    close: float = 0.0
    traps: tuple[Trap, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Feedback:
    """The verdict on one attempt."""

    key: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return f"{_ICONS[self.status]} Exercise {self.key}: {self.status}. {self.message}"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        return (f'<div style="border-left:4px solid {colour};padding:4px 10px;margin:4px 0">'
                f"<b>{_ICONS[self.status]} Exercise {html.escape(self.key)}: "
                f"{html.escape(self.status)}.</b> {html.escape(self.message)}</div>")


_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (keys are unique)."""
    if exercise.key in _REGISTRY:
        raise CourseKitError(f"exercise {exercise.key} is registered twice")
    if exercise.kind not in ("number", "integer", "choice", "set"):
        raise CourseKitError(f"exercise {exercise.key}: unknown kind '{exercise.kind}'")
    _REGISTRY[exercise.key] = exercise
    return exercise


def exercise(key: str) -> Exercise:
    """The registered exercise ``key`` (e.g. ``"02.1"``)."""
    _load_catalogue()
    try:
        return _REGISTRY[key]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise CourseKitError(f"no exercise '{key}' (known: {known})") from None


def exercises_for(notebook: str) -> list[Exercise]:
    """The exercises of one notebook, by its two-digit number (``"02"``)."""
    _load_catalogue()
    return [e for k, e in sorted(_REGISTRY.items()) if k.split(".")[0] == notebook]


def _load_catalogue() -> None:
    from coursekit.course import catalogue  # noqa: F401  (registers the course's exercises on import)


def _is_blank(answer: Any) -> bool:
    if answer is None or answer is Ellipsis:
        return True
    return isinstance(answer, str) and not answer.strip()


def _as_number(answer: Any) -> float | None:
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _norm(text: Any) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").lower().split())


def _as_set(answer: Any) -> set[str] | None:
    if isinstance(answer, str):
        parts: Iterable[Any] = answer.replace(";", ",").split(",")
    elif isinstance(answer, Iterable):
        parts = answer
    else:
        return None
    return {_norm(p) for p in parts if _norm(p)}


def _matches(ex: Exercise, answer: Any, target: Any) -> str:
    """'correct', 'close' or 'incorrect' for one answer against one target."""
    if ex.kind in ("number", "integer"):
        value = _as_number(answer)
        if value is None:
            return "invalid"
        diff = abs(value - float(target))
        if diff <= ex.tolerance + 1e-12:
            return "correct"
        return "close" if diff <= ex.close + 1e-12 else "incorrect"
    if ex.kind == "choice":
        return "correct" if _norm(answer) == _norm(target) else "incorrect"
    got, want = _as_set(answer), {_norm(t) for t in target}
    if got is None:
        return "invalid"
    if got == want:
        return "correct"
    return "close" if got and (got < want or got > want) else "incorrect"


def judge(ex: Exercise, answer: Any, course: Course) -> Feedback:
    """Compare ``answer`` with the exercise's expected value on ``course``."""
    if _is_blank(answer):
        return Feedback(ex.key, "not attempted", f"Not attempted yet. {ex.question}")
    target = ex.expected(course)
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return Feedback(ex.key, "not available",
                        "This cohort is too small for this exercise (see the result above); "
                        "it has no answer to check.")
    verdict = _matches(ex, answer, target)
    if verdict == "invalid":
        want = {"number": "a number", "integer": "a whole number", "set": "a list of names",
                "choice": "a name"}[ex.kind]
        return Feedback(ex.key, "incorrect", f"Expected {want}, got {answer!r}. {ex.hint}")
    if verdict == "correct":
        return Feedback(ex.key, "correct", "Well done.")
    for trap in ex.traps:
        if _matches(ex, answer, trap.value(course)) == "correct":
            return Feedback(ex.key, "close" if verdict == "close" else "incorrect", trap.hint)
    if verdict == "close":
        return Feedback(ex.key, "close", f"Close, but not quite. {ex.hint}")
    return Feedback(ex.key, "incorrect", f"Not yet. {ex.hint}")


def check(key: str, answer: Any, course: Course) -> Feedback:
    """Check a learner's ``answer`` to exercise ``key`` against the cohort in ``course``."""
    return judge(exercise(key), answer, course)
