"""Confirmatory factor analysis of the codebook's scales: is each scale one factor?

The measurement model comes from the codebook: every scale its own factor, loaded by its
own (reverse-keyed) items only, factors free to correlate, variances of the factors fixed
at 1 (``std.lv = TRUE``). It is fitted by maximum likelihood on the respondents who
answered every item (listwise, lavaan's default) with semopy (``Model.fit(obj="MLW")``),
and reported as lavaan reports it:

- ``chi2 = N * F_ML`` with ``F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p`` (``S`` the
  covariance with divisor ``N``), its ``df`` (``p (p + 1) / 2`` minus the free parameters)
  and ``p``;
- ``CFI = 1 - max(chi2 - df, 0) / max(chi2_0 - df_0, chi2 - df, 0)`` and
  ``TLI = (chi2_0 / df_0 - chi2 / df) / (chi2_0 / df_0 - 1)`` against the independence
  model (``chi2_0 = N (sum log s_ii - log|S|)``, ``df_0 = p (p - 1) / 2``);
- ``RMSEA = sqrt(max(chi2 - df, 0) / (df N))`` with its 90 % interval from the
  noncentral chi-square (Browne & Cudeck 1993);
- ``SRMR``, the root mean square of ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the
  ``p (p + 1) / 2`` distinct elements (Bentler 1995);
- standardized loadings and factor correlations (lavaan's ``std.all``), and the largest
  residual correlations as hints where the model misses (items that share more than
  their factors explain).

Checked against ``lavaan::cfa(model, data, std.lv = TRUE, estimator = "ML")`` and
``fitMeasures`` on three cohorts: fit indices and loadings to 1e-3
(``tests/reference/cfa/lavaan.json``, made by ``scripts/r_reference/cfa.R``). semopy's
own statistics are not used for the indices: its RMSEA divides by ``N - 1`` where lavaan
divides by ``N``, and it has no RMSEA interval or SRMR.

Example
-------
>>> from coursekit import start
>>> course = start(cohort="demo")
>>> fit = cfa(course.data, ["validation", "escapism"], course.codebook)
>>> fit.fit.df, fit.n
(53, 623)
>>> round(float(fit.loadings.loc["val1", "loading"]), 2)
0.73
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from coursekit.analysis.matrices import item_matrix
from coursekit.analysis.results import Result
from coursekit.analysis.scoring import keyed_items
from coursekit.common.errors import AnalysisInputError
from coursekit.survey.codebook import Codebook, load_codebook


@dataclass(frozen=True)
class FitIndices(Result):
    """How well a fitted model reproduces the items' covariances (lavaan's ``fitMeasures``)."""

    chisq: float
    df: int
    p: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_low: float
    rmsea_high: float
    srmr: float
    n: int

    _numbers_hint = " (.cfi, .tli, .rmsea, .srmr, .chisq, .p)"

    def __str__(self) -> str:
        def num(x: float) -> str:
            return f"{x:.3f}".replace("0.", ".", 1)
        p = "< .001" if self.p < 0.001 else f"= {num(self.p)}"
        return (f"chi2({self.df}) = {self.chisq:.1f}, p {p}; CFI = {num(self.cfi)}, "
                f"TLI = {num(self.tli)}, RMSEA = {num(self.rmsea)} "
                f"[{num(self.rmsea_low)}, {num(self.rmsea_high)}], SRMR = {num(self.srmr)}")


@dataclass(frozen=True)
class CFA(Result):
    """A fitted confirmatory factor model.

    ``loadings``: one row per item (index), columns ``factor`` and ``loading``
    (standardized). ``factor_correlations``: factors x factors. ``residuals``: the item
    pairs with the largest residual correlations, largest first.
    """

    model: str
    fit: FitIndices
    loadings: pd.DataFrame
    factor_correlations: pd.DataFrame
    residuals: pd.DataFrame
    n: int


def measurement_model(scales: Sequence[str], codebook: Codebook | None = None) -> str:
    """The lavaan/semopy syntax of ``scales``, each measured by its own items.

    >>> measurement_model(["escapism"]).split(" =~ ")[0]
    'escapism'
    """
    cb = codebook or load_codebook()
    return "\n".join(f"{s} =~ " + " + ".join(cb.scale(s).item_ids) for s in scales)


def _complete_items(items: pd.DataFrame, factors: Mapping[str, Sequence[str]]
                    ) -> pd.DataFrame:
    for f, cols in factors.items():
        if len(cols) < 3:
            raise AnalysisInputError(f"factor '{f}' has {len(cols)} item(s): a factor of its "
                                     "own needs at least 3 to be identified")
        missing = [c for c in cols if c not in items.columns]
        if missing:
            raise AnalysisInputError(f"factor '{f}': no column {', '.join(missing)}")
    used = [c for cols in factors.values() for c in cols]
    item_matrix(items[used], min_items=3, what="CFA items")
    complete = items[used].astype(float).dropna()
    p = len(used)
    if len(complete) <= p + 1:
        raise AnalysisInputError(
            f"a CFA of {', '.join(factors)} is not available: {len(complete)} respondents "
            f"answered all {p} items, and it needs more than {p + 1}")
    return complete


def noncentrality_bound(chisq: float, df: int, prob: float) -> float:
    """The noncentrality ``lambda`` at which ``chisq`` is the ``prob`` quantile of chi2(df, lambda).

    0 when even the central chi-square puts ``chisq`` at or below that quantile. The RMSEA
    interval is ``sqrt(lambda / (df N))`` (lavaan) or ``sqrt(lambda / ((N - 1) df))``
    (psych) at ``prob`` = .95 (lower) and .05 (upper); Browne & Cudeck (1993).

    >>> noncentrality_bound(10.0, 20, 0.95)
    0.0
    """
    if stats.chi2.cdf(chisq, df) <= prob:
        return 0.0
    hi = max(chisq, 1.0)
    while stats.ncx2.cdf(chisq, df, hi) > prob:
        hi *= 2
    return float(optimize.brentq(lambda lam: stats.ncx2.cdf(chisq, df, lam) - prob,
                                 1e-12, hi, xtol=1e-12))


def _rmsea_interval(chisq: float, df: int, n: int) -> tuple[float, float]:
    """lavaan's 90 % interval of the RMSEA."""
    return (float(np.sqrt(noncentrality_bound(chisq, df, 0.95) / (df * n))),
            float(np.sqrt(noncentrality_bound(chisq, df, 0.05) / (df * n))))


def fit_indices(s: np.ndarray, sigma: np.ndarray, n: int, n_params: int) -> FitIndices:
    """lavaan's indices of a model-implied ``sigma`` for sample covariance ``s`` (divisor N).

    >>> s = np.array([[1.0, 0.3], [0.3, 1.0]])
    >>> fit_indices(s, s, 100, 3).chisq
    0.0
    """
    p = s.shape[0]
    _, logdet_s = np.linalg.slogdet(s)
    _, logdet_sigma = np.linalg.slogdet(sigma)
    f_ml = logdet_sigma + np.trace(s @ np.linalg.inv(sigma)) - logdet_s - p
    chisq = max(float(n * f_ml), 0.0)
    df = p * (p + 1) // 2 - n_params
    chisq0 = float(n * (np.log(np.diag(s)).sum() - logdet_s))
    df0 = p * (p - 1) // 2
    cfi_den = max(chisq0 - df0, chisq - df, 0.0)
    cfi = 1.0 - max(chisq - df, 0.0) / cfi_den if cfi_den > 0 else 1.0
    tli = (chisq0 / df0 - chisq / df) / (chisq0 / df0 - 1) if df > 0 else 1.0
    rmsea = float(np.sqrt(max(chisq - df, 0.0) / (df * n))) if df > 0 else 0.0
    low, high = _rmsea_interval(chisq, df, n) if df > 0 else (0.0, 0.0)
    sd = np.sqrt(np.diag(s))
    resid = (s - sigma) / np.outer(sd, sd)
    srmr = float(np.sqrt(np.mean(resid[np.tril_indices(p)] ** 2)))
    pval = float(stats.chi2.sf(chisq, df)) if df > 0 else float("nan")
    return FitIndices(chisq, df, pval, float(cfi), float(tli), rmsea, low, high, srmr, n)


def _largest_residuals(s: np.ndarray, sigma: np.ndarray, names: list[str],
                       top: int) -> pd.DataFrame:
    sd_s, sd_m = np.sqrt(np.diag(s)), np.sqrt(np.diag(sigma))
    resid = s / np.outer(sd_s, sd_s) - sigma / np.outer(sd_m, sd_m)
    i, j = np.triu_indices(len(names), 1)
    frame = pd.DataFrame({"item_a": np.array(names)[i], "item_b": np.array(names)[j],
                          "residual_r": resid[i, j]})
    order = frame["residual_r"].abs().sort_values(ascending=False).index[:top]
    return frame.loc[order].reset_index(drop=True)


def cfa(df: pd.DataFrame, scales: Sequence[str] | None = None,
        codebook: Codebook | None = None, *, hints: int = 5) -> CFA:
    """Fit the codebook's measurement model of ``scales`` (default: motives and pitfalls).

    ``df`` holds cleaned answers (out-of-range values already missing); items are
    reverse-keyed first, so every loading should be positive. Raises
    :class:`~coursekit.common.errors.AnalysisInputError` when too few respondents answered
    every item for the covariance matrix to be invertible.
    """
    cb = codebook or load_codebook()
    scales = list(scales) if scales is not None else \
        [*cb.scale_names("motive"), *cb.scale_names("pitfall")]
    factors = {s: list(cb.scale(s).item_ids) for s in scales}
    return fit_cfa(keyed_items(df, scales, cb), factors, hints=hints)


def fit_cfa(items: pd.DataFrame, factors: Mapping[str, Sequence[str]], *,
            hints: int = 5) -> CFA:
    """Fit ``factors`` (factor -> its items) to already keyed ``items``; see :func:`cfa`."""
    import semopy  # ~0.5 s to import: only when a CFA is asked for

    scales = list(factors)
    items = _complete_items(items, factors)
    model = "\n".join(f"{f} =~ " + " + ".join(cols) for f, cols in factors.items())
    fitted = semopy.Model(model)
    # A tighter tolerance than semopy's default: standardized loadings then agree with
    # lavaan to about 1e-5 instead of 1e-3, for a few more iterations.
    result = fitted.fit(items, obj="MLW", options={"ftol": 1e-12, "maxiter": 10000})
    if not result.success:
        raise AnalysisInputError(f"the CFA of {', '.join(scales)} did not converge "
                                 f"({result.message})")
    names = list(fitted.vars["observed"])
    s = np.cov(items[names].to_numpy(), rowvar=False, ddof=0)
    sigma = fitted.calc_sigma()[0]
    fit = fit_indices(s, sigma, len(items), len(fitted.param_vals))
    return CFA(model, fit, *_standardized(fitted, scales, list(items.columns)),
               _largest_residuals(s, sigma, names, hints), len(items))


def _standardized(fitted, scales: list[str], order: list[str]
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Standardized loadings (item order of the data) and factor correlations."""
    est = fitted.inspect(std_est=True)
    loads = est[(est["op"] == "~") & est["rval"].isin(scales)]
    loadings = pd.DataFrame({"factor": loads["rval"].to_numpy(),
                             "loading": loads["Est. Std"].to_numpy(dtype=float)},
                            index=pd.Index(loads["lval"].to_numpy(), name="item"))
    loadings = loadings.loc[[i for i in order if i in loadings.index]]
    cov = est[(est["op"] == "~~") & est["lval"].isin(scales) & est["rval"].isin(scales)]
    phi = pd.DataFrame(np.eye(len(scales)), index=scales, columns=scales)
    for a, b, r in cov[["lval", "rval", "Est. Std"]].itertuples(index=False):
        if a != b:
            phi.loc[a, b] = phi.loc[b, a] = float(r)
    return loadings, phi
