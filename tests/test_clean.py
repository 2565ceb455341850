import numpy as np
import pandas as pd

from coursekit.survey.clean import clean_survey, flag_careless, longstring, out_of_range


def test_longstring_skips_missing():
    items = pd.DataFrame([[1, 1, np.nan, 1, 2], [1, 2, 1, 2, 1], [np.nan] * 5])
    assert longstring(items).tolist() == [3, 1, 0]


def test_flags_on_constructed_respondents(survey, codebook):
    df = survey.head(3).copy().reset_index(drop=True)
    items = list(codebook.item_ids)
    df.loc[0, items] = 3.0                       # straight-liner
    df.loc[0, "attention_check"] = 4.0
    df.loc[1, "attention_check"] = 1.0           # failed check
    df.loc[2, "completion_seconds"] = 30.0       # 30 s for 57 items
    df.loc[1:2, items] = np.tile([1.0, 2.0], (2, len(items)))[:, : len(items)]
    df.loc[2, "attention_check"] = 4.0
    df.loc[1, "completion_seconds"] = 600.0
    flags = flag_careless(df, codebook)
    assert flags["straightlining"].tolist() == [True, False, False]
    assert flags["attention_failed"].tolist() == [False, True, False]
    assert flags["too_fast"].tolist() == [False, False, True]
    assert flags["careless"].all()


def test_missing_check_and_time_raise_no_flag(survey, codebook):
    df = survey.head(5).copy()
    df["attention_check"] = np.nan
    df["completion_seconds"] = np.nan
    flags = flag_careless(df, codebook)
    assert not flags["attention_failed"].any() and not flags["too_fast"].any()


def test_clean_sets_out_of_range_to_missing_and_reports(survey, codebook):
    bad = out_of_range(survey, codebook)
    assert len(bad) > 0
    result = clean_survey(survey, codebook)
    for _, row in bad.iterrows():
        idx = survey.index[survey["respondent_id"] == row["respondent_id"]][0]
        assert np.isnan(result.data.at[idx, row["column"]])
    assert len(result.data) == len(survey)          # nobody dropped unless asked
    assert result.excluded == ()
    assert not survey[bad["column"].iloc[0]].isna().all()  # input untouched


def test_exclusion_only_when_asked(survey, codebook):
    result = clean_survey(survey, codebook, exclude_careless=True)
    n_flagged = int(result.flags["careless"].sum())
    assert n_flagged > 0
    assert len(result.data) == len(survey) - n_flagged
    assert len(result.excluded) == n_flagged
    assert not set(result.excluded) & set(result.data["respondent_id"])
    assert "excluded" in result.summary()


def _longstring_reference(items: pd.DataFrame) -> list[int]:
    out = []
    for row in items.to_numpy(dtype=float):
        row = row[~np.isnan(row)]
        best = run = 0
        for k, v in enumerate(row):
            run = run + 1 if k and v == row[k - 1] else 1
            best = max(best, run)
        out.append(best)
    return out


def test_longstring_equals_a_row_by_row_count(codebook):
    from coursekit.survey.simulate import simulate_survey

    items = simulate_survey(400, seed=31)[list(codebook.item_ids)]
    assert longstring(items).tolist() == _longstring_reference(items)
