"""Item statistics of an assignment: one function per statistic, students x exercises in.

``scores`` is a DataFrame, one row per graded student and one column per exercise, of
points (1 correct, 0.5 close, 0 otherwise; :data:`coursekit.grade.expected.POINTS`);
``correct`` the same shape of 0/1 (1 = correct).

- :func:`difficulty`: share of students correct, ``p_j = mean_i x_ij`` (classical test
  theory's item difficulty, or facility);
- :func:`discrimination`: corrected item-total correlation, Pearson's r of the item
  with the total of the *other* items (``psych::alpha``'s ``r.drop``); NaN for an item
  every student got the same;
- :func:`kr20`: Kuder-Richardson 20 on the 0/1 matrix,
  ``k/(k-1) * (1 - sum p_j q_j / var(X))`` with the population variance of the total
  ``X`` (equal to :func:`alpha` on 0/1 data);
- :func:`alpha`: Cronbach's alpha on the points,
  ``k/(k-1) * (1 - sum var(x_j) / var(X))`` (sample variances; ``psych::alpha``'s raw
  alpha, ``pingouin.cronbach_alpha``).

>>> import pandas as pd
>>> m = pd.DataFrame({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0], "c": [1, 1, 1, 0]})
>>> difficulty(m).tolist()
[0.5, 0.5, 0.75]
>>> round(kr20(m), 4), round(alpha(m), 4)  # 1.5 * (1 - 0.6875 / 1.1875)
(0.6316, 0.6316)
>>> discrimination(m).round(3).tolist()
[0.302, 0.302, 0.816]
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def difficulty(correct: pd.DataFrame) -> pd.Series:
    """Share of students with each exercise correct (0..1)."""
    return correct.astype(float).mean(axis=0)


def discrimination(scores: pd.DataFrame) -> pd.Series:
    """Corrected item-total correlation of each exercise (NaN where undefined)."""
    x = scores.astype(float)
    total = x.sum(axis=1)
    out = {}
    for col in x.columns:
        rest = total - x[col]
        if x[col].std(ddof=0) == 0 or rest.std(ddof=0) == 0:
            out[col] = float("nan")
        else:
            out[col] = float(np.corrcoef(x[col], rest)[0, 1])
    return pd.Series(out, dtype=float)


def kr20(correct: pd.DataFrame) -> float:
    """Kuder-Richardson 20 (NaN for fewer than 2 exercises or a constant total)."""
    x = correct.astype(float)
    k = x.shape[1]
    var_total = x.sum(axis=1).var(ddof=0)
    if k < 2 or not var_total > 0:
        return float("nan")
    p = x.mean(axis=0)
    return float(k / (k - 1) * (1 - (p * (1 - p)).sum() / var_total))


def alpha(scores: pd.DataFrame) -> float:
    """Cronbach's alpha over exercises (NaN for fewer than 2 exercises or a constant total)."""
    x = scores.astype(float)
    k = x.shape[1]
    var_total = x.sum(axis=1).var(ddof=1)
    if k < 2 or len(x) < 2 or not var_total > 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / var_total))
