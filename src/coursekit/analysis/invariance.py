"""Measurement invariance: do the scales measure the same thing in every group?

The codebook's measurement model (:mod:`coursekit.analysis.cfa`) is fitted in several
groups at once, by maximum likelihood with a mean structure, at three nested levels:

- **configural**: the same items load on the same factors in every group, all else free;
- **metric**: loadings equal across groups (factor variances free after the first group);
- **scalar**: loadings and item intercepts equal (factor means free after the first group).

Each level is compared with the one before by the chi-square difference test and the
change in CFI (a drop of more than .01 speaks against the stricter level; Cheung &
Rensvold 2002). The discrepancy is lavaan's::

    F = sum_g N_g [log|Sigma_g| + tr(S_g Sigma_g^-1) - log|S_g| - p
                   + (m_g - mu_g)' Sigma_g^-1 (m_g - mu_g)],   chi2 = F

with ``Sigma_g = Lambda_g Phi_g Lambda_g' + Theta_g`` and ``mu_g = nu_g + Lambda_g kappa_g``;
CFI and TLI against the independence model of every group, RMSEA as lavaan computes it for
several groups (``sqrt(G) sqrt(max(chi2 - df, 0) / (df N))``) and SRMR as the N-weighted
mean of each group's, means included. It matches ``lavaan::cfa(model, data, group = ...,
std.lv = TRUE, group.equal = ...)`` (``tests/reference/cfa/lavaan.json``).

Hand-written because semopy, which fits the single-group CFA, has no cross-group
equality constraints; the fit is a few matrix products with an analytic gradient
(L-BFGS), about a second for seven scales in two groups.

Example
-------
>>> from coursekit import start
>>> course = start(cohort="demo")
>>> table = measurement_invariance(course.data, "gender", ["validation", "escapism"],
...                                course.codebook, groups=["woman", "man"])
>>> list(table.index)
['configural', 'metric', 'scalar']
>>> int(table.loc["metric", "df"] - table.loc["configural", "df"])
10
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from coursekit.analysis.scoring import keyed_items
from coursekit.common.errors import AnalysisInputError
from coursekit.survey.codebook import Codebook, load_codebook

LEVELS = ("configural", "metric", "scalar")


@dataclass(frozen=True)
class _Group:
    s: np.ndarray      # covariance, divisor N
    m: np.ndarray      # means
    n: int


@dataclass(frozen=True)
class _Layout:
    """Where each group's matrices take their free parameters from (-1: fixed)."""

    lam: list[np.ndarray]     # p x k parameter indices
    phi: list[np.ndarray]     # k x k (symmetric indices; diagonal -1 when fixed at 1)
    theta: list[np.ndarray]   # p
    nu: list[np.ndarray]      # p
    kappa: list[np.ndarray]   # k (-1: fixed at 0)
    size: int


def _layout(pattern: np.ndarray, n_groups: int, level: str) -> _Layout:
    p, k = pattern.shape
    counter = iter(range(10**9))

    def new(shape: tuple[int, ...], mask: np.ndarray | None = None) -> np.ndarray:
        idx = np.full(shape, -1)
        where = np.ones(shape, bool) if mask is None else mask
        idx[where] = [next(counter) for _ in range(int(where.sum()))]
        return idx

    lam, phi, theta, nu, kappa = [], [], [], [], []
    for g in range(n_groups):
        share_lam = level != "configural" and g > 0
        lam.append(lam[0] if share_lam else new((p, k), pattern))
        off = new((k, k), np.tril(np.ones((k, k), bool), -1))
        off = np.where(off >= 0, off, off.T)
        if share_lam:  # variances free once loadings are equal
            np.fill_diagonal(off, [next(counter) for _ in range(k)])
        phi.append(off)
        theta.append(new((p,)))
        share_nu = level == "scalar" and g > 0
        nu.append(nu[0] if share_nu else new((p,)))
        kappa.append(new((k,)) if share_nu else np.full(k, -1))
    return _Layout(lam, phi, theta, nu, kappa, next(counter))


def _take(idx: np.ndarray, x: np.ndarray, fixed: float) -> np.ndarray:
    return np.where(idx >= 0, x[np.maximum(idx, 0)], fixed)


def _matrices(x: np.ndarray, lay: _Layout, g: int):
    lam = _take(lay.lam[g], x, 0.0)
    phi = _take(lay.phi[g], x, 0.0)
    if (lay.phi[g].diagonal() < 0).all():
        np.fill_diagonal(phi, 1.0)
    theta = _take(lay.theta[g], x, 0.0)
    nu, kappa = _take(lay.nu[g], x, 0.0), _take(lay.kappa[g], x, 0.0)
    return lam, phi, theta, nu, kappa


def _implied(lam, phi, theta, nu, kappa):
    return lam @ phi @ lam.T + np.diag(theta), nu + lam @ kappa


def _objective(x: np.ndarray, lay: _Layout, groups: Sequence[_Group]):
    """lavaan's F (summed over groups, times N_g) and its gradient."""
    total, grad = 0.0, np.zeros_like(x)
    for g, grp in enumerate(groups):
        lam, phi, theta, nu, kappa = _matrices(x, lay, g)
        sigma, mu = _implied(lam, phi, theta, nu, kappa)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros_like(x)
        inv = np.linalg.inv(sigma)
        d = grp.m - mu
        total += grp.n * (logdet + np.trace(grp.s @ inv) + d @ inv @ d)
        gs = grp.n * (inv - inv @ (grp.s + np.outer(d, d)) @ inv)   # dF / dSigma
        gmu = grp.n * (-2 * inv @ d)                                 # dF / dmu
        parts = ((lay.lam[g], 2 * gs @ lam @ phi + np.outer(gmu, kappa)),
                 (lay.phi[g], lam.T @ gs @ lam), (lay.theta[g], np.diag(gs)),
                 (lay.nu[g], gmu), (lay.kappa[g], lam.T @ gmu))
        for idx, dm in parts:
            free = idx >= 0
            np.add.at(grad, idx[free], dm[free])
    return total, grad


@dataclass(frozen=True)
class _Fit:
    chisq: float
    df: int
    srmr: float


def _fit_level(groups: Sequence[_Group], pattern: np.ndarray, level: str) -> _Fit:
    lay = _layout(pattern, len(groups), level)
    x0 = np.zeros(lay.size)
    for g, grp in enumerate(groups):
        sd = np.sqrt(np.diag(grp.s))
        for (i, _), idx in np.ndenumerate(lay.lam[g]):
            if idx >= 0:
                x0[idx] = 0.6 * sd[i]
        x0[lay.theta[g]] = 0.6 * np.diag(grp.s)
        if g == 0 or lay.nu[g] is not lay.nu[0]:
            x0[lay.nu[g]] = grp.m
        x0[np.diag(lay.phi[g])[np.diag(lay.phi[g]) >= 0]] = 1.0
    res = optimize.minimize(_objective, x0, args=(lay, groups), jac=True, method="L-BFGS-B",
                            options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-15,
                                     "gtol": 1e-9})
    if not res.success and "ABNORMAL" not in str(res.message):
        raise AnalysisInputError(f"the {level} model did not converge ({res.message})")
    p = pattern.shape[0]
    chisq = res.fun - sum(grp.n * (np.linalg.slogdet(grp.s)[1] + p) for grp in groups)
    moments = len(groups) * (p * (p + 1) // 2 + p)
    srmr = _srmr(res.x, lay, groups)
    return _Fit(max(float(chisq), 0.0), moments - lay.size, srmr)


def _srmr(x: np.ndarray, lay: _Layout, groups: Sequence[_Group]) -> float:
    n = sum(g.n for g in groups)
    total = 0.0
    for g, grp in enumerate(groups):
        sigma, mu = _implied(*_matrices(x, lay, g))
        sd = np.sqrt(np.diag(grp.s))
        r = (grp.s - sigma) / np.outer(sd, sd)
        e = (grp.m - mu) / sd
        sq = np.concatenate([r[np.tril_indices(len(sd))] ** 2, e**2])
        total += grp.n / n * np.sqrt(sq.mean())
    return float(total)


def _groups(df: pd.DataFrame, items: pd.DataFrame, by: str,
            groups: Sequence[str] | None) -> tuple[list[str], list[_Group]]:
    if by not in df.columns:
        raise AnalysisInputError(f"no column '{by}' to compare groups by")
    labels = list(groups) if groups is not None else list(df[by].dropna().unique())
    out = []
    for label in labels:
        x = items[df[by] == label].astype(float).dropna().to_numpy()
        if len(x) <= x.shape[1] + 1:
            raise AnalysisInputError(
                f"measurement invariance across '{by}' is not available: group '{label}' has "
                f"{len(x)} respondents who answered all {x.shape[1]} items (needs more than "
                f"{x.shape[1] + 1})")
        out.append(_Group(np.cov(x, rowvar=False, ddof=0), x.mean(axis=0), len(x)))
    if len(out) < 2:
        raise AnalysisInputError(f"measurement invariance needs two groups of '{by}'")
    return labels, out


def invariance_table(items: pd.DataFrame, group: pd.Series,
                     factors: Mapping[str, Sequence[str]],
                     groups: Sequence[str] | None = None) -> pd.DataFrame:
    """Configural, metric and scalar fits of ``factors`` to keyed ``items`` by ``group``."""
    used = [c for cols in factors.values() for c in cols]
    pattern = np.array([[c in factors[f] for f in factors] for c in used])
    frame = pd.DataFrame({"_group": group})
    _, grps = _groups(frame, items[used], "_group", groups)
    n, p = sum(g.n for g in grps), len(used)
    chisq0 = sum(g.n * (np.log(np.diag(g.s)).sum() - np.linalg.slogdet(g.s)[1]) for g in grps)
    df0 = len(grps) * p * (p - 1) // 2
    rows = []
    for level in LEVELS:
        fit = _fit_level(grps, pattern, level)
        cfi = 1 - max(fit.chisq - fit.df, 0) / max(chisq0 - df0, fit.chisq - fit.df, 0)
        tli = (chisq0 / df0 - fit.chisq / fit.df) / (chisq0 / df0 - 1)
        rmsea = np.sqrt(len(grps)) * np.sqrt(max(fit.chisq - fit.df, 0) / (fit.df * n))
        rows.append({"level": level, "chisq": fit.chisq, "df": fit.df,
                     "p": stats.chi2.sf(fit.chisq, fit.df), "cfi": cfi, "tli": tli,
                     "rmsea": rmsea, "srmr": fit.srmr})
    table = pd.DataFrame(rows).set_index("level")
    table["delta_chisq"] = table["chisq"].diff()
    table["delta_df"] = table["df"].diff()
    table["delta_p"] = stats.chi2.sf(table["delta_chisq"], table["delta_df"])
    table["delta_cfi"] = table["cfi"].diff()
    table.attrs["n"] = n
    return table


def measurement_invariance(df: pd.DataFrame, by: str, scales: Sequence[str] | None = None,
                           codebook: Codebook | None = None, *,
                           groups: Sequence[str] | None = None) -> pd.DataFrame:
    """The nested invariance fits of the codebook's ``scales`` across the groups of ``by``.

    ``groups`` picks and orders the groups (default: every value of ``by``, in order of
    appearance; the first is the reference whose factor variances and means are fixed).
    One row per level with ``chisq, df, p, cfi, tli, rmsea, srmr`` and the comparison with
    the level before (``delta_chisq, delta_df, delta_p, delta_cfi``).
    """
    cb = codebook or load_codebook()
    scales = list(scales) if scales is not None else \
        [*cb.scale_names("motive"), *cb.scale_names("pitfall")]
    factors = {s: list(cb.scale(s).item_ids) for s in scales}
    if by not in df.columns:
        raise AnalysisInputError(f"no column '{by}' to compare groups by")
    return invariance_table(keyed_items(df, scales, cb), df[by], factors, groups)
