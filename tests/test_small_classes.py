"""Small classes: the structure of notebooks 04 and 07 runs, or says in one sentence why not.

The course layer (``course.structure()``) decides whether a cohort supports a parallel
analysis and an EFA; the notebooks only print what it returns, and exercise 04.1 says
"not available" exactly when the parallel analysis is.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from coursekit.analysis.factors import EFA, ParallelAnalysis, parallel_analysis
from coursekit.analysis.scoring import keyed_items
from coursekit.course import plots, start
from coursekit.course.exercises import check, exercise
from coursekit.course.psychometrics import Adequacy, NotAvailable, Structure

ROOT = Path(__file__).resolve().parents[1]

#: (respondents, seed) of the simulated classes.
CLASSES = [(10, 5), (12, 3), (15, 2), (25, 4)]


def _one_sentence(text: str) -> bool:
    return bool(text) and text.endswith(".") and "\n" not in text \
        and text.count(". ") == 0


@pytest.mark.parametrize(("n", "seed"), CLASSES, ids=[f"n{n}" for n, _ in CLASSES])
def test_structure_runs_or_says_why_not(n, seed):
    started = time.perf_counter()
    course = start(seed=seed, n_respondents=n)
    structure = course.structure()
    assert isinstance(structure, Structure)
    assert course.structure() is structure              # fitted once, shared with the key
    assert list(structure.scales) == course.structure_scales()

    if structure.pa is None:                             # the stand-in: nothing was fitted
        assert structure.efa is None and math.isnan(structure.n_factors)
        assert not structure.available
        assert _one_sentence(structure.reason), structure.reason
        assert str(structure) == structure.describe() == structure.reason
        assert "not available for this cohort" in structure.reason
        assert check("04.1", 2, course).status == "not available"
        # the solution cell's answer, structure.n_factors, is judged "not available" too
        assert check("04.1", structure.n_factors, course).status == "not available"
        assert check("04.1", None, course).status == "not attempted"
    else:
        assert isinstance(structure.pa, ParallelAnalysis)
        assert structure.n_factors == structure.pa.n_factors
        assert check("04.1", structure.n_factors, course).status == "correct"
        assert str(structure).startswith(
            f"Parallel analysis suggests {structure.n_factors} factors.")
        if structure.efa is None:                        # the EFA alone is out of reach
            assert _one_sentence(structure.reason), structure.reason
            assert structure.reason in str(structure)
        else:
            assert isinstance(structure.efa, EFA) and structure.available
            assert not structure.reason

    # every dependent cell gets a result, or one sentence that points back
    adequacy = structure.adequacy()
    assert isinstance(adequacy, Adequacy)
    if structure.efa is None:
        assert adequacy.reason and adequacy.kmo is None
        for shown in (structure.factor_match(), structure.factor_correlations(),
                      structure.fit()):
            assert isinstance(shown, NotAvailable) and _one_sentence(str(shown))
            assert repr(shown) == str(shown)
    else:
        assert isinstance(structure.factor_match(), pd.DataFrame)
        assert isinstance(structure.factor_correlations(), pd.DataFrame)
        assert "TLI" in str(structure.fit())
    scree = plots.caption_of(plots.scree(structure, "Parallel analysis"))
    heatmap = plots.caption_of(plots.loadings_heatmap(structure, course.codebook, "Loadings"))
    assert scree.startswith("No scree plot") == (structure.pa is None), scree
    assert heatmap.startswith("No factor loadings") == (structure.efa is None), heatmap
    assert time.perf_counter() - started < 20


def test_the_class_of_12_gets_the_computed_reason():
    course = start(seed=3, n_respondents=12)
    structure = course.structure()
    assert structure.reason == (
        "Parallel analysis and an exploratory factor analysis are not available for this "
        "cohort: they need more respondents who answered (11) than items plus one (13, for "
        "the 12 items of even two scales, validation and influence).")
    assert math.isnan(exercise("04.1").expected(course))


def test_the_bundled_cohort_keeps_its_structure():
    course = start()
    structure = course.structure()
    assert structure.available and len(structure.scales) == 7
    direct = parallel_analysis(keyed_items(course.data, list(structure.scales), course.codebook),
                               n_iter=course.pa_iterations, seed=course.pa_seed)
    assert structure.n_factors == direct.n_factors
    assert str(structure) == f"Parallel analysis suggests {direct.n_factors} factors."
    assert structure.describe() == f"Parallel analysis suggests {direct.n_factors} factors " \
                                   "for 7 scales."


def test_a_class_of_12_renders_notebooks_04_and_07(tmp_path):
    data = tmp_path / "class12.csv"
    cli = [sys.executable, "-m", "coursekit.cli"]
    subprocess.run([*cli, "simulate", "--n", "12", "--seed", "3", "--out", str(data)],
                   check=True, capture_output=True, cwd=ROOT)
    result = subprocess.run(
        [*cli, "render", "--data", str(data), "--notebooks", "notebooks/0[47]_*.ipynb",
         "--jobs", "2", "--out",
         str(tmp_path / "site")],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 rendered, 0 failed" in result.stdout + result.stderr
    [executed] = (tmp_path / "site").glob("*/instructor/04_structure_of_motives.ipynb")
    text = executed.read_text(encoding="utf-8")
    assert "Parallel analysis and an exploratory factor analysis are not available" in text
    assert "Exercise 04.1: not available" in text
