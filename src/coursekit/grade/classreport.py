"""The class report page, ``OUT/report.html``: how the class did and how the assignment measured.

Score distribution (a plotly histogram, drawn offline with the site's plotly.js), each
exercise's difficulty (share correct) and discrimination (corrected item-total
correlation), the reliability of the assignment (KR-20 on correct/incorrect, Cronbach's
alpha on points; :mod:`coursekit.grade.itemstats`), and how often each known trap was hit,
with the trap's hint to say what the mistake was. No student id or label is on the page.

>>> import pandas as pd
>>> stats = item_table(pd.DataFrame({"a": [1.0, 0.0, 1.0], "b": [1.0, 0.0, 0.0]}))
>>> stats["difficulty"].round(2).tolist()
[0.67, 0.33]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from coursekit.grade import itemstats
from coursekit.grade.pages import esc, page, table


def item_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Per exercise: difficulty (share correct), discrimination, mean points."""
    correct = (scores >= 1.0).astype(float)
    return pd.DataFrame({"difficulty": itemstats.difficulty(correct),
                         "discrimination": itemstats.discrimination(scores),
                         "mean_points": scores.mean(axis=0)})


def _fmt(value: Any, digits: int = 2) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "–" if v != v else f"{v:.{digits}f}"


def report_page(scores: pd.DataFrame, questions: Mapping[str, str],
                traps: Mapping[str, Sequence[tuple[str, int]]], *, problems: int,
                title: str = "Class report") -> str:
    """The page: ``scores`` students x exercises (points); ``traps`` key -> (hint, hits)."""
    from coursekit.render.htmlexport import figure_html

    totals = scores.sum(axis=1)
    n, k = scores.shape
    spec = {"data": [{"type": "histogram", "x": [float(t) for t in totals],
                      "xbins": {"start": -0.25, "end": k + 0.25, "size": 0.5},
                      "marker": {"color": "#0072B2"}, "name": "students"}],
            "layout": {"height": 320, "xaxis": {"title": {"text": "total points"},
                                                "range": [-0.5, k + 0.5]},
                       "yaxis": {"title": {"text": "students"}}, "bargap": 0.1,
                       "margin": {"t": 20}}}
    caption = (f"Total points of the {n} graded students (0 to {k}): mean {totals.mean():.2f}, "
               f"median {totals.median():.2f}.")
    stats = item_table(scores)
    correct = (scores >= 1.0).astype(float)
    rows = [(key, questions.get(key, ""), _fmt(stats.loc[key, "difficulty"]),
             _fmt(stats.loc[key, "discrimination"]), _fmt(stats.loc[key, "mean_points"]))
            for key in scores.columns]
    trap_rows = [(key, hint, hits) for key in scores.columns for hint, hits in traps.get(key, ())]
    body = [
        f"<p>{n} students graded on {k} exercises; {problems} submission problem(s) are "
        "listed in <code>problems.csv</code>.</p>",
        "<h2>Score distribution</h2>",
        figure_html(spec, caption, "ck-grade-scores"),
        "<h2>Reliability of the assignment</h2>",
        f"<p>KR-20 (correct or not): {esc(_fmt(itemstats.kr20(correct)))}; Cronbach's alpha "
        f"(points): {esc(_fmt(itemstats.alpha(scores)))}. With few exercises and a small "
        "class both are rough estimates.</p>",
        "<h2>Exercises</h2>",
        table(("Exercise", "Question", "Difficulty (share correct)",
               "Discrimination (corrected item-total r)", "Mean points"), rows,
              caption="Difficulty near 0 or 1 and discrimination near or below 0 are worth "
                      "a look."),
        "<h2>Known traps</h2>",
        table(("Exercise", "The mistake (the hint students saw)", "Students"), trap_rows)
        if trap_rows else "<p>No exercise of this assignment has known traps.</p>",
    ]
    return page(title, "\n".join(body), root="./", plotly=True)
