"""Figures say what they show: intervals on coefficients, readable axes and labels, clipped
prediction intervals that say so, item counts that add up."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from coursekit.analysis.prediction import Prediction
from coursekit.analysis.stats import moderation, regression
from coursekit.course import start
from coursekit.course.plots import (
    caption_of,
    coefficients,
    histogram,
    question_text,
    simple_slopes,
    what_if_figure,
)
from coursekit.course.widgets import ItemExplorer


@pytest.fixture(scope="module")
def course():
    return start(seed=21, n_respondents=300)


def test_coefficient_plot_draws_the_95_interval_of_each_beta(course):
    xs = ["compulsive", "comparison", "authenticity"]
    model = regression(course.frame, "wellbeing ~ " + " + ".join(xs))
    trace = coefficients(model.table, course.codebook, "t").data[0]
    used = course.frame[["wellbeing", *xs]].dropna()
    z = (used - used.mean()) / used.std(ddof=1)
    ref = sm.OLS(z["wellbeing"], sm.add_constant(z[xs])).fit().conf_int()
    beta = np.array(trace.x)
    assert np.allclose(beta - np.array(trace.error_x.arrayminus), ref.loc[xs, 0], atol=2e-3)
    assert np.allclose(beta + np.array(trace.error_x.array), ref.loc[xs, 1], atol=2e-3)


def test_log_histogram_reads_in_followers(course):
    fig = histogram(course.raw["followers"], title="f", x_title="followers", log_x=True)
    assert fig.layout.xaxis.title.text == "followers (log scale)"
    assert list(fig.layout.xaxis.ticktext[:4]) == ["0", "10", "100", "1k"]
    assert fig.layout.xaxis.tickvals[3] == pytest.approx(np.log10(1001), abs=1e-4)
    assert "log10" not in fig.layout.xaxis.title.text


def test_simple_slopes_legend_uses_labels(course):
    frame = course.frame.assign(log_minutes=course.log_minutes())
    mod = moderation(frame, y="self_esteem", x="comparison", moderator="log_minutes")
    fig = simple_slopes(mod, frame, course.codebook, "t")
    names = [t.name for t in fig.data]
    assert names[0] == "Daily minutes (log): low (−1 SD)"
    assert not any("log_minutes" in n for n in names) and "log_minutes" not in caption_of(fig)


def test_what_if_interval_is_clipped_to_the_scale_and_says_so(course):
    bands = {"wellbeing": (2.0, 2.5, 3.0)}
    fig = what_if_figure({"wellbeing": Prediction(4.6, 3.2, 6.01)}, bands, course.codebook,
                         {"comparison": 5}, "t")
    point = fig.data[1]
    assert point.x[0] + point.error_x.array[0] == pytest.approx(5.0)
    assert "6.01" in caption_of(fig) and "cut at the scale's ends 0-5" in caption_of(fig)
    inside = what_if_figure({"wellbeing": Prediction(2.6, 1.2, 4.0)}, bands, course.codebook,
                            {"comparison": 3}, "t")
    assert "cut at" not in caption_of(inside)


def test_item_explorer_counts_add_up_with_out_of_range_answers():
    course = start()  # the bundled cohort has out-of-range typos in the raw data
    bad = course.cleaning.out_of_range["column"].iloc[0]
    caption = caption_of(ItemExplorer(course.raw, course.codebook).set(item=bad))
    n_bad = int((course.cleaning.out_of_range["column"] == bad).sum())
    assert f"{n_bad} out of range" in caption and f"of {len(course.raw)}." in caption


def test_compulsive_items_carry_their_question_stem(course):
    cb = course.codebook
    assert question_text(cb, cb.item("cmp1")).startswith(
        "During the past year, how often have you spent")
    assert question_text(cb, cb.item("val1")) == cb.item("val1").wording
    options = ItemExplorer(course.raw, cb).controls[0].options
    assert dict((v, k) for k, v in options)["cmp2"].startswith("cmp2: During the past year")


