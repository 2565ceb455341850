"""Checked item matrices and pairwise-complete moments, shared by the analysis modules.

Every analysis function turns its DataFrame into a float matrix here, so bad
input is refused the same way everywhere: with an
:class:`~coursekit.errors.AnalysisInputError` naming the column, never with a
numpy warning or a NaN passed on.

Pairwise-complete moments follow R's ``cov(use = "pairwise")`` and pandas'
``DataFrame.cov``: the covariance of two items uses the rows where both are
answered, with the means of those rows. They are computed with three matrix
products instead of a loop over pairs, which is what makes a reliability
table of 100,000 respondents fast.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import AnalysisInputError


def numeric_frame(df: pd.DataFrame, columns: Sequence[str] | None = None,
                  what: str = "items") -> pd.DataFrame:
    """``df[columns]`` as float64, refusing columns that are absent, not numeric or infinite."""
    cols = _checked_columns(df, columns, what)
    frame = pd.DataFrame(
        {c: df[c].to_numpy(dtype="float64", na_value=np.nan) for c in cols},
        index=df.index, columns=cols,
    )
    _refuse_infinite(frame.to_numpy(), cols, frame.index, what)
    return frame


def _checked_columns(df: pd.DataFrame, columns: Sequence[str] | None, what: str) -> list:
    if not isinstance(df, pd.DataFrame):
        raise AnalysisInputError(
            f"{what}: expected a pandas DataFrame (one column per variable), "
            f"got {type(df).__name__}"
        )
    cols = list(df.columns) if columns is None else list(columns)
    absent = [str(c) for c in cols if c not in df.columns]
    if absent:
        raise AnalysisInputError(f"{what}: column(s) not in the data: {', '.join(absent)}")
    if len(set(cols)) != len(cols) or (columns is None and not df.columns.is_unique):
        raise AnalysisInputError(f"{what}: a column name appears more than once")
    for c in cols:
        s = df[c]
        if isinstance(s, pd.DataFrame):
            raise AnalysisInputError(f"{what}: column '{c}' appears more than once")
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            raise AnalysisInputError(
                f"{what}: column '{c}' is not numeric (dtype {s.dtype}); expected numbers "
                "with NaN for missing answers"
            )
    return cols


def _refuse_infinite(values: np.ndarray, cols: list, index: pd.Index, what: str) -> None:
    inf = np.isinf(values)
    if inf.any():
        r, c = np.argwhere(inf)[0]
        raise AnalysisInputError(
            f"{what}: column '{cols[c]}', row index {index[r]!r}: value {values[r, c]} "
            "is infinite (expected a finite number or NaN)"
        )


def item_matrix(items: pd.DataFrame, *, min_items: int = 2, min_rows: int = 3,
                what: str = "items") -> tuple[np.ndarray, list[str]]:
    """Check ``items`` and return its values (rows with no answer at all dropped) and names.

    Refuses: a non-DataFrame, non-numeric or infinite values, fewer than
    ``min_items`` columns, a column with no answers, a column that never varies,
    fewer than ``min_rows`` respondents with any answer, and a pair of columns
    answered together by fewer than ``min_rows`` respondents.
    """
    cols = _checked_columns(items, None, what)
    names = [str(c) for c in cols]
    if len(names) < min_items:
        raise AnalysisInputError(
            f"{what}: {len(names)} column(s) given ({', '.join(names) or 'none'}); "
            f"at least {min_items} are needed"
        )
    x = items.to_numpy(dtype="float64", na_value=np.nan)
    _refuse_infinite(x, cols, items.index, what)
    observed = ~np.isnan(x)
    counts = observed.sum(axis=0)
    empty = [names[j] for j in np.flatnonzero(counts == 0)]
    if empty:
        raise AnalysisInputError(f"{what}: column(s) with no answers at all: {', '.join(empty)}")
    any_row = observed.any(axis=1)
    if not any_row.all():
        x = x[any_row]
        observed = observed[any_row]
    if x.shape[0] < min_rows:
        raise AnalysisInputError(
            f"{what}: {x.shape[0]} respondent(s) with answers; at least {min_rows} are needed"
        )
    with np.errstate(invalid="ignore"):
        lo = np.nanmin(x, axis=0)
        hi = np.nanmax(x, axis=0)
    flat = [f"'{names[j]}' (always {lo[j]:g})" for j in np.flatnonzero(lo == hi)]
    if flat:
        raise AnalysisInputError(
            f"{what}: column(s) with no variation: {', '.join(flat)}; a constant column "
            "carries no information about differences between respondents"
        )
    if not observed.all():
        m = observed.astype(np.float64)
        pair_n = m.T @ m
        low = np.argwhere(np.triu(pair_n < min_rows, 1))
        if low.size:
            i, j = low[0]
            raise AnalysisInputError(
                f"{what}: columns '{names[i]}' and '{names[j]}' are answered together by "
                f"{int(pair_n[i, j])} respondent(s); at least {min_rows} are needed"
            )
    return x, names


def pairwise_cov(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete covariance matrix (ddof=1) and the pairwise counts.

    For items i and j: the covariance over the rows where both are answered,
    around the means of those rows; the diagonal is each item's variance over
    its answered rows. Same as ``DataFrame.cov()``.
    """
    n = x.shape[0]
    observed = ~np.isnan(x)
    if observed.all():
        xc = x - x.mean(axis=0)
        return (xc.T @ xc) / (n - 1), np.full((x.shape[1], x.shape[1]), float(n))
    # Centring on the column means first keeps the sums small (no cancellation).
    xc = x - np.nanmean(x, axis=0)
    m = observed.astype(np.float64)
    x0 = np.where(observed, xc, 0.0)
    pair_n = m.T @ m
    sums = x0.T @ m           # [i, j]: sum of x_i over rows where i and j are answered
    cross = x0.T @ x0
    cov = (cross - sums * sums.T / pair_n) / (pair_n - 1)
    return cov, pair_n


def pairwise_corr(x: np.ndarray, names: Sequence[str] | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete Pearson correlations and counts (R's ``cor(use = "pairwise")``).

    Unlike ``cov2cor`` of :func:`pairwise_cov`, each correlation uses the
    variances of the same rows as its covariance, as ``DataFrame.corr()`` does.
    """
    observed = ~np.isnan(x)
    if observed.all():
        cov, pair_n = pairwise_cov(x)
        return cov2cor(cov), pair_n
    xc = x - np.nanmean(x, axis=0)
    m = observed.astype(np.float64)
    x0 = np.where(observed, xc, 0.0)
    pair_n = m.T @ m
    sums = x0.T @ m
    cross = x0.T @ x0
    squares = (x0 * x0).T @ m   # [i, j]: sum of x_i^2 over rows where i and j are answered
    cov = cross - sums * sums.T / pair_n
    var = squares - sums * sums / pair_n
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.sqrt(var * var.T)
    bad = ~np.isfinite(r)
    np.fill_diagonal(bad, False)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        a, b = (names[i], names[j]) if names is not None else (i, j)
        raise AnalysisInputError(
            f"columns '{a}' and '{b}': one of them does not vary on the rows where both are "
            "answered, so their correlation is undefined"
        )
    np.fill_diagonal(r, 1.0)
    return np.clip(r, -1.0, 1.0), pair_n


def cov2cor(cov: np.ndarray) -> np.ndarray:
    """Correlations from a covariance matrix: ``C_ij / sqrt(C_ii C_jj)`` (R's ``cov2cor``)."""
    sd = np.sqrt(np.diag(cov))
    r = cov / np.outer(sd, sd)
    np.fill_diagonal(r, 1.0)
    return r
