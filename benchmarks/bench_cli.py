"""Command-line start-up: ``cxstats list`` against ``python -c "import pandas"``.

* ``cli_list_over_import_pandas``: median wall time of ``cxstats list`` (the installed entry point,
  output discarded) divided by the median wall time of ``python -c "import pandas"``, each run
  ``REPEATS`` times as one fresh process (interpreter start-up included in both). Goal <= 1.2.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 7


def median_seconds(cmd: list[str], repeats: int = REPEATS) -> float:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)  # warm the file cache
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run() -> dict[str, float]:
    cli = str(Path(sys.executable).with_name("cxstats"))
    pandas = median_seconds([sys.executable, "-c", "import pandas"])
    return {"cli_list_over_import_pandas": median_seconds([cli, "list"]) / pandas}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value:.4g}")
