"""Export the catalogue as a Frictionless data package, and read one back.

The package holds ``statistics.csv`` (one row per statistic, the columns of
:func:`cxstats.catalogue.table`), ``origins.csv`` (one row per source report) and one file per list
of objects in the schema (``evidence.csv``, ``seeds.csv``, ``discrepancies.csv``, ...), described
by ``datapackage.json``. Every Table Schema is generated from ``data/schema/catalogue.schema.json``
(types, enums, patterns, descriptions), so a property added there is exported without another
edit. :func:`read` turns a package back into catalogue documents: the round trip loses no field.
"""

from __future__ import annotations

import csv
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cxstats import catalogue
from cxstats.catalogue import _schema
from cxstats.catalogue._schema import Field

__all__ = ["export", "package_files", "read", "resources"]

_SEP = "; "
#: Column names of list items that differ from the schema's (kept for existing readers).
_ITEM_COLUMN = {("seeds", "file"): "seed_file", ("seeds", "quote"): "seed_quote"}


def _lists() -> dict[str, tuple[Field, bool, bool]]:
    """List-of-object fields: name -> (field, on the origin?, on statistics?)."""
    out: dict[str, tuple[Field, bool, bool]] = {}
    for owner in ("origin", "statistic"):
        for f in _schema.kind(owner).fields:
            if f.type == "records":
                old = out.get(f.name)
                out[f.name] = (f, bool(old and old[1]) or owner == "origin",
                               bool(old and old[2]) or owner == "statistic")
    return out


def resources() -> tuple[str, ...]:
    """Names of the package's resources, in order.

    Examples
    --------
    >>> from cxstats.catalogue.export import resources
    >>> resources()[:2], "seeds" in resources()
    (('statistics', 'origins'), True)
    """
    return ("statistics", "origins", *_lists())


def package_files() -> tuple[str, ...]:
    """File names :func:`export` writes."""
    return (*(f"{name}.csv" for name in resources()), "datapackage.json")


def _column(f: Field, name: str | None = None) -> dict[str, Any]:
    type_ = {"strings": "string", "records": "string"}.get(f.type, f.type)
    out: dict[str, Any] = {"name": name or f.name, "type": type_, "description": f.description}
    if f.type == "strings":
        out["description"] += ", '; '-separated"
    if f.format:
        out["format"] = f.format
    constraints: dict[str, Any] = {}
    if f.required and not f.nullable and f.type != "strings":
        constraints["required"] = True
    if f.enum is not None and f.type != "strings":
        constraints["enum"] = list(f.enum)
    if f.pattern and not f.format:
        constraints["pattern"] = _full_match(f.pattern)
    for key in ("minimum", "maximum"):
        if getattr(f, key) is not None:
            constraints[key] = getattr(f, key)
    if constraints:
        out["constraints"] = constraints
    return out


def _full_match(pattern: str) -> str:
    """A JSON Schema pattern (found anywhere) as a Table Schema one (must match the whole value).

    Examples
    --------
    >>> _full_match("^[a-z]+$"), _full_match("^https?://"), _full_match("x")
    ('[a-z]+', '(?:https?://).*', '.*(?:x).*')
    """
    head = "" if pattern.startswith("^") else ".*"
    tail = "" if pattern.endswith("$") and not pattern.endswith("\\$") else ".*"
    core = pattern.removeprefix("^")
    core = core[:-1] if not tail else core
    return core if not head and not tail else f"{head}(?:{core}){tail}"


def _key(name: str, type_: str, description: str, *, required: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if required:
        out["constraints"] = {"required": True}
    return out


def _spec() -> dict[str, dict[str, Any]]:
    fk_stat = {"fields": "statistic_id", "reference": {"resource": "statistics", "fields": "id"}}
    fk_origin = {"fields": "bib_key", "reference": {"resource": "origins", "fields": "bib_key"}}
    stats = [_column(f) for f in catalogue.table_fields()]
    stats[0].setdefault("constraints", {})["unique"] = True
    origin_fields = [_column(f) for f in _schema.kind("origin").fields if f.type != "records"]
    origin_fields += [_column(f) for f in catalogue.table_fields()
                      if f.name in ("published_year", "file")]
    next(f for f in origin_fields if f["name"] == "bib_key")["constraints"]["unique"] = True
    spec = {
        "statistics": {"fields": stats, "primaryKey": ["id"], "foreignKeys": [fk_origin]},
        "origins": {"fields": origin_fields, "primaryKey": ["bib_key"]},
    }
    for name, (f, on_origin, on_stats) in _lists().items():
        assert f.item is not None
        fields, keys = [], []
        if on_origin:
            fields.append(_key("bib_key", "string", "Origin the entry belongs to", required=True))
            keys.append(fk_origin)
        if on_stats:
            fields.append(_key("statistic_id", "string",
                               "Statistic" + (", or empty for the origin's" if on_origin else ""),
                               required=not on_origin))
            keys.append(fk_stat)
        position = _key("position", "integer", "Order of the entry", required=True)
        position["constraints"]["minimum"] = 0
        fields.append(position)
        fields += [_column(g, _ITEM_COLUMN.get((name, g.name))) for g in f.item.fields]
        spec[name] = {"fields": fields, "foreignKeys": keys}
    return spec


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


def _joiner(where: str) -> Any:
    def join(items: tuple[str, ...]) -> str:
        for item in items:
            if _SEP.strip() in item:
                raise ValueError(f"a list item of {where} contains ';', which the package uses "
                                 "as separator")
        return _SEP.join(items)
    return join


def _item_row(f: Field, name: str, x: Any) -> dict[str, Any]:
    assert f.item is not None
    return {_ITEM_COLUMN.get((name, g.name), g.name): getattr(x, g.name) for g in f.item.fields}


def _rows(root: Path | str | None) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in resources()}
    lists = _lists()
    origin_fields = [f for f in _schema.kind("origin").fields if f.type != "records"]
    seen: set[str] = set()
    for s in catalogue.statistics(root):
        o = s.origin
        if o.file not in seen:
            seen.add(o.file)
            join = _joiner(o.file)
            rows["origins"].append({
                **{f.name: join(getattr(o, f.name)) if f.type == "strings" else getattr(o, f.name)
                   for f in origin_fields},
                "published_year": o.published_year, "file": o.file})
            for name, (f, on_origin, _) in lists.items():
                if on_origin:
                    for i, x in enumerate(getattr(o, name)):
                        rows[name].append({"bib_key": o.bib_key, "statistic_id": None,
                                           "position": i, **_item_row(f, name, x)})
        rows["statistics"].append(catalogue.row(s, join=_joiner(s.id)))
        for name, (f, _, on_stats) in lists.items():
            if on_stats:
                for i, x in enumerate(getattr(s, name)):
                    rows[name].append({"bib_key": o.bib_key, "statistic_id": s.id,
                                       "position": i, **_item_row(f, name, x)})
    return rows


def export(directory: Path | str, *, root: Path | str | None = None,
           overwrite: bool = False) -> Path:
    """Write the catalogue as a Frictionless data package into ``directory``.

    Parameters
    ----------
    directory : path
        Created if missing. It must not be empty text.
    root : path, optional
        A catalogue folder; default the packaged catalogue.
    overwrite : bool, default False
        Replace the package files (:func:`package_files`) if ``directory`` already holds any of
        them; without it that is an error and nothing is written.

    Returns
    -------
    pathlib.Path
        The path of ``datapackage.json``.

    Raises
    ------
    TypeError
        If ``directory`` is not a path or ``overwrite`` not a bool.
    ValueError
        If ``directory`` is empty text.
    FileExistsError
        If a package file is already there and ``overwrite`` is False.
    OSError
        If the folder or a file cannot be written (read-only file system, a folder in the way...).

    Examples
    --------
    >>> import json, tempfile
    >>> from cxstats.catalogue.export import export
    >>> with tempfile.TemporaryDirectory() as d:
    ...     meta = json.loads(export(d).read_text())
    >>> [r["path"] for r in meta["resources"]][:3]
    ['statistics.csv', 'origins.csv', 'evidence.csv']
    """
    if not isinstance(directory, str | os.PathLike):
        raise TypeError(f"directory must be a path, not {type(directory).__name__}")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, not {type(overwrite).__name__}")
    if str(directory).strip() == "":
        raise ValueError("directory must not be empty; give the folder to write the package to")
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"directory is a file: {out}")
    present = [name for name in package_files() if (out / name).exists()]
    folders = [name for name in present if (out / name).is_dir()]
    if folders:
        raise IsADirectoryError(f"cannot write {out / folders[0]}: it is a folder")
    if present and not overwrite:
        raise FileExistsError(f"{out} already holds {', '.join(present)}; choose an empty folder "
                              "or overwrite them (overwrite=True, cxstats export --force)")
    rows = _rows(root)
    spec = _spec()
    out.mkdir(parents=True, exist_ok=True)
    meta = []
    for name in resources():
        fields = [f["name"] for f in spec[name]["fields"]]
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(fields)
            for r in rows[name]:
                writer.writerow([_cell(r[f]) for f in fields])
        meta.append({
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
        "resources": meta,
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _typed(value: str, type_: str) -> Any:
    if value == "":
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if type_ == "boolean":
        return value == "true"
    return value


def _read_csv(directory: Path, name: str, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    types = {f["name"]: f["type"] for f in spec["fields"]}
    with (directory / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return [{k: _typed(v, types[k]) for k, v in r.items()} for r in csv.DictReader(fh)]


def _split(value: str | None) -> list[str]:
    return value.split(_SEP) if value else []


def _nest(fields: list[Field], flat: Mapping[str, Any]) -> dict[str, Any]:
    """Put flattened values back at their schema path (``methodology.sample_size``)."""
    doc: dict[str, Any] = {}
    for f in fields:
        target = doc
        for part in f.path[:-1]:
            target = target.setdefault(part, {})
        target[f.path[-1]] = flat[f.name]
    return doc


def read(directory: Path | str) -> dict[str, dict[str, Any]]:
    """Read a package written by :func:`export` back into catalogue documents.

    Returns
    -------
    dict
        Catalogue file path (relative) -> document with ``origin`` and ``statistics``, in the
        shape of the YAML files (every schema property present: ``None`` when unknown, ``[]`` for
        an empty list).
    """
    directory = Path(directory)
    if not (directory / "datapackage.json").is_file():
        raise FileNotFoundError(f"no datapackage.json in {directory}")
    spec = _spec()
    t = {name: _read_csv(directory, name, spec[name]) for name in resources()}
    lists = _lists()

    def items(name: str, bib_key: str, sid: str | None) -> list[dict[str, Any]]:
        f = lists[name][0]
        assert f.item is not None
        found = sorted((r for r in t[name] if r.get("bib_key", bib_key) == bib_key
                        and r.get("statistic_id") == sid), key=lambda r: r["position"])
        return [{g.name: r[_ITEM_COLUMN.get((name, g.name), g.name)] for g in f.item.fields}
                for r in found]

    def document(kind: str, r: Mapping[str, Any], bib_key: str, sid: str | None
                 ) -> dict[str, Any]:
        fields = list(_schema.kind(kind).fields)
        flat = {}
        for f in fields:
            if f.type == "records":
                flat[f.name] = items(f.name, bib_key, sid)
            elif f.type == "strings":
                flat[f.name] = _split(r[f.name])
            else:
                flat[f.name] = r[f.name]
        return _nest(fields, flat)

    documents: dict[str, dict[str, Any]] = {}
    for o in t["origins"]:
        documents[o["file"]] = {"origin": document("origin", o, o["bib_key"], None),
                                "statistics": []}
    by_key = {o["bib_key"]: o["file"] for o in t["origins"]}
    for s in t["statistics"]:
        documents[by_key[s["bib_key"]]]["statistics"].append(
            document("statistic", s, s["bib_key"], s["id"]))
    return documents
