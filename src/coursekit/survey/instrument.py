"""The questionnaire, written out of the codebook.

:func:`build_questionnaire` lays the codebook out as a questionnaire: an
introduction, a consent question, one block per scale (its instructions, then
its items with the scale's answer options) with the attention check inside one
of them, and the respondent questions ("About you") last. Item order can be
shuffled within each block with a seed. Three writers turn it into a file:

``markdown`` / ``html``
    a clean, printable questionnaire (the HTML is one self-contained page).
``qualtrics``
    Qualtrics' Advanced Format TXT import syntax (``[[AdvancedFormat]]``,
    ``[[Block:...]]``, ``[[Question:MC:SingleAnswer:Horizontal]]``,
    ``[[ID:...]]``, ``[[AdvancedChoices]]`` / ``[[Choice:N]]``), so that the
    survey is imported in one step. Question IDs are the codebook's item ids
    and variable names, and each answer option's choice number is its codebook
    value, so a numeric export of the survey imports without a mapping.

The question texts are exactly what :mod:`coursekit.survey.importers` matches form
columns on: build a Google Form by using each item's wording as a question
title (or as a row of a multiple-choice grid) and each respondent question as
written. Items of a scale whose instructions are a sentence stem (compulsive
use: "During the past year, how often have you...") show the stem once, above
the block, and the item continues it; the importer accepts a title with or
without the stem.

Example
-------
>>> from coursekit.survey.instrument import build_questionnaire, to_markdown
>>> q = build_questionnaire(seed=3)
>>> [b.name for b in q.blocks][:2]
['validation', 'influence']
>>> to_markdown(q).startswith("# ")
True
"""

from __future__ import annotations

import html
import math
import random
from dataclasses import dataclass
from pathlib import Path

from coursekit.common.atomic import atomic_write_text
from coursekit.common.errors import OptionError
from coursekit.survey.codebook import Codebook, Variable, load_codebook
from coursekit.survey.consent import CONSENT_ID, CONSENT_OPTIONS, CONSENT_QUESTION

__all__ = ["ABOUT_YOU", "CONSENT_ID", "CONSENT_OPTIONS", "CONSENT_QUESTION", "FORMATS", "TITLE",
           "Block", "Question", "Questionnaire", "build_questionnaire", "google_forms_setup",
           "render_instrument",
           "to_html", "to_markdown", "to_qualtrics", "write_instrument"]

FORMATS = ("html", "markdown", "qualtrics")

TITLE = "TikTok and you: a questionnaire"
ABOUT_YOU = "about_you"

# Seconds a respondent needs per rating item and per other question (for the time estimate).
_SECONDS_PER_ITEM = 7
_SECONDS_PER_QUESTION = 15


@dataclass(frozen=True)
class Question:
    """One question: its column id, text, kind and answer options ``(code, label)``.

    ``kind`` is ``scale`` (a rating item or the attention check), ``choice``
    (a category; codes are positions 1..k), ``number`` or ``text``.
    """

    id: str
    text: str
    kind: str
    options: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Block:
    """A page of the questionnaire: a scale's items, or the respondent questions."""

    name: str
    title: str
    instructions: str
    questions: tuple[Question, ...]
    label: str = ""
    #: The codebook items among the questions (the attention check is not one).
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    """The whole questionnaire, ready to be written in any format."""

    title: str
    introduction: str
    consent: Question
    blocks: tuple[Block, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in display order (the consent question excluded)."""
        return tuple(q for b in self.blocks for q in b.questions)


def _variable_question(var: Variable) -> Question:
    if var.type == "category":
        options = tuple(enumerate(var.option_labels, start=1))
        return Question(var.name, var.question, "choice", options)
    if var.type == "check":
        rs = var.response_scale
        return Question(var.name, var.question, "scale",
                        tuple(zip(rs.values, rs.labels, strict=True)))
    kind = "text" if var.type == "text" else "number"
    return Question(var.name, var.question, kind)


def _check_host(cb: Codebook, check: Variable) -> str | None:
    """The scale whose block carries the attention check: the middle one sharing its options."""
    same = [s.name for s in cb.scales if s.response_scale == check.response_scale]
    return same[len(same) // 2] if same else None


def build_questionnaire(codebook: Codebook | None = None, seed: int | None = None) -> Questionnaire:
    """The questionnaire of ``codebook`` (the bundled one by default).

    With ``seed`` the items are shuffled within each scale block
    (:class:`random.Random`, so a seed gives the same order on every run);
    without it they keep codebook order. Blocks keep codebook order, and the
    respondent questions come last in codebook order.
    """
    cb = codebook or load_codebook()
    rng = random.Random(seed) if seed is not None else None
    checks = [v for v in cb.variables if v.type == "check" and v.question]
    hosts = {_check_host(cb, v): v for v in checks}
    blocks = []
    n_blocks = len(cb.scales) + 1
    for k, scale in enumerate(cb.scales, start=1):
        options = tuple(zip(scale.response_scale.values, scale.response_scale.labels, strict=True))
        questions = [Question(i.id, i.wording, "scale", options) for i in scale.items]
        if scale.name in hosts:
            questions.insert(len(questions) // 2 + 1, _variable_question(hosts.pop(scale.name)))
        if rng is not None:
            rng.shuffle(questions)
        blocks.append(Block(scale.name, f"Part {k} of {n_blocks}", scale.instructions,
                            tuple(questions), scale.label, scale.item_ids))
    about = [_variable_question(v) for v in cb.variables
             if v.question and v.type not in ("id", "check")]
    about += [_variable_question(v) for v in hosts.values()]  # a check with no host scale
    blocks.append(Block(ABOUT_YOU, f"Part {n_blocks} of {n_blocks}: about you",
                        "Finally, a few questions about you and how you use TikTok.",
                        tuple(about)))
    n_items = sum(len(b.questions) for b in blocks[:-1])
    minutes = math.ceil((n_items * _SECONDS_PER_ITEM + len(about) * _SECONDS_PER_QUESTION) / 60)
    youngest = cb.variable("age").min if cb.has_variable("age") else None
    age_line = f" You must be {youngest:g} or older to take part." if youngest else ""
    intro = (
        "This questionnaire asks why you use TikTok, what followers and likes mean to you, and "
        f"how you have been feeling. It takes about {minutes} minutes. There are no right or "
        "wrong answers: please answer each question as honestly as you can."
        f"{age_line} Taking part is voluntary; you may skip any question and stop at any time. "
        "Your answers are anonymous: please do not write your name or contact details anywhere."
    )
    consent = Question(CONSENT_ID, CONSENT_QUESTION, "choice", CONSENT_OPTIONS)
    return Questionnaire(TITLE, intro, consent, tuple(blocks))


# --- building the form by hand -------------------------------------------------------------

def _range_line(title: str, what: str, options: tuple[tuple[int, str], ...]) -> str:
    lo, hi = options[0][0], options[-1][0]
    labels = ", ".join(f"{v} {lab}" for v, lab in options)
    if lo in (0, 1) and 2 <= hi <= 10:  # the ends a Google Forms linear scale can have
        how = (f"Linear scale: {lo} to {hi}, label {lo} '{options[0][1]}' and {hi} "
               f"'{options[-1][1]}'; or a multiple-choice grid")
    else:
        how = f"a multiple-choice grid (a linear scale cannot run {lo} to {hi})"
    return f"- {title}, {what}: {how} whose columns are, in order: {labels}"


def google_forms_setup(questionnaire: Questionnaire) -> list[str]:
    """How to build the questionnaire as a Google Form, with each scale's range: the lines
    the Markdown and HTML writers put in a comment at the top (for the instructor; a
    printed questionnaire does not show them).

    Google Forms' linear scale runs 1 to 5 unless it is changed; a scale asked on another
    range gives answers that ``coursekit import`` refuses or warns about.

    >>> from coursekit.survey.instrument import build_questionnaire, google_forms_setup
    >>> lines = google_forms_setup(build_questionnaire())
    >>> next(ln for ln in lines if "Wellbeing" in ln).split(";")[0]
    "- Part 9 of 10, Wellbeing (5 statements): Linear scale: 0 to 5, label 0 'At no time' \
and 5 'All of the time'"
    """
    out = ["For a Google Form: use each statement and question below, word for word, as a "
           "question title (or as a row of a multiple-choice grid whose columns are the answer "
           "options). 'coursekit import' (source google-forms) matches the export's columns "
           "on these words.",
           "Set each scale's range exactly as below. Google Forms' linear scale runs 1 to 5 "
           "unless you change it (pick the low and the high end under the question); answers "
           "on another range are off by a point with no sign of it in each answer, and "
           "'coursekit import' can only refuse or warn when the class's answers show it:"]
    for block in questionnaire.blocks:
        for x in block.questions:
            if x.kind != "scale":
                continue
            if x.id in block.items and x.id == block.items[0]:
                out.append(_range_line(block.title, f"{block.label or block.name} "
                                       f"({len(block.items)} statements)", x.options))
            elif x.id not in block.items:
                out.append(_range_line(block.title, "its attention check", x.options))
    return out


def _comment(lines: list[str]) -> str:
    # "--" may not appear inside an HTML comment.
    body = "\n".join(lines).replace("--", "- -")
    return f"<!--\n{body}\n-->"


# --- Markdown -----------------------------------------------------------------------------

_BOX = "○"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _md_id(q: Question, show_ids: bool) -> str:
    return f" `[{q.id}]`" if show_ids else ""


def to_markdown(questionnaire: Questionnaire, show_ids: bool = False) -> str:
    """The questionnaire as Markdown: a table per scale block, one row per item.

    ``show_ids`` adds each question's column id (for entering paper answers).
    """
    q = questionnaire
    out = [f"# {_md(q.title)}", "", _md(q.introduction), "",
           f"**{_md(q.consent.text)}**", ""]
    out += [f"- {_BOX} {_md(label)}" for _, label in q.consent.options]
    out += ["", _comment(google_forms_setup(q)), ""]
    number = 0
    for block in q.blocks:
        out += [f"## {_md(block.title)}", "", f"*{_md(block.instructions)}*", ""]
        scale_qs = [x for x in block.questions if x.kind == "scale"]
        if scale_qs and len(scale_qs) == len(block.questions):
            options = scale_qs[0].options
            head = ["#", "Statement"] + [f"{v}<br>{_md(lab)}" for v, lab in options]
            out.append("| " + " | ".join(head) + " |")
            out.append("|---|---|" + "|".join(":-:" for _ in options) + "|")
            for x in block.questions:
                number += 1
                out.append(f"| {number} | {_md(x.text)}{_md_id(x, show_ids)} | "
                           + " | ".join(_BOX for _ in x.options) + " |")
            out.append("")
            continue
        for x in block.questions:
            number += 1
            out.append(f"**{number}. {_md(x.text)}**{_md_id(x, show_ids)}")
            out.append("")
            if x.kind in ("choice", "scale"):
                out.append("&emsp;".join(f"{_BOX} {_md(lab)}" for _, lab in x.options))
            elif x.kind == "number":
                out.append("Answer: ________")
            else:
                out += ["> " + "_" * 60, ">", "> " + "_" * 60]
            out.append("")
    out += ["---", "", "Thank you for taking part!", ""]
    return "\n".join(out)


# --- HTML ---------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.instructions { font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-size: .85rem; padding: .2rem 0; color: #444; }
th, td { border: 1px solid #bbb; padding: .35rem .4rem; vertical-align: middle; }
th { font-weight: 600; font-size: .8rem; background: #f3f3f3; }
td.box { text-align: center; font-size: 1.1rem; width: 4.2rem; }
td.num { width: 2rem; text-align: right; color: #555; }
.question { margin: 1rem 0 .3rem; font-weight: 600; }
.options span { margin-right: 1.5rem; white-space: nowrap; }
.line { border-bottom: 1px solid #888; height: 1.8rem; }
.answer { display: inline-block; border-bottom: 1px solid #888; width: 8rem; height: 1.2rem; }
.qid { font: .75rem monospace; color: #777; margin-left: .4rem; }
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid; }
               table { break-inside: auto; } tr { break-inside: avoid; } }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(questionnaire: Questionnaire, show_ids: bool = False) -> str:
    """The questionnaire as one self-contained, printable HTML page (no scripts, no assets)."""
    q = questionnaire

    def qid(x: Question) -> str:
        return f'<span class="qid">[{_h(x.id)}]</span>' if show_ids else ""

    def options(x: Question) -> str:
        return ('<p class="options">'
                + "".join(f"<span>{_BOX} {_h(lab)}</span>" for _, lab in x.options) + "</p>")

    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{_h(q.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
           f"<h1>{_h(q.title)}</h1>", f"<p>{_h(q.introduction)}</p>",
           _comment([html.escape(ln, quote=False) for ln in google_forms_setup(q)]),
           f'<section><p class="question">{_h(q.consent.text)}</p>{options(q.consent)}</section>']
    number = 0
    for block in q.blocks:
        out.append(f'<section id="{_h(block.name)}"><h2>{_h(block.title)}</h2>')
        out.append(f'<p class="instructions">{_h(block.instructions)}</p>')
        if all(x.kind == "scale" for x in block.questions):
            head = "".join(f'<th scope="col">{v}<br>{_h(lab)}</th>'
                           for v, lab in block.questions[0].options)
            out.append(f'<table><caption>{_h(block.title)}: one answer per statement</caption>'
                       f'<thead><tr><th scope="col">No.</th><th scope="col">Statement</th>{head}'
                       '</tr></thead><tbody>')
            for x in block.questions:
                number += 1
                boxes = "".join(f'<td class="box">{_BOX}</td>' for _ in x.options)
                out.append(f'<tr><td class="num">{number}</td><td>{_h(x.text)}{qid(x)}</td>'
                           f"{boxes}</tr>")
            out.append("</tbody></table></section>")
            continue
        for x in block.questions:
            number += 1
            out.append(f'<p class="question">{number}. {_h(x.text)}{qid(x)}</p>')
            if x.kind in ("choice", "scale"):
                out.append(options(x))
            elif x.kind == "number":
                out.append('<p><span class="answer"></span></p>')
            else:
                out.append('<div class="line"></div><div class="line"></div>')
        out.append("</section>")
    out += ["<p><strong>Thank you for taking part!</strong></p>", "</main>", "</body>", "</html>",
            ""]
    return "\n".join(out)


# --- Qualtrics Advanced Format TXT --------------------------------------------------------

def _qualtrics_text(text: str) -> str:
    # One line per text: a blank line would end the question early.
    return "<br>".join(ln.strip() for ln in text.splitlines() if ln.strip())


def _qualtrics_question(x: Question) -> list[str]:
    if x.kind == "scale":
        head = "[[Question:MC:SingleAnswer:Horizontal]]"
    elif x.kind == "choice":
        head = "[[Question:MC:SingleAnswer:Vertical]]"
    elif x.kind == "number":
        head = "[[Question:TE:SingleLine]]"
    else:
        head = "[[Question:TE:Essay]]"
    lines = [head, f"[[ID:{x.id}]]", _qualtrics_text(x.text)]
    if x.options:
        lines.append("[[AdvancedChoices]]")
        for code, label in x.options:
            lines += [f"[[Choice:{code}]]", _qualtrics_text(label)]
    return lines + [""]


def to_qualtrics(questionnaire: Questionnaire) -> str:
    """The questionnaire in Qualtrics' Advanced Format TXT import syntax.

    One ``[[Block:<scale>]]`` per scale (a descriptive-text question with the
    instructions, then the items), an ``introduction`` block with the consent
    question first and an ``about_you`` block last. Question IDs are codebook
    column names; choice numbers are codebook values (positions 1..k for
    categories), which Qualtrics uses as the answers' numeric codes in exports.
    """
    q = questionnaire
    out = ["[[AdvancedFormat]]", "", "[[Block:introduction]]", "",
           "[[Question:DB]]", "[[ID:introduction]]", _qualtrics_text(q.introduction), ""]
    out += _qualtrics_question(q.consent)
    for block in q.blocks:
        out += [f"[[Block:{block.name}]]", "",
                "[[Question:DB]]", f"[[ID:{block.name}_instructions]]",
                _qualtrics_text(block.instructions), ""]
        for x in block.questions:
            out += _qualtrics_question(x)
    return "\n".join(out)


# --- files --------------------------------------------------------------------------------

def render_instrument(fmt: str, codebook: Codebook | None = None, seed: int | None = None,
                      show_ids: bool = False) -> str:
    """The questionnaire as text in ``fmt`` (``html``, ``markdown`` or ``qualtrics``)."""
    if fmt not in FORMATS:
        raise OptionError(f"unknown format '{fmt}' (expected one of {', '.join(FORMATS)})")
    q = build_questionnaire(codebook, seed)
    if fmt == "markdown":
        return to_markdown(q, show_ids)
    if fmt == "html":
        return to_html(q, show_ids)
    return to_qualtrics(q)


def write_instrument(path: str | Path, fmt: str, codebook: Codebook | None = None,
                     seed: int | None = None, show_ids: bool = False) -> Path:
    """Write the questionnaire in ``fmt`` to ``path`` atomically; return the path."""
    return atomic_write_text(path, render_instrument(fmt, codebook, seed, show_ids))
