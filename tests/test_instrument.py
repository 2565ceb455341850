import html
import re
import shutil
from html.parser import HTMLParser

import pytest

from coursekit.common.errors import CodebookError, OptionError
from coursekit.common.paths import codebook_dir
from coursekit.survey.codebook import read_codebook
from coursekit.survey.instrument import (
    ABOUT_YOU,
    CONSENT_OPTIONS,
    CONSENT_QUESTION,
    build_questionnaire,
    render_instrument,
    to_html,
    to_markdown,
    to_qualtrics,
    write_instrument,
)
from tests.conftest import run_cli

ALLOWED_TAG = re.compile(
    r"\[\[(AdvancedFormat|Block:[\w ]+|PageBreak|ID:\w+|AdvancedChoices|Choice:\d+|"
    r"Question:(MC:SingleAnswer:(Horizontal|Vertical)|TE:SingleLine|TE:Essay|DB))\]\]")


def parse_qualtrics(text: str) -> list[dict]:
    """Blocks of an Advanced Format file: name and questions (type, id, text, choices)."""
    lines = text.split("\n")
    assert lines[0] == "[[AdvancedFormat]]"
    blocks: list[dict] = []
    question = None
    expect = None
    for raw in lines[1:]:
        line = raw.rstrip()
        if line.startswith("[["):
            assert ALLOWED_TAG.fullmatch(line), line
        if line.startswith("[[Block:"):
            blocks.append({"name": line[8:-2], "questions": []})
            question = None
        elif line.startswith("[[Question:"):
            question = {"type": line[11:-2], "id": None, "text": None, "choices": []}
            blocks[-1]["questions"].append(question)
            expect = "id"
        elif line.startswith("[[ID:"):
            assert expect == "id", "an ID must follow its question type"
            question["id"] = line[5:-2]
            expect = "text"
        elif line == "[[AdvancedChoices]]":
            expect = "choice"
        elif line.startswith("[[Choice:"):
            question["choices"].append([int(line[9:-2]), None])
            expect = "label"
        elif line == "":
            expect = None
        elif expect == "text":
            question["text"] = line
            expect = None
        elif expect == "label":
            question["choices"][-1][1] = line
            expect = "choice"
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return blocks


def test_qualtrics_file_has_every_item_once_with_its_choices_in_order(codebook):
    blocks = parse_qualtrics(render_instrument("qualtrics"))
    names = [b["name"] for b in blocks]
    assert names == ["introduction", *codebook.scale_names(), ABOUT_YOU]
    all_ids = [q["id"] for b in blocks for q in b["questions"]]
    assert len(all_ids) == len(set(all_ids))
    for block in blocks[1:-1]:
        scale = codebook.scale(block["name"])
        assert block["questions"][0]["type"] == "DB"
        assert block["questions"][0]["text"] == scale.instructions
        items = [q for q in block["questions"] if codebook.has_item(q["id"])]
        assert [q["id"] for q in items] == list(scale.item_ids)
        for q in items:
            rs = codebook.item(q["id"]).response_scale
            assert q["type"] == "MC:SingleAnswer:Horizontal"
            assert q["text"] == codebook.item(q["id"]).wording
            assert q["choices"] == [[v, lab] for v, lab in zip(rs.values, rs.labels, strict=True)]
    check = [q for b in blocks for q in b["questions"] if q["id"] == "attention_check"]
    assert len(check) == 1
    assert [4, "Agree"] in check[0]["choices"]
    consent = blocks[0]["questions"][1]
    assert consent["id"] == "consent" and consent["text"] == CONSENT_QUESTION
    assert consent["choices"] == [list(o) for o in CONSENT_OPTIONS]


def test_qualtrics_respondent_questions(codebook):
    about = {q["id"]: q for q in parse_qualtrics(render_instrument("qualtrics"))[-1]["questions"]}
    gender = codebook.variable("gender")
    assert about["gender"]["choices"] == [[k, lab] for k, lab in
                                          enumerate(gender.option_labels, start=1)]
    assert about["age"]["type"] == "TE:SingleLine"
    assert about["comment"]["type"] == "TE:Essay"
    assert "respondent_id" not in about and "completion_seconds" not in about


def test_time_scale_starting_at_zero_keeps_its_values(codebook):
    blocks = parse_qualtrics(render_instrument("qualtrics"))
    wel1 = next(q for b in blocks for q in b["questions"] if q["id"] == "wel1")
    assert wel1["choices"][0] == [0, "At no time"]


def test_markdown_is_complete(codebook):
    text = to_markdown(build_questionnaire())
    assert text.startswith("# ")
    for item in codebook.items:
        assert text.count(item.wording) == 1, item.id
    for scale in codebook.scales:
        assert f"*{scale.instructions}*" in text
        for label in scale.response_scale.labels:
            assert label in text
    for var in codebook.variables:
        if var.question:
            assert var.question.replace("_", "\\_") in text
        for label in var.option_labels:
            assert label in text
    assert CONSENT_QUESTION in text and "val1" not in text
    assert "`[val1]`" in to_markdown(build_questionnaire(), show_ids=True)


class _Balance(HTMLParser):
    VOID = {"meta", "br", "link", "img", "input", "hr"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_well_formed_self_contained_and_complete(codebook):
    page = to_html(build_questionnaire(seed=5))
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    text = " ".join(parser.text)
    for item in codebook.items:
        assert item.wording in text
    assert page.count("<table>") == len(codebook.scales)
    assert "<script" not in page and "http" not in page
    assert "don&#x27;t" in page  # aut2's apostrophe is escaped
    assert html.unescape(page).count("Prefer not to say") == 1


def test_shuffle_within_blocks_is_seeded(codebook):
    plain = build_questionnaire()
    a, b, c = build_questionnaire(seed=1), build_questionnaire(seed=1), build_questionnaire(seed=2)
    assert a == b and a != c
    for x, y in zip(plain.blocks, a.blocks, strict=True):
        assert x.name == y.name
        assert sorted(q.id for q in x.questions) == sorted(q.id for q in y.questions)
    scale_blocks = [(x, y) for x, y in zip(plain.blocks, a.blocks, strict=True)
                    if x.name != ABOUT_YOU]
    assert any(x.questions != y.questions for x, y in scale_blocks)
    assert plain.blocks[-1] == a.blocks[-1]  # respondent questions keep their order
    assert [q.id for q in plain.blocks[0].questions] == list(codebook.scale("validation").item_ids)
    parsed = parse_qualtrics(to_qualtrics(a))[1:]
    for block, shuffled in zip(parsed, a.blocks, strict=True):
        assert [q["id"] for q in block["questions"][1:]] == [q.id for q in shuffled.questions]


def test_unknown_format_is_an_error(tmp_path):
    with pytest.raises(OptionError, match="unknown format 'pdf'"):
        write_instrument(tmp_path / "q.pdf", "pdf")
    assert list(tmp_path.iterdir()) == []


def test_codebook_option_labels_map_back_to_categories(codebook):
    gender = codebook.variable("gender")
    assert gender.category_of(" prefer NOT to say ") == "undisclosed"
    assert gender.category_of("Non-binary") == "non-binary"
    assert gender.category_of("robot") is None
    region = codebook.variable("region")
    assert region.option_labels == region.categories  # no labels: the categories are shown
    status = codebook.variable("creator_status")
    assert status.category_of("I post every week") == "regular"


def test_category_labels_must_match_categories(tmp_path):
    target = tmp_path / "cb"
    shutil.copytree(codebook_dir(), target)
    path = target / "variables.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Non-binary|Prefer not to say", "Prefer not to say"),
                    encoding="utf-8")
    with pytest.raises(CodebookError, match="category_labels") as info:
        read_codebook(target)
    assert "variables.csv" in str(info.value) and "row 4" in str(info.value)


def test_cli_writes_each_format(tmp_path):
    for fmt, name in (("markdown", "q.md"), ("html", "q.html"), ("qualtrics", "q.txt")):
        out = run_cli("instrument", "--format", fmt, "--out", name, "--seed", "3", cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert (tmp_path / name).read_text(encoding="utf-8") == render_instrument(fmt, seed=3)
    bad = run_cli("instrument", "--format", "pdf", "--out", "q.pdf", cwd=tmp_path)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    assert not (tmp_path / "q.pdf").exists()


def _setup_comment(page: str) -> str:
    start = page.index("<!--")
    return page[start + 4:page.index("-->", start)]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("seed", [None, 5])
def test_google_forms_instructions_give_each_scale_its_range(codebook, fmt, seed):
    comment = html.unescape(_setup_comment(render_instrument(fmt, seed=seed)))
    assert "--" not in comment  # an HTML comment may not hold it
    lines = comment.splitlines()
    for k, scale in enumerate(codebook.scales, start=1):
        rs = scale.response_scale
        (line,) = [ln for ln in lines if ln.startswith(f"- Part {k} of ")
                   and f"{scale.label} ({len(scale.items)} statements)" in ln]
        assert (f"Linear scale: {rs.min} to {rs.max}, label {rs.min} '{rs.label(rs.min)}' and "
                f"{rs.max} '{rs.label(rs.max)}'") in line, scale.name
        assert ", ".join(f"{v} {lab}" for v, lab in zip(rs.values, rs.labels, strict=True)) \
            in line
    wellbeing = next(ln for ln in lines if "Wellbeing" in ln)
    assert "Linear scale: 0 to 5" in wellbeing
    check = codebook.variable("attention_check").response_scale
    (line,) = [ln for ln in lines if "attention check" in ln]
    assert f"Linear scale: {check.min} to {check.max}" in line
    assert "runs 1 to 5 unless you change it" in comment
