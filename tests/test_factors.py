"""coursekit.analysis.factors against pandas, scikit-learn and R's varimax; simulated recovery."""

from __future__ import annotations

import doctest
import functools

import numpy as np
import pandas as pd
import pytest

import coursekit.analysis.factors as fac
from coursekit.analysis.factors import ROTATIONS, correlation_matrix, efa, parallel_analysis
from coursekit.analysis.scoring import keyed_items
from coursekit.common.errors import AnalysisInputError
from coursekit.survey.clean import clean_survey
from coursekit.survey.codebook import load_codebook
from coursekit.survey.simulate import simulate_survey

pytestmark = pytest.mark.filterwarnings("error")

SEEDS = [1, 2, 3, 4]


@functools.lru_cache(maxsize=8)
def motive_pitfall_items(seed: int, n: int = 800) -> pd.DataFrame:
    """The 42 motive and pitfall items, keyed, without careless responders."""
    cb = load_codebook()
    df = clean_survey(simulate_survey(n, seed), cb, exclude_careless=True).data
    scales = cb.scale_names("motive") + cb.scale_names("pitfall")
    return pd.concat([keyed_items(df, s, cb) for s in scales], axis=1)


def owners(items: pd.DataFrame) -> pd.Series:
    cb = load_codebook()
    return pd.Series({c: cb.item(c).scale for c in items.columns})


def two_factor_data(n=400, seed=0, missing=0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.multivariate_normal([0, 0], [[1, 0.3], [0.3, 1]], size=n)
    lam = np.array([0.8, 0.7, 0.6, 0.75])
    x = np.hstack([np.outer(f[:, 0], lam), np.outer(f[:, 1], lam)])
    x += rng.standard_normal(x.shape) * np.sqrt(1 - np.tile(lam, 2) ** 2)
    df = pd.DataFrame(x, columns=[f"a{j}" for j in range(4)] + [f"b{j}" for j in range(4)])
    if missing:
        df = df.where(rng.random(df.shape) > missing)
    return df


# ------------------------------------------------------------------ correlations

def test_correlation_matrix_equals_pandas_pairwise():
    df = two_factor_data(missing=0.15, seed=4)
    pd.testing.assert_frame_equal(correlation_matrix(df), df.corr(), atol=1e-12, rtol=0)


def test_correlation_matrix_equals_numpy_on_complete_data():
    df = two_factor_data(seed=5)
    assert correlation_matrix(df).to_numpy() == pytest.approx(
        np.corrcoef(df.to_numpy(), rowvar=False), abs=1e-12)


# ------------------------------------------------------------------ parallel analysis

def test_wishart_null_matches_simulating_normal_data():
    """The Bartlett draw gives the eigenvalue distribution of real random samples."""
    n, k, iters = 60, 8, 3000
    rng = np.random.default_rng(11)
    direct = np.array([
        np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((n, k)), rowvar=False))[::-1]
        for _ in range(iters)
    ])
    fast = np.linalg.eigvalsh(fac._null_correlations(np.random.default_rng(12), n, k, iters))
    fast = fast[:, ::-1]
    se = np.sqrt(direct.var(axis=0) / iters + fast.var(axis=0) / iters)
    assert np.all(np.abs(direct.mean(axis=0) - fast.mean(axis=0)) < 4 * se)
    assert np.quantile(fast, 0.95, axis=0) == pytest.approx(np.quantile(direct, 0.95, axis=0),
                                                            abs=0.05)


@pytest.mark.parametrize("seed", SEEDS)
def test_parallel_analysis_finds_the_seven_simulated_factors(seed):
    items = motive_pitfall_items(seed)
    pa = parallel_analysis(items, n_iter=200, seed=seed)
    assert pa.n_factors == 7
    ev = pa.eigenvalues
    assert list(ev.columns) == ["observed", "simulated_mean", "simulated_quantile"]
    assert len(ev) == 42 and ev.index[0] == 1
    assert ev["observed"].sum() == pytest.approx(42)
    assert "7 factors suggested" in str(pa)


def test_parallel_analysis_fa_kind_also_finds_seven():
    assert parallel_analysis(motive_pitfall_items(1), n_iter=100, seed=3, kind="fa").n_factors == 7


def test_parallel_analysis_is_seeded():
    items = motive_pitfall_items(1)
    a = parallel_analysis(items, n_iter=50, seed=9)
    b = parallel_analysis(items, n_iter=50, seed=9)
    c = parallel_analysis(items, n_iter=50, seed=10)
    pd.testing.assert_frame_equal(a.eigenvalues, b.eigenvalues)
    assert not a.eigenvalues["simulated_mean"].equals(c.eigenvalues["simulated_mean"])


def test_parallel_analysis_finds_nothing_in_noise():
    noise = pd.DataFrame(np.random.default_rng(1).standard_normal((300, 10)))
    assert parallel_analysis(noise, n_iter=100, seed=1).n_factors == 0


def test_parallel_analysis_observed_eigenvalues_are_numpys():
    df = two_factor_data(missing=0.1, seed=2)
    pa = parallel_analysis(df, n_iter=20, seed=0)
    assert pa.eigenvalues["observed"].to_numpy() == pytest.approx(
        np.sort(np.linalg.eigvalsh(df.corr().to_numpy()))[::-1], abs=1e-12)
    assert pa.n_factors == 2


@pytest.mark.parametrize("kwargs, match", [
    ({"n_iter": 5}, "n_iter"),
    ({"kind": "ml"}, "kind"),
    ({"quantile": 1.0}, "quantile"),
    ({"seed": -1}, "seed"),
])
def test_parallel_analysis_refuses_bad_arguments(kwargs, match):
    with pytest.raises(AnalysisInputError, match=match):
        parallel_analysis(two_factor_data(), **kwargs)


def test_parallel_analysis_needs_more_respondents_than_items():
    with pytest.raises(AnalysisInputError, match="more respondents"):
        parallel_analysis(two_factor_data(n=8), n_iter=20)


# ------------------------------------------------------------------ EFA recovery

@pytest.mark.parametrize("seed", SEEDS)
def test_efa_recovers_the_simulated_scales(seed):
    items = motive_pitfall_items(seed)
    fit = efa(items, 7, "oblimin")
    owner = owners(items)
    best = fit.highest()
    for scale, group in best.groupby(owner):
        assert group.nunique() == 1, f"{scale} items split over factors {set(group)}"
    assert best.groupby(owner).first().nunique() == 7      # one factor per scale
    peak = fit.loadings.abs().max(axis=1)
    assert peak.min() >= 0.4, peak.sort_values().head(3).round(3).to_dict()


@pytest.mark.parametrize("rotation", ["promax", "varimax"])
def test_efa_recovers_the_scales_with_other_rotations(rotation):
    items = motive_pitfall_items(1)
    fit = efa(items, 7, rotation)
    owner = owners(items)
    assert (fit.highest().groupby(owner).nunique() == 1).all()
    assert fit.loadings.abs().max(axis=1).min() >= 0.4


def test_oblique_factor_correlations_follow_the_latent_model():
    from coursekit.survey.simulate import LATENT_CORRELATIONS, TRAITS

    items = motive_pitfall_items(2)
    fit = efa(items, 7, "oblimin")
    owner = owners(items)
    factor_of = fit.highest().groupby(owner).first()
    phi = fit.factor_correlations
    val, cmp_ = factor_of["validation"], factor_of["comparison"]
    # validation and comparison are the most correlated pair in the latent model (.45)
    truth = LATENT_CORRELATIONS[TRAITS.index("validation"), TRAITS.index("comparison")]
    assert abs(phi.at[val, cmp_]) == pytest.approx(truth, abs=0.15)
    assert np.diag(phi) == pytest.approx(np.ones(7))


# ------------------------------------------------------------------ EFA invariants and references

@pytest.mark.parametrize("rotation", ROTATIONS)
def test_rotation_keeps_the_common_variance(rotation):
    df = two_factor_data(missing=0.05, seed=3)
    fit = efa(df, 2, rotation)
    unrotated = efa(df, 2, "none")
    lam, phi = fit.loadings.to_numpy(), fit.factor_correlations.to_numpy()
    a = unrotated.loadings.to_numpy()
    assert lam @ phi @ lam.T == pytest.approx(a @ a.T, abs=1e-8)
    assert np.diag(lam @ phi @ lam.T) == pytest.approx(fit.communalities.to_numpy(), abs=1e-8)
    assert fit.communalities.to_numpy() + fit.uniquenesses.to_numpy() == pytest.approx(1)
    assert (fit.loadings.sum() > 0).all()                              # reflected
    assert fit.variance["ss_loadings"].is_monotonic_decreasing
    assert fit.variance["cumulative"].iloc[-1] == pytest.approx(
        fit.communalities.sum() / len(df.columns), abs=1e-8)
    if rotation in ("varimax", "none"):
        assert phi == pytest.approx(np.eye(2))


@pytest.mark.parametrize("seed", [1, 2])
def test_ml_communalities_equal_scikit_learn(seed):
    from sklearn.decomposition import FactorAnalysis

    df = two_factor_data(n=600, seed=seed)
    z = (df - df.mean()) / df.std(ddof=0)
    sk = FactorAnalysis(n_components=2, tol=1e-12, max_iter=20_000).fit(z.to_numpy())
    h2 = (sk.components_**2).sum(axis=0)
    assert efa(df, 2, "none").communalities.to_numpy() == pytest.approx(h2, abs=2e-3)


def r_varimax(x: np.ndarray, eps: float = 1e-10) -> np.ndarray:
    """R's stats::varimax(normalize = TRUE), line by line (Kaiser's SVD algorithm)."""
    sc = np.sqrt((x**2).sum(axis=1))
    x = x / sc[:, None]
    p, nc = x.shape
    tt = np.eye(nc)
    d = 0.0
    for _ in range(1000):
        z = x @ tt
        b = x.T @ (z**3 - z @ np.diag((z**2).sum(axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        tt = u @ vt
        dpast, d = d, s.sum()
        if d < dpast * (1 + eps):
            break
    return (x @ tt) * sc[:, None]


def _match_columns(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """b's columns permuted and reflected to line up with a's."""
    out = np.empty_like(b)
    for j in range(a.shape[1]):
        k = int(np.argmax(np.abs(a[:, j] @ b)))
        out[:, j] = b[:, k] * np.sign(a[:, j] @ b[:, k])
    return out


def test_varimax_equals_rs_algorithm():
    items = motive_pitfall_items(3).iloc[:, :18]          # validation, influence, escapism
    fit = efa(items, 3, "varimax")
    a = efa(items, 3, "none").loadings.to_numpy()
    ref = r_varimax(a)
    assert _match_columns(fit.loadings.to_numpy(), ref) == pytest.approx(
        fit.loadings.to_numpy(), abs=1e-4)


def test_promax_pattern_follows_its_target():
    items = motive_pitfall_items(3).iloc[:, :18]
    pro = efa(items, 3, "promax").loadings
    var = efa(items, 3, "varimax").loadings
    # promax sharpens simple structure: cross-loadings shrink, primary loadings stay
    small = lambda m: np.sort(np.abs(m.to_numpy()), axis=1)[:, :-1].mean()  # noqa: E731
    assert small(pro) < small(var)


def test_principal_axis_method_agrees_with_ml_on_clean_structure():
    df = two_factor_data(n=800, seed=6)
    ml = efa(df, 2, "oblimin", method="ml")
    pa = efa(df, 2, "oblimin", method="pa")
    assert (ml.highest() == pa.highest()).all()
    assert pa.loadings.to_numpy() == pytest.approx(ml.loadings.to_numpy(), abs=0.05)


def test_pattern_blanks_small_loadings_and_sorts_items():
    fit = efa(two_factor_data(seed=7), 2)
    shown = fit.pattern(cutoff=0.3)
    assert shown.notna().sum().sum() == 8
    assert list(shown.index[:4]) == sorted(shown.index[:4], key=lambda i: -abs(
        fit.loadings.loc[i].max()))
    assert "2 factors, 8 items" in str(fit)


# ------------------------------------------------------------------ bad input

def test_efa_refuses_too_many_factors():
    with pytest.raises(AnalysisInputError, match="too many"):
        efa(two_factor_data(), 5)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_factors": 0}, "n_factors"),
    ({"n_factors": 2, "rotation": "quartimax"}, "rotation"),
    ({"n_factors": 2, "method": "minres"}, "method"),
])
def test_efa_refuses_bad_arguments(kwargs, match):
    with pytest.raises(AnalysisInputError, match=match):
        efa(two_factor_data(), **kwargs)


def test_efa_refuses_a_singular_correlation_matrix():
    df = two_factor_data()
    df["dup"] = df["a0"] + df["a1"]
    with pytest.raises(AnalysisInputError, match="not positive definite"):
        efa(df, 2)


def test_factor_functions_refuse_non_numeric_items():
    df = two_factor_data().assign(a0=lambda d: d["a0"].astype(str))
    for func in (correlation_matrix, lambda d: parallel_analysis(d, n_iter=10),
                 lambda d: efa(d, 2)):
        with pytest.raises(AnalysisInputError, match="'a0' is not numeric"):
            func(df)


def test_factor_functions_refuse_constant_items():
    df = two_factor_data().assign(b3=2.0)
    with pytest.raises(AnalysisInputError, match="no variation"):
        efa(df, 2)


def test_docstring_examples_run():
    result = doctest.testmod(fac, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 5
