import shutil

import pytest

from coursekit.common.errors import CodebookError
from coursekit.common.paths import codebook_dir
from coursekit.survey.codebook import load_codebook, read_codebook

# What DESIGN.md asks of each scale: (kind, item count range, reversed count range).
DESIGN = {
    "validation": ("motive", (5, 6), (1, 1)),
    "influence": ("motive", (5, 6), (1, 1)),
    "escapism": ("motive", (5, 6), (1, 1)),
    "creativity": ("motive", (5, 6), (1, 1)),
    "compulsive": ("pitfall", (6, 6), (0, 0)),
    "comparison": ("pitfall", (6, 6), (2, 2)),
    "authenticity": ("pitfall", (4, 6), (1, 5)),
    "self_esteem": ("outcome", (5, 10), (0, 10)),
    "wellbeing": ("outcome", (3, 10), (0, 10)),
}


def test_scales_follow_the_design(codebook):
    assert set(codebook.scale_names()) == set(DESIGN)
    for name, (kind, (lo, hi), (rlo, rhi)) in DESIGN.items():
        scale = codebook.scale(name)
        assert scale.kind == kind
        assert lo <= len(scale.items) <= hi, name
        assert rlo <= len(scale.reversed_ids) <= rhi, name


def test_published_response_formats(codebook):
    assert codebook.scale("compulsive").response_scale.values == (1, 2, 3, 4, 5)
    rosenberg = codebook.scale("self_esteem")
    assert rosenberg.response_scale.values == (1, 2, 3, 4)
    assert len(rosenberg.items) == 10 and len(rosenberg.reversed_ids) == 5


def test_demographics_and_check(codebook):
    for name in ("respondent_id", "age", "gender", "region", "daily_minutes", "creator_status",
                 "followers", "posts_per_week", "attention_check", "completion_seconds",
                 "comment"):
        assert codebook.has_variable(name)
    check = codebook.variable("attention_check")
    assert check.expected in check.response_scale.values
    assert codebook.variable("comment").identifying
    assert codebook.id_column == "respondent_id"


def test_labels_and_anchors(codebook):
    rs = codebook.item("val1").response_scale
    assert rs.label(4) == "Agree"
    assert rs.value_of("  strongly AGREE ") == 5
    assert rs.value_of("sometimes") is None
    assert codebook.label("self_esteem") == "Self-esteem"
    assert codebook.label("val1").startswith("val1: ")


def test_tables(codebook):
    items = codebook.items_table()
    assert len(items) == len(codebook.items)
    assert items.loc["val4", "reverse"]
    assert codebook.scales_table().loc["comparison", "reversed"] == "soc3, soc6"


def test_unknown_names_raise(codebook):
    with pytest.raises(CodebookError, match="unknown scale 'nope'"):
        codebook.scale("nope")
    with pytest.raises(CodebookError, match="unknown item"):
        codebook.item("x9")


def test_load_is_cached():
    assert load_codebook() is load_codebook()


@pytest.fixture
def codebook_copy(tmp_path):
    target = tmp_path / "cb"
    shutil.copytree(codebook_dir(), target)
    return target


def test_adding_an_item_is_a_data_edit(codebook_copy):
    with (codebook_copy / "items.csv").open("a", encoding="utf-8") as fh:
        fh.write("val7,validation,Likes decide my mood.,agree5,no\n")
    cb = read_codebook(codebook_copy)
    assert cb.scale("validation").item_ids[-1] == "val7"
    assert "val7" in cb.columns


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("items.csv", "val4,validation", "val4,validatoin", "column 'scale'"),
        ("items.csv", "val1,validation,Getting a lot of likes on a post makes me feel good "
         "about myself.,agree5,no", "val1,validation,x,agree5,maybe", "expected yes or no"),
        ("scales.csv", ",motive,", ",drive,", "column 'kind'"),
        ("response_scales.csv", "agree5,3,", "agree5,three,", "whole number"),
        ("variables.csv", "integer", "intger", "column 'type'"),
    ],
)
def test_malformed_codebook_names_file_row_and_value(codebook_copy, file, old, new, message):
    path = codebook_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CodebookError, match=message) as info:
        read_codebook(codebook_copy)
    assert file in str(info.value)


def test_missing_codebook_folder(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        read_codebook(tmp_path / "none")


def test_codebook_rows_are_spreadsheet_rows_after_a_blank_line(codebook_copy):
    # The codebook is read by the one CSV reader: a blank line counts as a row, as a
    # spreadsheet shows it (DictReader skipped it and named the row above).
    path = codebook_copy / "items.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = next(k for k, line in enumerate(lines) if line.startswith("val4,"))
    lines[bad] = lines[bad].replace("val4,validation", "val4,validatoin", 1)
    lines.insert(2, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=rf"items.csv: row {bad + 2}, column 'scale'"):
        read_codebook(codebook_copy)


def test_codebook_file_that_is_not_utf8_is_a_codebook_error(codebook_copy):
    path = codebook_copy / "scales.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("Need", "N\u00e9ed").encode("cp1252"))
    with pytest.raises(CodebookError, match="scales.csv: not UTF-8 text"):
        read_codebook(codebook_copy)


def test_short_codebook_rows_read_as_empty_cells(codebook_copy):
    path = codebook_copy / "items.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("val7,validation,Likes decide my mood.,agree5\n")  # no 'reverse' cell
    assert read_codebook(codebook_copy).item("val7").reverse is False


def test_id_lists_index_a_data_frame(codebook):
    import pandas as pd

    from coursekit.survey.simulate import simulate_survey

    df = simulate_survey(30, seed=1)
    items = df[codebook.item_ids]  # a tuple would be read as one MultiIndex label
    assert list(items.columns) == list(codebook.item_ids)
    assert list(df[codebook.scale("comparison").reversed_ids].columns) == ["soc3", "soc6"]
    assert isinstance(codebook.item_ids, list)
    # code written for the tuples keeps working
    assert codebook.scale("validation").item_ids == ("val1", "val2", "val3", "val4", "val5",
                                                     "val6")
    assert codebook.columns[-len(codebook.item_ids):] == tuple(codebook.item_ids)
    assert isinstance(pd.Index(codebook.item_ids), pd.Index)
