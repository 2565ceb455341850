"""Statistics the course teaches: correlations, group comparisons, regressions, mediation.

Each function takes a DataFrame of scores (for example from
:func:`coursekit.analysis.scoring.score_all`, joined with respondent variables) and
returns a tidy DataFrame or a frozen dataclass with a readable ``str``.

Missing data: correlations are pairwise (each pair uses the respondents with
both values); everything else is listwise over the variables it uses (a
respondent missing one of them is left out, and ``n`` says how many were
used).

Example
-------
>>> from coursekit.survey.clean import clean_survey
>>> from coursekit.survey.load import load_survey
>>> from coursekit.analysis.scoring import score_all
>>> data = clean_survey(load_survey()).data
>>> scores = score_all(data).join(data[["gender", "daily_minutes"]])
>>> print(compare_groups(scores, "comparison", "gender", order=["woman", "man"]).test)
Welch t test
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from coursekit.analysis.matrices import item_matrix, numeric_frame, pairwise_corr
from coursekit.analysis.privacy import DEFAULT_K
from coursekit.common.errors import AnalysisInputError

__all__ = [
    "GroupComparison",
    "Mediation",
    "Moderation",
    "Regression",
    "compare_groups",
    "correlations",
    "mediation",
    "moderation",
    "regression",
]

COEFFICIENT_COLUMNS = ["term", "b", "se", "t", "p", "ci_low", "ci_high", "beta"]


def _check_ci(ci: float) -> float:
    if isinstance(ci, bool) or not isinstance(ci, float | int) or not 0 < ci < 1:
        raise AnalysisInputError(f"ci must be a confidence level between 0 and 1, got {ci!r}")
    return float(ci)


def _fmt_p(p: float) -> str:
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)


# --------------------------------------------------------------------------- correlations

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
    averaged, ranked within each pair's complete rows). The p-value tests
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
    ci = _check_ci(ci)
    if method not in ("pearson", "spearman"):
        raise AnalysisInputError(f"method must be 'pearson' or 'spearman', got {method!r}")
    cols = list(df.columns) if columns is None else list(columns)
    frame = numeric_frame(df, cols, what="correlations")
    x, names = item_matrix(frame, min_items=2, min_rows=4, what="correlations")
    k = len(names)
    iu, ju = np.triu_indices(k, 1)
    if method == "pearson" or not np.isnan(x).any():
        if method == "spearman":
            x = sps.rankdata(x, axis=0)
        r, pair_n = pairwise_corr(x, names, min_pair=4)
        r, n = r[iu, ju], pair_n[iu, ju]
    else:
        r = np.empty(len(iu))
        n = np.empty(len(iu))
        for p, (i, j) in enumerate(zip(iu, ju, strict=True)):
            both = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            n[p] = both.sum()
            if n[p] < 4:
                raise AnalysisInputError(
                    f"correlations: '{names[i]}' and '{names[j]}' are given together by "
                    f"{int(n[p])} respondent(s); at least 4 are needed"
                )
            a, b = sps.rankdata(x[both, i]), sps.rankdata(x[both, j])
            if a.min() == a.max() or b.min() == b.max():
                raise AnalysisInputError(
                    f"correlations: '{names[i]}' or '{names[j]}' does not vary on the rows "
                    "where both are given"
                )
            r[p] = np.corrcoef(a, b)[0, 1]
    df_t = n - 2
    with np.errstate(divide="ignore"):
        t = r * np.sqrt(df_t / np.maximum(1 - r**2, 0.0))
    pval = 2 * sps.t.sf(np.abs(t), df_t)
    z = np.arctanh(np.clip(r, -1 + 1e-16, 1 - 1e-16))
    crit = sps.norm.isf((1 - ci) / 2)
    se = 1 / np.sqrt(n - 3)
    out = pd.DataFrame({
        "x": [names[i] for i in iu], "y": [names[j] for j in ju], "n": n.astype(int),
        "r": r, "ci_low": np.tanh(z - crit * se), "ci_high": np.tanh(z + crit * se), "p": pval,
    })
    if p_adjust is not None:
        from statsmodels.stats.multitest import multipletests

        if p_adjust not in ("holm", "bonferroni", "fdr_bh"):
            raise AnalysisInputError(
                f"p_adjust must be 'holm', 'bonferroni' or 'fdr_bh', got {p_adjust!r}"
            )
        out["p_adj"] = multipletests(pval, method=p_adjust)[1]
    return out


# --------------------------------------------------------------------------- group comparison

@dataclass(frozen=True)
class GroupComparison:
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
    ``excluded``, left out of the test, and their row is masked.
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

    def __str__(self) -> str:
        level = f"{100 * self.ci_level:g}%"
        if self.df2 is None:
            head = f"{self.test}: t({self.df1:.1f}) = {self.statistic:.2f}, {_fmt_p(self.p)}"
        else:
            head = (f"{self.test}: F({self.df1:g}, {self.df2:.1f}) = {self.statistic:.2f}, "
                    f"{_fmt_p(self.p)}")
        if self.effect_ci is not None:
            eff = (f"Hedges g = {self.effect_size:.2f}, {level} CI "
                   f"[{self.effect_ci[0]:.2f}, {self.effect_ci[1]:.2f}]")
        else:
            eff = f"eta squared = {self.effect_size:.3f}"
        text = f"{self.score} by {self.group} (n = {self.n}): {head}; {eff}"
        if self.excluded:
            text += (f". Left out (fewer than {self.min_group_size} respondents): "
                     f"{', '.join(self.excluded)}")
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


def _welch_anova(means: np.ndarray, variances: np.ndarray, ns: np.ndarray
                 ) -> tuple[float, float, float]:
    # Welch (1951): weights n_i / s_i^2 around the weighted grand mean.
    k = len(ns)
    w = ns / variances
    grand = (w * means).sum() / w.sum()
    a = (w * (means - grand) ** 2).sum() / (k - 1)
    tmp = (((1 - w / w.sum()) ** 2) / (ns - 1)).sum()
    b = 1 + 2 * (k - 2) / (k**2 - 1) * tmp
    return float(a / b), float(k - 1), float((k**2 - 1) / (3 * tmp))


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
    and Hedges' g = ``J * (m1 - m2) / s_pooled`` with
    ``J = 1 - 3 / (4 (n1 + n2) - 9)`` and the interval
    ``g +- t_crit(n1 + n2 - 2) * SE``, ``SE = sqrt((n1 + n2) / (n1 n2) +
    g^2 / (2 (n1 + n2)))`` (Hedges & Olkin 1985, p. 86; as
    ``pingouin.compute_effsize`` and ``compute_esci``). Differences are
    first minus second group in ``order`` (default: category order, else
    sorted labels).

    More groups: Welch's ANOVA (Welch 1951; ``welch=False`` for the classic
    one-way ANOVA, ``scipy.stats.f_oneway``) and eta squared =
    ``SS_between / SS_total`` (Cohen 1973).

    Privacy: groups with fewer than ``min_group_size`` respondents (default
    :data:`coursekit.analysis.privacy.DEFAULT_K`) are left out of the test, named in
    ``excluded`` and the result's text, and their row of ``groups`` is
    masked (:func:`coursekit.analysis.privacy.suppress_small_groups` without secondary
    suppression, since the test uses only the groups shown). Use
    ``min_group_size=2`` to keep every group that a test can use.

    Missing data: listwise (rows with a missing score or group are left out).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"score": [3.0, 3.5, 4.0, 4.5, 5.0, 2.0, 2.5, 3.0, 3.5, 2.0],
    ...                    "group": ["a"] * 5 + ["b"] * 5})
    >>> res = compare_groups(df, "score", "group")
    >>> round(res.statistic, 3), round(res.effect_size, 3)
    (3.055, 1.745)
    """
    from coursekit.analysis.privacy import suppress_small_groups

    ci = _check_ci(ci)
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int | np.integer) \
            or min_group_size < 2:
        raise AnalysisInputError(f"min_group_size must be a whole number >= 2, got "
                                 f"{min_group_size!r}")
    if group not in df.columns:
        raise AnalysisInputError(f"group column '{group}' not in the data")
    y = numeric_frame(df, [score], what="compare_groups")[score]
    labels = df[group]
    keep = y.notna() & labels.notna()
    y, labels = y[keep], labels[keep]
    present = _group_order(labels, order)
    if order is not None:   # only the groups named in `order` take part
        inside = labels.isin(present)
        y, labels = y[inside], labels[inside]
    sizes = labels.value_counts()
    excluded = tuple(str(g) for g in present if sizes.get(g, 0) < min_group_size)
    used = [g for g in present if sizes.get(g, 0) >= min_group_size]
    if len(used) < 2:
        raise AnalysisInputError(
            f"compare_groups: '{group}' has {len(used)} group(s) with at least "
            f"{min_group_size} respondents with a '{score}'; two are needed"
        )
    # One grouping pass: a boolean mask per group costs a full scan of the labels each.
    by_group = {key: part.to_numpy() for key, part in y.groupby(labels, observed=True,
                                                                 sort=False)}
    empty = np.array([], dtype=float)
    samples = [by_group.get(g, empty) for g in used]
    ns = np.array([len(s) for s in samples], dtype=float)
    means = np.array([s.mean() for s in samples])
    variances = np.array([s.var(ddof=1) for s in samples])
    flat = [str(g) for g, v in zip(used, variances, strict=True) if not v > 0]
    if flat:
        raise AnalysisInputError(
            f"compare_groups: '{score}' does not vary within group(s) {', '.join(flat)}"
        )
    rows = []
    for g in present:
        s = by_group.get(g, empty)
        m, sd = (s.mean(), s.std(ddof=1)) if len(s) >= 2 else (np.nan, np.nan)
        half = sps.t.isf((1 - ci) / 2, len(s) - 1) * sd / np.sqrt(len(s)) if len(s) >= 2 \
            else np.nan
        rows.append({"group": str(g), "n": len(s), "mean": m, "sd": sd,
                     "ci_low": m - half, "ci_high": m + half})
    table = pd.DataFrame(rows).set_index("group")
    table = suppress_small_groups(table, "n", min_group_size, secondary=False)
    n = int(ns.sum())
    if len(used) == 2:
        res = sps.ttest_ind(samples[0], samples[1], equal_var=False)
        diff_ci = res.confidence_interval(ci)
        n1, n2 = ns
        pooled = np.sqrt(((n1 - 1) * variances[0] + (n2 - 1) * variances[1]) / (n1 + n2 - 2))
        g = (means[0] - means[1]) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
        se = np.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
        crit = sps.t.isf((1 - ci) / 2, n1 + n2 - 2)
        return GroupComparison(
            score, group, "Welch t test", float(res.statistic), float(res.df), None,
            float(res.pvalue), "hedges_g", float(g), (float(g - crit * se), float(g + crit * se)),
            float(means[0] - means[1]), (float(diff_ci.low), float(diff_ci.high)),
            table, n, excluded, int(min_group_size), ci,
        )
    allv = np.concatenate(samples)
    ss_total = ((allv - allv.mean()) ** 2).sum()
    ss_between = (ns * (means - allv.mean()) ** 2).sum()
    eta2 = float(ss_between / ss_total)
    if welch:
        f, df1, df2 = _welch_anova(means, variances, ns)
        p = float(sps.f.sf(f, df1, df2))
        test = "Welch ANOVA"
    else:
        res = sps.f_oneway(*samples)
        f, df1, df2, p = float(res.statistic), float(len(used) - 1), float(n - len(used)), \
            float(res.pvalue)
        test = "one-way ANOVA"
    return GroupComparison(score, group, test, f, df1, df2, p, "eta_squared", eta2, None,
                           None, None, table, n, excluded, int(min_group_size), ci)


# --------------------------------------------------------------------------- regression

@dataclass(frozen=True)
class Regression:
    """An ordinary least-squares regression.

    ``table`` has one row per term: ``term``, ``b``, ``se``, ``t``, ``p``,
    ``ci_low``, ``ci_high`` and the standardized ``beta``; the model's fit
    is in ``r2``, ``adj_r2`` and the overall ``f`` test
    (``f_df1``, ``f_df2``, ``f_p``).
    """

    formula: str
    table: pd.DataFrame
    n: int
    r2: float
    adj_r2: float
    f: float
    f_df1: float
    f_df2: float
    f_p: float
    cov_type: str = "nonrobust"

    def __str__(self) -> str:
        return (f"{self.formula} (n = {self.n}): R2 = {self.r2:.3f}, adjusted {self.adj_r2:.3f}; "
                f"F({self.f_df1:g}, {self.f_df2:g}) = {self.f:.2f}, {_fmt_p(self.f_p)}")


def _tidy(fit, ci: float) -> pd.DataFrame:
    conf = np.asarray(fit.conf_int(alpha=1 - ci))
    exog = fit.model.exog
    endog = fit.model.endog
    sd_x = exog.std(axis=0, ddof=1)
    sd_y = endog.std(ddof=1)
    const = sd_x == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        beta = np.where(const, np.nan, np.asarray(fit.params) * sd_x / sd_y)
    return pd.DataFrame({
        "term": list(fit.model.exog_names),
        "b": np.asarray(fit.params), "se": np.asarray(fit.bse), "t": np.asarray(fit.tvalues),
        "p": np.asarray(fit.pvalues), "ci_low": conf[:, 0], "ci_high": conf[:, 1], "beta": beta,
    })


def _check_model(model, what: str) -> None:
    """Refuse a design that OLS cannot estimate, before statsmodels warns about it."""
    n, k = model.exog.shape
    if n < k + 2:
        raise AnalysisInputError(f"{what}: {n} complete rows for {k} coefficients; "
                                 f"at least {k + 2} are needed")
    if np.linalg.matrix_rank(model.exog) < k:
        raise AnalysisInputError(
            f"{what}: the predictors are collinear (a predictor is constant or a combination "
            f"of others among the {n} complete rows)"
        )
    if not model.endog.std() > 0:
        raise AnalysisInputError(f"{what}: the outcome does not vary")


def regression(df: pd.DataFrame, formula: str, *, ci: float = 0.95,
               robust: bool = False) -> Regression:
    """Ordinary least squares via a statsmodels formula, as a tidy coefficient table.

    ``formula`` is R-style (``"self_esteem ~ validation + comparison + C(gender)"``),
    fitted with ``statsmodels.formula.api.ols``. ``b``, ``se``, ``t``, ``p``
    and the ``ci`` interval are statsmodels'; ``robust=True`` uses HC3
    standard errors (MacKinnon & White 1985). The standardized coefficient
    is ``beta = b * sd(x) / sd(y)`` over the rows used, with ``x`` the
    term's column of the design matrix: for numeric predictors this is the
    coefficient of a regression on z-scores; for a dummy or a product term it
    is the coefficient of that standardized column. The intercept has no
    beta (NaN).

    Missing data: listwise over the formula's variables (statsmodels'
    ``missing="drop"``); ``n`` is the number of rows used.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1, 3, 2, 5, 4, 6.0], "x": [1, 2, 3, 4, 5, 6.0]})
    >>> regression(df, "y ~ x").table.round(3)[["term", "b", "beta"]].values.tolist()
    [['Intercept', 0.4, nan], ['x', 0.886, 0.886]]
    """
    import statsmodels.formula.api as smf

    ci = _check_ci(ci)
    if not isinstance(df, pd.DataFrame):
        raise AnalysisInputError(f"regression: expected a DataFrame, got {type(df).__name__}")
    if not isinstance(formula, str) or "~" not in formula:
        raise AnalysisInputError(f"regression: formula must look like 'y ~ x1 + x2', got "
                                 f"{formula!r}")
    outcome = formula.split("~", 1)[0].strip()
    if outcome in df.columns and not pd.api.types.is_numeric_dtype(df[outcome]):
        raise AnalysisInputError(f"regression: outcome '{outcome}' is not numeric "
                                 f"({df[outcome].dtype})")
    try:
        model = smf.ols(formula, data=df, missing="drop")
    except Exception as exc:  # patsy reports bad formulas and unknown names in many types
        raise AnalysisInputError(f"regression: cannot use formula {formula!r}: "
                                 f"{str(exc).splitlines()[0]}") from None
    if model.endog.ndim != 1:
        raise AnalysisInputError(f"regression: outcome of {formula!r} must be one numeric column")
    _check_model(model, "regression")
    with np.errstate(all="ignore"):
        fit = model.fit(cov_type="HC3" if robust else "nonrobust")
    return _regression_result(fit, formula, ci, "HC3" if robust else "nonrobust")


def _regression_result(fit, formula: str, ci: float, cov_type: str) -> Regression:
    with np.errstate(all="ignore"):
        f, f_p = float(np.squeeze(fit.fvalue)), float(np.squeeze(fit.f_pvalue))
    return Regression(formula, _tidy(fit, ci), int(fit.nobs), float(fit.rsquared),
                      float(fit.rsquared_adj), f, float(fit.df_model), float(fit.df_resid),
                      f_p, cov_type)


def _complete(df: pd.DataFrame, columns: list[str], what: str, min_rows: int) -> pd.DataFrame:
    if len(set(columns)) != len(columns):
        raise AnalysisInputError(f"{what}: the same column is used twice ({', '.join(columns)})")
    data = numeric_frame(df, columns, what=what).dropna()
    if len(data) < min_rows:
        raise AnalysisInputError(f"{what}: {len(data)} complete rows; at least {min_rows} needed")
    flat = [c for c in columns if not data[c].std() > 0]
    if flat:
        raise AnalysisInputError(f"{what}: column(s) without variation: {', '.join(flat)}")
    return data


# --------------------------------------------------------------------------- moderation

@dataclass(frozen=True)
class Moderation:
    """A moderation (interaction) model ``y ~ x + moderator + x:moderator``.

    ``model`` is the full regression (centred predictors if ``centered``),
    ``interaction`` its product-term row, ``delta_r2`` the R² the product
    adds (with its F test ``delta_f``, ``delta_p``), and ``simple_slopes``
    the slope of ``x`` at chosen moderator values.
    """

    y: str
    x: str
    moderator: str
    model: Regression
    interaction: pd.Series
    delta_r2: float
    delta_f: float
    delta_p: float
    simple_slopes: pd.DataFrame
    centered: bool

    def __str__(self) -> str:
        i = self.interaction
        return (f"{self.x} x {self.moderator} on {self.y} (n = {self.model.n}): interaction "
                f"b = {i['b']:.3f}, {_fmt_p(i['p'])}; delta R2 = {self.delta_r2:.3f}")


def moderation(
    df: pd.DataFrame,
    y: str,
    x: str,
    moderator: str,
    *,
    center: bool = True,
    probe: Sequence[float] = (-1.0, 0.0, 1.0),
    ci: float = 0.95,
) -> Moderation:
    """Does the effect of ``x`` on ``y`` depend on ``moderator``? (linear interaction)

    Fits ``y = b0 + b1 x + b2 m + b3 x m`` by OLS (statsmodels), with ``x``
    and ``m`` mean-centred when ``center`` (Aiken & West 1991), and reports
    the increase in R² from the product term with its F test. Simple slopes
    (Aiken & West 1991; Hayes 2022, ch. 7): the slope of ``x`` at
    ``m0 = mean(m) + s * sd(m)`` for each ``s`` in ``probe`` is
    ``b1 + b3 m0`` (``m0`` centred), with
    ``SE = sqrt(V11 + m0^2 V33 + 2 m0 V13)`` from the coefficient covariance
    matrix and a t test on the residual degrees of freedom. Both predictors
    must be numeric (code a two-group moderator as 0/1).

    Missing data: listwise over ``y``, ``x`` and ``moderator``.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame({"x": rng.normal(size=200), "m": rng.normal(size=200)})
    >>> d["y"] = 0.5 * d.x + 0.4 * d.x * d.m + rng.normal(size=200)
    >>> res = moderation(d, "y", "x", "m")
    >>> res.simple_slopes["slope"].round(2).tolist()
    [0.27, 0.58, 0.89]
    """
    import statsmodels.api as sm

    ci = _check_ci(ci)
    data = _complete(df, [y, x, moderator], "moderation", 8)
    xv, mv, yv = (data[c].to_numpy() for c in (x, moderator, y))
    m_mean, m_sd = mv.mean(), mv.std(ddof=1)
    if center:
        xv, mv = xv - xv.mean(), mv - m_mean
    names = ["Intercept", x, moderator, f"{x}:{moderator}"]
    design = pd.DataFrame(np.column_stack([np.ones_like(xv), xv, mv, xv * mv]), columns=names)
    full = sm.OLS(pd.Series(yv, name=y), design)
    _check_model(full, "moderation")
    with np.errstate(all="ignore"):
        fit = full.fit()
        reduced = sm.OLS(yv, design.iloc[:, :3].to_numpy()).fit()
    formula = f"{y} ~ {x} * {moderator}" + (" (centred)" if center else "")
    model = _regression_result(fit, formula, ci, "nonrobust")
    delta = float(fit.rsquared - reduced.rsquared)
    delta_f = float(delta / ((1 - fit.rsquared) / fit.df_resid))
    delta_p = float(sps.f.sf(delta_f, 1, fit.df_resid))
    v = np.asarray(fit.cov_params())
    b = np.asarray(fit.params)
    probe = [float(s) for s in probe]
    at = np.array([m_mean + s * m_sd for s in probe])
    m0 = at - m_mean if center else at
    slope = b[1] + b[3] * m0
    se = np.sqrt(v[1, 1] + m0**2 * v[3, 3] + 2 * m0 * v[1, 3])
    t = slope / se
    crit = sps.t.isf((1 - ci) / 2, fit.df_resid)
    slopes = pd.DataFrame({
        "sd_from_mean": probe, "moderator_value": at, "slope": slope, "se": se, "t": t,
        "p": 2 * sps.t.sf(np.abs(t), fit.df_resid),
        "ci_low": slope - crit * se, "ci_high": slope + crit * se,
    })
    row = model.table.set_index("term").loc[f"{x}:{moderator}"]
    return Moderation(y, x, moderator, model, row, delta, delta_f, delta_p, slopes, center)


# --------------------------------------------------------------------------- mediation

@dataclass(frozen=True)
class Mediation:
    """A simple mediation ``x -> m -> y``.

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

    def __str__(self) -> str:
        level = f"{100 * self.ci_level:g}%"
        return (f"{self.x} -> {self.m} -> {self.y} (n = {self.n}): indirect effect "
                f"a*b = {self.indirect:.3f}, {level} bootstrap CI [{self.ci_low:.3f}, "
                f"{self.ci_high:.3f}] ({self.n_boot} resamples, seed {self.seed})")


def _indirect_effects(x: np.ndarray, m: np.ndarray, y: np.ndarray, idx: np.ndarray
                      ) -> np.ndarray:
    """a * b for each row of resampling indices ``idx`` (shape n_boot x n), vectorized.

    a is the slope of m on x; b the slope of y on m in the regression of y on
    x and m, both from centred cross-products of the resample.
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
    import statsmodels.api as sm

    ci = _check_ci(ci)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 100:
        raise AnalysisInputError(f"n_boot must be a whole number of at least 100, got {n_boot!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise AnalysisInputError(f"seed must be a whole number >= 0, got {seed!r}")
    data = _complete(df, [x, m, y], "mediation", 8)
    xv, mv, yv = (data[c].to_numpy() for c in (x, m, y))
    n = len(data)
    ones = np.ones(n)
    model_b = sm.OLS(yv, np.column_stack([ones, xv, mv]))
    _check_model(model_b, "mediation")
    with np.errstate(all="ignore"):
        fit_a = sm.OLS(mv, np.column_stack([ones, xv])).fit()
        fit_b = model_b.fit()
        fit_c = sm.OLS(yv, np.column_stack([ones, xv])).fit()
    alpha = 1 - ci

    def row(path: str, fit, j: int) -> dict:
        low, high = np.asarray(fit.conf_int(alpha=alpha))[j]
        return {"path": path, "b": float(fit.params[j]), "se": float(fit.bse[j]),
                "p": float(fit.pvalues[j]), "ci_low": float(low), "ci_high": float(high)}

    rows = [row(f"a: {m} ~ {x}", fit_a, 1), row(f"b: {y} ~ {m} | {x}", fit_b, 2),
            row(f"total: {y} ~ {x}", fit_c, 1), row(f"direct: {y} ~ {x} | {m}", fit_b, 1)]
    ab = float(fit_a.params[1] * fit_b.params[2])
    rng = np.random.default_rng(int(seed))
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
    low, high = np.quantile(dist, [alpha / 2, 1 - alpha / 2])
    boot_se = float(dist.std(ddof=1))
    rows.append({"path": "indirect: a * b", "b": ab, "se": boot_se, "p": np.nan,
                 "ci_low": float(low), "ci_high": float(high)})
    paths = pd.DataFrame(rows)
    return Mediation(x, m, y, paths, ab, float(low), float(high), boot_se, n, int(n_boot),
                     int(seed), ci)
