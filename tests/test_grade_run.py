"""coursekit grade end to end: a class of 13 whose submissions the tests make, graded once.

Five ordinary students (all correct, all blank with cells deleted, known traps, copied
answers, a notebook issued to somebody else) and eight hostile notebooks (reads the
environment and ``../``, writes outside its folder, monkeypatches ``check``, loops
forever, fills memory, forks, prints without bound, kills its kernel), plus bad files.
The run is shared by every test here (one grading, ~1 minute on 2 cores).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import time
from pathlib import Path

import nbformat
import pandas as pd
import psutil
import pytest

from coursekit.course.exercises import check, exercise
from coursekit.grade.expected import cohort
from coursekit.grade.sandbox import SANDBOX_UID_BASE, isolation
from coursekit.render.roster import student_label, student_seed
from tests.conftest import ROOT, run_cli

SECRET = "grading-secret-only-these-tests-know-7731"
MARKER = "grader-private-marker-5521"
NOTEBOOK = "01_meet_the_data"
KEYS = ("01.1", "01.2", "01.3")
NORMAL = {"right": "qa-right-k7", "blank": "qa-blank-k7", "trap": "qa-trap-k7",
          "copy": "qa-copy-k7", "swap": "qa-swap-k7"}
HOSTILE = {"env": "qx-env-k7", "write": "qx-write-k7", "patch": "qx-patch-k7",
           "loop": "qx-loop-k7", "memory": "qx-memory-k7", "fork": "qx-fork-k7",
           "print": "qx-print-k7", "die": "qx-die-k7"}
IDS = {**NORMAL, **HOSTILE}
SLEEP_MARK = "311"


def _label(sid: str) -> str:
    return student_label(sid, SECRET)


def _course(sid: str):
    return cohort({"seed": student_seed(sid, SECRET), "cohort": _label(sid)})


def _right(sid: str) -> dict[str, object]:
    course = _course(sid)
    out = {}
    for key in KEYS:
        value = exercise(key).expected(course)
        out[key] = float(value) if isinstance(value, float) else int(value)
    return out


def _set_answers(nb, values: dict[str, object]):
    for cell in nb.cells:
        for key, value in values.items():
            name = "answer_" + key.replace(".", "_")
            if cell.cell_type == "code" and cell.source.startswith(name + " = "):
                cell.source = f"{name} = {value!r}"
    return nb


def _drop_answer_cells(nb, key: str):
    name = "answer_" + key.replace(".", "_")
    nb.cells = [c for c in nb.cells if name not in c.source and f'"{key}"' not in c.source]
    return nb


def _hostile(issued, code: str, answers: dict[str, object]):
    """A short notebook with the issued stamp: imports, parameters, start, attack, answers."""
    kept = [c for c in issued.cells if c.cell_type == "code"]
    cells = [kept[0], *(c for c in kept if {"parameters", "injected-parameters"}
                        & set(c.metadata.get("tags", []))),
             next(c for c in kept if c.source.startswith("course = start("))]
    nb = nbformat.v4.new_notebook(metadata=issued.metadata)
    nb.cells = [*cells, nbformat.v4.new_code_cell(code)]
    nb.cells += [nbformat.v4.new_code_cell(f"answer_{k.replace('.', '_')} = {v!r}")
                 for k, v in answers.items()]
    return nb


def _attacks(folder: Path, out: Path) -> dict[str, str]:
    return {
        "env": "import os\ntry:\n    up = os.listdir('..')\nexcept OSError as e:\n"
               "    up = repr(e)\nanswer_01_1 = repr(up) + repr(dict(os.environ))",
        "write": "import os\nresults = []\nfor p in [{!r}, {!r}, '../escape.txt', '/root/x.txt']:\n"
                 "    try:\n        open(p, 'w').write('pwned')\n        results.append('wrote')\n"
                 "    except OSError as e:\n        results.append(type(e).__name__)\n"
                 "print(results)".format(str(folder / "planted.txt"), str(out / "planted.txt")),
        "patch": "import coursekit.course.exercises as E, coursekit.course.judging as J\n"
                 "J.judge = lambda *a, **k: 'correct'\nE.check = lambda *a, **k: 'correct'\n"
                 "check = E.check",
        "loop": "while True:\n    pass",
        "memory": "blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 2**20))",
        "fork": "import os, subprocess, time\nfor i in range(12):\n    if os.fork() == 0:\n"
                f"        os.setsid()\n        time.sleep({SLEEP_MARK})\n        os._exit(0)\n"
                f"for i in range(3):\n    subprocess.Popen(['sleep', '{SLEEP_MARK}'], "
                "start_new_session=True)",
        "print": "while True:\n    print('x' * 5000)",
        "die": "import os\nos._exit(3)",
    }


def _make_class(folder: Path, out: Path) -> Path:
    roster = folder / "roster.csv"
    roster.write_text("student_id\n" + "\n".join(IDS.values()) + "\n", encoding="utf-8")
    proc = run_cli("render", "--roster", str(roster), "--variant", "student", "--notebooks",
                   str(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb"), "--no-execute", "--out",
                   str(folder / "issued"), env={"COURSEKIT_SECRET": SECRET})
    assert proc.returncode == 0, proc.stderr

    def issued(sid: str):
        return nbformat.read(folder / "issued" / _label(sid) / "student" / f"{NOTEBOOK}.ipynb",
                             as_version=4)

    subs = folder / "submissions"

    def save(sid: str, nb, name: str = f"{NOTEBOOK}.ipynb", mtime: float | None = None):
        (subs / sid).mkdir(parents=True, exist_ok=True)
        path = subs / sid / name
        nbformat.write(nb, path)
        if mtime is not None:
            os.utime(path, (mtime, mtime))

    now = time.time()
    right = _right(NORMAL["right"])
    save(NORMAL["right"], _set_answers(issued(NORMAL["right"]), right), mtime=now)
    save(NORMAL["right"], issued(NORMAL["right"]), f"{NOTEBOOK}-draft.ipynb", now - 86400)
    save(NORMAL["blank"], _drop_answer_cells(issued(NORMAL["blank"]), "01.3"))
    c = _course(NORMAL["trap"])
    items = list(c.codebook.item_ids)
    save(NORMAL["trap"], _set_answers(issued(NORMAL["trap"]), {
        "01.1": int(c.n), "01.2": int(c.cleaning.flags["attention_failed"].sum()),
        "01.3": float(c.raw[items].isna().to_numpy().mean())}))
    save(NORMAL["copy"], _set_answers(issued(NORMAL["copy"]), right))
    save(NORMAL["swap"], _set_answers(issued(NORMAL["blank"]), _right(NORMAL["swap"])))
    attacks = _attacks(subs, out)
    for kind, sid in HOSTILE.items():
        answers = _right(sid)
        if kind == "env":
            answers.pop("01.1")
        if kind == "patch":
            answers = {"01.1": 1, "01.2": 1, "01.3": 99.0}
        save(sid, _hostile(issued(sid), attacks[kind], answers))
    # Bad input, reported while the rest are graded.
    (subs / NORMAL["blank"] / "notes.pdf").write_bytes(b"%PDF-1.4 not a notebook")
    (subs / NORMAL["blank"] / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    other = issued(NORMAL["trap"])
    other.metadata["coursekit"]["course"] = "another-course"
    save(NORMAL["trap"], other, "other_course.ipynb")
    later = issued(NORMAL["trap"])
    later.metadata["coursekit"]["notebook"] = "02_measuring_motives"
    save(NORMAL["trap"], later, "02_measuring_motives.ipynb")
    save("qa-ghost-k7", issued(NORMAL["right"]))
    return roster


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """The class graded once, in this process (so that its child processes can be checked)."""
    from coursekit import cli

    folder = tmp_path_factory.mktemp("grade-class")
    out = folder / "grades"
    roster = _make_class(folder, out)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    buffer, errors = io.StringIO(), io.StringIO()
    os.environ["COURSEKIT_SECRET"] = SECRET
    os.environ["CK_TEST_MARKER"] = MARKER
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
            code = cli.main(["grade", str(folder / "submissions"), "--roster", str(roster),
                             "--notebooks", str(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb"),
                             "--out", str(out), "--jobs", "2", "--cell-timeout", "15",
                             "--timeout", "120", "--memory-mb", "1536", "--output-kb", "256"])
    finally:
        os.environ.pop("COURSEKIT_SECRET", None)
        os.environ.pop("CK_TEST_MARKER", None)
    time.sleep(0.5)
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    return {"folder": folder, "out": out, "code": code, "stdout": buffer.getvalue(),
            "stderr": errors.getvalue(), "left": left,
            "book": pd.read_csv(out / "gradebook.csv", dtype={"student_id": str},
                                keep_default_na=False).set_index("student_id")}


def _statuses(book: pd.DataFrame, sid: str) -> list[str]:
    return [book.loc[sid, f"{k} status"] for k in KEYS]


def _checked(sid: str, answers: dict[str, object]) -> list[str]:
    """What the notebook's own check() says in this process: the independent expectation."""
    course = _course(sid)
    return [check(k, answers.get(k), course).status for k in KEYS]


def test_exit_code_and_summary(graded):
    assert graded["code"] == 1, graded["stderr"]
    out = graded["stdout"]
    assert "12 graded, 1 not graded" in out
    assert "kernels: " in out and "problems:" in out
    assert SECRET not in out + graded["stderr"]


def test_ordinary_students_exact_rows(graded):
    book = graded["book"]
    right = _right(NORMAL["right"])
    assert _statuses(book, NORMAL["right"]) == ["correct"] * 3
    assert book.loc[NORMAL["right"], "total"] == 3.0
    assert _statuses(book, NORMAL["blank"]) == ["not attempted"] * 3
    c = _course(NORMAL["trap"])
    trap = {"01.1": int(c.n), "01.2": int(c.cleaning.flags["attention_failed"].sum()),
            "01.3": float(c.raw[list(c.codebook.item_ids)].isna().to_numpy().mean())}
    assert _statuses(book, NORMAL["trap"]) == _checked(NORMAL["trap"], trap)
    assert _statuses(book, NORMAL["copy"]) == _checked(NORMAL["copy"], right)
    assert _statuses(book, NORMAL["swap"]) == ["correct"] * 3
    for sid in NORMAL.values():
        points = [book.loc[sid, f"{k} points"] for k in KEYS]
        want = [{"correct": 1.0, "close": 0.5}.get(s, 0.0) for s in _statuses(book, sid)]
        assert points == want and book.loc[sid, "total"] == sum(want)
    assert sorted(book.index) == sorted(IDS.values())


def test_flags(graded):
    book = graded["book"]
    assert "2 submissions of 01_meet_the_data: graded the later" in \
        book.loc[NORMAL["right"], "flags"]
    assert f"issued to another student (student {NORMAL['blank']})" in \
        book.loc[NORMAL["swap"], "flags"]
    copy_own = _checked(NORMAL["copy"], _right(NORMAL["right"]))[2]
    assert ("matches another student's data (01.3)" in book.loc[NORMAL["copy"], "flags"]) \
        == (copy_own != "correct")
    assert copy_own != "correct"  # seeds differ: the copied 01.3 is not this student's
    for sid in [NORMAL["right"], NORMAL["trap"], NORMAL["blank"]]:
        assert "matches another" not in book.loc[sid, "flags"]


def test_bad_input_is_reported_and_the_rest_graded(graded):
    problems = pd.read_csv(graded["out"] / "problems.csv", keep_default_na=False)
    text = "\n".join(problems["file"] + " " + problems["problem"])
    assert re.search(r"notes\.pdf .*not a notebook", text)
    assert re.search(r"broken\.ipynb .*broken JSON at line 1", text)
    assert re.search(r"other_course\.ipynb .*another course", text)
    assert re.search(r"02_measuring_motives\.ipynb .*another assignment", text)
    assert re.search(r"qa-ghost-k7.*not on the roster", text)
    assert re.search(r"2 submissions .*graded the later", text)
    book = graded["book"]
    assert "not in the notebook" in (graded["out"] / _label(NORMAL["blank"]) /
                                     "feedback.html").read_text(encoding="utf-8")
    # The attack is cell 5 of the submission: imports, parameters, injected ones, start.
    assert "not graded: cell 5: stopped: the kernel died" in book.loc[HOSTILE["die"], "flags"]
    assert _statuses(book, HOSTILE["die"]) == ["not graded"] * 3


def test_hostile_notebooks_gain_nothing_and_are_contained(graded):
    book, out = graded["book"], graded["out"]
    assert _statuses(book, HOSTILE["patch"]) == ["incorrect"] * 3
    for kind in ("write", "loop", "memory", "fork", "print"):
        assert _statuses(book, HOSTILE[kind]) == ["correct"] * 3, kind
    assert _statuses(book, HOSTILE["env"]) == ["incorrect", "correct", "correct"]
    page = (out / _label(HOSTILE["env"]) / "feedback.html").read_text(encoding="utf-8")
    assert "PATH" in page and "HOME" in page  # it did read its environment ...
    for secret in (SECRET, MARKER, "COURSEKIT_SECRET", "CK_TEST_MARKER"):
        assert secret not in page  # ... which held nothing of the grader's
    # Another user id (the grader runs as root) cannot write into the grader's folders; with
    # the grader's own id the kernel can, as the README and the summary say.
    planted = [(graded["folder"] / "submissions" / "planted.txt").exists(),
               (out / "planted.txt").exists()]
    assert planted == [not isolation().other_user] * 2
    assert "kernels: " + isolation().describe() in graded["stdout"]
    notes = {kind: (out / _label(sid) / "feedback.html").read_text(encoding="utf-8")
             for kind, sid in HOSTILE.items()}
    assert "CellTimeout" in notes["loop"]
    assert "MemoryError" in notes["memory"]
    assert "output past 256 KiB was cut" in notes["print"]
    if isolation().other_user:
        # Its parent folder cannot be listed by the kernel's user.
        assert "PermissionError(13, \\&#x27;Permission denied" in notes["env"]


def test_grader_ends_every_process_it_started(graded):
    assert graded["left"] == []
    strays = []
    for proc in psutil.process_iter(["cmdline", "uids"]):
        cmd = proc.info["cmdline"] or []
        uids = proc.info["uids"]
        if cmd[:2] == ["sleep", SLEEP_MARK] or (uids and uids.real >= SANDBOX_UID_BASE) \
                or "coursekit.grade.kernel" in " ".join(cmd):
            strays.append((proc.pid, cmd))
    assert strays == []


def test_feedback_pages_hold_no_secret_nor_other_students(graded):
    out = graded["out"]
    labels = {sid: _label(sid) for sid in IDS.values()}
    pages = sorted(out.glob("s-*/feedback.html"))
    assert len(pages) == len(IDS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.rstrip().endswith("</html>")
        assert SECRET not in text
        for sid, label in labels.items():
            assert sid not in text
            if label != page.parent.name:
                assert label not in text
    report = (out / "report.html").read_text(encoding="utf-8")
    assert SECRET not in report and not any(sid in report for sid in IDS.values())
    assert not any(label in report for label in labels.values())


def test_class_report_counts_traps_and_matches_the_gradebook(graded):
    from coursekit.grade import itemstats

    book = graded["book"]
    graded_rows = book[[not f.count("not graded") for f in book["flags"]]]
    scores = graded_rows[[f"{k} points" for k in KEYS]].astype(float)
    scores.columns = list(KEYS)
    report = (graded["out"] / "report.html").read_text(encoding="utf-8")
    assert "plotly.min.js" in report and (graded["out"] / "plotly.min.js").is_file()
    kr = itemstats.kr20((scores >= 1).astype(float))
    assert f"KR-20 (correct or not): {kr:.2f}" in report
    hint = exercise("01.1").traps[0].hint
    assert re.search(re.escape(hint) + r"</td><td>1</td>", report)
    assert f"{len(graded_rows)} students graded" in report


def test_issued_notebooks_carry_the_label_not_the_id(graded):
    for sid in IDS.values():
        path = graded["folder"] / "issued" / _label(sid) / "student" / f"{NOTEBOOK}.ipynb"
        text = path.read_text(encoding="utf-8")
        meta = json.loads(text)["metadata"]["coursekit"]
        assert meta == {"course": "chasing-followers", "assignment": NOTEBOOK,
                        "notebook": NOTEBOOK, "issued_for": _label(sid), "variant": "student"}
        assert sid not in text


def test_canvas_csv(graded):
    canvas = pd.read_csv(graded["out"] / "canvas.csv", dtype=str, keep_default_na=False)
    assert list(canvas.columns[:5]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas.iloc[0, 0] == "Points Possible" and canvas.iloc[0, 5] == "3"
    rows = canvas.iloc[1:].set_index("ID")
    assert rows.loc[NORMAL["right"]].iloc[-1] == "3"
    assert rows.loc[NORMAL["blank"]].iloc[-1] == "0"


def test_resume_reuses_results(graded, tmp_path):
    from coursekit.grade import run as grade

    plan = grade.plan_grade(graded["folder"] / "submissions",
                            roster=graded["folder"] / "roster.csv", secret=SECRET,
                            notebooks=str(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb"),
                            out=graded["out"],
                            limits=grade.Limits(cell_timeout=15, notebook_timeout=120,
                                                memory_mb=1536, output_kb=256))
    before = (graded["out"] / "gradebook.csv").read_text(encoding="utf-8")
    # Only the kernel that died (not cached) runs again.
    summary = grade.run_grade(plan, jobs=1, resume=True)
    assert len(summary.skipped) == 12 and len(summary.results) == 13
    assert (graded["out"] / "gradebook.csv").read_text(encoding="utf-8") == before


def test_grading_pages_pass_axe(graded, tmp_path):
    from tests.browser_support import axe_violations, chromium_context, require_chromium

    require_chromium()
    out = graded["out"]
    pages = [out / "report.html", *sorted(out.glob("s-*/feedback.html"))]
    assert len(pages) == 1 + len(IDS)
    with chromium_context(tmp_path / "profile") as context:
        page = context.new_page()
        problems = [line for path in pages for line in axe_violations(page, path)]
    assert not problems, f"{len(problems)} axe violation(s):\n" + "\n".join(problems[:40])


PROBE = ("import os, resource, socket\n"
         "try:\n    socket.create_connection(('192.0.2.1', 9), timeout=1)\n    net = 'reached'\n"
         "except OSError as e:\n    net = type(e).__name__\n"
         "cmd = open('/proc/self/cmdline').read().replace(chr(0), ' ')\n"
         "limit = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
         "secret = 'COURSEKIT_SECRET' in os.environ\n"
         "answer_01_1 = f'{cmd} | uid={os.getuid()} | net={net} | as={limit} | secret={secret}'")


@pytest.mark.parametrize("start", ["warm", "fresh"])
def test_a_warm_submission_kernel_is_forked_and_sandboxed_as_a_fresh_one(graded, tmp_path,
                                                                        start):
    """One probing submission graded with each kernel start: what its kernel sees of itself."""
    folder = graded["folder"]
    sid = HOSTILE["env"]
    issued = nbformat.read(folder / "issued" / _label(sid) / "student" / f"{NOTEBOOK}.ipynb",
                           as_version=4)
    subs = tmp_path / "submissions" / sid
    subs.mkdir(parents=True)
    answers = _right(sid)
    answers.pop("01.1")
    nbformat.write(_hostile(issued, PROBE, answers), subs / f"{NOTEBOOK}.ipynb")
    proc = run_cli("grade", str(tmp_path / "submissions"), "--roster", str(folder / "roster.csv"),
                   "--notebooks", str(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb"),
                   "--out", str(tmp_path / "grades"), "--jobs", "1", "--memory-mb", "1536",
                   "--kernel-start", start, env={"COURSEKIT_SECRET": SECRET})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "warm kernel unavailable" not in proc.stderr, proc.stderr
    book = pd.read_csv(tmp_path / "grades" / "gradebook.csv", dtype={"student_id": str},
                       keep_default_na=False).set_index("student_id")
    assert _statuses(book, sid) == ["incorrect", "correct", "correct"]
    page = (tmp_path / "grades" / _label(sid) / "feedback.html").read_text(encoding="utf-8")
    seen = re.search(r"-m coursekit\.(\w+)\.(\w+)[^|]*\| uid=(\d+) \| net=(\w+) \| as=(\d+) "
                     r"\| secret=(\w+)", page)
    assert seen, page
    launcher, uid, net, limit, secret = ".".join(seen.group(1, 2)), *seen.group(3, 4, 5, 6)
    # A forked kernel keeps the template's command line; a started one shows its launcher.
    assert launcher == {"warm": "render.warm", "fresh": "grade.kernel"}[start]
    assert int(limit) == 1536 * 2**20 and secret == "False"
    if isolation().other_user:
        assert int(uid) >= SANDBOX_UID_BASE
    if isolation().network != "none":
        assert net != "reached"
