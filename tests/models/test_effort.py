"""Customer effort: CES scoring, logistic effort->loyalty, repeat contacts by reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from cxstats.models.effort import ces_summary, effort_loyalty, repeat_contact_reasons

CES = pd.DataFrame({"ces": [7, 6, 5, 2, 7, 3, 4, None],
                    "channel": ["chat", "chat", "chat", "phone", "phone", "phone", "chat", "chat"]})


def test_ces_agreement_scale_by_hand():
    t = ces_summary(CES, segment="channel").set_index("segment")
    # all: 7 answers (one missing), mean 34/7, top box (5-7) = 4 of 7
    assert t.loc["all", "n"] == 7 and t.loc["all", "n_missing"] == 1
    assert t.loc["all", "mean"] == pytest.approx(34 / 7)
    assert t.loc["all", "top_box_share"] == pytest.approx(4 / 7)
    lo, hi = proportion_confint(4, 7, method="wilson")
    assert (t.loc["all", "top_box_ci_low"], t.loc["all", "top_box_ci_high"]) == pytest.approx(
        (lo, hi))
    x = np.array([7, 6, 5, 2, 7, 3, 4], float)
    half = stats.t.ppf(0.975, 6) * x.std(ddof=1) / np.sqrt(7)
    assert t.loc["all", "mean_ci_low"] == pytest.approx(34 / 7 - half)
    # chat: 7, 6, 5, 4 -> mean 5.5, top box 3/4; phone: 2, 7, 3 -> mean 4, top box 1/3
    assert t.loc["chat", "mean"] == pytest.approx(5.5)
    assert t.loc["chat", "top_box_share"] == pytest.approx(0.75)
    assert t.loc["phone", "top_box_share"] == pytest.approx(1 / 3)
    assert t.loc["all", "top_box"] == "5,6,7"


def test_ces_effort_scale_and_custom_top_box():
    df = pd.DataFrame({"effort": [1, 2, 3, 4, 5, 1]})
    t = ces_summary(df, score="effort", scale="effort-5")
    assert t.loc[0, "top_box_share"] == pytest.approx(3 / 6)  # low effort = 1-2
    assert t.loc[0, "top_box"] == "1,2"
    t7 = ces_summary(pd.DataFrame({"ces": [5, 6, 7, 7]}), top_box=(6, 7))
    assert t7.loc[0, "top_box_share"] == pytest.approx(0.75)


def test_ces_accepts_polars():
    t = ces_summary(pl.DataFrame({"ces": [7, 6, 1]}))
    assert t.loc[0, "mean"] == pytest.approx(14 / 3)


def test_ces_single_answer_segment_is_an_error_not_a_nan():
    with pytest.raises(ValueError, match="segment 'b' has 1 score"):
        ces_summary(pd.DataFrame({"ces": [7, 6, 1], "g": ["a", "a", "b"]}), segment="g")


def test_ces_missing_segment_gets_its_own_row():
    data = pd.DataFrame({"ces": [7, 6, 1, 2, 5], "g": ["a", "a", None, None, "a"]})
    t = ces_summary(data, segment="g").set_index("segment")
    assert t.loc["all", "n"] == 5
    assert t.loc["a", "n"] == 3 and t.loc["(segment missing)", "n"] == 2
    assert t.loc["(segment missing)", "mean"] == pytest.approx(1.5)


@pytest.mark.parametrize(("data", "kwargs", "exc", "match"), [
    (pd.DataFrame({"ces": [8, 1]}), {}, ValueError, "whole numbers from 1 to 7"),
    (pd.DataFrame({"ces": [6, 1]}), {"scale": "effort-5"}, ValueError, "from 1 to 5"),
    (pd.DataFrame({"ces": [2.5, 1]}), {}, ValueError, "whole numbers"),
    (pd.DataFrame({"ces": ["x", 1]}), {}, ValueError, "non-numeric"),
    (pd.DataFrame({"ces": [1, 2]}), {"scale": "nps"}, ValueError, "scale must be one of"),
    (pd.DataFrame({"ces": [1, 2]}), {"top_box": (8,)}, ValueError, "top_box"),
    (pd.DataFrame({"ces": [1, 2]}), {"score": "CES"}, ValueError, "score='CES' is not a column"),
    ([1, 2], {}, TypeError, "data must be a pandas or polars DataFrame, a DuckDB relation"),
])
def test_ces_bad_input(data, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ces_summary(data, **kwargs)


def test_effort_loyalty_matches_statsmodels_directly():
    rng = np.random.default_rng(11)
    effort = rng.integers(1, 8, 400)
    p = 1 / (1 + np.exp(-(-2.0 + 0.5 * effort)))
    df = pd.DataFrame({"ces": effort, "stayed": rng.random(400) < p,
                       "tenure": rng.normal(size=400)})
    t = effort_loyalty(df, effort="ces", outcome="stayed", covariates=["tenure"])
    ref = sm.Logit(df["stayed"].astype(float),
                   sm.add_constant(df[["ces", "tenure"]].astype(float))).fit(disp=0)
    assert t["term"].tolist() == ["const", "ces", "tenure"]
    assert t["coef"].to_numpy() == pytest.approx(ref.params.to_numpy())
    assert t["ci_low"].to_numpy() == pytest.approx(ref.conf_int().iloc[:, 0].to_numpy())
    assert t["odds_ratio"].to_numpy() == pytest.approx(np.exp(ref.params.to_numpy()))
    assert (t["n"] == 400).all()


@pytest.mark.parametrize(("df", "match"), [
    (pd.DataFrame({"ces": [1, 2, 3], "y": [0, 1, 2]}), "must be binary"),
    (pd.DataFrame({"ces": [1, 2, 3], "y": [1, 1, 1]}), "single class"),
    (pd.DataFrame({"ces": [1, None, 3], "y": [0, 1, 0]}), "no missing values"),
    (pd.DataFrame({"effort": [1, 2, 3], "y": [0, 1, 0]}), "effort='ces' is not a column"),
])
def test_effort_loyalty_bad_input(df, match):
    with pytest.raises(ValueError, match=match):
        effort_loyalty(df, effort="ces", outcome="y")


def test_repeat_contacts_by_hand():
    df = pd.DataFrame({"reason": ["billing"] * 5 + ["login"] * 3 + ["delivery"] * 2,
                       "repeat": [1, 1, 1, 0, 0, 1, 0, 0, 1, 1]})
    t = repeat_contact_reasons(df, reason="reason", repeat="repeat").set_index("reason")
    # 6 repeat contacts: billing 3, delivery 2, login 1
    assert t.index.tolist() == ["billing", "delivery", "login"]
    assert t.loc["billing", "share_of_repeats"] == pytest.approx(3 / 6)
    assert t.loc["billing", "repeat_rate"] == pytest.approx(3 / 5)
    assert t.loc["delivery", "repeat_rate"] == pytest.approx(1.0)
    lo, hi = proportion_confint(3, 6, method="wilson")
    assert t.loc["billing", ["share_ci_low", "share_ci_high"]].tolist() == pytest.approx([lo, hi])
    only = repeat_contact_reasons(df[df["repeat"] == 1], reason="reason")
    assert only["share_of_repeats"].tolist() == pytest.approx([0.5, 1 / 3, 1 / 6])
    assert "repeat_rate" not in only.columns


def test_repeat_contacts_bad_input():
    with pytest.raises(ValueError, match="boolean or 0/1"):
        repeat_contact_reasons(pd.DataFrame({"r": ["a"], "x": [2]}), reason="r", repeat="x")
    with pytest.raises(ValueError, match="no repeat contacts"):
        repeat_contact_reasons(pd.DataFrame({"r": ["a"], "x": [0]}), reason="r", repeat="x")
    with pytest.raises(ValueError, match="missing values"):
        repeat_contact_reasons(pd.DataFrame({"r": ["a", None]}), reason="r")


def test_inputs_not_mutated():
    before = CES.copy()
    ces_summary(CES, segment="channel")
    pd.testing.assert_frame_equal(CES, before)


def test_effort_loyalty_perfect_separation_raises():
    """Regression: a perfectly separated outcome used to return coef ~40, odds ratio ~1e17 and
    an interval (0, inf) with only statsmodels warnings."""
    df = pd.DataFrame({"ces": [1, 2, 3, 4, 5, 6, 7, 8], "stayed": [0, 0, 0, 0, 1, 1, 1, 1]})
    with pytest.raises(ValueError, match="separated"):
        effort_loyalty(df, effort="ces", outcome="stayed")
    # one overlap (4 -> 1, 5 -> 0) makes the MLE finite; it matches statsmodels called directly
    df2 = df.assign(stayed=[0, 0, 0, 1, 0, 1, 1, 1])
    got = effort_loyalty(df2, effort="ces", outcome="stayed", confidence=0.9)
    ref = sm.Logit(df2["stayed"].astype(float), sm.add_constant(df2[["ces"]].astype(float))).fit(
        disp=0)
    assert got["coef"].to_numpy() == pytest.approx(ref.params.to_numpy())
    assert got["ci_low"].to_numpy() == pytest.approx(ref.conf_int(alpha=0.1).iloc[:, 0].to_numpy())


def _duckdb(frame: pd.DataFrame):
    import duckdb

    con = duckdb.connect()
    con.register("answers", frame)
    return con, con.sql("SELECT * FROM answers")


def test_effort_functions_accept_duckdb_relations():
    """Regression (issue 13): a DuckDB relation was a TypeError in all three effort functions."""
    con, rel = _duckdb(CES.dropna())
    got = ces_summary(rel, segment="channel")
    ref = ces_summary(CES.dropna(), segment="channel")
    pd.testing.assert_frame_equal(got, ref)
    df = pd.DataFrame({"ces": [1, 2, 3, 4, 5, 6, 7, 2, 5, 6], "stayed": [0, 0, 1, 0, 1, 1, 1, 1, 0, 1],
                       "reason": ["a", "b"] * 5})
    con, rel = _duckdb(df)
    pd.testing.assert_frame_equal(effort_loyalty(rel, effort="ces", outcome="stayed"),
                                  effort_loyalty(df, effort="ces", outcome="stayed"))
    pd.testing.assert_frame_equal(repeat_contact_reasons(rel, reason="reason", repeat="stayed"),
                                  repeat_contact_reasons(df, reason="reason", repeat="stayed"))
    con.close()


def test_ces_interval_stays_on_the_scale_with_a_note():
    """Regression (issue 16): answers 1 and 7 gave a mean of 4 with interval [-34.1, 42.1]."""
    x = np.array([1.0, 7.0])
    half = stats.t.ppf(0.975, 1) * x.std(ddof=1) / np.sqrt(2)  # the raw t interval, by hand
    assert 4 - half < 1 and 4 + half > 7
    row = ces_summary(pd.DataFrame({"ces": [1, 7]})).iloc[0]
    assert row["mean"] == 4.0
    assert (row["mean_ci_low"], row["mean_ci_high"]) == (1.0, 7.0)
    assert "clipped to the scale 1-7" in row["note"]
    assert "small sample (n = 2" in row["note"]


def test_ces_large_sample_has_no_note_and_equal_answers_a_point_interval():
    t = ces_summary(pd.DataFrame({"ces": [5, 6] * 20}))
    assert t.loc[0, "note"] is None
    same = ces_summary(pd.DataFrame({"ces": [6, 6, 6]})).iloc[0]
    assert same["mean_ci_low"] == same["mean_ci_high"] == 6.0


def test_effort_loyalty_rejects_infinite_effort():
    df = pd.DataFrame({"ces": [1, 2, np.inf, 4], "y": [0, 1, 0, 1]})
    with pytest.raises(ValueError, match="finite"):
        effort_loyalty(df, effort="ces", outcome="y")
