"""A fitted linear model that predicts new profiles fast, with prediction intervals.

:func:`fit_predictor` fits ordinary least squares once (statsmodels) and keeps
what a prediction needs: the coefficients ``b``, their covariance matrix
``V`` and the residual variance ``s^2``. For a profile ``x`` (with a leading
1) the prediction is ``x b`` and its interval for an *individual* is
``x b +- t(df_resid) sqrt(s^2 + x V x')`` (e.g. Fox 2016, *Applied Regression
Analysis*, sec. 9.4), the same as statsmodels'
``get_prediction(...).summary_frame()['obs_ci_lower'/'obs_ci_upper']``. A
prediction is a handful of multiplications, so a widget can call it on every
slider move.

Missing data: listwise over the outcome and predictors.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6.0], "x": [1, 2, 3, 4, 5, 6.0]})
>>> p = fit_predictor(df, "y", ["x"])
>>> round(p.predict({"x": 3.5}).fit, 3)
3.5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from coursekit.analysis.results import Result
from coursekit.common.errors import AnalysisInputError


@dataclass(frozen=True)
class Prediction(Result):
    """A predicted value (``float()`` gives it) with its interval for an individual."""

    fit: float
    low: float
    high: float

    _headline = "fit"


@dataclass(frozen=True)
class LinearPredictor:
    """What predicting from a fitted OLS model needs (see the module docstring)."""

    outcome: str
    predictors: tuple[str, ...]
    coefficients: np.ndarray
    cov_params: np.ndarray
    resid_var: float
    df_resid: float
    n: int
    r2: float
    level: float = 0.95

    def predict(self, profile: Mapping[str, float]) -> Prediction:
        """Prediction and interval for one profile (a value for every predictor)."""
        missing = [p for p in self.predictors if p not in profile]
        if missing:
            raise AnalysisInputError(f"profile lacks predictor(s): {', '.join(missing)}")
        x = np.array([1.0] + [float(profile[p]) for p in self.predictors])
        fit = float(x @ self.coefficients)
        se = float(np.sqrt(self.resid_var + x @ self.cov_params @ x))
        t = float(sps.t.ppf(0.5 + self.level / 2, self.df_resid))
        return Prediction(fit, fit - t * se, fit + t * se)


def fit_predictor(df: pd.DataFrame, outcome: str, predictors: Sequence[str], *,
                  level: float = 0.95) -> LinearPredictor:
    """Fit ``outcome ~ predictors`` by OLS and keep what :meth:`LinearPredictor.predict` needs."""
    # The two modules alone: statsmodels.api imports all of statsmodels (0.6 s per kernel).
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    cols = [outcome, *predictors]
    unknown = [c for c in cols if c not in df.columns]
    if unknown:
        raise AnalysisInputError(f"column(s) not in the data: {', '.join(unknown)}")
    used = df[cols].apply(pd.to_numeric, errors="coerce").dropna()
    k = len(predictors)
    if len(used) < k + 3:
        raise AnalysisInputError(f"{len(used)} complete rows for {k + 1} coefficients; "
                                 f"at least {k + 3} are needed")
    exog = add_constant(used[list(predictors)].to_numpy(float), has_constant="add")
    if np.linalg.matrix_rank(exog) < exog.shape[1]:
        raise AnalysisInputError("the predictors are collinear or one of them is constant")
    fit = OLS(used[outcome].to_numpy(float), exog).fit()
    return LinearPredictor(outcome, tuple(predictors), np.asarray(fit.params),
                           np.asarray(fit.cov_params()), float(fit.scale), float(fit.df_resid),
                           len(used), float(fit.rsquared), level)
