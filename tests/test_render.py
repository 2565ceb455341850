"""coursekit.render.run and ``coursekit render``: plans, variants, students, runs, failures, resume.

The runs execute the small notebooks in ``tests/fixtures/notebooks/`` (written by
``tests/fixtures/make_notebooks.py``); the course's own notebooks are rendered in
``tests/test_render_course.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from coursekit.cli import main
from coursekit.render import run as render
from tests.conftest import FIXTURES, run_cli
from tests.fixtures.make_notebooks import SOLUTION_MARKERS

NOTEBOOKS = FIXTURES / "notebooks"
COURSE = str(NOTEBOOKS / "course" / "*.ipynb")
SECRET = "a-course-secret-only-the-tests-know-42"
IDS = ("stu-007-alice", "stu-008-bob", "stu-009-carol")
REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


def _write_roster(path: Path, ids=IDS) -> Path:
    rows = ["student_id;name;email"] + [f"{i};Name {n};{i}@example.org"
                                        for n, i in enumerate(ids)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _digest(nb_path: Path) -> str:
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            match = re.search(r"data digest: ([0-9a-f]{16})", out.get("text", ""))
            if match:
                return match.group(1)
    raise AssertionError(f"no data digest printed in {nb_path}")


# --- variants and parameters -------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("answer_02_1 = round(alpha.raw, 2)",
     "answer_02_1 = None  # write your answer here\n"),
    ("# the two largest groups\ntop_a, top_b = counts.index[:2]\n",
     "top_a = None  # write your answer here\ntop_b = None  # write your answer here\n"),
    ("answer: float = compute(\n    x,\n)", "answer = None  # write your answer here\n"),
    ("fig.show()", "# write your answer here\n"),
    ("this is not python", "# write your answer here\n"),
])
def test_placeholder_source(source, expected):
    assert render.placeholder_source(source) == expected
    exec(compile(render.placeholder_source(source), "<placeholder>", "exec"), {})


def _notebook_with_solution():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", execution_count=1, outputs=[
            nbformat.v4.new_output("stream", text="stored output\n")]),
        nbformat.v4.new_code_cell("answer = x + 41", execution_count=2, outputs=[
            nbformat.v4.new_output("execute_result", {"text/plain": "42"}, execution_count=2)]),
        nbformat.v4.new_markdown_cell("The answer is forty-two."),
    ])
    nb.cells[1].metadata["tags"] = ["solution"]
    nb.cells[2].metadata["tags"] = ["solution"]
    return nb


def test_student_variant_replaces_solutions_and_clears_every_output():
    nb = _notebook_with_solution()
    student = render.make_variant(nb, "student")
    assert student.cells[1].source == "answer = None  # write your answer here\n"
    assert student.cells[2].source == "*Write your answer here.*"
    assert all(c.outputs == [] and c.execution_count is None
               for c in student.cells if c.cell_type == "code")
    instructor = render.make_variant(nb, "instructor")
    assert instructor.cells[1].source == "answer = x + 41"
    assert instructor.cells[1].outputs == []
    assert nb.cells[1].outputs, "the source notebook is left as it was"


@pytest.mark.parametrize("text, default, expected", [
    ("007", None, "007"), ("300", 800, 300), ("0.5", None, 0.5), ("true", None, True),
    ("null", 1, None), ('"300"', None, "300"), ("2026", "a label", "2026"),
    ("[1, 2]", None, "[1, 2]"), ("s-1a2b", None, "s-1a2b"),
])
def test_parse_parameter_keeps_values_intact(text, default, expected):
    value = render.parse_parameter(text, default)
    assert value == expected and type(value) is type(expected)


# --- bad input: exit 2 before any kernel starts ------------------------------------------

def _no_kernel(monkeypatch):
    def refuse(job):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(render, "execute_job", refuse)


@pytest.mark.parametrize("case", ["glob", "no_id_column", "duplicates", "escape", "abs",
                                  "unwritable", "out_is_file", "parameter", "no_secret",
                                  "reserved", "label"])
def test_bad_input_exits_2_with_a_reason(tmp_path, monkeypatch, capsys, case):
    _no_kernel(monkeypatch)
    monkeypatch.setenv(render.SECRET_ENV, SECRET)
    out = tmp_path / "site"
    roster = tmp_path / "roster.csv"
    args = ["render", "--notebooks", COURSE, "--out", str(out)]
    expect = {
        "glob": "no notebook matches", "no_id_column": "no 'student_id' column",
        "duplicates": "repeats row 2", "escape": "would escape the output folder",
        "abs": "would escape the output folder", "unwritable": "cannot write there",
        "out_is_file": "is a file", "parameter": "01_basics.ipynb: unknown parameter 'alpha'",
        "no_secret": "COURSEKIT_SECRET", "reserved": "set seed with --seed",
        "label": "cannot name a folder",
    }[case]
    if case == "glob":
        args[2] = str(NOTEBOOKS / "nothing-here" / "*.ipynb")
    elif case in ("no_id_column", "duplicates", "escape", "abs", "no_secret"):
        roster.write_text({"no_id_column": "id\n1\n", "duplicates": "student_id\nA\nA\n",
                           "escape": "student_id\nA\n../x\n", "abs": "student_id\n/abs/x\n",
                           "no_secret": "student_id\nA\n"}[case])
        args += ["--roster", str(roster)]
        if case == "no_secret":
            monkeypatch.delenv(render.SECRET_ENV)
    elif case == "unwritable":
        (tmp_path / "a-file").write_text("x")
        args[-1] = str(tmp_path / "a-file" / "site")
    elif case == "out_is_file":
        out.write_text("x")
    elif case == "parameter":
        args += ["-p", "alpha", "1"]
    elif case == "reserved":
        args += ["-p", "seed", "1"]
    elif case == "label":
        args += ["--cohort", "../up"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert expect in err and len(err.splitlines()) == 1 and "Traceback" not in err
    if case not in ("out_is_file", "unwritable"):
        assert not out.exists() or not any(out.iterdir())


def test_bad_data_file_exits_2_naming_the_problem(tmp_path, capsys):
    bad = tmp_path / "survey.csv"
    bad.write_text("respondent_id,age\nr1,400\n", encoding="utf-8")
    assert main(["render", "--notebooks", COURSE, "--data", str(bad),
                 "--out", str(tmp_path / "o")]) == 2
    assert "survey.csv" in capsys.readouterr().err


# --- a class: 3 students, both variants ----------------------------------------------------

@pytest.fixture(scope="module")
def class_site(tmp_path_factory):
    """The course fixtures rendered for a 3-student roster in both variants (CLI, 2 jobs)."""
    tmp = tmp_path_factory.mktemp("class")
    roster = _write_roster(tmp / "roster.csv")
    out = tmp / "site"
    proc = run_cli("render", "--roster", str(roster), "--variant", "both", "--notebooks",
                   COURSE, "--out", str(out), "--jobs", "2",
                   env={render.SECRET_ENV: SECRET})
    return out, proc


def test_class_render_succeeds_and_reports(class_site):
    out, proc = class_site
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "12 rendered, 0 failed" in proc.stdout
    assert f"open {out / 'index.html'}" in proc.stdout
    labels = sorted(render.student_label(i, SECRET) for i in IDS)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == labels
    for label in labels:
        for variant in ("student", "instructor"):
            for stem in ("01_basics", "02_live"):
                for suffix in (".ipynb", ".html"):
                    assert (out / label / variant / f"{stem}{suffix}").is_file()


def test_personal_data_differ_per_student_and_are_reproducible(class_site):
    out, _ = class_site
    from coursekit.course import start

    digests = {}
    for sid in IDS:
        label = render.student_label(sid, SECRET)
        nb_path = out / label / "instructor" / "01_basics.ipynb"
        nb = nbformat.read(nb_path, as_version=4)
        params = nb.metadata.papermill.parameters
        assert params == {"seed": render.student_seed(sid, SECRET), "cohort": label}
        digests[sid] = _digest(nb_path)
        assert _digest(out / label / "student" / "01_basics.ipynb") == digests[sid]
    assert len(set(digests.values())) == 3
    # The same id and secret re-create the same data, away from the render.
    import hashlib

    course = start(seed=render.student_seed(IDS[1], SECRET), n_respondents=120)
    assert hashlib.sha256(course.raw.to_csv().encode()).hexdigest()[:16] == digests[IDS[1]]


def test_no_id_secret_or_solution_leaks(class_site):
    out, proc = class_site
    solution_lines = []
    for path in sorted((NOTEBOOKS / "course").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        solution_lines += [line.strip() for c in nb.cells
                           if "solution" in c.metadata.get("tags", [])
                           for line in c.source.splitlines() if line.strip()]
    assert solution_lines and any(m in "".join(solution_lines) for m in SOLUTION_MARKERS)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 24
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for secret_text in (SECRET, *IDS, "example.org", "Name 0"):
            assert secret_text not in text, f"{secret_text!r} in {path}"
        if "/student/" in path.as_posix():
            for line in solution_lines:
                assert line not in text, f"solution {line!r} in {path}"
    for secret_text in (SECRET, *IDS):
        assert secret_text not in proc.stdout + proc.stderr


def test_student_notebooks_run_and_say_not_attempted(class_site):
    out, _ = class_site
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["status"] for e in manifest["entries"].values()} == {"ok"}
    for path in out.glob("s-*/student/*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
        assert not any(o.output_type == "error" for c in nb.cells for o in c.get("outputs", []))
        assert "not attempted yet\n" in texts
        solution = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        assert solution and all("write your answer here" in c.source for c in solution)
    instructor = nbformat.read(next(out.glob("s-*/instructor/01_basics.ipynb")), as_version=4)
    assert any("answer recorded: 120" in o.get("text", "")
               for c in instructor.cells for o in c.get("outputs", []))


def test_pages_are_offline_with_figures_captions_and_titles(class_site):
    out, _ = class_site
    assert (out / "plotly.min.js").stat().st_size > 1_000_000
    pages = sorted(out.glob("s-*/*/*.html"))
    assert len(pages) == 12
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.rstrip().endswith("</html>")
        assert not REMOTE_SCRIPT.search(text), page
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S):
            assert "http://" not in script and "https://" not in script, page
        srcs = re.findall(r"<script[^>]*src=\"([^\"]+)\"", text)
        assert srcs == ["../../plotly.min.js"], page
        assert "plotly.js v" not in text  # the library itself is never inlined
        assert len(text.encode()) < 500_000
        assert 'class="ck-plot"' in text and "Plotly.newPlot" in text
        assert "require.min.js" not in text and "mathjax" not in text.lower()
        assert "Loading widget" not in text and "jupyter-widgets" not in text
    basics = (next(out.glob("s-*/student/01_basics.html"))).read_text(encoding="utf-8")
    assert re.search(r"<title>Fixture one · basics — s-[0-9a-f]{8} \(student\)</title>", basics)
    assert "<figcaption class=\"ck-caption\">Bar chart of the mean score of each scale in s-" \
        in basics
    assert "<math" in basics and "\\frac" not in basics
    live = (next(out.glob("s-*/student/02_live.html"))).read_text(encoding="utf-8")
    assert "Respondents per gender in s-" in live
    assert "This figure is live in JupyterLab: run the notebook to use its controls." in live


def test_executed_notebooks_carry_figures_without_widget_state(class_site):
    out, _ = class_site
    nb = nbformat.read(next(out.glob("s-*/instructor/02_live.ipynb")), as_version=4)
    assert "widgets" not in nb.metadata
    bundles = [o.data for c in nb.cells for o in c.get("outputs", []) if "data" in o]
    figures = [d for d in bundles if "application/vnd.plotly.v1+json" in d]
    assert figures and all("application/vnd.jupyter.widget-view+json" not in d for d in figures)
    assert all("text/html" not in d for d in figures)


def test_index_lists_every_student_notebook_and_status(class_site):
    out, _ = class_site
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "12 ok" in index and "0 failed" in index
    for sid in IDS:
        label = render.student_label(sid, SECRET)
        assert f"<tr><th>{label}</th><td>student</td>" in index
        for variant in ("student", "instructor"):
            for stem in ("01_basics", "02_live"):
                assert f'href="{label}/{variant}/{stem}.html"' in index
    assert "Fixture one · basics" in index and not REMOTE_SCRIPT.search(index)


def test_which_prints_labels_for_the_instructor_only(class_site, tmp_path):
    roster = _write_roster(tmp_path / "roster.csv")
    proc = run_cli("render", "--roster", str(roster), "--which", IDS[2],
                   env={render.SECRET_ENV: SECRET})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "student_id,label,seed",
        f"{IDS[2]},{render.student_label(IDS[2], SECRET)},{render.student_seed(IDS[2], SECRET)}"]
    assert SECRET not in proc.stdout + proc.stderr
