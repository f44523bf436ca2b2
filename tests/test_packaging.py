"""The wheel ships the data: a catalogue loaded from an unpacked wheel equals the source tree's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UV = ROOT / ".tools" / "bin" / "uv"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not UV.exists():
        pytest.skip("uv is not bootstrapped (.tools/bin/uv); run `make env`")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([str(UV), "build", "--wheel", "--out-dir", str(out), str(ROOT)], check=True,
                   capture_output=True, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    (path,) = out.glob("cxstats-*.whl")
    return path


def test_wheel_contains_catalogue_schema_and_bibliography(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cxstats/_data/schema/catalogue.schema.json" in names
    assert "cxstats/_data/references.bib" in names
    shipped = {n for n in names if n.startswith("cxstats/_data/catalogue/") and n.endswith(".yml")}
    source = {f"cxstats/_data/catalogue/{p.relative_to(ROOT / 'data' / 'catalogue').as_posix()}"
              for p in (ROOT / "data" / "catalogue").rglob("*.yml")}
    assert shipped == source


def test_installed_package_reads_its_data_through_importlib_resources(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    assert not (site / "cxstats" / "_data").is_symlink()
    code = ("import json, cxstats, cxstats.catalogue.validation as v; from cxstats import catalogue;"
            "print(json.dumps([cxstats.__file__, v.validate(), sorted(catalogue.table()['id'])]))")
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True).stdout
    where, problems, ids = json.loads(out)
    assert Path(where).is_relative_to(site)
    assert problems == []
    from cxstats import catalogue

    assert ids == sorted(catalogue.table()["id"])
    shutil.rmtree(site)
