"""omega and ordinal omega against psych::omega(nfactors = 1) (scripts/r_reference/omega.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coursekit.analysis.polychoric import ordinal_omega
from coursekit.analysis.reliability import omega
from coursekit.common.errors import AnalysisInputError

REF = Path(__file__).resolve().parent / "reference"
PSYCH = json.loads((REF / "omega" / "psych.json").read_text())


@pytest.mark.parametrize("name", ["bundled", "seed11", "class60"])
def test_omega_total_and_loadings_match_psych(name):
    data = pd.read_csv(REF / "cfa" / f"{name}.csv")
    for scale, ref in PSYCH[name].items():
        items = data[ref["items"]]
        w = omega(items)
        assert w.method == "psych"
        assert w.total == pytest.approx(ref["pearson"]["omega_total"], abs=1e-4), scale
        np.testing.assert_allclose(w.loadings, ref["pearson"]["loadings"], atol=1e-4)
        assert ordinal_omega(items) == pytest.approx(ref["ordinal"]["omega_total"], abs=1e-3)


def test_the_two_conventions_differ_and_are_both_available():
    data = pd.read_csv(REF / "cfa" / "class60.csv")
    items = data[PSYCH["class60"]["validation"]["items"]]
    psych, ml = omega(items), omega(items, method="ml")
    assert ml.method == "ml" and psych.method == "psych"
    assert psych.total != ml.total and abs(psych.total - ml.total) < 0.02
    with pytest.raises(AnalysisInputError, match="unknown omega method 'mle'"):
        omega(items, method="mle")


def test_psych_omega_works_on_a_singular_correlation_matrix():
    rng = np.random.default_rng(5)
    factor = rng.normal(size=8)
    items = pd.DataFrame({f"i{j}": np.round(3 + factor + rng.normal(scale=.7, size=8))
                          for j in range(10)})  # 8 respondents, 10 items: rank < 10
    assert np.linalg.matrix_rank(items.corr().to_numpy()) < 10
    assert 0 < omega(items).total < 1
    with pytest.raises(AnalysisInputError, match="not positive definite"):
        omega(items, method="ml")
