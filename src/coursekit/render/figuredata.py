"""The numbers a plotly figure draws, as tables: the "data view" of a page's figure.

A reader who cannot see a plot (or wants the exact values) opens the data view
under it: one table per trace, read from the figure's JSON when the page is
written, so the table and the drawing come from the same numbers.

Two trace types are drawn from numbers plotly computes in the browser: a
histogram counts raw values into bins, a box plot of raw values finds its
quartiles. For those, :func:`prepare` first writes the bins (``xbins``) or the
box statistics (``q1``, ``median``, ...) into the figure, computed here, so
that plotly draws exactly what the table says instead of its own estimate.
Bins count a value as plotly's ``findBin`` does: ``floor((v - start) / size + 1e-9)``.

>>> spec = prepare({"data": [{"type": "bar", "name": "answers", "x": ["a", "b"], "y": [3, 5]}],
...                 "layout": {"xaxis": {"title": {"text": "answer"}}}})
>>> t = figure_tables(spec)[0]
>>> t.caption, t.columns, t.rows
('answers', ('answer', 'y'), (('a', '3'), ('b', '5')))
"""

from __future__ import annotations

import base64
import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Longest data view; longer traces show their first rows and say how many were left out.
MAX_ROWS = 200
_FUZZ = 1e-9  # plotly.js Lib.findBin


@dataclass(frozen=True)
class DataTable:
    """One trace's numbers: column names, rows of formatted cells (the first is a row header)."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


# --- reading the JSON ----------------------------------------------------------------------

_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "i1", "u1": "u1", "i2": "<i2", "u2": "<u2",
           "i4": "<i4", "u4": "<u4", "i8": "<i8", "u8": "<u8"}


def _array(value: Any) -> list[Any] | None:
    """A trace attribute as a plain list: JSON lists as they are, plotly's typed arrays decoded.

    >>> _array({"dtype": "i1", "bdata": "AQID"})
    [1, 2, 3]
    """
    if value is None:
        return None
    if isinstance(value, Mapping) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]),
                             dtype=_DTYPES.get(str(value.get("dtype")), "<f8"))
        shape = value.get("shape")
        if shape:
            dims = [int(s) for s in str(shape).split(",")] if isinstance(shape, str) else shape
            data = data.reshape(dims)
        return data.tolist()
    if isinstance(value, list | tuple):
        return [_array(v) if isinstance(v, Mapping | list | tuple) else v for v in value]
    return None


def _title(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("text")
    return str(value) if value not in (None, "") else ""


def _axis_title(layout: Mapping[str, Any], ref: Any, letter: str) -> str:
    ref = str(ref or letter)
    name = f"{letter}axis" + ref[1:]
    axis = layout.get(name) or {}
    return _title(axis.get("title")) if isinstance(axis, Mapping) else ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def cell(value: Any) -> str:
    """A value as the data view shows it: whole numbers without decimals, others to 4 places.

    >>> cell(3.0), cell(0.83861), cell(None), cell("val1"), cell(316551)
    ('3', '0.8386', '', 'val1', '316551')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text if text not in ("", "-0") else f"{value:.3g}"
    return str(value)


# --- computing what plotly would compute ---------------------------------------------------

def _nice_size(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``raw``."""
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= raw * (1 - 1e-12):
            return step * power
    return 10.0 * power


def histogram_bins(values: Sequence[float], nbins: int | None) -> dict[str, float]:
    """``start``, ``end`` and ``size`` of histogram bins: about ``nbins`` of a round width.

    Whole-number data get whole-width bins centred on the numbers.

    >>> histogram_bins([1, 2, 2, 3, 7], 5)
    {'start': 0.5, 'end': 8.5, 'size': 2.0}
    """
    lo, hi = min(values), max(values)
    n = nbins if nbins and nbins > 0 else max(1, math.ceil(math.log2(len(values))) + 1)
    size = _nice_size((hi - lo) / n if hi > lo else 1.0)
    if all(float(v).is_integer() for v in values):
        size = max(1.0, float(math.ceil(size)))
        start = lo - 0.5
    else:
        start = math.floor(lo / size) * size
    count = math.floor((hi - start) / size + _FUZZ) + 1
    return {"start": start, "end": start + count * size, "size": size}


def _bin_counts(values: Sequence[float], bins: Mapping[str, float]) -> list[int]:
    start, size = float(bins["start"]), float(bins["size"])
    count = max(1, round((float(bins["end"]) - start) / size))
    counts = [0] * count
    for v in values:
        k = math.floor((v - start) / size + _FUZZ)
        if 0 <= k < count:
            counts[k] += 1
    return counts


def box_stats(values: Sequence[float]) -> dict[str, float]:
    """Quartiles (numpy's linear method), mean and Tukey's whisker ends of raw values.

    >>> box_stats([1, 2, 3, 4, 100])["upperfence"]
    4.0
    """
    arr = np.sort(np.asarray(values, dtype=float))
    q1, median, q3 = (float(q) for q in np.percentile(arr, [25, 50, 75]))
    iqr = q3 - q1
    inside = arr[(arr >= q1 - 1.5 * iqr) & (arr <= q3 + 1.5 * iqr)]
    return {"q1": q1, "median": median, "q3": q3, "mean": float(arr.mean()),
            "lowerfence": float(inside.min()), "upperfence": float(inside.max())}


def _numbers(values: Sequence[Any] | None) -> list[float]:
    return [n for n in (_number(v) for v in values or []) if n is not None]


_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "cross", "star", "triangle-down")


def _mode(trace: Mapping[str, Any]) -> str:
    return str(trace.get("mode") or "lines+markers")


def distinguish(spec: dict[str, Any]) -> None:
    """Make colour never the only difference between traces or points (in place).

    Lines sharing a subplot get different dash patterns, marker traces sharing
    one different symbols, and points coloured one by one get a symbol per
    colour, so a reader who cannot tell the colours apart still can tell the
    series apart (WCAG 1.4.1). Dashes and symbols the figure sets are kept.

    >>> line = {"type": "scatter", "mode": "lines"}
    >>> spec = {"data": [dict(line), dict(line)]}
    >>> distinguish(spec); [t["line"]["dash"] for t in spec["data"]]
    ['solid', 'dash']
    """
    by_subplot: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for trace in spec.get("data") or []:
        if trace.get("type", "scatter") in ("scatter", "scattergl"):
            key = (str(trace.get("xaxis") or "x"), str(trace.get("yaxis") or "y"))
            by_subplot.setdefault(key, []).append(trace)
    for traces in by_subplot.values():
        lines = [t for t in traces if "lines" in _mode(t)]
        if len(lines) > 1:
            taken = {(t.get("line") or {}).get("dash") for t in lines} - {None}
            free = [d for d in _DASHES if d not in taken]
            for t in lines:
                if not (t.get("line") or {}).get("dash"):
                    t.setdefault("line", {})["dash"] = free.pop(0) if free else "solid"
        markers = [t for t in traces if "markers" in _mode(t)]
        for t in markers:
            marker = t.get("marker") or {}
            colours = marker.get("color")
            if isinstance(colours, list) and "symbol" not in marker \
                    and len(set(map(str, colours))) > 1:
                order = list(dict.fromkeys(map(str, colours)))
                t.setdefault("marker", {})["symbol"] = [
                    _SYMBOLS[order.index(str(c)) % len(_SYMBOLS)] for c in colours]
        if len(markers) > 1:
            taken = {(t.get("marker") or {}).get("symbol") for t in markers
                     if isinstance((t.get("marker") or {}).get("symbol"), str)}
            free = [m for m in _SYMBOLS if m not in taken]
            for t in markers:
                if "symbol" not in (t.get("marker") or {}):
                    t.setdefault("marker", {})["symbol"] = free.pop(0) if free else "circle"


def prepare(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the figure as a page draws it: bins and box statistics written in, and
    series told apart by more than colour (:func:`distinguish`).

    Afterwards the browser draws the numbers :func:`figure_tables` lists.
    """
    out = copy.deepcopy(dict(spec))
    distinguish(out)
    for trace in out.get("data") or []:
        kind = trace.get("type")
        if kind == "histogram" and not trace.get("histfunc"):
            letter = "y" if trace.get("y") is not None and trace.get("x") is None else "x"
            values = _numbers(_array(trace.get(letter)))
            bins = trace.get(f"{letter}bins") or {}
            if values and (len(values) == len(_array(trace.get(letter)) or [])) \
                    and not {"start", "size"} <= set(bins):
                trace[f"{letter}bins"] = histogram_bins(values, trace.get(f"nbins{letter}"))
        elif kind == "box" and "q1" not in trace:
            letter = "x" if trace.get("orientation") == "h" else "y"
            values = _numbers(_array(trace.get(letter)))
            if values and not (trace.get("x") is not None and trace.get("y") is not None):
                for key, value in box_stats(values).items():
                    trace[key] = [round(value, 6)]
    return out


# --- the tables ----------------------------------------------------------------------------

def _limited(rows: list[tuple[str, ...]]) -> tuple[tuple[tuple[str, ...], ...], str]:
    if len(rows) <= MAX_ROWS:
        return tuple(rows), ""
    return tuple(rows[:MAX_ROWS]), f"First {MAX_ROWS} of {len(rows)} rows."


def _interval(center: list[Any], error: Any) -> tuple[list[Any], list[Any]] | None:
    """Lower and upper ends of plotly error bars of type ``data``, or None."""
    if not isinstance(error, Mapping) or error.get("visible") is False:
        return None
    plus = _array(error.get("array"))
    if plus is None or error.get("type", "data") != "data":
        return None
    minus = plus if error.get("symmetric", True) is not False or error.get("arrayminus") is None \
        else _array(error.get("arrayminus")) or []
    lows, highs = [], []
    for k, c in enumerate(center):
        c = _number(c)
        p = _number(plus[k]) if k < len(plus) else None
        m = _number(minus[k]) if k < len(minus) else None
        lows.append(None if c is None or m is None else round(c - m, 10))
        highs.append(None if c is None or p is None else round(c + p, 10))
    return lows, highs


def _xy_table(trace: Mapping[str, Any], layout: Mapping[str, Any], name: str) -> DataTable | None:
    x, y = _array(trace.get("x")), _array(trace.get("y"))
    horizontal = trace.get("orientation") == "h"
    x_title = _axis_title(layout, trace.get("xaxis"), "x") or "x"
    y_title = _axis_title(layout, trace.get("yaxis"), "y") or "y"
    if x is None and y is None:
        return None
    if x is None:
        x = list(range(len(y or [])))
    if y is None:
        y = list(range(len(x)))
    keys, values = (y, x) if horizontal else (x, y)
    key_title, value_title = (y_title, x_title) if horizontal else (x_title, y_title)
    if key_title == value_title:
        key_title, value_title = ("y", "x") if horizontal else ("x", "y")
    columns = [key_title, value_title]
    series = [keys, values]
    base = _array(trace.get("base"))
    if trace.get("type") == "bar" and base is not None:
        if not isinstance(base, list):
            base = [base] * len(values)
        columns = [key_title, f"{value_title} from", f"{value_title} to"]
        series = [keys, base, [None if _number(b) is None or _number(v) is None
                               else round(_number(b) + _number(v), 10)
                               for b, v in zip(base, values, strict=False)]]
    interval = _interval(values, trace.get("error_x" if horizontal else "error_y"))
    if interval:
        columns += ["lower end of interval", "upper end of interval"]
        series += list(interval)
    n = len(keys)
    rows = [tuple(cell(s[k]) if k < len(s) else "" for s in series) for k in range(n)]
    limited, note = _limited(rows)
    return DataTable(name, tuple(columns), limited, note)


def _histogram_table(trace: Mapping[str, Any], layout: Mapping[str, Any],
                     name: str) -> DataTable | None:
    letter = "y" if trace.get("y") is not None and trace.get("x") is None else "x"
    raw = _array(trace.get(letter)) or []
    title = _axis_title(layout, trace.get(f"{letter}axis"), letter) or "value"
    bins = trace.get(f"{letter}bins") or {}
    values = _numbers(raw)
    if trace.get("histfunc") or trace.get("histnorm"):
        return None
    if values and {"start", "size", "end"} <= set(bins):
        counts = _bin_counts(values, bins)
        start, size = float(bins["start"]), float(bins["size"])
        edges = [cell(round(start + k * size, 10)) for k in range(len(counts) + 1)]
        rows = [(f"{edges[k]} to under {edges[k + 1]}", str(c)) for k, c in enumerate(counts)]
        columns = (f"{title} (bin)", "count")
    else:
        seen: dict[str, int] = {}
        for v in raw:
            if v is not None:
                seen[cell(v)] = seen.get(cell(v), 0) + 1
        rows = [(k, str(c)) for k, c in seen.items()]
        columns = (title, "count")
    limited, note = _limited(rows)
    return DataTable(name, columns, limited, note)


def _box_table(trace: Mapping[str, Any], name: str) -> DataTable | None:
    keys = ("q1", "median", "q3", "lowerfence", "upperfence", "mean")
    stats = {k: _array(trace.get(k)) for k in keys}
    if any(stats[k] is None for k in ("q1", "median", "q3")):
        return None
    letter = "y" if trace.get("orientation") == "h" else "x"
    groups = _array(trace.get(letter)) if "q1" in trace else None
    n = len(stats["median"] or [])
    groups = groups if groups and len(groups) == n else [name] * n
    columns = ("box", "lower whisker end", "lower quartile", "median", "upper quartile",
               "upper whisker end", "mean")
    order = ("lowerfence", "q1", "median", "q3", "upperfence", "mean")
    rows = [(cell(groups[k]),) + tuple(cell((stats[s] or [None] * n)[k])
                                       if k < len(stats[s] or []) else "" for s in order)
            for k in range(n)]
    return DataTable(name, columns, tuple(rows))


def _heatmap_table(trace: Mapping[str, Any], layout: Mapping[str, Any],
                   name: str) -> DataTable | None:
    z = _array(trace.get("z"))
    if not z or not isinstance(z[0], list):
        return None
    x = _array(trace.get("x")) or list(range(len(z[0])))
    y = _array(trace.get("y")) or list(range(len(z)))
    corner = _axis_title(layout, trace.get("yaxis"), "y") or ""
    columns = (corner,) + tuple(cell(v) for v in x)
    rows = [(cell(y[r]) if r < len(y) else str(r),) + tuple(cell(v) for v in row)
            for r, row in enumerate(z)]
    limited, note = _limited(rows)
    return DataTable(name, columns, limited, note)


def _generic_table(trace: Mapping[str, Any], name: str) -> DataTable | None:
    """Any other trace: its equal-length arrays side by side (labels/values, x/y/z...)."""
    arrays = {k: _array(trace.get(k)) for k in ("labels", "values", "x", "y", "z", "r", "theta")}
    arrays = {k: v for k, v in arrays.items() if v and not isinstance(v[0], list)}
    if not arrays:
        return None
    n = max(len(v) for v in arrays.values())
    arrays = {k: v for k, v in arrays.items() if len(v) == n}
    rows = [tuple(cell(v[i]) for v in arrays.values()) for i in range(n)]
    limited, note = _limited(rows)
    return DataTable(name, tuple(arrays), limited, note)


def figure_tables(spec: Mapping[str, Any]) -> list[DataTable]:
    """One table per trace of the figure; traces with nothing to tabulate are left out.

    Run :func:`prepare` first, so that histograms and raw box plots have the
    numbers plotly will draw.
    """
    layout = spec.get("layout") or {}
    figure_title = _title(layout.get("title"))
    traces = spec.get("data") or []
    tables = []
    for k, trace in enumerate(traces):
        kind = str(trace.get("type") or "scatter")
        name = _title(trace.get("name")) or (
            figure_title if len(traces) == 1 and figure_title else f"{kind} {k + 1}")
        if kind in ("bar", "scatter", "scattergl"):
            table = _xy_table(trace, layout, name)
        elif kind == "histogram":
            table = _histogram_table(trace, layout, name)
        elif kind == "box":
            table = _box_table(trace, name)
        elif kind == "heatmap":
            table = _heatmap_table(trace, layout, name)
        else:
            table = _generic_table(trace, name)
        if table is not None and table.rows:
            tables.append(table)
    return tables
