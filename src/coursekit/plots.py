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

import plotly.graph_objects as go
import plotly.io as pio

if TYPE_CHECKING:
    import pandas as pd

    from .codebook import Codebook, Item, ResponseScale

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
    import pandas as pd

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
    import numpy as np

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
