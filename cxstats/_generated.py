"""Generated files (book pages, data sets, aggregate tables): write them, or list the stale ones.

The scripts in ``scripts/`` that make files from code share :func:`sync`, so each one either
rewrites what changed or, with ``--check``, exits 1 naming every out-of-date file.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["sync"]


def sync(folder: Path, files: Mapping[str, str], *, check: bool, prune: str | None = None) -> int:
    """Make ``folder`` hold exactly ``files`` (name -> text), or report where it does not.

    Parameters
    ----------
    folder : Path
        Where the files live.
    files : mapping of str to str
        File name -> full UTF-8 text.
    check : bool
        If True, write nothing: print each file that is missing or differs (and each extra
        file matching ``prune``) to stderr and return 1 if there is any, else 0.
    prune : str, optional
        A glob; files in ``folder`` matching it that are not in ``files`` are removed (or, with
        ``check``, reported).

    Returns
    -------
    int
        The exit code: 0, or 1 when ``check`` found stale files.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as d:
    ...     written = sync(Path(d), {"a.txt": "x"}, check=False)  # doctest: +ELLIPSIS
    ...     current = sync(Path(d), {"a.txt": "x"}, check=True)
    ...     stale = sync(Path(d), {"a.txt": "y"}, check=True)
    /...: 1 file(s), 1 written, 0 removed
    >>> written, current, stale
    (0, 0, 1)
    """
    changed = [name for name, text in files.items()
               if not (folder / name).is_file()
               or (folder / name).read_text(encoding="utf-8") != text]
    extra = sorted(p for p in folder.glob(prune) if p.name not in files) if prune else []
    if check:
        for name in changed:
            print(f"out of date: {folder / name}", file=sys.stderr)
        for p in extra:
            print(f"not generated any more: {p}", file=sys.stderr)
        return 1 if changed or extra else 0
    folder.mkdir(parents=True, exist_ok=True)
    for name in changed:
        (folder / name).write_text(files[name], encoding="utf-8")
    for p in extra:
        p.unlink()
    print(f"{folder}: {len(files)} file(s), {len(changed)} written, {len(extra)} removed")
    return 0
