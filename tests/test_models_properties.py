"""Property-based tests (hypothesis) for cxstats.models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxstats.models.effort import ces_summary
from cxstats.models.impact import Input, evaluate, impact
from cxstats.models.pooling import pool_proportions
from cxstats.models.word_of_mouth import share_telling

unit = st.floats(0, 1, allow_nan=False)
pos_unit = st.floats(0.01, 1, allow_nan=False)
told = st.floats(0, 50, allow_nan=False)


@st.composite
def model_values(draw):
    return {
        "customers": draw(st.floats(0, 1e6)), "revenue_per_customer": draw(st.floats(0, 1e4)),
        "margin": draw(unit), "problem_rate": draw(unit), "complaint_rate": draw(unit),
        "share_resolved_quickly": draw(pos_unit), "share_resolved_slowly": draw(unit),
        "share_mollified": draw(unit), "share_unresolved": draw(unit),
        "loyalty_silent": draw(unit), "loyalty_unresolved": draw(unit),
        "loyalty_mollified": draw(st.none() | unit), "loyalty_resolved_slowly": draw(unit),
        "loyalty_resolved_quickly": draw(unit), "told_silent": draw(told),
        "told_unresolved": draw(told), "told_mollified": draw(told), "told_resolved": draw(told),
        "wom_conversion_negative": draw(unit), "wom_conversion_positive": draw(unit),
    }


@given(model_values())
def test_direct_loss_bounded_by_affected_customers(v):
    out = evaluate(v)
    affected = v["customers"] * v["problem_rate"]
    assert -1e-6 <= out["customers_lost_direct"] <= affected * (1 + 1e-9) + 1e-6
    assert out["customers_lost_silent"] >= -1e-9
    assert out["customers_lost"] == pytest.approx(
        out["customers_lost_direct"] + out["customers_lost_wom"] - out["customers_won_wom"],
        abs=1e-6)


@given(model_values(), st.floats(1.0, 3.0))
def test_linear_in_customers(v, factor):
    a = evaluate(v)["customers_lost"]
    b = evaluate({**v, "customers": v["customers"] * factor})["customers_lost"]
    assert b == pytest.approx(a * factor, rel=1e-9, abs=1e-6)


@given(model_values(), st.floats(0.0, 1.0))
def test_higher_silent_loyalty_never_raises_loss(v, bump):
    higher = min(1.0, v["loyalty_silent"] + bump)
    assert evaluate({**v, "loyalty_silent": higher})["customers_lost"] <= (
        evaluate(v)["customers_lost"] + 1e-6)


@given(model_values())
def test_vectorised_equals_scalar(v):
    arrays = {k: (None if x is None else np.array([x, x])) for k, x in v.items()}
    vec = evaluate(arrays)
    one = evaluate(v)
    for k in ("customers_lost", "revenue_lost", "value_per_point_complaint_rate"):
        assert vec[k] == pytest.approx([one[k], one[k]], rel=1e-12, abs=1e-9)


@given(model_values(), st.floats(0, 1))
def test_incremental_equals_absolute_minus_baseline_gap(v, l0):
    # loss_k = L0 - L_k = (1 - L_k) - (1 - L0): direct loss differs by N p (1 - L0)
    a = evaluate(v)["customers_lost_direct"]
    b = evaluate({**v, "loyalty_no_problem": l0}, method="incremental")["customers_lost_direct"]
    assert a - b == pytest.approx(v["customers"] * v["problem_rate"] * (1 - l0),
                                  rel=1e-9, abs=1e-6)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 200), st.integers(1, 200), st.integers(0, 2**31))
def test_monte_carlo_interval_contains_median(k, extra, seed):
    n = k + extra
    inputs = {"problem_rate": {"count": k, "n": n}, "complaint_rate": 0.5, "margin": 1.0,
              "loyalty_silent": 0.09, "loyalty_unresolved": 0.19,
              "loyalty_resolved_slowly": 0.54, "loyalty_resolved_quickly": 0.82,
              "share_resolved_quickly": 0.3, "share_resolved_slowly": 0.3,
              "share_mollified": 0.0, "share_unresolved": 0.4, "told_silent": 0,
              "told_unresolved": 0, "told_mollified": 0, "told_resolved": 0,
              "wom_conversion_negative": 0, "wom_conversion_positive": 0}
    r = impact(customers=100, revenue_per_customer=1.0, inputs=inputs, draws=500, seed=seed)
    row = r.summary.set_index("quantity").loc["revenue_lost"]
    assert row["ci_low"] <= row["median"] <= row["ci_high"]
    assert row["ci_low"] >= 0 and row["ci_high"] <= 100


@given(st.floats(-10, 10), st.floats(-10, 10))
def test_input_range_validation(low, high):
    if low > high:
        with pytest.raises(ValueError, match="must not be above"):
            Input.uniform(low, high)
    else:
        i = Input.uniform(low, high)
        assert i.low <= i.value <= i.high


@settings(deadline=None)  # first call imports statsmodels
@given(st.lists(st.floats(-1e3, 2.0), min_size=1, max_size=5))
def test_shares_outside_unit_interval_rejected(values):
    for v in values:
        if not 0 <= v <= 1:
            with pytest.raises(ValueError, match=r"\[0, 1\]"):
                impact(customers=1, revenue_per_customer=1.0, draws=1,
                       inputs={"complaint_rate": v})


@settings(deadline=None)  # first call imports statsmodels
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=2, max_size=8))
def test_pooled_estimate_within_study_range(pairs):
    rows = [{"study": f"s{i}", "count": k, "n": k + m} for i, (k, m) in enumerate(pairs)]
    r = pool_proportions(rows)
    est = r.summary.set_index("model").loc["random", "estimate"]
    # logit with 0.5 correction for 0%: compare on the corrected proportions
    props = [(k + 0.5) / (k + m + 1) if k == 0 else k / (k + m) for k, m in pairs]
    assert min(props) - 1e-9 <= est <= max(props) + 1e-9
    assert r.tau2 >= 0 and 0 <= r.i2 <= 1
    assert r.studies["weight_random"].sum() == pytest.approx(1)


@settings(deadline=None)  # first call imports statsmodels
@given(st.lists(st.integers(0, 40), min_size=2, max_size=50), st.integers(0, 40))
def test_share_telling_in_unit_interval(counts, threshold):
    share, lo, hi, n = share_telling(counts, threshold=threshold)
    eps = 1e-12  # statsmodels' Wilson bounds carry floating-point noise at 0% and 100%
    assert -eps <= lo <= share + eps and share - eps <= hi <= 1 + eps
    assert n == len(counts)
    assert share == pytest.approx(sum(c >= threshold for c in counts) / len(counts))


@settings(deadline=None)  # first call imports statsmodels
@given(st.lists(st.integers(1, 7), min_size=2, max_size=60))
def test_ces_mean_within_scale_and_not_mutated(scores):
    df = pd.DataFrame({"ces": scores})
    before = df.copy()
    t = ces_summary(df)
    assert 1 <= t.loc[0, "mean"] <= 7
    lo, share, hi = t.loc[0, ["top_box_ci_low", "top_box_share", "top_box_ci_high"]]
    eps = 1e-12  # Wilson bounds carry floating-point noise at 0% and 100%
    assert -eps <= lo <= share + eps and share - eps <= hi <= 1 + eps
    pd.testing.assert_frame_equal(df, before)
