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
from typing import Any, ClassVar

import narwhals as nw
import numpy as np
import pandas as pd

from cxstats._checks import check_alternative, check_confidence, check_label
from cxstats._results import Displayed
from cxstats.analyses import _frames, _stats

__all__ = ["ProblemsResult", "outcome_by_problems"]


_LIFT_COLS = ["problems", "n", "events", "rate", *_stats.CONTRAST_COLS]
_HIGH_LOW_COLS = ["comparison", "n_more", "events_more", "rate_more", "rate_more_low",
                  "rate_more_high", "n_fewer", "events_fewer", "rate_fewer", "rate_fewer_low",
                  "rate_fewer_high", *_stats.CONTRAST_COLS]
_LOGIT_COLS = ["term", "coef", "std_err", "odds_ratio", "odds_ratio_low", "odds_ratio_high",
               "p_value", "note"]


@dataclass(frozen=True, eq=False, repr=False)
class ProblemsResult(Displayed):
    """What :func:`outcome_by_problems` returns.

    Attributes
    ----------
    rates : pandas.DataFrame
        One row per problem count (the last one is ``"{cap}+"`` unless ``cap=None``), columns
        ``problems`` (label),
        ``problems_min`` (smallest count in the row), ``n``, ``events``, ``rate``, ``rate_low``,
        ``rate_high``.
    lift : pandas.DataFrame
        One row per non-zero problem count against zero problems: ``problems, n, events, rate,
        difference, difference_low, difference_high, risk_ratio, risk_ratio_low,
        risk_ratio_high, p_value, test, note``. ``test`` names the test behind ``p_value``
        ("score" or "fisher-exact"); when no customer with zero problems had the outcome the
        ratio is undefined: NaN, and ``note`` says so (rates and differences are still there).
    high_vs_low : pandas.DataFrame
        One row: ``cap`` or more problems against fewer: ``comparison, n_more, events_more,
        rate_more, rate_more_low, rate_more_high, n_fewer, events_fewer, rate_fewer,
        rate_fewer_low, rate_fewer_high`` and the contrast columns as in ``lift``. No row when
        ``cap=None``.
    logit : pandas.DataFrame
        Logistic regression of the outcome on the (uncapped) number of problems: rows
        ``"intercept"`` and ``"problems"``, columns ``term, coef, std_err, odds_ratio,
        odds_ratio_low, odds_ratio_high, p_value, note``. When the model has no finite estimate
        (the outcome never or always happens, or is separated by the number of problems, read
        on the data: see :func:`separation`) the numbers are NaN and ``note`` says why.
    confidence, alternative : float, str
        As passed.
    n_customers, n_excluded : int
        Customers in the input; customers left out because the problem count or the outcome is
        missing. Without ``weight`` these are rows; with it, summed weights.
    """

    _chart: ClassVar[str] = "problems_chart"

    rates: pd.DataFrame
    lift: pd.DataFrame
    high_vs_low: pd.DataFrame
    logit: pd.DataFrame
    confidence: float
    alternative: str
    n_customers: int
    n_excluded: int


def _label(value: int, cap: int | None) -> str:
    return f"{cap}+" if cap is not None and value >= cap else str(value)


def separation(counts: pd.DataFrame) -> str | None:
    """Why the logistic model has no finite estimate on these counts, or None when it has one.

    Read on the data, not from a fit: with one numeric predictor and an intercept the maximum
    likelihood estimate is finite exactly when the events and the non-events overlap, i.e. when
    neither all event counts lie at or below all non-event counts nor the reverse (complete or
    quasi-complete separation; Albert & Anderson 1984, Biometrika 71:1-10). A problem count whose
    customers all had (or all lacked) the outcome separates only when it sits at an end.
    """
    values = counts["value"].to_numpy()
    with_event = values[counts["events"].to_numpy() > 0]
    without = values[(counts["n"] - counts["events"]).to_numpy() > 0]
    if len(np.unique(values)) < 2:
        return "the logistic model needs customers with at least two different problem counts"
    if with_event.size == 0 or without.size == 0:
        return ("the outcome is the same for every customer: the logistic model (and its odds "
                "ratio) is undefined")
    if with_event.max() <= without.min() or without.max() <= with_event.min():
        return ("the outcome is perfectly separated by the number of problems (all customers on "
                "one side of a count had it, all on the other side did not): the logistic "
                "model's odds ratio is infinite or zero, so none is reported")
    return None


def _logit(counts: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Binomial GLM on the count table: the customer-level logistic model, fitted on counts."""
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    def undefined(note: str) -> pd.DataFrame:
        nan = [math.nan, math.nan]
        return pd.DataFrame({"term": ["intercept", "problems"], "coef": nan, "std_err": nan,
                             "odds_ratio": nan, "odds_ratio_low": nan, "odds_ratio_high": nan,
                             "p_value": nan, "note": [note, note]}, columns=_LOGIT_COLS)

    why = separation(counts)
    if why is not None:
        return undefined(why)
    events = counts["events"].to_numpy(dtype=float)
    n = counts["n"].to_numpy(dtype=float)
    endog = np.column_stack([events, n - events])
    exog = sm.add_constant(counts["value"].to_numpy(dtype=float), has_constant="add")
    with warnings.catch_warnings():
        # separation was ruled out on the data above; with two problem counts the model is
        # saturated and statsmodels flags its exact fit as "perfect prediction", which it is not
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            fit = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
        except (ConvergenceWarning, np.linalg.LinAlgError) as err:
            return undefined(f"the logistic model did not converge: {err}")
    params = np.asarray(fit.params, dtype=float)
    bse = np.asarray(fit.bse, dtype=float)
    ci = np.asarray(fit.conf_int(alpha=1.0 - confidence), dtype=float)
    pvalues = np.asarray(fit.pvalues, dtype=float)
    with np.errstate(over="ignore"):
        odds = np.exp(np.column_stack([params, ci]))
    if not (np.isfinite(bse).all() and np.isfinite(odds).all() and np.isfinite(pvalues).all()):
        return undefined("the logistic model gave non-finite estimates (the outcome is nearly "
                         "separated by the number of problems)")
    return pd.DataFrame({"term": ["intercept", "problems"], "coef": params, "std_err": bse,
                         "odds_ratio": odds[:, 0], "odds_ratio_low": odds[:, 1],
                         "odds_ratio_high": odds[:, 2], "p_value": pvalues,
                         "note": [None, None]}, columns=_LOGIT_COLS)


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
    cap : int or None, default 3
        Counts of ``cap`` or more are pooled into one row ``"{cap}+"`` (0, 1, 2, 3+ by default)
        and compared with the fewer (``high_vs_low``); ``None``: every count keeps its own row
        and there is no pooled comparison.
    positive, negative : str, default "yes", "no"
        Labels of a string outcome, in any case and with stray spaces; yes/true/1 and
        no/false/0 read alike. Any other value is an error listing the values found.
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
        (n = 0), no customer with zero problems or none with ``cap`` or more, or an option out
        of range.

    Notes
    -----
    Rows with a missing problem count or outcome are left out (``n_excluded``).

    * rate intervals: ``statsmodels.stats.proportion.proportion_confint(method="wilson")``;
    * differences: ``statsmodels.stats.proportion.confint_proportions_2indep(compare="diff",
      method="newcomb")``; risk ratios: the MOVER-Wilson interval (Zou & Donner 2008; see
      :func:`cxstats._intervals.ratio_mover_wilson`), which keeps near-nominal coverage with a
      group at 0% or 100% where statsmodels' log-adjusted interval does not;
    * ``p_value``: ``statsmodels.stats.proportion.test_proportions_2indep(compare="diff",
      method="score", alternative=alternative)``, or Fisher's exact test
      (``scipy.stats.fisher_exact``) when an expected cell count is below 5 (column ``test``);
    * logistic model: ``statsmodels.api.GLM(endog, exog, family=sm.families.Binomial())`` on the
      table of (events, non-events) per problem count. This is the customer-level logit of the
      outcome on the number of problems: grouped binomial data have the same likelihood up to a
      constant, so the same estimates and standard errors as ``statsmodels.api.Logit`` on one row
      per customer. Separation is checked on the data first, so two problem counts (a 0/1 "had
      a problem" column, where the grouped model is saturated) fit like the customer-level
      logit. Odds-ratio intervals are Wald intervals, ``exp(fit.conf_int())``. The model
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
    confidence = check_confidence(confidence)
    alternative = check_alternative(alternative)
    positive = check_label(positive, param="positive")
    negative = check_label(negative, param="negative")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int | np.integer)
                            or cap < 1):
        raise ValueError(f"cap must be None or a whole number >= 1 (e.g. 3 for 0, 1, 2, 3+); "
                         f"got {cap!r}")
    cap = None if cap is None else int(cap)
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

    def as_float(table: pd.DataFrame) -> np.ndarray:
        return table[problems].astype("float64").to_numpy(dtype=float, na_value=np.nan)

    def check_counts(table: pd.DataFrame) -> None:
        values = as_float(table)
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(values) & ((values < 0) | ~np.isfinite(values)
                                       | (values != np.round(values)))
        if bad.any():
            found = sorted({int(v) if np.isfinite(v) and v == int(v) else float(v)
                            for v in values[bad]})
            raise ValueError(f"problems={problems!r} must hold non-negative whole numbers; found "
                             f"{found[:5]!r}")

    table, n_customers, n_usable = _frames.tally(
        frame, keys=[problems], outcome=out, outcome_param="outcome", weight=weight,
        table_name="customers", key_missing=lambda t: np.isnan(as_float(t)),
        validate=check_counts,
        nothing=f"no customer has both a problem count and an outcome (outcome={outcome!r} is "
                "missing wherever problems is present)")
    table = table.loc[~np.isnan(as_float(table))].assign(value=lambda t: as_float(t).astype("int64"))
    counts = (table.groupby("value", sort=True)[[_frames.USABLE, _frames.EVENT]].sum()
              .reset_index().rename(columns={_frames.USABLE: "n", _frames.EVENT: "events"}))
    if (counts["n"] == 0).any():
        v = int(counts.loc[counts["n"] == 0, "value"].iloc[0])
        raise ValueError(f"customers with problems={v} have no {outcome!r} value (n = 0); drop "
                         "them or check the outcome column")
    counts["bin"] = counts["value"] if cap is None else np.minimum(counts["value"], cap)
    bins = counts.groupby("bin", sort=True)[["n", "events"]].sum().reset_index()
    rates = pd.DataFrame({
        "problems": [_label(int(b), cap) for b in bins["bin"]],
        "problems_min": bins["bin"].astype("int64").to_numpy(),
        "n": bins["n"].astype("int64").to_numpy(),
        "events": bins["events"].astype("int64").to_numpy(),
        **_stats.rates(bins["events"], bins["n"], confidence),
    })
    if 0 not in set(rates["problems_min"]):
        raise ValueError(f"no customer has problems=0: the lift over zero problems needs them "
                         f"(problems={problems!r})")
    n0, e0 = (int(x) for x in rates.loc[rates["problems_min"] == 0, ["n", "events"]].iloc[0])
    lift = _stats.contrast_frame([
        {"problems": row.problems, "n": int(row.n), "events": int(row.events),
         "rate": float(row.rate),
         **_stats.contrast(int(row.events), int(row.n), e0, n0, confidence=confidence,
                           alternative=alternative,
                           baseline="the group with 0 problems").row()}
        for row in rates.loc[rates["problems_min"] > 0].itertuples()], _LIFT_COLS)
    high_vs_low = _stats.contrast_frame([], _HIGH_LOW_COLS)
    if cap is not None:
        more, fewer = rates["problems_min"] >= cap, rates["problems_min"] < cap
        if not more.any():
            raise ValueError(f"no customer has {cap} or more problems: lower cap (got cap={cap})")
        n_m, e_m, n_f, e_f = (int(rates.loc[m, c].sum()) for m in (more, fewer)
                              for c in ("n", "events"))
        w = _stats.rates([e_m, e_f], [n_m, n_f], confidence)
        high_vs_low = _stats.contrast_frame([{
            "comparison": f"{cap}+ vs {'0' if cap == 1 else f'0-{cap - 1}'}",
            "n_more": n_m, "events_more": e_m, "rate_more": e_m / n_m,
            "rate_more_low": float(w["rate_low"][0]), "rate_more_high": float(w["rate_high"][0]),
            "n_fewer": n_f, "events_fewer": e_f, "rate_fewer": e_f / n_f,
            "rate_fewer_low": float(w["rate_low"][1]), "rate_fewer_high": float(w["rate_high"][1]),
            **_stats.contrast(e_m, n_m, e_f, n_f, confidence=confidence, alternative=alternative,
                              baseline=f"the group with fewer than {cap} problems").row(),
        }], _HIGH_LOW_COLS)
    return ProblemsResult(rates, lift, high_vs_low, _logit(counts, confidence), confidence,
                          alternative, n_customers, n_customers - n_usable)
