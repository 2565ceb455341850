"""coursekit.grade.answers and expected: answers read out as data, judged in the grader."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from coursekit.course.judging import Exercise, Trap
from coursekit.grade import answers, expected


def _readout(namespace: dict) -> dict:
    """Run the read-out cell in ``namespace`` as a kernel would and read its output back."""
    shown = []
    import IPython.display

    real = IPython.display.display
    IPython.display.display = lambda obj, raw=False: shown.append(obj)
    try:
        exec(answers.readout_source(["01.1", "01.2", "01.3", "01.4"]), namespace)
    finally:
        IPython.display.display = real
    cell = nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", data=shown[0])])
    cell.metadata["tags"] = [answers.READOUT_TAG]
    return answers.read_answers(nbformat.v4.new_notebook(cells=[cell]))


def test_readout_turns_values_into_plain_data():
    class Sneaky:
        def __repr__(self):
            return "sneaky"

    got = _readout({"answer_01_1": np.int64(7), "answer_01_2": np.float64(0.25),
                    "answer_01_3": Sneaky()})
    assert got == {"01.1": 7, "01.2": 0.25, "01.3": "sneaky"}
    assert type(got["01.1"]) is int


def test_no_readout_output_is_none():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    assert answers.read_answers(nb) is None


@pytest.mark.parametrize("value, want", [
    (None, None), (..., None), (float("inf"), None), ("x" * 900, "x" * answers.MAX_TEXT),
    ((1, "a", [2]), [1, "a"]), ({"a": 1}, None), (True, True),
])
def test_plain(value, want):
    assert answers.plain(value) == want


def test_verdict_notes_the_trap_and_points():
    ex = Exercise("x.1", "?", "number", lambda c: 10.0, hint="h", tolerance=0.01, close=0.5,
                  traps=(Trap(lambda c: 1.0, "share, not percent"),))
    v = expected.verdict(ex, 1.0, None)
    assert (v.status, v.trap, v.points, v.message) == ("incorrect", 1, 0.0, "share, not percent")
    assert expected.verdict(ex, 10.3, None).points == 0.5


def test_other_matches_only_for_numbers_and_not_ones_own():
    ex = Exercise("x.1", "?", "number", lambda c: 0, hint="h", tolerance=0.005)
    others = {"s-b": 0.4, "s-c": 0.9}
    assert expected.other_matches(ex, 0.401, 0.7, others) == ["s-b"]
    assert expected.other_matches(ex, 0.7, 0.7, others) == []
    integer = Exercise("x.2", "?", "integer", lambda c: 0, hint="h")
    assert expected.other_matches(integer, 800, 790, {"s-b": 800}) == []
