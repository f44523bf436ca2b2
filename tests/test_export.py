"""The Frictionless data package: valid, complete, and a lossless round trip."""

from __future__ import annotations

import csv
import json

import pytest
import yaml

from cxstats import _resources, catalogue
from cxstats.catalogue.export import export, read
from cxstats.cli import main

REQUIRED = ["id", "seed_file", "seed_quote", "claim", "value", "unit", "base", "n", "ci_low",
            "ci_high", "producer", "producer_type", "source_title", "data_year", "published_year",
            "status", "url"]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return export(tmp_path_factory.mktemp("pkg") / "out").parent


def test_frictionless_validates_the_package(package):
    from frictionless import validate

    report = validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_statistics_csv_columns_and_rows(package):
    with (package / "statistics.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert set(REQUIRED) <= set(rows[0])
    assert {r["id"] for r in rows} == set(catalogue.table()["id"])
    with (package / "discrepancies.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["statistic_id", "kind", "explanation"]
    assert sum(1 for _ in csv.DictReader((package / "discrepancies.csv").open(encoding="utf-8"))) \
        == len(catalogue.discrepancies())


def test_table_schema_mirrors_the_json_schema(package):
    meta = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    schema = json.loads(_resources.schema_path().read_text(encoding="utf-8"))
    stats = next(r for r in meta["resources"] if r["name"] == "statistics")["schema"]
    fields = {f["name"]: f for f in stats["fields"]}
    item = schema["properties"]["statistics"]["items"]["properties"]
    assert fields["status"]["constraints"]["enum"] == item["status"]["enum"]
    assert fields["kind"]["constraints"]["enum"] == item["kind"]["enum"]
    assert stats["primaryKey"] == ["id"]


def _normalise(doc):
    o = dict(doc["origin"])
    o.setdefault("authors", [])
    o["evidence"] = [{"url": e["url"], "quote": e["quote"], "note": e.get("note")}
                     for e in o.get("evidence") or []]
    o.setdefault("notes", None)
    stats = []
    for s in doc["statistics"]:
        s = dict(s)
        for key in ("count", "question", "status_note"):
            s.setdefault(key, None)
        s["topics"] = list(s.get("topics") or [])
        s["evidence"] = [{"url": e["url"], "quote": e["quote"], "note": e.get("note")}
                         for e in s["evidence"]]
        s["circulation"] = [{"url": c["url"], "quote": c["quote"],
                             "names_source": c["names_source"],
                             "source_correct": c["source_correct"], "note": c.get("note")}
                            for c in s.get("circulation") or []]
        stats.append(s)
    return {"origin": o, "statistics": stats}


def test_round_trip_yaml_to_package_and_back_loses_nothing(package):
    back = read(package)
    root = _resources.catalogue_dir()
    originals = {p.relative_to(root).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
                 for p in sorted(root.rglob("*.yml"))}
    assert set(back) == set(originals)
    for rel, doc in originals.items():
        assert back[rel] == _normalise(doc), rel


def test_cli_export(tmp_path, capsys):
    assert main(["export", str(tmp_path / "pkg")]) == 0
    assert capsys.readouterr().out.strip().endswith("datapackage.json")
    assert main(["export", str(tmp_path / "pkg" / "statistics.csv")]) == 1
    assert "directory is a file" in capsys.readouterr().err


def test_export_rejects_wrong_type():
    with pytest.raises(TypeError, match="directory must be a path"):
        export(42)  # type: ignore[arg-type]
