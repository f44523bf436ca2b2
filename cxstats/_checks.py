"""Argument checks shared by the analyses and the models (no heavy imports)."""

from __future__ import annotations

from numbers import Real
from typing import Any


def check_confidence(confidence: Any, *, param: str = "confidence") -> float:
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
    if isinstance(confidence, bool) or not isinstance(confidence, Real):
        raise TypeError(f"{param} must be a number strictly between 0 and 1 (e.g. 0.95); "
                        f"got {type(confidence).__name__}")
    value = float(confidence)
    if not 0.0 < value < 1.0:
        raise ValueError(f"{param} must be strictly between 0 and 1 (e.g. 0.95); got {confidence!r}")
    return value
