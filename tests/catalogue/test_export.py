"""The Frictionless data package: valid, generated from the schema, a lossless round trip, and
clear errors instead of overwriting or tracebacks."""

from __future__ import annotations

import csv
import errno
import json
import math
from pathlib import Path

import pytest
import yaml
from statsmodels.stats.proportion import proportion_confint

from cxstats import _resources, catalogue
from cxstats.catalogue.export import export, package_files, read
from cxstats.cli import main

REQUIRED = ["id", "seed_file", "seed_quote", "claim", "value", "unit", "base", "n", "n_basis",
            "ci_low", "ci_high", "ci_basis", "producer", "producer_type", "source_title",
            "data_year", "published_year", "status", "url"]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return export(tmp_path_factory.mktemp("pkg") / "out").parent


def _schema():
    return json.loads(_resources.schema_path().read_text(encoding="utf-8"))


def _resource(package, name):
    meta = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in meta["resources"] if r["name"] == name)


def test_frictionless_validates_the_package(package):
    from frictionless import validate

    report = validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_statistics_csv_columns_and_rows(package):
    with (package / "statistics.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert set(REQUIRED) <= set(rows[0])
    assert list(rows[0]) == list(catalogue.COLUMNS)
    assert {r["id"] for r in rows} == set(catalogue.table()["id"])
    with (package / "discrepancies.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["statistic_id", "position", "kind", "explanation"]
    with (package / "discrepancies.csv").open(encoding="utf-8", newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == len(catalogue.discrepancies())


def test_every_exported_interval_is_statsmodels_wilson_on_its_basis(package):
    with (package / "statistics.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    checked = 0
    for r in rows:
        if r["kind"] == "proportion" and r["n_basis"] in ("stated", "whole-sample"):
            n = int(r["n"] if r["n_basis"] == "stated" else r["sample_size"])
            k = int(r["count"]) if r["count"] else round(float(r["value"]) / 100 * n)
            lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
            assert math.isclose(float(r["ci_low"]), 100 * lo, rel_tol=1e-12), r["id"]
            assert math.isclose(float(r["ci_high"]), 100 * hi, rel_tol=1e-12), r["id"]
            assert int(r["ci_n"]) == n and r["ci_basis"]
            checked += 1
        else:
            assert r["ci_low"] == r["ci_high"] == r["ci_basis"] == "", r["id"]
    assert checked >= 30  # issue 11: at least 30 proportions with an interval (49 in 2026-11)


def test_table_schema_follows_the_json_schema(package):
    schema = _schema()
    item = schema["properties"]["statistics"]["items"]["properties"]
    stats = _resource(package, "statistics")["schema"]
    fields = {f["name"]: f for f in stats["fields"]}
    for name, prop in item.items():
        if prop.get("type") == "array" and prop.get("items", {}).get("type") == "object":
            continue
        if "$ref" in prop and prop["$ref"].endswith("/evidence"):
            continue
        assert name in fields, f"statistic property {name} is not exported"
        assert fields[name]["description"].startswith(prop.get("description", "~")), name
        if "enum" in prop:
            assert fields[name]["constraints"]["enum"] == [v for v in prop["enum"] if v is not None]
    assert fields["n_basis"]["constraints"]["enum"] == ["stated", "whole-sample"]
    assert stats["primaryKey"] == ["id"]
    origin = {f["name"] for f in _resource(package, "origins")["schema"]["fields"]}
    props = schema["properties"]["origin"]["properties"]
    flat = set(props) - {"methodology", "evidence"} | set(props["methodology"]["properties"])
    assert flat <= origin
    seeds = [f["name"] for f in _resource(package, "seeds")["schema"]["fields"]]
    assert seeds == ["statistic_id", "position", "seed_file", "seed_quote"]


def _normalise(doc):
    """Fill what a YAML file may leave out with the read() defaults, from the schema itself."""
    schema = _schema()

    def fill(obj, props):
        out = dict(obj)
        for name, prop in props.items():
            prop = schema["$defs"]["evidence"] if prop.get("$ref", "").endswith("/evidence") \
                else prop
            if prop.get("type") == "array":
                items = prop["items"]
                out[name] = [fill(x, items["properties"]) if items.get("type") == "object" else x
                             for x in out.get(name) or []]
            elif prop.get("type") == "object":
                out[name] = fill(out.get(name) or {}, prop["properties"])
            else:
                out.setdefault(name, None)
        return out

    origin = fill(doc["origin"], schema["properties"]["origin"]["properties"])
    item = schema["properties"]["statistics"]["items"]["properties"]
    return {"origin": origin, "statistics": [fill(s, item) for s in doc["statistics"]]}


def test_round_trip_yaml_to_package_and_back_loses_nothing(package):
    back = read(package)
    root = _resources.catalogue_dir()
    originals = {p.relative_to(root).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
                 for p in sorted(root.rglob("*.yml"))}
    assert set(back) == set(originals)
    for rel, doc in originals.items():
        assert back[rel] == _normalise(doc), rel


def test_round_trip_keeps_a_whole_sample_basis(tmp_path, whole_sample_copy):
    root, path, doc, stat = whole_sample_copy
    stat["n_basis"] = "whole-sample"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "pkg"
    export(out, root=root)
    back = read(out)[path.relative_to(root).as_posix()]
    got = next(s for s in back["statistics"] if s["id"] == stat["id"])
    assert got["n_basis"] == "whole-sample" and got["n"] is None
    with (out / "statistics.csv").open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == stat["id"])
    assert row["ci_basis"] == "if all 2,049 respondents answered" and row["ci_n"] == "2049"


def test_cli_export(tmp_path, capsys):
    assert main(["export", str(tmp_path / "pkg")]) == 0
    assert capsys.readouterr().out.strip().endswith("datapackage.json")
    assert main(["export", str(tmp_path / "pkg" / "statistics.csv")]) == 1
    assert "directory is a file" in capsys.readouterr().err


def _one_clear_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cxstats: "), err
    assert "Traceback" not in err
    return lines[0]


def test_export_does_not_overwrite_without_force(tmp_path, capsys):
    (tmp_path / "statistics.csv").write_text("mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match="overwrite"):
        export(tmp_path)
    assert (tmp_path / "statistics.csv").read_text(encoding="utf-8") == "mine\n"
    assert main(["export", str(tmp_path)]) == 1
    assert "--force" in _one_clear_line(capsys.readouterr().err)
    assert not (tmp_path / "datapackage.json").exists()
    assert main(["export", str(tmp_path), "--force"]) == 0
    assert {p.name for p in tmp_path.iterdir()} == set(package_files())


def test_export_where_a_package_file_is_a_folder(tmp_path, capsys):
    (tmp_path / "statistics.csv").mkdir()
    assert main(["export", str(tmp_path), "--force"]) == 1
    assert "is a folder" in _one_clear_line(capsys.readouterr().err)


def test_export_to_a_read_only_file_system(tmp_path, capsys, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert main(["export", str(tmp_path / "new")]) == 1
    line = _one_clear_line(capsys.readouterr().err)
    assert "Read-only file system" in line and "new" in line


def test_export_empty_directory_name_is_an_error(capsys):
    with pytest.raises(ValueError, match="directory must not be empty"):
        export("")
    assert main(["export", ""]) == 1
    assert "directory must not be empty" in _one_clear_line(capsys.readouterr().err)


def test_export_rejects_wrong_types(tmp_path):
    with pytest.raises(TypeError, match="directory must be a path"):
        export(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="overwrite must be True or False"):
        export(tmp_path, overwrite="yes")  # type: ignore[arg-type]
