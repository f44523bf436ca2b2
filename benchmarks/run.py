"""Run every benchmark module ``benchmarks/bench_*.py`` and print one ``name: value`` per line.

Each module defines ``run() -> dict[str, float]``. Figures are ratios or seconds measured in this one
run, so runs on different machines can be compared. ``make bench`` calls this script.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here.parent))
    sys.path.insert(0, str(here))  # the shared helpers in _timing.py
    only = set(sys.argv[1:])
    for path in sorted(here.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, value in module.run().items():
            print(f"{name}: {value:.4g}" if isinstance(value, float) else f"{name}: {value}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
