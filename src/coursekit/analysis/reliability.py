"""Reliability of a scale: Cronbach's alpha, item analysis and McDonald's omega.

Everything here is computed from the items' **pairwise-complete covariance
matrix** (each covariance over the respondents who answered both items), as
R's ``psych::alpha`` does with ``use = "pairwise"`` and as
``pingouin.cronbach_alpha`` does by default. Like both, ``n`` (used by
the confidence interval) counts every row given, including respondents who
answered none of the items; :func:`reliability_table` leaves those out
first, as they never answered the scale. The standardized alpha, average
inter-item correlation and omega use the correlation matrix derived from that
covariance matrix (``cov2cor``), as ``psych::alpha`` does.

Pass reverse-keyed items (:func:`coursekit.analysis.scoring.keyed_items`): a
reversed item that is not mirrored lowers alpha and shows a negative
``r_drop`` in :func:`item_analysis`.

Example
-------
>>> from coursekit.survey.clean import clean_survey
>>> from coursekit.survey.load import load_survey
>>> from coursekit.analysis.scoring import keyed_items
>>> items = keyed_items(clean_survey(load_survey()).data, "compulsive")
>>> a = cronbach_alpha(items)
>>> 0.7 < a.raw < 0.95 and a.ci_low < a.raw < a.ci_high
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from coursekit.analysis.checks import check_ci
from coursekit.analysis.matrices import (
    cov2cor,
    item_matrix,
    pairwise_corr,
    pairwise_cov,
    single_thread_blas,
)
from coursekit.analysis.results import Result
from coursekit.analysis.scoring import keyed_items
from coursekit.common.errors import AnalysisInputError
from coursekit.survey.codebook import Codebook, load_codebook

__all__ = [
    "Alpha",
    "ItemCovariance",
    "Omega",
    "alpha_from_cov",
    "cronbach_alpha",
    "item_analysis",
    "item_covariance",
    "omega",
    "reliability_table",
    "spearman_brown",
]


@dataclass(frozen=True)
class Alpha(Result):
    """Cronbach's alpha of a set of items.

    ``raw`` (also ``alpha``, the number the printout leads with, and what
    ``float()``, ``round()`` and ``f"{a:.2f}"`` give) is alpha from the
    covariance matrix, ``standardized`` alpha from the correlation matrix,
    ``average_r`` the mean inter-item correlation, ``n`` the rows (respondents)
    given and ``n_items`` the items; ``ci_low``/``ci_high`` the Feldt confidence interval at
    ``ci_level``.
    """

    raw: float
    standardized: float
    average_r: float
    n: int
    n_items: int
    ci_low: float
    ci_high: float
    ci_level: float = 0.95

    _headline = "raw"

    @property
    def alpha(self) -> float:
        """Raw alpha, the value after "alpha =" in the printout (the same as ``raw``)."""
        return self.raw

    @property
    def ci(self) -> tuple[float, float]:
        return (self.ci_low, self.ci_high)

    def __str__(self) -> str:
        level = f"{100 * self.ci_level:g}%"
        return (
            f"alpha = {self.raw:.3f}, {level} CI [{self.ci_low:.3f}, {self.ci_high:.3f}] "
            f"(standardized {self.standardized:.3f}, average r {self.average_r:.3f}; "
            f"{self.n_items} items, n = {self.n})"
        )


@dataclass(frozen=True)
class ItemCovariance:
    """A checked pairwise covariance matrix of items and its ``n``, for reuse.

    A slider callback that drops one item at a time can compute this once and
    call :meth:`alpha` with ``drop=``, which only sums parts of the cached
    matrix (microseconds) instead of going back to the data.
    """

    cov: pd.DataFrame
    n: int

    def alpha(self, drop: Iterable[str] = (), ci: float = 0.95) -> Alpha:
        """Alpha of the items left after dropping ``drop`` (see :func:`alpha_from_cov`)."""
        check_ci(ci)
        c = self.cov.to_numpy()
        drop = list(drop)
        if drop:
            unknown = [d for d in drop if d not in self.cov.index]
            if unknown:
                raise AnalysisInputError(
                    f"cannot drop unknown item(s): {', '.join(map(str, unknown))}"
                )
            keep = np.flatnonzero(~self.cov.index.isin(drop))
            if len(keep) < 2:
                raise AnalysisInputError(f"alpha needs at least 2 items, {len(keep)} left")
            c = c[np.ix_(keep, keep)]
        # The matrix was checked when it was computed: straight to the formula.
        return _alpha(c, self.n, ci)


@dataclass(frozen=True)
class Omega(Result):
    """McDonald's omega total from a one-factor model (``float()`` and ``round()`` give it).

    ``loadings`` and ``uniquenesses`` are the standardized one-factor
    solution; ``method`` says which fit and which denominator (see :func:`omega`).
    """

    total: float
    loadings: pd.Series
    uniquenesses: pd.Series
    n: int
    n_items: int
    method: str = "psych"

    _headline = "total"

    @property
    def omega(self) -> float:
        """Omega total, the value the printout names (the same as ``total``)."""
        return self.total

    def __str__(self) -> str:
        return f"omega total = {self.total:.3f} ({self.n_items} items, n = {self.n})"


def _feldt_ci(alpha: float, n: int, k: int, ci: float) -> tuple[float, float]:
    # Feldt, Woodruff & Salih (1987): (1 - alpha_hat) / (1 - alpha) ~ F(n - 1, (n - 1)(k - 1)).
    # fdtri is the F quantile function scipy.stats.f.isf calls, without its
    # ~0.1 ms of argument handling (this runs in slider callbacks).
    tail = (1 - ci) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * special.fdtri(df1, df2, 1 - tail)
    upper = 1 - (1 - alpha) * special.fdtri(df1, df2, tail)
    return float(lower), float(upper)


def _alpha(cov: np.ndarray, n: int, ci: float) -> Alpha:
    k = cov.shape[0]
    total = cov.sum()
    if not total > 0:
        raise AnalysisInputError(
            "the items' sum has no positive variance (the items cancel each other out); "
            "were reverse-keyed items mirrored? see coursekit.analysis.scoring.keyed_items"
        )
    raw = k / (k - 1) * (1 - np.trace(cov) / total)
    r = cov2cor(cov)
    average_r = (r.sum() - k) / (k * (k - 1))
    denom = 1 + (k - 1) * average_r
    if not denom > 0:
        raise AnalysisInputError(
            f"the average inter-item correlation ({average_r:.3f}) is so negative that the "
            "standardized alpha is undefined; were reverse-keyed items mirrored?"
        )
    standardized = k * average_r / denom
    low, high = _feldt_ci(raw, n, k, ci)
    return Alpha(float(raw), float(standardized), float(average_r), int(n), int(k),
                 low, high, float(ci))


def item_covariance(items: pd.DataFrame) -> ItemCovariance:
    """Pairwise-complete covariance matrix (ddof=1) of ``items`` and its ``n``.

    Missing data: each covariance uses the respondents who answered both items
    (pandas' ``DataFrame.cov``, R's ``cov(use = "pairwise")``); ``n`` counts
    every row given (as pingouin and psych count it).

    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [2, 2, 4, 5.0], "c": [1, 3, 3, 5.0]})
    >>> ic = item_covariance(items)
    >>> ic.n, round(ic.alpha().raw, 3), round(ic.alpha(drop=["c"]).raw, 3)
    (4, 0.959, 0.967)
    """
    x, names = item_matrix(items)
    cov, _ = pairwise_cov(x, names)
    return ItemCovariance(pd.DataFrame(cov, index=names, columns=names), len(items))


def alpha_from_cov(cov: pd.DataFrame | np.ndarray, n: int, *, ci: float = 0.95) -> Alpha:
    """Cronbach's alpha from a covariance matrix of ``k`` items and the sample size ``n``.

    ``raw = k / (k - 1) * (1 - trace(C) / sum(C))`` (Cronbach 1951);
    ``standardized = k r / (1 + (k - 1) r)`` with ``r`` the mean off-diagonal
    entry of ``cov2cor(C)`` (as ``psych::alpha``); the confidence interval is
    Feldt's (Feldt, Woodruff & Salih 1987, as ``pingouin.cronbach_alpha``):
    ``1 - (1 - alpha) F``, with the F quantiles on ``n - 1`` and
    ``(n - 1)(k - 1)`` degrees of freedom.

    Use it to reuse a cached covariance matrix (see :class:`ItemCovariance`).
    No missing data can reach it: ``cov`` must be complete.

    >>> import numpy as np
    >>> print(alpha_from_cov(np.array([[1.0, 0.5], [0.5, 1.0]]), n=100))
    alpha = 0.667, 95% CI [0.505, 0.776] (standardized 0.667, average r 0.500; 2 items, n = 100)
    """
    check_ci(ci)
    c = np.asarray(cov, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise AnalysisInputError(f"cov must be a square matrix, got shape {c.shape}")
    if c.shape[0] < 2:
        raise AnalysisInputError(f"alpha needs at least 2 items, got {c.shape[0]}")
    if not np.isfinite(c).all():
        raise AnalysisInputError("cov contains missing or infinite values")
    if not np.allclose(c, c.T, rtol=1e-10, atol=1e-12):
        raise AnalysisInputError("cov is not symmetric")
    if not (np.diag(c) > 0).all():
        j = int(np.argmin(np.diag(c)))
        label = cov.index[j] if isinstance(cov, pd.DataFrame) else j
        raise AnalysisInputError(f"item {label!r} has no variance (diagonal {c[j, j]:g})")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 3:
        raise AnalysisInputError(f"n must be a whole number of at least 3, got {n!r}")
    return _alpha(c, int(n), ci)


def spearman_brown(reliability: float, length_factor: float) -> float:
    """Reliability of a test made ``length_factor`` times as long (Spearman 1910; Brown 1910).

    ``rho_new = f * rho / (1 + (f - 1) * rho)`` for parallel items: ``f = 2``
    doubles the scale, ``f = 4 / 6`` keeps 4 of its 6 items. Applied to
    alpha it projects what adding or removing comparable items would do.

    >>> round(spearman_brown(0.7, 2), 4)
    0.8235
    >>> round(spearman_brown(0.8, 0.5), 4)
    0.6667
    """
    rho, f = float(reliability), float(length_factor)
    if not np.isfinite(rho) or rho > 1:
        raise AnalysisInputError(f"reliability must be a finite number <= 1, got {reliability!r}")
    if not np.isfinite(f) or f <= 0:
        raise AnalysisInputError(f"length_factor must be a positive number, got {length_factor!r}")
    denom = 1 + (f - 1) * rho
    if not denom > 0:
        raise AnalysisInputError(
            f"the Spearman-Brown projection of reliability {rho:.3f} by a factor {f:g} is "
            "undefined (negative reliability)"
        )
    return f * rho / denom


def cronbach_alpha(items: pd.DataFrame, *, ci: float = 0.95) -> Alpha:
    """Cronbach's alpha of ``items`` (one column per item), with a Feldt confidence interval.

    ``alpha = k / (k - 1) * (1 - sum of item variances / variance of the sum)``,
    computed from the pairwise-complete covariance matrix ``C`` as
    ``k / (k - 1) * (1 - trace(C) / sum(C))`` (Cronbach 1951). The
    standardized alpha and average inter-item correlation come from
    ``cov2cor(C)``, as in R's ``psych::alpha``; the confidence interval is
    Feldt's (see :func:`alpha_from_cov`). Equals
    ``pingouin.cronbach_alpha(items)`` (whose interval is rounded to 3
    decimals) and ``psych::alpha(items, use = "pairwise")``.

    Missing data: pairwise (see :func:`item_covariance`); ``n`` is the number
    of rows given, as pingouin and psych count it (drop respondents who
    skipped every item first, ``items.dropna(how="all")``, if they should
    not count).

    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 2, 4, 4, 5.0],
    ...                       "c": [1, 3, 2, 5, None]})
    >>> a = cronbach_alpha(items)
    >>> round(a.raw, 3), a.n, a.n_items
    (0.859, 5, 3)
    """
    check_ci(ci)
    x, names = item_matrix(items)
    cov, _ = pairwise_cov(x, names)
    return _alpha(cov, len(items), ci)


def item_analysis(items: pd.DataFrame) -> pd.DataFrame:
    """Item statistics, one row per item: n, missing, mean, sd, r_drop, alpha_if_deleted.

    ``r_drop`` is the corrected item-total correlation, the correlation of the
    item with the sum of the *other* items, and ``alpha_if_deleted`` the raw
    alpha of the other items; both come from the pairwise covariance matrix
    ``C`` as in ``psych::alpha`` (``r.drop``, ``raw_alpha`` of
    ``alpha.drop``): ``r_drop_i = (sum_j C_ij - C_ii) / sqrt(C_ii * V_-i)``,
    with ``V_-i`` the sum of ``C`` without row and column ``i``.

    Missing data: ``mean`` and ``sd`` use each item's answers; ``r_drop``
    and ``alpha_if_deleted`` pairwise covariances; ``missing`` is the share
    of rows that miss the item. Needs at
    least 3 items, so that dropping one leaves an alpha.

    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 2, 4, 4, 5.0],
    ...                       "c": [1, 3, 2, 5, 4.0]})
    >>> item_analysis(items)["r_drop"].round(3).tolist()
    [0.97, 0.807, 0.713]
    """
    x, names = item_matrix(items, min_items=3)
    cov, _ = pairwise_cov(x, names)
    k = cov.shape[0]
    var = np.diag(cov)
    row = cov.sum(axis=1)
    total = cov.sum()
    rest_var = total - 2 * row + var          # variance of the sum without item i
    if not (rest_var > 0).all():
        j = int(np.argmin(rest_var))
        raise AnalysisInputError(
            f"item '{names[j]}': the other items' sum has no positive variance"
        )
    r_drop = (row - var) / np.sqrt(var * rest_var)
    rest_trace = np.trace(cov) - var
    alpha_drop = (k - 1) / (k - 2) * (1 - rest_trace / rest_var)
    observed = ~np.isnan(x)
    return pd.DataFrame(
        {
            "n": observed.sum(axis=0),
            "missing": 1 - observed.sum(axis=0) / len(items),
            "mean": np.nanmean(x, axis=0),
            "sd": np.sqrt(var),
            "r_drop": r_drop,
            "alpha_if_deleted": alpha_drop,
        },
        index=pd.Index(names, name="item"),
    )


def _one_factor_ml(r: np.ndarray) -> np.ndarray:
    """Standardized loadings of a one-factor maximum-likelihood fit of the correlation matrix ``r``.

    R's ``factanal`` algorithm (Joreskog 1967; Lawley & Maxwell 1971): the
    uniquenesses ``psi`` minimize ``-sum_{j>1} (log e_j - e_j)`` over the
    eigenvalues ``e`` of ``Psi^-1/2 R Psi^-1/2`` (the loadings are
    concentrated out), with L-BFGS-B, the analytic gradient and ``psi`` in
    [0.005, 1]. Kept instead of statsmodels' ``Factor(method="ml")``, which
    fits the same model (the tests compare both) in about ten times the
    time, which a reliability table of many scales would pay once per scale.
    """
    from scipy.optimize import minimize

    k = r.shape[0]

    def parts(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        root = np.sqrt(psi)
        w, v = np.linalg.eigh(r / np.outer(root, root))
        lam = v[:, -1] * np.sqrt(max(w[-1] - 1, 0.0)) * root
        return w, lam, (lam**2 + psi - 1) / psi**2

    def objective(psi: np.ndarray) -> tuple[float, np.ndarray]:
        w, _, grad = parts(psi)
        e = w[:-1]
        return float(-(np.sum(np.log(e) - e) - 1 + k)), grad

    start = np.clip((1 - 0.5 / k) / np.diag(np.linalg.inv(r)), 0.005, 1.0)
    res = minimize(objective, start, jac=True, method="L-BFGS-B",
                   bounds=[(0.005, 1.0)] * k,
                   options={"ftol": 1e-14, "gtol": 1e-9, "maxiter": 1000})
    _, lam, g = parts(res.x)
    # At an exact optimum the line search can stop "abnormally" for want of
    # progress: accept when the projected gradient vanishes.
    g[((res.x <= 0.005) & (g > 0)) | ((res.x >= 1.0) & (g < 0))] = 0.0
    if not (res.success or np.abs(g).max() < 1e-6) or not np.isfinite(lam).all():
        raise AnalysisInputError(
            f"the one-factor model for omega could not be fitted ({res.message})"
        )
    return lam


def _one_factor_minres(r: np.ndarray) -> np.ndarray:
    """Standardized loadings of a one-factor minimum-residual (unweighted least squares) fit.

    Minimizes ``sum_{i != j} (r_ij - l_i l_j)^2`` with ``l_i^2 <= .995`` (psych's bound
    ``u2 >= .005``), as ``psych::fa(fm = "minres")``; L-BFGS-B with the analytic gradient
    ``-4 (R - l l')_offdiag l``. Needs no inverse of ``r``, so a singular correlation
    matrix (a class with fewer respondents than items, pairwise gaps) still gets a fit.
    Hand-written: statsmodels' ``Factor`` has no minres and its principal axes stop at
    a fixed tolerance on the communalities.
    """
    from scipy.optimize import minimize

    off = ~np.eye(r.shape[0], dtype=bool)
    w, v = np.linalg.eigh(np.where(off, r, np.abs(np.where(off, r, 0)).max(axis=1)))
    start = v[:, -1] * np.sqrt(max(w[-1], 1e-6))
    bound = np.sqrt(0.995)

    def objective(lam: np.ndarray) -> tuple[float, np.ndarray]:
        resid = np.where(off, r - np.outer(lam, lam), 0.0)
        return float((resid**2).sum()), -4 * resid @ lam

    res = minimize(objective, np.clip(start, -bound, bound), jac=True, method="L-BFGS-B",
                   bounds=[(-bound, bound)] * r.shape[0],
                   options={"ftol": 1e-15, "gtol": 1e-11, "maxiter": 2000})
    if not np.isfinite(res.x).all():
        raise AnalysisInputError(f"the one-factor model for omega could not be fitted "
                                 f"({res.message})")
    return res.x


@single_thread_blas()
def _omega_from_corr(r: np.ndarray, n: int, names: Sequence[str],
                     method: str = "psych") -> Omega:
    if method == "ml":
        if np.linalg.eigvalsh(r)[0] <= 1e-10:
            raise AnalysisInputError(
                "the items' correlation matrix is not positive definite (with pairwise "
                "missing data this can happen); omega needs a proper correlation matrix"
            )
        with np.errstate(all="ignore"):
            lam = _one_factor_ml(r)
    else:
        lam = _one_factor_minres(r)
    if lam.sum() < 0:
        lam = -lam
    psi = 1 - lam**2
    if method == "ml":
        common = lam.sum() ** 2
        total = common / (common + psi.sum())
    else:  # psych: items with negative loadings are flipped, then the observed total
        key = np.where(lam < 0, -1.0, 1.0)
        observed = float((r * np.outer(key, key)).sum())
        total = (observed - psi.sum()) / observed
    return Omega(
        float(total),
        pd.Series(lam, index=list(names), name="loading"),
        pd.Series(psi, index=list(names), name="uniqueness"),
        int(n),
        len(names),
        method,
    )


OMEGA_METHODS = ("psych", "ml")


def omega(items: pd.DataFrame, method: str = "psych") -> Omega:
    """McDonald's omega total from a one-factor model of ``items``.

    ``method="psych"`` (default) is ``psych::omega(x, nfactors = 1)$omega.tot``
    (Revelle & Zinbarg 2009): a minimum-residual one-factor fit of
    ``cor(x, use = "pairwise")`` and ``omega = (V_t - sum psi) / V_t`` with ``V_t`` the
    *observed* variance of the standardized total, the sum of the correlation matrix
    (items loading negatively are reversed first). Agrees with psych to 1e-5 on the
    course's scales (``tests/reference/omega/psych.json``).

    ``method="ml"`` is McDonald's (1999, *Test Theory*, eq. 6.20b)
    ``omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi)``: the *model-implied*
    variance in the denominator, with a one-factor maximum-likelihood fit (R's
    ``factanal`` algorithm, as statsmodels' ``Factor(method="ml")``) of
    ``cov2cor`` of the pairwise covariances (``psych::alpha``'s matrix). The two agree
    when the one-factor model fits; on a small class they differ in the third decimal.

    Unlike alpha, omega does not assume that all items load equally. ``loadings`` and
    ``uniquenesses`` are the standardized solution ``lambda`` and ``psi = 1 - lambda^2``.
    Missing data: pairwise. Needs at least 3 items (a one-factor model of 2 is not
    identified).

    >>> from coursekit.survey.simulate import simulate_survey
    >>> from coursekit.analysis.scoring import keyed_items
    >>> items = keyed_items(simulate_survey(500, seed=1), "escapism")
    >>> w = omega(items)
    >>> 0.7 < w.total < 0.95
    True
    >>> abs(w.total - omega(items, method="ml").total) < 0.01
    True
    """
    if method not in OMEGA_METHODS:
        raise AnalysisInputError(f"unknown omega method '{method}' (expected one of "
                                 f"{', '.join(OMEGA_METHODS)})")
    x, names = item_matrix(items, min_items=3)
    if method == "ml":
        cov, _ = pairwise_cov(x, names)
        r = cov2cor(cov)
    else:
        r, _ = pairwise_corr(x, names)
    return _omega_from_corr(r, len(items), names, method)


def reliability_table(
    df: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    scales: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """One row per scale: items, alpha with its CI, standardized alpha, average r, omega, n.

    Items are reverse-keyed from the codebook first
    (:func:`coursekit.analysis.scoring.keyed_items`), so ``df`` must be cleaned survey
    data (:func:`coursekit.survey.clean.clean_survey`). Columns: ``label``, ``kind``,
    ``n_items``, ``reversed`` (the mirrored items), ``n``, ``alpha``,
    ``ci_low``, ``ci_high``, ``std_alpha``, ``average_r``, ``omega``. Each
    scale's figures equal :func:`cronbach_alpha` and :func:`omega` on its
    keyed items of the respondents who answered at least one of them
    (``keyed_items(df, scale).dropna(how="all")``); ``omega`` is NaN for a
    two-item scale, for which a one-factor model is not identified.

    Missing data: pairwise within each scale, as :func:`cronbach_alpha`.

    >>> from coursekit.survey.clean import clean_survey
    >>> from coursekit.survey.simulate import simulate_survey
    >>> df = clean_survey(simulate_survey(300, seed=2)).data
    >>> table = reliability_table(df, kinds=["pitfall"])
    >>> table.index.tolist()
    ['compulsive', 'comparison', 'authenticity']
    """
    check_ci(ci)
    cb = codebook or load_codebook()
    wanted_kinds = set(kinds) if kinds is not None else None
    names = list(scales) if scales is not None else list(cb.scale_names())
    rows = []
    for name in names:
        sc = cb.scale(name)
        if wanted_kinds is not None and sc.kind not in wanted_kinds:
            continue
        # item_matrix leaves out who answered none of the items: x.shape[0] is
        # the number of respondents who answered the scale.
        x, ids = item_matrix(keyed_items(df, sc, cb), what=f"scale '{name}'")
        cov, _ = pairwise_cov(x, ids)
        a = _alpha(cov, x.shape[0], ci)
        w = _omega_from_corr(pairwise_corr(x, ids)[0], x.shape[0], ids).total \
            if len(ids) >= 3 else np.nan
        rows.append({
            "scale": name, "label": sc.label, "kind": sc.kind, "n_items": len(ids),
            "reversed": ", ".join(sc.reversed_ids), "n": a.n, "alpha": a.raw,
            "ci_low": a.ci_low, "ci_high": a.ci_high, "std_alpha": a.standardized,
            "average_r": a.average_r, "omega": w,
        })
    if not rows:
        raise AnalysisInputError("no scale selected for the reliability table")
    return pd.DataFrame(rows).set_index("scale")
