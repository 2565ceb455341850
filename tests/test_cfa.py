"""coursekit.analysis.cfa against lavaan (tests/reference/cfa/lavaan.json, from cfa.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coursekit import start
from coursekit.analysis.cfa import cfa, fit_cfa, fit_indices, measurement_model
from coursekit.analysis.scoring import keyed_items
from coursekit.common.errors import AnalysisInputError

REF = Path(__file__).resolve().parent / "reference" / "cfa"
LAVAAN = json.loads((REF / "lavaan.json").read_text())
MODEL = json.loads((REF / "model.json").read_text())
COHORTS = ("bundled", "seed11", "class60")
#: coursekit name -> lavaan fitMeasures name
MEASURES = {"chisq": "chisq", "df": "df", "p": "pvalue", "cfi": "cfi", "tli": "tli",
            "rmsea": "rmsea", "rmsea_low": "rmsea.ci.lower", "rmsea_high": "rmsea.ci.upper",
            "srmr": "srmr", "n": "ntotal"}


@pytest.fixture(scope="module", params=COHORTS)
def fitted(request):
    name = request.param
    data = pd.read_csv(REF / f"{name}.csv")
    factors = {s: MODEL[s] for s in LAVAAN[name]["scales"]}
    return name, fit_cfa(data, factors)


def test_fit_indices_match_lavaan(fitted):
    name, result = fitted
    ref = LAVAAN[name]["fit"]
    for ours, theirs in MEASURES.items():
        assert getattr(result.fit, ours) == pytest.approx(ref[theirs], abs=1e-3), ours
    assert result.fit.chisq == pytest.approx(ref["chisq"], rel=1e-6)


def test_standardized_loadings_and_factor_correlations_match_lavaan(fitted):
    name, result = fitted
    ref = pd.DataFrame(LAVAAN[name]["loadings"]).set_index("item")
    assert list(result.loadings.index) == list(ref.index)
    assert (result.loadings["factor"] == ref["factor"]).all()
    np.testing.assert_allclose(result.loadings["loading"], ref["std"], atol=1e-4)
    for a, b, r in pd.DataFrame(LAVAAN[name]["factor_correlations"]).itertuples(index=False):
        assert result.factor_correlations.loc[a, b] == pytest.approx(r, abs=1e-4)
        assert result.factor_correlations.loc[b, a] == result.factor_correlations.loc[a, b]


def test_residual_hints_are_the_largest_residual_correlations(fitted):
    _, result = fitted
    sizes = result.residuals["residual_r"].abs().to_numpy()
    assert len(sizes) == 5 and (np.diff(sizes) <= 0).all()
    assert result.fit.srmr < sizes[0]  # the root mean square lies below the largest


def test_cfa_keys_the_codebook_items_itself():
    course = start(seed=4, n_respondents=300)
    scales = ["validation", "comparison"]
    direct = cfa(course.data, scales, course.codebook)
    keyed = fit_cfa(keyed_items(course.data, scales, course.codebook),
                    {s: list(course.codebook.scale(s).item_ids) for s in scales})
    assert direct.fit == keyed.fit
    assert (direct.loadings["loading"] > 0).all()  # reverse-keyed items load positively
    assert direct.model == measurement_model(scales, course.codebook)


def test_a_perfect_model_has_zero_misfit():
    s = np.array([[1.0, 0.5, 0.4], [0.5, 1.0, 0.2], [0.4, 0.2, 1.0]])
    fit = fit_indices(s, s, 200, 6)
    assert fit.chisq == 0 and fit.df == 0 and fit.srmr == 0


def test_too_few_complete_answers_are_refused_with_the_counts():
    data = pd.read_csv(REF / "class60.csv").head(30)
    with pytest.raises(AnalysisInputError, match=r"respondents answered all 42 items.*43"):
        fit_cfa(data, {s: MODEL[s] for s in MODEL})


def test_a_factor_of_two_items_is_refused():
    data = pd.read_csv(REF / "bundled.csv")
    with pytest.raises(AnalysisInputError, match="'validation' has 2 item"):
        fit_cfa(data, {"validation": ["val1", "val2"]})


def test_a_text_answer_is_refused_naming_the_column():
    data = pd.read_csv(REF / "bundled.csv")
    data["val3"] = data["val3"].astype(object)
    data.loc[0, "val3"] = "often"
    with pytest.raises(AnalysisInputError, match="val3"):
        fit_cfa(data, {"validation": MODEL["validation"]})
