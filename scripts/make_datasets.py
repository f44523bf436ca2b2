"""Generate the small synthetic tables shipped with cxstats: data/datasets/tickets.csv and customers.csv.

The tables are made up (no real customer is in them) from a seeded random generator, so running this
script again writes byte-identical files; ``tests/test_datasets.py`` checks that. They exist for the
docstring examples and the book, where readers need a tickets table and a customers table with the
shape of their own data. The generating process is documented in data/datasets/README.md (written
by this script too).

Usage::

    python scripts/make_datasets.py            # writes data/datasets/
    python scripts/make_datasets.py --check    # exits 1 if the files on disk differ
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cxstats._generated import sync

SEED = 20220215  # the Zendesk blog post's "last updated" date; any fixed number would do
N_TICKETS = 3_000
N_CUSTOMERS = 2_000
OUT = Path(__file__).resolve().parent.parent / "data" / "datasets"

CHANNELS = {"chat": 0.40, "email": 0.35, "webform": 0.25}
TOPICS = {"billing": (0.30, -0.20), "delivery": (0.25, -0.10), "product": (0.25, 0.05),
          "account": (0.20, 0.10)}  # share of tickets, mean first-contact sentiment score
SENTIMENT_CUTS = (-0.3, 0.3)  # score < -0.3 negative, > 0.3 positive, else neutral
P_RATED = 0.70  # share of tickets with a CSAT answer
# log-odds of a good rating: intercept + slope * sentiment score + channel shift
CSAT_INTERCEPT, CSAT_SLOPE = 2.0, 0.8
CSAT_CHANNEL = {"chat": 0.3, "email": -0.2, "webform": 0.0}
# customers: problems ~ Poisson(PROBLEM_MEAN); price rating and churn depend on problems
PROBLEM_MEAN = 0.9
PRICE_INTERCEPT, PRICE_SLOPE, PRICE_CUT = -0.9, 0.45, 7
CHURN_INTERCEPT, CHURN_PROBLEMS, CHURN_PRICE = -2.4, 0.35, 0.7


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def make_customers(rng: np.random.Generator) -> pd.DataFrame:
    n = N_CUSTOMERS
    problems = rng.poisson(PROBLEM_MEAN, n)
    p_sensitive = _expit(PRICE_INTERCEPT + PRICE_SLOPE * problems)
    sensitive = rng.random(n) < p_sensitive
    # a 0-10 rating consistent with the flag: 7-10 if sensitive, 0-6 otherwise
    rating = np.where(sensitive, rng.integers(PRICE_CUT, 11, n), rng.integers(0, PRICE_CUT, n))
    churned = rng.random(n) < _expit(CHURN_INTERCEPT + CHURN_PROBLEMS * problems
                                     + CHURN_PRICE * sensitive)
    return pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(1, n + 1)],
        "segment": rng.choice(["consumer", "small_business"], n, p=[0.8, 0.2]),
        "tenure_months": rng.integers(1, 73, n),
        "problems": problems,
        "price_rating": rating,
        "price_sensitive": sensitive,
        "churned": churned,
    })


def make_tickets(rng: np.random.Generator, customer_ids: pd.Series) -> pd.DataFrame:
    n = N_TICKETS
    channel = rng.choice(list(CHANNELS), n, p=list(CHANNELS.values()))
    topic = rng.choice(list(TOPICS), n, p=[v[0] for v in TOPICS.values()])
    mean = np.array([TOPICS[t][1] for t in topic])
    score = np.clip(np.round(rng.normal(mean, 0.45), 2), -1.0, 1.0) + 0.0
    sentiment = np.where(score < SENTIMENT_CUTS[0], "negative",
                         np.where(score > SENTIMENT_CUTS[1], "positive", "neutral"))
    shift = np.array([CSAT_CHANNEL[c] for c in channel])
    good = rng.random(n) < _expit(CSAT_INTERCEPT + CSAT_SLOPE * score + shift)
    rating = np.where(good, rng.integers(4, 6, n), rng.integers(1, 4, n))
    rated = rng.random(n) < P_RATED
    return pd.DataFrame({
        "ticket_id": [f"T{i:05d}" for i in range(1, n + 1)],
        "customer_id": rng.choice(customer_ids.to_numpy(), n),
        "channel": channel,
        "topic": topic,
        "sentiment_score": score,
        "sentiment": sentiment,
        "csat_rating": pd.Series(rating, dtype="Int64").where(rated),
        "csat": pd.Series(np.where(good, "good", "bad"), dtype=object).where(rated),
    })


def make() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables, customers first (tickets reference customer ids)."""
    rng = np.random.default_rng(SEED)
    customers = make_customers(rng)
    tickets = make_tickets(rng, customers["customer_id"])
    return tickets, customers


def to_csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.2f")


README = f"""# Synthetic tickets and customers (made up, seeded)

Written by `scripts/make_datasets.py` (seed {SEED}); run it again to get byte-identical files.
**No row is real.** The tables exist so that the docstring examples and the book have data with the
shape of an analyst's own tickets and customers. Load them with `cxstats.datasets.load_tickets()`
and `cxstats.datasets.load_customers()`.

## tickets.csv ({N_TICKETS:,} rows, one per support ticket)
| column | meaning | how it was generated |
| --- | --- | --- |
| ticket_id | `T00001`... | sequence |
| customer_id | a `customer_id` of customers.csv | drawn uniformly with replacement |
| channel | chat / email / webform | shares {CHANNELS} |
| topic | billing / delivery / product / account | shares and mean sentiment {TOPICS} |
| sentiment_score | first-contact sentiment, -1 (angry) to 1 (happy) | Normal(topic mean, 0.45), rounded to 2 decimals, clipped |
| sentiment | negative / neutral / positive | score < {SENTIMENT_CUTS[0]} negative, > {SENTIMENT_CUTS[1]} positive |
| csat_rating | CSAT 1-5, blank when the customer did not answer | good: 4 or 5, bad: 1, 2 or 3 (uniform) |
| csat | good / bad, blank when not answered | good with probability expit({CSAT_INTERCEPT} + {CSAT_SLOPE} × score + channel shift {CSAT_CHANNEL}); answered with probability {P_RATED} |

`csat` is `good` exactly when `csat_rating >= 4`, so `forgiveness_rate(t)` and
`forgiveness_rate(t, csat="csat_rating", csat_threshold=4)` agree.

## customers.csv ({N_CUSTOMERS:,} rows, one per customer)
| column | meaning | how it was generated |
| --- | --- | --- |
| customer_id | `C00001`... | sequence |
| segment | consumer / small_business | 80% / 20% |
| tenure_months | months as a customer | uniform 1-72 |
| problems | problems the customer experienced | Poisson(mean {PROBLEM_MEAN}) |
| price_rating | "how much does price decide where you buy", 0-10 | 7-10 if price-sensitive, 0-6 otherwise (uniform) |
| price_sensitive | True / False | probability expit({PRICE_INTERCEPT} + {PRICE_SLOPE} × problems) |
| churned | True / False | probability expit({CHURN_INTERCEPT} + {CHURN_PROBLEMS} × problems + {CHURN_PRICE} × price_sensitive) |

`price_sensitive` is True exactly when `price_rating >= {PRICE_CUT}`. The true odds ratio of price
sensitivity per extra problem is exp({PRICE_SLOPE}) = {np.exp(PRICE_SLOPE):.3f}, which
`outcome_by_problems(customers).logit` should recover within its interval.
"""  # noqa: E501 (markdown table rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    tickets, customers = make()
    files = {"tickets.csv": to_csv_text(tickets), "customers.csv": to_csv_text(customers),
             "README.md": README}
    return sync(OUT, files, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
