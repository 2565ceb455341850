"""Simple mediation ``x -> m -> y`` with a percentile bootstrap interval of the indirect effect.

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(2)
>>> d = pd.DataFrame({"x": rng.normal(size=200)})
>>> d["m"] = 0.6 * d.x + rng.normal(size=200)
>>> d["y"] = 0.5 * d.m + rng.normal(size=200)
>>> print(mediation(d, "x", "m", "y", n_boot=200, seed=1).paths["path"].tolist())
['a: m ~ x', 'b: y ~ m | x', 'total: y ~ x', 'direct: y ~ x | m', 'indirect: a * b']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coursekit.analysis.checks import check_ci, check_whole
from coursekit.analysis.results import Result
from coursekit.analysis.stats.linear import check_model, complete_rows
from coursekit.common.errors import AnalysisInputError

__all__ = ["Mediation", "mediation"]


@dataclass(frozen=True)
class Mediation(Result):
    """A simple mediation ``x -> m -> y`` (``float()`` and ``round()`` give the indirect effect).

    ``paths`` has one row per path: ``a`` (m ~ x), ``b`` (y ~ m, given x),
    ``total`` (c: y ~ x), ``direct`` (c': y ~ x, given m) with OLS ``b``,
    ``se``, ``p`` and interval, and ``indirect`` (a * b) with its bootstrap
    standard error and percentile interval.
    """

    x: str
    m: str
    y: str
    paths: pd.DataFrame
    indirect: float
    ci_low: float
    ci_high: float
    boot_se: float
    n: int
    n_boot: int
    seed: int
    ci_level: float = 0.95

    _headline = "indirect"

    def _b(self, path: str) -> float:
        names = self.paths["path"].str.split(":").str[0]
        return float(self.paths.loc[names == path, "b"].iloc[0])

    @property
    def a(self) -> float:
        """Path a: the slope of m on x."""
        return self._b("a")

    @property
    def b(self) -> float:
        """Path b: the slope of y on m, given x."""
        return self._b("b")

    @property
    def direct(self) -> float:
        """The direct effect c': the slope of y on x, given m."""
        return self._b("direct")

    @property
    def total(self) -> float:
        """The total effect c: the slope of y on x (direct + indirect)."""
        return self._b("total")

    def __str__(self) -> str:
        level = f"{100 * self.ci_level:g}%"
        return (f"{self.x} -> {self.m} -> {self.y} (n = {self.n}): indirect effect "
                f"a*b = {self.indirect:.3f}, {level} bootstrap CI [{self.ci_low:.3f}, "
                f"{self.ci_high:.3f}] ({self.n_boot} resamples, seed {self.seed})")


def _indirect_effects(x: np.ndarray, m: np.ndarray, y: np.ndarray, idx: np.ndarray
                      ) -> np.ndarray:
    """a * b for each row of resampling indices ``idx`` (shape n_boot x n), vectorized.

    a is the slope of m on x; b the slope of y on m in the regression of y on
    x and m, both from centred cross-products of the resample. Written out
    because refitting statsmodels per resample is about a thousand times
    slower (the tests compare both).
    """
    xs, ms, ys = x[idx], m[idx], y[idx]
    xs = xs - xs.mean(axis=1, keepdims=True)
    ms = ms - ms.mean(axis=1, keepdims=True)
    ys = ys - ys.mean(axis=1, keepdims=True)
    sxx = (xs * xs).sum(axis=1)
    smm = (ms * ms).sum(axis=1)
    sxm = (xs * ms).sum(axis=1)
    sxy = (xs * ys).sum(axis=1)
    smy = (ms * ys).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sxm / sxx
        b = (sxx * smy - sxm * sxy) / (sxx * smm - sxm**2)
    return a * b


def _bootstrap(xv: np.ndarray, mv: np.ndarray, yv: np.ndarray, n_boot: int, seed: int
               ) -> np.ndarray:
    """``n_boot`` bootstrap indirect effects (finite ones only), in memory-bounded chunks."""
    n = len(xv)
    rng = np.random.default_rng(seed)
    chunk = max(1, 4_000_000 // n)
    boots = []
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        boots.append(_indirect_effects(xv, mv, yv, rng.integers(0, n, size=(size, n))))
        done += size
    dist = np.concatenate(boots)
    dist = dist[np.isfinite(dist)]   # a resample with a constant x has no slope
    if len(dist) < 0.99 * n_boot:
        raise AnalysisInputError("mediation: too many bootstrap resamples without variation; "
                                 "the sample is too small or too coarse")
    return dist


def _path(path: str, fit: Any, j: int, alpha: float) -> dict:
    low, high = np.asarray(fit.conf_int(alpha=alpha))[j]
    return {"path": path, "b": float(fit.params[j]), "se": float(fit.bse[j]),
            "p": float(fit.pvalues[j]), "ci_low": float(low), "ci_high": float(high)}


def mediation(
    df: pd.DataFrame,
    x: str,
    m: str,
    y: str,
    *,
    n_boot: int = 5000,
    seed: int = 0,
    ci: float = 0.95,
) -> Mediation:
    """Simple mediation ``x -> m -> y`` with a percentile bootstrap interval for ``a * b``.

    Paths by OLS (statsmodels): ``a`` from ``m ~ x``; ``b`` and the direct
    effect ``c'`` from ``y ~ x + m``; the total effect ``c`` from ``y ~ x``
    (so ``c = c' + a b``). The indirect effect ``a b`` gets a percentile
    bootstrap interval from ``n_boot`` resamples of respondents drawn with
    ``numpy.random.default_rng(seed)`` (Preacher & Hayes 2008; Hayes 2022,
    ch. 3), and the bootstrap standard deviation as its standard error.
    Point estimates equal ``pingouin.mediation_analysis``; its interval is
    bias-corrected, so intervals differ slightly. The indirect effect has no
    p-value (``p`` is NaN in ``paths``): its bootstrap interval is the test.

    Missing data: listwise over ``x``, ``m`` and ``y``.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> d = pd.DataFrame({"x": rng.normal(size=300)})
    >>> d["m"] = 0.5 * d.x + rng.normal(size=300)
    >>> d["y"] = 0.4 * d.m + rng.normal(size=300)
    >>> res = mediation(d, "x", "m", "y", n_boot=1000, seed=1)
    >>> res.ci_low > 0
    True
    """
    # The model module alone: statsmodels.api imports all of statsmodels (0.6 s per kernel).
    from statsmodels.regression.linear_model import OLS

    ci = check_ci(ci)
    n_boot = check_whole(n_boot, "n_boot", minimum=100)
    seed = check_whole(seed, "seed", minimum=0)
    data = complete_rows(df, [x, m, y], "mediation", 8)
    xv, mv, yv = (data[c].to_numpy() for c in (x, m, y))
    n = len(data)
    ones = np.ones(n)
    model_b = OLS(yv, np.column_stack([ones, xv, mv]))
    check_model(model_b, "mediation")
    with np.errstate(all="ignore"):
        fit_a = OLS(mv, np.column_stack([ones, xv])).fit()
        fit_b = model_b.fit()
        fit_c = OLS(yv, np.column_stack([ones, xv])).fit()
    alpha = 1 - ci
    rows = [_path(f"a: {m} ~ {x}", fit_a, 1, alpha), _path(f"b: {y} ~ {m} | {x}", fit_b, 2, alpha),
            _path(f"total: {y} ~ {x}", fit_c, 1, alpha),
            _path(f"direct: {y} ~ {x} | {m}", fit_b, 1, alpha)]
    ab = float(fit_a.params[1] * fit_b.params[2])
    dist = _bootstrap(xv, mv, yv, n_boot, seed)
    low, high = np.quantile(dist, [alpha / 2, 1 - alpha / 2])
    boot_se = float(dist.std(ddof=1))
    rows.append({"path": "indirect: a * b", "b": ab, "se": boot_se, "p": np.nan,
                 "ci_low": float(low), "ci_high": float(high)})
    return Mediation(x, m, y, pd.DataFrame(rows), ab, float(low), float(high), boot_se, n,
                     n_boot, seed, ci)
