"""Benchmark of the churn-impact Monte Carlo (cxstats.models.impact).

* ``montecarlo_1m_seconds``: wall time of ``impact(draws=1_000_000)`` with the default inputs
  (catalogue statistics and labelled assumptions; customers and revenue per customer are the
  user's own figures, set here to 1) - drawing, model arithmetic, percentiles and sensitivity
  table, after one warm-up call that loads the catalogue and the libraries. Best of 3.
* ``montecarlo_1m_over_numpy_floor``: that time divided by the time numpy alone takes to draw the
  same number of random variates as Beta variates (1,000,000 per input that varies), best of 3.
"""

from __future__ import annotations

from _timing import best_of


def run() -> dict[str, float]:
    import numpy as np

    from cxstats.models.impact import impact

    draws = 1_000_000
    kwargs = {"customers": 1, "revenue_per_customer": 1.0, "seed": 0}
    warm = impact(draws=1000, **kwargs)  # loads the catalogue, statsmodels and scipy
    n_random = int((warm.inputs["distribution"].isin(["beta", "uniform", "triangular"])).sum())
    seconds = best_of(lambda: impact(draws=draws, **kwargs))
    rng = np.random.default_rng(0)
    floor = best_of(lambda: rng.beta(740.5, 260.5, size=draws * max(n_random, 1)))
    return {"montecarlo_1m_seconds": seconds, "montecarlo_1m_over_numpy_floor": seconds / floor}
