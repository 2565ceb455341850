"""Is a correlation matrix worth factor-analysing? Kaiser-Meyer-Olkin and Bartlett's test.

**KMO** (Kaiser 1970; Kaiser & Rice 1974) compares the items' correlations ``r`` with
their partial correlations ``a`` (each pair with every other item held constant, from
the inverse ``Q`` of the correlation matrix: ``a_ij = -Q_ij / sqrt(Q_ii Q_jj)``)::

    MSA   = sum_{i != j} r_ij^2 / (sum_{i != j} r_ij^2 + sum_{i != j} a_ij^2)
    MSA_i = the same sums over row i only

Values near 1 say the items share factors; Kaiser's labels run from "unacceptable"
(< .50) to "marvelous" (>= .90). **Bartlett's test of sphericity** (Bartlett 1951) asks
whether the correlation matrix ``R`` of ``p`` items from ``n`` respondents could be the
identity::

    chi2 = -(n - 1 - (2p + 5) / 6) * log(det R),   df = p (p - 1) / 2

Both match R's ``psych::KMO(r)`` and ``psych::cortest.bartlett(r, n)`` on
``r = cor(x, use = "pairwise")`` (``tests/reference/cfa/lavaan.json``, made by
``scripts/r_reference/cfa.R``). They are written here because the Python package that has
them (factor_analyzer 0.5.1) does not install with our scikit-learn and pandas 3; each is
three lines of linear algebra.

Example
-------
>>> from coursekit import keyed_items, start
>>> course = start(cohort="demo")
>>> items = keyed_items(course.data, ["validation", "escapism"], course.codebook)
>>> k = kmo(items)
>>> round(k.overall, 2), k.label
(0.89, 'meritorious')
>>> bartlett_sphericity(items).df
66
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from coursekit.analysis.matrices import item_matrix
from coursekit.analysis.results import Result
from coursekit.common.errors import AnalysisInputError

#: Kaiser's (1974) words for the overall MSA, from its lower bound up.
KAISER_LABELS = ((0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"),
                 (0.6, "mediocre"), (0.5, "miserable"), (0.0, "unacceptable"))


@dataclass(frozen=True)
class KMO(Result):
    """Kaiser-Meyer-Olkin measure of sampling adequacy: overall (``float()``) and per item."""

    overall: float
    items: pd.Series

    _headline = "overall"

    @property
    def label(self) -> str:
        """Kaiser's word for the overall value."""
        return next(word for bound, word in KAISER_LABELS if self.overall >= bound)

    def __str__(self) -> str:
        return f"KMO = {self.overall:.2f} ({self.label})"


@dataclass(frozen=True)
class Bartlett(Result):
    """Bartlett's test that the items' correlation matrix is the identity."""

    chisq: float
    df: int
    p: float
    n: int

    _numbers_hint = " (.chisq, .df, .p)"

    def __str__(self) -> str:
        p = "< .001" if self.p < 0.001 else f"= {self.p:.3f}".replace("0.", ".")
        return f"Bartlett's test: chi2({self.df}) = {self.chisq:.1f}, p {p}"


def _correlations(items: pd.DataFrame, what: str) -> tuple[np.ndarray, int]:
    """R's ``cor(use = "pairwise")`` (pandas computes each pair on its own rows)."""
    item_matrix(items, min_items=2, what=what)  # refuses text, infinities, too few items
    r = items.astype(float).corr().to_numpy()
    if not np.isfinite(r).all():
        raise AnalysisInputError(
            f"{what}: some pair of items has no variance in the rows where both are answered")
    eig = np.linalg.eigvalsh(r)
    if eig.min() <= 1e-10 * eig.max():
        raise AnalysisInputError(
            f"{what} is not available: the {r.shape[0]} items' correlation matrix is singular "
            f"(with {len(items)} respondents; it needs clearly more respondents than items)")
    return r, len(items)


def kmo(items: pd.DataFrame) -> KMO:
    """Kaiser-Meyer-Olkin sampling adequacy of ``items`` (as ``psych::KMO``)."""
    r, _ = _correlations(items, "KMO")
    q = np.linalg.inv(r)
    d = 1.0 / np.sqrt(np.diag(q))
    partial = -q * np.outer(d, d)
    off = ~np.eye(len(r), dtype=bool)
    r2, a2 = np.where(off, r**2, 0.0), np.where(off, partial**2, 0.0)
    overall = r2.sum() / (r2.sum() + a2.sum())
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + a2.sum(axis=0))
    return KMO(float(overall), pd.Series(per_item, index=items.columns, name="MSA"))


def bartlett_sphericity(items: pd.DataFrame) -> Bartlett:
    """Bartlett's test of sphericity of ``items`` (as ``psych::cortest.bartlett(r, n)``).

    ``n`` is every respondent in ``items``, as ``nrow(x)`` in the R call.
    """
    r, n = _correlations(items, "Bartlett's test")
    p = r.shape[0]
    _, logdet = np.linalg.slogdet(r)
    chisq = -(n - 1 - (2 * p + 5) / 6) * logdet
    df = p * (p - 1) // 2
    return Bartlett(float(chisq), df, float(stats.chi2.sf(chisq, df)), n)
