"""Store the Wilson interval of every catalogue figure that has a base, in data/wilson_intervals.tsv.

Each line is ``count, n, confidence, ci_low, ci_high`` (percent) exactly as the package's one
Wilson helper, ``cxstats._intervals.wilson`` (``statsmodels.stats.proportion.proportion_confint(
count, n, alpha=1 - confidence, method="wilson")``), returns it, so ``cxstats show`` and the
catalogue table need not import statsmodels. ``cxstats.catalogue.wilson_interval`` computes any
pair not in the file; ``tests/catalogue/test_catalogue.py`` recomputes every line
and checks the file is current.

Usage: python scripts/make_intervals.py [--check]   (--check: exit 1 if the file is out of date)
"""

from __future__ import annotations

import sys
from pathlib import Path

from cxstats import catalogue
from cxstats._generated import sync
from cxstats._intervals import wilson

OUT = Path(__file__).resolve().parent.parent / "data"
NAME = "wilson_intervals.tsv"


def text() -> str:
    """The file's content for the current catalogue."""
    keys = {(s.ci_count, s.ci_n, catalogue.CONFIDENCE) for s in catalogue.statistics()
            if s.ci_n is not None}
    lines = ["# Written by scripts/make_intervals.py: statsmodels proportion_confint(count, n, "
             "alpha=1 - confidence, method='wilson'), in percent. Do not edit.",
             "count\tn\tconfidence\tci_low\tci_high"]
    for k, n, conf in sorted(keys):
        lo, hi = wilson(k, n, conf)
        lines.append(f"{k}\t{n}\t{conf!r}\t{lo * 100!r}\t{hi * 100!r}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    return sync(OUT, {NAME: text()}, check="--check" in argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
