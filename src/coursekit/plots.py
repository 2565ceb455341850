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
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

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
