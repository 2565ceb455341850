"""Latency of the live explorers' callbacks, against recomputing each view from the data.

For 10,000 and 1,000,000 respondents, each explorer is driven through a fixed
script of control changes (``Explorer.set``, which runs the same code as a
learner's click: the callback, its cache lookup and the figure's output update).
``first`` are views not seen before, ``repeat`` views already cached. The
baseline, measured in the same run, recomputes the same view from the
respondent-level data with no cache, as a notebook without the explorer would.
Target: median callback under 50 ms for 10,000 respondents.
"""

from __future__ import annotations

import time
from statistics import median

import numpy as np

from coursekit.analysis.prediction import fit_predictor
from coursekit.analysis.reliability import cronbach_alpha
from coursekit.analysis.scoring import keyed_items, score_all
from coursekit.analysis.stats import compare_groups
from coursekit.course import plots
from coursekit.course.widgets import AlphaExplorer, GroupExplorer, ItemExplorer, WhatIfExplorer
from coursekit.survey.clean import clean_survey
from coursekit.survey.codebook import load_codebook
from coursekit.survey.simulate import simulate_survey

SIZES = (10_000, 1_000_000)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - start)


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def _row(name: str, n: int, build_ms: float, first: list[float], repeat: list[float],
         naive: list[float]) -> dict:
    base = median(naive)
    return {"explorer": name, "respondents": n, "build ms": build_ms,
            "first median ms": median(first), "first p95 ms": _p95(first),
            "repeat median ms": median(repeat), "naive recompute median ms": base,
            "first / naive": median(first) / base, "repeat / naive": median(repeat) / base}


def _drive(explorer, script: list[dict]) -> tuple[list[float], list[float]]:
    first = [_timed(lambda s=step: explorer.set(**s)) for step in script]
    repeat = [_timed(lambda s=step: explorer.set(**s)) for step in script]
    return first, repeat


def _build(factory):
    start = time.perf_counter()
    obj = factory()
    return obj, 1000 * (time.perf_counter() - start)


def _one_size(n: int, cb) -> list[dict]:
    data = clean_survey(simulate_survey(n, seed=3), cb, exclude_careless=True).data
    frame = data.join(score_all(data, cb))
    rows = []

    items = list(cb.item_ids)[:24]
    e, build = _build(lambda: ItemExplorer(data, cb))
    first, repeat = _drive(e, [{"item": i} for i in items[1:] + items[:1]])
    naive = [_timed(lambda i=i: plots.item_distribution(data, i, cb)) for i in items]
    rows.append(_row("item", n, build, first, repeat, naive))

    scale = cb.scale("self_esteem")
    e, build = _build(lambda: AlphaExplorer(data, cb))
    e.set(scale="self_esteem")
    script = [{"drop": (i,)} for i in scale.item_ids] + [{"length": m} for m in range(3, 20, 2)]
    first, repeat = _drive(e, script)
    keyed = keyed_items(data, "self_esteem", cb)

    def recompute(drop: str) -> None:
        kept = keyed.drop(columns=drop)
        cronbach_alpha(kept)
        for other in kept.columns:
            cronbach_alpha(kept.drop(columns=other))

    naive = [_timed(lambda i=i: recompute(i)) for i in scale.item_ids]
    rows.append(_row("alpha", n, build, first, repeat, naive))

    e, build = _build(lambda: GroupExplorer(frame, cb, min_group_size=5))
    script = [{"score": s, "group": g} for g in ("creator_status", "gender", "region")
              for s in cb.scale_names()][1:]
    first, repeat = _drive(e, script)
    grouped = e.frame
    naive = [_timed(lambda s=s, g=g: compare_groups(grouped, s, g))
             for s in cb.scale_names() for g in ("creator_status", "gender")]
    rows.append(_row("group", n, build, first, repeat, naive))

    e, build = _build(lambda: WhatIfExplorer(frame, cb))
    predictors = e.predictors
    script = [{name: v} for name in predictors for v in (1.5, 4.5)]
    first, repeat = _drive(e, script)
    profile = {p: 3.0 for p in predictors}
    naive = [_timed(lambda o=o: fit_predictor(frame, o, predictors).predict(profile))
             for o in ("self_esteem", "wellbeing") * 5]
    rows.append(_row("what-if", n, build, first, repeat, naive))
    return rows


def run() -> list[dict]:
    cb = load_codebook()
    return [row for n in SIZES for row in _one_size(n, cb)]
