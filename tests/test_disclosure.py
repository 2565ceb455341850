"""One disclosure rule on every class size: classes of 10 to 60 run every notebook, and no
output a learner sees describes 1 to k - 1 respondents; a suppressed group cannot be
recovered by differencing; render refuses a class below the minimum before any kernel starts.

Every notebook's code runs in one IPython shell per class (the papermill kernel's cells, its
displays and last expressions, without a kernel's start-up), for classes of 10, 12, 15, 25
and 60, each simulated (``coursekit simulate``'s file, read as a real class) and imported
from a form export; the smallest imported class is also rendered by ``coursekit render`` and
every page and executed notebook of it scanned. The scanners are those of
tests/test_course_privacy.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from coursekit.analysis.privacy import DEFAULT_K
from coursekit.common.errors import CourseKitError
from coursekit.course import start
from coursekit.course.session import (
    MIN_RESPONDENTS,
    UnavailableRegression,
    usable_respondents,
)
from coursekit.survey.simulate import simulate_survey
from tests.conftest import COURSE_NOTEBOOKS, run_cli, shared_render
from tests.test_course_privacy import (
    small_counts_in_notebook,
    small_counts_in_output,
    small_counts_in_page,
)

SIZES = (10, 12, 15, 25, 60)
SALT = "a salt for the disclosure test"


def _first_seed(n: int, start_seed: int) -> int:
    """The first seed from ``start_seed`` whose class of ``n`` keeps the course's minimum
    after careless respondents are excluded (a class of exactly ``n`` in the file)."""
    for seed in range(start_seed, start_seed + 50):
        try:
            usable_respondents(simulate_survey(n, seed), "class")
            return seed
        except CourseKitError:
            continue
    raise AssertionError(f"no seed gives a usable class of {n}")


def _simulated(folder: Path, n: int) -> Path:
    # From seed 5: the class of 10 of issue 10, whose 9 complete rows are too few for the
    # seven-predictor regression of notebooks 05 and 06.
    path = folder / f"simulated{n}.csv"
    simulate_survey(n, _first_seed(n, 5)).to_csv(path, index=False)
    return path


def _full_regression(course):
    predictors = " + ".join(course.codebook.scale_names("motive")
                            + course.codebook.scale_names("pitfall"))
    return course.regression(f"self_esteem ~ {predictors}")


def _imported(folder: Path, n: int) -> Path:
    """A form export with names, e-mails and a small gender group, imported as a class."""
    from coursekit.survey.importers import import_export, write_import

    df = simulate_survey(n, _first_seed(n, 100))
    df["gender"] = ["non-binary"] * 2 + [["woman", "man"][i % 2] for i in range(n - 2)]
    df.insert(1, "Full name", [f"Student {i}" for i in range(n)])
    df.insert(2, "Email Address", [f"s{i}@school.example" for i in range(n)])
    export = folder / f"export{n}.csv"
    df.to_csv(export, index=False)
    out = folder / f"imported{n}.csv"
    assert write_import(import_export(export, "csv", salt=SALT), out).ok
    return out


# --- every notebook's code in one shell -------------------------------------------------------

def _run_notebook(shell, path: Path, data_path: Path) -> list[dict]:
    """The notebook's outputs as nbformat dicts, as its kernel would store them."""
    from IPython.utils.capture import capture_output

    shell.reset(new_session=False)
    outputs: list[dict] = []
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        with capture_output() as captured:
            result = shell.run_cell(cell.source, store_history=False, silent=False)
        if "parameters" in cell.metadata.get("tags", []):
            shell.user_ns.update(data_path=data_path.name, seed=None, cohort="class")
        assert result.success, f"{path.name} cell {i}: {result.error_in_exec!r}"
        if captured.stdout:
            outputs.append({"output_type": "stream", "text": captured.stdout})
        outputs += [{"output_type": "display_data", "data": o.data} for o in captured.outputs]
        if result.result is not None:
            data, _ = shell.display_formatter.format(result.result)
            outputs.append({"output_type": "execute_result", "data": data})
    return outputs


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    # IPython puts its own __main__ (without __spec__) into sys.modules; a later test on
    # this worker that spawns processes (a Dask cluster) needs the real one back.
    main = sys.modules["__main__"]
    shell = InteractiveShell.instance()
    shell.displayhook.cache_size = 0
    yield shell
    InteractiveShell.clear_instance()
    sys.modules["__main__"] = main


@pytest.fixture(scope="module")
def classes(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("classes")
    made = {f"simulated{n}": _simulated(folder, n) for n in SIZES}
    made.update({f"imported{n}": _imported(folder, n) for n in SIZES})
    return made


@pytest.mark.parametrize("name", [f"{kind}{n}" for n in SIZES
                                  for kind in ("simulated", "imported")])
def test_every_notebook_runs_and_shows_no_small_count(name, classes, shell, monkeypatch):
    path = classes[name]
    monkeypatch.chdir(path.parent)     # data_path is a bare file name, as render passes it
    course = start(path.name)
    assert not course.synthetic and course.n >= MIN_RESPONDENTS
    found, text = [], []
    for nb in COURSE_NOTEBOOKS:
        for out in _run_notebook(shell, nb, path):
            found += [f"{nb.name}: {hit}" for hit in small_counts_in_output(out, DEFAULT_K)]
            text.append(str(out))
    assert not found, "\n".join(found[:20])
    unavailable = isinstance(_full_regression(course), UnavailableRegression)
    assert ("This regression is not available for this cohort" in "".join(text)) == unavailable
    assert ("Exercise 05.1: not available" in "".join(text)) == unavailable
    if name == "simulated10":   # the class of issue 10 takes the graceful path
        assert unavailable


# --- the smallest imported class, rendered as instructors do ----------------------------------

@pytest.fixture(scope="module")
def site10(tmp_path_factory):
    def build(folder: Path):
        _imported(folder, 10)
        return folder / "site", run_cli("render", "--data", "imported10.csv", "--jobs", "2",
                                        "--out", "site", cwd=folder)
    return shared_render(tmp_path_factory, "imported10", build)


def test_a_class_of_10_renders_every_notebook_with_no_small_count(site10):
    assert site10.returncode == 0, site10.stdout[-3000:] + site10.stderr[-3000:]
    assert f"{len(COURSE_NOTEBOOKS)} rendered, 0 failed" in site10.stdout
    notebooks = sorted(site10.out.glob("*/*/*.ipynb"))
    pages = sorted(site10.out.rglob("*.html"))
    assert len(notebooks) == len(COURSE_NOTEBOOKS) and len(pages) > len(COURSE_NOTEBOOKS)
    found = [hit for p in notebooks for hit in small_counts_in_notebook(p, DEFAULT_K)]
    found += [hit for p in pages for hit in small_counts_in_page(p, DEFAULT_K)]
    assert not found, "\n".join(found[:20])
    text = "".join(p.read_text(encoding="utf-8") for p in notebooks)
    # what the class is too small for says so, and so does its exercise
    unavailable = isinstance(_full_regression(start(site10.folder / "imported10.csv")),
                             UnavailableRegression)
    assert ("This regression is not available for this cohort" in text) == unavailable
    assert ("Exercise 05.1: not available" in text) == unavailable


# --- below the minimum: refused before any kernel starts --------------------------------------

def test_render_refuses_a_class_below_the_minimum(tmp_path):
    small = simulate_survey(MIN_RESPONDENTS - 1, 3)
    small.to_csv(tmp_path / "class9.csv", index=False)
    result = run_cli("render", "--data", "class9.csv", "--out", "site", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    usable = usable_or_none_count(small)
    assert f"only {usable} usable respondents" in result.stderr
    assert f"needs at least {MIN_RESPONDENTS}" in result.stderr
    assert not (tmp_path / "site").exists()          # nothing planned, no kernel started

    simulated = run_cli("render", "--seed", "3", "-p", "n_respondents", "9", "--out", "site",
                        cwd=tmp_path)
    assert simulated.returncode == 2 and "Traceback" not in simulated.stderr
    assert "only 9 respondents" in simulated.stderr and "n_respondents 9" in simulated.stderr
    assert not (tmp_path / "site").exists()


def test_careless_exclusions_count_against_the_minimum(tmp_path):
    """A file of 10 whose careless respondents leave 9: refused, with both counts named."""
    seed = next(s for s in range(1, 50) if _usable_or_none(simulate_survey(10, s)) is None
                and len(simulate_survey(10, s)) == 10)
    simulate_survey(10, seed).to_csv(tmp_path / "class.csv", index=False)
    result = run_cli("render", "--data", "class.csv", "--out", "site", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "(of 10," in result.stderr and "excluded as careless" in result.stderr


def usable_or_none_count(df: pd.DataFrame) -> int:
    """Respondents left after careless ones are excluded, as start() counts them."""
    from coursekit.survey.clean import clean_survey

    return len(clean_survey(df, exclude_careless=True).data)


def _usable_or_none(df: pd.DataFrame) -> int | None:
    try:
        return usable_respondents(df, "class")
    except CourseKitError:
        return None


# --- differencing ---------------------------------------------------------------------------

def _class_with_a_small_group(tmp_path: Path) -> Path:
    df = simulate_survey(30, 5)
    df["gender"] = ["non-binary"] * 3 + ["woman"] * 14 + ["man"] * 13
    path = tmp_path / "class30.csv"
    df.to_csv(path, index=False)
    return path


def _published_groups(course) -> list[pd.DataFrame]:
    """Every breakdown of comparison by gender a learner sees (notebooks 03 and 07)."""
    from coursekit.course.widgets import GroupExplorer

    tables = [course.compare("comparison", "gender", order=["woman", "man"]).groups,
              course.compare("comparison", "gender").groups]
    explorer = GroupExplorer(course.frame, course.codebook, min_group_size=course.min_group_size)
    figure = explorer.set(score="comparison", group="gender")
    for trace in figure.data:       # group_means: x the groups, y the means, customdata n
        if trace.customdata is not None:
            tables.append(pd.DataFrame({"n": list(trace.customdata), "mean": list(trace.y),
                                        "suppressed": False}, index=list(trace.x)))
    return tables


def test_the_differencing_attack_no_longer_recovers_a_small_groups_mean(tmp_path):
    course = start(_class_with_a_small_group(tmp_path))
    frame = course.frame.dropna(subset=["comparison"])
    # The whole cohort's mean and size, as notebook 02 publishes them (unrounded here).
    total = frame["comparison"].mean() * len(frame)
    truth = frame.groupby("gender")["comparison"].agg(["mean", "size"])
    small = truth.loc["non-binary"]
    assert small["size"] < DEFAULT_K
    # Before: women's and men's means published beside the total gave the group's mean.
    attack = (total - sum(truth.loc[g, "mean"] * truth.loc[g, "size"] for g in ("woman", "man"))
              ) / (len(frame) - truth.loc[["woman", "man"], "size"].sum())
    assert attack == pytest.approx(small["mean"], abs=1e-9)
    # Now: every published breakdown leaves out either nobody or at least k respondents.
    for table in _published_groups(course):
        shown = table[~table["suppressed"].astype(bool)]
        published = shown["n"].astype(int).sum() if len(shown) else 0
        hidden = len(frame) - published
        assert hidden == 0 or hidden >= DEFAULT_K, table
        if len(shown):
            rest = (total - (shown["mean"].astype(float) * shown["n"].astype(int)).sum()) / hidden
            assert rest != pytest.approx(small["mean"], abs=0.005)
    # and the comparison itself says why it is not there
    gender = course.compare("comparison", "gender", order=["woman", "man"])
    assert np.isnan(gender.effect_size)
    assert "worked out by subtraction" in str(gender)


# --- the pieces, one by one -------------------------------------------------------------------

@pytest.fixture(scope="module")
def class10(tmp_path_factory):
    """The class of 10 of issue 10 (seed 5), read as a real class."""
    path = tmp_path_factory.mktemp("c10") / "class10.csv"
    simulate_survey(10, 5).to_csv(path, index=False)
    return start(path)


def test_a_real_class_masks_and_a_synthetic_cohort_shows(class10):
    assert class10.min_count == DEFAULT_K and class10.few(2) == "fewer than 5"
    synthetic = start(seed=5, n_respondents=10)
    assert synthetic.min_count is None and synthetic.few(2) == "2"
    assert class10.few(0) == "0" and class10.few(7) == "7"


def test_answer_bars_merge_until_each_holds_k(class10):
    from coursekit.course.plots import caption_of, item_distribution

    for item in class10.codebook.item_ids[:12]:
        fig = item_distribution(class10.raw, item, class10.codebook, min_count=DEFAULT_K)
        heights = list(fig.data[0].y or [])
        answered = int(class10.raw[item].between(0, 10).sum())
        if answered < DEFAULT_K:
            assert not heights and "no breakdown" in caption_of(fig)
            continue
        assert all(h >= DEFAULT_K for h in heights), (item, heights)
        assert sum(heights) == answered          # merged, not dropped
    # a synthetic cohort keeps one bar per answer
    plain = item_distribution(class10.raw, "val1", class10.codebook)
    assert len(plain.data[0].y) == len(class10.codebook.item("val1").response_scale.values)


def test_histograms_of_a_real_class_hold_no_raw_values(class10):
    from coursekit.course.plots import caption_of, histogram

    fig = histogram(class10.raw["followers"], title="f", x_title="followers", log_x=True,
                    min_count=DEFAULT_K)
    (trace,) = fig.data
    assert trace.type == "bar" and all(h >= DEFAULT_K for h in trace.y)
    assert sum(trace.y) == class10.raw["followers"].notna().sum()
    assert "maximum" not in caption_of(fig)
    raw = histogram(class10.raw["followers"], title="f", x_title="followers")
    assert raw.data[0].type == "histogram" and "maximum" in caption_of(raw)


def test_box_whiskers_mark_no_lone_score(class10):
    from coursekit.course.plots import score_boxes

    fig = score_boxes(class10.scores, ["validation", "influence"], class10.codebook, "t",
                      min_count=DEFAULT_K)
    for trace, name in zip(fig.data, ["validation", "influence"], strict=True):
        s = np.sort(class10.scores[name].dropna().to_numpy())
        assert trace.lowerfence[0] >= round(min(s[DEFAULT_K - 1], trace.q1[0]), 3) - 1e-9
        assert trace.upperfence[0] <= round(max(s[-DEFAULT_K], trace.q3[0]), 3) + 1e-9


def test_tables_and_sentences_of_a_real_class_give_no_count_below_k(class10):
    from coursekit import summaries

    flags = class10.cleaning.flags.copy()
    flags.loc[flags.index[:2], ["straightlining", "careless"]] = True   # two careless
    careless = summaries.careless_summary(flags, min_count=DEFAULT_K)
    assert careless.iloc[0].tolist() == ["<5", "<5"]
    assert "2" not in class10.cleaning.__class__(
        class10.data, flags, class10.cleaning.out_of_range, ("a", "b"), 5).summary()
    scores = summaries.describe_scores(class10.scores, class10.codebook, min_count=DEFAULT_K)
    assert set(scores["min"]) == set(scores["max"]) == {"masked"}
    at_risk = pd.Series([True] * 3 + [False] * 7)
    assert summaries.share_text(at_risk, "are at risk", DEFAULT_K) == \
        "Fewer than 5 of the 10 respondents are at risk."
    oor = pd.DataFrame({"column": ["val1"] * 6 + ["val2"], "value": [7.0] * 5 + [9.0, 8.0],
                        "allowed": ["1-5"] * 7})
    table = summaries.out_of_range_summary(oor, min_count=DEFAULT_K)
    assert table.loc["val1", "answers"] == 6 and table.loc["val2", "answers"] == "<5"
    assert table.loc["val1", "values"].startswith("7, 1 more")   # 9 was typed once


def test_the_seven_predictor_models_say_why_not(class10):
    from coursekit.course.plots import caption_of, coefficients
    from coursekit.course.widgets import WhatIfExplorer

    model = _full_regression(class10)
    assert isinstance(model, UnavailableRegression)
    assert str(model).startswith("This regression is not available for this cohort: 9 ")
    assert np.isnan(model.table.set_index("term").loc["compulsive", "beta"])
    assert caption_of(coefficients(model.table, class10.codebook, "t")).startswith(
        "No coefficients for this cohort")
    explorer = WhatIfExplorer(class10.frame, class10.codebook)
    assert caption_of(explorer.current_figure()).startswith("No predictions for this cohort")
