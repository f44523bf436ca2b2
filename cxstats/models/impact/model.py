"""The churn-impact model: :func:`evaluate`, the one function that computes it.

Everything else in :mod:`cxstats.models.impact` (defaults, Monte Carlo, sensitivity, the command
line) calls this function; it runs the steps of :mod:`cxstats.models.impact.formula`, which the
book's in-page calculator also evaluates (as Vega expressions). It is a reconstruction of TARP's
market-damage arithmetic from published ingredients (TARP's loyalty by complaint outcome and
problem size, as restated by Fast Company in 2003; Goodman and Newman's complaint rates in Quality
Progress, 2003; CCMC/ASU's problem rate), each a catalogue record, evaluated once per severity
class ``k`` (``minor``, ``major``) and summed:

.. code-block:: text

    loss_g          = L0 - L_g,k                 (method="incremental", the default)
                    = 1 - L_g,k                  (method="absolute": upper bound, L0 = 1)
    affected_k      = N p_k
    lost_silent_k   = affected_k (1 - c_k) loss_silent
    lost_compl_k    = affected_k c_k (s_q loss_quick + s_s loss_slow + s_m loss_mollified
                                      + s_u loss_unresolved)
    negative_told_k = affected_k [(1 - c_k) T_silent + c_k (s_u T_unresolved + s_m T_mollified)]
    positive_told_k = affected_k c_k (s_q + s_s) T_resolved
    customers_lost  = sum_k (lost_silent_k + lost_compl_k + k_neg negative_told_k
                             - k_pos positive_told_k)
    revenue_lost    = customers_lost V

A negative ``loss_g`` (a group more loyal than customers without a problem, e.g. quickly resolved
minor problems) is a gain and lowers the total.

Examples
--------
A worked example (TARP's loyalty for problems over $100, ``p = 0.5``,
``c = 0.5``, 30% resolved quickly, 30% slowly, 40% unresolved, ``L0 = 1``): 0.3565 of customers.

>>> v = example_values(problem_rate_major=0.5, complaint_rate_major=0.5)
>>> round(evaluate(v, method="absolute")["customers_lost"], 4)
0.3565
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxstats.models.impact.formula import METHODS, inputs, run
from cxstats.models.impact.inputs import SEVERITIES

__all__ = ["METHODS", "OUTPUTS", "PLAUSIBLE_MAX_SHARE", "evaluate", "example_values"]


#: Output quantities of :func:`evaluate` and rows of the result's summary, with units.
OUTPUTS = {
    "customers_lost": "customers",
    **{f"customers_lost_{k}": "customers" for k in SEVERITIES},
    "customers_lost_direct": "customers",
    "customers_lost_silent": "customers",
    "customers_lost_wom": "customers",
    "customers_won_wom": "customers",
    "revenue_lost": "currency",
    "revenue_lost_silent": "currency",
    "margin_lost": "currency",
    "share_of_loss_silent": "share",
    "value_per_point_complaint_rate": "currency",
    "value_per_point_resolution_rate": "currency",
}

#: Plausibility guard: a central loss above this share of the customer base gets a warning.
#: The largest behavioural loss the project's sources report is the Coca-Cola/TARP (1980) study:
#: "more than 30%" of complainers *dissatisfied* with the handling stopped buying altogether
#: (catalogue record ``coca-cola-tarp-1980-dissatisfied-stopped-buying``). That is the worst-treated
#: group; a whole customer base losing more than that to service problems in one period is
#: beyond anything a study reports, so such a result most likely mixes classes or overstates L0.
PLAUSIBLE_MAX_SHARE = 0.30


def example_values(**over: float | None) -> dict[str, float | None]:
    """Input values of the worked example (one customer, revenue 1).

    Major class: TARP's over-$100 loyalty (9 / 19 / 54 / 82%); minor class: TARP's under-$5 row
    (37 / 46 / 70 / 95%); problem and complaint rates 0; outcome split 0.3 / 0.3 / 0 / 0.4;
    ``loyalty_no_problem`` 1; word of mouth off. Keyword arguments replace values.
    """
    v: dict[str, float | None] = {
        "customers": 1.0, "revenue_per_customer": 1.0, "margin": 1.0, "loyalty_no_problem": 1.0,
        "share_resolved_quickly": 0.3, "share_resolved_slowly": 0.3, "share_mollified": 0.0,
        "share_unresolved": 0.4, "told_silent": 10.0, "told_unresolved": 10.0,
        "told_mollified": 10.0, "told_resolved": 5.0, "wom_conversion_negative": 0.0,
        "wom_conversion_positive": 0.0,
    }
    rows = {"major": (0.09, 0.19, 0.54, 0.82), "minor": (0.37, 0.46, 0.70, 0.95)}
    for k, (nc, u, s, q) in rows.items():
        v.update({f"problem_rate_{k}": 0.0, f"complaint_rate_{k}": 0.0,
                  f"loyalty_silent_{k}": nc, f"loyalty_unresolved_{k}": u,
                  f"loyalty_mollified_{k}": None, f"loyalty_resolved_slowly_{k}": s,
                  f"loyalty_resolved_quickly_{k}": q})
    v.update(over)
    return v


def evaluate(values: Mapping[str, Any], *, method: str = "incremental") -> dict[str, Any]:
    """Evaluate the model on scalars or arrays of input values (no validation, vectorised).

    Parameters
    ----------
    values : mapping of str to float or numpy.ndarray
        One entry per name of :data:`~cxstats.models.impact.INPUT_NAMES`
        (``loyalty_no_problem`` is ignored by ``method="absolute"``; ``loyalty_mollified_*``
        may be None or NaN = the derived midpoint). The four outcome shares are divided by their
        sum.
    method : {"incremental", "absolute"}
        Loss for a group is ``loyalty_no_problem - L`` or ``1 - L`` (the upper bound).

    Returns
    -------
    dict of str to float or numpy.ndarray
        One entry per key of :data:`OUTPUTS`. ``share_of_loss_silent`` is the silent customers'
        part of the *gross* loss (every group's loss counted before gains), so it lies in
        [0, 1]; NaN where nothing is lost.

    Examples
    --------
    One customer with a major problem, silent (loyalty 0.09): lost with probability 0.91
    (absolute) or ``0.9 - 0.09 = 0.81`` against a no-problem loyalty of 0.9.

    >>> v = example_values(problem_rate_major=1.0, loyalty_no_problem=0.9)
    >>> round(evaluate(v, method="absolute")["customers_lost"], 2)
    0.91
    >>> round(evaluate(v)["customers_lost"], 2)
    0.81
    """
    import math

    import numpy as np

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    env = {name: values.get(name) if name.startswith("loyalty_mollified_") else values[name]
           for name in inputs(method)}
    for k in SEVERITIES:
        l_m = env[f"loyalty_mollified_{k}"]
        scalar_missing = l_m is None or (np.ndim(l_m) == 0 and math.isnan(float(l_m)))
        if scalar_missing or (np.ndim(l_m) > 0 and np.isnan(l_m).any()):
            # not given (None, NaN, or NaN elements): midway between resolved slowly and unresolved
            midpoint = (env[f"loyalty_resolved_slowly_{k}"] + env[f"loyalty_unresolved_{k}"]) / 2
            env[f"loyalty_mollified_{k}"] = (midpoint if scalar_missing
                                             else np.where(np.isnan(l_m), midpoint, l_m))
    steps = run(env, method=method, outputs=OUTPUTS)
    out = {k: steps[k] for k in OUTPUTS}
    if all(np.ndim(v) == 0 for v in out.values()):
        out = {k: float(v) for k, v in out.items()}
    else:
        shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))
        out = {k: np.broadcast_to(np.asarray(v, dtype=float), shape) for k, v in out.items()}
    return out
