"""Churn impact of service problems: what bad service costs, from the catalogue or your own data.

Two answers to the same question:

* :func:`impact`: a TARP-style market-damage model with uncertainty, built from catalogue
  statistics and labelled assumptions. By default it is *incremental* (a problem customer counts
  as lost only by the drop in loyalty against customers without a problem) and *severity
  matched* (problem rate, complaint rate and loyalty come from the same class of problem,
  ``minor`` or ``major``). ``method="absolute"`` is TARP's own reading, the upper bound.
* :func:`attributable_loss`: churn measured on your own customers in excess of those with no
  problem (the attributable number of epidemiology), with a bootstrap interval.

The package is split along its seams: :mod:`~cxstats.models.impact.inputs` (inputs, their
provenance and defaults), :mod:`~cxstats.models.impact.model` (:func:`evaluate`, the one
function that computes the formula), :mod:`~cxstats.models.impact.simulation` (Monte Carlo and
sensitivity), :mod:`~cxstats.models.impact.attributable` and
:mod:`~cxstats.models.impact.inputs_file` (the inputs-file format that ``cxstats impact``
reads).

Examples
--------
A worked example: TARP's loyalty for problems
over $100, ``p = 0.5``, ``c = 0.5``, 30% resolved quickly, 30% slowly, 40% unresolved, counted
the absolute way: about 36% of customers at risk.

>>> from cxstats.models.impact import impact
>>> r = impact(customers=1000, revenue_per_customer=100.0, draws=1000, method="absolute",
...            inputs={"problem_rate_major": 0.5, "problem_rate_minor": 0.0,
...                    "complaint_rate_major": 0.5})
>>> row = r.summary.set_index("quantity").loc["customers_lost"]
>>> print(f"{row['central']:.1f}")
356.5
"""

from __future__ import annotations

from cxstats.models.impact.attributable import attributable_loss
from cxstats.models.impact.inputs import (
    CLASS_INPUTS,
    DISTRIBUTIONS,
    INPUT_NAMES,
    SEVERITIES,
    Input,
    default_inputs,
    severity_of,
)
from cxstats.models.impact.inputs_file import load_inputs_file
from cxstats.models.impact.model import (
    METHODS,
    OUTPUTS,
    PLAUSIBLE_MAX_SHARE,
    evaluate,
    example_values,
)
from cxstats.models.impact.simulation import MAX_DRAWS, ImpactResult, impact

__all__ = [
    "CLASS_INPUTS",
    "DISTRIBUTIONS",
    "INPUT_NAMES",
    "MAX_DRAWS",
    "METHODS",
    "OUTPUTS",
    "PLAUSIBLE_MAX_SHARE",
    "SEVERITIES",
    "ImpactResult",
    "Input",
    "attributable_loss",
    "default_inputs",
    "evaluate",
    "example_values",
    "impact",
    "load_inputs_file",
    "severity_of",
]
