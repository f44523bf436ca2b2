"""Analyses an analyst runs on their own tickets, customers and complaints.

Every function accepts a pandas DataFrame, a polars DataFrame or LazyFrame, or a DuckDB relation;
counting happens in that object's own engine and only a small table of counts reaches pandas.
Results are tidy pandas DataFrames with fixed snake_case columns. The statistics come from
statsmodels, which is imported only when a function runs.

* :func:`forgiveness_rate`: bad-CSAT rate by first-contact sentiment, extra bad CSAT per 1,000
  tickets and the share of upset starters who still rated good;
  :func:`sample_size_for_difference`, :func:`power_for_difference`: how many tickets you need.
* :func:`outcome_by_problems`: outcome rate per number of problems (price sensitivity, churn by
  service calls), lift over zero problems and a logistic model.
* :func:`dispute_by_response`: dispute (non-forgiveness) rate by company response, relief vs none.
"""

from __future__ import annotations

from cxstats.analyses.forgiveness import (
    ForgivenessResult,
    forgiveness_rate,
    power_for_difference,
    sample_size_for_difference,
)
from cxstats.analyses.problems import ProblemsResult, outcome_by_problems
from cxstats.analyses.recovery import RecoveryResult, dispute_by_response

__all__ = [
    "ForgivenessResult",
    "ProblemsResult",
    "RecoveryResult",
    "dispute_by_response",
    "forgiveness_rate",
    "outcome_by_problems",
    "power_for_difference",
    "sample_size_for_difference",
]
