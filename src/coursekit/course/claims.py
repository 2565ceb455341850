"""Sentences about a learner's cohort, computed from the analysis they describe.

Every learner has their own data, so a notebook never asserts a pattern ("younger
respondents are at risk more often"): it prints one of these sentences, which says
what *this* cohort shows, or asks the learner to look. Each function returns a
:class:`Sentence`: its ``text`` and the ``facts`` the text states, so a test can check
the sentence against the analysis (``tests/test_claims.py`` does, on many cohorts).

>>> import pandas as pd
>>> table = pd.DataFrame({"respondents": [40, 30], "at_risk (%)": [20.0, 10.0],
...                       "suppressed": [False, False]},
...                      index=pd.Index(["13-17", "18-24"], name="age_group"))
>>> str(highest_share(table, "at_risk (%)", what="at risk", groups="age groups"))[:39]
'Of the 2 age groups whose share can be '
>>> highest_share(table, "at_risk (%)", what="at risk", groups="age groups").facts["highest"]
'13-17'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coursekit.analysis.checks import format_p
from coursekit.survey.codebook import Codebook

#: A change of a standardized coefficient smaller than this is called "about the same".
SAME_BETA = 0.02


@dataclass(frozen=True)
class Sentence:
    """A computed sentence about the cohort (``text``) and the facts it states."""

    text: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


def _r(x: float) -> str:
    """A correlation or beta with sign and no leading zero: ``-.25``, ``+.07``."""
    return f"{x:+.2f}".replace("0.", ".", 1)


def _names(labels: Sequence[str]) -> str:
    labels = list(labels)
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def reverse_key_effect(raw: pd.Series, keyed: pd.Series, item: str) -> Sentence:
    """How ``item`` correlates with its scale's other items before and after reverse keying.

    ``raw`` and ``keyed`` are its correlations with every item of the scale (itself included,
    left out here), as ``frame.corr()[item]`` gives them.
    """
    others = [i for i in raw.index if i != item and pd.notna(raw[i]) and pd.notna(keyed[i])]
    n = len(others)
    neg = int((raw[others] < 0).sum())
    pos = int((keyed[others] > 0).sum())
    if n == 0:
        return Sentence(f"{item} cannot be correlated with the other items in this cohort.",
                        {"n": 0, "negative_raw": 0, "positive_keyed": 0})

    def count(k: int) -> str:
        return f"all {n}" if k == n else f"{k} of the {n}"

    text = (f"In your cohort, {item}'s raw answers correlate negatively with {count(neg)} other "
            f"items of its scale (r from {_r(raw[others].min())} to {_r(raw[others].max())}); "
            f"keyed, they correlate positively with {count(pos)}.")
    return Sentence(text, {"n": n, "negative_raw": neg, "positive_keyed": pos})


def median_ranking(scores: pd.DataFrame, scales: Sequence[str], codebook: Codebook) -> Sentence:
    """The scales' medians in this cohort, highest first, and which sits highest and lowest."""
    medians = scores[list(scales)].median().dropna().sort_values(ascending=False, kind="stable")
    if len(medians) < 2:
        return Sentence("Too few scores in this cohort to rank the scales.", {"order": ()})
    listed = "; ".join(f"{codebook.label(s)} {m:.2f}" for s, m in medians.items())
    top, bottom = medians.index[0], medians.index[-1]
    if medians.iloc[0] == medians.iloc[-1]:
        tail = "All sit at the same median."
    else:
        tail = (f"{codebook.label(top)} sits highest, {codebook.label(bottom)} lowest.")
    return Sentence(f"Medians in your cohort: {listed}. {tail}",
                    {"order": tuple(medians.index), "highest": top, "lowest": bottom})


def highest_share(table: pd.DataFrame, column: str, *, what: str, groups: str) -> Sentence:
    """Which group of a :func:`~coursekit.analysis.summaries.share_by_group` table has the
    highest and the lowest share. Suppressed groups, and shares the table masks (text such
    as ``"few"`` where a share would describe too few people), are neither named nor
    described."""
    values = pd.to_numeric(table.loc[~table["suppressed"].astype(bool), column],
                           errors="coerce")
    shown = values.dropna().astype(float)
    if len(shown) < 2:
        return Sentence(f"Fewer than two {groups} have a share that can be shown, so their "
                        f"shares {what} cannot be compared in this cohort.",
                        {"highest": None, "lowest": None})
    hi, lo = shown.idxmax(), shown.idxmin()
    if shown.max() == shown.min():
        return Sentence(f"The {len(shown)} {groups} whose share can be shown have the same share "
                        f"{what} ({shown.max():.1f} %).", {"highest": None, "lowest": None})
    text = (f"Of the {len(shown)} {groups} whose share can be shown, the share {what} is highest "
            f"in {hi} ({shown[hi]:.1f} %) and lowest in {lo} ({shown[lo]:.1f} %).")
    return Sentence(text, {"highest": hi, "lowest": lo})


def _direction(low: float, high: float) -> str:
    if low > 0:
        return "positive"
    if high < 0:
        return "negative"
    return "unclear"


def coefficient(table: pd.DataFrame, term: str, codebook: Codebook, *, outcome: str,
                held: Sequence[str] = ()) -> Sentence:
    """One regression coefficient in words: its beta, interval and what it says here.

    The direction is stated only when the 95 % interval of ``b`` excludes zero (the
    interval of beta has the same sign, beta being ``b`` rescaled).
    """
    rows = table.set_index("term")
    name, out = codebook.label(term), codebook.label(outcome).lower()
    if term not in rows.index or pd.isna(rows.at[term, "ci_low"]):
        return Sentence(f"No coefficient of {name} in this cohort.", {"direction": None})
    row = rows.loc[term]
    direction = _direction(row["ci_low"], row["ci_high"])
    lead = (f"Holding {_names([codebook.label(h).lower() for h in held])} constant, "
            if held else "")
    said = {"positive": f"in your cohort, {name.lower()} goes with higher {out}",
            "negative": f"in your cohort, {name.lower()} goes with lower {out}",
            "unclear": (f"its interval includes zero, so your cohort does not show "
                        f"whether {name.lower()} goes with higher or lower {out}")}[direction]
    subject = name.lower() if lead else name
    text = (f"{lead}{subject} has beta {_r(row['beta'])} (b {row['b']:.2f}, 95 % CI "
            f"{row['ci_low']:.2f} to {row['ci_high']:.2f}, {format_p(row['p'])}): {said}.")
    return Sentence(text[0].upper() + text[1:], {"direction": direction, "beta": row["beta"]})


def shrinkage(frame: pd.DataFrame, table: pd.DataFrame, outcome: str,
              codebook: Codebook) -> Sentence:
    """Which predictors have a smaller standardized coefficient in the model than their
    correlation with ``outcome`` alone (over the same respondents)."""
    rows = table[table["term"] != "Intercept"].set_index("term")
    terms = [t for t in rows.index if t in frame.columns]
    used = frame[[outcome, *terms]].apply(pd.to_numeric, errors="coerce").dropna()
    if rows["beta"].isna().all() or len(used) < 3:
        return Sentence("No model for this cohort, so nothing to compare.", {"shrunk": ()})
    alone = used[terms].corrwith(used[outcome])
    shrunk = tuple(t for t in terms if abs(rows.at[t, "beta"]) < abs(alone[t]))
    listed = _names([f"{codebook.label(t)} ({_r(alone[t])} alone, {_r(rows.at[t, 'beta'])} "
                     f"in the model)" for t in shrunk])
    n = len(terms)
    if not shrunk:
        text = (f"In your cohort none of the {n} predictors has a smaller coefficient in the "
                f"model than its correlation with {codebook.label(outcome).lower()} alone.")
    else:
        text = (f"In your cohort {len(shrunk)} of the {n} predictors have a smaller coefficient "
                f"in the model than their correlation with {codebook.label(outcome).lower()} "
                f"alone: {listed}.")
    return Sentence(text, {"shrunk": shrunk, "alone": dict(alone)})


def adjusted_change(alone: pd.Series, adjusted: pd.Series, *, term: str, control: str,
                    outcome: str) -> Sentence:
    """How a predictor's beta changes once a control is added (rows of two regressions).

    ``alone`` and ``adjusted`` are the predictor's rows (``beta``, ``ci_low``, ``ci_high``,
    ``p``) in the model without and with ``control``; the names are labels for the text.
    """
    a, b = float(alone["beta"]), float(adjusted["beta"])
    if np.isnan(a) or np.isnan(b):
        return Sentence("No models for this cohort, so nothing to compare.", {"change": None})
    if abs(abs(b) - abs(a)) < SAME_BETA:
        change = "about the same"
    else:
        change = "weaker" if abs(b) < abs(a) else "stronger"
    dir_a = _direction(alone["ci_low"], alone["ci_high"])
    dir_b = _direction(adjusted["ci_low"], adjusted["ci_high"])
    text = (f"In your cohort, {term} has beta {_r(a)} with {outcome} alone "
            f"({format_p(alone['p'])}) and {_r(b)} with {control} held constant "
            f"({format_p(adjusted['p'])}): the association is {change} once {control} is "
            f"held constant.")
    return Sentence(text, {"change": change, "alone": dir_a, "adjusted": dir_b})
