"""coursekit.grade.itemstats against independent computations: pingouin, scipy and by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coursekit.grade import itemstats

pingouin = pytest.importorskip("pingouin")  # in the test extra; an independent reference


def _class(seed: int, n: int = 40, k: int = 5, points: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ability = rng.normal(size=n)
    cut = np.linspace(-1, 1, k)
    p = 1 / (1 + np.exp(-(ability[:, None] - cut[None, :]) * 1.7))
    x = (rng.random((n, k)) < p).astype(float)
    if points:  # some "close" answers: half points
        x[(rng.random((n, k)) < 0.15) & (x == 0)] = 0.5
    return pd.DataFrame(x, columns=[f"0{j}.1" for j in range(k)])


def test_hand_checked_tiny_matrix():
    # Totals 3, 2, 2, 0: population variance 1.1875; sum of p*q = 0.6875.
    m = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0], "c": [1, 1, 1, 0]})
    assert itemstats.difficulty(m).tolist() == [0.5, 0.5, 0.75]
    assert itemstats.kr20(m) == pytest.approx(1.5 * (1 - 0.6875 / 1.1875), abs=1e-12)
    # a against b + c = (2, 1, 2, 0): r = 0.5 / sqrt(1 * 2.75)
    assert itemstats.discrimination(m)["a"] == pytest.approx(0.5 / math.sqrt(2.75), abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_and_kr20_match_pingouin(seed):
    binary = _class(seed)
    assert itemstats.kr20(binary) == pytest.approx(pingouin.cronbach_alpha(binary)[0], abs=1e-10)
    scored = _class(seed, points=True)
    assert itemstats.alpha(scored) == pytest.approx(pingouin.cronbach_alpha(scored)[0],
                                                    abs=1e-10)


@pytest.mark.parametrize("seed", [4, 5])
def test_discrimination_matches_scipy_on_the_rest_score(seed):
    x = _class(seed, points=True)
    got = itemstats.discrimination(x)
    for col in x.columns:
        rest = x.drop(columns=col).sum(axis=1)
        assert got[col] == pytest.approx(stats.pearsonr(x[col], rest)[0], abs=1e-10)


def test_undefined_cases_are_nan():
    constant = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [1.0, 0.0, 1.0]})
    assert math.isnan(itemstats.discrimination(constant)["a"])
    assert math.isnan(itemstats.kr20(constant[["a"]]))
    assert math.isnan(itemstats.alpha(pd.DataFrame({"a": [1.0, 1.0], "b": [0.0, 0.0]})))
