"""How well an exploratory factor solution fits: the statistics ``psych::fa`` prints.

For ``p`` items with correlation matrix ``R``, ``m`` factors with loadings ``L`` (and
factor correlations ``Phi`` for an oblique rotation) and ``n`` respondents, following
``psych::fa.stats`` (Revelle, *psych*):

- the model ``M = L Phi L'`` with ones on its diagonal; the objective
  ``F = tr(M^-1 R) - log|M^-1 R| - p``; the likelihood chi-square with Bartlett's
  correction ``chi2 = F (n - 1 - (2p + 5) / 6 - 2m / 3)`` on
  ``df = p (p - 1) / 2 - p m + m (m - 1) / 2`` degrees of freedom;
- Tucker-Lewis index ``TLI = (M0 - Mm) / (M0 - 1 / nm)`` with ``M0 = F0 / (p (p - 1) / 2)``
  (``F0 = -log|R|``), ``Mm = F / df`` and ``nm`` the correction factor above;
- RMSEA ``sqrt(max(chi2 / (df n) - 1 / (n - 1), 0))`` with a 90 % interval from the
  noncentral chi-square (divided by ``(n - 1) df``, as psych does);
- ``BIC = chi2 - df log(n)``; the root mean square of the off-diagonal residuals
  ``R - L Phi L'`` (``rms``) and its df-corrected form (``crms``).

Everything depends on the solution only through ``L Phi L'``, so any rotation gives the
same fit. Checked against ``psych::fa(x, nfactors, fm = "ml")`` (``tests/reference/
efa/psych.json``, from ``scripts/r_reference/efa.R``). Hand-written because statsmodels'
``Factor`` reports none of these.

Example
-------
>>> from coursekit import efa, keyed_items, start
>>> course = start(cohort="demo")
>>> items = keyed_items(course.data, ["validation", "escapism"], course.codebook)
>>> fit = efa_fit(items, efa(items, 2, "varimax"))
>>> fit.df
43
>>> fit.rmsea < 0.08
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from coursekit.analysis.cfa import noncentrality_bound
from coursekit.analysis.factors import EFA, correlation_matrix


@dataclass(frozen=True)
class EFAFit:
    """The fit of an exploratory factor solution, as ``psych::fa`` reports it."""

    objective: float
    chisq: float
    df: int
    p: float
    null_chisq: float
    null_df: int
    tli: float
    rmsea: float
    rmsea_low: float
    rmsea_high: float
    bic: float
    rms: float
    crms: float
    n: int

    def __str__(self) -> str:
        p = "< .001" if self.p < 0.001 else f"= {self.p:.3f}".replace("0.", ".", 1)
        return (f"chi2({self.df}) = {self.chisq:.1f}, p {p}; TLI = {self.tli:.3f}, "
                f"RMSEA = {self.rmsea:.3f} [{self.rmsea_low:.3f}, {self.rmsea_high:.3f}], "
                f"BIC = {self.bic:.1f}, RMSR = {self.rms:.3f}")


def _rmsea_bound(chisq: float, df: int, n: int, prob: float) -> float:
    """psych's bound: the noncentrality at ``prob`` over ``(n - 1) df``."""
    return float(np.sqrt(noncentrality_bound(chisq, df, prob) / (n - 1) / df))


def fit_statistics(r: np.ndarray, loadings: np.ndarray, phi: np.ndarray | None,
                   n: int, pair_counts: np.ndarray | None = None) -> EFAFit:
    """psych's fit statistics of ``loadings`` (p x m) for correlation matrix ``r``.

    ``pair_counts`` (respondents answering both items of each pair) weight the residuals
    of ``rms`` and ``crms`` as psych does for data with missing answers; without them
    every pair counts ``n``.
    """
    p, m = loadings.shape
    phi = np.eye(m) if phi is None else phi
    model = loadings @ phi @ loadings.T
    residual = r - model
    np.fill_diagonal(residual, 0.0)
    df = p * (p - 1) // 2 - p * m + m * (m - 1) // 2
    np.fill_diagonal(model, 1.0)
    m_inv_r = np.linalg.solve(model, r)
    objective = float(np.trace(m_inv_r) - np.linalg.slogdet(m_inv_r)[1] - p)
    nm = (n - 1) - (2 * p + 5) / 6 - 2 * m / 3
    chisq = max(objective * nm, 0.0)
    f0 = float(np.trace(r) - np.linalg.slogdet(r)[1] - p)
    m0, mm = f0 * 2 / (p * (p - 1)), objective / df
    rmsea = float(np.sqrt(max(chisq / (df * n) - 1 / (n - 1), 0.0)))
    if pair_counts is None:
        off, nh = float((residual**2).sum()), float(n)
    else:  # psych: residuals weighted by pair counts, over their harmonic mean
        off = float((residual**2 * pair_counts).sum())
        nh = float(stats.hmean(pair_counts.ravel()))
        off /= nh
    return EFAFit(
        objective=objective, chisq=chisq, df=df, p=float(stats.chi2.sf(chisq, df)),
        null_chisq=f0 * ((n - 1) - (2 * p + 5) / 6), null_df=p * (p - 1) // 2,
        tli=(m0 - mm) / (m0 - 1 / nm), rmsea=rmsea,
        rmsea_low=_rmsea_bound(chisq, df, n, 0.95),
        rmsea_high=_rmsea_bound(chisq, df, n, 0.05),
        bic=chisq - df * np.log(n), rms=float(np.sqrt(off / (p * (p - 1)))),
        crms=float(np.sqrt(off / (2 * df))), n=n)


def efa_fit(items: pd.DataFrame, solution: EFA) -> EFAFit:
    """The fit of ``solution`` (from :func:`coursekit.analysis.factors.efa`) to ``items``."""
    names = list(solution.loadings.index)
    r = correlation_matrix(items).loc[names, names]
    phi = solution.factor_correlations.to_numpy() \
        if solution.factor_correlations is not None else None
    answered = items[names].notna().to_numpy(dtype=float)
    return fit_statistics(r.to_numpy(), solution.loadings.to_numpy(), phi, solution.n,
                          answered.T @ answered)
