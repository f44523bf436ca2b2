"""Engines that scale: the analyses give the numbers of pandas on polars, DuckDB, Dask and PySpark.

Each case runs on one row per unit and, with ``weight=``, on the same rows already counted; both
must equal the pandas result on the raw rows. PySpark runs in local mode (the session-wide
``spark`` fixture of conftest.py); Dask with the default local scheduler. The last tests check
``make system``, which installs the Debian packages behind these engines and the browser test.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask.dataframe as dd
import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from pandas.testing import assert_frame_equal

from cxstats import datasets
from cxstats.analyses import dispute_by_response, forgiveness_rate, outcome_by_problems
from cxstats.models.effort import ces_summary, effort_loyalty, repeat_contact_reasons

ENGINES = ["pandas", "polars", "duckdb", "dask", "pyspark"]

# narwhals announces that Dask support moves to a separate package (not released yet);
# PySpark says it does not fully support pandas 3 yet. Neither changes a number checked here.
pytestmark = [pytest.mark.filterwarnings("ignore:Dask support is moving:FutureWarning"),
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support:FutureWarning")]


@pytest.fixture(params=ENGINES)
def to_engine(request: pytest.FixtureRequest) -> Iterator[Callable[[pd.DataFrame], Any]]:
    """A function giving the same rows as a pandas frame, held by the engine under test."""
    engine = request.param
    con, names = duckdb.connect(), itertools.count()
    spark = request.getfixturevalue("spark") if engine == "pyspark" else None

    def convert(frame: pd.DataFrame) -> Any:
        if engine == "pandas":
            return frame.copy()
        if engine == "polars":
            return pl.from_pandas(frame)
        if engine == "duckdb":
            name = f"t{next(names)}"
            con.register(name, pl.from_pandas(frame).to_arrow())
            return con.sql(f"SELECT * FROM {name}")
        if engine == "dask":
            return dd.from_pandas(frame, npartitions=3)
        return spark.createDataFrame(pl.from_pandas(frame).to_arrow())

    yield convert
    con.close()


def _counted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` reduced to one row per distinct ``keys`` (missing values kept) with a count ``w``."""
    return frame.groupby(keys, dropna=False, sort=False).size().rename("w").reset_index()


def _complaints() -> pd.DataFrame:
    rng = np.random.default_rng(13)
    responses = ["Closed with monetary relief", "Closed with non-monetary relief",
                 "Closed with explanation", "Closed", "Untimely response"]
    n = 600
    disputed = rng.choice(["Yes", "No"], n, p=[0.2, 0.8]).astype(object)
    disputed[rng.random(n) < 0.05] = None
    response = rng.choice(responses, n).astype(object)
    response[rng.random(n) < 0.02] = None
    return pd.DataFrame({"Company response to consumer": response, "Consumer disputed?": disputed})


def _tickets() -> pd.DataFrame:
    return datasets.load_tickets()


def _customers() -> pd.DataFrame:
    return datasets.load_customers()


# name -> (rows, call, key columns for the counted table, frames of the result, total attribute)
CASES: dict[str, tuple[Callable[[], pd.DataFrame], Callable[..., Any], list[str], tuple[str, ...],
                       str]] = {
    "forgiveness": (_tickets, lambda d, **kw: forgiveness_rate(d, by="channel", **kw),
                    ["channel", "sentiment", "csat"], ("by_sentiment", "contrast"), "n_tickets"),
    "forgiveness_thresholds": (
        _tickets, lambda d, **kw: forgiveness_rate(d, sentiment="sentiment_score",
                                                   sentiment_threshold=-0.3, csat="csat_rating",
                                                   csat_threshold=4, **kw),
        ["sentiment_score", "csat_rating"], ("by_sentiment", "contrast"), "n_tickets"),
    "problems": (_customers, lambda d, **kw: outcome_by_problems(d, outcome="churned", **kw),
                 ["problems", "churned"], ("rates", "lift", "high_vs_low", "logit"),
                 "n_customers"),
    "recovery": (_complaints, dispute_by_response,
                 ["Company response to consumer", "Consumer disputed?"],
                 ("by_response", "contrast"), "n_complaints"),
}


def _same(got: Any, ref: Any, frames: tuple[str, ...], total: str) -> None:
    for name in frames:
        assert_frame_equal(getattr(got, name), getattr(ref, name))
    assert (getattr(got, total), got.n_excluded) == (getattr(ref, total), ref.n_excluded)


@pytest.mark.parametrize("case", CASES)
def test_same_numbers_as_pandas_raw_and_weighted(to_engine: Callable[[pd.DataFrame], Any],
                                                 case: str) -> None:
    make, call, keys, frames, total = CASES[case]
    rows = make()
    ref = call(rows)
    _same(call(to_engine(rows)), ref, frames, total)
    counted = _counted(rows, keys)
    assert len(counted) < len(rows) or case == "forgiveness_thresholds"
    assert int(counted["w"].sum()) == len(rows) == getattr(ref, total)
    _same(call(to_engine(counted), weight="w"), ref, frames, total)


def test_missing_values_are_excluded_on_every_engine(to_engine: Callable[[pd.DataFrame], Any]
                                                     ) -> None:
    rows = _complaints()
    got = dispute_by_response(to_engine(rows))
    missing = rows["Company response to consumer"].isna() | rows["Consumer disputed?"].isna()
    assert got.n_excluded == int(missing.sum()) > 0
    assert got.n_complaints == len(rows)


def test_bad_weights_raise_in_the_engine(to_engine: Callable[[pd.DataFrame], Any]) -> None:
    counted = _counted(_complaints(), ["Company response to consumer", "Consumer disputed?"])
    counted["w"] = counted["w"].astype("float64")
    counted.loc[1, "w"] = 2.5
    counted.loc[2, "w"] = -1.0
    with pytest.raises(ValueError, match=r"weight='w' must hold non-negative whole numbers.*"
                                         r"1 negative value\(s\), 1 not whole value\(s\)"):
        dispute_by_response(to_engine(counted), weight="w")


def test_missing_column_names_the_parameter(to_engine: Callable[[pd.DataFrame], Any]) -> None:
    with pytest.raises(ValueError, match=r"csat='rating' is not a column of tickets"):
        forgiveness_rate(to_engine(_tickets().head(50)), csat="rating")


def _survey() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 400
    return pd.DataFrame({"ces": rng.integers(1, 8, n), "channel": rng.choice(["chat", "phone"], n),
                         "repurchase": rng.random(n) < 0.6,
                         "reason": rng.choice(["billing", "login", "delivery"], n),
                         "repeat": rng.random(n) < 0.3})


@pytest.mark.parametrize("call", [
    lambda d: ces_summary(d, score="ces", segment="channel"),
    lambda d: effort_loyalty(d, effort="ces", outcome="repurchase"),
    lambda d: repeat_contact_reasons(d, reason="reason", repeat="repeat"),
], ids=["ces_summary", "effort_loyalty", "repeat_contact_reasons"])
def test_effort_functions_same_as_pandas(to_engine: Callable[[pd.DataFrame], Any],
                                         call: Callable[[Any], pd.DataFrame]) -> None:
    rows = _survey()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        got = call(to_engine(rows))
    assert_frame_equal(got, call(rows))


def test_series_is_a_type_error() -> None:
    series = dd.from_pandas(pd.Series(["a", "b"]), npartitions=1)
    with pytest.raises(TypeError, match=r"tickets must be a pandas DataFrame.*a Dask DataFrame or a "
                                        r"PySpark DataFrame"):
        forgiveness_rate(series)


ROOT = Path(__file__).resolve().parents[2]


def _make_system(tmp_path: Path, *, uid: int, system: str) -> subprocess.CompletedProcess[str]:
    """``make system`` with stand-ins for ``id``, ``apt-get`` and ``mkdir`` that only log calls."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    for name, body in {"id": f"echo {uid}", "apt-get": f'echo "apt-get $*" >> {log}',
                       "mkdir": f'echo "mkdir $*" >> {log}'}.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["make", "--no-print-directory", "-s", "system", f"SYSTEM={system}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_make_system_installs_nothing_when_present(tmp_path: Path) -> None:
    done = _make_system(tmp_path, uid=1000, system="sh:dash")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "calls.log").exists()


def test_make_system_prints_the_command_when_not_root(tmp_path: Path) -> None:
    done = _make_system(tmp_path, uid=1000,
                        system="no-such-browser-x:chromium sh:dash no-such-java-x:default-jre-headless")
    assert done.returncode != 0
    line = [x for x in done.stderr.splitlines() if "apt-get" in x]
    assert line == ["make test needs the Debian package(s) chromium default-jre-headless; run: sudo "
                    "apt-get update && sudo apt-get install -y --no-install-recommends chromium "
                    "default-jre-headless"]
    assert not (tmp_path / "calls.log").exists()


def test_make_system_installs_as_root(tmp_path: Path) -> None:
    done = _make_system(tmp_path, uid=0, system="no-such-java-x:default-jre-headless sh:dash")
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert calls == ["mkdir -p /usr/share/man/man1", "apt-get update -qq",
                     "apt-get install -y -qq --no-install-recommends default-jre-headless"]
