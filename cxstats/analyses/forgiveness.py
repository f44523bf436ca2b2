"""Forgiveness rate: do customers who start a ticket upset still end up satisfied?

For each ticket we know the customer's sentiment at first contact and the CSAT outcome. The analysis
reports the bad-CSAT rate by initial sentiment, how many extra bad ratings per 1,000 tickets the
negative starters leave compared with everyone else, and the *forgiveness rate*: the share of
negative starters who still rated the ticket good.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import narwhals as nw
import numpy as np
import pandas as pd

from cxstats._checks import (
    check_alternative,
    check_confidence,
    check_label,
    check_labels,
    check_number,
    check_probability,
)
from cxstats._results import Displayed
from cxstats.analyses import _frames, _stats

__all__ = [
    "ForgivenessResult",
    "forgiveness_rate",
    "power_for_difference",
    "sample_size_for_difference",
]

_NEG = _frames._P + "negative"
_SMISS = _frames._P + "sentiment_missing"


@dataclass(frozen=True, eq=False, repr=False)
class ForgivenessResult(Displayed):
    """What :func:`forgiveness_rate` returns.

    Attributes
    ----------
    by_sentiment : pandas.DataFrame
        One row per group and initial sentiment, columns ``[*by, "initial_sentiment", "n", "bad",
        "bad_rate", "bad_rate_low", "bad_rate_high"]``. ``n`` counts tickets with both a sentiment
        and a CSAT rating.
    contrast : pandas.DataFrame
        One row per group (a single row without ``by``), columns ``[*by, "n_negative",
        "bad_negative", "bad_rate_negative", "n_other", "bad_other", "bad_rate_other",
        "extra_bad_per_1000", "extra_bad_per_1000_low", "extra_bad_per_1000_high", "p_value",
        "test", "forgiveness_rate", "forgiveness_rate_low", "forgiveness_rate_high"]``; ``test``
        names the test behind ``p_value`` ("score" or "fisher-exact").
    confidence : float
        Confidence level of every interval.
    alternative : str
        Alternative hypothesis of ``p_value`` (and sidedness of the difference interval).
    n_tickets : int
        Tickets in the input: its rows, or the sum of ``weight`` when given.
    n_excluded : int
        Tickets left out because the sentiment or the CSAT outcome is missing (e.g. unrated
        tickets); with ``weight``, the summed weights of those rows.
    """

    _chart: ClassVar[str] = "forgiveness_chart"

    by_sentiment: pd.DataFrame
    contrast: pd.DataFrame
    confidence: float
    alternative: str
    n_tickets: int
    n_excluded: int


def forgiveness_rate(
    tickets: Any,
    *,
    sentiment: str = "sentiment",
    csat: str = "csat",
    by: str | Sequence[str] | None = None,
    negative: str = "negative",
    sentiment_labels: Sequence[str] = ("negative", "neutral", "positive"),
    good: str = "good",
    bad: str = "bad",
    sentiment_threshold: float | None = None,
    csat_threshold: float | None = None,
    confidence: float = 0.95,
    alternative: str = "two-sided",
    weight: str | None = None,
) -> ForgivenessResult:
    """Bad-CSAT rate by initial sentiment, the negative-vs-rest contrast and the forgiveness rate.

    Parameters
    ----------
    tickets : DataFrame (pandas, polars, Dask or PySpark), polars.LazyFrame or DuckDB relation
        One row per ticket, or an already-counted table with a ``weight`` column. Counting runs in
        this object's own engine; only the small table of counts is brought into pandas. It is not
        modified.
    sentiment : str, default "sentiment"
        Column with the customer's sentiment at first contact: labels (one of
        ``sentiment_labels``) or a numeric score together with ``sentiment_threshold``.
    csat : str, default "csat"
        Column with the CSAT outcome: labels ``good``/``bad``, booleans (True = good), 0/1 codes
        read like booleans (1 = good, 0 = bad) or a numeric rating together with
        ``csat_threshold``.
    by : str or list of str, optional
        Grouping columns (topic, channel, team); every statistic is computed within each group.
    negative : str, default "negative"
        The label of negative sentiment; it must be one of ``sentiment_labels``.
    sentiment_labels : sequence of str, default ("negative", "neutral", "positive")
        The allowed sentiment labels; any other value is an error.
    good, bad : str, default "good", "bad"
        The CSAT labels; any other value is an error.
    sentiment_threshold : float, optional
        For a numeric score: scores strictly below it are negative, the others ``"not_negative"``.
    csat_threshold : float, optional
        For a numeric rating: the lowest rating that counts as good (e.g. 4 on a 1-5 scale);
        ratings below it are bad.
    confidence : float, default 0.95
        Confidence level of the intervals, strictly between 0 and 1.
    alternative : {"two-sided", "larger", "smaller"}, default "two-sided"
        Alternative hypothesis for the bad-rate difference negative minus other ("larger": negative
        starters rate worse). For a one-sided alternative the difference interval is one-sided.
    weight : str, optional
        Column holding how many tickets each row stands for (a frequency weight, like
        statsmodels' ``freq_weights``): non-negative whole numbers, no missing values, and not one
        of the ``sentiment``/``csat``/``by`` columns. The result is the same as for the table with
        each row repeated ``weight`` times; rows with weight 0 are ignored. ``n_tickets`` and
        ``n_excluded`` then count tickets (summed weights), not rows. ``None`` (the default):
        every row is one ticket.

    Returns
    -------
    ForgivenessResult
        ``.by_sentiment`` and ``.contrast`` tidy DataFrames (see :class:`ForgivenessResult`).

    Raises
    ------
    TypeError
        ``tickets`` is not a supported dataframe, a column (``weight`` included) has an unusable
        dtype or an option has the wrong type.
    ValueError
        A column is missing, ``tickets`` is empty, a label is outside the allowed set, no ticket
        has a usable outcome, a group or sentiment level has ``n = 0`` rated tickets,
        ``weight`` holds missing, negative or fractional values or is a key column, or
        ``confidence``/``alternative`` is out of range.

    Notes
    -----
    Rows with a missing sentiment or CSAT (e.g. unrated tickets) are left out and counted in
    ``n_excluded``. Statistics, all from statsmodels:

    * bad rate and forgiveness rate intervals:
      ``statsmodels.stats.proportion.proportion_confint(count, nobs, alpha=1 - confidence,
      method="wilson")``;
    * extra bad CSAT per 1,000 tickets = 1000 × (bad rate of negative starters − bad rate of the
      others), interval ``statsmodels.stats.proportion.confint_proportions_2indep(...,
      compare="diff", method="newcomb")``;
    * ``p_value``: ``statsmodels.stats.proportion.test_proportions_2indep(..., compare="diff",
      method="score", alternative=alternative)``, or Fisher's exact test
      (``scipy.stats.fisher_exact``) when an expected cell count is below 5 (two groups both at
      0% or both at 100% get p = 1); the ``test`` column says which.

    The contrast is descriptive: negative starters differ from the others in more than their mood
    (topic, channel, customer), so a small difference is not proof that agents "recovered" them.

    Examples
    --------
    The shipped synthetic tickets (see :mod:`cxstats.datasets`):

    >>> from cxstats import datasets
    >>> from cxstats.analyses import forgiveness_rate
    >>> res = forgiveness_rate(datasets.load_tickets())
    >>> res.by_sentiment[["initial_sentiment", "n", "bad"]]
      initial_sentiment     n  bad
    0          negative   ...  ...
    1           neutral   ...  ...
    2          positive   ...  ...
    >>> float(res.contrast.loc[0, "extra_bad_per_1000"]) > 0
    True

    The Zendesk blog (2022) says that in 40,000 of its own tickets customers whose first contact
    was negative left "only about 20 more bad CSAT ratings per 1,000 tickets" than happier
    starters. The blog gives neither the split of the tickets nor the base rates, so the table
    below is ILLUSTRATIVE: we ASSUME 10,000 negative starters with a 12% bad rate and 30,000 others
    with a 10% bad rate. Only the 40,000 and the 20 per 1,000 come from the blog.

    >>> import numpy as np, pandas as pd
    >>> cells = [("negative", "bad", 1_200), ("negative", "good", 8_800),
    ...          ("positive", "bad", 3_000), ("positive", "good", 27_000)]
    >>> zendesk_like = pd.DataFrame({
    ...     "sentiment": np.repeat([c[0] for c in cells], [c[2] for c in cells]),
    ...     "csat": np.repeat([c[1] for c in cells], [c[2] for c in cells])})
    >>> res = forgiveness_rate(zendesk_like)
    >>> cols = ["extra_bad_per_1000", "extra_bad_per_1000_low", "extra_bad_per_1000_high"]
    >>> res.contrast.loc[0, cols].astype(float).round(1).tolist()
    [20.0, 12.9, 27.3]
    >>> bool(res.contrast.loc[0, "p_value"] < 0.001)
    True
    >>> res.contrast.loc[0, ["forgiveness_rate", "forgiveness_rate_low"]].astype(float).round(3).tolist()
    [0.88, 0.873]

    Under these assumptions a gap of 20 per 1,000 is clearly distinguishable from zero
    (``p_value`` < 0.001), and 88% of upset starters still rated the ticket good: the forgiveness
    rate. What the figure does NOT tell you: the base rates (a 20-point gap means something
    different on a 5% or a 40% bad rate), whether agents caused the recovery (the comparison is
    observational) or how precise the real estimate was. With these assumed group sizes, a
    2-point gap is detected with high power, so a null result would have been informative:

    >>> from cxstats.analyses import power_for_difference
    >>> pw = power_for_difference(0.10, 0.02, n_comparison=10_000, n_baseline=30_000)
    >>> round(float(pw.loc[0, "power"]), 2)
    1.0

    The same cells as an already-counted table, one row per cell with its number of tickets as
    ``weight``, give exactly the same result as the 40,000 rows:

    >>> counted = pd.DataFrame(cells, columns=["sentiment", "csat", "tickets"])
    >>> weighted = forgiveness_rate(counted, weight="tickets")
    >>> weighted.contrast.equals(res.contrast), weighted.n_tickets
    (True, 40000)
    """
    frame = _frames.to_narwhals(tickets, param="tickets")
    confidence = check_confidence(confidence)
    alternative = check_alternative(alternative)
    labels = check_labels(sentiment_labels, param="sentiment_labels")
    negative = check_label(negative, param="negative")
    good = check_label(good, param="good")
    bad = check_label(bad, param="bad")
    schema = _frames.schema_of(frame)

    s_dtype = _frames.check_column(schema, sentiment, param="sentiment", table="tickets")
    if csat == sentiment:
        raise ValueError(f"sentiment and csat must be different columns; both are {csat!r}")
    outcome = _frames.binary(schema, csat, param="csat", table="tickets", event_label=bad,
                             other_label=good, label_params=("bad", "good"),
                             threshold=csat_threshold, threshold_param="csat_threshold",
                             event_below=True, bool_event=False)
    by_cols = _frames.check_by(schema, by, table="tickets",
                               reserved={sentiment: "sentiment", csat: "csat"})
    weight = _frames.check_weight(frame, schema, weight, table="tickets", unit="tickets",
                                  keys={sentiment: "sentiment", csat: "csat",
                                        **{c: "by" for c in by_cols}})

    if _frames.is_label(s_dtype):
        if sentiment_threshold is not None:
            raise TypeError(f"sentiment_threshold applies to a numeric sentiment score; "
                            f"sentiment={sentiment!r} holds labels (leave it None)")
        if negative not in labels:
            raise ValueError(f"negative={negative!r} must be one of sentiment_labels={labels!r}")
        s_keys, derived, order = [sentiment], {}, list(labels)

        def s_missing(t: pd.DataFrame) -> pd.Series:
            return t[sentiment].isna()
    elif _frames.is_number(s_dtype) and not isinstance(s_dtype, nw.Boolean):
        if sentiment_threshold is None:
            raise TypeError(f"sentiment={sentiment!r} is a numeric score: pass sentiment_threshold="
                            "(scores strictly below it count as negative)")
        thr = check_number(sentiment_threshold, param="sentiment_threshold")
        s_keys, order = [_NEG, _SMISS], ["negative", "not_negative"]
        derived = {_NEG: (nw.col(sentiment) < thr).fill_null(False),
                   _SMISS: _frames.missing(sentiment, s_dtype)}

        def s_missing(t: pd.DataFrame) -> pd.Series:
            return t[_SMISS].astype(bool)
    else:
        raise TypeError(f"sentiment={sentiment!r} must hold labels {labels!r} (string or "
                        f"categorical) or a numeric score; its dtype is {s_dtype}")

    table, n_tickets, n_usable = _frames.tally(
        frame, keys=[*by_cols, *s_keys], derived=derived, outcome=outcome, outcome_param="csat",
        weight=weight, table_name="tickets", key_missing=s_missing,
        validate=lambda t: _frames.check_by_keys(t, by_cols),
        nothing=f"no ticket has both a sentiment and a CSAT outcome (csat={csat!r} is missing "
                "wherever sentiment is present): nothing to analyse")
    table = table.loc[~s_missing(table)].copy()
    if s_keys[0] == _NEG:
        table["initial_sentiment"] = np.where(table[_NEG].astype(bool), "negative", "not_negative")
    else:
        table["initial_sentiment"] = table[sentiment].astype(object)
        unknown = sorted(set(table["initial_sentiment"]) - set(labels), key=repr)
        if unknown:
            raise ValueError(f"sentiment={sentiment!r} has labels outside sentiment_labels="
                             f"{labels!r}: found {unknown!r}")
    neg_label = "negative" if s_keys[0] == _NEG else negative
    table["is_negative"] = table["initial_sentiment"] == neg_label
    keys = [*by_cols, "initial_sentiment", "is_negative"]
    table = (table.groupby(keys, sort=False, dropna=False)
             [["n_rows", _frames.USABLE, _frames.EVENT]].sum().reset_index()
             .rename(columns={_frames.USABLE: "n", _frames.EVENT: "bad"}))
    if (table["n"] == 0).any():
        first = table.loc[table["n"] == 0].iloc[0]
        where = ", ".join(f"{c}={first[c]!r}" for c in keys[:-1])
        raise ValueError(f"group {where} has {int(first['n_rows'])} ticket(s) but none with a "
                         f"{csat!r} outcome (n = 0); drop the group or check the csat column")
    table["_order"] = table["initial_sentiment"].map({lab: i for i, lab in enumerate(order)})
    table = table.sort_values([*by_cols, "_order"], kind="stable").reset_index(drop=True)
    by_sentiment = pd.DataFrame({
        **{c: table[c].to_numpy() for c in by_cols},
        "initial_sentiment": table["initial_sentiment"].astype(str).to_numpy(),
        "n": table["n"].astype("int64").to_numpy(),
        "bad": table["bad"].astype("int64").to_numpy(),
        **_stats.rates(table["bad"], table["n"], confidence, prefix="bad_rate"),
    })

    rows = []
    for gkey, g in (table.groupby(by_cols, sort=True) if by_cols else [((), table)]):
        neg, oth = g.loc[g["is_negative"]], g.loc[~g["is_negative"]]
        n1, b1, n2, b2 = (int(part[c].sum()) for part in (neg, oth) for c in ("n", "bad"))
        if n1 == 0 or n2 == 0:
            raise ValueError(f"{_frames.describe_group(by_cols, gkey)} has no rated tickets with "
                             f"{'negative' if n1 == 0 else 'non-negative'} initial sentiment "
                             "(n = 0); the contrast needs both")
        c = _stats.contrast(b1, n1, b2, n2, confidence=confidence, alternative=alternative,
                            ratio=False)
        forgiven = _stats.rates([n1 - b1], [n1], confidence, prefix="f")
        rows.append({
            **dict(zip(by_cols, gkey if isinstance(gkey, tuple) else (gkey,), strict=True)),
            "n_negative": n1, "bad_negative": b1, "bad_rate_negative": b1 / n1,
            "n_other": n2, "bad_other": b2, "bad_rate_other": b2 / n2,
            "extra_bad_per_1000": 1000.0 * c.difference,
            "extra_bad_per_1000_low": 1000.0 * c.difference_low,
            "extra_bad_per_1000_high": 1000.0 * c.difference_high,
            "p_value": c.p_value, "test": c.test,
            "forgiveness_rate": (n1 - b1) / n1,
            "forgiveness_rate_low": float(forgiven["f_low"][0]),
            "forgiveness_rate_high": float(forgiven["f_high"][0]),
        })
    return ForgivenessResult(by_sentiment, pd.DataFrame(rows), confidence, alternative, n_tickets,
                             n_tickets - n_usable)


def _differences(p_baseline: Any, difference: Any) -> tuple[float, np.ndarray]:
    p0 = check_probability(p_baseline, param="p_baseline")
    values = [difference] if np.ndim(difference) == 0 else list(np.asarray(difference).ravel())
    if not values:
        raise ValueError("difference must be a number or a non-empty sequence of numbers")
    out = []
    for d in values:
        if isinstance(d, bool | np.bool_) or not isinstance(d, int | float | np.number):
            raise TypeError(f"difference must be a number or a sequence of numbers; got {d!r}")
        d = float(d)
        if not math.isfinite(d) or d == 0.0 or not 0.0 < p0 + d < 1.0:
            raise ValueError("difference must be non-zero with p_baseline + difference strictly "
                             f"between 0 and 1; got difference={d!r} with p_baseline={p0!r}")
        out.append(d)
    return p0, np.asarray(out)


def _check_direction(differences: np.ndarray, alternative: str) -> None:
    if alternative == "larger" and (differences < 0).any():
        raise ValueError("alternative='larger' needs a positive difference")
    if alternative == "smaller" and (differences > 0).any():
        raise ValueError("alternative='smaller' needs a negative difference")


def sample_size_for_difference(
    p_baseline: float,
    difference: float | Sequence[float],
    *,
    power: float = 0.8,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    ratio: float = 1.0,
) -> pd.DataFrame:
    """Tickets needed to detect a difference between two bad-CSAT (or any) rates.

    Parameters
    ----------
    p_baseline : float
        Rate in the baseline group (e.g. the bad-CSAT rate of non-negative starters), in (0, 1).
    difference : float or sequence of float
        Difference to detect, comparison minus baseline (0.02 = 20 per 1,000); one row each.
    power : float, default 0.8
        Probability of detecting the difference, in (0, 1).
    alpha : float, default 0.05
        Significance level, in (0, 1).
    alternative : {"two-sided", "larger", "smaller"}, default "two-sided"
        As in statsmodels; "larger" needs a positive ``difference``.
    ratio : float, default 1.0
        Size of the baseline group divided by the size of the comparison group (e.g. 3 if one
        ticket in four starts negative).

    Returns
    -------
    pandas.DataFrame
        Columns ``p_baseline, p_comparison, difference, alpha, power, ratio, n_comparison,
        n_baseline, n_total``; group sizes are rounded up.

    Notes
    -----
    The effect size is Cohen's h, ``statsmodels.stats.proportion.proportion_effectsize(
    p_comparison, p_baseline)``, and the size comes from
    ``statsmodels.stats.power.NormalIndPower().solve_power(effect_size=h, alpha=alpha,
    power=power, ratio=ratio, alternative=alternative)`` (normal approximation on the
    arcsine-transformed proportions).

    Examples
    --------
    How many negative starters (with three times as many other tickets) are needed to detect
    20 extra bad ratings per 1,000 on a 10% base?

    >>> from cxstats.analyses import sample_size_for_difference
    >>> out = sample_size_for_difference(0.10, 0.02, ratio=3)
    >>> int(out.loc[0, "n_comparison"]), int(out.loc[0, "n_baseline"])
    (2557, 7670)
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    p0, diffs = _differences(p_baseline, difference)
    power = check_probability(power, param="power")
    alpha = check_probability(alpha, param="alpha")
    alternative = check_alternative(alternative)
    _check_direction(diffs, alternative)
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not (
            math.isfinite(ratio) and ratio > 0):
        raise ValueError(f"ratio must be a positive finite number; got {ratio!r}")
    rows = []
    for d in diffs:
        h = float(proportion_effectsize(p0 + d, p0))
        if h == 0.0:
            raise ValueError(f"difference={d!r} is too small to detect (effect size 0)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a failed solve returns nan, handled below
            n1 = float(NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power,
                                                    ratio=float(ratio), alternative=alternative))
        if not math.isfinite(n1) or n1 <= 0:
            # statsmodels' root search starts above the tiny sizes a very large effect needs;
            # take the smallest whole size whose power (same statsmodels call) is enough
            n1 = next((float(k) for k in range(1, 101) if NormalIndPower().power(
                effect_size=h, nobs1=k, alpha=alpha, ratio=float(ratio),
                alternative=alternative) >= power), math.nan)
        if not math.isfinite(n1) or n1 <= 0:
            raise ValueError(f"no sample size reaches power={power} for difference={d!r}")
        n_c, n_b = math.ceil(n1), math.ceil(n1 * ratio)
        rows.append({"p_baseline": p0, "p_comparison": p0 + d, "difference": d, "alpha": alpha,
                     "power": power, "ratio": float(ratio), "n_comparison": n_c,
                     "n_baseline": n_b, "n_total": n_c + n_b})
    return pd.DataFrame(rows)


def power_for_difference(
    p_baseline: float,
    difference: float | Sequence[float],
    *,
    n_comparison: int,
    n_baseline: int,
    alpha: float = 0.05,
    alternative: str = "two-sided",
) -> pd.DataFrame:
    """Power to detect a difference between two rates with the group sizes you have.

    Parameters
    ----------
    p_baseline : float
        Rate in the baseline group, in (0, 1).
    difference : float or sequence of float
        Difference to detect, comparison minus baseline; one row each.
    n_comparison, n_baseline : int
        Group sizes (e.g. negative starters and the other tickets).
    alpha : float, default 0.05
        Significance level, in (0, 1).
    alternative : {"two-sided", "larger", "smaller"}, default "two-sided"
        As in statsmodels.

    Returns
    -------
    pandas.DataFrame
        Columns ``p_baseline, p_comparison, difference, alpha, n_comparison, n_baseline, power``.

    Notes
    -----
    ``statsmodels.stats.power.NormalIndPower().power(effect_size=h, nobs1=n_comparison,
    alpha=alpha, ratio=n_baseline / n_comparison, alternative=alternative)`` with
    ``h = statsmodels.stats.proportion.proportion_effectsize(p_comparison, p_baseline)``.

    Examples
    --------
    >>> from cxstats.analyses import power_for_difference
    >>> out = power_for_difference(0.10, [0.005, 0.01], n_comparison=1_000, n_baseline=3_000)
    >>> out["power"].round(2).tolist()
    [0.07, 0.15]
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    p0, diffs = _differences(p_baseline, difference)
    alpha = check_probability(alpha, param="alpha")
    alternative = check_alternative(alternative)
    _check_direction(diffs, alternative)
    sizes = {}
    for name, value in (("n_comparison", n_comparison), ("n_baseline", n_baseline)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
        sizes[name] = int(value)
    rows = []
    for d in diffs:
        h = proportion_effectsize(p0 + d, p0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # checked below
            pw = float(NormalIndPower().power(effect_size=h, nobs1=sizes["n_comparison"],
                                              alpha=alpha,
                                              ratio=sizes["n_baseline"] / sizes["n_comparison"],
                                              alternative=alternative))
        if not 0.0 <= pw <= 1.0:
            raise ValueError(f"the power for difference={d!r} could not be computed")
        rows.append({"p_baseline": p0, "p_comparison": p0 + d, "difference": d, "alpha": alpha,
                     **sizes, "power": pw})
    return pd.DataFrame(rows)
