"""Churn-impact model: arithmetic pinned to hand calculations, defaults, Monte Carlo, errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats

from cxstats import catalogue
from cxstats.models.impact import (
    INPUT_NAMES,
    OUTPUTS,
    PLAUSIBLE_MAX_SHARE,
    Input,
    default_inputs,
    evaluate,
    example_values,
    impact,
)

# TARP loyalty for problems over $100 (models.md section 1.2): 9 / 19 / 54 / 82 percent; for
# problems under $5: 37 / 46 / 70 / 95 percent.
# The worked example of models.md section 1.3: major problems only, p = 0.5, c = 0.5.
EXAMPLE = example_values(customers=1000.0, revenue_per_customer=100.0,
                         problem_rate_major=0.5, complaint_rate_major=0.5)
HAND = 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.3 * 0.46 + 0.4 * 0.81))  # 0.3565


def _fixed_inputs(**over):
    return {k: v for k, v in {**EXAMPLE, **over}.items()
            if k not in ("customers", "revenue_per_customer")}


def test_worked_example_models_md():
    assert round(HAND, 4) == 0.3565
    out = evaluate(EXAMPLE, method="absolute")
    assert out["customers_lost"] == pytest.approx(1000 * HAND)
    assert out["customers_lost_major"] == pytest.approx(1000 * HAND)
    assert out["customers_lost_minor"] == 0
    assert out["revenue_lost"] == pytest.approx(100 * 1000 * HAND)
    # silent part: N p (1 - c) (1 - L_nc) = 1000 * 0.5 * 0.5 * 0.91
    assert out["customers_lost_silent"] == pytest.approx(227.5)
    assert out["revenue_lost_silent"] == pytest.approx(22750)
    assert out["share_of_loss_silent"] == pytest.approx(227.5 / 356.5)
    assert out["customers_lost_wom"] == 0 and out["customers_won_wom"] == 0


def test_incremental_is_the_default_and_matches_hand():
    # L0 = 0.9: losses 0.81, 0.71 (unresolved), 0.36 (slow), 0.08 (quick)
    hand = 0.5 * (0.5 * 0.81 + 0.5 * (0.3 * 0.08 + 0.3 * 0.36 + 0.4 * 0.71))
    out = evaluate({**EXAMPLE, "loyalty_no_problem": 0.9})
    assert out["customers_lost"] == pytest.approx(1000 * hand)
    assert hand == pytest.approx(0.3065)


def test_severity_classes_add_up_by_hand():
    # minor: p 0.4, c 0.03, TARP under-$5 row; major: p 0.1, c 0.69, TARP over-$100 row; L0 0.9
    v = example_values(problem_rate_minor=0.4, complaint_rate_minor=0.03,
                       problem_rate_major=0.1, complaint_rate_major=0.69, loyalty_no_problem=0.9)
    minor = 0.4 * (0.97 * (0.9 - 0.37)
                   + 0.03 * (0.3 * (0.9 - 0.95) + 0.3 * (0.9 - 0.70) + 0.4 * (0.9 - 0.46)))
    major = 0.1 * (0.31 * (0.9 - 0.09)
                   + 0.69 * (0.3 * (0.9 - 0.82) + 0.3 * (0.9 - 0.54) + 0.4 * (0.9 - 0.19)))
    out = evaluate(v)
    assert out["customers_lost_minor"] == pytest.approx(minor)
    assert out["customers_lost_major"] == pytest.approx(major)
    assert out["customers_lost"] == pytest.approx(minor + major)


def test_word_of_mouth_by_hand():
    v = {**EXAMPLE, "wom_conversion_negative": 0.02, "wom_conversion_positive": 0.01}
    out = evaluate(v, method="absolute")
    # negative told: 1000*0.5*(0.5*10 + 0.5*0.4*10) = 3500 -> 70 lost
    # positive told: 1000*0.5*0.5*0.6*5 = 750 -> 7.5 won
    assert out["customers_lost_wom"] == pytest.approx(70)
    assert out["customers_won_wom"] == pytest.approx(7.5)
    assert out["customers_lost"] == pytest.approx(356.5 + 70 - 7.5)
    # silent part includes the silent customers' word of mouth: 227.5 + 2500 * 0.02
    assert out["customers_lost_silent"] == pytest.approx(227.5 + 50)


def test_share_of_loss_silent_stays_a_share_when_word_of_mouth_wins_back():
    """Issue 16 reproducer: positive word of mouth used to push the share to 5.0."""
    v = {**EXAMPLE, "told_resolved": 100.0, "wom_conversion_positive": 0.0044}
    out = evaluate(v, method="absolute")
    # won back 0.0044 * 1000*0.5*0.5*0.6*100 = 66 of the gross 356.5 direct loss
    assert out["customers_won_wom"] == pytest.approx(66)
    assert out["customers_lost"] == pytest.approx(356.5 - 66)
    # the silent share of the gross loss, gains reported separately
    assert out["share_of_loss_silent"] == pytest.approx(227.5 / 356.5)
    huge = evaluate({**v, "wom_conversion_positive": 1.0}, method="absolute")
    assert huge["customers_lost"] < 0 and 0 <= huge["share_of_loss_silent"] <= 1


def test_recovery_gain_lowers_loss_but_share_stays_in_unit_interval():
    # L0 0.9 below the minor 'satisfied quickly' 0.95: that group is a gain of 0.05 each
    v = example_values(problem_rate_minor=1.0, complaint_rate_minor=1.0,
                       share_resolved_quickly=1.0, share_resolved_slowly=0.0,
                       share_unresolved=0.0, loyalty_no_problem=0.9)
    out = evaluate(v)
    assert out["customers_lost"] == pytest.approx(-0.05)
    assert np.isnan(out["share_of_loss_silent"])  # nothing lost at all: undefined, not 5.0


def test_mollified_midpoint_assumption():
    v = {**EXAMPLE, "share_resolved_quickly": 0.3, "share_resolved_slowly": 0.2,
         "share_mollified": 0.2, "share_unresolved": 0.3}
    l_mol = (0.54 + 0.19) / 2
    hand = 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.2 * 0.46 + 0.2 * (1 - l_mol) + 0.3 * 0.81))
    assert evaluate(v, method="absolute")["customers_lost"] == pytest.approx(1000 * hand)
    assert evaluate({**v, "loyalty_mollified_major": 0.5},
                    method="absolute")["customers_lost"] == pytest.approx(
        1000 * 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.2 * 0.46 + 0.2 * 0.5 + 0.3 * 0.81)))


def test_shares_renormalised():
    a = evaluate(EXAMPLE)["customers_lost"]
    b = evaluate({**EXAMPLE, "share_resolved_quickly": 0.6, "share_resolved_slowly": 0.6,
                  "share_unresolved": 0.8})["customers_lost"]
    assert a == pytest.approx(b)


def test_value_of_complaint_and_resolution_rate_by_hand():
    out = evaluate(EXAMPLE, method="absolute")
    # d lost / d c = N p (complainer loss - silent loss) = 1000*0.5*(0.516 - 0.91) = -197
    # per point: 1.97 customers saved, times 100 revenue each
    assert out["value_per_point_complaint_rate"] == pytest.approx(197.0)
    # moving 1 point of complainers from unresolved to resolved (quick/slow 50/50):
    # N p c * 0.01 * (0.81 - (0.5*0.18 + 0.5*0.46)) = 250 * 0.01 * 0.49 = 1.225 customers
    assert out["value_per_point_resolution_rate"] == pytest.approx(122.5)
    # the model is linear in c: a finite difference agrees exactly
    up = evaluate({**EXAMPLE, "complaint_rate_major": 0.51}, method="absolute")
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
    r = impact(customers=1000, revenue_per_customer=100.0, inputs=_fixed_inputs(), draws=50,
               method="absolute")
    row = r.summary.set_index("quantity").loc["revenue_lost"]
    assert row["central"] == pytest.approx(35650)
    assert row["median"] == pytest.approx(35650)
    assert row["ci_low"] == pytest.approx(35650) and row["ci_high"] == pytest.approx(35650)
    assert list(r.summary["quantity"]) == list(OUTPUTS)
    assert r.sensitivity.empty
    assert set(r.inputs["source"]) == {"user", "assumption"}  # assumption: derived mollified
    inp = r.inputs.set_index("input")
    assert inp.loc["loyalty_mollified_major", "distribution"] == "derived"
    assert inp.loc["loyalty_silent_major", "severity"] == "major"
    assert inp.loc["customers", "severity"] == "all"


def test_monte_carlo_matches_beta_quantiles():
    # lost is linear in p: its quantiles are 1000 * 0.713 * Beta quantiles
    r = impact(customers=1000, revenue_per_customer=1.0, draws=400_000, seed=3,
               confidence=0.9, method="absolute",
               inputs=_fixed_inputs(problem_rate_major={"count": 30, "n": 60}))
    k = 1000 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.3 * 0.46 + 0.4 * 0.81))
    beta = stats.beta(30.5, 30.5)  # Jeffreys posterior for 30 of 60
    row = r.summary.set_index("quantity").loc["customers_lost"]
    assert row["median"] == pytest.approx(k * beta.ppf(0.5), rel=2e-3)
    assert row["ci_low"] == pytest.approx(k * beta.ppf(0.05), rel=5e-3)
    assert row["ci_high"] == pytest.approx(k * beta.ppf(0.95), rel=5e-3)


def test_seeded_and_reproducible():
    kw = dict(customers=1000, revenue_per_customer=1.0, draws=5000,
              inputs=_fixed_inputs(complaint_rate_major=(0.2, 0.6)))
    a = impact(seed=7, **kw).summary
    b = impact(seed=7, **kw).summary
    c = impact(seed=8, **kw).summary
    assert a.equals(b)
    assert not a["median"].equals(c["median"])


def test_seed_none_records_a_seed_that_repeats_the_run():
    kw = dict(customers=1000, revenue_per_customer=1.0, draws=3000,
              inputs=_fixed_inputs(complaint_rate_major=(0.2, 0.6)))
    first = impact(seed=None, **kw)
    assert isinstance(first.seed, int) and first.seed >= 0
    again = impact(seed=first.seed, **kw)
    assert first.summary.equals(again.summary)


def test_draw_stream_does_not_depend_on_the_number_of_draws():
    """Issue 16: results depended on how the draws were split; now the first k draws of any
    run are the same draws, block by block from SeedSequence(seed).spawn."""
    kw = dict(customers=1000, revenue_per_customer=1.0, seed=5, keep_samples=True,
              inputs=_fixed_inputs(complaint_rate_major=(0.2, 0.6),
                                   problem_rate_major={"count": 30, "n": 60}))
    small = impact(draws=100_000, **kw).samples["revenue_lost"]
    big = impact(draws=200_000, **kw).samples["revenue_lost"]
    np.testing.assert_array_equal(small, big[:100_000])
    assert np.isfinite(big).all() and big.shape == (200_000,)


def test_sensitivity_table_by_hand():
    r = impact(customers=1000, revenue_per_customer=1.0, draws=100, method="absolute",
               inputs=_fixed_inputs(complaint_rate_major=(0.2, 0.6),
                                    problem_rate_major=(0.4, 0.5)))
    s = r.sensitivity.set_index("input")
    assert list(r.sensitivity.columns) == ["input", "severity", "source", "low", "central",
                                           "high", "output_low", "output_central",
                                           "output_high", "swing", "rank"]
    # complaint rate at 0.2: 1000 * 0.45 * (0.8 * 0.91 + 0.2 * 0.516); centre p = 0.45
    assert s.loc["complaint_rate_major", "output_low"] == pytest.approx(
        1000 * 0.45 * (0.8 * 0.91 + 0.2 * 0.516))
    assert s.loc["complaint_rate_major", "output_high"] == pytest.approx(
        1000 * 0.45 * (0.4 * 0.91 + 0.6 * 0.516))
    assert s.loc["problem_rate_major", "output_high"] == pytest.approx(
        1000 * 0.5 * (0.6 * 0.91 + 0.4 * 0.516))
    assert s.loc["problem_rate_major", "severity"] == "major"
    assert list(r.sensitivity["rank"]) == [1, 2]
    assert r.sensitivity["swing"].is_monotonic_decreasing


def test_defaults_record_their_sources_and_classes():
    d = default_inputs()
    # TARP rows, models.md: over $100 9 / 19 / 54 / 82; under $5 37 / 46 / 70 / 95
    rows = {"major": [0.09, 0.19, 0.54, 0.82], "minor": [0.37, 0.46, 0.70, 0.95]}
    for k, want in rows.items():
        got = [d[f"{n}_{k}"].value for n in ("loyalty_silent", "loyalty_unresolved",
                                             "loyalty_resolved_slowly",
                                             "loyalty_resolved_quickly")]
        assert got == pytest.approx(want)
        assert d[f"loyalty_silent_{k}"].source == "catalogue"
        # the class's share of customers is unknown: a wide labelled assumption, not borrowed
        p = d[f"problem_rate_{k}"]
        assert p.source == "assumption" and (p.low, p.high) == (0.0, 0.37)
    # both class rates at their top reach the catalogue's any-problem rate, 74%
    any_problem = catalogue.get("ccmc-asu-2023-problem-past-year").value / 100
    assert d["problem_rate_minor"].high + d["problem_rate_major"].high == pytest.approx(
        any_problem)
    # complaint rates matched to the class: 3% (small problems), 1 - 31% ($142 problem)
    assert d["complaint_rate_minor"].value == pytest.approx(0.03)
    assert d["complaint_rate_major"].value == pytest.approx(0.69)
    assert d["complaint_rate_minor"].catalogue_ids == (
        "quality-progress-2003-small-problem-complained",)
    assert d["complaint_rate_major"].source == "catalogue"
    # no-problem loyalty: a labelled assumption between TARP's two 'satisfied quickly' cells
    l0 = d["loyalty_no_problem"]
    assert l0.source == "assumption" and (l0.low, l0.high) == (0.82, 0.95)
    assert "no published" in l0.note
    assert d["told_resolved"].value == 5 and d["told_unresolved"].value == 10
    for name, inp in d.items():
        assert inp.source in {"catalogue", "assumption"}, name
        assert inp.note, name
    assert "customers" not in d


def test_impact_with_defaults_labels_inputs():
    r = impact(customers=1000, revenue_per_customer=10.0, draws=2000)
    inp = r.inputs.set_index("input")
    assert list(r.inputs["input"]) == list(INPUT_NAMES)
    assert inp.loc["customers", "source"] == "user"
    assert inp.loc["complaint_rate_major", "catalogue_ids"] == (
        "quality-progress-2003-did-not-complain-142-usd")
    assert inp.loc["wom_conversion_negative", "source"] == "assumption"
    assert set(r.sensitivity["input"]) == {"problem_rate_minor", "problem_rate_major",
                                           "loyalty_no_problem"}
    row = r.summary.set_index("quantity").loc["customers_lost"]
    assert row["ci_low"] < row["median"] < row["ci_high"]
    assert r.method == "incremental" and r.warnings == ()


def test_default_loss_by_hand():
    """The default incremental, severity-matched central loss, recomputed from the cells."""
    r = impact(customers=1000, revenue_per_customer=1.0, draws=100)
    l0, p = (0.82 + 0.95) / 2, 0.37 / 2
    split = (0.3, 0.3, 0.0, 0.4)  # quick, slow, mollified, unresolved

    def cls(c, nc, u, s, q):
        m = (s + u) / 2
        compl = sum(w * (l0 - x) for w, x in zip(split, (q, s, m, u), strict=True))
        return p * ((1 - c) * (l0 - nc) + c * compl)

    hand = cls(0.03, 0.37, 0.46, 0.70, 0.95) + cls(0.69, 0.09, 0.19, 0.54, 0.82)
    central = r.summary.set_index("quantity").loc["customers_lost", "central"]
    assert central == pytest.approx(1000 * hand)
    assert hand < PLAUSIBLE_MAX_SHARE


def test_plausibility_guard_warns_on_the_absolute_upper_bound():
    # the old default: any-problem rate 74% applied to the over-$100 loyalty row, absolute
    r = impact(customers=1000, revenue_per_customer=1.0, draws=100, method="absolute",
               inputs={"problem_rate_major": 0.74, "problem_rate_minor": 0.0})
    assert len(r.warnings) == 1
    assert "implausible" in r.warnings[0] and "30%" in r.warnings[0]
    assert r.share_of_base_lost > PLAUSIBLE_MAX_SHARE


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
    ({"customers": float("nan")}, ValueError, "^customers: .*finite"),
    ({"inputs": {"problem_rate_major": 1.2}}, ValueError,
     r"problem_rate_major is a share.*\[0, 1\]"),
    ({"inputs": {"complaint_rate_major": (0.6, 0.2)}}, ValueError,
     "complaint_rate_major: low .* must not be above high"),
    ({"inputs": {"problem_rate_minor": 0.7, "problem_rate_major": 0.4}}, ValueError,
     "must not sum above 1"),
    ({"draws": 0}, ValueError, "draws must be between 1 and"),
    ({"draws": 10_000_000_000}, ValueError, "draws must be between 1 and 10,000,000"),
    ({"draws": 1.5}, TypeError, "draws must be an int"),
    ({"seed": -1}, ValueError, "seed must be >= 0; got -1"),
    ({"seed": "x"}, TypeError, "seed must be an int"),
    ({"method": "relative"}, ValueError, "method must be one of incremental, absolute"),
    ({"inputs": {"churn": 0.1}}, ValueError, "unknown input"),
    ({"inputs": {"problem_rate": 0.1}}, ValueError, "add _minor or _major"),
    ({"inputs": {"problem_rate_major": "high"}}, TypeError, "problem_rate_major: must be"),
    ({"inputs": {"problem_rate_major": True}}, TypeError, "got bool"),
    ({"inputs": {"problem_rate_major": {"count": 5, "n": 3}}}, ValueError,
     "count must be between"),
    ({"inputs": {"problem_rate_major": {"lo": 0.1}}}, ValueError, "unknown keys"),
    ({"confidence": 1.0}, ValueError, "confidence must be strictly between"),
    ({"revenue_per_customer": None}, ValueError, "revenue_per_customer is required"),
    ({"inputs": [("a", 1)]}, TypeError, "inputs must be a mapping"),
])
def test_bad_input(kwargs, exc, match):
    base = {"customers": 10, "revenue_per_customer": 1.0, "draws": 10}
    with pytest.raises(exc, match=match):
        impact(**{**base, **kwargs})


def test_huge_value_is_not_formatted_into_the_message():
    with pytest.raises(ValueError) as info:
        impact(customers=10, revenue_per_customer=1.0, draws=10,
               inputs={"problem_rate_major": {"low": 0.1, "high": 0.2, "x" * 10**6: 1}})
    assert len(str(info.value)) < 600


def test_inputs_not_mutated():
    inputs = {"problem_rate_major": {"count": 74, "n": 200}, "complaint_rate_major": [0.2, 0.6],
              "loyalty_silent_major": 0.09}
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
    r = impact(customers=1000, revenue_per_customer=100.0, draws=10, method="absolute",
               inputs=_fixed_inputs(share_resolved_slowly=0.2, share_unresolved=0.5))
    hand = 0.5 * (0.5 * 0.91 + 0.5 * (0.3 * 0.18 + 0.2 * 0.46 + 0.5 * 0.81))
    row = r.summary.set_index("quantity").loc["customers_lost"]
    assert row["central"] == pytest.approx(1000 * hand)
    assert row["median"] == pytest.approx(1000 * hand)


def test_tornado_moves_a_share_to_exactly_its_bound():
    # share_unresolved 0.2 .. 0.6 around 0.4; the other shares (0.3, 0.3, 0) are rescaled to
    # 0.4, 0.4, 0 (low) and 0.2, 0.2, 0 (high), so the moved share is exactly at its bound.
    r = impact(customers=1000, revenue_per_customer=1.0, draws=100, method="absolute",
               inputs=_fixed_inputs(share_unresolved=(0.2, 0.6)))
    s = r.sensitivity.set_index("input")
    low = 0.4 * 0.18 + 0.4 * 0.46 + 0.2 * 0.81
    high = 0.2 * 0.18 + 0.2 * 0.46 + 0.6 * 0.81
    assert s.loc["share_unresolved", "output_low"] == pytest.approx(
        1000 * 0.5 * (0.5 * 0.91 + 0.5 * low))
    assert s.loc["share_unresolved", "output_high"] == pytest.approx(
        1000 * 0.5 * (0.5 * 0.91 + 0.5 * high))
