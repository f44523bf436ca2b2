"""Churn-impact model: arithmetic pinned to hand calculations, defaults, Monte Carlo, errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats

from cxstats import catalogue
from cxstats.models.impact import INPUT_NAMES, OUTPUTS, Input, default_inputs, evaluate, impact

# TARP loyalty for problems over $100 (models.md section 1.2): 9 / 19 / 54 / 82 percent.
TARP_MAJOR = {"loyalty_silent": 0.09, "loyalty_unresolved": 0.19,
              "loyalty_resolved_slowly": 0.54, "loyalty_resolved_quickly": 0.82}
# The worked example of models.md section 1.3.
EXAMPLE = {"customers": 1000, "revenue_per_customer": 100.0, "margin": 1.0,
           "problem_rate": 0.5, "complaint_rate": 0.5, "share_resolved_quickly": 0.3,
           "share_resolved_slowly": 0.3, "share_mollified": 0.0, "share_unresolved": 0.4,
           "loyalty_mollified": None, "told_silent": 10.0, "told_unresolved": 10.0,
           "told_mollified": 10.0, "told_resolved": 5.0, "wom_conversion_negative": 0.0,
           "wom_conversion_positive": 0.0, **TARP_MAJOR}


def _fixed_inputs(**over):
    d = {k: v for k, v in {**EXAMPLE, **over}.items()
         if k not in ("customers", "revenue_per_customer")}
    return d


def test_worked_example_models_md():
    # 0.5 * [0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.3 * 0.46 + 0.4 * 0.81)] = 0.3565
    hand = 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.3 * 0.46 + 0.4 * 0.81))
    assert hand == pytest.approx(0.3565)
    out = evaluate(EXAMPLE)
    assert out["customers_lost"] == pytest.approx(1000 * hand)
    assert out["revenue_lost"] == pytest.approx(100 * 1000 * hand)
    # silent part: N p (1 - c) (1 - L_nc) = 1000 * 0.5 * 0.5 * 0.91
    assert out["customers_lost_silent"] == pytest.approx(227.5)
    assert out["revenue_lost_silent"] == pytest.approx(22750)
    assert out["share_of_loss_silent"] == pytest.approx(227.5 / 356.5)
    assert out["customers_lost_wom"] == 0 and out["customers_won_wom"] == 0


def test_incremental_variant_by_hand():
    # L0 = 0.9: losses 0.81, 0.71 (unresolved), 0.36 (slow), 0.08 (quick)
    hand = 0.5 * (0.5 * 0.81 + 0.5 * (0.3 * 0.08 + 0.3 * 0.36 + 0.4 * 0.71))
    out = evaluate({**EXAMPLE, "loyalty_no_problem": 0.9}, method="incremental")
    assert out["customers_lost"] == pytest.approx(1000 * hand)
    assert hand == pytest.approx(0.3065)


def test_word_of_mouth_by_hand():
    v = {**EXAMPLE, "wom_conversion_negative": 0.02, "wom_conversion_positive": 0.01}
    out = evaluate(v)
    # negative told: 1000*0.5*(0.5*10 + 0.5*0.4*10) = 3500 -> 70 lost
    # positive told: 1000*0.5*0.5*0.6*5 = 750 -> 7.5 won
    assert out["customers_lost_wom"] == pytest.approx(70)
    assert out["customers_won_wom"] == pytest.approx(7.5)
    assert out["customers_lost"] == pytest.approx(356.5 + 70 - 7.5)
    # silent part includes the silent customers' word of mouth: 227.5 + 2500 * 0.02
    assert out["customers_lost_silent"] == pytest.approx(227.5 + 50)


def test_mollified_midpoint_assumption():
    v = {**EXAMPLE, "share_resolved_quickly": 0.3, "share_resolved_slowly": 0.2,
         "share_mollified": 0.2, "share_unresolved": 0.3}
    l_mol = (0.54 + 0.19) / 2
    hand = 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.2 * 0.46 + 0.2 * (1 - l_mol) + 0.3 * 0.81))
    assert evaluate(v)["customers_lost"] == pytest.approx(1000 * hand)
    assert evaluate({**v, "loyalty_mollified": 0.5})["customers_lost"] == pytest.approx(
        1000 * 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.2 * 0.46 + 0.2 * 0.5 + 0.3 * 0.81)))


def test_shares_renormalised():
    a = evaluate(EXAMPLE)["customers_lost"]
    b = evaluate({**EXAMPLE, "share_resolved_quickly": 0.6, "share_resolved_slowly": 0.6,
                  "share_unresolved": 0.8})["customers_lost"]
    assert a == pytest.approx(b)


def test_value_of_complaint_and_resolution_rate_by_hand():
    out = evaluate(EXAMPLE)
    # d lost / d c = N p (complainer loss - silent loss) = 1000*0.5*(0.516 - 0.91) = -197
    # per point: 1.97 customers saved, times 100 revenue each
    assert out["value_per_point_complaint_rate"] == pytest.approx(197.0)
    # moving 1 point of complainers from unresolved to resolved (quick/slow 50/50):
    # N p c * 0.01 * (0.81 - (0.5*0.18 + 0.5*0.46)) = 250 * 0.01 * 0.49 = 1.225 customers
    assert out["value_per_point_resolution_rate"] == pytest.approx(122.5)
    # the model is linear in c: a finite difference agrees exactly
    up = evaluate({**EXAMPLE, "complaint_rate": 0.51})
    assert out["revenue_lost"] - up["revenue_lost"] == pytest.approx(197.0)


def test_value_of_resolution_with_word_of_mouth():
    v = {**EXAMPLE, "wom_conversion_negative": 0.02, "wom_conversion_positive": 0.01}
    moved = {**v, "share_unresolved": 0.39, "share_resolved_quickly": 0.305,
             "share_resolved_slowly": 0.305}
    diff = evaluate(v)["revenue_lost"] - evaluate(moved)["revenue_lost"]
    # by hand: 250 customers complaining * 0.01 * (0.49 + 0.02*10 + 0.01*5) * 100
    assert diff == pytest.approx(250 * 0.01 * (0.49 + 0.2 + 0.05) * 100)
    assert evaluate(v)["value_per_point_resolution_rate"] == pytest.approx(diff)


def test_impact_all_fixed_gives_degenerate_interval():
    r = impact(customers=1000, revenue_per_customer=100.0, inputs=_fixed_inputs(), draws=50)
    row = r.summary.set_index("quantity").loc["revenue_lost"]
    assert row["central"] == pytest.approx(35650)
    assert row["median"] == pytest.approx(35650)
    assert row["ci_low"] == pytest.approx(35650) and row["ci_high"] == pytest.approx(35650)
    assert list(r.summary["quantity"]) == list(OUTPUTS)
    assert r.sensitivity.empty
    assert set(r.inputs["source"]) == {"user", "assumption"}  # assumption: derived mollified
    assert r.inputs.set_index("input").loc["loyalty_mollified", "distribution"] == "derived"


def test_monte_carlo_matches_beta_quantiles():
    # lost is linear in p: its quantiles are 1000 * (0.713) * Beta quantiles
    r = impact(customers=1000, revenue_per_customer=1.0, draws=400_000, seed=3,
               confidence=0.9,
               inputs=_fixed_inputs(problem_rate={"count": 30, "n": 60}))
    k = 1000 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.3 * 0.46 + 0.4 * 0.81))
    beta = stats.beta(30.5, 30.5)  # Jeffreys posterior for 30 of 60
    row = r.summary.set_index("quantity").loc["customers_lost"]
    assert row["median"] == pytest.approx(k * beta.ppf(0.5), rel=2e-3)
    assert row["ci_low"] == pytest.approx(k * beta.ppf(0.05), rel=5e-3)
    assert row["ci_high"] == pytest.approx(k * beta.ppf(0.95), rel=5e-3)


def test_seeded_and_reproducible():
    kw = dict(customers=1000, revenue_per_customer=1.0, draws=5000,
              inputs=_fixed_inputs(complaint_rate=(0.2, 0.6)))
    a = impact(seed=7, **kw).summary
    b = impact(seed=7, **kw).summary
    c = impact(seed=8, **kw).summary
    assert a.equals(b)
    assert not a["median"].equals(c["median"])


def test_chunking_does_not_change_draws_count():
    r = impact(customers=10, revenue_per_customer=1.0, draws=1001, chunk=100, keep_samples=True,
               inputs=_fixed_inputs(complaint_rate=(0.2, 0.6)))
    assert r.samples["revenue_lost"].shape == (1001,)
    assert np.isfinite(r.samples["revenue_lost"]).all()


def test_sensitivity_table_by_hand():
    r = impact(customers=1000, revenue_per_customer=1.0, draws=100,
               inputs=_fixed_inputs(complaint_rate=(0.2, 0.6), problem_rate=(0.4, 0.5)))
    s = r.sensitivity.set_index("input")
    assert list(r.sensitivity.columns) == ["input", "source", "low", "central", "high",
                                           "output_low", "output_central", "output_high",
                                           "swing", "rank"]
    # complaint rate at 0.2: 1000 * 0.45 * (0.8 * 0.91 + 0.2 * 0.516); centre p = 0.45
    assert s.loc["complaint_rate", "output_low"] == pytest.approx(
        1000 * 0.45 * (0.8 * 0.91 + 0.2 * 0.516))
    assert s.loc["complaint_rate", "output_high"] == pytest.approx(
        1000 * 0.45 * (0.4 * 0.91 + 0.6 * 0.516))
    assert s.loc["problem_rate", "output_high"] == pytest.approx(
        1000 * 0.5 * (0.6 * 0.91 + 0.4 * 0.516))
    assert list(r.sensitivity["rank"]) == [1, 2]
    assert r.sensitivity["swing"].is_monotonic_decreasing


def test_defaults_record_their_sources():
    d = default_inputs()
    p = catalogue.get("ccmc-asu-2023-problem-past-year")
    assert d["problem_rate"].source == "catalogue"
    assert d["problem_rate"].catalogue_ids == ("ccmc-asu-2023-problem-past-year",)
    assert d["problem_rate"].value == pytest.approx(0.74)
    assert d["problem_rate"].low == pytest.approx(p.ci_low / 100)
    assert d["problem_rate"].high == pytest.approx(p.ci_high / 100)
    # TARP over-$100 row, models.md: 9 / 19 / 54 / 82
    for name, v in TARP_MAJOR.items():
        assert d[name].value == pytest.approx(v)
        assert d[name].source == "catalogue" and d[name].distribution == "fixed"
    minor = default_inputs("minor")
    assert [minor[n].value for n in TARP_MAJOR] == pytest.approx([0.37, 0.46, 0.70, 0.95])
    # complaint rate: 3% (small problems) to 1 - 31% ($142 problem), Goodman & Newman 2003
    assert (d["complaint_rate"].low, d["complaint_rate"].high) == pytest.approx((0.03, 0.69))
    assert d["complaint_rate"].source == "assumption"
    assert d["told_resolved"].value == 5 and d["told_unresolved"].value == 10
    for name, inp in d.items():
        assert inp.source in {"catalogue", "assumption"}, name
        assert inp.note, name
    assert "customers" not in d and "loyalty_no_problem" not in d


def test_impact_with_defaults_labels_inputs():
    r = impact(customers=1000, revenue_per_customer=10.0, draws=2000)
    inp = r.inputs.set_index("input")
    assert list(r.inputs["input"]) == [n for n in INPUT_NAMES if n != "loyalty_no_problem"]
    assert inp.loc["customers", "source"] == "user"
    assert inp.loc["problem_rate", "catalogue_ids"] == "ccmc-asu-2023-problem-past-year"
    assert inp.loc["wom_conversion_negative", "source"] == "assumption"
    assert set(r.sensitivity["input"]) == {"problem_rate", "complaint_rate"}
    row = r.summary.set_index("quantity").loc["customers_lost"]
    assert row["ci_low"] < row["median"] < row["ci_high"]


def test_input_constructors():
    i = Input.from_counts(74, 100)
    assert (i.a, i.b) == (74.5, 26.5)
    c = Input.from_counts(74, 100, complement=True)
    assert c.value == pytest.approx(0.26) and (c.a, c.b) == (26.5, 74.5)
    assert c.low == pytest.approx(1 - i.high)
    m = Input.from_interval(0.3, 0.2, 0.4, confidence=0.95)
    dist = stats.beta(m.a, m.b)
    assert dist.mean() == pytest.approx(0.3)
    assert dist.std() == pytest.approx(0.1 / stats.norm.ppf(0.975))
    with pytest.raises(ValueError, match="too wide"):
        Input.from_interval(0.05, 0.0, 1.0)


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"customers": -1}, ValueError, "customers must be >= 0"),
    ({"inputs": {"problem_rate": 1.2}}, ValueError, r"problem_rate is a share.*\[0, 1\]"),
    ({"inputs": {"complaint_rate": (0.6, 0.2)}}, ValueError, "low .* must not be above high"),
    ({"draws": 0}, ValueError, "draws must be >= 1"),
    ({"draws": 1.5}, TypeError, "draws must be an int"),
    ({"method": "relative"}, ValueError, "method must be one of absolute, incremental"),
    ({"method": "incremental"}, ValueError, "loyalty_no_problem"),
    ({"inputs": {"churn": 0.1}}, ValueError, "unknown input"),
    ({"inputs": {"problem_rate": "high"}}, TypeError, "problem_rate must be a number"),
    ({"inputs": {"problem_rate": True}}, TypeError, "got bool"),
    ({"inputs": {"problem_rate": {"count": 5, "n": 3}}}, ValueError, "count must be between"),
    ({"inputs": {"problem_rate": {"lo": 0.1}}}, ValueError, "unknown keys"),
    ({"confidence": 1.0}, ValueError, "confidence must be strictly between"),
    ({"problem_size": "huge"}, ValueError, "problem_size must be one of major, minor"),
    ({"revenue_per_customer": None}, ValueError, "revenue_per_customer is required"),
    ({"inputs": [("a", 1)]}, TypeError, "inputs must be a mapping"),
])
def test_bad_input(kwargs, exc, match):
    base = {"customers": 10, "revenue_per_customer": 1.0, "draws": 10}
    with pytest.raises(exc, match=match):
        impact(**{**base, **kwargs})


def test_inputs_not_mutated():
    inputs = {"problem_rate": {"count": 74, "n": 100}, "complaint_rate": [0.2, 0.6],
              **TARP_MAJOR}
    before = copy.deepcopy(inputs)
    impact(customers=10, revenue_per_customer=1.0, inputs=inputs, draws=10)
    assert inputs == before


def test_outcome_shares_not_summing_to_one_are_rejected_not_renormalised():
    """Regression: share_unresolved=0.5 with the default 0.3/0.3/0 split used to be silently
    renormalised to 0.5/1.1 = 0.4545 while the inputs table still showed 0.5."""
    with pytest.raises(ValueError, match=r"share_unresolved=0\.5 .*sum 1\.1"):
        impact(customers=1000, revenue_per_customer=100.0, draws=10,
               inputs=_fixed_inputs(share_resolved_slowly=0.3, share_unresolved=0.5))
    with pytest.raises(ValueError, match="sum to 1"):
        impact(customers=1000, revenue_per_customer=100.0, draws=10,
               inputs={"share_unresolved": 0.5})
    # the same figure with the other shares adjusted by the user is used as given:
    # 0.5 * [0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.2 * 0.46 + 0.5 * 0.81)] = 0.36525
    r = impact(customers=1000, revenue_per_customer=100.0, draws=10,
               inputs=_fixed_inputs(share_resolved_slowly=0.2, share_unresolved=0.5))
    hand = 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.2 * 0.46 + 0.5 * 0.81))
    row = r.summary.set_index("quantity").loc["customers_lost"]
    assert row["central"] == pytest.approx(1000 * hand)
    assert row["median"] == pytest.approx(1000 * hand)


def test_tornado_moves_a_share_to_exactly_its_bound():
    # share_unresolved 0.2 .. 0.6 around 0.4; the other shares (0.3, 0.3, 0) are rescaled to
    # 0.4, 0.4, 0 (low) and 0.2, 0.2, 0 (high), so the moved share is exactly at its bound.
    r = impact(customers=1000, revenue_per_customer=1.0, draws=100,
               inputs=_fixed_inputs(share_unresolved=(0.2, 0.6)))
    s = r.sensitivity.set_index("input")
    low = 0.4 * 0.18 + 0.4 * 0.46 + 0.2 * 0.81
    high = 0.2 * 0.18 + 0.2 * 0.46 + 0.6 * 0.81
    assert s.loc["share_unresolved", "output_low"] == pytest.approx(
        1000 * 0.5 * (0.5 * 0.91 + 0.5 * low))
    assert s.loc["share_unresolved", "output_high"] == pytest.approx(
        1000 * 0.5 * (0.5 * 0.91 + 0.5 * high))
