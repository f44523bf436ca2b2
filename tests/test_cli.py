"""The command line: list, show, cite, help text, speed-critical imports, and hostile text."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
import yaml

from cxstats import __version__, _resources, catalogue
from cxstats.cli import _parser, main
from cxstats.presentation.text import escape_markdown, escape_terminal

#: Text fields that open a block in MyST/CommonMark when they start a line.
BLOCK_PAYLOADS = ["::: {note}\nswallowed", "% hidden comment", "# heading", "> quote", "- item",
                  "```python", "$$ x $$", "---", "1. item", "+ item", "=== setext", "    code"]


def test_list_shows_every_statistic(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for sid in catalogue.table()["id"]:
        assert sid in out


def test_list_by_seed_shows_primary_year_and_claim(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert main(["list", "--seed", "001_39d4a9ff3114b4c8.txt"]) == 0
    out = capsys.readouterr().out
    expected = catalogue.table(seed="001_39d4a9ff3114b4c8.txt")
    assert f"({len(expected)} statistics)" in out
    for row in expected.itertuples():
        line = next(x for x in out.splitlines() if x.startswith(row.id + " "))
        assert row.producer in line and str(row.published_year) in line
        assert line.endswith(" ".join(row.claim.split()))  # not a terminal: the whole claim


def test_list_cuts_the_claim_to_the_terminal_width(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")
    assert main(["list"]) == 0
    start = capsys.readouterr().out.splitlines()[0].index("claim")
    width = start + 40
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()[:-1]
    assert lines[0].split() == ["id", "value", "status", "published", "producer", "claim"]
    assert all(len(x) <= width for x in lines)
    assert any(x.endswith("\u2026") for x in lines)
    claims = {s.id: s.claim for s in catalogue.statistics()}
    for x in lines[1:]:
        claim = claims[x.split()[0]]
        shown = x[lines[0].index("claim"):]
        assert claim.startswith(shown.removesuffix("\u2026")), x


def test_list_filters(capsys):
    assert main(["list", "--producer", "zEnDe", "--format", "json"]) == 0
    got = {r["producer"] for r in json.loads(capsys.readouterr().out)}
    producers = set(catalogue.table()["producer"])
    assert got == {p for p in producers if "zende" in p.lower()} and got
    t = catalogue.table()
    for ptype in set(t["producer_type"]):
        assert main(["list", "--producer-type", ptype]) == 0
        out = capsys.readouterr().out
        assert f"({(t['producer_type'] == ptype).sum()} statistics)" in out


def test_show_prints_claim_before_the_repost_sentence(capsys):
    assert main(["show", "hbr-2010-negative-told-10-plus"]) == 0
    out = capsys.readouterr().out
    s = catalogue.get("hbr-2010-negative-told-10-plus")
    assert s.origin.title in out
    assert out.index(s.claim) < out.index(s.seeds[0].quote)
    assert "the repost it reached us through" in out
    assert s.seeds[0].file not in out


def test_show_states_the_interval_and_its_basis(capsys):
    s = next(x for x in catalogue.statistics() if x.ci_n is not None)
    assert main(["show", s.id]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("interval:"))
    assert f"{s.ci_low:.1f}% to {s.ci_high:.1f}%" in line and s.ci_basis in line
    none = next(x for x in catalogue.statistics() if x.kind == "proportion" and x.ci_n is None)
    assert main(["show", none.id]) == 0
    assert "interval:      none (no base stated" in capsys.readouterr().out


def test_show_unknown_id_is_a_message_not_a_traceback(capsys):
    assert main(["show", "no-such-id"]) == 1
    err = capsys.readouterr().err
    assert "no statistic with id 'no-such-id'" in err and "Traceback" not in err


def test_bad_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["list", "--status", "maybe"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"cxstats {__version__}"


def _actions(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for _, a in _actions(sub):
                    yield name, a
        else:
            yield "cxstats", action


def test_every_argument_has_plain_help():
    for command, action in _actions(_parser()):
        assert action.help, f"{command} {action.dest} has no help"
        for markup in ("``", ":func:", ":data:", ":class:"):
            assert markup not in action.help, (command, action.dest)
    assert "``" not in (_parser().description or "")


def _with_interval():
    return next(s.id for s in catalogue.statistics() if s.ci_n is not None)


def test_lookups_do_not_import_pandas_or_statsmodels():
    code = ("import sys; from cxstats.cli import main; "
            "main(['list']); main(['cite', 'hbr-2010-negative-told-10-plus']); "
            f"main(['show', {_with_interval()!r}]); "
            "print(sorted(m for m in ('pandas', 'statsmodels') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip().splitlines()[-1] == "[]"


def test_entry_point_runs():
    exe = Path(sys.executable).with_name("cxstats")
    r = subprocess.run([str(exe), "cite", "hbr-2010-negative-told-10-plus", "--style", "apa"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Dixon, M., Freeman, K., & Toman, N. (2010).")


def test_escaping_functions():
    assert escape_terminal("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert escape_markdown("<script>x</script>") == "\\<script\\>x\\</script\\>"
    assert escape_markdown("**bold** | pipe") == "\\*\\*bold\\*\\* \\| pipe"


@pytest.mark.parametrize("payload", BLOCK_PAYLOADS)
def test_block_markup_is_escaped_for_markdown(payload):
    from markdown_it import MarkdownIt

    out = escape_markdown(payload)
    assert "\n" not in out
    html = MarkdownIt("commonmark").render(f"before\n\n{out}\n\nafter\n")
    text = " ".join(payload.split())
    assert html == f"<p>before</p>\n<p>{escape(text, quote=False)}</p>\n<p>after</p>\n", html
    assert "<h1>" not in html and "<ul>" not in html and "<ol>" not in html
    assert "<pre>" not in html and "<blockquote>" not in html and "<hr" not in html


def _hostile_root(tmp_path, claim):
    root = tmp_path / "catalogue"
    shutil.copytree(_resources.catalogue_dir(), root)
    path = sorted(root.rglob("*.yml"))[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["statistics"][0]["claim"] = claim
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return root


def test_hostile_record_is_shown_escaped(tmp_path):
    root = _hostile_root(tmp_path, "<script>alert(1)</script> **x** \x1b[31mred")
    s = catalogue.statistics(root)
    hostile = next(x for x in s if x.claim.startswith("<script>"))
    assert "\x1b" in hostile.claim  # stored as given
    text = escape_terminal(hostile.claim)
    assert "\x1b" not in text and "\\x1b" in text
    md = escape_markdown(hostile.claim)
    assert "<script>" not in md and "\\*\\*x\\*\\*" in md


@pytest.mark.parametrize("payload", BLOCK_PAYLOADS)
def test_cli_markdown_list_escapes_block_payloads(tmp_path, capsys, monkeypatch, payload):
    root = _hostile_root(tmp_path, payload)
    real = catalogue.statistics

    def from_root(*args, **kwargs):
        return real(root, **kwargs)

    monkeypatch.setattr(catalogue, "statistics", from_root)
    assert main(["list", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.endswith(" " + escape_markdown(payload) + " |"))
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(line.split(" | ")[-1].removesuffix(" |"))
    assert html.startswith("<p>") and html.count("<p>") == 1, html
    assert os.linesep not in line


def test_cite_text_states_the_base(capsys):
    with_n = next(s for s in catalogue.statistics() if s.n is not None)
    assert main(["cite", with_n.id]) == 0
    assert f", n = {with_n.n:,};" in capsys.readouterr().out
    without = next(s for s in catalogue.statistics() if s.n is None and s.n_basis is None)
    assert main(["cite", without.id]) == 0
    assert ", n not stated;" in capsys.readouterr().out
