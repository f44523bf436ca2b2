"""Checks of the options and thin wrappers round the statsmodels calls shared by the analyses.

Nothing here is hand-written statistics: every interval, test and power figure comes from
:mod:`statsmodels`. statsmodels is imported inside the functions so that ``import cxstats.analyses``
stays light.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from cxstats._checks import check_confidence as check_confidence  # re-exported for the analyses

ALTERNATIVES = ("two-sided", "larger", "smaller")


def check_alternative(alternative: Any) -> str:
    """Return ``alternative`` if it is one of statsmodels' names, else raise."""
    if not isinstance(alternative, str) or alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES!r}; got {alternative!r}")
    return alternative


def check_probability(value: Any, *, param: str, open_interval: bool = True) -> float:
    """A probability strictly inside (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{param} must be a number strictly between 0 and 1; "
                        f"got {type(value).__name__}")
    out = float(value)
    if not (0.0 < out < 1.0) if open_interval else not (0.0 <= out <= 1.0):
        raise ValueError(f"{param} must be strictly between 0 and 1; got {value!r}")
    return out


def check_number(value: Any, *, param: str) -> float:
    """A finite real number (a threshold)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise TypeError(f"{param} must be a finite number or None; got {value!r}")
    return float(value)


def check_label(value: Any, *, param: str) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{param} must be a non-empty string label; got {value!r}")
    return value


def check_labels(values: Any, *, param: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Sequence | set | frozenset):
        raise TypeError(f"{param} must be a sequence of string labels; got {values!r}")
    out = tuple(values)
    if not out or not all(isinstance(v, str) and v for v in out):
        raise TypeError(f"{param} must be a non-empty sequence of non-empty string labels; "
                        f"got {values!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"{param} must not repeat a label; got {values!r}")
    return out


def wilson(count: Any, nobs: Any, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals, elementwise (``proportion_confint(method="wilson")``)."""
    from statsmodels.stats.proportion import proportion_confint

    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    low, high = proportion_confint(count, nobs, alpha=1.0 - confidence, method="wilson")
    return np.clip(np.asarray(low, dtype=float), 0.0, 1.0), np.clip(np.asarray(high, dtype=float),
                                                                     0.0, 1.0)


@dataclass(frozen=True)
class Contrast:
    """Group 1 against group 2: difference and ratio of proportions with intervals and a test."""

    difference: float
    difference_low: float
    difference_high: float
    risk_ratio: float
    risk_ratio_low: float
    risk_ratio_high: float
    p_value: float


def _one_sided(low: float, high: float, alternative: str, lower: float, upper: float
               ) -> tuple[float, float]:
    if alternative == "larger":
        return low, upper
    if alternative == "smaller":
        return lower, high
    return low, high


def contrast(count1: int, nobs1: int, count2: int, nobs2: int, *, confidence: float,
             alternative: str, ratio: bool = True) -> Contrast:
    """Compare two independent proportions, p1 = count1/nobs1 against p2 = count2/nobs2.

    Intervals: ``confint_proportions_2indep(compare="diff", method="newcomb")`` and
    ``confint_proportions_2indep(compare="ratio", method="log-adjusted")`` (statsmodels' defaults,
    both defined when a group has 0 or all events). For a one-sided ``alternative`` the interval is
    the one-sided interval at ``confidence`` (the two-sided one at ``2 * confidence - 1`` with the far
    bound opened). Test: ``test_proportions_2indep(compare="diff", method="score")``; when both groups
    share a rate of exactly 0 or 1 the score statistic is 0/0 and the Agresti-Caffo test is used.
    """
    from statsmodels.stats.proportion import (
        confint_proportions_2indep,
        test_proportions_2indep,
    )

    if min(nobs1, nobs2) <= 0:
        raise ValueError("both groups of a contrast need at least one observation")
    alpha = 1.0 - confidence if alternative == "two-sided" else 2.0 * (1.0 - confidence)
    if alpha >= 1.0:
        raise ValueError("with a one-sided alternative ('larger' or 'smaller') confidence must be "
                         f"above 0.5; got {confidence!r}")
    p1, p2 = count1 / nobs1, count2 / nobs2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d_low, d_high = confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb",
                                                   compare="diff", alpha=alpha)
        pooled = (count1 + count2) / (nobs1 + nobs2)
        method = "agresti-caffo" if pooled in (0.0, 1.0) else "score"
        p_value = float(test_proportions_2indep(count1, nobs1, count2, nobs2, method=method,
                                                compare="diff", alternative=alternative).pvalue)
    d_low, d_high = _one_sided(float(d_low), float(d_high), alternative, -1.0, 1.0)
    rr = rr_low = rr_high = math.nan
    if ratio:
        if count2 == 0:
            raise ValueError("the risk ratio is undefined: the baseline group has no events "
                             f"(0 of {nobs2}); compare the difference instead")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r_low, r_high = confint_proportions_2indep(count1, nobs1, count2, nobs2,
                                                       method="log-adjusted", compare="ratio",
                                                       alpha=alpha)
        rr = p1 / p2
        rr_low, rr_high = _one_sided(float(r_low), float(r_high), alternative, 0.0, math.inf)
    if not math.isfinite(p_value) or not (math.isfinite(d_low) and math.isfinite(d_high)):
        raise ValueError(f"the contrast of {count1}/{nobs1} with {count2}/{nobs2} could not be "
                         "computed (statsmodels returned a non-finite value)")
    return Contrast(p1 - p2, d_low, d_high, rr, rr_low, rr_high, min(max(p_value, 0.0), 1.0))
