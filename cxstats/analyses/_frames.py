"""The dataframe layer: accept pandas, polars, DuckDB, Dask or PySpark; count in the input's engine.

Every analysis reduces its input to a small count table (one row per group with the number of rows,
of usable rows and of events; with a frequency ``weight`` column, the sums of the weights) with a
single narwhals ``group_by(...).agg(...)``. The query runs in the engine that holds the data:
pandas for a pandas frame, polars for a polars frame or LazyFrame (eager frames are made lazy
first), DuckDB for a DuckDB relation, Dask for a Dask DataFrame, Spark for a PySpark DataFrame.
Only the count table, a few rows, is brought into pandas. The caller's object is never modified.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from cxstats import _checks

SUPPORTED = ("a pandas DataFrame, a polars DataFrame or LazyFrame, a DuckDB relation, a Dask "
             "DataFrame or a PySpark DataFrame")

#: Prefix of the helper columns added inside the query (never seen by the caller).
_P = "__cxstats_"

Frame = nw.DataFrame[Any] | nw.LazyFrame[Any]


def to_narwhals(data: Any, *, param: str) -> Frame:
    """Wrap ``data`` with narwhals, or raise a TypeError naming ``param`` and what is accepted."""
    if isinstance(data, nw.DataFrame | nw.LazyFrame):
        frame = data
    else:
        try:
            frame = nw.from_native(data)
        except TypeError:
            raise TypeError(f"{param} must be {SUPPORTED}; got {type(data).__module__}."
                            f"{type(data).__qualname__}") from None
    if not isinstance(frame, nw.DataFrame | nw.LazyFrame):
        raise TypeError(f"{param} must be {SUPPORTED}; got a series")
    if isinstance(frame, nw.DataFrame) and frame.implementation.is_polars():
        frame = frame.lazy()  # let polars fuse the derived columns into the aggregation
    return frame


def schema_of(frame: Frame) -> dict[str, Any]:
    return dict(frame.collect_schema())


def check_column(schema: dict[str, Any], column: Any, *, param: str, table: str) -> Any:
    """Return the dtype of ``column`` or raise naming ``param`` and listing the columns."""
    if not isinstance(column, str):
        raise TypeError(f"{param} must be a column name (str); got {column!r}")
    if column not in schema:
        shown = ", ".join(repr(c) for c in list(schema)[:30])
        raise ValueError(f"{param}={column!r} is not a column of {table}; its columns are: {shown}")
    return schema[column]


def check_by(schema: dict[str, Any], by: Any, *, table: str, reserved: dict[str, str]
             ) -> list[str]:
    """Normalise the grouping columns ``by`` (None, a name or a list of names)."""
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else by
    if not isinstance(cols, Sequence) or isinstance(cols, str):
        raise TypeError(f"by must be None, a column name or a list of column names; got {by!r}")
    cols = list(cols)
    for col in cols:
        check_column(schema, col, param="by", table=table)
        if col.startswith(_P):
            raise ValueError(f"by: column names starting with {_P!r} are reserved")
    if len(set(cols)) != len(cols):
        raise ValueError(f"by must not repeat a column; got {by!r}")
    for col in cols:
        if col in reserved:
            raise ValueError(f"by={col!r} is already the {reserved[col]} column")
    return cols


def is_label(dtype: Any) -> bool:
    return isinstance(dtype, nw.String | nw.Categorical | nw.Enum)


def is_number(dtype: Any) -> bool:
    return bool(dtype.is_numeric())


def missing(column: str, dtype: Any) -> nw.Expr:
    """True where the value is missing (null, or NaN in a float column); never null itself."""
    expr = nw.col(column).is_null()
    if dtype.is_float():
        expr = expr | nw.col(column).is_nan().fill_null(False)
    return expr


#: Labels read alike in a yes/no column: case and surrounding spaces are ignored, and yes/true/1
#: and no/false/0 are synonyms.
_SYNONYMS = {"true": "yes", "1": "yes", "false": "no", "0": "no"}


def label_key(value: Any) -> str:
    """How a label is compared: ``" Yes"``, ``"TRUE"`` and ``"1"`` all read as ``"yes"``."""
    text = str(value).strip().casefold()
    return _SYNONYMS.get(text, text)


@dataclass(frozen=True)
class Binary:
    """How one column is read as a yes/no outcome.

    The engine groups by ``keys`` (raw columns, or boolean helper columns defined in ``derived``);
    the methods then read the small count table: which rows are missing, which are events, which
    hold a value outside the allowed set. Labels are compared with :func:`label_key`.
    """

    column: str
    kind: str  # "label", "bool", "threshold" or "codes"
    keys: tuple[str, ...]
    derived: dict[str, nw.Expr]
    allowed: str
    event_value: Any = None
    other_value: Any = None

    def is_missing(self, table: pd.DataFrame) -> pd.Series:
        if self.kind == "threshold":
            return table[self.keys[1]].astype(bool)
        return table[self.column].isna()

    def _matches(self, table: pd.DataFrame, value: Any) -> pd.Series:
        values = table[self.column].astype(object)
        if self.kind == "label":  # missing values (None, NaN, pd.NA) never match
            key = label_key(value)
            return pd.Series([not pd.isna(v) and label_key(v) == key for v in values],
                             index=table.index, dtype=bool)
        return values == value

    def is_event(self, table: pd.DataFrame) -> pd.Series:
        miss = self.is_missing(table)
        if self.kind == "threshold":
            return table[self.keys[0]].astype(bool) & ~miss
        return self._matches(table, self.event_value).astype(bool) & ~miss

    def invalid_values(self, table: pd.DataFrame) -> list[Any]:
        """Values present in the count table that are neither the event nor the non-event."""
        if self.kind in ("threshold", "bool"):
            return []
        miss = self.is_missing(table)
        known = (self._matches(table, self.event_value).astype(bool)
                 | self._matches(table, self.other_value).astype(bool))
        values = table[self.column].astype(object)
        return sorted({_plain(v) for v in values[~miss & ~known]}, key=repr)

    def check_values(self, table: pd.DataFrame, *, param: str) -> None:
        """Raise listing the values found when some are neither the event nor the non-event."""
        if not self.invalid_values(table):
            return
        values = table[self.column].astype(object)
        present = sorted({_plain(v) for v in values[~self.is_missing(table)]}, key=repr)
        raise ValueError(f"{param}={self.column!r} has values outside the allowed set "
                         f"{self.allowed}: found {present[:10]!r}")


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def binary(schema: dict[str, Any], column: Any, *, param: str, table: str,
           event_label: str, other_label: str, label_params: tuple[str, str],
           threshold: Any, threshold_param: str | None, event_below: bool, bool_event: bool
           ) -> Binary:
    """Read ``column`` as an outcome: labels, a boolean, 0/1 codes or a rating with a threshold.

    * string/categorical: ``event_label`` is the event, ``other_label`` the non-event, compared
      with :func:`label_key` (case and stray spaces ignored, yes/true/1 and no/false/0 alike); any
      other value is an error that lists the values found;
    * boolean: ``True`` is the event when ``bool_event`` is True, else ``False`` is;
    * numeric with ``threshold``: the event is ``value < threshold`` when ``event_below`` else
      ``value >= threshold``;
    * numeric without ``threshold``: 0/1 codes read like booleans (1 = True, 0 = False), so 1 is
      the event when ``bool_event`` is True and 0 is the event otherwise (any other value is an
      error). ``threshold_param=None``: the analysis has no threshold option.

    Missing values (null, NaN) are not usable rows; they are counted but not analysed.
    """
    dtype = check_column(schema, column, param=param, table=table)
    if threshold is not None and not is_number(dtype):
        raise TypeError(f"{threshold_param} applies to a numeric {param} column; {param}={column!r}"
                        f" has dtype {dtype} (leave {threshold_param}=None)")
    if is_label(dtype):
        ev_p, other_p = label_params
        if label_key(event_label) == label_key(other_label):
            raise ValueError(f"{ev_p} and {other_p} must differ (case, spaces and yes/true/1 "
                             f"synonyms ignored); got {event_label!r} and {other_label!r}")
        return Binary(column, "label", (column,), {},
                      f"{event_label!r} or {other_label!r} (any case; set by {ev_p}= and "
                      f"{other_p}=)",
                      event_label, other_label)
    if isinstance(dtype, nw.Boolean):
        return Binary(column, "bool", (column,), {}, "True or False", bool_event, not bool_event)
    if is_number(dtype):
        if threshold is None:
            # 0/1 codes follow the boolean convention (1 = True), whichever value is the event
            event_code, other_code = (1, 0) if bool_event else (0, 1)
            hint = "" if threshold_param is None else f"or pass {threshold_param}= to cut a rating; "
            return Binary(column, "codes", (column,), {}, f"0 or 1 ({hint}1 reads as True)",
                          event_code, other_code)
        thr = _checks.check_number(threshold, param=threshold_param)
        col = nw.col(column)
        flag, miss = f"{_P}{param}_flag", f"{_P}{param}_missing"
        event = (col < thr) if event_below else (col >= thr)
        return Binary(column, "threshold", (flag, miss),
                      {flag: event.fill_null(False), miss: missing(column, dtype)},
                      f"numbers (cut at {threshold_param}={threshold!r})")
    hint = (" (an object column: convert it first, e.g. .astype('boolean') or .astype('string'))"
            if isinstance(dtype, nw.Object) else "")
    raise TypeError(f"{param}={column!r} must hold labels (string/categorical), booleans or "
                    f"numbers; its dtype is {dtype}{hint}")


def check_weight(frame: Frame, schema: dict[str, Any], weight: Any, *, table: str, unit: str,
                 keys: dict[str, str]) -> str | None:
    """Check the frequency-weight column ``weight`` (None: every row counts once).

    ``keys`` maps the columns the analysis already uses to their role; the weight must be another
    column. The values are checked in the frame's own engine with one small aggregate (nothing is
    copied into pandas): no missing values, no negative or fractional ones, nothing infinite.
    """
    if weight is None:
        return None
    dtype = check_column(schema, weight, param="weight", table=table)
    if weight.startswith(_P):
        raise ValueError(f"weight: column names starting with {_P!r} are reserved")
    if weight in keys:
        raise ValueError(f"weight={weight!r} is already the {keys[weight]} column; weight must be "
                         f"a separate column holding how many {unit} each row stands for")
    allowed = f"non-negative whole numbers (how many {unit} each row stands for)"
    if isinstance(dtype, nw.Boolean) or not is_number(dtype):
        raise TypeError(f"weight={weight!r} must hold {allowed}; its dtype is {dtype}")
    col = nw.col(weight)
    miss = missing(weight, dtype)
    present = ~miss
    flags = {"missing": miss, "negative": (col < 0).fill_null(False) & present}
    if dtype.is_float():
        flags["not whole"] = ((col != col.round(0)) | ~col.is_finite()).fill_null(False) & present
    elif not dtype.is_integer():  # decimal
        flags["not whole"] = (col != col.round(0)).fill_null(False) & present
    found = frame.select(**{name: expr.cast(nw.Int64).sum() for name, expr in flags.items()})
    if isinstance(found, nw.LazyFrame):
        found = found.collect()
    counts = {name: int(value or 0) for name, value in zip(flags, found.row(0), strict=True)}
    bad = [f"{n} {name} value(s)" for name, n in counts.items() if n]
    if bad:
        raise ValueError(f"weight={weight!r} must hold {allowed}; found " + ", ".join(bad))
    return weight


def count(frame: Frame, *, keys: Sequence[str], derived: dict[str, nw.Expr],
          weight: str | None = None) -> pd.DataFrame:
    """Group ``frame`` by ``keys`` and count the rows, in the frame's own engine.

    ``derived`` adds helper key columns (boolean expressions) before grouping. Missing values in a
    key form their own group. With ``weight`` (a column already checked by :func:`check_weight`)
    each row counts as many times as its weight: the column is summed instead of counting rows.
    Returns a small pandas DataFrame with the ``keys`` and ``n_rows`` (int64, weighted units);
    groups with no rows or a total weight of 0 (unused categories) are dropped.
    """
    work = frame.with_columns(**derived) if derived else frame
    size = nw.len() if weight is None else nw.col(weight).sum()
    out = work.group_by(*dict.fromkeys(keys)).agg(n_rows=size)
    if isinstance(out, nw.LazyFrame):
        out = out.collect()
    table = out.to_pandas()
    table["n_rows"] = pd.to_numeric(table["n_rows"]).fillna(0).astype("int64")
    return table.loc[table["n_rows"] > 0].reset_index(drop=True)


#: Columns :func:`split_usable` adds to a count table: units with a usable outcome, and events.
USABLE = _P + "usable"
EVENT = _P + "event"


def split_usable(table: pd.DataFrame, usable: Any, event: Any, *, nothing: str) -> tuple[int, int]:
    """Add the :data:`USABLE` and :data:`EVENT` count columns to a table from :func:`count`.

    ``usable`` marks the groups whose keys allow the analysis (no missing value), ``event`` the
    groups whose outcome is the event. Returns ``(total, usable)`` units; raises
    ``ValueError(nothing)`` when no unit is usable.
    """
    table[USABLE] = table["n_rows"].where(usable, 0)
    table[EVENT] = table["n_rows"].where(usable & event, 0)
    total, n_usable = int(table["n_rows"].sum()), int(table[USABLE].sum())
    if n_usable == 0:
        raise ValueError(nothing)
    return total, n_usable


def tally(frame: Frame, *, keys: Sequence[str], outcome: Binary, outcome_param: str,
          weight: str | None, table_name: str, key_missing: Callable[[pd.DataFrame], Any],
          nothing: str, derived: dict[str, nw.Expr] | None = None,
          validate: Callable[[pd.DataFrame], None] | None = None
          ) -> tuple[pd.DataFrame, int, int]:
    """The shared first half of every analysis: count, check, split the usable units.

    Counts ``frame`` by ``keys`` and the outcome's keys (:func:`count`), rejects an empty input,
    runs ``validate`` on the count table, rejects outcome values outside the allowed set, then
    adds the :data:`USABLE` and :data:`EVENT` columns (:func:`split_usable`); a group is usable
    when ``key_missing`` is False for it and its outcome is present. Returns the table and the
    ``(total, usable)`` units.
    """
    table = count(frame, keys=[*keys, *outcome.keys], derived={**(derived or {}), **outcome.derived},
                  weight=weight)
    check_not_empty(table, table_name=table_name)
    if validate is not None:
        validate(table)
    outcome.check_values(table, param=outcome_param)
    usable = ~np.asarray(key_missing(table), dtype=bool) & ~outcome.is_missing(table).to_numpy()
    total, n_usable = split_usable(table, usable, outcome.is_event(table).to_numpy(),
                                   nothing=nothing)
    return table, total, n_usable


def check_not_empty(table: pd.DataFrame, *, table_name: str) -> None:
    if table.empty or int(table["n_rows"].sum()) == 0:
        raise ValueError(f"{table_name} is empty (no rows to analyse)")


def check_by_keys(table: pd.DataFrame, by: Sequence[str]) -> None:
    """Missing values in the grouping columns are an error, not a silent extra group."""
    for col in by:
        if table[col].isna().any():
            raise ValueError(f"by column {col!r} has missing values; fill them (e.g. with "
                             "'unknown') or drop those rows first")


def describe_group(by: Sequence[str], key: Any) -> str:
    if not by:
        return "the data"
    values = key if isinstance(key, tuple) else (key,)
    return "group " + ", ".join(f"{c}={v!r}" for c, v in zip(by, values, strict=True))
