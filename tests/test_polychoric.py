"""coursekit.analysis.polychoric against psych::polychoric and psych::alpha (ordinal.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coursekit.analysis.polychoric import _phi2, ordinal_alpha, polychoric
from coursekit.common.errors import AnalysisInputError

REF = Path(__file__).resolve().parent / "reference"
PSYCH = json.loads((REF / "ordinal" / "psych.json").read_text())
COHORTS = ("bundled", "seed11", "class60")


@pytest.fixture(scope="module", params=COHORTS)
def cohort(request):
    return request.param, pd.read_csv(REF / "cfa" / f"{request.param}.csv")


def test_each_scale_matches_psych_global_thresholds(cohort):
    name, data = cohort
    for scale, ref in PSYCH[name]["scales"].items():
        ours = polychoric(data[ref["items"]])
        np.testing.assert_allclose(ours.to_numpy(), ref["rho"], atol=1e-3, err_msg=scale)
        assert ordinal_alpha(data[ref["items"]]) == pytest.approx(ref["ordinal_alpha"],
                                                                  abs=1e-3)


def test_mixed_answer_options_match_psych_local_thresholds(cohort):
    name, data = cohort
    ref = PSYCH[name]["mixed"]
    ours = polychoric(data[ref["items"]])
    np.testing.assert_allclose(ours.to_numpy(), ref["rho"], atol=1e-3)
    assert list(ours.columns) == ref["items"]


def test_owens_t_bivariate_normal_agrees_with_scipy():
    from scipy import stats

    h, k = np.array([-1.2, 0.0, 0.7, 2.0]), np.array([0.3, -0.5, 0.7, -1.0])
    for rho in (-0.6, 0.0, 0.45, 0.9):
        ours = _phi2(h, k, np.full(4, rho))
        mvn = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]])
        theirs = [mvn.cdf([a, b]) for a, b in zip(h, k, strict=True)]
        np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_dichotomized_normals_recover_the_latent_correlation():
    rng = np.random.default_rng(11)
    latent = rng.multivariate_normal([0, 0, 0], [[1, .6, .3], [.6, 1, .5], [.3, .5, 1]],
                                     size=20_000)
    cuts = np.array([-1.0, -0.2, 0.5, 1.3])
    items = pd.DataFrame(np.digitize(latent, cuts) + 1, columns=["a", "b", "c"])
    r = polychoric(items)
    assert r.loc["a", "b"] == pytest.approx(0.6, abs=0.02)
    assert r.loc["b", "c"] == pytest.approx(0.5, abs=0.02)
    assert r.loc["a", "c"] == pytest.approx(0.3, abs=0.02)


def test_non_ordinal_answers_are_refused_by_column():
    items = pd.DataFrame({"a": [1, 2, 3, 2], "b": [1.5, 2, 3, 1]})
    with pytest.raises(AnalysisInputError, match="'b'.*whole numbers"):
        polychoric(items)
    wide = pd.DataFrame({"a": [1, 5, 10, 2], "b": [1, 2, 3, 1]})
    with pytest.raises(AnalysisInputError, match="10 answer options"):
        polychoric(wide)
