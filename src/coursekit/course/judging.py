"""Exercises as data and how an attempt is judged: exact, within a tolerance, close, a trap.

An :class:`Exercise` says how to compute the expected answer from a cohort and how
to compare an attempt with it; :func:`judge` gives the :class:`Feedback`. The course's
exercises are listed in :mod:`coursekit.course.catalogue`, and a notebook checks an
answer with :func:`coursekit.course.exercises.check`; this module knows neither.

>>> ex = Exercise("x.1", "What is 2 + 2?", "integer", lambda course: 4, hint="Add.", close=1)
>>> judge(ex, 4, None).status, judge(ex, 5, None).status, judge(ex, None, None).status
('correct', 'close', 'not attempted')
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from coursekit.common.errors import CourseKitError
from coursekit.common.text import squash

if TYPE_CHECKING:   # only for annotations: judging needs no cohort of its own
    from coursekit.course.session import Course

__all__ = ["KINDS", "STATUSES", "Exercise", "Feedback", "Trap", "judge"]

KINDS = ("number", "integer", "choice", "set")

STATUSES = ("correct", "close", "incorrect", "not attempted", "not available")
_ICONS = {"correct": "✔", "close": "≈", "incorrect": "✘", "not attempted": "…",
          "not available": "–"}
_COLOURS = {"correct": "#009E73", "close": "#E69F00", "incorrect": "#D55E00",
            "not attempted": "#777777", "not available": "#777777"}


@dataclass(frozen=True)
class Trap:
    """A typical wrong answer and the hint it deserves.

    ``tolerance`` (numbers only) says how near an answer must be to count as this
    mistake when the exercise's own tolerance does not fit the trap's scale (a
    percentage given for a share); by default it is the exercise's.
    """

    value: Callable[[Course], Any]
    hint: str
    tolerance: float | None = None


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

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CourseKitError(f"exercise {self.key}: unknown kind '{self.kind}'")


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
    # "Self_esteem", "self-esteem " and "SELF ESTEEM" name the same choice.
    return squash(text, separators="_-")


def _is_bool(answer: Any) -> bool:
    # numpy's bool_ is no bool: `p < 0.05` on a numpy float gives one.
    return isinstance(answer, bool | np.bool_)


def _yes_no(answer: Any) -> Any:
    """True/False as "yes"/"no", for questions answered yes or no."""
    return ("yes" if answer else "no") if _is_bool(answer) else answer


def _decimals(value: float) -> int | None:
    """How many decimals ``value`` is given to (0-6), or None for full precision."""
    for d in range(7):
        if abs(value - round(value, d)) < 1e-9:
            return d
    return None


def _same_number(answer: float, value: float, precise: float) -> bool:
    """Whether ``answer`` is ``value``: rounded the same way, or within ``precise``."""
    d = _decimals(answer)
    if d is not None:
        return abs(round(value, d) - answer) < 1e-9
    return abs(answer - value) <= precise


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
        if _norm(target) in ("yes", "no"):
            answer = _yes_no(answer)
        return "correct" if _norm(answer) == _norm(target) else "incorrect"
    got, want = _as_set(answer), {_norm(t) for t in target}
    if got is None:
        return "invalid"
    if got == want:
        return "correct"
    return "close" if got and (got < want or got > want) else "incorrect"


def _precise_trap(ex: Exercise, answer: Any, target: Any, course: Course) -> Trap | None:
    """A trap an answer within the tolerance is nevertheless exactly, else None.

    A tolerance can hold a typical wrong answer too: a raw mean difference of
    0.367 is within 0.005 of a Hedges' g of 0.369. An answer that is the trap's
    value as given (to the answer's own decimals, or to a tenth of the tolerance
    at full precision) and not the expected value so given is that mistake.
    """
    if ex.kind != "number" or not ex.traps:
        return None
    value = _as_number(answer)
    precise = ex.tolerance / 10
    if value is None or _same_number(value, float(target), precise):
        return None
    for trap in ex.traps:
        wrong = _as_number(_trap_value(trap, course))
        if wrong is not None and _same_number(value, wrong, precise):
            return trap
    return None


def _trap_value(trap: Trap, course: Course) -> Any:
    """The trap's wrong answer on ``course``, or None where the cohort cannot give it."""
    try:
        return trap.value(course)
    except CourseKitError:   # e.g. an ordinal alpha a small class cannot have
        return None


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
    if ex.kind == "choice" and _norm(target) in ("yes", "no") and not _is_bool(answer) \
            and _as_number(answer) is not None:
        return Feedback(ex.key, "incorrect",
                        f"The question asks yes or no (True or False also do), not for the "
                        f"number {answer!r}: decide what it says. {ex.hint}")
    if verdict == "invalid":
        want = {"number": "a number", "integer": "a whole number", "set": "a list of names",
                "choice": "a name"}[ex.kind]
        return Feedback(ex.key, "incorrect", f"Expected {want}, got {answer!r}. {ex.hint}")
    if verdict == "correct":
        trap = _precise_trap(ex, answer, target, course)
        if trap is None:
            return Feedback(ex.key, "correct", "Well done.")
        return Feedback(ex.key, "incorrect", trap.hint)
    for trap in ex.traps:
        scaled = ex if trap.tolerance is None else replace(ex, tolerance=trap.tolerance)
        wrong = _trap_value(trap, course)
        if wrong is not None and _matches(scaled, answer, wrong) == "correct":
            return Feedback(ex.key, "close" if verdict == "close" else "incorrect", trap.hint)
    if verdict == "close":
        return Feedback(ex.key, "close", f"Close, but not quite. {ex.hint}")
    return Feedback(ex.key, "incorrect", f"Not yet. {ex.hint}")
