import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from coursekit.analysis.prediction import fit_predictor
from coursekit.common.errors import AnalysisInputError

PREDICTORS = ["validation", "compulsive", "authenticity"]


@pytest.mark.parametrize("seed", [1, 2])
def test_matches_statsmodels_prediction_interval(seed):
    from coursekit.course import start

    frame = start(seed=seed, n_respondents=400).frame
    p = fit_predictor(frame, "self_esteem", PREDICTORS)
    fit = smf.ols("self_esteem ~ " + " + ".join(PREDICTORS), frame).fit()
    profile = {"validation": 4.2, "compulsive": 1.5, "authenticity": 6.0}
    ref = fit.get_prediction(pd.DataFrame([profile])).summary_frame(alpha=0.05).iloc[0]
    got = p.predict(profile)
    assert got.fit == pytest.approx(ref["mean"], abs=1e-10)
    assert got.low == pytest.approx(ref["obs_ci_lower"], abs=1e-10)
    assert got.high == pytest.approx(ref["obs_ci_upper"], abs=1e-10)
    assert p.n == int(fit.nobs) and p.r2 == pytest.approx(fit.rsquared)


def test_bad_inputs():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "x": [1.0] * 5})
    with pytest.raises(AnalysisInputError, match="collinear"):
        fit_predictor(df, "y", ["x"])
    with pytest.raises(AnalysisInputError, match="not in the data"):
        fit_predictor(df, "y", ["z"])
    with pytest.raises(AnalysisInputError, match="complete rows"):
        fit_predictor(df.head(3).assign(x=[1.0, 2, np.nan]), "y", ["x"])
    p = fit_predictor(pd.DataFrame({"y": [1.0, 3, 2, 5, 4], "x": [1.0, 2, 3, 4, 5]}), "y", ["x"])
    with pytest.raises(AnalysisInputError, match="lacks"):
        p.predict({})
