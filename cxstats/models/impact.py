"""Churn impact of service problems: a TARP-style market-damage model with uncertainty.

The model (a reconstruction from published TARP/CCMC ingredients, not a formula quoted from
Goodman; see the project research notes, ``models.md`` section 1.3) counts, for one period, the
customers and revenue lost because customers meet problems, mostly do not complain, and are handled
well or badly when they do:

.. code-block:: text

    loss_k          = 1 - L_k                    (method="absolute")
                    = L0 - L_k                   (method="incremental", L0 = loyalty_no_problem)
    lost_silent     = N p (1 - c) loss_silent
    lost_complained = N p c (s_q loss_quick + s_s loss_slow + s_m loss_mollified + s_u loss_unresolved)
    negative_told   = N p [(1 - c) T_silent + c (s_u T_unresolved + s_m T_mollified)]
    positive_told   = N p c (s_q + s_s) T_resolved
    customers_lost  = lost_silent + lost_complained + k_neg negative_told - k_pos positive_told
    revenue_lost    = customers_lost V

Every input is an :class:`Input`: a central value, an optional range and a distribution, and a
label saying where it comes from: a catalogue statistic (by id, with its interval when the base
``n`` is known), a user value, or an explicit assumption. :func:`default_inputs` lists the defaults
and their labels; the result's ``inputs`` table records them.

Examples
--------
The worked example of ``models.md`` section 1.3 (TARP loyalty for problems over $100, ``p = 0.5``,
``c = 0.5``, 30% resolved quickly, 30% slowly, 40% unresolved): about 36% of customers at risk.

>>> from cxstats.models.impact import impact
>>> tarp_major = {"loyalty_silent": 0.09, "loyalty_unresolved": 0.19,
...               "loyalty_resolved_slowly": 0.54, "loyalty_resolved_quickly": 0.82}
>>> r = impact(customers=1000, revenue_per_customer=100.0, draws=1000, inputs={
...     "problem_rate": 0.5, "complaint_rate": 0.5, "share_resolved_quickly": 0.3,
...     "share_resolved_slowly": 0.3, "share_mollified": 0.0, "share_unresolved": 0.4,
...     "wom_conversion_negative": 0.0, "wom_conversion_positive": 0.0, **tarp_major})
>>> row = r.summary.set_index("quantity").loc["customers_lost"]
>>> print(f"{row['central']:.1f}")
356.5
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cxstats._checks import check_confidence

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "DISTRIBUTIONS",
    "INPUT_NAMES",
    "METHODS",
    "OUTPUTS",
    "ImpactResult",
    "Input",
    "default_inputs",
    "evaluate",
    "impact",
    "load_inputs_file",
    "main_cli",
]

METHODS = ("absolute", "incremental")
DISTRIBUTIONS = ("fixed", "beta", "uniform", "triangular", "derived")
PROBLEM_SIZES = ("major", "minor")

#: Shares and probabilities: must lie in [0, 1].
_UNIT = (
    "problem_rate", "complaint_rate", "share_resolved_quickly", "share_resolved_slowly",
    "share_mollified", "share_unresolved", "loyalty_no_problem", "loyalty_silent",
    "loyalty_unresolved", "loyalty_mollified", "loyalty_resolved_slowly",
    "loyalty_resolved_quickly", "wom_conversion_negative", "wom_conversion_positive", "margin",
)
#: Counts and money: must be >= 0.
_NONNEG = ("customers", "revenue_per_customer", "told_silent", "told_unresolved",
           "told_mollified", "told_resolved")

#: Every input the model knows, in display order.
INPUT_NAMES = (
    "customers", "revenue_per_customer", "margin", "problem_rate", "complaint_rate",
    "share_resolved_quickly", "share_resolved_slowly", "share_mollified", "share_unresolved",
    "loyalty_no_problem", "loyalty_silent", "loyalty_unresolved", "loyalty_mollified",
    "loyalty_resolved_slowly", "loyalty_resolved_quickly", "told_silent", "told_unresolved",
    "told_mollified", "told_resolved", "wom_conversion_negative", "wom_conversion_positive",
)

#: Output quantities of :func:`evaluate` and rows of :attr:`ImpactResult.summary`, with units.
OUTPUTS = {
    "customers_lost": "customers",
    "customers_lost_direct": "customers",
    "customers_lost_silent": "customers",
    "customers_lost_wom": "customers",
    "customers_won_wom": "customers",
    "revenue_lost": "currency",
    "revenue_lost_silent": "currency",
    "margin_lost": "currency",
    "share_of_loss_silent": "share",
    "value_per_point_complaint_rate": "currency",
    "value_per_point_resolution_rate": "currency",
}

_TARP = {  # loyalty by complaint outcome, catalogue ids (TARP table restated by Fast Company)
    "major": {
        "loyalty_silent": "fast-company-2003-tarp-loyal-over-100-no-complaint",
        "loyalty_unresolved": "fast-company-2003-tarp-loyal-over-100-complained-not-satisfied",
        "loyalty_resolved_slowly": "fast-company-2003-tarp-loyal-over-100-satisfied",
        "loyalty_resolved_quickly": "fast-company-2003-tarp-loyal-over-100-satisfied-quickly",
    },
    "minor": {
        "loyalty_silent": "fast-company-2003-tarp-loyal-under-5-no-complaint",
        "loyalty_unresolved": "fast-company-2003-tarp-loyal-under-5-complained-not-satisfied",
        "loyalty_resolved_slowly": "fast-company-2003-tarp-loyal-under-5-satisfied",
        "loyalty_resolved_quickly": "fast-company-2003-tarp-loyal-under-5-satisfied-quickly",
    },
}
_ID_PROBLEM = "ccmc-asu-2023-problem-past-year"
_ID_COMPLAIN_SMALL = "quality-progress-2003-small-problem-complained"
_ID_SILENT_142 = "quality-progress-2003-did-not-complain-142-usd"
_ID_TOLD_SAT = "coca-cola-tarp-wom-told-satisfied"
_ID_TOLD_DIS = "coca-cola-tarp-wom-told-dissatisfied"
_OUTCOME_NOTE = ("assumption: an illustrative complaint-outcome split (30% resolved quickly, 30% "
                 "slowly, 40% unresolved) used in the cxstats research notes' worked example of "
                 "the TARP-style model; no published default - "
                 "replace with your own complaint-handling outcomes")


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))



def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return x


@dataclass(frozen=True)
class Input:
    """One model input: central value, optional range, distribution and provenance.

    Build one with a constructor (:meth:`fixed`, :meth:`uniform`, :meth:`triangular`,
    :meth:`from_counts`, :meth:`from_interval`, :meth:`from_catalogue`) rather than directly.

    Attributes
    ----------
    value : float
        Central value, used for the ``central`` column and for the sensitivity table.
    low, high : float or None
        Range used for the sensitivity table (an interval or the user's range); None if fixed.
    distribution : str
        One of :data:`DISTRIBUTIONS`; how Monte Carlo draws are made.
    a, b : float or None
        Beta shape parameters when ``distribution == "beta"``.
    source : str
        ``"catalogue"``, ``"user"`` or ``"assumption"``.
    catalogue_ids : tuple of str
        Catalogue statistics the value is taken from.
    note : str or None
        How the value and its range were obtained.

    Examples
    --------
    >>> Input.from_counts(74, 100).distribution
    'beta'
    >>> Input.uniform(0.2, 0.1)
    Traceback (most recent call last):
    ...
    ValueError: low (0.2) must not be above high (0.1)
    """

    value: float
    low: float | None = None
    high: float | None = None
    distribution: str = "fixed"
    a: float | None = None
    b: float | None = None
    source: str = "user"
    catalogue_ids: tuple[str, ...] = ()
    note: str | None = None

    # constructors ---------------------------------------------------------------------------
    @classmethod
    def fixed(cls, value: float, *, source: str = "user", note: str | None = None,
              catalogue_ids: tuple[str, ...] = ()) -> Input:
        """A fixed value (no uncertainty drawn)."""
        return cls(value=_real("value", value), source=source, note=note,
                   catalogue_ids=tuple(catalogue_ids))

    @classmethod
    def uniform(cls, low: float, high: float, *, value: float | None = None,
                source: str = "user", note: str | None = None,
                catalogue_ids: tuple[str, ...] = ()) -> Input:
        """Uniform on ``[low, high]``; central value the midpoint unless ``value`` is given."""
        lo, hi = _real("low", low), _real("high", high)
        if lo > hi:
            raise ValueError(f"low ({low}) must not be above high ({high})")
        mid = (lo + hi) / 2 if value is None else _real("value", value)
        if not lo <= mid <= hi:
            raise ValueError(f"value ({mid}) must lie between low ({lo}) and high ({hi})")
        return cls(value=mid, low=lo, high=hi, distribution="uniform", source=source,
                   note=note, catalogue_ids=tuple(catalogue_ids))

    @classmethod
    def triangular(cls, low: float, mode: float, high: float, *, source: str = "user",
                   note: str | None = None) -> Input:
        """Triangular on ``[low, high]`` with the given mode (the central value)."""
        lo, mo, hi = _real("low", low), _real("mode", mode), _real("high", high)
        if lo > hi:
            raise ValueError(f"low ({low}) must not be above high ({high})")
        if not lo <= mo <= hi:
            raise ValueError(f"mode ({mode}) must lie between low ({low}) and high ({high})")
        return cls(value=mo, low=lo, high=hi, distribution="triangular", source=source,
                   note=note)

    @classmethod
    def from_counts(cls, count: int, n: int, *, confidence: float = 0.95,
                    complement: bool = False, source: str = "user", note: str | None = None,
                    catalogue_ids: tuple[str, ...] = ()) -> Input:
        """A proportion ``count / n``: Jeffreys Beta(count + 1/2, n - count + 1/2) draws.

        ``low``/``high`` are the Wilson interval; ``complement=True`` models ``1 - count / n``.

        Notes
        -----
        Interval: ``statsmodels.stats.proportion.proportion_confint(count, n,
        method="wilson")``. Draws: ``numpy.random.Generator.beta`` with the Jeffreys posterior.
        """
        from statsmodels.stats.proportion import proportion_confint

        for name, v in (("count", count), ("n", n)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{name} must be an int, not {type(v).__name__}")
        if n < 1:
            raise ValueError(f"n must be >= 1; got {n}")
        if not 0 <= count <= n:
            raise ValueError(f"count must be between 0 and n ({n}); got {count}")
        check_confidence(confidence)
        lo, hi = (float(x) for x in proportion_confint(count, n, alpha=1 - confidence,
                                                         method="wilson"))
        a, b, value = count + 0.5, n - count + 0.5, count / n
        if complement:
            a, b, value, lo, hi = b, a, 1 - value, 1 - hi, 1 - lo
        return cls(value=value, low=lo, high=hi, distribution="beta", a=a, b=b, source=source,
                   note=note, catalogue_ids=tuple(catalogue_ids))

    @classmethod
    def from_interval(cls, value: float, low: float, high: float, *, confidence: float = 0.95,
                      source: str = "user", note: str | None = None,
                      catalogue_ids: tuple[str, ...] = ()) -> Input:
        """A proportion known by a central value and an interval: Beta by method of moments.

        The interval is read as ``value +/- z * sd``; the Beta has mean ``value`` and standard
        deviation ``sd = (high - low) / (2 z)``. This is an approximation (a Wilson interval is
        not symmetric), stated in the input's note.
        """
        v, lo, hi = _real("value", value), _real("low", low), _real("high", high)
        if lo > hi:
            raise ValueError(f"low ({low}) must not be above high ({high})")
        if not 0 < v < 1:
            raise ValueError(f"value must be strictly between 0 and 1 for a Beta; got {value}")
        if not lo <= v <= hi:
            raise ValueError(f"value ({v}) must lie between low ({lo}) and high ({hi})")
        check_confidence(confidence)
        sd = (hi - lo) / (2 * _z(confidence))
        if sd <= 0:
            return cls.fixed(v, source=source, note=note, catalogue_ids=catalogue_ids)
        common = v * (1 - v) / sd**2 - 1
        if common <= 0:
            raise ValueError(f"interval [{lo}, {hi}] is too wide for a Beta with mean {v}")
        mm = "Beta by method of moments from the interval"
        return cls(value=v, low=lo, high=hi, distribution="beta", a=v * common,
                   b=(1 - v) * common, source=source,
                   note=f"{note}; {mm}" if note else mm, catalogue_ids=tuple(catalogue_ids))

    @classmethod
    def from_catalogue(cls, statistic_id: str, *, complement: bool = False,
                       confidence: float = 0.95, root: Path | str | None = None) -> Input:
        """An input from a catalogue statistic, with its interval when its base ``n`` is known.

        A proportion with ``n`` is drawn from the Jeffreys Beta of its count (``low``/``high``
        the Wilson interval); a proportion without ``n`` or any other figure is fixed, and the
        note says so. Percentages become shares; ``complement=True`` uses ``1 - share``.
        """
        from cxstats import catalogue

        s = catalogue.get(statistic_id, root=root)
        ids = (s.id,)
        label = f"catalogue {s.id} ({s.status})"
        if s.kind == "proportion" and s.n is not None:
            k = s.count if s.count is not None else round(s.value / 100 * s.n)
            return cls.from_counts(k, s.n, confidence=confidence, complement=complement,
                                   source="catalogue", catalogue_ids=ids,
                                   note=f"{label}; Jeffreys Beta from count {k} of n {s.n}")
        value = s.value / 100 if s.kind == "proportion" else s.value
        if complement:
            if s.kind != "proportion":
                raise ValueError(f"complement=True needs a proportion; {s.id} is a {s.kind}")
            value = 1 - value
        return cls.fixed(value, source="catalogue", catalogue_ids=ids,
                         note=f"{label}; n unknown: no interval, held fixed")

    # behaviour ------------------------------------------------------------------------------
    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray | float:
        """Draw ``size`` values (a scalar for a fixed input)."""
        if self.distribution in ("fixed", "derived"):
            return self.value
        if self.distribution == "beta":
            return rng.beta(self.a, self.b, size)
        if self.distribution == "uniform":
            return rng.uniform(self.low, self.high, size)
        if self.distribution == "triangular":
            if self.low == self.high:
                return self.value
            return rng.triangular(self.low, self.value, self.high, size)
        raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}; "
                         f"got {self.distribution!r}")

    @property
    def varies(self) -> bool:
        """True when the input has a range (``low < high``)."""
        return self.low is not None and self.high is not None and self.low < self.high


def _validate_input(name: str, inp: Input) -> None:
    if inp.distribution not in DISTRIBUTIONS:
        raise ValueError(f"{name}: distribution must be one of {', '.join(DISTRIBUTIONS)}; "
                         f"got {inp.distribution!r}")
    if inp.distribution == "beta" and not (inp.a and inp.b and inp.a > 0 and inp.b > 0):
        raise ValueError(f"{name}: a Beta input needs a > 0 and b > 0")
    if inp.distribution in ("uniform", "triangular") and (inp.low is None or inp.high is None):
        raise ValueError(f"{name}: a {inp.distribution} input needs low and high")
    vals = [("value", inp.value), ("low", inp.low), ("high", inp.high)]
    for label, v in vals:
        if v is None:
            continue
        if name in _UNIT and not 0 <= v <= 1:
            raise ValueError(f"{name} is a share: its {label} must lie in [0, 1]; got {v}")
        if name in _NONNEG and v < 0:
            raise ValueError(f"{name} must be >= 0: its {label} is {v}")
    if inp.low is not None and inp.high is not None and inp.low > inp.high:
        raise ValueError(f"{name}: low ({inp.low}) must not be above high ({inp.high})")


def _to_input(name: str, spec: Any, *, root: Path | str | None = None) -> Input:
    """Turn a user specification into an :class:`Input` (labelled ``source="user"``)."""
    if isinstance(spec, Input):
        inp = spec
    elif isinstance(spec, bool):
        raise TypeError(f"{name} must be a number, a (low, high) pair, a mapping or an Input; "
                        "got bool")
    elif isinstance(spec, int | float):
        inp = Input.fixed(spec, note="user value")
    elif isinstance(spec, tuple | list):
        if len(spec) == 2:
            inp = Input.uniform(*spec, note="user range, uniform")
        elif len(spec) == 3:
            inp = Input.triangular(*spec, note="user range (low, mode, high), triangular")
        else:
            raise ValueError(f"{name}: a range must be (low, high) or (low, mode, high); "
                             f"got {len(spec)} numbers")
    elif isinstance(spec, Mapping):
        inp = _from_mapping(name, spec, root=root)
    else:
        raise TypeError(f"{name} must be a number, a (low, high) pair, a mapping or an Input; "
                        f"got {type(spec).__name__}")
    _validate_input(name, inp)
    return inp


_SPEC_KEYS = {"value", "low", "high", "mode", "distribution", "count", "n", "catalogue",
              "complement", "confidence", "note"}


def _from_mapping(name: str, spec: Mapping[str, Any], *, root: Path | str | None) -> Input:
    unknown = set(spec) - _SPEC_KEYS
    if unknown:
        raise ValueError(f"{name}: unknown keys {sorted(unknown)}; allowed: {sorted(_SPEC_KEYS)}")
    note = spec.get("note")
    conf = spec.get("confidence", 0.95)
    dist = spec.get("distribution")
    if "catalogue" in spec:
        return Input.from_catalogue(spec["catalogue"], complement=bool(spec.get("complement")),
                                    confidence=conf, root=root)
    if "count" in spec or "n" in spec:
        return Input.from_counts(spec.get("count"), spec.get("n"), confidence=conf,
                                 complement=bool(spec.get("complement")),
                                 note=note or "user counts, Jeffreys Beta")
    has_range = "low" in spec or "high" in spec
    if has_range:
        if "low" not in spec or "high" not in spec:
            raise ValueError(f"{name}: give both low and high")
        if dist == "beta":
            return Input.from_interval(spec.get("value"), spec["low"], spec["high"],
                                       confidence=conf, note=note or "user interval")
        if dist == "triangular" or "mode" in spec:
            mode = spec.get("mode", spec.get("value"))
            if mode is None:
                raise ValueError(f"{name}: a triangular range needs mode (or value)")
            return Input.triangular(spec["low"], mode, spec["high"],
                                    note=note or "user range, triangular")
        if dist not in (None, "uniform"):
            raise ValueError(f"{name}: distribution must be uniform, triangular or beta for a "
                             f"range; got {dist!r}")
        return Input.uniform(spec["low"], spec["high"], value=spec.get("value"),
                             note=note or "user range, uniform")
    if "value" not in spec:
        raise ValueError(f"{name}: a mapping needs value, low/high, count/n or catalogue")
    return Input.fixed(spec["value"], note=note or "user value")


def default_inputs(problem_size: str = "major", *, root: Path | str | None = None,
                   names: tuple[str, ...] | None = None) -> dict[str, Input]:
    """The default inputs, each a catalogue statistic or a labelled assumption.

    ``customers`` and ``revenue_per_customer`` have no default (they are the user's own).

    Parameters
    ----------
    problem_size : {"major", "minor"}
        Which row of TARP's loyalty table: problems with a potential loss over $100 (``major``)
        or under $5 (``minor``).
    root : path, optional
        A catalogue folder; default the packaged catalogue.
    names : tuple of str, optional
        Only build these inputs (the catalogue is read only for them).

    Returns
    -------
    dict of str to Input

    Notes
    -----
    * ``problem_rate``: CCMC/ASU National Customer Rage Survey 2023, 74% of n = 1,000 (Beta).
    * ``complaint_rate``: no single published rate; uniform between Goodman & Newman's (2003)
      3% (small problems) and 69% (= 1 - 31% silent, a $142 problem), labelled an assumption.
    * loyalty by outcome: TARP's table (Fast Company restatement), fixed because n is unknown.
    * ``loyalty_mollified``: not found in any source; derived as the midpoint of
      ``loyalty_resolved_slowly`` and ``loyalty_unresolved`` (assumption, as models.md advises).
    * outcome shares: the illustrative split of models.md section 1.3 (assumption).
    * people told: 5 (satisfied) and 10 (dissatisfied), Coca-Cola/TARP; mollified and silent
      customers are assumed to tell as many as dissatisfied complainers.
    * word-of-mouth conversion: no sourced value, so 0 (word of mouth off), an assumption.
    * ``margin``: 1 (revenue, not margin), an assumption; ``loyalty_no_problem`` (needed only
      by ``method="incremental"``) has no default.

    Examples
    --------
    >>> d = default_inputs(names=("share_unresolved", "wom_conversion_negative"))
    >>> d["share_unresolved"].value, d["share_unresolved"].source
    (0.4, 'assumption')
    """
    if problem_size not in PROBLEM_SIZES:
        raise ValueError(f"problem_size must be one of {', '.join(PROBLEM_SIZES)}; "
                         f"got {problem_size!r}")
    wanted = set(INPUT_NAMES if names is None else names)
    out: dict[str, Input] = {}

    def want(n: str) -> bool:
        return n in wanted

    if want("margin"):
        out["margin"] = Input.fixed(1.0, source="assumption",
                                    note="assumption: margin 1 (losses counted as revenue)")
    if want("problem_rate"):
        out["problem_rate"] = Input.from_catalogue(_ID_PROBLEM, root=root)
    if want("complaint_rate"):
        small = Input.from_catalogue(_ID_COMPLAIN_SMALL, root=root)
        big = Input.from_catalogue(_ID_SILENT_142, complement=True, root=root)
        out["complaint_rate"] = Input.uniform(
            small.value, big.value, source="assumption",
            catalogue_ids=(_ID_COMPLAIN_SMALL, _ID_SILENT_142),
            note=("assumption: uniform between two catalogue figures, 3% complained (small "
                  "problems) and 1 - 31% (a $142 problem); no single published complaint rate"))
    shares = {"share_resolved_quickly": 0.3, "share_resolved_slowly": 0.3,
              "share_mollified": 0.0, "share_unresolved": 0.4}
    for n, v in shares.items():
        if want(n):
            out[n] = Input.fixed(v, source="assumption", note=_OUTCOME_NOTE)
    for n, sid in _TARP[problem_size].items():
        if want(n):
            out[n] = Input.from_catalogue(sid, root=root)
    if want("loyalty_mollified"):
        out["loyalty_mollified"] = Input(
            value=math.nan, distribution="derived", source="assumption",
            note=("assumption: no published figure; midpoint of loyalty_resolved_slowly and "
                  "loyalty_unresolved, draw by draw"))
    if want("told_resolved"):
        out["told_resolved"] = Input.from_catalogue(_ID_TOLD_SAT, root=root)
    told_dis = None
    for n in ("told_unresolved", "told_mollified", "told_silent"):
        if want(n):
            told_dis = told_dis or Input.from_catalogue(_ID_TOLD_DIS, root=root)
            out[n] = told_dis if n == "told_unresolved" else replace(
                told_dis, source="assumption",
                note=f"assumption: {n.split('_')[1]} customers tell as many as dissatisfied "
                     f"complainers ({_ID_TOLD_DIS})")
    for n in ("wom_conversion_negative", "wom_conversion_positive"):
        if want(n):
            out[n] = Input.fixed(0.0, source="assumption",
                                 note=("assumption: no sourced conversion rate of people told; "
                                       "0 switches word of mouth off - give a range"))
    return out


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------

def evaluate(values: Mapping[str, Any], *, method: str = "absolute") -> dict[str, Any]:
    """Evaluate the model on scalars or arrays of input values (no validation, vectorised).

    Parameters
    ----------
    values : mapping of str to float or numpy.ndarray
        One entry per name of :data:`INPUT_NAMES` (``loyalty_no_problem`` only for
        ``method="incremental"``; ``loyalty_mollified`` may be None or NaN = derived midpoint).
        The four outcome shares are divided by their sum.
    method : {"absolute", "incremental"}
        Loss for a group is ``1 - L`` or ``loyalty_no_problem - L``.

    Returns
    -------
    dict of str to float or numpy.ndarray
        One entry per key of :data:`OUTPUTS`.

    Examples
    --------
    >>> v = dict(customers=1, revenue_per_customer=1, margin=1, problem_rate=1,
    ...          complaint_rate=0, share_resolved_quickly=0, share_resolved_slowly=0,
    ...          share_mollified=0, share_unresolved=1, loyalty_silent=0.25,
    ...          loyalty_unresolved=0.5, loyalty_mollified=None, loyalty_resolved_slowly=0.6,
    ...          loyalty_resolved_quickly=0.8, told_silent=0, told_unresolved=0,
    ...          told_mollified=0, told_resolved=0, wom_conversion_negative=0,
    ...          wom_conversion_positive=0)
    >>> evaluate(v)["customers_lost"]
    0.75
    """
    import numpy as np

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    g = values.__getitem__
    n_cust, price, margin = g("customers"), g("revenue_per_customer"), g("margin")
    p, c = g("problem_rate"), g("complaint_rate")
    sq, ss, sm, su = (g("share_resolved_quickly"), g("share_resolved_slowly"),
                      g("share_mollified"), g("share_unresolved"))
    total = sq + ss + sm + su
    sq, ss, sm, su = sq / total, ss / total, sm / total, su / total
    l_nc, l_u, l_s, l_q = (g("loyalty_silent"), g("loyalty_unresolved"),
                           g("loyalty_resolved_slowly"), g("loyalty_resolved_quickly"))
    l_m = values.get("loyalty_mollified")
    if l_m is None or (np.ndim(l_m) == 0 and math.isnan(float(l_m))):
        l_m = (l_s + l_u) / 2
    base = 1.0 if method == "absolute" else g("loyalty_no_problem")
    loss_nc, loss_u, loss_m, loss_s, loss_q = (base - l_nc, base - l_u, base - l_m,
                                               base - l_s, base - l_q)
    t_nc, t_u, t_m, t_r = (g("told_silent"), g("told_unresolved"), g("told_mollified"),
                           g("told_resolved"))
    k_neg, k_pos = g("wom_conversion_negative"), g("wom_conversion_positive")

    affected = n_cust * p
    silent, complained = affected * (1 - c), affected * c
    complainer_loss = sq * loss_q + ss * loss_s + sm * loss_m + su * loss_u
    lost_silent_direct = silent * loss_nc
    lost_direct = lost_silent_direct + complained * complainer_loss
    lost_wom_silent = silent * t_nc * k_neg
    lost_wom = lost_wom_silent + complained * (su * t_u + sm * t_m) * k_neg
    won_wom = complained * (sq + ss) * t_r * k_pos
    lost = lost_direct + lost_wom - won_wom
    lost_silent = lost_silent_direct + lost_wom_silent
    with np.errstate(divide="ignore", invalid="ignore"):
        share_silent = np.where(lost > 0, np.divide(lost_silent, lost), np.nan)
    if np.ndim(share_silent) == 0:
        share_silent = float(share_silent)
    # marginal values (linear model: exact per-point differences)
    d_lost_d_c = affected * (-loss_nc + complainer_loss
                             + k_neg * (-t_nc + su * t_u + sm * t_m) - k_pos * (sq + ss) * t_r)
    resolved = sq + ss
    with np.errstate(divide="ignore", invalid="ignore"):
        wq = np.where(resolved > 0, np.divide(sq, resolved), 0.0)
    d_loss_resolve = wq * loss_q + (1 - wq) * loss_s - loss_u
    d_lost_d_res = complained * (d_loss_resolve - k_neg * t_u - k_pos * t_r)
    out = {
        "customers_lost": lost,
        "customers_lost_direct": lost_direct,
        "customers_lost_silent": lost_silent,
        "customers_lost_wom": lost_wom,
        "customers_won_wom": won_wom,
        "revenue_lost": lost * price,
        "revenue_lost_silent": lost_silent * price,
        "margin_lost": lost * price * margin,
        "share_of_loss_silent": share_silent,
        "value_per_point_complaint_rate": -0.01 * d_lost_d_c * price,
        "value_per_point_resolution_rate": -0.01 * d_lost_d_res * price,
    }
    if np.ndim(lost) == 0:
        out = {k: float(v) for k, v in out.items()}
    return out


@dataclass(frozen=True)
class ImpactResult:
    """Result of :func:`impact`.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per output (:data:`OUTPUTS`): ``quantity, unit, central, median, ci_low,
        ci_high, confidence``. ``central`` is the model at the central inputs; ``median`` and
        the interval come from the Monte Carlo draws. ``share_of_loss_silent`` is undefined
        (and left out of its percentiles) in draws where no customer is lost.
    inputs : pandas.DataFrame
        One row per input: ``input, value, low, high, distribution, source, catalogue_ids,
        note`` - which inputs came from the catalogue and which are assumptions.
    sensitivity : pandas.DataFrame
        Tornado table for ``revenue_lost``: ``input, source, low, central, high, output_low,
        output_central, output_high, swing, rank``, largest swing first.
    method : str
    draws : int
    seed : int or None
    samples : dict of str to numpy.ndarray or None
        Per-draw outputs when ``keep_samples=True``.
    """

    summary: pd.DataFrame
    inputs: pd.DataFrame
    sensitivity: pd.DataFrame
    method: str
    draws: int
    seed: int | None
    samples: dict[str, np.ndarray] | None = field(default=None, repr=False)


def _resolve_inputs(inputs: Mapping[str, Any] | None, *, customers: Any,
                    revenue_per_customer: Any, method: str, problem_size: str,
                    root: Path | str | None) -> dict[str, Input]:
    if inputs is not None and not isinstance(inputs, Mapping):
        raise TypeError(f"inputs must be a mapping of input name to spec, not "
                        f"{type(inputs).__name__}")
    given = dict(inputs or {})
    for key, val in (("customers", customers), ("revenue_per_customer", revenue_per_customer)):
        if val is not None:
            if key in given:
                raise ValueError(f"{key} given twice (argument and inputs)")
            given[key] = val
    unknown = set(given) - set(INPUT_NAMES)
    if unknown:
        raise ValueError(f"unknown input(s) {sorted(unknown)}; allowed: {', '.join(INPUT_NAMES)}")
    for key in ("customers", "revenue_per_customer"):
        if given.get(key) is None:
            raise ValueError(f"{key} is required (your own figure; there is no default)")
    if method == "incremental" and given.get("loyalty_no_problem") is None:
        raise ValueError("method='incremental' needs inputs['loyalty_no_problem'] (loyalty of "
                         "customers without a problem); it has no published default")
    resolved: dict[str, Input] = {}
    for key, spec in given.items():
        if spec is None and key in ("loyalty_mollified", "loyalty_no_problem"):
            continue
        resolved[key] = _to_input(key, spec, root=root)
    missing = tuple(n for n in INPUT_NAMES if n not in resolved and n not in given
                    and n != "loyalty_no_problem")
    if given.get("loyalty_mollified", "missing") is None:
        missing += ("loyalty_mollified",)
    if missing:
        resolved.update(default_inputs(problem_size, root=root, names=missing))
    if method == "absolute":
        resolved.pop("loyalty_no_problem", None)
    shares = ("share_resolved_quickly", "share_resolved_slowly", "share_mollified",
              "share_unresolved")
    total = sum(resolved[s].value for s in shares)
    if total <= 0:
        raise ValueError(f"the outcome shares ({', '.join(shares)}) must not all be 0")
    if abs(total - 1.0) > 1e-6:
        # renormalising here would silently replace the figures shown in the inputs table
        shown = ", ".join(f"{s}={resolved[s].value:g} ({resolved[s].source})" for s in shares)
        raise ValueError(f"the central values of the four complaint-outcome shares must sum to 1; "
                         f"got {shown}, sum {total:g}. Give all four (unset ones are the "
                         "assumed 0.3/0.3/0/0.4 split); ranges are renormalised draw by draw")
    return {n: resolved[n] for n in INPUT_NAMES if n in resolved}


def _central(inputs: Mapping[str, Input]) -> dict[str, float]:
    return {n: (None if i.distribution == "derived" else i.value) for n, i in inputs.items()}


def _inputs_frame(inputs: Mapping[str, Input]) -> pd.DataFrame:
    import pandas as pd

    rows = [{"input": n, "value": (None if i.distribution == "derived" else i.value),
             "low": i.low, "high": i.high, "distribution": i.distribution, "source": i.source,
             "catalogue_ids": "; ".join(i.catalogue_ids) or None, "note": i.note}
            for n, i in inputs.items()]
    return pd.DataFrame(rows, columns=["input", "value", "low", "high", "distribution",
                                       "source", "catalogue_ids", "note"]).astype(
        {"value": "float64", "low": "float64", "high": "float64"})


_SHARES = ("share_resolved_quickly", "share_resolved_slowly", "share_mollified",
           "share_unresolved")


def _set(central: Mapping[str, Any], name: str, value: float) -> dict[str, Any]:
    """Central values with one input moved to ``value``.

    An outcome share is set to exactly ``value`` and the other three are rescaled in proportion
    so the four still sum to 1 (otherwise :func:`evaluate` would renormalise the moved share away
    from the bound the tornado table reports).
    """
    out = {**central, name: value}
    if name in _SHARES:
        others = [s for s in _SHARES if s != name]
        rest = sum(float(central[s]) for s in others)
        if rest > 0:
            for s in others:
                out[s] = float(central[s]) * (1 - value) / rest
    return out


def _sensitivity(inputs: Mapping[str, Input], method: str,
                 output: str = "revenue_lost") -> pd.DataFrame:
    import pandas as pd

    central = _central(inputs)
    out_c = evaluate(central, method=method)[output]
    rows = []
    for n, i in inputs.items():
        if not i.varies:
            continue
        lo = evaluate(_set(central, n, i.low), method=method)[output]
        hi = evaluate(_set(central, n, i.high), method=method)[output]
        rows.append({"input": n, "source": i.source, "low": i.low, "central": i.value,
                     "high": i.high, "output_low": lo, "output_central": out_c,
                     "output_high": hi, "swing": abs(hi - lo)})
    cols = ["input", "source", "low", "central", "high", "output_low", "output_central",
            "output_high", "swing"]
    frame = pd.DataFrame(rows, columns=cols).astype({c: "float64" for c in cols[2:]})
    frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    frame["rank"] = range(1, len(frame) + 1)
    return frame


def _simulate(inputs: Mapping[str, Input], *, method: str, draws: int,
              rng: np.random.Generator, chunk: int,
              progress: Callable[[int, int], None] | None) -> dict[str, np.ndarray]:
    import numpy as np

    outs = {k: np.empty(draws) for k in OUTPUTS}
    done = 0
    if progress is not None:
        progress(0, draws)
    while done < draws:
        size = min(chunk, draws - done)
        vals = {n: i.draw(rng, size) if i.distribution != "derived" else None
                for n, i in inputs.items()}
        res = evaluate(vals, method=method)
        for k in OUTPUTS:
            outs[k][done:done + size] = res[k]
        done += size
        if progress is not None:
            progress(done, draws)
    return outs


def impact(
    *,
    customers: Any = None,
    revenue_per_customer: Any = None,
    inputs: Mapping[str, Any] | None = None,
    method: str = "absolute",
    problem_size: str = "major",
    draws: int = 100_000,
    confidence: float = 0.95,
    seed: int | None = 0,
    keep_samples: bool = False,
    root: Path | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 250_000,
) -> ImpactResult:
    """Customers and revenue lost per period through service problems, with uncertainty.

    Parameters
    ----------
    customers, revenue_per_customer : float, (low, high), mapping or Input
        Active customers and revenue per customer per period (required; your own figures).
    inputs : mapping, optional
        Other inputs by name (:data:`INPUT_NAMES`): a number (fixed), ``(low, high)``
        (uniform), ``(low, mode, high)`` (triangular), a mapping (``{"count": k, "n": n}``,
        ``{"value": v, "low": l, "high": h, "distribution": "beta"}``, ``{"catalogue": id}``,
        ...) or an :class:`Input`. Anything not given comes from :func:`default_inputs`.
    method : {"absolute", "incremental"}
        ``absolute`` counts a customer of group k as lost with probability ``1 - L_k`` (the
        TARP-style reading; overstates damage); ``incremental`` uses ``L0 - L_k`` against
        ``inputs["loyalty_no_problem"]``.
    problem_size : {"major", "minor"}
        Row of TARP's loyalty table used for defaults (loss over $100 or under $5).
    draws : int
        Monte Carlo draws (>= 1).
    confidence : float
        Level of the Monte Carlo interval (equal-tailed percentiles).
    seed : int or None
        Seed of the ``numpy.random.default_rng`` generator.
    keep_samples : bool
        Keep the per-draw outputs in ``result.samples``.
    root : path, optional
        Catalogue folder for defaults; default the packaged catalogue.
    progress : callable, optional
        Called as ``progress(0, total)`` before the first draw, then ``progress(done, total)``
        after each chunk of draws.
    chunk : int
        Draws per vectorised chunk (bounds memory).

    Returns
    -------
    ImpactResult

    Raises
    ------
    ValueError
        Negative customers or revenue, shares outside [0, 1], complaint-outcome shares whose
        central values do not sum to 1, a low bound above the high one, ``draws < 1``, an
        unknown input name or method.
    TypeError
        An input that is not a number, range, mapping or :class:`Input`.

    Notes
    -----
    Draws use ``numpy.random.Generator`` (``beta``, ``uniform``, ``triangular``) and are fully
    vectorised; percentiles are ``numpy.quantile``. Beta inputs from counts are Jeffreys
    posteriors; intervals of catalogue proportions are Wilson intervals
    (``statsmodels.stats.proportion.proportion_confint(method="wilson")``). Inputs are drawn
    independently; the central values of the four outcome shares must sum to 1, and draws of
    them are renormalised draw by draw to sum to 1. The
    sensitivity table sets one input at a time to its low and high value with the others at
    their central value. ``value_per_point_*`` is the revenue saved by one percentage point
    more complaints (``complaint_rate + 0.01``) or more resolutions (0.01 of complainers
    moved from unresolved to resolved, quick/slow in their current proportion); the model is
    linear in both, so these are exact.

    Examples
    --------
    >>> r = impact(customers=10_000, revenue_per_customer=50.0, draws=2000, seed=1,
    ...            inputs={"problem_rate": {"count": 74, "n": 100}, "complaint_rate": (0.2, 0.6),
    ...                    "loyalty_silent": 0.09, "loyalty_unresolved": 0.19,
    ...                    "loyalty_resolved_slowly": 0.54, "loyalty_resolved_quickly": 0.82,
    ...                    "told_silent": 10, "told_unresolved": 10, "told_mollified": 10,
    ...                    "told_resolved": 5})
    >>> list(r.summary.columns)
    ['quantity', 'unit', 'central', 'median', 'ci_low', 'ci_high', 'confidence']
    >>> r.sensitivity["input"].tolist()
    ['problem_rate', 'complaint_rate']
    """
    import numpy as np
    import pandas as pd

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if problem_size not in PROBLEM_SIZES:
        raise ValueError(f"problem_size must be one of {', '.join(PROBLEM_SIZES)}; "
                         f"got {problem_size!r}")
    for name, v in (("draws", draws), ("chunk", chunk)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            raise TypeError(f"{name} must be an int, not {type(v).__name__}")
        if v < 1:
            raise ValueError(f"{name} must be >= 1; got {v}")
    check_confidence(confidence)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise TypeError(f"seed must be an int or None, not {type(seed).__name__}")
    resolved = _resolve_inputs(inputs, customers=customers,
                               revenue_per_customer=revenue_per_customer, method=method,
                               problem_size=problem_size, root=root)
    central = evaluate(_central(resolved), method=method)
    rng = np.random.default_rng(seed)
    samples = _simulate(resolved, method=method, draws=int(draws), rng=rng, chunk=int(chunk),
                        progress=progress)
    q = [(1 - confidence) / 2, 0.5, (1 + confidence) / 2]
    rows = []
    for k, unit in OUTPUTS.items():
        arr = samples[k]
        if not np.isfinite(arr).all():
            arr = arr[np.isfinite(arr)]
        if arr.size == 0:
            lo = med = hi = math.nan
        elif arr.min() == arr.max():  # a constant output (e.g. word of mouth switched off)
            lo = med = hi = arr[0]
        else:
            lo, med, hi = np.quantile(arr, q)
        rows.append({"quantity": k, "unit": unit, "central": central[k], "median": float(med),
                     "ci_low": float(lo), "ci_high": float(hi), "confidence": confidence})
    summary = pd.DataFrame(rows, columns=["quantity", "unit", "central", "median", "ci_low",
                                          "ci_high", "confidence"])
    return ImpactResult(summary=summary, inputs=_inputs_frame(resolved),
                        sensitivity=_sensitivity(resolved, method), method=method,
                        draws=int(draws), seed=None if seed is None else int(seed),
                        samples=samples if keep_samples else None)


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------

_FILE_KEYS = {"customers", "revenue_per_customer", "inputs", "method", "problem_size", "draws",
              "confidence", "seed"}


def load_inputs_file(path: Path | str) -> dict[str, Any]:
    """Read a YAML (``.yml``/``.yaml``) or TOML (``.toml``) file of :func:`impact` arguments.

    Top-level keys: ``customers``, ``revenue_per_customer``, ``inputs`` (a mapping of input
    specs), ``method``, ``problem_size``, ``draws``, ``confidence``, ``seed``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.toml"
    >>> _ = p.write_text('customers = 10\\nrevenue_per_customer = 2.5\\n')
    >>> load_inputs_file(p)
    {'customers': 10, 'revenue_per_customer': 2.5}
    """
    path = Path(path)
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    if suffix in (".yml", ".yaml"):
        import yaml

        data = yaml.safe_load(text)
    elif suffix == ".toml":
        import tomllib

        data = tomllib.loads(text)
    else:
        raise ValueError(f"inputs file must end in .yml, .yaml or .toml; got {path.name!r}")
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: the file must hold a mapping of settings")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {sorted(unknown)}; allowed: "
                         f"{', '.join(sorted(_FILE_KEYS))}")
    return data


def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    rows = [columns] + [[_fmt(v) for v in r] for r in frame[columns].itertuples(index=False)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


def main_cli(path: Path | str, *, stdout: TextIO | None = None,
             stderr: TextIO | None = None, progress_after: float = 1.0) -> int:
    """Run :func:`impact` on a YAML/TOML inputs file and print the result tables.

    A progress line goes to ``stderr`` only once the simulation has run for longer than
    ``progress_after`` seconds. Returns the exit code (0).

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "in.yml"
    >>> _ = p.write_text('''customers: 100
    ... revenue_per_customer: 10
    ... draws: 1000
    ... inputs: {problem_rate: 0.5, complaint_rate: 0.5, loyalty_silent: 0.09,
    ...   loyalty_unresolved: 0.19, loyalty_resolved_slowly: 0.54, loyalty_resolved_quickly: 0.82,
    ...   told_silent: 0, told_unresolved: 0, told_mollified: 0, told_resolved: 0}
    ... ''')
    >>> out = io.StringIO()
    >>> main_cli(p, stdout=out)
    0
    >>> "customers_lost" in out.getvalue()
    True
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    settings = load_inputs_file(path)
    start = [time.perf_counter()]
    shown = [False]

    def progress(done: int, total: int) -> None:
        if done == 0:  # the simulation starts: time it, not the imports and catalogue loading
            start[0] = time.perf_counter()
            return
        if time.perf_counter() - start[0] > progress_after:
            shown[0] = True
            err.write(f"\rimpact: {done:,}/{total:,} draws ({100 * done / total:.0f}%)")
            err.flush()

    kwargs = {k: v for k, v in settings.items() if k != "inputs"}
    result = impact(inputs=settings.get("inputs"), progress=progress, **kwargs)
    if shown[0]:
        err.write("\n")
    conf = result.summary["confidence"].iloc[0]
    print(f"churn impact ({result.method}; {result.draws:,} draws, seed {result.seed}; "
          f"{conf:.0%} interval)", file=out)
    print(_table(result.summary, ["quantity", "unit", "central", "median", "ci_low",
                                  "ci_high"]), file=out)
    print("\ninputs", file=out)
    print(_table(result.inputs, ["input", "value", "low", "high", "distribution", "source",
                                 "catalogue_ids"]), file=out)
    if len(result.sensitivity):
        print("\nsensitivity of revenue_lost (one input at a time, others central)", file=out)
        print(_table(result.sensitivity, ["rank", "input", "low", "high", "output_low",
                                          "output_high", "swing"]), file=out)
    return 0
