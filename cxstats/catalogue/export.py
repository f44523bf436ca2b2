"""Export the catalogue as a Frictionless data package, and read one back.

The package holds ``statistics.csv`` (one row per statistic, with its origin's main facts and its
first seed), ``origins.csv``, ``seeds.csv`` (every seed sentence), ``evidence.csv`` (what was read,
for origins and statistics), ``discrepancies.csv`` and ``circulation.csv`` (roundups repeating a
figure), described by ``datapackage.json`` with a
Table Schema per file that mirrors ``data/schema/catalogue.schema.json`` (types, enums, keys).
:func:`read` turns a package back into catalogue documents: the round trip loses no field.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cxstats import _resources, catalogue

__all__ = ["RESOURCES", "export", "read"]

_SEP = "; "


def _schema_enums() -> dict[str, list[str]]:
    schema = json.loads(_resources.schema_path().read_text(encoding="utf-8"))
    stat = schema["properties"]["statistics"]["items"]["properties"]
    origin = schema["properties"]["origin"]["properties"]
    return {
        "producer_type": origin["producer_type"]["enum"],
        "status": stat["status"]["enum"],
        "kind": stat["kind"]["enum"],
        "unit": [u for u in stat["unit"]["enum"] if u is not None],
        "topics": stat["topics"]["items"]["enum"],
        "discrepancy_kind": stat["discrepancies"]["items"]["properties"]["kind"]["enum"],
    }


def _f(name: str, type_: str, description: str, **constraints: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if "format" in constraints:
        field["format"] = constraints.pop("format")
    if constraints:
        field["constraints"] = constraints
    return field


def _resources_spec() -> dict[str, dict[str, Any]]:
    e = _schema_enums()
    statistics = [
        _f("id", "string", "Stable id of the statistic", required=True, unique=True,
           pattern="[a-z0-9]+(-[a-z0-9]+)*"),
        _f("seed_file", "string", "First seed file the figure reached us through (all: seeds.csv)"),
        _f("seed_quote", "string", "That seed's verbatim sentence, byte-exact"),
        _f("claim", "string", "The claim in English", required=True),
        _f("value", "number", "The figure as the primary gives it (empty for a finding)"),
        _f("unit", "string", "Unit of value", enum=e["unit"]),
        _f("kind", "string", "Kind of figure", required=True, enum=e["kind"]),
        _f("base", "string", "Who was asked or what was counted"),
        _f("n", "integer", "Base size of this figure, only where the source gives it", minimum=1),
        _f("count", "integer", "Numerator, where the source gives it", minimum=0),
        _f("ci_low", "number", "Lower end of the 95% Wilson interval, percent"),
        _f("ci_high", "number", "Upper end of the 95% Wilson interval, percent"),
        _f("producer", "string", "Who published the source", required=True),
        _f("producer_type", "string", "Kind of producer", required=True,
           enum=e["producer_type"]),
        _f("source_title", "string", "Title of the source report", required=True),
        _f("data_year", "integer", "Year the data were collected"),
        _f("published_year", "integer", "Year the source was published"),
        _f("status", "string", "Verification status", required=True, enum=e["status"]),
        _f("url", "string", "URL of the source", format="uri"),
        _f("question", "string", "Question wording, if published"),
        _f("topics", "string", "Topics, '; '-separated"),
        _f("status_note", "string", "What was tried, what is missing"),
        _f("bib_key", "string", "Key of the source in references.bib", required=True),
    ]
    origins = [
        _f("bib_key", "string", "Key in references.bib", required=True, unique=True),
        _f("producer", "string", "Who published the source", required=True),
        _f("producer_type", "string", "Kind of producer", required=True,
           enum=e["producer_type"]),
        _f("title", "string", "Title", required=True),
        _f("authors", "string", "Authors, '; '-separated"),
        _f("date_published", "string", "yyyy, yyyy-mm or yyyy-mm-dd",
           pattern="[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"),
        _f("data_year", "integer", "Year the data were collected"),
        _f("url", "string", "URL", format="uri"),
        _f("sample_size", "integer", "Sample size, where the source gives it", minimum=1),
        _f("population", "string", "Population surveyed"),
        _f("geography", "string", "Geography"),
        _f("fieldwork_start", "string", "Start of fieldwork"),
        _f("fieldwork_end", "string", "End of fieldwork"),
        _f("mode", "string", "Survey or data mode"),
        _f("notes", "string", "Notes"),
        _f("file", "string", "Catalogue file, relative to data/catalogue", required=True),
    ]
    seeds = [
        _f("statistic_id", "string", "Statistic", required=True),
        _f("position", "integer", "Order of the seed on the statistic", required=True, minimum=0),
        _f("seed_file", "string", "Seed file name", required=True),
        _f("seed_quote", "string", "Verbatim sentence, byte-exact", required=True),
    ]
    evidence = [
        _f("bib_key", "string", "Origin the evidence belongs to", required=True),
        _f("statistic_id", "string", "Statistic, or empty for evidence about the origin"),
        _f("position", "integer", "Order of the evidence", required=True, minimum=0),
        _f("url", "string", "Where it was read", required=True, format="uri"),
        _f("quote", "string", "The exact sentence read", required=True),
        _f("note", "string", "Note"),
    ]
    discrepancies = [
        _f("statistic_id", "string", "Statistic", required=True),
        _f("kind", "string", "Kind of discrepancy", required=True, enum=e["discrepancy_kind"]),
        _f("explanation", "string", "One-line explanation", required=True),
    ]
    circulation = [
        _f("statistic_id", "string", "Statistic", required=True),
        _f("position", "integer", "Order of the entry on the statistic", required=True,
           minimum=0),
        _f("url", "string", "Roundup page repeating the figure", required=True, format="uri"),
        _f("quote", "string", "The roundup's sentence, as stored", required=True),
        _f("names_source", "string", "Producer the roundup credits, if any"),
        _f("source_correct", "boolean", "Whether that credit is right (empty: none or unchecked)"),
        _f("note", "string", "Note"),
    ]
    fk = {"fields": "statistic_id", "reference": {"resource": "statistics", "fields": "id"}}
    fk_origin = {"fields": "bib_key", "reference": {"resource": "origins", "fields": "bib_key"}}
    return {
        "statistics": {"fields": statistics, "primaryKey": ["id"], "foreignKeys": [fk_origin]},
        "origins": {"fields": origins, "primaryKey": ["bib_key"]},
        "seeds": {"fields": seeds, "primaryKey": ["statistic_id", "position"],
                  "foreignKeys": [fk]},
        "evidence": {"fields": evidence, "foreignKeys": [fk_origin]},
        "discrepancies": {"fields": discrepancies, "foreignKeys": [fk]},
        "circulation": {"fields": circulation, "primaryKey": ["statistic_id", "position"],
                        "foreignKeys": [fk]},
    }


#: Names of the package's resources, in order.
RESOURCES = ("statistics", "origins", "seeds", "evidence", "discrepancies", "circulation")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _join(items: tuple[str, ...], what: str, where: str) -> str:
    for item in items:
        if _SEP.strip() in item:
            raise ValueError(f"{what} of {where} contains ';', which the package uses as separator")
    return _SEP.join(items)


def _rows(root: Path | str | None) -> dict[str, list[dict[str, Any]]]:
    stats = catalogue.statistics(root)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in RESOURCES}
    seen_origins: set[str] = set()
    for s in stats:
        o = s.origin
        if o.bib_key not in seen_origins:
            seen_origins.add(o.bib_key)
            rows["origins"].append({
                "bib_key": o.bib_key, "producer": o.producer, "producer_type": o.producer_type,
                "title": o.title, "authors": _join(o.authors, "authors", o.file),
                "date_published": o.date_published, "data_year": o.data_year, "url": o.url,
                "sample_size": o.sample_size, "population": o.population,
                "geography": o.geography, "fieldwork_start": o.fieldwork_start,
                "fieldwork_end": o.fieldwork_end, "mode": o.mode, "notes": o.notes,
                "file": o.file,
            })
            for i, e in enumerate(o.evidence):
                rows["evidence"].append({"bib_key": o.bib_key, "statistic_id": None, "position": i,
                                         "url": e.url, "quote": e.quote, "note": e.note})
        first = s.seeds[0] if s.seeds else None
        rows["statistics"].append({
            "id": s.id, "seed_file": first.file if first else None,
            "seed_quote": first.quote if first else None, "claim": s.claim, "value": s.value,
            "unit": s.unit, "kind": s.kind, "base": s.base, "n": s.n, "count": s.count,
            "ci_low": s.ci_low, "ci_high": s.ci_high, "producer": o.producer,
            "producer_type": o.producer_type, "source_title": o.title,
            "data_year": o.data_year, "published_year": o.published_year, "status": s.status,
            "url": o.url, "question": s.question, "topics": _join(s.topics, "topics", s.id),
            "status_note": s.status_note, "bib_key": o.bib_key,
        })
        for i, x in enumerate(s.seeds):
            rows["seeds"].append({"statistic_id": s.id, "position": i, "seed_file": x.file,
                                  "seed_quote": x.quote})
        for i, e in enumerate(s.evidence):
            rows["evidence"].append({"bib_key": o.bib_key, "statistic_id": s.id, "position": i,
                                     "url": e.url, "quote": e.quote, "note": e.note})
        for d in s.discrepancies:
            rows["discrepancies"].append({"statistic_id": s.id, "kind": d.kind,
                                          "explanation": d.explanation})
        for i, c in enumerate(s.circulation):
            rows["circulation"].append({"statistic_id": s.id, "position": i, "url": c.url,
                                        "quote": c.quote, "names_source": c.names_source,
                                        "source_correct": c.source_correct, "note": c.note})
    return rows


def export(directory: Path | str, *, root: Path | str | None = None) -> Path:
    """Write the catalogue as a Frictionless data package into ``directory``.

    Parameters
    ----------
    directory : path
        Created if missing; existing package files in it are overwritten.
    root : path, optional
        A catalogue folder; default the packaged catalogue.

    Returns
    -------
    pathlib.Path
        The path of ``datapackage.json``.

    Examples
    --------
    >>> import json, tempfile
    >>> from cxstats.catalogue.export import export
    >>> with tempfile.TemporaryDirectory() as d:
    ...     meta = json.loads(export(d).read_text())
    >>> [r["path"] for r in meta["resources"]]
    ['statistics.csv', 'origins.csv', 'seeds.csv', 'evidence.csv', 'discrepancies.csv', 'circulation.csv']
    """
    if not isinstance(directory, str | Path):
        raise TypeError(f"directory must be a path, not {type(directory).__name__}")
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"directory is a file: {out}")
    out.mkdir(parents=True, exist_ok=True)
    rows = _rows(root)
    spec = _resources_spec()
    resources = []
    for name in RESOURCES:
        fields = [f["name"] for f in spec[name]["fields"]]
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(fields)
            for row in rows[name]:
                writer.writerow([_cell(row[f]) for f in fields])
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {**spec[name], "missingValues": [""]},
        })
    package = {
        "name": "cxstats-catalogue",
        "title": "cxstats: cited customer-experience statistics",
        "description": "Every statistic with its primary source, verbatim quote, base, interval, "
                       "verification status, and the discrepancies found between secondary "
                       "articles (seeds) and the primary.",
        "profile": "tabular-data-package",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _typed(value: str, type_: str) -> Any:
    if value == "":
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "boolean":
        return value == "true"
    if type_ == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def _read_csv(directory: Path, name: str, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    types = {f["name"]: f["type"] for f in spec["fields"]}
    with (directory / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return [{k: _typed(v, types[k]) for k, v in row.items()} for row in csv.DictReader(fh)]


def _split(value: str | None) -> list[str]:
    return value.split(_SEP) if value else []


def read(directory: Path | str) -> dict[str, dict[str, Any]]:
    """Read a package written by :func:`export` back into catalogue documents.

    Returns
    -------
    dict
        Catalogue file path (relative) -> document with ``origin`` and ``statistics``, in the
        shape of the YAML files (every optional field present, ``None`` when unknown; an absent
        ``circulation`` comes back as an empty list).
    """
    directory = Path(directory)
    if not (directory / "datapackage.json").is_file():
        raise FileNotFoundError(f"no datapackage.json in {directory}")
    spec = _resources_spec()
    t = {name: _read_csv(directory, name, spec[name]) for name in RESOURCES}

    def evidence(bib_key: str, sid: str | None) -> list[dict[str, Any]]:
        rows = [e for e in t["evidence"] if e["bib_key"] == bib_key and e["statistic_id"] == sid]
        return [{"url": e["url"], "quote": e["quote"], "note": e["note"]}
                for e in sorted(rows, key=lambda e: e["position"])]

    documents: dict[str, dict[str, Any]] = {}
    for o in t["origins"]:
        documents[o["file"]] = {"origin": {
            "producer": o["producer"], "producer_type": o["producer_type"],
            "authors": _split(o["authors"]), "title": o["title"],
            "date_published": o["date_published"], "data_year": o["data_year"], "url": o["url"],
            "bib_key": o["bib_key"],
            "methodology": {k: o[k] for k in ("sample_size", "population", "geography",
                                              "fieldwork_start", "fieldwork_end", "mode")},
            "evidence": evidence(o["bib_key"], None), "notes": o["notes"],
        }, "statistics": []}
    by_key = {o["bib_key"]: o["file"] for o in t["origins"]}
    for s in t["statistics"]:
        seeds = sorted((x for x in t["seeds"] if x["statistic_id"] == s["id"]),
                       key=lambda x: x["position"])
        documents[by_key[s["bib_key"]]]["statistics"].append({
            "id": s["id"], "claim": s["claim"], "value": s["value"], "unit": s["unit"],
            "kind": s["kind"], "n": s["n"], "count": s["count"], "base": s["base"],
            "question": s["question"], "topics": _split(s["topics"]), "status": s["status"],
            "status_note": s["status_note"], "evidence": evidence(s["bib_key"], s["id"]),
            "seeds": [{"file": x["seed_file"], "quote": x["seed_quote"]} for x in seeds],
            "discrepancies": [{"kind": d["kind"], "explanation": d["explanation"]}
                              for d in t["discrepancies"] if d["statistic_id"] == s["id"]],
            "circulation": [{"url": c["url"], "quote": c["quote"],
                             "names_source": c["names_source"],
                             "source_correct": c["source_correct"], "note": c["note"]}
                            for c in sorted((c for c in t["circulation"]
                                             if c["statistic_id"] == s["id"]),
                                            key=lambda c: c["position"])],
        })
    return documents
