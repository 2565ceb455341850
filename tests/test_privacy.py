"""coursekit.analysis.privacy: small groups never show their statistics."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coursekit.analysis.privacy as priv
from coursekit.analysis.privacy import (
    DEFAULT_K,
    groups_large_enough,
    small_groups,
    suppress_small_groups,
)
from coursekit.common.errors import AnalysisInputError

pytestmark = pytest.mark.filterwarnings("error")


def summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Woman", "Man", "Non-binary", "Undisclosed"],
            "n": [390, 350, 3, 30],
            "mean": [3.2, 2.9, 3.8, 3.0],
            "sd": [0.8, 0.7, 0.2, 0.9],
            "ci_low": [3.1, 2.8, 3.3, 2.7],
            "ci_high": [3.3, 3.0, 4.3, 3.3],
            "text": ["3.2 (0.8)", "2.9 (0.7)", "3.8 (0.2)", "3.0 (0.9)"],
            "flag": [True, False, True, False],
        },
        index=pd.Index(["woman", "man", "non-binary", "undisclosed"], name="gender"),
    )


def test_small_group_row_stays_and_every_statistic_is_masked():
    out = suppress_small_groups(summary(), "n", labels=["label"], secondary=False)
    assert out.index.tolist() == summary().index.tolist()          # the group is still listed
    row = out.loc["non-binary"]
    assert row["suppressed"] and row["n"] == "<5"
    for col in ("mean", "sd", "ci_low", "ci_high", "flag"):
        assert pd.isna(row[col]), col
    assert row["text"] == "<5"                                     # formatted statistics too
    assert row["label"] == "Non-binary"                            # labels kept
    untouched = out.drop(index="non-binary")
    assert not untouched["suppressed"].any()
    assert untouched["mean"].tolist() == [3.2, 2.9, 3.0]
    assert untouched["n"].tolist() == [390, 350, 30]


def test_input_is_not_modified():
    table = summary()
    before = table.copy()
    suppress_small_groups(table, "n")
    pd.testing.assert_frame_equal(table, before)


def test_secondary_suppression_protects_the_single_small_group():
    out = suppress_small_groups(summary(), "n")
    # Without it, n and mean of the 3 non-binary respondents follow from the total.
    assert out["suppressed"].tolist() == [False, False, True, True]
    assert pd.isna(out.at["undisclosed", "mean"])


def test_no_secondary_suppression_when_two_groups_are_small():
    table = summary()
    table.loc["undisclosed", "n"] = 4
    out = suppress_small_groups(table, "n")
    assert out["suppressed"].tolist() == [False, False, True, True]
    assert out.at["man", "mean"] == 2.9


def test_nothing_masked_when_all_groups_are_large():
    table = summary()
    table.loc["non-binary", "n"] = 12
    out = suppress_small_groups(table, "n")
    assert not out["suppressed"].any()
    pd.testing.assert_frame_equal(out.drop(columns="suppressed"), table)


def test_without_labels_every_column_is_masked():
    out = suppress_small_groups(summary(), "n", secondary=False)
    assert out.at["non-binary", "label"] == "<5" and out.at["non-binary", "text"] == "<5"
    assert out.at["man", "label"] == "Man"


def test_explicit_labels_and_k():
    out = suppress_small_groups(summary(), "n", k=31, labels=["label", "text"],
                                secondary=False)
    assert out["suppressed"].tolist() == [False, False, True, True]
    assert out.at["undisclosed", "text"] == "3.0 (0.9)"               # declared a label
    assert out.at["undisclosed", "n"] == "<31"


def test_groups_as_a_column_and_missing_counts():
    t = pd.DataFrame({"region": ["Europe", "Asia", "Oceania"], "n": [50.0, np.nan, 7.0],
                      "mean": [1.0, 2.0, 3.0]})
    out = suppress_small_groups(t, "n", labels=["region"], secondary=False)
    assert out["region"].tolist() == ["Europe", "Asia", "Oceania"]
    assert out["suppressed"].tolist() == [False, True, False]


def test_duplicate_index_is_handled():
    t = pd.DataFrame({"n": [2, 20, 30], "mean": [1.0, 2.0, 3.0]}, index=["a", "a", "b"])
    out = suppress_small_groups(t, "n", secondary=False)
    assert out["mean"].isna().tolist() == [True, False, False]


@pytest.mark.parametrize("kwargs, match", [
    ({"count_column": "count"}, "count column 'count' not in"),
    ({"count_column": "label"}, "not numeric"),
    ({"count_column": "n", "k": 0}, "k must be"),
    ({"count_column": "n", "labels": ["nope"]}, "label column"),
    ({"count_column": "n", "labels": ["n"]}, "cannot be a label"),
])
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(AnalysisInputError, match=match):
        suppress_small_groups(summary(), **kwargs)


def test_negative_counts_and_non_frames_refused():
    t = summary()
    t.loc["man", "n"] = -1
    with pytest.raises(AnalysisInputError, match="negative"):
        suppress_small_groups(t, "n")
    with pytest.raises(AnalysisInputError, match="DataFrame"):
        suppress_small_groups(t["n"], "n")


def test_small_groups_and_groups_large_enough():
    g = pd.Series(["a"] * 7 + ["b"] * 4 + ["c"] * 5 + [None] * 3)
    assert small_groups(g).to_dict() == {"b": 4}
    assert not groups_large_enough(g)
    assert groups_large_enough(g, k=4)
    cat = pd.Series(pd.Categorical(["x"] * 6, categories=["x", "y"]))
    assert groups_large_enough(cat)              # an unused category describes nobody
    with pytest.raises(AnalysisInputError, match="Series"):
        small_groups(["a", "b"])
    assert DEFAULT_K == 5


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=8), st.integers(1, 10),
       st.integers(0, 12))
def test_no_visible_row_describes_fewer_than_k(counts, k, unassigned):
    t = pd.DataFrame({"n": counts, "mean": np.arange(len(counts), dtype=float)})
    out = suppress_small_groups(t, "n", k, unassigned=unassigned)
    visible = out[~out["suppressed"]]
    assert (visible["n"].astype(int) >= k).all()
    assert out.loc[out["suppressed"], "mean"].isna().all()
    # The total minus the visible rows (the masked rows and the unassigned respondents)
    # describes nobody or at least k people, unless nothing is left to mask.
    hidden = sum(c for c, m in zip(counts, out["suppressed"], strict=True) if m) + unassigned
    assert hidden == 0 or hidden >= k or out["suppressed"].all()
    # and no more is masked than that needs: without the largest row masked only to protect
    # others, the hidden respondents would be a group of 1 to k - 1
    extra = [c for c, m in zip(counts, out["suppressed"], strict=True) if m and c >= k]
    if extra:
        assert 0 < hidden - max(extra) < k


def test_the_group_without_a_row_is_protected_as_well():
    """Three respondents without a gender: the whole cohort minus women and men would be
    their mean, so the smaller published group is masked too."""
    t = pd.DataFrame({"n": [14, 13]}, index=["woman", "man"])
    out = suppress_small_groups(t, "n", 5, unassigned=3)
    assert out["suppressed"].tolist() == [False, True]
    assert out.loc["man", "n"] == "masked"
    # six without a group hide among themselves: nothing else is masked
    assert not suppress_small_groups(t, "n", 5, unassigned=6)["suppressed"].any()


def test_docstring_examples_run():
    result = doctest.testmod(priv, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 5


def test_secondary_suppression_does_not_claim_the_group_is_small():
    t = pd.DataFrame({"n": [14, 13, 3]}, index=["woman", "man", "non-binary"])
    out = suppress_small_groups(t, "n", 5)
    assert out.loc["non-binary", "n"] == "<5"
    assert out.loc["man", "n"] == "masked"
    assert not out.loc["woman", "suppressed"]
