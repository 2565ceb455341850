import numpy as np
import pandas as pd
import pingouin as pg
import pytest

from coursekit.analysis.scoring import keyed_items, score_all
from coursekit.common.errors import CourseKitError
from coursekit.common.paths import bundled_survey_path
from coursekit.survey.clean import clean_survey
from coursekit.survey.simulate import (
    BUNDLED_N,
    BUNDLED_SEED,
    LATENT_CORRELATIONS,
    simulate_survey,
    survey_to_csv,
)

SEEDS = [1, 2, 3, 11]


@pytest.fixture(scope="module")
def cohorts(codebook):
    return {s: clean_survey(simulate_survey(800, seed=s), codebook).data for s in SEEDS}


def test_same_seed_same_bytes():
    assert survey_to_csv(simulate_survey(300, seed=5)) == survey_to_csv(simulate_survey(300, 5))


def test_different_seeds_differ():
    assert survey_to_csv(simulate_survey(300, seed=5)) != survey_to_csv(simulate_survey(300, 6))


def test_bundled_file_is_the_simulator_output():
    expected = survey_to_csv(simulate_survey(BUNDLED_N, seed=BUNDLED_SEED))
    assert bundled_survey_path().read_text(encoding="utf-8") == expected


def test_latent_correlations_are_a_valid_correlation_matrix():
    assert np.allclose(LATENT_CORRELATIONS, LATENT_CORRELATIONS.T)
    assert np.allclose(np.diag(LATENT_CORRELATIONS), 1)
    assert np.linalg.eigvalsh(LATENT_CORRELATIONS).min() > 0


def test_columns_and_types(codebook):
    df = simulate_survey(120, seed=3)
    assert list(df.columns) == list(codebook.columns)
    assert df["respondent_id"].is_unique
    for item in codebook.item_ids:
        assert df[item].dtype == "float64"
    assert set(df["gender"].dropna()) <= set(codebook.variable("gender").categories)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_scale_alpha_in_published_range(cohorts, codebook, seed):
    df = cohorts[seed]
    for scale in codebook.scales:
        items = keyed_items(df, scale, codebook)
        alpha = pg.cronbach_alpha(items)[0]
        assert 0.70 <= alpha <= 0.92, (scale.name, seed, alpha)


# (a, b, sign) from DESIGN.md's hypotheses.
SIGNS = [
    ("validation", "comparison", +1),
    ("validation", "self_esteem", -1),
    ("escapism", "compulsive", +1),
    ("authenticity", "wellbeing", +1),
    ("compulsive", "self_esteem", -1),
    ("comparison", "self_esteem", -1),
]


@pytest.mark.parametrize("seed", SEEDS)
def test_scale_correlations_have_the_designed_signs(cohorts, codebook, seed):
    df = cohorts[seed]
    scores = score_all(df, codebook)
    for a, b, sign in SIGNS:
        r = scores[a].corr(scores[b])
        assert np.sign(r) == sign and abs(r) > 0.08, (a, b, r)
    # Published anchor: social-media addiction vs self-esteem r ~ -.24.
    assert -0.40 < scores["compulsive"].corr(scores["self_esteem"]) < -0.12
    behaviour = pd.DataFrame({
        "influence": scores["influence"],
        "escapism": scores["escapism"],
        "log_followers": np.log1p(df["followers"]),
        "minutes": df["daily_minutes"],
        "creator": df["creator_status"].map({"viewer": 0, "occasional": 1, "regular": 2}),
    })
    c = behaviour.corr(method="spearman")
    assert c.loc["influence", "creator"] > 0.2
    assert c.loc["influence", "log_followers"] > 0.2
    assert c.loc["escapism", "minutes"] > 0.2


@pytest.mark.parametrize("seed", SEEDS)
def test_comparison_costs_heavy_users_more(cohorts, codebook, seed):
    import statsmodels.formula.api as smf

    df = cohorts[seed]
    frame = score_all(df, codebook)[["comparison", "self_esteem"]]
    frame["log_minutes"] = np.log(df["daily_minutes"] + 5)
    z = (frame - frame.mean()) / frame.std()
    fit = smf.ols("self_esteem ~ comparison * log_minutes", z).fit()
    assert fit.params["comparison:log_minutes"] < 0
    assert fit.pvalues["comparison:log_minutes"] < 0.05


def test_cohorts_are_statistically_similar(cohorts, codebook):
    means = pd.DataFrame({s: score_all(d, codebook).mean() for s, d in cohorts.items()})
    # Sampling SD of a mean with n=800 and SD<=1.2 is about .04: allow a spread of 0.2.
    assert (means.max(axis=1) - means.min(axis=1)).max() < 0.2


def test_followers_are_heavy_tailed():
    f = simulate_survey(2000, seed=8)["followers"].dropna()
    assert f.min() >= 0
    assert f.max() > 100 * f.median()
    assert f.skew() > 5


def test_the_mess_of_real_surveys(codebook):
    df = simulate_survey(2000, seed=4)
    items = df[list(codebook.item_ids)]
    missing_share = items.isna().to_numpy().mean()
    assert 0.01 < missing_share < 0.05
    result = clean_survey(df, codebook)
    flags = result.flags
    assert 0.02 < flags["careless"].mean() < 0.10
    assert flags["straightlining"].sum() > 10
    assert flags["attention_failed"].sum() > 10
    assert flags["too_fast"].sum() > 10
    assert 5 <= len(result.out_of_range) <= 40


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10", True, 3_000_000])
def test_bad_sizes_raise(bad):
    with pytest.raises(CourseKitError):
        simulate_survey(bad, seed=1)


def test_bad_seed_raises():
    with pytest.raises(CourseKitError, match="seed"):
        simulate_survey(10, seed=-3)
