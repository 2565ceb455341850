import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from coursekit.analysis.scoring import keyed_items, reverse_key, score_all, score_scale, standardize
from coursekit.common.errors import AnalysisInputError

VALIDATION = ["val1", "val2", "val3", "val4", "val5", "val6"]


def test_reverse_keying_uses_min_plus_max(codebook):
    df = pd.DataFrame({"val4": [1.0, 5.0], "ses2": [1.0, 4.0], "wel1": [0.0, 5.0]})
    out = reverse_key(df, codebook)
    assert out["val4"].tolist() == [5.0, 1.0]          # 1-5
    assert out["ses2"].tolist() == [4.0, 1.0]          # 1-4
    assert out["wel1"].tolist() == [0.0, 5.0]          # not reversed


def test_score_matches_hand_computation(codebook):
    df = pd.DataFrame([[5, 4, 5, 1, 4, 5], [1, 2, np.nan, 5, np.nan, 1]],
                      columns=VALIDATION, dtype=float)
    s = score_scale(df, "validation", codebook)
    assert s.iloc[0] == pytest.approx((5 + 4 + 5 + 5 + 4 + 5) / 6)
    assert np.isnan(s.iloc[1])   # 4 of 6 answered < 80 %
    s2 = score_scale(df, "validation", codebook, min_answered=0.6)
    assert s2.iloc[1] == pytest.approx((1 + 2 + 1 + 1) / 4)


def test_out_of_range_refused(codebook):
    df = pd.DataFrame([[5, 4, 44, 1, 4, 5]], columns=VALIDATION, dtype=float)
    with pytest.raises(AnalysisInputError, match="val3.*44"):
        score_scale(df, "validation", codebook)


def test_non_numeric_refused(codebook):
    df = pd.DataFrame([["5", 4, 4, 1, 4, 5]], columns=VALIDATION)
    with pytest.raises(AnalysisInputError, match="not numeric"):
        score_scale(df, "validation", codebook)


def test_score_all_on_cleaned_bundle(survey, codebook):
    from coursekit.survey.clean import clean_survey

    scores = score_all(clean_survey(survey, codebook).data, codebook)
    assert list(scores.columns) == list(codebook.scale_names())
    assert scores.notna().mean().min() > 0.9
    motives = score_all(clean_survey(survey, codebook).data, codebook, kinds=["motive"])
    assert list(motives.columns) == list(codebook.scale_names("motive"))


def test_standardize():
    z = standardize(pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan]}))
    assert z["a"].tolist()[:3] == pytest.approx([-1, 0, 1])
    with pytest.raises(AnalysisInputError):
        standardize(pd.Series([2.0, 2.0]))


likert = st.one_of(st.none(), st.integers(1, 5)).map(lambda v: np.nan if v is None else float(v))
frames = data_frames([column(c, elements=likert, dtype=float) for c in VALIDATION],
                     index=st.just(pd.RangeIndex(8)))


@settings(max_examples=60, deadline=None)
@given(frames)
def test_reversing_twice_is_identity(df):
    pd.testing.assert_frame_equal(reverse_key(reverse_key(df)), df)


@settings(max_examples=60, deadline=None)
@given(frames)
def test_score_lies_within_response_scale(df):
    s = score_scale(df, "validation").dropna()
    assert ((s >= 1) & (s <= 5)).all()


@settings(max_examples=60, deadline=None)
@given(frames)
def test_keyed_items_mirror_only_reversed(df):
    k = keyed_items(df, "validation")
    pd.testing.assert_series_equal(k["val1"], df["val1"])
    pd.testing.assert_series_equal(k["val4"], 6 - df["val4"])


def test_keyed_items_of_several_scales(survey, codebook):
    from coursekit.survey.clean import clean_survey

    df = clean_survey(survey, codebook).data
    both = keyed_items(df, ["validation", "comparison"], codebook)
    assert list(both.columns) == list(codebook.scale("validation").item_ids) + list(
        codebook.scale("comparison").item_ids)
    pd.testing.assert_frame_equal(both[["soc3"]], keyed_items(df, "comparison", codebook)[["soc3"]])
