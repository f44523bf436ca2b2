"""The impact inputs-file format (YAML or TOML), read by ``cxstats impact`` (:mod:`cxstats.cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["MAX_FILE_BYTES", "load_inputs_file"]

_FILE_KEYS = {"customers", "revenue_per_customer", "inputs", "method", "draws", "confidence",
              "seed"}
#: Largest inputs file read (an inputs file is a few lines; anything bigger is a mistake).
MAX_FILE_BYTES = 1_000_000


def load_inputs_file(path: Path | str) -> dict[str, Any]:
    """Read a YAML (``.yml``/``.yaml``) or TOML (``.toml``) file of :func:`impact` arguments.

    Top-level keys: ``customers``, ``revenue_per_customer``, ``inputs`` (a mapping of input
    specs), ``method``, ``draws``, ``confidence``, ``seed``. YAML is read strictly by
    :func:`cxstats._yaml.load`: anchors and aliases and duplicate keys are refused.

    Raises
    ------
    ValueError
        A folder, a file over :data:`MAX_FILE_BYTES`, a wrong suffix, invalid YAML or TOML,
        anchors, aliases or duplicate keys, a top level that is not a mapping, or unknown keys.
    FileNotFoundError
        No such file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.toml"
    >>> _ = p.write_text('customers = 10\\nrevenue_per_customer = 2.5\\n')
    >>> load_inputs_file(p)
    {'customers': 10, 'revenue_per_customer': 2.5}
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yml", ".yaml", ".toml"):
        raise ValueError(f"inputs file must end in .yml, .yaml or .toml; got {path.name[:80]!r}")
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not an inputs file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path.name}: larger than {MAX_FILE_BYTES:,} bytes; an inputs file is "
                         "a few lines")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path.name}: not UTF-8 text") from None
    if suffix == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path.name}: not valid TOML: {str(exc)[:200]}") from None
        except RecursionError:
            raise ValueError(f"{path.name}: TOML nested too deeply") from None
    else:
        from cxstats import _yaml

        try:  # no aliases (a "billion laughs" file is refused before it expands), no dup keys
            data = _yaml.load(text)
        except _yaml.YAMLInputError as exc:
            raise ValueError(f"{path.name}: {exc}") from None
        except RecursionError:
            raise ValueError(f"{path.name}: YAML nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: the file must hold a mapping of settings")
    unknown = {str(k) for k in data} - _FILE_KEYS
    if unknown:
        shown = ", ".join(sorted(u[:40] for u in unknown)[:10])
        raise ValueError(f"{path.name}: unknown keys {shown}; allowed: "
                         f"{', '.join(sorted(_FILE_KEYS))}")
    return data
