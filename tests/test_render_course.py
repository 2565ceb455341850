"""The real course through ``coursekit render``: both variants of every notebook, offline.

One render of ``notebooks/`` in both variants for an imported class of 30 (16
notebooks, 2 jobs; ``class_site`` in conftest, shared with the privacy tests), then
checks of what a learner and an instructor get: every notebook runs, students see
placeholders and "not attempted" instead of solutions, every page works without a
network, and the sizes stay within the course's limits.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.conftest import COURSE_NOTEBOOKS as COURSE

REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


@pytest.fixture(scope="module")
def course_site(class_site):
    return class_site.out / "data-class", class_site


def test_every_notebook_renders_in_both_variants(course_site):
    out, proc = course_site
    assert COURSE, "no course notebooks"
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"{2 * len(COURSE)} rendered, 0 failed" in proc.stdout
    for nb in COURSE:
        for variant in ("student", "instructor"):
            for suffix in (".ipynb", ".html"):
                assert (out / variant / f"{nb.stem}{suffix}").is_file()


def test_students_get_placeholders_not_solutions(course_site):
    out, _ = course_site
    for path in COURSE:
        source = nbformat.read(path, as_version=4)
        solutions = [line.strip() for c in source.cells
                     if "solution" in c.metadata.get("tags", [])
                     for line in c.source.splitlines()
                     if line.strip() and not line.strip().startswith("#")]
        student_nb = out / "student" / f"{path.stem}.ipynb"
        for student_file in (student_nb, student_nb.with_suffix(".html")):
            text = student_file.read_text(encoding="utf-8")
            for line in solutions:
                assert line not in text, f"{line!r} in {student_file}"
        nb = nbformat.read(student_nb, as_version=4)
        assert not [o for c in nb.cells for o in c.get("outputs", [])
                    if o.output_type == "error"]
        if solutions:
            assert "not attempted" in student_nb.read_text(encoding="utf-8")


def test_pages_are_offline_and_within_size(course_site):
    out, site = course_site
    pages = sorted(out.glob("*/*.html"))
    assert len(pages) == 2 * len(COURSE)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not REMOTE_SCRIPT.search(text), page
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S):
            assert "http://" not in script and "https://" not in script, page
        assert "Loading widget" not in text and "require.min.js" not in text
        assert page.stat().st_size < 500_000, page
        captions = re.findall(r'<figcaption class="ck-caption">(.*?)</figcaption>', text, re.S)
        assert captions.count("") == 0 and len(captions) == text.count('class="ck-plot"')
    instructor = [p for p in site.out.rglob("*")
                  if p.is_file() and "/student/" not in p.as_posix()]
    assert sum(p.stat().st_size for p in instructor) < 8 * 1024 * 1024
