import json

import pytest

from coursekit.analysis.reliability import cronbach_alpha
from coursekit.analysis.scoring import keyed_items
from coursekit.common.mime import PLOTLY_MIME, WIDGET_MIME
from coursekit.course import start
from coursekit.course.plots import caption_of
from coursekit.course.widgets import LIVE_NOTE, AlphaExplorer, ItemExplorer


@pytest.fixture(scope="module")
def course():
    return start(seed=21, n_respondents=400)


def test_display_bundle_carries_widget_figure_and_caption(course):
    e = ItemExplorer(course.raw, course.codebook)
    bundle = e._repr_mimebundle_()
    assert WIDGET_MIME in bundle and PLOTLY_MIME in bundle
    assert LIVE_NOTE in bundle["text/plain"]
    json.dumps(bundle[PLOTLY_MIME])  # plain JSON


def test_item_explorer_shows_the_counts_of_the_chosen_item(course):
    e = ItemExplorer(course.raw, course.codebook)
    e.set(item="ses3")
    counts = course.raw["ses3"].value_counts()
    assert list(e.figure.data[0].y) == [int(counts.get(float(v), 0)) for v in (1, 2, 3, 4)]
    assert "ses3" in e.figure.layout.title.text
    assert "ses3" in e.status.value


def test_views_are_cached_not_recomputed(course, monkeypatch):
    e = ItemExplorer(course.raw, course.codebook)
    calls = []
    original = e._view
    monkeypatch.setattr(e, "_view", lambda key: calls.append(key) or original(key))
    e.set(item="val2")
    e.set(item="val1")
    e.set(item="val2")
    assert calls == [("val2",)]  # val1 was the starting view, val2 computed once


def test_alpha_explorer_matches_reference_alpha(course):
    e = AlphaExplorer(course.data, course.codebook)
    e.set(scale="validation", drop=("val4",))
    kept = keyed_items(course.data, "validation", course.codebook).drop(columns="val4")
    expected = cronbach_alpha(kept).raw
    line = e.figure.data[1].y
    assert line[0] == pytest.approx(expected, abs=1e-4)
    assert "val4" not in list(e.figure.data[0].x)


def test_alpha_explorer_slider_moves_projection(course):
    e = AlphaExplorer(course.data, course.codebook)
    before = e.figure.data[3].y[0]
    e.set(length=15)
    after = e.figure.data[3].y[0]
    assert after > before
    assert "15 items" in caption_of(e.current_figure())


def test_alpha_explorer_scale_switch_resets_drops(course):
    e = AlphaExplorer(course.data, course.codebook)
    e.set(drop=("val1",))
    e.set(scale="self_esteem")
    names = e.control_names()
    assert names["drop"].value == ()
    assert list(names["drop"].options) == list(course.codebook.scale("self_esteem").item_ids)
    assert names["length"].value == 10
    assert "Self-esteem" in e.figure.layout.title.text


def test_alpha_explorer_too_few_items(course):
    e = AlphaExplorer(course.data, course.codebook)
    e.set(drop=("val1", "val2", "val3", "val4", "val5"))
    assert "not defined" in caption_of(e.current_figure())


def test_group_explorer_matches_compare_groups(course):
    from coursekit.analysis.stats import compare_groups
    from coursekit.course.widgets import GroupExplorer

    e = GroupExplorer(course.frame, course.codebook, min_group_size=5)
    e.set(score="influence", group="creator_status")
    ref = compare_groups(course.frame, "influence", "creator_status",
                         order=["viewer", "occasional", "regular"])
    assert list(e.figure.data[0].x) == ["viewer", "occasional", "regular"]
    assert list(e.figure.data[0].y) == pytest.approx(ref.groups["mean"].round(3).tolist())
    assert f"eta squared = {ref.effect_size:.3f}" in caption_of(e.current_figure())


def test_group_explorer_suppresses_small_groups():
    from coursekit.course.widgets import GroupExplorer

    small = start(seed=3, n_respondents=60)
    # k = 4: the two small gender groups (3 and 1) together reach it, so no large group has
    # to be left out to protect them (complementary suppression, analysis.privacy).
    e = GroupExplorer(small.frame, small.codebook, min_group_size=4)
    e.set(score="influence", group="creator_status")
    e.set(score="comparison", group="gender")
    # Something must be drawn after the change: a figure with no trace would pass the
    # privacy check below without showing anything.
    traces = [t for t in e.figure.data if t.x is not None and len(t.x) and len(t.y)]
    assert traces, "the explorer drew nothing"
    counts = small.frame.dropna(subset=["comparison"])["gender"].value_counts()
    large = [g for g in small.codebook.variable("gender").categories if counts.get(g, 0) >= 4]
    small_groups = set(counts[counts < 4].index)
    assert len(large) >= 2 and small_groups            # the cohort has both kinds
    drawn = [x for t in traces for x in t.x]
    assert drawn == large and not set(drawn) & small_groups
    means = small.frame.groupby("gender", observed=True)["comparison"].mean()
    assert list(traces[0].y) == pytest.approx([round(means[g], 3) for g in large])
    assert "Suppressed" in caption_of(e.current_figure())


def test_what_if_explorer_prediction_matches_model(course):
    from coursekit.analysis.prediction import fit_predictor
    from coursekit.course.widgets import WhatIfExplorer

    e = WhatIfExplorer(course.frame, course.codebook)
    before = e.figure.data[1].x[0]
    e.set(validation=5.0, compulsive=5.0)
    after = e.figure.data[1].x[0]
    profile = {n: c.value for n, c in e.control_names().items()}
    ref = fit_predictor(course.frame, "self_esteem", e.predictors).predict(profile)
    assert after == pytest.approx(ref.fit, abs=1e-3)
    assert after < before  # more validation seeking and compulsive use: lower self-esteem


def test_switching_scale_computes_one_view(course, monkeypatch):
    e = AlphaExplorer(course.data, course.codebook)
    e.set(drop=("val2",), length=12)
    calls = []
    original = e._view
    monkeypatch.setattr(e, "_view", lambda key: calls.append(key) or original(key))
    e.set(scale="wellbeing")
    assert calls == [("wellbeing", (), 5)]


def test_explorer_draws_into_an_output_with_no_anywidget_model(course):
    # A FigureWidget (an anywidget) could come up empty and deaf on a first run; the
    # explorers draw plotly JSON into a core Output widget instead (see course/widgets.py).
    import anywidget
    import ipywidgets

    from coursekit.course.plots import figure_json

    e = ItemExplorer(course.raw, course.codebook)

    def tree(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from tree(child)

    assert not any(isinstance(x, anywidget.AnyWidget) for x in tree(e.box))
    assert isinstance(e.output, ipywidgets.Output) and e.output in e.box.children
    (shown,) = e.output.outputs  # the whole figure is the widget's state from the start
    assert shown["data"][PLOTLY_MIME] == figure_json(e.figure)
    e.set(item="ses3")
    (shown,) = e.output.outputs
    assert shown["data"][PLOTLY_MIME] == figure_json(e.figure)
    assert "ses3" in shown["data"][PLOTLY_MIME]["layout"]["title"]["text"]
    assert shown["data"]["text/plain"] == caption_of(e.figure)
