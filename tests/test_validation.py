"""`cxstats validate` lists every planted error of a corrupted catalogue copy in one run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cxstats import _resources, catalogue
from cxstats.catalogue.validation import CatalogueError, validate
from cxstats.cli import main


@pytest.fixture
def corrupted(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "catalogue"
    shutil.copytree(_resources.catalogue_dir(), root)
    bib = tmp_path / "references.bib"
    shutil.copy(_resources.bibliography_path(), bib)
    files = sorted(root.rglob("*.yml"))
    assert len(files) >= 2

    first = yaml.safe_load(files[0].read_text(encoding="utf-8"))
    stats = first["statistics"]
    assert len(stats) >= 2
    stats[0]["value"] = "forty-eight"  # 1. corrupt value
    stats[1]["seeds"] = [{"file": "003_2f54bbb8ae0e7415.txt"}]  # 2. missing quote
    first["origin"]["bib_key"] = "nosuchkey2099"  # 3. unknown bib_key
    files[0].write_text(yaml.safe_dump(first, allow_unicode=True), encoding="utf-8")

    second = yaml.safe_load(files[1].read_text(encoding="utf-8"))
    s = second["statistics"]
    s[0]["id"] = stats[1]["id"]  # 4. duplicate id across files
    pct = next(x for x in s if x["unit"] == "percent")
    pct["value"] = 148  # 5. percentage outside 0-100
    pct["n"], pct["count"] = 10, 20  # 6. n below the count implied
    pct["evidence"] = [{"url": "https://example.org", "quote": "20 of 10"}]
    files[1].write_text(yaml.safe_dump(second, allow_unicode=True), encoding="utf-8")

    (root / "broken").mkdir()
    (root / "broken" / "2020-bad.yml").write_text("origin: [unclosed\n", encoding="utf-8")  # 7.
    return root, bib


def test_validate_reports_every_planted_error(corrupted):
    root, bib = corrupted
    problems = validate(root, bibliography=bib)
    text = "\n".join(map(str, problems))
    assert "'forty-eight' is not of type 'number'" in text
    assert "'quote' is a required property" in text
    assert "unknown bib_key 'nosuchkey2099'" in text
    assert "duplicate id" in text
    assert "148 is greater than the maximum of 100" in text
    assert "n = 10 is below the count it implies (20)" in text
    assert "broken/2020-bad.yml: malformed YAML" in text
    # each problem names its file; statistic-level ones name the id and the field
    value_problem = next(p for p in problems if "forty-eight" in p.message)
    assert value_problem.statistic_id and value_problem.field == "value"


def test_cli_validate_exits_1_with_full_report(corrupted, capsys):
    root, bib = corrupted
    code = main(["validate", "--root", str(root), "--bibliography", str(bib)])
    err = capsys.readouterr().err
    assert code == 1
    for needle in ("forty-eight", "quote", "nosuchkey2099", "duplicate id", "148", "below the count",
                   "malformed YAML"):
        assert needle in err
    assert "Traceback" not in err


def test_loader_raises_catalogue_error_listing_all(corrupted):
    root, _ = corrupted
    with pytest.raises(CatalogueError) as info:
        catalogue.statistics(root)
    assert len(info.value.problems) >= 7


def test_missing_folder_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="catalogue folder not found"):
        validate(tmp_path / "nope")
    assert main(["validate", "--root", str(tmp_path / "nope")]) == 1
    assert "catalogue folder not found" in capsys.readouterr().err


def test_wrong_top_level_type(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "2020-list.yml").write_text("- 1\n- 2\n", encoding="utf-8")
    problems = validate(tmp_path)
    assert any("must be a mapping" in p.message for p in problems)


def test_packaged_catalogue_is_valid():
    assert validate() == []
