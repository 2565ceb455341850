"""Moderation: does the effect of ``x`` on ``y`` depend on a moderator? (linear interaction)

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(1)
>>> d = pd.DataFrame({"x": rng.normal(size=100), "m": rng.normal(size=100)})
>>> d["y"] = 0.5 * d.x + 0.6 * d.x * d.m + rng.normal(size=100)
>>> moderation(d, "y", "x", "m").delta_p < 0.001
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coursekit.analysis.checks import check_ci, format_p
from coursekit.analysis.results import Result
from coursekit.analysis.stats.linear import (
    Regression,
    check_model,
    complete_rows,
    regression_result,
)

__all__ = ["Moderation", "moderation"]


@dataclass(frozen=True)
class Moderation(Result):
    """A moderation (interaction) model ``y ~ x + moderator + x:moderator``.

    ``model`` is the full regression (centred predictors if ``centered``),
    ``interaction`` its product-term row, ``delta_r2`` the R² the product
    adds (with its F test ``delta_f``, ``delta_p``), and ``simple_slopes``
    the slope of ``x`` at chosen moderator values.
    """

    y: str
    x: str
    moderator: str
    model: Regression
    interaction: pd.Series
    delta_r2: float
    delta_f: float
    delta_p: float
    simple_slopes: pd.DataFrame
    centered: bool

    _numbers_hint = " (.interaction['b'], .interaction['p'], .delta_r2)"

    def __str__(self) -> str:
        i = self.interaction
        return (f"{self.x} x {self.moderator} on {self.y} (n = {self.model.n}): interaction "
                f"b = {i['b']:.3f}, {format_p(i['p'])}; delta R2 = {self.delta_r2:.3f}")


def moderation(
    df: pd.DataFrame,
    y: str,
    x: str,
    moderator: str,
    *,
    center: bool = True,
    probe: Sequence[float] = (-1.0, 0.0, 1.0),
    ci: float = 0.95,
) -> Moderation:
    """Does the effect of ``x`` on ``y`` depend on ``moderator``? (linear interaction)

    Fits ``y = b0 + b1 x + b2 m + b3 x m`` by OLS (statsmodels), with ``x``
    and ``m`` mean-centred when ``center`` (Aiken & West 1991), and reports
    the increase in R² from the product term with its F test
    (``compare_f_test`` against the model without it). Simple slopes
    (Aiken & West 1991; Hayes 2022, ch. 7): the slope of ``x`` at
    ``m0 = mean(m) + s * sd(m)`` for each ``s`` in ``probe`` is the linear
    combination ``b1 + b3 m0`` (``m0`` centred), tested with ``fit.t_test``
    on the residual degrees of freedom. Both predictors must be numeric
    (code a two-group moderator as 0/1).

    Missing data: listwise over ``y``, ``x`` and ``moderator``.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame({"x": rng.normal(size=200), "m": rng.normal(size=200)})
    >>> d["y"] = 0.5 * d.x + 0.4 * d.x * d.m + rng.normal(size=200)
    >>> res = moderation(d, "y", "x", "m")
    >>> res.simple_slopes["slope"].round(2).tolist()
    [0.27, 0.58, 0.89]
    """
    # The model module alone: statsmodels.api imports all of statsmodels (0.6 s per kernel).
    from statsmodels.regression.linear_model import OLS

    ci = check_ci(ci)
    data = complete_rows(df, [y, x, moderator], "moderation", 8)
    xv, mv, yv = (data[c].to_numpy() for c in (x, moderator, y))
    m_mean, m_sd = mv.mean(), mv.std(ddof=1)
    if center:
        xv, mv = xv - xv.mean(), mv - m_mean
    names = ["Intercept", x, moderator, f"{x}:{moderator}"]
    design = pd.DataFrame(np.column_stack([np.ones_like(xv), xv, mv, xv * mv]), columns=names)
    full = OLS(pd.Series(yv, name=y), design)
    check_model(full, "moderation")
    with np.errstate(all="ignore"):
        fit = full.fit()
        reduced = OLS(yv, design.iloc[:, :3].to_numpy()).fit()
        delta_f, delta_p, _ = fit.compare_f_test(reduced)
    formula = f"{y} ~ {x} * {moderator}" + (" (centred)" if center else "")
    model = regression_result(fit, formula, ci, "nonrobust")
    probe = [float(s) for s in probe]
    at = np.array([m_mean + s * m_sd for s in probe])
    slopes = _simple_slopes(fit, at - m_mean if center else at, ci)
    slopes.insert(0, "moderator_value", at)
    slopes.insert(0, "sd_from_mean", probe)
    row = model.table.set_index("term").loc[f"{x}:{moderator}"]
    return Moderation(y, x, moderator, model, row, float(fit.rsquared - reduced.rsquared),
                      float(delta_f), float(delta_p), slopes, center)


def _simple_slopes(fit, m0: np.ndarray, ci: float) -> pd.DataFrame:
    """Slope of ``x`` (``b1 + b3 m0``) at each moderator value ``m0`` of the fitted model."""
    # One contrast row per value: 0 * b0 + 1 * b1 + 0 * b2 + m0 * b3.
    contrasts = np.column_stack([np.zeros_like(m0), np.ones_like(m0), np.zeros_like(m0), m0])
    test = fit.t_test(contrasts)
    conf = np.asarray(test.conf_int(alpha=1 - ci))
    return pd.DataFrame({
        "slope": np.asarray(test.effect), "se": np.asarray(test.sd).ravel(),
        "t": np.asarray(test.tvalue).ravel(), "p": np.asarray(test.pvalue).ravel(),
        "ci_low": conf[:, 0], "ci_high": conf[:, 1],
    })
