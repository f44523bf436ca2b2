"""Make the small aggregate tables in data/aggregates/ from the public data sets in ../shared/data.

Only counts per group leave this script; no row of the source files is written to the repository.
``data/aggregates/README.md`` (also written here) names each source file, its sha256 and this
script. ``tests/analyses/test_real_data.py`` re-makes the tables from ../shared and compares them with the
shipped files (skipped when ../shared is absent).

Usage::

    python scripts/make_aggregates.py [--shared PATH] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

from cxstats._generated import sync

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "aggregates"
TELECOM = ("telecom-churn-bigml", ("churn-bigml-80.csv", "churn-bigml-20.csv"))
CFPB = ("cfpb-consumer-complaints-sample", ("consumer_complaints.csv",))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_telecom(shared: Path) -> pd.DataFrame:
    """Both BigML files, read as their SOURCE.md says (';' separator, VRAI/FAUX)."""
    folder, names = TELECOM
    parts = [pd.read_csv(shared / "data" / folder / name, sep=";", true_values=["VRAI"],
                         false_values=["FAUX"]) for name in names]
    return pd.concat(parts, ignore_index=True)


def read_cfpb(shared: Path) -> pd.DataFrame:
    folder, names = CFPB
    return pd.read_csv(shared / "data" / folder / names[0])


def telecom_churn_by_service_calls(shared: Path) -> pd.DataFrame:
    t = read_telecom(shared)
    g = t.groupby("Customer service calls")["Churn"]
    out = pd.DataFrame({"customers": g.size(), "churned": g.sum()}).reset_index()
    out = out.rename(columns={"Customer service calls": "customer_service_calls"})
    return out.astype("int64")


def cfpb_dispute_by_response(shared: Path) -> pd.DataFrame:
    c = read_cfpb(shared)
    disputed = c["Consumer disputed?"]
    g = pd.DataFrame({"response": c["Company response to consumer"],
                      "has_value": disputed.isin(["Yes", "No"]),
                      "yes": disputed.eq("Yes")}).groupby("response")
    out = pd.DataFrame({"complaints": g.size(), "with_dispute_value": g["has_value"].sum(),
                        "disputed": g["yes"].sum()}).reset_index()
    out = out.rename(columns={"response": "company_response"})
    return out.astype({"complaints": "int64", "with_dispute_value": "int64",
                       "disputed": "int64"})


TABLES = {
    "telecom_churn_by_service_calls": (telecom_churn_by_service_calls, TELECOM,
                                       "customers and churners per number of customer-service "
                                       "calls (both files concatenated)"),
    "cfpb_dispute_by_response": (cfpb_dispute_by_response, CFPB,
                                 "complaints, complaints with a Yes/No 'Consumer disputed?' and "
                                 "disputed ones per 'Company response to consumer'"),
}


def make(shared: Path) -> dict[str, str]:
    """File name -> text of every file in data/aggregates (CSV tables and the README)."""
    files: dict[str, str] = {}
    readme = ["# Aggregate tables made from public data sets",
              "",
              "Written by `scripts/make_aggregates.py` from the files in `../shared/data/` (not in "
              "the repository). Only counts per group are stored; read each data set's SOURCE.md "
              "for its origin, licence and caveats (both data sets below are not real customer "
              "records or not a random sample). `tests/analyses/test_real_data.py` re-makes these tables "
              "and compares.", ""]
    for name, (func, (folder, sources), what) in TABLES.items():
        table = func(shared)
        files[f"{name}.csv"] = table.to_csv(index=False, lineterminator="\n")
        readme += [f"## {name}.csv", "", what + ".", "",
                   f"Columns: {', '.join(table.columns)}.", "",
                   "| source file | sha256 |", "| --- | --- |"]
        readme += [f"| `../shared/data/{folder}/{s}` | `{sha256(shared / 'data' / folder / s)}` |"
                   for s in sources]
        readme.append("")
    files["README.md"] = "\n".join(readme)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    files = make(args.shared)
    return sync(OUT, files, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
