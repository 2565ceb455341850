"""The analysis library against pingouin's ``cronbach_alpha`` on the same data, in the same run.

Data: the simulator's 42 motive and pitfall items (7 scales of 6 items,
with its scattered missing answers), cleaned; 100,000 respondents for the
reliability cases, 5,000 for parallel analysis. Each case is timed as the
best of a few runs in this process; ``ratio`` is ours / baseline (below 1:
coursekit is faster).

Cases
-----
- reliability table: ``reliability_table`` from the cleaned survey frame
  (reverse keying, pairwise alpha, Feldt CI, standardized alpha, omega per
  scale) against ``pingouin.cronbach_alpha`` on each scale's already keyed
  items (alpha and CI only), and against keying plus pingouin (the same
  input as ours).
- alpha per scale: ``cronbach_alpha`` against ``pingouin.cronbach_alpha``
  on the same keyed items, like for like.
- item analysis: ``item_analysis`` of each scale against what pingouin
  offers for it: alpha of the scale and alpha with each item left out.
- parallel analysis (100 simulated samples) against pingouin's alpha of
  the 7 scales (the comparison the project asked for), and against the
  textbook procedure of simulating 100 normal data sets of the same size.
- one alpha of 10,000 x 6 (a widget callback), direct and from a cached
  covariance matrix, against pingouin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg

from benchmarks import best_of
from coursekit.analysis.factors import parallel_analysis
from coursekit.analysis.reliability import (
    cronbach_alpha,
    item_analysis,
    item_covariance,
    reliability_table,
)
from coursekit.analysis.scoring import keyed_items
from coursekit.survey.clean import clean_survey
from coursekit.survey.codebook import load_codebook
from coursekit.survey.simulate import simulate_survey


def _row(case: str, shape: tuple[int, int], ours: float, baseline: str, base: float) -> dict:
    return {"case": case, "n x items": f"{shape[0]:,} x {shape[1]}", "ours_s": ours,
            "baseline": baseline, "baseline_s": base, "ratio": ours / base}


def _textbook_parallel_analysis(items: pd.DataFrame, n_iter: int, seed: int) -> np.ndarray:
    """Horn's procedure as usually written: simulate normal data, correlate, eigen-decompose."""
    n, k = items.dropna(how="all").shape
    rng = np.random.default_rng(seed)
    sims = np.empty((n_iter, k))
    for i in range(n_iter):
        x = rng.standard_normal((n, k))
        sims[i] = np.linalg.eigvalsh(np.corrcoef(x, rowvar=False))[::-1]
    observed = np.linalg.eigvalsh(items.corr().to_numpy())[::-1]
    return observed > np.quantile(sims, 0.95, axis=0)


def run() -> list[dict]:
    cb = load_codebook()
    scales = list(cb.scale_names("motive") + cb.scale_names("pitfall"))
    out = []

    big = clean_survey(simulate_survey(100_000, seed=1), cb).data
    keyed = {s: keyed_items(big, s, cb) for s in scales}
    shape = (len(big), sum(k.shape[1] for k in keyed.values()))

    def pingouin_all():
        for items in keyed.values():
            pg.cronbach_alpha(items)

    def keyed_pingouin_all():
        for s in scales:
            pg.cronbach_alpha(keyed_items(big, s, cb))

    base_alpha = best_of(pingouin_all)
    ours_table = best_of(lambda: reliability_table(big, cb, scales=scales))
    out.append(_row("reliability table (7 scales)", shape, ours_table,
                    "pingouin.cronbach_alpha x 7", base_alpha))
    out.append(_row("reliability table (7 scales)", shape, ours_table,
                    "keyed_items + pingouin.cronbach_alpha x 7", best_of(keyed_pingouin_all)))
    out.append(_row("alpha per scale (7 scales)", shape,
                    best_of(lambda: [cronbach_alpha(k) for k in keyed.values()]),
                    "pingouin.cronbach_alpha x 7", base_alpha))

    def pingouin_items():
        for items in keyed.values():
            pg.cronbach_alpha(items)
            for col in items.columns:
                pg.cronbach_alpha(items.drop(columns=col))

    out.append(_row("item analysis (7 scales)", shape,
                    best_of(lambda: [item_analysis(k) for k in keyed.values()]),
                    "pingouin alpha + alpha-if-deleted", best_of(pingouin_items, repeat=1)))

    mid = clean_survey(simulate_survey(5_000, seed=2), cb, exclude_careless=True).data
    mid_keyed = {s: keyed_items(mid, s, cb) for s in scales}
    mid_items = pd.concat(mid_keyed.values(), axis=1)
    ours_pa = best_of(lambda: parallel_analysis(mid_items, n_iter=100, seed=1))
    out.append(_row("parallel analysis (100 samples)", mid_items.shape, ours_pa,
                    "pingouin.cronbach_alpha x 7",
                    best_of(lambda: [pg.cronbach_alpha(k) for k in mid_keyed.values()])))
    out.append(_row("parallel analysis (100 samples)", mid_items.shape, ours_pa,
                    "simulate data, np.corrcoef, eigvalsh",
                    best_of(lambda: _textbook_parallel_analysis(mid_items, 100, 1))))

    small = keyed_items(big.iloc[:10_000], "escapism", cb)
    cached = item_covariance(small)
    base_small = best_of(lambda: pg.cronbach_alpha(small), repeat=20)
    out.append(_row("alpha, one scale", small.shape,
                    best_of(lambda: cronbach_alpha(small), repeat=20),
                    "pingouin.cronbach_alpha", base_small))
    out.append(_row("alpha without one item, cached covariance", small.shape,
                    best_of(lambda: cached.alpha(drop=["esc3"]), repeat=20),
                    "pingouin.cronbach_alpha (5 items)",
                    best_of(lambda: pg.cronbach_alpha(small.drop(columns="esc3")), repeat=20)))
    return out
