"""Pooling one proportion across reports: random-effects meta-analysis with the wordings shown.

Reports often measure "the same" thing with different questions (an intention, "would stop doing
business", or a past behaviour, "stopped doing business"), bases and years. :func:`pool_proportions`
pools them with a random-effects model (DerSimonian-Laird or Paule-Mandel) and returns, next to the
pooled estimate, tau^2, I^2 and the Q test, one row per study with its question wording, because the
differences between wordings are part of the answer. A study whose base ``n`` is unknown is listed
and left out of the pool; it is never given an invented ``n``.

Examples
--------
>>> import pandas as pd
>>> from cxstats.models.pooling import pool_proportions
>>> studies = pd.DataFrame({
...     "study": ["A 2019", "B 2021", "C 2022", "D 2023"],
...     "count": [120, 260, 45, None], "n": [400, 1000, 100, None],
...     "proportion": [None, None, None, 0.61],
...     "question": ["Would you stop buying?", "Did you stop buying?", "Stopped?", "Would switch?"]})
>>> r = pool_proportions(studies)
>>> r.k, r.studies["included"].tolist()
(3, [True, True, True, False])
>>> r.studies.loc[3, "reason"]
'n unknown: listed, not pooled'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxstats._checks import check_confidence

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "SCALES", "MetaRegressionResult", "PoolingResult", "meta_regression", "pool_catalogue",
           "pool_proportions"]

#: Random-effects estimators: DerSimonian-Laird and Paule-Mandel.
METHODS = ("dl", "pm")
#: Scale on which studies are pooled.
SCALES = ("logit", "proportion")

STUDY_COLUMNS = ["study", "question", "base", "year", "producer", "proportion", "count", "n",
                 "n_basis", "included", "reason", "ci_low", "ci_high", "effect", "variance",
                 "weight_random"]


@dataclass(frozen=True)
class PoolingResult:
    """Result of :func:`pool_proportions`.

    Attributes
    ----------
    studies : pandas.DataFrame
        One row per study given (columns :data:`STUDY_COLUMNS`), included or not, with its
        question wording, Wilson interval, effect and variance on the pooling scale and its
        relative random-effects weight.
    summary : pandas.DataFrame
        Rows ``random`` and ``fixed``: ``model, estimate, ci_low, ci_high, confidence`` as
        proportions. Empty when fewer than two studies have a known ``n``.
    k : int
        Number of studies pooled.
    tau2, i2, q, q_df, q_pvalue : float or None
        Between-study variance (pooling scale), I^2 (share of variation beyond chance,
        truncated at 0), Cochran's Q, its degrees of freedom and p-value; None when not
        estimable.
    method, scale : str
    confidence : float
    note : str
        What was pooled, what was left out and why.
    """

    studies: pd.DataFrame
    summary: pd.DataFrame
    k: int
    tau2: float | None
    i2: float | None
    q: float | None
    q_df: int | None
    q_pvalue: float | None
    method: str
    scale: str
    confidence: float
    note: str


def _frame(studies: Any) -> pd.DataFrame:
    import pandas as pd

    if isinstance(studies, pd.DataFrame):
        return studies.copy()
    if isinstance(studies, Mapping):
        return pd.DataFrame(dict(studies))
    if isinstance(studies, Iterable) and not isinstance(studies, str | bytes):
        rows = list(studies)
        if not all(isinstance(r, Mapping) for r in rows):
            raise TypeError("studies must be a DataFrame, a mapping of columns or a list of "
                            "mappings (one per study)")
        return pd.DataFrame(rows)
    raise TypeError(f"studies must be a DataFrame, a mapping of columns or a list of mappings; "
                    f"got {type(studies).__name__}")


def _num(value: Any) -> float | None:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool | str):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def pool_proportions(
    studies: Any,
    *,
    method: str = "dl",
    scale: str = "logit",
    confidence: float = 0.95,
) -> PoolingResult:
    """Random-effects pooled proportion across studies, with the per-study wordings.

    Parameters
    ----------
    studies : pandas.DataFrame, mapping of columns or list of mappings
        One row per study. Required: ``study`` (label) and either ``count`` or ``proportion``
        (a share in [0, 1]); ``n`` (base size; missing = unknown). Optional: ``question``,
        ``base``, ``year``, ``producer``.
    method : {"dl", "pm"}
        DerSimonian-Laird or Paule-Mandel estimate of tau^2.
    scale : {"logit", "proportion"}
        Pool log-odds (variance ``1/k + 1/(n - k)``; 0.5 added to ``k`` and ``n - k`` when
        a study has 0% or 100%) or raw proportions (variance ``p (1 - p) / n``).
    confidence : float
        Level of all intervals.

    Returns
    -------
    PoolingResult

    Raises
    ------
    ValueError
        Proportions outside [0, 1], a count above n, n < 1, missing ``study`` column, neither
        ``count`` nor ``proportion`` given, unknown ``method`` or ``scale``.
    TypeError
        Non-numeric counts, proportions or sizes.

    Notes
    -----
    Pooling: ``statsmodels.stats.meta_analysis.combine_effects(effect, variance,
    method_re="chi2")`` (DerSimonian-Laird) or ``method_re="iterated"`` (Paule-Mandel); Q test:
    ``result.test_homogeneity()``. I^2 is statsmodels' ``(Q - df) / Q`` truncated at 0 (and 0
    when Q = 0, where the ratio is undefined).
    statsmodels returns the DerSimonian-Laird moment estimate ``(Q - df) / c`` without
    truncation; when it is negative, tau^2 is set to 0 (the DerSimonian-Laird estimator) and
    the random-effects estimate, interval and weights are then the fixed-effect ones.
    Per-study intervals: ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    A study without ``n`` is kept in ``studies`` with ``included=False``; ``count`` without
    ``n`` is also not pooled. When ``count`` is missing it is taken as ``proportion * n``.

    Examples
    --------
    >>> r = pool_proportions([{"study": "a", "count": 30, "n": 100},
    ...                       {"study": "b", "count": 50, "n": 100}], scale="proportion")
    >>> print(f'{r.summary.set_index("model").loc["fixed", "estimate"]:.4f}')
    0.3913
    """
    import numpy as np
    import pandas as pd
    from statsmodels.stats.meta_analysis import combine_effects

    from cxstats._intervals import wilson

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}")
    check_confidence(confidence)
    df = _frame(studies)
    if "study" not in df.columns:
        raise ValueError("studies needs a 'study' column (a label per study)")
    if "count" not in df.columns and "proportion" not in df.columns:
        raise ValueError("studies needs a 'count' or a 'proportion' column")
    rows = []
    for i, r in enumerate(df.to_dict("records")):
        label = r.get("study")
        n, count, prop = _num(r.get("n")), _num(r.get("count")), _num(r.get("proportion"))
        if prop is not None and not 0 <= prop <= 1:
            raise ValueError(f"proportion of study {label!r} must lie in [0, 1]; got {prop}")
        if n is not None:
            if n < 1 or n != int(n):
                raise ValueError(f"n of study {label!r} must be a whole number >= 1; got {n}")
            if count is not None and not 0 <= count <= n:
                raise ValueError(f"count of study {label!r} must be between 0 and n ({n:g}); "
                                 f"got {count}")
        elif count is not None and count < 0:
            raise ValueError(f"count of study {label!r} must be >= 0; got {count}")
        if count is None and prop is None:
            raise ValueError(f"study {label!r} (row {i}) has neither count nor proportion")
        if count is not None and prop is not None and n is not None \
                and abs(count / n - prop) > 0.5 / n + 1e-9:
            raise ValueError(f"count and proportion of study {label!r} disagree: count/n = "
                             f"{count:g}/{n:g} = {count / n:.4f} but proportion = {prop:.4f}")
        if prop is None and n is not None:
            prop = count / n
        if count is None and n is not None:
            count = prop * n
        row = {"study": label, "question": r.get("question"), "base": r.get("base"),
               "year": r.get("year"), "producer": r.get("producer"), "proportion": prop,
               "count": count, "n": n, "n_basis": r.get("n_basis")}
        if n is None:
            row.update(included=False, reason="n unknown: listed, not pooled")
        else:
            lo, hi = wilson(round(count), int(n), confidence)
            if scale == "logit":
                k, m = count, n - count
                if k == 0 or m == 0:
                    k, m = k + 0.5, m + 0.5
                effect, variance = math.log(k / m), 1 / k + 1 / m
            else:
                p = count / n
                if p in (0.0, 1.0):
                    raise ValueError(f"study {label!r} has proportion {p:g}: its variance "
                                     "p(1-p)/n is 0 on the proportion scale; use scale='logit'")
                effect, variance = p, p * (1 - p) / n
            row.update(included=True, reason=None, ci_low=float(lo), ci_high=float(hi),
                       effect=effect, variance=variance)
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=STUDY_COLUMNS)
    table["included"] = table["included"].astype(bool)
    inc = table.index[table["included"]]
    k = len(inc)
    excluded = table.loc[~table["included"], "study"].tolist()
    left_out = f"; left out (n unknown): {', '.join(map(str, excluded))}" if excluded else ""
    empty = pd.DataFrame(columns=["model", "estimate", "ci_low", "ci_high", "confidence"])
    if k < 2:
        note = (f"not pooled: {k} study with a known n (at least 2 needed){left_out}")
        return PoolingResult(studies=table, summary=empty, k=k, tau2=None, i2=None, q=None,
                             q_df=None, q_pvalue=None, method=method, scale=scale,
                             confidence=float(confidence), note=note)
    eff = table.loc[inc, "effect"].to_numpy(float)
    var = table.loc[inc, "variance"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):  # negative DL tau^2, Q = 0: see Notes
        res = combine_effects(eff, var, method_re="chi2" if method == "dl" else "iterated",
                              row_names=[str(s) for s in table.loc[inc, "study"]],
                              alpha=1 - confidence)
        frame = res.summary_frame()
    tau2 = float(res.tau2)
    random_label, weights = "random effect", res.weights_rel_re
    if tau2 < 0:  # statsmodels' DL moment estimate is not truncated at 0; the DL estimator is
        tau2, random_label, weights = 0.0, "fixed effect", res.weights_rel_fe
    table.loc[inc, "weight_random"] = np.asarray(weights, float)

    def back(x: float) -> float:
        return float(1 / (1 + math.exp(-x))) if scale == "logit" else float(x)

    summary = pd.DataFrame([
        {"model": model, "estimate": back(frame.loc[label, "eff"]),
         "ci_low": back(frame.loc[label, "ci_low"]), "ci_high": back(frame.loc[label, "ci_upp"]),
         "confidence": float(confidence)}
        for model, label in (("random", random_label), ("fixed", "fixed effect"))])
    clipped = ""
    if scale == "proportion" and ((summary["ci_low"] < 0).any() or (summary["ci_high"] > 1).any()):
        summary[["ci_low", "ci_high"]] = summary[["ci_low", "ci_high"]].clip(0.0, 1.0)
        clipped = "; the Wald interval on the proportion scale left [0, 1] and was clipped (use logit)"
    homog = res.test_homogeneity()
    q = float(res.q)
    i2 = max(0.0, float(res.i2)) if q > 0 else 0.0  # (Q - df) / Q is undefined at Q = 0
    name = "DerSimonian-Laird" if method == "dl" else "Paule-Mandel"
    note = f"random-effects ({name}) pool of {k} studies on the {scale} scale{left_out}{clipped}"
    return PoolingResult(studies=table, summary=summary, k=k, tau2=tau2,
                         i2=i2, q=q, q_df=int(homog.df),
                         q_pvalue=float(homog.pvalue), method=method, scale=scale,
                         confidence=float(confidence), note=note)


def pool_catalogue(
    statistic_ids: Sequence[str],
    *,
    method: str = "dl",
    scale: str = "logit",
    confidence: float = 0.95,
    root: Path | str | None = None,
) -> PoolingResult:
    """Pool catalogue proportions that measure the same quantity, showing their wordings.

    Each study row carries the statistic's id, question wording (or ``"not published"``),
    base, year (data year, else publication year), producer and ``n_basis``. The base is the
    one the catalogue's interval uses (:attr:`Statistic.ci_n`): ``n`` stated for the figure,
    or the report's sample size when the figure is a share of all respondents
    (``n_basis="whole-sample"``; the count is then ``round(value * n)``). Statistics without a
    known base are listed and left out of the pool.

    Parameters
    ----------
    statistic_ids : sequence of str
        Catalogue ids of proportions.
    method, scale, confidence
        As in :func:`pool_proportions`.
    root : path, optional
        Catalogue folder; default the packaged catalogue.

    Raises
    ------
    KeyError
        An unknown id.
    ValueError
        A statistic that is not a proportion, or fewer than one id.

    Notes
    -----
    Pooling as in :func:`pool_proportions` (``statsmodels.stats.meta_analysis.combine_effects``).

    Examples
    --------
    >>> r = pool_catalogue(["rightnow-2007-never-go-back",
    ...                     "rightnow-2008-stopped-after-negative-experience",
    ...                     "zendesk-2022-switch-after-one-bad-experience"])
    >>> r.k, r.studies["n"].tolist()[:2]
    (2, [2049.0, 2112.0])
    >>> r.studies.loc[2, "reason"]
    'n unknown: listed, not pooled'
    """
    from cxstats import catalogue

    if isinstance(statistic_ids, str) or not isinstance(statistic_ids, Sequence):
        raise TypeError("statistic_ids must be a sequence of catalogue ids (not a single str)")
    if len(statistic_ids) < 1:
        raise ValueError("statistic_ids must hold at least one id")
    rows = []
    for sid in statistic_ids:
        s = catalogue.get(sid, root=root)
        if s.kind != "proportion":
            raise ValueError(f"{sid} is a {s.kind}, not a proportion: it cannot be pooled")
        rows.append({"study": s.id, "question": s.question or "not published", "base": s.base,
                     "year": s.origin.data_year or s.origin.published_year,
                     "producer": s.origin.producer, "proportion": s.value / 100,
                     "count": s.ci_count, "n": s.ci_n, "n_basis": s.n_basis})
    return pool_proportions(rows, method=method, scale=scale, confidence=confidence)


COEFFICIENT_COLUMNS = ["term", "estimate", "std_err", "ci_low", "ci_high", "p_value"]


@dataclass(frozen=True)
class MetaRegressionResult:
    """Result of :func:`meta_regression`.

    Attributes
    ----------
    coefficients : pandas.DataFrame
        One row per term (columns :data:`COEFFICIENT_COLUMNS`), on the pooling scale (log-odds
        for ``scale="logit"``): ``const`` is the reference level, a categorical moderator
        ``m`` gets one row ``m[level]`` per other level, a numeric moderator one slope row.
    k : int
        Studies in the regression (those with a known ``n``).
    tau2_total, tau2_residual : float
        Between-study variance without moderators (the pool's tau^2) and left after them.
    r2 : float or None
        Share of the between-study variance the moderators explain,
        ``max(0, 1 - tau2_residual / tau2_total)``; None when ``tau2_total`` is 0.
    q_residual, q_residual_df, q_residual_pvalue : float, int, float
        Test of the heterogeneity the moderators leave (Q_E).
    scale : str
    confidence : float
    note : str
    """

    coefficients: pd.DataFrame
    k: int
    tau2_total: float
    tau2_residual: float
    r2: float | None
    q_residual: float
    q_residual_df: int
    q_residual_pvalue: float
    scale: str
    confidence: float
    note: str


def meta_regression(
    studies: Any,
    *,
    moderators: Sequence[str],
    scale: str = "logit",
    confidence: float = 0.95,
) -> MetaRegressionResult:
    """Random-effects meta-regression of proportions on study moderators (wording, year).

    Asks how much of the disagreement between reports a moderator explains, e.g. whether the
    question asked about an intention ("would stop") or a past behaviour ("stopped").

    Parameters
    ----------
    studies : pandas.DataFrame, mapping of columns or list of mappings
        As in :func:`pool_proportions`, plus one column per moderator. Studies without a known
        ``n`` are left out, as in the pool.
    moderators : sequence of str
        Column names. A column of text is categorical (its first level in sorted order is the
        reference); a numeric column enters as a slope.
    scale : {"logit", "proportion"}
        As in :func:`pool_proportions`.
    confidence : float
        Level of the coefficient intervals.

    Returns
    -------
    MetaRegressionResult

    Raises
    ------
    ValueError
        No moderator, a moderator column missing, with missing values or with one level among
        the pooled studies, or too few studies for the terms (at least one more study than terms).
    TypeError
        ``moderators`` given as a single string.

    Notes
    -----
    The mixed-effects meta-regression of Raudenbush (2009, *The Handbook of Research
    Synthesis and Meta-Analysis*, ch. 16) with the method-of-moments (DerSimonian-Laird)
    residual tau^2, as metafor's ``rma(..., method="DL")``: with ``W = diag(1/v)``, the
    fixed-effect fit ``statsmodels.regression.linear_model.WLS(y, X, weights=1/v).fit()``
    gives ``Q_E`` (its weighted residual sum of squares), ``tau2 = max(0, (Q_E - (k - p)) /
    tr(P))`` with ``P = W - W X (X'WX)^-1 X'W``; the coefficients are then
    ``WLS(y, X, weights=1/(v + tau2)).fit(cov_type="fixed scale")`` (standard errors not
    rescaled by the residual variance, as a meta-regression needs). The ``Q_E`` p-value is
    ``scipy.stats.chi2.sf(Q_E, k - p)``. Effects and variances come from
    :func:`pool_proportions`; ``tau2_total`` is its DerSimonian-Laird tau^2.

    Examples
    --------
    >>> studies = [
    ...     {"study": "a", "count": 300, "n": 400, "wording": "intention"},
    ...     {"study": "b", "count": 540, "n": 700, "wording": "intention"},
    ...     {"study": "c", "count": 160, "n": 400, "wording": "behaviour"},
    ...     {"study": "d", "count": 300, "n": 600, "wording": "behaviour"}]
    >>> r = meta_regression(studies, moderators=["wording"])
    >>> r.coefficients["term"].tolist()
    ['const', 'wording[intention]']
    >>> round(r.r2, 2)
    1.0
    """
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm
    from scipy.stats import chi2

    if isinstance(moderators, str):
        raise TypeError("moderators must be a sequence of column names, not a single str")
    moderators = list(moderators)
    if not moderators:
        raise ValueError("moderators must name at least one column")
    check_confidence(confidence)
    df = _frame(studies)
    for m in moderators:
        if m not in df.columns:
            raise ValueError(f"moderator {m!r} is not a column of studies; columns: "
                             f"{', '.join(map(str, df.columns))}")
    pooled = pool_proportions(df, method="dl", scale=scale, confidence=confidence)
    inc = pooled.studies["included"].to_numpy(bool)
    mods = df.reset_index(drop=True).loc[inc, moderators]
    if mods.isna().any().any():
        raise ValueError("a moderator has missing values among the pooled studies: "
                         + ", ".join(m for m in moderators if mods[m].isna().any()))
    columns = {"const": np.ones(len(mods))}
    for m in moderators:
        col = mods[m]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            columns[m] = col.to_numpy(float)
        else:
            levels = sorted(col.astype(str).unique())
            if len(levels) < 2:
                raise ValueError(f"moderator {m!r} has one level ({levels[0]!r}) among the pooled "
                                 "studies: it cannot explain anything")
            for level in levels[1:]:
                columns[f"{m}[{level}]"] = (col.astype(str) == level).to_numpy(float)
    x = pd.DataFrame(columns)
    k, p = x.shape
    if k <= p:
        raise ValueError(f"meta-regression needs more studies with a known n ({k}) than terms "
                         f"({p}: {', '.join(x.columns)})")
    y = pooled.studies.loc[inc, "effect"].to_numpy(float)
    v = pooled.studies.loc[inc, "variance"].to_numpy(float)
    xm = x.to_numpy(float)
    w = 1 / v
    fixed = sm.WLS(y, xm, weights=w).fit()
    q_e = float(np.sum(w * fixed.resid ** 2))
    xtwx_inv = np.linalg.pinv(xm.T @ (w[:, None] * xm))
    trace_p = float(w.sum() - np.trace(xtwx_inv @ (xm.T @ ((w ** 2)[:, None] * xm))))
    tau2 = max(0.0, (q_e - (k - p)) / trace_p) if trace_p > 0 else 0.0
    fit = sm.WLS(y, xm, weights=1 / (v + tau2)).fit(cov_type="fixed scale")
    ci = np.asarray(fit.conf_int(alpha=1 - confidence))
    coefficients = pd.DataFrame({
        "term": list(x.columns), "estimate": np.asarray(fit.params, float),
        "std_err": np.asarray(fit.bse, float), "ci_low": ci[:, 0], "ci_high": ci[:, 1],
        "p_value": np.asarray(fit.pvalues, float)})
    tau2_total = float(pooled.tau2 or 0.0)
    r2 = None if tau2_total <= 0 else max(0.0, 1 - tau2 / tau2_total)
    note = (f"mixed-effects meta-regression of {k} studies on {', '.join(moderators)} "
            f"({scale} scale, DerSimonian-Laird residual tau^2)")
    return MetaRegressionResult(
        coefficients=coefficients, k=k, tau2_total=tau2_total, tau2_residual=float(tau2),
        r2=r2, q_residual=q_e, q_residual_df=k - p, q_residual_pvalue=float(chi2.sf(q_e, k - p)),
        scale=scale, confidence=float(confidence), note=note)
