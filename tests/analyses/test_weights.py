"""Frequency weights: an already-counted table with ``weight=`` gives exactly the result of the
table with one row per ticket/customer/complaint, on every engine."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from pandas.testing import assert_frame_equal
from test_frames import ENGINES, to_engine

from cxstats.analyses import dispute_by_response, forgiveness_rate, outcome_by_problems

RELIEF, EXPLAIN = "Closed with monetary relief", "Closed with explanation"


def _expand(counted: pd.DataFrame, weight: str = "w") -> pd.DataFrame:
    """One row per unit: each row repeated ``weight`` times, without the weight column."""
    reps = counted[weight].to_numpy(dtype="int64")
    return counted.loc[counted.index.repeat(reps)].drop(columns=weight).reset_index(drop=True)


def _tickets() -> pd.DataFrame:
    rows = [("a", "negative", "bad", 12), ("a", "negative", "good", 30), ("a", "neutral", "bad", 5),
            ("a", "neutral", "good", 40), ("a", "positive", "good", 61), ("a", "positive", "bad", 4),
            ("b", "negative", "bad", 9), ("b", "negative", "good", 11), ("b", "positive", "bad", 3),
            ("b", "positive", "good", 50), ("b", "negative", None, 7), ("a", None, "good", 2),
            ("b", "neutral", "bad", 1)]
    return pd.DataFrame(rows, columns=["channel", "sentiment", "csat", "w"]).astype(
        {"channel": object, "sentiment": object, "csat": object})


def _customers() -> pd.DataFrame:
    rows = [(0, True, 8), (0, False, 70), (1, True, 9), (1, False, 41), (2, True, 10),
            (2, False, 20), (3, True, 6), (3, False, 6), (5, True, 4), (5, False, 1),
            (np.nan, True, 3), (1, None, 2)]
    frame = pd.DataFrame(rows, columns=["problems", "price_sensitive", "w"])
    return frame.astype({"problems": "float64", "price_sensitive": "boolean"})


def _complaints() -> pd.DataFrame:
    rows = [(RELIEF, "Yes", 3), (RELIEF, "No", 27), ("Closed with non-monetary relief", "Yes", 4),
            ("Closed with non-monetary relief", "No", 16), (EXPLAIN, "Yes", 20),
            (EXPLAIN, "No", 60), ("Closed", "No", 9), ("Closed", "Yes", 2),
            ("Untimely response", "Yes", 1), (EXPLAIN, None, 5), (None, "No", 3)]
    return pd.DataFrame(rows, columns=["Company response to consumer", "Consumer disputed?", "w"]
                        ).astype(object).astype({"w": "int64"})


# name -> (data, call, frames of the result, total attribute, key columns)
CASES: dict[str, tuple[Callable[[], pd.DataFrame], Callable[..., Any], tuple[str, ...], str,
                       tuple[str, ...]]] = {
    "forgiveness": (_tickets, lambda d, **kw: forgiveness_rate(d, by="channel", **kw),
                    ("by_sentiment", "contrast"), "n_tickets", ("sentiment", "csat", "channel")),
    "problems": (_customers, lambda d, **kw: outcome_by_problems(d, cap=3, **kw),
                 ("rates", "lift", "high_vs_low", "logit"), "n_customers",
                 ("problems", "price_sensitive")),
    "recovery": (_complaints, dispute_by_response, ("by_response", "contrast"), "n_complaints",
                 ("Company response to consumer", "Consumer disputed?")),
}


def _same(got: Any, ref: Any, frames: tuple[str, ...], total: str) -> None:
    for name in frames:
        assert_frame_equal(getattr(got, name), getattr(ref, name))
    assert (getattr(got, total), got.n_excluded) == (getattr(ref, total), ref.n_excluded)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES)
def test_weighted_equals_expanded(case: str, engine: str) -> None:
    make, call, frames, total, _ = CASES[case]
    counted = make()
    expanded = _expand(counted)
    ref = call(to_engine(expanded, engine))
    got = call(to_engine(counted, engine), weight="w")
    _same(got, ref, frames, total)
    assert getattr(got, total) == int(counted["w"].sum()) == len(expanded)
    assert got.n_excluded > 0  # the missing keys are excluded as weighted units
    # and the same numbers as pandas on one row per unit
    _same(got, call(expanded), frames, total)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("case", CASES)
def test_whole_float_weights(case: str, engine: str) -> None:
    make, call, frames, total, _ = CASES[case]
    counted = make()
    ref = call(to_engine(counted, engine), weight="w")
    got = call(to_engine(counted.astype({"w": "float64"}), engine), weight="w")
    _same(got, ref, frames, total)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES)
def test_zero_weights_change_nothing(case: str, engine: str) -> None:
    make, call, frames, total, keys = CASES[case]
    counted = make()
    ref = call(to_engine(counted, engine), weight="w")
    # zero-weight copies of existing rows, and a zero-weight row with a missing key
    zeros = counted.iloc[[0, 3, len(counted) - 1]].assign(w=0)
    zeros.loc[zeros.index[-1], keys[0]] = None
    padded = pd.concat([zeros, counted], ignore_index=True).astype(counted.dtypes.to_dict())
    got = call(to_engine(padded, engine), weight="w")
    _same(got, ref, frames, total)


@pytest.mark.parametrize("case", CASES)
def test_all_zero_weights_is_empty(case: str) -> None:
    make, call, *_ = CASES[case]
    with pytest.raises(ValueError, match="empty"):
        call(make().assign(w=0), weight="w")


BAD_WEIGHTS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str, type[Exception], str]] = {
    "missing column": (lambda f: f, "nope", ValueError, "weight='nope' is not a column"),
    "strings": (lambda f: f.assign(w=f["w"].astype(str)), "w", TypeError, "whole numbers"),
    "booleans": (lambda f: f.assign(w=f["w"] > 5), "w", TypeError, "whole numbers"),
    "negative": (lambda f: f.assign(w=np.where(f.index == 1, -3, f["w"])), "w", ValueError,
                 "1 negative"),
    "fraction": (lambda f: f.assign(w=np.where(f.index == 1, 2.5, f["w"])), "w", ValueError,
                 "1 not whole"),
    "infinite": (lambda f: f.assign(w=np.where(f.index == 1, np.inf, f["w"])), "w", ValueError,
                 "1 not whole"),
    "nan": (lambda f: f.assign(w=np.where(f.index == 1, np.nan, f["w"])), "w", ValueError,
            "1 missing"),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("bad", BAD_WEIGHTS)
@pytest.mark.parametrize("case", CASES)
def test_bad_weights_raise(case: str, bad: str, engine: str) -> None:
    make, call, *_ = CASES[case]
    change, column, error, message = BAD_WEIGHTS[bad]
    frame = change(make())
    with pytest.raises(error, match=r"weight=") as info:
        call(to_engine(frame, engine), weight=column)
    assert message in str(info.value)
    if column == "w":
        assert "non-negative whole numbers" in str(info.value)


@pytest.mark.parametrize("case", CASES)
def test_weight_must_not_be_a_key(case: str) -> None:
    make, call, _, _, keys = CASES[case]
    for key in keys:
        with pytest.raises(ValueError, match=re.escape(f"weight={key!r} is already the")):
            call(make(), weight=key)


def test_weight_must_not_be_the_numeric_key() -> None:
    customers = _customers()
    with pytest.raises(ValueError, match="weight='problems' is already the problems column"):
        outcome_by_problems(customers, weight="problems")
    tickets = _tickets().assign(score=1.0)
    with pytest.raises(ValueError, match="weight='score' is already the sentiment column"):
        forgiveness_rate(tickets, sentiment="score", sentiment_threshold=0, weight="score")


@pytest.mark.parametrize("value", [3, ["w"], b"w"])
def test_weight_must_be_a_name(value: Any) -> None:
    with pytest.raises(TypeError, match="weight must be a column name"):
        forgiveness_rate(_tickets(), weight=value)


def test_nullable_weights_with_missing_values() -> None:
    frame = _complaints().astype({"w": "Int64"})
    frame.loc[2, "w"] = pd.NA
    with pytest.raises(ValueError, match=r"weight='w' .* found 1 missing"):
        dispute_by_response(frame, weight="w")
    frame.loc[2, "w"] = 4
    _same(dispute_by_response(frame, weight="w"), dispute_by_response(_complaints(), weight="w"),
          ("by_response", "contrast"), "n_complaints")


@pytest.mark.parametrize("case", CASES)
def test_input_not_mutated(case: str) -> None:
    make, call, *_ = CASES[case]
    frame = make()
    before = frame.copy(deep=True)
    call(frame, weight="w")
    assert_frame_equal(frame, before)
    polars_frame = pl.from_pandas(frame)
    polars_before = polars_frame.clone()
    call(polars_frame, weight="w")
    assert polars_frame.equals(polars_before)
    with pytest.raises(ValueError):
        call(frame.assign(w=-frame["w"]), weight="w")
    assert_frame_equal(frame, before)
