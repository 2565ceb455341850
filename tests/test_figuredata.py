"""coursekit.render.figuredata: the data view's tables are the numbers the figure draws."""

from __future__ import annotations

import base64
import math

import numpy as np
import pytest

from coursekit.render import figuredata as fd


def test_typed_arrays_are_decoded_like_plotly():
    values = np.array([[0.5, 1.25], [2.0, -3.0]])
    spec = {"dtype": "f8", "bdata": base64.b64encode(values.tobytes()).decode(), "shape": "2, 2"}
    assert fd._array(spec) == values.tolist()


@pytest.mark.parametrize("values, nbins", [
    (list(np.random.default_rng(1).normal(size=777)), 30),
    (list(np.log10(1 + np.random.default_rng(2).pareto(1.0, size=500) * 10)), 30),
    ([float(v) for v in np.random.default_rng(3).integers(1, 53, size=800)], 40),
    ([0.0, 0.2, 0.4, 1.0, 2.0], 5),  # values on the bin edges
])
def test_histogram_bins_hold_every_value_once(values, nbins):
    spec = fd.prepare({"data": [{"type": "histogram", "x": values, "nbinsx": nbins}],
                       "layout": {"xaxis": {"title": {"text": "minutes"}}}})
    bins = spec["data"][0]["xbins"]
    assert bins["start"] <= min(values) and bins["end"] > max(values)
    mantissa = bins["size"] / 10 ** math.floor(math.log10(bins["size"]))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5)), bins  # a round width
    [table] = fd.figure_tables(spec)
    counts = [int(row[1]) for row in table.rows]
    assert sum(counts) == len(values)
    # Independent count: numpy over the same edges, left-closed with plotly's 1e-9 bin fuzz.
    edges = bins["start"] + bins["size"] * np.arange(len(counts) + 1)
    reference = np.histogram(np.asarray(values) + 1e-9 * bins["size"], bins=edges)[0]
    assert counts == list(reference)
    assert table.columns == ("minutes (bin)", "count")


def test_whole_numbers_get_whole_bins_centred_on_them():
    assert fd.histogram_bins([1, 2, 2, 3, 3, 3], 3) == {"start": 0.5, "end": 3.5, "size": 1.0}


def test_raw_box_gets_its_statistics_written_in():
    values = [1.0, 2, 3, 4, 5, 6, 7, 8, 100]
    spec = fd.prepare({"data": [{"type": "box", "y": values, "name": "minutes"}]})
    trace = spec["data"][0]
    assert trace["median"] == [5.0] and trace["q1"] == [np.percentile(values, 25)]
    assert trace["upperfence"] == [8.0]  # 100 lies beyond 1.5 IQR
    [table] = fd.figure_tables(spec)
    assert table.rows == (("minutes", "1", "3", "5", "7", "8", "15.1111"),)


def test_bars_with_intervals_and_heatmaps():
    spec = {"data": [
        {"type": "scatter", "mode": "markers", "x": ["a", "b"], "y": [1.0, 2.5],
         "error_y": {"type": "data", "symmetric": False, "array": [0.5, 0.25],
                     "arrayminus": [0.25, 0.5]}},
        {"type": "heatmap", "x": ["p", "q"], "y": ["r", "s"], "z": [[1.0, 0.345], [0.345, 1.0]]},
    ], "layout": {"yaxis": {"title": "mean"}}}
    scatter, heat = fd.figure_tables(fd.prepare(spec))
    assert scatter.columns == ("x", "mean", "lower end of interval", "upper end of interval")
    assert scatter.rows == (("a", "1", "0.75", "1.5"), ("b", "2.5", "2", "2.75"))
    assert heat.columns == ("mean", "p", "q") and heat.rows[0] == ("r", "1", "0.345")


def test_long_traces_are_cut_with_a_note():
    spec = {"data": [{"type": "scatter", "x": list(range(500)), "y": list(range(500))}]}
    [table] = fd.figure_tables(spec)
    assert len(table.rows) == fd.MAX_ROWS and table.note == f"First {fd.MAX_ROWS} of 500 rows."


def test_colour_is_never_the_only_difference():
    spec = fd.prepare({"data": [
        {"type": "scatter", "mode": "lines", "name": "low"},
        {"type": "scatter", "mode": "lines", "name": "high", "line": {"dash": "solid"}},
        {"type": "scatter", "mode": "lines", "name": "other axis", "xaxis": "x2"},
        {"type": "scatter", "mode": "markers", "marker": {"color": ["#1", "#2", "#1"]}},
    ]})
    low, high, alone, points = spec["data"]
    assert high["line"]["dash"] == "solid" and low["line"]["dash"] not in ("solid", None)
    assert "dash" not in (alone.get("line") or {})  # alone in its subplot
    assert points["marker"]["symbol"] == ["circle", "diamond", "circle"]
