"""The catalogue: cited customer-experience statistics, one YAML file per source report.

Load it as a tidy table, look one statistic up by id, or filter by producer, topic, seed or status.
Every proportion whose base ``n`` is known gets a Wilson interval (``ci_low``, ``ci_high``, in the
same unit as ``value``), computed here and never typed by hand.

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

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxstats import _resources
from cxstats.catalogue.validation import CatalogueError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
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
]

STATUSES = ("confirmed", "partly-confirmed", "not-confirmed", "retracted")
TOPICS = (
    "churn", "price-sensitivity", "complaints", "recovery", "forgiveness", "word-of-mouth",
    "effort", "channels", "expectations", "loyalty", "social-media", "emotion", "investment",
    "methodology",
)

#: Columns of :func:`table`, in order.
COLUMNS = (
    "id", "claim", "value", "unit", "kind", "n", "count", "base", "question", "topics",
    "status", "status_note", "ci_low", "ci_high", "confidence", "producer", "producer_type",
    "source_title", "authors", "date_published", "published_year", "data_year", "url", "bib_key",
    "seed_file", "seed_quote", "n_seeds", "n_discrepancies", "file",
)

#: Level of the intervals in the catalogue table.
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Evidence:
    """What was read that confirms a figure: a URL and the exact sentence."""

    url: str
    quote: str
    note: str | None = None


@dataclass(frozen=True)
class Seed:
    """How a figure reached us: a seed file and its verbatim sentence."""

    file: str
    quote: str


@dataclass(frozen=True)
class Discrepancy:
    """A difference between a seed and the primary source."""

    kind: str
    explanation: str


@dataclass(frozen=True)
class Circulation:
    """Where a figure was seen repeated on the web: a roundup page, its sentence and its credit.

    ``source_correct`` is True when the roundup credits the record's origin and that origin was
    seen to publish the figure, False when the credited source was checked and does not, None
    when the roundup credits no one or the credit could not be checked.
    """

    url: str
    quote: str
    names_source: str | None
    source_correct: bool | None
    note: str | None = None


@dataclass(frozen=True)
class Origin:
    """The source report a statistic comes from."""

    producer: str
    producer_type: str
    title: str
    authors: tuple[str, ...]
    date_published: str | None
    data_year: int | None
    url: str | None
    bib_key: str
    sample_size: int | None
    population: str | None
    geography: str | None
    fieldwork_start: str | None
    fieldwork_end: str | None
    mode: str | None
    evidence: tuple[Evidence, ...]
    notes: str | None
    file: str

    @property
    def published_year(self) -> int | None:
        """Year of publication, from ``date_published``."""
        return int(self.date_published[:4]) if self.date_published else None


@dataclass(frozen=True)
class Statistic:
    """One cited figure with its origin, base, interval and verification status."""

    id: str
    claim: str
    value: float | None
    unit: str | None
    kind: str
    n: int | None
    count: int | None
    base: str
    question: str | None
    topics: tuple[str, ...]
    status: str
    status_note: str | None
    evidence: tuple[Evidence, ...]
    seeds: tuple[Seed, ...]
    discrepancies: tuple[Discrepancy, ...]
    origin: Origin
    ci_low: float | None
    ci_high: float | None
    circulation: tuple[Circulation, ...] = ()

    @property
    def proportion(self) -> float | None:
        """The value as a share in [0, 1] for a proportion, else None."""
        return self.value / 100 if self.kind == "proportion" else None


def wilson_interval(value_percent: float, n: int, count: int | None = None,
                    *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a published percentage, in percent.

    Uses the published numerator ``count`` where known, else ``round(value / 100 * n)``.

    Notes
    -----
    Computed with ``statsmodels.stats.proportion.proportion_confint(count, n,
    alpha=1 - confidence, method="wilson")``.

    Examples
    --------
    >>> lo, hi = wilson_interval(50, 100)
    >>> round(lo, 2), round(hi, 2)
    (40.38, 59.62)
    """
    from statsmodels.stats.proportion import proportion_confint

    k = count if count is not None else round(value_percent / 100 * n)
    lo, hi = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    return float(lo) * 100, float(hi) * 100


def _evidence(items: Any) -> tuple[Evidence, ...]:
    return tuple(Evidence(e["url"], e["quote"], e.get("note")) for e in items or ())


def _build(documents: Mapping[str, Any]) -> tuple[Statistic, ...]:
    out = []
    for rel, doc in sorted(documents.items()):
        o = doc["origin"]
        m = o["methodology"]
        origin = Origin(
            producer=o["producer"], producer_type=o["producer_type"], title=o["title"],
            authors=tuple(o.get("authors") or ()), date_published=o["date_published"],
            data_year=o["data_year"], url=o["url"], bib_key=o["bib_key"],
            sample_size=m["sample_size"], population=m["population"], geography=m["geography"],
            fieldwork_start=m["fieldwork_start"], fieldwork_end=m["fieldwork_end"], mode=m["mode"],
            evidence=_evidence(o.get("evidence")), notes=o.get("notes"), file=rel,
        )
        for s in doc["statistics"]:
            lo = hi = None
            if s["kind"] == "proportion" and s["n"] is not None:
                lo, hi = wilson_interval(s["value"], s["n"], s.get("count"))
            out.append(Statistic(
                id=s["id"], claim=s["claim"],
                value=None if s["value"] is None else float(s["value"]), unit=s["unit"],
                kind=s["kind"], n=s["n"], count=s.get("count"), base=s["base"],
                question=s.get("question"), topics=tuple(s.get("topics") or ()),
                status=s["status"], status_note=s.get("status_note"),
                evidence=_evidence(s["evidence"]),
                seeds=tuple(Seed(x["file"], x["quote"]) for x in s["seeds"]),
                discrepancies=tuple(Discrepancy(d["kind"], d["explanation"])
                                    for d in s["discrepancies"]),
                origin=origin, ci_low=lo, ci_high=hi,
                circulation=tuple(
                    Circulation(c["url"], c["quote"], c["names_source"], c["source_correct"],
                                c.get("note"))
                    for c in s.get("circulation") or ()),
            ))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _load(root: str) -> tuple[Statistic, ...]:
    from cxstats.catalogue.validation import check

    documents, problems = check(root)
    if problems:
        raise CatalogueError(problems)
    return _build(documents)


def statistics(root: Path | str | None = None) -> tuple[Statistic, ...]:
    """Every statistic of the catalogue, validated, as frozen :class:`Statistic` objects.

    Parameters
    ----------
    root : path, optional
        A catalogue folder; default the packaged catalogue.

    Raises
    ------
    CatalogueError
        If any file does not validate; the error lists every problem of every file.
    FileNotFoundError
        If ``root`` is not a folder.
    """
    path = Path(root) if root is not None else _resources.catalogue_dir()
    return _load(str(path.resolve()))


def get(statistic_id: str, *, root: Path | str | None = None) -> Statistic:
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


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...] | list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(sorted(allowed))}; got {value!r}")


def table(
    *,
    producer: str | None = None,
    topic: str | None = None,
    seed: str | None = None,
    status: str | None = None,
    root: Path | str | None = None,
) -> pd.DataFrame:
    """The catalogue as a tidy DataFrame: one row per statistic, columns :data:`COLUMNS`.

    Parameters
    ----------
    producer : str, optional
        Keep only statistics from this producer (exact name, case-insensitive).
    topic : str, optional
        Keep only statistics tagged with this topic (one of :data:`TOPICS`).
    seed : str, optional
        Keep only statistics that reached us through this seed file name.
    status : str, optional
        Keep only this status (one of :data:`STATUSES`).
    root : path, optional
        A catalogue folder; default the packaged catalogue.

    Returns
    -------
    pandas.DataFrame
        ``ci_low`` and ``ci_high`` are Wilson intervals (95%) in percent for proportions with a
        known ``n``, else missing. ``topics`` and ``authors`` are ``"; "``-joined strings;
        ``seed_file``/``seed_quote`` are the first seed (all seeds: :func:`seeds`).

    Examples
    --------
    >>> from cxstats import catalogue
    >>> t = catalogue.table(topic="word-of-mouth")
    >>> {"id", "value", "ci_low", "status", "producer_type"} <= set(t.columns)
    True
    >>> catalogue.table(status="maybe")
    Traceback (most recent call last):
    ...
    ValueError: status must be one of confirmed, not-confirmed, partly-confirmed, retracted; got 'maybe'
    """
    import pandas as pd

    _check_choice("status", status, STATUSES)
    _check_choice("topic", topic, TOPICS)
    if producer is not None and not isinstance(producer, str):
        raise TypeError(f"producer must be a str or None, not {type(producer).__name__}")
    if seed is not None and not isinstance(seed, str):
        raise TypeError(f"seed must be a str or None, not {type(seed).__name__}")
    rows = []
    for s in statistics(root):
        if producer is not None and s.origin.producer.casefold() != producer.casefold():
            continue
        if topic is not None and topic not in s.topics:
            continue
        if seed is not None and seed not in {x.file for x in s.seeds}:
            continue
        if status is not None and s.status != status:
            continue
        first = s.seeds[0] if s.seeds else None
        rows.append({
            "id": s.id, "claim": s.claim, "value": s.value, "unit": s.unit, "kind": s.kind,
            "n": s.n, "count": s.count, "base": s.base, "question": s.question,
            "topics": "; ".join(s.topics), "status": s.status, "status_note": s.status_note,
            "ci_low": s.ci_low, "ci_high": s.ci_high,
            "confidence": CONFIDENCE if s.ci_low is not None else None,
            "producer": s.origin.producer, "producer_type": s.origin.producer_type,
            "source_title": s.origin.title, "authors": "; ".join(s.origin.authors),
            "date_published": s.origin.date_published,
            "published_year": s.origin.published_year, "data_year": s.origin.data_year,
            "url": s.origin.url, "bib_key": s.origin.bib_key,
            "seed_file": first.file if first else None,
            "seed_quote": first.quote if first else None,
            "n_seeds": len(s.seeds), "n_discrepancies": len(s.discrepancies),
            "file": s.origin.file,
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    dtypes = {
        "value": "float64", "n": "Int64", "count": "Int64", "ci_low": "float64",
        "ci_high": "float64", "confidence": "float64", "published_year": "Int64",
        "data_year": "Int64", "n_seeds": "int64", "n_discrepancies": "int64",
    }
    frame = frame.astype(dtypes)
    for col in frame.columns:
        if col not in dtypes:
            frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    return frame


def origins(*, root: Path | str | None = None) -> pd.DataFrame:
    """One row per source report: producer, type, title, dates, methodology, url, bib_key."""
    import pandas as pd

    seen: dict[str, Origin] = {}
    for s in statistics(root):
        seen.setdefault(s.origin.file, s.origin)
    rows = [{
        "bib_key": o.bib_key, "producer": o.producer, "producer_type": o.producer_type,
        "title": o.title, "authors": "; ".join(o.authors), "date_published": o.date_published,
        "published_year": o.published_year, "data_year": o.data_year, "url": o.url,
        "sample_size": o.sample_size, "population": o.population, "geography": o.geography,
        "fieldwork_start": o.fieldwork_start, "fieldwork_end": o.fieldwork_end, "mode": o.mode,
        "notes": o.notes, "file": o.file,
    } for o in seen.values()]
    frame = pd.DataFrame(rows)
    return frame.astype({"published_year": "Int64", "data_year": "Int64", "sample_size": "Int64"})


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
    if float(value) == 1 and unit.endswith("s"):
        unit = unit[:-1]
    return f"{text} {unit}"
