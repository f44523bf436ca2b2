"""The calculator's formula (cxstats.models.impact.formula) equals the model's evaluate()."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cxstats.models.impact import evaluate
from cxstats.models.impact import formula as f


def _draw(rng: np.random.Generator, method: str) -> dict[str, float]:
    v = {name: float(rng.uniform(0, 1)) for name in f.inputs(method)}
    v["customers"] = float(rng.integers(1, 1_000_000))
    v["revenue_per_customer"] = float(rng.uniform(1, 5_000))
    for name in ("told_silent", "told_unresolved", "told_mollified", "told_resolved"):
        v[name] = float(rng.integers(0, 30))
    return v


@pytest.mark.parametrize("method", ["absolute", "incremental"])
def test_inlined_vega_expressions_equal_evaluate(method):
    rng = np.random.default_rng(7)
    exprs = f.vega_expressions(method)
    for _ in range(50):
        v = _draw(rng, method)
        want = evaluate(v, method=method)
        for name, expr in exprs.items():
            got = _vega_value(expr, v)
            if math.isnan(want[name]):
                assert math.isnan(got), name
            else:
                assert got == pytest.approx(want[name], rel=1e-9, abs=1e-9), name


def _vega_value(expr: str, v: dict[str, float]) -> float:
    """Evaluate a Vega expression of the calculator: JavaScript's ternary as Python's."""
    py = expr.replace("NaN", "float('nan')")  # max(x, 0) is Python's max too
    # Turn every "(c > 0 ? a : b)" into "(a if c > 0 else b)", innermost first.
    pattern = re.compile(r"\(\(([^?:]+?)\) > 0 \? ([^?:]+?) : float\('nan'\)\)")
    while "?" in py:
        py, count = pattern.subn(r"(\2 if (\1) > 0 else float('nan'))", py)
        assert count, py
    return float(eval(py, {"__builtins__": {"float": float, "max": max}}, dict(v)))


def test_formula_hand_arithmetic():
    # 1,000 customers, 50% with a major problem, none with a minor one, 20% of those complain, all
    # complaints unresolved, absolute method: silent 400 lose 1 - 0.1 = 0.9 -> 360; complainers
    # 100 lose 1 - 0.3 = 0.7 -> 70; 430 lost, 4,300 revenue at 10 each, 360 / 430 silent.
    v = dict.fromkeys(f.inputs("absolute"), 0.0)
    v.update(customers=1000, revenue_per_customer=10, problem_rate_major=0.5,
             complaint_rate_major=0.2, share_unresolved=1, loyalty_silent_major=0.1,
             loyalty_unresolved_major=0.3)
    out = evaluate(v, method="absolute")
    assert out["customers_lost"] == pytest.approx(430)
    assert out["revenue_lost"] == pytest.approx(4300)
    assert out["share_of_loss_silent"] == pytest.approx(360 / 430)
    # Incremental against a no-problem loyalty of 0.8: silent lose 0.7 -> 280, complainers 0.5 -> 50.
    v["loyalty_no_problem"] = 0.8
    assert evaluate(v)["customers_lost"] == pytest.approx(330)


def test_expressions_use_only_shared_arithmetic():
    for expr in f.vega_expressions().values():
        assert set(expr.replace("NaN", "")) <= set("abcdefghijklmnopqrstuvwxyz_0123456789 +-*/().?:>,")


def test_bad_arguments():
    with pytest.raises(ValueError, match="method must be one of incremental, absolute"):
        f.formula("relative")
    with pytest.raises(ValueError, match="unknown outputs"):
        f.vega_expressions(outputs=("margin_lost_typo",))
    v = dict.fromkeys(f.inputs(), 0.0)
    v["share_unresolved"] = 1.0  # nobody has a problem: nothing is lost, no share of it
    assert math.isnan(evaluate(v)["share_of_loss_silent"])


def test_run_frees_intermediates_without_changing_outputs_or_inputs():
    rng = np.random.default_rng(3)
    v = {name: rng.uniform(0.01, 1, 1000) for name in f.inputs()}
    before = {k: a.copy() for k, a in v.items()}
    every = f.run(v)
    some = f.run(v, outputs=["customers_lost", "share_of_loss_silent", "wq"])
    assert set(some) == {"customers_lost", "share_of_loss_silent", "wq"}
    for name, value in some.items():
        np.testing.assert_array_equal(value, every[name])
    for name, value in v.items():  # the caller's arrays are not touched
        np.testing.assert_array_equal(value, before[name])
    with pytest.raises(ValueError, match=r"outputs has unknown names \['margin_lost_typo'\]"):
        f.run(v, outputs=["margin_lost_typo"])


def test_run_reads_only_the_inputs_and_names_the_missing_ones():
    from cxstats.models.impact import example_values

    v = example_values(problem_rate_major=1.0, loyalty_mollified_major=0.5,
                       loyalty_mollified_minor=0.5)
    want = f.run(v)["customers_lost"]
    # extra keys named like the formula's functions or steps do not change the numbers
    assert f.run({**v, "ratio": lambda a, b: 42.0, "pos": 3, "sq": 99.0}) == f.run(v)
    assert f.run({**v, "pos": 3})["customers_lost"] == want
    with pytest.raises(ValueError, match=r"values has no \['customers', 'margin'\]"):
        f.run({k: x for k, x in v.items() if k not in ("customers", "margin")})
    with pytest.raises(TypeError, match="values must be a mapping"):
        f.run([("customers", 1.0)])
    with pytest.raises(TypeError, match="outputs must be a collection of step names"):
        f.run(v, outputs="margin_lost")
    with pytest.raises(TypeError, match="outputs must be a sequence of step names"):
        f.vega_expressions(outputs="customers_lost")


@pytest.mark.parametrize("call", [f.formula, f.inputs, f.vega_expressions,
                                  lambda m: f.run({}, method=m)])
def test_unhashable_method_is_a_clear_value_error(call):
    with pytest.raises(ValueError, match="method must be one of"):
        call(["incremental"])
