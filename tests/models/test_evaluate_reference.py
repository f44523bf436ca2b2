"""evaluate() against an independent numpy implementation of the churn-impact model.

Since evaluate() runs the steps of cxstats.models.impact.formula (which the page's calculator
also runs, as Vega), nothing else in the test suite computes the model a second way. The
reference below is the model as it was written before the formula existed (cxstats at cc4b1af),
kept here as an oracle: a mistake in a formula step now shows up as a difference.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from cxstats.models.impact import INPUT_NAMES, OUTPUTS, SEVERITIES, evaluate, example_values


def _reference(values: dict[str, Any], method: str) -> dict[str, Any]:
    g = values.__getitem__
    n_cust, price, margin = g("customers"), g("revenue_per_customer"), g("margin")
    sq, ss, sm, su = (g("share_resolved_quickly"), g("share_resolved_slowly"),
                      g("share_mollified"), g("share_unresolved"))
    total = sq + ss + sm + su
    sq, ss, sm, su = sq / total, ss / total, sm / total, su / total
    base = 1.0 if method == "absolute" else g("loyalty_no_problem")
    t_nc, t_u, t_m, t_r = (g("told_silent"), g("told_unresolved"), g("told_mollified"),
                           g("told_resolved"))
    k_neg, k_pos = g("wom_conversion_negative"), g("wom_conversion_positive")
    resolved = sq + ss
    with np.errstate(divide="ignore", invalid="ignore"):
        wq = np.where(resolved > 0, np.divide(sq, resolved), 0.0)

    def pos(x: Any) -> Any:
        return np.maximum(x, 0.0)

    out: dict[str, Any] = {}
    lost_direct = lost_wom = won_wom = lost_silent = 0.0
    gross_silent = gross_complained = d_c = d_res = 0.0
    wom_per_silent = t_nc * k_neg
    wom_per_complainer = (su * t_u + sm * t_m) * k_neg
    won_per_complainer = (sq + ss) * t_r * k_pos
    for k in SEVERITIES:
        p, c = g(f"problem_rate_{k}"), g(f"complaint_rate_{k}")
        l_nc, l_u, l_s, l_q = (g(f"loyalty_silent_{k}"), g(f"loyalty_unresolved_{k}"),
                               g(f"loyalty_resolved_slowly_{k}"),
                               g(f"loyalty_resolved_quickly_{k}"))
        l_m = values.get(f"loyalty_mollified_{k}")  # None or NaN (also an element): midpoint
        l_m = (l_s + l_u) / 2 if l_m is None else np.where(np.isnan(l_m), (l_s + l_u) / 2, l_m)
        l_complained = sq * l_q + ss * l_s + sm * l_m + su * l_u
        loss_nc, loss_complained = base - l_nc, base - l_complained
        affected = n_cust * p
        silent, complained = affected * (1 - c), affected * c
        direct = silent * loss_nc + complained * loss_complained
        wom_silent = silent * wom_per_silent
        wom_complained = complained * wom_per_complainer
        won = complained * won_per_complainer
        out[f"customers_lost_{k}"] = direct + wom_silent + wom_complained - won
        lost_direct = lost_direct + direct
        lost_wom = lost_wom + wom_silent + wom_complained
        won_wom = won_wom + won
        lost_silent = lost_silent + silent * loss_nc + wom_silent
        gross_silent = gross_silent + silent * pos(loss_nc) + wom_silent
        gross_complained = gross_complained + wom_complained + complained * (
            sq * pos(base - l_q) + ss * pos(base - l_s) + sm * pos(base - l_m)
            + su * pos(base - l_u))
        d_c = d_c + affected * (
            l_nc - l_complained + wom_per_complainer - wom_per_silent - won_per_complainer)
        d_res = d_res + complained * (l_u - wq * l_q - (1 - wq) * l_s - k_neg * t_u - k_pos * t_r)
    lost = lost_direct + lost_wom - won_wom
    gross = gross_silent + gross_complained
    with np.errstate(divide="ignore", invalid="ignore"):
        share_silent = np.where(gross > 0, np.divide(gross_silent, gross), np.nan)
    out.update({
        "customers_lost": lost, "customers_lost_direct": lost_direct,
        "customers_lost_silent": lost_silent, "customers_lost_wom": lost_wom,
        "customers_won_wom": won_wom, "revenue_lost": lost * price,
        "revenue_lost_silent": lost_silent * price, "margin_lost": lost * price * margin,
        "share_of_loss_silent": share_silent,
        "value_per_point_complaint_rate": -0.01 * d_c * price,
        "value_per_point_resolution_rate": -0.01 * d_res * price,
    })
    return out


def _draw(rng: np.random.Generator, size: int | None) -> dict[str, Any]:
    def u(lo: float = 0.0, hi: float = 1.0) -> Any:
        x = rng.uniform(lo, hi, size)
        return float(x) if size is None else x

    v: dict[str, Any] = {n: u() for n in INPUT_NAMES}
    v.update(customers=u(1, 1e6), revenue_per_customer=u(0, 1e4), loyalty_no_problem=u(-0.5, 1.5))
    for n in ("told_silent", "told_unresolved", "told_mollified", "told_resolved"):
        v[n] = u(0, 30)
    shares = ("share_resolved_quickly", "share_resolved_slowly", "share_mollified",
              "share_unresolved")
    for n in shares:  # zero shares, and sums other than 1
        v[n] = 0.0 if rng.random() < 0.25 else v[n] * rng.uniform(0.1, 5)
    v["share_unresolved"] = v["share_unresolved"] + 0.01
    for k in SEVERITIES:
        choice = rng.integers(4)
        if choice == 0:
            v[f"loyalty_mollified_{k}"] = None
        elif choice == 1:
            v[f"loyalty_mollified_{k}"] = math.nan
        elif choice == 2:
            del v[f"loyalty_mollified_{k}"]
        elif size is not None:  # some elements not given
            v[f"loyalty_mollified_{k}"] = np.where(rng.random(size) < 0.3, np.nan,
                                                   v[f"loyalty_mollified_{k}"])
    return v


@pytest.mark.parametrize("size", [None, 5])
@pytest.mark.parametrize("method", ["incremental", "absolute"])
def test_evaluate_equals_the_independent_reference(method, size):
    rng = np.random.default_rng(20261128)
    for _ in range(300):
        v = _draw(rng, size)
        got, want = evaluate(v, method=method), _reference(v, method)
        assert set(got) == set(OUTPUTS)
        for name in OUTPUTS:
            scale = np.maximum(1.0, np.abs(want[name]))
            np.testing.assert_allclose(np.asarray(got[name]) / scale,
                                       np.asarray(want[name]) / scale, rtol=0, atol=1e-12,
                                       err_msg=name)


def test_nan_elements_of_an_array_are_the_derived_midpoint():
    # "loyalty_mollified_* may be None or NaN = the derived midpoint" holds element by element
    v = example_values(problem_rate_major=1.0, complaint_rate_major=1.0, share_mollified=1.0,
                       share_resolved_quickly=0.0, share_resolved_slowly=0.0,
                       share_unresolved=0.0)
    v["loyalty_mollified_major"] = np.array([np.nan, 0.5])
    out = evaluate(v, method="absolute")["customers_lost"]
    midpoint = 1 - (0.54 + 0.19) / 2
    np.testing.assert_allclose(out, [midpoint, 0.5], rtol=1e-12)
    assert np.isnan(v["loyalty_mollified_major"][0])  # the caller's array is not changed
