"""Plotly figures for the course: one theme, a colour-blind-safe palette, a text alternative each.

How a figure reaches the reader
-------------------------------
:func:`show` displays a figure as the plotly MIME bundle
(``application/vnd.plotly.v1+json``, drawn by JupyterLab's plotly renderer)
together with ``text/plain`` holding the figure's caption, its text
alternative. It never depends on plotly's default renderer (papermill
kernels pick a JSON-only one whose figures nbconvert drops) and stores no
plotly.js in the notebook. The render step turns the JSON into an HTML
figure that loads plotly.js once per site (:mod:`coursekit.render.run`).

The theme is a small template of our own rather than plotly's default, whose
layout would add about 8 KB to every stored figure.

>>> import pandas as pd
>>> fig = histogram(pd.Series([1.0, 2, 2, 3]), title="Minutes", x_title="minutes")
>>> sorted(mime_bundle(fig)), list(fig.data[0].x)
(['application/vnd.plotly.v1+json', 'text/plain'], [1.0, 2.0, 2.0, 3.0])
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from coursekit.analysis.checks import format_p
from coursekit.analysis.stats import GroupComparison
from coursekit.common.mime import PLOTLY_MIME

if TYPE_CHECKING:
    from coursekit.analysis.factors import ParallelAnalysis
    from coursekit.analysis.stats import Moderation
    from coursekit.course.psychometrics import Structure
    from coursekit.course.session import UnavailableComparison
    from coursekit.survey.codebook import Codebook, Item, ResponseScale, Scale

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")


TEMPLATE = go.layout.Template(
    layout=go.Layout(
        colorway=list(PALETTE),
        font={"family": "Inter, Helvetica, Arial, sans-serif", "size": 13, "color": "#222"},
        title={"x": 0.01, "xanchor": "left", "font": {"size": 16}},
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        xaxis={"gridcolor": "#e5e5e5", "zerolinecolor": "#bbb", "linecolor": "#888",
               "automargin": True},
        yaxis={"gridcolor": "#e5e5e5", "zerolinecolor": "#bbb", "linecolor": "#888",
               "automargin": True},
        legend={"bgcolor": "rgba(255,255,255,0.8)"},
        hoverlabel={"font": {"size": 12}},
    )
)
pio.templates["coursekit"] = TEMPLATE

#: Figures are shown without plotly's logo and with a PNG download button.
CONFIG = {"displaylogo": False, "responsive": True,
          "toImageButtonOptions": {"format": "png", "scale": 2}}


def themed(fig: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Apply the course theme (in place) and return the figure."""
    fig.update_layout(template=TEMPLATE, height=height)
    if title is not None:
        fig.update_layout(title_text=title)
    return fig


def caption_of(fig: go.Figure) -> str:
    """The figure's text alternative, stored in ``layout.meta['caption']``."""
    meta = fig.layout.meta
    if isinstance(meta, dict) and meta.get("caption"):
        return str(meta["caption"])
    title = fig.layout.title.text
    return str(title) if title else "Figure"


def with_caption(fig: go.Figure, caption: str) -> go.Figure:
    """Attach a text alternative (in place) and return the figure."""
    meta = dict(fig.layout.meta) if isinstance(fig.layout.meta, dict) else {}
    meta["caption"] = caption
    fig.update_layout(meta=meta)
    return fig


def figure_json(fig: go.Figure) -> dict[str, Any]:
    """The figure as the plain JSON dict plotly's MIME renderer reads (data, layout, config)."""
    spec = json.loads(pio.to_json(fig, validate=False, remove_uids=True))
    spec["config"] = CONFIG
    return spec


def mime_bundle(fig: go.Figure, caption: str | None = None) -> dict[str, Any]:
    """The MIME bundle :func:`show` displays: plotly JSON and the caption as plain text."""
    text = caption if caption is not None else caption_of(fig)
    return {PLOTLY_MIME: figure_json(fig), "text/plain": text}


def show(fig: go.Figure, caption: str | None = None) -> None:
    """Display ``fig`` with its text alternative (see the module docstring)."""
    from IPython.display import display

    display(mime_bundle(fig, caption), raw=True)


# --- figure builders ----------------------------------------------------------------------
# Each returns a themed go.Figure with a caption (its text alternative) in layout.meta.

def _num(x: float) -> str:
    """A number for a caption: thousands separated, at most three significant decimals."""
    return f"{x:,.0f}" if abs(x) >= 1000 or float(x).is_integer() else f"{x:.3g}"


#: Labels of the variables notebooks derive from the codebook's (not in the codebook).
DERIVED_LABELS = {"log_minutes": "Daily minutes (log)", "age_group": "Age group",
                  "at_risk": "At risk", "creator_rank": "Creator status (rank)"}


def label(codebook: Codebook, name: str) -> str:
    """A human label for ``name``: the codebook's, or a derived variable's (``log_minutes``)."""
    return DERIVED_LABELS.get(name) or codebook.label(name)


def _count(n: int) -> str:
    """A round count as an axis reads it: 100, 1k, 10k, 1M."""
    for size, unit in ((10**6, "M"), (10**3, "k")):
        if n >= size:
            return f"{n // size:g}{unit}"
    return str(n)


def answer_counts(values: pd.Series, response_scale: ResponseScale) -> pd.Series:
    """Counts of each answer option (every option listed, zero included), index = values."""
    counts = values.value_counts()
    return pd.Series([int(counts.get(float(v), 0)) for v in response_scale.values],
                     index=list(response_scale.values), name=values.name)


def item_distribution(df: pd.DataFrame, item_id: str, codebook: Codebook,
                      title: str | None = None, min_count: int | None = None) -> go.Figure:
    """Bar chart of one item's answers, labelled with its anchors (``min_count``: see
    :func:`item_counts_figure`)."""
    item = codebook.item(item_id)
    counts = answer_counts(df[item_id], item.response_scale)
    n_missing = int(df[item_id].isna().sum())
    return item_counts_figure(counts, item, n_missing, title,
                              n_out_of_range=len(df) - int(counts.sum()) - n_missing,
                              question=question_text(codebook, item), min_count=min_count)


def question_text(codebook: Codebook, item: Item) -> str:
    """The question as a respondent read it: an item worded as the end of its scale's
    instructions ("During the past year, how often have you...") gets that stem back."""
    stem = codebook.scale(item.scale).instructions.strip()
    if stem.endswith("...") or stem.endswith("…"):
        return f"{stem.rstrip('.…').rstrip()} {item.wording}"
    return item.wording


def _merged_answers(counts: pd.Series, rs: ResponseScale, k: int
                    ) -> tuple[list[str], list[int], list[str]]:
    """Bar labels, counts and caption names of neighbouring answers merged to >= ``k``."""
    from coursekit.analysis.privacy import merge_small_bins

    values, labels, c = list(rs.values), list(rs.labels), counts.tolist()
    bars, heights, names = [], [], []
    for a, b in merge_small_bins(c, k):
        one = a == b
        bars.append(f"{values[a]} {labels[a]}" if one
                    else f"{values[a]}-{values[b]} {labels[a]} to {labels[b]}")
        names.append(labels[a] if one else f"{labels[a]} to {labels[b]}")
        heights.append(int(sum(c[a:b + 1])))
    return bars, heights, names


def _few(n: int, k: int | None) -> str:
    """A count as a caption of a real class gives it: "fewer than k" for 1 to k - 1."""
    return f"fewer than {k}" if k is not None and 0 < n < k else str(n)


def item_counts_figure(counts: pd.Series, item: Item, n_missing: int,
                       title: str | None = None, *, n_out_of_range: int = 0,
                       question: str | None = None, min_count: int | None = None
                       ) -> go.Figure:
    """Bar chart of precomputed answer counts of ``item`` (see :func:`answer_counts`).

    ``n_out_of_range`` counts answers outside the item's options (raw data): neither drawn
    nor missing, the caption names them so that its counts add up to the respondents.

    With ``min_count`` (a real class: ``course.min_count``), neighbouring answers are
    merged into one bar until each bar holds at least ``min_count`` answers
    (:func:`coursekit.analysis.privacy.merge_small_bins`), 1 to ``min_count - 1`` missing
    or out-of-range answers read "fewer than k" (and the total is then not given), and an
    item fewer answered shows no bars.
    """
    rs = item.response_scale
    n_answered = int(counts.sum())
    wording = question or item.wording
    if min_count is not None and n_answered < min_count:
        return message_figure(title or f"{item.id}: {wording}",
                              f"Answers to {item.id}: fewer than {min_count} answered, so no "
                              "breakdown is shown.")
    if min_count is None:
        bars = [f"{v} {lab}" for v, lab in zip(rs.values, rs.labels, strict=True)]
        heights, names = counts.tolist(), list(rs.labels)
    else:
        bars, heights, names = _merged_answers(counts, rs, min_count)
    fig = go.Figure(go.Bar(
        x=bars, y=heights, marker_color=PALETTE[0],
        hovertemplate="%{x}: %{y} respondents<extra></extra>",
    ))
    themed(fig, title=title or f"{item.id}: {wording}")
    fig.update_layout(xaxis_title="answer", yaxis_title="respondents", bargap=0.15)
    top = names[int(np.argmax(heights))] if n_answered else "none"
    out = (f", {_few(n_out_of_range, min_count)} out of range (not one of the options; "
           f"cleaning sets {'it' if n_out_of_range == 1 else 'them'} to missing)"
           if n_out_of_range else "")
    vague = _few(n_missing, min_count) != str(n_missing) \
        or _few(n_out_of_range, min_count) != str(n_out_of_range)
    merged = (f" (neighbouring answers merged so that no bar shows fewer than {min_count})"
              if len(bars) < len(rs.values) else "")
    text = (f"Answers to {item.id} ('{wording}'"
            f"{', reverse-keyed' if item.reverse else ''}){merged}: "
            + ", ".join(f"{lab} {c}" for lab, c in zip(names, heights, strict=True))
            + f". Most common: {top}; {_few(n_missing, min_count)} missing{out}"
            + ("." if vague else f" of {n_answered + n_missing + n_out_of_range}."))
    return with_caption(fig, text)


def bar_chart(values: pd.Series, *, title: str, x_title: str, y_title: str,
              caption: str, horizontal: bool = False, color: str = PALETTE[0]) -> go.Figure:
    """A plain bar chart of a Series (index = categories)."""
    labels = [str(i) for i in values.index]
    trace = go.Bar(y=labels, x=values.tolist(), orientation="h", marker_color=color) \
        if horizontal else go.Bar(x=labels, y=values.tolist(), marker_color=color)
    fig = themed(go.Figure(trace), title=title)
    if horizontal:
        fig.update_layout(xaxis_title=y_title, yaxis_title=x_title,
                          yaxis={"autorange": "reversed"})
    else:
        fig.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    return with_caption(fig, caption)


def histogram(values: pd.Series, *, title: str, x_title: str, caption: str | None = None,
              nbins: int = 30, log_x: bool = False, min_count: int | None = None
              ) -> go.Figure:
    """Histogram of one numeric column.

    ``log_x`` is for heavy tails: bins are equal steps of log10(1 + x), and the axis is
    labelled in the column's own units (0, 10, 100, 1k, ...), each tick ten times the last.

    With ``min_count`` (a real class: ``course.min_count``), neighbouring bins are merged
    until each bar holds at least ``min_count`` respondents (bars of unequal width), and
    the caption gives no maximum, which is one respondent's value.
    """
    clean = values.dropna().astype(float)
    x = np.log10(1 + clean) if log_x else clean
    trace = (go.Histogram(x=x.tolist(), nbinsx=nbins, marker_color=PALETTE[0])
             if min_count is None else _merged_histogram(x.to_numpy(), nbins, min_count))
    fig = themed(go.Figure(trace), title=title)
    fig.update_layout(xaxis_title=f"{x_title} (log scale)" if log_x else x_title,
                      yaxis_title="respondents", bargap=0.05)
    if log_x:
        top = max(1, int(np.ceil(np.log10(1 + clean.max())))) if len(clean) else 1
        ticks = [0] + [10 ** k for k in range(1, top + 1)]
        fig.update_xaxes(tickvals=[round(float(np.log10(1 + t)), 4) for t in ticks],
                         ticktext=[_count(t) for t in ticks])
    if caption is None:
        q = clean.quantile([0.25, 0.5, 0.75])
        caption = (f"Distribution of {x_title} (n = {len(clean)}): median {_num(q[0.5])}, "
                   f"middle half from {_num(q[0.25])} to {_num(q[0.75])}"
                   + (f", maximum {_num(clean.max())}." if min_count is None else
                      f"; neighbouring bars merged so that none shows fewer than "
                      f"{min_count}."))
    return with_caption(fig, caption)


def _merged_histogram(x: np.ndarray, nbins: int, k: int) -> go.Bar:
    """Equal-width bins merged left to right until each holds at least ``k`` values."""
    from coursekit.analysis.privacy import merge_small_bins

    if len(x) < k:
        return go.Bar(x=[], y=[])
    counts, edges = np.histogram(x, bins=nbins)
    ranges = merge_small_bins(counts.tolist(), k)
    lo = np.array([edges[a] for a, _ in ranges])
    hi = np.array([edges[b + 1] for _, b in ranges])
    return go.Bar(x=np.round((lo + hi) / 2, 4).tolist(),
                  y=[int(counts[a:b + 1].sum()) for a, b in ranges],
                  width=np.round(hi - lo, 4).tolist(), marker_color=PALETTE[0],
                  hovertemplate="%{y} respondents<extra></extra>")


def alpha_explorer_figure(scale: Scale, kept: list[str], current: float | None,
                          if_deleted: dict[str, float],
                          projection: list[tuple[int, float]], length: int,
                          title: str) -> go.Figure:
    """Two panels: alpha if each kept item is dropped, and alpha of a longer or shorter scale."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.12,
                        subplot_titles=("Alpha if this item is dropped",
                                        "Alpha with more items like these"))
    names = list(if_deleted)
    fig.add_trace(go.Bar(x=names, y=[round(if_deleted[i], 4) for i in names],
                         marker_color=PALETTE[0], name="alpha if dropped",
                         hovertemplate="without %{x}: alpha %{y:.3f}<extra></extra>"), 1, 1)
    fig.add_trace(go.Scatter(x=names, y=[round(current, 4)] * len(names) if current else [],
                             mode="lines", line={"dash": "dash", "color": PALETTE[3]},
                             name="alpha of kept items"), 1, 1)
    xs = [m for m, _ in projection]
    fig.add_trace(go.Scatter(x=xs, y=[round(a, 4) for _, a in projection], mode="lines",
                             line={"color": PALETTE[2]}, name="projected alpha"), 1, 2)
    at = next((a for m, a in projection if m == length), None)
    fig.add_trace(go.Scatter(x=[length] if at is not None else [],
                             y=[round(at, 4)] if at is not None else [], mode="markers",
                             marker={"size": 12, "color": PALETTE[1]},
                             name=f"{length} items"), 1, 2)
    themed(fig, title=title, height=420)
    fig.update_yaxes(range=[0, 1], title_text="Cronbach's alpha", row=1, col=1)
    fig.update_yaxes(range=[0, 1], row=1, col=2)
    fig.update_xaxes(title_text="item", row=1, col=1)
    fig.update_xaxes(title_text="number of items", row=1, col=2)
    fig.update_layout(showlegend=False)
    dropped = [i for i in scale.item_ids if i not in kept]
    if current is None:
        text = (f"{scale.label}: fewer than two items kept, so alpha is not defined. "
                "Keep at least two items.")
    else:
        best = max(if_deleted, key=if_deleted.get) if if_deleted else None
        text = (f"{scale.label}: alpha of the {len(kept)} kept items is {current:.3f}"
                + (f" (dropped: {', '.join(dropped)})" if dropped else "") + ". "
                + (f"Dropping {best} would give {if_deleted[best]:.3f}. " if best else "")
                + (f"With {length} items like these, alpha would be {at:.3f} "
                   "(Spearman-Brown)." if at is not None else ""))
    return with_caption(fig, text)


def score_boxes(scores: pd.DataFrame, scales: list[str], codebook: Codebook,
                title: str, min_count: int | None = None) -> go.Figure:
    """Box plots of several scale scores side by side (quartiles, no individual points).

    With ``min_count`` (a real class: ``course.min_count``), a whisker ends no further out
    than the ``min_count``-th score from its end, so it never marks the score of fewer
    respondents than that (the usual whisker ends at the lowest or highest score).
    """
    fig = go.Figure()
    parts = []
    for k, name in enumerate(scales):
        s = scores[name].dropna()
        q1, med, q3 = (float(round(v, 3)) for v in s.quantile([0.25, 0.5, 0.75]))
        iqr = q3 - q1
        low = float(round(s[s >= q1 - 1.5 * iqr].min(), 3))
        high = float(round(s[s <= q3 + 1.5 * iqr].max(), 3))
        if min_count is not None and len(s) >= min_count:
            ordered = np.sort(s.to_numpy())
            low = min(q1, max(low, float(round(ordered[min_count - 1], 3))))
            high = max(q3, min(high, float(round(ordered[-min_count], 3))))
        # Precomputed quartiles keep the figure small and list no respondent's score.
        fig.add_trace(go.Box(name=codebook.label(name), x=[codebook.label(name)], q1=[q1],
                             median=[med], q3=[q3],
                             lowerfence=[low], upperfence=[high],
                             mean=[float(round(s.mean(), 3))],
                             marker_color=PALETTE[k % len(PALETTE)], boxpoints=False))
        parts.append(f"{codebook.label(name)} median {med:.2f} (middle half {q1:.2f}-{q3:.2f})")
    themed(fig, title=title)
    rs = codebook.scale(scales[0]).response_scale
    fig.update_layout(yaxis_title="score", yaxis_range=[rs.min - 0.2, rs.max + 0.2],
                      showlegend=False)
    return with_caption(fig, "Scale scores: " + "; ".join(parts) + ".")


def correlation_heatmap(corr: pd.DataFrame, codebook: Codebook, title: str) -> go.Figure:
    """Heat map of a correlation matrix, red positive and blue negative, values printed."""
    labels = [codebook.label(c) if len(c) > 5 else c for c in corr.columns]
    values = corr.round(2).to_numpy()
    fig = go.Figure(go.Heatmap(
        z=values.tolist(), x=labels, y=labels, zmin=-1, zmax=1, colorscale="RdBu_r",
        text=[[f"{v:.2f}" for v in row] for row in values], texttemplate="%{text}",
        hovertemplate="%{y} / %{x}: r = %{z:.2f}<extra></extra>",
        colorbar={"title": "r"},
    ))
    themed(fig, title=title, height=max(420, 28 * len(labels) + 150))
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"tickangle": -35})
    mask = ~pd.DataFrame(np.eye(len(corr), dtype=bool), index=corr.index, columns=corr.columns)
    pairs = corr.where(mask).stack()
    strongest = pairs.abs().idxmax()
    most_neg = pairs.idxmin()
    text = (f"Correlations among {len(corr)} variables. Strongest: "
            f"{strongest[0]} and {strongest[1]} (r = {pairs[strongest]:.2f}); most negative: "
            f"{most_neg[0]} and {most_neg[1]} (r = {pairs[most_neg]:.2f}).")
    return with_caption(fig, text)


def group_means(comparison: GroupComparison | UnavailableComparison, codebook: Codebook,
                title: str) -> go.Figure:
    """Each group's mean with its confidence interval; suppressed groups are named, not drawn."""
    if not isinstance(comparison, GroupComparison):
        return message_figure(title, str(comparison))
    table = comparison.groups
    shown = table[~table["suppressed"].astype(bool)]
    labels = [str(g) for g in shown.index]
    mean = shown["mean"].astype(float).round(3)
    fig = go.Figure(go.Scatter(
        x=labels, y=mean.tolist(), mode="markers",
        marker={"size": 12, "color": PALETTE[0]},
        error_y={"type": "data", "symmetric": False,
                 "array": (shown["ci_high"].astype(float) - mean).round(3).tolist(),
                 "arrayminus": (mean - shown["ci_low"].astype(float)).round(3).tolist()},
        customdata=shown["n"].astype(int).tolist(),
        hovertemplate="%{x}: mean %{y:.2f} (n = %{customdata})<extra></extra>",
    ))
    themed(fig, title=title)
    rs = codebook.scale(comparison.score).response_scale
    fig.update_layout(xaxis_title=codebook.label(comparison.group),
                      yaxis_title=f"mean {codebook.label(comparison.score)} ({rs.min}-{rs.max})")
    parts = [f"{g} {m:.2f} [{lo:.2f}, {hi:.2f}]" for g, m, lo, hi in
             zip(labels, mean, shown["ci_low"], shown["ci_high"], strict=True)]
    text = (f"Mean {codebook.label(comparison.score)} by {codebook.label(comparison.group)} "
            f"with 95% intervals: {'; '.join(parts)}. {comparison}.")
    protected = set(getattr(comparison, "protected", ()))
    hidden = [str(g) for g in table.index[table["suppressed"].astype(bool)]
              if str(g) not in protected]
    if hidden:
        text += f" Suppressed (fewer than {comparison.min_group_size}): {', '.join(hidden)}."
    # Groups left out only to protect a small one are not small: str(comparison) above
    # names them (analysis.privacy.complementary_mask).
    return with_caption(fig, text)


def scree(pa: ParallelAnalysis | Structure, title: str) -> go.Figure:
    """Observed eigenvalues against those of random data (parallel analysis).

    Given a cohort's :class:`~coursekit.course.psychometrics.Structure`, its parallel
    analysis, or a figure that says why it has none.
    """
    from coursekit.course.psychometrics import Structure

    if isinstance(pa, Structure):
        if pa.pa is None:
            return message_figure(title, str(pa.not_available("scree plot")))
        pa = pa.pa
    ev = pa.eigenvalues
    x = [int(i) for i in ev.index]
    fig = go.Figure([
        go.Scatter(x=x, y=ev["observed"].round(3).tolist(), mode="lines+markers",
                   name="your data", line={"color": PALETTE[0]}),
        go.Scatter(x=x, y=ev["simulated_quantile"].round(3).tolist(), mode="lines",
                   name=f"random data ({100 * pa.quantile:g}th percentile)",
                   line={"color": PALETTE[3], "dash": "dash"}),
    ])
    themed(fig, title=title)
    fig.update_layout(xaxis_title="factor", yaxis_title="eigenvalue",
                      legend={"x": 0.98, "xanchor": "right", "y": 0.98})
    return with_caption(fig, (
        f"Eigenvalues of the item correlations (n = {pa.n}) and of random data of the same size. "
        f"The first {pa.n_factors} observed eigenvalues lie above the random ones: "
        f"{pa.n_factors} factors suggested."))


def loadings_heatmap(loadings: pd.DataFrame | Structure, codebook: Codebook, title: str,
                     cutoff: float = 0.3) -> go.Figure:
    """Items x factors loadings, items in codebook order; small loadings shown faint.

    Given a cohort's :class:`~coursekit.course.psychometrics.Structure`, its EFA's loadings,
    or a figure that says why it has none.
    """
    from coursekit.course.psychometrics import Structure

    if isinstance(loadings, Structure):
        if loadings.efa is None:
            return message_figure(title, str(loadings.not_available("factor loadings")))
        loadings = loadings.efa.loadings
    values = loadings.round(2)
    text = [[f"{v:.2f}" if abs(v) >= cutoff else "" for v in row] for row in values.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=values.to_numpy().tolist(), x=list(values.columns), y=list(values.index),
        zmin=-1, zmax=1, colorscale="RdBu_r", text=text, texttemplate="%{text}",
        hovertemplate="%{y} on %{x}: %{z:.2f}<extra></extra>", colorbar={"title": "loading"},
    ))
    themed(fig, title=title, height=max(420, 16 * len(values) + 160))
    fig.update_layout(yaxis={"autorange": "reversed", "tickfont": {"size": 10}})
    best = loadings.abs().idxmax(axis=1)
    per_factor = best.groupby(best).apply(lambda s: ", ".join(s.index)).to_dict()
    parts = [f"{f}: {per_factor.get(f, 'none')}" for f in loadings.columns]
    return with_caption(fig, f"Factor loadings of {len(loadings)} items on "
                             f"{loadings.shape[1]} factors. Items loading highest on each factor: "
                             + "; ".join(parts) + ".")


def coefficients(table: pd.DataFrame, codebook: Codebook, title: str) -> go.Figure:
    """Standardized coefficients (beta) of a regression as horizontal bars, intercept left out.

    The table of a regression the cohort is too small for (every beta missing, see
    :class:`~coursekit.course.session.UnavailableRegression`) gives a figure that says so.
    """
    rows = table[table["term"] != "Intercept"].copy()
    if rows.empty or rows["beta"].isna().all():
        return message_figure(title, "No coefficients for this cohort: see the regression "
                                     "above.")
    rows["label"] = [" × ".join(label(codebook, part) for part in t.split(":"))
                     for t in rows["term"]]
    beta = rows["beta"].astype(float)
    # beta is b rescaled by sd(x) / sd(y), so b's 95% interval rescales the same way.
    scale = np.where(rows["b"].astype(float) != 0, beta / rows["b"].astype(float), 0.0)
    low, high = rows["ci_low"].astype(float) * scale, rows["ci_high"].astype(float) * scale
    low, high = np.minimum(low, high), np.maximum(low, high)
    colours = [PALETTE[3] if b < 0 else PALETTE[0] for b in beta]
    p_shown = [format_p(p) if np.isfinite(p) else "no p" for p in rows["p"].astype(float)]
    fig = go.Figure(go.Scatter(
        x=beta.round(3).tolist(), y=rows["label"].tolist(), mode="markers",
        marker={"size": 11, "color": colours}, customdata=p_shown,
        error_x={"type": "data", "symmetric": False, "array": (high - beta).round(3).tolist(),
                 "arrayminus": (beta - low).round(3).tolist(), "color": "#555"},
        hovertemplate="%{y}: beta %{x:.2f}, %{customdata}<extra></extra>",
    ))
    themed(fig, title=title, height=max(320, 40 * len(rows) + 140))
    fig.update_layout(xaxis_title="standardized coefficient (beta) with 95% interval",
                      yaxis={"autorange": "reversed"},
                      shapes=[{"type": "line", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
                               "yref": "paper", "line": {"color": "#888", "dash": "dot"}}])
    parts = [f"{lab} {b:+.2f} [{lo:+.2f}, {hi:+.2f}], {ps}"
             for lab, b, lo, hi, ps in zip(rows["label"], beta, low, high, p_shown, strict=True)]
    return with_caption(fig, "Standardized coefficients with 95% intervals: "
                        + "; ".join(parts) + ".")


def simple_slopes(moderation: Moderation, data: pd.DataFrame, codebook: Codebook,
                  title: str) -> go.Figure:
    """Predicted outcome against ``x`` at low, mean and high moderator values."""
    used = data[[moderation.y, moderation.x, moderation.moderator]].dropna()
    coef = moderation.model.table.set_index("term")["b"]
    x_mean = used[moderation.x].mean()
    m_mean = used[moderation.moderator].mean() if moderation.centered else 0.0
    x_lo, x_hi = used[moderation.x].quantile([0.05, 0.95])
    xs = np.linspace(x_lo, x_hi, 2)
    xc = xs - (x_mean if moderation.centered else 0.0)
    inter = f"{moderation.x}:{moderation.moderator}"
    fig = go.Figure()
    parts = []
    for k, row in enumerate(moderation.simple_slopes.itertuples()):
        mc = row.moderator_value - m_mean
        y = (coef["Intercept"] + coef[moderation.x] * xc + coef[moderation.moderator] * mc
             + coef[inter] * xc * mc)
        name = {-1.0: "low (−1 SD)", 0.0: "mean", 1.0: "high (+1 SD)"}.get(
            row.sd_from_mean, f"{row.sd_from_mean:+g} SD")
        fig.add_trace(go.Scatter(x=np.round(xs, 3).tolist(), y=np.round(y, 3).tolist(),
                                 mode="lines", name=f"{label(codebook, moderation.moderator)}: "
                                                    f"{name}",
                                 line={"color": PALETTE[k % len(PALETTE)], "width": 3}))
        parts.append(f"{name}: slope {row.slope:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]")
    themed(fig, title=title)
    fig.update_layout(xaxis_title=codebook.label(moderation.x),
                      yaxis_title=f"predicted {codebook.label(moderation.y)}")
    fig.update_layout(legend_title_text=label(codebook, moderation.moderator))
    return with_caption(fig, f"Slope of {codebook.label(moderation.x)} on "
                             f"{codebook.label(moderation.y)} at "
                             f"{label(codebook, moderation.moderator).lower()} "
                             + "; ".join(parts) + ".")


def message_figure(title: str, message: str) -> go.Figure:
    """An empty figure that says why nothing is drawn (the message is also its caption)."""
    fig = themed(go.Figure(go.Scatter(x=[], y=[])), title=title, height=300)
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": message, "showarrow": False, "x": 0.5, "y": 0.5,
                                    "xref": "paper", "yref": "paper", "font": {"size": 14}}])
    return with_caption(fig, message)


def what_if_figure(predictions: dict, bands: dict[str, tuple[float, float, float]],
                   codebook: Codebook, profile: dict[str, float], title: str) -> go.Figure:
    """Predicted outcomes (with 95% prediction intervals) against the cohort's middle half."""
    from plotly.subplots import make_subplots

    names = list(predictions)
    fig = make_subplots(rows=len(names), cols=1, vertical_spacing=0.25,
                        subplot_titles=[codebook.label(n) for n in names])
    parts = []
    for row, name in enumerate(names, start=1):
        p = predictions[name]
        q1, med, q3 = bands[name]
        rs = codebook.scale(name).response_scale
        fig.add_trace(go.Bar(x=[round(q3 - q1, 3)], base=[round(q1, 3)], y=["cohort"],
                             orientation="h", marker_color="#d9d9d9", name="middle half",
                             hovertemplate="cohort middle half %{base:.2f}-%{x:.2f}"
                                           "<extra></extra>"), row, 1)
        # A straight-line model knows nothing of the scale's ends: its prediction and
        # interval can pass them. They are drawn clipped to the scale, and the caption
        # says so with the model's own numbers.
        fit = min(max(p.fit, rs.min), rs.max)
        low, high = max(p.low, rs.min), min(p.high, rs.max)
        fig.add_trace(go.Scatter(
            x=[round(fit, 3)], y=["profile"], mode="markers",
            marker={"size": 14, "color": PALETTE[0]}, name="prediction",
            error_x={"type": "data", "symmetric": False, "array": [round(high - fit, 3)],
                     "arrayminus": [round(fit - low, 3)]},
            hovertemplate="predicted %{x:.2f}<extra></extra>"), row, 1)
        fig.update_xaxes(range=[rs.min, rs.max], row=row, col=1)
        clipped = (f"; drawn cut at the scale's ends {rs.min}-{rs.max}, which no score can pass"
                   if (p.low < rs.min or p.high > rs.max) else "")
        parts.append(f"{codebook.label(name)} {p.fit:.2f} (95% prediction interval "
                     f"{p.low:.2f} to {p.high:.2f}{clipped}; cohort median {med:.2f})")
    themed(fig, title=title, height=380)
    fig.update_layout(showlegend=False, bargap=0.5)
    described = ", ".join(f"{codebook.label(k)} {v:g}" for k, v in profile.items())
    return with_caption(fig, f"For a profile with {described}: predicted " + "; ".join(parts)
                        + ".")


def hypothesis_forest(table: pd.DataFrame, title: str) -> go.Figure:
    """Every assessed hypothesis with its estimate and 95% interval, coloured by verdict.

    ``table`` is :func:`coursekit.course.report.hypothesis_table`; a hypothesis without an
    interval is "not assessed" and named in the caption, never drawn as supported.
    """
    verdicts = table["verdict"] if "verdict" in table else table["supported"].map(
        {True: "supported", False: "not supported"})
    rows = table[verdicts != "not assessed"]
    labels = [f"{h}: {c}" for h, c in zip(rows.index, rows["claim"], strict=True)]
    colour = {"supported": PALETTE[2], "not supported": PALETTE[3]}
    est = rows["estimate"].astype(float)
    fig = go.Figure(go.Scatter(
        x=est.tolist(), y=labels, mode="markers",
        marker={"size": 11, "color": [colour[v] for v in verdicts[rows.index]]},
        error_x={"type": "data", "symmetric": False,
                 "array": (rows["ci_high"] - est).round(3).tolist(),
                 "arrayminus": (est - rows["ci_low"]).round(3).tolist()},
        customdata=verdicts[rows.index].tolist(),
        hovertemplate="%{y}: %{x:.2f} (%{customdata})<extra></extra>",
    ))
    themed(fig, title=title, height=max(320, 45 * len(rows) + 140))
    fig.update_layout(xaxis_title="estimate (Pearson or Spearman r, Hedges g) with 95% interval",
                      yaxis={"autorange": "reversed"},
                      shapes=[{"type": "line", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
                               "yref": "paper", "line": {"color": "#888", "dash": "dot"}}])
    counts = verdicts.value_counts()
    head = ", ".join(f"{int(counts[v])} {v}" for v in ("supported", "not supported",
                                                        "not assessed") if v in counts)
    parts = [f"{h} {e:+.2f} [{lo:+.2f}, {hi:+.2f}] {v}"
             for h, e, lo, hi, v in zip(rows.index, est, rows["ci_low"], rows["ci_high"],
                                        verdicts[rows.index], strict=True)]
    parts += [f"{h} not assessed" for h in table.index[verdicts == "not assessed"]]
    return with_caption(fig, f"Of {len(table)} hypotheses: {head}. " + "; ".join(parts) + ".")
