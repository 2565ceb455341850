"""Factor structure of items: correlations, parallel analysis and exploratory factor analysis.

All three start from the items' **pairwise-complete correlation matrix**
(each correlation over the respondents who answered both items; R's
``cor(use = "pairwise")``, pandas' ``DataFrame.corr()``), as
``psych::fa`` and ``psych::fa.parallel`` do by default. Pass reverse-keyed
items (:func:`coursekit.analysis.scoring.keyed_items`) and, for factor analysis,
data without careless responders (``clean_survey(..., exclude_careless=True)``):
straight-liners add a spurious general factor.

Example
-------
>>> import pandas as pd
>>> from coursekit.survey.clean import clean_survey
>>> from coursekit.analysis.scoring import keyed_items
>>> from coursekit.survey.simulate import simulate_survey
>>> df = clean_survey(simulate_survey(600, seed=3), exclude_careless=True).data
>>> items = pd.concat([keyed_items(df, s) for s in ("escapism", "compulsive")], axis=1)
>>> parallel_analysis(items, n_iter=50, seed=1).n_factors
2
>>> efa(items, 2).highest().loc[["esc1", "cmp1"]].tolist()
['F2', 'F1']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coursekit.analysis.checks import check_whole
from coursekit.analysis.matrices import item_matrix, pairwise_corr, single_thread_blas
from coursekit.common.errors import AnalysisInputError

__all__ = [
    "EFA",
    "ParallelAnalysis",
    "ROTATIONS",
    "correlation_matrix",
    "efa",
    "parallel_analysis",
]

ROTATIONS = ("oblimin", "promax", "varimax", "none")
OBLIQUE = ("oblimin", "promax")


def _corr(items: pd.DataFrame, min_items: int = 2) -> tuple[np.ndarray, list[str], int]:
    x, names = item_matrix(items, min_items=min_items)
    r, _ = pairwise_corr(x, names)
    return r, names, int(x.shape[0])


def correlation_matrix(items: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlations of every pair of columns, pairwise-complete.

    ``r_ij = cov_ij / sqrt(var_i var_j)``, all three over the rows where both
    ``i`` and ``j`` are answered (equal to ``items.corr()``, R's
    ``cor(items, use = "pairwise")``), after the checks every analysis
    function makes (numeric, not constant, not empty).

    Missing data: pairwise.

    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [2, 1, 4, 3.0], "c": [4, 3, 2, 1.0]})
    >>> correlation_matrix(items).round(2).loc["a"].tolist()
    [1.0, 0.6, -1.0]
    """
    r, names, _ = _corr(items)
    return pd.DataFrame(r, index=names, columns=names)


@dataclass(frozen=True)
class ParallelAnalysis:
    """The result of a parallel analysis.

    ``eigenvalues`` has one row per factor (1, 2, ...) and the columns
    ``observed``, ``simulated_mean`` and ``simulated_quantile`` (the
    ``quantile`` of the simulated eigenvalues); ``n_factors`` is the
    suggested number of factors.
    """

    eigenvalues: pd.DataFrame
    n_factors: int
    kind: str
    n: int
    n_iter: int
    quantile: float
    seed: int

    def __str__(self) -> str:
        return (
            f"parallel analysis ({self.kind}, {self.n_iter} simulated samples of n = {self.n}, "
            f"{100 * self.quantile:g}th percentile): {self.n_factors} factor"
            f"{'s' if self.n_factors != 1 else ''} suggested"
        )


def _eigenvalues(r: np.ndarray, kind: str) -> np.ndarray:
    """Eigenvalues (descending, along the last axis) of R or of R with SMCs on the diagonal."""
    if kind == "fa":
        smc = 1 - 1 / np.diagonal(np.linalg.inv(r), axis1=-2, axis2=-1)
        r = r.copy()
        k = r.shape[-1]
        r[..., np.arange(k), np.arange(k)] = smc
    return np.linalg.eigvalsh(r)[..., ::-1]


def _null_correlations(rng: np.random.Generator, n: int, k: int, n_iter: int) -> np.ndarray:
    """``n_iter`` correlation matrices of ``n`` independent standard-normal observations.

    The scatter matrix of such a sample is Wishart(n - 1, I); it is drawn
    directly with Bartlett's decomposition (W = L L', L lower triangular with
    L_ii^2 ~ chi2(n - 1 - i), L_ij ~ N(0, 1) below the diagonal), which costs
    O(k^3) per sample instead of O(n k^2) for simulating the data.
    """
    rows, cols = np.tril_indices(k, -1)
    lower = np.zeros((n_iter, k, k))
    lower[:, rows, cols] = rng.standard_normal((n_iter, len(rows)))
    lower[:, np.arange(k), np.arange(k)] = np.sqrt(
        rng.chisquare(n - 1 - np.arange(k), size=(n_iter, k)))
    w = lower @ lower.transpose(0, 2, 1)
    sd = np.sqrt(np.diagonal(w, axis1=1, axis2=2))
    return w / (sd[:, :, None] * sd[:, None, :])


@single_thread_blas()
def parallel_analysis(
    items: pd.DataFrame,
    n_iter: int = 100,
    seed: int = 0,
    *,
    quantile: float = 0.95,
    kind: str = "pc",
) -> ParallelAnalysis:
    """Horn's parallel analysis: how many factors stand out from random data?

    The eigenvalues of the items' correlation matrix are compared with those
    of correlation matrices of ``n_iter`` random normal samples of the same
    size (``n`` respondents with any answer, ``k`` items; drawn from the
    Wishart distribution, see :func:`_null_correlations`). The suggested
    number of factors is the number of leading observed eigenvalues that
    exceed the ``quantile`` of the simulated ones (Horn 1965; the 95th
    percentile as recommended by Glorfeld 1995), counted until the first
    that does not. ``kind="pc"`` uses the eigenvalues of the correlation
    matrix (principal components), ``kind="fa"`` those of the reduced
    matrix with squared multiple correlations on the diagonal (principal
    axes; Humphreys & Ilgen 1969), for observed and simulated data alike.

    Missing data: pairwise correlations; the simulated samples are complete.
    Seeded: the same ``seed`` gives the same result.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.standard_normal((300, 1))
    >>> items = pd.DataFrame(0.7 * f + 0.7 * rng.standard_normal((300, 5)))
    >>> parallel_analysis(items, n_iter=50, seed=1).n_factors
    1
    """
    if kind not in ("pc", "fa"):
        raise AnalysisInputError(f"kind must be 'pc' or 'fa', got {kind!r}")
    n_iter = check_whole(n_iter, "n_iter", minimum=10)
    if not 0.5 <= quantile < 1:
        raise AnalysisInputError(f"quantile must lie in [0.5, 1), got {quantile!r}")
    seed = check_whole(seed, "seed", minimum=0)
    r, names, n = _corr(items, min_items=3)
    k = len(names)
    if n <= k + 1:
        raise AnalysisInputError(
            f"parallel analysis needs more respondents ({n}) than items ({k}) plus one"
        )
    if np.linalg.eigvalsh(r)[0] <= 1e-10 and kind == "fa":
        raise AnalysisInputError(
            "the items' correlation matrix is singular, so squared multiple correlations "
            "are undefined; use kind='pc'"
        )
    observed = _eigenvalues(r, kind)
    rng = np.random.default_rng(int(seed))
    sims = []
    # Batches bound the memory: n_iter x k x k floats at a time at most 64 MB.
    batch = max(1, min(int(n_iter), 8_000_000 // (k * k)))
    done = 0
    while done < n_iter:
        size = min(batch, n_iter - done)
        sims.append(_eigenvalues(_null_correlations(rng, n, k, size), kind))
        done += size
    simulated = np.concatenate(sims)
    threshold = np.quantile(simulated, quantile, axis=0)
    above = observed > threshold
    n_factors = int(k if above.all() else np.argmin(above))
    table = pd.DataFrame(
        {"observed": observed, "simulated_mean": simulated.mean(axis=0),
         "simulated_quantile": threshold},
        index=pd.RangeIndex(1, k + 1, name="factor"),
    )
    return ParallelAnalysis(table, n_factors, kind, n, int(n_iter), float(quantile), int(seed))


@dataclass(frozen=True)
class EFA:
    """An exploratory factor analysis.

    ``loadings`` (items x factors ``F1..Fm``) is the rotated pattern matrix;
    ``communalities`` and ``uniquenesses`` per item;
    ``factor_correlations`` (identity for orthogonal rotations);
    ``variance`` one row per factor with ``ss_loadings``, ``proportion`` and
    ``cumulative`` (shares of the total variance of the items).
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    factor_correlations: pd.DataFrame
    variance: pd.DataFrame
    n_factors: int
    rotation: str
    method: str
    n: int

    def highest(self) -> pd.Series:
        """For each item, the factor it loads highest on (by absolute loading)."""
        return self.loadings.abs().idxmax(axis=1).rename("factor")

    def pattern(self, cutoff: float = 0.3) -> pd.DataFrame:
        """Loadings below ``cutoff`` (absolute) blanked as NaN, items sorted by factor."""
        best = self.highest()
        peak = self.loadings.abs().max(axis=1)
        order = sorted(self.loadings.index,
                       key=lambda i: (self.loadings.columns.get_loc(best[i]), -peak[i]))
        shown = self.loadings.loc[order]
        return shown.where(shown.abs() >= cutoff)

    def __str__(self) -> str:
        var = self.variance["cumulative"].iloc[-1]
        return (
            f"EFA ({self.method}, {self.rotation} rotation): {self.n_factors} factors, "
            f"{len(self.loadings)} items, n = {self.n}; {100 * var:.1f}% of the variance explained"
        )


def _varimax(a: np.ndarray) -> np.ndarray:
    from statsmodels.multivariate.factor_rotation import rotate_factors

    # Kaiser normalization: rotate rows scaled to unit length, then scale back,
    # as R's varimax(normalize = TRUE) does.
    h = np.sqrt((a**2).sum(axis=1, keepdims=True))
    return rotate_factors(a / h, "varimax", max_tries=1000)[0] * h


def _promax(a: np.ndarray, power: int = 4) -> np.ndarray:
    """psych::Promax (Hendrickson & White 1964) of the loadings ``a``.

    Varimax, then a least-squares oblique rotation towards the target
    ``x * |x|^(power - 1)``, with columns scaled so that the factors have unit
    variance. Kept by hand: statsmodels' ``rotate_factors`` has no promax
    (statsmodels 0.15), and this scaling is ``psych::Promax``'s, which the
    course's loadings are meant to match.
    """
    x = _varimax(a)
    target = x * np.abs(x) ** (power - 1)
    u = np.linalg.lstsq(x, target, rcond=None)[0]
    u = u * np.sqrt(np.diag(np.linalg.inv(u.T @ u)))
    return x @ u


def _rotate(a: np.ndarray, rotation: str) -> np.ndarray:
    from statsmodels.multivariate.factor_rotation import rotate_factors

    if rotation == "none" or a.shape[1] == 1:
        return a
    if rotation == "varimax":
        return _varimax(a)
    if rotation == "promax":
        return _promax(a)
    # oblimin with gamma = 0 (quartimin), GPArotation's and psych's default.
    return rotate_factors(a, "oblimin", 0, "oblique", max_tries=1000)[0]


@single_thread_blas()
def efa(
    items: pd.DataFrame,
    n_factors: int,
    rotation: str = "oblimin",
    *,
    method: str = "ml",
    seed: int = 0,
) -> EFA:
    """Exploratory factor analysis of ``items`` with ``n_factors`` factors.

    Fits the common factor model ``R = L L' + Psi`` to the pairwise
    correlation matrix with statsmodels' ``Factor`` (``method="ml"``:
    maximum likelihood; ``"pa"``: iterated principal axes from squared
    multiple correlations), then rotates the loadings ``L`` with statsmodels'
    gradient-projection rotations: ``"oblimin"`` (quartimin, gamma = 0, as
    GPArotation and ``psych::fa``), ``"varimax"`` (with Kaiser
    normalization, as R's ``varimax``), ``"promax"`` (power 4 from the
    varimax solution, as ``psych::Promax``) or ``"none"``. Factors are
    ordered by the variance they explain and reflected so that their
    loadings sum to a positive number. For oblique
    rotations ``factor_correlations`` is ``Phi = P A A' P'`` with ``P`` the
    pseudo-inverse of the pattern matrix and ``A`` the unrotated loadings,
    so that ``pattern Phi pattern'`` reproduces ``A A'``; the variance
    explained by a factor is then ``diag(Phi L'L)``, as ``psych`` reports it.
    Communalities (``diag(A A')``) do not depend on the rotation.

    Missing data: pairwise correlations. The EM start of the ML fit is
    seeded with ``seed``.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.standard_normal((500, 2))
    >>> x = np.repeat(f, 3, axis=1) * 0.8 + 0.6 * rng.standard_normal((500, 6))
    >>> fit = efa(pd.DataFrame(x, columns=list("abcdef")), 2, "varimax")
    >>> fit.highest().tolist()
    ['F1', 'F1', 'F1', 'F2', 'F2', 'F2']
    """
    if rotation not in ROTATIONS:
        raise AnalysisInputError(
            f"rotation must be one of {', '.join(ROTATIONS)}, got {rotation!r}"
        )
    if method not in ("ml", "pa"):
        raise AnalysisInputError(f"method must be 'ml' or 'pa', got {method!r}")
    r, names, n = _corr(items, min_items=3)
    k = len(names)
    n_factors = check_whole(n_factors, "n_factors", minimum=1)
    dof = ((k - n_factors) ** 2 - (k + n_factors)) / 2
    if dof < 0:
        raise AnalysisInputError(
            f"{n_factors} factors are too many for {k} items (the model has {dof:g} "
            "degrees of freedom); use fewer factors or more items"
        )
    if n <= k:
        raise AnalysisInputError(f"factor analysis needs more respondents ({n}) than items ({k})")
    if np.linalg.eigvalsh(r)[0] <= 1e-10:
        raise AnalysisInputError(
            "the items' correlation matrix is not positive definite (an item is a linear "
            "combination of others, or pairwise missing data made it improper)"
        )
    a, loadings = _fit(r, n, n_factors, method, rotation, seed)
    communality = (a**2).sum(axis=1)
    loadings, phi, ss = _arrange(a, loadings, rotation, n_factors)
    factors = [f"F{j + 1}" for j in range(n_factors)]
    variance = pd.DataFrame(
        {"ss_loadings": ss, "proportion": ss / k, "cumulative": np.cumsum(ss) / k},
        index=pd.Index(factors, name="factor"),
    )
    return EFA(
        loadings=pd.DataFrame(loadings, index=names, columns=factors),
        communalities=pd.Series(communality, index=names, name="communality"),
        uniquenesses=pd.Series(1 - communality, index=names, name="uniqueness"),
        factor_correlations=pd.DataFrame(phi, index=factors, columns=factors),
        variance=variance,
        n_factors=int(n_factors),
        rotation=rotation,
        method=method,
        n=n,
    )


def _fit(r: np.ndarray, n: int, n_factors: int, method: str, rotation: str, seed: int
         ) -> tuple[np.ndarray, np.ndarray]:
    """Unrotated and rotated loadings of statsmodels' ``Factor``, refusing a failed fit."""
    from statsmodels.multivariate.factor import Factor
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, EstimationWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            fit = Factor(corr=r, n_factor=int(n_factors), method=method, nobs=n).fit(rng=seed)
            a = np.asarray(fit.loadings, dtype=np.float64)
            loadings = _rotate(a, rotation)
    problems = [w for w in caught
                if issubclass(w.category, ConvergenceWarning | EstimationWarning)]
    if problems or not np.isfinite(loadings).all():
        raise AnalysisInputError(
            f"the {n_factors}-factor model could not be fitted "
            f"({problems[0].message if problems else 'no finite solution'}); "
            "try fewer factors"
        )
    return a, loadings


def _arrange(a: np.ndarray, loadings: np.ndarray, rotation: str, n_factors: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Factor correlations, reflected and ordered loadings, and the variance of each factor."""
    if rotation in OBLIQUE and n_factors > 1:
        p = np.linalg.pinv(loadings) @ a
        phi = p @ p.T
        d = np.sqrt(np.diag(phi))
        phi = phi / np.outer(d, d)
        loadings = loadings * d      # keep L Phi L' = A A' after rescaling Phi to unit diagonal
    else:
        phi = np.eye(n_factors)
    signs = np.where(loadings.sum(axis=0) < 0, -1.0, 1.0)
    loadings = loadings * signs
    phi = phi * np.outer(signs, signs) + 0.0   # + 0.0 turns -0.0 into 0.0 for display
    ss = np.diag(phi @ loadings.T @ loadings)
    order = np.argsort(-ss, kind="stable")
    return loadings[:, order], phi[np.ix_(order, order)], ss[order]
