"""The generated source-report pages (book/sources/*.md) are current and escape hostile text."""

from __future__ import annotations

import dataclasses
import re
from html import escape
from pathlib import Path

import pytest

from cxstats import catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_committed_pages_are_up_to_date(capsys, script):
    assert script("make_source_pages").main(["--check"]) == 0, (
        "run `python scripts/make_source_pages.py`:\n" + capsys.readouterr().out)


def test_one_page_per_source_report_with_its_citation(script):
    pages = script("make_source_pages").pages()
    keys = set(catalogue.origins()["bib_key"])
    assert set(pages) == {f"{k}.md" for k in keys}
    for key in keys:
        assert f"{{cite:p}}`{key}`" in pages[f"{key}.md"]


def test_hostile_text_is_escaped(script):
    s = catalogue.statistics()[0]
    bad = '<script>alert(1)</script> $100 {cite:p}`x` 1. [a](b)'
    origin = dataclasses.replace(s.origin, notes=bad, title=bad)
    stat = dataclasses.replace(s, claim=bad, origin=origin)
    text = script("make_source_pages").render(origin, [stat])
    assert "<script>" not in text
    assert "{cite:p}`x`" not in text
    assert "\\$100" in text


BLOCK_PAYLOADS = ["::: {note}\nswallowed", "% hidden comment", "# heading", "> quote", "- item",
                  "```python", "$$ x $$", "---", "1. item", "+ item", "=== setext", "    code",
                  ": definition", "(label)=", "~~~"]


def _myst_html(text: str) -> str:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(enable_extensions={"colon_fence", "dollarmath", "deflist",
                                               "substitution"})
    return create_md_parser(config, RendererHTML).render(text)


@pytest.mark.parametrize("payload", BLOCK_PAYLOADS)
def test_block_markup_cannot_swallow_or_hide_the_page(payload, script):
    s = next(x for x in catalogue.statistics() if x.evidence and x.seeds)
    origin = dataclasses.replace(s.origin, notes=payload)
    ev = dataclasses.replace(s.evidence[0], quote=payload)
    seed = dataclasses.replace(s.seeds[0], quote=payload)
    stat = dataclasses.replace(s, claim=payload, base=payload, evidence=(ev,), seeds=(seed,),
                               origin=origin)
    page = script("make_source_pages").render(origin, [stat])
    html = _myst_html(page)
    text = escape(" ".join(payload.split()), quote=False)
    # notes, claim, base, evidence quote and seed quote: each shows literally
    assert html.count(text) >= 5, html
    # The "cite this" tabs are the page's own code blocks (this parser shows the tab-set directive
    # as one fence); outside them, no payload may open a block.
    outside = re.sub(r'<pre><code class="block-\{tab-set\}".*?</code></pre>', "", html, flags=re.S)
    assert html.count('class="block-{tab-set}"') == 1
    for tag in ("<pre", "<hr", "<ol", "<dl", "<h1>" + text, 'class="math'):
        assert tag not in outside, (tag, outside)
    assert html.count("<!--") == 1  # only the page's own "generated" header
    # nothing after the notes disappeared into a fence or a comment
    assert "<h2>Statistics</h2>" in html and f"seed <code>{seed.file}</code>" in html
