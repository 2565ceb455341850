"""Flagging careless responders and out-of-range answers, and cleaning on purpose.

Nothing here drops a respondent silently: :func:`flag_careless` and
:func:`out_of_range` only flag, and :func:`clean_survey` excludes careless
responders only when asked, returning who was excluded and why.

The careless-responding indices follow Meade & Craig (2012), "Identifying
careless responses in survey data", *Psychological Methods* 17(3):

- **straight-lining**: the longest run of identical consecutive answers in
  questionnaire order (the *longstring* index, Johnson 2005) reaches
  ``longstring_min`` (default 12 of the 57 items);
- **attention check**: the answer differs from the one the item asks for;
- **too fast**: fewer than 2 seconds per item (Huang et al. 2012).

Example
-------
>>> from coursekit.survey.load import load_survey
>>> from coursekit.survey.clean import clean_survey
>>> result = clean_survey(load_survey())
>>> int(result.flags["careless"].sum()) > 0
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coursekit.survey.codebook import Codebook, load_codebook

SECONDS_PER_ITEM = 2.0
LONGSTRING_MIN = 12


def longstring(items: pd.DataFrame) -> pd.Series:
    """Longest run of identical consecutive non-missing answers per respondent.

    Missing answers are skipped (they neither extend nor break a run). One
    pass over the columns, vectorized over respondents.
    """
    values = items.to_numpy(dtype=float)
    n = len(values)
    best = np.zeros(n, dtype=int)
    current = np.zeros(n, dtype=int)
    previous = np.full(n, np.nan)
    for column in values.T:
        answered = ~np.isnan(column)
        same = answered & (column == previous)
        current = np.where(answered, np.where(same, current + 1, 1), current)
        previous = np.where(answered, column, previous)
        np.maximum(best, current, out=best)
    return pd.Series(best, index=items.index, name="longstring")


def flag_careless(
    df: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    longstring_min: int = LONGSTRING_MIN,
    seconds_per_item: float = SECONDS_PER_ITEM,
) -> pd.DataFrame:
    """Flag careless responders; one row per respondent, never drops anyone.

    Columns: ``respondent_id``, ``longstring``, ``straightlining``,
    ``attention_failed``, ``too_fast`` and ``careless`` (any of the three).
    A missing attention answer or completion time raises no flag.
    """
    cb = codebook or load_codebook()
    item_ids = [i for i in cb.item_ids if i in df.columns]
    runs = longstring(df[item_ids])
    out = pd.DataFrame({cb.id_column: df[cb.id_column], "longstring": runs})
    out["straightlining"] = runs >= longstring_min
    checks = [v for v in cb.variables if v.type == "check" and v.name in df.columns]
    failed = pd.Series(False, index=df.index)
    for var in checks:
        answer = df[var.name]
        failed |= answer.notna() & (answer != var.expected)
    out["attention_failed"] = failed
    timing = next((v.name for v in cb.variables if v.name == "completion_seconds"), None)
    if timing and timing in df.columns:
        out["too_fast"] = df[timing].notna() & (df[timing] < seconds_per_item * len(item_ids))
    else:
        out["too_fast"] = False
    out["careless"] = out[["straightlining", "attention_failed", "too_fast"]].any(axis=1)
    return out


def out_of_range(df: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Every item answer outside its response scale, one row each.

    Columns: ``respondent_id``, ``column``, ``value``, ``allowed``.
    """
    cb = codebook or load_codebook()
    records = []
    for item in cb.items:
        if item.id not in df.columns:
            continue
        rs = item.response_scale
        col = df[item.id]
        bad = col.notna() & ((col < rs.min) | (col > rs.max))
        for idx in df.index[bad]:
            records.append({cb.id_column: df.at[idx, cb.id_column], "column": item.id,
                            "value": col.at[idx], "allowed": f"{rs.min}-{rs.max}"})
    return pd.DataFrame(records, columns=[cb.id_column, "column", "value", "allowed"])


@dataclass(frozen=True)
class CleanResult:
    """The cleaned data and a record of every decision taken."""

    data: pd.DataFrame
    flags: pd.DataFrame
    out_of_range: pd.DataFrame
    excluded: tuple[str, ...]

    def summary(self) -> str:
        f = self.flags
        return (
            f"{len(f)} respondents: {int(f['careless'].sum())} flagged as careless "
            f"(straight-lining {int(f['straightlining'].sum())}, attention check "
            f"{int(f['attention_failed'].sum())}, too fast {int(f['too_fast'].sum())}); "
            f"{len(self.out_of_range)} out-of-range answers set to missing; "
            f"{len(self.excluded)} respondents excluded."
        )


def clean_survey(
    df: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    exclude_careless: bool = False,
    **flag_options: float,
) -> CleanResult:
    """Set out-of-range answers to missing and, if asked, exclude careless responders.

    The input is not modified. ``flag_options`` go to :func:`flag_careless`.
    """
    cb = codebook or load_codebook()
    flags = flag_careless(df, cb, **flag_options)
    bad = out_of_range(df, cb)
    data = df.copy()
    for item in cb.items:
        if item.id in data.columns:
            rs = item.response_scale
            col = data[item.id]
            data[item.id] = col.where(col.isna() | ((col >= rs.min) & (col <= rs.max)))
    excluded: tuple[str, ...] = ()
    if exclude_careless:
        mask = flags["careless"].to_numpy()
        excluded = tuple(data.loc[mask, cb.id_column].astype(str))
        data = data.loc[~mask].reset_index(drop=True)
    return CleanResult(data, flags, bad, excluded)
