"""Which answer cells raised when last run, so ``check`` never grades a stale answer.

When a learner's answer cell (``answer_03_1 = ...``) raises, the variable keeps
its old value; checking it would grade that value and could say "correct".
:func:`watch` (called by :func:`coursekit.course.start`) registers IPython
``pre_run_cell`` / ``post_run_cell`` hooks that note, for every cell assigning
an ``answer_NN_k`` name, whether its last run raised; :func:`raised` answers.

The names are read from the cell's text, so a cell that does not even parse
(a SyntaxError, which IPython reports before running anything) counts too.

>>> watch_ = AnswerWatch()
>>> watch_.before("answer_03_1 = round(gender_test.g, 2)")
>>> watch_.after("answer_03_1 = round(gender_test.g, 2)", succeeded=False)
>>> watch_.raised("answer_03_1"), watch_.raised("answer_03_2")
(True, False)
>>> watch_.before("answer_03_1 = round(gender_test.effect_size, 2)")
>>> watch_.raised("answer_03_1")
False
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["AnswerWatch", "answer_name", "assigned_answers", "raised", "watch"]

# An assignment to an answer variable at the start of a line (annotations allowed), not ==.
_ASSIGNED = re.compile(r"^[ \t]*(answer_\d\d_\d+)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)
_ATTRIBUTE = "_coursekit_answer_watch"


def answer_name(key: str) -> str:
    """The variable a notebook holds exercise ``key``'s answer in: ``"03.1"`` -> ``answer_03_1``."""
    return "answer_" + key.replace(".", "_")


def assigned_answers(source: str) -> set[str]:
    """The ``answer_NN_k`` names a cell's text assigns."""
    return set(_ASSIGNED.findall(source or ""))


class AnswerWatch:
    """The answer names whose cell raised when it last ran."""

    def __init__(self) -> None:
        self._raised: set[str] = set()

    def before(self, source: str) -> None:
        # A new attempt is under way: a check later in the same cell runs after the
        # assignment succeeded (statements run in order), so the old failure is void.
        self._raised -= assigned_answers(source)

    def after(self, source: str, *, succeeded: bool) -> None:
        if not succeeded:
            self._raised |= assigned_answers(source)

    def raised(self, name: str) -> bool:
        return name in self._raised

    # IPython event callbacks
    def _pre_run_cell(self, info: Any) -> None:
        self.before(getattr(info, "raw_cell", "") or "")

    def _post_run_cell(self, result: Any) -> None:
        info = getattr(result, "info", None)
        self.after(getattr(info, "raw_cell", "") or "", succeeded=bool(result.success))


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every kernel
        return None
    return get_ipython()


def watch(shell: Any = None) -> AnswerWatch | None:
    """Start watching answer cells in ``shell`` (the running IPython, by default), once.

    Returns the shell's :class:`AnswerWatch`, or None outside IPython (a script).
    """
    shell = shell if shell is not None else _shell()
    if shell is None or not hasattr(shell, "events"):
        return None
    existing = getattr(shell, _ATTRIBUTE, None)
    if existing is not None:
        return existing
    answers = AnswerWatch()
    shell.events.register("pre_run_cell", answers._pre_run_cell)
    shell.events.register("post_run_cell", answers._post_run_cell)
    setattr(shell, _ATTRIBUTE, answers)
    return answers


def raised(name: str, shell: Any = None) -> bool:
    """Whether the cell that last assigned ``name`` raised (False outside IPython)."""
    shell = shell if shell is not None else _shell()
    answers = getattr(shell, _ATTRIBUTE, None) if shell is not None else None
    return answers is not None and answers.raised(name)


def current_value(name: str, shell: Any = None) -> Any:
    """What ``name`` holds in the shell's namespace (:data:`MISSING` if nothing)."""
    shell = shell if shell is not None else _shell()
    namespace = getattr(shell, "user_ns", None) or {}
    return namespace.get(name, MISSING)


MISSING = object()
