"""coursekit.analysis.stats against scipy, statsmodels and pingouin."""

from __future__ import annotations

import doctest
import functools
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

import coursekit.analysis.stats as cstats
from coursekit.analysis.scoring import score_all
from coursekit.analysis.stats import compare_groups, correlations, mediation, moderation, regression
from coursekit.analysis.stats.indirect import _indirect_effects
from coursekit.common.errors import AnalysisInputError
from coursekit.survey.clean import clean_survey
from coursekit.survey.simulate import simulate_survey

pytestmark = pytest.mark.filterwarnings("error")


@functools.lru_cache(maxsize=8)
def scores(seed: int, n: int = 800) -> pd.DataFrame:
    data = clean_survey(simulate_survey(n, seed)).data
    out = score_all(data).join(data[["gender", "creator_status", "region", "daily_minutes",
                                      "age", "followers"]])
    return out


@functools.lru_cache(maxsize=1)
def penguins() -> pd.DataFrame:
    return pg.read_dataset("penguins")


# ------------------------------------------------------------------ correlations

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pearson_correlations_equal_scipy_pairwise(seed):
    df = scores(seed)
    cols = ["validation", "comparison", "self_esteem", "daily_minutes"]
    table = correlations(df, cols)
    assert list(table.columns) == ["x", "y", "n", "r", "ci_low", "ci_high", "p"]
    assert len(table) == 6
    for row in table.itertuples():
        pair = df[[row.x, row.y]].dropna()
        ref = sps.pearsonr(pair[row.x], pair[row.y])
        ci = ref.confidence_interval(0.95)
        assert row.n == len(pair)
        assert row.r == pytest.approx(ref.statistic, abs=1e-12)
        assert row.p == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-300)
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high), abs=1e-10)


def test_correlations_equal_pingouin_on_penguins():
    d = penguins()
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    table = correlations(d, cols).set_index(["x", "y"])
    ref = pg.pairwise_corr(d, columns=cols).set_index(["X", "Y"])
    for (x, y), row in table.iterrows():
        assert row["r"] == pytest.approx(ref.at[(x, y), "r"], abs=1e-12)
        assert row["p"] == pytest.approx(ref.at[(x, y), "p_unc"], rel=1e-8, abs=1e-300)
        assert row["n"] == ref.at[(x, y), "n"]
        lo, hi = ref.at[(x, y), "CI95"]
        assert round(row["ci_low"], 2) == pytest.approx(lo) and round(row["ci_high"], 2) == \
            pytest.approx(hi)


def test_spearman_correlations_equal_scipy_with_missing():
    df = scores(4)
    cols = ["escapism", "compulsive", "daily_minutes", "followers"]
    table = correlations(df, cols, method="spearman")
    for row in table.itertuples():
        pair = df[[row.x, row.y]].dropna()
        ref = sps.spearmanr(pair[row.x], pair[row.y])
        assert row.r == pytest.approx(ref.statistic, abs=1e-12)
        assert row.p == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-300)
    complete = correlations(df[cols].dropna(), cols, method="spearman")
    ref = df[cols].dropna().corr(method="spearman")
    for row in complete.itertuples():
        assert row.r == pytest.approx(ref.at[row.x, row.y], abs=1e-12)


def test_spearman_ranks_each_pair_on_its_own_complete_rows():
    # DataFrame.corr("spearman") ranks the rows a pair shares, as the loop it replaced did
    # (and R's cor(use = "pairwise")); ranking whole columns first would not.
    rng = np.random.default_rng(8)
    df = scores(3)[["escapism", "compulsive", "daily_minutes", "followers"]].copy()
    for j, share in enumerate([0.1, 0.25, 0.4, 0.05]):
        df.iloc[rng.random(len(df)) < share, j] = np.nan
    table = correlations(df, method="spearman").set_index(["x", "y"])
    whole_column_ranks = df.rank().corr()
    moved = 0.0
    for (x, y), row in table.iterrows():
        pair = df[[x, y]].dropna()
        assert row["n"] == len(pair)
        assert row["r"] == pytest.approx(sps.spearmanr(pair[x], pair[y]).statistic, abs=1e-12)
        moved = max(moved, abs(row["r"] - whole_column_ranks.at[x, y]))
    assert moved > 1e-4
    with pytest.raises(AnalysisInputError, match="does not vary on the rows"):
        correlations(pd.DataFrame({"a": [1, 1, 1, 1, 2, np.nan], "b": [1, 2, 3, 4, np.nan, 5],
                                   "c": [2, 1, 4, 3, 5, 6.0]}), method="spearman")


def test_p_adjustment_equals_statsmodels():
    from statsmodels.stats.multitest import multipletests

    table = correlations(scores(1), ["validation", "influence", "escapism", "creativity"],
                         p_adjust="holm")
    assert table["p_adj"].to_numpy() == pytest.approx(
        multipletests(table["p"], method="holm")[1])


def test_correlations_refuse_bad_input():
    df = scores(1)
    with pytest.raises(AnalysisInputError, match="'gender' is not numeric"):
        correlations(df, ["validation", "gender"])
    with pytest.raises(AnalysisInputError, match="method"):
        correlations(df, ["validation", "influence"], method="kendall")
    with pytest.raises(AnalysisInputError, match="p_adjust"):
        correlations(df, ["validation", "influence"], p_adjust="sidak")
    with pytest.raises(AnalysisInputError, match="no variation"):
        correlations(df.assign(k=1.0), ["validation", "k"])
    with pytest.raises(AnalysisInputError, match="at least 4"):
        correlations(df.head(3), ["validation", "influence"])


# ------------------------------------------------------------------ two groups

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_welch_t_and_hedges_g_equal_scipy_and_pingouin(seed):
    df = scores(seed)
    res = compare_groups(df, "comparison", "gender", order=["woman", "man"])
    a = df.loc[df.gender == "woman", "comparison"].dropna()
    b = df.loc[df.gender == "man", "comparison"].dropna()
    ref = sps.ttest_ind(a, b, equal_var=False)
    assert res.test == "Welch t test" and res.df2 is None
    assert res.statistic == pytest.approx(ref.statistic, abs=1e-10)
    assert res.df1 == pytest.approx(ref.df, abs=1e-8)
    assert res.p == pytest.approx(ref.pvalue, rel=1e-8)
    ptt = pg.ttest(a, b, correction=True)
    assert res.statistic == pytest.approx(ptt["T"].iloc[0], abs=1e-10)
    assert res.difference == pytest.approx(a.mean() - b.mean(), abs=1e-12)
    assert np.round(res.difference_ci, 2).tolist() == pytest.approx(ptt["CI95"].iloc[0])
    g = pg.compute_effsize(a, b, eftype="hedges")
    assert res.effect == "hedges_g"
    assert res.effect_size == pytest.approx(g, abs=1e-12)
    ci = pg.compute_esci(g, nx=len(a), ny=len(b), eftype="hedges", decimals=12)
    assert res.effect_ci == pytest.approx(tuple(ci), abs=1e-10)
    # the simulator makes women compare more (shift .30 SD)
    assert res.effect_size > 0 and res.n == len(a) + len(b)


def test_two_groups_on_penguins_by_sex():
    d = penguins()
    res = compare_groups(d, "body_mass_g", "sex", order=["male", "female"])
    a = d.loc[d.sex == "male", "body_mass_g"].dropna()
    b = d.loc[d.sex == "female", "body_mass_g"].dropna()
    ptt = pg.ttest(a, b, correction=True)
    assert res.statistic == pytest.approx(ptt["T"].iloc[0], abs=1e-10)
    assert res.p == pytest.approx(ptt["p_val"].iloc[0], rel=1e-8, abs=1e-300)
    assert res.effect_size == pytest.approx(pg.compute_effsize(a, b, eftype="hedges"))


def test_group_table_describes_each_group():
    df = scores(1)
    res = compare_groups(df, "comparison", "gender")
    t = res.groups
    assert list(t.columns) == ["n", "mean", "sd", "ci_low", "ci_high", "suppressed"]
    man = df.loc[df.gender == "man", "comparison"].dropna()
    assert t.at["man", "n"] == len(man)
    assert t.at["man", "mean"] == pytest.approx(man.mean())
    assert t.at["man", "sd"] == pytest.approx(man.std())
    lo, hi = sps.t.interval(0.95, len(man) - 1, loc=man.mean(), scale=sps.sem(man))
    assert (t.at["man", "ci_low"], t.at["man", "ci_high"]) == pytest.approx((lo, hi))


# ------------------------------------------------------------------ more groups

def test_welch_anova_and_eta_squared_equal_pingouin():
    d = penguins()
    res = compare_groups(d, "body_mass_g", "species")
    ref = pg.welch_anova(d, dv="body_mass_g", between="species")
    assert res.test == "Welch ANOVA" and res.effect == "eta_squared"
    assert res.statistic == pytest.approx(ref["F"].iloc[0], rel=1e-10)
    assert (res.df1, res.df2) == pytest.approx((ref["ddof1"].iloc[0], ref["ddof2"].iloc[0]))
    assert res.p == pytest.approx(ref["p_unc"].iloc[0], rel=1e-8, abs=1e-300)
    with warnings.catch_warnings():
        # pingouin 0.7 calls dropna(inplace=True), which pandas 3.1 deprecates
        warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
        aov = pg.anova(d, dv="body_mass_g", between="species", effsize="np2")
    assert res.effect_size == pytest.approx(aov["np2"].iloc[0], abs=1e-12)
    assert res.effect_ci is None and res.difference is None


@pytest.mark.parametrize("seed", [1, 2])
def test_classic_anova_equals_scipy_on_creator_status(seed):
    df = scores(seed)
    res = compare_groups(df, "influence", "creator_status", welch=False)
    groups = [g.dropna() for _, g in df.groupby("creator_status")["influence"]]
    ref = sps.f_oneway(*groups)
    assert res.test == "one-way ANOVA"
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert res.p == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-300)
    welch = compare_groups(df, "influence", "creator_status")
    ref = pg.welch_anova(df.dropna(subset=["influence"]), dv="influence",
                         between="creator_status")
    assert welch.statistic == pytest.approx(ref["F"].iloc[0], rel=1e-10)
    assert welch.effect_size == pytest.approx(res.effect_size)


# ------------------------------------------------------------------ small groups

def test_small_groups_are_left_out_and_masked():
    df = scores(1)
    sizes = df.dropna(subset=["comparison"])["gender"].value_counts()
    small = [g for g, n in sizes.items() if n < 40]
    assert small                                           # non-binary, undisclosed
    res = compare_groups(df, "comparison", "gender", min_group_size=40)
    assert set(res.excluded) == set(small)
    for g in small:
        assert res.groups.at[g, "suppressed"]
        assert res.groups.at[g, "n"] == "<40" and np.isnan(res.groups.at[g, "mean"])
    kept = df[df.gender.isin(["man", "woman"])]
    ref = compare_groups(kept, "comparison", "gender")
    assert res.statistic == pytest.approx(ref.statistic) and res.test == "Welch t test"
    assert "Left out (fewer than 40 respondents)" in str(res)


def test_default_minimum_group_size_is_five():
    # c (3) and d (4) are left out; together they are 7, so neither follows by subtraction
    df = pd.DataFrame({"s": np.r_[np.arange(10.0), np.arange(10.0) + 2, [1.0, 2.0, 3.0],
                                  [1.0, 2.0, 3.0, 4.0]],
                       "g": ["a"] * 10 + ["b"] * 10 + ["c"] * 3 + ["d"] * 4})
    res = compare_groups(df, "s", "g")
    assert res.excluded == ("c", "d") and res.test == "Welch t test" and res.protected == ()
    assert res.groups.at["c", "suppressed"] and not res.groups.at["a", "suppressed"]
    every = compare_groups(df, "s", "g", min_group_size=2)
    assert every.excluded == () and every.test == "Welch ANOVA"


def test_a_lone_small_group_takes_the_next_smallest_with_it():
    """The whole cohort's mean minus a's and b's would be c's (3 respondents): b, the
    smaller of the others, is left out too, and a comparison of a alone is refused."""
    df = pd.DataFrame({"s": np.r_[np.arange(10.0), np.arange(9.0) + 2, [1.0, 2.0, 3.0],
                                  np.arange(6.0)],
                       "g": ["a"] * 10 + ["b"] * 9 + ["c"] * 3 + ["e"] * 6})
    res = compare_groups(df, "s", "g")
    assert res.excluded == ("c",) and res.protected == ("e",)
    assert res.groups.at["e", "n"] == "masked" and res.groups.at["c", "n"] == "<5"
    assert "Also left out" in str(res) and "e" in str(res).split("Also left out")[1]
    with pytest.raises(AnalysisInputError, match="worked out by subtraction"):
        compare_groups(df[df["g"] != "e"], "s", "g")


def test_compare_groups_refuses_bad_input():
    df = scores(1)
    with pytest.raises(AnalysisInputError, match="two are needed"):
        compare_groups(df, "comparison", "gender", min_group_size=500)
    with pytest.raises(AnalysisInputError, match="not numeric"):
        compare_groups(df, "region", "gender")
    with pytest.raises(AnalysisInputError, match="'nope' not in"):
        compare_groups(df, "comparison", "nope")
    with pytest.raises(AnalysisInputError, match="not found"):
        compare_groups(df, "comparison", "gender", order=["woman", "robot"])
    flat = pd.DataFrame({"s": [1.0] * 6 + [2.0, 3, 4, 5, 6, 7], "g": ["a"] * 6 + ["b"] * 6})
    with pytest.raises(AnalysisInputError, match="does not vary within group"):
        compare_groups(flat, "s", "g")


def test_group_comparison_text_is_readable():
    text = str(compare_groups(penguins(), "body_mass_g", "sex", order=["male", "female"]))
    assert text.startswith("body_mass_g by sex (n = 333): Welch t test: t(")
    assert "p < .001; Hedges g = " in text


# ------------------------------------------------------------------ regression

FORMULAS = [
    "self_esteem ~ validation + compulsive + comparison + authenticity",
    "wellbeing ~ self_esteem + authenticity + C(gender)",
    "self_esteem ~ validation * comparison + age",
]


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("seed", [1, 2])
def test_regression_equals_statsmodels(formula, seed):
    df = scores(seed)
    res = regression(df, formula)
    ref = smf.ols(formula, df).fit()
    t = res.table.set_index("term")
    assert list(res.table.columns) == ["term", "b", "se", "t", "p", "ci_low", "ci_high", "beta"]
    assert t.index.tolist() == list(ref.params.index)
    assert t["b"].to_numpy() == pytest.approx(ref.params.to_numpy(), abs=1e-12)
    assert t["se"].to_numpy() == pytest.approx(ref.bse.to_numpy(), abs=1e-12)
    assert t["p"].to_numpy() == pytest.approx(ref.pvalues.to_numpy(), rel=1e-8, abs=1e-300)
    ci = ref.conf_int()
    assert t["ci_low"].to_numpy() == pytest.approx(ci[0].to_numpy(), abs=1e-12)
    assert res.n == ref.nobs and res.r2 == pytest.approx(ref.rsquared)
    assert res.f == pytest.approx(ref.fvalue) and res.f_p == pytest.approx(ref.f_pvalue)
    assert np.isnan(t.at["Intercept", "beta"])


@pytest.mark.parametrize("seed", [1, 3])
def test_betas_equal_regression_on_z_scores(seed):
    cols = ["self_esteem", "validation", "compulsive", "comparison", "authenticity"]
    df = scores(seed)[cols].dropna()
    z = (df - df.mean()) / df.std()
    res = regression(df, FORMULAS[0]).table.set_index("term")
    ref = smf.ols(FORMULAS[0], z).fit().params
    for term in cols[1:]:
        assert res.at[term, "beta"] == pytest.approx(ref[term], abs=1e-12)


def test_robust_regression_uses_hc3():
    df = scores(2)
    res = regression(df, FORMULAS[0], robust=True)
    ref = smf.ols(FORMULAS[0], df).fit(cov_type="HC3")
    assert res.table["se"].to_numpy() == pytest.approx(ref.bse.to_numpy(), abs=1e-12)
    assert res.cov_type == "HC3"


def test_regression_refuses_bad_input():
    df = scores(1)
    with pytest.raises(AnalysisInputError, match="cannot use formula"):
        regression(df, "self_esteem ~ nope")
    with pytest.raises(AnalysisInputError, match="cannot use formula"):
        regression(df, "self_esteem ~ validation +")
    with pytest.raises(AnalysisInputError, match="formula must look like"):
        regression(df, "self_esteem")
    with pytest.raises(AnalysisInputError, match="not numeric"):
        regression(df, "gender ~ validation")
    with pytest.raises(AnalysisInputError, match="collinear"):
        regression(df.assign(v2=df.validation * 2), "self_esteem ~ validation + v2")
    with pytest.raises(AnalysisInputError, match="complete rows"):
        regression(df.head(3), "self_esteem ~ validation + comparison")


# ------------------------------------------------------------------ moderation

@pytest.mark.parametrize("seed", [1, 2])
def test_moderation_equals_statsmodels_and_simple_slopes_refit(seed):
    df = scores(seed)[["self_esteem", "validation", "comparison"]].dropna()
    res = moderation(df, "self_esteem", "validation", "comparison")
    c = df.assign(validation=df.validation - df.validation.mean(),
                  comparison=df.comparison - df.comparison.mean())
    ref = smf.ols("self_esteem ~ validation * comparison", c).fit()
    assert res.interaction["b"] == pytest.approx(ref.params["validation:comparison"], abs=1e-12)
    assert res.interaction["p"] == pytest.approx(ref.pvalues["validation:comparison"], rel=1e-8)
    reduced = smf.ols("self_esteem ~ validation + comparison", c).fit()
    assert res.delta_r2 == pytest.approx(ref.rsquared - reduced.rsquared, abs=1e-12)
    f_test = ref.compare_f_test(reduced)
    assert (res.delta_f, res.delta_p) == pytest.approx((f_test[0], f_test[1]), rel=1e-8)
    # Simple slope at m0 = coefficient of x when the moderator is centred at m0.
    sd = df.comparison.std()
    for row in res.simple_slopes.itertuples():
        m0 = df.comparison.mean() + row.sd_from_mean * sd
        assert row.moderator_value == pytest.approx(m0)
        refit = smf.ols("self_esteem ~ validation * m", c.assign(
            m=df.comparison - m0)).fit()
        assert row.slope == pytest.approx(refit.params["validation"], abs=1e-12)
        assert row.se == pytest.approx(refit.bse["validation"], abs=1e-12)
        assert row.p == pytest.approx(refit.pvalues["validation"], rel=1e-8)
        lo, hi = refit.conf_int().loc["validation"]
        assert (row.ci_low, row.ci_high) == pytest.approx((lo, hi), abs=1e-12)


def test_uncentred_moderation_keeps_the_raw_coefficients():
    df = scores(1)[["self_esteem", "validation", "comparison"]].dropna()
    res = moderation(df, "self_esteem", "validation", "comparison", center=False)
    ref = smf.ols("self_esteem ~ validation * comparison", df).fit()
    assert res.model.table["b"].to_numpy() == pytest.approx(ref.params.to_numpy(), abs=1e-10)
    centred = moderation(df, "self_esteem", "validation", "comparison")
    assert res.simple_slopes["slope"].to_numpy() == pytest.approx(
        centred.simple_slopes["slope"].to_numpy(), abs=1e-10)


# ------------------------------------------------------------------ mediation

def test_mediation_point_estimates_equal_pingouin():
    d = pg.read_dataset("mediation")
    res = mediation(d, "X", "M", "Y", n_boot=2000, seed=1)
    ref = pg.mediation_analysis(d, x="X", m="M", y="Y", n_boot=2000, seed=1).set_index("path")
    p = res.paths.set_index("path")
    assert p.at["a: M ~ X", "b"] == pytest.approx(ref.at["M ~ X", "coef"], abs=1e-12)
    assert p.at["a: M ~ X", "se"] == pytest.approx(ref.at["M ~ X", "se"], abs=1e-12)
    assert p.at["total: Y ~ X", "b"] == pytest.approx(ref.at["Total", "coef"], abs=1e-12)
    assert p.at["direct: Y ~ X | M", "b"] == pytest.approx(ref.at["Direct", "coef"], abs=1e-12)
    assert p.at["direct: Y ~ X | M", "p"] == pytest.approx(ref.at["Direct", "pval"], rel=1e-8)
    b_given_x = pg.linear_regression(d[["X", "M"]], d["Y"]).set_index("names")
    assert p.at["b: Y ~ M | X", "b"] == pytest.approx(b_given_x.at["M", "coef"], abs=1e-12)
    assert res.indirect == pytest.approx(ref.at["Indirect", "coef"], abs=1e-12)
    # total = direct + indirect, exactly, in OLS
    assert res.indirect == pytest.approx(p.at["total: Y ~ X", "b"] - p.at["direct: Y ~ X | M",
                                                                          "b"], abs=1e-12)
    # Different resamples and percentile vs bias-corrected: close, not equal.
    assert res.boot_se == pytest.approx(ref.at["Indirect", "se"], rel=0.15)
    assert res.ci_low == pytest.approx(ref.at["Indirect", "CI2.5"], abs=0.5 * res.boot_se)
    assert res.ci_high == pytest.approx(ref.at["Indirect", "CI97.5"], abs=0.5 * res.boot_se)


def test_vectorized_bootstrap_equals_refitting_each_resample():
    d = scores(1)[["validation", "comparison", "self_esteem"]].dropna()
    x, m, y = (d[c].to_numpy() for c in d.columns)
    idx = np.random.default_rng(5).integers(0, len(d), size=(25, len(d)))
    fast = _indirect_effects(x, m, y, idx)
    for i, rows in enumerate(idx):
        ones = np.ones(len(rows))
        a = np.linalg.lstsq(np.column_stack([ones, x[rows]]), m[rows], rcond=None)[0][1]
        b = np.linalg.lstsq(np.column_stack([ones, x[rows], m[rows]]), y[rows], rcond=None)[0][2]
        assert fast[i] == pytest.approx(a * b, abs=1e-12)


def test_mediation_is_seeded_and_covers_the_simulated_path():
    df = scores(2)
    one = mediation(df, "validation", "comparison", "self_esteem", n_boot=1000, seed=4)
    two = mediation(df, "validation", "comparison", "self_esteem", n_boot=1000, seed=4)
    other = mediation(df, "validation", "comparison", "self_esteem", n_boot=1000, seed=5)
    assert (one.ci_low, one.ci_high) == (two.ci_low, two.ci_high)
    assert (one.ci_low, one.ci_high) != (other.ci_low, other.ci_high)
    assert one.ci_high < 0           # comparison lowers self-esteem in the simulator
    assert "bootstrap CI" in str(one) and "1000 resamples, seed 4" in str(one)


def test_mediation_refuses_bad_input():
    df = scores(1)
    with pytest.raises(AnalysisInputError, match="n_boot"):
        mediation(df, "validation", "comparison", "self_esteem", n_boot=10)
    with pytest.raises(AnalysisInputError, match="same column"):
        mediation(df, "validation", "validation", "self_esteem")
    with pytest.raises(AnalysisInputError, match="not numeric"):
        mediation(df, "gender", "comparison", "self_esteem")
    with pytest.raises(AnalysisInputError, match="without variation"):
        moderation(df.assign(k=2.0), "self_esteem", "validation", "k")


# ------------------------------------------------------------------ properties

@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(-100, 100), st.floats(0.1, 50))
def test_effect_sizes_ignore_linear_rescaling_of_the_score(seed, shift, factor):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"s": rng.normal(size=40), "g": ["a"] * 20 + ["b"] * 20})
    df.loc[df.g == "a", "s"] += 0.5
    a = compare_groups(df, "s", "g")
    b = compare_groups(df.assign(s=df.s * factor + shift), "s", "g")
    assert b.effect_size == pytest.approx(a.effect_size, abs=1e-9)
    assert b.statistic == pytest.approx(a.statistic, abs=1e-7)


def test_docstring_examples_run():
    import importlib
    import pkgutil

    attempted = 0
    for info in pkgutil.iter_modules(cstats.__path__):
        module = importlib.import_module(f"{cstats.__name__}.{info.name}")
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert doctest.testmod(cstats).failed == 0 and attempted > 10


# ------------------------------------------------------------------ results answer by usual names

def test_two_group_effect_size_by_its_usual_names():
    res = compare_groups(scores(2), "comparison", "gender", order=["woman", "man"])
    assert res.g == res.hedges_g == res.effect_size == float(res)
    assert round(res, 2) == round(res.effect_size, 2)
    # eta squared of a two-group comparison: t^2 / (t^2 + df), as pingouin's from t
    df = scores(2)
    a = df.loc[df.gender == "woman", "comparison"].dropna()
    b = df.loc[df.gender == "man", "comparison"].dropna()
    t = sps.ttest_ind(a, b, equal_var=False)
    assert res.eta_squared == pytest.approx(t.statistic**2 / (t.statistic**2 + t.df), rel=1e-10)
    assert type(res.statistic) is float and type(res.n) is int
    assert "np.float64" not in repr(res)


def test_three_group_effect_size_by_its_usual_names():
    res = compare_groups(scores(2), "influence", "creator_status")
    assert res.eta_squared == res.effect_size == float(res)
    with pytest.raises(AttributeError, match="eta squared"):
        _ = res.g


def test_mediation_paths_by_name():
    df = scores(4)
    med = mediation(df, x="validation", m="comparison", y="self_esteem", n_boot=200, seed=1)
    paths = med.paths.set_index(med.paths["path"].str.split(":").str[0])["b"]
    assert (med.a, med.b, med.direct, med.total) == tuple(paths[["a", "b", "direct", "total"]])
    # total = direct + indirect (exact for OLS with the same rows)
    assert med.total == pytest.approx(med.direct + med.indirect, abs=1e-10)
    assert round(med, 3) == round(med.indirect, 3) and type(med.indirect) is float


def test_models_without_one_number_say_where_theirs_are():
    df = scores(4)
    model = regression(df, "self_esteem ~ comparison + validation")
    with pytest.raises(TypeError, match=r"\.r2"):
        round(model, 2)
    assert type(model.r2) is float and "np.float64" not in repr(model)
    mod = moderation(df, y="self_esteem", x="comparison", moderator="daily_minutes")
    with pytest.raises(TypeError, match="interaction"):
        float(mod)
