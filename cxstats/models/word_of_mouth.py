"""Word of mouth: how many more people hear about a bad experience than a good one.

Two quantities, from your own survey (people told, one count per respondent) or from the
catalogue: the **reach ratio** (mean people told after a bad experience / after a good one) and
the **share telling 10 or more** people. Catalogue figures often come from different bases (one
share among everyone with a bad interaction, the other among people who spread word of mouth):
the output says so in its ``note`` column.

Examples
--------
>>> from cxstats.models.word_of_mouth import word_of_mouth
>>> t = word_of_mouth(negative=[0, 2, 10, 12, 20, 4], positive=[1, 2, 3, 0, 4, 2],
...                   n_resamples=999)
>>> float(t.set_index("quantity").loc["reach_ratio", "estimate"])  # (48 / 6) / (12 / 6)
4.0
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxstats._checks import check_choice, check_confidence
from cxstats._intervals import wilson

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["COLUMNS", "catalogue_word_of_mouth", "share_telling", "word_of_mouth"]

#: Below this many respondents a mean's row carries a small-sample note.
SMALL_SAMPLE = 30

#: Columns of every table returned here.
COLUMNS = ["quantity", "estimate", "ci_low", "ci_high", "confidence", "method", "n", "source",
           "catalogue_ids", "base", "note"]


def _counts(name: str, values: Any) -> np.ndarray:
    import numpy as np

    if isinstance(values, str | bytes) or values is None:
        raise TypeError(f"{name} must be a sequence of people-told counts, one per respondent")
    arr = np.asarray(values)
    if arr.dtype == object or (arr.ndim == 1 and any(isinstance(v, bool | np.bool_) for v in values)):
        raise TypeError(f"{name} must hold numbers (people told), not booleans or mixed values")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one count per respondent)")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers (people told), not {arr.dtype}")
    arr = arr.astype(float)
    if np.isnan(arr).any():
        raise ValueError(f"{name} has missing values; drop them first")
    with np.errstate(over="ignore"):
        finite = np.isfinite(arr).all() and np.isfinite(np.sum(arr ** 2))
    if not finite:
        raise ValueError(f"{name} must hold finite counts of people told; got values too large to "
                         f"average (largest {arr.max()!r})")
    if (arr < 0).any():
        raise ValueError(f"{name} must be >= 0 (people told); got {arr[arr < 0][:3].tolist()}")
    if arr.size < 2:
        raise ValueError(f"{name} needs at least 2 respondents; got {arr.size}")
    return arr



def share_telling(counts: Sequence[float], *, threshold: float = 10,
                  confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Share of respondents who told ``threshold`` or more people, with a Wilson interval.

    Returns ``(share, ci_low, ci_high, n)``.

    Notes
    -----
    ``statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")``.

    Examples
    --------
    >>> share_telling([0, 10, 12, 3], threshold=10)[0]
    0.5
    """
    arr = _counts("counts", counts)
    confidence = check_confidence(confidence)
    if (isinstance(threshold, bool) or not isinstance(threshold, int | float)
            or not math.isfinite(threshold) or threshold < 0):
        raise ValueError(f"threshold must be a finite number >= 0; got {threshold!r}")
    k, n = int((arr >= threshold).sum()), int(arr.size)
    lo, hi = wilson(k, n, confidence)
    return k / n, lo, hi, n


def word_of_mouth(
    negative: Sequence[float],
    positive: Sequence[float],
    *,
    threshold: float = 10,
    confidence: float = 0.95,
    n_resamples: int = 9999,
    method: str = "BCa",
    seed: int | None = 0,
) -> pd.DataFrame:
    """Reach ratio and share telling ``threshold``+ people from your own survey responses.

    Parameters
    ----------
    negative, positive : sequence of numbers
        People told, one count per respondent, after a bad and after a good experience.
    threshold : float
        "Told ``threshold`` or more" (default 10).
    confidence : float
        Level of the intervals.
    n_resamples : int
        Bootstrap resamples for the reach ratio.
    method : {"BCa", "percentile", "basic"}
        Bootstrap interval method.
    seed : int or None
        Seed of the ``numpy.random.default_rng`` generator used by the bootstrap.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`; rows ``reach_ratio``, ``mean_told_negative``,
        ``mean_told_positive``, ``share_told_10_plus_negative``, ``share_told_10_plus_positive``
        (the number is the threshold).

    Notes
    -----
    Reach ratio interval: ``scipy.stats.bootstrap((negative, positive), ratio of means,
    paired=False)`` (no closed form). Means: t interval,
    ``statsmodels.stats.weightstats.DescrStatsW(x).tconfint_mean``. Shares: Wilson,
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``. Nobody tells fewer
    than 0 people, so an interval reaching below 0 is clipped there and its ``note`` says so;
    means from fewer than :data:`SMALL_SAMPLE` respondents carry a small-sample note.

    Examples
    --------
    >>> t = word_of_mouth([5, 10, 15], [2, 4, 6], n_resamples=999, method="percentile")
    >>> t["quantity"].tolist()[:3]
    ['reach_ratio', 'mean_told_negative', 'mean_told_positive']
    """
    import numpy as np
    import pandas as pd
    from scipy.stats import DegenerateDataWarning, bootstrap
    from statsmodels.stats.weightstats import DescrStatsW

    neg, pos = _counts("negative", negative), _counts("positive", positive)
    confidence = check_confidence(confidence)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 1:
        raise ValueError(f"n_resamples must be an int >= 1; got {n_resamples!r}")
    check_choice(method, ("BCa", "percentile", "basic"), param="method")
    if pos.mean() == 0:
        raise ValueError("positive: everyone told 0 people, so the reach ratio is undefined")

    def ratio(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return np.mean(x, axis=axis) / np.mean(y, axis=axis)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # checked just below
        boot = bootstrap((neg, pos), ratio, paired=False, vectorized=True,
                         confidence_level=confidence, n_resamples=n_resamples, method=method,
                         rng=np.random.default_rng(seed))
    ci = boot.confidence_interval
    if not (np.isfinite(ci.low) and np.isfinite(ci.high)):
        raise ValueError(
            f"the {method} bootstrap interval of the reach ratio could not be computed (got "
            f"[{ci.low}, {ci.high}]): the resampled ratios are degenerate (all responses equal) "
            "or undefined (resamples of positive where everyone told 0 people). Collect more "
            "responses, or try method='percentile'")
    n_label = f"{neg.size} negative, {pos.size} positive"
    estimate = float(neg.mean() / pos.mean())
    r_low, r_high = float(ci.low), float(ci.high)
    notes = ["mean people told after a bad / after a good experience"]
    if r_low < 0:  # the "basic" interval can cross 0; a ratio of counts cannot
        notes.append(f"{method} interval [{r_low:.3g}, {r_high:.3g}] clipped at 0")
        r_low = 0.0
    r_low, r_high = min(r_low, estimate), max(r_high, estimate)
    rows = [{"quantity": "reach_ratio", "estimate": estimate, "ci_low": r_low, "ci_high": r_high,
             "method": f"bootstrap ({method})", "n": n_label, "note": "; ".join(notes)}]
    for label, arr in (("negative", neg), ("positive", pos)):
        mean = float(arr.mean())
        lo, hi = ((mean, mean) if arr.std() == 0 else
                  (float(v) for v in DescrStatsW(arr).tconfint_mean(alpha=1 - confidence)))
        notes = []
        if lo < 0:
            notes.append(f"t interval [{lo:.3g}, {hi:.3g}] clipped at 0 (people told cannot be "
                         "negative)")
            lo = 0.0
        if arr.size < SMALL_SAMPLE:
            notes.append(f"small sample (n = {arr.size} < {SMALL_SAMPLE}): the t interval of a "
                         "skewed count is a rough guide")
        rows.append({"quantity": f"mean_told_{label}", "estimate": mean, "ci_low": lo,
                     "ci_high": hi, "method": "t interval", "n": str(arr.size),
                     "note": "; ".join(notes) or None})
    thr = f"{threshold:g}"
    for label, arr in (("negative", neg), ("positive", pos)):
        share, lo, hi, n = share_telling(arr, threshold=threshold, confidence=confidence)
        rows.append({"quantity": f"share_told_{thr}_plus_{label}", "estimate": share,
                     "ci_low": lo, "ci_high": hi, "method": "Wilson", "n": str(n),
                     "note": None})
    for r in rows:
        r.update(confidence=confidence, source="survey", catalogue_ids=None,
                 base=f"respondents with a {'good' if 'positive' in r['quantity'] else 'bad'} "
                      "experience" if r["quantity"] != "reach_ratio" else "both groups")
    return pd.DataFrame(rows, columns=COLUMNS)


def catalogue_word_of_mouth(
    *,
    told_negative: str = "american-express-2014-bad-told-avg-21",
    told_positive: str = "american-express-2014-good-told-avg-8",
    share_negative: str = "hbr-2010-negative-told-10-plus",
    share_positive: str = "hbr-2010-positive-told-10-plus",
    root: Path | str | None = None,
) -> pd.DataFrame:
    """Reach ratio and shares telling 10+ from catalogue statistics, with base warnings.

    Parameters
    ----------
    told_negative, told_positive : str
        Catalogue ids of the mean people told after a bad / a good experience.
    share_negative, share_positive : str
        Catalogue ids of the shares telling 10 or more after a bad / a good experience.
    root : path, optional
        Catalogue folder; default the packaged catalogue.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`. Intervals are the catalogue's Wilson intervals where the base
        ``n`` is known and missing otherwise (the ``note`` says so); the ratio has no interval
        without the underlying responses. When two figures come from different bases, their
        rows say so.

    Examples
    --------
    >>> t = catalogue_word_of_mouth()
    >>> float(t.set_index("quantity").loc["reach_ratio", "estimate"])
    2.625
    >>> "different bases" in t.set_index("quantity").loc["share_told_10_plus_negative", "note"]
    True
    """
    import pandas as pd

    from cxstats import catalogue
    from cxstats.catalogue import CONFIDENCE

    tn, tp = catalogue.get(told_negative, root=root), catalogue.get(told_positive, root=root)
    sn, sp = catalogue.get(share_negative, root=root), catalogue.get(share_positive, root=root)
    for s in (tn, tp):
        if s.kind != "mean":
            raise ValueError(f"{s.id} must be a mean number of people told; it is a {s.kind}")
    for s in (sn, sp):
        if s.kind != "proportion":
            raise ValueError(f"{s.id} must be a proportion; it is a {s.kind}")
    if tp.value == 0:
        raise ValueError(f"{tp.id} is 0: the reach ratio is undefined")

    def bases_note(a: Any, b: Any) -> str | None:
        if (a.base or "").strip().casefold() == (b.base or "").strip().casefold():
            return None
        return (f"different bases: {a.id} is among '{a.base}', {b.id} among '{b.base}'; "
                "the two figures are not directly comparable")

    def n_text(s: Any) -> str:
        return "unknown" if s.n is None else str(s.n)

    def ci_note(s: Any) -> str:
        return "n unknown: no interval" if s.n is None else "Wilson interval from the catalogue"

    ratio_note = "; ".join(x for x in (
        bases_note(tn, tp), "ratio of two published means; no interval without the responses")
        if x)
    rows = [{"quantity": "reach_ratio", "estimate": tn.value / tp.value, "ci_low": None,
             "ci_high": None, "method": "ratio of published means",
             "n": f"{n_text(tn)} / {n_text(tp)}", "catalogue_ids": f"{tn.id}; {tp.id}",
             "base": f"{tn.base} / {tp.base}", "note": ratio_note}]
    for label, s in (("negative", tn), ("positive", tp)):
        rows.append({"quantity": f"mean_told_{label}", "estimate": s.value, "ci_low": None,
                     "ci_high": None, "method": "published", "n": n_text(s),
                     "catalogue_ids": s.id, "base": s.base, "note": "no interval published"})
    share_note = bases_note(sn, sp)
    for label, s in (("negative", sn), ("positive", sp)):
        rows.append({"quantity": f"share_told_10_plus_{label}", "estimate": s.value / 100,
                     "ci_low": None if s.ci_low is None else s.ci_low / 100,
                     "ci_high": None if s.ci_high is None else s.ci_high / 100,
                     "method": "published", "n": n_text(s), "catalogue_ids": s.id,
                     "base": s.base,
                     "note": "; ".join(x for x in (share_note, ci_note(s)) if x)})
    for r in rows:
        r.update(confidence=CONFIDENCE, source="catalogue")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"estimate": "float64", "ci_low": "float64", "ci_high": "float64"})
