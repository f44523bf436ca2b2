"""Timing and memory helpers shared by the ``bench_*.py`` modules."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def best_of(func: Callable[[], Any], repeats: int = 3, *, warm_up: bool = False) -> float:
    """The shortest wall time of ``repeats`` calls, in seconds (after one untimed call if asked)."""
    if warm_up:
        func()  # imports, caches
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def proc_status(field: str) -> int:
    """A memory figure of this process from /proc/self/status (e.g. ``VmHWM``), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)
