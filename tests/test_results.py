"""Result dataclasses: plain Python numbers, float()/round()/format of the headline number."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from coursekit.analysis.results import Result, plain


@dataclass(frozen=True)
class _Mean(Result):
    _headline = "value"
    value: float
    n: int
    ci: tuple[float, float]
    table: pd.DataFrame


@dataclass(frozen=True)
class _Several(Result):
    _numbers_hint = " (.a, .b)"
    a: float
    b: float


def _mean() -> _Mean:
    return _Mean(np.float64(1.8), np.int64(40), (np.float64(1.5), np.float64(2.1)),
                 pd.DataFrame({"x": [1.0]}))


def test_numpy_scalars_become_python_numbers():
    m = _mean()
    assert type(m.value) is float and type(m.n) is int
    assert [type(v) for v in m.ci] == [float, float]
    assert "np." not in repr(m) and "value=1.8, n=40, ci=(1.5, 2.1)" in repr(m)
    assert isinstance(m.table, pd.DataFrame)  # frames are left alone
    assert plain([np.bool_(True), "a"]) == [True, "a"] and type(plain(np.bool_(True))) is bool


def test_headline_number_rounds_converts_and_formats():
    m = _mean()
    assert round(m, 1) == 1.8 and round(m) == 2 and float(m) == 1.8
    assert f"{m:.3f}" == "1.800" and f"{m}" == str(m)


def test_a_result_without_headline_names_its_numbers():
    s = _Several(1.0, 2.0)
    for convert in (float, round, lambda r: f"{r:.2f}"):
        with pytest.raises(TypeError, match=r"several numbers.*\(\.a, \.b\)"):
            convert(s)
