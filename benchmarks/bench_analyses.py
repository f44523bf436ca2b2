"""Benchmark of the analyses: forgiveness rate on 10,000,000 generated tickets, and import time.

Figures (ratios measured in this one run, so machines can be compared):

* ``forgiveness_{polars,duckdb,pandas}_over_sql``: best-of-3 wall time of
  :func:`cxstats.analyses.forgiveness_rate` on a polars DataFrame, a DuckDB relation (an in-memory
  DuckDB table) and a pandas DataFrame, each divided by the best-of-3 time of a hand-written DuckDB
  SQL query computing the same counts on the same DuckDB table. Targets: polars and DuckDB
  <= 1.5, pandas <= 3.
* ``forgiveness_peak_memory_over_input`` (pandas) and ``..._polars`` / ``..._duckdb``: peak
  resident memory added while the analysis runs (Linux ``VmHWM`` after resetting it through
  ``/proc/self/clear_refs``, in a fresh process per engine) divided by the size of the input
  (pandas ``memory_usage(deep=True)``, polars ``estimated_size()``, the Arrow size for DuckDB).
  Near 0 means nothing was copied; 1 would be a full copy of the input.
* ``import_over_pandas``: ``import cxstats`` time divided by ``import pandas`` time, and
  ``import_analyses_over_pandas`` for ``import cxstats.analyses``, each measured inside fresh
  subprocesses (best of 7; interpreter start-up excluded). Target <= 1.3.
* ``forgiveness_sql_seconds``: the reference time itself.

The tickets are generated with a seeded NumPy generator (``SEED``); 30% have no CSAT answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _timing import best_of, proc_status

N_TICKETS = 10_000_000
SEED = 5
REPEATS = 3
HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent

SQL = """
SELECT sentiment,
       count(*) AS n_rows,
       count(csat) AS n,
       sum(CASE WHEN csat = 'bad' THEN 1 ELSE 0 END) AS bad
FROM tickets
GROUP BY sentiment
"""


def make_polars(n: int = N_TICKETS) -> Any:
    """The generated tickets as a polars DataFrame (seeded)."""
    import polars as pl

    rng = np.random.default_rng(SEED)
    sentiment = rng.choice(np.arange(3, dtype=np.int8), n, p=[0.2, 0.5, 0.3])
    p_bad = np.array([0.14, 0.10, 0.08], dtype=np.float32)[sentiment]
    bad = rng.random(n, dtype=np.float32) < p_bad
    rated = rng.random(n, dtype=np.float32) < 0.7
    frame = pl.DataFrame({"s": sentiment, "bad": bad, "rated": rated})
    return frame.select(
        sentiment=pl.col("s").replace_strict({0: "negative", 1: "neutral", 2: "positive"},
                                             return_dtype=pl.String),
        csat=pl.when(pl.col("rated")).then(
            pl.when(pl.col("bad")).then(pl.lit("bad")).otherwise(pl.lit("good"))),
    )


def make_duckdb(frame: Any) -> tuple[Any, Any]:
    """A DuckDB connection holding the tickets as a native table, and a relation on it."""
    import duckdb

    con = duckdb.connect()
    arrow = frame.to_arrow()
    con.register("tickets_arrow", arrow)
    con.execute("CREATE TABLE tickets AS SELECT * FROM tickets_arrow")
    con.unregister("tickets_arrow")
    return con, con.table("tickets")


def _memory_child(engine: str) -> None:
    """Run in a fresh process: print the peak memory added by one analysis and the input size."""
    import gc

    sys.path.insert(0, str(ROOT))
    from cxstats.analyses import forgiveness_rate

    small = make_polars(1_000)
    frame = make_polars()
    if engine == "pandas":
        data = frame.to_pandas()
        size = int(data.memory_usage(deep=True).sum())
        forgiveness_rate(small.to_pandas())
    elif engine == "polars":
        data = frame
        size = int(frame.estimated_size())
        forgiveness_rate(small)
    else:
        _con, data = make_duckdb(frame)  # keep the connection alive
        size = int(frame.to_arrow().nbytes)
        forgiveness_rate(make_duckdb(small)[1])
    if engine != "polars":
        del frame
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = proc_status("VmRSS")
    forgiveness_rate(data)
    peak = proc_status("VmHWM")
    print(json.dumps({"extra": max(peak - before, 0), "input": size}))


def peak_memory_over_input(engine: str) -> float:
    out = subprocess.run([sys.executable, str(HERE), "--memory", engine], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["extra"] / result["input"]


def import_seconds(module: str, repeats: int = 7) -> float:
    code = (f"import time; t = time.perf_counter(); import {module}; "
            "print(time.perf_counter() - t)")
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                             text=True, cwd=ROOT)
        times.append(float(out.stdout.strip()))
    return min(times)


def _timings() -> dict[str, float]:
    from cxstats.analyses import forgiveness_rate

    frame = make_polars()
    con, relation = make_duckdb(frame)
    pdf = frame.to_pandas()

    # the three inputs hold the same rows: check the counts before timing anything
    ref = con.sql(SQL).df().set_index("sentiment").sort_index()
    for data in (frame, relation, pdf):
        by = forgiveness_rate(data).by_sentiment.set_index("initial_sentiment").sort_index()
        assert by["n"].tolist() == ref["n"].astype(int).tolist()
        assert by["bad"].tolist() == ref["bad"].astype(int).tolist()

    def timed(func: Callable[[], Any]) -> float:
        return best_of(func, REPEATS, warm_up=True)

    sql = timed(lambda: con.sql(SQL).df())
    results = {
        "forgiveness_polars_over_sql": timed(lambda: forgiveness_rate(frame)) / sql,
        "forgiveness_duckdb_over_sql": timed(lambda: forgiveness_rate(relation)) / sql,
        "forgiveness_pandas_over_sql": timed(lambda: forgiveness_rate(pdf)) / sql,
        "forgiveness_sql_seconds": sql,
    }
    con.close()
    return results


def run() -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    results = _timings()
    results["forgiveness_peak_memory_over_input"] = peak_memory_over_input("pandas")
    results["forgiveness_peak_memory_over_input_polars"] = peak_memory_over_input("polars")
    results["forgiveness_peak_memory_over_input_duckdb"] = peak_memory_over_input("duckdb")
    pandas_s = import_seconds("pandas")
    results["import_over_pandas"] = import_seconds("cxstats") / pandas_s
    results["import_analyses_over_pandas"] = import_seconds("cxstats.analyses") / pandas_s
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--memory":
        _memory_child(sys.argv[2])
    else:
        for name, value in run().items():
            print(f"{name}: {value:.4g}")
