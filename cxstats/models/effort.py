"""Customer effort: CES scoring, effort and loyalty, and repeat contacts by reason.

Two Customer Effort Score scales are supported, chosen by ``scale``:

* ``"agreement-7"`` (CES 2.0, 2013): agreement from 1 (strongly disagree) to 7 (strongly agree)
  with a statement such as "The company made it easy for me to handle my issue"; higher = easier.
  Default top box: 5-7 (any agreement).
* ``"effort-5"`` (the original 2010 CES): "How much effort did you personally have to put forth to
  handle your request?" from 1 (very low) to 5 (very high); higher = more effort. Default top box
  (low effort): 1-2.

The top box is a convention, not a published constant: pass ``top_box`` to change it; the output
records which scores were counted.

Examples
--------
>>> import pandas as pd
>>> from cxstats.models.effort import ces_summary
>>> df = pd.DataFrame({"ces": [7, 6, 5, 2, 7, 3], "channel": ["chat"] * 3 + ["phone"] * 3})
>>> t = ces_summary(df, score="ces", segment="channel")
>>> t[["segment", "n", "mean", "top_box_share"]]
  segment  n  mean  top_box_share
0     all  6   5.0       0.666667
1    chat  3   6.0       1.000000
2   phone  3   4.0       0.333333
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cxstats._checks import check_choice, check_confidence
from cxstats._intervals import wilson

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SCALES", "ces_summary", "effort_loyalty", "repeat_contact_reasons"]

#: Below this many answers a segment's row carries a small-sample note.
SMALL_SAMPLE = 30

#: Supported CES scales: (lowest, highest, default top box, direction).
SCALES: dict[str, tuple[int, int, tuple[int, ...], str]] = {
    "agreement-7": (1, 7, (5, 6, 7), "higher = easier (agreement that it was easy)"),
    "effort-5": (1, 5, (1, 2), "higher = more effort; top box = low effort"),
}


def _pandas(data: Any, name: str = "data") -> pd.DataFrame:
    """``data`` as pandas: lazy frames (DuckDB, Dask, PySpark) are collected through narwhals."""
    import narwhals as nw
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    try:
        frame = nw.from_native(data)
    except TypeError:
        frame = None
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    if not isinstance(frame, nw.DataFrame):
        raise TypeError(f"{name} must be a pandas or polars DataFrame, a DuckDB relation, a Dask "
                        f"or a PySpark DataFrame, not {type(data).__name__}")
    return frame.to_pandas()


def _column(df: pd.DataFrame, col: Any, param: str) -> None:
    if not isinstance(col, str):
        raise TypeError(f"{param} must be a column name (str), not {type(col).__name__}")
    if col not in df.columns:
        raise ValueError(f"{param}={col!r} is not a column; columns: {', '.join(map(str, df))}")



def ces_summary(
    data: Any,
    *,
    score: str = "ces",
    segment: str | None = None,
    scale: str = "agreement-7",
    top_box: Sequence[int] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean CES and top-box share, with intervals, overall and by segment.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, DuckDB relation, Dask or PySpark DataFrame
        One row per response.
    score : str
        Column of scores (integers on the scale; missing responses are dropped and counted).
    segment : str, optional
        Column to break the results down by (e.g. channel, reason, team).
    scale : {"agreement-7", "effort-5"}
        Which CES scale the scores are on (see the module notes).
    top_box : sequence of int, optional
        Scores counted as the top box; default 5-7 (agreement-7) or 1-2 (effort-5).
    confidence : float
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment, n, n_missing, mean, mean_ci_low, mean_ci_high, top_box_share,
        top_box_ci_low, top_box_ci_high, top_box, scale, confidence, note``; first row ``all``,
        then one row per segment, and a ``(segment missing)`` row for responses whose segment
        is missing (they count in ``all``).

    Raises
    ------
    ValueError
        Unknown scale, scores off the scale or not whole numbers, top-box scores off the
        scale, a missing column.

    Notes
    -----
    Mean: t interval, ``statsmodels.stats.weightstats.DescrStatsW(x).tconfint_mean``. The mean
    of a bounded scale cannot leave the scale, so the interval is clipped to it; ``note`` says
    when that happened, and flags segments with fewer than :data:`SMALL_SAMPLE` answers, where
    the t interval of a bounded, discrete score is only a rough guide.
    Top box: Wilson interval, ``statsmodels.stats.proportion.proportion_confint(
    method="wilson")``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = ces_summary(pd.DataFrame({"ces": [1, 2, 5]}), scale="effort-5")
    >>> print(t.loc[0, "top_box"], round(float(t.loc[0, "top_box_share"]), 4))
    1,2 0.6667
    """
    import numpy as np
    import pandas as pd
    from statsmodels.stats.weightstats import DescrStatsW

    df = _pandas(data)
    check_choice(scale, tuple(SCALES), param="scale")
    confidence = check_confidence(confidence)
    _column(df, score, "score")
    if segment is not None:
        _column(df, segment, "segment")
    lo_s, hi_s, default_box, _ = SCALES[scale]
    box = tuple(default_box if top_box is None else top_box)
    if not box or any(isinstance(b, bool) or not isinstance(b, int | np.integer)
                      or not lo_s <= b <= hi_s for b in box):
        raise ValueError(f"top_box must be whole scores between {lo_s} and {hi_s}; got {box}")
    values = pd.to_numeric(df[score], errors="coerce")
    bad = df[score][values.isna() & df[score].notna()]
    if len(bad):
        raise ValueError(f"score column {score!r} has non-numeric values: {bad.unique()[:3]}")
    observed = values.dropna()
    off = observed[(observed < lo_s) | (observed > hi_s) | (observed != observed.round())]
    if len(off):
        raise ValueError(f"scores must be whole numbers from {lo_s} to {hi_s} on scale {scale!r}"
                         f"; got {sorted(set(off.tolist()))[:5]}")
    groups = [("all", values)]
    if segment is not None:
        keys = df[segment]
        for key in pd.unique(keys.dropna()):
            groups.append((key, values[keys == key]))
        if keys.isna().any():  # shown, not silently folded into "all" only
            groups.append(("(segment missing)", values[keys.isna()]))
    rows = []
    for label, v in groups:
        x = v.dropna().to_numpy(float)
        n = int(x.size)
        row = {"segment": label, "n": n, "n_missing": int(v.isna().sum())}
        if n == 0:
            raise ValueError(f"segment {label!r} has no non-missing scores")
        if n < 2:
            raise ValueError(f"segment {label!r} has 1 score; a mean interval needs at least 2 "
                             "(merge small segments or leave segment=None)")
        mean = float(x.mean())
        if x.std() == 0:  # every answer the same: the t interval is 0/0
            mlo = mhi = mean
        else:
            mlo, mhi = (float(v) for v in DescrStatsW(x).tconfint_mean(alpha=1 - confidence))
        notes = []
        if mlo < lo_s or mhi > hi_s:
            notes.append(f"t interval [{mlo:.3g}, {mhi:.3g}] clipped to the scale {lo_s}-{hi_s}")
            mlo, mhi = max(mlo, lo_s), min(mhi, hi_s)
        if n < SMALL_SAMPLE:
            notes.append(f"small sample (n = {n} < {SMALL_SAMPLE}): the interval is a rough guide")
        k = int(np.isin(x, box).sum())
        blo, bhi = wilson(k, n, confidence)
        row.update(mean=mean, mean_ci_low=mlo, mean_ci_high=mhi,
                   top_box_share=k / n, top_box_ci_low=blo, top_box_ci_high=bhi,
                   top_box=",".join(str(b) for b in sorted(box)), scale=scale,
                   confidence=confidence, note="; ".join(notes) or None)
        rows.append(row)
    return pd.DataFrame(rows)


def effort_loyalty(
    data: Any,
    *,
    effort: str,
    outcome: str,
    covariates: Sequence[str] = (),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Logistic regression of a loyalty outcome (repurchase, churn: 0/1) on effort.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, DuckDB relation, Dask or PySpark DataFrame
        One row per customer.
    effort : str
        Numeric effort column (e.g. a CES score).
    outcome : str
        Binary outcome column (0/1 or bool), e.g. ``churned`` or ``repurchased``.
    covariates : sequence of str
        Further numeric columns to adjust for.
    confidence : float
        Level of the coefficient intervals.

    Returns
    -------
    pandas.DataFrame
        One row per term (``const``, effort, covariates): ``term, coef, std_err, z, p_value,
        ci_low, ci_high, odds_ratio, odds_ratio_ci_low, odds_ratio_ci_high, n``.

    Raises
    ------
    ValueError
        An outcome that is not binary, a missing column, fewer than 2 outcome classes,
        missing values, an outcome perfectly separated by the predictors (or a fit that does
        not converge), where the odds ratios would be meaningless.

    Notes
    -----
    ``statsmodels.api.Logit(y, statsmodels.api.add_constant(X)).fit(disp=0)``; intervals from
    ``result.conf_int(alpha)``, odds ratios are their exponentials.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"ces": [1, 2, 3, 4, 5, 6, 7, 2, 5, 6],
    ...                    "stayed": [0, 0, 1, 0, 1, 1, 1, 1, 0, 1]})
    >>> effort_loyalty(df, effort="ces", outcome="stayed")["term"].tolist()
    ['const', 'ces']
    """
    import warnings

    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    df = _pandas(data)
    check_confidence(confidence)
    if isinstance(covariates, str):
        raise TypeError("covariates must be a sequence of column names, not a single str")
    cols = [effort, *covariates]
    for c, p in [(effort, "effort"), (outcome, "outcome"), *((c, "covariates") for c in covariates)]:
        _column(df, c, p)
    sub = df[[*cols, outcome]]
    if sub.isna().any().any():
        raise ValueError("effort, outcome and covariates must have no missing values; drop them "
                         "first")
    y = sub[outcome]
    if y.dtype == bool:
        y = y.astype(int)
    if not set(pd.unique(y)) <= {0, 1}:
        raise ValueError(f"outcome {outcome!r} must be binary (0/1 or bool); got values "
                         f"{sorted(map(str, pd.unique(y)))[:5]}")
    if y.nunique() < 2:
        raise ValueError(f"outcome {outcome!r} has a single class: no relation to estimate")
    x = sub[cols].apply(pd.to_numeric, errors="raise").astype(float)
    if not np.isfinite(x.to_numpy()).all():
        raise ValueError("effort and covariates must be finite numbers (no inf)")
    model = sm.Logit(y.astype(float), sm.add_constant(x, has_constant="add"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            res = model.fit(disp=0)
        except (PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError) as err:
            raise ValueError(f"the logistic model of {outcome!r} could not be fitted (the outcome "
                             f"is perfectly separated by {', '.join(cols)}, or the fit did not "
                             f"converge): {err}") from None
    ci = res.conf_int(alpha=1 - confidence)
    if not (np.isfinite(res.params).all() and np.isfinite(res.bse).all()
            and np.isfinite(ci.to_numpy()).all()):
        raise ValueError(f"the logistic model of {outcome!r} could not be fitted (non-finite "
                         "estimates: the outcome is (nearly) separated or a column is constant)")
    out = pd.DataFrame({
        "term": list(res.params.index), "coef": res.params.to_numpy(),
        "std_err": res.bse.to_numpy(), "z": res.tvalues.to_numpy(),
        "p_value": res.pvalues.to_numpy(), "ci_low": ci.iloc[:, 0].to_numpy(),
        "ci_high": ci.iloc[:, 1].to_numpy()})
    with np.errstate(over="ignore"):
        out["odds_ratio"] = np.exp(out["coef"])
        out["odds_ratio_ci_low"] = np.exp(out["ci_low"])
        out["odds_ratio_ci_high"] = np.exp(out["ci_high"])
    if not np.isfinite(out[["odds_ratio", "odds_ratio_ci_low", "odds_ratio_ci_high"]]).all().all():
        raise ValueError(f"the logistic model of {outcome!r} gave odds ratios too large to report "
                         "(the outcome is (nearly) separated by the predictors)")
    out["n"] = int(res.nobs)
    return out


def repeat_contact_reasons(
    data: Any,
    *,
    reason: str,
    repeat: str | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of repeat contacts by reason, with intervals (and repeat rate per reason).

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, DuckDB relation, Dask or PySpark DataFrame
        One row per contact.
    reason : str
        Column with the contact reason.
    repeat : str, optional
        Boolean (or 0/1) column marking repeat contacts. Without it every row is taken to be a
        repeat contact.
    confidence : float
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        ``reason, repeat_contacts, share_of_repeats, share_ci_low, share_ci_high`` and, with
        ``repeat``, ``contacts, repeat_rate, repeat_rate_ci_low, repeat_rate_ci_high``;
        largest share first.

    Notes
    -----
    Wilson intervals, ``statsmodels.stats.proportion.proportion_confint(method="wilson")``, one
    reason at a time (not simultaneous).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"reason": ["billing", "billing", "login", "billing"],
    ...                    "repeat": [True, False, True, True]})
    >>> repeat_contact_reasons(df, reason="reason", repeat="repeat")[
    ...     ["reason", "repeat_contacts", "share_of_repeats", "repeat_rate"]]
        reason  repeat_contacts  share_of_repeats  repeat_rate
    0  billing                2          0.666667     0.666667
    1    login                1          0.333333     1.000000
    """
    import pandas as pd

    df = _pandas(data)
    confidence = check_confidence(confidence)
    _column(df, reason, "reason")
    if df[reason].isna().any():
        raise ValueError(f"reason column {reason!r} has missing values; label them first")
    if repeat is None:
        flags = pd.Series(True, index=df.index)
    else:
        _column(df, repeat, "repeat")
        flags = df[repeat]
        if flags.isna().any() or not set(pd.unique(flags)) <= {0, 1}:
            raise ValueError(f"repeat column {repeat!r} must be boolean or 0/1 with no missing "
                             "values")
        flags = flags.astype(bool)
    total = int(flags.sum())
    if total == 0:
        raise ValueError("there are no repeat contacts to break down")
    rows = []
    for key in pd.unique(df[reason]):
        in_reason = (df[reason] == key).to_numpy()
        k = int(flags[in_reason].sum())
        lo, hi = wilson(k, total, confidence)
        row = {"reason": key, "repeat_contacts": k, "share_of_repeats": k / total,
               "share_ci_low": lo, "share_ci_high": hi}
        if repeat is not None:
            n = int(in_reason.sum())
            rlo, rhi = wilson(k, n, confidence)
            row.update(contacts=n, repeat_rate=k / n, repeat_rate_ci_low=rlo,
                       repeat_rate_ci_high=rhi)
        rows.append(row)
    out = pd.DataFrame(rows)
    out = out.sort_values(["repeat_contacts", "reason"], ascending=[False, True],
                          kind="stable").reset_index(drop=True)
    out["confidence"] = float(confidence)
    return out
