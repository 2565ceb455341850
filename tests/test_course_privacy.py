"""Privacy end to end: a class of 30 imported from an export, rendered as a whole course.

The export carries a planted name, e-mail address and IP address, and one gender
group of 3 students. Nothing planted may reach the imported file or any rendered
output, and no rendered notebook may show a statistic of the group of 3.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from coursekit.common.mime import PLOTLY_MIME
from coursekit.survey.simulate import simulate_survey
from tests.conftest import run_cli

PLANTED = ("Zelda Quartermain", "zelda.quartermain@example.org", "203.0.113.77")
SMALL_GROUP = "non-binary"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class30")
    df = simulate_survey(30, seed=5)
    df["gender"] = [SMALL_GROUP] * 3 + ["woman"] * 14 + ["man"] * 13
    df.insert(1, "Full name", [PLANTED[0]] + [f"Student {i}" for i in range(29)])
    df.insert(2, "Email Address", [PLANTED[1]] + [f"s{i}@school.example" for i in range(29)])
    df.insert(3, "IP Address", [PLANTED[2]] + [f"198.51.100.{i}" for i in range(29)])
    df.loc[0, "comment"] = f"write to {PLANTED[1]}"
    (folder / "export.csv").write_text(df.to_csv(index=False), encoding="utf-8")
    imported = run_cli("import", "--source", "csv", "export.csv", "--out", "class.csv",
                       cwd=folder, env={"COURSEKIT_SALT": "a salt for the privacy test"})
    assert imported.returncode == 0, imported.stderr
    render = run_cli("render", "--data", "class.csv", "--jobs", "2", "--out", "site",
                     cwd=folder)
    assert render.returncode == 0, render.stdout + render.stderr
    assert "8 rendered, 0 failed" in render.stdout
    return folder, imported, render


def test_planted_identifiers_reach_no_file(rendered):
    folder, imported, render = rendered
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != "export.csv"]
    assert any(p.suffix == ".html" for p in files) and any(p.suffix == ".ipynb" for p in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for planted in PLANTED:
            assert planted not in text, f"{planted} in {path.relative_to(folder)}"
        # The instructor's folders stay out of pages: data_path is the bare file name.
        assert str(folder) not in text or path.name == "manifest.json", path
    for planted in PLANTED:
        assert planted not in imported.stdout + imported.stderr + render.stdout


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_no_statistic_of_a_group_of_three(rendered):
    folder, _, _ = rendered
    notebooks = sorted(folder.glob("site/*/instructor/*.ipynb"))
    assert len(notebooks) == 8
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
