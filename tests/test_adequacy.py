"""coursekit.analysis.adequacy against psych::KMO and psych::cortest.bartlett (cfa.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coursekit.analysis.adequacy import bartlett_sphericity, kmo
from coursekit.common.errors import AnalysisInputError

REF = Path(__file__).resolve().parent / "reference" / "cfa"
PSYCH = json.loads((REF / "lavaan.json").read_text())
ITEMS = [i for items in json.loads((REF / "model.json").read_text()).values() for i in items]


@pytest.mark.parametrize("name", ["bundled", "seed11"])
def test_kmo_and_bartlett_match_psych(name):
    data = pd.read_csv(REF / f"{name}.csv")[ITEMS]
    ref = PSYCH[name]
    k = kmo(data)
    assert k.overall == pytest.approx(ref["kmo"]["overall"], abs=1e-10)
    np.testing.assert_allclose(k.items[list(ref["kmo"]["items"])],
                               list(ref["kmo"]["items"].values()), atol=1e-10)
    b = bartlett_sphericity(data)
    assert b.chisq == pytest.approx(ref["bartlett"]["chisq"], rel=1e-10)
    assert b.df == ref["bartlett"]["df"] and b.n == len(data)
    assert float(k) == k.overall and k.label in str(k)


def test_independent_items_have_low_kmo_and_a_large_bartlett_p():
    rng = np.random.default_rng(3)
    data = pd.DataFrame(rng.normal(size=(400, 6)), columns=list("abcdef"))
    assert kmo(data).overall < 0.6
    assert bartlett_sphericity(data).p > 0.01


def test_a_singular_matrix_is_not_available_in_plain_words():
    data = pd.read_csv(REF / "class60.csv")[ITEMS]  # 55 respondents, 42 items, gaps
    assert PSYCH["class60"]["kmo"]["overall"] == "NaN"  # psych gives NaN here (jsonlite: "NaN")
    with pytest.raises(AnalysisInputError, match="not available.*singular"):
        kmo(data)
    with pytest.raises(AnalysisInputError, match="not available.*singular"):
        bartlett_sphericity(data)
