"""Descriptive summary tables the notebooks show: missing answers, flags, counts, scores.

Every table that describes groups of respondents goes through
:func:`coursekit.analysis.privacy.suppress_small_groups`, so no cell a learner sees
describes fewer than ``min_group_size`` respondents. Nothing here lists
individual respondents.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"at_risk": [True, False] * 7 + [True] * 3,
...                    "status": ["viewer"] * 6 + ["occasional"] * 8 + ["regular"] * 3})
>>> share_by_group(df, "at_risk", "status", min_group_size=5)["suppressed"].tolist()
[False, True, True]
"""

from __future__ import annotations

import pandas as pd

from coursekit.analysis.privacy import suppress_small_groups
from coursekit.analysis.scoring import DEFAULT_MIN_ANSWERED
from coursekit.survey.codebook import Codebook


def missing_by_scale(df: pd.DataFrame, codebook: Codebook,
                     min_answered: float = DEFAULT_MIN_ANSWERED) -> pd.DataFrame:
    """Per scale: share of item answers missing, and respondents left without a score.

    A respondent has no score when fewer than ``min_answered`` of the scale's
    items are answered (the scoring rule of :mod:`coursekit.analysis.scoring`).
    """
    rows = []
    for scale in codebook.scales:
        items = df[list(scale.item_ids)]
        answered = items.notna().sum(axis=1)
        no_score = answered < min_answered * len(scale.item_ids) - 1e-9
        rows.append({"scale": scale.name, "items": len(scale.item_ids),
                     "missing answers (%)": round(100 * items.isna().to_numpy().mean(), 1),
                     "respondents without a score": int(no_score.sum())})
    return pd.DataFrame(rows).set_index("scale")


def careless_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """How many respondents each careless-responding flag caught (see survey.clean)."""
    names = {"straightlining": "straight-lining (long runs of one answer)",
             "attention_failed": "failed the attention check",
             "too_fast": "too fast (under 2 s per item)",
             "careless": "any of these"}
    n = len(flags)
    return pd.DataFrame(
        {"respondents": [int(flags[c].sum()) for c in names],
         "share (%)": [round(100 * flags[c].mean(), 1) if n else 0.0 for c in names]},
        index=pd.Index(list(names.values()), name="flag"),
    )


def out_of_range_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Out-of-range answers per item: how many, which values, what was allowed."""
    if table.empty:
        return pd.DataFrame(columns=["answers", "values", "allowed"],
                            index=pd.Index([], name="item"))
    grouped = table.groupby("column", sort=False)
    return pd.DataFrame({
        "answers": grouped.size(),
        "values": grouped["value"].agg(lambda v: ", ".join(f"{x:g}" for x in sorted(set(v)))),
        "allowed": grouped["allowed"].first(),
    }).rename_axis("item")


def group_counts(df: pd.DataFrame, column: str, codebook: Codebook,
                 min_group_size: int) -> pd.DataFrame:
    """Respondents per category of ``column`` (codebook order), small groups suppressed."""
    var = codebook.variable(column)
    counts = df[column].value_counts()
    order = list(var.categories) + [c for c in counts.index if c not in var.categories]
    table = pd.DataFrame({"respondents": [int(counts.get(c, 0)) for c in order]},
                         index=pd.Index(order, name=column))
    table["share (%)"] = (100 * table["respondents"] / max(len(df), 1)).round(1)
    table = table[table["respondents"] > 0]
    return suppress_small_groups(table, "respondents", k=min_group_size)


def describe_scores(scores: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Mean, SD, range and n of each scale score, with the scale's label and answer range."""
    rows = []
    for name in scores.columns:
        s = scores[name].dropna()
        rs = codebook.scale(name).response_scale
        rows.append({"scale": name, "label": codebook.label(name),
                     "range": f"{rs.min}-{rs.max}", "n": len(s),
                     "mean": round(s.mean(), 2), "sd": round(s.std(ddof=1), 2),
                     "min": round(s.min(), 2), "max": round(s.max(), 2)})
    return pd.DataFrame(rows).set_index("scale")


AGE_BANDS = ((13, 17, "13-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 120, "35+"))


def age_groups(age: pd.Series) -> pd.Series:
    """Age bands 13-17, 18-24, 25-34 and 35+, as an ordered categorical (missing stays missing)."""
    labels = [b[2] for b in AGE_BANDS]
    edges = [AGE_BANDS[0][0] - 0.5] + [b[1] + 0.5 for b in AGE_BANDS]
    return pd.cut(age, bins=edges, labels=labels, ordered=True).rename("age_group")


def share_by_group(df: pd.DataFrame, flag: str, group: str, *, min_group_size: int,
                   codebook: Codebook | None = None) -> pd.DataFrame:
    """Per group: respondents and the share (%) for whom boolean column ``flag`` is true.

    Respondents with a missing group are left out; groups smaller than
    ``min_group_size`` keep their row but have their statistics suppressed.
    Groups follow the codebook's category order when ``codebook`` is given.
    """
    data = df[[flag, group]].dropna(subset=[group])
    grouped = data.groupby(group, observed=True, sort=True)[flag]
    table = pd.DataFrame({"respondents": grouped.size(),
                          f"{flag} (%)": (100 * grouped.mean()).round(1)})
    if codebook is not None and codebook.has_variable(group):
        order = [c for c in codebook.variable(group).categories if c in table.index]
        table = table.loc[order + [g for g in table.index if g not in order]]
    return suppress_small_groups(table, "respondents", k=min_group_size)


def factor_match(loadings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Which scale each factor stands for, and whether each item loads highest on it.

    A factor is named after the scale most of whose items load highest on it.
    One row per item: its ``scale``, the ``factor`` it loads highest on (by
    absolute loading) and that ``loading``, the factor of its scale
    (``scale_factor``) and ``on_own_factor``: whether the two agree.
    """
    best = loadings.abs().idxmax(axis=1)
    scale_of = pd.Series({i: codebook.item(i).scale for i in loadings.index})
    scale_factor = best.groupby(scale_of).agg(lambda f: f.value_counts().idxmax())
    table = pd.DataFrame({
        "scale": scale_of,
        "factor": best,
        "loading": [loadings.at[i, best[i]] for i in loadings.index],
        "scale_factor": scale_of.map(scale_factor),
    })
    table["on_own_factor"] = table["factor"] == table["scale_factor"]
    return table.rename_axis("item")


def factor_labels(loadings: pd.DataFrame, codebook: Codebook) -> dict[str, str]:
    """Each factor's name: the scale most of whose items load highest on it (see factor_match).

    A factor that no scale claims keeps its own name.
    """
    match = factor_match(loadings, codebook)
    claimed = match.groupby("scale_factor")["scale"].first().to_dict()
    return {f: claimed.get(f, f) for f in loadings.columns}
