import numpy as np
import pandas as pd
import pytest

from coursekit.analysis import summaries
from coursekit.course import start
from coursekit.survey.clean import clean_survey


@pytest.fixture(scope="module")
def course():
    return start()


def test_missing_by_scale_counts_answers_and_scores(course, codebook):
    table = summaries.missing_by_scale(course.raw, codebook)
    items = list(codebook.scale("self_esteem").item_ids)
    share = course.raw[items].isna().to_numpy().mean()
    assert table.loc["self_esteem", "missing answers (%)"] == round(100 * share, 1)
    no_score = (course.raw[items].notna().sum(axis=1) < 8).sum()
    assert table.loc["self_esteem", "respondents without a score"] == no_score


def test_careless_summary_matches_flags(course):
    t = summaries.careless_summary(course.cleaning.flags)
    assert t["respondents"].iloc[-1] == int(course.cleaning.flags["careless"].sum())


def test_out_of_range_summary(survey, codebook):
    result = clean_survey(survey, codebook)
    t = summaries.out_of_range_summary(result.out_of_range)
    assert t["answers"].sum() == len(result.out_of_range)
    assert summaries.out_of_range_summary(result.out_of_range.iloc[0:0]).empty


def test_group_counts_suppress_small_groups(codebook):
    df = pd.DataFrame({"gender": ["woman"] * 12 + ["man"] * 10 + ["non-binary"] * 3})
    t = summaries.group_counts(df, "gender", codebook, min_group_size=5)
    assert list(t.index) == ["woman", "man", "non-binary"]
    assert t.loc["non-binary", "suppressed"]
    assert "3" not in str(t.loc["non-binary", "respondents"])
    assert not t.loc["woman", "suppressed"]


def _hidden_flags(df, table, flag, group):
    """Respondents with and without the flag whose share no shown row gives."""
    shown = table.index[table[f"{flag} (%)"].map(lambda v: isinstance(v, float))]
    rest = df[~df[group].isin(shown)]
    return int(rest[flag].sum()), int((~rest[flag].astype(bool)).sum())


def test_share_by_group_orders_and_suppresses(codebook):
    df = pd.DataFrame({"creator_status": ["regular"] * 10 + ["viewer"] * 10 + ["occasional"] * 2
                       + ["viewer"] * 10,
                       "flag": [True, False] * 16})
    t = summaries.share_by_group(df, "flag", "creator_status", min_group_size=5,
                                 codebook=codebook)
    assert list(t.index) == ["viewer", "occasional", "regular"]
    assert t.loc["viewer", "flag (%)"] == 50.0
    assert t.loc["occasional", "suppressed"]
    # regular is masked to protect occasional: the total minus viewers would give its share
    assert t.loc["regular", "suppressed"] and t.loc["regular", "respondents"] == "masked"
    assert all(v == 0 or v >= 5 for v in _hidden_flags(df, t, "flag", "creator_status"))


def test_a_share_never_says_how_few_of_a_group_have_the_flag():
    """3 of 8 at risk (and 5 not) describes three respondents: that share is not given, nor
    one more, or the whole cohort's count minus the shares shown would give it."""
    df = pd.DataFrame({"g": ["a"] * 8 + ["b"] * 10 + ["c"] * 12,
                       "flag": [True] * 3 + [False] * 5 + [True, False] * 11})
    t = summaries.share_by_group(df, "flag", "g", min_group_size=5)
    assert t.loc["a", "flag (%)"] == summaries.SHARE_MASK and t.loc["a", "respondents"] == 8
    assert t.loc["b", "flag (%)"] == "masked"                   # the smaller of the others
    assert t.loc["c", "flag (%)"] == 50.0
    assert _hidden_flags(df, t, "flag", "g") == (8, 10)


def test_age_groups():
    bands = summaries.age_groups(pd.Series([13, 17, 18, 24, 25, 34, 35, 80, np.nan]))
    assert bands.astype(str).tolist()[:8] == ["13-17", "13-17", "18-24", "18-24", "25-34",
                                              "25-34", "35+", "35+"]
    assert pd.isna(bands.iloc[8])


def test_factor_match_on_a_clean_structure(codebook):
    loadings = pd.DataFrame({"F1": [0.8, 0.7, 0.1, 0.0], "F2": [0.1, 0.2, 0.9, 0.3]},
                            index=["val1", "val2", "inf1", "inf2"])
    t = summaries.factor_match(loadings, codebook)
    assert t.loc["val1", "scale_factor"] == "F1" and t.loc["inf1", "scale_factor"] == "F2"
    assert t["on_own_factor"].all()
    loadings.loc["inf2"] = [0.6, 0.3]
    assert not summaries.factor_match(loadings, codebook).loc["inf2", "on_own_factor"]


def test_describe_scores(course, codebook):
    t = summaries.describe_scores(course.scores, codebook)
    assert t.loc["validation", "mean"] == round(course.scores["validation"].mean(), 2)


def test_factor_labels(codebook):
    loadings = pd.DataFrame({"F1": [0.8, 0.7, 0.1], "F2": [0.1, 0.2, 0.9], "F3": [0, 0, 0.1]},
                            index=["val1", "val2", "inf1"])
    assert summaries.factor_labels(loadings, codebook) == {"F1": "validation",
                                                            "F2": "influence", "F3": "F3"}
