"""The capstone's summary: every hypothesis of the course tested on one cohort.

:func:`hypothesis_table` tests the hypotheses of notebook 00 with the
functions the course teaches and says, for each, whether the cohort supports
it: the 95 % interval excludes zero in the predicted direction (for the one
non-directional test, an ANOVA, p < .05). :func:`key_numbers` prints the
figures a learner's report needs.

>>> from coursekit.course import start
>>> table = hypothesis_table(start(seed=3, n_respondents=200))
>>> table.index.tolist()[:3], table["supported"].dtype.name
(['H1a', 'H1b', 'H2a'], 'bool')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coursekit.analysis.reliability import reliability_table
from coursekit.analysis.stats import correlations
from coursekit.analysis.summaries import age_groups
from coursekit.course.session import Course, compare_or_explain

CREATOR_RANK = {"viewer": 0, "occasional": 1, "regular": 2}


@dataclass(frozen=True)
class _Correlation:
    key: str
    claim: str
    x: str
    y: str
    sign: int
    method: str = "pearson"


_CORRELATIONS = (
    _Correlation("H1a", "Validation seeking goes with more social comparison",
                 "validation", "comparison", +1),
    _Correlation("H1b", "Validation seeking goes with lower self-esteem",
                 "validation", "self_esteem", -1),
    _Correlation("H2a", "Influence seekers create more (creator status)",
                 "influence", "creator_rank", +1, "spearman"),
    _Correlation("H2b", "Influence seekers have more followers",
                 "influence", "followers", +1, "spearman"),
    _Correlation("H3a", "Escapism goes with more daily minutes",
                 "escapism", "daily_minutes", +1, "spearman"),
    _Correlation("H3b", "Escapism goes with compulsive use", "escapism", "compulsive", +1),
    _Correlation("H4", "Feeling authentic goes with higher wellbeing",
                 "authenticity", "wellbeing", +1),
)


def _frame(course: Course) -> pd.DataFrame:
    frame = course.frame
    return frame.assign(creator_rank=frame["creator_status"].map(CREATOR_RANK).astype(float),
                        age_group=age_groups(frame["age"]))


def hypothesis_table(course: Course) -> pd.DataFrame:
    """One row per hypothesis: test, estimate, 95 % interval, p and whether it is supported."""
    frame = _frame(course)
    rows = []
    for h in _CORRELATIONS:
        r = correlations(frame, [h.x, h.y], method=h.method).iloc[0]
        supported = bool(r["ci_low"] > 0) if h.sign > 0 else bool(r["ci_high"] < 0)
        rows.append({"hypothesis": h.key, "claim": h.claim,
                     "test": f"{'Spearman' if h.method == 'spearman' else 'Pearson'} r",
                     "estimate": r["r"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                     "p": r["p"], "supported": supported})
    g = course.compare("comparison", "gender", order=["woman", "man"])
    ci = g.effect_ci or (np.nan, np.nan)
    rows.append({"hypothesis": "H5a", "claim": "Women compare themselves more than men",
                 "test": "Hedges g (Welch t)", "estimate": g.effect_size,
                 "ci_low": ci[0], "ci_high": ci[1], "p": g.p, "supported": bool(ci[0] > 0)})
    ages = [c for c in frame["age_group"].cat.categories if (frame["age_group"] == c).any()]
    a = compare_or_explain(frame, "compulsive", "age_group", ages, course.min_group_size)
    rows.append({"hypothesis": "H5b", "claim": "Compulsive use differs between age groups",
                 "test": "eta squared (Welch ANOVA)", "estimate": a.effect_size,
                 "ci_low": np.nan, "ci_high": np.nan, "p": a.p, "supported": bool(a.p < 0.05)})
    table = pd.DataFrame(rows).set_index("hypothesis")
    for col in ("estimate", "ci_low", "ci_high"):
        table[col] = table[col].astype(float).round(3)
    table["p"] = table["p"].astype(float).round(4)
    return table


def key_numbers(course: Course) -> str:
    """The figures a short report on the cohort needs, one per line."""
    flags = course.cleaning.flags
    rel = reliability_table(course.data, course.codebook)
    hyp = hypothesis_table(course)
    lowest = rel["alpha"].idxmin()
    lines = [
        f"Cohort: {course.cohort or 'unnamed'} ({course.source})",
        f"Respondents: {len(course.raw)} in the file, {int(flags['careless'].sum())} flagged as "
        f"careless and excluded, {course.n} analysed",
        f"Reliability: alpha from {rel['alpha'].min():.2f} ({course.codebook.label(lowest)}) "
        f"to {rel['alpha'].max():.2f}",
        f"Hypotheses supported: {int(hyp['supported'].sum())} of {len(hyp)} "
        f"({', '.join(hyp.index[hyp['supported']])})",
    ]
    return "\n".join(lines)
