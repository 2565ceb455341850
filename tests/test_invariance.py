"""coursekit.analysis.invariance against lavaan's multi-group CFA (cfa.R, lavaan.json)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coursekit import start
from coursekit.analysis.cfa import cfa
from coursekit.analysis.invariance import LEVELS, invariance_table, measurement_invariance
from coursekit.common.errors import AnalysisInputError

REF = Path(__file__).resolve().parent / "reference" / "cfa"
LAVAAN = json.loads((REF / "lavaan.json").read_text())["bundled"]["invariance"]
MODEL = json.loads((REF / "model.json").read_text())


@pytest.fixture(scope="module")
def table():
    data = pd.read_csv(REF / "bundled.csv")
    return invariance_table(data, data["gender"], MODEL, groups=["woman", "man"])


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_matches_lavaan(table, level):
    ref = LAVAAN[level]
    row = table.loc[level]
    assert row["df"] == ref["df"]
    assert row["chisq"] == pytest.approx(ref["chisq"], rel=1e-6)
    for ours, theirs in (("p", "pvalue"), ("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"),
                         ("srmr", "srmr")):
        assert row[ours] == pytest.approx(ref[theirs], abs=1e-5), ours


def test_nested_comparisons_follow_from_the_levels(table):
    assert np.isnan(table.loc["configural", "delta_chisq"])
    for before, after in zip(LEVELS, LEVELS[1:], strict=False):
        assert table.loc[after, "delta_chisq"] == pytest.approx(
            table.loc[after, "chisq"] - table.loc[before, "chisq"])
        assert table.loc[after, "delta_df"] == 35  # 42 items constrained, 7 factors freed
        assert table.loc[after, "delta_cfi"] == pytest.approx(
            table.loc[after, "cfi"] - table.loc[before, "cfi"])


def test_configural_fit_is_the_sum_of_each_group_fitted_alone():
    course = start(seed=8, n_respondents=500)
    scales = ["validation", "creativity"]
    inv = measurement_invariance(course.data, "gender", scales, course.codebook,
                                 groups=["woman", "man"])
    alone = [cfa(course.data[course.data["gender"] == g], scales, course.codebook).fit
             for g in ("woman", "man")]
    assert inv.loc["configural", "chisq"] == pytest.approx(sum(f.chisq for f in alone),
                                                           rel=1e-5)
    assert inv.loc["configural", "df"] == sum(f.df for f in alone)


def test_a_group_too_small_is_not_available_with_its_count():
    course = start(seed=8, n_respondents=120)
    with pytest.raises(AnalysisInputError, match=r"group 'non-binary' has \d+ respondents"):
        measurement_invariance(course.data, "gender", ["validation", "escapism"],
                               course.codebook)


def test_an_unknown_grouping_column_is_named():
    course = start(seed=8, n_respondents=120)
    with pytest.raises(AnalysisInputError, match="no column 'house'"):
        measurement_invariance(course.data, "house", ["validation"], course.codebook)
