"""Problems -> outcome: how an outcome rate grows with the number of problems a customer had.

One function covers the family: the share of price-sensitive customers by number of problems
experienced (0, 1, 2, 3+), churn by number of customer-service calls, or any count of bad
experiences against a yes/no outcome. It reports the rate per count with intervals, the lift over
customers with zero problems, a contrast of ``cap`` or more problems against fewer, and a logistic
model with the odds ratio per extra problem.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from cxstats.analyses import _frames, _stats

__all__ = ["ProblemsResult", "outcome_by_problems"]


_CONTRAST_COLS = ["risk_ratio", "risk_ratio_low", "risk_ratio_high", "difference",
                  "difference_low", "difference_high", "p_value"]


@dataclass(frozen=True, eq=False)
class ProblemsResult:
    """What :func:`outcome_by_problems` returns.

    Attributes
    ----------
    rates : pandas.DataFrame
        One row per problem count (the last one is ``"{cap}+"``), columns ``problems`` (label),
        ``problems_min`` (smallest count in the row), ``n``, ``events``, ``rate``, ``rate_low``,
        ``rate_high``.
    lift : pandas.DataFrame
        One row per non-zero problem count against zero problems: ``problems, n, events, rate,
        risk_ratio, risk_ratio_low, risk_ratio_high, difference, difference_low,
        difference_high, p_value``.
    high_vs_low : pandas.DataFrame
        One row: ``cap`` or more problems against fewer: ``comparison, n_more, events_more,
        rate_more, rate_more_low, rate_more_high, n_fewer, events_fewer, rate_fewer,
        rate_fewer_low, rate_fewer_high`` and the contrast columns as in ``lift``.
    logit : pandas.DataFrame
        Logistic regression of the outcome on the (uncapped) number of problems: rows
        ``"intercept"`` and ``"problems"``, columns ``term, coef, std_err, odds_ratio,
        odds_ratio_low, odds_ratio_high, p_value``.
    confidence, alternative : float, str
        As passed.
    n_customers, n_excluded : int
        Customers in the input; customers left out because the problem count or the outcome is
        missing. Without ``weight`` these are rows; with it, summed weights.
    """

    rates: pd.DataFrame
    lift: pd.DataFrame
    high_vs_low: pd.DataFrame
    logit: pd.DataFrame
    confidence: float
    alternative: str
    n_customers: int
    n_excluded: int


def _label(value: int, cap: int) -> str:
    return f"{cap}+" if value >= cap else str(value)


def _contrast_row(c: _stats.Contrast) -> dict[str, float]:
    return {name: getattr(c, name) for name in _CONTRAST_COLS}


def _logit(counts: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Binomial GLM on the count table: the customer-level logistic model, fitted on counts."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    if counts["value"].nunique() < 2:
        raise ValueError("the logistic model needs customers with at least two different problem "
                         "counts")
    events = counts["events"].to_numpy(dtype=float)
    n = counts["n"].to_numpy(dtype=float)
    if events.sum() == 0 or events.sum() == n.sum():
        raise ValueError("the outcome is the same for every customer: the logistic model (and "
                         "its odds ratio) is undefined")
    endog = np.column_stack([events, n - events])
    exog = sm.add_constant(counts["value"].to_numpy(dtype=float), has_constant="add")
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            fit = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
        except (PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError) as err:
            raise ValueError("the logistic model could not be fitted (the outcome is perfectly "
                             f"separated by the number of problems): {err}") from None
    params = np.asarray(fit.params, dtype=float)
    bse = np.asarray(fit.bse, dtype=float)
    ci = np.asarray(fit.conf_int(alpha=1.0 - confidence), dtype=float)
    pvalues = np.asarray(fit.pvalues, dtype=float)
    if not (np.isfinite(params).all() and np.isfinite(bse).all() and np.isfinite(ci).all()
            and np.isfinite(pvalues).all()) or np.abs(params).max() > 30:
        raise ValueError("the logistic model could not be fitted (the outcome is (nearly) "
                         "separated by the number of problems)")
    return pd.DataFrame({
        "term": ["intercept", "problems"],
        "coef": params,
        "std_err": bse,
        "odds_ratio": np.exp(params),
        "odds_ratio_low": np.exp(ci[:, 0]),
        "odds_ratio_high": np.exp(ci[:, 1]),
        "p_value": pvalues,
    })


def outcome_by_problems(
    customers: Any,
    *,
    problems: str = "problems",
    outcome: str = "price_sensitive",
    cap: int = 3,
    positive: str = "yes",
    negative: str = "no",
    outcome_threshold: float | None = None,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    weight: str | None = None,
) -> ProblemsResult:
    """Outcome rate per number of problems, lift over zero problems and a logistic model.

    Parameters
    ----------
    customers : DataFrame (pandas, polars, Dask or PySpark), polars.LazyFrame or DuckDB relation
        One row per customer, or an already-counted table with a ``weight`` column. Counting runs
        in this object's own engine; it is not modified.
    problems : str, default "problems"
        Column with the number of problems (or service calls): non-negative whole numbers.
    outcome : str, default "price_sensitive"
        Yes/no outcome column: booleans (True = yes), labels ``positive``/``negative``, 0/1
        codes, or a numeric rating together with ``outcome_threshold``.
    cap : int, default 3
        Counts of ``cap`` or more are pooled into one row ``"{cap}+"`` (0, 1, 2, 3+ by default).
    positive, negative : str, default "yes", "no"
        Labels of a string outcome; any other value is an error.
    outcome_threshold : float, optional
        For a numeric rating: values at or above it count as yes.
    confidence : float, default 0.95
        Confidence level of every interval, strictly between 0 and 1.
    alternative : {"two-sided", "larger", "smaller"}, default "two-sided"
        Alternative hypothesis of the contrasts' ``p_value`` ("larger": more problems, higher
        rate). The logistic model's p-values are two-sided.
    weight : str, optional
        Column holding how many customers each row stands for (a frequency weight, like
        statsmodels' ``freq_weights``): non-negative whole numbers, no missing values, and not the
        ``problems`` or ``outcome`` column. The result (the logistic model included) is the same
        as for the table with each row repeated ``weight`` times; rows with weight 0 are ignored.
        ``n_customers`` and ``n_excluded`` then count customers (summed weights), not rows.
        ``None`` (the default): every row is one customer.

    Returns
    -------
    ProblemsResult
        Tidy DataFrames ``.rates``, ``.lift``, ``.high_vs_low`` and ``.logit``.

    Raises
    ------
    TypeError
        Unsupported dataframe, unusable dtype (``weight`` included), or an option of the wrong
        type.
    ValueError
        Missing column, empty input, negative or fractional problem counts, a ``weight`` column
        with missing, negative or fractional values or that is a key column, labels outside the
        allowed set, all-missing outcome, a problem count whose customers all lack the outcome
        (n = 0), no customer with zero problems or none with ``cap`` or more, an outcome that
        never (or always) happens where a ratio or the model needs it, or an option out of range.

    Notes
    -----
    Rows with a missing problem count or outcome are left out (``n_excluded``).

    * rate intervals: ``statsmodels.stats.proportion.proportion_confint(method="wilson")``;
    * differences: ``statsmodels.stats.proportion.confint_proportions_2indep(compare="diff",
      method="newcomb")``; risk ratios: the same call with ``compare="ratio",
      method="log-adjusted"``; ``p_value``: ``test_proportions_2indep(compare="diff",
      method="score", alternative=alternative)``;
    * logistic model: ``statsmodels.api.GLM(endog, exog, family=sm.families.Binomial())`` on the
      table of (events, non-events) per problem count. This is the customer-level logit of the
      outcome on the number of problems: grouped binomial data have the same likelihood up to a
      constant, so the same estimates and standard errors as ``statsmodels.api.Logit`` on one row
      per customer. Odds-ratio intervals are Wald intervals, ``exp(fit.conf_int())``. The model
      assumes the log-odds rise linearly per problem; compare it with ``.rates`` (a jump at one
      count, as in the telecom churn data, is not linear).

    Examples
    --------
    >>> from cxstats import datasets
    >>> from cxstats.analyses import outcome_by_problems
    >>> res = outcome_by_problems(datasets.load_customers())
    >>> res.rates["problems"].tolist()
    ['0', '1', '2', '3+']
    >>> res.lift["problems"].tolist()
    ['1', '2', '3+']
    >>> bool(res.logit.loc[1, "odds_ratio"] > 1)
    True

    Churn by customer-service calls, with calls 4+ pooled (a small made-up table):

    >>> import pandas as pd
    >>> calls = pd.DataFrame({"calls": [0] * 50 + [1] * 50 + [4] * 20 + [5] * 10,
    ...                       "churn": [True] * 5 + [False] * 45 + [True] * 6 + [False] * 44
    ...                                + [True] * 9 + [False] * 11 + [True] * 6 + [False] * 4})
    >>> res = outcome_by_problems(calls, problems="calls", outcome="churn", cap=4)
    >>> res.rates[["problems", "n", "events", "rate"]]
      problems   n  events  rate
    0        0  50       5  0.10
    1        1  50       6  0.12
    2       4+  30      15  0.50
    >>> round(float(res.high_vs_low.loc[0, "risk_ratio"]), 2)
    4.55

    The same customers already counted, one row per (calls, churn) cell with a ``weight``,
    give the same rates, contrasts and logistic model:

    >>> counted = calls.value_counts().rename("customers").reset_index()
    >>> weighted = outcome_by_problems(counted, problems="calls", outcome="churn", cap=4,
    ...                                weight="customers")
    >>> weighted.rates.equals(res.rates), weighted.logit.equals(res.logit), weighted.n_customers
    (True, True, 130)
    """
    frame = _frames.to_narwhals(customers, param="customers")
    confidence = _stats.check_confidence(confidence)
    alternative = _stats.check_alternative(alternative)
    positive = _stats.check_label(positive, param="positive")
    negative = _stats.check_label(negative, param="negative")
    if isinstance(cap, bool) or not isinstance(cap, int | np.integer) or cap < 1:
        raise ValueError(f"cap must be a whole number >= 1 (e.g. 3 for 0, 1, 2, 3+); got {cap!r}")
    cap = int(cap)
    schema = _frames.schema_of(frame)
    p_dtype = _frames.check_column(schema, problems, param="problems", table="customers")
    if not _frames.is_number(p_dtype) or isinstance(p_dtype, nw.Boolean):
        raise TypeError(f"problems={problems!r} must hold non-negative whole numbers; its dtype "
                        f"is {p_dtype}")
    if outcome == problems:
        raise ValueError(f"problems and outcome must be different columns; both are {outcome!r}")
    out = _frames.binary(schema, outcome, param="outcome", table="customers",
                         event_label=positive, other_label=negative,
                         label_params=("positive", "negative"), threshold=outcome_threshold,
                         threshold_param="outcome_threshold", event_below=False, bool_event=True)

    weight = _frames.check_weight(frame, schema, weight, table="customers", unit="customers",
                                  keys={problems: "problems", outcome: "outcome"})
    table = _frames.count(frame, keys=[problems, *out.keys], derived=out.derived, weight=weight)
    _frames.check_not_empty(table, table_name="customers")
    values = table[problems].astype("float64").to_numpy(dtype=float, na_value=np.nan)
    p_miss = np.isnan(values)
    with np.errstate(invalid="ignore"):
        bad_p = ~p_miss & ((values < 0) | ~np.isfinite(values) | (values != np.round(values)))
    if bad_p.any():
        found = sorted({float(v) if v != int(v) else int(v) if np.isfinite(v) else float(v)
                        for v in values[bad_p]})
        raise ValueError(f"problems={problems!r} must hold non-negative whole numbers; found "
                         f"{found[:5]!r}")
    found = out.invalid_values(table)
    if found:
        raise ValueError(f"outcome={outcome!r} has values outside the allowed set "
                         f"{out.allowed}: found {found[:5]!r}")
    usable = ~p_miss & ~out.is_missing(table).to_numpy()
    n_customers, n_usable = _frames.split_usable(
        table, usable, out.is_event(table).to_numpy(),
        nothing=f"no customer has both a problem count and an outcome (outcome={outcome!r} is "
                "missing wherever problems is present)")

    table = table.loc[~p_miss].copy()
    table["value"] = table[problems].astype(float).astype("int64")
    counts = (table.groupby("value", sort=True)[["n_rows", _frames.USABLE, _frames.EVENT]].sum().reset_index()
              .rename(columns={_frames.USABLE: "n", _frames.EVENT: "events"}))
    empty = counts.loc[counts["n"] == 0]
    if not empty.empty:
        v = int(empty.iloc[0]["value"])
        raise ValueError(f"customers with problems={v} have no {outcome!r} value (n = 0); drop "
                         "them or check the outcome column")
    counts["bin"] = np.minimum(counts["value"], cap)
    bins = counts.groupby("bin", sort=True)[["n", "events"]].sum().reset_index()
    low, high = _stats.wilson(bins["events"], bins["n"], confidence)
    rates = pd.DataFrame({
        "problems": [_label(int(b), cap) for b in bins["bin"]],
        "problems_min": bins["bin"].astype("int64").to_numpy(),
        "n": bins["n"].astype("int64").to_numpy(),
        "events": bins["events"].astype("int64").to_numpy(),
        "rate": (bins["events"] / bins["n"]).to_numpy(dtype=float),
        "rate_low": low,
        "rate_high": high,
    })

    if 0 not in set(rates["problems_min"]):
        raise ValueError(f"no customer has problems=0: the lift over zero problems needs them "
                         f"(problems={problems!r})")
    base = rates.loc[rates["problems_min"] == 0].iloc[0]
    n0, e0 = int(base["n"]), int(base["events"])
    lift_rows = []
    for _, row in rates.loc[rates["problems_min"] > 0].iterrows():
        c = _stats.contrast(int(row["events"]), int(row["n"]), e0, n0, confidence=confidence,
                            alternative=alternative)
        lift_rows.append({"problems": row["problems"], "n": int(row["n"]),
                          "events": int(row["events"]), "rate": float(row["rate"]),
                          **_contrast_row(c)})
    lift = pd.DataFrame(lift_rows, columns=["problems", "n", "events", "rate", *_CONTRAST_COLS])
    lift = lift.astype({"n": "int64", "events": "int64"})

    more = rates.loc[rates["problems_min"] >= cap]
    fewer = rates.loc[rates["problems_min"] < cap]
    if more.empty:
        raise ValueError(f"no customer has {cap} or more problems: lower cap (got cap={cap})")
    n_m, e_m = int(more["n"].sum()), int(more["events"].sum())
    n_f, e_f = int(fewer["n"].sum()), int(fewer["events"].sum())
    c = _stats.contrast(e_m, n_m, e_f, n_f, confidence=confidence, alternative=alternative)
    label_fewer = "0" if cap == 1 else f"0-{cap - 1}"
    w_low, w_high = _stats.wilson([e_m, e_f], [n_m, n_f], confidence)
    high_vs_low = pd.DataFrame([{
        "comparison": f"{cap}+ vs {label_fewer}",
        "n_more": n_m, "events_more": e_m, "rate_more": e_m / n_m,
        "rate_more_low": float(w_low[0]), "rate_more_high": float(w_high[0]),
        "n_fewer": n_f, "events_fewer": e_f, "rate_fewer": e_f / n_f,
        "rate_fewer_low": float(w_low[1]), "rate_fewer_high": float(w_high[1]),
        **_contrast_row(c),
    }])
    logit = _logit(counts, confidence)
    if math.isnan(float(logit["p_value"].iloc[1])):  # pragma: no cover - guarded in _logit
        raise ValueError("the logistic model returned no p-value")
    return ProblemsResult(rates, lift, high_vs_low, logit, confidence, alternative, n_customers,
                          n_customers - n_usable)
