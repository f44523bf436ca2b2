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

from cxstats import _resources, _yaml

__all__ = ["CatalogueError", "Problem", "check", "default_seeds_dir", "read_bib_keys", "read_files",
           "validate"]

_FILENAME = re.compile(r"^(?P<year>[0-9]{4})-[a-z0-9]+(-[a-z0-9]+)*\.ya?ml$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SEED_FILE = re.compile(r"^[0-9]{3}_[0-9a-f]{16}\.txt$")


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
    line : int or None
        1-based line of the file, where the problem has one (YAML syntax, duplicate keys).
    """

    file: str
    statistic_id: str | None
    field: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
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


def read_files(root: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Read every ``*.yml``/``*.yaml`` file below ``root`` with the strict reader of ``cxstats._yaml``.

    A file whose real path leaves the (resolved) catalogue folder, such as a symbolic link to
    ``/etc/passwd``, is refused unread. YAML aliases, merge keys and duplicate keys are problems
    naming their line.

    Returns
    -------
    documents : dict
        Relative path -> parsed document, for the files that parsed.
    problems : list of Problem
        Files that are missing, refused, unreadable or not YAML.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"catalogue folder not found: {root}")
    real_root = root.resolve()
    documents: dict[str, Any] = {}
    problems: list[Problem] = []
    files = sorted(p for p in root.rglob("*") if p.suffix in {".yml", ".yaml"})
    if not files:
        problems.append(Problem(str(root), None, None, "no catalogue files (*.yml) found"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        real = path.resolve()
        if not real.is_relative_to(real_root):
            problems.append(Problem(rel, None, None, "is a link to a file outside the catalogue "
                                    "folder; refused without reading it"))
            continue
        if not real.is_file():
            continue
        try:
            text = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, None, None, f"cannot be read as UTF-8 text: {exc}"))
            continue
        try:
            documents[rel] = _yaml.load(text)
        except _yaml.YAMLInputError as exc:
            problems.append(Problem(rel, None, None, exc.reason, line=exc.line))
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


#: Longest message kept from the schema validator (it quotes the offending value).
MAX_MESSAGE = 300
#: Most schema problems reported per file; the rest are counted.
MAX_PER_FILE = 50


def _short(message: str, instance: Any = None) -> str:
    """The message, with a long quoted value cut to its start, at most MAX_MESSAGE long."""
    if len(message) > MAX_MESSAGE and instance is not None:
        shown = repr(instance)
        if len(shown) > 60 and shown in message:
            message = message.replace(shown, shown[:60] + "\u2026")
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "\u2026"


def _schema_problems(rel: str, doc: Any, validator: Any) -> list[Problem]:
    problems = []
    errors = []
    for error in validator.iter_errors(doc):
        errors.append(error)
        if len(errors) > 10 * MAX_PER_FILE:
            break
    errors.sort(key=lambda e: list(map(str, e.absolute_path)))
    for error in errors[:MAX_PER_FILE]:
        path = list(error.absolute_path)
        sid = None
        if len(path) >= 2 and path[0] == "statistics" and isinstance(path[1], int):
            sid = _statistic_id(doc, path[1]) or f"#{path[1]}"
            field = _field_path(path[2:]) or None
        else:
            field = _field_path(path) or None
        problems.append(Problem(rel, sid, field, _short(error.message, error.instance)))
    if len(errors) > MAX_PER_FILE:
        more = f"{len(errors) - MAX_PER_FILE}" + ("+" if len(errors) > 10 * MAX_PER_FILE else "")
        problems.append(Problem(rel, None, None, f"{more} further schema problem(s) not listed"))
    return problems


def _place_problems(rel: str) -> list[Problem]:
    """Folder and file name of a catalogue file, whatever its content."""
    problems = []
    path = Path(rel)
    if not _FILENAME.match(path.name):
        problems.append(Problem(rel, None, None, f"file name {path.name!r} must be "
                                "<yyyy>-<report-slug>.yml"))
    if len(path.parts) != 2 or not _SLUG.match(path.parent.name):
        where = f"folder {path.parent.as_posix()!r}" if path.parent.parts else "the catalogue root"
        problems.append(Problem(rel, None, None, "file must sit in a <producer-slug>/ folder "
                                f"directly below the catalogue root, not in {where}"))
    return problems


def _cross_problems(
    rel: str, doc: Mapping[str, Any], bib_keys: set[str] | None, seen: dict[str, str]
) -> list[Problem]:
    problems = []
    origin = doc.get("origin") if isinstance(doc.get("origin"), Mapping) else {}
    match = _FILENAME.match(Path(rel).name)
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
        basis = stat.get("n_basis")
        if n is not None and basis != "stated":
            problems.append(Problem(rel, sid, "n_basis",
                                    "n is stated for this figure, so n_basis must be 'stated'"))
        if basis == "stated" and n is None:
            problems.append(Problem(rel, sid, "n_basis", "n_basis is 'stated' but n is not given"))
        if basis == "whole-sample" and sample_size is None:
            problems.append(Problem(rel, sid, "n_basis",
                                    "n_basis is 'whole-sample' but the origin's "
                                    "methodology.sample_size is unknown"))
        if basis == "whole-sample" and stat.get("kind") != "proportion":
            problems.append(Problem(rel, sid, "n_basis",
                                    "n_basis 'whole-sample' is only for proportions"))
    return problems


def _seed_problems(rel: str, doc: Mapping[str, Any], seeds: Path,
                   cache: dict[str, bytes | None]) -> list[Problem]:
    """Every seed quote of ``doc`` must be a byte-exact substring of its file in ``seeds``."""
    problems = []
    stats = doc.get("statistics") if isinstance(doc.get("statistics"), list) else []
    for i, stat in enumerate(stats):
        if not isinstance(stat, Mapping) or not isinstance(stat.get("seeds"), list):
            continue
        sid = stat.get("id") if isinstance(stat.get("id"), str) else f"#{i}"
        for j, seed in enumerate(stat["seeds"]):
            if not isinstance(seed, Mapping):
                continue
            name, quote = seed.get("file"), seed.get("quote")
            if not (isinstance(name, str) and _SEED_FILE.match(name) and isinstance(quote, str)):
                continue  # the schema reports it
            if name not in cache:
                path = seeds / name
                cache[name] = path.read_bytes() if path.is_file() else None
            text = cache[name]
            if text is None:
                problems.append(Problem(rel, sid, f"seeds[{j}].file",
                                        f"seed file {name} is not in {seeds}"))
            elif quote.encode("utf-8") not in text:
                problems.append(Problem(rel, sid, f"seeds[{j}].quote",
                                        f"quote is not a byte-exact part of seed file {name}"))
    return problems


def validate(root: Path | str | None = None, *, bibliography: Path | str | None = None,
             seeds: Path | str | None = None) -> list[Problem]:
    """Validate every catalogue file and return all problems (empty list = valid).

    Parameters
    ----------
    root : path, optional
        The catalogue folder; default the packaged catalogue.
    bibliography : path, optional
        The BibTeX file that must hold every ``origin.bib_key``; default the packaged one.
    seeds : path, optional
        A folder of seed files (``../shared/seeds``); when given, every seed quote must be a
        byte-exact part of its seed file. When None the quotes are not checked
        (:func:`default_seeds_dir` finds the usual folder; ``cxstats validate`` uses it).

    Returns
    -------
    list of Problem

    Raises
    ------
    FileNotFoundError
        If ``root`` or ``seeds`` is not a folder.

    Examples
    --------
    >>> from cxstats.catalogue.validation import validate
    >>> validate()
    []
    """
    return check(root, bibliography=bibliography, seeds=seeds)[1]


def default_seeds_dir() -> Path | None:
    """``../shared/seeds`` next to the source checkout the catalogue lives in, if it exists."""
    path = _resources.data_dir().resolve().parent.parent / "shared" / "seeds"
    return path if path.is_dir() else None


def check(root: Path | str | None = None, *, bibliography: Path | str | None = None,
          seeds: Path | str | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Read and validate the catalogue once: the parsed documents and every problem found."""
    root = Path(root) if root is not None else _resources.catalogue_dir()
    seeds_dir = None
    if seeds is not None:
        seeds_dir = Path(seeds)
        if not seeds_dir.is_dir():
            raise FileNotFoundError(f"seeds folder not found: {seeds_dir}")
    documents, problems = read_files(root)
    bib = Path(bibliography) if bibliography is not None else _resources.bibliography_path()
    bib_keys: set[str] | None = None
    if not bib.is_file():
        problems.append(Problem(str(bib), None, None, "bibliography file not found"))
    else:
        try:
            bib_keys = read_bib_keys(bib)
        except Exception as exc:  # pybtex raises its own error types for malformed BibTeX
            problems.append(Problem(str(bib), None, None, f"malformed BibTeX: {_short(str(exc))}"))
    validator = _schema_validator()
    seen: dict[str, str] = {}
    cache: dict[str, bytes | None] = {}
    for rel, doc in documents.items():
        problems += _place_problems(rel)
        if not isinstance(doc, Mapping):
            problems.append(Problem(rel, None, None,
                                    f"must be a mapping with origin and statistics, "
                                    f"not {type(doc).__name__}"))
            continue
        problems += _schema_problems(rel, doc, validator)
        problems += _cross_problems(rel, doc, bib_keys, seen)
        if seeds_dir is not None:
            problems += _seed_problems(rel, doc, seeds_dir, cache)
    return documents, problems
