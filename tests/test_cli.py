"""The command line: list, show, cite, and escaping of hostile text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from cxstats import _resources, catalogue
from cxstats.cli import main
from cxstats.presentation.text import escape_markdown, escape_terminal


def test_list_shows_every_statistic(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for sid in catalogue.table()["id"]:
        assert sid in out


def test_list_by_seed_shows_primary_and_year(capsys):
    assert main(["list", "--seed", "001_39d4a9ff3114b4c8.txt"]) == 0
    out = capsys.readouterr().out
    expected = catalogue.table(seed="001_39d4a9ff3114b4c8.txt")
    assert f"({len(expected)} statistics)" in out
    for row in expected.itertuples():
        line = next(x for x in out.splitlines() if x.startswith(row.id + " "))
        assert row.producer in line and str(row.published_year) in line


def test_show_prints_source_and_seed(capsys):
    assert main(["show", "hbr-2010-negative-told-10-plus"]) == 0
    out = capsys.readouterr().out
    assert "Stop Trying to Delight Your Customers" in out
    assert "003_2f54bbb8ae0e7415.txt" in out


def test_show_unknown_id_is_a_message_not_a_traceback(capsys):
    assert main(["show", "no-such-id"]) == 1
    err = capsys.readouterr().err
    assert "no statistic with id 'no-such-id'" in err and "Traceback" not in err


def test_bad_option_is_a_usage_error(capsys):
    try:
        main(["list", "--status", "maybe"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "invalid choice" in capsys.readouterr().err


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


def test_hostile_record_is_shown_escaped(tmp_path, capsys):
    root = tmp_path / "catalogue"
    shutil.copytree(_resources.catalogue_dir(), root)
    path = sorted(root.rglob("*.yml"))[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["statistics"][0]["claim"] = "<script>alert(1)</script> **x** \x1b[31mred"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    s = catalogue.statistics(root)
    hostile = next(x for x in s if x.claim.startswith("<script>"))
    assert "\x1b" in hostile.claim  # stored as given
    text = escape_terminal(hostile.claim)
    assert "\x1b" not in text and "\\x1b" in text
    md = escape_markdown(hostile.claim)
    assert "<script>" not in md and "\\*\\*x\\*\\*" in md
