"""Monte Carlo uncertainty and the sensitivity (tornado) table of the churn-impact model."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from cxstats._checks import check_confidence
from cxstats._results import Displayed
from cxstats.models.impact.inputs import SHARES, Input, resolve_inputs, severity_of
from cxstats.models.impact.model import METHODS, OUTPUTS, PLAUSIBLE_MAX_SHARE, evaluate

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["BLOCK", "MAX_DRAWS", "ImpactResult", "impact"]

#: Draws per random block: block ``i`` always uses the ``i``-th child of
#: ``numpy.random.SeedSequence(seed).spawn``, so results do not depend on how work is split.
BLOCK = 1 << 16
#: Outputs that are a product of another output and fixed inputs: when those inputs do not vary,
#: their percentiles are the other output's percentiles times the product (no second sort).
_SCALED = {"revenue_lost": ("customers_lost", ("revenue_per_customer",)),
           "revenue_lost_silent": ("customers_lost_silent", ("revenue_per_customer",)),
           "margin_lost": ("customers_lost", ("revenue_per_customer", "margin"))}
#: Most draws one call makes (every output keeps its draws for the percentiles: ~0.1 GB each).
MAX_DRAWS = 10_000_000


@dataclass(frozen=True, repr=False)
class ImpactResult(Displayed):
    """Result of :func:`impact`.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per output (:data:`OUTPUTS`): ``quantity, unit, central, median, ci_low,
        ci_high, confidence``. ``central`` is the model at the central inputs; ``median`` and
        the interval come from the Monte Carlo draws. ``share_of_loss_silent`` is undefined
        (and left out of its percentiles) in draws where no customer is lost.
    inputs : pandas.DataFrame
        One row per input: ``input, severity, value, low, high, distribution, source,
        catalogue_ids, note`` - which class each input describes (``minor``, ``major`` or
        ``all``) and whether it came from the catalogue or is an assumption.
    sensitivity : pandas.DataFrame
        Tornado table for ``revenue_lost``: ``input, severity, source, low, central, high,
        output_low, output_central, output_high, swing, rank``, largest swing first.
    method : str
    draws : int
    seed : int
        The seed used; with ``seed=None`` a fresh one, recorded so the run can be repeated.
    warnings : tuple of str
        Plausibility warnings (see :data:`PLAUSIBLE_MAX_SHARE`); empty when none.
    samples : dict of str to numpy.ndarray or None
        Per-draw outputs when ``keep_samples=True``.
    """

    summary: pd.DataFrame
    inputs: pd.DataFrame
    sensitivity: pd.DataFrame
    method: str
    draws: int
    seed: int
    warnings: tuple[str, ...] = ()
    samples: dict[str, np.ndarray] | None = field(default=None, repr=False)
    # shown by cxstats._results.Displayed; the chart is the tornado of the sensitivity table
    _chart: ClassVar[str] = "impact_chart"

    @property
    def share_of_base_lost(self) -> float:
        """Central customers lost divided by the customer base (NaN without customers)."""
        lost = float(self.summary.set_index("quantity").loc["customers_lost", "central"])
        base = float(self.inputs.set_index("input").loc["customers", "value"])
        return lost / base if base > 0 else math.nan


def _central(inputs: Mapping[str, Input]) -> dict[str, float | None]:
    return {n: (None if i.distribution == "derived" else i.value) for n, i in inputs.items()}


def _inputs_frame(inputs: Mapping[str, Input]) -> pd.DataFrame:
    import pandas as pd

    rows = [{"input": n, "severity": severity_of(n),
             "value": (None if i.distribution == "derived" else i.value),
             "low": i.low, "high": i.high, "distribution": i.distribution, "source": i.source,
             "catalogue_ids": "; ".join(i.catalogue_ids) or None, "note": i.note}
            for n, i in inputs.items()]
    return pd.DataFrame(rows, columns=["input", "severity", "value", "low", "high",
                                       "distribution", "source", "catalogue_ids", "note"]).astype(
        {"value": "float64", "low": "float64", "high": "float64"})


def _set(central: Mapping[str, Any], name: str, value: float) -> dict[str, Any]:
    """Central values with one input moved to ``value``.

    An outcome share is set to exactly ``value`` and the other three are rescaled in proportion
    so the four still sum to 1 (otherwise :func:`evaluate` would renormalise the moved share away
    from the bound the tornado table reports).
    """
    out = {**central, name: value}
    if name in SHARES:
        others = [s for s in SHARES if s != name]
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
        if not i.varies or (method == "absolute" and n == "loyalty_no_problem"):
            continue
        lo = evaluate(_set(central, n, i.low), method=method)[output]
        hi = evaluate(_set(central, n, i.high), method=method)[output]
        rows.append({"input": n, "severity": severity_of(n), "source": i.source, "low": i.low,
                     "central": i.value, "high": i.high, "output_low": lo,
                     "output_central": out_c, "output_high": hi, "swing": abs(hi - lo)})
    cols = ["input", "severity", "source", "low", "central", "high", "output_low",
            "output_central", "output_high", "swing"]
    frame = pd.DataFrame(rows, columns=cols).astype({c: "float64" for c in cols[3:]})
    frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    frame["rank"] = range(1, len(frame) + 1)
    return frame


def _block(inp: Input, rng: np.random.Generator, size: int) -> np.ndarray | float:
    """A full block of draws cut to ``size``: the last block's draws do not depend on its size."""
    import numpy as np

    x = inp.draw(rng, BLOCK)
    return x if np.ndim(x) == 0 else x[:size]


def _simulate(inputs: Mapping[str, Input], *, method: str, draws: int, seed: int,
              progress: Callable[[int, int], None] | None) -> dict[str, np.ndarray]:
    """Draw block by block; block ``i`` uses child ``i`` of ``SeedSequence(seed)``."""
    import numpy as np

    outs = {k: np.empty(draws) for k in OUTPUTS}
    n_blocks = -(-draws // BLOCK)
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    if progress is not None:
        progress(0, draws)
    for i, child in enumerate(children):
        start = i * BLOCK
        size = min(BLOCK, draws - start)
        rng = np.random.default_rng(child)
        vals = {n: None if inp.distribution == "derived" else _block(inp, rng, size)
                for n, inp in inputs.items()}
        res = evaluate(vals, method=method)
        for k in OUTPUTS:
            outs[k][start:start + size] = res[k]
        if progress is not None:
            progress(start + size, draws)
    return outs


def _check_int(name: str, value: Any, *, low: int, high: int | None = None) -> int:
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < low or (high is not None and value > high):
        bound = f">= {low:,}" if high is None else f"between {low:,} and {high:,}"
        shown = f"{int(value):,}" if abs(int(value)) < 10**30 else "a huge number"
        raise ValueError(f"{name} must be {bound}; got {shown}")
    return int(value)


def impact(
    *,
    customers: Any = None,
    revenue_per_customer: Any = None,
    inputs: Mapping[str, Any] | None = None,
    method: str = "incremental",
    draws: int = 100_000,
    confidence: float = 0.95,
    seed: int | None = 0,
    keep_samples: bool = False,
    root: Path | str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImpactResult:
    """Customers and revenue lost per period through service problems, with uncertainty.

    Parameters
    ----------
    customers, revenue_per_customer : float, (low, high), mapping or Input
        Active customers and revenue per customer per period (required; your own figures).
    inputs : mapping, optional
        Other inputs by name (:data:`~cxstats.models.impact.INPUT_NAMES`): a number (fixed),
        ``(low, high)`` (uniform), ``(low, mode, high)`` (triangular), a mapping
        (``{"count": k, "n": n}``, ``{"value": v, "low": l, "high": h, "distribution":
        "beta"}``, ``{"catalogue": id}``, ...) or an :class:`Input`. Anything not given comes
        from :func:`default_inputs`. Problem, complaint and loyalty inputs exist once per
        severity class (``problem_rate_minor``, ``problem_rate_major``, ...).
    method : {"incremental", "absolute"}
        ``incremental`` (default) counts a customer of group g as lost by the drop in loyalty
        against customers with no problem, ``loyalty_no_problem - L_g``; ``absolute`` uses
        ``1 - L_g`` (TARP's own reading: every customer not loyal is lost), the upper bound.
    draws : int
        Monte Carlo draws, 1 to :data:`MAX_DRAWS`.
    confidence : float
        Level of the Monte Carlo interval (equal-tailed percentiles).
    seed : int or None
        Non-negative seed of ``numpy.random.SeedSequence``; None draws a fresh one, recorded in
        ``result.seed``.
    keep_samples : bool
        Keep the per-draw outputs in ``result.samples``.
    root : path, optional
        Catalogue folder for defaults; default the packaged catalogue.
    progress : callable, optional
        Called as ``progress(0, total)`` before the first draw, then ``progress(done, total)``
        after each block of draws.

    Returns
    -------
    ImpactResult

    Raises
    ------
    ValueError
        Negative customers or revenue, shares outside [0, 1], complaint-outcome shares whose
        central values do not sum to 1, class problem rates that can sum above 1, a low bound
        above the high one, ``draws`` out of range, a negative seed, an unknown input name or
        method.
    TypeError
        An input that is not a number, range, mapping or :class:`Input`.

    Notes
    -----
    Draws use ``numpy.random.Generator`` (``beta``, ``uniform``, ``triangular``) in blocks of
    :data:`BLOCK` draws, block ``i`` seeded by the ``i``-th child of
    ``numpy.random.SeedSequence(seed).spawn``: the same seed gives the same draws however the
    work is split. Percentiles are ``numpy.quantile``. Beta inputs from counts are Jeffreys
    posteriors; intervals of catalogue proportions are Wilson intervals
    (``statsmodels.stats.proportion.proportion_confint(method="wilson")``). Inputs are drawn
    independently; the central values of the four outcome shares must sum to 1, and draws of
    them are renormalised draw by draw to sum to 1. The sensitivity table sets one input at a
    time to its low and high value with the others at their central value.
    ``value_per_point_*`` is the revenue saved by one percentage point more complaints (every
    class's ``complaint_rate + 0.01``) or more resolutions (0.01 of complainers moved from
    unresolved to resolved, quick/slow in their current proportion); the model is linear in
    both, so these are exact.

    When the central loss exceeds :data:`PLAUSIBLE_MAX_SHARE` of the customer base,
    ``result.warnings`` says so (the command line prints it, the handbook shows it).

    Examples
    --------
    >>> r = impact(customers=10_000, revenue_per_customer=50.0, draws=2000, seed=1,
    ...            inputs={"problem_rate_major": {"count": 30, "n": 100},
    ...                    "problem_rate_minor": 0.2, "complaint_rate_major": (0.4, 0.8),
    ...                    "loyalty_no_problem": 0.9})
    >>> list(r.summary.columns)
    ['quantity', 'unit', 'central', 'median', 'ci_low', 'ci_high', 'confidence']
    >>> r.sensitivity["input"].tolist()
    ['problem_rate_major', 'complaint_rate_major']
    >>> r.warnings
    ()
    """
    import numpy as np
    import pandas as pd

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got "
                         f"{str(method)[:40]!r}")
    draws = _check_int("draws", draws, low=1, high=MAX_DRAWS)
    check_confidence(confidence)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    seed = _check_int("seed", seed, low=0)
    resolved = resolve_inputs(inputs, customers=customers,
                              revenue_per_customer=revenue_per_customer, root=root)
    central = evaluate(_central(resolved), method=method)
    samples = _simulate(resolved, method=method, draws=draws, seed=seed, progress=progress)
    q = [(1 - confidence) / 2, 0.5, (1 + confidence) / 2]
    rows = []
    quantiles: dict[str, tuple[float, float, float]] = {}
    for k, unit in OUTPUTS.items():
        scaled = _SCALED.get(k)
        factor = (math.prod(resolved[f].value for f in scaled[1])
                  if scaled and not any(resolved[f].varies for f in scaled[1]) else None)
        if factor is not None and factor >= 0 and scaled[0] in quantiles:
            # a fixed non-negative multiple of an output already summarised: quantiles scale
            lo, med, hi = (factor * x for x in quantiles[scaled[0]])
        else:
            arr = samples[k]
            if not np.isfinite(arr).all():
                arr = arr[np.isfinite(arr)]
            if arr.size == 0:
                lo = med = hi = math.nan
            elif arr.min() == arr.max():  # a constant output (e.g. word of mouth switched off)
                lo = med = hi = arr[0]
            else:
                lo, med, hi = np.quantile(arr, q)
        quantiles[k] = (float(lo), float(med), float(hi))
        rows.append({"quantity": k, "unit": unit, "central": central[k], "median": float(med),
                     "ci_low": float(lo), "ci_high": float(hi), "confidence": confidence})
    summary = pd.DataFrame(rows, columns=["quantity", "unit", "central", "median", "ci_low",
                                          "ci_high", "confidence"])
    warnings: tuple[str, ...] = ()
    base = resolved["customers"].value
    if base > 0 and central["customers_lost"] / base > PLAUSIBLE_MAX_SHARE:
        warnings = (
            f"implausible: the central loss is {central['customers_lost'] / base:.0%} of the "
            f"customer base, more than the {PLAUSIBLE_MAX_SHARE:.0%} that even the worst-treated "
            "group of any study lost (Coca-Cola/TARP 1980: over 30% of dissatisfied "
            "complainers stopped buying); check that problem rate, complaint rate and loyalty "
            "describe the same severity class"
            + (" and prefer method='incremental'" if method == "absolute" else ""),)
    return ImpactResult(summary=summary, inputs=_inputs_frame(resolved),
                        sensitivity=_sensitivity(resolved, method), method=method,
                        draws=draws, seed=seed, warnings=warnings,
                        samples=samples if keep_samples else None)
