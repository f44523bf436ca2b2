"""The statistics shared by the analyses: rate tables and the contrast of two proportions.

Nothing here is hand-written statistics except the closed-form MOVER-Wilson ratio interval
(:func:`cxstats._intervals.ratio_mover_wilson`, cited there): intervals and tests come from
statsmodels and scipy, imported inside the functions so that ``import cxstats.analyses`` stays
light. The argument checks live in :mod:`cxstats._checks`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from cxstats._intervals import ratio_mover_wilson, wilson

#: Below this expected count in any cell of the 2x2 table the p-value is Fisher's exact test
#: (Cochran's rule: the score test's normal approximation is poor with expected counts under 5).
MIN_EXPECTED = 5.0

#: Columns of every contrast, in this order.
CONTRAST_COLS = ["difference", "difference_low", "difference_high", "risk_ratio",
                 "risk_ratio_low", "risk_ratio_high", "p_value", "test", "note"]


@dataclass(frozen=True)
class Contrast:
    """Group 1 against group 2: difference and ratio of proportions with intervals and a test.

    ``test`` names the test behind ``p_value`` ("score" or "fisher-exact"); ``note`` says why a
    figure is missing (None when nothing is).
    """

    difference: float
    difference_low: float
    difference_high: float
    risk_ratio: float
    risk_ratio_low: float
    risk_ratio_high: float
    p_value: float
    test: str
    note: str | None

    def row(self) -> dict[str, Any]:
        return asdict(self)


def rates(events: Any, n: Any, confidence: float, *, prefix: str = "rate") -> dict[str, np.ndarray]:
    """``{prefix: events / n, prefix_low: ..., prefix_high: ...}`` with Wilson intervals."""
    events = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    low, high = wilson(events, n, confidence)
    return {prefix: events / n, f"{prefix}_low": np.asarray(low), f"{prefix}_high": np.asarray(high)}


def _one_sided(low: float, high: float, alternative: str, lower: float, upper: float
               ) -> tuple[float, float]:
    if alternative == "larger":
        return low, upper
    if alternative == "smaller":
        return lower, high
    return low, high


def p_value(count1: int, nobs1: int, count2: int, nobs2: int, *, alternative: str
            ) -> tuple[float, str]:
    """The p-value of p1 = p2 and the name of the test that gave it.

    Fisher's exact test (``scipy.stats.fisher_exact``) when an expected cell count of the 2x2
    table is below :data:`MIN_EXPECTED` (this covers two groups both at 0% or both at 100%, where
    it gives p = 1); otherwise the score test,
    ``statsmodels.stats.proportion.test_proportions_2indep(compare="diff", method="score")``.
    """
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import test_proportions_2indep

    total = nobs1 + nobs2
    events = count1 + count2
    expected = [nobs * k / total for nobs in (nobs1, nobs2) for k in (events, total - events)]
    if min(expected) < MIN_EXPECTED:
        side = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alternative]
        table = [[count1, nobs1 - count1], [count2, nobs2 - count2]]
        return float(fisher_exact(table, alternative=side).pvalue), "fisher-exact"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        p = float(test_proportions_2indep(count1, nobs1, count2, nobs2, method="score",
                                          compare="diff", alternative=alternative).pvalue)
    return p, "score"


def contrast(count1: int, nobs1: int, count2: int, nobs2: int, *, confidence: float,
             alternative: str, ratio: bool = True, baseline: str = "the baseline group"
             ) -> Contrast:
    """Compare two independent proportions, p1 = count1/nobs1 against p2 = count2/nobs2.

    * difference: ``statsmodels.stats.proportion.confint_proportions_2indep(compare="diff",
      method="newcomb")`` (Newcombe's hybrid score interval, inside [-1, 1]);
    * risk ratio: the MOVER-Wilson interval (:func:`cxstats._intervals.ratio_mover_wilson`),
      near-nominal coverage also with a group at 0% or 100%; NaN with a ``note`` when the
      baseline (group 2) has no events, where the ratio is undefined;
    * p-value: :func:`p_value` (score test, or Fisher's exact test for small expected counts).

    For a one-sided ``alternative`` the intervals are one-sided at ``confidence`` (the two-sided
    ones at ``2 * confidence - 1`` with the far bound opened).
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    if min(nobs1, nobs2) <= 0:
        raise ValueError("both groups of a contrast need at least one observation")
    level = confidence if alternative == "two-sided" else 2.0 * confidence - 1.0
    if level <= 0.0:
        raise ValueError("with a one-sided alternative ('larger' or 'smaller') confidence must be "
                         f"above 0.5; got {confidence!r}")
    p1, p2 = count1 / nobs1, count2 / nobs2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d_low, d_high = confint_proportions_2indep(count1, nobs1, count2, nobs2, method="newcomb",
                                                   compare="diff", alpha=1.0 - level)
    d_low, d_high = min(float(d_low), p1 - p2), max(float(d_high), p1 - p2)
    d_low, d_high = _one_sided(d_low, d_high, alternative, -1.0, 1.0)
    p, test = p_value(count1, nobs1, count2, nobs2, alternative=alternative)
    rr = rr_low = rr_high = math.nan
    note = None
    if ratio and count2 == 0:
        note = (f"risk ratio undefined: {baseline} has no events (0 of {nobs2}); compare the "
                "difference instead")
    elif ratio:
        r_low, r_high = ratio_mover_wilson(count1, nobs1, count2, nobs2, level)
        rr = p1 / p2
        rr_low, rr_high = _one_sided(r_low, r_high, alternative, 0.0, math.inf)
    if not (math.isfinite(p) and math.isfinite(d_low) and math.isfinite(d_high)):
        raise ValueError(f"the contrast of {count1}/{nobs1} with {count2}/{nobs2} could not be "
                         "computed (a non-finite value came back)")
    return Contrast(p1 - p2, d_low, d_high, rr, rr_low, rr_high, min(max(p, 0.0), 1.0), test, note)


def contrast_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A tidy frame of contrast rows with fixed columns (also when there is no row)."""
    frame = pd.DataFrame(rows, columns=columns)
    counts = ("n", "n_", "events", "disputed_", "bad_")
    ints = {c: "int64" for c in columns if c.startswith(counts) and "rate" not in c}
    text = {c: object for c in ("test", "note") if c in columns}
    return frame.astype({**ints, **text})
