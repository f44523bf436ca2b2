"""Inputs of the churn-impact model: names, severity classes, provenance and defaults.

Every input is an :class:`Input`: a central value, an optional range and a distribution, and a
label saying where it comes from: a catalogue statistic (by id, with its interval when the base
``n`` is known), a user value, or an explicit assumption. :func:`default_inputs` lists the
defaults and their labels.

Problems come in severity classes (:data:`SEVERITIES`), the two rows of TARP's loyalty table:
``minor`` (a potential loss under $5) and ``major`` (over $100). The problem rate, complaint rate
and loyalty inputs exist once per class (``problem_rate_minor``, ``problem_rate_major``, ...), so
that the figures multiplied together describe the same kind of problem; :func:`severity_of` says
which class an input belongs to (``"all"`` for inputs shared by both classes).

Examples
--------
>>> severity_of("loyalty_silent_major"), severity_of("customers")
('major', 'all')
>>> d = default_inputs(names=("problem_rate_major", "complaint_rate_major"))
>>> d["problem_rate_major"].source, d["complaint_rate_major"].source
('assumption', 'catalogue')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxstats._checks import check_confidence

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "CLASS_INPUTS",
    "DISTRIBUTIONS",
    "INPUT_NAMES",
    "SEVERITIES",
    "SHARES",
    "Input",
    "default_inputs",
    "severity_of",
]

DISTRIBUTIONS = ("fixed", "beta", "uniform", "triangular", "derived")
#: Severity classes of problems: the two rows of TARP's loyalty table (< $5 and > $100 at stake).
SEVERITIES = ("minor", "major")
#: Inputs that exist once per severity class, as ``{name}_{severity}``.
CLASS_INPUTS = ("problem_rate", "complaint_rate", "loyalty_silent", "loyalty_unresolved",
                "loyalty_mollified", "loyalty_resolved_slowly", "loyalty_resolved_quickly")
#: The four complaint-outcome shares (shared by both classes; their central values sum to 1).
SHARES = ("share_resolved_quickly", "share_resolved_slowly", "share_mollified",
          "share_unresolved")


def _per_class(name: str) -> tuple[str, ...]:
    return tuple(f"{name}_{k}" for k in SEVERITIES)


#: Every input the model knows, in display order.
INPUT_NAMES = (
    "customers", "revenue_per_customer", "margin", "loyalty_no_problem",
    *_per_class("problem_rate"), *_per_class("complaint_rate"), *SHARES,
    *(n for base in CLASS_INPUTS[2:] for n in _per_class(base)),
    "told_silent", "told_unresolved", "told_mollified", "told_resolved",
    "wom_conversion_negative", "wom_conversion_positive",
)

#: Counts and money: must be >= 0. Every other input is a share in [0, 1].
_NONNEG = ("customers", "revenue_per_customer", "told_silent", "told_unresolved",
           "told_mollified", "told_resolved")

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
ID_PROBLEM = "ccmc-asu-2023-problem-past-year"
ID_COMPLAIN_SMALL = "quality-progress-2003-small-problem-complained"
ID_SILENT_142 = "quality-progress-2003-did-not-complain-142-usd"
_ID_TOLD_SAT = "coca-cola-tarp-wom-told-satisfied"
_ID_TOLD_DIS = "coca-cola-tarp-wom-told-dissatisfied"
_OUTCOME_NOTE = ("assumption: an illustrative complaint-outcome split (30% resolved quickly, 30% "
                 "slowly, 40% unresolved) for a worked example of the TARP-style model; no "
                 "published default - "
                 "replace with your own complaint-handling outcomes")
#: Range of the ``loyalty_no_problem`` assumption (no published figure was found).
NO_PROBLEM_RANGE = (0.82, 0.95)
#: Range of each class's ``problem_rate`` assumption: both classes at the top of their range
#: together reach the catalogue's any-problem rate (CCMC/ASU 2023, 74%).
CLASS_PROBLEM_RANGE = (0.0, 0.37)


def severity_of(name: str) -> str:
    """The severity class an input belongs to: ``"minor"``, ``"major"`` or ``"all"``."""
    for k in SEVERITIES:
        if name.endswith(f"_{k}"):
            return k
    return "all"


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters (error messages never echo a huge value)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({type(value).__name__})"


def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite; got {_short(value)}")
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
        from cxstats._intervals import wilson

        for name, v in (("count", count), ("n", n)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"{name} must be an int, not {type(v).__name__}")
        if n < 1:
            raise ValueError(f"n must be >= 1; got {n}")
        if not 0 <= count <= n:
            raise ValueError(f"count must be between 0 and n ({n}); got {count}")
        check_confidence(confidence)
        lo, hi = wilson(count, n, confidence)
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
        deviation ``sd = (high - low) / (2 z)``, ``z = scipy.stats.norm.ppf``. This is an
        approximation (a Wilson interval is not symmetric), stated in the input's note.
        """
        from scipy.stats import norm

        v, lo, hi = _real("value", value), _real("low", low), _real("high", high)
        if lo > hi:
            raise ValueError(f"low ({low}) must not be above high ({high})")
        if not 0 < v < 1:
            raise ValueError(f"value must be strictly between 0 and 1 for a Beta; got {value}")
        if not lo <= v <= hi:
            raise ValueError(f"value ({v}) must lie between low ({lo}) and high ({hi})")
        check_confidence(confidence)
        sd = (hi - lo) / (2 * float(norm.ppf(0.5 + confidence / 2)))
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

        if not isinstance(statistic_id, str):
            raise TypeError(f"a catalogue id must be a string, not {type(statistic_id).__name__}")
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
                         f"got {_short(self.distribution)}")

    @property
    def varies(self) -> bool:
        """True when the input has a range (``low < high``)."""
        return self.low is not None and self.high is not None and self.low < self.high


def _validate_input(name: str, inp: Input) -> None:
    if inp.distribution not in DISTRIBUTIONS:
        raise ValueError(f"{name}: distribution must be one of {', '.join(DISTRIBUTIONS)}; "
                         f"got {_short(inp.distribution)}")
    if inp.distribution == "beta" and not (inp.a and inp.b and inp.a > 0 and inp.b > 0):
        raise ValueError(f"{name}: a Beta input needs a > 0 and b > 0")
    if inp.distribution in ("uniform", "triangular") and (inp.low is None or inp.high is None):
        raise ValueError(f"{name}: a {inp.distribution} input needs low and high")
    for label, v in (("value", inp.value), ("low", inp.low), ("high", inp.high)):
        if v is None or (label == "value" and inp.distribution == "derived"):
            continue
        if not math.isfinite(v):
            raise ValueError(f"{name}: its {label} must be finite; got {v}")
        if name in _NONNEG:
            if v < 0:
                raise ValueError(f"{name} must be >= 0: its {label} is {v}")
        elif not 0 <= v <= 1:
            raise ValueError(f"{name} is a share: its {label} must lie in [0, 1]; got {v}")
    if inp.low is not None and inp.high is not None and inp.low > inp.high:
        raise ValueError(f"{name}: low ({inp.low}) must not be above high ({inp.high})")


def to_input(name: str, spec: Any, *, root: Path | str | None = None) -> Input:
    """Turn a user specification into a validated :class:`Input` (``source="user"``).

    Every error message starts with the input's name.
    """
    try:
        inp = _to_input(name, spec, root=root)
        _validate_input(name, inp)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        raise type(exc)(msg if msg.startswith(name) else f"{name}: {msg}") from None
    return inp


def _to_input(name: str, spec: Any, *, root: Path | str | None) -> Input:
    if isinstance(spec, Input):
        return spec
    if isinstance(spec, bool):
        raise TypeError("must be a number, a (low, high) pair, a mapping or an Input; got bool")
    if isinstance(spec, int | float):
        return Input.fixed(spec, note="user value")
    if isinstance(spec, tuple | list):
        if len(spec) == 2:
            return Input.uniform(*spec, note="user range, uniform")
        if len(spec) == 3:
            return Input.triangular(*spec, note="user range (low, mode, high), triangular")
        raise ValueError(f"a range must be (low, high) or (low, mode, high); got {len(spec)} "
                         "numbers")
    if isinstance(spec, Mapping):
        return _from_mapping(name, spec, root=root)
    raise TypeError(f"must be a number, a (low, high) pair, a mapping or an Input; got "
                    f"{type(spec).__name__}")


_SPEC_KEYS = {"value", "low", "high", "mode", "distribution", "count", "n", "catalogue",
              "complement", "confidence", "note"}


def _from_mapping(name: str, spec: Mapping[str, Any], *, root: Path | str | None) -> Input:
    unknown = set(map(str, spec)) - _SPEC_KEYS
    if unknown:
        raise ValueError(f"unknown keys {_short(sorted(unknown))}; allowed: "
                         f"{', '.join(sorted(_SPEC_KEYS))}")
    note = spec.get("note")
    if note is not None and not isinstance(note, str):
        raise TypeError(f"note must be a string, not {type(note).__name__}")
    conf = spec.get("confidence", 0.95)
    dist = spec.get("distribution")
    if "catalogue" in spec:
        return Input.from_catalogue(spec["catalogue"], complement=bool(spec.get("complement")),
                                    confidence=conf, root=root)
    if "count" in spec or "n" in spec:
        return Input.from_counts(spec.get("count"), spec.get("n"), confidence=conf,
                                 complement=bool(spec.get("complement")),
                                 note=note or "user counts, Jeffreys Beta")
    if "low" in spec or "high" in spec:
        if "low" not in spec or "high" not in spec:
            raise ValueError("give both low and high")
        if dist == "beta":
            return Input.from_interval(spec.get("value"), spec["low"], spec["high"],
                                       confidence=conf, note=note or "user interval")
        if dist == "triangular" or "mode" in spec:
            mode = spec.get("mode", spec.get("value"))
            if mode is None:
                raise ValueError("a triangular range needs mode (or value)")
            return Input.triangular(spec["low"], mode, spec["high"],
                                    note=note or "user range, triangular")
        if dist not in (None, "uniform"):
            raise ValueError(f"distribution must be uniform, triangular or beta for a range; "
                             f"got {_short(dist)}")
        return Input.uniform(spec["low"], spec["high"], value=spec.get("value"),
                             note=note or "user range, uniform")
    if "value" not in spec:
        raise ValueError("a mapping needs value, low/high, count/n or catalogue")
    return Input.fixed(spec["value"], note=note or "user value")


def default_inputs(*, root: Path | str | None = None,
                   names: tuple[str, ...] | None = None) -> dict[str, Input]:
    """The default inputs, each a catalogue statistic or a labelled assumption.

    ``customers`` and ``revenue_per_customer`` have no default (they are the user's own).

    Parameters
    ----------
    root : path, optional
        A catalogue folder; default the packaged catalogue.
    names : tuple of str, optional
        Only build these inputs (the catalogue is read only for them).

    Returns
    -------
    dict of str to Input

    Notes
    -----
    * ``loyalty_no_problem``: **assumption**. No published loyalty (repurchase) rate of customers
      without a problem was found in TARP, Goodman or CCMC material (searched for the project).
      Uniform on :data:`NO_PROBLEM_RANGE` (82% to 95%): between TARP's two "satisfied quickly"
      figures (82% for problems over $100, 95% under $5), on the premise that a problem fixed
      fast leaves loyalty near its no-problem level.
    * ``problem_rate_minor``, ``problem_rate_major``: **assumption**. The catalogue's problem
      rate (CCMC/ASU National Customer Rage Survey 2023, 74% had a problem in the past year)
      covers every problem; its split by potential loss was not found. Each class is uniform on
      :data:`CLASS_PROBLEM_RANGE` (0 to 37%), so both at the top of their range reach 74%;
      problems between $5 and $100 belong to neither TARP row.
    * ``complaint_rate_minor``: Goodman & Newman (2003), 3% complained about small problems;
      ``complaint_rate_major``: the same paper, 1 - 31% silent for a $142 problem (fixed: n
      unknown).
    * loyalty by outcome, per class: TARP's table (Fast Company restatement), fixed because n is
      unknown; ``loyalty_mollified_*``: not found in any source, derived as the midpoint of the
      class's ``loyalty_resolved_slowly`` and ``loyalty_unresolved`` (assumption).
    * outcome shares: an illustrative split for a worked example (assumption).
    * people told: 5 (satisfied) and 10 (dissatisfied), Coca-Cola/TARP; mollified and silent
      customers are assumed to tell as many as dissatisfied complainers.
    * word-of-mouth conversion: no sourced value, so 0 (word of mouth off), an assumption.
    * ``margin``: 1 (revenue, not margin), an assumption.

    Examples
    --------
    >>> d = default_inputs(names=("share_unresolved", "loyalty_no_problem"))
    >>> d["share_unresolved"].value, d["share_unresolved"].source
    (0.4, 'assumption')
    >>> d["loyalty_no_problem"].low, d["loyalty_no_problem"].high
    (0.82, 0.95)
    """
    wanted = set(INPUT_NAMES if names is None else names)
    out: dict[str, Input] = {}

    def want(n: str) -> bool:
        return n in wanted

    if want("margin"):
        out["margin"] = Input.fixed(1.0, source="assumption",
                                    note="assumption: margin 1 (losses counted as revenue)")
    if want("loyalty_no_problem"):
        out["loyalty_no_problem"] = Input.uniform(
            *NO_PROBLEM_RANGE, source="assumption",
            catalogue_ids=(_TARP["major"]["loyalty_resolved_quickly"],
                           _TARP["minor"]["loyalty_resolved_quickly"]),
            note=("assumption: no published loyalty of customers without a problem was found "
                  "(TARP, Goodman and CCMC material searched); uniform between TARP's two "
                  "'satisfied quickly' figures, 82% (over $100) and 95% (under $5) - "
                  "measure it on your own customers"))
    for k in SEVERITIES:
        if want(f"problem_rate_{k}"):
            out[f"problem_rate_{k}"] = Input.uniform(
                *CLASS_PROBLEM_RANGE, source="assumption", catalogue_ids=(ID_PROBLEM,),
                note=(f"assumption: share of customers with a {k} problem in the period; the "
                      "catalogue's 74% (CCMC/ASU 2023) counts problems of every size and its "
                      "split by size was not found, so each class is uniform on 0 to 37% "
                      "(both classes at most 74% together)"))
    if want("complaint_rate_minor"):
        out["complaint_rate_minor"] = Input.from_catalogue(ID_COMPLAIN_SMALL, root=root)
    if want("complaint_rate_major"):
        out["complaint_rate_major"] = Input.from_catalogue(ID_SILENT_142, complement=True,
                                                           root=root)
    for n in SHARES:
        if want(n):
            out[n] = Input.fixed({"share_resolved_quickly": 0.3, "share_resolved_slowly": 0.3,
                                  "share_mollified": 0.0, "share_unresolved": 0.4}[n],
                                 source="assumption", note=_OUTCOME_NOTE)
    for k in SEVERITIES:
        for base, sid in _TARP[k].items():
            if want(f"{base}_{k}"):
                out[f"{base}_{k}"] = Input.from_catalogue(sid, root=root)
        if want(f"loyalty_mollified_{k}"):
            out[f"loyalty_mollified_{k}"] = Input(
                value=math.nan, distribution="derived", source="assumption",
                note=(f"assumption: no published figure; midpoint of loyalty_resolved_slowly_{k} "
                      f"and loyalty_unresolved_{k}, draw by draw"))
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
    return {n: out[n] for n in INPUT_NAMES if n in out}


def resolve_inputs(inputs: Mapping[str, Any] | None, *, customers: Any,
                   revenue_per_customer: Any,
                   root: Path | str | None = None) -> dict[str, Input]:
    """User specifications plus defaults, validated, as a complete mapping of :class:`Input`.

    Raises ValueError for unknown names, missing customers or revenue, outcome shares whose
    central values do not sum to 1, or class problem rates that can sum above 1.
    """
    if inputs is not None and not isinstance(inputs, Mapping):
        raise TypeError(f"inputs must be a mapping of input name to spec, not "
                        f"{type(inputs).__name__}")
    given = dict(inputs or {})
    for key, val in (("customers", customers), ("revenue_per_customer", revenue_per_customer)):
        if val is not None:
            if key in given:
                raise ValueError(f"{key} given twice (argument and inputs)")
            given[key] = val
    unknown = set(map(str, given)) - set(INPUT_NAMES)
    if unknown:
        old = sorted(u for u in unknown if u in CLASS_INPUTS)
        hint = (f" ({', '.join(old)} now exist once per severity class: add _minor or _major)"
                if old else "")
        raise ValueError(f"unknown input(s) {_short(sorted(unknown), 200)}{hint}; allowed: "
                         f"{', '.join(INPUT_NAMES)}")
    for key in ("customers", "revenue_per_customer"):
        if given.get(key) is None:
            raise ValueError(f"{key} is required (your own figure; there is no default)")
    resolved: dict[str, Input] = {}
    for key, spec in given.items():
        if spec is None and key.startswith("loyalty_mollified_"):
            continue
        resolved[key] = to_input(key, spec, root=root)
    missing = tuple(n for n in INPUT_NAMES if n not in resolved)
    if missing:
        resolved.update(default_inputs(root=root, names=missing))
    total = sum(resolved[s].value for s in SHARES)
    if total <= 0:
        raise ValueError(f"the outcome shares ({', '.join(SHARES)}) must not all be 0")
    if abs(total - 1.0) > 1e-6:
        # renormalising here would silently replace the figures shown in the inputs table
        shown = ", ".join(f"{s}={resolved[s].value:g} ({resolved[s].source})" for s in SHARES)
        raise ValueError(f"the central values of the four complaint-outcome shares must sum to 1; "
                         f"got {shown}, sum {total:g}. Give all four (unset ones are the "
                         "assumed 0.3/0.3/0/0.4 split); ranges are renormalised draw by draw")
    rates = [resolved[f"problem_rate_{k}"] for k in SEVERITIES]
    top = sum(r.high if r.high is not None else r.value for r in rates)
    if top > 1 + 1e-12:
        shown = ", ".join(f"problem_rate_{k} up to {(r.high if r.high is not None else r.value):g}"
                          for k, r in zip(SEVERITIES, rates, strict=True))
        raise ValueError(f"the problem rates of the severity classes are shares of the same "
                         f"customers and must not sum above 1; got {shown}")
    return {n: resolved[n] for n in INPUT_NAMES if n in resolved}
