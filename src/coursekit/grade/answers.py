"""The learner's answers, read out of the executed notebook as plain data.

The grader appends one cell (:func:`readout_source`) that collects every
``answer_NN_K`` name of the notebook's globals, turns each value into plain JSON
data (numbers, text, true/false, lists of those; anything else becomes its
``repr``, which then judges as a wrong kind of answer), and displays it under its
own MIME type, :data:`ANSWERS_MIME`. :func:`read_answers` takes that output from the
executed notebook and checks it again here: whatever a notebook does, all that
comes back is data, and the verdict is computed in the grader's process
(:mod:`coursekit.grade.expected`). A notebook that replaced ``check`` earns nothing.

>>> answer_keys("answer_01_1 = 3\\nanswer_02_10 = None")
['01.1', '02.10']
>>> plain([1, "a", 2.5]), plain(float("nan")), plain(...)
([1, 'a', 2.5], None, None)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

ANSWERS_MIME = "application/vnd.coursekit.answers+json"
#: The tag of the cell the grader appends.
READOUT_TAG = "coursekit-readout"
#: Longest text answer kept (a longer one is cut: no answer of the course is that long).
MAX_TEXT = 500
_NAME = re.compile(r"\banswer_(\d{2})_(\d+)\b")


def name_of(key: str) -> str:
    """``"01.2"`` -> ``"answer_01_2"``."""
    nb, k = key.split(".")
    return f"answer_{nb}_{k}"


def answer_keys(source: str) -> list[str]:
    """Exercise keys of every ``answer_NN_K`` name in ``source``, in order, once each."""
    keys: list[str] = []
    for nb, k in _NAME.findall(source):
        key = f"{nb}.{k}"
        if key not in keys:
            keys.append(key)
    return keys


def keys_in_notebook(nb: Any) -> set[str]:
    """Exercise keys whose ``answer_NN_K`` name a code cell of ``nb`` assigns or uses."""
    found: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            found.update(answer_keys(cell.source))
    return found


def plain(value: Any) -> Any:
    """``value`` as JSON data: numbers, text (cut at :data:`MAX_TEXT`), bools, lists; else None.

    ``...`` and NaN are None ("not attempted", as the course's check says); a
    list of lists is flattened one level no further.
    """
    if value is None or value is Ellipsis:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value[:MAX_TEXT]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value[:100] if not isinstance(v, list | tuple | dict)]
    return None


_READOUT = '''\
# Added by coursekit grade: reads the answers out as data (not part of your notebook).
def __coursekit_readout(names):
    import math as m
    from IPython.display import display as d
    def p(v, depth=0):
        if v is None or v is ...:
            return None
        if isinstance(v, bool):
            return v
        if hasattr(v, "item") and not isinstance(v, (list, tuple, str)):
            try:
                v = v.item()
            except Exception:
                return repr(v)[:{max_text}]
        if isinstance(v, bool) or isinstance(v, str):
            return v[:{max_text}] if isinstance(v, str) else v
        if isinstance(v, int):
            return v
        if isinstance(v, float):
            return v if m.isfinite(v) else None
        if isinstance(v, (list, tuple, set, frozenset)) and depth == 0:
            return [p(x, 1) for x in list(v)[:100]]
        return repr(v)[:{max_text}]
    g = globals()
    d({{{mime!r}: {{n: p(g[n]) for n in names if n in g}}}}, raw=True)
__coursekit_readout({names!r})
'''


def readout_source(keys: Iterable[str]) -> str:
    """The cell appended to a submission: displays its answers as :data:`ANSWERS_MIME` data."""
    names = [name_of(k) for k in keys]
    return _READOUT.format(max_text=MAX_TEXT, mime=ANSWERS_MIME, names=names)


def read_answers(executed: Any) -> dict[str, Any] | None:
    """``{key: plain value}`` from the readout cell's output; None when it produced none."""
    for cell in reversed(executed.cells):
        if READOUT_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(ANSWERS_MIME)
            if isinstance(data, str):
                try:
                    data = json.loads(data)
                except ValueError:
                    return None
            if isinstance(data, Mapping):
                return {_key(name): plain(value) for name, value in data.items()
                        if isinstance(name, str) and _NAME.fullmatch(name)}
        return None
    return None


def _key(name: str) -> str:
    nb, k = _NAME.fullmatch(name).groups()  # type: ignore[union-attr]
    return f"{nb}.{k}"
