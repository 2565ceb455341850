"""Plotly figures for the course: one theme, a colour-blind-safe palette, a text alternative each.

How a figure reaches the reader
-------------------------------
:func:`show` displays a figure as the plotly MIME bundle
(``application/vnd.plotly.v1+json``, drawn by JupyterLab's plotly renderer)
together with ``text/plain`` holding the figure's caption, its text
alternative. It never depends on plotly's default renderer (papermill
kernels pick a JSON-only one whose figures nbconvert drops) and stores no
plotly.js in the notebook. The render step turns the JSON into an HTML
figure that loads plotly.js once per site (:mod:`coursekit.render`).

The theme is a small template of our own rather than plotly's default, whose
layout would add about 8 KB to every stored figure.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

if TYPE_CHECKING:
    from .codebook import Codebook, Item, ResponseScale, Scale

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

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

def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def answer_counts(values: pd.Series, response_scale: ResponseScale) -> pd.Series:
    """Counts of each answer option (every option listed, zero included), index = values."""
    counts = values.value_counts()
    return pd.Series([int(counts.get(float(v), 0)) for v in response_scale.values],
                     index=list(response_scale.values), name=values.name)


def item_distribution(df: pd.DataFrame, item_id: str, codebook: Codebook,
                      title: str | None = None) -> go.Figure:
    """Bar chart of one item's answers, labelled with its anchors."""
    item = codebook.item(item_id)
    counts = answer_counts(df[item_id], item.response_scale)
    return item_counts_figure(counts, item, int(df[item_id].isna().sum()), title)


def item_counts_figure(counts: pd.Series, item: Item, n_missing: int,
                       title: str | None = None) -> go.Figure:
    """Bar chart of precomputed answer counts of ``item`` (see :func:`answer_counts`)."""
    rs = item.response_scale
    n_answered = int(counts.sum())
    fig = go.Figure(go.Bar(
        x=[f"{v} {lab}" for v, lab in zip(rs.values, rs.labels, strict=True)],
        y=counts.tolist(), marker_color=PALETTE[0],
        hovertemplate="%{x}: %{y} respondents<extra></extra>",
    ))
    themed(fig, title=title or f"{item.id}: {item.wording}")
    fig.update_layout(xaxis_title="answer", yaxis_title="respondents", bargap=0.15)
    top = counts.idxmax() if n_answered else None
    text = (f"Answers to {item.id} ('{item.wording}'"
            f"{', reverse-keyed' if item.reverse else ''}): "
            + ", ".join(f"{lab} {c}" for lab, c in zip(rs.labels, counts, strict=True))
            + f". Most common: {rs.label(top) if top is not None else 'none'}; "
            f"{n_missing} missing of {n_answered + n_missing}.")
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
              nbins: int = 30, log_x: bool = False) -> go.Figure:
    """Histogram of one numeric column; ``log_x`` bins log10(1 + x) for heavy tails."""
    clean = values.dropna().astype(float)
    x = np.log10(1 + clean) if log_x else clean
    fig = themed(go.Figure(go.Histogram(x=x.tolist(), nbinsx=nbins, marker_color=PALETTE[0])),
                 title=title)
    fig.update_layout(xaxis_title=f"log10(1 + {x_title})" if log_x else x_title,
                      yaxis_title="respondents", bargap=0.05)
    if caption is None:
        q = clean.quantile([0.25, 0.5, 0.75])
        caption = (f"Distribution of {x_title} (n = {len(clean)}): median {q[0.5]:,.4g}, "
                   f"middle half from {q[0.25]:,.4g} to {q[0.75]:,.4g}, "
                   f"maximum {clean.max():,.4g}.")
    return with_caption(fig, caption)


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
                title: str) -> go.Figure:
    """Box plots of several scale scores side by side (quartiles, no individual points)."""
    fig = go.Figure()
    parts = []
    for k, name in enumerate(scales):
        s = scores[name].dropna()
        q1, med, q3 = (float(round(v, 3)) for v in s.quantile([0.25, 0.5, 0.75]))
        iqr = q3 - q1
        low = float(round(s[s >= q1 - 1.5 * iqr].min(), 3))
        high = float(round(s[s <= q3 + 1.5 * iqr].max(), 3))
        # Precomputed quartiles keep the figure small and list no respondent's score.
        fig.add_trace(go.Box(name=codebook.label(name), q1=[q1], median=[med], q3=[q3],
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
