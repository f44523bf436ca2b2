"""Models of what bad service costs: churn impact, word of mouth, customer effort, pooling.

Submodules are loaded on first use, so ``import cxstats.models`` stays light:

* :mod:`cxstats.models.impact`: a TARP-style market-damage (churn-impact) model with Monte Carlo
  uncertainty and a sensitivity table, and :func:`attributable_loss`, the same cost measured on
  your own customers (also importable as ``cxstats.models.attributable_loss``);
* :mod:`cxstats.models.word_of_mouth`: reach ratio and share telling 10+ people;
* :mod:`cxstats.models.effort`: Customer Effort Score, effort and loyalty, repeat contacts;
* :mod:`cxstats.models.pooling`: random-effects pooling of proportions across reports.

Examples
--------
>>> from cxstats import models
>>> sorted(models.__all__)
['attributable_loss', 'effort', 'impact', 'pooling', 'word_of_mouth']
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["attributable_loss", "effort", "impact", "pooling", "word_of_mouth"]


def __getattr__(name: str) -> Any:
    if name == "attributable_loss":
        return importlib.import_module("cxstats.models.impact").attributable_loss
    if name in __all__:
        return importlib.import_module(f"cxstats.models.{name}")
    raise AttributeError(f"module 'cxstats.models' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
