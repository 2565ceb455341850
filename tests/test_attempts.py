"""check() and an answer cell that raised: a real IPython shell runs the cells."""

from __future__ import annotations

import sys

import pytest
from IPython.core.interactiveshell import InteractiveShell

from coursekit.course import attempts
from coursekit.course.attempts import AnswerWatch, assigned_answers, watch


def test_answer_names_are_read_from_the_cell_text():
    assert assigned_answers("answer_03_1 = round(x, 2)\nanswer_03_2: str = 'a'\n") == {
        "answer_03_1", "answer_03_2"}
    assert assigned_answers("check('03.1', answer_03_1, course)\nanswer_03_1 == 2") == set()
    assert assigned_answers("answer_03_1 = (\n") == {"answer_03_1"}  # does not even parse


@pytest.fixture
def shell(monkeypatch):
    # IPython replaces sys.modules["__main__"]; later process-spawning tests need it back.
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    shell = InteractiveShell.instance()
    monkeypatch.setattr(attempts, "_shell", lambda: shell)
    yield shell
    shell.events.unregister("pre_run_cell", shell._coursekit_answer_watch._pre_run_cell)
    shell.events.unregister("post_run_cell", shell._coursekit_answer_watch._post_run_cell)
    del shell._coursekit_answer_watch
    InteractiveShell.clear_instance()


def test_check_says_when_the_answer_cell_last_raised(shell):
    from coursekit.course import start
    from coursekit.course.exercises import STALE

    shell.user_ns["course"] = course = start(seed=5, n_respondents=200)
    assert isinstance(watch(shell), AnswerWatch) and watch(shell) is watch(shell)  # once
    shell.run_cell("from coursekit import check")
    shell.run_cell("answer_01_1 = len(course.raw)")
    assert shell.run_cell('check("01.1", answer_01_1, course)').result.status == "correct"

    failed = shell.run_cell("answer_01_1 = len(course.raw) + undefined_name")
    assert not failed.success
    fb = shell.run_cell('check("01.1", answer_01_1, course)').result
    assert fb.status == "not attempted" and fb.message == STALE  # not the old "correct"
    # an answer typed in directly (not the variable's object) is still judged
    assert shell.run_cell(f'check("01.1", {len(course.raw)}.0, course)').result.correct
    # a syntax error counts too
    assert not shell.run_cell("answer_01_1 = len(course.raw").success
    assert shell.run_cell('check("01.1", answer_01_1, course)').result.message == STALE

    shell.run_cell("answer_01_1 = len(course.raw)")
    assert shell.run_cell('check("01.1", answer_01_1, course)').result.status == "correct"
    # answer and check in one cell: the check sees this run's assignment
    shell.run_cell("answer_01_1 = len(course.raw) + undefined_name")
    fb = shell.run_cell('answer_01_1 = len(course.raw)\ncheck("01.1", answer_01_1, course)')
    assert fb.result.status == "correct"
    # another exercise's failure does not touch this one
    shell.run_cell("answer_01_2 = 1 / 0")
    assert shell.run_cell('check("01.1", answer_01_1, course)').result.status == "correct"


def test_start_watches_the_running_shell(shell):
    import numpy as np

    try:
        shell.run_cell("from coursekit import start\ncourse = start(seed=5, n_respondents=200)")
        assert isinstance(getattr(shell, "_coursekit_answer_watch", None), AnswerWatch)
        # numbers a learner displays read as numbers, not np.float64(1.8)
        assert repr(np.float64(1.8)) == "1.8"
        assert repr(round(shell.user_ns["course"].scores["comparison"].mean(), 2)).count("np") == 0
    finally:
        np.set_printoptions(legacy=False)


def test_outside_ipython_nothing_is_watched(monkeypatch):
    monkeypatch.setattr(attempts, "_shell", lambda: None)
    assert watch() is None and attempts.raised("answer_01_1") is False
