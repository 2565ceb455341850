"""The course's CFA, invariance and ordinal reliability: on the cohort's scales, or why not."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coursekit.analysis.cfa import cfa
from coursekit.analysis.invariance import measurement_invariance
from coursekit.analysis.polychoric import ordinal_alpha
from coursekit.analysis.reliability import cronbach_alpha
from coursekit.analysis.scoring import keyed_items
from coursekit.course import psychometrics, settings, start
from coursekit.course.exercises import check, exercise
from coursekit.course.psychometrics import UnavailableCFA, cfa_scales, fit_table

GENDERS = ["woman", "man"]


@pytest.fixture(scope="module")
def bundled():
    return start()


@pytest.fixture(scope="module", params=[12, 30])
def small(request):
    return start(seed=3, n_respondents=request.param)


def test_cfa_fits_every_motive_and_pitfall_on_the_bundled_cohort(bundled):
    model = bundled.cfa()
    scales = [*bundled.codebook.scale_names("motive"), *bundled.codebook.scale_names("pitfall")]
    assert list(model.factor_correlations.index) == scales == cfa_scales(bundled)
    direct = cfa(bundled.data, scales, bundled.codebook)
    assert model.fit.cfi == pytest.approx(direct.fit.cfi, abs=1e-9)
    assert bundled.cfa() is model                      # fitted once, shared with the key
    assert exercise("04.3").expected(bundled) == model.fit.cfi


def test_cfa_keeps_five_complete_answers_per_item(bundled):
    scales = cfa_scales(bundled, per_item=15)          # asks more: fewer scales qualify
    assert 2 <= len(scales) < 7
    items = keyed_items(bundled.data, scales, bundled.codebook)
    assert len(items.dropna()) >= 15 * items.shape[1]


def test_small_class_says_in_one_sentence_what_is_not_available(small):
    model = small.cfa()
    assert isinstance(model, UnavailableCFA)
    text = str(model.fit)
    assert text.startswith("A CFA is not available for this cohort") and text.count(". ") == 0
    assert math.isnan(model.fit.cfi) and model.loadings.empty and model.residuals.empty
    assert fit_table(model.fit)["meets"].isna().all()
    inv = small.invariance("gender", GENDERS)
    assert not inv.available and inv.groups == {}
    assert str(inv).startswith("Measurement invariance across gender is not available")
    assert inv.table.isna().all().all() and list(inv.table.index) == ["configural", "metric",
                                                                      "scalar"]
    assert inv.verdicts() == str(inv)


def test_small_class_exercises_are_not_available(small):
    for key, answer in (("04.3", round(small.cfa().fit.cfi, 2)),
                        ("04.4", small.invariance("gender", GENDERS).table.loc["metric",
                                                                                "delta_cfi"])):
        assert check(key, answer, small).status == "not available"


def test_invariance_matches_the_analysis_on_the_groups_it_keeps(bundled):
    inv = bundled.invariance("gender", GENDERS)
    assert inv.available and list(inv.groups) == GENDERS
    need = settings.CFA_PER_ITEM * sum(len(bundled.codebook.scale(s).item_ids)
                                       for s in inv.scales)
    assert min(inv.groups.values()) >= max(need, bundled.min_group_size)
    direct = measurement_invariance(bundled.data, "gender", inv.scales, bundled.codebook,
                                    groups=GENDERS)
    assert np.allclose(inv.table.to_numpy(), direct.to_numpy(), equal_nan=True)
    assert "change in CFI" in inv.verdicts() and "metric" in inv.verdicts()
    assert exercise("04.4").expected(bundled) == inv.table.loc["metric", "delta_cfi"]


def test_a_group_below_the_threshold_is_left_out_and_not_described(bundled):
    small_group = "non-binary"
    inv = bundled.invariance("gender", [*GENDERS, small_group])
    assert small_group not in inv.groups and small_group not in str(inv)
    n_small = int((bundled.data["gender"] == small_group).sum())
    assert f"n = {n_small}" not in str(inv)


def test_a_high_min_group_size_makes_invariance_unavailable_without_counts():
    course = start(min_group_size=400)
    inv = course.invariance("gender", GENDERS)
    assert not inv.available
    sizes = {int((course.data["gender"] == g).sum()) for g in GENDERS}
    assert not any(str(n) in str(inv) for n in sizes)


def test_ordinal_reliability_table(bundled):
    table = bundled.ordinal_reliability()
    assert list(table.index) == list(bundled.codebook.scale_names())
    items = keyed_items(bundled.data, "self_esteem", bundled.codebook)
    assert table.loc["self_esteem", "ordinal_alpha"] == pytest.approx(ordinal_alpha(items))
    std = cronbach_alpha(items).standardized
    assert table.loc["self_esteem", "std_alpha"] == pytest.approx(std)
    assert table.loc["self_esteem", "options"] == 4
    assert (table["difference"] > 0).all()   # coarse items: polychoric above Pearson here
    assert exercise("02.4").expected(bundled) == table.loc["self_esteem", "ordinal_alpha"]


def test_fit_table_rules_of_thumb(bundled):
    table = fit_table(bundled.cfa().fit)
    assert list(table["rule of thumb"]) == [">= .95", ">= .95", "<= .06", "<= .08", "<= .08"]
    assert table.loc["CFI", "meets"] == (bundled.cfa().fit.cfi >= 0.95)


def test_adequacy_on_a_tiny_class_explains_a_singular_matrix():
    course = start(seed=3, n_respondents=12)
    items = keyed_items(course.data, course.structure_scales(), course.codebook)
    result = psychometrics.adequacy(items)
    assert result.kmo is None and "not available" in str(result)
