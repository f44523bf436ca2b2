"""Shared fixtures: the optional ../shared folder (seeds and real data sets), a local SparkSession;
the hypothesis profiles."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder; tests that need it are skipped cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (seeds and real data sets are not in the repository)")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    path = shared_dir / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is absent")
    return path


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local SparkSession for the whole test session: one core, one shuffle partition, no UI,
    errors-only logs, tuned to start fast. PySpark needs Java 17 or newer (``make test`` installs
    Debian's default-jre-headless when ``java`` is missing)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Java not found; PySpark needs it: run `make test` as root, or "
                    "`sudo apt-get install -y --no-install-recommends default-jre-headless`")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = (SparkSession.builder.master("local[1]").appName("cxstats-tests")
               .config("spark.sql.shuffle.partitions", "1")
               .config("spark.default.parallelism", "1")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.driver.host", "127.0.0.1")
               # tiny frames: a quick JIT and no query-compilation work start faster
               .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
               .config("spark.sql.codegen.wholeStage", "false")
               .config("spark.sql.adaptive.enabled", "false"))
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # e.g. a Java older than PySpark supports
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
        version = (java.stderr.strip().splitlines() or ["no output"])[0]
        pytest.fail(f"PySpark could not start a local session ({type(exc).__name__}: {exc}); "
                    f"it needs Java 17 or newer, `java -version` says: {version}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# Hypothesis profiles: a small, derandomized one for `make test` (same examples on every run) and
# a long one for a fuzzing session, selected with HYPOTHESIS_PROFILE=long. Tests that set their own
# max_examples keep it; the others take it from the profile.
settings.register_profile("default", max_examples=30, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=1_000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# --- the book's rule: no hand-typed figure in prose ------------------------------------------
_ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")
_CODE = re.compile(r"`[^`]*`")
_LINK_URL = re.compile(r"\]\([^)]*\)")
_DIRECTIVE = re.compile(r"^(```.*|:[a-z]+:.*)$", re.MULTILINE)
_NUMBER = re.compile(r"(?<![\w.\-])\d[\d,.]*")


def _literal_figures(markdown: str) -> list[str]:
    """Numbers typed into prose (outside glue/cite roles, inline code, link targets, directives)."""
    text = _DIRECTIVE.sub("", markdown)
    text = _LINK_URL.sub("]", _CODE.sub("", _ROLE.sub("", text)))
    return _NUMBER.findall(text)


@pytest.fixture
def literal_figures() -> Callable[[str], list[str]]:
    """Numbers typed into prose, for the no-hand-typed-figure rule of every chapter."""
    return _literal_figures


# --- the repository's scripts, loaded by file path (scripts/ is not a package) -------------------
def _load_script(name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def script() -> Callable[[str], Any]:
    """``script("make_source_pages")``: a module of scripts/ by its name."""
    return _load_script


@pytest.fixture
def whole_sample_copy(tmp_path: Path) -> tuple[Path, Path, dict[str, Any], dict[str, Any]]:
    """A copy of the catalogue under tmp_path, the file of the report with 2,049 respondents,
    its parsed document and its first proportion without a stated n (edit, then write back)."""
    import yaml

    from cxstats import _resources

    root = tmp_path / "catalogue"
    shutil.copytree(_resources.catalogue_dir(), root)
    path = next(p for p in sorted(root.rglob("*.yml"))
                if "sample_size: 2049" in p.read_text(encoding="utf-8"))
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    stat = next(s for s in doc["statistics"] if s["kind"] == "proportion" and s["n"] is None)
    return root, path, doc, stat

