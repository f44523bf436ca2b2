"""The catalogue: cited customer-experience statistics, one YAML file per source report.

Load it as a tidy table, look one statistic up by id, or filter by producer, producer type, topic,
seed or status. The record classes (:class:`Statistic`, :class:`Origin`, :class:`Evidence`,
:class:`Seed`, :class:`Discrepancy`), the columns of :func:`table` and the export's Table Schema all
follow from ``data/schema/catalogue.schema.json``: adding a property there adds the attribute and the
column.

Every proportion with a known base gets a Wilson interval (``ci_low``, ``ci_high``, in percent), computed
by statsmodels when first asked for (looking records up never imports statsmodels). The base is
``n`` when ``n_basis`` is ``stated`` (the source gives it for this figure) or the report's
``sample_size`` when ``n_basis`` is ``whole-sample`` (the figure is a share of all respondents);
``ci_basis`` says which, in words.

Examples
--------
>>> from cxstats import catalogue
>>> s = catalogue.get("hbr-2010-negative-told-10-plus")
>>> s.value, s.unit, s.status
(48.0, 'percent', 'partly-confirmed')
>>> s.origin.bib_key
'dixon2010stop'
>>> t = catalogue.table(seed="003_2f54bbb8ae0e7415.txt")
>>> len(t)
4
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxstats import _resources
from cxstats._checks import check_confidence
from cxstats._results import Displayed
from cxstats.catalogue import _schema
from cxstats.catalogue._schema import Field, Kind
from cxstats.catalogue.validation import CatalogueError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "CONFIDENCE",
    "PRODUCER_TYPES",
    "STATUSES",
    "TOPICS",
    "CatalogueError",
    "Circulation",
    "Discrepancy",
    "Evidence",
    "Origin",
    "Problem",
    "Seed",
    "Statistic",
    "circulation",
    "discrepancies",
    "evidence",
    "fmt_value",
    "get",
    "origins",
    "seeds",
    "statistics",
    "table",
    "wilson_interval",
]

STATUSES: tuple[str, ...] = _schema.enum("statistic", "status")
TOPICS: tuple[str, ...] = _schema.enum("statistic", "topics")
PRODUCER_TYPES: tuple[str, ...] = _schema.enum("origin", "producer_type")

#: Level of the intervals in the catalogue table.
CONFIDENCE = 0.95


def wilson_interval(value_percent: float, n: int, count: int | None = None,
                    *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a published percentage, in percent.

    The one interval helper of the catalogue, for a stated ``n`` and for a whole-sample base
    alike. Uses the published numerator ``count`` where known, else ``round(value / 100 * n)``.

    Notes
    -----
    Computed with ``statsmodels.stats.proportion.proportion_confint(count, n,
    alpha=1 - confidence, method="wilson")``. The intervals of the packaged catalogue are stored,
    as statsmodels returned them, in ``data/wilson_intervals.tsv`` (``scripts/make_intervals.py``;
    a test recomputes every line), so looking a figure up does not import statsmodels.

    Examples
    --------
    >>> lo, hi = wilson_interval(50, 100)
    >>> round(lo, 2), round(hi, 2)
    (40.38, 59.62)
    >>> wilson_interval(50, 100, confidence=95)
    Traceback (most recent call last):
    ...
    ValueError: confidence must be strictly between 0 and 1 (e.g. 0.95); got 95
    """
    confidence = check_confidence(confidence)
    for name, x in (("n", n), ("count", count)):
        if x is not None and (isinstance(x, bool) or not isinstance(x, int)):
            raise TypeError(f"{name} must be an int, not {type(x).__name__}")
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}")
    if not 0 <= value_percent <= 100:
        raise ValueError(f"value_percent must be between 0 and 100; got {value_percent!r}")
    k = count if count is not None else round(value_percent / 100 * n)
    if not 0 <= k <= n:
        raise ValueError(f"count must be between 0 and n = {n}; got {k}")
    stored = stored_intervals().get((k, n, confidence))
    if stored is not None:
        return stored
    from cxstats._intervals import wilson

    lo, hi = wilson(k, n, confidence)
    return lo * 100, hi * 100


@functools.cache
def stored_intervals() -> dict[tuple[int, int, float], tuple[float, float]]:
    """``(count, n, confidence) -> (ci_low, ci_high)`` in percent, from the stored file."""
    path = _resources.intervals_path()
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "count")):
            k, n, conf, lo, hi = line.split("\t")
            out[int(k), int(n), float(conf)] = (float(lo), float(hi))
    return out


# --- record classes, generated from the schema ------------------------------------------------

_ITEMS: dict[str, type] = {}


def _item_classes(k: Kind) -> None:
    for f in k.fields:
        if f.type == "records" and f.item is not None and f.item.title not in _ITEMS:
            _ITEMS[f.item.title] = _schema.record_class(
                f.item, f"One entry of a catalogue list ({f.name}).")
            _item_classes(f.item)


_item_classes(_schema.kind("origin"))
_item_classes(_schema.kind("statistic"))
globals().update(_ITEMS)  # Evidence, Seed, Discrepancy and any list added to the schema later
Evidence: type = _ITEMS["Evidence"]
Seed: type = _ITEMS["Seed"]
Discrepancy: type = _ITEMS["Discrepancy"]
Circulation: type = _ITEMS["Circulation"]


def _published_year(self: Any) -> int | None:
    """Year of publication, from ``date_published``."""
    return int(self.date_published[:4]) if self.date_published else None


Origin: type = _schema.record_class(
    _schema.kind("origin"), "The source report a statistic comes from.",
    extra=(("file", str, "str", "Catalogue file, relative to the catalogue folder"),),
    namespace={"published_year": property(_published_year)},
)


def _ci_n(self: Any) -> int | None:
    """The base of the interval: ``n`` (stated) or the report's sample size (whole-sample)."""
    if self.kind != "proportion" or self.value is None:
        return None
    if self.n_basis == "stated":
        return self.n
    if self.n_basis == "whole-sample":
        return self.origin.sample_size
    return None


def _ci_count(self: Any) -> int | None:
    """Numerator of the interval: the published ``count``, else ``round(value / 100 * ci_n)``."""
    n = self.ci_n
    if n is None:
        return None
    if self.n_basis == "stated" and self.count is not None:
        return self.count
    return round(self.value / 100 * n)


def _interval(self: Any, *, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Wilson interval in percent on the base :attr:`ci_n`, or None without a base."""
    n = self.ci_n
    if n is None:
        return None
    return wilson_interval(self.value, n, self.ci_count, confidence=confidence)


def _default_interval(self: Any) -> tuple[float, float] | None:
    return self.interval()


def _ci_low(self: Any) -> float | None:
    """Lower end of the 95% Wilson interval, percent (None without a base)."""
    ci = self._ci
    return None if ci is None else ci[0]


def _ci_high(self: Any) -> float | None:
    """Upper end of the 95% Wilson interval, percent (None without a base)."""
    ci = self._ci
    return None if ci is None else ci[1]


def _ci_basis(self: Any) -> str | None:
    """The interval's base in words, for a reader."""
    n = self.ci_n
    if n is None:
        return None
    if self.n_basis == "whole-sample":
        return f"if all {n:,} respondents answered"
    return f"n = {n:,} stated for this figure"


_ci_cache = functools.cached_property(_default_interval)
_ci_cache.__doc__ = "The 95% interval, computed once on first use."

Statistic: type = _schema.record_class(
    _schema.kind("statistic"), "One cited figure with its origin, base and verification status.",
    extra=(("origin", Origin, "Origin", "The source report"),),
    namespace={"ci_n": property(_ci_n), "ci_count": property(_ci_count), "interval": _interval,
               "_ci": _ci_cache, "ci_low": property(_ci_low), "ci_high": property(_ci_high),
               "ci_basis": property(_ci_basis),
               # shown in notebooks like a result object (cxstats._results)
               "__repr__": Displayed.__repr__, "_repr_html_": Displayed._repr_html_,
               "chart": Displayed.chart, "_chart": "statistic_chart"},
)


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        obj = obj.get(part) if isinstance(obj, Mapping) else None
    return obj


def _fill(k: Kind, raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in k.fields:
        v = _get(raw, f.path)
        if f.type == "strings":
            v = tuple(v or ())
        elif f.type == "records":
            assert f.item is not None
            cls = _ITEMS[f.item.title]
            v = tuple(cls(**_fill(f.item, x)) for x in v or ())
        elif f.type == "number" and v is not None:
            v = float(v)
        values[f.name] = v
    return values


def _build(documents: Mapping[str, Any]) -> tuple[Any, ...]:
    out = []
    for rel, doc in sorted(documents.items()):
        origin = Origin(**_fill(_schema.kind("origin"), doc["origin"]), file=rel)
        for raw in doc["statistics"]:
            out.append(Statistic(**_fill(_schema.kind("statistic"), raw), origin=origin))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _load(root: str) -> tuple[Any, ...]:
    from cxstats.catalogue.validation import check

    documents, problems = check(root)
    if problems:
        raise CatalogueError(problems)
    return _build(documents)


def _check_choice(name: str, value: str | None, allowed: Iterable[str]) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(sorted(allowed))}; got {value!r}")


def _check_text(name: str, value: str | None) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")


def statistics(
    root: Path | str | None = None,
    *,
    producer: str | None = None,
    producer_type: str | None = None,
    topic: str | None = None,
    seed: str | None = None,
    status: str | None = None,
) -> tuple[Any, ...]:
    """The statistics of the catalogue, validated, as frozen :class:`Statistic` objects.

    Parameters
    ----------
    root : path, optional
        A catalogue folder; default the packaged catalogue.
    producer : str, optional
        Keep statistics whose producer's name contains this text (case-insensitive).
    producer_type : str, optional
        Keep only this kind of producer (one of :data:`PRODUCER_TYPES`).
    topic : str, optional
        Keep only statistics tagged with this topic (one of :data:`TOPICS`).
    seed : str, optional
        Keep only statistics that reached us through this seed file name.
    status : str, optional
        Keep only this status (one of :data:`STATUSES`).

    Raises
    ------
    CatalogueError
        If any file does not validate; the error lists every problem of every file.
    FileNotFoundError
        If ``root`` is not a folder.
    TypeError, ValueError
        If a filter is not a str, or not one of the allowed values.

    Examples
    --------
    >>> from cxstats import catalogue
    >>> stats = catalogue.statistics(producer="zEnD", status="confirmed")
    >>> sorted({s.origin.producer for s in stats}), all(s.status == "confirmed" for s in stats)
    (['Zendesk'], True)
    """
    _check_text("producer", producer)
    _check_choice("producer_type", producer_type, PRODUCER_TYPES)
    _check_choice("topic", topic, TOPICS)
    _check_text("seed", seed)
    _check_choice("status", status, STATUSES)
    path = Path(root) if root is not None else _resources.catalogue_dir()
    stats = _load(str(path.resolve()))
    needle = producer.casefold() if producer is not None else None
    return tuple(
        s for s in stats
        if (needle is None or needle in s.origin.producer.casefold())
        and (producer_type is None or s.origin.producer_type == producer_type)
        and (topic is None or topic in s.topics)
        and (seed is None or seed in {x.file for x in s.seeds})
        and (status is None or s.status == status)
    )


def get(statistic_id: str, *, root: Path | str | None = None) -> Any:
    """Return one statistic by its id.

    Raises
    ------
    TypeError
        If ``statistic_id`` is not a string.
    KeyError
        If no statistic has that id (the message suggests close ids).
    """
    if not isinstance(statistic_id, str):
        raise TypeError(f"statistic_id must be a str, not {type(statistic_id).__name__}")
    stats = statistics(root)
    for s in stats:
        if s.id == statistic_id:
            return s
    import difflib

    close = difflib.get_close_matches(statistic_id, [s.id for s in stats], n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise KeyError(f"no statistic with id {statistic_id!r}{hint}")


# --- the table: one column per schema field, plus the derived ones ---------------------------

#: Origin fields renamed in the statistics table, where a bare name would be ambiguous.
_ORIGIN_COLUMN = {"title": "source_title", "notes": "source_notes"}


def _derived(name: str, type_: str, description: str) -> Field:
    return Field(name=name, path=(), type=type_, nullable=True, required=False,
                 description=description)


@functools.cache
def table_fields() -> tuple[Field, ...]:
    """The columns of :func:`table` as :class:`~cxstats.catalogue._schema.Field` objects.

    The statistic's fields, the interval, the origin's fields (``title`` and ``notes`` as
    ``source_title`` and ``source_notes``), the first seed, one ``n_<list>`` count per list of the
    statistic and the catalogue file. Lists of strings are ``"; "``-joined strings.
    """
    stat, origin = _schema.kind("statistic"), _schema.kind("origin")
    out = [f for f in stat.fields if f.type != "records"]
    out += [
        _derived("ci_low", "number", "Lower end of the Wilson interval, percent"),
        _derived("ci_high", "number", "Upper end of the Wilson interval, percent"),
        _derived("confidence", "number", "Level of the interval"),
        _derived("ci_n", "integer", "Base of the interval: n if stated, else the report's "
                 "sample size for a whole-sample figure"),
        _derived("ci_basis", "string", "The interval's base in words"),
    ]
    for f in origin.fields:
        if f.type != "records":
            name = _ORIGIN_COLUMN.get(f.name, f.name)
            out.append(dataclasses.replace(f, name=name, path=("origin", f.name)))
    out += [
        _derived("published_year", "integer", "Year the source was published"),
        _derived("seed_file", "string", "First seed file the figure reached us through"),
        _derived("seed_quote", "string", "That seed's verbatim sentence, byte-exact"),
    ]
    out += [Field(name=f"n_{f.name}", path=(), type="integer", nullable=False, required=True,
                  description=f"Number of {f.name} entries", minimum=0)
            for f in stat.fields if f.type == "records"]
    out.append(Field(name="file", path=(), type="string", nullable=False, required=True,
                     description="Catalogue file, relative to the catalogue folder"))
    return tuple(out)


def row(s: Any, *, join: Any = "; ".join) -> dict[str, Any]:
    """One statistic as a table row: column name -> plain value (lists joined with ``join``)."""
    out: dict[str, Any] = {}
    first = s.seeds[0] if s.seeds else None
    derived = {
        "ci_low": s.ci_low, "ci_high": s.ci_high,
        "confidence": CONFIDENCE if s.ci_low is not None else None, "ci_n": s.ci_n,
        "ci_basis": s.ci_basis, "published_year": s.origin.published_year,
        "seed_file": first.file if first else None, "seed_quote": first.quote if first else None,
        "file": s.origin.file,
    }
    for f in table_fields():
        if f.name in derived:
            out[f.name] = derived[f.name]
        elif f.name.startswith("n_") and f.type == "integer" and not f.path:
            out[f.name] = len(getattr(s, f.name[2:]))
        else:
            obj = s.origin if f.path[0] == "origin" and len(f.path) > 1 else s
            value = getattr(obj, f.path[-1])
            out[f.name] = join(value) if f.type == "strings" else value
    return out


#: Columns of :func:`table`, in order.
COLUMNS: tuple[str, ...] = tuple(f.name for f in table_fields())

_DTYPES = {"integer": "Int64", "number": "float64"}


def table(
    *,
    producer: str | None = None,
    producer_type: str | None = None,
    topic: str | None = None,
    seed: str | None = None,
    status: str | None = None,
    root: Path | str | None = None,
) -> pd.DataFrame:
    """The catalogue as a tidy DataFrame: one row per statistic, columns :data:`COLUMNS`.

    Parameters
    ----------
    producer, producer_type, topic, seed, status : str, optional
        Filters, as in :func:`statistics`.
    root : path, optional
        A catalogue folder; default the packaged catalogue.

    Returns
    -------
    pandas.DataFrame
        ``ci_low`` and ``ci_high`` are Wilson intervals (95%) in percent for proportions with a
        known base (``ci_n``, explained in ``ci_basis``), else missing. ``topics`` and ``authors``
        are ``"; "``-joined strings; ``seed_file``/``seed_quote`` are the first seed (all seeds:
        :func:`seeds`).

    Examples
    --------
    >>> from cxstats import catalogue
    >>> t = catalogue.table(topic="word-of-mouth")
    >>> {"id", "value", "ci_low", "ci_basis", "status", "producer_type"} <= set(t.columns)
    True
    >>> catalogue.table(status="maybe")
    Traceback (most recent call last):
    ...
    ValueError: status must be one of confirmed, not-confirmed, partly-confirmed, retracted; got 'maybe'
    """
    import pandas as pd

    stats = statistics(root, producer=producer, producer_type=producer_type, topic=topic,
                       seed=seed, status=status)
    frame = pd.DataFrame([row(s) for s in stats], columns=list(COLUMNS))
    dtypes = {f.name: ("int64" if not f.nullable and f.type == "integer" else _DTYPES[f.type])
              for f in table_fields() if f.type in _DTYPES}
    frame = frame.astype(dtypes)
    for col in frame.columns:
        if col not in dtypes:
            frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    return frame


def origins(*, root: Path | str | None = None) -> pd.DataFrame:
    """One row per source report: every origin field of the schema, ``published_year``, ``file``.
    """
    import pandas as pd

    fields = [f for f in _schema.kind("origin").fields if f.type != "records"]
    seen: dict[str, Any] = {}
    for s in statistics(root):
        seen.setdefault(s.origin.file, s.origin)
    rows = []
    for o in seen.values():
        r = {f.name: "; ".join(getattr(o, f.name)) if f.type == "strings" else getattr(o, f.name)
             for f in fields}
        rows.append({**r, "published_year": o.published_year, "file": o.file})
    frame = pd.DataFrame(rows, columns=[f.name for f in fields] + ["published_year", "file"])
    ints = {f.name: "Int64" for f in fields if f.type == "integer"}
    return frame.astype({**ints, "published_year": "Int64"})


def seeds(*, root: Path | str | None = None) -> pd.DataFrame:
    """One row per (statistic, seed sentence): ``statistic_id, seed_file, seed_quote``."""
    import pandas as pd

    rows = [{"statistic_id": s.id, "seed_file": x.file, "seed_quote": x.quote}
            for s in statistics(root) for x in s.seeds]
    return pd.DataFrame(rows, columns=["statistic_id", "seed_file", "seed_quote"])


def discrepancies(*, root: Path | str | None = None) -> pd.DataFrame:
    """One row per discrepancy between a seed and the primary: ``statistic_id, kind, explanation``.
    """
    import pandas as pd

    rows = [{"statistic_id": s.id, "kind": d.kind, "explanation": d.explanation}
            for s in statistics(root) for d in s.discrepancies]
    return pd.DataFrame(rows, columns=["statistic_id", "kind", "explanation"])


def circulation(*, root: Path | str | None = None) -> pd.DataFrame:
    """One row per roundup repeating a figure: ``statistic_id, url, quote, names_source,
    source_correct, note`` (the optional ``circulation`` field of the records).

    Examples
    --------
    >>> c = circulation()
    >>> list(c.columns)
    ['statistic_id', 'url', 'quote', 'names_source', 'source_correct', 'note']
    """
    import pandas as pd

    columns = ["statistic_id", "url", "quote", "names_source", "source_correct", "note"]
    rows = [{"statistic_id": s.id, "url": c.url, "quote": c.quote,
             "names_source": c.names_source, "source_correct": c.source_correct, "note": c.note}
            for s in statistics(root) for c in s.circulation]
    return pd.DataFrame(rows, columns=columns)


def evidence(*, root: Path | str | None = None) -> pd.DataFrame:
    """One row per piece of evidence: ``statistic_id, url, quote, note``."""
    import pandas as pd

    rows = [{"statistic_id": s.id, "url": e.url, "quote": e.quote, "note": e.note}
            for s in statistics(root) for e in s.evidence]
    return pd.DataFrame(rows, columns=["statistic_id", "url", "quote", "note"])


def fmt_value(value: float | None, unit: str | None) -> str:
    """A catalogue value with its unit, as plain text: ``80%``, ``10 people``, ``US$100``.

    Examples
    --------
    >>> fmt_value(80.0, "percent"), fmt_value(2.6, "ratio"), fmt_value(100.0, "usd")
    ('80%', '2.6×', 'US$100')
    >>> fmt_value(70000000.0, "posts"), fmt_value(None, None)
    ('70,000,000 posts', 'no single figure')
    >>> fmt_value(1.0, "years"), fmt_value(20.0, "count")
    ('1 year', '20')
    >>> fmt_value(20.0, "per-1000-tickets")
    '20 per 1,000 tickets'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no single figure"
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:g}"
    if unit == "percent":
        return f"{text}%"
    if unit == "ratio":
        return f"{text}×"
    if unit == "usd":
        return f"US${text}"
    if unit == "count" or not unit:
        return text
    if unit.startswith("per-"):  # a rate: "per-1000-tickets" reads "per 1,000 tickets"
        _, per, what = unit.split("-", 2)
        return f"{text} per {int(per):,} {what}"
    if float(value) == 1 and unit.endswith("s"):
        unit = unit[:-1]
    return f"{text} {unit}"
