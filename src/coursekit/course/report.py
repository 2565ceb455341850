"""The capstone's summary: every hypothesis of the course tested on one cohort.

:func:`hypothesis_table` tests the hypotheses of notebook 00 with the functions the
course teaches and applies **one rule** (:func:`verdict`) to every one of them: a
hypothesis is *supported* when its 95 % interval excludes zero in the predicted
direction, *not supported* when the interval includes zero or lies on the other side,
and *not assessed* when the cohort gives no interval (a class too small for the test).
A p-value alone never makes a hypothesis supported. Every hypothesis has a directional
test with an interval, so every assessed one appears in the forest plot.
:func:`key_numbers` prints the figures a learner's report needs.

>>> from coursekit.course import start
>>> table = hypothesis_table(start(seed=3, n_respondents=200))
>>> table.index.tolist()[:3], table["supported"].dtype.name
(['H1a', 'H1b', 'H2a'], 'bool')
>>> verdict(0.1, 0.3, +1), verdict(-0.2, 0.1, +1), verdict(float("nan"), float("nan"), -1)
('supported', 'not supported', 'not assessed')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coursekit.analysis.reliability import reliability_table
from coursekit.analysis.stats import correlations
from coursekit.course.session import Course

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
    _Correlation("H5b", "Younger respondents report more compulsive use",
                 "age", "compulsive", -1, "spearman"),
)

#: The three verdicts, in the order a table lists them.
VERDICTS = ("supported", "not supported", "not assessed")


def verdict(ci_low: float, ci_high: float, sign: int) -> str:
    """The course's one rule: the 95 % interval must exclude zero in the predicted direction.

    ``sign`` is +1 for a predicted positive estimate, -1 for a negative one. Without an
    interval (NaN) the hypothesis is ``"not assessed"``, never supported.
    """
    if not (np.isfinite(ci_low) and np.isfinite(ci_high)):
        return "not assessed"
    return "supported" if (ci_low > 0 if sign > 0 else ci_high < 0) else "not supported"


def _frame(course: Course) -> pd.DataFrame:
    frame = course.frame
    return frame.assign(creator_rank=frame["creator_status"].map(CREATOR_RANK).astype(float))


def hypothesis_table(course: Course) -> pd.DataFrame:
    """One row per hypothesis: test, estimate, 95 % interval, p, predicted sign and verdict.

    ``verdict`` follows :func:`verdict`; ``supported`` is ``verdict == "supported"``.
    """
    frame = _frame(course)
    rows = []
    for h in _CORRELATIONS[:-1]:
        rows.append(_correlation_row(frame, h, course.min_group_size))
    g = course.compare("comparison", "gender", order=["woman", "man"])
    ci = g.effect_ci or (np.nan, np.nan)
    rows.append({"hypothesis": "H5a", "claim": "Women compare themselves more than men",
                 "test": "Hedges g (Welch t)", "estimate": g.effect_size,
                 "ci_low": ci[0], "ci_high": ci[1], "p": g.p, "sign": +1})
    rows.append(_correlation_row(frame, _CORRELATIONS[-1], course.min_group_size))
    table = pd.DataFrame(rows).set_index("hypothesis")
    for col in ("estimate", "ci_low", "ci_high"):
        table[col] = table[col].astype(float).round(3)
    table["p"] = table["p"].astype(float).round(4)
    table["verdict"] = [verdict(lo, hi, sign) for lo, hi, sign
                        in zip(table["ci_low"], table["ci_high"], table["sign"], strict=True)]
    table["supported"] = table["verdict"] == "supported"
    return table


def _correlation_row(frame: pd.DataFrame, h: _Correlation, min_group_size: int) -> dict:
    pairs = frame[[h.x, h.y]].dropna()
    if len(pairs) >= max(min_group_size, 4):
        r = correlations(frame, [h.x, h.y], method=h.method).iloc[0]
        est, lo, hi, p = r["r"], r["ci_low"], r["ci_high"], r["p"]
    else:  # too few pairs for an interval: not assessed
        est = lo = hi = p = np.nan
    return {"hypothesis": h.key, "claim": h.claim,
            "test": f"{'Spearman' if h.method == 'spearman' else 'Pearson'} r",
            "estimate": est, "ci_low": lo, "ci_high": hi, "p": p, "sign": h.sign}


def key_numbers(course: Course) -> str:
    """The figures a short report on the cohort needs, one per line."""
    flags = course.cleaning.flags
    rel = reliability_table(course.data, course.codebook)
    hyp = hypothesis_table(course)
    lowest = rel["alpha"].idxmin()
    lines = [
        f"Cohort: {course.cohort or 'unnamed'} ({course.source})",
        f"Respondents: {len(course.raw)} in the file, {course.few(int(flags['careless'].sum()))} "
        f"flagged as careless and excluded, {course.n} analysed",
        f"Reliability: alpha from {rel['alpha'].min():.2f} ({course.codebook.label(lowest)}) "
        f"to {rel['alpha'].max():.2f}",
        "Hypotheses (supported = 95 % interval excludes zero in the predicted direction): "
        + "; ".join(f"{v} {', '.join(hyp.index[hyp['verdict'] == v])}"
                    for v in VERDICTS if (hyp["verdict"] == v).any()),
    ]
    return "\n".join(lines)
