"""Live explorers: ipywidgets controls driving a plotly figure drawn in an ``Output`` widget.

Each explorer computes what it can once, when it is built (value counts,
covariance matrices, group summaries, a fitted model), and caches what it
computes on demand, so a callback only looks results up and redraws a small
aggregated figure: its cost does not grow with the number of respondents
once a view has been seen (``make bench`` measures it).

Displayed in JupyterLab, an explorer is a live widget. Its display also
carries the starting figure as plotly JSON and a caption, so an executed
notebook opened without a kernel, or exported to HTML, still shows the
figure in its starting state (see :mod:`coursekit.render.run`).

Why not plotly's ``FigureWidget``
---------------------------------
From plotly 6 a ``FigureWidget`` is an anywidget whose model carries all of
plotly.js (5 MB) as its ESM, imported afresh by every model. anywidget gives
a model 2 s to import its ESM and run ``initialize``; past that the model's
``ready`` promise rejects with ``[anywidget] Failed to initialize model.``, and
``_handle_comm_msg`` awaits it before handling any message, so every later
message to that model is lost (anywidget ``widget.js``, ``Runtime``: ``AbortSignal.timeout(2000)``).
A ``FigureWidget`` opens its comm before it holds any data: the traces and
the layout follow in update messages (plotly ``basewidget.py`` sets
``_widget_data`` and ``_widget_layout`` after ``Widget.__init__`` opened the
comm), and every redraw is a message too. On a busy page (a first run drawing
a notebook's figures, a slow laptop) the import can take longer than 2 s: the
figure then stays bare axes and never redraws, while the caption, a core
widget, follows (tests/test_widget_first_draw.py reproduces it). So an
explorer draws into a core ``ipywidgets.Output``: each view is set as its one
output, plotly JSON drawn by JupyterLab's plotly renderer
(plotly.js loaded once per page), with no anywidget model, no timeout and no
message that can be dropped.

>>> from coursekit.course import start
>>> course = start(seed=2, n_respondents=120)
>>> explorer = ItemExplorer(course.raw, course.codebook)
>>> _ = explorer.set(item="cmp1")
>>> list(explorer.figure.data[0].y) == course.raw["cmp1"].value_counts().reindex(
...     [1.0, 2.0, 3.0, 4.0, 5.0], fill_value=0).tolist()
True
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from coursekit.common.lean import SLOW_OPTIONAL, keep_out

# Before plotly: the first FigureWidget would otherwise pay 1-3 s of a learner's first
# explorer for a grammar nothing in a notebook uses (see coursekit.common.lean).
keep_out(*SLOW_OPTIONAL)

import ipywidgets as w  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

from coursekit.course.plots import (  # noqa: E402
    PLOTLY_MIME,
    answer_counts,
    caption_of,
    figure_json,
    item_counts_figure,
    question_text,
)
from coursekit.survey.codebook import Codebook  # noqa: E402

LIVE_NOTE = "This figure is live in JupyterLab: run the notebook to use its controls."


class Explorer:
    """Base class: a control row above a figure (an ``Output``), with a cached view function.

    Subclasses implement :meth:`_controls` and :meth:`_view`, where ``_view(key)``
    returns the figure for a state key. Views are memoised by key, so moving a
    control back to a state already seen costs a dictionary lookup.
    """

    def __init__(self) -> None:
        self._cache: dict[Hashable, go.Figure] = {}
        self._outputs: dict[Hashable, dict] = {}  # key -> the output message drawing it
        self._muted = False
        self.controls: list[w.Widget] = self._controls()
        self._drawn: Hashable | None = self._key()
        start = self._cached_view(self._drawn)
        #: The figure on screen, as plotly data (tests and callers read it).
        self.figure = go.Figure(start)
        # The whole figure is the output's state from the start: the front end draws it
        # when the widget is created, with nothing to wait for (see the module docstring).
        self.output = w.Output(outputs=(self._figure_output(start),))
        self.status = w.HTML(value=self._status_text(start))
        self.box = w.VBox([w.HBox(self.controls, layout=w.Layout(flex_flow="row wrap")),
                           self.output, self.status])
        for control in self.controls:
            control.observe(self._on_change, names="value")

    # -- to implement -----------------------------------------------------------------------
    def _controls(self) -> list[w.Widget]:
        raise NotImplementedError

    def _key(self) -> Hashable:
        """The state of the controls that determines the view."""
        return tuple(c.value if not isinstance(c.value, list) else tuple(c.value)
                     for c in self.controls)

    def _view(self, key: Any) -> go.Figure:
        raise NotImplementedError

    # -- machinery --------------------------------------------------------------------------
    def _cached_view(self, key: Hashable) -> go.Figure:
        fig = self._cache.get(key)
        if fig is None:
            fig = self._view(key)
            self._cache[key] = fig
        return fig

    def _status_text(self, fig: go.Figure) -> str:
        import html

        return f'<div style="color:#444;font-size:0.9em">{html.escape(caption_of(fig))}</div>'

    def _on_change(self, _change: dict | None = None) -> None:
        if not self._muted:
            self.update()

    def update(self) -> go.Figure:
        """Redraw for the current control values; returns the view shown.

        The view's plotly JSON (a few KB: figures are aggregated) is cached with
        it, so a redraw is one state update of the output widget.
        """
        key = self._key()
        view = self._cached_view(key)
        if key == self._drawn:
            return view
        self.figure = go.Figure(view)
        self.output.outputs = (self._figure_output(view, key),)
        self._drawn = key
        self.status.value = self._status_text(view)
        return view

    def _figure_output(self, view: go.Figure, key: Hashable | None = None) -> dict:
        """The output message that draws ``view`` (its plotly JSON and caption)."""
        key = self._drawn if key is None else key
        if key not in self._outputs:
            self._outputs[key] = {"output_type": "display_data", "metadata": {},
                                  "data": {PLOTLY_MIME: figure_json(view),
                                           "text/plain": caption_of(view)}}
        return self._outputs[key]

    def set(self, **values: Any) -> go.Figure:
        """Set controls by name (see :meth:`control_names`); returns the view shown."""
        names = self.control_names()
        for name, value in values.items():
            names[name].value = value
        return self.update()

    def control_names(self) -> dict[str, w.Widget]:
        return {getattr(c, "_ck_name", str(i)): c for i, c in enumerate(self.controls)}

    def current_figure(self) -> go.Figure:
        return go.Figure(self.figure)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = self.box._repr_mimebundle_()
        fig = self.current_figure()
        bundle[PLOTLY_MIME] = figure_json(fig)
        bundle["text/plain"] = f"{caption_of(fig)}\n{LIVE_NOTE}"
        return bundle


def _named(widget: w.Widget, name: str) -> w.Widget:
    widget._ck_name = name
    return widget


class ItemExplorer(Explorer):
    """Pick an item and see how the cohort answered it (notebook 01).

    Answer counts of every item are computed once when the explorer is built. With
    ``min_count`` (a real class: ``course.min_count``), no bar shows fewer answers than
    that (see :func:`coursekit.course.plots.item_counts_figure`).
    """

    def __init__(self, data: Any, codebook: Codebook, *, title: Callable[[str], str] = str,
                 min_count: int | None = None):
        self.data = data
        self.codebook = codebook
        self._title = title
        self.min_count = min_count
        self._counts = {i.id: (answer_counts(data[i.id], i.response_scale),
                               int(data[i.id].isna().sum()))
                        for i in codebook.items if i.id in data.columns}
        self._questions = {i.id: question_text(codebook, i) for i in codebook.items}
        super().__init__()

    def _controls(self) -> list[w.Widget]:
        options = [(f"{i.id}: {self._questions[i.id]}", i.id) for i in self.codebook.items
                   if i.id in self.data.columns]
        return [_named(w.Dropdown(options=options, description="Item",
                                  layout=w.Layout(width="95%")), "item")]

    def _view(self, key: Any) -> go.Figure:
        (item_id,) = key
        counts, n_missing = self._counts[item_id]
        out_of_range = len(self.data) - int(counts.sum()) - n_missing
        return item_counts_figure(counts, self.codebook.item(item_id), n_missing,
                                  title=self._title(f"{item_id}: answers"),
                                  n_out_of_range=out_of_range,
                                  question=self._questions[item_id],
                                  min_count=self.min_count)


class AlphaExplorer(Explorer):
    """Drop items from a scale and watch Cronbach's alpha move (notebook 02).

    Each scale's pairwise covariance matrix is computed once, on first view;
    alpha of any subset of items, alpha-if-deleted and the Spearman-Brown
    projection then come from that matrix alone (a few microseconds), so a
    callback never touches the respondent-level data again.
    """

    def __init__(self, data: Any, codebook: Codebook, *, title: Callable[[str], str] = str,
                 max_length: int = 20):
        self.data = data
        self.codebook = codebook
        self._title = title
        self._max_length = max_length
        self._covs: dict[str, Any] = {}
        super().__init__()

    def _controls(self) -> list[w.Widget]:
        scales = [(s.label, s.name) for s in self.codebook.scales]
        first = self.codebook.scales[0]
        scale = _named(w.Dropdown(options=scales, description="Scale"), "scale")
        drop = _named(w.SelectMultiple(options=list(first.item_ids), value=(),
                                       description="Drop items", rows=6), "drop")
        length = _named(w.IntSlider(value=len(first.items), min=2, max=self._max_length,
                                    description="Items", continuous_update=True), "length")
        scale.observe(self._on_scale, names="value")
        return [scale, drop, length]

    def _on_scale(self, change: dict) -> None:
        # Runs before the base class's observer of the same change, which then
        # redraws once for the new scale with its controls already reset.
        scale = self.codebook.scale(change["new"])
        drop, length = self.controls[1], self.controls[2]
        self._muted = True
        try:
            drop.options = list(scale.item_ids)
            drop.value = ()
            length.value = len(scale.items)
        finally:
            self._muted = False

    def _cov(self, scale_name: str) -> Any:
        from coursekit.analysis.reliability import item_covariance
        from coursekit.analysis.scoring import keyed_items

        if scale_name not in self._covs:
            self._covs[scale_name] = item_covariance(
                keyed_items(self.data, scale_name, self.codebook))
        return self._covs[scale_name]

    def _key(self) -> Hashable:
        scale, drop, length = (c.value for c in self.controls)
        valid = set(self.codebook.scale(scale).item_ids)
        return scale, tuple(sorted(d for d in drop if d in valid)), int(length)

    def _view(self, key: Any) -> go.Figure:
        from coursekit.analysis.reliability import spearman_brown
        from coursekit.course.plots import alpha_explorer_figure

        scale_name, dropped, length = key
        cached = self._cov(scale_name)
        kept = [i for i in cached.cov.index if i not in dropped]
        current = cached.alpha(drop=dropped).raw if len(kept) >= 2 else None
        if_deleted = {i: cached.alpha(drop=(*dropped, i)).raw
                      for i in kept} if len(kept) >= 3 else {}
        projection = ([(m, spearman_brown(current, m / len(kept)))
                       for m in range(2, self._max_length + 1)] if current is not None else [])
        return alpha_explorer_figure(
            self.codebook.scale(scale_name), kept, current, if_deleted, projection, length,
            title=self._title(f"Reliability of {self.codebook.label(scale_name)}"))


GROUPINGS = ("gender", "creator_status", "region", "age_group")


class GroupExplorer(Explorer):
    """A score by a grouping, with each group's mean, interval and the effect size (notebook 03).

    Groups under ``min_group_size`` are suppressed (named, not drawn, not tested).
    Each (score, grouping) view is computed once and cached.
    """

    def __init__(self, frame: Any, codebook: Codebook, *, min_group_size: int,
                 title: Callable[[str], str] = str):
        import pandas as pd

        from coursekit.analysis.summaries import age_groups

        if "age" in frame.columns and "age_group" not in frame.columns:
            frame = frame.assign(age_group=age_groups(frame["age"]))
        # Groupings become categoricals once, in codebook order: grouping by codes
        # is several times faster than by strings on every first view.
        columns = {}
        for g in GROUPINGS:
            if g in frame.columns and codebook.has_variable(g) \
                    and codebook.variable(g).categories:
                cats = list(codebook.variable(g).categories)
                extra = sorted(set(frame[g].dropna()) - set(cats), key=str)
                columns[g] = pd.Categorical(frame[g], categories=cats + extra)
        self.frame = frame.assign(**columns)
        self.codebook = codebook
        self.min_group_size = min_group_size
        self._title = title
        super().__init__()

    def _controls(self) -> list[w.Widget]:
        scores = [(s.label, s.name) for s in self.codebook.scales]
        groups = [(self.codebook.label(g) if self.codebook.has_variable(g) else "Age group", g)
                  for g in GROUPINGS if g in self.frame.columns]
        return [_named(w.Dropdown(options=scores, description="Score"), "score"),
                _named(w.Dropdown(options=groups, description="Group by"), "group")]

    def _order(self, group: str) -> list[Any]:
        counts = self.frame[group].value_counts(sort=False)
        return [c for c in counts.index if counts[c] > 0]

    def _view(self, key: Any) -> go.Figure:
        from coursekit.analysis.stats import compare_groups
        from coursekit.common.errors import AnalysisInputError
        from coursekit.course.plots import group_means, message_figure

        score, group = key
        title = self._title(f"{self.codebook.label(score)} by "
                            f"{self.codebook.label(group).lower()}")
        try:
            result = compare_groups(self.frame, score, group, order=self._order(group),
                                    min_group_size=self.min_group_size)
        except AnalysisInputError as exc:
            return message_figure(title, f"No comparison shown: {exc}")
        return group_means(result, self.codebook, title=title)


class WhatIfExplorer(Explorer):
    """Describe a person by sliders; see predicted self-esteem and wellbeing (notebook 06).

    The two regressions are fitted once, when the explorer is built; a slider
    move only evaluates them (a few multiplications).
    """

    OUTCOMES = ("self_esteem", "wellbeing")

    def __init__(self, frame: Any, codebook: Codebook, *, title: Callable[[str], str] = str):
        from coursekit.analysis.prediction import fit_predictor
        from coursekit.common.errors import AnalysisInputError

        self.codebook = codebook
        self._title = title
        self.predictors = list(codebook.scale_names("motive") + codebook.scale_names("pitfall"))
        try:
            self.models = {o: fit_predictor(frame, o, self.predictors) for o in self.OUTCOMES}
            self.reason = ""
        except AnalysisInputError as exc:
            # A class too small for seven predictors: the sliders stay, the figure says why.
            self.models = {}
            self.reason = (f"No predictions for this cohort: the models of "
                           f"{len(self.predictors)} predictors cannot be fitted ({exc}).")
        self.bands = {o: tuple(float(v) for v in frame[o].quantile([0.25, 0.5, 0.75]))
                      for o in self.OUTCOMES}
        self.means = {p: float(frame[p].mean()) for p in self.predictors}
        super().__init__()

    def _controls(self) -> list[w.Widget]:
        controls = []
        for name in self.predictors:
            rs = self.codebook.scale(name).response_scale
            start = min(max(round(self.means[name] * 2) / 2, rs.min), rs.max)
            controls.append(_named(w.FloatSlider(
                value=start, min=rs.min, max=rs.max, step=0.5,
                description=self.codebook.label(name)[:18], continuous_update=False,
                style={"description_width": "130px"}), name))
        return controls

    def _view(self, key: Any) -> go.Figure:
        from coursekit.course.plots import message_figure, what_if_figure

        if self.reason:
            return message_figure(self._title("Predicted outcomes for this profile"),
                                  self.reason)
        profile = dict(zip(self.predictors, key, strict=True))
        predictions = {o: self.models[o].predict(profile) for o in self.OUTCOMES}
        return what_if_figure(predictions, self.bands, self.codebook, profile,
                              title=self._title("Predicted outcomes for this profile"))
