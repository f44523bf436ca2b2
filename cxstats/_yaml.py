"""A strict, safe YAML reader for files a user hands to cxstats (catalogue records, model inputs).

On top of ``yaml.SafeLoader`` (the C version where PyYAML has it) it refuses three things that
let a small file publish a wrong number or exhaust the machine:

* aliases (``*name``): a 752-byte "billion laughs" file of nested anchors expands to about
  10^9 nodes once anything walks it, so no alias is accepted at all;
* duplicate keys in a mapping (``value: 80`` then ``value: 99``): PyYAML keeps the last one
  silently; here it is an error naming the key and both lines;
* files above :data:`MAX_BYTES`.

Every refusal is a :class:`YAMLInputError` (a ``ValueError``) whose message names the line.

Examples
--------
>>> from cxstats._yaml import load
>>> load("a: 1\\nb: [x, y]\\n")
{'a': 1, 'b': ['x', 'y']}
>>> load("a: 1\\na: 2\\n")
Traceback (most recent call last):
...
cxstats._yaml.YAMLInputError: line 2: duplicate key 'a' (first at line 1)
>>> load("a: &x [1]\\nb: *x\\n")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cxstats._yaml.YAMLInputError: line 1: YAML anchors and aliases (&name, *name) are not allowed; ...
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_BYTES", "YAMLInputError", "load"]

#: Largest text :func:`load` accepts (the biggest catalogue file is about 20 kB).
MAX_BYTES = 2_000_000

_ALIAS = "YAML anchors and aliases (&name, *name) are not allowed; this anchored node is reused"
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YAMLInputError(ValueError):
    """A YAML text that is malformed or uses a refused feature; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


class _StrictLoader(_Base):  # type: ignore[misc, valid-type]
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # The composer hands an alias back as the very node it names, so a node seen a second
        # time is an alias (or a recursive structure): refuse it before anything expands it.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise YAMLInputError(_ALIAS, node.start_mark.line + 1)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YAMLInputError("YAML merge keys (<<) are not allowed here",
                                         key_node.start_mark.line + 1)
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    continue
                line = key_node.start_mark.line + 1
                if key in first:
                    raise YAMLInputError(
                        f"duplicate key {key!r} (first at line {first[key]})", line)
                first[key] = line
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> Any:
    """Parse one YAML document strictly (no aliases, no duplicate keys, at most MAX_BYTES).

    Parameters
    ----------
    text : str
        The YAML text.

    Returns
    -------
    object
        What ``yaml.safe_load`` would return for an accepted text.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    YAMLInputError
        If the text is too long, malformed, or uses an alias, a merge key or a duplicate key.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    if len(text) > MAX_BYTES:
        raise YAMLInputError(f"file is larger than {MAX_BYTES:,} characters")
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise YAMLInputError(f"malformed YAML: {reason}",
                             mark.line + 1 if mark is not None else None) from None
    finally:
        loader.dispose()
