"""Small tables shipped with cxstats: synthetic tickets and customers, and real-data aggregates.

* :func:`load_tickets` and :func:`load_customers` return made-up tables (written by the seeded
  script ``scripts/make_datasets.py``; ``data/datasets/README.md`` documents every column and the
  generating process). Use them to try the analyses before pointing them at your own data.
* :func:`load_aggregate` returns a table of counts per group made from a public data set (telecom
  churn by customer-service calls, CFPB disputes by company response) by
  ``scripts/make_aggregates.py``; ``data/aggregates/README.md`` names each source file and its
  sha256. The row-level source files are not shipped.

Files are read through :func:`cxstats._resources.data_dir` (importlib.resources), so they work from
a source checkout and from an installed wheel.

Examples
--------
>>> from cxstats import datasets
>>> tickets = datasets.load_tickets()
>>> tickets.shape
(3000, 8)
>>> sorted(tickets["sentiment"].unique())
['negative', 'neutral', 'positive']
>>> int(datasets.load_customers()["problems"].min())
0
>>> sorted(datasets.aggregate_names())
['cfpb_dispute_by_response', 'telecom_churn_by_service_calls']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cxstats import _resources

__all__ = ["aggregate_names", "load_aggregate", "load_customers", "load_tickets"]

_TICKET_DTYPES = {
    "ticket_id": "str", "customer_id": "str", "channel": "str", "topic": "str",
    "sentiment_score": "float64", "sentiment": "str", "csat_rating": "Int64", "csat": "str",
}
_CUSTOMER_DTYPES = {
    "customer_id": "str", "segment": "str", "tenure_months": "int64", "problems": "int64",
    "price_rating": "int64", "price_sensitive": "bool", "churned": "bool",
}


def _datasets_dir() -> Path:
    return _resources.data_dir() / "datasets"


def _aggregates_dir() -> Path:
    return _resources.data_dir() / "aggregates"


def load_tickets() -> pd.DataFrame:
    """The synthetic tickets table: 3,000 made-up support tickets.

    Returns
    -------
    pandas.DataFrame
        Columns ``ticket_id, customer_id, channel, topic, sentiment_score, sentiment,
        csat_rating, csat``. ``csat`` (good/bad) and ``csat_rating`` (1-5) are missing for the
        tickets whose customer did not answer the survey. A fresh copy on every call.

    Notes
    -----
    Made by ``scripts/make_datasets.py`` (seeded); see ``data/datasets/README.md``.

    Examples
    --------
    >>> from cxstats.datasets import load_tickets
    >>> t = load_tickets()
    >>> bool(((t["csat_rating"] >= 4) == (t["csat"] == "good")).dropna().all())
    True
    """
    return pd.read_csv(_datasets_dir() / "tickets.csv", dtype=_TICKET_DTYPES)


def load_customers() -> pd.DataFrame:
    """The synthetic customers table: 2,000 made-up customers.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id, segment, tenure_months, problems, price_rating,
        price_sensitive, churned``. A fresh copy on every call.

    Notes
    -----
    Made by ``scripts/make_datasets.py`` (seeded); see ``data/datasets/README.md``.

    Examples
    --------
    >>> from cxstats.datasets import load_customers
    >>> c = load_customers()
    >>> bool(((c["price_rating"] >= 7) == c["price_sensitive"]).all())
    True
    """
    return pd.read_csv(_datasets_dir() / "customers.csv", dtype=_CUSTOMER_DTYPES)


def aggregate_names() -> list[str]:
    """Names accepted by :func:`load_aggregate` (the CSV files in ``data/aggregates``)."""
    return sorted(p.stem for p in _aggregates_dir().glob("*.csv"))


def load_aggregate(name: str) -> pd.DataFrame:
    """A table of counts per group made from a public data set.

    Parameters
    ----------
    name : str
        One of :func:`aggregate_names`: ``"telecom_churn_by_service_calls"`` (columns
        ``customer_service_calls, customers, churned``) or ``"cfpb_dispute_by_response"``
        (columns ``company_response, complaints, with_dispute_value, disputed``).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ValueError
        ``name`` is not one of the shipped aggregates.

    Notes
    -----
    Written by ``scripts/make_aggregates.py``; ``data/aggregates/README.md`` names the source
    files, their sha256 and the licences.

    Examples
    --------
    >>> from cxstats.datasets import load_aggregate
    >>> calls = load_aggregate("telecom_churn_by_service_calls")
    >>> int(calls["customers"].sum()), int(calls["churned"].sum())
    (3333, 483)
    """
    names = aggregate_names()
    if not isinstance(name, str) or name not in names:
        raise ValueError(f"name must be one of {names!r}; got {name!r}")
    return pd.read_csv(_aggregates_dir() / f"{name}.csv")
