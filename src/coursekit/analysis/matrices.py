"""Checked item matrices and pairwise-complete moments, shared by the analysis modules.

Every analysis function turns its DataFrame into a float matrix here, so bad
input is refused the same way everywhere: with an
:class:`~coursekit.common.errors.AnalysisInputError` naming the column, never with a
numpy warning or a NaN passed on.

Pairwise-complete moments follow R's ``cov(use = "pairwise")`` and pandas'
``DataFrame.cov``: the covariance of two items uses the rows where both are
answered, with the means of those rows. They are computed with three matrix
products instead of a loop over pairs, which is what makes a reliability
table of 100,000 respondents fast. Kept by hand instead of ``DataFrame.cov`` /
``DataFrame.corr``, which give the same numbers (the tests compare them) but loop
over pairs: on the 42 items of notebook 04's factor analysis with missing answers
pandas took 14 ms and this 2 ms (2,000 respondents, measured); on one 6-item scale
both take 0.4 ms.

>>> import numpy as np
>>> x = np.array([[1, 2, np.nan], [2, 1, 3], [3, 4, 1], [4, 3, 2.0]])
>>> r, n = pairwise_corr(x)
>>> n[0].tolist(), round(float(r[0, 1]), 2)
([4.0, 4.0, 3.0], 0.6)
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from coursekit.common.errors import AnalysisInputError


@functools.lru_cache(maxsize=1)
def _threadpools():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextlib.contextmanager
def single_thread_blas() -> Iterator[None]:
    """Run the enclosed linear algebra on one BLAS thread.

    The matrices here are small (tens of columns): a second thread gains
    little, and when the machine's cores are busy (a shared Binder container
    whose CPU quota is smaller than the cores it sees, tests running in
    parallel) OpenBLAS threads waiting for each other made a 42-column
    cross-product 300 times slower (0.16 s instead of 0.5 ms, measured).
    """
    with _threadpools().limit(limits=1, user_api="blas"):
        yield


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
    and fewer than ``min_rows`` respondents with any answer. Pairs answered
    together too rarely are refused by :func:`pairwise_cov` and
    :func:`pairwise_corr`.
    """
    cols = _checked_columns(items, None, what)
    names = [str(c) for c in cols]
    if len(names) < min_items:
        raise AnalysisInputError(
            f"{what}: {len(names)} column(s) given ({', '.join(names) or 'none'}); "
            f"at least {min_items} are needed"
        )
    x = items.to_numpy(dtype="float64", na_value=np.nan)
    observed = ~np.isnan(x)
    counts = observed.sum(axis=0)
    empty = [names[j] for j in np.flatnonzero(counts == 0)]
    if empty:
        raise AnalysisInputError(f"{what}: column(s) with no answers at all: {', '.join(empty)}")
    # fmin/fmax skip NaN without copying; an infinite value shows up in lo or hi.
    lo = np.fmin.reduce(x, axis=0)
    hi = np.fmax.reduce(x, axis=0)
    if np.isinf(lo).any() or np.isinf(hi).any():
        _refuse_infinite(x, cols, items.index, what)
    any_row = observed.any(axis=1)
    if not any_row.all():
        x = x[any_row]
    if x.shape[0] < min_rows:
        raise AnalysisInputError(
            f"{what}: {x.shape[0]} respondent(s) with answers; at least {min_rows} are needed"
        )
    flat = [f"'{names[j]}' (always {lo[j]:g})" for j in np.flatnonzero(lo == hi)]
    if flat:
        raise AnalysisInputError(
            f"{what}: column(s) with no variation: {', '.join(flat)}; a constant column "
            "carries no information about differences between respondents"
        )
    return x, names


def _cross_products(x: np.ndarray, squares: bool, names: Sequence[str] | None,
                    min_pair: int) -> tuple[np.ndarray, ...]:
    """Pairwise counts, sums, cross-products (and sums of squares) in one matrix product.

    Columns are centred on their means first, which keeps the sums small and
    the subtractions free of cancellation. For items i and j, with
    ``N = pair_n``: ``sums[i, j]`` sums x_i over the rows where both are
    answered, ``cross[i, j]`` sums x_i x_j, ``sq[i, j]`` sums x_i^2.
    """
    k, n = x.shape[1], x.shape[0]
    # Rows of xt are items: every pass below runs over contiguous memory
    # (DataFrame.to_numpy gives column-major data, so this is usually a view).
    xt = np.ascontiguousarray(x.T)
    observed = ~np.isnan(xt)
    missing = ~observed
    n_blocks = 3 if squares else 2
    z = np.empty((n_blocks * k, n))
    x0 = z[:k]
    np.copyto(x0, xt)
    np.copyto(x0, 0.0, where=missing)
    x0 -= (x0.sum(axis=1) / observed.sum(axis=1))[:, None]
    np.copyto(x0, 0.0, where=missing)
    if squares:
        np.multiply(x0, x0, out=z[k:2 * k])
    m = z[-k:]
    m[...] = observed
    if k <= 16:
        # Few items: one product [x0; x0^2; m] [x0; x0^2; m]' reads the data
        # once, which is what costs; the unneeded blocks are cheap.
        g = z @ z.T
        cross, sums, pair_n = g[:k, :k], g[:k, -k:], g[-k:, -k:]
        sq = g[k:2 * k, -k:] if squares else None
    else:
        # Many items: the arithmetic dominates; compute only the needed blocks.
        cross, sums, pair_n = x0 @ x0.T, x0 @ m.T, m @ m.T
        sq = z[k:2 * k] @ m.T if squares else None
    low = np.argwhere(np.triu(pair_n < min_pair, 1))
    if low.size:
        i, j = low[0]
        a, b = (names[i], names[j]) if names is not None else (i, j)
        raise AnalysisInputError(
            f"columns '{a}' and '{b}' are answered together by {int(pair_n[i, j])} "
            f"respondent(s); at least {min_pair} are needed"
        )
    if squares:
        return pair_n, sums, cross, sq
    return pair_n, sums, cross


@single_thread_blas()
def pairwise_cov(x: np.ndarray, names: Sequence[str] | None = None, min_pair: int = 3
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete covariance matrix (ddof=1) and the pairwise counts.

    For items i and j: the covariance over the rows where both are answered,
    around the means of those rows; the diagonal is each item's variance over
    its answered rows. Same as ``DataFrame.cov()``. Refuses a pair answered
    together by fewer than ``min_pair`` rows.
    """
    n = x.shape[0]
    if not np.isnan(x).any():
        xc = x - x.mean(axis=0)
        return (xc.T @ xc) / (n - 1), np.full((x.shape[1], x.shape[1]), float(n))
    pair_n, sums, cross = _cross_products(x, False, names, min_pair)
    cov = (cross - sums * sums.T / pair_n) / (pair_n - 1)
    return cov, pair_n


@single_thread_blas()
def pairwise_corr(x: np.ndarray, names: Sequence[str] | None = None, min_pair: int = 3
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete Pearson correlations and counts (R's ``cor(use = "pairwise")``).

    Unlike ``cov2cor`` of :func:`pairwise_cov`, each correlation uses the
    variances of the same rows as its covariance, as ``DataFrame.corr()`` does.
    """
    if not np.isnan(x).any():
        cov, pair_n = pairwise_cov(x)
        return cov2cor(cov), pair_n
    pair_n, sums, cross, sq = _cross_products(x, True, names, min_pair)
    cov = cross - sums * sums.T / pair_n
    var = sq - sums * sums / pair_n
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
