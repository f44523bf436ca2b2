"""cxstats.datasets: the shipped synthetic tables and aggregates."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cxstats import _resources, datasets

ROOT = Path(__file__).resolve().parent.parent


def test_tickets_shape_and_columns() -> None:
    t = datasets.load_tickets()
    assert list(t.columns) == ["ticket_id", "customer_id", "channel", "topic", "sentiment_score",
                               "sentiment", "csat_rating", "csat"]
    assert len(t) == 3000 and t["ticket_id"].is_unique
    assert set(t["sentiment"]) == {"negative", "neutral", "positive"}
    assert set(t["csat"].dropna()) == {"good", "bad"}
    assert t["sentiment_score"].between(-1, 1).all()
    assert str(t["csat_rating"].dtype) == "Int64"
    rated = t["csat"].notna()
    assert (t["csat_rating"].notna() == rated).all()
    assert ((t.loc[rated, "csat_rating"] >= 4) == (t.loc[rated, "csat"] == "good")).all()
    neg = t["sentiment_score"] < -0.3
    assert ((t["sentiment"] == "negative") == neg).all()


def test_customers_shape_and_columns() -> None:
    c = datasets.load_customers()
    assert list(c.columns) == ["customer_id", "segment", "tenure_months", "problems",
                               "price_rating", "price_sensitive", "churned"]
    assert len(c) == 2000 and c["customer_id"].is_unique
    assert c["price_sensitive"].dtype == bool and c["churned"].dtype == bool
    assert ((c["price_rating"] >= 7) == c["price_sensitive"]).all()
    assert (c["problems"] >= 0).all()
    # every ticket belongs to a known customer
    assert set(datasets.load_tickets()["customer_id"]) <= set(c["customer_id"])


def test_loaders_return_fresh_copies() -> None:
    a = datasets.load_tickets()
    a.loc[0, "sentiment"] = "changed"
    assert datasets.load_tickets().loc[0, "sentiment"] != "changed"


def test_generator_reproduces_the_shipped_files(script) -> None:
    module = script("make_datasets")
    tickets, customers = module.make()
    folder = _resources.data_dir() / "datasets"
    assert module.to_csv_text(tickets) == (folder / "tickets.csv").read_text()
    assert module.to_csv_text(customers) == (folder / "customers.csv").read_text()
    assert (folder / "README.md").read_text() == module.README
    assert module.main(["--check"]) == 0


def test_readme_documents_every_column() -> None:
    text = (_resources.data_dir() / "datasets" / "README.md").read_text()
    documented = set(re.findall(r"^\| (\w+) \|", text, flags=re.M))
    columns = set(datasets.load_tickets().columns) | set(datasets.load_customers().columns)
    assert columns <= documented


def test_aggregates() -> None:
    assert datasets.aggregate_names() == ["cfpb_dispute_by_response",
                                          "telecom_churn_by_service_calls"]
    calls = datasets.load_aggregate("telecom_churn_by_service_calls")
    # SOURCE.md of the telecom data: 3,333 customers, 483 churned
    assert (int(calls["customers"].sum()), int(calls["churned"].sum())) == (3333, 483)
    cfpb = datasets.load_aggregate("cfpb_dispute_by_response")
    # SOURCE.md of the CFPB sample: 3,186 rows, 3,129 with Yes/No, 595 disputed
    assert int(cfpb["complaints"].sum()) == 3186
    assert (int(cfpb["with_dispute_value"].sum()), int(cfpb["disputed"].sum())) == (3129, 595)
    readme = (_resources.data_dir() / "aggregates" / "README.md").read_text()
    assert "781f446fa86a7bea6aadda6fd1c642acefbf11ff61fc1f4b78122520cca7fe33" in readme
    assert "make_aggregates.py" in readme


@pytest.mark.parametrize("name", ["nope", "", None, "telecom_churn_by_service_calls.csv"])
def test_unknown_aggregate(name) -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        datasets.load_aggregate(name)


def test_aggregate_supports_the_book_workflow() -> None:
    """A count table expands to one row per customer and feeds the analysis."""
    from cxstats.analyses import outcome_by_problems

    calls = datasets.load_aggregate("telecom_churn_by_service_calls")
    rows = calls.loc[calls.index.repeat(calls["customers"])].reset_index(drop=True)
    rows["churn"] = rows.groupby("customer_service_calls").cumcount() < rows["churned"]
    res = outcome_by_problems(rows, problems="customer_service_calls", outcome="churn", cap=4)
    assert (res.high_vs_low.loc[0, "events_more"], res.high_vs_low.loc[0, "n_more"]) == (138, 267)
    assert isinstance(res.rates, pd.DataFrame)
