"""Every seed quote is a byte-exact substring of its seed file (needs ../shared)."""

from __future__ import annotations

from cxstats import catalogue


def test_seed_quotes_are_byte_exact(seeds_dir):
    texts: dict[str, bytes] = {}
    missing = []
    for row in catalogue.seeds().itertuples():
        if row.seed_file not in texts:
            texts[row.seed_file] = (seeds_dir / row.seed_file).read_bytes()
        if row.seed_quote.encode("utf-8") not in texts[row.seed_file]:
            missing.append((row.statistic_id, row.seed_file))
    assert not missing


def test_every_seed_is_covered(seeds_dir):
    covered = set(catalogue.seeds()["seed_file"])
    assert {p.name for p in seeds_dir.glob("*.txt")} <= covered
