"""One feedback page per student, under their pseudonymous folder: ``OUT/<label>/feedback.html``.

Per graded notebook: each exercise's question, the student's answer, the status and the
feedback (the course's own hint, or the pointed hint of the trap the answer fell into),
and what happened while the notebook ran (a cell that erred or hit a limit). The page
names the student by their label only; it never shows a student id, the course secret,
another student's label or the instructor's flags (:mod:`coursekit.grade.gradebook` has
those).

>>> html = feedback_page("s-0000abcd", [])
>>> "s-0000abcd" in html and "</html>" in html
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coursekit.grade.expected import Verdict
from coursekit.grade.pages import esc, page, table

_LABELS = {"correct": "✔ correct", "close": "≈ close", "incorrect": "✘ incorrect",
           "not attempted": "… not attempted", "not available": "– not available",
           "not graded": "not graded"}


@dataclass(frozen=True)
class NotebookFeedback:
    """What one student's page says about one notebook."""

    title: str
    verdicts: tuple[Verdict, ...]
    questions: dict[str, str]
    notes: tuple[str, ...] = ()
    submitted: bool = True


def _answer(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def feedback_page(label: str, notebooks: Sequence[NotebookFeedback]) -> str:
    """The HTML page of student ``label`` (see the module docstring)."""
    parts = [f"<p>Feedback on your submitted notebooks. Every expected answer was computed "
             f"from your own data (cohort {esc(label)}).</p>"]
    for nb in notebooks:
        parts.append(f"<h2>{esc(nb.title)}</h2>")
        if not nb.submitted:
            parts.append('<p class="note">No submission of this notebook was received.</p>')
            continue
        points = sum(v.points for v in nb.verdicts)
        parts.append(f"<p>Points: {points:g} of {len(nb.verdicts)}.</p>")
        rows = [(esc(v.key), esc(nb.questions.get(v.key, "")), f"<code>{esc(_answer(v.answer))}"
                 "</code>", f'<span class="st-{esc(v.status.replace(" ", "-"))}">'
                 f"{esc(_LABELS.get(v.status, v.status))}</span>", esc(v.message))
                for v in nb.verdicts]
        parts.append(table(("Exercise", "Question", "Your answer", "Status", "Feedback"), rows,
                           raw=True))
        if nb.notes:
            parts.append("<p>While your notebook ran:</p><ul>"
                         + "".join(f'<li class="note">{esc(n)}</li>' for n in nb.notes)
                         + "</ul>")
    return page(f"Feedback — {label}", "\n".join(parts), root="../")
