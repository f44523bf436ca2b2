"""attributable_loss: excess churn against the no-problem group, pinned to hand arithmetic."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxstats import datasets, models
from cxstats.analyses import outcome_by_problems
from cxstats.models.impact import attributable_loss
from cxstats.models.impact.attributable import COLUMNS

CALLS = "customer_service_calls"


def _telecom_aggregate_rows() -> pd.DataFrame:
    """The shipped counts of the BigML telecom data as weighted (calls, churn) rows."""
    agg = datasets.load_aggregate("telecom_churn_by_service_calls")
    yes = agg.assign(churn=True, weight=agg["churned"])
    no = agg.assign(churn=False, weight=agg["customers"] - agg["churned"])
    return pd.concat([yes, no])[[CALLS, "churn", "weight"]]


def _bigml(shared_dir) -> pd.DataFrame:
    folder = shared_dir / "data" / "telecom-churn-bigml"
    if not folder.is_dir():
        pytest.skip("../shared/data/telecom-churn-bigml is absent")
    read = dict(sep=";", true_values=["VRAI"], false_values=["FAUX"])
    return pd.concat([pd.read_csv(folder / "churn-bigml-80.csv", **read),
                      pd.read_csv(folder / "churn-bigml-20.csv", **read)], ignore_index=True)


def _hand(n: list[int], e: list[int]) -> float:
    """sum over groups g >= 1 of n_g (e_g / n_g - e_0 / n_0)."""
    return sum(ng * (eg / ng - e[0] / n[0]) for ng, eg in zip(n[1:], e[1:], strict=True))


def test_bigml_total_equals_hand_computation_from_the_counts(shared_dir):
    frame = _bigml(shared_dir)
    assert len(frame) == 3333
    calls = frame["Customer service calls"].clip(upper=4)
    n = [int((calls == k).sum()) for k in range(5)]
    e = [int(frame.loc[calls == k, "Churn"].sum()) for k in range(5)]
    res = outcome_by_problems(frame, problems="Customer service calls", outcome="Churn", cap=4)
    t = attributable_loss(res, revenue_per_customer=50.0, margin=0.4)
    assert list(t.columns) == COLUMNS
    assert t["group"].tolist() == ["0", "1", "2", "3", "4+", "total"]
    assert t["customers"].tolist() == [*n, 3333] and t["churned"].tolist() == [*e, sum(e)]
    total = t.set_index("group").loc["total"]
    assert total["excess_customers"] == pytest.approx(_hand(n, e))
    assert total["revenue_lost"] == pytest.approx(_hand(n, e) * 50 * 0.4)
    four = t.set_index("group").loc["4+"]
    assert four["excess_customers"] == pytest.approx(n[4] * (e[4] / n[4] - e[0] / n[0]))
    assert (t["baseline_rate"] == e[0] / n[0]).all()


def test_shipped_aggregate_gives_the_same_table_as_the_raw_rows(shared_dir):
    res = outcome_by_problems(_telecom_aggregate_rows(), problems=CALLS, outcome="churn",
                              cap=4, weight="weight")
    a = attributable_loss(res, revenue_per_customer=1.0)
    frame = _bigml(shared_dir)
    raw = outcome_by_problems(frame, problems="Customer service calls", outcome="Churn", cap=4)
    b = attributable_loss(raw, revenue_per_customer=1.0)
    pd.testing.assert_frame_equal(a, b)


def test_interval_pinned_to_the_delta_method():
    """Bootstrap intervals against an independent normal (delta-method) interval: the variance
    of sum_g n_g (r_g - r_0) is sum_g n_g r_g (1 - r_g) + (sum_g n_g)^2 r_0 (1 - r_0) / n_0."""
    agg = datasets.load_aggregate("telecom_churn_by_service_calls")
    capped = agg.assign(g=agg[CALLS].clip(upper=4)).groupby("g")[["customers", "churned"]].sum()
    n, e = capped["customers"].tolist(), capped["churned"].tolist()
    res = outcome_by_problems(_telecom_aggregate_rows(), problems=CALLS, outcome="churn", cap=4,
                              weight="weight")
    t = attributable_loss(res, revenue_per_customer=1.0).set_index("group")
    r = [ei / ni for ni, ei in zip(n, e, strict=True)]
    z = stats.norm.ppf(0.975)
    var_total = (sum(ni * ri * (1 - ri) for ni, ri in zip(n[1:], r[1:], strict=True))
                 + sum(n[1:]) ** 2 * r[0] * (1 - r[0]) / n[0])
    est, half = _hand(n, e), z * np.sqrt(var_total)
    # BCa allows for skew and has resampling error: agreement within 6% of the half-width
    assert t.loc["total", "ci_low"] == pytest.approx(est - half, abs=0.06 * half)
    assert t.loc["total", "ci_high"] == pytest.approx(est + half, abs=0.06 * half)
    var_4 = n[4] * r[4] * (1 - r[4]) + n[4] ** 2 * r[0] * (1 - r[0]) / n[0]
    est_4, half_4 = n[4] * (r[4] - r[0]), z * np.sqrt(var_4)
    assert t.loc["4+", "ci_low"] == pytest.approx(est_4 - half_4, abs=0.06 * half_4)
    assert t.loc["4+", "ci_high"] == pytest.approx(est_4 + half_4, abs=0.06 * half_4)
    for row in t.itertuples():
        assert row.ci_low <= row.excess_customers <= row.ci_high
    # the baseline row is the reference: no excess, no interval
    assert (t.loc["0", "excess_customers"], t.loc["0", "ci_low"], t.loc["0", "ci_high"]) == (
        0, 0, 0)


def test_same_seed_same_interval_and_reachable_from_models():
    res = outcome_by_problems(_telecom_aggregate_rows(), problems=CALLS, outcome="churn", cap=4,
                              weight="weight")
    a = models.attributable_loss(res, revenue_per_customer=1.0, seed=3)
    b = attributable_loss(res, revenue_per_customer=1.0, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["confidence"] == 0.95


def test_small_table_by_hand_and_not_mutated():
    calls = pd.DataFrame({"calls": [0] * 100 + [1] * 50 + [4] * 20,
                          "churn": [1] * 10 + [0] * 90 + [1] * 5 + [0] * 45 + [1] * 12
                          + [0] * 8})
    before = copy.deepcopy(calls)
    res = outcome_by_problems(calls, problems="calls", outcome="churn", cap=4)
    t = attributable_loss(res, revenue_per_customer=100.0, margin=0.5, confidence=0.9)
    pd.testing.assert_frame_equal(calls, before)
    # 4+: 20 * (12/20 - 10/100) = 10 customers; 1: 50 * (0.1 - 0.1) = 0
    assert t["excess_customers"].tolist() == pytest.approx([0, 0, 10, 10])
    assert t["revenue_lost"].tolist() == pytest.approx([0, 0, 500, 500])
    assert t.attrs["confidence"] == 0.9


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"revenue_per_customer": -1.0}, ValueError, "revenue_per_customer must be finite and >= 0"),
    ({"revenue_per_customer": float("nan")}, ValueError, "revenue_per_customer"),
    ({"revenue_per_customer": "10"}, TypeError, "revenue_per_customer must be a real number"),
    ({"revenue_per_customer": 1.0, "margin": 1.5}, ValueError, r"margin .* in \[0, 1\]"),
    ({"revenue_per_customer": 1.0, "confidence": 95}, ValueError, "confidence"),
    ({"revenue_per_customer": 1.0, "seed": -2}, ValueError, "seed must be >= 0"),
])
def test_bad_options(kwargs, exc, match):
    res = outcome_by_problems(_telecom_aggregate_rows(), problems=CALLS, outcome="churn", cap=4,
                              weight="weight")
    with pytest.raises(exc, match=match):
        attributable_loss(res, **kwargs)


def test_result_must_be_a_problems_result():
    with pytest.raises(TypeError, match="outcome_by_problems"):
        attributable_loss(pd.DataFrame(), revenue_per_customer=1.0)
