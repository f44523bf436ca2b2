"""Fuzz tests of the public analysis and model functions (issue 16).

Part 1 feeds generated VALID inputs, edge cases included (tiny groups, 0% and 100%, missing
values, one-level columns, huge counts): a function may refuse with ValueError/TypeError (its
documented errors) but must never raise anything else, and whatever it returns stays in its
documented range: shares and rates in [0, 1], estimates inside their intervals, p-values in
[0, 1], no NaN unless a ``note`` explains it. Part 2 feeds INVALID inputs: they must raise
ValueError or TypeError.

The number of examples comes from the hypothesis profile (tests/conftest.py): small for
``make test``, ``HYPOTHESIS_PROFILE=long`` for a fuzzing session (>= 10,000 examples in all).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from cxstats._checks import ALTERNATIVES
from cxstats.analyses import (
    dispute_by_response,
    forgiveness_rate,
    outcome_by_problems,
    power_for_difference,
    sample_size_for_difference,
)
from cxstats.models.effort import ces_summary, effort_loyalty, repeat_contact_reasons
from cxstats.models.pooling import pool_proportions
from cxstats.models.word_of_mouth import share_telling, word_of_mouth

EPS = 1e-9
confidences = st.sampled_from([0.5001, 0.8, 0.9, 0.95, 0.99, 0.999])
alternatives = st.sampled_from(ALTERNATIVES)


def attempt(call: Callable[[], Any]) -> Any:
    """Run ``call``; a ValueError/TypeError is a documented refusal (counted), anything else
    fails the test."""
    try:
        out = call()
    except (ValueError, TypeError) as err:
        event(f"refused: {type(err).__name__}: {str(err)[:48]}")
        return None
    event("returned a result")
    return out


def in_range(frame: pd.DataFrame, est: str, low: str, high: str, lo: float = -math.inf,
             hi: float = math.inf) -> None:
    noted = frame["note"].notna() if "note" in frame else pd.Series(False, index=frame.index)
    part = frame.loc[~noted | frame[est].notna()]
    assert not part[[est, low, high]].isna().any().any(), part
    assert (part[low] <= part[est] + EPS).all() and (part[est] <= part[high] + EPS).all(), part
    assert (part[low] >= lo - EPS).all() and (part[high] <= hi + EPS).all(), part


def p_values(frame: pd.DataFrame) -> None:
    assert frame["p_value"].between(0, 1).all(), frame


def labels(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), f" {word.title()} "])


# ---------------------------------------------------------------- 1. valid inputs
@given(rows=st.lists(st.tuples(st.sampled_from(["negative", "neutral", "positive", None]),
                               st.one_of(labels("good"), labels("bad"), st.none()),
                               st.sampled_from(["a", "b"])), max_size=60),
       by=st.sampled_from([None, "g"]), confidence=confidences, alternative=alternatives)
def test_forgiveness_valid(rows, by, confidence, alternative) -> None:
    frame = pd.DataFrame(rows, columns=["sentiment", "csat", "g"]).astype(object)
    res = attempt(lambda: forgiveness_rate(frame, by=by, confidence=confidence,
                                           alternative=alternative))
    if res is None:
        return
    in_range(res.by_sentiment, "bad_rate", "bad_rate_low", "bad_rate_high", 0, 1)
    in_range(res.contrast, "extra_bad_per_1000", "extra_bad_per_1000_low",
             "extra_bad_per_1000_high", -1000, 1000)
    in_range(res.contrast, "forgiveness_rate", "forgiveness_rate_low", "forgiveness_rate_high",
             0, 1)
    p_values(res.contrast)


@given(cells=st.lists(st.tuples(st.integers(0, 12), st.booleans(), st.integers(0, 10**6)),
                      min_size=1, max_size=12),
       cap=st.one_of(st.none(), st.integers(1, 6)), confidence=confidences,
       alternative=alternatives, as_labels=st.booleans())
def test_problems_valid(cells, cap, confidence, alternative, as_labels) -> None:
    frame = pd.DataFrame(cells, columns=["problems", "y", "w"])
    if as_labels:
        frame["y"] = np.where(frame["y"], " Yes", "NO")
    res = attempt(lambda: outcome_by_problems(frame, outcome="y", cap=cap, weight="w",
                                              confidence=confidence, alternative=alternative))
    if res is None:
        return
    in_range(res.rates, "rate", "rate_low", "rate_high", 0, 1)
    for part in (res.lift, res.high_vs_low):
        in_range(part, "difference", "difference_low", "difference_high", -1, 1)
        in_range(part, "risk_ratio", "risk_ratio_low", "risk_ratio_high", 0)
        p_values(part)
    in_range(res.logit, "odds_ratio", "odds_ratio_low", "odds_ratio_high", 0)
    assert int(res.rates["n"].sum()) == res.n_customers - res.n_excluded


@given(cells=st.lists(st.tuples(st.sampled_from(["Closed with monetary relief",
                                                 "Closed with explanation", "Closed", "Other"]),
                                st.one_of(labels("yes"), labels("no"), st.none()),
                                st.integers(0, 5000)), min_size=1, max_size=12),
       confidence=confidences, alternative=alternatives)
def test_recovery_valid(cells, confidence, alternative) -> None:
    frame = pd.DataFrame(cells, columns=["response", "disputed", "w"]).astype(
        {"response": object, "disputed": object})
    res = attempt(lambda: dispute_by_response(frame, response="response", disputed="disputed",
                                              weight="w", confidence=confidence,
                                              alternative=alternative))
    if res is None:
        return
    in_range(res.by_response, "dispute_rate", "dispute_rate_low", "dispute_rate_high", 0, 1)
    in_range(res.contrast, "risk_ratio", "risk_ratio_low", "risk_ratio_high", 0)
    in_range(res.contrast, "difference", "difference_low", "difference_high", -1, 1)
    in_range(res.contrast, "forgiveness_relief", "forgiveness_relief_low",
             "forgiveness_relief_high", 0, 1)
    p_values(res.contrast)


@given(p=st.floats(1e-6, 1 - 1e-6), d=st.floats(-1, 1), power=st.floats(0.01, 0.999),
       alpha=st.floats(1e-4, 0.5), ratio=st.floats(0.01, 100), alternative=alternatives,
       n=st.integers(1, 10**7))
def test_power_valid(p, d, power, alpha, ratio, alternative, n) -> None:
    out = attempt(lambda: sample_size_for_difference(p, d, power=power, alpha=alpha, ratio=ratio,
                                                     alternative=alternative))
    if out is not None:
        assert (out["n_comparison"] >= 1).all() and (out["n_baseline"] >= 1).all()
    pw = attempt(lambda: power_for_difference(p, d, n_comparison=n, n_baseline=n, alpha=alpha,
                                              alternative=alternative))
    if pw is not None:
        assert pw["power"].between(0, 1).all()


@given(scores=st.lists(st.one_of(st.integers(1, 7), st.integers(1, 7), st.none()), min_size=2,
                      max_size=50),
       segments=st.one_of(st.just([None] * 50),
                          st.lists(st.sampled_from(["chat", "phone", None]), min_size=50,
                                   max_size=50)),
       scale=st.sampled_from(["agreement-7", "effort-5"]), confidence=confidences)
def test_ces_summary_valid(scores, segments, scale, confidence) -> None:
    top = 7 if scale == "agreement-7" else 5
    scores = [None if s is None else min(s, top) for s in scores]
    frame = pd.DataFrame({"ces": pd.array(scores, dtype="Int64"),
                          "seg": segments[:len(scores)]})
    segment = None if frame["seg"].isna().all() else "seg"
    out = attempt(lambda: ces_summary(frame, segment=segment, scale=scale, confidence=confidence))
    if out is None:
        return
    in_range(out, "mean", "mean_ci_low", "mean_ci_high", 1, top)
    in_range(out, "top_box_share", "top_box_ci_low", "top_box_ci_high", 0, 1)


@given(rows=st.lists(st.tuples(st.integers(1, 7), st.integers(0, 1), st.floats(-5, 5)),
                     min_size=0, max_size=40), confidence=confidences)
def test_effort_loyalty_valid(rows, confidence) -> None:
    frame = pd.DataFrame(rows, columns=["ces", "y", "tenure"])
    out = attempt(lambda: effort_loyalty(frame, effort="ces", outcome="y", covariates=["tenure"],
                                         confidence=confidence))
    if out is None:
        return
    in_range(out, "coef", "ci_low", "ci_high")
    in_range(out, "odds_ratio", "odds_ratio_ci_low", "odds_ratio_ci_high", 0)
    assert out["p_value"].between(0, 1).all()


@given(rows=st.lists(st.tuples(st.sampled_from(["billing", "login", "other"]), st.booleans()),
                     max_size=40), with_repeat=st.booleans(), confidence=confidences)
def test_repeat_contacts_valid(rows, with_repeat, confidence) -> None:
    frame = pd.DataFrame(rows, columns=["reason", "repeat"])
    out = attempt(lambda: repeat_contact_reasons(frame, reason="reason",
                                                 repeat="repeat" if with_repeat else None,
                                                 confidence=confidence))
    if out is None:
        return
    in_range(out, "share_of_repeats", "share_ci_low", "share_ci_high", 0, 1)
    if with_repeat:
        in_range(out, "repeat_rate", "repeat_rate_ci_low", "repeat_rate_ci_high", 0, 1)


counts = st.one_of(st.lists(st.integers(0, 30), max_size=25),
                   st.lists(st.floats(0, 1e6), max_size=12),
                   st.lists(st.sampled_from([0, 1, 10**9, 1e200, 1.797e308]), max_size=4))


@given(negative=counts, positive=counts, threshold=st.floats(0, 50),
       method=st.sampled_from(["BCa", "percentile", "basic"]), confidence=confidences)
def test_word_of_mouth_valid(negative, positive, threshold, method, confidence) -> None:
    out = attempt(lambda: word_of_mouth(negative, positive, threshold=threshold, method=method,
                                        confidence=confidence, n_resamples=99, seed=1))
    if out is None:
        return
    in_range(out, "estimate", "ci_low", "ci_high", 0)
    shares = out.loc[out["quantity"].str.startswith("share")]
    in_range(shares, "estimate", "ci_low", "ci_high", 0, 1)
    share = attempt(lambda: share_telling(negative, threshold=threshold, confidence=confidence))
    if share is not None:
        assert -EPS <= share[1] <= share[0] + EPS and share[0] - EPS <= share[2] <= 1 + EPS


studies_strategy = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1,
                            max_size=8)


def _pool(studies, method, scale, confidence) -> None:
    rows = [{"study": f"s{i}", "count": k, "n": k + m} for i, (k, m) in enumerate(studies)]
    res = attempt(lambda: pool_proportions(rows, method=method, scale=scale,
                                           confidence=confidence))
    if res is None:
        return
    if not res.summary.empty:
        in_range(res.summary, "estimate", "ci_low", "ci_high", 0, 1)
    included = res.studies.loc[res.studies["included"].astype(bool)]
    in_range(included, "proportion", "ci_low", "ci_high", 0, 1)


@given(studies=studies_strategy, method=st.sampled_from(["dl", "pm"]), confidence=confidences)
def test_pool_proportions_valid(studies, method, confidence) -> None:
    _pool(studies, method, "logit", confidence)


@given(studies=studies_strategy, method=st.sampled_from(["dl", "pm"]), confidence=confidences)
def test_pool_proportions_valid_on_the_proportion_scale(studies, method, confidence) -> None:
    _pool(studies, method, "proportion", confidence)


# ---------------------------------------------------------------- 2. invalid inputs
bad_confidence = st.one_of(st.floats().filter(lambda x: not 0 < x < 1), st.none(),
                           st.just("0.95"), st.booleans())
bad_number = st.one_of(st.just(math.nan), st.just(math.inf), st.just(-math.inf), st.none(),
                       st.text(max_size=3), st.booleans())
OK_TICKETS = pd.DataFrame({"sentiment": ["negative", "positive"] * 4,
                           "csat": ["bad", "good", "good", "good"] * 2})
OK_CUSTOMERS = pd.DataFrame({"problems": [0, 1, 3, 0] * 3, "y": [True, False] * 6})
OK_COMPLAINTS = pd.DataFrame({"Company response to consumer": ["Closed", "Closed with monetary "
                                                                          "relief"] * 4,
                              "Consumer disputed?": ["Yes", "No", "No", "No"] * 2})

INVALID_CONFIDENCE: dict[str, Callable[[Any], Any]] = {
    "forgiveness_rate": lambda c: forgiveness_rate(OK_TICKETS, confidence=c),
    "outcome_by_problems": lambda c: outcome_by_problems(OK_CUSTOMERS, outcome="y", confidence=c),
    "dispute_by_response": lambda c: dispute_by_response(OK_COMPLAINTS, confidence=c),
    "ces_summary": lambda c: ces_summary(pd.DataFrame({"ces": [1, 5, 7]}), confidence=c),
    "effort_loyalty": lambda c: effort_loyalty(pd.DataFrame({"e": [1, 2, 3, 4], "y": [0, 1, 0, 1]}),
                                               effort="e", outcome="y", confidence=c),
    "repeat_contact_reasons": lambda c: repeat_contact_reasons(pd.DataFrame({"r": ["a", "b"]}),
                                                               reason="r", confidence=c),
    "word_of_mouth": lambda c: word_of_mouth([1, 5, 9], [1, 2, 3], confidence=c, n_resamples=9),
    "share_telling": lambda c: share_telling([1, 12], confidence=c),
    "pool_proportions": lambda c: pool_proportions([{"study": "a", "count": 1, "n": 4},
                                                    {"study": "b", "count": 2, "n": 5}],
                                                   confidence=c),
}


@pytest.mark.parametrize("name", list(INVALID_CONFIDENCE))
@given(confidence=bad_confidence)
def test_invalid_confidence_is_refused(name, confidence) -> None:
    with pytest.raises((ValueError, TypeError)):
        INVALID_CONFIDENCE[name](confidence)


@given(value=bad_number, where=st.integers(0, 2))
def test_non_finite_or_non_numeric_counts_are_refused(value, where) -> None:
    told = [1.0, 4.0, 9.0]
    told[where] = value
    with pytest.raises((ValueError, TypeError)):
        word_of_mouth(told, [1, 2, 3], n_resamples=9)
    with pytest.raises((ValueError, TypeError)):
        pool_proportions([{"study": "a", "count": value, "n": 10},
                          {"study": "b", "count": 2, "n": 5}])


@given(value=st.one_of(st.just(-1), st.just(1.5), st.just(math.inf)),
       which=st.sampled_from(["problems", "w"]))
def test_invalid_counts_in_frames_are_refused(value, which) -> None:
    frame = OK_CUSTOMERS.assign(w=1).astype({"problems": float, "w": float})
    frame.loc[0, which] = value
    with pytest.raises((ValueError, TypeError)):
        outcome_by_problems(frame, outcome="y", weight="w")


@given(data=st.one_of(st.none(), st.integers(), st.text(max_size=5),
                      st.lists(st.integers(), max_size=3),
                      st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
def test_non_frames_are_refused(data) -> None:
    for call in (forgiveness_rate, outcome_by_problems, dispute_by_response, ces_summary):
        with pytest.raises((ValueError, TypeError)):
            call(data)
