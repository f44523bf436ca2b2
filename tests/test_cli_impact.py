"""The ``cxstats impact FILE`` command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cxstats.cli import main
from cxstats.models.impact import load_inputs_file, main_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "impact.yml"

FULL_TOML = """
customers = 1000
revenue_per_customer = 100.0
draws = 2000
seed = 1

[inputs]
margin = 1.0
problem_rate = 0.5
complaint_rate = 0.5
share_resolved_quickly = 0.3
share_resolved_slowly = 0.3
share_mollified = 0.0
share_unresolved = 0.4
loyalty_silent = 0.09
loyalty_unresolved = 0.19
loyalty_resolved_slowly = 0.54
loyalty_resolved_quickly = 0.82
told_silent = 10
told_unresolved = 10
told_mollified = 10
told_resolved = 5
wom_conversion_negative = 0.0
wom_conversion_positive = 0.0
"""


def test_example_file_parses():
    data = load_inputs_file(EXAMPLE)
    assert data["customers"] > 0 and "inputs" in data


def test_cli_runs_toml_and_prints_hand_checked_value(tmp_path, capsys):
    path = tmp_path / "inputs.toml"
    path.write_text(FULL_TOML)
    assert main(["impact", str(path)]) == 0
    out, err = capsys.readouterr()
    # models.md worked example: 0.3565 of 1,000 customers at 100 each
    line = next(x for x in out.splitlines() if x.startswith("revenue_lost "))
    assert line.split()[2] == "35,650"
    assert "sensitivity" not in out  # nothing varies
    assert err == ""  # fast run: no progress line


def test_cli_example_file(capsys):
    pytest.importorskip("yaml")
    assert main(["impact", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    for word in ("customers_lost", "inputs", "ccmc-asu-2023-problem-past-year", "sensitivity"):
        assert word in out


def test_progress_only_after_threshold(tmp_path):
    path = tmp_path / "inputs.toml"
    path.write_text(FULL_TOML)
    out, err = io.StringIO(), io.StringIO()
    assert main_cli(path, stdout=out, stderr=err, progress_after=3600) == 0
    assert err.getvalue() == ""
    out, err = io.StringIO(), io.StringIO()
    assert main_cli(path, stdout=out, stderr=err, progress_after=0) == 0
    assert "draws" in err.getvalue() and err.getvalue().endswith("\n")


@pytest.mark.parametrize(("content", "name", "message"), [
    ("customers: -5\nrevenue_per_customer: 1\n", "bad.yml", "customers must be >= 0"),
    ("customer: 5\n", "typo.yml", "unknown keys"),
    ("- 1\n- 2\n", "list.yml", "must hold a mapping"),
    ("customers = 1\n", "x.json", "must end in .yml, .yaml or .toml"),
])
def test_cli_bad_file(tmp_path, capsys, content, name, message):
    path = tmp_path / name
    path.write_text(content)
    assert main(["impact", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_cli_missing_file(tmp_path, capsys):
    assert main(["impact", str(tmp_path / "nope.yml")]) == 1
    assert "nope.yml" in capsys.readouterr().err
