"""Privacy end to end: a class of 30 imported from an export, rendered as a whole course.

The render (both variants) is shared with other tests: ``class_site`` in conftest. The
export carries a planted name, e-mail address and IP address, and one gender group of
3 students. Nothing planted may reach the imported file or any rendered output, and no
rendered notebook may show a statistic of the group of 3.
"""

from __future__ import annotations

import html
import html.parser
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


# --- small counts: no number a learner sees describes 1 to k - 1 respondents ---------------
# Shared with tests/test_disclosure.py, which runs every notebook on classes of 10 to 60.

#: Table columns that count respondents or answers.
COUNT_COLUMNS = {"n", "respondents", "answers", "respondents without a score"}
_COUNT_TEXT = re.compile(
    r"(?<![\w.<(-])(\d+)\s+(?:respondents?|answers?|flagged|excluded|missing|out of range"
    r"|out-of-range)\b"
    r"|\bn = (\d+)\b"
    r"|\b(?:straight-lining|attention check|too fast) (\d+)\b")


class _Tables(html.parser.HTMLParser):
    """Rows of the HTML tables in a page or an output (cell texts, header cells included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _small(text: str, k: int) -> bool:
    return text.isdigit() and 0 < int(text) < k


def small_counts_in_text(text: str, k: int) -> list[str]:
    """Phrases such as "3 respondents", "n = 2" or "straight-lining 1" with a count 1..k-1."""
    found = []
    for m in _COUNT_TEXT.finditer(text):
        if any(g is not None and _small(g, k) for g in m.groups()):
            found.append(text[max(0, m.start() - 60):m.end() + 20])
    return found


def small_counts_in_html(page: str, k: int) -> list[str]:
    """Cells of a count column (:data:`COUNT_COLUMNS`) in HTML tables holding 1..k-1."""
    parser = _Tables()
    parser.feed(page)
    found = []
    for rows in parser.tables:
        header = next((r for r in rows if COUNT_COLUMNS & set(r)), None)
        if header is None:
            continue
        columns = [i for i, name in enumerate(header) if name in COUNT_COLUMNS]
        for row in rows[rows.index(header) + 1:]:
            if len(row) == len(header):
                found += [f"{header[i]} = {row[i]} in {row}" for i in columns
                          if _small(row[i], k)]
    return found


def small_counts_in_figure(spec: dict, k: int) -> list[str]:
    """Bars of respondents holding 1..k-1, group sizes 1..k-1, or a histogram of raw values."""
    found = []
    for trace in spec.get("data", []):
        kind = trace.get("type", "scatter")
        if kind == "histogram":
            found.append(f"a histogram lists every respondent's value: {trace.get('name')}")
        template = str(trace.get("hovertemplate", ""))
        if kind == "bar" and "respondents" in template:
            values = trace.get("x") if trace.get("orientation") == "h" else trace.get("y")
            found += [f"bar of {v}: {template}" for v in values or []
                      if isinstance(v, int | float) and 0 < v < k]
        if "n = %{customdata}" in template:
            found += [f"group of n = {v}" for v in trace.get("customdata") or []
                      if isinstance(v, int | float) and 0 < v < k]
    return found


def small_counts_in_output(out: dict, k: int) -> list[str]:
    """Every small count in one executed-notebook output (text, tables, figures)."""
    data = out.get("data", {})
    text = "".join(out.get("text", "")) + "".join(data.get("text/plain", ""))
    found = small_counts_in_text(text, k)
    if data.get("text/html"):
        found += small_counts_in_html("".join(data["text/html"]), k)
    if data.get(PLOTLY_MIME):
        found += small_counts_in_figure(data[PLOTLY_MIME], k)
    return found


def small_counts_in_notebook(path, k: int) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [f"{path.name} cell {i}: {hit}" for i, cell in enumerate(nb.cells)
            for out in cell.get("outputs", []) for hit in small_counts_in_output(out, k)]


def small_counts_in_page(path, k: int) -> list[str]:
    page = path.read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    found = small_counts_in_html(page, k) + small_counts_in_text(
        html.unescape(re.sub(r"<[^>]+>", " ", text)), k)
    return [f"{path.name}: {hit}" for hit in found]


def test_the_scanner_finds_what_it_looks_for():
    assert small_counts_in_text("10 respondents: 1 flagged as careless (straight-lining 1", 5)
    assert not small_counts_in_text("fewer than 5 respondents; <5 missing; 12 answers", 5)
    table = ("<table><thead><tr><th></th><th>respondents</th><th>share (%)</th></tr></thead>"
             "<tbody><tr><th>a</th><td>2</td><td>20.0</td></tr>"
             "<tr><th>b</th><td>&lt;5</td><td>&lt;5</td></tr></tbody></table>")
    assert small_counts_in_html(table, 5) == ["respondents = 2 in ['a', '2', '20.0']"]
    bars = {"data": [{"type": "bar", "y": [0, 6, 3], "hovertemplate": "%{y} respondents"}]}
    assert small_counts_in_figure(bars, 5) == ["bar of 3: %{y} respondents"]


def test_no_small_count_in_the_class_of_30(class_site):
    """Every executed notebook and HTML page of the class of 30 (both variants)."""
    found = [hit for path in sorted(class_site.out.glob("*/*/*.ipynb"))
             for hit in small_counts_in_notebook(path, 5)]
    found += [hit for path in sorted(class_site.out.rglob("*.html"))
              for hit in small_counts_in_page(path, 5)]
    assert not found, "\n".join(found[:20])
