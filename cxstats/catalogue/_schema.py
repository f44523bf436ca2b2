"""What the catalogue's JSON Schema defines, in the shape the loader, table and export need.

``data/schema/catalogue.schema.json`` is the one definition of a record. This module reads it
once and describes each kind of record (origin, statistic, and the items of their lists) as a
:class:`Kind` with typed :class:`Field` objects, following three rules:

* an object-valued property (``origin.methodology``) is flattened into its parent;
* an array of strings (``topics``, ``authors``) is a ``tuple`` of str (``"; "``-joined in tables);
* an array of objects (``evidence``, ``seeds``, ...) is a ``tuple`` of item records, whose kind is
  named by the items' ``title`` in the schema.

:func:`record_class` turns a kind into a frozen dataclass, so adding a property to the schema adds
the attribute, the table column and the export column without another edit.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from typing import Any

from cxstats import _resources

__all__ = ["Field", "Kind", "enum", "kind", "record_class", "schema"]

_PY_TYPES: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool}


@dataclass(frozen=True)
class Field:
    """One property of a record, after resolving ``$ref`` and flattening objects.

    ``type`` is ``string``, ``integer``, ``number``, ``boolean``, ``strings`` (array of str) or
    ``records`` (array of objects, described by ``item``); ``path`` is where the value sits in
    the YAML object (``("methodology", "sample_size")``).
    """

    name: str
    path: tuple[str, ...]
    type: str
    nullable: bool
    required: bool
    description: str
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    item: Kind | None = None

    @property
    def python_type(self) -> Any:
        """The attribute's type on the record class."""
        if self.type == "strings":
            return tuple[str, ...]
        if self.type == "records":
            return tuple[Any, ...]
        base = _PY_TYPES[self.type]
        return base | None if self.nullable else base


@dataclass(frozen=True)
class Kind:
    """A kind of record (``Origin``, ``Statistic``, ``Seed``...) and its fields in schema order."""

    title: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.title} has no field {name!r}")


@functools.cache
def schema() -> dict[str, Any]:
    """The parsed JSON Schema (read once per process)."""
    return json.loads(_resources.schema_path().read_text(encoding="utf-8"))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = schema()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _type_of(node: dict[str, Any]) -> tuple[str, bool]:
    if "enum" in node:
        values = node["enum"]
        kinds = {type(v) for v in values if v is not None}
        base = "string" if kinds <= {str} else "integer" if kinds <= {int} else "number"
        return base, None in values
    types = node.get("type", "string")
    types = [types] if isinstance(types, str) else list(types)
    nullable = "null" in types
    real = [t for t in types if t != "null"]
    if len(real) != 1:
        raise ValueError(f"schema property with several types is not supported: {types}")
    return real[0], nullable


def _fields(node: dict[str, Any], path: tuple[str, ...] = ()) -> list[Field]:
    out: list[Field] = []
    required = set(node.get("required", ()))
    for name, raw in node["properties"].items():
        prop = _resolve(raw)
        base, nullable = _type_of(prop)
        common = {"name": name, "path": (*path, name), "nullable": nullable,
                  "required": name in required, "description": prop.get("description", name)}
        if base == "object":
            out += _fields(prop, (*path, name))
        elif base == "array":
            items = _resolve(prop["items"])
            if items.get("type") == "object":
                out.append(Field(type="records", item=_kind(items, name), **common))
            else:
                out.append(Field(type="strings", enum=tuple(items["enum"]) if "enum" in items
                                 else None, **common))
        else:
            enum_values = tuple(v for v in prop["enum"] if v is not None) if "enum" in prop else None
            out.append(Field(type=base, enum=enum_values, pattern=prop.get("pattern"),
                             format=prop.get("format"), minimum=prop.get("minimum"),
                             maximum=prop.get("maximum"), **common))
    return out


def _kind(node: dict[str, Any], name: str) -> Kind:
    return Kind(node.get("title", name.capitalize()), tuple(_fields(node)))


@functools.cache
def kind(name: str) -> Kind:
    """The kind ``"origin"`` or ``"statistic"`` as the schema defines it.

    Examples
    --------
    >>> from cxstats.catalogue._schema import kind
    >>> kind("statistic").field("status").enum
    ('confirmed', 'partly-confirmed', 'not-confirmed', 'retracted')
    >>> kind("origin").field("sample_size").path
    ('methodology', 'sample_size')
    """
    props = schema()["properties"]
    if name == "origin":
        return _kind(props["origin"], "origin")
    if name == "statistic":
        return _kind(props["statistics"]["items"], "statistic")
    raise ValueError(f"name must be 'origin' or 'statistic'; got {name!r}")


def enum(kind_name: str, field: str) -> tuple[Any, ...]:
    """The allowed values of a field (of the field's items, for a list of strings)."""
    values = kind(kind_name).field(field).enum
    if values is None:
        raise ValueError(f"{kind_name}.{field} has no enum in the schema")
    return values


def _docstring(k: Kind, summary: str, extra: list[tuple[str, str, str]]) -> str:
    lines = [summary, "", "Generated from the catalogue's JSON Schema.", "", "Attributes",
             "----------"]
    for f in k.fields:
        what = ("tuple of " + f.item.title if f.type == "records" else
                "tuple of str" if f.type == "strings" else
                f"{f.type}{' or None' if f.nullable else ''}")
        lines += [f"{f.name} : {what}", f"    {f.description}."]
    for name, what, description in extra:
        lines += [f"{name} : {what}", f"    {description}."]
    return "\n".join(lines)


def record_class(k: Kind, summary: str, *, extra: tuple[tuple[str, Any, str, str], ...] = (),
                 namespace: dict[str, Any] | None = None) -> type:
    """A frozen dataclass with one attribute per field of ``k`` (plus ``extra`` ones).

    ``extra`` holds ``(name, type, type text, description)`` for attributes that are not in the
    YAML object (the origin of a statistic, the file of an origin).
    """
    spec = [(f.name, f.python_type) for f in k.fields] + [(n, t) for n, t, _, _ in extra]
    cls = dataclasses.make_dataclass(k.title, spec, frozen=True, namespace=namespace or {})
    cls.__module__ = "cxstats.catalogue"
    cls.__doc__ = _docstring(k, summary, [(n, w, d) for n, _, w, d in extra])
    return cls
