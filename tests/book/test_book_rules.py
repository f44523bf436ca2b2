"""Rules for every chapter in _toc.yml: no hand-typed figure in prose, every glue role glued.

The chapter-specific test files check more (citations, headline cells, charts); this one makes
sure no chapter, present or future, escapes the two basic rules.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    stack = list(toc.get("chapters", []))
    while stack:
        entry = stack.pop(0)
        if "file" in entry:
            files.append(entry["file"])
        stack += entry.get("sections", [])
    return files


def _chapter(name: str) -> tuple[list[str], set[str]]:
    path = ROOT / f"{name}.ipynb"
    if path.exists():
        nb = nbformat.read(path, as_version=4)
        prose = [c.source for c in nb.cells if c.cell_type == "markdown"]
        glued = {o["metadata"]["scrapbook"]["name"] for c in nb.cells if c.cell_type == "code"
                 for o in c.get("outputs", []) if "scrapbook" in o.get("metadata", {})}
        return prose, glued
    return [(ROOT / f"{name}.md").read_text(encoding="utf-8")], set()


CHAPTERS = _toc_files()


def test_toc_lists_the_chapters():
    assert len(CHAPTERS) >= 12


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_literal_figure_in_prose(name, literal_figures):
    prose, _ = _chapter(name)
    found = [f for text in prose for f in literal_figures(FENCED.sub("", text))]
    assert found == [], f"{name}: hand-typed figures {found}"


def test_literal_figure_rule_can_fail(tmp_path, monkeypatch, literal_figures):
    """The rule above must be able to fail on every chapter (it was once switched off for
    book/references by resetting the list before the assert)."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "references.md").write_text("# References\n\nWe saw 42 cases.\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="hand-typed figures"):
        test_no_literal_figure_in_prose("book/references", literal_figures)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_glue_role_is_glued(name):
    prose, glued = _chapter(name)
    used = {m.split(":")[0] for text in prose for m in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", text)}
    assert used <= glued, f"{name}: glue roles without a glued value: {sorted(used - glued)}"
