"""Privacy end to end: a class of 30 imported from an export, rendered as a whole course.

The render (both variants) is shared with other tests: ``class_site`` in conftest. The
export carries a planted name, e-mail address and IP address, and one gender group of
3 students. Nothing planted may reach the imported file or any rendered output, and no
rendered notebook may show a statistic of the group of 3.
"""

from __future__ import annotations

import json
import re

import nbformat

from coursekit.common.mime import PLOTLY_MIME
from tests.conftest import PLANTED, SMALL_GROUP


def test_the_class_imports_and_renders(class_site):
    imported = json.loads((class_site.folder / "import.json").read_text())
    assert imported["returncode"] == 0, imported["stderr"]
    assert class_site.returncode == 0, class_site.stdout[-3000:] + class_site.stderr[-3000:]
    assert "16 rendered, 0 failed" in class_site.stdout


def test_planted_identifiers_reach_no_file(class_site):
    folder = class_site.folder
    imported = json.loads((folder / "import.json").read_text())
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != "export.csv"]
    assert any(p.suffix == ".html" for p in files) and any(p.suffix == ".ipynb" for p in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for planted in PLANTED:
            assert planted not in text, f"{planted} in {path.relative_to(folder)}"
        # The instructor's folders stay out of pages: data_path is the bare file name.
        assert str(folder) not in text or path.name == "manifest.json", path
    for planted in PLANTED:
        assert planted not in imported["stdout"] + imported["stderr"] + class_site.stdout


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_no_statistic_of_a_group_of_three(class_site):
    notebooks = sorted(class_site.out.glob("*/*/*.ipynb"))
    assert len(notebooks) == 16  # both variants
    mentions = 0
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                plotly = data.get(PLOTLY_MIME)
                if plotly:
                    for trace in plotly["data"]:
                        drawn = [s for key in ("x", "y", "text", "labels", "name")
                                 for s in _strings(trace.get(key, []))]
                        assert SMALL_GROUP not in drawn, f"{path.name}: plotted {trace}"
                text = data.get("text/plain", "") + "".join(out.get("text", ""))
                for line in text.splitlines():
                    if SMALL_GROUP not in line:
                        continue
                    mentions += 1
                    if line.lstrip().startswith(SMALL_GROUP):  # a table row
                        assert "<5" in line and not re.search(r"\d\.\d", line), line
                    else:  # prose: only named as left out or suppressed
                        tail = line[line.index(SMALL_GROUP) - 60:]
                        assert re.search(r"(Left out|Suppressed)[^.]*" + SMALL_GROUP, tail), line
                html = data.get("text/html", "")
                if SMALL_GROUP in html:
                    row = html[html.index(SMALL_GROUP):][:400]
                    assert "&lt;5" in row, row
    assert mentions > 0  # the group is named where it is suppressed, so the check saw it
