"""Polychoric correlations of Likert items, and the ordinal alpha built on them.

A Likert answer is a coarse reading of a continuous attitude: the polychoric correlation
of two items is the correlation of two standard normal variables that, cut at the items'
thresholds, give the items' joint table (Olsson 1979). For items ``x`` and ``y`` with
thresholds ``a`` and ``b`` (normal quantiles of the cumulative answer proportions) the
correlation ``rho`` maximises ``sum_ij n_ij log P_ij(rho)``, where ``P_ij`` is the
bivariate normal probability of the rectangle ``[a_i, a_i+1] x [b_j, b_j+1]``.

This follows R's ``psych::polychoric`` (Revelle), whose choices it copies so that the
numbers agree:

- items that share one set of answer options (``global``): thresholds from each item's
  own answers, the joint table over every answer option;
- items with different options (psych then sets ``global = FALSE``): the pair's table with
  empty rows and columns dropped, empty cells set to 0.5 answers (``correct = .5``), and
  thresholds from that table's margins;
- a matrix that is not positive definite is smoothed as ``psych::cor.smooth`` does.

The bivariate normal probabilities come from Owen's T function
(``scipy.special.owens_t``; Owen 1956), and every pair is solved at once by bisection on
the score, so a matrix of 42 items takes well under a second. psych's ``optimize``
stops at a tolerance of about 1e-4 in ``rho``; agreement is to 1e-3
(``tests/reference/ordinal/psych.json``, from ``scripts/r_reference/ordinal.R``).

Ordinal alpha (Zumbo, Gadermann & Zeisser 2007) is the standardized alpha of the
polychoric matrix, ``k / (k - 1) * (1 - k / sum(R))``, as
``psych::alpha(polychoric(x)$rho)``; ordinal omega is omega total of that matrix, as
``psych::omega(polychoric(x)$rho, nfactors = 1)``.

Example
-------
>>> from coursekit import keyed_items, start
>>> course = start(cohort="demo")
>>> items = keyed_items(course.data, "compulsive", course.codebook)
>>> r = polychoric(items)
>>> bool((r.to_numpy() > items.corr().to_numpy() - 1e-9).all())   # above Pearson's r
True
>>> round(ordinal_alpha(items), 2), round(ordinal_omega(items), 2)
(0.86, 0.86)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from coursekit.analysis.matrices import item_matrix
from coursekit.common.errors import AnalysisInputError

#: psych's continuity correction: answers put in an empty cell of a pair's table.
CORRECT = 0.5
#: Thresholds beyond this many standard deviations are treated as infinite.
_INF = 12.0


def _phi2(h: np.ndarray, k: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Bivariate standard normal CDF ``P(X < h, Y < k)`` with correlation ``rho`` (Owen)."""
    h = np.where(h == 0, 1e-12, h)
    k = np.where(k == 0, 1e-12, k)
    s = np.sqrt(1 - rho**2)
    a_h = (k - rho * h) / (h * s)
    a_k = (h - rho * k) / (k * s)
    beta = np.where((h * k > 0) | ((h * k == 0) & (h + k >= 0)), 0.0, 0.5)
    value = 0.5 * (special.ndtr(h) + special.ndtr(k)) - special.owens_t(h, a_h) \
        - special.owens_t(k, a_k) - beta
    return np.clip(value, 0.0, 1.0)


def _dphi2(h: np.ndarray, k: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """d Phi2 / d rho: the bivariate normal density at ``(h, k)``."""
    s2 = 1 - rho**2
    return np.exp(-(h**2 - 2 * rho * h * k + k**2) / (2 * s2)) / (2 * np.pi * np.sqrt(s2))


def _cells(rc: np.ndarray, cc: np.ndarray, rho: np.ndarray, f) -> np.ndarray:
    """Rectangle sums of ``f`` over the grid of cuts: pairs x rows x columns."""
    r = np.concatenate([np.full(rc.shape[:1] + (1,), -_INF), rc,
                        np.full(rc.shape[:1] + (1,), _INF)], axis=1)
    c = np.concatenate([np.full(cc.shape[:1] + (1,), -_INF), cc,
                        np.full(cc.shape[:1] + (1,), _INF)], axis=1)
    grid = f(r[:, :, None], c[:, None, :], rho[:, None, None])
    return grid[:, 1:, 1:] - grid[:, :-1, 1:] - grid[:, 1:, :-1] + grid[:, :-1, :-1]


def _solve(tabs: np.ndarray, rc: np.ndarray, cc: np.ndarray) -> np.ndarray:
    """The maximum-likelihood ``rho`` of every pair's table, by bisection on the score."""
    lo = np.full(len(tabs), -0.99999)
    hi = np.full(len(tabs), 0.99999)

    def score(rho: np.ndarray) -> np.ndarray:
        p = _cells(rc, cc, rho, _phi2)
        dp = _cells(rc, cc, rho, lambda h, k, r: np.where(
            np.isfinite(h) & np.isfinite(k), _dphi2(h, k, r), 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where((tabs > 0) & (p > 0), tabs * dp / p, 0.0)
        return terms.sum(axis=(1, 2))

    for _ in range(48):  # halves the interval to 7e-15
        mid = (lo + hi) / 2
        up = score(mid) > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    return (lo + hi) / 2


def _thresholds(cum: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.clip(stats.norm.ppf(cum), -_INF, _INF)


def _pair_tables(x: np.ndarray, n_cat: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joint counts of every item pair (i < j) over ``n_cat`` options, and the pair index."""
    i, j = np.triu_indices(x.shape[1], 1)
    onehot = np.stack([(x == c).astype(float) for c in range(n_cat)], axis=2)  # n p K
    tabs = np.einsum("nia,njb->ijab", onehot, onehot)[i, j]
    return tabs, i, j


def _local(tab: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """psych's ``global = FALSE`` table: empty rows/columns out, empty cells corrected."""
    tab = tab[tab.sum(axis=1) > 0][:, tab.sum(axis=0) > 0]
    tot = tab.sum()
    tab = np.where(tab == 0, CORRECT, tab) / tot
    rc = _thresholds(np.cumsum(tab.sum(axis=1))[:-1])
    cc = _thresholds(np.cumsum(tab.sum(axis=0))[:-1])
    return tab, rc, cc


def _smooth(r: np.ndarray) -> np.ndarray:
    """``psych::cor.smooth``: lift eigenvalues below 1e-12, rescale, back to correlations."""
    values, vectors = np.linalg.eigh(r)
    if values.min() >= np.finfo(float).eps:
        return r
    values = np.where(values < 1e-12, 100 * 1e-12, values)
    values = len(values) * values / values.sum()
    smoothed = vectors @ np.diag(values) @ vectors.T
    d = 1 / np.sqrt(np.diag(smoothed))
    return smoothed * np.outer(d, d)


def polychoric(items: pd.DataFrame) -> pd.DataFrame:
    """The polychoric correlation matrix of Likert ``items`` (whole-number answers).

    Missing answers are left out pair by pair. Raises
    :class:`~coursekit.common.errors.AnalysisInputError` for answers that are not whole
    numbers, more than 8 answer options (psych's limit: such items are not ordinal in
    the sense meant here) or an item that never varies.
    """
    x, names = item_matrix(items, min_items=2, what="polychoric correlations")
    observed = ~np.isnan(x)
    if (np.abs(x[observed] - np.round(x[observed])) > 0).any():
        col = int(np.flatnonzero((np.abs(np.nan_to_num(x) - np.round(np.nan_to_num(x)))
                                  > 0).any(axis=0))[0])
        raise AnalysisInputError(f"polychoric correlations: column '{names[col]}' holds "
                                 "answers that are not whole numbers (expected Likert codes)")
    lo = np.nanmin(x)
    codes = np.where(observed, x - lo, -1).astype(int)
    n_cat = int(codes.max()) + 1
    if n_cat > 8:
        raise AnalysisInputError(f"polychoric correlations: {n_cat} answer options; at most 8 "
                                 "make an ordinal item")
    tabs, i, j = _pair_tables(codes, n_cat)
    tops = np.array([codes[observed[:, c], c].max() for c in range(len(names))])
    if (tops == tops[0]).all():                       # psych's global thresholds
        freq = np.stack([np.bincount(codes[observed[:, c], c], minlength=n_cat)
                         for c in range(len(names))])
        tau = _thresholds(np.cumsum(freq / freq.sum(axis=1, keepdims=True), axis=1)[:, :-1])
        totals = tabs.sum(axis=(1, 2), keepdims=True)
        rho = _solve(tabs / totals, tau[i], tau[j])
    else:
        parts = [_local(t) for t in tabs]
        by_shape: dict[tuple[int, ...], list[int]] = {}
        for m, part in enumerate(parts):  # tables of one shape are solved together
            by_shape.setdefault(part[0].shape, []).append(m)
        rho = np.empty(len(parts))
        for picked in by_shape.values():
            rho[picked] = _solve(*(np.stack([parts[m][k] for m in picked]) for k in range(3)))
    r = np.eye(len(names))
    r[i, j] = r[j, i] = rho
    return pd.DataFrame(_smooth(r), index=names, columns=names)


def ordinal_alpha(items: pd.DataFrame) -> float:
    """Ordinal alpha: the standardized alpha of the items' polychoric matrix.

    ``k / (k - 1) * (1 - k / sum(R))``, as ``psych::alpha(polychoric(x)$rho)``.
    """
    r = polychoric(items).to_numpy()
    k = len(r)
    return float(k / (k - 1) * (1 - k / r.sum()))


def ordinal_omega(items: pd.DataFrame) -> float:
    """Ordinal omega: omega total of the items' polychoric matrix.

    As ``psych::omega(polychoric(x)$rho, nfactors = 1)$omega.tot``: the minimum-residual
    one-factor fit of :func:`coursekit.analysis.reliability.omega` on ``R`` instead of
    Pearson's correlations.
    """
    from coursekit.analysis.reliability import _omega_from_corr

    r = polychoric(items)
    return _omega_from_corr(r.to_numpy(), len(items), list(r.columns)).total
