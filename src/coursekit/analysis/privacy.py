"""Small-group suppression: no summary a learner sees describes fewer than ``k`` respondents.

A group summary (a mean by gender, a count by region) of two respondents
tells their classmates what those two answered. Before a table reaches a
learner, :func:`suppress_small_groups` masks every statistic of a group with
fewer than ``k`` respondents (default :data:`DEFAULT_K` = 5, a common
minimum cell size in official statistics) while keeping the row, so the
learner still sees that the group exists. :func:`small_groups` and
:func:`groups_large_enough` check a grouping column before a comparison;
:func:`coursekit.analysis.stats.compare_groups` leaves small groups out on its own.

Pseudonymization of identifiers is a separate concern, handled where data
are imported.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"n": [40, 3, 25], "mean": [3.1, 4.6, 2.9]},
...                      index=pd.Index(["woman", "non-binary", "man"], name="gender"))
>>> suppress_small_groups(table, "n", secondary=False)  # doctest: +NORMALIZE_WHITESPACE
             n  mean  suppressed
gender
woman       40   3.1       False
non-binary  <5   NaN        True
man         25   2.9       False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from coursekit.analysis.checks import check_whole
from coursekit.common.errors import AnalysisInputError

__all__ = ["DEFAULT_K", "complementary_mask", "groups_large_enough", "mask_small_counts",
           "merge_small_bins", "small_groups", "suppress_small_groups"]

#: Smallest group whose summaries a learner may see.
DEFAULT_K = 5


def _check_k(k: int) -> int:
    return check_whole(k, "k", minimum=1)


#: Text shown in the cells of a group masked only to protect a small one.
SECONDARY_MARKER = "masked"


def complementary_mask(counts: Sequence[float], k: int = DEFAULT_K, *, unassigned: int = 0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Which cells of a breakdown to mask: the small ones, and enough others to protect them.

    ``counts`` are the cells' sizes (a partition of the respondents a published total
    describes, apart from ``unassigned`` respondents in no published cell: a missing group,
    or a group not in the breakdown). Returns ``(small, mask)``: ``small`` marks the cells
    with ``0 < count < k``; ``mask`` adds, smallest first, published cells until the
    respondents hidden (masked cells plus ``unassigned``) number none or at least ``k``.
    A published total minus the published cells then describes either nobody or a pooled
    set of at least ``k`` respondents, never a group of fewer (complementary suppression;
    Hundepool et al. 2012, *Statistical Disclosure Control*, section 4.2). Empty cells are
    masked too but describe nobody, so they need no protection.

    >>> complementary_mask([40, 3, 25])[1].tolist()         # 3 alone would follow from the total
    [False, True, True]
    >>> complementary_mask([40, 3, 25], unassigned=4)[1].tolist()    # 3 + 4 hide each other
    [False, True, False]
    >>> complementary_mask([14, 13], unassigned=3)[1].tolist()       # 3 without a group
    [False, True]
    """
    k = _check_k(k)
    c = np.nan_to_num(np.asarray(counts, dtype=float), nan=0.0)
    unassigned = check_whole(unassigned, "unassigned", minimum=0)
    small = (c > 0) & (c < k)
    mask = c < k
    while True:
        hidden = c[mask].sum() + unassigned
        if hidden == 0 or hidden >= k:
            break
        rest = np.flatnonzero(~mask)
        if rest.size == 0:
            break
        mask[rest[np.argmin(c[rest])]] = True
    return small, mask


def mask_small_counts(table: pd.DataFrame, count_column: str, k: int | None = DEFAULT_K, *,
                      derived: Iterable[str] = ()) -> pd.DataFrame:
    """Show each count of 1 to ``k - 1`` (and its ``derived`` columns) as ``"<k"``.

    For tables whose rows do not partition the respondents (one row per flag, per item), so
    no row can be recovered from a total and the others: no complementary cell is masked.
    A count of 0 describes nobody and is kept. ``k=None`` masks nothing (a synthetic cohort).

    >>> t = pd.DataFrame({"respondents": [0, 2, 9], "share (%)": [0.0, 20.0, 90.0]})
    >>> mask_small_counts(t, "respondents", 5, derived=["share (%)"]).values.tolist()
    [[0, 0.0], ['<5', '<5'], [9, 90.0]]
    """
    if k is None:
        return table
    k = _check_k(k)
    small = (table[count_column] > 0) & (table[count_column] < k)
    if not small.any():
        return table
    out = table.copy()
    for col in [count_column, *derived]:
        out[col] = out[col].astype(object)
        out.loc[small, col] = f"<{k}"
    return out


def merge_small_bins(counts: Sequence[int], k: int = DEFAULT_K) -> list[tuple[int, int]]:
    """Adjacent bins merged so that each merged bin holds at least ``k`` (or is the only one).

    ``counts`` are the bins in order (answer options, histogram bins); returns ``(first,
    last)`` index ranges, inclusive, covering every bin. Bins are gathered from the left
    until they reach ``k``; a short remainder joins the last range. A bar of merged
    answers then never shows fewer than ``k`` respondents, and the bars still add up.

    >>> merge_small_bins([0, 2, 6, 1, 4])
    [(0, 2), (3, 4)]
    >>> merge_small_bins([5, 7, 2])
    [(0, 0), (1, 2)]
    """
    k = _check_k(k)
    ranges: list[tuple[int, int]] = []
    start, total = 0, 0
    for i, c in enumerate(counts):
        total += int(c)
        if total >= k:
            ranges.append((start, i))
            start, total = i + 1, 0
    if start < len(counts):
        if ranges and total < k:
            ranges[-1] = (ranges[-1][0], len(counts) - 1)
        else:
            ranges.append((start, len(counts) - 1))
    return ranges


def suppress_small_groups(
    table: pd.DataFrame,
    count_column: str,
    k: int = DEFAULT_K,
    *,
    labels: Iterable[str] | None = None,
    secondary: bool = True,
    unassigned: int = 0,
) -> pd.DataFrame:
    """Mask every statistic of the groups (rows) with fewer than ``k`` respondents.

    ``table`` has one row per group and the group's size in ``count_column``.
    For a row with ``count < k``: every column except the ``labels`` columns
    is masked (numbers become NaN, text becomes ``"<k"``), including derived
    cells such as means, SDs and confidence limits and statistics already
    formatted as text, and the count itself is shown as the text ``"<k"``;
    the index is kept. A boolean column ``suppressed`` says which rows were
    masked. By default no column is a label (the groups are in the index):
    name the columns that identify a group, such as ``labels=["region"]``,
    to keep them; anything not named is treated as a statistic.

    Secondary suppression (``secondary=True``): a masked group's count and
    statistics could be recovered by subtraction from the total and the other
    groups, so published groups are masked as well, smallest first, until the
    masked groups and the ``unassigned`` respondents (those the total covers
    but no row does, such as a missing group) number at least ``k``
    (:func:`complementary_mask`). Their text cells read ``"masked"``, not
    ``"<k"``: they are not small.

    Missing data: a missing count is treated as 0 (masked). The input is not
    modified.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"group": ["a", "b", "c"], "n": [12, 2, 30], "mean": [1.5, 2.0, 2.5]})
    >>> out = suppress_small_groups(t, "n", labels=["group"])
    >>> out["suppressed"].tolist(), out["group"].tolist()
    ([True, True, False], ['a', 'b', 'c'])
    """
    k = _check_k(k)
    label_cols = _check_table(table, count_column, labels)
    c = table[count_column].fillna(0).to_numpy(dtype=float)
    small = c < k
    mask = complementary_mask(c, k, unassigned=unassigned)[1] if secondary else small.copy()
    out = table.copy()
    # A group masked only to protect another is not small: saying "<k" would be false.
    markers = np.where(small, f"<{k}", SECONDARY_MARKER)
    if mask.any():
        for col in out.columns:
            if col in label_cols:
                continue
            if col == count_column or not (pd.api.types.is_numeric_dtype(out[col])
                                           or pd.api.types.is_bool_dtype(out[col])):
                out[col] = out[col].astype(object)
                out.loc[mask, col] = markers[mask]
            else:
                out[col] = out[col].astype(float)
                out.loc[mask, col] = np.nan
    out["suppressed"] = mask
    return out


def _check_table(table: pd.DataFrame, count_column: str, labels: Iterable[str] | None
                 ) -> list[str]:
    """Refuse a table :func:`suppress_small_groups` cannot mask; return its label columns."""
    if not isinstance(table, pd.DataFrame):
        raise AnalysisInputError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    if count_column not in table.columns:
        raise AnalysisInputError(
            f"count column '{count_column}' not in the table (columns: "
            f"{', '.join(map(str, table.columns))})"
        )
    counts = table[count_column]
    if not pd.api.types.is_numeric_dtype(counts):
        raise AnalysisInputError(f"count column '{count_column}' is not numeric ({counts.dtype})")
    if (counts < 0).any():
        raise AnalysisInputError(f"count column '{count_column}' has negative counts")
    if "suppressed" in table.columns:
        raise AnalysisInputError("the table already has a 'suppressed' column")
    label_cols = [] if labels is None else list(labels)
    absent = [c for c in label_cols if c not in table.columns]
    if absent:
        raise AnalysisInputError(f"label column(s) not in the table: {', '.join(absent)}")
    if count_column in label_cols:
        raise AnalysisInputError("the count column cannot be a label column")
    return label_cols


def small_groups(groups: pd.Series, k: int = DEFAULT_K) -> pd.Series:
    """Sizes of the groups in ``groups`` that have fewer than ``k`` members (missing ignored).

    Returns a Series indexed by group label (empty when every group is large
    enough). Use it before comparing groups or tabulating by a column.

    >>> import pandas as pd
    >>> small_groups(pd.Series(["a"] * 6 + ["b"] * 2 + [None])).to_dict()
    {'b': 2}
    """
    k = _check_k(k)
    if not isinstance(groups, pd.Series):
        raise AnalysisInputError(f"groups must be a pandas Series, got {type(groups).__name__}")
    sizes = groups.value_counts(dropna=True, sort=False)
    # Categories nobody chose describe nobody and are not reported.
    return sizes[(sizes > 0) & (sizes < k)].rename("n")


def groups_large_enough(groups: pd.Series, k: int = DEFAULT_K) -> bool:
    """True when every (non-missing) group in ``groups`` has at least ``k`` members.

    >>> import pandas as pd
    >>> groups_large_enough(pd.Series(["a"] * 5 + ["b"] * 5)), groups_large_enough(
    ...     pd.Series(["a"] * 5 + ["b"]))
    (True, False)
    """
    return small_groups(groups, k).empty
