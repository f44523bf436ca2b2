"""Engines that scale: 100,000,000 tickets from Parquet with DuckDB, and Dask against DuckDB.

Figures:

* ``forgiveness_100m_duckdb_parquet_seconds``: best-of-3 wall time of
  :func:`cxstats.analyses.forgiveness_rate` on a DuckDB relation reading a Parquet file of
  100,000,000 seeded tickets lazily (``duckdb.read_parquet``: nothing is loaded up front).
* ``forgiveness_100m_peak_memory_gib``: peak resident memory (Linux ``VmHWM``) of a fresh process
  that imports cxstats, opens that relation and runs the analysis once, in GiB. Goal: under 2.
* ``forgiveness_dask_over_duckdb``: best-of-3 time of the analysis on a Dask DataFrame (from the
  10,000,000 tickets of ``bench_analyses``, in memory, one partition per core) divided by the time
  on a DuckDB relation holding the same rows in memory.

The Parquet file is written once, in chunks of 5,000,000 tickets (each with its own seeded
generator, so memory stays low), to ``$CXSTATS_BENCH_CACHE`` or ``~/.cache/cxstats-bench`` (outside
the repository), and reused while its name (size, seed, version) matches. The tickets follow the
distribution of ``bench_analyses.make_polars``: 20/50/30% negative/neutral/positive, bad rates
14/10/8%, 30% unrated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from _timing import best_of, proc_status

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
N_BIG = 100_000_000
CHUNK = 5_000_000
SEED = 5
VERSION = 1
REPEATS = 3
SENTIMENTS = ["negative", "neutral", "positive"]

SQL = """
SELECT sentiment, count(csat) AS n, sum(CASE WHEN csat = 'bad' THEN 1 ELSE 0 END) AS bad
FROM read_parquet(?) GROUP BY sentiment ORDER BY sentiment
"""


def cache_dir() -> Path:
    base = os.environ.get("CXSTATS_BENCH_CACHE")
    return Path(base) if base else Path.home() / ".cache" / "cxstats-bench"


def parquet_path(n: int = N_BIG) -> Path:
    """The Parquet file of ``n`` seeded tickets, written (once) in chunks of ``CHUNK`` rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = cache_dir() / f"tickets_{n}_seed{SEED}_v{VERSION}.parquet"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    sentiments = pa.array(SENTIMENTS)
    ratings = pa.array(["good", "bad"])
    sizes = [CHUNK] * (n // CHUNK) + ([n % CHUNK] if n % CHUNK else [])
    seeds = np.random.SeedSequence(SEED).spawn(len(sizes))
    schema = pa.schema([("sentiment", pa.dictionary(pa.int8(), pa.string())),
                        ("csat", pa.dictionary(pa.int8(), pa.string()))])
    partial = path.with_suffix(".partial")
    with pq.ParquetWriter(partial, schema) as writer:
        for size, seed in zip(sizes, seeds, strict=True):
            rng = np.random.default_rng(seed)
            sentiment = rng.choice(np.arange(3, dtype=np.int8), size, p=[0.2, 0.5, 0.3])
            p_bad = np.array([0.14, 0.10, 0.08], dtype=np.float32)[sentiment]
            bad = (rng.random(size, dtype=np.float32) < p_bad).astype(np.int8)
            rated = rng.random(size, dtype=np.float32) < 0.7
            table = pa.table({
                "sentiment": pa.DictionaryArray.from_arrays(pa.array(sentiment), sentiments),
                "csat": pa.DictionaryArray.from_arrays(pa.array(bad, mask=~rated), ratings),
            }, schema=schema)
            writer.write_table(table, row_group_size=1_000_000)
    partial.rename(path)
    return path


def _parquet_child(path: str) -> None:
    """In a fresh process: the peak memory of one run, then the best-of-3 time (JSON on stdout)."""
    import duckdb

    sys.path.insert(0, str(ROOT))
    from cxstats.analyses import forgiveness_rate

    con = duckdb.connect()
    relation = con.read_parquet(path)
    by = forgiveness_rate(relation).by_sentiment
    peak = proc_status("VmHWM")
    seconds = best_of(lambda: forgiveness_rate(relation), REPEATS)
    print(json.dumps({"peak": peak, "seconds": seconds, "n": by["n"].tolist(),
                      "bad": by["bad"].tolist()}))


def parquet_figures() -> dict[str, float]:
    import duckdb

    path = parquet_path()
    out = subprocess.run([sys.executable, str(HERE), "--parquet", str(path)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    ref = duckdb.connect().execute(SQL, [str(path)]).fetchall()  # the same counts by plain SQL
    assert [r[0] for r in ref] == SENTIMENTS
    assert result["n"] == [int(r[1]) for r in ref] and result["bad"] == [int(r[2]) for r in ref]
    assert sum(result["n"]) > 0.69 * N_BIG
    return {"forgiveness_100m_duckdb_parquet_seconds": result["seconds"],
            "forgiveness_100m_peak_memory_gib": result["peak"] / 2**30}


def dask_over_duckdb() -> float:
    import warnings

    import dask.dataframe as dd

    sys.path.insert(0, str(HERE.parent))
    from bench_analyses import make_duckdb, make_polars

    from cxstats.analyses import forgiveness_rate

    frame = make_polars()
    con, relation = make_duckdb(frame)
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=os.cpu_count() or 1)
    del frame
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Dask support is moving", FutureWarning)
        ref = forgiveness_rate(relation).by_sentiment
        assert forgiveness_rate(ddf).by_sentiment.equals(ref)
        ratio = (best_of(lambda: forgiveness_rate(ddf), REPEATS, warm_up=True)
                 / best_of(lambda: forgiveness_rate(relation), REPEATS, warm_up=True))
    con.close()
    return ratio


def run() -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    results = parquet_figures()
    results["forgiveness_dask_over_duckdb"] = dask_over_duckdb()
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--parquet":
        _parquet_child(sys.argv[2])
    else:
        for name, value in run().items():
            print(f"{name}: {value:.4g}")
