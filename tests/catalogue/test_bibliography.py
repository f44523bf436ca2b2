"""references.bib and the catalogue agree: no bib_key missing, none orphaned (parsed by pybtex)."""

from __future__ import annotations

from pathlib import Path

from pybtex.database import parse_file

from cxstats import _resources, catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_no_missing_and_no_orphaned_entries():
    entries = parse_file(str(ROOT / "references.bib"), bib_format="bibtex").entries
    used = set(catalogue.origins()["bib_key"])
    assert used - set(entries) == set(), "bib_keys without an entry"
    assert set(entries) - used == set(), "entries no origin uses"


def test_top_level_bib_is_the_packaged_one():
    assert (ROOT / "references.bib").resolve() == _resources.bibliography_path().resolve()


def test_each_entry_has_a_title():
    entries = parse_file(str(ROOT / "references.bib"), bib_format="bibtex").entries
    for key, entry in entries.items():
        assert entry.fields.get("title"), key
