"""The dataframe layer: every engine gives the same numbers, counting stays in the engine.

``to_engine`` and ``ENGINES`` are imported by the other analysis test modules.
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from pandas.testing import assert_frame_equal

from cxstats import datasets
from cxstats.analyses import _frames, dispute_by_response, forgiveness_rate, outcome_by_problems

ENGINES = ["pandas", "polars", "polars_lazy", "duckdb"]
_CONNECTIONS: list[Any] = []  # keep DuckDB connections alive while their relations are used


def to_engine(frame: pd.DataFrame, engine: str) -> Any:
    """The same rows as ``frame`` held by another engine."""
    if engine == "pandas":
        return frame.copy()
    if engine == "polars":
        return pl.from_pandas(frame)
    if engine == "polars_lazy":
        return pl.from_pandas(frame).lazy()
    if engine == "duckdb":
        con = duckdb.connect()
        _CONNECTIONS.append(con)
        con.register("frame_view", pl.from_pandas(frame).to_arrow())
        return con.sql("SELECT * FROM frame_view")
    raise ValueError(engine)


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return datasets.load_tickets()


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return datasets.load_customers()


def _complaints() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    responses = ["Closed with monetary relief", "Closed with non-monetary relief",
                 "Closed with explanation", "Closed", "Untimely response"]
    n = 500
    disputed = rng.choice(["Yes", "No"], n, p=[0.2, 0.8]).astype(object)
    disputed[rng.random(n) < 0.05] = None
    return pd.DataFrame({"Company response to consumer": rng.choice(responses, n),
                         "Consumer disputed?": disputed})


@pytest.mark.parametrize("engine", ENGINES[1:])
def test_forgiveness_identical_on_every_engine(tickets: pd.DataFrame, engine: str) -> None:
    ref = forgiveness_rate(tickets, by="channel")
    got = forgiveness_rate(to_engine(tickets, engine), by="channel")
    assert_frame_equal(got.by_sentiment, ref.by_sentiment)
    assert_frame_equal(got.contrast, ref.contrast)
    assert (got.n_tickets, got.n_excluded) == (ref.n_tickets, ref.n_excluded)


@pytest.mark.parametrize("engine", ENGINES[1:])
def test_forgiveness_thresholds_identical_on_every_engine(tickets: pd.DataFrame,
                                                          engine: str) -> None:
    kw = {"sentiment": "sentiment_score", "sentiment_threshold": -0.3, "csat": "csat_rating",
          "csat_threshold": 4}
    ref = forgiveness_rate(tickets, **kw)
    got = forgiveness_rate(to_engine(tickets, engine), **kw)
    assert_frame_equal(got.contrast, ref.contrast)
    assert_frame_equal(got.by_sentiment, ref.by_sentiment)


@pytest.mark.parametrize("engine", ENGINES[1:])
def test_problems_identical_on_every_engine(customers: pd.DataFrame, engine: str) -> None:
    ref = outcome_by_problems(customers)
    got = outcome_by_problems(to_engine(customers, engine))
    for name in ("rates", "lift", "high_vs_low", "logit"):
        assert_frame_equal(getattr(got, name), getattr(ref, name))


@pytest.mark.parametrize("engine", ENGINES[1:])
def test_recovery_identical_on_every_engine(engine: str) -> None:
    frame = _complaints()
    ref = dispute_by_response(frame)
    got = dispute_by_response(to_engine(frame, engine))
    assert_frame_equal(got.by_response, ref.by_response)
    assert_frame_equal(got.contrast, ref.contrast)
    assert got.n_excluded == ref.n_excluded == int(frame["Consumer disputed?"].isna().sum())


def test_pandas_input_is_not_mutated(tickets: pd.DataFrame, customers: pd.DataFrame) -> None:
    t0, c0 = tickets.copy(deep=True), customers.copy(deep=True)
    forgiveness_rate(tickets, by=["channel", "topic"])
    forgiveness_rate(tickets, sentiment="sentiment_score", sentiment_threshold=0.0)
    outcome_by_problems(customers, outcome="churned")
    assert_frame_equal(tickets, t0)
    assert_frame_equal(customers, c0)


def test_polars_input_is_not_mutated(tickets: pd.DataFrame) -> None:
    frame = pl.from_pandas(tickets)
    before = frame.clone()
    forgiveness_rate(frame, by="topic")
    assert frame.equals(before)
    assert frame.columns == before.columns


@pytest.mark.parametrize("bad", [[1, 2, 3], {"a": [1]}, np.zeros((3, 2)), None, "tickets"])
def test_unsupported_input_is_a_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="tickets must be a pandas DataFrame, a polars"):
        forgiveness_rate(bad)


def test_series_is_a_type_error(tickets: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="customers must be"):
        outcome_by_problems(tickets["sentiment"])


def test_polars_lazy_collects_only_the_count_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LazyFrame is collected once, and what comes back is the small table of counts."""
    n = 200_000
    rng = np.random.default_rng(1)
    lazy = pl.DataFrame({"sentiment": rng.choice(["negative", "neutral", "positive"], n),
                         "csat": rng.choice(["good", "bad"], n)}).lazy()
    heights: list[int] = []
    original = pl.LazyFrame.collect

    def spy(self: pl.LazyFrame, *args: Any, **kwargs: Any) -> pl.DataFrame:
        out = original(self, *args, **kwargs)
        heights.append(out.height)
        return out

    monkeypatch.setattr(pl.LazyFrame, "collect", spy)
    res = forgiveness_rate(lazy)
    assert heights and max(heights) <= 3 * 2  # sentiment x csat levels, never n rows
    assert int(res.by_sentiment["n"].sum()) == n


def test_duckdb_counts_without_copying_rows_into_python() -> None:
    """3 million rows in DuckDB: a pandas copy would allocate > 24 MB that tracemalloc sees."""
    con = duckdb.connect()
    rel = con.sql("""
        SELECT CASE WHEN i % 5 = 0 THEN 'negative' WHEN i % 5 = 1 THEN 'neutral'
                    ELSE 'positive' END AS sentiment,
               CASE WHEN i % 7 = 0 THEN 'bad' ELSE 'good' END AS csat
        FROM range(3000000) t(i)""")
    forgiveness_rate(rel)  # warm up imports outside the measurement
    tracemalloc.start()
    try:
        res = forgiveness_rate(rel)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000
    assert int(res.by_sentiment["n"].sum()) == 3_000_000
    # hand count: i % 5 == 0 and i % 7 == 0 <=> i % 35 == 0
    row = res.contrast.iloc[0]
    assert row["bad_negative"] == len(range(0, 3_000_000, 35))
    assert row["n_negative"] == 600_000


def test_categorical_and_object_columns(tickets: pd.DataFrame) -> None:
    ref = forgiveness_rate(tickets)
    cat = tickets.astype({"sentiment": "category", "csat": "category"})
    obj = tickets.astype({"sentiment": object, "csat": object})
    for frame in (cat, obj):
        got = forgiveness_rate(frame)
        assert_frame_equal(got.contrast, ref.contrast)


def test_count_drops_empty_groups_and_keeps_ints() -> None:
    frame = _frames.to_narwhals(pd.DataFrame({"k": pd.Categorical(["a", "a", None],
                                                                   categories=["a", "b"]),
                                              "x": [True, False, True]}), param="frame")
    table = _frames.count(frame, keys=["k", "x"], derived={})
    table = table.sort_values(["k", "x"]).reset_index(drop=True)
    assert table["k"].astype(object).tolist()[:2] == ["a", "a"]
    assert table["k"].isna().tolist() == [False, False, True]  # missing keys: their own group
    assert table["n_rows"].tolist() == [1, 1, 1]
    assert str(table["n_rows"].dtype) == "int64"
