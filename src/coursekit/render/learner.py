"""The notebooks a learner opens: student copies of the course, made from the one source.

``notebooks/`` is the course's single source: the instructor variant, solutions in
``solution``-tagged cells, outputs stored so that nbval guards them. A learner never opens
it. ``make lab`` and Binder's ``postBuild`` run this module, which writes the **student**
variant of every source notebook (:func:`coursekit.render.variants.make_variant`: each
solution replaced by a placeholder that still runs, every output cleared, so no check shows
a stored "correct") into a learner folder, ``learner/`` by default.

A copy that is already there is the learner's own work: it is kept, never overwritten
(delete it to get a fresh one).

>>> import tempfile, nbformat
>>> out = Path(tempfile.mkdtemp())
>>> written = write_student_copies(out)
>>> [p.name for p in written][:2]
['00_welcome.ipynb', '01_meet_the_data.ipynb']
>>> nb = nbformat.read(out / "01_meet_the_data.ipynb", as_version=4)
>>> [c.source for c in nb.cells if "solution" in c.metadata.get("tags", [])][0]
'answer_01_1 = None  # write your answer here\\n'
>>> write_student_copies(out)  # a second run keeps the learner's work
[]
"""

from __future__ import annotations

import sys
from pathlib import Path

from coursekit.common.atomic import atomic_write_text

#: Where ``make lab`` and Binder put the learner's copies (relative to the checkout).
LEARNER_FOLDER = "learner"


def write_student_copies(out: str | Path, pattern: str | None = None) -> list[Path]:
    """Write the student variant of each course notebook into ``out``; return those written.

    ``pattern`` is a glob of source notebooks (default: the course's ``notebooks/``, see
    :func:`coursekit.render.sources.load_notebooks`). Copies already in ``out`` are kept.
    """
    import nbformat

    from coursekit.render.sources import load_notebooks
    from coursekit.render.variants import make_variant

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in load_notebooks(pattern):
        target = folder / source.path.name
        if target.exists():
            continue
        student = make_variant(source.node, "student")
        atomic_write_text(target, nbformat.writes(student) + "\n")
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    """``python -m coursekit.render.learner [FOLDER]``: write the missing student copies."""
    out = Path(argv[0] if argv else LEARNER_FOLDER)
    written = write_student_copies(out)
    kept = sorted(p.name for p in out.glob("[0-9][0-9]_*.ipynb")
                  if p not in written)
    print(f"{out}/: {len(written)} student notebook(s) written"
          + (f", {len(kept)} kept as you left them (delete one to get it fresh)" if kept else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
