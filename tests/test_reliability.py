"""coursekit.analysis.reliability against pingouin, pandas, scikit-learn and closed forms."""

from __future__ import annotations

import doctest
import functools

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import coursekit.analysis.reliability as rel
from coursekit.analysis.reliability import (
    alpha_from_cov,
    cronbach_alpha,
    item_analysis,
    item_covariance,
    omega,
    reliability_table,
    spearman_brown,
)
from coursekit.analysis.scoring import keyed_items, reverse_key
from coursekit.common.errors import AnalysisInputError, CourseKitError
from coursekit.survey.clean import clean_survey
from coursekit.survey.simulate import simulate_survey

# Any numpy RuntimeWarning escaping the library fails the test.
pytestmark = pytest.mark.filterwarnings("error")


class _NoRound:
    """numpy, except that ``round`` returns its input: pingouin's CI unrounded."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def round(x, decimals=0):
        return np.asarray(x, dtype=float)


def pingouin_alpha(df: pd.DataFrame, monkeypatch) -> tuple[float, np.ndarray]:
    import pingouin.reliability

    with monkeypatch.context() as m:
        m.setattr(pingouin.reliability, "np", _NoRound())
        return pg.cronbach_alpha(df)


def feldt(alpha, n, k, level=0.95):
    # Written from Feldt, Woodruff & Salih (1987) with ppf instead of isf.
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (1 - (1 - alpha) * stats.f.ppf(1 - (1 - level) / 2, df1, df2),
            1 - (1 - alpha) * stats.f.ppf((1 - level) / 2, df1, df2))


@functools.lru_cache(maxsize=8)
def cohort(seed: int, n: int = 800) -> pd.DataFrame:
    return clean_survey(simulate_survey(n, seed)).data


def pingouin_datasets():
    wide = pg.read_dataset("cronbach_wide_missing")
    likert = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items",
                                                      values="Scores")
    return {"cronbach_wide_missing": wide, "cronbach_alpha": likert}


# ------------------------------------------------------------------ alpha vs pingouin / psych

@pytest.mark.parametrize("name", ["cronbach_wide_missing", "cronbach_alpha"])
def test_alpha_equals_pingouin_on_its_datasets(name, monkeypatch):
    data = pingouin_datasets()[name]
    ours = cronbach_alpha(data)
    ref_alpha, ref_ci = pingouin_alpha(data, monkeypatch)
    assert ours.raw == pytest.approx(ref_alpha, abs=1e-10)
    assert ours.ci == pytest.approx(tuple(ref_ci), abs=1e-10)
    # and the rounded interval pingouin prints
    assert np.round(ours.ci, 3).tolist() == pg.cronbach_alpha(data)[1].tolist()
    assert ours.n == len(data) and ours.n_items == data.shape[1]


def test_alpha_matches_documented_psych_values():
    # pingouin's docstring quotes psych::alpha(data, use="pairwise") on this dataset
    a = cronbach_alpha(pingouin_datasets()["cronbach_wide_missing"])
    assert round(a.raw, 6) == 0.732661
    assert np.round(a.ci, 3).tolist() == [0.435, 0.909]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_alpha_equals_pingouin_on_simulated_scales(seed, monkeypatch, codebook):
    df = cohort(seed)
    for scale in ("validation", "comparison", "authenticity", "self_esteem"):
        items = keyed_items(df, scale, codebook)
        assert items.isna().any().any()     # pairwise handling is exercised
        ours = cronbach_alpha(items)
        ref_alpha, ref_ci = pingouin_alpha(items, monkeypatch)
        assert ours.raw == pytest.approx(ref_alpha, abs=1e-10)
        assert ours.ci_low == pytest.approx(ref_ci[0], abs=1e-6)
        assert ours.ci_high == pytest.approx(ref_ci[1], abs=1e-6)
        assert ours.ci == pytest.approx(feldt(ours.raw, ours.n, ours.n_items), abs=1e-10)


@pytest.mark.parametrize("seed", [5, 6])
def test_standardized_alpha_is_psychs_cov2cor(seed, codebook):
    items = keyed_items(cohort(seed), "influence", codebook)
    c = items.cov()                                  # pandas' pairwise covariance
    r = c / np.sqrt(np.outer(np.diag(c), np.diag(c)))
    k = len(c)
    rbar = (r.to_numpy().sum() - k) / (k * (k - 1))
    a = cronbach_alpha(items)
    assert a.average_r == pytest.approx(rbar, abs=1e-12)
    assert a.standardized == pytest.approx(k * rbar / (1 + (k - 1) * rbar), abs=1e-12)


def test_standardized_alpha_is_alpha_of_z_scores_on_complete_data(codebook):
    items = keyed_items(cohort(7), "creativity", codebook).dropna()
    z = (items - items.mean()) / items.std()
    assert cronbach_alpha(items).standardized == pytest.approx(pg.cronbach_alpha(z)[0],
                                                               abs=1e-12)


def test_alpha_str_is_readable():
    text = str(cronbach_alpha(pingouin_datasets()["cronbach_alpha"]))
    assert text.startswith("alpha = 0.592, 95% CI [0.195, 0.840]")
    assert "10 items, n = 15" in text


def test_ci_level_is_used(monkeypatch):
    data = pingouin_datasets()["cronbach_alpha"]
    a90 = cronbach_alpha(data, ci=0.90)
    ref = pg.cronbach_alpha(data, ci=0.90)[1]
    assert np.round(a90.ci, 3).tolist() == ref.tolist()
    assert a90.ci_level == 0.90


# ------------------------------------------------------------------ cached covariance

def test_alpha_from_cached_covariance_equals_recomputing(codebook):
    items = keyed_items(cohort(1), "escapism", codebook).dropna()
    ic = item_covariance(items)
    pd.testing.assert_frame_equal(ic.cov, items.cov(), atol=1e-12, rtol=0)
    for drop in (None, "esc2", "esc5"):
        expect = cronbach_alpha(items if drop is None else items.drop(columns=drop))
        got = ic.alpha(drop=[] if drop is None else [drop])
        assert got.raw == pytest.approx(expect.raw, abs=1e-12)
        assert got.ci == pytest.approx(expect.ci, abs=1e-12)
        assert got.standardized == pytest.approx(expect.standardized, abs=1e-12)
    assert alpha_from_cov(ic.cov, ic.n).raw == pytest.approx(ic.alpha().raw, abs=1e-15)
    with pytest.raises(AnalysisInputError, match="unknown item"):
        ic.alpha(drop=["nope"])


def test_pairwise_covariance_equals_pandas_with_missing(codebook):
    items = keyed_items(cohort(2), "authenticity", codebook)
    pd.testing.assert_frame_equal(item_covariance(items).cov, items.cov(), atol=1e-12, rtol=0)


@pytest.mark.parametrize("bad, match", [
    (np.ones((3, 2)), "square"),
    (np.array([[1.0]]), "at least 2"),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), "missing or infinite"),
    (np.array([[1.0, 0.5], [0.2, 1.0]]), "not symmetric"),
    (np.array([[0.0, 0.0], [0.0, 1.0]]), "no variance"),
])
def test_alpha_from_cov_refuses_bad_matrices(bad, match):
    with pytest.raises(AnalysisInputError, match=match):
        alpha_from_cov(bad, 100)


def test_alpha_from_cov_refuses_bad_n():
    with pytest.raises(AnalysisInputError, match="n must be"):
        alpha_from_cov(np.eye(2) + 0.5, 2)


# ------------------------------------------------------------------ Spearman-Brown

def test_spearman_brown_projects_alpha_of_parallel_items():
    # Standardized alpha of k parallel items is Spearman-Brown of their average r.
    data = exact_one_factor([0.6] * 6, seed=1)
    a6 = cronbach_alpha(data).standardized
    r = cronbach_alpha(data).average_r
    assert spearman_brown(r, 6) == pytest.approx(a6, abs=1e-12)
    a3 = cronbach_alpha(data.iloc[:, :3]).standardized
    assert spearman_brown(a6, 0.5) == pytest.approx(a3, abs=1e-4)
    assert spearman_brown(a6, 1) == pytest.approx(a6)


@pytest.mark.parametrize("rho, f, match", [(1.2, 2, "<= 1"), (np.nan, 2, "finite"),
                                           (0.5, 0, "positive"), (-0.5, 4, "undefined")])
def test_spearman_brown_refuses_bad_input(rho, f, match):
    with pytest.raises(AnalysisInputError, match=match):
        spearman_brown(rho, f)


# ------------------------------------------------------------------ item analysis

def test_item_analysis_complete_data_against_direct_computation(codebook):
    items = keyed_items(cohort(3), "comparison", codebook).dropna()
    table = item_analysis(items)
    assert list(table.columns) == ["n", "missing", "mean", "sd", "r_drop", "alpha_if_deleted"]
    for col in items.columns:
        rest = items.drop(columns=col)
        r = np.corrcoef(items[col], rest.sum(axis=1))[0, 1]
        assert table.at[col, "r_drop"] == pytest.approx(r, abs=1e-12)
        assert table.at[col, "alpha_if_deleted"] == pytest.approx(pg.cronbach_alpha(rest)[0],
                                                                  abs=1e-12)
    assert table["mean"].to_numpy() == pytest.approx(items.mean().to_numpy(), abs=1e-12)
    assert table["sd"].to_numpy() == pytest.approx(items.std().to_numpy(), abs=1e-12)
    assert (table["missing"] == 0).all()


def test_item_analysis_with_missing_is_pairwise(codebook):
    items = keyed_items(cohort(4), "validation", codebook)
    table = item_analysis(items)
    c = items.cov()
    for col in items.columns:
        assert table.at[col, "alpha_if_deleted"] == pytest.approx(
            pg.cronbach_alpha(items.drop(columns=col))[0], abs=1e-12)
        others = [o for o in items.columns if o != col]
        expect = c.loc[col, others].sum() / np.sqrt(c.at[col, col]
                                                    * c.loc[others, others].to_numpy().sum())
        assert table.at[col, "r_drop"] == pytest.approx(expect, abs=1e-12)
    assert table["missing"].to_numpy() == pytest.approx(items.isna().mean().to_numpy())
    assert table["n"].tolist() == items.notna().sum().tolist()


def test_unmirrored_reversed_item_shows_negative_r_drop(codebook):
    raw = cohort(1)[list(codebook.scale("validation").item_ids)]
    table = item_analysis(raw)
    assert table["r_drop"].idxmin() == "val4" and table.at["val4", "r_drop"] < 0
    assert cronbach_alpha(raw).raw < cronbach_alpha(keyed_items(cohort(1), "validation")).raw


def test_item_analysis_needs_three_items():
    with pytest.raises(AnalysisInputError, match="at least 3"):
        item_analysis(pd.DataFrame({"a": [1, 2, 3.0], "b": [2, 1, 3.0]}))


# ------------------------------------------------------------------ omega

def exact_one_factor(loadings, n=500, seed=0) -> pd.DataFrame:
    """Data whose sample covariance is exactly the one-factor correlation matrix."""
    lam = np.asarray(loadings)
    sigma = np.outer(lam, lam)
    np.fill_diagonal(sigma, 1.0)
    z = np.random.default_rng(seed).standard_normal((n, len(lam)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    x = z @ np.linalg.cholesky(sigma).T
    return pd.DataFrame(x, columns=[f"i{j}" for j in range(len(lam))])


def test_omega_recovers_the_population_value():
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    w = omega(exact_one_factor(lam))
    expect = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())
    assert w.total == pytest.approx(expect, abs=1e-5)
    assert w.loadings.to_numpy() == pytest.approx(lam, abs=1e-4)


def test_omega_equals_standardized_alpha_when_tau_equivalent():
    data = exact_one_factor([0.6] * 6, seed=3)
    assert omega(data).total == pytest.approx(cronbach_alpha(data).standardized, abs=1e-5)


@pytest.mark.parametrize("seed", [1, 2])
def test_omega_equals_scikit_learns_ml_factor_analysis(seed, codebook):
    from sklearn.decomposition import FactorAnalysis

    items = keyed_items(cohort(seed), "compulsive", codebook).dropna()
    z = (items - items.mean()) / items.std(ddof=1)
    fa = FactorAnalysis(n_components=1, tol=1e-10, max_iter=10_000).fit(z.to_numpy())
    lam = np.abs(fa.components_[0])
    psi = fa.noise_variance_
    # scikit-learn's ML uses the ddof=0 covariance: rescale to correlation units.
    scale = lam**2 + psi
    lam, psi = lam / np.sqrt(scale), psi / scale
    expect = lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum())
    assert omega(items).total == pytest.approx(expect, abs=1e-4)


@pytest.mark.parametrize("scale", ["validation", "authenticity", "self_esteem"])
def test_omega_loadings_equal_statsmodels_ml_factor(scale, codebook):
    from statsmodels.multivariate.factor import Factor

    items = keyed_items(cohort(5), scale, codebook)
    c = items.cov()
    r = c / np.sqrt(np.outer(np.diag(c), np.diag(c)))
    ref = Factor(corr=r.to_numpy(), n_factor=1, method="ml", nobs=len(items)).fit(rng=0)
    lam = np.abs(ref.loadings[:, 0])
    w = omega(items, method="ml")
    assert w.loadings.to_numpy() == pytest.approx(lam, abs=2e-6)
    assert w.total == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()),
                                    abs=2e-6)
    assert w.uniquenesses.to_numpy() == pytest.approx(1 - lam**2, abs=4e-6)


def test_omega_needs_three_items():
    with pytest.raises(AnalysisInputError, match="at least 3"):
        omega(pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [2, 1, 3, 5.0]}))


# ------------------------------------------------------------------ reliability table

def test_reliability_table_matches_per_scale_functions(codebook):
    df = cohort(1)
    table = reliability_table(df, codebook)
    assert table.index.tolist() == list(codebook.scale_names())
    assert list(table.columns) == ["label", "kind", "n_items", "reversed", "n", "alpha",
                                   "ci_low", "ci_high", "std_alpha", "average_r", "omega"]
    for scale in ("influence", "self_esteem"):
        items = keyed_items(df, scale, codebook).dropna(how="all")
        a = cronbach_alpha(items)
        row = table.loc[scale]
        assert row["alpha"] == pytest.approx(a.raw, abs=1e-14)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(a.ci, abs=1e-14)
        assert row["omega"] == pytest.approx(omega(items).total, abs=1e-12)
        assert row["n"] == a.n and row["n_items"] == items.shape[1]
    assert table.at["comparison", "reversed"] == "soc3, soc6"
    # the simulator builds scales with alphas in the published range
    assert table["alpha"].between(0.7, 0.92).all()


def test_reliability_table_selects_scales_and_kinds(codebook):
    t = reliability_table(cohort(1), codebook, kinds=["pitfall"])
    assert t.index.tolist() == list(codebook.scale_names("pitfall"))
    t = reliability_table(cohort(1), codebook, scales=["wellbeing", "validation"])
    assert t.index.tolist() == ["wellbeing", "validation"]
    with pytest.raises(AnalysisInputError, match="no scale"):
        reliability_table(cohort(1), codebook, scales=["wellbeing"], kinds=["motive"])
    with pytest.raises(CourseKitError, match="unknown scale"):
        reliability_table(cohort(1), codebook, scales=["nope"])


def test_reliability_table_names_the_scale_and_items_in_errors(codebook):
    df = cohort(1).copy()
    df.loc[:, "cmp2"] = np.where(df["cmp1"].notna(), np.nan, df["cmp2"])
    with pytest.raises(AnalysisInputError, match="'cmp1' and 'cmp2' are answered together by 0"):
        reliability_table(df, codebook, scales=["compulsive"])
    df = cohort(1).assign(wel3=2.0)
    with pytest.raises(AnalysisInputError, match="scale 'wellbeing'.*'wel3' \\(always 2\\)"):
        reliability_table(df, codebook)


def test_reliability_table_refuses_uncleaned_data(codebook):
    raw = simulate_survey(300, seed=2)
    with pytest.raises(AnalysisInputError, match="clean_survey"):
        reliability_table(raw, codebook)


# ------------------------------------------------------------------ bad input

GOOD = {"a": [1, 2, 3, 4.0], "b": [2, 1, 4, 3.0], "c": [1, 3, 3, 4.0]}


@pytest.mark.parametrize("frame, match", [
    (pd.DataFrame({"a": ["1", "2", "3"], "b": [1.0, 2, 3]}), "'a' is not numeric"),
    (pd.DataFrame({"a": [1.0, 2, 3]}), "at least 2 are needed"),
    (pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [3.0, 3, 3, 3]}), "'b' \\(always 3\\)"),
    (pd.DataFrame({"a": [1.0, 2, 3], "b": [np.nan] * 3}), "no answers at all: b"),
    (pd.DataFrame({"a": [1.0, 2], "b": [2.0, 1]}), "2 respondent"),
    (pd.DataFrame({"a": [1.0, 2, np.inf], "b": [2.0, 1, 3]}), "infinite"),
    (pd.DataFrame({"a": [1.0, 2, 3, np.nan, np.nan], "b": [np.nan, np.nan, 3, 4, 1]}),
     "'a' and 'b' are answered together by 1"),
    (pd.DataFrame(), "0 column"),
])
@pytest.mark.parametrize("func", [cronbach_alpha, item_covariance])
def test_bad_input_raises_a_clear_error(func, frame, match):
    with pytest.raises(AnalysisInputError, match=match):
        func(frame)


def test_non_dataframe_refused():
    with pytest.raises(AnalysisInputError, match="DataFrame"):
        cronbach_alpha(pd.Series([1.0, 2.0, 3.0]))
    with pytest.raises(AnalysisInputError, match="DataFrame"):
        cronbach_alpha(np.ones((4, 3)))


def test_all_errors_are_value_errors_and_coursekit_errors():
    with pytest.raises(ValueError):
        cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3]}))
    with pytest.raises(CourseKitError):
        omega(pd.DataFrame(GOOD).iloc[:, :2])


def test_items_that_cancel_out_are_refused():
    df = pd.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [5, 4, 3, 2, 1.0]})
    with pytest.raises(AnalysisInputError, match="no positive variance"):
        cronbach_alpha(df)


def test_bad_ci_refused():
    with pytest.raises(AnalysisInputError, match="ci must"):
        cronbach_alpha(pd.DataFrame(GOOD), ci=95)


def test_rows_without_any_answer_count_in_n_as_in_pingouin(monkeypatch):
    df = pd.DataFrame(GOOD)
    more = pd.concat([df, pd.DataFrame({"a": [np.nan], "b": [np.nan], "c": [np.nan]})])
    a = cronbach_alpha(more)
    assert a.raw == cronbach_alpha(df).raw and a.n == 5
    assert a.ci == pytest.approx(tuple(pingouin_alpha(more, monkeypatch)[1]), abs=1e-10)


def test_reliability_table_leaves_out_who_skipped_the_scale(codebook):
    df = cohort(1)
    items = keyed_items(df, "self_esteem", codebook)
    skipped = int(items.isna().all(axis=1).sum())
    assert skipped > 0                                   # break-offs before the outcomes
    row = reliability_table(df, codebook, scales=["self_esteem"]).loc["self_esteem"]
    assert row["n"] == len(df) - skipped
    assert row["ci_low"] == pytest.approx(cronbach_alpha(items.dropna(how="all")).ci_low,
                                          abs=1e-14)


def test_nullable_integer_columns_are_accepted():
    df = pd.DataFrame(GOOD).astype("Int64")
    df.loc[0, "a"] = pd.NA
    expect = cronbach_alpha(df.astype("float64"))
    assert cronbach_alpha(df) == expect


# ------------------------------------------------------------------ properties

likert_frames = st.integers(6, 40).flatmap(
    lambda n: st.lists(st.lists(st.integers(1, 5), min_size=4, max_size=4),
                       min_size=n, max_size=n)
).map(lambda rows: pd.DataFrame(rows, columns=list("abcd"), dtype=float)).filter(
    lambda d: (d.std() > 0).all() and d.cov().to_numpy().sum() > 0.5
)


@settings(max_examples=60, deadline=None)
@given(likert_frames, st.floats(-50, 50), st.integers(0, 3))
def test_alpha_is_invariant_to_adding_constants(df, shift, col):
    a = cronbach_alpha(df)
    assert cronbach_alpha(df + shift).raw == pytest.approx(a.raw, abs=1e-9)
    moved = df.copy()
    moved.iloc[:, col] += 2 * shift
    assert cronbach_alpha(moved).raw == pytest.approx(a.raw, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(likert_frames, st.permutations(list("abcd")), st.floats(0.1, 10))
def test_alpha_ignores_column_order_and_a_common_scale(df, order, factor):
    a = cronbach_alpha(df)
    b = cronbach_alpha(df[order] * factor)
    assert (b.raw, b.standardized) == pytest.approx((a.raw, a.standardized), abs=1e-9)
    assert a.ci_low <= a.raw <= a.ci_high


@settings(max_examples=40, deadline=None)
@given(likert_frames)
def test_alpha_if_deleted_equals_alpha_of_the_rest(df):
    table = item_analysis(df)
    for col in df.columns:
        rest = df.drop(columns=col)
        if rest.cov().to_numpy().sum() > 0:
            assert table.at[col, "alpha_if_deleted"] == pytest.approx(
                cronbach_alpha(rest).raw, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_alpha_of_keyed_items_survives_double_reversal(seed):
    rng = np.random.default_rng(seed)
    cols = ["val1", "val2", "val3", "val4", "val5", "val6"]
    df = pd.DataFrame(rng.integers(1, 6, size=(30, 6)).astype(float), columns=cols)
    df = df.where(rng.random(df.shape) > 0.1)
    twice = reverse_key(reverse_key(df))
    pd.testing.assert_frame_equal(twice, df)


def test_docstring_examples_run():
    result = doctest.testmod(rel, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 10


def test_alpha_rounds_converts_and_names_its_printed_value():
    a = cronbach_alpha(keyed_items(cohort(3, 300), "validation"))
    assert round(a, 2) == round(a.raw, 2) and float(a) == a.raw and f"{a:.3f}" == f"{a.raw:.3f}"
    assert a.alpha == a.raw and f"alpha = {a.alpha:.3f}" in str(a)
    assert all(type(getattr(a, f)) is float for f in ("raw", "standardized", "ci_low"))
    assert "np.float64" not in repr(a)
    o = omega(keyed_items(cohort(3, 300), "validation"))
    assert round(o, 3) == round(o.total, 3) and o.omega == o.total
    assert type(o.total) is float
