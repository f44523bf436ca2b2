"""`cxstats validate` lists every planted error of a corrupted catalogue copy in one run."""

from __future__ import annotations

import re
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
    docs = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.yml"))}
    # Any file with two statistics, and another with a percentage (whatever reports are added).
    first_path = next(p for p, d in docs.items() if len(d["statistics"]) >= 2)
    second_path = next(p for p, d in docs.items() if p != first_path
                       and any(x["unit"] == "percent" for x in d["statistics"]))
    files = [first_path, second_path]

    first = docs[first_path]
    stats = first["statistics"]
    stats[0]["value"] = "forty-eight"  # 1. corrupt value
    stats[1]["seeds"] = [{"file": "003_2f54bbb8ae0e7415.txt"}]  # 2. missing quote
    first["origin"]["bib_key"] = "nosuchkey2099"  # 3. unknown bib_key
    files[0].write_text(yaml.safe_dump(first, allow_unicode=True), encoding="utf-8")

    second = docs[second_path]
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
    assert re.search(r"broken/2020-bad\.yml:[0-9]+: malformed YAML", text)
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


def test_misplaced_top_level_list_names_its_folder_and_file(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "list.yml").write_text("- 1\n- 2\n", encoding="utf-8")
    (tmp_path / "top.yml").write_text("- 1\n", encoding="utf-8")
    text = "\n".join(map(str, validate(tmp_path)))
    assert "a/b/list.yml: must be a mapping" in text
    assert "file name 'list.yml' must be <yyyy>-<report-slug>.yml" in text
    assert "not in folder 'a/b'" in text
    assert "top.yml: file must sit in a <producer-slug>/ folder" in text
    assert "not in the catalogue root" in text


def _copy(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "catalogue"
    shutil.copytree(_resources.catalogue_dir(), root)
    return root, sorted(root.rglob("*.yml"))[0]


def test_billion_laughs_is_refused_at_once(tmp_path, capsys):
    root, _ = _copy(tmp_path)
    lines = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("origin: *i")
    (root / "evil").mkdir()
    (root / "evil" / "2020-laughs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate(root)  # before the fix: 126 s, then MemoryError
    laughs = [p for p in problems if p.file == "evil/2020-laughs.yml"]
    assert len(laughs) == 1 and "aliases" in laughs[0].message and 1 <= laughs[0].line <= 10
    assert all(len(p.message) < 400 for p in problems)
    with pytest.raises(CatalogueError, match="aliases"):
        catalogue.statistics(root)
    assert main(["validate", "--root", str(root)]) == 1
    assert "YAML anchors and aliases" in capsys.readouterr().err


def test_duplicate_key_is_an_error_with_file_and_line(tmp_path):
    root, path = _copy(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, x in enumerate(lines) if x.lstrip().startswith("value: "))
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines.insert(at + 1, f"{indent}value: 99")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rel = path.relative_to(root).as_posix()
    problems = [p for p in validate(root) if p.file == rel]
    assert [(p.line, p.message) for p in problems] == [
        (at + 2, f"duplicate key 'value' (first at line {at + 1})")]
    with pytest.raises(CatalogueError, match="duplicate key 'value'"):
        catalogue.statistics(root)


def test_huge_wrong_value_is_not_echoed_whole(tmp_path):
    root, path = _copy(tmp_path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["statistics"][0]["value"] = "9" * 100_000
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    problems = validate(root)
    assert any("is not of type 'number'" in p.message for p in problems)
    assert max(len(p.message) for p in problems) <= 300


def test_link_to_a_file_outside_the_catalogue_is_refused_unread(tmp_path):
    root, _ = _copy(tmp_path)
    secret = tmp_path / "secret.yml"
    secret.write_text("origin: TOP-SECRET-CONTENT\n", encoding="utf-8")
    (root / "evil").mkdir()
    (root / "evil" / "2020-link.yml").symlink_to(secret)
    (root / "evil-dir").symlink_to(tmp_path, target_is_directory=True)
    problems = validate(root)
    text = "\n".join(map(str, problems))
    assert "evil/2020-link.yml: is a link to a file outside the catalogue folder" in text
    assert "TOP-SECRET" not in text
    assert len(problems) == 1


def test_packaged_catalogue_is_read_through_its_symlinked_folder():
    # in a source checkout cxstats/_data is a link to data/: the root is resolved first
    assert validate(_resources.catalogue_dir()) == []


def test_missing_bibliography_is_reported_as_missing(tmp_path):
    problems = validate(bibliography=tmp_path / "nope.bib")
    assert [p.message for p in problems] == ["bibliography file not found"]


def _seed_setup(tmp_path):
    root, _ = _copy(tmp_path)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    quotes: dict[str, list[str]] = {}
    for s in catalogue.statistics():
        for x in s.seeds:
            quotes.setdefault(x.file, []).append(x.quote)
    for name, qs in quotes.items():
        (seeds / name).write_text("\n".join(qs) + "\n", encoding="utf-8")
    return root, seeds


def test_seed_quote_not_in_its_seed_file_fails_validate(tmp_path, capsys):
    root, seeds = _seed_setup(tmp_path)
    assert validate(root, seeds=seeds) == []
    path = next(p for p in sorted(root.rglob("*.yml")) if "quote: " in p.read_text("utf-8")
                and yaml.safe_load(p.read_text("utf-8"))["statistics"][0]["seeds"])
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["statistics"][0]["seeds"][0]["quote"] += " (edited)"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    problems = validate(root, seeds=seeds)
    assert [(p.field, p.message.split(" seed file")[0]) for p in problems] == [
        ("seeds[0].quote", "quote is not a byte-exact part of")]
    assert validate(root) == []  # without seeds the quotes are not checked
    assert main(["validate", "--root", str(root), "--seeds", str(seeds)]) == 1
    assert "seeds[0].quote" in capsys.readouterr().err


def test_cli_validate_says_when_it_skipped_the_seed_check(monkeypatch, capsys):
    from cxstats.catalogue import validation

    monkeypatch.setattr(validation, "default_seeds_dir", lambda: None)
    assert main(["validate"]) == 0
    captured = capsys.readouterr()
    assert "seed quotes not checked" in captured.err and "catalogue is valid" in captured.out


def test_packaged_catalogue_is_valid():
    assert validate() == []
