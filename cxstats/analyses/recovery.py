"""Recovery: does a complaint resolved with relief get disputed less often?

Built for complaint data shaped like the CFPB Consumer Complaint Database (one row per complaint
with the company's response and whether the consumer disputed it), but any table with a response
category and a yes/no dispute (or re-contact, or escalation) column fits. ``1 - dispute rate`` is
reported as the forgiveness rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from cxstats._checks import check_alternative, check_confidence, check_label, check_labels
from cxstats._results import Displayed
from cxstats.analyses import _frames, _stats

__all__ = ["CFPB_NO_RELIEF", "CFPB_RELIEF", "RecoveryResult", "dispute_by_response"]

#: CFPB "Company response to consumer" values that give the consumer relief.
CFPB_RELIEF = ("Closed with monetary relief", "Closed with non-monetary relief")
#: CFPB responses that close the complaint without relief.
CFPB_NO_RELIEF = ("Closed with explanation", "Closed")

CONTRAST_COLUMNS = ["n_relief", "disputed_relief", "dispute_rate_relief", "n_no_relief",
                    "disputed_no_relief", "dispute_rate_no_relief", *_stats.CONTRAST_COLS,
                    "forgiveness_relief", "forgiveness_relief_low", "forgiveness_relief_high",
                    "forgiveness_no_relief", "forgiveness_no_relief_low",
                    "forgiveness_no_relief_high"]

@dataclass(frozen=True, eq=False, repr=False)
class RecoveryResult(Displayed):
    """What :func:`dispute_by_response` returns.

    Attributes
    ----------
    by_response : pandas.DataFrame
        One row per response value with a usable dispute outcome: ``response, relief`` (one of
        ``"relief"``, ``"no_relief"``, ``"other"``), ``n, disputed, dispute_rate,
        dispute_rate_low, dispute_rate_high``.
    contrast : pandas.DataFrame
        One row, relief against no relief: ``n_relief, disputed_relief, dispute_rate_relief,
        n_no_relief, disputed_no_relief, dispute_rate_no_relief, difference, difference_low,
        difference_high, risk_ratio, risk_ratio_low, risk_ratio_high, p_value, test, note,
        forgiveness_relief, forgiveness_relief_low, forgiveness_relief_high,
        forgiveness_no_relief, forgiveness_no_relief_low, forgiveness_no_relief_high``.
        Difference and ratio are relief minus / over no relief; ``test`` names the test behind
        ``p_value`` and ``note`` says why a figure is missing (the ratio, when no no-relief
        complaint was disputed).
    confidence, alternative : float, str
        As passed.
    n_complaints, n_excluded : int
        Complaints in the input; complaints left out because the response or the dispute value is
        missing. Without ``weight`` these are rows; with it, summed weights.
    """

    _chart: ClassVar[str] = "recovery_chart"

    by_response: pd.DataFrame
    contrast: pd.DataFrame
    confidence: float
    alternative: str
    n_complaints: int
    n_excluded: int


def dispute_by_response(
    complaints: Any,
    *,
    response: str = "Company response to consumer",
    disputed: str = "Consumer disputed?",
    relief: Sequence[str] = CFPB_RELIEF,
    no_relief: Sequence[str] = CFPB_NO_RELIEF,
    positive: str = "yes",
    negative: str = "no",
    confidence: float = 0.95,
    alternative: str = "two-sided",
    weight: str | None = None,
) -> RecoveryResult:
    """Dispute rate by company response, and relief against no relief.

    Parameters
    ----------
    complaints : DataFrame (pandas, polars, Dask or PySpark), polars.LazyFrame or DuckDB relation
        One row per complaint, or an already-counted table with a ``weight`` column. Counting runs
        in this object's own engine; it is not modified.
    response : str, default "Company response to consumer"
        Column with the company's response (string or categorical).
    disputed : str, default "Consumer disputed?"
        Column saying whether the consumer disputed the response: labels ``positive``/``negative``,
        booleans (True = disputed) or 0/1.
    relief, no_relief : sequence of str
        Response values pooled as "relief" and as "no relief" (defaults: the CFPB's values). They
        must not overlap; other responses (e.g. "Untimely response") appear in ``by_response``
        only.
    positive, negative : str, default "yes", "no"
        Labels of a string ``disputed`` column, in any case and with stray spaces ("Yes", " no");
        yes/true/1 and no/false/0 read alike. Any other value is an error listing the values
        found.
    confidence : float, default 0.95
        Confidence level of every interval, strictly between 0 and 1.
    alternative : {"two-sided", "larger", "smaller"}, default "two-sided"
        Alternative hypothesis for the dispute-rate difference relief minus no relief ("smaller":
        relief is disputed less).
    weight : str, optional
        Column holding how many complaints each row stands for (a frequency weight, like
        statsmodels' ``freq_weights``): non-negative whole numbers, no missing values, and not the
        ``response`` or ``disputed`` column. The result is the same as for the table with each
        row repeated ``weight`` times; rows with weight 0 are ignored. ``n_complaints`` and
        ``n_excluded`` then count complaints (summed weights), not rows. ``None`` (the default):
        every row is one complaint.

    Returns
    -------
    RecoveryResult
        Tidy DataFrames ``.by_response`` and ``.contrast``.

    Raises
    ------
    TypeError
        Unsupported dataframe, unusable dtype (``weight`` included), or an option of the wrong
        type.
    ValueError
        Missing column, empty input, labels outside the allowed set, all-missing outcome, a
        ``weight`` column with missing, negative or fractional values or that is a key column,
        overlapping ``relief``/``no_relief``, no usable complaint in the relief or no-relief group
        (n = 0), or an option out of range.

    Notes
    -----
    Rows with a missing response or dispute value are left out (``n_excluded``); in the CFPB data
    the dispute field is blank for some complaints and was dropped in 2017.

    * rate intervals: ``statsmodels.stats.proportion.proportion_confint(method="wilson")``;
    * difference: ``statsmodels.stats.proportion.confint_proportions_2indep(compare="diff",
      method="newcomb")``; risk ratio: the MOVER-Wilson interval (Zou & Donner 2008; see
      :func:`cxstats._intervals.ratio_mover_wilson`), which keeps its coverage when a group is at
      0% or 100%; NaN with a ``note`` when no no-relief complaint was disputed;
    * ``p_value``: ``statsmodels.stats.proportion.test_proportions_2indep(compare="diff",
      method="score", alternative=alternative)``, or Fisher's exact test
      (``scipy.stats.fisher_exact``) when an expected cell count is below 5; ``test`` says which.

    Relief is not assigned at random: companies grant it to some complaints and not others, so
    the contrast is an association, not the effect of granting relief.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxstats.analyses import dispute_by_response
    >>> c = pd.DataFrame({
    ...     "Company response to consumer": ["Closed with monetary relief"] * 20
    ...         + ["Closed with explanation"] * 40,
    ...     "Consumer disputed?": ["Yes"] * 2 + ["No"] * 18 + ["Yes"] * 10 + ["No"] * 30})
    >>> res = dispute_by_response(c)
    >>> res.by_response[["response", "relief", "n", "disputed", "dispute_rate"]]
                          response     relief   n  disputed  dispute_rate
    0      Closed with explanation  no_relief  40        10          0.25
    1  Closed with monetary relief     relief  20         2          0.10
    >>> round(float(res.contrast.loc[0, "difference"]), 2)
    -0.15
    >>> float(res.contrast.loc[0, "forgiveness_relief"])
    0.9

    The same complaints already counted (one row per response and dispute value, with the number
    of complaints as ``weight``) give the same result:

    >>> counted = c.value_counts().rename("complaints").reset_index()
    >>> weighted = dispute_by_response(counted, weight="complaints")
    >>> weighted.by_response.equals(res.by_response), weighted.contrast.equals(res.contrast)
    (True, True)
    """
    frame = _frames.to_narwhals(complaints, param="complaints")
    confidence = check_confidence(confidence)
    alternative = check_alternative(alternative)
    positive = check_label(positive, param="positive")
    negative = check_label(negative, param="negative")
    relief_t = check_labels(relief, param="relief")
    no_relief_t = check_labels(no_relief, param="no_relief")
    overlap = sorted(set(relief_t) & set(no_relief_t))
    if overlap:
        raise ValueError(f"relief and no_relief must not share values; both contain {overlap!r}")
    schema = _frames.schema_of(frame)
    r_dtype = _frames.check_column(schema, response, param="response", table="complaints")
    if not _frames.is_label(r_dtype):
        raise TypeError(f"response={response!r} must hold labels (string or categorical); its "
                        f"dtype is {r_dtype}")
    if disputed == response:
        raise ValueError(f"response and disputed must be different columns; both are {disputed!r}")
    out = _frames.binary(schema, disputed, param="disputed", table="complaints",
                         event_label=positive, other_label=negative,
                         label_params=("positive", "negative"), threshold=None,
                         threshold_param=None, event_below=False, bool_event=True)
    weight = _frames.check_weight(frame, schema, weight, table="complaints", unit="complaints",
                                  keys={response: "response", disputed: "disputed"})
    table, n_complaints, n_usable = _frames.tally(
        frame, keys=[response], outcome=out, outcome_param="disputed", weight=weight,
        table_name="complaints", key_missing=lambda t: t[response].isna(),
        nothing=f"no complaint has both a response and a dispute value (disputed={disputed!r} "
                "is missing wherever response is present)")
    table = table.loc[table[response].notna()].assign(response=lambda t: t[response].astype(str))
    table = (table.groupby("response", sort=True)[[_frames.USABLE, _frames.EVENT]].sum()
             .reset_index().rename(columns={_frames.USABLE: "n", _frames.EVENT: "disputed"}))
    table = table.loc[table["n"] > 0].reset_index(drop=True)
    kind = {**{v: "relief" for v in relief_t}, **{v: "no_relief" for v in no_relief_t}}
    by_response = pd.DataFrame({
        "response": table["response"].to_numpy(dtype=object),
        "relief": [kind.get(r, "other") for r in table["response"]],
        "n": table["n"].astype("int64").to_numpy(),
        "disputed": table["disputed"].astype("int64").to_numpy(),
        **_stats.rates(table["disputed"], table["n"], confidence, prefix="dispute_rate"),
    })

    sizes = {}
    for name, values in (("relief", relief_t), ("no_relief", no_relief_t)):
        part = by_response.loc[by_response["response"].isin(values)]
        sizes[name] = (int(part["n"].sum()), int(part["disputed"].sum()))
        if sizes[name][0] == 0:
            raise ValueError(f"no complaint with a dispute value has a {name} response "
                             f"{name}={values!r} (n = 0); check {name}= against the values of "
                             f"response={response!r}")
    (n1, d1), (n2, d2) = sizes["relief"], sizes["no_relief"]
    c = _stats.contrast(d1, n1, d2, n2, confidence=confidence, alternative=alternative,
                        baseline="the no-relief group")
    forgiven = _stats.rates([n1 - d1, n2 - d2], [n1, n2], confidence, prefix="f")
    contrast = _stats.contrast_frame([{
        "n_relief": n1, "disputed_relief": d1, "dispute_rate_relief": d1 / n1,
        "n_no_relief": n2, "disputed_no_relief": d2, "dispute_rate_no_relief": d2 / n2,
        **c.row(),
        "forgiveness_relief": 1 - d1 / n1, "forgiveness_relief_low": float(forgiven["f_low"][0]),
        "forgiveness_relief_high": float(forgiven["f_high"][0]),
        "forgiveness_no_relief": 1 - d2 / n2,
        "forgiveness_no_relief_low": float(forgiven["f_low"][1]),
        "forgiveness_no_relief_high": float(forgiven["f_high"][1]),
    }], CONTRAST_COLUMNS)
    return RecoveryResult(by_response, contrast, confidence, alternative, n_complaints,
                          n_complaints - n_usable)
