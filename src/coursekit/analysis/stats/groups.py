"""Group comparisons: Welch's t test with Hedges' g, Welch's or the classic one-way ANOVA.

>>> import pandas as pd
>>> df = pd.DataFrame({"s": [1.0, 2, 3, 4, 5, 3, 4, 5, 6, 7, 5, 6, 7, 8, 9],
...                    "g": ["a"] * 5 + ["b"] * 5 + ["c"] * 5})
>>> res = compare_groups(df, "s", "g")
>>> res.test, round(res.statistic, 2), round(res.effect_size, 3)
('Welch ANOVA', 7.38, 0.571)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from coursekit.analysis.checks import check_ci, check_whole, format_p
from coursekit.analysis.matrices import numeric_frame
from coursekit.analysis.privacy import DEFAULT_K, complementary_mask, suppress_small_groups
from coursekit.analysis.results import Result
from coursekit.common.errors import AnalysisInputError

__all__ = ["GroupComparison", "compare_groups", "hedges_g"]


@dataclass(frozen=True)
class GroupComparison(Result):
    """A comparison of ``score`` between the groups of ``group``.

    ``test`` is ``"Welch t test"`` (two groups), ``"Welch ANOVA"`` or
    ``"one-way ANOVA"``; ``statistic`` its t or F, with ``df1`` (and
    ``df2`` for F; ``None`` for t) and ``p``. ``effect`` names the effect
    size (``"hedges_g"`` for two groups, ``"eta_squared"`` otherwise) in
    ``effect_size``, with its interval ``effect_ci`` (Hedges g only).
    ``difference`` (first minus second group) and ``difference_ci`` are set
    for two groups. ``groups`` has one row per group: ``n``, ``mean``,
    ``sd``, ``ci_low``, ``ci_high`` (t interval of the mean) and
    ``suppressed``; groups smaller than ``min_group_size`` are listed in
    ``excluded``, left out of the test, and their row is masked. Groups in
    ``protected`` are large enough but left out and masked as well, so that no
    small group's figures follow from the whole cohort's by subtraction
    (:func:`coursekit.analysis.privacy.complementary_mask`).
    """

    score: str
    group: str
    test: str
    statistic: float
    df1: float
    df2: float | None
    p: float
    effect: str
    effect_size: float
    effect_ci: tuple[float, float] | None
    difference: float | None
    difference_ci: tuple[float, float] | None
    groups: pd.DataFrame
    n: int
    excluded: tuple[str, ...]
    min_group_size: int
    ci_level: float = 0.95
    protected: tuple[str, ...] = ()

    # float(), round() and format specs give the effect size.
    _headline = "effect_size"

    @property
    def hedges_g(self) -> float:
        """Hedges' g, first group minus second (two groups only; the same as ``effect_size``)."""
        if self.effect != "hedges_g":
            raise AttributeError(
                f"Hedges' g compares two groups; this comparison has {self.k}, and its "
                f"effect size is eta squared: use .eta_squared (or .effect_size)")
        return self.effect_size

    @property
    def g(self) -> float:
        """Hedges' g (see :attr:`hedges_g`)."""
        return self.hedges_g

    @property
    def eta_squared(self) -> float:
        """Eta squared: the share of the score's variance the groups account for.

        For more than two groups it is the ``effect_size``; for two it is
        ``t^2 / (t^2 + df)`` of the Welch t test.
        """
        if self.effect == "eta_squared":
            return self.effect_size
        t2 = self.statistic ** 2
        return float(t2 / (t2 + self.df1))

    @property
    def k(self) -> int:
        """How many groups were compared (those left out for their size, or to protect a
        small one, not counted)."""
        return len(self.groups) - len(self.excluded) - len(self.protected)

    def __str__(self) -> str:
        level = f"{100 * self.ci_level:g}%"
        if self.df2 is None:
            head = f"{self.test}: t({self.df1:.1f}) = {self.statistic:.2f}, {format_p(self.p)}"
        else:
            head = (f"{self.test}: F({self.df1:g}, {self.df2:.1f}) = {self.statistic:.2f}, "
                    f"{format_p(self.p)}")
        if self.effect_ci is not None:
            eff = (f"Hedges g = {self.effect_size:.2f}, {level} CI "
                   f"[{self.effect_ci[0]:.2f}, {self.effect_ci[1]:.2f}]")
        else:
            eff = f"eta squared = {self.effect_size:.3f}"
        text = f"{self.score} by {self.group} (n = {self.n}): {head}; {eff}"
        if self.excluded:
            text += (f". Left out (fewer than {self.min_group_size} respondents): "
                     f"{', '.join(self.excluded)}")
        if self.protected:
            text += (f". Also left out, so that no group of fewer than {self.min_group_size} "
                     f"can be worked out by subtraction from the whole cohort: "
                     f"{', '.join(self.protected)}")
        return text


def _group_order(labels: pd.Series, order: Sequence | None) -> list:
    if order is not None:
        order = list(order)
        present = set(labels.unique())
        unknown = [o for o in order if o not in present]
        if unknown:
            raise AnalysisInputError(
                f"group(s) {', '.join(map(str, unknown))} not found (present: "
                f"{', '.join(map(str, sorted(present, key=str)))})"
            )
        return order
    if isinstance(labels.dtype, pd.CategoricalDtype):
        return [c for c in labels.cat.categories if (labels == c).any()]
    return sorted(labels.unique(), key=str)


def hedges_g(a: np.ndarray, b: np.ndarray, ci: float = 0.95) -> tuple[float, float, float]:
    """Hedges' g of ``a`` minus ``b`` and its interval (Hedges & Olkin 1985, p. 86).

    ``g = J (m1 - m2) / s_pooled`` with ``J = 1 - 3 / (4 (n1 + n2) - 9)``;
    the interval is ``g +- t_crit(n1 + n2 - 2) SE`` with
    ``SE = sqrt((n1 + n2) / (n1 n2) + g^2 / (2 (n1 + n2)))``, as
    ``pingouin.compute_effsize`` and ``compute_esci``. Written out because
    statsmodels has no Hedges' g with this interval.

    >>> [round(v, 3) for v in hedges_g([3.0, 3.5, 4.0, 4.5, 5.0], [2.0, 2.5, 3.0, 3.5, 2.0])]
    [1.745, 0.031, 3.459]
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n1, n2 = len(a), len(b)
    pooled = np.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    g = (a.mean() - b.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    se = np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    crit = sps.t.isf((1 - ci) / 2, n1 + n2 - 2)
    return float(g), float(g - crit * se), float(g + crit * se)


def _group_table(by_group: dict, present: list, ci: float, k: int, unassigned: int
                 ) -> pd.DataFrame:
    """One row per group: n, mean, sd and the t interval of the mean, small groups masked
    (and the groups that protect them, see :func:`_samples`)."""
    rows = []
    for g in present:
        s = by_group.get(g, np.array([], dtype=float))
        if len(s) >= 2:
            m, sd = s.mean(), s.std(ddof=1)
            half = sps.t.isf((1 - ci) / 2, len(s) - 1) * sd / np.sqrt(len(s))
        else:
            m = sd = half = np.nan
        rows.append({"group": str(g), "n": len(s), "mean": m, "sd": sd,
                     "ci_low": m - half, "ci_high": m + half})
    return suppress_small_groups(pd.DataFrame(rows).set_index("group"), "n", k,
                                 unassigned=unassigned)


def _samples(df: pd.DataFrame, score: str, group: str, order: Sequence | None, k: int
             ) -> tuple[dict, list, list, tuple[str, ...], tuple[str, ...], int]:
    """The score by group (listwise), the groups present, those used, those left out as
    small, those left out to protect them, and the respondents with a score in no group.

    The whole cohort's mean of ``score`` is published elsewhere (notebook 02), so the
    respondents with a score but in no group shown (a missing group, a group not in
    ``order``, a small group) must be none or at least ``k``: otherwise the next-smallest
    group is left out as well (:func:`~coursekit.analysis.privacy.complementary_mask`).
    """
    if group not in df.columns:
        raise AnalysisInputError(f"group column '{group}' not in the data")
    y = numeric_frame(df, [score], what="compare_groups")[score]
    n_scored = int(y.notna().sum())
    labels = df[group]
    keep = y.notna() & labels.notna()
    y, labels = y[keep], labels[keep]
    present = _group_order(labels, order)
    if order is not None:   # only the groups named in `order` take part
        inside = labels.isin(present)
        y, labels = y[inside], labels[inside]
    sizes = labels.value_counts()
    counts = [int(sizes.get(g, 0)) for g in present]
    unassigned = n_scored - sum(counts)
    small, masked = complementary_mask(counts, k, unassigned=unassigned)
    excluded = tuple(str(g) for g, c in zip(present, counts, strict=True) if c < k)
    protected = tuple(str(g) for g, c, m in zip(present, counts, masked, strict=True)
                      if m and c >= k)
    used = [g for g, m in zip(present, masked, strict=True) if not m]
    if len(used) < 2:
        why = (f", and {len(protected)} more left out so that no group of fewer than {k} "
               "can be worked out by subtraction" if protected else "")
        raise AnalysisInputError(
            f"compare_groups: '{group}' has {len(used)} group(s) with at least "
            f"{k} respondents with a '{score}'{why}; two are needed"
        )
    # One grouping pass: a boolean mask per group costs a full scan of the labels each.
    by_group = {key: part.to_numpy() for key, part in y.groupby(labels, observed=True,
                                                                 sort=False)}
    flat = [str(g) for g in used if not by_group[g].var(ddof=1) > 0]
    if flat:
        raise AnalysisInputError(
            f"compare_groups: '{score}' does not vary within group(s) {', '.join(flat)}"
        )
    return by_group, present, used, excluded, protected, unassigned


def compare_groups(
    df: pd.DataFrame,
    score: str,
    group: str,
    *,
    order: Sequence | None = None,
    welch: bool = True,
    ci: float = 0.95,
    min_group_size: int = DEFAULT_K,
) -> GroupComparison:
    """Compare the mean of ``score`` between the groups of ``group``.

    Two groups: Welch's t test (``scipy.stats.ttest_ind(equal_var=False)``)
    and Hedges' g with its interval (:func:`hedges_g`). Differences are
    first minus second group in ``order`` (default: category order, else
    sorted labels).

    More groups: Welch's ANOVA (Welch 1951;
    ``statsmodels.stats.oneway.anova_oneway(use_var="unequal")``;
    ``welch=False`` for the classic one-way ANOVA, ``scipy.stats.f_oneway``)
    and eta squared = ``SS_between / SS_total`` (Cohen 1973).

    Privacy: groups with fewer than ``min_group_size`` respondents (default
    :data:`coursekit.analysis.privacy.DEFAULT_K`) are left out of the test, named in
    ``excluded`` and the result's text, and their row of ``groups`` is
    masked (:func:`coursekit.analysis.privacy.suppress_small_groups`). When the
    respondents left out (small groups, a missing group, groups not in ``order``)
    would number 1 to ``min_group_size - 1``, the next-smallest group is left out too
    (``protected``): the whole cohort's mean minus the groups shown would otherwise
    give theirs. Use ``min_group_size=2`` to keep every group that a test can use.

    Missing data: listwise (rows with a missing score or group are left out).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [3.0, 3.5, 4.0, 4.5, 5.0, 2.0, 2.5, 3.0, 3.5, 2.0],
    ...                    "group": ["a"] * 5 + ["b"] * 5})
    >>> res = compare_groups(df, "score", "group")
    >>> round(res.statistic, 3), round(res.effect_size, 3)
    (3.055, 1.745)
    """
    ci = check_ci(ci)
    k = check_whole(min_group_size, "min_group_size", minimum=2)
    by_group, present, used, excluded, protected, unassigned = _samples(df, score, group,
                                                                        order, k)
    table = _group_table(by_group, present, ci, k, unassigned)
    samples = [by_group[g] for g in used]
    n = int(sum(len(s) for s in samples))
    if len(used) == 2:
        a, b = samples
        res = sps.ttest_ind(a, b, equal_var=False)
        diff_ci = res.confidence_interval(ci)
        g, g_low, g_high = hedges_g(a, b, ci)
        return GroupComparison(
            score, group, "Welch t test", float(res.statistic), float(res.df), None,
            float(res.pvalue), "hedges_g", g, (g_low, g_high),
            float(a.mean() - b.mean()), (float(diff_ci.low), float(diff_ci.high)),
            table, n, excluded, k, ci, protected,
        )
    if welch:
        from statsmodels.stats.oneway import anova_oneway

        res = anova_oneway(samples, use_var="unequal", welch_correction=True)
        f, df1, df2, p = (float(res.statistic), float(res.df_num), float(res.df_denom),
                          float(res.pvalue))
        test = "Welch ANOVA"
    else:
        res = sps.f_oneway(*samples)
        f, df1, df2, p = (float(res.statistic), float(len(used) - 1), float(n - len(used)),
                          float(res.pvalue))
        test = "one-way ANOVA"
    return GroupComparison(score, group, test, f, df1, df2, p, "eta_squared",
                           _eta_squared(samples), None, None, None, table, n, excluded, k, ci,
                           protected)


def _eta_squared(samples: list[np.ndarray]) -> float:
    """``SS_between / SS_total`` of the pooled samples (Cohen 1973)."""
    allv = np.concatenate(samples)
    ns = np.array([len(s) for s in samples], dtype=float)
    means = np.array([s.mean() for s in samples])
    ss_between = (ns * (means - allv.mean()) ** 2).sum()
    return float(ss_between / ((allv - allv.mean()) ** 2).sum())
