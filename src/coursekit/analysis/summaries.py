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

from coursekit.analysis.privacy import SECONDARY_MARKER, mask_small_counts, suppress_small_groups
from coursekit.analysis.scoring import DEFAULT_MIN_ANSWERED
from coursekit.survey.codebook import Codebook


def missing_by_scale(df: pd.DataFrame, codebook: Codebook,
                     min_answered: float = DEFAULT_MIN_ANSWERED,
                     min_count: int | None = None) -> pd.DataFrame:
    """Per scale: share of item answers missing, and respondents left without a score.

    A respondent has no score when fewer than ``min_answered`` of the scale's
    items are answered (the scoring rule of :mod:`coursekit.analysis.scoring`).
    With ``min_count`` (a real class: ``course.min_count``), 1 to ``min_count - 1``
    respondents without a score read ``"<k"``.
    """
    rows = []
    for scale in codebook.scales:
        items = df[list(scale.item_ids)]
        answered = items.notna().sum(axis=1)
        no_score = answered < min_answered * len(scale.item_ids) - 1e-9
        rows.append({"scale": scale.name, "items": len(scale.item_ids),
                     "missing answers (%)": round(100 * items.isna().to_numpy().mean(), 1),
                     "respondents without a score": int(no_score.sum())})
    return mask_small_counts(pd.DataFrame(rows).set_index("scale"),
                             "respondents without a score", min_count)


def careless_summary(flags: pd.DataFrame, min_count: int | None = None) -> pd.DataFrame:
    """How many respondents each careless-responding flag caught (see survey.clean).

    With ``min_count`` (a real class: ``course.min_count``), a flag that caught 1 to
    ``min_count - 1`` respondents shows ``"<k"`` for its count and share.

    >>> flags = pd.DataFrame({"straightlining": [True, False] + [False] * 8,
    ...                       "attention_failed": [False] * 10, "too_fast": [False] * 10})
    >>> flags["careless"] = flags.any(axis=1)
    >>> careless_summary(flags, min_count=5)["respondents"].tolist()
    ['<5', 0, 0, '<5']
    """
    names = {"straightlining": "straight-lining (long runs of one answer)",
             "attention_failed": "failed the attention check",
             "too_fast": "too fast (under 2 s per item)",
             "careless": "any of these"}
    n = len(flags)
    table = pd.DataFrame(
        {"respondents": [int(flags[c].sum()) for c in names],
         "share (%)": [round(100 * flags[c].mean(), 1) if n else 0.0 for c in names]},
        index=pd.Index(list(names.values()), name="flag"),
    )
    return mask_small_counts(table, "respondents", min_count, derived=["share (%)"])


def out_of_range_summary(table: pd.DataFrame, min_count: int | None = None) -> pd.DataFrame:
    """Out-of-range answers per item: how many, which values, what was allowed.

    With ``min_count`` (a real class: ``course.min_count``), an item with 1 to
    ``min_count - 1`` such answers shows ``"<k"`` for their number and values, and the
    values of any item are listed only when each was given by at least ``min_count``
    answers (a value typed once points at one respondent).
    """
    if table.empty:
        return pd.DataFrame(columns=["answers", "values", "allowed"],
                            index=pd.Index([], name="item"))
    grouped = table.groupby("column", sort=False)

    def values(v: pd.Series) -> str:
        counts = v.value_counts()
        shown = sorted(counts.index if min_count is None else counts.index[counts >= min_count])
        listed = ", ".join(f"{x:g}" for x in shown)
        hidden = len(counts) - len(shown)
        return listed + (f"{', ' if listed else ''}{hidden} more (each given by fewer than "
                         f"{min_count})" if hidden else "")

    summary = pd.DataFrame({
        "answers": grouped.size(),
        "values": grouped["value"].agg(values),
        "allowed": grouped["allowed"].first(),
    }).rename_axis("item")
    return mask_small_counts(summary, "answers", min_count, derived=["values"])


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
    # Respondents without an answer count in the total but in no row: they may have to be
    # protected from subtraction too (privacy.complementary_mask).
    return suppress_small_groups(table, "respondents", k=min_group_size,
                                 unassigned=int(df[column].isna().sum()))


def describe_scores(scores: pd.DataFrame, codebook: Codebook,
                    min_count: int | None = None) -> pd.DataFrame:
    """Mean, SD, range and n of each scale score, with the scale's label and answer range.

    With ``min_count`` (a real class: ``course.min_count``), ``min`` and ``max``, each one
    respondent's score, read ``"masked"``.
    """
    rows = []
    for name in scores.columns:
        s = scores[name].dropna()
        rs = codebook.scale(name).response_scale
        rows.append({"scale": name, "label": codebook.label(name),
                     "range": f"{rs.min}-{rs.max}", "n": len(s),
                     "mean": round(s.mean(), 2), "sd": round(s.std(ddof=1), 2),
                     "min": round(s.min(), 2), "max": round(s.max(), 2)})
    table = pd.DataFrame(rows).set_index("scale")
    if min_count is not None:
        table[["min", "max"]] = SECONDARY_MARKER
    return table


AGE_BANDS = ((13, 17, "13-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 120, "35+"))


def age_groups(age: pd.Series) -> pd.Series:
    """Age bands 13-17, 18-24, 25-34 and 35+, as an ordered categorical (missing stays missing)."""
    labels = [b[2] for b in AGE_BANDS]
    edges = [AGE_BANDS[0][0] - 0.5] + [b[1] + 0.5 for b in AGE_BANDS]
    return pd.cut(age, bins=edges, labels=labels, ordered=True).rename("age_group")


#: A share shown in place of one that would describe 1 to k - 1 respondents of a group.
SHARE_MASK = "few"


def share_text(flag: pd.Series, what: str, min_count: int | None = None) -> str:
    """One sentence: the share and number of respondents for whom ``flag`` is true.

    With ``min_count`` (a real class: ``course.min_count``), a number of 1 to
    ``min_count - 1``, with or without the flag, is not given.

    >>> s = pd.Series([True] * 2 + [False] * 18)
    >>> share_text(s, "are at risk")
    '10.0% of the cohort are at risk (2 of 20 respondents).'
    >>> share_text(s, "are at risk", min_count=5)
    'Fewer than 5 of the 20 respondents are at risk.'
    """
    n, hit = len(flag), int(flag.sum())
    if min_count is not None and 0 < hit < min_count:
        return f"Fewer than {min_count} of the {n} respondents {what}."
    if min_count is not None and 0 < n - hit < min_count:
        return f"All but fewer than {min_count} of the {n} respondents {what}."
    return f"{hit / n if n else 0:.1%} of the cohort {what} ({hit} of {n} respondents)."


def share_by_group(df: pd.DataFrame, flag: str, group: str, *, min_group_size: int,
                   codebook: Codebook | None = None) -> pd.DataFrame:
    """Per group: respondents and the share (%) for whom boolean column ``flag`` is true.

    Respondents with a missing group are left out; groups smaller than
    ``min_group_size`` keep their row but have their statistics suppressed (and
    the groups that protect them from subtraction, see
    :func:`~coursekit.analysis.privacy.suppress_small_groups`). A share that would say
    1 to ``min_group_size - 1`` respondents of a group have the flag, or all but that
    many, reads ``"few"`` instead, and a share hidden only so that the whole cohort's count
    minus the shares shown gives no such number reads ``"masked"``.
    Groups follow the codebook's category order when ``codebook`` is given.
    """
    data = df[[flag, group]].dropna(subset=[group])
    grouped = data.groupby(group, observed=True, sort=True)[flag]
    share = (100 * grouped.mean()).round(1)
    flagged, size = grouped.sum(), grouped.size()
    table = pd.DataFrame({"respondents": size, f"{flag} (%)": share})
    if codebook is not None and codebook.has_variable(group):
        order = [c for c in codebook.variable(group).categories if c in table.index]
        table = table.loc[order + [g for g in table.index if g not in order]]
    flagged, size = flagged[table.index], size[table.index]
    outside = df.loc[df[group].isna(), flag]
    table = suppress_small_groups(table, "respondents", k=min_group_size,
                                  unassigned=len(outside))
    few, protect = _few_shares(flagged, size, table["suppressed"].to_numpy(),
                               int(outside.sum()), len(outside) - int(outside.sum()),
                               min_group_size)
    if (few | protect).any():
        column = f"{flag} (%)"
        table[column] = table[column].astype(object)
        table.loc[few, column] = SHARE_MASK
        # A share hidden only to protect another is not few: it reads "masked".
        table.loc[protect, column] = SECONDARY_MARKER
    return table


def _few_shares(flagged: pd.Series, size: pd.Series, suppressed, outside_yes: int,
                outside_no: int, k: int):
    """Which groups' shares to hide: those saying 1 to k - 1 have (or lack) the flag, and
    then, smallest first, others until the whole cohort's count of the flag minus the shares
    shown leaves none or at least k of either kind (complementary suppression of shares)."""
    import numpy as np

    yes = flagged.to_numpy(dtype=int)
    no = size.to_numpy(dtype=int) - yes
    # "1 of 6 is at risk" describes one respondent, as does "5 of 6" the sixth.
    few = (((yes > 0) & (yes < k)) | ((no > 0) & (no < k))) & ~suppressed
    hidden = few | suppressed
    protect = np.zeros_like(few)
    while True:
        h_yes, h_no = yes[hidden].sum() + outside_yes, no[hidden].sum() + outside_no
        if all(v == 0 or v >= k for v in (h_yes, h_no)):
            break
        rest = np.flatnonzero(~hidden)
        if rest.size == 0:
            break
        pick = rest[np.argmin(yes[rest] + no[rest])]
        protect[pick] = hidden[pick] = True
    return few, protect


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
