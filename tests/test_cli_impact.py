"""The ``cxstats impact`` command: inputs files, the --data mode and hostile files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cxstats.cli import impact_main as main_cli
from cxstats.cli import main
from cxstats.models.impact import load_inputs_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "examples" / "impact.yml"

FULL_TOML = """
customers = 1000
revenue_per_customer = 100.0
method = "absolute"
draws = 2000
seed = 1

[inputs]
margin = 1.0
problem_rate_minor = 0.0
problem_rate_major = 0.5
complaint_rate_major = 0.5
share_resolved_quickly = 0.3
share_resolved_slowly = 0.3
share_mollified = 0.0
share_unresolved = 0.4
loyalty_silent_major = 0.09
loyalty_unresolved_major = 0.19
loyalty_resolved_slowly_major = 0.54
loyalty_resolved_quickly_major = 0.82
wom_conversion_negative = 0.0
wom_conversion_positive = 0.0
loyalty_no_problem = 0.9
"""


def test_example_file_parses():
    data = load_inputs_file(EXAMPLE)
    assert data["customers"] > 0 and "inputs" in data
    assert data.get("method", "incremental") == "incremental"


def test_cli_runs_toml_and_prints_hand_checked_value(tmp_path, capsys):
    path = tmp_path / "inputs.toml"
    path.write_text(FULL_TOML)
    assert main(["impact", str(path)]) == 0
    out, err = capsys.readouterr()
    # models.md worked example: 0.3565 of 1,000 customers at 100 each
    line = next(x for x in out.splitlines() if x.startswith("revenue_lost "))
    assert line.split()[2] == "35,650"
    assert "absolute - the upper bound" in out
    # 35.65% of the base is above the 30% guard: warned on stdout and stderr, one line each
    assert "WARNING: implausible: the central loss is 36% of the customer base" in out
    assert err.startswith("cxstats impact: warning: implausible") and err.count("\n") == 1


def test_cli_example_file_reports_severity_and_provenance(capsys):
    assert main(["impact", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("churn impact (incremental;")
    for word in ("customers_lost_minor", "customers_lost_major", "severity",
                 "quality-progress-2003-did-not-complain-142-usd",
                 "fast-company-2003-tarp-loyal-under-5-no-complaint", "sensitivity",
                 "share of the customer base lost"):
        assert word in out
    inputs = out.split("\ninputs\n")[1].split("\n\n")[0].splitlines()
    row = next(x.split() for x in inputs if x.startswith("loyalty_silent_major "))
    assert row[1] == "major" and row[-2:] == ["catalogue",
                                              "fast-company-2003-tarp-loyal-over-100-no-complaint"]
    row = next(x.split() for x in inputs if x.startswith("loyalty_no_problem "))
    assert row[1] == "all" and "assumption" in row
    assert "WARNING" not in out


def test_cli_prints_plausibility_warning(tmp_path, capsys):
    path = tmp_path / "old.yml"
    path.write_text("customers: 1000\nrevenue_per_customer: 1\nmethod: absolute\ndraws: 100\n"
                    "inputs: {problem_rate_major: 0.74, problem_rate_minor: 0.0}\n")
    assert main(["impact", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "WARNING: implausible" in out and "warning: implausible" in err


def test_progress_only_after_threshold(tmp_path):
    path = tmp_path / "inputs.toml"
    path.write_text(FULL_TOML.replace("problem_rate_major = 0.5", "problem_rate_major = 0.2"))
    out, err = io.StringIO(), io.StringIO()
    assert main_cli(path, stdout=out, stderr=err, progress_after=3600) == 0
    assert err.getvalue() == ""
    out, err = io.StringIO(), io.StringIO()
    assert main_cli(path, stdout=out, stderr=err, progress_after=0) == 0
    assert "draws" in err.getvalue() and err.getvalue().endswith("\n")


BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
customers: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(("content", "name", "message"), [
    ("customers: -5\nrevenue_per_customer: 1\n", "bad.yml", "customers must be >= 0"),
    ("customer: 5\n", "typo.yml", "unknown keys"),
    ("- 1\n- 2\n", "list.yml", "must hold a mapping"),
    ("customers = 1\n", "x.json", "must end in .yml, .yaml or .toml"),
    # issue 16 reproducers: each one a traceback (or out of memory) before
    (BILLION_LAUGHS, "laughs.yml", "laughs.yml: line 1: YAML anchors and aliases"),
    ("customers: [1, 2\nrevenue_per_customer: 1\n", "broken.yml", "broken.yml: line 2: malformed"),
    ("customers: 1\ncustomers: 2\n", "dup.yml", "dup.yml: line 2: duplicate key 'customers'"),
    ("customers = [1\n", "broken.toml", "broken.toml: not valid TOML"),
    ("customers: 10\nrevenue_per_customer: 1\ndraws: 10000000000\n", "big.yml",
     "draws must be between 1 and 10,000,000"),
    ("customers: 10\nrevenue_per_customer: 1\nseed: -1\n", "seed.yml", "seed must be >= 0"),
    ("customers: .nan\nrevenue_per_customer: 1\n", "nan.yml", "customers: "),
    ("customers: 10\nrevenue_per_customer: 1\nmethod: [1]\n", "m.yml", "method must be one of"),
    # too deep for the parser: the C parser says so, the pure-Python one runs out of recursion
    ("customers: " + "[" * 100_000 + "]" * 100_000 + "\n", "deep.yml", "deep.yml: "),
])
def test_cli_bad_file_one_line_exit_1(tmp_path, capsys, content, name, message):
    path = tmp_path / name
    path.write_text(content)
    assert main(["impact", str(path)]) == 1
    _, err = capsys.readouterr()
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err and len(err) < 1000


def test_billion_laughs_file_is_small_and_refused_before_expansion(tmp_path, capsys):
    assert len(BILLION_LAUGHS) < 600
    path = tmp_path / "laughs.yml"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(ValueError, match="anchors and aliases"):
        load_inputs_file(path)


def test_cli_folder_as_file(tmp_path, capsys):
    folder = tmp_path / "inputs.yml"
    folder.mkdir()
    assert main(["impact", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "is a folder" in err and err.count("\n") == 1


def test_cli_missing_file(tmp_path, capsys):
    assert main(["impact", str(tmp_path / "nope.yml")]) == 1
    assert "nope.yml" in capsys.readouterr().err


def test_cli_data_mode_by_hand(tmp_path, capsys):
    # 0 calls: 10 of 100 churn; 1 call: 5 of 50; 4+ calls: 12 of 20 (semicolon CSV, text labels)
    rows = (["0;FAUX"] * 90 + ["0;VRAI"] * 10 + ["1;FAUX"] * 45 + ["1;VRAI"] * 5
            + ["5;FAUX"] * 8 + ["5;VRAI"] * 12)
    path = tmp_path / "customers.csv"
    path.write_text("calls;churn\n" + "\n".join(rows) + "\n")
    assert main(["impact", "--data", str(path), "--problems", "calls", "--outcome", "churn",
                 "--positive", "VRAI", "--revenue-per-customer", "100", "--cap", "4"]) == 0
    out = capsys.readouterr().out
    total = next(x.split() for x in out.splitlines() if x.startswith("total "))
    # excess: 20 * (0.6 - 0.1) = 10 customers, 1,000 revenue; 170 customers, 27 churned
    assert total[1:3] == ["170", "27"] and total[5] == "10" and total[8] == "1,000"


def test_cli_data_mode_reads_several_files_together(tmp_path, capsys):
    # the rows of the by-hand table above split over a ";" file and a "," file
    first = tmp_path / "a.csv"
    first.write_text("calls;churn\n" + "\n".join(["0;FAUX"] * 90 + ["1;VRAI"] * 5) + "\n")
    second = tmp_path / "b.csv"
    second.write_text("calls,churn\n" + "\n".join(["0,VRAI"] * 10 + ["1,FAUX"] * 45
                                                  + ["5,FAUX"] * 8 + ["5,VRAI"] * 12) + "\n")
    assert main(["impact", "--data", str(first), str(second), "--problems", "calls",
                 "--outcome", "churn", "--positive", "VRAI", "--revenue-per-customer", "100",
                 "--cap", "4"]) == 0
    out = capsys.readouterr().out
    assert "a.csv, b.csv (170 rows)" in out
    total = next(x.split() for x in out.splitlines() if x.startswith("total "))
    assert total[1:3] == ["170", "27"] and total[5] == "10" and total[8] == "1,000"


def test_cli_data_mode_takes_revenue_from_the_inputs_file(tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_text("calls,churn\n" + "\n".join(["0,0"] * 9 + ["0,1"] + ["1,0"] * 3 + ["1,1"]
                                                    + ["2,1"] * 2 + ["2,0"]) + "\n")
    assert main(["impact", str(EXAMPLE), "--data", str(path), "--problems", "calls",
                 "--outcome", "churn", "--cap", "2"]) == 0
    out = capsys.readouterr().out
    total = next(x.split() for x in out.splitlines() if x.startswith("total "))
    # excess: 4 * (1/4 - 0.1) + 3 * (2/3 - 0.1) = 0.6 + 1.7 = 2.3 customers; the example
    # file's 1,200 revenue per customer at margin 0.35
    assert total[5] == "2.3" and total[8] == f"{2.3 * 1200 * 0.35:,.0f}"


@pytest.mark.parametrize(("args", "message"), [
    (["--data", "x.csv"], "--data needs --problems COLUMN and --outcome COLUMN"),
    (["--data", "{csv}", "--problems", "calls", "--outcome", "churn"],
     "--data needs --revenue-per-customer"),
    (["--data", "{csv}", "--problems", "nope", "--outcome", "churn",
      "--revenue-per-customer", "1"], "no column 'nope'"),
    ([], "give an inputs file"),
])
def test_cli_data_mode_errors(tmp_path, capsys, args, message):
    csv = tmp_path / "c.csv"
    csv.write_text("calls,churn\n0,0\n0,1\n1,1\n")
    argv = ["impact", *[a.replace("{csv}", str(csv)) for a in args]]
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_cli_data_mode_refuses_a_positive_label_that_matches_nothing(tmp_path, capsys):
    # "True" is not how this file writes churn (VRAI/FAUX): counting nobody as churned would
    # report a loss of 0; the command stops and shows the values instead.
    path = tmp_path / "customers.csv"
    path.write_text("calls;churn\n" + "\n".join(["0;FAUX", "0;VRAI", "1;VRAI"]) + "\n")
    assert main(["impact", "--data", str(path), "--problems", "calls", "--outcome", "churn",
                 "--positive", "True", "--revenue-per-customer", "100"]) == 1
    err = capsys.readouterr().err
    assert "--positive 'True' matches no value of column 'churn'" in err
    assert "'FAUX', 'VRAI'" in err
