"""Scale scores from item answers, keyed by the codebook.

A scale score is the mean of the scale's items after reverse-keying
(``min + max - x`` for reverse-keyed items), computed only for respondents who
answered at least ``min_answered`` of the items (default 80 %); others get a
missing score. Means of the answered items keep the response scale's units,
so a validation score of 4 reads "agree" (see e.g. Furr 2011, *Scale
Construction and Psychometrics for Social and Personality Psychology*, ch. 4).

Scoring expects cleaned data: answers outside the response scale raise
:class:`~coursekit.common.errors.AnalysisInputError`; run
:func:`coursekit.survey.clean.clean_survey` first.

Example
-------
>>> import pandas as pd
>>> from coursekit.analysis.scoring import score_scale
>>> df = pd.DataFrame({"val1": [5, 1], "val2": [4, 2], "val3": [5, 1], "val4": [1, 5],
...                    "val5": [4, None], "val6": [5, 1]})
>>> score_scale(df, "validation").round(2).tolist()
[4.67, 1.2]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from coursekit.common.errors import AnalysisInputError
from coursekit.survey.codebook import Codebook, Scale, load_codebook

DEFAULT_MIN_ANSWERED = 0.8


def _numeric_items(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    columns = list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisInputError(f"item column(s) not in the data: {', '.join(missing)}")
    items = df[columns]
    for col in columns:
        if not pd.api.types.is_numeric_dtype(items[col]):
            raise AnalysisInputError(
                f"item column '{col}' is not numeric (dtype {items[col].dtype}); "
                "load the data with coursekit.survey.load.load_survey"
            )
    return items.astype("float64")


def reverse_key(df: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Return a copy with every reverse-keyed item column mirrored: ``min + max - x``.

    Columns that are not codebook items are left as they are. Applying it
    twice gives the original data back.

    >>> import pandas as pd
    >>> reverse_key(pd.DataFrame({"val4": [1.0, 5.0, 2.0]}))["val4"].tolist()
    [5.0, 1.0, 4.0]
    """
    cb = codebook or load_codebook()
    out = df.copy()
    for col in df.columns:
        if cb.has_item(col) and cb.item(col).reverse:
            rs = cb.item(col).response_scale
            out[col] = rs.min + rs.max - _numeric_items(df, [col])[col]
    return out


def keyed_items(df: pd.DataFrame, scale: str | Scale | Iterable[str],
                codebook: Codebook | None = None) -> pd.DataFrame:
    """The scale's item columns as floats, reverse-keyed, checked to lie in range.

    ``scale`` may also be a list of scale names: their keyed items side by side.
    """
    cb = codebook or load_codebook()
    if not isinstance(scale, str | Scale):
        return pd.concat([keyed_items(df, s, cb) for s in scale], axis=1)
    sc = cb.scale(scale) if isinstance(scale, str) else scale
    items = _numeric_items(df, sc.item_ids)
    rs = sc.response_scale
    # numpy rather than DataFrame operations: a reliability table of 100,000
    # respondents keys every scale, and this was most of its time.
    values = items.to_numpy(copy=True)
    with np.errstate(invalid="ignore"):
        bad = (values < rs.min) | (values > rs.max)       # NaN compares False
    if bad.any():
        c = int(np.flatnonzero(bad.any(axis=0))[0])
        r = int(np.flatnonzero(bad[:, c])[0])
        raise AnalysisInputError(
            f"item '{sc.item_ids[c]}', row index {items.index[r]}: value {values[r, c]:g} is "
            f"outside {rs.min}-{rs.max}; run coursekit.survey.clean.clean_survey first"
        )
    flip = [j for j, item in enumerate(sc.items) if item.reverse]
    values[:, flip] = rs.min + rs.max - values[:, flip]
    return pd.DataFrame(values, index=items.index, columns=items.columns)


def score_scale(
    df: pd.DataFrame,
    scale: str | Scale,
    codebook: Codebook | None = None,
    *,
    min_answered: float = DEFAULT_MIN_ANSWERED,
) -> pd.Series:
    """Mean of a scale's keyed items per respondent, NaN below ``min_answered``.

    ``min_answered`` is the share of the scale's items a respondent must have
    answered (0 < share <= 1). Returns a float Series named after the scale,
    with the index of ``df``.
    """
    if not 0 < min_answered <= 1:
        raise AnalysisInputError(f"min_answered must lie in (0, 1], got {min_answered}")
    cb = codebook or load_codebook()
    sc = cb.scale(scale) if isinstance(scale, str) else scale
    items = keyed_items(df, sc, cb)
    answered = items.notna().sum(axis=1)
    enough = answered >= min_answered * items.shape[1] - 1e-9
    score = items.mean(axis=1, skipna=True).where(enough)
    return score.rename(sc.name)


def score_all(
    df: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    kinds: Iterable[str] | None = None,
    min_answered: float = DEFAULT_MIN_ANSWERED,
) -> pd.DataFrame:
    """Scores of every scale (or of the scales of the given ``kinds``), one column each."""
    cb = codebook or load_codebook()
    wanted = set(kinds) if kinds is not None else None
    scales = [s for s in cb.scales if wanted is None or s.kind in wanted]
    return pd.concat([score_scale(df, s, cb, min_answered=min_answered) for s in scales], axis=1)


def standardize(scores: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """z-scores: ``(x - mean) / sd`` with the sample SD (ddof=1), NaN kept as NaN.

    Raises for a column with no spread, which has no z-score.
    """
    sd = scores.std(ddof=1)
    zero = (sd == 0) | sd.isna() if isinstance(sd, pd.Series) else (sd == 0 or np.isnan(sd))
    if np.any(zero):
        raise AnalysisInputError("cannot standardize a score with zero or undefined spread")
    return (scores - scores.mean()) / sd
