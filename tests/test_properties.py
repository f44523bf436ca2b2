"""Property-based tests: whatever the input, the public functions either return clean numbers or
raise ValueError/TypeError, never mutate the input, and agree across engines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cxstats.analyses import (
    dispute_by_response,
    forgiveness_rate,
    outcome_by_problems,
    power_for_difference,
    sample_size_for_difference,
)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

confidences = st.one_of(st.just(0.95), st.floats(allow_nan=True, allow_infinity=True),
                        st.sampled_from([0, 1, 0.5, 0.99, "0.9", None, True]))
alternatives = st.sampled_from(["two-sided", "larger", "smaller", "greater", None])


def _clean(frame: pd.DataFrame) -> None:
    numbers = frame.select_dtypes("number")
    assert not numbers.isna().any().any(), frame


def _counted(frame: pd.DataFrame) -> pd.DataFrame:
    """The distinct rows of ``frame`` with their number of copies in a weight column ``n``."""
    return (frame.groupby(list(frame.columns), dropna=False).size().rename("n").reset_index()
            .astype(frame.dtypes.to_dict()))


def _interval_ok(frame: pd.DataFrame, est: str, low: str, high: str) -> None:
    assert (frame[low] <= frame[est] + 1e-12).all() and (frame[est] <= frame[high] + 1e-12).all()


@SETTINGS
@given(
    rows=st.lists(st.tuples(st.sampled_from(["negative", "neutral", "positive", None]),
                            st.sampled_from(["good", "bad", None]),
                            st.sampled_from(["a", "b"])), max_size=40),
    odd=st.sampled_from([None, "sentiment", "csat"]),
    by=st.sampled_from([None, "g", ["g"]]),
    confidence=confidences,
    alternative=alternatives,
)
def test_forgiveness_properties(rows, odd, by, confidence, alternative) -> None:
    frame = pd.DataFrame(rows, columns=["sentiment", "csat", "g"]).astype(object)
    if odd and len(frame):
        frame.loc[0, odd] = "surprise"
    before = frame.copy(deep=True)
    try:
        res = forgiveness_rate(frame, by=by, confidence=confidence, alternative=alternative)
    except (ValueError, TypeError):
        assert_frame_equal(frame, before)
        return
    assert_frame_equal(frame, before)
    by_s, c = res.by_sentiment, res.contrast
    _clean(by_s)
    _clean(c)
    assert int(by_s["n"].sum()) + res.n_excluded == res.n_tickets == len(frame)
    assert ((by_s["bad"] >= 0) & (by_s["bad"] <= by_s["n"]) & (by_s["n"] > 0)).all()
    _interval_ok(by_s, "bad_rate", "bad_rate_low", "bad_rate_high")
    _interval_ok(c, "extra_bad_per_1000", "extra_bad_per_1000_low", "extra_bad_per_1000_high")
    _interval_ok(c, "forgiveness_rate", "forgiveness_rate_low", "forgiveness_rate_high")
    assert np.allclose(c["forgiveness_rate"], 1 - c["bad_rate_negative"])
    assert ((c["p_value"] >= 0) & (c["p_value"] <= 1)).all()
    # the same rows in polars give the same numbers
    again = forgiveness_rate(pl.from_pandas(frame.astype({"sentiment": "str", "csat": "str",
                                                          "g": "str"})),
                             by=by, confidence=confidence, alternative=alternative)
    assert_frame_equal(again.contrast, c)
    # the same rows already counted (one row per distinct row, with a weight) give the same result
    counted = _counted(frame)
    weighted = forgiveness_rate(counted, by=by, confidence=confidence, alternative=alternative,
                                weight="n")
    assert_frame_equal(weighted.by_sentiment, by_s)
    assert_frame_equal(weighted.contrast, c)
    assert (weighted.n_tickets, weighted.n_excluded) == (res.n_tickets, res.n_excluded)
    assert_frame_equal(counted, _counted(frame))


@SETTINGS
@given(
    rows=st.lists(st.tuples(st.one_of(st.integers(0, 6), st.none()),
                            st.one_of(st.booleans(), st.none())), max_size=40),
    cap=st.one_of(st.integers(-1, 5), st.just(2.0)),
    confidence=confidences,
    alternative=alternatives,
)
def test_problems_properties(rows, cap, confidence, alternative) -> None:
    frame = pd.DataFrame(rows, columns=["problems", "price_sensitive"])
    frame = frame.astype({"problems": "Float64", "price_sensitive": "boolean"})
    before = frame.copy(deep=True)
    try:
        res = outcome_by_problems(frame, cap=cap, confidence=confidence, alternative=alternative)
    except (ValueError, TypeError):
        assert_frame_equal(frame, before)
        return
    assert_frame_equal(frame, before)
    for part in (res.rates, res.lift, res.high_vs_low, res.logit):
        _clean(part)
    assert int(res.rates["n"].sum()) + res.n_excluded == len(frame)
    _interval_ok(res.rates, "rate", "rate_low", "rate_high")
    _interval_ok(res.lift, "difference", "difference_low", "difference_high")
    _interval_ok(res.logit, "odds_ratio", "odds_ratio_low", "odds_ratio_high")
    assert (res.lift["risk_ratio"] >= 0).all()
    hv = res.high_vs_low.iloc[0]
    assert hv.n_more + hv.n_fewer == res.rates["n"].sum()
    weighted = outcome_by_problems(_counted(frame), cap=cap, confidence=confidence,
                                   alternative=alternative, weight="n")
    for name in ("rates", "lift", "high_vs_low", "logit"):
        assert_frame_equal(getattr(weighted, name), getattr(res, name))
    assert (weighted.n_customers, weighted.n_excluded) == (res.n_customers, res.n_excluded)


@SETTINGS
@given(
    rows=st.lists(st.tuples(st.sampled_from(["Closed with monetary relief", "Closed",
                                             "Closed with explanation", "Untimely response",
                                             None]),
                            st.sampled_from(["Yes", "No", None])), max_size=40),
    confidence=confidences,
    alternative=alternatives,
)
def test_recovery_properties(rows, confidence, alternative) -> None:
    frame = pd.DataFrame(rows, columns=["Company response to consumer", "Consumer disputed?"])
    frame = frame.astype(object)
    before = frame.copy(deep=True)
    try:
        res = dispute_by_response(frame, confidence=confidence, alternative=alternative)
    except (ValueError, TypeError):
        assert_frame_equal(frame, before)
        return
    assert_frame_equal(frame, before)
    _clean(res.by_response)
    _clean(res.contrast)
    _interval_ok(res.by_response, "dispute_rate", "dispute_rate_low", "dispute_rate_high")
    row = res.contrast.iloc[0]
    assert math.isclose(row.forgiveness_relief, 1 - row.dispute_rate_relief)
    weighted = dispute_by_response(_counted(frame), confidence=confidence,
                                   alternative=alternative, weight="n")
    assert_frame_equal(weighted.by_response, res.by_response)
    assert_frame_equal(weighted.contrast, res.contrast)
    assert (weighted.n_complaints, weighted.n_excluded) == (res.n_complaints, res.n_excluded)


@SETTINGS
@given(p=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.none()),
       d=st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.lists(st.floats(-1, 1), max_size=3), st.text(max_size=2)),
       power=st.one_of(st.floats(0, 1), st.just(0.8)),
       ratio=st.one_of(st.floats(-1, 10), st.just(1.0)),
       alternative=alternatives)
def test_power_properties(p, d, power, ratio, alternative) -> None:
    try:
        out = sample_size_for_difference(p, d, power=power, ratio=ratio, alternative=alternative)
    except (ValueError, TypeError):
        return
    _clean(out)
    assert (out["n_comparison"] >= 1).all()
    pw = power_for_difference(p, d, n_comparison=int(out.loc[0, "n_comparison"]),
                              n_baseline=max(int(out.loc[0, "n_baseline"]), 1),
                              alternative=alternative)
    _clean(pw)
    assert ((pw["power"] >= 0) & (pw["power"] <= 1)).all()
