"""coursekit.analysis.efa_fit against the fit statistics psych::fa prints (efa.R)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coursekit.analysis.efa_fit import efa_fit, fit_statistics
from coursekit.analysis.factors import efa

REF = Path(__file__).resolve().parent / "reference"
PSYCH = json.loads((REF / "efa" / "psych.json").read_text())
FIELDS = ("objective", "chisq", "p", "null_chisq", "tli", "rmsea", "rmsea_low", "rmsea_high",
          "bic", "rms", "crms")


@pytest.mark.parametrize("name", ["bundled", "seed11", "class60"])
@pytest.mark.parametrize("rotation", ["varimax", "oblimin"])
def test_our_efa_fits_as_psych_reports(name, rotation):
    ref = PSYCH[name]
    data = pd.read_csv(REF / "cfa" / f"{name}.csv")[ref["items"]]
    want = ref["fits"][rotation]
    fit = efa_fit(data, efa(data, ref["k"], rotation))
    assert (fit.df, fit.null_df, fit.n) == (want["df"], want["null_df"], want["n"])
    for field in FIELDS:
        assert getattr(fit, field) == pytest.approx(want[field], rel=1e-6, abs=1e-6), field


def test_any_rotation_of_a_solution_fits_the_same():
    ref = PSYCH["class60"]
    data = pd.read_csv(REF / "cfa" / "class60.csv")[ref["items"]]
    r = data.corr().to_numpy()
    loadings = np.array(ref["fits"]["varimax"]["loadings"])
    q, _ = np.linalg.qr(np.random.default_rng(2).normal(size=(3, 3)))
    a = fit_statistics(r, loadings, None, 55)
    b = fit_statistics(r, loadings @ q, None, 55)
    assert a.chisq == pytest.approx(b.chisq, rel=1e-9) and a.rms == pytest.approx(b.rms)


def test_more_factors_fit_better():
    ref = PSYCH["bundled"]
    data = pd.read_csv(REF / "cfa" / "bundled.csv")[ref["items"]]
    fits = [efa_fit(data, efa(data, k, "varimax")) for k in (5, 7)]
    assert fits[1].chisq < fits[0].chisq and fits[1].df < fits[0].df
    assert fits[1].rmsea < fits[0].rmsea
