"""Write a chapter notebook from a compact cell list (used when a chapter is first created).

Usage from Python::

    from scripts.new_notebook import write
    write("book/x.ipynb", [("md", "# Title"), ("code", "1 + 1", ["remove-input"])])

Cells whose source starts with ``# NBVAL_CHECK_OUTPUT`` are the chapter's headline cells: nbval
compares their stored output with a fresh run. Run ``make notebooks`` to store outputs.
"""

from __future__ import annotations

import nbformat


def write(path: str, cells: list[tuple]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        kind, source, *rest = cell
        tags = rest[0] if rest else []
        c = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        if tags:
            c.metadata["tags"] = list(tags)
        nb.cells.append(c)
    nbformat.write(nb, path)
