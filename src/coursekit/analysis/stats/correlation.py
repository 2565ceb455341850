"""Correlations of every pair of columns, with Fisher intervals and t-test p-values.

>>> import pandas as pd
>>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 1, 4, 3, 5.0], "c": [5, 3, 4, 1, 2.0]})
>>> correlations(df, method="spearman")[["x", "y", "r"]].round(1).values.tolist()
[['a', 'b', 0.8], ['a', 'c', -0.8], ['b', 'c', -0.3]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from coursekit.analysis.checks import check_ci
from coursekit.analysis.matrices import item_matrix, numeric_frame, pairwise_corr
from coursekit.common.errors import AnalysisInputError

__all__ = ["correlations"]

#: Fewest respondents a pair needs: Fisher's interval divides by ``sqrt(n - 3)``.
MIN_PAIR = 4
P_ADJUST = ("holm", "bonferroni", "fdr_bh")


def correlations(
    df: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    method: str = "pearson",
    ci: float = 0.95,
    p_adjust: str | None = None,
) -> pd.DataFrame:
    """Every pair of ``columns``: ``n``, ``r``, its confidence interval and p-value, one row each.

    ``method="pearson"`` or ``"spearman"`` (Pearson's r of the ranks, ties
    averaged, ranked within each pair's complete rows: pandas'
    ``DataFrame.corr("spearman")``). The p-value tests
    ``r = 0`` with ``t = r sqrt((n - 2) / (1 - r^2))`` on ``n - 2`` degrees of
    freedom (as ``scipy.stats.pearsonr`` / ``spearmanr``); the interval is
    Fisher's: ``tanh(atanh(r) +- z_crit / sqrt(n - 3))`` (as ``pingouin.corr``
    and R's ``cor.test``). ``p_adjust`` adds a ``p_adj`` column corrected for
    the number of pairs with ``statsmodels.stats.multitest.multipletests``
    (``"holm"``, ``"bonferroni"``, ``"fdr_bh"``).

    Missing data: pairwise; ``n`` is the number of rows with both values.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 1, 4, 3, 5.0], "c": [5, 3, 4, 1, 2.0]})
    >>> correlations(df)[["x", "y", "n", "r"]].round(2).values.tolist()
    [['a', 'b', 5, 0.8], ['a', 'c', 5, -0.8], ['b', 'c', 5, -0.3]]
    """
    ci = check_ci(ci)
    if method not in ("pearson", "spearman"):
        raise AnalysisInputError(f"method must be 'pearson' or 'spearman', got {method!r}")
    if p_adjust is not None and p_adjust not in P_ADJUST:
        raise AnalysisInputError(
            f"p_adjust must be 'holm', 'bonferroni' or 'fdr_bh', got {p_adjust!r}"
        )
    cols = list(df.columns) if columns is None else list(columns)
    frame = numeric_frame(df, cols, what="correlations")
    x, names = item_matrix(frame, min_items=2, min_rows=MIN_PAIR, what="correlations")
    if method == "pearson":
        r, pair_n = pairwise_corr(x, names, min_pair=MIN_PAIR)
    else:
        r, pair_n = _spearman(x, names)
    iu, ju = np.triu_indices(len(names), 1)
    out = _tests(r[iu, ju], pair_n[iu, ju], ci)
    out.insert(0, "y", [names[j] for j in ju])
    out.insert(0, "x", [names[i] for i in iu])
    if p_adjust is not None:
        from statsmodels.stats.multitest import multipletests

        out["p_adj"] = multipletests(out["p"].to_numpy(), method=p_adjust)[1]
    return out


def _spearman(x: np.ndarray, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Spearman correlations and pairwise counts, refusing pairs too rare or without variation.

    pandas ranks each pair's complete rows on their own (so a respondent who
    skipped one of the pair does not shift the other's ranks), as R's
    ``cor(method = "spearman", use = "pairwise")`` does.
    """
    observed = (~np.isnan(x)).astype(float)
    pair_n = observed.T @ observed
    low = np.argwhere(np.triu(pair_n < MIN_PAIR, 1))
    if low.size:
        i, j = low[0]
        raise AnalysisInputError(
            f"correlations: '{names[i]}' and '{names[j]}' are given together by "
            f"{int(pair_n[i, j])} respondent(s); at least {MIN_PAIR} are needed"
        )
    r = pd.DataFrame(x).corr("spearman").to_numpy()
    bad = np.argwhere(np.triu(~np.isfinite(r), 1))
    if bad.size:   # pandas gives NaN for a pair in which one column is constant
        i, j = bad[0]
        raise AnalysisInputError(
            f"correlations: '{names[i]}' or '{names[j]}' does not vary on the rows "
            "where both are given"
        )
    return r, pair_n


def _tests(r: np.ndarray, n: np.ndarray, ci: float) -> pd.DataFrame:
    """``n``, ``r``, Fisher interval and t-test p-value for each correlation ``r`` of ``n``."""
    df_t = n - 2
    with np.errstate(divide="ignore"):
        t = r * np.sqrt(df_t / np.maximum(1 - r**2, 0.0))
    pval = 2 * sps.t.sf(np.abs(t), df_t)
    # Clipping keeps atanh finite for |r| = 1 (a perfectly related pair).
    z = np.arctanh(np.clip(r, -1 + 1e-16, 1 - 1e-16))
    crit = sps.norm.isf((1 - ci) / 2)
    se = 1 / np.sqrt(n - 3)
    return pd.DataFrame({"n": n.astype(int), "r": r, "ci_low": np.tanh(z - crit * se),
                         "ci_high": np.tanh(z + crit * se), "p": pval})
