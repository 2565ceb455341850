import pytest

from coursekit.common.errors import CourseKitError, SurveyDataError
from coursekit.course import start
from coursekit.survey.simulate import simulate_survey, write_survey


def test_bundled_default(survey):
    c = start(cohort="A")
    assert c.synthetic and len(c.raw) == len(survey)
    assert c.n == len(survey) - int(c.cleaning.flags["careless"].sum())
    assert list(c.scores.columns) == list(c.codebook.scale_names())
    assert c.title("Scores") == "Scores — A"
    assert "bundled" in c.describe()


def test_seed_gives_personal_cohort():
    a, b = start(seed=3, n_respondents=200), start(seed=4, n_respondents=200)
    assert len(a.raw) == 200
    assert not a.raw.equals(b.raw)
    assert start(seed=3, n_respondents=200).raw.equals(a.raw)


def test_data_path_is_not_previewed_row_by_row(tmp_path):
    path = tmp_path / "class.csv"
    write_survey(simulate_survey(40, seed=2), path)
    c = start(data_path=str(path))
    assert not c.synthetic
    preview = c.preview()
    assert "respondent_id" not in preview.columns
    assert "respondent_id" in preview.index  # a per-column summary, not rows
    assert "comment" not in preview.index


def test_synthetic_preview_hides_free_text():
    assert "comment" not in start().preview().columns


def test_bad_inputs(tmp_path):
    with pytest.raises(CourseKitError, match="min_group_size"):
        start(min_group_size=0)
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent_id\nx\n", encoding="utf-8")
    with pytest.raises(SurveyDataError):
        start(data_path=str(bad))
    with pytest.raises(CourseKitError, match="at least 10"):
        start(seed=1, n_respondents=9)
    with pytest.raises(CourseKitError, match="min_group_size"):
        start(min_group_size=1)


def test_compare_falls_back_when_groups_are_too_small():
    from coursekit.analysis.stats import compare_groups
    from coursekit.course import UnavailableComparison

    big = start()
    result = big.compare("comparison", "gender", ["woman", "man"])
    ref = compare_groups(big.frame, "comparison", "gender", order=["woman", "man"])
    assert result.effect_size == ref.effect_size
    tiny = start(seed=4, n_respondents=14, min_group_size=8)
    fallback = tiny.compare("comparison", "gender", ["woman", "man"])
    assert isinstance(fallback, UnavailableComparison)
    assert "no comparison" in str(fallback) and fallback.groups.empty
    assert fallback.effect_size != fallback.effect_size  # NaN


def test_structure_scales_shrink_with_the_class():
    assert len(start().structure_scales()) == 7
    small = start(seed=2, n_respondents=30).structure_scales()
    assert 2 <= len(small) < 7 and small[:2] == ["validation", "influence"]
