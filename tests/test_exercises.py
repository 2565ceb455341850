import pytest

from coursekit.common.errors import CourseKitError
from coursekit.course import start
from coursekit.course.exercises import Exercise, Trap, check, exercise, exercises_for, judge


@pytest.fixture(scope="module")
def course():
    return start(seed=12, n_respondents=300)


def test_every_notebook_from_01_has_two_to_four_exercises():
    for nb in ("01", "02", "03", "04", "05", "06", "07"):
        assert 2 <= len(exercises_for(nb)) <= 4, nb
    assert exercises_for("00") == []


@pytest.mark.parametrize("blank", [None, ..., "", "  "])
def test_blank_is_not_attempted(course, blank):
    fb = check("01.1", blank, course)
    assert fb.status == "not attempted"
    assert "Not attempted yet" in str(fb)


def test_every_exercise_accepts_its_expected_answer(course):
    for nb in ("01", "02", "03", "04", "05", "06", "07"):
        for ex in exercises_for(nb):
            expected = ex.expected(course)
            assert judge(ex, expected, course).status == "correct", ex.key


def test_expected_values_follow_the_data():
    a, b = start(seed=1, n_respondents=250), start(seed=2, n_respondents=250)
    assert exercise("01.2").expected(a) != exercise("01.2").expected(b) or \
        exercise("01.3").expected(a) != exercise("01.3").expected(b)


def test_number_tolerance_and_close(course):
    target = exercise("01.3").expected(course)
    assert check("01.3", round(target, 1), course).status == "correct"
    assert check("01.3", target + 0.3, course).status == "close"
    assert check("01.3", target + 5, course).status == "incorrect"
    assert check("01.3", "lots", course).status == "incorrect"


def test_traps_give_pointed_hints(course):
    fb = check("01.1", course.n, course)
    assert fb.status == "incorrect" and "after cleaning" in fb.message
    fb = check("01.3", exercise("01.3").expected(course) / 100, course)
    assert "percentage" in fb.message


def test_choice_and_set_kinds(course):
    choice = Exercise("x.1", "?", "choice", lambda c: "Self_esteem", hint="h")
    assert judge(choice, "self-esteem ", course).status == "correct"
    assert judge(choice, "wellbeing", course).status == "incorrect"
    sets = Exercise("x.2", "?", "set", lambda c: ["val4", "inf5"], hint="h")
    assert judge(sets, ["INF5", "val4"], course).status == "correct"
    assert judge(sets, "val4, inf5", course).status == "correct"
    assert judge(sets, ["val4"], course).status == "close"
    assert judge(sets, ["cre1"], course).status == "incorrect"


def test_trap_on_a_close_answer_stays_close(course):
    ex = Exercise("x.3", "?", "number", lambda c: 1.0, hint="h", tolerance=0.01, close=0.2,
                  traps=(Trap(lambda c: 1.1, "reverse-key first"),))
    fb = judge(ex, 1.1, course)
    assert fb.status == "close" and fb.message == "reverse-key first"


def test_unknown_key(course):
    with pytest.raises(CourseKitError, match="no exercise"):
        check("99.9", 1, course)


def test_feedback_renders(course):
    fb = check("01.1", len(course.raw), course)
    assert "correct" in fb._repr_html_() and str(fb).startswith("✔")
