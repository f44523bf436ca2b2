"""The cost of problems measured on the analyst's own customers: excess (attributable) churn.

Where :func:`~cxstats.models.impact.impact` builds the loss from published figures, this module
measures it on a firm's own customers, grouped by number of problems or service calls
(:func:`cxstats.analyses.outcome_by_problems`): how many of them churned *beyond* the churn rate
of customers with no problem, and what that cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxstats._checks import check_confidence

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "attributable_loss"]

#: Columns of :func:`attributable_loss`'s table, in order.
COLUMNS = ["group", "customers", "churned", "rate", "baseline_rate", "excess_customers",
           "ci_low", "ci_high", "revenue_lost", "revenue_ci_low", "revenue_ci_high"]


def _number(name: str, value: Any, *, low: float, high: float | None = None) -> float:
    import math

    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    x = float(value)
    if not math.isfinite(x) or x < low or (high is not None and x > high):
        rng = f">= {low:g}" if high is None else f"in [{low:g}, {high:g}]"
        raise ValueError(f"{name} must be finite and {rng}; got {value!r}")
    return x


def _interval(samples: tuple[Any, ...], statistic: Any, *, confidence: float,
              seed: int) -> tuple[float, float]:
    import warnings

    import numpy as np
    from scipy import stats

    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate groups: BCa falls back below
            res = stats.bootstrap(samples, statistic, vectorized=True, paired=False,
                                  confidence_level=confidence, method=method,
                                  rng=np.random.default_rng(seed))
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if np.isfinite(lo) and np.isfinite(hi):
            return lo, hi
    return lo, hi


def attributable_loss(result: Any, *, revenue_per_customer: float, margin: float = 1.0,
                      confidence: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Churn in excess of the no-problem group, per group and in total, with its cost.

    Parameters
    ----------
    result : ProblemsResult
        What :func:`cxstats.analyses.outcome_by_problems` returns: customers grouped by number
        of problems (or service calls) with a churn outcome. Its first group (0 problems) is
        the baseline.
    revenue_per_customer : float
        Revenue a churned customer would have brought in the period (>= 0).
    margin : float, default 1.0
        Share of revenue that is margin, in [0, 1] (1: the loss is counted as revenue).
    confidence : float, default 0.95
        Level of the bootstrap intervals.
    seed : int, default 0
        Seed of the bootstrap's ``numpy.random.default_rng``.

    Returns
    -------
    pandas.DataFrame
        One row per group and a last row ``group == "total"``, columns :data:`COLUMNS`:
        ``customers`` and ``churned`` (counts), ``rate`` (churned / customers),
        ``baseline_rate`` (rate of the 0-problem group), ``excess_customers = customers *
        (rate - baseline_rate)`` (0 for the baseline row, summed in the total row),
        ``ci_low``/``ci_high`` its bootstrap interval, and ``revenue_lost = excess_customers *
        revenue_per_customer * margin`` with its interval. ``attrs["confidence"]`` holds the
        level. A group that churns less than the baseline has a negative excess.

    Raises
    ------
    TypeError
        ``result`` is not a ProblemsResult, or an option is not a number.
    ValueError
        Negative revenue, a margin outside [0, 1], a confidence outside (0, 1), a negative
        seed, or no group with 0 problems.

    Notes
    -----
    ``excess_customers`` is the *attributable number* of epidemiology (the cases attributable to
    an exposure, ``sum_g n_g (r_g - r_0)``; Rothman, Greenland & Lash, *Modern Epidemiology*,
    3rd ed., 2008, ch. 4, "attributable fractions"; Levin 1953 for the population attributable
    risk), with the number of problems as the exposure and churn as the case. It is the churn
    caused by problems only if customers with and without problems would otherwise churn alike
    (no confounding): customers who call often may differ in other ways.

    Intervals: ``scipy.stats.bootstrap`` (``method="BCa"``, ``paired=False``; 9,999 resamples)
    resampling customers within each group, so group sizes are fixed and the baseline's
    uncertainty enters every row; for a degenerate group (all or none churned) the
    percentile method is used.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxstats.analyses import outcome_by_problems
    >>> calls = pd.DataFrame({"calls": [0] * 100 + [1] * 50 + [4] * 20,
    ...                       "churn": [1] * 10 + [0] * 90 + [1] * 5 + [0] * 45
    ...                                + [1] * 12 + [0] * 8})
    >>> res = outcome_by_problems(calls, problems="calls", outcome="churn", cap=4)
    >>> t = attributable_loss(res, revenue_per_customer=100.0)
    >>> t[["group", "customers", "churned", "excess_customers", "revenue_lost"]]
       group  customers  churned  excess_customers  revenue_lost
    0      0        100       10               0.0           0.0
    1      1         50        5               0.0           0.0
    2     4+         20       12              10.0        1000.0
    3  total        170       27              10.0        1000.0
    """
    import numpy as np
    import pandas as pd

    from cxstats.analyses.problems import ProblemsResult

    if not isinstance(result, ProblemsResult):
        raise TypeError("result must be what cxstats.analyses.outcome_by_problems returns, "
                        f"not {type(result).__name__}")
    price = _number("revenue_per_customer", revenue_per_customer, low=0)
    margin = _number("margin", margin, low=0, high=1)
    check_confidence(confidence)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0; got {seed}")
    rates = result.rates
    if rates.empty or int(rates["problems_min"].iloc[0]) != 0:
        raise ValueError("result needs a group with 0 problems as the baseline")
    n = [int(x) for x in rates["n"]]
    e = [int(x) for x in rates["events"]]
    samples = tuple(np.r_[np.ones(ei), np.zeros(ni - ei)] for ni, ei in zip(n, e, strict=True))
    r0 = e[0] / n[0]

    def excess(sizes: list[int]) -> Any:
        def stat(*xs: Any, axis: int = -1) -> Any:
            base = np.mean(xs[0], axis=axis)
            return sum(m * (np.mean(x, axis=axis) - base)
                       for m, x in zip(sizes, xs[1:], strict=True))
        return stat

    rows = []
    for i, label in enumerate(rates["problems"]):
        ex = n[i] * (e[i] / n[i] - r0)
        if i == 0:
            lo = hi = ex = 0.0
        else:
            lo, hi = _interval((samples[0], samples[i]), excess([n[i]]), confidence=confidence,
                               seed=seed)
        rows.append({"group": str(label), "customers": n[i], "churned": e[i],
                     "rate": e[i] / n[i], "baseline_rate": r0, "excess_customers": ex,
                     "ci_low": lo, "ci_high": hi})
    total = sum(r["excess_customers"] for r in rows)
    if len(n) > 1:
        lo, hi = _interval(samples, excess(n[1:]), confidence=confidence, seed=seed)
    else:
        lo = hi = 0.0
    rows.append({"group": "total", "customers": sum(n), "churned": sum(e),
                 "rate": sum(e) / sum(n), "baseline_rate": r0, "excess_customers": total,
                 "ci_low": lo, "ci_high": hi})
    frame = pd.DataFrame(rows)
    for col, src in (("revenue_lost", "excess_customers"), ("revenue_ci_low", "ci_low"),
                     ("revenue_ci_high", "ci_high")):
        frame[col] = frame[src] * price * margin
    frame = frame[COLUMNS].astype({"customers": "int64", "churned": "int64"})
    frame.attrs["confidence"] = confidence
    return frame
