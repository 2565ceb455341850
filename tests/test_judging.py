"""Feedback that does not mislead: traps inside the tolerance, yes/no answers, issue 12 item 8."""

from __future__ import annotations

import pytest

from coursekit.course import start
from coursekit.course.catalogue import _mediation, _unkeyed_alpha
from coursekit.course.exercises import check, exercise
from coursekit.course.judging import Exercise, Trap, judge


@pytest.fixture(scope="module", params=[None, 3], ids=["bundled", "seed3"])
def course(request):
    seed = request.param
    return start() if seed is None else start(seed=seed, n_respondents=300)


def test_a_trap_inside_the_tolerance_is_not_correct():
    ex = Exercise("x.1", "?", "number", lambda c: 0.3697, hint="h", tolerance=0.005, close=0.05,
                  traps=(Trap(lambda c: 0.3670, "raw difference"),))
    assert judge(ex, 0.3670, None).message == "raw difference"        # the trap, as given
    assert judge(ex, 0.36701234, None).status == "incorrect"          # at full precision
    assert judge(ex, 0.37, None).status == "correct"                  # the answer, rounded
    assert judge(ex, 0.3697, None).status == "correct"
    assert judge(ex, 0.369, None).status == "correct"                 # truncated, in tolerance


def test_raw_mean_difference_is_not_hedges_g(course):
    comparison = course.compare("comparison", "gender", order=["woman", "man"])
    for wrong in (comparison.difference, round(comparison.difference, 3)):
        fb = check("03.1", wrong, course)
        assert fb.status != "correct" and "raw difference" in fb.message, (wrong, fb)
    assert check("03.1", round(comparison.g, 2), course).correct
    assert check("03.1", comparison.effect_size, course).correct


def test_eta_squared_as_a_percentage_or_p_value(course):
    creators = course.compare("influence", "creator_status")
    fb = check("03.3", round(100 * creators.eta_squared, 1), course)
    assert fb.status == "incorrect" and "percentage" in fb.message
    assert "p-value" in check("03.3", creators.p, course).message or creators.p < 0.01
    assert check("03.3", round(creators.eta_squared, 2), course).correct


def test_yes_no_questions_take_booleans_and_explain_numbers(course):
    expected = exercise("05.3").expected(course)
    assert check("05.3", expected == "yes", course).correct          # True / False
    import numpy as np
    assert check("05.3", np.bool_(expected == "yes"), course).correct
    fb = check("05.3", expected != "yes", course)
    assert fb.status == "incorrect" and "p < .05" in fb.message
    fb = check("05.3", 0.03, course)
    assert fb.status == "incorrect" and "yes or no" in fb.message
    assert check("06.3", exercise("06.3").expected(course) == "yes", course).correct


def test_direct_or_total_effect_is_not_the_indirect_one(course):
    med = _mediation(course, n_boot=100)
    assert "direct effect" in check("06.2", round(med.direct, 3), course).message
    assert "total effect" in check("06.2", round(med.total, 3), course).message
    assert "path a" in check("06.2", med.a, course).message
    assert check("06.2", round(med.indirect, 3), course).correct


def _lowest_creativity(c):
    return c.frame.groupby("creator_status")["creativity"].mean().idxmin()


@pytest.mark.parametrize("key, wrong, says", [
    ("03.2", _lowest_creativity, "lowest"),
    ("04.2", lambda c: exercise("04.2").expected(c) ** 2, "r squared"),
    ("05.2", lambda c: round(100 * exercise("05.2").expected(c), 1), "percentage"),
    ("07.1", lambda c: _unkeyed_alpha(c, "self_esteem"), "reverse keys"),
])
def test_more_common_wrong_answers_get_a_pointed_hint(course, key, wrong, says):
    value = wrong(course)
    assert value != exercise(key).expected(course)
    fb = check(key, value, course)
    assert fb.status != "correct" and says in fb.message, fb
