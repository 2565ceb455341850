"""Settings a notebook and its answer key share are typed once, in coursekit.course.settings."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from coursekit.course import settings, start
from coursekit.course.exercises import exercise
from coursekit.course.session import Course

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

#: What a notebook's code must not type again (the literal) and what it reads instead.
SHARED = {
    # 04 and 07 run parallel analysis through course.structure(), which reads
    # course.pa_iterations and course.pa_seed (tests/test_small_classes.py checks it)
    "04_structure_of_motives": [(r"n_iter=\d", "course.structure()"),
                                (r"seed=\d", "course.structure()")],
    "05_motives_and_outcomes": [(r"\+ 5\b", "course.log_minutes()")],
    "06_pitfalls": [(r">= 3\.5", "course.risk_cutoff"), (r"seed=\d", "course.mediation_seed"),
                    (r"n_boot=\d", "course.mediation_boot")],
    "07_capstone": [(r"n_iter=\d", "course.structure()"), (r"seed=\d+\)", "course.structure()")],
}


def _code(stem: str) -> str:
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    return "\n".join(c.source for c in nb.cells
                     if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []))


@pytest.mark.parametrize("stem", sorted(SHARED))
def test_notebooks_read_the_shared_settings(stem):
    code = _code(stem)
    for literal, reads in SHARED[stem]:
        assert not re.search(literal, code), (stem, literal)
        assert reads in code, (stem, reads)


def test_course_carries_the_settings():
    assert (Course.risk_cutoff, Course.pa_iterations, Course.pa_seed) == (
        settings.RISK_CUTOFF, settings.PA_ITERATIONS, settings.PA_SEED)
    assert (Course.mediation_boot, Course.mediation_seed) == (
        settings.MEDIATION_BOOT, settings.MEDIATION_SEED)
    course = start(seed=5, n_respondents=120)
    minutes = course.frame["daily_minutes"]
    pd.testing.assert_series_equal(course.log_minutes(), settings.log_minutes(minutes))
    assert course.log_minutes().to_numpy() == pytest.approx(np.log(minutes.to_numpy() + 5),
                                                            nan_ok=True)


def test_the_answer_key_reads_the_cut_off():
    course = start(seed=5, n_respondents=200)
    at_risk = course.scores["compulsive"] >= course.risk_cutoff
    assert exercise("06.1").expected(course) == pytest.approx(100 * float(at_risk.mean()))
    assert f">= {settings.RISK_CUTOFF:g}" in exercise("06.1").question
