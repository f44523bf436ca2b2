"""Check catalogue files: the JSON Schema plus the rules a schema cannot express.

Every problem in every file is collected (nothing stops at the first one), and each names the file,
the statistic id (where there is one) and the field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cxstats import _resources

__all__ = ["CatalogueError", "Problem", "check", "read_bib_keys", "read_files", "validate"]

_FILENAME = re.compile(r"^(?P<year>[0-9]{4})-[a-z0-9]+(-[a-z0-9]+)*\.ya?ml$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalogue.

    Attributes
    ----------
    file : str
        Path of the file, relative to the catalogue root.
    statistic_id : str or None
        The statistic concerned, or None for a problem of the whole file or its origin.
    field : str or None
        The field concerned, as a dotted path (``origin.bib_key``, ``value``, ``seeds[0].quote``).
    message : str
        What is wrong, in one sentence.
    """

    file: str
    statistic_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.statistic_id:
            where += f" [{self.statistic_id}]"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.message}"


class CatalogueError(ValueError):
    """The catalogue does not validate; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problem(s) in the catalogue:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def _loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_files(root: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Read every ``*.yml`` file below ``root``.

    Returns
    -------
    documents : dict
        Relative path -> parsed document, for the files that parsed.
    problems : list of Problem
        Files that are missing, unreadable or not YAML.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"catalogue folder not found: {root}")
    documents: dict[str, Any] = {}
    problems: list[Problem] = []
    files = sorted(p for p in root.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file())
    if not files:
        problems.append(Problem(str(root), None, None, "no catalogue files (*.yml) found"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, None, None, f"cannot be read as UTF-8 text: {exc}"))
            continue
        try:
            documents[rel] = yaml.load(text, Loader=_loader())
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            problems.append(Problem(rel, None, None, f"malformed YAML{at}: {reason}"))
    return documents, problems


def read_bib_keys(path: Path) -> set[str]:
    """Keys of the entries in a BibTeX file, parsed with pybtex (never a regex)."""
    from pybtex.database import parse_file

    return set(parse_file(str(path), bib_format="bibtex").entries.keys())


def _schema_validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(_resources.schema_path().read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _field_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _statistic_id(doc: Any, index: int) -> str | None:
    try:
        sid = doc["statistics"][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return sid if isinstance(sid, str) else None


def _schema_problems(rel: str, doc: Any, validator: Any) -> list[Problem]:
    problems = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = list(error.absolute_path)
        sid = None
        if len(path) >= 2 and path[0] == "statistics" and isinstance(path[1], int):
            sid = _statistic_id(doc, path[1]) or f"#{path[1]}"
            field = _field_path(path[2:]) or None
        else:
            field = _field_path(path) or None
        message = error.message
        problems.append(Problem(rel, sid, field, message))
    return problems


def _cross_problems(
    rel: str, doc: Mapping[str, Any], bib_keys: set[str] | None, seen: dict[str, str]
) -> list[Problem]:
    problems = []
    origin = doc.get("origin") if isinstance(doc.get("origin"), Mapping) else {}
    match = _FILENAME.match(Path(rel).name)
    if not match:
        problems.append(Problem(rel, None, None, "file name must be <yyyy>-<report-slug>.yml"))
    parent = Path(rel).parent.name
    if not _SLUG.match(parent or ""):
        problems.append(Problem(rel, None, None, "file must sit in a <producer-slug>/ folder"))
    published = origin.get("date_published")
    if match and isinstance(published, str) and not published.startswith(match["year"]):
        problems.append(
            Problem(rel, None, "origin.date_published",
                    f"year {published[:4]} does not match the file name year {match['year']}")
        )
    key = origin.get("bib_key")
    if bib_keys is not None and isinstance(key, str) and key not in bib_keys:
        problems.append(Problem(rel, None, "origin.bib_key",
                                f"unknown bib_key {key!r}: no such entry in references.bib"))
    methodology = origin.get("methodology") if isinstance(origin.get("methodology"), Mapping) else {}
    sample_size = methodology.get("sample_size")
    stats = doc.get("statistics") if isinstance(doc.get("statistics"), list) else []
    for i, stat in enumerate(stats):
        if not isinstance(stat, Mapping):
            continue
        sid = stat.get("id") if isinstance(stat.get("id"), str) else f"#{i}"
        if sid in seen:
            problems.append(Problem(rel, sid, "id", f"duplicate id, already used in {seen[sid]}"))
        else:
            seen[sid] = rel
        n, count, value = stat.get("n"), stat.get("count"), stat.get("value")
        ints = isinstance(n, int) and not isinstance(n, bool)
        if ints and isinstance(count, int) and count > n:
            problems.append(Problem(rel, sid, "n", f"n = {n} is below the count it implies ({count})"))
        if ints and isinstance(sample_size, int) and n > sample_size:
            problems.append(Problem(rel, sid, "n",
                                    f"n = {n} exceeds the report's sample_size ({sample_size})"))
        if (
            ints and isinstance(count, int) and count <= n and stat.get("unit") == "percent"
            and isinstance(value, int | float) and abs(100 * count / n - value) > 0.5 + 1e-9
        ):
            problems.append(Problem(
                rel, sid, "value",
                f"value {value}% disagrees with count/n = {count}/{n} = {100 * count / n:.2f}%"))
        if count is not None and n is None:
            problems.append(Problem(rel, sid, "n", "count is given but n (its base) is not"))
        if ints and not stat.get("evidence"):
            problems.append(Problem(rel, sid, "evidence", "n is given without evidence"))
    return problems


def validate(root: Path | str | None = None, *, bibliography: Path | str | None = None
             ) -> list[Problem]:
    """Validate every catalogue file and return all problems (empty list = valid).

    Parameters
    ----------
    root : path, optional
        The catalogue folder; default the packaged catalogue.
    bibliography : path, optional
        The BibTeX file that must hold every ``origin.bib_key``; default the packaged one.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> from cxstats.catalogue.validation import validate
    >>> validate()
    []
    """
    return check(root, bibliography=bibliography)[1]


def check(root: Path | str | None = None, *, bibliography: Path | str | None = None
          ) -> tuple[dict[str, Any], list[Problem]]:
    """Read and validate the catalogue once: the parsed documents and every problem found."""
    root = Path(root) if root is not None else _resources.catalogue_dir()
    documents, problems = read_files(root)
    bib = Path(bibliography) if bibliography is not None else _resources.bibliography_path()
    try:
        bib_keys: set[str] | None = read_bib_keys(bib)
    except FileNotFoundError:
        problems.append(Problem(str(bib), None, None, "bibliography file not found"))
        bib_keys = None
    except Exception as exc:  # pybtex raises its own error types for malformed BibTeX
        problems.append(Problem(str(bib), None, None, f"malformed BibTeX: {exc}"))
        bib_keys = None
    validator = _schema_validator()
    seen: dict[str, str] = {}
    for rel, doc in documents.items():
        if not isinstance(doc, Mapping):
            problems.append(Problem(rel, None, None,
                                    f"must be a mapping with origin and statistics, "
                                    f"not {type(doc).__name__}"))
            continue
        problems += _schema_problems(rel, doc, validator)
        problems += _cross_problems(rel, doc, bib_keys, seen)
    return documents, problems
