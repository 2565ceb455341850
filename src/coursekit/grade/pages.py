"""The shell of the grader's offline pages: the course site's style sheet and plotly.js, local.

Pages link ``coursekit.css`` and ``plotly.min.js`` (written once into the output folder by
:func:`coursekit.render.htmlexport.write_site_assets`) with relative paths: they open from
disk with no network, as the course's pages do. Every text is escaped here.

>>> "<b>" in page("T", "", root="./")
False
>>> esc("<a & b>")
'&lt;a &amp; b&gt;'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.45;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .6rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}
.st-correct{color:#00704f}.st-close{color:#8a5a00}.st-incorrect{color:#a33a00}
.note{color:#444}code{background:#f4f4f4;padding:0 .2rem}
"""


def esc(value: Any) -> str:
    """``value`` as escaped HTML text."""
    return html.escape(str(value))


def table(head: Sequence[str], rows: Iterable[Sequence[Any]], *, raw: bool = False,
          caption: str = "") -> str:
    """An HTML table; cells are escaped unless ``raw`` (already HTML)."""
    cell = (lambda v: str(v)) if raw else esc
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
                 + "</tr></thead><tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def page(title: str, body: str, *, root: str, plotly: bool = False) -> str:
    """A whole page: head (style sheet, plotly.js if asked), heading, ``body`` (HTML)."""
    script = f'<script src="{root}plotly.min.js"></script>\n' if plotly else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n"
            f'<link rel="stylesheet" href="{root}coursekit.css">\n{script}'
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{esc(title)}</h1>\n"
            f"{body}\n</main>\n</body>\n</html>\n")
