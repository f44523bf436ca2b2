"""The `circulation` entries are consistent, and data/catalogue/circulation.md is generated from them."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "data" / "catalogue"


def _entries():
    for path in sorted(CATALOGUE.rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for s in doc["statistics"]:
            if "circulation" in s:
                yield path, doc, s


def test_circulation_table_is_up_to_date(capsys, script):
    assert script("circulation_table").main(["--check"]) == 0, capsys.readouterr().out


def test_circulating_figures_came_from_the_web_not_a_seed():
    for path, _, s in _entries():
        assert s["seeds"] == [], (path, s["id"])


def test_entries_are_consistent():
    for path, _, s in _entries():
        urls = [e["url"] for e in s["circulation"]]
        assert len(urls) == len(set(urls)), (path, s["id"], "one entry per roundup")
        for e in s["circulation"]:
            if e["names_source"] is None:
                assert e["source_correct"] is None, (path, s["id"], e["url"])
            if e["source_correct"] is True:
                assert s["status"] in ("confirmed", "partly-confirmed"), (path, s["id"])


def test_counts_match_the_entries(script):
    rows = {r["id"]: r for r in script("circulation_table").rows()}
    for _, _, s in _entries():
        r = rows[s["id"]]
        entries = s["circulation"]
        assert r["roundups"] == len(entries)
        assert r["named"] == sum(e["names_source"] is not None for e in entries)
        assert r["right"] == sum(e["source_correct"] is True for e in entries)
        assert r["wrong"] == sum(e["source_correct"] is False for e in entries)
