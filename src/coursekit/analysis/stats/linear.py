"""Ordinary least squares as a tidy coefficient table with standardized betas.

Also the checks every OLS model of the course makes first (:func:`check_model`,
:func:`complete_rows`), shared with :mod:`.interaction` (moderation) and
:mod:`.indirect` (mediation).

>>> import pandas as pd
>>> df = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6.0], "x": [1, 2, 3, 4, 5, 6.0]})
>>> print(regression(df, "y ~ x"))
y ~ x (n = 6): R2 = 0.784, adjusted 0.731; F(1, 4) = 14.56, p = .019
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coursekit.analysis.checks import check_ci, format_p
from coursekit.analysis.matrices import numeric_frame
from coursekit.analysis.results import Result
from coursekit.common.errors import AnalysisInputError

__all__ = ["COEFFICIENT_COLUMNS", "Regression", "check_model", "complete_rows", "regression"]

COEFFICIENT_COLUMNS = ["term", "b", "se", "t", "p", "ci_low", "ci_high", "beta"]


@dataclass(frozen=True)
class Regression(Result):
    """An ordinary least-squares regression.

    ``table`` has one row per term: ``term``, ``b``, ``se``, ``t``, ``p``,
    ``ci_low``, ``ci_high`` and the standardized ``beta``; the model's fit
    is in ``r2``, ``adj_r2`` and the overall ``f`` test
    (``f_df1``, ``f_df2``, ``f_p``).
    """

    formula: str
    table: pd.DataFrame
    n: int
    r2: float
    adj_r2: float
    f: float
    f_df1: float
    f_df2: float
    f_p: float
    cov_type: str = "nonrobust"

    _numbers_hint = " (.r2, .adj_r2, .f_p, or a cell of .table)"

    def __str__(self) -> str:
        return (f"{self.formula} (n = {self.n}): R2 = {self.r2:.3f}, adjusted {self.adj_r2:.3f}; "
                f"F({self.f_df1:g}, {self.f_df2:g}) = {self.f:.2f}, {format_p(self.f_p)}")


def _tidy(fit: Any, ci: float) -> pd.DataFrame:
    conf = np.asarray(fit.conf_int(alpha=1 - ci))
    exog = fit.model.exog
    endog = fit.model.endog
    sd_x = exog.std(axis=0, ddof=1)
    sd_y = endog.std(ddof=1)
    const = sd_x == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = np.where(const, np.nan, np.asarray(fit.params) * sd_x / sd_y)
    return pd.DataFrame({
        "term": list(fit.model.exog_names),
        "b": np.asarray(fit.params), "se": np.asarray(fit.bse), "t": np.asarray(fit.tvalues),
        "p": np.asarray(fit.pvalues), "ci_low": conf[:, 0], "ci_high": conf[:, 1], "beta": beta,
    })


def check_model(model: Any, what: str) -> None:
    """Refuse a design that OLS cannot estimate, before statsmodels warns about it."""
    n, k = model.exog.shape
    if n < k + 2:
        raise AnalysisInputError(f"{what}: {n} complete rows for {k} coefficients; "
                                 f"at least {k + 2} are needed")
    if np.linalg.matrix_rank(model.exog) < k:
        raise AnalysisInputError(
            f"{what}: the predictors are collinear (a predictor is constant or a combination "
            f"of others among the {n} complete rows)"
        )
    if not model.endog.std() > 0:
        raise AnalysisInputError(f"{what}: the outcome does not vary")


def complete_rows(df: pd.DataFrame, columns: list[str], what: str, min_rows: int
                  ) -> pd.DataFrame:
    """``df[columns]`` as floats without incomplete rows, refusing repeats and constants."""
    if len(set(columns)) != len(columns):
        raise AnalysisInputError(f"{what}: the same column is used twice ({', '.join(columns)})")
    data = numeric_frame(df, columns, what=what).dropna()
    if len(data) < min_rows:
        raise AnalysisInputError(f"{what}: {len(data)} complete rows; at least {min_rows} needed")
    flat = [c for c in columns if not data[c].std() > 0]
    if flat:
        raise AnalysisInputError(f"{what}: column(s) without variation: {', '.join(flat)}")
    return data


def regression(df: pd.DataFrame, formula: str, *, ci: float = 0.95,
               robust: bool = False) -> Regression:
    """Ordinary least squares via a statsmodels formula, as a tidy coefficient table.

    ``formula`` is R-style (``"self_esteem ~ validation + comparison + C(gender)"``),
    fitted with ``statsmodels.formula.api.ols``. ``b``, ``se``, ``t``, ``p``
    and the ``ci`` interval are statsmodels'; ``robust=True`` uses HC3
    standard errors (MacKinnon & White 1985). The standardized coefficient
    is ``beta = b * sd(x) / sd(y)`` over the rows used, with ``x`` the
    term's column of the design matrix: for numeric predictors this is the
    coefficient of a regression on z-scores; for a dummy or a product term it
    is the coefficient of that standardized column. The intercept has no
    beta (NaN).

    Missing data: listwise over the formula's variables (statsmodels'
    ``missing="drop"``); ``n`` is the number of rows used.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6.0], "x": [1, 2, 3, 4, 5, 6.0]})
    >>> regression(df, "y ~ x").table.round(3)[["term", "b", "beta"]].values.tolist()
    [['Intercept', 0.4, nan], ['x', 0.886, 0.886]]
    """
    import statsmodels.formula.api as smf

    ci = check_ci(ci)
    if not isinstance(df, pd.DataFrame):
        raise AnalysisInputError(f"regression: expected a DataFrame, got {type(df).__name__}")
    if not isinstance(formula, str) or "~" not in formula:
        raise AnalysisInputError(f"regression: formula must look like 'y ~ x1 + x2', got "
                                 f"{formula!r}")
    outcome = formula.split("~", 1)[0].strip()
    if outcome in df.columns and not pd.api.types.is_numeric_dtype(df[outcome]):
        raise AnalysisInputError(f"regression: outcome '{outcome}' is not numeric "
                                 f"({df[outcome].dtype})")
    try:
        model = smf.ols(formula, data=df, missing="drop")
    except Exception as exc:  # patsy reports bad formulas and unknown names in many types
        raise AnalysisInputError(f"regression: cannot use formula {formula!r}: "
                                 f"{str(exc).splitlines()[0]}") from None
    if model.endog.ndim != 1:
        raise AnalysisInputError(f"regression: outcome of {formula!r} must be one numeric column")
    check_model(model, "regression")
    cov_type = "HC3" if robust else "nonrobust"
    with np.errstate(all="ignore"):
        fit = model.fit(cov_type=cov_type)
    return regression_result(fit, formula, ci, cov_type)


def regression_result(fit: Any, formula: str, ci: float, cov_type: str) -> Regression:
    """A :class:`Regression` from a fitted statsmodels OLS model."""
    with np.errstate(all="ignore"):
        f, f_p = float(np.squeeze(fit.fvalue)), float(np.squeeze(fit.f_pvalue))
    return Regression(formula, _tidy(fit, ci), int(fit.nobs), float(fit.rsquared),
                      float(fit.rsquared_adj), f, float(fit.df_model), float(fit.df_resid),
                      f_p, cov_type)
