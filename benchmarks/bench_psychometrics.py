"""CFA, invariance and polychoric correlations, each against a named baseline in this run.

Data: the simulator's 42 motive and pitfall items, cleaned and keyed, for 800 and 10,000
respondents. ``ratio`` is ours / baseline (below 1: coursekit is faster).

Cases
-----
- CFA of the seven-scale model (``analysis.cfa.fit_cfa``: semopy's ML fit plus lavaan's
  indices) against semopy alone (``Model.fit`` at its default tolerance plus
  ``semopy.calc_stats``): what matching lavaan to 1e-5 costs.
- measurement invariance across women and men (three nested fits) against three
  single-group CFAs (the same number of fits without cross-group constraints).
- polychoric matrix of one 6-item scale against the textbook route (each pair on its own
  with scipy's bivariate normal CDF and a scalar search), and of all 42 items against
  pandas' Pearson matrix (the cost of going ordinal).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from benchmarks import best_of
from coursekit.analysis.cfa import fit_cfa
from coursekit.analysis.invariance import invariance_table
from coursekit.analysis.polychoric import polychoric
from coursekit.analysis.scoring import keyed_items
from coursekit.survey.clean import clean_survey
from coursekit.survey.codebook import load_codebook
from coursekit.survey.simulate import simulate_survey


def _cohort(n: int) -> tuple[pd.DataFrame, pd.Series, dict[str, list[str]]]:
    cb = load_codebook()
    df = clean_survey(simulate_survey(n, seed=17), exclude_careless=True).data
    scales = [*cb.scale_names("motive"), *cb.scale_names("pitfall")]
    factors = {s: list(cb.scale(s).item_ids) for s in scales}
    return keyed_items(df, scales, cb), df["gender"], factors


def _semopy_alone(items: pd.DataFrame, factors: dict[str, list[str]]) -> None:
    import semopy

    model = semopy.Model("\n".join(f"{f} =~ " + " + ".join(c) for f, c in factors.items()))
    model.fit(items.dropna(), obj="MLW")
    semopy.calc_stats(model)


def _pair_loss(rho: float, tab: np.ndarray, grid: np.ndarray, shape: tuple[int, int]) -> float:
    from scipy import stats

    f = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]]).cdf(grid).reshape(shape)
    p = f[1:, 1:] - f[:-1, 1:] - f[1:, :-1] + f[:-1, :-1]
    return -float((tab * np.log(np.clip(p, 1e-300, None))).sum())


def _textbook_polychoric(items: pd.DataFrame) -> None:
    """Each pair on its own: thresholds from its margins, scipy's bivariate normal CDF on
    the grid of cuts, and a bounded scalar search. (semopy's polychoric_corr would be the
    library baseline, but it calls scipy.stats.mvn.mvnun, which scipy 1.17 removed.)"""
    from scipy import optimize, stats

    for a, b in itertools.combinations(items.columns, 2):
        tab = pd.crosstab(items[a], items[b]).to_numpy(dtype=float)
        rc = stats.norm.ppf(np.cumsum(tab.sum(axis=1))[:-1] / tab.sum())
        cc = stats.norm.ppf(np.cumsum(tab.sum(axis=0))[:-1] / tab.sum())
        r = np.r_[-8, rc, 8]
        c = np.r_[-8, cc, 8]
        grid = np.array([[x, y] for x in r for y in c])

        optimize.minimize_scalar(_pair_loss, bounds=(-0.999, 0.999), method="bounded",
                                 args=(tab, grid, (len(r), len(c))))


def _rows(n: int) -> list[dict]:
    items, gender, factors = _cohort(n)
    scale = items[factors["compulsive"]]
    cases = [
        (f"CFA 7 factors, n={n}", lambda: fit_cfa(items, factors),
         "semopy fit + calc_stats", lambda: _semopy_alone(items, factors), 3),
        (f"invariance, 3 levels, n={n}",
         lambda: invariance_table(items, gender, factors, groups=["woman", "man"]),
         "3 single-group CFAs",
         lambda: [fit_cfa(items[gender == g], factors) for g in ("woman", "man", "woman")], 1),
        (f"polychoric 6 items, n={n}", lambda: polychoric(scale),
         "scipy mvn per pair", lambda: _textbook_polychoric(scale), 1),
        (f"polychoric 42 items, n={n}", lambda: polychoric(items),
         "pandas Pearson corr", lambda: items.corr(), 3),
    ]
    rows = []
    for case, ours_fn, baseline, base_fn, repeat in cases:
        ours, base = best_of(ours_fn, repeat=repeat), best_of(base_fn, repeat=repeat)
        rows.append({"case": case, "ours_s": ours, "baseline": baseline, "baseline_s": base,
                     "ratio": ours / base})
    return rows


def run() -> list[dict]:
    return [row for n in (800, 10_000) for row in _rows(n)]


if __name__ == "__main__":
    for row in run():
        print(row)
