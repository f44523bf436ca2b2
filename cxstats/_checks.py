"""Argument checks for the whole package: analyses, models and the catalogue (no heavy imports).

Every check returns the cleaned value or raises a ``TypeError``/``ValueError`` that names the
parameter and the allowed values. Nothing here imports from :mod:`cxstats`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

#: The names statsmodels uses for the alternative hypothesis.
ALTERNATIVES = ("two-sided", "larger", "smaller")


def check_confidence(confidence: Any) -> float:
    """Return ``confidence`` as a float in (0, 1) or raise naming the parameter.

    Examples
    --------
    >>> check_confidence(0.9)
    0.9
    >>> check_confidence(1)
    Traceback (most recent call last):
    ...
    ValueError: confidence must be strictly between 0 and 1 (e.g. 0.95); got 1
    """
    return check_probability(confidence, param="confidence", example="0.95")


def check_alternative(alternative: Any) -> str:
    """Return ``alternative`` if it is one of statsmodels' names, else raise.

    >>> check_alternative("larger")
    'larger'
    """
    if not isinstance(alternative, str) or alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES!r}; got {alternative!r}")
    return alternative


def check_probability(value: Any, *, param: str, example: str | None = None) -> float:
    """A probability strictly inside (0, 1) (a confidence, a power, a significance level, a base rate).

    >>> check_probability(0.05, param="alpha")
    0.05
    """
    hint = f" (e.g. {example})" if example else ""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{param} must be a number strictly between 0 and 1{hint}; "
                        f"got {type(value).__name__}")
    out = float(value)
    if not 0.0 < out < 1.0:
        raise ValueError(f"{param} must be strictly between 0 and 1{hint}; got {value!r}")
    return out


def check_number(value: Any, *, param: str) -> float:
    """A finite real number (a threshold).

    >>> check_number(4, param="csat_threshold")
    4.0
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{param} must be a finite number or None; got {value!r}")
    if not math.isfinite(float(value)):
        raise ValueError(f"{param} must be a finite number or None; got {value!r}")
    return float(value)


def check_label(value: Any, *, param: str) -> str:
    """A non-empty string label.

    >>> check_label("yes", param="positive")
    'yes'
    """
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{param} must be a non-empty string label; got {value!r}")
    return value


def check_labels(values: Any, *, param: str) -> tuple[str, ...]:
    """A non-empty sequence of distinct non-empty string labels.

    >>> check_labels(["a", "b"], param="relief")
    ('a', 'b')
    """
    if isinstance(values, str) or not isinstance(values, Sequence | set | frozenset):
        raise TypeError(f"{param} must be a sequence of string labels; got {values!r}")
    out = tuple(values)
    if not out or not all(isinstance(v, str) and v for v in out):
        raise TypeError(f"{param} must be a non-empty sequence of non-empty string labels; "
                        f"got {values!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"{param} must not repeat a label; got {values!r}")
    return out


def check_choice(value: Any, choices: Sequence[str], *, param: str) -> str:
    """One of ``choices``.

    >>> check_choice("BCa", ("BCa", "percentile"), param="method")
    'BCa'
    """
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{param} must be one of {tuple(choices)!r}; got {value!r}")
    return value
