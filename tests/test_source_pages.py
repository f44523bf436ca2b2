"""The generated source-report pages (book/sources/*.md) are current and escape hostile text."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

from cxstats import catalogue

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location(
        "make_source_pages", ROOT / "scripts" / "make_source_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_pages_are_up_to_date(capsys):
    assert _module().main(["--check"]) == 0, (
        "run `python scripts/make_source_pages.py`:\n" + capsys.readouterr().out)


def test_one_page_per_source_report_with_its_citation():
    pages = _module().pages()
    keys = set(catalogue.origins()["bib_key"])
    assert set(pages) == {f"{k}.md" for k in keys}
    for key in keys:
        assert f"{{cite:p}}`{key}`" in pages[f"{key}.md"]


def test_hostile_text_is_escaped():
    s = catalogue.statistics()[0]
    bad = '<script>alert(1)</script> $100 {cite:p}`x` 1. [a](b)'
    origin = dataclasses.replace(s.origin, notes=bad, title=bad)
    stat = dataclasses.replace(s, claim=bad, origin=origin)
    text = _module().render(origin, [stat])
    assert "<script>" not in text
    assert "{cite:p}`x`" not in text
    assert "\\$100" in text
