"""Property-based tests (hypothesis) for cxstats.models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxstats.models.effort import ces_summary
from cxstats.models.impact import INPUT_NAMES, SEVERITIES, Input, evaluate, impact
from cxstats.models.impact.inputs import SHARES
from cxstats.models.pooling import pool_proportions
from cxstats.models.word_of_mouth import share_telling

unit = st.floats(0, 1, allow_nan=False)
pos_unit = st.floats(0.01, 1, allow_nan=False)
told = st.floats(0, 50, allow_nan=False)


@st.composite
def model_values(draw):
    v = {
        "customers": draw(st.floats(0, 1e6)), "revenue_per_customer": draw(st.floats(0, 1e4)),
        "margin": draw(unit), "loyalty_no_problem": draw(unit),
        "share_resolved_quickly": draw(pos_unit), "share_resolved_slowly": draw(unit),
        "share_mollified": draw(unit), "share_unresolved": draw(unit),
        "told_silent": draw(told), "told_unresolved": draw(told), "told_mollified": draw(told),
        "told_resolved": draw(told), "wom_conversion_negative": draw(unit),
        "wom_conversion_positive": draw(unit),
    }
    p_minor = draw(unit)
    v.update(problem_rate_minor=p_minor, problem_rate_major=draw(st.floats(0, 1 - p_minor)))
    for k in SEVERITIES:
        v.update({f"complaint_rate_{k}": draw(unit), f"loyalty_silent_{k}": draw(unit),
                  f"loyalty_unresolved_{k}": draw(unit),
                  f"loyalty_mollified_{k}": draw(st.none() | unit),
                  f"loyalty_resolved_slowly_{k}": draw(unit),
                  f"loyalty_resolved_quickly_{k}": draw(unit)})
    return v


def _affected(v):
    return v["customers"] * (v["problem_rate_minor"] + v["problem_rate_major"])


@given(model_values())
def test_direct_loss_bounded_by_affected_customers(v):
    out = evaluate(v, method="absolute")
    assert -1e-6 <= out["customers_lost_direct"] <= _affected(v) * (1 + 1e-9) + 1e-6
    assert out["customers_lost_silent"] >= -1e-9
    assert out["customers_lost"] == pytest.approx(
        out["customers_lost_direct"] + out["customers_lost_wom"] - out["customers_won_wom"],
        abs=1e-6)
    assert out["customers_lost"] == pytest.approx(
        out["customers_lost_minor"] + out["customers_lost_major"], abs=1e-6)


@given(model_values(), st.sampled_from(["incremental", "absolute"]))
def test_share_of_loss_silent_is_a_share(v, method):
    share = evaluate(v, method=method)["share_of_loss_silent"]
    assert np.isnan(share) or 0 <= share <= 1


@given(model_values(), st.floats(1.0, 3.0))
def test_linear_in_customers(v, factor):
    a = evaluate(v)["customers_lost"]
    b = evaluate({**v, "customers": v["customers"] * factor})["customers_lost"]
    assert b == pytest.approx(a * factor, rel=1e-9, abs=1e-6)


@given(model_values(), st.floats(0.0, 1.0), st.sampled_from(SEVERITIES))
def test_higher_silent_loyalty_never_raises_loss(v, bump, k):
    name = f"loyalty_silent_{k}"
    higher = min(1.0, v[name] + bump)
    assert evaluate({**v, name: higher})["customers_lost"] <= (
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
    a = evaluate(v, method="absolute")["customers_lost_direct"]
    b = evaluate({**v, "loyalty_no_problem": l0})["customers_lost_direct"]
    assert a - b == pytest.approx(_affected(v) * (1 - l0), rel=1e-9, abs=1e-6)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 200), st.integers(1, 200), st.integers(0, 2**31))
def test_monte_carlo_interval_contains_median(k, extra, seed):
    n = k + extra
    inputs = {"problem_rate_major": {"count": k, "n": n}, "problem_rate_minor": 0.0,
              "complaint_rate_major": 0.5, "wom_conversion_negative": 0,
              "wom_conversion_positive": 0}
    r = impact(customers=100, revenue_per_customer=1.0, inputs=inputs, draws=500, seed=seed,
               method="absolute")
    row = r.summary.set_index("quantity").loc["revenue_lost"]
    assert row["ci_low"] <= row["median"] <= row["ci_high"]
    assert row["ci_low"] >= 0 and row["ci_high"] <= 100


def _spec(draw, low, high):
    """A valid user spec for an input on [low, high]: fixed, uniform or triangular."""
    a, b = sorted((draw(st.floats(low, high)), draw(st.floats(low, high))))
    kind = draw(st.sampled_from(["fixed", "uniform", "triangular"]))
    if kind == "fixed":
        return a
    if kind == "uniform":
        return (a, b)
    return (a, draw(st.floats(a, b)), b)


@st.composite
def impact_inputs(draw):
    names = draw(st.sets(st.sampled_from([n for n in INPUT_NAMES if n not in (
        "customers", "revenue_per_customer", "problem_rate_minor", "problem_rate_major",
        *SHARES)]), max_size=8))
    out = {n: _spec(draw, 0, 50 if n.startswith("told_") else 1) for n in sorted(names)}
    out["problem_rate_minor"] = _spec(draw, 0, 0.5)
    out["problem_rate_major"] = _spec(draw, 0, 0.5)
    return out


@settings(max_examples=40, deadline=None)
@given(impact_inputs(), st.sampled_from(["incremental", "absolute"]),
       st.floats(0, 1e6), st.floats(0, 1e4), st.integers(0, 2**32))
def test_fuzz_impact_valid_inputs(inputs, method, customers, revenue, seed):
    """Issue 16: valid generated inputs raise nothing (not even ValueError/TypeError), every
    share stays in [0, 1] (draws and central value) and the Monte Carlo estimate (the median)
    lies inside its interval, which lies inside the range of the draws."""
    r = impact(customers=customers, revenue_per_customer=revenue, inputs=inputs,
               method=method, draws=400, seed=seed, keep_samples=True)
    for row in r.summary.itertuples(index=False):
        s = r.samples[row.quantity]
        s = s[np.isfinite(s)]
        if row.unit == "share":
            assert s.size == 0 or (s.min() >= 0 and s.max() <= 1)
            assert np.isnan(row.central) or 0 <= row.central <= 1
        if s.size:
            assert row.ci_low <= row.median <= row.ci_high
            assert s.min() <= row.ci_low and row.ci_high <= s.max()


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
                       inputs={"complaint_rate_minor": v})


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
